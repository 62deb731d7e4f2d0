#include <gtest/gtest.h>

#include <string>

#include <random>

#include <deque>

#include <set>

#include "common/civic_address.h"
#include "common/email_address.h"
#include "common/mac_address.h"
#include "common/recent_ids.h"
#include "common/sql/connection.h"
#include "common/text.h"
#include "common/timestamp.h"

namespace e911 {
namespace {

TEST(MacAddress, AnyCommonNotation) {
  const auto canonical = MacAddress::parse("00:04:f2:15:c2:85");
  ASSERT_TRUE(canonical);
  for (const char* form : {"00-04-F2-15-C2-85", "0004.f215.c285", "0004F215C285", "00:04:F2:15:c2:85"}) {
    const auto m = MacAddress::parse(form);
    ASSERT_TRUE(m) << form;
    EXPECT_EQ(*m, *canonical) << form;
  }
  EXPECT_EQ(canonical->to_string(), "00:04:f2:15:c2:85");
  for (const char* bad : {"00:04:f2:15:c2", "00:04:f2:15:c2:8g", "00:04-f2:15:c2:85", "000:4f2:15:c2:85", "",
                          "00:04:f2:15:c2:85:11", "0004f215c2851"}) {
    EXPECT_FALSE(MacAddress::parse(bad)) << bad;
  }
}

TEST(Timestamp, ParsesRfc3339WithOffsetsAndRejectsNonsense) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2026-11-21T10:15:00.120Z"), parse_rfc3339("2026-11-21T11:15:00.12+01:00"));
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2024-02-29T23:59:59.999-05:00")), "2024-03-01T04:59:59.999Z");
  for (const char* bad : {"yesterday", "2026-11-21", "2026-11-21T10:15:00", "2026-13-01T00:00:00Z",
                          "2025-02-29T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T10:15:00.Z",
                          "2026-11-21T10:15:00Zjunk", ""}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
  EXPECT_EQ(parse_duration("12h"), 12 * 3600 * 1000);
  EXPECT_EQ(parse_duration("1h30m"), 90 * 60 * 1000);
  EXPECT_FALSE(parse_duration("12"));
  EXPECT_FALSE(parse_duration("h"));
  EXPECT_FALSE(parse_duration("12y"));
}

TEST(CivicAddress, CountryCodesAndMissingUnitRule) {
  EXPECT_TRUE(is_iso3166_alpha2("GB"));
  EXPECT_TRUE(is_iso3166_alpha2("US"));
  EXPECT_FALSE(is_iso3166_alpha2("UK"));
  EXPECT_FALSE(is_iso3166_alpha2("Narnia"));
  EXPECT_FALSE(is_iso3166_alpha2("gb"));
  CivicAddress a;
  a.multi_dwelling = true;
  EXPECT_TRUE(lacks_unit(a));
  a.floor = "3";
  EXPECT_TRUE(lacks_unit(a));
  a.room = "301";
  EXPECT_FALSE(lacks_unit(a));
  a.room.clear();
  a.unit = "4B";
  EXPECT_FALSE(lacks_unit(a));
  a.multi_dwelling = false;
  a.unit.clear();
  EXPECT_FALSE(lacks_unit(a));
}

TEST(EmailAddress, AcceptsCommonFormsRejectsTypos) {
  EXPECT_TRUE(is_valid_email("security.london@example.com"));
  EXPECT_TRUE(is_valid_email("soc+e911@corp.example.co.uk"));
  for (const char* bad : {"security.london", "@example.com", "a@b", "a@@b.com", "a b@example.com", "a@-x.com",
                          "a..b@example.com", "a@example.123", "a@example..com"}) {
    EXPECT_FALSE(is_valid_email(bad)) << bad;
  }
}

TEST(RecentIds, ForgetsOldestBeyondCapacity) {
  RecentIds ids(2);
  EXPECT_TRUE(ids.insert("a"));
  EXPECT_FALSE(ids.insert("a"));
  EXPECT_TRUE(ids.insert("b"));
  EXPECT_TRUE(ids.insert("c"));
  EXPECT_FALSE(ids.contains("a"));
  EXPECT_TRUE(ids.insert("a"));
}

// Against a plain reference (set + FIFO) under heavy churn, which
// exercises the table's deletions and wrap-around.
TEST(RecentIds, AgreesWithAReferenceUnderChurn) {
  for (const std::size_t capacity : {1u, 7u, 64u, 1000u}) {
    RecentIds ids(capacity);
    std::set<std::string> ref;
    std::deque<std::string> order;
    std::mt19937 rng(static_cast<unsigned>(capacity));
    std::uniform_int_distribution<int> pick(0, static_cast<int>(capacity * 3));
    for (int i = 0; i < 20000; ++i) {
      const std::string id = "ev-" + std::to_string(pick(rng));
      const bool expected_new = ref.insert(id).second;
      if (expected_new) {
        order.push_back(id);
        if (order.size() > capacity) {
          ref.erase(order.front());
          order.pop_front();
        }
      }
      ASSERT_EQ(ids.insert(id), expected_new) << "capacity " << capacity << " step " << i << " id " << id;
      ASSERT_EQ(ids.size(), ref.size());
    }
    for (const auto& id : ref) EXPECT_TRUE(ids.contains(id));
  }
  RecentIds none(0);
  EXPECT_TRUE(none.insert("x"));
  EXPECT_TRUE(none.insert("x"));
}

TEST(Text, QuoteForMessageEscapesAndTruncates) {
  EXPECT_EQ(quote_for_message("a\"b\n"), "\"a\\\"b\\n\"");
  EXPECT_EQ(quote_for_message(std::string(200, 'x'), 5), "\"xxxxx...\"");
  EXPECT_EQ(quote_for_message(std::string("\0", 1)), "\"\\u0000\"");
}

}  // namespace
}  // namespace e911

// A lost PostgreSQL connection is worth another try; a refusal that every
// connection would meet again (the configuration's to fix) is not.
TEST(SqlConnectionError, LostConnectionsAreRetriedRefusalsAreNot) {
  using e911::sql::is_connection_error;
  for (const char* lost : {
           "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally",
           "FATAL: terminating connection due to administrator command",
           "connection to server at \"127.0.0.1\", port 5432 failed: Connection refused",
           "FATAL: the database system is starting up",
           "PostgreSQL: Not connected to data source",
           // Poco's own connect, when the server went away after open_postgresql's
           // probe: its text, as open_postgresql rethrows it.
           "Connection attempt failed: Connection Error: connection to server at \"127.0.0.1\", port 40535 failed: "
               "server closed the connection unexpectedly",
           // What the server says to a session idle in a transaction too long (a
           // frozen instance), and libpq when keepalives or tcp_user_timeout give up.
           "FATAL: terminating connection due to idle-in-transaction timeout",
           "could not receive data from server: Connection timed out",
       }) {
    EXPECT_TRUE(is_connection_error(lost)) << lost;
  }
  for (const char* refusal : {
           "connection to server at \"db\", port 5432 failed: FATAL: password authentication failed for user "
               "\"e911\"",
           "FATAL: database \"e911_notifier\" does not exist",
           "ERROR: duplicate key value violates unique constraint \"alerts_pkey\"",
           "ERROR: permission denied for table alerts",
       }) {
    EXPECT_FALSE(is_connection_error(refusal)) << refusal;
  }
}

// A server gone silently is noticed in seconds, not after the system's
// two-hour keepalive; what the connection string sets is kept.
TEST(SqlConnectionLiveness, KeepalivesAndTcpUserTimeoutUnlessSet) {
  using e911::sql::with_liveness_checks;
  const auto plain = with_liveness_checks("host=db dbname=e911");
  EXPECT_NE(plain.find(" keepalives=1"), std::string::npos) << plain;
  EXPECT_NE(plain.find(" keepalives_idle=10"), std::string::npos) << plain;
  EXPECT_NE(plain.find(" keepalives_interval=5"), std::string::npos) << plain;
  EXPECT_NE(plain.find(" keepalives_count=3"), std::string::npos) << plain;
  EXPECT_NE(plain.find(" tcp_user_timeout=30000"), std::string::npos) << plain;
  const auto own = with_liveness_checks("host=db keepalives_idle=60 tcp_user_timeout=0");
  EXPECT_EQ(own.find("keepalives_idle=10"), std::string::npos) << own;
  EXPECT_EQ(own.find("tcp_user_timeout=30000"), std::string::npos) << own;
  EXPECT_NE(own.find(" keepalives_count=3"), std::string::npos) << own;
}
