// locations.reminders.* and locations.smtp.*: what locations_setup makes of
// them, and the errors an administrator gets, each naming the key; the SMTP
// password from a file like every secret.

#include <gtest/gtest.h>

#include "producers/locations/locations_config.h"
#include "tests/locations/reminder_fixtures.h"
#include "tests/support/component_config.h"
#include "tests/support/files.h"
#include "tests/support/temp_dir.h"

namespace e911::locations {
namespace {

using test_data::kLinkSecret;

Result<LocationsServiceOptions> setup(const test::TempDir& dir, const std::string& locations_lines) {
  return test::component_setup(dir,
                               "kafka:\n  bootstrap.servers: 127.0.0.1:9092\nlocations:\n  registry: " +
                                   test::shared_fixture("registry.yaml") + "\n  link_secret: " +
                                   std::string(kLinkSecret) + "\n" + locations_lines,
                               locations_config_keys(), locations_setup);
}

std::string error_of(const Result<LocationsServiceOptions>& r) { return r.ok() ? "(no error)" : r.error().message; }

TEST(ReminderConfig, OffByDefaultAndNothingElseIsAskedFor) {
  test::TempDir dir;
  const auto o = setup(dir, "");
  ASSERT_TRUE(o.ok()) << error_of(o);
  EXPECT_FALSE(o->reminders.enabled);
}

TEST(ReminderConfig, OnWithARelayAndThePasswordFromAFile) {
  test::TempDir dir;
  const auto password = dir.write("smtp-password", "relay-s3cret");
  const auto o = setup(dir, "  public_url: https://locations.example.com\n"
                            "  reminders: {enabled: true, after_hours: 720, interval_hours: 48, check_interval_s: 60,"
                            " link_days: 7, email_domain: corp.example.com}\n"
                            "  smtp: {host: mail.example.com, port: 587, username: e911, password.file: " +
                                password + ", from: \"E911 <e911@example.com>\"}\n");
  ASSERT_TRUE(o.ok()) << error_of(o);
  const auto& r = o->reminders;
  EXPECT_TRUE(r.enabled);
  EXPECT_EQ(r.after, 720 * 3'600'000LL);
  EXPECT_EQ(r.interval, 48 * 3'600'000LL);
  EXPECT_EQ(r.check_interval, std::chrono::seconds(60));
  EXPECT_EQ(r.link_days, 7);
  EXPECT_EQ(r.email_domain, "corp.example.com");
  EXPECT_EQ(r.public_url, "https://locations.example.com");
  EXPECT_EQ(r.smtp.host, "mail.example.com");
  EXPECT_EQ(r.smtp.port, 587);
  EXPECT_EQ(r.smtp.tls, mail::SmtpSettings::Tls::starttls);
  EXPECT_EQ(r.smtp.password, "relay-s3cret");
}

TEST(ReminderConfig, MistakesNameTheirKey) {
  test::TempDir dir;
  const std::string on = "  reminders: {enabled: true}\n";
  const std::string relay = "  smtp: {host: mail.example.com, tls: none, from: e911@example.com}\n";
  const std::string url = "  public_url: https://locations.example.com\n";
  EXPECT_NE(error_of(setup(dir, on + relay)).find("locations.public_url: required with locations.reminders.enabled"),
            std::string::npos);
  EXPECT_NE(error_of(setup(dir, on + url)).find("locations.smtp.host: not set (locations.reminders.enabled is true)"),
            std::string::npos);
  EXPECT_NE(error_of(setup(dir, on + url + "  smtp: {host: mail.example.com}\n")).find("locations.smtp.from: not set"),
            std::string::npos);
  EXPECT_NE(error_of(setup(dir, on + url + "  smtp: {host: mail.example.com, tls: ssl, from: e911@example.com}\n"))
                .find("locations.smtp.tls: expected none, starttls or implicit"),
            std::string::npos);
  EXPECT_NE(error_of(setup(dir, on + url +
                                    "  smtp: {host: mail.example.com, tls: none, username: u, password: p, "
                                    "from: e911@example.com}\n"))
                .find("locations.smtp: smtp: AUTH needs TLS"),
            std::string::npos);
  EXPECT_NE(error_of(setup(dir, "  reminders: {enabled: true, email_domain: \"not a domain\"}\n" + url + relay))
                .find("locations.reminders.email_domain: not a mail domain"),
            std::string::npos);
}

}  // namespace
}  // namespace e911::locations
