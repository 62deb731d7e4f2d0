// The notifier's store keys: the default (SQLite in state_dir, as before
// them), a PostgreSQL store shared by instances with its lease settings,
// the URL from a file, and a URL that cannot be used refused at load,
// naming the key and not the password.

#include "consumers/notifier/notifier_config.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace e911::notifier {
namespace {

constexpr const char* kOneContact = R"(version: 1
notification_lists:
  london-security:
    - {name: "Desk", email: "desk@example.com"}
sites:
  - id: london-hq
    name: "London HQ"
    notify: london-security
    address: {country: GB, city: London, street: "Example Road", house_number: "1"}
    subnets: ["10.40.0.0/16"]
)";

class NotifierStoreConfig : public ::testing::Test {
 protected:
  Result<NotifierSetup> setup(const std::string& notifier_yaml, std::map<std::string, std::string> env = {}) {
    ConfigLoadOptions o;
    o.file = dir_.write("e911.yaml", "state_dir: " + dir_.path("state") + "\nnotifier:\n  registry: " +
                                         dir_.write("registry.yaml", kOneContact) +
                                         "\n  email: {transport: outbox}\n" + notifier_yaml);
    o.environment = std::move(env);
    o.extra_keys = notifier_config_keys();
    auto config = Config::load(o);
    if (!config) return config.error();
    return notifier_setup(*config);
  }

  test::TempDir dir_;
};

TEST_F(NotifierStoreConfig, TheDefaultIsSqliteInTheStateDirectory) {
  const auto s = setup("");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->service.store_url, "");  // sqlite:<state_dir>/notifier.db
  EXPECT_EQ(s->service.state_dir, dir_.path("state"));
  EXPECT_EQ(s->service.store_owner, "");  // random at start
  EXPECT_EQ(s->service.store_lease_ttl, std::chrono::milliseconds(15000));
}

TEST_F(NotifierStoreConfig, ASharedStoreWithItsLease) {
  const auto s = setup("  store: postgresql://notifier@db.example:5432/e911\n"
                       "  store_lease: {ttl_ms: 3000, owner: notifier-0}\n");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->service.store_url, "postgresql://notifier@db.example:5432/e911");
  EXPECT_EQ(s->service.store_owner, "notifier-0");
  EXPECT_EQ(s->service.store_lease_ttl, std::chrono::milliseconds(3000));
}

TEST_F(NotifierStoreConfig, TheUrlWithItsPasswordFromAFile) {
  const auto url = "postgresql://notifier:s3cret@db.example:5432/e911";
  const auto s = setup("", {{"E911_NOTIFIER_STORE_FILE", dir_.write("store-url", std::string(url) + "\n")}});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->service.store_url, url);
}

TEST_F(NotifierStoreConfig, AnUnusableUrlIsRefusedWithoutItsPassword) {
  // A password with white space cannot pass through Poco's connector.
  const auto s = setup("  store: \"postgresql://notifier:se%20cret@db.example/e911\"\n");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("notifier.store"), std::string::npos) << s.error().message;
  EXPECT_EQ(s.error().message.find("se cret"), std::string::npos) << s.error().message;
  EXPECT_EQ(s.error().message.find("se%20cret"), std::string::npos) << s.error().message;
}

TEST_F(NotifierStoreConfig, ALeaseShorterThanHalfASecondIsRefused) {
  EXPECT_FALSE(setup("  store_lease: {ttl_ms: 100}\n"));
}

}  // namespace
}  // namespace e911::notifier
