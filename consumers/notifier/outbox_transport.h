#pragma once
// The embedded default's delivery: alerts written to files in a folder
// instead of leaving the machine, so the demo shows every alert without an
// SMTP server or SMS gateway:
//
//   <dir>/email/<notification_id>.eml   one RFC 5322 message per e-mail
//   <dir>/sms.jsonl                     one JSON line per SMS
//   <dir>/webhook.jsonl                 one JSON line per webhook request
//
// Nothing is sent anywhere: never configure it in production.

#include <mutex>
#include <string>

#include "consumers/notifier/transport.h"

namespace e911::notifier {

class OutboxTransport : public Transport {
 public:
  // Creates the folders; throws std::runtime_error if it cannot.
  explicit OutboxTransport(std::string dir);
  SendResult send(const OutgoingAlert& alert) override;
  std::string_view name() const override { return "outbox"; }
  const std::string& dir() const { return dir_; }

 private:
  SendResult append_line(const std::string& file, const std::string& line);
  std::string dir_;
  std::mutex mu_;  // appends to the .jsonl files
};

}  // namespace e911::notifier
