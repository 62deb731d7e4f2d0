// Who is reminded and why (reminder_policy.h): stale, network-changed,
// missing, zone-changed after a registry reload, at most one reminder per
// user per interval; the reminder record's wire format; the e-mail's
// wording, link and recipient, and that it never holds the address.

#include "producers/locations/reminder_policy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "producers/locations/book_records.h"
#include "producers/locations/reminder_mail.h"
#include "producers/locations/reminder_record.h"
#include "producers/locations/sighting_record.h"
#include "producers/locations/user_status.h"
#include "tests/locations/reminder_fixtures.h"

namespace e911::locations {
namespace {

using namespace test_data;

const ReminderSettings kSettings{.after = 30 * kDay, .interval = kDay};

UserRecord user(const std::string& id, EpochMillis registered_at, const char* ip = "198.51.100.7") {
  return UserRecord{.user_id = id, .registration = registration(id, registered_at, ip)};
}

class ReminderPolicy : public ::testing::Test {
 protected:
  std::vector<Reminder> due(const std::vector<UserRecord>& users, const PlaceChanges& changes = {}) const {
    return reminders_due(users, *registry_, changes, kNow, kSettings);
  }
  std::shared_ptr<const registry::Registry> registry_ = load(kRegistry);
};

TEST_F(ReminderPolicy, ARecentRegistrationOnItsOwnNetworkIsLeftAlone) {
  auto u = user("u-1", kNow - 29 * kDay);
  u.last_seen = {.ip = IpAddress::parse("198.51.100.20")};  // the same /24
  u.last_seen_at = kNow - kHour;
  EXPECT_TRUE(due({u}).empty());
}

TEST_F(ReminderPolicy, ARegistrationOlderThanTheThresholdIsStale) {
  const auto reminders = due({user("u-1", kNow - 31 * kDay), user("u-2", kNow - 2 * kDay)});
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].user_id, "u-1");
  EXPECT_EQ(reminders[0].reason, ReminderReason::stale);
  EXPECT_EQ(reminders[0].registered_at, kNow - 31 * kDay);
}

TEST_F(ReminderPolicy, AClientOnAnotherNetworkAfterRegisteringIsNetworkChanged) {
  auto moved = user("u-1", kNow - 2 * kDay);
  moved.last_seen = {.ip = IpAddress::parse("203.0.113.9")};
  moved.last_seen_at = kNow - kHour;
  // Seen elsewhere, but before this registration: says nothing about it.
  auto before = user("u-2", kNow - 2 * kDay);
  before.last_seen = {.ip = IpAddress::parse("203.0.113.9")};
  before.last_seen_at = kNow - 3 * kDay;
  // On the VPN: the address says nothing about where the user is.
  auto vpn = user("u-3", kNow - 2 * kDay);
  vpn.last_seen = {.ip = IpAddress::parse("10.200.1.1")};
  vpn.last_seen_at = kNow - kHour;
  const auto reminders = due({moved, before, vpn});
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].user_id, "u-1");
  EXPECT_EQ(reminders[0].reason, ReminderReason::network_changed);
}

// An emergency call, read from the call-events topic, tells where its
// caller was as a client's report does: a later call from another network
// is network-changed; a call on the VPN, an older call, a call without a
// user or another message type tells nothing.
TEST_F(ReminderPolicy, ACallFromAnotherNetworkAfterRegisteringIsNetworkChanged) {
  RegistrationBook book;
  book.apply(registration("u-1", kNow - 2 * kDay));
  book.apply(registration("u-2", kNow - 2 * kDay));
  const auto call = [](const std::string& user, const std::string& at, const std::string& device,
                       const char* type = "call.initiated") {
    return R"({"schema": "e911.call-event/v1", "event_id": "ev-)" + user + at + R"(", "call_id": "c-1", "type": ")" +
           type + R"(", "occurred_at": ")" + at + R"(", "dialed": "911", "caller": {"user_id": ")" + user +
           R"(", "extension": "5001"}, "device": )" + device + "}";
  };
  const auto apply = [&](const std::string& value) {
    kafka::Message m;
    m.value = value;
    return apply_call_event(book, m);
  };
  // kNow is 2027-01-15T08:00:00Z.
  EXPECT_FALSE(apply(call("u-1", "2027-01-15T07:00:00Z", R"({"ip": "10.200.1.1", "vpn": true})")));
  EXPECT_FALSE(apply(call("u-1", "2027-01-15T07:00:00Z", R"({"ip": "203.0.113.9"})", "call.ended")));
  EXPECT_FALSE(apply(call("", "2027-01-15T07:00:00Z", R"({"ip": "203.0.113.9"})")));
  EXPECT_FALSE(apply("not json"));
  EXPECT_TRUE(apply(call("u-2", "2027-01-10T07:00:00Z", R"({"ip": "203.0.113.9"})")));  // before registering
  EXPECT_TRUE(due(book.snapshot()).empty());

  EXPECT_TRUE(apply(call("u-1", "2027-01-15T07:00:00Z", R"({"ip": "203.0.113.9"})")));
  // An older call read later does not hide the newer one.
  EXPECT_TRUE(apply(call("u-1", "2027-01-14T07:00:00Z", R"({"ip": "198.51.100.9"})")));
  const auto reminders = due(book.snapshot());
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].user_id, "u-1");
  EXPECT_EQ(reminders[0].reason, ReminderReason::network_changed);
}

TEST_F(ReminderPolicy, AUserWhoAskedButNeverRegisteredIsMissing) {
  const UserRecord asked{.user_id = "u-9", .asked_at = kNow - kHour};
  const UserRecord only_reminded{.user_id = "u-8", .last_reminded_at = kNow - 3 * kDay};  // read back from the topic
  const auto reminders = due({asked, only_reminded});
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].user_id, "u-9");
  EXPECT_EQ(reminders[0].reason, ReminderReason::missing);
  EXPECT_EQ(reminders[0].registered_at, 0);
}

TEST_F(ReminderPolicy, AtMostOneReminderPerUserPerInterval) {
  auto u = user("u-1", kNow - 40 * kDay);
  u.last_reminded_at = kNow - kDay + 1;
  EXPECT_TRUE(due({u}).empty());
  u.last_reminded_at = kNow - kDay;
  EXPECT_EQ(due({u}).size(), 1u);
  UserRecord asked{.user_id = "u-9", .asked_at = kNow - kHour, .last_reminded_at = kNow - kHour};
  EXPECT_TRUE(due({asked}).empty());
}

TEST_F(ReminderPolicy, APlaceChangeAfterTheRegistrationComesFirstUntilTheUserRegistersAgain) {
  const auto u = user("u-1", kNow - 40 * kDay, "10.60.1.20");  // stale too
  auto reminders = due({u}, {{"u-1", kNow - kHour}});
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].reason, ReminderReason::zone_changed);
  // Registered again since the reload: the change is settled.
  const auto again = user("u-1", kNow - kHour / 2, "10.60.1.20");
  EXPECT_TRUE(due({again}, {{"u-1", kNow - kHour}}).empty());
}

// A registry reload: which users registered against a place it changed.
TEST(ReminderPlaceChanges, AMovedRemovedOrReaddressedZoneConcernsItsUsersOnly) {
  const auto before = load(kRegistry);
  const std::vector<UserRecord> users = {user("on-f1", 0, "10.60.1.20"), user("on-f2", 0, "10.60.2.20"),
                                         user("site-wide", 0, "10.60.9.9"), user("home", 0, "198.51.100.7"),
                                         UserRecord{.user_id = "asked-only", .asked_at = 1}};
  // Nothing changed: nobody.
  EXPECT_TRUE(users_whose_place_changed(users, *before, *load(kRegistry)).empty());

  // Floor 1's subnet moves to floor 2: on-f1 now maps to another zone.
  std::string moved = kRegistry;
  moved.replace(moved.find(R"(["10.60.1.0/24"])"), 16, R"(["10.60.3.0/24"])");
  moved.replace(moved.find(R"(["10.60.2.0/24"])"), 16, R"(["10.60.2.0/24", "10.60.1.0/24"])");
  EXPECT_EQ(users_whose_place_changed(users, *before, *load(moved)), std::vector<std::string>{"on-f1"});

  // Floor 2 removed: on-f2 falls back to the site-wide range (another place).
  std::string removed = kRegistry;
  const std::string floor2 = R"(      - {id: f2, name: Floor 2, floor: "2", subnets: ["10.60.2.0/24"]})";
  removed.erase(removed.find(floor2), floor2.size() + 1);
  EXPECT_EQ(users_whose_place_changed(users, *before, *load(removed)), std::vector<std::string>{"on-f2"});

  // The site's street number corrected: every user of the site, never the one at home.
  std::string readdressed = kRegistry;
  readdressed.replace(readdressed.find(R"(house_number: "100")"), 19, R"(house_number: "110")");
  EXPECT_EQ(users_whose_place_changed(users, *before, *load(readdressed)),
            (std::vector<std::string>{"on-f1", "on-f2", "site-wide"}));
}

TEST(ReminderReasons, NamesReadBothWays) {
  for (const auto r : {ReminderReason::missing, ReminderReason::zone_changed, ReminderReason::stale,
                       ReminderReason::network_changed}) {
    EXPECT_EQ(reason_from_name(reason_name(r)), r);
  }
  EXPECT_EQ(reason_name(ReminderReason::network_changed), "network-changed");
  EXPECT_EQ(reason_from_name("overdue"), std::nullopt);
}

TEST(ReminderRecords, RoundTripWithoutAddressAndRefuseWhatIsWrongByField) {
  const ReminderRecord record = new_reminder_record({"u-7002", ReminderReason::stale, kNow - 40 * kDay}, kNow);
  EXPECT_EQ(record.reminder_id.rfind("rem-", 0), 0u);
  const std::string json = encode_reminder_record(record);
  EXPECT_NE(json.find(R"("schema":"e911.location-reminder/v1")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("reason":"stale")"), std::string::npos) << json;
  EXPECT_EQ(json.find("address"), std::string::npos) << json;
  const auto back = decode_reminder_record(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->reminder_id, record.reminder_id);
  EXPECT_EQ(back->user_id, "u-7002");
  EXPECT_EQ(back->sent_at, kNow);
  EXPECT_EQ(back->reason, ReminderReason::stale);
  EXPECT_EQ(back->registered_at, kNow - 40 * kDay);

  const auto missing = encode_reminder_record(new_reminder_record({"u-9", ReminderReason::missing, 0}, kNow));
  EXPECT_EQ(missing.find("registered_at"), std::string::npos) << missing;

  const std::string head = R"({"schema":"e911.location-reminder/v1","reminder_id":"r","user_id":"u",)";
  const auto wrong_reason = decode_reminder_record(head + R"("sent_at":"2026-11-21T09:00:00Z","reason":"overdue"})");
  ASSERT_FALSE(wrong_reason);
  EXPECT_NE(wrong_reason.error().message.find("reason"), std::string::npos);
  const auto other_schema = decode_reminder_record(R"({"schema":"e911.location-update/v1"})");
  ASSERT_FALSE(other_schema);
  EXPECT_NE(other_schema.error().message.find("schema"), std::string::npos);
  EXPECT_FALSE(decode_reminder_record(head + R"("sent_at":"yesterday","reason":"stale"})"));
}

TEST(ReminderEmails, SayWhyCarryTheLinkAndNeverTheAddress) {
  const ReminderMailContext context{.link = "https://locations.example.com/#link=v1.abc.123.sig",
                                    .link_expires_at = kNow + 14 * kDay,
                                    .emergency_number = "911",
                                    .now = kNow};
  for (const auto reason : {ReminderReason::missing, ReminderReason::zone_changed, ReminderReason::stale,
                            ReminderReason::network_changed}) {
    const Reminder r{"u-1", reason, reason == ReminderReason::missing ? 0 : kNow - 40 * kDay};
    const auto email = render_reminder_email(r, context);
    SCOPED_TRACE(std::string(reason_name(reason)));
    EXPECT_FALSE(email.subject.empty());
    EXPECT_EQ(email.subject.find('\n'), std::string::npos);
    EXPECT_NE(email.text.find("\nhttps://locations.example.com/#link=v1.abc.123.sig\n"), std::string::npos)
        << email.text;
    EXPECT_NE(email.text.find("dial 911"), std::string::npos) << email.text;
    EXPECT_NE(email.text.find("2027-01-29"), std::string::npos) << "the link's last day\n" << email.text;
    EXPECT_EQ(email.text.find("Example Ave"), std::string::npos);
    if (reason != ReminderReason::missing) {
      EXPECT_NE(email.text.find("2026-12-06 (40 days ago)"), std::string::npos) << email.text;
    }
  }
  EXPECT_NE(render_reminder_email({"u-1", ReminderReason::network_changed, kNow - kDay}, context).text.find(
                "another\nnetwork"),
            std::string::npos);
  EXPECT_NE(render_reminder_email({"u-1", ReminderReason::missing, 0}, context).text.find("not registered"),
            std::string::npos);
}

TEST(ReminderEmails, GoToTheDirectorysAddressElseTheDomainElseNowhere) {
  const auto registry = load(kRegistry);
  EXPECT_EQ(reminder_recipient(*registry, "u-1", "corp.example.com"), "jane.doe@example.org");
  EXPECT_EQ(reminder_recipient(*registry, "u-2", "corp.example.com"), "u-2@corp.example.com");
  EXPECT_EQ(reminder_recipient(*registry, "u-2", ""), std::nullopt);
  EXPECT_EQ(reminder_recipient(*registry, "u-1", ""), "jane.doe@example.org");
  EXPECT_EQ(reminder_recipient(*registry, "CN=Jane Doe,OU=x", "corp.example.com"), std::nullopt);
}

// The number a user is told to dial (GET /v1/me) follows the registration,
// else where the client is, else where most sites are: never a guess of
// 112 for an office in the US.
TEST(DialingCountry, TheRegistrationElseTheClientsSiteElseMostSites) {
  const auto registry = test_data::load(std::string(test_data::kAustinSiteRegistry) + R"(  - id: dallas
    name: Dallas
    notify: desk
    address: {country: US, state: TX, city: Dallas, street: Main St, house_number: "1", postal_code: "75201"}
    subnets: ["10.61.0.0/16"]
  - id: london
    name: London
    notify: desk
    address: {country: GB, city: London, street: Strand, house_number: "1", postal_code: "WC2N 5HR"}
    subnets: ["10.70.0.0/16"]
vpn_ranges: ["10.200.0.0/16"]
)");
  auto registered = test_data::registration("u-1", test_data::kNow);
  registered.address.country = "DE";
  EXPECT_EQ(dialing_country(*registry, &registered, {.ip = IpAddress::parse("10.70.1.2")}), "DE");
  EXPECT_EQ(dialing_country(*registry, nullptr, {.ip = IpAddress::parse("10.70.1.2")}), "GB");
  EXPECT_EQ(registry->emergency_number(dialing_country(*registry, nullptr, {.ip = IpAddress::parse("10.70.1.2")})),
            "999");
  // A VPN egress says nothing of where the user is: most sites are in the US.
  EXPECT_EQ(dialing_country(*registry, nullptr, {.ip = IpAddress::parse("10.200.0.9")}), "US");
  EXPECT_EQ(dialing_country(*registry, nullptr, {.ip = IpAddress::parse("198.51.100.7")}), "US");
  EXPECT_EQ(dialing_country(*registry, nullptr, {}), "US");
}

TEST(SightingRecords, RoundTripAndRefuseWhatIsWrongByField) {
  const SightingRecord record{.user_id = "u-1",
                              .seen_at = kNow,
                              .network = {.ip = IpAddress::parse("203.0.113.9"),
                                          .bssid = MacAddress::parse("00:11:22:33:44:55")}};
  const auto json = encode_sighting_record(record);
  EXPECT_EQ(json, R"({"schema":"e911.location-sighting/v1","user_id":"u-1","seen_at":"2027-01-15T08:00:00.000Z",)"
                  R"("network":{"ip":"203.0.113.9","bssid":"00:11:22:33:44:55"}})");
  const auto back = decode_sighting_record(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->user_id, "u-1");
  EXPECT_EQ(back->seen_at, kNow);
  EXPECT_EQ(back->network.ip, record.network.ip);
  EXPECT_EQ(back->network.bssid, record.network.bssid);
  const auto asked = decode_sighting_record(R"({"schema":"e911.location-sighting/v1","user_id":"u-2",)"
                                            R"("seen_at":"2027-01-15T08:00:00Z","future":1})");
  ASSERT_TRUE(asked) << asked.error().message;
  EXPECT_FALSE(asked->network.ip);
  const auto error_of = [](const std::string& text) {
    auto r = decode_sighting_record(text);
    return r ? std::string("accepted") : r.error().message;
  };
  EXPECT_NE(error_of(R"({"schema":"e911.location-sighting/v2","user_id":"u","seen_at":"2027-01-15T08:00:00Z"})")
                .find("schema"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"schema":"e911.location-sighting/v1","seen_at":"2027-01-15T08:00:00Z"})").find("user_id"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"schema":"e911.location-sighting/v1","user_id":"u","seen_at":"yesterday"})").find("seen_at"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"schema":"e911.location-sighting/v1","user_id":"u","seen_at":"2027-01-15T08:00:00Z",)"
                     R"("network":{"ip":"999.1.1.1"}})")
                .find("network.ip"),
            std::string::npos);
  EXPECT_NE(error_of("[]").find("object"), std::string::npos);
}

// One record when the network changes, else one per refresh interval: a
// page reloaded all day does not flood the topic.
TEST(SightingRecords, WorthRecordingOnAChangeOrOncePerRefresh) {
  const SeenNetwork home{.ip = IpAddress::parse("198.51.100.7")};
  const SeenNetwork cafe{.ip = IpAddress::parse("203.0.113.9")};
  EXPECT_TRUE(sighting_worth_recording(nullptr, home, kNow, kHour));
  EXPECT_TRUE(sighting_worth_recording(nullptr, {}, kNow, kHour));  // asked: the others learn of the user
  const UserRecord at_home{.user_id = "u-1", .last_seen = home, .last_seen_at = kNow - kHour / 2,
                           .asked_at = kNow - kHour / 2};
  EXPECT_FALSE(sighting_worth_recording(&at_home, home, kNow, kHour));
  EXPECT_TRUE(sighting_worth_recording(&at_home, cafe, kNow, kHour));
  EXPECT_FALSE(sighting_worth_recording(&at_home, {}, kNow, kHour));
  UserRecord long_ago = at_home;
  long_ago.last_seen_at = long_ago.asked_at = kNow - kHour;
  EXPECT_TRUE(sighting_worth_recording(&long_ago, home, kNow, kHour));
  EXPECT_TRUE(sighting_worth_recording(&long_ago, {}, kNow, kHour));
  UserRecord only_asked{.user_id = "u-2", .asked_at = kNow - 1};
  EXPECT_TRUE(sighting_worth_recording(&only_asked, home, kNow, kHour));
}

}  // namespace
}  // namespace e911::locations
