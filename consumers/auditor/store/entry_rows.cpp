#include "consumers/auditor/store/entry_rows.h"

#include <Poco/Data/RecordSet.h>

#include "common/sql/rows.h"

namespace e911::auditor {

std::vector<AuditEntry> entries_of_rows(Poco::Data::Statement& executed) {
  std::vector<AuditEntry> out;
  Poco::Data::RecordSet rs(executed);
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    AuditEntry e;
    e.seq = sql::i64(rs, 0);
    e.kind = sql::str(rs, 1);
    e.call_id = sql::str(rs, 2);
    e.at = sql::i64(rs, 3);
    e.payload = sql::str(rs, 4);
    e.prev_hash = sql::str(rs, 5);
    e.hash = sql::str(rs, 6);
    e.key_id = sql::str(rs, 7);
    e.signature = sql::str(rs, 8);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace e911::auditor
