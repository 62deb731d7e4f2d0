// The pure parts of retention: cutoffs, and the journal.purge payload
// (purge_entry.h) that verify_chain reads back.

#include <gtest/gtest.h>

#include "consumers/auditor/journal/canonical_json.h"
#include "consumers/auditor/journal/purge_entry.h"
#include "consumers/auditor/store/retention.h"

namespace e911::auditor {
namespace {

constexpr EpochMillis kNow = 1795255200000;  // 2026-11-21T10:00:00Z

std::string hash_of(char c) { return std::string(64, c); }

TEST(RetentionCutoffs, CountDaysBackFromNow) {
  const auto c = retention_cutoffs(kNow, RetentionDays{2557, 90});
  EXPECT_EQ(c.emergency, kNow - 2557 * kMillisPerDay);
  EXPECT_EQ(c.test, kNow - 90 * kMillisPerDay);
  EXPECT_EQ(format_rfc3339(c.test), "2026-08-23T10:00:00.000Z");
}

TEST(PurgeEntry, GapsAreRunsOfConsecutiveSeqs) {
  const std::vector<RemovedEntry> removed{{1, hash_of('0'), hash_of('1')},
                                          {2, hash_of('1'), hash_of('2')},
                                          {5, hash_of('4'), hash_of('5')},
                                          {6, hash_of('5'), hash_of('6')},
                                          {9, hash_of('8'), hash_of('9')}};
  EXPECT_EQ(gaps_of_removed(removed), (std::vector<PurgeGap>{{1, 2, hash_of('0'), hash_of('2')},
                                                             {5, 6, hash_of('4'), hash_of('6')},
                                                             {9, 9, hash_of('8'), hash_of('9')}}));
  EXPECT_TRUE(gaps_of_removed({}).empty());
}

TEST(PurgeEntry, PayloadIsCanonicalAndReadsBack) {
  PurgeSummary summary;
  summary.calls = 2;
  summary.removed = 3;
  summary.entries_by_kind = {{"call.recorded", 2}, {"notification", 1}};
  summary.cutoffs = {{"emergency", kNow - 10}, {"test", kNow - 5}};
  const std::vector<PurgeGap> gaps{{1, 2, hash_of('0'), hash_of('2')}, {7, 7, hash_of('6'), hash_of('7')}};
  const auto payloads = purge_payloads(summary, gaps);
  ASSERT_EQ(payloads.size(), 1u);
  EXPECT_EQ(*canonical_json(payloads[0]), payloads[0]);
  EXPECT_EQ(payloads[0],
            R"({"calls":2,"cutoffs":{"emergency":"2026-11-21T09:59:59.990Z","test":"2026-11-21T09:59:59.995Z"},)"
            R"("entries":{"call.recorded":2,"notification":1},"gaps":[{"from":1,"last_hash":")" +
                hash_of('2') + R"(","prev_hash":")" + hash_of('0') + R"(","to":2},{"from":7,"last_hash":")" +
                hash_of('7') + R"(","prev_hash":")" + hash_of('6') +
                R"(","to":7}],"part":1,"parts":1,"reason":"retention","removed":3})");
  EXPECT_EQ(*purge_gaps_of(payloads[0]), gaps);

  // In parts, each with the summary and its own gaps.
  const auto parts = purge_payloads(summary, gaps, 1);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(*purge_gaps_of(parts[1]), std::vector<PurgeGap>{gaps[1]});
  EXPECT_NE(parts[1].find(R"("part":2,"parts":2)"), std::string::npos);
  EXPECT_NE(parts[1].find(R"("calls":2)"), std::string::npos);
  // Nothing removed: still one payload.
  EXPECT_EQ(purge_payloads(summary, {}).size(), 1u);
}

TEST(PurgeEntry, RefusesMalformedGapsNamingTheMember) {
  const auto error_of = [](const std::string& payload) {
    const auto r = purge_gaps_of(payload);
    return r.ok() ? std::string("ok") : r.error().message;
  };
  EXPECT_EQ(error_of("[]"), "purge payload is not a JSON object");
  EXPECT_EQ(error_of("{}"), "gaps: expected an array");
  EXPECT_EQ(error_of(R"({"gaps":[1]})"), "gaps[0]: expected an object");
  EXPECT_EQ(error_of(R"({"gaps":[{"from":0,"to":1}]})"), "gaps[0].from: expected a seq (a whole number from 1)");
  EXPECT_EQ(error_of(R"({"gaps":[{"from":3,"to":2}]})"), "gaps[0]: to (2) is before from (3)");
  EXPECT_EQ(error_of(R"({"gaps":[{"from":1,"to":2,"prev_hash":"abc","last_hash":"x"}]})"),
            "gaps[0].prev_hash: expected a 64-character hex hash");
}

}  // namespace
}  // namespace e911::auditor
