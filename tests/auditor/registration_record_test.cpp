// What the auditor journals from e911.location-updates: a registration
// per update (checked as the locator checks it), a withdrawal per
// tombstone, and what of a refused one may be logged.

#include "consumers/auditor/registration_record.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "consumers/auditor/journal/canonical_json.h"
#include "tests/support/files.h"

namespace e911::auditor {
namespace {

constexpr EpochMillis kJournaledAt = 1795255300000;  // 2026-11-21T10:01:40Z
const SourceRecord kUpdateFrom{"e911.location-updates", 1, 17};

std::string location_update_example(const std::string& name) {
  return test::read_file(test::source_dir() + "/schemas/examples/location-update/" + name);
}

// The home example with `from` replaced by `to`.
std::string home_update_with(const std::string& from, const std::string& to) {
  auto doc = location_update_example("home-multi-dwelling.json");
  const auto at = doc.find(from);
  if (at == std::string::npos) throw std::runtime_error("no " + from);
  return doc.replace(at, from.size(), to);
}

void expect_payload_members(const std::string& payload, std::initializer_list<const char*> members) {
  for (const char* m : members) EXPECT_NE(payload.find(m), std::string::npos) << m << " in " << payload;
}

TEST(RegistrationRecordTest, AnUpdateIsJournaledAsTheUsersRegistrationOnNoCallsTimeline) {
  const auto draft =
      draft_for_location_update(location_update_example("home-multi-dwelling.json"), kUpdateFrom, kJournaledAt);
  ASSERT_TRUE(draft) << draft.error().message;
  EXPECT_EQ(draft->kind, "location.registered");
  EXPECT_EQ(draft->call_id, "");
  EXPECT_EQ(draft->at, kJournaledAt);
  const auto canonical = canonical_json(draft->payload);
  ASSERT_TRUE(canonical) << canonical.error().message;
  EXPECT_EQ(*canonical, draft->payload) << "payloads are canonical already";
  expect_payload_members(draft->payload,
                 {R"("user_id":"u-7002")", R"("event_id":"lu-1")", R"("registered_at":"2026-11-21T09:00:00.000Z")",
                  R"("supplied_by":"user")", R"("validated":true)",
                  R"("address":{"city":"Austin","country":"US","house_number":"500","multi_dwelling":true,)"
                  R"("postal_code":"78701","state":"TX","street":"Example Ave","unit":"4B"})",
                  R"("network":{"ip":"198.51.100.7"})",
                  R"("source":{"offset":17,"partition":1,"topic":"e911.location-updates"})"});
  EXPECT_EQ(draft->payload.find("e911.location-update/v1"), std::string::npos) << "the schema is not kept";
}

TEST(RegistrationRecordTest, WhatAnUpdateDoesNotSayIsLeftOutOrFalse) {
  const auto draft = draft_for_location_update(location_update_example("minimal.json"), kUpdateFrom, kJournaledAt);
  ASSERT_TRUE(draft) << draft.error().message;
  EXPECT_EQ(draft->payload.find("supplied_by"), std::string::npos) << draft->payload;
  EXPECT_EQ(draft->payload.find("network"), std::string::npos) << draft->payload;
  EXPECT_NE(draft->payload.find(R"("validated":false)"), std::string::npos) << draft->payload;
  // A time with an offset is journaled in UTC.
  const auto berlin =
      draft_for_location_update(location_update_example("every-address-field-wifi.json"), kUpdateFrom, kJournaledAt);
  ASSERT_TRUE(berlin) << berlin.error().message;
  EXPECT_NE(berlin->payload.find(R"("registered_at":"2026-11-21T06:45:12.250Z")"), std::string::npos)
      << berlin->payload;
  EXPECT_NE(berlin->payload.find(R"("supplied_by":"admin")"), std::string::npos);
}

TEST(RegistrationRecordTest, EveryLocationUpdateExampleOfTheContractIsJournaled) {
  int n = 0;
  for (const auto& f :
       std::filesystem::directory_iterator(test::source_dir() + "/schemas/examples/location-update")) {
    const auto draft = draft_for_location_update(test::read_file(f.path()), kUpdateFrom, kJournaledAt);
    EXPECT_TRUE(draft) << f.path() << ": " << (draft ? std::string() : draft.error().message);
    ++n;
  }
  EXPECT_GE(n, 4);
}

TEST(RegistrationRecordTest, ATombstoneIsJournaledAsAWithdrawalWithAnIdFromItsPlace) {
  const auto draft = draft_for_withdrawal(std::string("u-7002"), kUpdateFrom, 1795255200000, kJournaledAt);
  ASSERT_TRUE(draft) << draft.error().message;
  EXPECT_EQ(draft->kind, "location.withdrawn");
  EXPECT_EQ(draft->call_id, "");
  const auto canonical = canonical_json(draft->payload);
  ASSERT_TRUE(canonical) << canonical.error().message;
  EXPECT_EQ(*canonical, draft->payload);
  expect_payload_members(draft->payload, {R"("user_id":"u-7002")", R"("withdrawn_at":"2026-11-21T10:00:00.000Z")",
                                  R"("withdrawal_id":"e911.location-updates/1/17")"});
  // No record time: when it was journaled.
  const auto untimed = draft_for_withdrawal(std::string("u-7002"), kUpdateFrom, -1, kJournaledAt);
  ASSERT_TRUE(untimed);
  EXPECT_NE(untimed->payload.find(R"("withdrawn_at":"2026-11-21T10:01:40.000Z")"), std::string::npos)
      << untimed->payload;
}

TEST(RegistrationRecordTest, ATombstoneMustNameItsUser) {
  const auto none = draft_for_withdrawal(std::nullopt, kUpdateFrom, -1, kJournaledAt);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "key: missing (a tombstone withdraws the registration of the user it is keyed by)");
  EXPECT_FALSE(draft_for_withdrawal(std::string(""), kUpdateFrom, -1, kJournaledAt));
  const auto control = draft_for_withdrawal(std::string("u-1\n"), kUpdateFrom, -1, kJournaledAt);
  ASSERT_FALSE(control);
  EXPECT_EQ(control.error().message, "key: not UTF-8 text without control characters: \"u-1\\n\"");
  const auto longer = draft_for_withdrawal(std::string(257, 'u'), kUpdateFrom, -1, kJournaledAt);
  ASSERT_FALSE(longer);
  EXPECT_EQ(longer.error().message, "key: longer than 256 characters");
}

struct BadUpdate {
  const char* name;
  std::string document;
  const char* reason;  // a part of the error message
};

class BadUpdateTest : public ::testing::TestWithParam<BadUpdate> {};

INSTANTIATE_TEST_SUITE_P(
    Refused, BadUpdateTest,
    ::testing::Values(
        BadUpdate{"NotJson", "{\"schema\":", "offset"},
        BadUpdate{"ACallEvent",
                  test::read_file(test::source_dir() + "/schemas/examples/call-event/minimal.json"),
                  "type: a call event on the location-updates topic"},
        BadUpdate{"NoAddress", home_update_with(R"("address": {)", R"("elsewhere": {)"), "address: missing"},
        BadUpdate{"NotACountry", home_update_with(R"("country": "US")", R"("country": "Texas")"),
                  "address.country: not an ISO 3166-1 alpha-2 code: \"Texas\""},
        BadUpdate{"BadIp", home_update_with("198.51.100.7", "198.51.100.700"), "network.ip: not an IP address"},
        BadUpdate{"ValidatedText", home_update_with(R"("validated": true)", R"("validated": "yes")"), "validated"},
        BadUpdate{"NoUser", home_update_with(R"("user_id": "u-7002",)", ""), "user_id: missing"},
        BadUpdate{"LongEventId", home_update_with(R"("lu-1")", "\"" + std::string(300, 'e') + "\""),
                  "event_id: longer than 256 characters"},
        BadUpdate{"DuplicateMember", home_update_with(R"("source": "user")", R"("source": "user", "source": "admin")"),
                  "duplicate"}),
    [](const ::testing::TestParamInfo<BadUpdate>& info) { return info.param.name; });

TEST_P(BadUpdateTest, IsRefusedNamingTheField) {
  const auto draft = draft_for_location_update(GetParam().document, kUpdateFrom, kJournaledAt);
  ASSERT_FALSE(draft) << GetParam().document;
  EXPECT_NE(draft.error().message.find(GetParam().reason), std::string::npos) << draft.error().message;
}

// A home address is never logged: the log gets a refusal's field and what
// was wrong, not the value it quotes.
TEST(RegistrationRecordTest, WhatIsLoggedOfARefusalQuotesNoValue) {
  EXPECT_EQ(without_quoted_values("address.country: not an ISO 3166-1 alpha-2 code: \"Texas\""),
            "address.country: not an ISO 3166-1 alpha-2 code: (value not logged)");
  EXPECT_EQ(without_quoted_values("address.unit: expected a string, got number"),
            "address.unit: expected a string, got number");
}

}  // namespace
}  // namespace e911::auditor
