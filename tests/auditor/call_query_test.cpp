// The auditors' queries (call_query.h) against both stores, over a
// journal built the way the consumer builds it: AuditStore::ingest of the
// drafts made from e911.emergency-call/v1 documents and
// e911.notification/v1 records.

#include "consumers/auditor/query/call_query.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "consumers/auditor/audit_record.h"
#include "common/text.h"
#include "tests/auditor/audit_test_support.h"
#include "tests/auditor/call_journal.h"
#include "tests/support/postgres_server.h"

namespace e911::auditor {
namespace {

using test::CallSpec;
using test::NotificationSpec;

using test::Backend;

class CallQueryTest : public test::JournalStoreTest {
 protected:
  // Every page of `filter`, `limit` at a time; fails the test on an error.
  std::vector<CallRow> all_pages(const CallFilter& filter, std::size_t limit, int* pages = nullptr) {
    std::vector<CallRow> out;
    PageRequest page{limit, ""};
    for (int n = 1;; ++n) {
      auto r = query_calls(*store_, filter, page);
      EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
      if (!r.ok()) return out;
      EXPECT_LE(r->calls.size(), limit);
      for (auto& c : r->calls) out.push_back(std::move(c));
      if (r->next_cursor.empty()) {
        if (pages) *pages = n;
        return out;
      }
      EXPECT_EQ(r->calls.size(), limit) << "only a full page has a next page";
      page.cursor = r->next_cursor;
    }
  }
  std::vector<std::string> ids(const CallFilter& filter) {
    std::vector<std::string> out;
    for (const auto& c : all_pages(filter, kMaxPageSize)) out.push_back(c.call_id);
    return out;
  }
};

INSTANTIATE_TEST_SUITE_P(Stores, CallQueryTest, test::kBothStores, test::backend_name);

// Three calls at two sites, notified or not, and one call whose alerts
// came before its own record.
void small_journal(test::CallJournal& j) {
  j.call({.call_id = "c-1", .occurred_at = "2026-11-21T10:15:00.120Z", .site_id = "london-hq",
          .user_id = "u-5001", .name = "John Smith", .extension = "5001", .callback = "+442079460101"});
  j.notification({.call_id = "c-1", .list = "london-security", .name = "London security desk",
                  .address = "security.london@example.com", .channel = "email", .status = "sent",
                  .at = "2026-11-21T10:15:00.480Z", .latency_ms = 360});
  j.notification({.call_id = "c-1", .list = "london-security", .name = "London duty manager",
                  .address = "+447700900123", .channel = "sms", .status = "delivered",
                  .at = "2026-11-21T10:15:02.903Z", .latency_ms = 2783});
  j.notification({.call_id = "c-1", .list = "london-security", .name = "London duty manager",
                  .address = "+447700900123", .channel = "sms", .status = "acknowledged",
                  .at = "2026-11-21T10:15:41.000Z", .latency_ms = 40880, .acknowledged_by = "London duty manager"});
  j.call({.call_id = "c-2", .call_class = "test", .dialed = "933", .occurred_at = "2026-11-22T09:00:00.000Z",
          .site_id = "austin", .user_id = "u-7002", .name = "Ana García", .extension = "7002",
          .callback = "+15125550102"});
  j.call({.call_id = "c-3", .occurred_at = "2026-11-23T12:30:00.000Z", .site_id = "austin", .user_id = "u-7003",
          .name = "Bob O'Neil", .extension = "7003", .callback = "+15125550103", .dispatchable = false,
          .warnings = {"unknown-network"}, .routing = "ecrc"});
  j.notification({.call_id = "c-3", .list = "austin-security", .name = "Austin front desk",
                  .address = "+15125550100", .channel = "sms", .status = "failed", .attempt = 5,
                  .at = "2026-11-23T12:31:00.000Z", .latency_ms = 60000, .error = "HTTP 503"});
  j.notification({.call_id = "c-4", .list = "austin-security", .name = "Austin front desk",
                  .address = "+15125550100", .channel = "sms", .status = "sent",
                  .at = "2026-11-24T08:00:01.000Z", .latency_ms = 1000});
}

TEST_P(CallQueryTest, FiltersEachByItself) {
  small_journal(*journal_);
  EXPECT_EQ(ids({}), (std::vector<std::string>{"c-1", "c-2", "c-3", "c-4"}));  // c-4 has no time: last

  CallFilter f;
  f.site = "austin";
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c-2", "c-3"}));
  f = {};
  f.from = *parse_rfc3339("2026-11-22T00:00:00Z");
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c-2", "c-3"}));  // a time range leaves c-4 out
  f.to = *parse_rfc3339("2026-11-23T12:30:00Z");                 // exclusive
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c-2"}));
  f = {};
  f.call_class = "test";
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c-2"}));
  f.call_class = "emergency";
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c-1", "c-3"}));
  f = {};
  f.dispatchable = true;
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c-1", "c-2"}));
  f.dispatchable = false;  // not, or not known
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c-3", "c-4"}));
  f = {};
  f.notified = true;
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c-1", "c-4"}));
  f.notified = false;
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c-2", "c-3"}));
}

// `e911 audit query --elin`: the calls that were conveyed an ELIN (which
// a pool hands out again later), with the other filters; the lookups of
// it are on the timeline of the call they reached.
TEST_P(CallQueryTest, TheElinFilterFindsTheCallsConveyedThatElin) {
  journal_->call({.call_id = "c-1", .occurred_at = "2026-11-21T10:15:00.000Z", .site_id = "austin",
                  .elin = "+15125550190"});
  journal_->call({.call_id = "c-2", .occurred_at = "2026-11-21T14:15:00.000Z", .site_id = "austin",
                  .elin = "+15125550191"});
  journal_->call({.call_id = "c-3", .occurred_at = "2026-11-22T09:00:00.000Z", .site_id = "dallas",
                  .elin = "+15125550190"});
  journal_->call({.call_id = "c-4", .occurred_at = "2026-11-22T10:00:00.000Z", .site_id = "austin"});
  journal_->lookup({.lookup_id = "lk-1", .elin = "+15125550190", .call_id = "c-1"});
  journal_->lookup({.lookup_id = "lk-2", .elin = "+15125550190"});  // reached no call

  CallFilter f;
  f.elin = "+15125550190";
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c-1", "c-3"}));
  EXPECT_EQ(all_pages(f, 1).size(), 2u) << "pages of one";
  f.site = "austin";
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c-1"}));
  f = {};
  f.elin = "+15125550190";
  f.from = *parse_rfc3339("2026-11-22T00:00:00Z");
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c-3"}));
  f = {};
  f.elin = "+15125550191";
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c-2"}));
  f.elin = "+15125550199";
  EXPECT_TRUE(ids(f).empty());
  EXPECT_EQ(ids({}), (std::vector<std::string>{"c-1", "c-2", "c-3", "c-4"})) << "a lookup adds no call";

  const auto rows = all_pages({}, 10);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].elin, "+15125550191");
  EXPECT_EQ(rows[3].elin, "");

  const auto c1 = call_detail(*store_, "c-1");
  ASSERT_TRUE(c1);
  EXPECT_EQ(c1->call.elin, "+15125550190");
  ASSERT_EQ(c1->entries.size(), 3u);
  EXPECT_EQ(c1->entries[2].kind, "elin.lookup");
  const auto c3 = call_detail(*store_, "c-3");
  ASSERT_TRUE(c3);
  EXPECT_EQ(c3->entries.size(), 2u) << "the lookup that reached c-1 is not on c-3's timeline";

  f.elin = "";
  EXPECT_FALSE(query_calls(*store_, f, {}).ok()) << "an empty ELIN is refused";
}

TEST_P(CallQueryTest, CallerMatchesIdsExactlyAndNamesAnywhereInAnyCase) {
  small_journal(*journal_);
  const auto by_caller = [&](const std::string& c) {
    CallFilter f;
    f.caller = c;
    return ids(f);
  };
  EXPECT_EQ(by_caller("u-5001"), std::vector<std::string>{"c-1"});
  EXPECT_EQ(by_caller("7002"), std::vector<std::string>{"c-2"});
  EXPECT_EQ(by_caller("+15125550103"), std::vector<std::string>{"c-3"});
  EXPECT_EQ(by_caller("smith"), std::vector<std::string>{"c-1"});
  EXPECT_EQ(by_caller("JOHN S"), std::vector<std::string>{"c-1"});
  EXPECT_EQ(by_caller("o'neil"), std::vector<std::string>{"c-3"});
  EXPECT_EQ(by_caller("García"), std::vector<std::string>{"c-2"});
  EXPECT_TRUE(by_caller("u-500").empty());  // ids are exact
  EXPECT_TRUE(by_caller("5125550103").empty());
}

TEST_P(CallQueryTest, RowsCarryTheCallsFacts) {
  small_journal(*journal_);
  const auto calls = all_pages({}, 10);
  ASSERT_EQ(calls.size(), 4u);
  const auto& c1 = calls[0];
  EXPECT_EQ(c1.call_class, "emergency");
  EXPECT_EQ(c1.dialed, "911");
  EXPECT_EQ(c1.occurred_at, parse_rfc3339("2026-11-21T10:15:00.120Z"));
  EXPECT_EQ(c1.site_id, "london-hq");
  EXPECT_EQ(c1.caller_name, "John Smith");
  EXPECT_EQ(c1.location_source, "subnet");
  EXPECT_EQ(c1.dispatchable, true);
  EXPECT_EQ(c1.routing, "psap");
  EXPECT_EQ(c1.notify_list, "security");
  EXPECT_EQ(c1.alerts_total, 2);
  EXPECT_EQ(c1.alerts_delivered, 2);
  EXPECT_EQ(c1.first_alert_latency_ms, 360);
  EXPECT_EQ(c1.acknowledged_by, "London duty manager");
  EXPECT_TRUE(c1.notified);
  EXPECT_TRUE(c1.all_delivered);
  const auto& c3 = calls[2];
  EXPECT_EQ(c3.dispatchable, false);
  EXPECT_EQ(c3.warnings, std::vector<std::string>{"unknown-network"});
  EXPECT_EQ(c3.routing, "ecrc");
  EXPECT_EQ(c3.alerts_failed, 1);
  EXPECT_FALSE(c3.notified);
  const auto& c4 = calls[3];
  EXPECT_EQ(c4.call_class, "");
  EXPECT_FALSE(c4.occurred_at);
}

TEST_P(CallQueryTest, PagesCoverEveryCallOnceAcrossEqualTimesAndCallsWithoutATime) {
  // 250 calls: many share a millisecond (the keyset must not skip or
  // repeat within one), and 7 have no time yet (notifications only).
  std::vector<std::string> expected;
  for (int i = 0; i < 250; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "p-%03d", i);
    expected.emplace_back(id);
    journal_->call({.call_id = id,
                    .occurred_at = format_rfc3339(*parse_rfc3339("2026-11-01T00:00:00Z") + (i / 10) * 1000),
                    .site_id = i % 2 == 0 ? "even" : "odd"});
  }
  for (int i = 0; i < 7; ++i) {
    const std::string id = "q-" + std::to_string(i);
    expected.push_back(id);
    journal_->notification({.call_id = id, .status = "sent", .at = "2026-11-02T00:00:00.000Z"});
  }
  for (const std::size_t limit : {1u, 7u, 10u, 100u, 257u, 1000u}) {
    int pages = 0;
    std::vector<std::string> seen;
    for (const auto& c : all_pages({}, limit, &pages)) seen.push_back(c.call_id);
    EXPECT_EQ(seen, expected) << "limit " << limit;
    EXPECT_EQ(pages, static_cast<int>((expected.size() + limit - 1) / limit)) << "limit " << limit;
  }
  CallFilter odd;
  odd.site = "odd";
  const auto rows = all_pages(odd, 9);
  ASSERT_EQ(rows.size(), 125u);
  std::set<std::string> unique;
  for (const auto& r : rows) {
    EXPECT_EQ(r.site_id, "odd");
    unique.insert(r.call_id);
  }
  EXPECT_EQ(unique.size(), 125u);
}

TEST_P(CallQueryTest, ACursorStaysValidWhileCallsAreAdded) {
  for (int i = 0; i < 5; ++i) {
    journal_->call({.call_id = "a-" + std::to_string(i),
                    .occurred_at = format_rfc3339(*parse_rfc3339("2026-11-01T00:00:00Z") + i * 60000)});
  }
  auto first = query_calls(*store_, {}, {2, ""});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->calls.size(), 2u);
  // Added before the cursor's position: not seen; after it: seen.
  journal_->call({.call_id = "a-early", .occurred_at = "2026-10-01T00:00:00.000Z"});
  journal_->call({.call_id = "a-late", .occurred_at = "2026-12-01T00:00:00.000Z"});
  auto rest = query_calls(*store_, {}, {10, first->next_cursor});
  ASSERT_TRUE(rest.ok());
  std::vector<std::string> seen;
  for (const auto& c : rest->calls) seen.push_back(c.call_id);
  EXPECT_EQ(seen, (std::vector<std::string>{"a-2", "a-3", "a-4", "a-late"}));
  EXPECT_TRUE(rest->next_cursor.empty());
}

TEST_P(CallQueryTest, BadCursorsAndLimitsAreNamed) {
  small_journal(*journal_);
  for (const std::string& cursor : std::vector<std::string>{
           "x", "not base64!", "dDoxMjM", "bjo", "cTo5OmMtMQ", "dDowMTIzOmMtMQ", "dDoxMjM6", "dDorMTIzOmMtMQ",
        "' OR 1=1 --", std::string(3000, 'A')}) {
    auto r = query_calls(*store_, {}, {10, cursor});
    ASSERT_FALSE(r.ok()) << cursor;
    EXPECT_EQ(r.error().message, "cursor: not a cursor this service issued") << cursor;
  }
  for (const std::size_t limit : {std::size_t{0}, kMaxPageSize + 1}) {
    auto r = query_calls(*store_, {}, {limit, ""});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.rfind("limit: ", 0), 0u) << r.error().message;
  }
  CallFilter f;
  f.call_class = "emergency' OR '1'='1";
  auto r = query_calls(*store_, f, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("class: ", 0), 0u) << r.error().message;
}

TEST_P(CallQueryTest, HostileFilterValuesAreDataAndTheTablesStayIntact) {
  small_journal(*journal_);
  journal_->call({.call_id = "h-1", .occurred_at = "2026-11-25T00:00:00.000Z", .site_id = "x'; DROP TABLE audit_calls; --",
                  .name = "100% _real_ O'Hara \"Quote\" \\back"});
  const std::vector<std::string> hostile = {"' OR 1=1 --", "%", "_", "'", "\"", "\\", "'; DROP TABLE audit_calls; --",
                                            "%' OR '%'='", "€ 日本 🚑", "a%b", "O'H"};
  const auto count_before = store_->count();
  const auto everyone = all_pages({}, 100);
  for (const auto& value : hostile) {
    CallFilter f;
    f.site = value;
    EXPECT_TRUE(ids(f).empty()) << value;
    f = {};
    f.caller = value;
    // Only names that really hold the text (ASCII case aside) match.
    std::vector<std::string> expected;
    for (const auto& c : everyone) {
      if (to_lower_ascii(c.caller_name).find(to_lower_ascii(value)) != std::string::npos) expected.push_back(c.call_id);
    }
    EXPECT_EQ(ids(f), expected) << value;
  }
  CallFilter f;
  f.site = "x'; DROP TABLE audit_calls; --";
  EXPECT_EQ(ids(f), std::vector<std::string>{"h-1"});
  EXPECT_EQ(ids({}).size(), 5u);
  EXPECT_EQ(store_->count(), count_before);
  f = {};
  f.site = "' OR 1=1 --";
  const auto report = compliance_report(*store_, f);
  EXPECT_EQ(report.overall.emergency_calls, 0u);
  EXPECT_TRUE(report.sites.empty());
}

TEST_P(CallQueryTest, DetailHasTheRowItsAlertsAndItsEntriesInSeqOrder) {
  small_journal(*journal_);
  const auto d = call_detail(*store_, "c-1");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->call.call_id, "c-1");
  ASSERT_EQ(d->alerts.size(), 2u);
  EXPECT_EQ(d->alerts[0].recipient_name, "London duty manager");
  EXPECT_EQ(d->alerts[0].status, "acknowledged");
  EXPECT_EQ(d->alerts[0].acknowledged_by, "London duty manager");
  EXPECT_EQ(d->alerts[0].delivered_latency_ms, 2783);
  EXPECT_EQ(d->alerts[1].recipient_name, "London security desk");
  EXPECT_EQ(d->alerts[1].channel, "email");
  std::vector<std::string> kinds;
  for (std::size_t i = 0; i < d->entries.size(); ++i) {
    kinds.push_back(d->entries[i].kind);
    if (i > 0) {
      EXPECT_LT(d->entries[i - 1].seq, d->entries[i].seq);
    }
    EXPECT_EQ(d->entries[i].call_id, "c-1");
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"call.recorded", "location.conveyed", "notification", "notification",
                                             "notification"}));
  EXPECT_FALSE(call_detail(*store_, "c-nope"));
  EXPECT_FALSE(call_detail(*store_, "' OR 1=1 --"));
}

TEST_P(CallQueryTest, ReportFiguresPerSiteAndOverall) {
  // london: 4 emergency calls (3 dispatchable, 3 notified with latencies
  // 100, 200, 900 ms; 1 all delivered), 1 test call. paris: 2 emergency
  // calls, both dispatchable, one notified after 50 ms.
  auto& j = *journal_;
  const auto at = [](int minute) { return format_rfc3339(*parse_rfc3339("2026-11-10T00:00:00Z") + minute * 60000); };
  const auto alert = [&](const std::string& call, int minute, const std::string& who, const std::string& status,
                         std::int64_t latency) {
    j.notification({.call_id = call, .list = "l", .name = who, .address = who + "@example.com",
                    .channel = "email", .status = status, .at = at(minute), .latency_ms = latency});
  };
  j.call({.call_id = "l-1", .occurred_at = at(0), .site_id = "london"});
  alert("l-1", 0, "a", "sent", 100);
  alert("l-1", 0, "b", "delivered", 150);
  j.call({.call_id = "l-2", .occurred_at = at(10), .site_id = "london"});
  alert("l-2", 10, "a", "sent", 200);
  alert("l-2", 10, "b", "failed", 5000);
  j.call({.call_id = "l-3", .occurred_at = at(20), .site_id = "london", .dispatchable = false});
  alert("l-3", 20, "a", "retrying", 300);
  alert("l-3", 21, "a", "delivered", 900);
  alert("l-3", 22, "b", "escalated", 120000);
  alert("l-3", 22, "b", "failed", 120001);
  j.call({.call_id = "l-4", .occurred_at = at(30), .site_id = "london",
          .warnings = {"missing-unit", "callback-shared", "elin-reused"}});
  j.call({.call_id = "l-5", .call_class = "test", .occurred_at = at(40), .site_id = "london"});
  alert("l-5", 40, "a", "sent", 10);
  j.call({.call_id = "p-1", .occurred_at = at(50), .site_id = "paris"});
  alert("p-1", 50, "a", "delivered", 50);
  j.call({.call_id = "p-2", .occurred_at = at(60), .site_id = "paris", .warnings = {"callback-missing"}});
  j.call({.call_id = "old", .occurred_at = "2026-10-01T00:00:00.000Z", .site_id = "paris"});

  CallFilter f;
  f.from = *parse_rfc3339("2026-11-01T00:00:00Z");
  f.to = *parse_rfc3339("2026-12-01T00:00:00Z");
  const auto r = compliance_report(*store_, f);
  EXPECT_EQ(r.filter.from, f.from);
  ASSERT_EQ(r.sites.size(), 2u);
  const auto& london = r.sites[0];
  EXPECT_EQ(london.site_id, "london");
  EXPECT_EQ(london.emergency_calls, 4u);
  EXPECT_EQ(london.test_calls, 1u);
  EXPECT_EQ(london.dispatchable, 3u);
  EXPECT_EQ(london.notified, 3u);
  EXPECT_EQ(london.all_delivered, 1u);
  EXPECT_DOUBLE_EQ(london.dispatchable_percent(), 75.0);
  EXPECT_DOUBLE_EQ(london.notified_percent(), 75.0);
  EXPECT_EQ(london.alert_latency.count, 3u);
  EXPECT_EQ(london.alert_latency.p50_ms, 200);  // nearest rank: ceil(0.5 * 3) = 2nd of 100, 200, 900
  EXPECT_EQ(london.alert_latency.p95_ms, 900);
  EXPECT_EQ(london.alert_latency.max_ms, 900);
  EXPECT_EQ(london.alerts_failed, 2u);
  EXPECT_EQ(london.alerts_escalated, 1u);
  EXPECT_EQ(london.callback_missing, 0u);
  EXPECT_EQ(london.callback_shared, 1u);
  EXPECT_EQ(london.elin_reused, 1u);
  const auto& paris = r.sites[1];
  EXPECT_EQ(paris.callback_missing, 1u);
  EXPECT_EQ(paris.callback_shared, 0u);
  EXPECT_EQ(r.overall.callback_missing, 1u);
  EXPECT_EQ(r.overall.callback_shared, 1u);
  EXPECT_EQ(paris.site_id, "paris");
  EXPECT_EQ(paris.emergency_calls, 2u);  // "old" is outside the range
  EXPECT_DOUBLE_EQ(paris.notified_percent(), 50.0);
  EXPECT_EQ(paris.alert_latency.p50_ms, 50);
  const auto& all = r.overall;
  EXPECT_EQ(all.site_id, "");
  EXPECT_EQ(all.emergency_calls, 6u);
  EXPECT_EQ(all.test_calls, 1u);
  EXPECT_EQ(all.dispatchable, 5u);
  EXPECT_EQ(all.notified, 4u);
  EXPECT_NEAR(all.dispatchable_percent(), 83.333, 0.001);
  EXPECT_EQ(all.alert_latency.count, 4u);
  EXPECT_EQ(all.alert_latency.p50_ms, 100);  // 2nd of 50, 100, 200, 900
  EXPECT_EQ(all.alert_latency.p95_ms, 900);
  EXPECT_EQ(all.alert_latency.max_ms, 900);

  f.site = "paris";
  const auto one = compliance_report(*store_, f);
  ASSERT_EQ(one.sites.size(), 1u);
  EXPECT_EQ(one.overall.emergency_calls, 2u);
  const auto everything = compliance_report(*store_, {});
  EXPECT_EQ(everything.overall.emergency_calls, 7u);
  CallFilter nothing;
  nothing.from = 0;
  nothing.to = 1;
  const auto empty = compliance_report(*store_, nothing);
  EXPECT_EQ(empty.overall.emergency_calls, 0u);
  EXPECT_DOUBLE_EQ(empty.overall.notified_percent(), 0.0);
  EXPECT_FALSE(empty.overall.alert_latency.p50_ms);
}

TEST_P(CallQueryTest, NearestRankPercentilesOverOneHundredCalls) {
  // Latencies 1..100 ms: p50 is the 50th, p95 the 95th.
  for (int i = 1; i <= 100; ++i) {
    const std::string id = "n-" + std::to_string(i);
    const auto t = format_rfc3339(*parse_rfc3339("2026-11-10T00:00:00Z") + i * 1000);
    journal_->call({.call_id = id, .occurred_at = t, .site_id = "s"});
    journal_->notification({.call_id = id, .status = "delivered", .at = t, .latency_ms = 101 - i});
  }
  const auto r = compliance_report(*store_, {});
  EXPECT_EQ(r.overall.alert_latency.count, 100u);
  EXPECT_EQ(r.overall.alert_latency.p50_ms, 50);
  EXPECT_EQ(r.overall.alert_latency.p95_ms, 95);
  EXPECT_EQ(r.overall.alert_latency.max_ms, 100);
}

}  // namespace
}  // namespace e911::auditor
