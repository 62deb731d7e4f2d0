#pragma once
// Who is alerted about a call, on which channels: the pure decision, from
// the emergency call and the site registry. No I/O.
//
// One alert per (call, channel, address): the idempotency key that makes a
// redelivered call, or a contact listed twice, alert each address once.

#include <string>
#include <string_view>
#include <vector>

#include "registry/registry.h"
#include "consumers/notifier/alert_text.h"
#include "consumers/notifier/emergency_call_view.h"
#include "consumers/notifier/transport.h"

namespace e911::notifier {

struct AlertTarget {
  std::string notification_id;  // alert_id(call, channel, address)
  std::string list;             // the notification list the contact is in
  std::string recipient_name;   // the contact's name (may be empty)
  Channel channel = Channel::email;
  std::string address;          // e-mail address, E.164 number or webhook URL
};

struct AlertPlan {
  AlertSite site;    // the site the alert is about (where the caller is)
  std::string list;  // the list alerted; empty when there is none at all
  std::vector<AlertTarget> targets;
  // Set when the call's own list could not be used and the registry's
  // fallback list is alerted instead: why, in plain words.
  std::string escalation_note;
  // A test call and the registry says `alert_test_calls: false`.
  bool test_call_not_alerted = false;
};

// Stable, opaque id of one alert: 32 hex digits of SHA-256 over the call
// id, the channel and the address. Personal data stays out of it, so it
// can be logged and used as a message id.
std::string alert_id(std::string_view call_id, Channel channel, std::string_view address);

// The site named in alerts: the one the caller is physically at when the
// locator found one, else the call's own site. Unknown ids give a site
// with the id as its name and no time zone (times in UTC).
AlertSite alert_site(const EmergencyCallView& call, const registry::Registry& registry);

// Every (channel, address) of every contact of `list`, in list order, each
// once. Empty when the list does not exist.
std::vector<AlertTarget> list_targets(std::string_view call_id, std::string_view list,
                                      const registry::Registry& registry);

// The alerts for a call: its `notify` list; if that is empty, unknown or
// has no contacts, the registry's fallback list (saying why).
AlertPlan plan_alerts(const EmergencyCallView& call, const registry::Registry& registry);

// The list to escalate to from `list`, or empty when there is none (no
// fallback configured, or `list` is the fallback itself).
std::string escalation_list(std::string_view list, const registry::Registry& registry);

}  // namespace e911::notifier
