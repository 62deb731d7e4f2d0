#include "consumers/auditor/store/elin_lookup_keys.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <rapidjson/document.h>

#include <set>
#include <stdexcept>

#include "common/sql/rows.h"
#include "consumers/auditor/store/call_rows.h"

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

// Which of `ids` audit_elin_lookups holds.
std::set<std::string> journaled(Poco::Data::Session& session, const std::function<std::string(std::string_view)>& sql,
                                const std::vector<std::string>& ids) {
  std::set<std::string> out;
  for (std::size_t i = 0; i < ids.size(); i += kRowsPerStatement) {
    const auto end = std::min(ids.size(), i + kRowsPerStatement);
    Poco::Data::Statement stmt(session);
    stmt << sql("SELECT lookup_id FROM audit_elin_lookups WHERE lookup_id IN (" + placeholders(end - i) + ")");
    for (auto j = i; j < end; ++j) stmt, bind(ids[j]);
    stmt.execute();
    Poco::Data::RecordSet rs(stmt);
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.insert(sql::str(rs, 0));
  }
  return out;
}

}  // namespace

std::vector<EntryDraft> without_journaled_lookups(Poco::Data::Session& session,
                                                  const std::function<std::string(std::string_view)>& sql,
                                                  std::vector<EntryDraft> drafts) {
  std::vector<std::string> ids;  // of each draft; empty for other kinds
  ids.reserve(drafts.size());
  std::vector<std::string> asked;
  for (const auto& d : drafts) {
    ids.push_back(d.kind == entry_kind::kElinLookup ? lookup_id_of(d.kind, d.payload) : std::string());
    if (!ids.back().empty()) asked.push_back(ids.back());
  }
  if (asked.empty()) return drafts;
  auto seen = journaled(session, sql, asked);
  std::vector<EntryDraft> kept;
  kept.reserve(drafts.size());
  for (std::size_t i = 0; i < drafts.size(); ++i) {
    if (!ids[i].empty() && !seen.insert(ids[i]).second) continue;  // journaled already
    kept.push_back(std::move(drafts[i]));
  }
  return kept;
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
