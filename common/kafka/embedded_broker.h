#pragma once
// An in-process Kafka cluster for the embedded mode, demos and tests:
// librdkafka's mock cluster, which speaks the real Kafka protocol on
// loopback ports, so our clients, kcat and any other Kafka client can
// connect to bootstrap_servers().
//
// Limits of the mock cluster (librdkafka 2.0), which production Kafka
// does not have:
// - Retention is about 5 MB (or 100,000 message batches) per partition;
//   older batches are dropped, and there is NO log compaction: a
//   "compacted" topic such as e911.location-updates keeps every version
//   until the size cap drops the oldest, so state rebuilt from it can lose
//   old keys in a long-running demo.
// - Nothing is persisted: the data lives and dies with this object.
// - A Fetch is answered only after fetch.wait.max.ms even when data is
//   waiting, so that is each consumer hop's latency floor. Measured here:
//   1 ms -> ~2 ms produce-to-consume and ~8% of a core per idle consumer;
//   5 ms -> ~5.5 ms and ~2.5%; the librdkafka default 500 ms -> ~0.5 s.
//   embedded_client_defaults() uses 5 ms.
// - Consumer groups: the first member of a new (or emptied) group waits
//   about 3 s before its first assignment; a member joining or leaving a
//   live group waits up to session.timeout.ms - 1 s for the rebalance
//   (embedded_client_defaults() sets 6 s). Use read_to_end() where no
//   group is needed.
// - Plaintext only: no SSL, no SASL, no ACLs.
// - CreateTopics (the Admin API) is not implemented: create topics with
//   create_topic(). Any unknown topic a client asks about is auto-created
//   with 4 partitions, whatever allow.auto.create.topics says, so a typo
//   in a topic name gives an empty topic rather than an error.

#include <cstdint>
#include <string>
#include <vector>

#include "common/kafka/properties.h"

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace e911::kafka {

class EmbeddedBroker {
 public:
  // Starts `broker_count` brokers on 127.0.0.1 (ephemeral ports). Throws
  // KafkaError.
  explicit EmbeddedBroker(int broker_count = 1);
  ~EmbeddedBroker();
  EmbeddedBroker(const EmbeddedBroker&) = delete;
  EmbeddedBroker& operator=(const EmbeddedBroker&) = delete;

  // "127.0.0.1:PORT[,127.0.0.1:PORT...]"
  const std::string& bootstrap_servers() const { return bootstrap_; }
  int broker_count() const { return broker_count_; }

  // embedded_client_defaults() plus bootstrap.servers.
  Properties client_properties() const;

  // Throws KafkaError if it exists already or the arguments are invalid
  // (replication_factor must be between 1 and broker_count()).
  void create_topic(const std::string& name, int partitions, int replication_factor = 1);

  // Fault injection for tests: the next errors.size() requests of Kafka
  // protocol request type `api_key` (0 Produce, 1 Fetch, 8 OffsetCommit...)
  // fail with these error codes (rd_kafka_resp_err_t), in order.
  void fail_next_requests(std::int16_t api_key, const std::vector<int>& errors);
  // Fault injection for tests: metadata answers for `topic` carry `error`
  // (e.g. RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, what a real cluster
  // without auto-creation says about a topic that does not exist).
  void set_topic_error(const std::string& topic, int error);

 private:
  rd_kafka_s* rk_ = nullptr;
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
  std::string bootstrap_;
  int broker_count_;
};

// librdkafka properties embedded-mode clients should use (under the
// component's own): low fetch wait (see the limits above), no Nagle, tiny
// linger, short group timeouts. Without bootstrap.servers.
Properties embedded_client_defaults();

}  // namespace e911::kafka
