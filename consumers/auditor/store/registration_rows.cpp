#include "consumers/auditor/store/registration_rows.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "common/civic_address.h"
#include "common/events.h"
#include "common/json_reader.h"
#include "common/timestamp.h"
#include "consumers/auditor/store/journaled_keys.h"

namespace e911::auditor {
namespace {

using Poco::Data::Keywords::bind;
using NullableText = Poco::Nullable<std::string>;
using NullableInt = Poco::Nullable<Poco::Int64>;

bool is_registration(std::string_view kind) {
  return kind == entry_kind::kLocationRegistered || kind == entry_kind::kLocationWithdrawn;
}

struct RegistrationFacts {
  std::string kind, user_id, event_id;
  EpochMillis occurred_at = 0;
  NullableText supplied_by, country, address;
  NullableInt validated, dispatchable;
};

std::string text_of(const rapidjson::Value& doc, const char* name) {
  const auto* v = find_member(doc, name);
  return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

rapidjson::Document parsed(std::string_view kind, std::string_view payload) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(payload.data(), payload.size());
  if (doc.HasParseError() || !doc.IsObject()) throw std::runtime_error(std::string(kind) + " payload is not an object");
  return doc;
}

// The idempotency key: the update's event_id, the withdrawal's id.
std::string key_of(std::string_view kind, const rapidjson::Value& doc) {
  auto key = text_of(doc, kind == entry_kind::kLocationRegistered ? "event_id" : "withdrawal_id");
  if (key.empty()) throw std::runtime_error(std::string(kind) + " payload without its id");
  return key;
}

RegistrationFacts facts_of(const AuditEntry& e) {
  const auto doc = parsed(e.kind, e.payload);
  RegistrationFacts f;
  f.kind = e.kind;
  f.user_id = text_of(doc, "user_id");
  f.event_id = key_of(e.kind, doc);
  const bool registered = e.kind == entry_kind::kLocationRegistered;
  const auto at = parse_rfc3339(text_of(doc, registered ? "registered_at" : "withdrawn_at"));
  if (f.user_id.empty() || !at) throw std::runtime_error(e.kind + " payload without user_id or its time");
  f.occurred_at = *at;
  if (!registered) return f;
  if (auto s = text_of(doc, "supplied_by"); !s.empty()) f.supplied_by = s;
  if (const auto* v = find_member(doc, "validated"); v != nullptr && v->IsBool()) f.validated = v->GetBool() ? 1 : 0;
  if (const auto* a = find_member(doc, "address"); a != nullptr && a->IsObject()) {
    JsonLimits limits;
    limits.max_bytes = 1024 * 1024;
    std::optional<Error> error;
    if (const auto address = read_civic_address(*a, "address", limits, error)) {
      f.country = address->country;
      f.address = one_line(*address);
      f.dispatchable = is_dispatchable(*address) ? 1 : 0;
    }
  }
  return f;
}

constexpr const char* kColumns =
    "seq, kind, user_id, event_id, occurred_at, supplied_by, validated, country, address, dispatchable";
constexpr std::size_t kColumnCount = 10;

}  // namespace

std::vector<EntryDraft> without_journaled_registrations(Poco::Data::Session& session, const SqlText& sql,
                                                        std::vector<EntryDraft> drafts) {
  for (const auto kind : {entry_kind::kLocationRegistered, entry_kind::kLocationWithdrawn}) {
    drafts = without_journaled_keys(
        std::move(drafts),
        [kind](const EntryDraft& d) { return d.kind == kind ? key_of(kind, parsed(kind, d.payload)) : ""; },
        [&](const std::vector<std::string>& ids) {
          // `kind` is one of our constants, never input.
          return keys_found(session, sql,
                            "SELECT event_id FROM audit_registrations WHERE kind = '" + std::string(kind) +
                                "' AND event_id IN (",
                            ids);
        });
  }
  return drafts;
}

void record_registrations(Poco::Data::Session& session, const SqlText& sql, const std::vector<AuditEntry>& appended) {
  std::vector<std::pair<Poco::Int64, RegistrationFacts>> rows;
  for (const auto& e : appended) {
    if (is_registration(e.kind)) rows.emplace_back(e.seq, facts_of(e));
  }
  for (std::size_t i = 0; i < rows.size(); i += kRowsPerStatement) {
    const auto end = std::min(rows.size(), i + kRowsPerStatement);
    Poco::Data::Statement stmt(session);
    stmt << sql(std::string("INSERT INTO audit_registrations (") + kColumns + ") VALUES " +
                values_list(end - i, kColumnCount));
    for (auto j = i; j < end; ++j) {
      const auto& [seq, f] = rows[j];
      stmt, bind(seq), bind(f.kind), bind(f.user_id), bind(f.event_id), bind(static_cast<Poco::Int64>(f.occurred_at)),
          bind(f.supplied_by), bind(f.validated), bind(f.country), bind(f.address), bind(f.dispatchable);
    }
    stmt.execute();
  }
}

}  // namespace e911::auditor
