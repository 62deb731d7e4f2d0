#pragma once
// The words of an emergency-call alert, for every channel: e-mail (subject,
// text and HTML bodies), SMS and chat/HTTP webhooks. Pure: no network, no
// clock; the only file read is a site's time zone, once per process
// (time_zone.h).
//
// Every channel says the same essentials first, in the same order: caller
// and extension, callback number, number dialed, time at the site and in
// UTC, the location, then each warning in plain words. A 933-style test
// call carries the TEST CALL banner everywhere.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "common/text.h"
#include "consumers/notifier/emergency_call_view.h"
#include "consumers/notifier/sms.h"

namespace e911::notifier {

// The site an alert is about, from the notifier's own registry view: the
// site whose list is alerted, which for a caller found at another site is
// the site they are physically at.
struct AlertSite {
  std::string id;
  std::string name;       // "London HQ"
  std::string time_zone;  // IANA name ("Europe/London"); empty or unknown: UTC only
};

// The fixed phrases, exactly as sent (docs/notifier.md lists them). All are
// in the GSM-7 alphabet, so none of them forces an SMS into UCS-2.
namespace phrase {
inline constexpr std::string_view kEmergencyBanner = "EMERGENCY CALL";
inline constexpr std::string_view kTestBanner = "TEST CALL";
inline constexpr std::string_view kVpnRegistered = "caller on VPN: registered home address used";
inline constexpr std::string_view kVpnNoNetworkLocation = "caller on VPN: network location not usable";
inline constexpr std::string_view kStaleLocation = "location not confirmed since network change / registration is old";
inline constexpr std::string_view kMissingUnit = "address has no apartment/unit number: NOT dispatchable as is";
inline constexpr std::string_view kUnknownNetwork = "caller on an unknown network";
inline constexpr std::string_view kSiteMismatchBefore = "caller is physically at ";
inline constexpr std::string_view kSiteMismatchAfter = " (not their home site)";
inline constexpr std::string_view kDialPrefix = "dialled with outside-line prefix";
inline constexpr std::string_view kCallbackMissing =
    "no callback number the PSAP can dial: it cannot call the caller back";
inline constexpr std::string_view kCallbackShared =
    "callback number is the main line: the PSAP cannot reach the caller directly";
inline constexpr std::string_view kCallbackExtension = "; extension ";  // + the caller's extension
inline constexpr std::string_view kElinReused =
    "every ELIN of the zone is in use: the one conveyed was reused, a PSAP callback to it may reach an earlier caller";
inline constexpr std::string_view kNoDispatchableLocation =
    "NO DISPATCHABLE LOCATION: call routed to the emergency relay centre";
// Not dispatchable for another reason than a missing unit (e.g. only the
// device's own position is known).
inline constexpr std::string_view kNotDispatchable = "location is NOT dispatchable: confirm it with the caller";
inline constexpr std::string_view kUnknownWarning = "warning: ";  // + the code, for codes newer than this build
inline constexpr std::string_view kUnknownCaller = "caller not identified";
inline constexpr std::string_view kNoCallback = "no callback number";
inline constexpr std::string_view kNoTime = "time not reported";
inline constexpr std::string_view kUnknownLocation = "location unknown";
inline constexpr std::string_view kUnknownSite = "unknown site";
inline constexpr std::string_view kEscalated = "ESCALATED: ";  // + the note
inline constexpr std::string_view kAcknowledge = "Acknowledge: ";  // + the link
}  // namespace phrase

std::string_view banner(const EmergencyCallView& call);

// The plain words for one warning code. `physical_site` names the site the
// caller is at, for site-mismatch.
std::string warning_text(std::string_view code, const EmergencyCallView& call, std::string_view physical_site);

// Everything an alert says, each item cleaned to one line of valid UTF-8.
// Every channel renders from this, so they cannot disagree.
struct AlertFacts {
  std::string banner;
  std::string site;           // "London HQ"
  std::string physical_site;  // where the caller is, for site-mismatch: usually `site`
  std::string call_id;
  std::string notify;       // notification list id, may be empty
  std::string caller_name;  // may be empty
  std::string extension;    // may be empty
  std::string caller;       // "John Smith x5001", or phrase::kUnknownCaller
  std::string callback;     // "+442079460101", or phrase::kNoCallback
  std::string dialed;
  std::string local_time;   // "2026-11-21 04:00:00 CST"; empty without a time or a known zone
  std::string utc_time;     // "2026-11-21 10:00:00 UTC"; empty without a time
  std::string short_time;   // "21 Nov 04:00 CST (10:00 UTC)"; empty without a time
  std::string location;     // the label; phrase::kNoDispatchableLocation when routed to the ECRC
  std::string address;      // the civic address on one line (one_line()), may be empty
  std::string coordinates;  // "30.26720, -97.74310 (accuracy 13 m)", may be empty
  std::string source;       // "switch-port, dispatchable"
  // A registered location whose document says whether it was validated:
  // e911::registered_address_check() ("address registered by the user,
  // NOT validated"); empty otherwise.
  std::string registration;
  std::vector<std::string> warnings;  // plain words, most important first
  bool no_dispatchable_location = false;
  std::string escalation;  // "ESCALATED: ..." or empty
  std::string ack_url;     // may be empty

  // "2026-11-21 04:00:00 CST (2026-11-21 10:00:00 UTC)", or phrase::kNoTime.
  std::string time_line() const;
};

// What the notifier adds to a particular alert beyond the call's facts.
struct AlertExtras {
  // The recipient's acknowledgement link (ack_token.h); empty: none.
  std::string ack_url;
  // Why this list is alerted when it is not the call's own, in plain words
  // ("london-security did not acknowledge within 120 s"); empty: not an
  // escalation. Shown right under the banner as "ESCALATED: <note>".
  std::string escalation_note;
};

AlertFacts alert_facts(const EmergencyCallView& call, const AlertSite& site, const AlertExtras& extras = {});

// ---- e-mail ----

struct EmailMessage {
  std::string subject;  // one line; non-ASCII left to the mailer's RFC 2047 encoding
  std::string text;     // text/plain; charset=utf-8
  std::string html;     // text/html; charset=utf-8, every dynamic text escaped
};

// Subject: "EMERGENCY CALL - London HQ - John Smith x5001"
// (+ " - NO DISPATCHABLE LOCATION" when routed to the relay centre).
EmailMessage render_email(const EmergencyCallView& call, const AlertSite& site, const AlertExtras& extras = {});

// ---- SMS (sizing rules in sms.h) ----

// At most kMaxSmsSegments segments. The essentials come first and, in
// GSM-7, within the first segment (the location label and the caller's
// name are shortened if that is what it takes). Then the first warning,
// then the tail (full address, device coordinates, further warnings),
// which is cut with an ellipsis when the message would not fit. The
// escalation line follows the banner; the acknowledgement link follows the
// first warning and is never cut.
std::string render_sms(const EmergencyCallView& call, const AlertSite& site, const AlertExtras& extras = {});

// ---- webhooks ----

inline constexpr std::string_view kWebhookSchema = "e911.alert/v1";
inline constexpr std::string_view kSignatureHeader = "X-E911-Signature";

// A JSON body: the call's facts, and a `text` that Slack and Microsoft
// Teams (Office 365 connector) incoming webhooks both display.
std::string render_webhook(const EmergencyCallView& call, const AlertSite& site, const AlertExtras& extras = {});

// The kSignatureHeader value: "sha256=<hex>".
std::string webhook_signature(std::string_view key, std::string_view body);

// ---- text hygiene ----

// One line of valid UTF-8: invalid bytes become U+FFFD; control characters
// and line/paragraph separators become spaces (no header or layout
// injection); bidirectional overrides are dropped (a name must not be able
// to reverse how a callback number reads); runs of spaces collapse.
std::string clean_line(std::string_view text);
// & < > " ' as entities (common/text.h).
using e911::html_escape;

}  // namespace e911::notifier
