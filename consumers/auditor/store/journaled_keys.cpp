#include "consumers/auditor/store/journaled_keys.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <algorithm>

#include "common/sql/rows.h"

namespace e911::auditor {

using Poco::Data::Keywords::bind;

std::set<std::string> keys_found(Poco::Data::Session& session, const SqlText& sql, const std::string& select_head,
                                 const std::vector<std::string>& keys) {
  std::set<std::string> out;
  for (std::size_t i = 0; i < keys.size(); i += kRowsPerStatement) {
    const auto end = std::min(keys.size(), i + kRowsPerStatement);
    Poco::Data::Statement stmt(session);
    stmt << sql(select_head + placeholders(end - i) + ")");
    for (auto j = i; j < end; ++j) stmt, bind(keys[j]);
    stmt.execute();
    Poco::Data::RecordSet rs(stmt);
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.insert(sql::str(rs, 0));
  }
  return out;
}

std::vector<EntryDraft> without_journaled_keys(
    std::vector<EntryDraft> drafts, const std::function<std::string(const EntryDraft&)>& key_of,
    const std::function<std::set<std::string>(const std::vector<std::string>&)>& journaled) {
  std::vector<std::string> keys;  // of each draft; empty for drafts not covered
  keys.reserve(drafts.size());
  std::vector<std::string> asked;
  for (const auto& d : drafts) {
    keys.push_back(key_of(d));
    if (!keys.back().empty()) asked.push_back(keys.back());
  }
  if (asked.empty()) return drafts;
  auto seen = journaled(asked);
  std::vector<EntryDraft> kept;
  kept.reserve(drafts.size());
  for (std::size_t i = 0; i < drafts.size(); ++i) {
    if (!keys[i].empty() && !seen.insert(keys[i]).second) continue;  // journaled already
    kept.push_back(std::move(drafts[i]));
  }
  return kept;
}

}  // namespace e911::auditor
