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

// Integers past canonical JSON's range are kept as their decimal text, the
// most negative 64-bit one included: it was compared through llabs(),
// undefined for it, and in a build that took it literally the record could
// not be journaled.
TEST(AuditRecordTest, IntegersPastTheCanonicalRangeAreKeptAsText) {
  auto json = test::emergency_call_json(test::CallDoc{});
  const auto at = json.find("\"notify\":");
  ASSERT_NE(at, std::string::npos) << json;
  json.insert(at, R"("device":{"min":-9223372036854775808,"edge":-9007199254740991},)");
  const auto drafts = drafts_for_emergency_call(json, kFrom, kNow);
  ASSERT_TRUE(drafts) << drafts.error().message;
  EXPECT_NE((*drafts)[0].payload.find(R"("device":{"edge":-9007199254740991,"min":"-9223372036854775808"})"),
            std::string::npos)
      << (*drafts)[0].payload;
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

// Decodes every example of schemas/examples/<dir>, expecting each to be
// journaled; how many there are.
template <typename Decode>
int decode_each_example(const std::string& dir, Decode decode) {
  int n = 0;
  for (const auto& f : std::filesystem::directory_iterator(test::source_dir() + "/schemas/examples/" + dir)) {
    const auto decoded = decode(read(f.path()));
    EXPECT_TRUE(decoded) << f.path() << ": " << (decoded ? std::string() : decoded.error().message);
    ++n;
  }
  return n;
}

TEST(AuditRecordTest, EveryEmergencyCallExampleOfTheContractIsJournaled) {
  EXPECT_GT(decode_each_example("emergency-call",
                                [](const std::string& doc) { return drafts_for_emergency_call(doc, kFrom, kNow); }),
            3);
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
                      BadInput{"ValidatedText", with(R"("dispatchable":true,)", R"("dispatchable":true,"validated":"yes",)"),
                               "location.validated: expected a boolean, got string"},
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

// ---- ELIN lookups ----

const SourceRecord kLookupFrom{"e911.elin-lookups", 0, 12};

std::string lookup_example(const std::string& name) {
  return read(test::source_dir() + "/schemas/examples/elin-lookup/" + name);
}

TEST(AuditRecordTest, AReachableElinLookupIsOnTheTimelineOfTheCallItReached) {
  const auto draft = draft_for_elin_lookup(lookup_example("reachable.json"), kLookupFrom, kNow);
  ASSERT_TRUE(draft) << draft.error().message;
  EXPECT_EQ(draft->kind, "elin.lookup");
  EXPECT_EQ(draft->call_id, "c-2001");
  EXPECT_EQ(draft->at, kNow);
  const auto canonical = canonical_json(draft->payload);
  ASSERT_TRUE(canonical) << canonical.error().message;
  EXPECT_EQ(*canonical, draft->payload);
  for (const char* member :
       {R"("lookup_id":"lk-7f3a9c2e")", R"("elin":"+15125550190")", R"("looked_up_at":"2026-11-21T16:09:12.400Z")",
        R"("via":"http")", R"("by":"pbx-callback")", R"("reachable":true)", R"("pool":"austin-office/austin-f1")",
        R"("assigned_at":"2026-11-21T16:05:00.000Z")", R"("schema":"e911.elin-lookup/v1")",
        R"("source":{"offset":12,"partition":0,"topic":"e911.elin-lookups"})"}) {
    EXPECT_NE(draft->payload.find(member), std::string::npos) << member << " in " << draft->payload;
  }
}

TEST(AuditRecordTest, AnElinLookupThatReachedNoCallIsOnNoCallsTimeline) {
  const auto draft = draft_for_elin_lookup(lookup_example("nobody.json"), kLookupFrom, kNow);
  ASSERT_TRUE(draft) << draft.error().message;
  EXPECT_EQ(draft->kind, "elin.lookup");
  EXPECT_EQ(draft->call_id, "");
  EXPECT_NE(draft->payload.find(R"("reachable":false)"), std::string::npos) << draft->payload;
  EXPECT_NE(draft->payload.find(R"("elin":"+15125550193")"), std::string::npos) << draft->payload;
}

TEST(AuditRecordTest, EveryElinLookupExampleOfTheSchemasIsJournaled) {
  EXPECT_GE(decode_each_example("elin-lookup",
                                [](const std::string& doc) { return draft_for_elin_lookup(doc, kLookupFrom, kNow); }),
            3);
}

class BadElinLookupTest : public ::testing::TestWithParam<BadInput> {};

// The reachable example with `from` replaced by `to`.
std::string lookup_with(const std::string& from, const std::string& to) {
  auto doc = lookup_example("reachable.json");
  const auto at = doc.find(from);
  if (at == std::string::npos) throw std::runtime_error("no " + from);
  return doc.replace(at, from.size(), to);
}

INSTANTIATE_TEST_SUITE_P(
    Refused, BadElinLookupTest,
    ::testing::Values(
        BadInput{"NotJson", "{\"schema\":", "offset"},
        BadInput{"OtherSchema", lookup_with("elin-lookup/v1", "elin-lookup/v2"),
                 "schema: unsupported \"e911.elin-lookup/v2\" (expected \"e911.elin-lookup/v1\")"},
        BadInput{"NoLookupId", lookup_with(R"("lookup_id": "lk-7f3a9c2e", )", ""), "lookup_id: missing"},
        BadInput{"EmptyLookupId", lookup_with(R"("lk-7f3a9c2e")", R"("")"), "lookup_id: empty"},
        BadInput{"NoElin", lookup_with(R"("elin": "+15125550190", )", ""), "elin: missing"},
        BadInput{"ElinNotE164", lookup_with(R"("+15125550190")", R"("5125550190")"),
                 "elin: not an E.164 number (must start with +)"},
        BadInput{"ElinWithSpaces", lookup_with(R"("+15125550190")", R"("+1 512 555 0190")"),
                 "elin: not an E.164 number (only digits may follow +)"},
        BadInput{"ElinNumber", lookup_with(R"("+15125550190")", "15125550190"), "elin: expected a string, got number"},
        BadInput{"NoLookedUpAt", lookup_with(R"("looked_up_at": "2026-11-21T16:09:12.400Z",)", ""),
                 "looked_up_at: missing"},
        BadInput{"BadLookedUpAt", lookup_with("2026-11-21T16:09:12.400Z", "yesterday"),
                 "looked_up_at: not an RFC 3339 timestamp"},
        BadInput{"BadAsOf", lookup_with(R"("via")", R"("as_of": 5, "via")"),
                 "as_of: expected a timestamp string, got number"},
        BadInput{"UnknownVia", lookup_with(R"("via": "http")", R"("via": "sms")"), "via: expected \"http\" or \"cli\""},
        BadInput{"NoBy", lookup_with(R"("by": "pbx-callback", )", ""), "by: missing"},
        BadInput{"NoReachable", lookup_with(R"("reachable": true, )", ""), "reachable: missing"},
        BadInput{"ReachableText", lookup_with(R"("reachable": true)", R"("reachable": "yes")"),
                 "reachable: expected a boolean, got string"},
        BadInput{"ReachableWithoutCall", lookup_with(R"("call_id": "c-2001", )", ""), "call_id: missing"},
        BadInput{"ReachableWithoutPool", lookup_with(R"("pool": "austin-office/austin-f1",)", ""), "pool: missing"},
        BadInput{"ReachableWithoutAssignedAt", lookup_with(R"(,
 "assigned_at": "2026-11-21T16:05:00.000Z")", ""),
                 "assigned_at: missing"},
        BadInput{"UnreachableNamingACall", lookup_with(R"("reachable": true)", R"("reachable": false)"),
                 "call_id: present, but reachable is false"},
        BadInput{"DuplicateMember", lookup_with(R"("by": "pbx-callback")", R"("by": "pbx-callback", "by": "x")"),
                 "by: duplicate member"}),
    [](const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; });

TEST_P(BadElinLookupTest, IsRefusedNamingTheField) {
  const auto draft = draft_for_elin_lookup(GetParam().document, kLookupFrom, kNow);
  ASSERT_FALSE(draft) << GetParam().document;
  EXPECT_NE(draft.error().message.find(GetParam().reason), std::string::npos) << draft.error().message;
}

TEST(AuditRecordTest, AnElinConveyedThatIsNotTextIsRefused) {
  auto json = test::emergency_call_json(test::CallDoc{});
  json.insert(json.find("\"notify\":"), R"("elin":15125550190,)");
  const auto drafts = drafts_for_emergency_call(json, kFrom, kNow);
  ASSERT_FALSE(drafts);
  EXPECT_EQ(drafts.error().message, "elin: expected a string, got number");
}

TEST(AuditRecordTest, HugeAndDeepInputIsRefusedByTheParserLimits) {
  EXPECT_FALSE(drafts_for_emergency_call(std::string(100 * 1024, ' ') + "{}", kFrom, kNow));
  EXPECT_FALSE(draft_for_notification(std::string(1000, '[') + std::string(1000, ']'), kFrom, kNow));
}

}  // namespace
}  // namespace e911::auditor
