#include "consumers/auditor/store/call_facts.h"

#include <rapidjson/document.h>

#include <charconv>
#include <cmath>

#include "common/civic_address.h"
#include "common/events.h"
#include "common/json_reader.h"

namespace e911::auditor {
namespace {

std::optional<std::string> text(const rapidjson::Value& o, const char* name) {
  const auto* v = find_member(o, name);
  if (v == nullptr || !v->IsString()) return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

std::optional<EpochMillis> time_of(const rapidjson::Value& o, const char* name) {
  const auto t = text(o, name);
  return t ? parse_rfc3339(*t) : std::nullopt;
}

std::optional<std::int64_t> integer(const rapidjson::Value& o, const char* name) {
  const auto* v = find_member(o, name);
  if (v == nullptr || !v->IsInt64()) return std::nullopt;
  return v->GetInt64();
}

// Milliseconds, rounded: a fraction is in the payload as its decimal text
// (audit_record.h).
std::optional<std::int64_t> millis(const rapidjson::Value& o, const char* name) {
  if (auto n = integer(o, name)) return n;
  const auto t = text(o, name);
  if (!t) return std::nullopt;
  double d = 0;
  const auto r = std::from_chars(t->data(), t->data() + t->size(), d);
  if (r.ec != std::errc() || r.ptr != t->data() + t->size() || !(d >= 0) || d > 9e15) return std::nullopt;
  return std::llround(d);
}

JsonLimits payload_limits() {
  JsonLimits l;
  l.max_bytes = 1024 * 1024;
  l.max_depth = 32;
  l.max_string = 256 * 1024;
  return l;
}

CallUpsert recorded(const AuditEntry& e, const rapidjson::Value& p) {
  CallUpsert c;
  c.call_id = e.call_id;
  c.call_class = text(p, "class");
  c.dialed = text(p, "dialed");
  c.occurred_at = time_of(p, "occurred_at");
  if (!c.occurred_at) c.occurred_at = time_of(p, "resolved_at");
  if (!c.occurred_at) c.occurred_at = e.at;
  c.site_id = text(p, "site_id");
  if (const auto* caller = find_member(p, "caller")) {
    c.caller_user_id = text(*caller, "user_id");
    c.caller_name = text(*caller, "name");
    c.caller_extension = text(*caller, "extension");
    c.callback = text(*caller, "callback");
  }
  return c;
}

CallUpsert conveyed(const AuditEntry& e, const rapidjson::Value& p) {
  CallUpsert c;
  c.call_id = e.call_id;
  if (const auto* loc = find_member(p, "location")) {
    c.location_source = text(*loc, "source");
    c.location_label = text(*loc, "label");
    if (const auto* d = find_member(*loc, "dispatchable"); d != nullptr && d->IsBool()) c.dispatchable = d->GetBool();
    if (const auto* v = find_member(*loc, "validated"); v != nullptr && v->IsBool()) c.location_validated = v->GetBool();
    if (auto site = text(*loc, "site_id"); site && !site->empty()) {
      c.site_id = std::move(site);
    }
    if (const auto* a = find_member(*loc, "address"); a != nullptr && a->IsObject()) {
      std::optional<Error> error;
      if (auto address = read_civic_address(*a, "location.address", payload_limits(), error)) {
        c.location_address = one_line(*address);
      }
    }
  }
  std::string warnings;
  if (const auto* w = find_member(p, "warnings"); w != nullptr && w->IsArray()) {
    for (const auto& code : w->GetArray()) {
      if (!code.IsString()) continue;
      if (!warnings.empty()) warnings += ',';
      warnings.append(code.GetString(), code.GetStringLength());
    }
  }
  c.warnings = warnings;
  c.routing = text(p, "routing");
  c.notify_list = text(p, "notify");
  c.elin = text(p, "elin");
  return c;
}

AlertUpsert notification(const AuditEntry& e, const rapidjson::Value& p) {
  AlertUpsert a;
  a.call_id = e.call_id;
  a.notification_id = text(p, "notification_id").value_or("");
  a.list = text(p, "list");
  if (const auto* r = find_member(p, "recipient")) {
    a.recipient_name = text(*r, "name");
    a.recipient_address = text(*r, "address");
  }
  a.channel = text(p, "channel").value_or("");
  a.attempt = static_cast<int>(integer(p, "attempt").value_or(1));
  a.status = text(p, "status").value_or("");
  a.at = time_of(p, "at").value_or(e.at);
  const auto& s = a.status;
  a.attempted = s == "sent" || s == "delivered" || s == "retrying" || s == "failed";
  if (s == "sent" || s == "delivered") {
    a.delivered_at = a.at;
    a.delivered_latency_ms = millis(p, "latency_ms");
    if (!a.delivered_latency_ms) {
      if (const auto occurred = time_of(p, "call_occurred_at")) a.delivered_latency_ms = std::max<std::int64_t>(0, a.at - *occurred);
    }
  }
  a.failed = s == "failed";
  if (s == "escalated") a.escalated_to = text(p, "escalated_to").value_or("");
  if (s == "acknowledged") {
    a.acknowledged_at = a.at;
    a.acknowledged_by = text(p, "acknowledged_by").value_or("");
  }
  a.error = text(p, "error");
  return a;
}

}  // namespace

Result<EntryEffect> effect_of(const AuditEntry& entry) {
  const bool is_call = entry.kind == entry_kind::kCallRecorded || entry.kind == entry_kind::kLocationConveyed;
  const bool is_alert = entry.kind == entry_kind::kNotification;
  if (!is_call && !is_alert) return EntryEffect{};
  rapidjson::Document doc;
  if (auto e = parse_json(entry.payload, payload_limits(), doc)) {
    return Error{"seq " + std::to_string(entry.seq) + ": payload: " + e->message};
  }
  EntryEffect out;
  if (entry.kind == entry_kind::kCallRecorded) {
    out.call = recorded(entry, doc);
  } else if (entry.kind == entry_kind::kLocationConveyed) {
    out.call = conveyed(entry, doc);
  } else {
    out.alert = notification(entry, doc);
    if (out.alert->notification_id.empty() || out.alert->channel.empty()) {
      return Error{"seq " + std::to_string(entry.seq) + ": notification payload without notification_id or channel"};
    }
  }
  return out;
}

}  // namespace e911::auditor
