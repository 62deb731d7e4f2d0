#include "consumers/auditor/registration_record.h"

#include <variant>

#include "common/events.h"
#include "common/text.h"
#include "consumers/auditor/journal/audit_entry.h"
#include "consumers/auditor/payload_builder.h"

namespace e911::auditor {
namespace {

std::optional<Error> id_too_long(std::string_view name, const std::string& value) {
  if (value.size() <= kMaxRegistrationIdChars) return std::nullopt;
  return Error{std::string(name) + ": longer than " + std::to_string(kMaxRegistrationIdChars) + " characters"};
}

}  // namespace

Result<EntryDraft> draft_for_location_update(std::string_view record, const SourceRecord& source, EpochMillis now,
                                             const JsonLimits& limits) {
  auto decoded = decode_input_event(record, limits);
  if (!decoded) return decoded.error();
  const auto* update = std::get_if<LocationUpdate>(&*decoded);
  if (update == nullptr) return Error{"type: a call event on the location-updates topic"};
  if (auto e = id_too_long("event_id", update->event_id)) return *e;
  if (auto e = id_too_long("user_id", update->user_id)) return *e;
  auto doc = parse_record_object(record, limits);  // the members as sent
  if (!doc) return doc.error();

  PayloadBuilder payload;
  payload.member("user_id", update->user_id);
  payload.member("event_id", update->event_id);
  payload.member("registered_at", format_rfc3339(update->occurred_at));
  if (!update->source.empty()) payload.member("supplied_by", update->source);
  payload.boolean("validated", update->validated);
  payload.copy(*doc, {"address"});
  if (const auto* network = find_member(*doc, "network"); network != nullptr && !network->IsNull()) {
    payload.member("network", *network);
  }
  payload.source(source);
  auto json = payload.finish();
  if (!json) return json.error();
  return EntryDraft{std::string(entry_kind::kLocationRegistered), "", now, std::move(*json)};
}

Result<EntryDraft> draft_for_withdrawal(const std::optional<std::string>& key, const SourceRecord& source,
                                        EpochMillis record_time, EpochMillis now) {
  if (!key || key->empty()) {
    return Error{"key: missing (a tombstone withdraws the registration of the user it is keyed by)"};
  }
  if (!is_clean_utf8(*key)) return Error{"key: not UTF-8 text without control characters: " + quote_for_message(*key)};
  if (auto e = id_too_long("key", *key)) return *e;
  PayloadBuilder payload;
  payload.member("user_id", *key);
  payload.member("withdrawn_at", format_rfc3339(record_time >= 0 ? record_time : now));
  payload.member("withdrawal_id", source.topic + "/" + std::to_string(source.partition) + "/" +
                                      std::to_string(source.offset));
  payload.source(source);
  auto json = payload.finish();
  if (!json) return json.error();
  return EntryDraft{std::string(entry_kind::kLocationWithdrawn), "", now, std::move(*json)};
}

std::string without_quoted_values(std::string_view reason) {
  const auto quote = reason.find('"');
  if (quote == std::string_view::npos) return std::string(reason);
  return std::string(reason.substr(0, quote)) + "(value not logged)";
}

}  // namespace e911::auditor
