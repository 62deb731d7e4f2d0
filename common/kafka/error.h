#pragma once
// A Kafka client failure at the I/O boundary (cannot create a client,
// cannot enqueue a message, a fatal producer error). Domain code sees
// Result/Error; this is what the Kafka plumbing throws.

#include <stdexcept>
#include <string>

namespace e911::kafka {

class KafkaError : public std::runtime_error {
 public:
  KafkaError(std::string message, int code = 0, bool fatal = false)
      : std::runtime_error(std::move(message)), code_(code), fatal_(fatal) {}

  // librdkafka's rd_kafka_resp_err_t (RdKafka::ErrorCode), 0 when none.
  int code() const { return code_; }
  // The client instance is unusable and must be recreated (e.g. the
  // idempotent producer lost its guarantee).
  bool fatal() const { return fatal_; }

 private:
  int code_;
  bool fatal_;
};

}  // namespace e911::kafka
