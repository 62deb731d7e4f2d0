#include "consumers/auditor/audit_record.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "consumers/auditor/journal/canonical_json.h"
#include "tests/auditor/journal_docs.h"
#include "tests/support/files.h"

namespace e911::auditor {
namespace {

constexpr EpochMillis kNow = 1795255300000;
const SourceRecord kFrom{"e911.emergency-calls", 2, 41};

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(AuditRecordTest, AnEmergencyCallIsRecordedThenItsLocationConveyed) {
  test::CallDoc d;
  d.caller_name = "Zoë \"Z\" O'Neil";
  const auto drafts = drafts_for_emergency_call(test::emergency_call_json(d), kFrom, kNow);
  ASSERT_TRUE(drafts) << drafts.error().message;
  ASSERT_EQ(drafts->size(), 2u);
  const auto& recorded = (*drafts)[0];
  const auto& conveyed = (*drafts)[1];
  EXPECT_EQ(recorded.kind, "call.recorded");
  EXPECT_EQ(recorded.call_id, "c-1");
  EXPECT_EQ(recorded.at, kNow);
  EXPECT_EQ(conveyed.kind, "location.conveyed");
  for (const auto& draft : *drafts) {
    const auto canonical = canonical_json(draft.payload);
    ASSERT_TRUE(canonical) << canonical.error().message;
    EXPECT_EQ(*canonical, draft.payload) << "payloads are canonical already";
    EXPECT_NE(draft.payload.find(R"("source":{"offset":41,"partition":2,"topic":"e911.emergency-calls"})"),
              std::string::npos)
        << draft.payload;
  }
  EXPECT_NE(recorded.payload.find(R"("name":"Zoë \"Z\" O'Neil")"), std::string::npos) << recorded.payload;
  EXPECT_NE(recorded.payload.find(R"("occurred_at":"2026-11-21T10:00:00.000Z")"), std::string::npos);
  EXPECT_EQ(recorded.payload.find("pidf_lo"), std::string::npos) << "the PIDF-LO belongs to the location conveyed";
  EXPECT_NE(conveyed.payload.find("pidf_lo"), std::string::npos);
  // Coordinates are not integers: kept as their decimal text.
  EXPECT_NE(conveyed.payload.find(R"("geo":{"lat":"30.2672","lon":"-97.7431"})"), std::string::npos)
      << conveyed.payload;
}

// The ELIN conveyed for the caller's zone is part of what was conveyed.
TEST(AuditRecordTest, TheElinConveyedIsJournaledWithTheLocation) {
  auto json = test::emergency_call_json(test::CallDoc{});
  const auto at = json.find("\"notify\":");
  ASSERT_NE(at, std::string::npos) << json;
  json.insert(at, R"("elin":"+15125550190",)");
  const auto drafts = drafts_for_emergency_call(json, kFrom, kNow);
  ASSERT_TRUE(drafts) << drafts.error().message;
  EXPECT_NE((*drafts)[1].payload.find(R"("elin":"+15125550190")"), std::string::npos) << (*drafts)[1].payload;
  EXPECT_EQ((*drafts)[0].payload.find("elin"), std::string::npos);
}

TEST(AuditRecordTest, EveryEmergencyCallExampleOfTheContractIsJournaled) {
  int n = 0;
  for (const auto& f : std::filesystem::directory_iterator((test::source_dir() + "/schemas/examples/emergency-call"))) {
    const auto drafts = drafts_for_emergency_call(read(f.path()), kFrom, kNow);
    EXPECT_TRUE(drafts) << f.path() << ": " << drafts.error().message;
    ++n;
  }
  EXPECT_GT(n, 3);
}

TEST(AuditRecordTest, EveryNotificationExampleOfTheContractIsJournaled) {
  int n = 0;
  for (const auto& f : std::filesystem::directory_iterator((test::source_dir() + "/schemas/examples/notification"))) {
    const auto draft = draft_for_notification(read(f.path()), {"e911.notifications", 0, 7}, kNow);
    ASSERT_TRUE(draft) << f.path() << ": " << draft.error().message;
    EXPECT_EQ(draft->kind, "notification");
    EXPECT_FALSE(draft->call_id.empty());
    ++n;
  }
  EXPECT_GT(n, 3);
}

struct BadInput {
  const char* name;
  std::string document;
  const char* reason;  // a part of the error message
};

class BadEmergencyCallTest : public ::testing::TestWithParam<BadInput> {};

std::string with(const std::string& from, const std::string& to) {
  auto doc = test::emergency_call_json({});
  const auto at = doc.find(from);
  if (at == std::string::npos) throw std::runtime_error("no " + from);
  return doc.replace(at, from.size(), to);
}

INSTANTIATE_TEST_SUITE_P(
    Refused, BadEmergencyCallTest,
    ::testing::Values(BadInput{"NotJson", "not json", "offset"},
                      BadInput{"NotAnObject", "[1,2]", "expected a JSON object, got array"},
                      BadInput{"OtherSchema", with("emergency-call/v1", "emergency-call/v9"),
                               "schema: unsupported \"e911.emergency-call/v9\""},
                      BadInput{"NoCallId", with(R"("call_id":"c-1",)", ""), "call_id: missing"},
                      BadInput{"NumericCallId", with(R"("call_id":"c-1")", R"("call_id":17)"),
                               "call_id: expected a string, got number"},
                      BadInput{"UnknownClass", with(R"("class":"emergency")", R"("class":"drill")"),
                               "class: expected \"emergency\" or \"test\""},
                      BadInput{"BadTime", with(R"("occurred_at":"2026-11-21T10:00:00.000Z")", R"("occurred_at":"yesterday")"),
                               "occurred_at: not an RFC 3339 timestamp"},
                      BadInput{"CallerName", with(R"("name":"Jane Doe")", R"("name":{"first":"Jane"})"),
                               "caller.name: expected a string, got object"},
                      BadInput{"NoDispatchable", with(R"("dispatchable":true,)", ""), "location.dispatchable: missing"},
                      BadInput{"WarningNotText", with(R"("warnings":[])", R"("warnings":[3])"),
                               "warnings[0]: expected a string, got number"},
                      BadInput{"DuplicateMember", with(R"("dialed":"911")", R"("dialed":"911","dialed":"933")"),
                               "duplicate"}),
    [](const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; });

TEST_P(BadEmergencyCallTest, IsRefusedNamingTheField) {
  const auto drafts = drafts_for_emergency_call(GetParam().document, kFrom, kNow);
  ASSERT_FALSE(drafts);
  EXPECT_NE(drafts.error().message.find(GetParam().reason), std::string::npos) << drafts.error().message;
}

TEST(AuditRecordTest, BadNotificationsAreRefusedNamingTheField) {
  const auto reason = [](const std::string& doc) {
    const auto r = draft_for_notification(doc, {"e911.notifications", 0, 1}, kNow);
    return r ? std::string("accepted") : r.error().message;
  };
  auto doc = test::notification_json({});
  EXPECT_EQ(reason(std::string(doc).replace(doc.find(R"("status":"sent")"), 15, R"("status":"lost")")),
            "status: unknown status \"lost\"");
  EXPECT_EQ(reason(std::string(doc).replace(doc.find(R"("attempt":1)"), 11, R"("attempt":0)")),
            "attempt: expected a whole number from 1");
  EXPECT_EQ(reason(std::string(doc).replace(doc.find(R"("attempt":1)"), 11, R"("attempt":"1")")),
            "attempt: expected a whole number from 1");
  EXPECT_EQ(reason(R"({"schema":"e911.notification/v1","notification_id":"n","call_id":"c","channel":"sms","status":"sent","attempt":1})"),
            "at: missing");
  EXPECT_EQ(reason(R"({"schema":"e911.notification/v2"})"),
            "schema: unsupported \"e911.notification/v2\" (expected \"e911.notification/v1\")");
  EXPECT_EQ(reason("{\"schema\":\"e911.notification/v1\",\"notification_id\":\"\"}"), "notification_id: empty");
  EXPECT_EQ(reason(std::string(doc).replace(doc.find(R"("latency_ms":350)"), 16, R"("latency_ms":-5)")),
            "latency_ms: expected a number of milliseconds, at least 0");
}

TEST(AuditRecordTest, HugeAndDeepInputIsRefusedByTheParserLimits) {
  EXPECT_FALSE(drafts_for_emergency_call(std::string(100 * 1024, ' ') + "{}", kFrom, kNow));
  EXPECT_FALSE(draft_for_notification(std::string(1000, '[') + std::string(1000, ']'), kFrom, kNow));
}

}  // namespace
}  // namespace e911::auditor
