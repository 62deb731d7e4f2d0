// Webhook bodies and their signature (declared in alert_text.h).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

#include "common/json_writer.h"
#include "common/sha256.h"
#include "common/timestamp.h"
#include "consumers/notifier/alert_text.h"

namespace e911::notifier {
namespace {

using json::put;
using json::put_if;
using json::Writer;

// Slack reads & < > as control characters (<!channel> would ping a whole
// channel, so a caller named that must not); Teams renders the entities.
std::string chat_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

// Paragraphs, not single line breaks: Teams renders `text` as Markdown,
// where a lone "\n" does not break the line; Slack shows both.
std::string chat_text(const AlertFacts& f) {
  std::vector<std::string> lines{f.banner + " - " + f.site};
  if (!f.escalation.empty()) lines.push_back(f.escalation);
  if (f.no_dispatchable_location) lines.emplace_back(phrase::kNoDispatchableLocation);
  lines.push_back("Caller: " + f.caller);
  lines.push_back("Callback: " + f.callback);
  lines.push_back("Dialed: " + f.dialed);
  lines.push_back("Time: " + f.time_line());
  if (!f.no_dispatchable_location) lines.push_back("Location: " + f.location);
  if (!f.address.empty()) lines.push_back("Address: " + f.address);
  if (!f.registration.empty()) lines.push_back("Registration: " + f.registration);
  if (!f.coordinates.empty()) lines.push_back("Coordinates: " + f.coordinates);
  for (const auto& w : f.warnings) lines.push_back("Warning: " + w);
  if (!f.ack_url.empty()) lines.push_back(std::string(phrase::kAcknowledge) + f.ack_url);
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "\n\n") + line;
  return chat_escape(out);
}

void write_caller(Writer& w, const AlertFacts& f, const EmergencyCallView& call) {
  w.Key("caller");
  w.StartObject();
  put_if(w, "name", f.caller_name);
  put_if(w, "extension", f.extension);
  put_if(w, "callback", clean_line(call.caller.callback));
  w.EndObject();
}

void write_location(Writer& w, const AlertFacts& f, const EmergencyCallView& call) {
  const auto& l = call.location;
  w.Key("location");
  w.StartObject();
  put(w, "label", f.location);
  put_if(w, "address", f.address);
  put(w, "source", l.source);
  w.Key("dispatchable");
  w.Bool(l.dispatchable);
  if (!f.registration.empty()) {
    w.Key("validated");
    w.Bool(*l.validated);
  }
  put_if(w, "site_id", clean_line(l.site_id));
  put_if(w, "zone_id", clean_line(l.zone_id));
  if (l.geo) json::put_geo(w, *l.geo);
  w.EndObject();
}

void write_warnings(Writer& w, const AlertFacts& f, const EmergencyCallView& call) {
  w.Key("warnings");
  w.StartArray();
  for (const auto& code : call.warnings) {
    w.StartObject();
    put(w, "code", clean_line(code));
    put(w, "text", warning_text(code, call, f.physical_site));
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string render_webhook(const EmergencyCallView& call, const AlertSite& site, const AlertExtras& extras) {
  const auto f = alert_facts(call, site, extras);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "text", chat_text(f));  // first, so a human reading the raw body sees it first
  put(w, "schema", kWebhookSchema);
  put(w, "banner", f.banner);
  put(w, "call_id", f.call_id);
  put(w, "class", call.is_test() ? "test" : "emergency");
  put(w, "dialed", f.dialed);
  if (call.occurred_at) put(w, "occurred_at", format_rfc3339(*call.occurred_at));
  put_if(w, "local_time", f.local_time);
  put_if(w, "country", call.country);
  w.Key("site");
  w.StartObject();
  put_if(w, "id", clean_line(site.id));
  put(w, "name", f.site);
  put_if(w, "time_zone", clean_line(site.time_zone));
  w.EndObject();
  write_caller(w, f, call);
  write_location(w, f, call);
  put(w, "routing", call.routing == Routing::ecrc ? "ecrc" : "psap");
  write_warnings(w, f, call);
  put_if(w, "notify", f.notify);
  put_if(w, "escalation", f.escalation);
  put_if(w, "ack_url", f.ack_url);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string webhook_signature(std::string_view key, std::string_view body) {
  return "sha256=" + hmac_sha256_hex(key, body);
}

}  // namespace e911::notifier
