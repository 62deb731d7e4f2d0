#pragma once
// The acknowledgement desk (ack_desk.h) behind the acknowledgement page:
// checks a link's token, shows what the alert was about, and records the
// first acknowledgement of a call (with its e911.notifications record),
// which stops its escalation.
//
// Threads: any (the page serves requests concurrently); the state
// serializes the writes.

#include <functional>
#include <memory>
#include <string>

#include "common/log.h"
#include "consumers/notifier/ack_desk.h"
#include "consumers/notifier/notifier_metrics.h"
#include "consumers/notifier/notifier_store.h"
#include "registry/registry.h"

namespace e911::notifier {

struct AcknowledgementSettings {
  std::string key;  // HMAC key of the tokens; empty: every token is invalid
  std::chrono::milliseconds link_ttl{std::chrono::hours(24)};
};

class Acknowledgements final : public AckDesk {
 public:
  Acknowledgements(NotifierStore& store, NotifierMetrics& metrics, NotifierCounters& counters,
                   const AcknowledgementSettings& settings,
                   std::function<std::shared_ptr<const registry::Registry>()> registry,
                   std::function<void()> wake_publisher);

  AckView look_up(std::string_view token) override;
  AckView acknowledge(std::string_view token, std::string_view comment) override;

 private:
  AckView view_of(const StoredAlert& alert);

  NotifierStore& store_;
  NotifierMetrics& metrics_;
  NotifierCounters& counters_;
  const AcknowledgementSettings& settings_;
  std::function<std::shared_ptr<const registry::Registry>()> registry_;
  std::function<void()> wake_publisher_;
  Logger log_{"notifier"};
};

}  // namespace e911::notifier
