#include "consumers/auditor/store/call_record_keys.h"

#include <set>
#include <string>

#include "consumers/auditor/journal/audit_entry.h"
#include "consumers/auditor/store/journaled_keys.h"

namespace e911::auditor {
namespace {

// A draft's key: its kind and call, so that a record's call.recorded and
// location.conveyed are each kept once (one key would keep only the first).
constexpr char kSeparator = '\n';

bool from_a_call_record(const EntryDraft& d) {
  return d.kind == entry_kind::kCallRecorded || d.kind == entry_kind::kLocationConveyed;
}

std::string call_of(const std::string& key) { return key.substr(key.find(kSeparator) + 1); }

}  // namespace

std::vector<EntryDraft> without_journaled_calls(Poco::Data::Session& session, const SqlText& sql,
                                                std::vector<EntryDraft> drafts) {
  return without_journaled_keys(
      std::move(drafts),
      [](const EntryDraft& d) { return from_a_call_record(d) ? d.kind + kSeparator + d.call_id : std::string(); },
      [&](const std::vector<std::string>& keys) {
        std::set<std::string> calls;
        for (const auto& k : keys) calls.insert(call_of(k));
        const auto recorded =
            keys_found(session, sql, "SELECT DISTINCT call_id FROM audit_entries WHERE kind = 'call.recorded' AND call_id IN (",
                       std::vector<std::string>(calls.begin(), calls.end()));
        std::set<std::string> journaled;
        for (const auto& k : keys) {
          if (recorded.contains(call_of(k))) journaled.insert(k);
        }
        return journaled;
      });
}

}  // namespace e911::auditor
