#include "consumers/auditor/query/registration_query.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <charconv>

#include "common/encoding.h"
#include "common/sql/rows.h"
#include "common/text.h"
#include "consumers/auditor/journal/audit_entry.h"
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

// ---- cursors: base64url of "r:<seq>:<user_id>", after that row ----

constexpr std::size_t kMaxCursorChars = 2048;

struct Position {
  std::int64_t seq = 0;
  std::string user_id;
};

std::string encode_cursor(const RegistrationRow& last) {
  return base64url_encode("r:" + std::to_string(last.seq) + ":" + last.user_id);
}

Result<Position> decode_cursor(std::string_view cursor) {
  const Error bad{"cursor: not a cursor this service issued"};
  if (cursor.size() > kMaxCursorChars) return bad;
  const auto decoded = base64url_decode(cursor);
  if (!decoded || decoded->size() < 5 || !decoded->starts_with("r:")) return bad;
  const std::string_view s = *decoded;
  const auto colon = s.find(':', 2);
  if (colon == std::string_view::npos) return bad;
  const auto number = s.substr(2, colon - 2);
  Position p;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), p.seq);
  if (ec != std::errc() || end != number.data() + number.size() || p.seq < 1) return bad;
  if (std::to_string(p.seq) != number) return bad;  // one spelling per cursor
  p.user_id = std::string(s.substr(colon + 1));
  if (p.user_id.empty() || !is_clean_utf8(p.user_id)) return bad;
  return p;
}

}  // namespace

Result<RegistrationPage> query_registrations(AuditStore& store, const RegistrationFilter& filter,
                                             const PageRequest& page) {
  if (page.limit < 1 || page.limit > kMaxPageSize) {
    return Error{"limit: expected 1 to " + std::to_string(kMaxPageSize) + ", got " + std::to_string(page.limit)};
  }
  if (filter.user_id && filter.user_id->empty()) return Error{"user_id: empty"};
  if (filter.since && filter.until && *filter.until <= *filter.since) return Error{"until: must be after since"};
  std::optional<Position> after;
  if (!page.cursor.empty()) {
    auto decoded = decode_cursor(page.cursor);
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
    out.next_cursor = encode_cursor(out.rows.back());
  }
  return out;
}

}  // namespace e911::auditor
