// Sending reminders (reminders.h) with the e-mail and Kafka edges replaced
// by recorders: the recipient, the personal link in the e-mail and the
// record; a user without an address skipped and counted, and not tried
// again within the interval; a transient refusal tried at the next check,
// a permanent one not; a record Kafka did not take; a registry reload that
// moves a zone reminds its users once.

#include "producers/locations/reminders.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "producers/locations/personal_link.h"
#include "tests/locations/reminder_fixtures.h"

namespace e911::locations {
namespace {

using namespace test_data;

class RemindersTest : public ::testing::Test {
 protected:
  std::unique_ptr<Reminders> make(const std::string& email_domain = "corp.example.com") {
    ReminderOptions o;
    o.enabled = true;
    o.after = 30 * kDay;
    o.interval = kDay;
    o.public_url = "https://locations.example.com/";
    o.link_days = 14;
    o.email_domain = email_domain;
    ReminderBackend b;
    b.book = &book_;
    b.registry = [this] { return registry_; };
    b.send = [this](const mail::Email& e) {
      sent_.push_back(e);
      return next_outcome_;
    };
    b.record = [this](const ReminderRecord& r) -> std::optional<Error> {
      if (record_error_) return Error{*record_error_};
      records_.push_back(r);
      return std::nullopt;
    };
    b.on_outcome = [this](ReminderReason reason, std::string_view outcome) {
      ++counts_[std::string(reason_name(reason)) + "/" + std::string(outcome)];
    };
    return std::make_unique<Reminders>(o, kLinkSecret, 0, b);
  }

  RegistrationBook book_;
  std::shared_ptr<const registry::Registry> registry_ = load(kRegistry);
  std::vector<mail::Email> sent_;
  std::vector<ReminderRecord> records_;
  mail::SendOutcome next_outcome_{};
  std::optional<std::string> record_error_;
  std::map<std::string, int> counts_;
};

TEST_F(RemindersTest, AStaleUserGetsAnEmailWithTheirLinkAndTheReminderIsRecorded) {
  book_.apply(registration("u-1", kNow - 40 * kDay));
  auto reminders = make();
  EXPECT_EQ(reminders->check(kNow), 1u);
  ASSERT_EQ(sent_.size(), 1u);
  const mail::Email& e = sent_[0];
  EXPECT_EQ(e.to, "jane.doe@example.org");  // the directory's address, not the domain's
  EXPECT_TRUE(e.html.empty());
  EXPECT_EQ(e.text.find("Example Ave"), std::string::npos) << e.text;
  const auto at = e.text.find("https://locations.example.com/#link=");
  ASSERT_NE(at, std::string::npos) << e.text;
  const auto start = at + std::string("https://locations.example.com/#link=").size();
  const std::string token = e.text.substr(start, e.text.find('\n', start) - start);
  const auto user = verify_personal_link(kLinkSecret, token, kNow / 1000 + 13 * 86400);
  ASSERT_TRUE(user) << user.error().message;
  EXPECT_EQ(*user, "u-1");
  EXPECT_FALSE(verify_personal_link(kLinkSecret, token, kNow / 1000 + 14 * 86400));  // link_days

  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].user_id, "u-1");
  EXPECT_EQ(records_[0].reason, ReminderReason::stale);
  EXPECT_EQ(records_[0].registered_at, kNow - 40 * kDay);
  EXPECT_EQ(records_[0].sent_at, kNow);
  EXPECT_EQ(e.id, records_[0].reminder_id);
  EXPECT_EQ(book_.find("u-1")->last_reminded_at, kNow);
  EXPECT_EQ(counts_["stale/sent"], 1);

  // Within the interval: nothing; after it, again.
  EXPECT_EQ(reminders->check(kNow + kDay - 1), 0u);
  EXPECT_EQ(reminders->check(kNow + kDay), 1u);
}

TEST_F(RemindersTest, AUserWithoutAnAddressIsSkippedCountedAndNotTriedAgainWithinTheInterval) {
  book_.apply(registration("u-2", kNow - 40 * kDay));  // in the directory, but without an e-mail
  auto reminders = make(/*email_domain=*/"");
  EXPECT_EQ(reminders->check(kNow), 0u);
  EXPECT_TRUE(sent_.empty());
  EXPECT_EQ(counts_["stale/no_address"], 1);
  reminders->check(kNow + kHour);
  EXPECT_EQ(counts_["stale/no_address"], 1);
  reminders->check(kNow + kDay);
  EXPECT_EQ(counts_["stale/no_address"], 2);
  EXPECT_EQ(book_.find("u-2")->last_reminded_at, 0);  // never reminded
}

TEST_F(RemindersTest, ATransientRefusalIsTriedAtTheNextCheckAPermanentOneNotWithinTheInterval) {
  book_.apply(registration("u-3", kNow - 40 * kDay));  // u-3@corp.example.com
  auto reminders = make();
  next_outcome_ = {mail::SendOutcome::Kind::transient, "RCPT TO: 451 4.3.0 try later", {}};
  EXPECT_EQ(reminders->check(kNow), 0u);
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].to, "u-3@corp.example.com");
  next_outcome_ = {mail::SendOutcome::Kind::permanent, "RCPT TO: 550 5.1.1 user unknown", {}};
  EXPECT_EQ(reminders->check(kNow + 60'000), 0u);
  EXPECT_EQ(sent_.size(), 2u);
  EXPECT_EQ(reminders->check(kNow + kHour), 0u);
  EXPECT_EQ(sent_.size(), 2u);
  EXPECT_EQ(counts_["stale/failed"], 2);
  EXPECT_TRUE(records_.empty());
  EXPECT_EQ(book_.find("u-3")->last_reminded_at, 0);
}

TEST_F(RemindersTest, AReminderKafkaDidNotTakeIsStillSentAndCountedUnrecorded) {
  book_.apply(registration("u-1", kNow - 40 * kDay));
  record_error_ = "Kafka did not acknowledge within 10000 ms";
  auto reminders = make();
  EXPECT_EQ(reminders->check(kNow), 1u);
  EXPECT_EQ(counts_["stale/unrecorded"], 1);
  EXPECT_EQ(book_.find("u-1")->last_reminded_at, kNow);
  EXPECT_EQ(reminders->check(kNow + kHour), 0u);
}

TEST_F(RemindersTest, ARegistryReloadThatMovesAZoneRemindsItsUsersOnce) {
  book_.apply(registration("u-1", kNow - 2 * kDay, "10.60.1.20"));  // recent, on floor 1
  book_.apply(registration("u-4", kNow - 2 * kDay, "10.60.2.20"));  // floor 2: unchanged
  auto reminders = make();
  EXPECT_EQ(reminders->check(kNow), 0u);
  std::string moved = kRegistry;
  moved.replace(moved.find(R"(["10.60.1.0/24"])"), 16, R"(["10.60.3.0/24"])");
  const auto after = load(moved);
  reminders->registry_reloaded(*registry_, *after, kNow + 1);
  registry_ = after;
  EXPECT_EQ(reminders->check(kNow + 2), 1u);
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].user_id, "u-1");
  EXPECT_EQ(records_[0].reason, ReminderReason::zone_changed);
  EXPECT_EQ(counts_["zone-changed/sent"], 1);
  // Once: after the interval, nothing more is due for it.
  EXPECT_EQ(reminders->check(kNow + 2 + kDay), 0u);
}

}  // namespace
}  // namespace e911::locations
