// `e911 audit registrations`, run as the binary: when each user last
// confirmed their location, one user's history, the time range, the three
// formats (CSV formula-safe), refusals with exit status 2, and the journal
// that holds them verifying with `e911 audit verify` (SQLite; one case
// against a real PostgreSQL).

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "consumers/auditor/store/audit_store.h"
#include "tests/auditor/audit_test_support.h"
#include "tests/auditor/call_journal.h"
#include "tests/support/files.h"
#include "tests/support/postgres_server.h"

namespace e911 {
namespace {

using auditor::test::CallJournal;

// u-1 registered twice (the second, on the 22nd, not validated); u-2
// registered, then withdrew on the 23rd; u-3 has a hostile address name.
void fill_registrations(CallJournal& j) {
  j.registration({.user_id = "u-1", .event_id = "lu-1", .registered_at = "2026-11-20T09:00:00Z"});
  j.registration({.user_id = "u-2", .event_id = "lu-2", .registered_at = "2026-11-21T09:00:00Z", .source = "admin"});
  j.registration(
      {.user_id = "u-1", .event_id = "lu-3", .registered_at = "2026-11-22T09:00:00Z", .validated = false});
  j.withdrawal("u-2", 1795424400000);  // 2026-11-23T09:00:00Z
  j.registration({.user_id = "u-3", .event_id = "lu-4", .registered_at = "2026-11-21T12:00:00Z",
                  .name = "=HYPERLINK(\"http://evil\",\"home\")"});
}

class AuditRegistrationsCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("audit.db");
    auditor::test::journal_into("sqlite:" + db_, fill_registrations);
  }
  test::CommandResult registrations(const std::string& args) {
    return test::run_e911("audit registrations " + args + " --store " + test::shell_quoted("sqlite:" + db_));
  }

  static std::vector<std::string> users_of(const std::string& json) {
    rapidjson::Document doc;
    doc.Parse(json.c_str());
    std::vector<std::string> out;
    EXPECT_FALSE(doc.HasParseError()) << json;
    if (doc.HasParseError() || !doc.IsArray()) return out;
    for (const auto& r : doc.GetArray()) {
      out.push_back(std::string(r["user_id"].GetString()) + " " + r["status"].GetString() + " " + r["at"].GetString());
    }
    return out;
  }

  auditor::test::TempDir dir_;
  std::string db_;
};

TEST_F(AuditRegistrationsCommand, ExplainsItselfAndIsListedUnderAudit) {
  const auto r = test::run_e911("audit registrations --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* o : {"--user", "--since", "--until", "--json", "--csv", "--config", "--store"}) {
    EXPECT_NE(r.out.find(o), std::string::npos) << o << "\n" << r.out;
  }
  const auto audit = test::run_e911("audit --help");
  EXPECT_NE(audit.out.find("registrations"), std::string::npos) << audit.out;
}

TEST_F(AuditRegistrationsCommand, BadValuesAreNamedWithExitStatusTwo) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--since yesterday", "e911 audit registrations: --since: expected RFC 3339"},
      {"--until " + test::shell_quoted("2026-11-21 10:00:00Z"), "e911 audit registrations: --until: expected RFC 3339"},
      {"--since 2026-11-22 --until 2026-11-21", "e911 audit registrations: --until: must be after --since"},
      {"--json --csv", "e911 audit registrations: --json and --csv: choose one"},
      {"--user ''", "e911 audit registrations: --user: empty"},
      {"--format csv", "e911 audit registrations: "},
      {"u-1", "e911 audit registrations: unexpected argument 'u-1'"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = registrations(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << args << "\n" << r.out;
  }
  const auto missing =
      test::run_e911("audit registrations --store " + test::shell_quoted("sqlite:" + dir_.file("none.db")));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no audit journal at"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("none.db"))) << "a missing journal is not created";
}

TEST_F(AuditRegistrationsCommand, ListsWhenEachUserLastConfirmedOrOneUsersHistory) {
  auto r = registrations("--json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(users_of(r.out), (std::vector<std::string>{"u-1 registered 2026-11-22T09:00:00.000Z",
                                                       "u-2 withdrawn 2026-11-23T09:00:00.000Z",
                                                       "u-3 registered 2026-11-21T12:00:00.000Z"}));
  rapidjson::Document doc;
  doc.Parse(r.out.c_str());
  EXPECT_FALSE(doc[0]["validated"].GetBool());
  EXPECT_STREQ(doc[0]["address"].GetString(), "500 Example Ave, Austin, TX 78701, US");
  EXPECT_STREQ(doc[0]["event_id"].GetString(), "lu-3");
  EXPECT_TRUE(doc[1]["validated"].IsNull());

  r = registrations("--user u-1 --json");
  EXPECT_EQ(users_of(r.out), (std::vector<std::string>{"u-1 registered 2026-11-20T09:00:00.000Z",
                                                       "u-1 registered 2026-11-22T09:00:00.000Z"}));
  r = registrations("--user u-nobody --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[]\n");
  // As of the end of the 21st: u-1's first registration, u-2 not withdrawn yet.
  r = registrations("--until 2026-11-21 --json");
  EXPECT_EQ(users_of(r.out), (std::vector<std::string>{"u-1 registered 2026-11-20T09:00:00.000Z",
                                                       "u-2 registered 2026-11-21T09:00:00.000Z",
                                                       "u-3 registered 2026-11-21T12:00:00.000Z"}));
  r = registrations("--since 2026-11-22T00:00:00Z --json");
  EXPECT_EQ(users_of(r.out), (std::vector<std::string>{"u-1 registered 2026-11-22T09:00:00.000Z",
                                                       "u-2 withdrawn 2026-11-23T09:00:00.000Z"}));

  r = registrations("");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* text :
       {"user              status      at", "u-1               registered  2026-11-22T09:00:00.000Z  no",
        "u-2               withdrawn   2026-11-23T09:00:00.000Z  -          -          (withdrawn)"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  }
}

TEST_F(AuditRegistrationsCommand, CsvIsSafeToOpenInASpreadsheet) {
  const auto r = registrations("--csv");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(
      r.out.starts_with("user_id,status,at,validated,supplied_by,country,address,dispatchable,event_id,seq\r\n"))
      << r.out;
  EXPECT_NE(r.out.find("\r\nu-1,registered,2026-11-22T09:00:00.000Z,no,user,US,"
                       "\"500 Example Ave, Austin, TX 78701, US\",yes,lu-3,3\r\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\r\nu-3,registered,2026-11-21T12:00:00.000Z,yes,user,US,\"'=HYPERLINK(\"\"http://evil\"\","),
            std::string::npos)
      << "a formula is shown, not run\n" << r.out;
}

// The registrations are journal entries like any other: the chain verifies.
TEST_F(AuditRegistrationsCommand, TheJournalHoldingThemVerifies) {
  const auto secret = dir_.write("secret", auditor::test::secret(0) + "\n");
  const auto config = dir_.write("e911.yaml", "auditor:\n  store: sqlite:" + db_ +
                                                  "\n  signing: {key_id: k-query, secret: {file: " + secret + "}}\n");
  const auto r = test::run_e911("audit verify --config " + config);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(": ok, 5 entries verified"), std::string::npos) << r.out;
}

TEST(AuditRegistrationsCommandPostgres, ListsFromAPostgresqlStore) {
  if (test::PostgresServer::bin_dir().empty()) GTEST_SKIP() << "no PostgreSQL server binaries";
  const auto url = auditor::test::postgres_journal(fill_registrations);
  auto r = test::run_e911("audit registrations --csv --store " + test::shell_quoted(url));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 4) << r.out;
  EXPECT_NE(r.out.find("\r\nu-2,withdrawn,2026-11-23T09:00:00.000Z,,,,,,e911.location-updates/0/3,4\r\n"),
            std::string::npos)
      << r.out;
  r = test::run_e911("audit registrations --user u-1 --json --store " + test::shell_quoted(url));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 4) << r.out;  // [, two rows, ]
  test::PostgresServer::stop_shared();
}

}  // namespace
}  // namespace e911
