#include "consumers/auditor/query/call_rendering.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include "common/text.h"
#include "common/emergency_call.h"
#include "consumers/auditor/query/output_text.h"

namespace e911::auditor {

namespace {

using Writer = JsonOut;

void key(Writer& w, const char* name) { w.Key(name); }
void int_or_null(Writer& w, const char* name, const std::optional<std::int64_t>& value) {
  w.Key(name);
  if (value) {
    w.Int64(*value);
  } else {
    w.Null();
  }
}
void time_or_null(Writer& w, const char* name, const std::optional<EpochMillis>& value) {
  w.Key(name);
  if (value) {
    const auto s = format_rfc3339(*value);
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  } else {
    w.Null();
  }
}
void size(Writer& w, const char* name, std::size_t value) {
  w.Key(name);
  w.Uint64(value);
}
// A percentage with one decimal, as a JSON number: 66.7, not 66.66666666666667.
std::string one_decimal(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", value);
  return buf;
}
void percent(Writer& w, const char* name, double value) {
  w.Key(name);
  const auto s = one_decimal(value);
  w.RawValue(s.data(), s.size(), rapidjson::kNumberType);
}

void write_call(Writer& w, const CallRow& c) {
  w.StartObject();
  text_or_null(w, "call_id", c.call_id);
  text_or_null(w, "class", c.call_class);
  text_or_null(w, "dialed", c.dialed);
  time_or_null(w, "occurred_at", c.occurred_at);
  text_or_null(w, "site_id", c.site_id);
  key(w, "caller");
  w.StartObject();
  text_or_null(w, "user_id", c.caller_user_id);
  text_or_null(w, "name", c.caller_name);
  text_or_null(w, "extension", c.caller_extension);
  text_or_null(w, "callback", c.callback);
  w.EndObject();
  key(w, "location");
  w.StartObject();
  text_or_null(w, "source", c.location_source);
  bool_or_null(w, "dispatchable", c.dispatchable);
  text_or_null(w, "label", c.location_label);
  text_or_null(w, "address", c.location_address);
  bool_or_null(w, "validated", c.location_validated);
  w.EndObject();
  key(w, "warnings");
  w.StartArray();
  for (const auto& code : c.warnings) w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  w.EndArray();
  text_or_null(w, "routing", c.routing);
  text_or_null(w, "notify", c.notify_list);
  text_or_null(w, "elin", c.elin);
  key(w, "alerts");
  w.StartObject();
  key(w, "total");
  w.Int(c.alerts_total);
  key(w, "delivered");
  w.Int(c.alerts_delivered);
  key(w, "failed");
  w.Int(c.alerts_failed);
  key(w, "escalated");
  w.Int(c.alerts_escalated);
  w.EndObject();
  int_or_null(w, "first_alert_latency_ms", c.first_alert_latency_ms);
  time_or_null(w, "acknowledged_at", c.acknowledged_at);
  text_or_null(w, "acknowledged_by", c.acknowledged_by);
  key(w, "notified");
  w.Bool(c.notified);
  key(w, "all_delivered");
  w.Bool(c.all_delivered);
  w.EndObject();
}

std::string time_text(const std::optional<EpochMillis>& t) { return t ? format_rfc3339(*t) : std::string(); }
std::string int_text(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string(); }


// ---- reading journal payloads, for the timeline ----

struct AlertEvent {
  EpochMillis at = 0;
  std::int64_t seq = 0;
  std::string list, recipient_name, recipient_address, channel, status, error, escalated_to, acknowledged_by,
      comment;
  std::int64_t attempt = 0;
  std::optional<std::int64_t> latency_ms;
};

std::string member_text(const rapidjson::Value& obj, const char* name) {
  if (!obj.IsObject()) return {};
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}
// An integer, or a decimal kept as text ("2783.4" -> 2783).
std::optional<std::int64_t> member_int(const rapidjson::Value& obj, const char* name) {
  if (!obj.IsObject()) return std::nullopt;
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return std::nullopt;
  if (it->value.IsInt64()) return it->value.GetInt64();
  if (it->value.IsString()) {
    try {
      std::size_t used = 0;
      const double d = std::stod(it->value.GetString(), &used);
      if (used == it->value.GetStringLength() && d > -1e15 && d < 1e15) return static_cast<std::int64_t>(d);
    } catch (const std::exception&) {
      // not a number: left out
    }
  }
  return std::nullopt;
}

std::optional<rapidjson::Document> parse(const std::string& payload) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(payload.data(), payload.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  return doc;
}

std::vector<AlertEvent> alert_events(const CallDetail& d) {
  std::vector<AlertEvent> out;
  for (const auto& e : d.entries) {
    if (e.kind != entry_kind::kNotification) continue;
    const auto doc = parse(e.payload);
    if (!doc) continue;
    AlertEvent a;
    a.seq = e.seq;
    a.at = parse_rfc3339(member_text(*doc, "at")).value_or(e.at);
    a.list = member_text(*doc, "list");
    if (const auto r = doc->FindMember("recipient"); r != doc->MemberEnd()) {
      a.recipient_name = member_text(r->value, "name");
      a.recipient_address = member_text(r->value, "address");
    }
    a.channel = member_text(*doc, "channel");
    a.status = member_text(*doc, "status");
    a.error = member_text(*doc, "error");
    a.escalated_to = member_text(*doc, "escalated_to");
    a.acknowledged_by = member_text(*doc, "acknowledged_by");
    a.comment = member_text(*doc, "comment");
    a.attempt = member_int(*doc, "attempt").value_or(0);
    a.latency_ms = member_int(*doc, "latency_ms");
    out.push_back(std::move(a));
  }
  return out;
}

// "ELIN +15125550190 looked up (http, by pbx-callback): reaches this call",
// from an elin.lookup entry's payload (audit_record.h).
std::string lookup_words(const AuditEntry& e) {
  const auto doc = parse(e.payload);
  if (!doc) return "ELIN lookup (payload not readable)";
  const auto it = doc->FindMember("reachable");
  const bool reaches = it != doc->MemberEnd() && it->value.IsBool() && it->value.GetBool();
  std::string out = "ELIN " + tty_text(member_text(*doc, "elin")) + " looked up (" +
                    tty_text(member_text(*doc, "via")) + ", by " + tty_text(member_text(*doc, "by")) + ")";
  if (const auto as_of = member_text(*doc, "as_of"); !as_of.empty()) out += " as of " + tty_text(as_of);
  out += reaches ? ": reaches this call" : ": reaches no call";
  if (const auto pool = member_text(*doc, "pool"); reaches && !pool.empty()) out += " (pool " + tty_text(pool) + ")";
  return out;
}

// When the lookup was answered, else when it was journaled.
EpochMillis lookup_time(const AuditEntry& e) {
  const auto doc = parse(e.payload);
  return doc ? parse_rfc3339(member_text(*doc, "looked_up_at")).value_or(e.at) : e.at;
}

std::string recipient_text(std::string_view name, std::string_view address) {
  if (name.empty() && address.empty()) return "(recipient not recorded)";
  if (name.empty()) return tty_text(address);
  if (address.empty()) return tty_text(name);
  return tty_text(name) + " <" + tty_text(address) + ">";
}

std::string latency_text(std::int64_t ms) {
  if (ms < 10'000) return std::to_string(ms) + " ms";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

// ---- the report ----

void write_figures(Writer& w, const ComplianceFigures& f) {
  w.StartObject();
  text_or_null(w, "site_id", f.site_id);
  size(w, "emergency_calls", f.emergency_calls);
  size(w, "test_calls", f.test_calls);
  size(w, "dispatchable", f.dispatchable);
  percent(w, "dispatchable_percent", f.dispatchable_percent());
  size(w, "notified", f.notified);
  percent(w, "notified_percent", f.notified_percent());
  size(w, "all_delivered", f.all_delivered);
  key(w, "alert_latency_ms");
  w.StartObject();
  size(w, "count", f.alert_latency.count);
  int_or_null(w, "p50", f.alert_latency.p50_ms);
  int_or_null(w, "p95", f.alert_latency.p95_ms);
  int_or_null(w, "max", f.alert_latency.max_ms);
  w.EndObject();
  size(w, "alerts_failed", f.alerts_failed);
  size(w, "alerts_escalated", f.alerts_escalated);
  size(w, "callback_missing", f.callback_missing);
  size(w, "callback_shared", f.callback_shared);
  size(w, "elin_reused", f.elin_reused);
  w.EndObject();
}

std::string covered_text(const ComplianceReport& r) {
  std::string out;
  if (r.filter.from && r.filter.to) {
    out = "from " + format_rfc3339(*r.filter.from) + " to " + format_rfc3339(*r.filter.to);
  } else if (r.filter.from) {
    out = "from " + format_rfc3339(*r.filter.from);
  } else if (r.filter.to) {
    out = "until " + format_rfc3339(*r.filter.to);
  } else {
    out = "all time";
  }
  if (r.filter.site) out += ", site " + tty_text(*r.filter.site);
  if (r.filter.call_class) out += ", " + tty_text(*r.filter.call_class) + " calls";
  return out;
}

std::string count_and_percent(std::size_t n, std::size_t of) {
  if (of == 0) return std::to_string(n);
  return std::to_string(n) + " (" + one_decimal(100.0 * static_cast<double>(n) / static_cast<double>(of)) + "%)";
}

std::string pad(std::string s, std::size_t width, bool right = false) {
  if (s.size() >= width) return s + " ";
  const std::string fill(width - s.size(), ' ');
  return (right ? fill + s : s + fill) + " ";
}

std::string figures_line(const std::string& name, const ComplianceFigures& f, std::size_t name_width) {
  const auto ms = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string("-"); };
  return pad(name, name_width) + pad(std::to_string(f.emergency_calls), 9, true) +
         pad(std::to_string(f.test_calls), 5, true) + pad(count_and_percent(f.dispatchable, f.emergency_calls), 16, true) +
         pad(count_and_percent(f.notified, f.emergency_calls), 16, true) +
         pad(count_and_percent(f.all_delivered, f.emergency_calls), 16, true) + pad(ms(f.alert_latency.p50_ms), 8, true) +
         pad(ms(f.alert_latency.p95_ms), 8, true) + pad(ms(f.alert_latency.max_ms), 8, true) +
         pad(std::to_string(f.alerts_failed), 7, true) + pad(std::to_string(f.alerts_escalated), 9, true) +
         pad(std::to_string(f.callback_missing), 11, true) + pad(std::to_string(f.callback_shared), 10, true) +
         std::to_string(f.elin_reused) + "\n";
}

}  // namespace

// ---- calls ----

std::string call_json(const CallRow& call) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  write_call(w, call);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string calls_json_array(const std::vector<CallRow>& calls) {
  std::string out = "[";
  for (std::size_t i = 0; i < calls.size(); ++i) out += (i == 0 ? "\n" : ",\n") + call_json(calls[i]);
  return out + "\n]\n";
}

std::string calls_csv_header() {
  return "call_id,class,dialed,occurred_at,site_id,caller_user_id,caller_name,caller_extension,callback,"
         "location_source,location_label,location_address,dispatchable,warnings,routing,notify_list,alerts_total,"
         "alerts_delivered,alerts_failed,alerts_escalated,first_alert_latency_ms,acknowledged_at,acknowledged_by,"
         "notified,all_delivered,elin,location_validated\r\n";
}

std::string call_csv_row(const CallRow& c) {
  const std::vector<std::string> fields = {
      csv_field(c.call_id),
      csv_field(c.call_class),
      csv_field(c.dialed),
      time_text(c.occurred_at),
      csv_field(c.site_id),
      csv_field(c.caller_user_id),
      csv_field(c.caller_name),
      csv_field(c.caller_extension),
      csv_field(c.callback),
      csv_field(c.location_source),
      csv_field(c.location_label),
      csv_field(c.location_address),
      c.dispatchable ? (*c.dispatchable ? "yes" : "no") : "",
      csv_field(join(c.warnings, ",")),
      csv_field(c.routing),
      csv_field(c.notify_list),
      std::to_string(c.alerts_total),
      std::to_string(c.alerts_delivered),
      std::to_string(c.alerts_failed),
      std::to_string(c.alerts_escalated),
      int_text(c.first_alert_latency_ms),
      time_text(c.acknowledged_at),
      csv_field(c.acknowledged_by),
      c.notified ? "yes" : "no",
      c.all_delivered ? "yes" : "no",
      csv_field(c.elin),
      c.location_validated ? (*c.location_validated ? "yes" : "no") : "",
  };
  return join(fields, ",") + "\r\n";
}

// ---- one call ----

std::string warning_words(std::string_view code, const CallRow& call) {
  if (code == "vpn") {
    return call.location_source == "registered" ? "caller on VPN: registered home address used"
                                                : "caller on VPN: network location not usable";
  }
  if (code == "stale-location") return "location not confirmed since network change / registration is old";
  if (code == "missing-unit") return "address has no apartment/unit number: NOT dispatchable as is";
  if (code == "unknown-network") return "caller on an unknown network";
  if (code == "site-mismatch") {
    return "caller is physically at " + (call.site_id.empty() ? std::string("another site") : tty_text(call.site_id)) +
           " (not their home site)";
  }
  if (code == "dial-prefix") return "dialled with outside-line prefix";
  if (code == "callback-missing") return "no callback number the PSAP can dial";
  if (code == "callback-shared") return "callback number is a shared line (main line, queue): it does not reach the caller";
  if (code == "elin-reused") return "every ELIN of the zone was in use: the one conveyed was reused";
  return "warning: " + tty_text(code);
}

std::string call_detail_json(const CallDetail& d) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  key(w, "call");
  write_call(w, d.call);
  key(w, "alerts");
  w.StartArray();
  for (const auto& a : d.alerts) {
    w.StartObject();
    text_or_null(w, "notification_id", a.notification_id);
    text_or_null(w, "list", a.list);
    key(w, "recipient");
    w.StartObject();
    text_or_null(w, "name", a.recipient_name);
    text_or_null(w, "address", a.recipient_address);
    w.EndObject();
    text_or_null(w, "channel", a.channel);
    key(w, "attempts");
    w.Int(a.attempts);
    text_or_null(w, "status", a.status);
    time_or_null(w, "last_at", a.last_at);
    time_or_null(w, "delivered_at", a.delivered_at);
    int_or_null(w, "delivered_latency_ms", a.delivered_latency_ms);
    text_or_null(w, "escalated_to", a.escalated_to);
    time_or_null(w, "acknowledged_at", a.acknowledged_at);
    text_or_null(w, "acknowledged_by", a.acknowledged_by);
    text_or_null(w, "error", a.error);
    w.EndObject();
  }
  w.EndArray();
  key(w, "entries");
  w.StartArray();
  for (const auto& e : d.entries) {
    w.StartObject();
    key(w, "seq");
    w.Int64(e.seq);
    text_or_null(w, "kind", e.kind);
    time_or_null(w, "at", e.at);
    key(w, "payload");
    // Stored canonical JSON, embedded as it is; anything else as a string.
    if (parse(e.payload)) {
      w.RawValue(e.payload.data(), e.payload.size(), rapidjson::kObjectType);
    } else {
      w.String(e.payload.data(), static_cast<rapidjson::SizeType>(e.payload.size()));
    }
    text_or_null(w, "hash", e.hash);
    text_or_null(w, "key_id", e.key_id);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

std::string call_timeline_text(const CallDetail& d) {
  const auto& c = d.call;
  std::string out;
  const auto line = [&out](std::string_view label, const std::string& value) {
    if (value.empty()) return;
    out += "  " + std::string(label) + std::string(label.size() < 10 ? 10 - label.size() : 1, ' ') + value + "\n";
  };

  const std::string kind = c.call_class == "test"        ? "TEST call"
                           : c.call_class == "emergency" ? "EMERGENCY call"
                                                         : "call (not journaled yet: only its alerts are)";
  out += "Call " + tty_text(c.call_id) + ": " + kind + (c.dialed.empty() ? "" : ", dialed " + tty_text(c.dialed)) +
         "\n";
  line("time", c.occurred_at ? format_rfc3339(*c.occurred_at) : std::string("not reported"));
  std::string caller = tty_text(c.caller_name);
  std::vector<std::string> ids;
  if (!c.caller_user_id.empty()) ids.push_back("user " + tty_text(c.caller_user_id));
  if (!c.caller_extension.empty()) ids.push_back("extension " + tty_text(c.caller_extension));
  if (!ids.empty()) caller += (caller.empty() ? "" : " ") + std::string("(") + join(ids, ", ") + ")";
  line("caller", caller.empty() ? "not identified" : caller);
  line("callback", c.callback.empty() ? "no callback number" : tty_text(c.callback));
  line("site", tty_text(c.site_id));

  if (!c.location_source.empty() || c.dispatchable || !c.routing.empty()) {
    out += "Location conveyed\n";
    std::string what = c.location_source.empty() ? "source unknown" : "from " + tty_text(c.location_source);
    if (c.dispatchable) what += *c.dispatchable ? ", dispatchable" : ", NOT dispatchable";
    line("location", what);
    line("label", tty_text(c.location_label));
    line("address", tty_text(c.location_address));
    if (c.location_validated) line("check", std::string(registered_address_check(*c.location_validated)));
    if (c.routing == "ecrc") {
      line("routing", "NO DISPATCHABLE LOCATION: call routed to the emergency relay centre");
    } else if (c.routing == "psap") {
      line("routing", "to the PSAP");
    } else {
      line("routing", tty_text(c.routing));
    }
    const bool says_missing_unit = std::find(c.warnings.begin(), c.warnings.end(), "missing-unit") != c.warnings.end();
    if (c.dispatchable && !*c.dispatchable && !says_missing_unit) {
      line("warning", "location is NOT dispatchable: confirm it with the caller");
    }
    for (const auto& code : c.warnings) line("warning", warning_words(code, c));
  }
  line("ELIN", c.elin.empty() ? std::string() : tty_text(c.elin) + " (callbacks to it reach this call while assigned)");

  out += "Notification" + (c.notify_list.empty() ? std::string() : " of list " + tty_text(c.notify_list)) + "\n";
  if (c.alerts_total == 0 && d.alerts.empty()) {
    line("alerts", "none journaled");
  } else {
    line("alerts", std::to_string(c.alerts_total) + " attempted, " + std::to_string(c.alerts_delivered) +
                       " accepted, " + std::to_string(c.alerts_failed) + " failed, " +
                       std::to_string(c.alerts_escalated) + " escalated");
  }
  if (c.first_alert_latency_ms) line("first", "alert accepted " + latency_text(*c.first_alert_latency_ms) + " after the call");
  line("ack", c.acknowledged_at ? "acknowledged" + (c.acknowledged_by.empty() ? "" : " by " + tty_text(c.acknowledged_by)) +
                                      " at " + format_rfc3339(*c.acknowledged_at)
                                : std::string("not acknowledged"));

  // Each recipient's alerts, in time order, from the journal's records.
  auto events = alert_events(d);
  std::stable_sort(events.begin(), events.end(), [](const AlertEvent& a, const AlertEvent& b) {
    return std::tie(a.list, a.recipient_name, a.recipient_address, a.at, a.seq) <
           std::tie(b.list, b.recipient_name, b.recipient_address, b.at, b.seq);
  });
  std::string current;
  for (const auto& e : events) {
    const std::string who = recipient_text(e.recipient_name, e.recipient_address) +
                            (e.list.empty() ? std::string() : " (list " + tty_text(e.list) + ")");
    if (who != current) {
      if (current.empty()) out += "Alerts by recipient\n";
      out += "  " + who + "\n";
      current = who;
    }
    std::string what = format_rfc3339(e.at);
    if (e.latency_ms) {
      what += "  +" + latency_text(*e.latency_ms);
    } else if (c.occurred_at) {
      what += "  +" + latency_text(e.at - *c.occurred_at);
    }
    what += "  " + (e.channel.empty() ? std::string("?") : tty_text(e.channel));
    if (e.attempt > 0) what += " attempt " + std::to_string(e.attempt);
    what += "  " + tty_text(e.status);
    if (!e.escalated_to.empty()) what += ": escalated to " + tty_text(e.escalated_to);
    if (!e.acknowledged_by.empty()) what += " by " + tty_text(e.acknowledged_by);
    if (!e.error.empty()) what += " (" + tty_text(e.error) + ")";
    if (!e.comment.empty()) what += " \"" + tty_text(e.comment) + "\"";
    out += "    " + what + "\n";
  }

  // Who asked whom a callback to the call's ELIN reaches, in journal order.
  bool lookups = false;
  for (const auto& e : d.entries) {
    if (e.kind != entry_kind::kElinLookup) continue;
    if (!std::exchange(lookups, true)) out += "ELIN lookups\n";
    out += "  " + format_rfc3339(lookup_time(e)) + "  " + lookup_words(e) + "\n";
  }

  if (!d.entries.empty()) {
    out += "Journal entries\n";
    for (const auto& e : d.entries) {
      out += "  seq " + std::to_string(e.seq) + "  " + format_rfc3339(e.at) + "  " + tty_text(e.kind) + "\n";
    }
  }
  return out;
}

// ---- the report ----

std::string report_text(const ComplianceReport& r) {
  std::size_t width = 9;
  for (const auto& s : r.sites) width = std::max(width, std::min<std::size_t>(s.site_id.size(), 40) + 1);
  std::string out = "Compliance report: " + covered_text(r) + "\n";
  out += "Percentages are of emergency calls; latency is call to first alert accepted, nearest-rank percentiles.\n\n";
  out += pad("site", width) + pad("emergency", 9, true) + pad("test", 5, true) + pad("dispatchable", 16, true) +
         pad("notified", 16, true) + pad("all delivered", 16, true) + pad("p50 ms", 8, true) + pad("p95 ms", 8, true) +
         pad("max ms", 8, true) + pad("failed", 7, true) + pad("escalated", 9, true) + pad("no callback", 11, true) +
         pad("shared cb", 10, true) + "ELIN reused\n";
  out += figures_line("overall", r.overall, width);
  for (const auto& s : r.sites) out += figures_line(tty_text(s.site_id), s, width);
  return out;
}

std::string report_json(const ComplianceReport& r) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  time_or_null(w, "from", r.filter.from);
  time_or_null(w, "to", r.filter.to);
  text_or_null(w, "site", r.filter.site.value_or(""));
  text_or_null(w, "class", r.filter.call_class.value_or(""));
  key(w, "overall");
  write_figures(w, r.overall);
  key(w, "sites");
  w.StartArray();
  for (const auto& s : r.sites) write_figures(w, s);
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

std::string report_csv(const ComplianceReport& r) {
  std::string out =
      "scope,site_id,emergency_calls,test_calls,dispatchable,dispatchable_percent,notified,notified_percent,"
      "all_delivered,latency_count,latency_p50_ms,latency_p95_ms,latency_max_ms,alerts_failed,alerts_escalated,"
      "callback_missing,callback_shared,elin_reused\r\n";
  const auto row = [&out](const char* scope, const ComplianceFigures& f) {
    const std::vector<std::string> fields = {
        scope,
        csv_field(f.site_id),
        std::to_string(f.emergency_calls),
        std::to_string(f.test_calls),
        std::to_string(f.dispatchable),
        one_decimal(f.dispatchable_percent()),
        std::to_string(f.notified),
        one_decimal(f.notified_percent()),
        std::to_string(f.all_delivered),
        std::to_string(f.alert_latency.count),
        int_text(f.alert_latency.p50_ms),
        int_text(f.alert_latency.p95_ms),
        int_text(f.alert_latency.max_ms),
        std::to_string(f.alerts_failed),
        std::to_string(f.alerts_escalated),
        std::to_string(f.callback_missing),
        std::to_string(f.callback_shared),
        std::to_string(f.elin_reused),
    };
    out += join(fields, ",") + "\r\n";
  };
  row("overall", r.overall);
  for (const auto& s : r.sites) row("site", s);
  return out;
}

}  // namespace e911::auditor
