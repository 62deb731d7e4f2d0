// Callback validation and ELIN pools (docs/registry.md, "Callback numbers
// and ELINs"): warnings callback-missing and callback-shared, and the ELIN
// a call located in a zone or site with a pool conveys, through the same
// LocatorCore the consumer and `e911 resolve` run.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/emergency_call.h"
#include "consumers/locator/elin_assignment_record.h"
#include "consumers/locator/elin_pool.h"
#include "consumers/locator/locator_core.h"
#include "registry/registry_loader.h"
#include "tests/locator/austin_assignment.h"

namespace e911::locator {
namespace {

constexpr const char* kRegistry = R"(version: 1
notification_lists:
  austin-security: [{name: "Austin desk", sms: "+15125550100"}]
  dallas-security: [{name: "Dallas desk", sms: "+12145550100"}]
sites:
  - id: austin
    notify: austin-security
    address: {country: US, state: TX, city: Austin, street: "Congress Ave", house_number: "500", postal_code: "78701"}
    subnets: ["10.20.0.0/16"]
    # The contact centre's queue and the main line outbound calls are masked to.
    shared_numbers: ["+15125550000", "+15125550001"]
    elins: ["+15125550180"]
    zones:
      - {id: austin-2, floor: "2", subnets: ["10.20.2.0/24"],
         elins: ["+15125550191", "+15125550192", "+15125550193"]}
      - {id: austin-3, floor: "3", subnets: ["10.20.3.0/24"]}
  - id: dallas
    notify: dallas-security
    address: {country: US, state: TX, city: Dallas, street: "Main St", house_number: "1", postal_code: "75201"}
    subnets: ["10.30.0.0/16"]
)";

class CallbackElinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto load = registry::load_registry(kRegistry);
    ASSERT_TRUE(load.ok()) << (load.errors.empty() ? "" : load.errors.front().message);
    core_ = std::make_unique<LocatorCore>(load.registry);
  }

  // The emergency call for a 911 call.initiated from `ip`, `minutes` after
  // 10:00; `caller` is the raw caller object.
  Outcome dial(const std::string& ip, const std::string& caller, int minutes = 0, const std::string& call_id = "",
               const std::string& site = "austin") {
    const std::string n = std::to_string(++seq_);
    char at[32];
    std::snprintf(at, sizeof at, "2026-11-21T%02d:%02d:00Z", 10 + minutes / 60, minutes % 60);
    const std::string json = R"({"schema":"e911.call-event/v1","event_id":"ev-)" + n + R"(","call_id":")" +
                             (call_id.empty() ? "c-" + n : call_id) + R"(","type":"call.initiated","occurred_at":")" +
                             at + R"(","dialed":"911","caller":)" + caller + R"(,"device":{"ip":")" + ip + R"("})" +
                             (site.empty() ? "" : R"(,"site_id":")" + site + "\"") + "}";
    auto outcome = core_->process(json);
    EXPECT_EQ(outcome.kind, Outcome::Kind::emergency_call) << outcome.reason << "\n" << json;
    return outcome;
  }
  EmergencyCall call_from(const std::string& ip, const std::string& callback, int minutes = 0) {
    auto out = dial(ip, R"({"user_id":"u-)" + std::to_string(seq_ + 1) + R"(","extension":"5001","callback":")" +
                            callback + R"("})",
                    minutes);
    return out.call.value_or(EmergencyCall{});
  }
  static bool has(const EmergencyCall& c, std::string_view w) {
    return std::find(c.warnings.begin(), c.warnings.end(), w) != c.warnings.end();
  }

  std::unique_ptr<LocatorCore> core_;
  int seq_ = 0;
};

TEST_F(CallbackElinTest, ACallbackThatCannotBeDialledBackIsCallbackMissing) {
  EXPECT_TRUE(has(*dial("10.20.3.5", R"({"user_id":"u-1","extension":"5001"})").call, warning::kCallbackMissing));
  for (const char* number : {"", "5001", "512-555-0142", "+1512", "+15125550142x"}) {
    EXPECT_TRUE(has(call_from("10.20.3.5", number), warning::kCallbackMissing)) << number;
  }
  // The caller's own numbers, fictional example ranges included.
  for (const char* number : {"+15125550142", "+442079460101", "+447700900123"}) {
    const auto c = call_from("10.20.3.5", number);
    EXPECT_FALSE(has(c, warning::kCallbackMissing)) << number;
    EXPECT_FALSE(has(c, warning::kCallbackShared)) << number;
  }
}

TEST_F(CallbackElinTest, ACallbackMaskedToTheSitesMainLineOrQueueIsCallbackShared) {
  const auto c = call_from("10.20.3.5", "+15125550001");
  EXPECT_EQ(c.warnings, std::vector<std::string_view>{warning::kCallbackShared});
  // Located at another site, but the telephony site is the one whose queue it is.
  const auto away = dial("10.30.1.1", R"({"user_id":"u-9","callback":"+15125550000"})");
  EXPECT_EQ(away.call->location.site_id, "dallas");
  EXPECT_TRUE(has(*away.call, warning::kCallbackShared));
  // Another site's shared number is this caller's own.
  const auto dallas = dial("10.30.1.1", R"({"user_id":"u-8","callback":"+15125550000"})", 0, "", "dallas");
  EXPECT_FALSE(has(*dallas.call, warning::kCallbackShared));
}

TEST_F(CallbackElinTest, CallsFromAZoneGetItsElinsLeastRecentlyAssignedFirstThenReuseTheOldest) {
  std::vector<std::string> given;
  for (int i = 0; i < 3; ++i) {
    const auto c = call_from("10.20.2." + std::to_string(10 + i), "+1512555014" + std::to_string(i), i);
    given.push_back(c.elin);
    EXPECT_FALSE(has(c, warning::kElinReused));
  }
  EXPECT_EQ(given, (std::vector<std::string>{"+15125550191", "+15125550192", "+15125550193"}));
  // Exhausted within the window: the oldest assignment is reused, and said so.
  const auto fourth = call_from("10.20.2.20", "+15125550149", 10);
  EXPECT_EQ(fourth.elin, "+15125550191");
  EXPECT_EQ(fourth.warnings, std::vector<std::string_view>{warning::kElinReused});
  // The caller's own callback is unchanged.
  EXPECT_EQ(fourth.caller.callback, "+15125550149");
  // After the window (3 hours) the least recently assigned is free again.
  const auto later = call_from("10.20.2.21", "+15125550150", 4 * 60);
  EXPECT_EQ(later.elin, "+15125550192");
  EXPECT_FALSE(has(later, warning::kElinReused));
}

TEST_F(CallbackElinTest, ASiteWidePoolServesItsZonesWithoutOneAndNothingElseGetsAnElin) {
  EXPECT_EQ(call_from("10.20.3.9", "+15125550142").elin, "+15125550180");  // zone without a pool
  EXPECT_EQ(call_from("10.20.9.9", "+15125550143").elin, "+15125550180");  // the site, no zone
  EXPECT_EQ(call_from("10.30.1.1", "+15125550144").elin, "");              // no pool at that site
  EXPECT_EQ(call_from("192.0.2.1", "+15125550145").elin, "");              // not located at a site
}

TEST_F(CallbackElinTest, ARedeliveredCallKeepsItsElinAndAssignsNothingNew) {
  const auto first = dial("10.20.2.10", R"({"user_id":"u-1","callback":"+15125550142"})", 0, "c-same");
  ASSERT_TRUE(first.elin_assigned);
  EXPECT_EQ(first.elin_assigned->elin, "+15125550191");
  EXPECT_EQ(first.elin_assigned->pool, "austin/austin-2");
  EXPECT_EQ(first.elin_assigned->user_id, "u-1");
  const auto again = dial("10.20.2.10", R"({"user_id":"u-1","callback":"+15125550142"})", 1, "c-same");
  EXPECT_EQ(again.call->elin, "+15125550191");
  EXPECT_FALSE(again.elin_assigned);
  EXPECT_EQ(call_from("10.20.2.11", "+15125550143").elin, "+15125550192");
}

TEST_F(CallbackElinTest, ALookupFindsTheLastCallerWithinTheWindowOnly) {
  call_from("10.20.2.10", "+15125550142", 0);
  const auto at = [](int minutes) { return parse_rfc3339("2026-11-21T10:00:00Z").value() + minutes * 60'000LL; };
  const auto who = core_->elins().lookup("+15125550191", at(30));
  ASSERT_TRUE(who);
  EXPECT_EQ(who->callback, "+15125550142");
  EXPECT_EQ(who->extension, "5001");
  EXPECT_FALSE(core_->elins().lookup("+15125550191", at(181)));
  EXPECT_FALSE(core_->elins().lookup("+15125550192", at(1)));  // never assigned
}

TEST_F(CallbackElinTest, TheEmergencyCallCarriesTheElinAndTheNewWarningsInContractOrder) {
  const auto c = call_from("10.20.2.10", "+15125550000");  // masked to the queue, from a zone with a pool
  EXPECT_EQ(c.warnings, std::vector<std::string_view>{warning::kCallbackShared});
  const auto json = encode_emergency_call(c);
  EXPECT_NE(json.find(R"("elin":"+15125550191")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("warnings":["callback-shared"])"), std::string::npos) << json;
  EXPECT_EQ(encode_emergency_call(call_from("10.30.1.1", "+15125550142")).find("\"elin\""), std::string::npos);
}

TEST(ElinAssignments, AnAssignmentLearntElsewhereCountsAndTheLaterOneWins) {
  ElinAssignments pool(std::chrono::hours(3));
  ElinAssignment a;
  a.elin = "+15125550191";
  a.call_id = "c-1";
  a.assigned_at = 1'000;
  pool.apply(a);
  a.call_id = "c-0";
  a.assigned_at = 500;  // older: ignored
  pool.apply(a);
  EXPECT_EQ(pool.lookup("+15125550191", 2'000)->call_id, "c-1");
  ElinAssignment who;
  who.call_id = "c-2";
  who.assigned_at = 3'000;
  // The one assigned elsewhere is taken: the next is given.
  EXPECT_EQ(pool.assign({"+15125550191", "+15125550192"}, who).assignment.elin, "+15125550192");
  EXPECT_THROW(pool.assign({}, who), std::invalid_argument);
}

ElinAssignment caller(const std::string& call_id, EpochMillis at) {
  ElinAssignment who;
  who.pool = "austin/austin-2";
  who.call_id = call_id;
  who.assigned_at = at;
  return who;
}

TEST(ElinAssignments, TwoReplicasClaimingAtOnceEndWithDifferentElinsInTheTopicsOrder) {
  using Applied = ElinAssignments::Applied;
  const std::vector<std::string> numbers{"+15125550191", "+15125550192"};
  ElinAssignments one, two;  // two locators' views of one pool
  // Each chooses before the other's claim is on the topic: the same ELIN.
  const auto first = one.choose(numbers, caller("c-1", 1'000)).assignment;
  const auto second = two.choose(numbers, caller("c-2", 1'001)).assignment;
  ASSERT_EQ(first.elin, "+15125550191");
  ASSERT_EQ(second.elin, first.elin);
  EXPECT_EQ(first.supersedes, std::string());  // it saw the ELIN free
  EXPECT_FALSE(one.latest(first.elin));        // a choice is not applied
  // Both read the topic in its order: the first claim is taken, the second
  // lost, by every reader alike.
  for (auto* view : {&one, &two}) {
    EXPECT_EQ(view->apply(first), Applied::taken);
    EXPECT_EQ(view->apply(second), Applied::lost);
    EXPECT_EQ(view->latest(first.elin)->call_id, "c-1");
  }
  // The loser chooses again from what it read: the other ELIN, not a reuse.
  const auto again = two.choose(numbers, caller("c-2", 1'001));
  EXPECT_EQ(again.assignment.elin, "+15125550192");
  EXPECT_FALSE(again.reused);
  EXPECT_EQ(one.apply(again.assignment), Applied::taken);
  EXPECT_EQ(two.apply(again.assignment), Applied::taken);
  EXPECT_EQ(two.apply(again.assignment), Applied::already);  // a repeat
  // Exhausted: a reuse claims the oldest, naming the call it displaces; a
  // second claim made from the same view loses to it.
  const auto reuse = one.choose(numbers, caller("c-3", 2'000));
  const auto stale = two.choose(numbers, caller("c-4", 2'001));
  EXPECT_TRUE(reuse.reused);
  EXPECT_EQ(reuse.assignment.supersedes, std::string("c-1"));
  EXPECT_EQ(stale.assignment.elin, reuse.assignment.elin);
  EXPECT_EQ(two.apply(reuse.assignment), Applied::taken);
  EXPECT_EQ(two.apply(stale.assignment), Applied::lost);
  EXPECT_EQ(two.lookup("+15125550191", 2'500)->call_id, "c-3");
  // A claim on an ELIN with no assignment left (compacted away) is taken.
  ElinAssignments fresh;
  EXPECT_EQ(fresh.apply(stale.assignment), Applied::taken);
}

TEST(ElinAssignments, OfCallsStampedTheSameTheEarliestAssignedIsReusedFirst) {
  const std::vector<std::string> numbers{"+15125550191", "+15125550192"};
  ElinAssignments pool;
  std::vector<std::string> given;
  for (int i = 1; i <= 5; ++i) given.push_back(pool.assign(numbers, caller("c-" + std::to_string(i), 1'000)).assignment.elin);
  // Reused in turn, not the first of the pool again and again.
  EXPECT_EQ(given, (std::vector<std::string>{"+15125550191", "+15125550192", "+15125550191", "+15125550192",
                                             "+15125550191"}));
}

TEST_F(CallbackElinTest, WithClaimsACallWhoseClaimLostChoosesAgainFromWhatWasRead) {
  core_->set_elin_claims(true);
  auto a = dial("10.20.2.10", R"({"user_id":"u-1","callback":"+15125550142"})", 0);
  auto b = dial("10.20.2.11", R"({"user_id":"u-2","callback":"+15125550143"})", 1);
  ASSERT_TRUE(a.elin_assigned && b.elin_assigned);
  EXPECT_EQ(b.call->elin, a.call->elin);  // neither claim was read back yet
  EXPECT_EQ(core_->elins().apply(*a.elin_assigned), ElinAssignments::Applied::taken);
  EXPECT_EQ(core_->elins().apply(*b.elin_assigned), ElinAssignments::Applied::lost);
  ASSERT_TRUE(core_->choose_elin(b));
  EXPECT_EQ(b.call->elin, "+15125550192");
  ASSERT_TRUE(b.elin_assigned);
  EXPECT_EQ(b.elin_assigned->elin, "+15125550192");
  EXPECT_EQ(b.elin_assigned->supersedes, std::string());
  EXPECT_FALSE(has(*b.call, warning::kElinReused));
}

TEST(ElinAssignmentRecord, CarriesTheClaimItMakes) {
  ElinAssignment a = caller("c-2", parse_rfc3339("2026-11-21T10:00:00Z").value());
  a.elin = "+15125550191";
  for (const std::string supersedes : {"", "c-1"}) {
    a.supersedes = supersedes;
    const auto json = encode_elin_assignment(a);
    EXPECT_NE(json.find(supersedes.empty() ? R"("supersedes":null)" : R"("supersedes":"c-1")"), std::string::npos)
        << json;
    const auto back = decode_elin_assignment(json);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->supersedes, a.supersedes);
  }
  const auto bad = decode_elin_assignment(
      R"({"schema":"e911.elin-assignment/v1","elin":"+15125550190","pool":"p","call_id":"c",)"
      R"("assigned_at":"2026-11-21T10:00:00Z","supersedes":7})");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("supersedes"), std::string::npos) << bad.error().message;
}

TEST(ElinAssignmentRecord, RoundTripsAndNamesWhatIsWrong) {
  const auto a = test::austin_assignment(parse_rfc3339("2026-11-21T10:00:00Z").value());
  const auto json = encode_elin_assignment(a);
  EXPECT_EQ(json, R"({"schema":"e911.elin-assignment/v1","elin":"+15125550190","pool":"austin/austin-2",)"
                  R"("call_id":"c-1","user_id":"u-1","extension":"5001","callback":"+15125550142",)"
                  R"("assigned_at":"2026-11-21T10:00:00.000Z"})");
  const auto back = decode_elin_assignment(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->elin, a.elin);
  EXPECT_EQ(back->pool, a.pool);
  EXPECT_EQ(back->call_id, a.call_id);
  EXPECT_EQ(back->extension, a.extension);
  EXPECT_EQ(back->assigned_at, a.assigned_at);
  EXPECT_FALSE(back->supersedes);  // no claim: applied by time, as before claims
  for (const auto& [bad, says] : std::vector<std::pair<std::string, std::string>>{
           {"[]", "expected a JSON object"},
           {R"({"schema":"e911.elin-assignment/v2"})", "schema: expected \"e911.elin-assignment/v1\""},
           {R"({"schema":"e911.elin-assignment/v1","elin":"5550190","pool":"p","call_id":"c","assigned_at":"x"})",
            "elin: not an E.164 number"},
           {R"({"schema":"e911.elin-assignment/v1","elin":"+15125550190","pool":"p","call_id":"c","assigned_at":"x"})",
            "assigned_at: not an RFC 3339 time"},
           {R"({"schema":"e911.elin-assignment/v1","elin":"+15125550190","call_id":"c","assigned_at":"x"})", "pool"},
       }) {
    const auto r = decode_elin_assignment(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find(says), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace e911::locator
