#pragma once
// A small journal of real calls for the export and purge tests: emergency
// call documents and notification records ingested into a SQLite store
// through AuditStore::ingest, as the consumer does.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "consumers/auditor/audit_record.h"
#include "consumers/auditor/registration_record.h"
#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/store/retention.h"
#include "tests/auditor/audit_test_support.h"

namespace e911::auditor::test {

inline constexpr EpochMillis kJournalNow = 1795255200000;  // 2026-11-21T10:00:00Z

inline std::string call_document(const std::string& call_id, const std::string& call_class, EpochMillis occurred_at) {
  return R"({"schema":"e911.emergency-call/v1","call_id":")" + call_id + R"(","class":")" + call_class +
         R"(","dialed":"911","occurred_at":")" + format_rfc3339(occurred_at) +
         R"(","country":"US","caller":{"user_id":"u-1","name":"Ann Example","extension":"5001","callback":"+15125550100"},)"
         R"("location":{"source":"subnet","dispatchable":true,"site_id":"hq","label":"HQ, Level 4"},)"
         R"("routing":"psap","warnings":[],"notify":"hq-security","pidf_lo":"<presence entity=\"pres:u-1@example.com\"/>"})";
}

inline std::string notification_record(const std::string& call_id, int n, EpochMillis at) {
  return R"({"schema":"e911.notification/v1","notification_id":"n-)" + call_id + "-" + std::to_string(n) +
         R"(","call_id":")" + call_id +
         R"(","list":"hq-security","recipient":{"name":"Desk","address":"+15125550199"},"channel":"sms",)"
         R"("attempt":1,"status":"delivered","at":")" +
         format_rfc3339(at) + R"(","latency_ms":1200})";
}

class JournalBuilder {
 public:
  JournalBuilder(AuditStore& store, Signer signer) : store_(store), signer_(std::move(signer)) {}

  void call(const std::string& call_id, const std::string& call_class, EpochMillis occurred_at) {
    auto drafts = drafts_for_emergency_call(call_document(call_id, call_class, occurred_at),
                                            {"e911.emergency-calls", 0, offset_++}, occurred_at + 500);
    ASSERT_TRUE(drafts.ok()) << drafts.error().message;
    store_.ingest(*drafts, {}, signer_);
  }
  void notification(const std::string& call_id, int n, EpochMillis at) {
    auto draft = draft_for_notification(notification_record(call_id, n, at), {"e911.notifications", 0, offset_++}, at);
    ASSERT_TRUE(draft.ok()) << draft.error().message;
    store_.ingest({*draft}, {}, signer_);
  }

  // An e911.elin-lookup/v1 record journaled at `at`, reaching `call_id`
  // (empty: no call).
  void lookup(const std::string& lookup_id, const std::string& call_id, EpochMillis at) {
    std::string record = R"({"schema":"e911.elin-lookup/v1","lookup_id":")" + lookup_id +
                         R"(","elin":"+15125550190","looked_up_at":")" + format_rfc3339(at) +
                         R"(","via":"cli","by":"operator",)";
    record += call_id.empty() ? R"("reachable":false})"
                              : R"("reachable":true,"call_id":")" + call_id + R"(","pool":"hq","assigned_at":")" +
                                    format_rfc3339(at - 60000) + R"("})";
    auto draft = draft_for_elin_lookup(record, {"e911.elin-lookups", 0, offset_++}, at);
    ASSERT_TRUE(draft.ok()) << draft.error().message;
    store_.ingest({*draft}, {}, signer_);
  }

  // An e911.location-updates record of `user_id` registered at `at`
  // (event_id `event_id`), journaled then; or a tombstone withdrawing it.
  void registration(const std::string& user_id, const std::string& event_id, EpochMillis at) {
    const std::string record = R"({"schema":"e911.location-update/v1","event_id":")" + event_id +
                               R"(","occurred_at":")" + format_rfc3339(at) + R"(","user_id":")" + user_id +
                               R"(","source":"user","validated":true,)"
                               R"("address":{"country":"US","city":"Austin","street":"Example Ave","house_number":"500"}})";
    auto draft = draft_for_location_update(record, {"e911.location-updates", 0, offset_++}, at);
    ASSERT_TRUE(draft.ok()) << draft.error().message;
    store_.ingest({*draft}, {}, signer_);
  }
  void withdrawal(const std::string& user_id, EpochMillis at) {
    auto draft = draft_for_withdrawal(user_id, {"e911.location-updates", 0, offset_++}, at, at);
    ASSERT_TRUE(draft.ok()) << draft.error().message;
    store_.ingest({*draft}, {}, signer_);
  }

  // "old" (emergency, 8 years ago), "new-test" (test, 10 days ago),
  // "old-test" (test, 100 days ago), "new" (emergency, 10 days ago), with
  // notifications interleaved; 12 entries:
  //   1-2 old, 3-4 new-test, 5 old, 6-7 old-test, 8 new-test, 9 old-test, 10-11 new, 12 new
  void four_calls() {
    const EpochMillis eight_years = kJournalNow - 2922 * kMillisPerDay;
    call("old", "emergency", eight_years);
    call("new-test", "test", kJournalNow - 10 * kMillisPerDay);
    notification("old", 1, eight_years + 2000);
    call("old-test", "test", kJournalNow - 100 * kMillisPerDay);
    notification("new-test", 1, kJournalNow - 10 * kMillisPerDay + 2000);
    notification("old-test", 1, kJournalNow - 100 * kMillisPerDay + 2000);
    call("new", "emergency", kJournalNow - 10 * kMillisPerDay);
    notification("new", 1, kJournalNow - 10 * kMillisPerDay + 2000);
  }

 private:
  AuditStore& store_;
  Signer signer_;
  std::int64_t offset_ = 0;
};

}  // namespace e911::auditor::test
