#pragma once
// What the acknowledgement endpoint asks of the notifier: look a token up
// (to show the page) and acknowledge with it. The HTTP side (ack_server.h)
// knows nothing of the store, and the service nothing of HTTP.

#include <string>
#include <string_view>

#include "common/timestamp.h"

namespace e911::notifier {

struct AckView {
  enum class Kind {
    open,                  // valid, the call not yet acknowledged: show the form
    acknowledged,          // just acknowledged with this token
    already_acknowledged,  // someone acknowledged the call before (who, when)
    expired,               // the link is older than its time to live
    invalid,               // malformed, forged, or unknown
  };
  Kind kind = Kind::invalid;
  // For every kind but invalid: what the alert was about, already cleaned
  // to one line each (never trusted as HTML: the page escapes them).
  std::string banner;     // "EMERGENCY CALL" / "TEST CALL"
  std::string site;       // "London HQ"
  std::string caller;     // "John Smith x5001"
  std::string location;   // the location label
  std::string call_time;  // "2026-11-21 10:15:00 GMT (2026-11-21 10:15:00 UTC)"
  std::string call_id;
  std::string recipient;  // whom this link was sent to
  std::string acknowledged_by;
  EpochMillis acknowledged_at = 0;
};

class AckDesk {
 public:
  virtual ~AckDesk() = default;
  virtual AckView look_up(std::string_view token) = 0;
  // Records the acknowledgement (first one per call wins) with an optional
  // comment (at most 500 characters are kept).
  virtual AckView acknowledge(std::string_view token, std::string_view comment) = 0;
};

}  // namespace e911::notifier
