#include "consumers/auditor/store/entry_rows.h"

#include <Poco/Data/RecordSet.h>

namespace e911::auditor {

std::vector<AuditEntry> entries_of_rows(Poco::Data::Statement& executed) {
  std::vector<AuditEntry> out;
  Poco::Data::RecordSet rs(executed);
  const auto text = [&rs](std::size_t col) {
    const auto& v = rs.value(col);
    return v.isEmpty() ? std::string() : v.convert<std::string>();
  };
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    AuditEntry e;
    e.seq = rs.value(0).convert<Poco::Int64>();
    e.kind = text(1);
    e.call_id = text(2);
    e.at = rs.value(3).convert<Poco::Int64>();
    e.payload = text(4);
    e.prev_hash = text(5);
    e.hash = text(6);
    e.key_id = text(7);
    e.signature = text(8);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace e911::auditor
