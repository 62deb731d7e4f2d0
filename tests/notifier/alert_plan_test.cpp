// Who is alerted about a call: the list's contacts on each of their
// channels, once per address; the fallback list when the call's own list
// cannot be used; test calls as the registry says.

#include "consumers/notifier/alert_plan.h"

#include <gtest/gtest.h>

#include <set>

#include "registry/registry_loader.h"
#include "tests/notifier/locator_output.h"
#include "tests/support/files.h"

namespace e911::notifier {
namespace {

std::shared_ptr<const registry::Registry> registry(const std::string& extra_defaults = "") {
  auto yaml = test::read_file(test::shared_fixture("registry.yaml"));
  yaml.insert(yaml.find("defaults:\n") + 10, extra_defaults);
  auto load = registry::load_registry(yaml);
  EXPECT_TRUE(load.ok()) << (load.errors.empty() ? "" : load.errors[0].message);
  return load.registry;
}

EmergencyCallView call(const std::string& json) {
  auto v = decode_emergency_call(json);
  EXPECT_TRUE(v.ok()) << v.error().message;
  return *v;
}

TEST(AlertPlan, EveryContactOnEveryChannelItHas) {
  const auto plan = plan_alerts(call(test_data::kLondonSubnet), *registry());
  EXPECT_EQ(plan.list, "london-security");
  EXPECT_TRUE(plan.escalation_note.empty());
  EXPECT_EQ(plan.site.name, "London HQ");
  std::vector<std::string> got;
  for (const auto& t : plan.targets) got.push_back(std::string(channel_name(t.channel)) + " " + t.address);
  // SMS first within a contact: the fastest way to reach a person.
  EXPECT_EQ(got, (std::vector<std::string>{"sms +442079460000", "email security.london@example.com",
                                           "sms +447700900123"}));
  EXPECT_EQ(plan.targets[0].recipient_name, "London security desk");
}

TEST(AlertPlan, AlertIdsAreStableDistinctAndFreeOfPersonalData) {
  const auto a = alert_id("c-1", Channel::sms, "+442079460000");
  EXPECT_EQ(a, alert_id("c-1", Channel::sms, "+442079460000"));
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find("4420"), std::string::npos);
  EXPECT_NE(a, alert_id("c-1", Channel::email, "+442079460000"));
  EXPECT_NE(a, alert_id("c-2", Channel::sms, "+442079460000"));
  // Field boundaries count: ("c-1x", "y") is not ("c-1", "xy").
  EXPECT_NE(alert_id("c-1x", Channel::sms, "y"), alert_id("c-1", Channel::sms, "xy"));
}

TEST(AlertPlan, AnAddressListedTwiceIsAlertedOnce) {
  auto yaml = test::read_file(test::shared_fixture("registry.yaml"));
  const std::string twice = R"(    - {name: "Again", email: "security.london@example.com", sms: "+442079460000"})";
  yaml.insert(yaml.find("  austin-security:"), twice + "\n");
  const auto load = registry::load_registry(yaml);
  ASSERT_TRUE(load.ok());
  const auto plan = plan_alerts(call(test_data::kLondonSubnet), *load.registry);
  std::set<std::string> ids;
  for (const auto& t : plan.targets) ids.insert(t.notification_id);
  EXPECT_EQ(ids.size(), plan.targets.size());
  EXPECT_EQ(plan.targets.size(), 3u);
}

TEST(AlertPlan, AnUnknownListFallsBackAndSaysWhy) {
  auto doc = test_data::kLondonSubnet;
  doc.replace(doc.find("\"notify\":\"london-security\""), 26, "\"notify\":\"gone-list\"");
  const auto plan = plan_alerts(call(doc), *registry("  fallback_list: corporate-soc\n"));
  EXPECT_EQ(plan.list, "corporate-soc");
  EXPECT_EQ(plan.escalation_note, "notification list gone-list does not exist");
  ASSERT_EQ(plan.targets.size(), 2u);  // e-mail and webhook
  EXPECT_EQ(plan.targets[0].list, "corporate-soc");
}

TEST(AlertPlan, WithoutAFallbackAnUnknownListAlertsNobody) {
  auto doc = test_data::kLondonSubnet;
  doc.replace(doc.find("\"notify\":\"london-security\""), 26, "\"notify\":\"gone-list\"");
  const auto plan = plan_alerts(call(doc), *registry());
  EXPECT_TRUE(plan.targets.empty());
  EXPECT_TRUE(plan.list.empty());
}

TEST(AlertPlan, TestCallsAreAlertedUnlessTheRegistrySaysNot) {
  EXPECT_FALSE(plan_alerts(call(test_data::kTestCall933), *registry()).targets.empty());
  const auto plan = plan_alerts(call(test_data::kTestCall933), *registry("  alert_test_calls: false\n"));
  EXPECT_TRUE(plan.test_call_not_alerted);
  EXPECT_TRUE(plan.targets.empty());
}

TEST(AlertPlan, EscalationGoesToTheFallbackButNeverFromItToItself) {
  const auto r = registry("  fallback_list: corporate-soc\n");
  EXPECT_EQ(escalation_list("london-security", *r), "corporate-soc");
  EXPECT_EQ(escalation_list("corporate-soc", *r), "");
  EXPECT_EQ(escalation_list("london-security", *registry()), "");
}

TEST(AlertPlan, TheSiteIsWhereTheCallerIs) {
  const auto r = registry();
  EXPECT_EQ(alert_site(call(test_data::kNoLocationEcrc), *r).name, "Austin Office");  // the call's own site
  EXPECT_EQ(alert_site(call(test_data::kLondonSubnet), *r).id, "london-hq");
}

}  // namespace
}  // namespace e911::notifier
