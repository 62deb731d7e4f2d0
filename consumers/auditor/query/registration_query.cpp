#include "consumers/auditor/query/registration_query.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include "common/sql/rows.h"
#include "consumers/auditor/journal/audit_entry.h"
#include "consumers/auditor/query/page_cursor.h"
#include "consumers/auditor/query/sql_conditions.h"

namespace e911::auditor {
namespace {

using sql::i64;
using sql::optional_i64;
using sql::str;

constexpr const char* kColumns =
    "seq, user_id, kind, occurred_at, event_id, supplied_by, validated, country, address, dispatchable";

std::optional<bool> flag(Poco::Data::RecordSet& rs, std::size_t col) {
  const auto v = optional_i64(rs, col);
  return v ? std::optional<bool>(*v != 0) : std::nullopt;
}

RegistrationRow row_of(Poco::Data::RecordSet& rs) {
  RegistrationRow r;
  r.seq = i64(rs, 0);
  r.user_id = str(rs, 1);
  r.withdrawn = str(rs, 2) == entry_kind::kLocationWithdrawn;
  r.at = i64(rs, 3);
  r.event_id = str(rs, 4);
  r.supplied_by = str(rs, 5);
  r.validated = flag(rs, 6);
  r.country = str(rs, 7);
  r.address = str(rs, 8);
  r.dispatchable = flag(rs, 9);
  return r;
}

}  // namespace

Result<RegistrationPage> query_registrations(AuditStore& store, const RegistrationFilter& filter,
                                             const PageRequest& page) {
  if (page.limit < 1 || page.limit > kMaxPageSize) {
    return Error{"limit: expected 1 to " + std::to_string(kMaxPageSize) + ", got " + std::to_string(page.limit)};
  }
  if (filter.user_id && filter.user_id->empty()) return Error{"user_id: empty"};
  if (filter.since && filter.until && *filter.until <= *filter.since) return Error{"until: must be after since"};
  std::optional<RegistrationPosition> after;
  if (!page.cursor.empty()) {
    auto decoded = decode_registration_cursor(page.cursor);
    if (!decoded) return decoded.error();
    after = std::move(*decoded);
  }

  Conditions c;
  if (filter.user_id) c.add("user_id = ?", {*filter.user_id});
  if (filter.since) c.add("occurred_at >= ?", {Poco::Int64{*filter.since}});
  if (filter.until) c.add("occurred_at < ?", {Poco::Int64{*filter.until}});
  std::string statement;
  if (filter.user_id) {
    // One user's history, oldest first (audit_registrations_by_user).
    if (after) c.add("seq > ?", {Poco::Int64{after->seq}});
    statement = std::string("SELECT ") + kColumns + " FROM audit_registrations" + c.where() + " ORDER BY seq LIMIT ?";
  } else {
    // Each user's latest row in the range, by user id: the users of the
    // page first (a range of audit_registrations_by_user), then their rows.
    if (after) c.add("user_id > ?", {after->user_id});
    statement = std::string("SELECT ") + kColumns +
                " FROM audit_registrations WHERE seq IN (SELECT MAX(seq) FROM audit_registrations" + c.where() +
                " GROUP BY user_id ORDER BY user_id LIMIT ?) ORDER BY user_id";
  }
  // One row more than asked says whether there is a next page.
  c.params.emplace_back(Poco::Int64(static_cast<Poco::Int64>(page.limit + 1)));

  RegistrationPage out;
  store.with_connection("query registrations", [&](Poco::Data::Session& session) {
    Poco::Data::Statement stmt(session);
    stmt << store.sql(statement);
    bind_all(stmt, c.params);
    stmt.execute();
    Poco::Data::RecordSet rs(stmt);
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.rows.push_back(row_of(rs));
  });
  if (out.rows.size() > page.limit) {
    out.rows.resize(page.limit);
    out.next_cursor = encode_registration_cursor({out.rows.back().seq, out.rows.back().user_id});
  }
  return out;
}

}  // namespace e911::auditor
