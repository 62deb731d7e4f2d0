#include "consumers/auditor/store/elin_lookup_keys.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <rapidjson/document.h>

#include <stdexcept>

#include "consumers/auditor/store/journaled_keys.h"

namespace e911::auditor {
namespace {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::now;

std::string lookup_id_of(std::string_view kind, std::string_view payload) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(payload.data(), payload.size());
  if (!doc.HasParseError() && doc.IsObject()) {
    const auto it = doc.FindMember("lookup_id");
    if (it != doc.MemberEnd() && it->value.IsString() && it->value.GetStringLength() > 0) {
      return {it->value.GetString(), it->value.GetStringLength()};
    }
  }
  throw std::runtime_error(std::string(kind) + " payload without a lookup_id");
}

}  // namespace

std::vector<EntryDraft> without_journaled_lookups(Poco::Data::Session& session,
                                                  const std::function<std::string(std::string_view)>& sql,
                                                  std::vector<EntryDraft> drafts) {
  return without_journaled_keys(
      std::move(drafts),
      [](const EntryDraft& d) { return d.kind == entry_kind::kElinLookup ? lookup_id_of(d.kind, d.payload) : ""; },
      [&](const std::vector<std::string>& ids) {
        return keys_found(session, sql, "SELECT lookup_id FROM audit_elin_lookups WHERE lookup_id IN (", ids);
      });
}

void record_lookup_ids(Poco::Data::Session& session, const std::function<std::string(std::string_view)>& sql,
                       const std::vector<AuditEntry>& appended) {
  for (const auto& e : appended) {
    if (e.kind != entry_kind::kElinLookup) continue;
    const auto id = lookup_id_of(e.kind, e.payload);
    Poco::Int64 seq = e.seq;
    Poco::Data::Statement stmt(session);
    stmt << sql("INSERT INTO audit_elin_lookups (lookup_id, seq, call_id) VALUES (?, ?, ?)"), bind(id), bind(seq),
        bind(e.call_id), now;
  }
}

}  // namespace e911::auditor
