#include "consumers/auditor/export/i3_log_events.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

#include "common/json_reader.h"
#include "consumers/auditor/journal/canonical_json.h"

namespace e911::auditor {
namespace {

// A string member, or nullopt when absent or null; an error for any other type.
Result<std::optional<std::string>> optional_string(const rapidjson::Value& o, const char* name,
                                                   const std::string& where) {
  const auto* v = find_member(o, name);
  if (v == nullptr || v->IsNull()) return std::optional<std::string>();
  if (!v->IsString()) return Error{where + name + ": expected a string"};
  return std::optional<std::string>(std::string(v->GetString(), v->GetStringLength()));
}

class Claims {
 public:
  void add(const char* name, std::string_view value) {
    out_ += out_.size() > 1 ? "," : "";
    append_canonical_string(out_, name);
    out_ += ':';
    append_canonical_string(out_, value);
  }
  std::string finish() {
    auto canonical = canonical_json(out_ + "}");
    if (!canonical) throw std::logic_error("i3 log event: " + canonical.error().message);
    return *canonical;
  }

 private:
  std::string out_ = "{";
};

}  // namespace

Result<std::optional<std::string>> i3_log_event(const AuditEntry& entry, const I3Options& options) {
  const std::string where = "seq " + std::to_string(entry.seq) + " (" + entry.kind + "): payload.";
  const char* type = nullptr;
  if (entry.kind == entry_kind::kCallRecorded) type = "CallStartLogEvent";
  if (entry.kind == entry_kind::kLocationConveyed) type = "LocationResponseLogEvent";
  if (entry.kind == entry_kind::kNotification) type = "MessageLogEvent";
  if (type == nullptr) return std::optional<std::string>();

  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(entry.payload.data(), entry.payload.size());
  if (doc.HasParseError() || !doc.IsObject()) return Error{"seq " + std::to_string(entry.seq) + ": payload is not a JSON object"};

  Claims claims;
  claims.add("logEventType", type);
  claims.add("elementId", options.element_id);
  if (!options.agency_id.empty()) claims.add("agencyId", options.agency_id);
  claims.add("callId", entry.call_id);
  claims.add("clientAssignedIdentifier", entry.hash);
  // Every event here is the organisation's: its call out to emergency
  // services, the location it conveyed, the alerts it sent.
  claims.add("direction", "outgoing");

  std::string timestamp = format_rfc3339(entry.at);
  if (entry.kind == entry_kind::kCallRecorded) {
    auto occurred = optional_string(doc, "occurred_at", where);
    auto dialed = optional_string(doc, "dialed", where);
    auto call_class = optional_string(doc, "class", where);
    if (!occurred) return occurred.error();
    if (!dialed) return dialed.error();
    if (!call_class) return call_class.error();
    if (*occurred) timestamp = **occurred;
    if (*dialed) claims.add("to", **dialed);
    if (*call_class) claims.add("localCallType", **call_class);
    if (const auto* caller = find_member(doc, "caller"); caller != nullptr && caller->IsObject()) {
      auto callback = optional_string(*caller, "callback", where + "caller.");
      if (!callback) return callback.error();
      if (*callback) claims.add("from", **callback);
    }
  } else if (entry.kind == entry_kind::kLocationConveyed) {
    auto pidf = optional_string(doc, "pidf_lo", where);
    if (!pidf) return pidf.error();
    claims.add("text", pidf->value_or(""));
    claims.add("responseId", entry.hash);
  } else {
    auto at = optional_string(doc, "at", where);
    if (!at) return at.error();
    if (*at) timestamp = **at;
    // The record as the notifier reported it, without where the auditor read it.
    doc.RemoveMember("source");
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    doc.Accept(writer);
    auto record = canonical_json(std::string_view(buffer.GetString(), buffer.GetSize()));
    if (!record) return Error{where + " " + record.error().message};
    claims.add("text", *record);
  }
  claims.add("timestamp", timestamp);
  return std::optional<std::string>(claims.finish());
}

}  // namespace e911::auditor
