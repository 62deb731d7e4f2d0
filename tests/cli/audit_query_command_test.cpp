// `e911 audit query|show|report`, run as the binary against a journal
// built by ingesting calls and notifications (SQLite; one case against a
// real PostgreSQL).

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

std::string sh(const std::string& s) { return test::shell_quoted(s); }

void fill(CallJournal& j) {
  j.call({.call_id = "c-1", .occurred_at = "2026-11-21T10:15:00.120Z", .site_id = "london-hq",
          .user_id = "u-5001", .name = "=HYPERLINK(\"http://evil\",\"Smith, John\")", .extension = "5001",
          .callback = "+442079460101"});
  j.notification({.call_id = "c-1", .list = "london-security", .name = "London duty manager",
                  .address = "+447700900123", .channel = "sms", .status = "delivered",
                  .at = "2026-11-21T10:15:02.903Z", .latency_ms = 2783});
  j.call({.call_id = "c-2", .call_class = "test", .dialed = "933", .occurred_at = "2026-11-22T09:00:00.000Z",
          .site_id = "austin", .name = "Ana García"});
  j.call({.call_id = "c-3", .occurred_at = "2026-11-30T23:59:00.000Z", .site_id = "austin", .name = "Bob",
          .dispatchable = false, .warnings = {"unknown-network"}, .routing = "ecrc", .elin = "+15125550190"});
  j.call({.call_id = "c-4", .occurred_at = "2026-12-01T00:00:00.000Z", .site_id = "austin", .name = "Late",
          .elin = "+15125550191"});
}

class AuditQueryCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("audit.db");
    auditor::test::journal_into("sqlite:" + db_, fill);
  }
  test::CommandResult audit(const std::string& args) { return test::run_e911("audit " + args); }
  std::string store_option() const { return "--store " + sh("sqlite:" + db_); }

  static std::vector<std::string> ids_of(const std::string& json) {
    rapidjson::Document doc;
    doc.Parse(json.c_str());
    std::vector<std::string> out;
    EXPECT_FALSE(doc.HasParseError()) << json;
    if (doc.HasParseError() || !doc.IsArray()) return out;
    for (const auto& c : doc.GetArray()) out.emplace_back(c["call_id"].GetString());
    return out;
  }

  auditor::test::TempDir dir_;
  std::string db_;
};

TEST_F(AuditQueryCommand, ExplainsItself) {
  for (const auto& [sub, options] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"query", {"--from", "--to", "--site", "--caller", "--class", "--dispatchable", "--notified", "--failed",
                      "--escalated", "--elin", "--format", "--limit", "--all", "--cursor", "--config", "--store"}},
           {"show", {"CALL_ID", "--format", "--config"}},
           {"report", {"--from", "--to", "--site", "--format", "--config"}}}) {
    const auto r = audit(sub + " --help");
    EXPECT_EQ(r.exit_code, 0) << sub;
    for (const auto& o : options) EXPECT_NE(r.out.find(o), std::string::npos) << sub << " " << o;
  }
}

TEST_F(AuditQueryCommand, BadValuesAreNamedWithExitStatusTwo) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"query --from yesterday", "e911 audit query: --from: expected RFC 3339"},
      {"query --to 2026-13-01", "e911 audit query: --to: expected RFC 3339"},
      {"query --from 2026-11-02 --to 2026-11-01", "e911 audit query: --to: must be after --from"},
      {"query --class drill", "e911 audit query: --class: expected emergency or test"},
      {"query --dispatchable maybe", "e911 audit query: --dispatchable: expected yes or no"},
      {"query --notified 1", "e911 audit query: --notified: expected yes or no"},
      {"query --failed perhaps", "e911 audit query: --failed: expected yes or no"},
      {"query --escalated 2", "e911 audit query: --escalated: expected yes or no"},
      {"query --format xml", "e911 audit query: --format: expected json, jsonl or csv"},
      {"query --limit 0", "e911 audit query: --limit: expected 1 to 1000"},
      {"query --limit 1001", "e911 audit query: --limit: expected 1 to 1000"},
      {"query --site ''", "e911 audit query: --site: empty"},
      {"query --elin 5125550190", "e911 audit query: --elin: not an E.164 number (must start with +): \"5125550190\""},
      {"query --elin " + sh("+1 512 555 0190"), "e911 audit query: --elin: not an E.164 number (only digits may follow +)"},
      {"query --cursor " + sh("' OR 1=1 --"), "e911 audit query: --cursor: not a cursor this service issued"},
      {"query --all --cursor abc", "e911 audit query: --cursor: not with --all"},
      {"query --bogus", "e911 audit query: "},
      {"show", "e911 audit show: expected one CALL_ID"},
      {"show c-1 --format csv", "e911 audit show: --format: expected text or json"},
      {"report --format pdf", "e911 audit report: --format: expected text, json or csv"},
      {"report --from nope", "e911 audit report: --from: expected RFC 3339"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = audit(args + " " + store_option());
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << args << "\n" << r.out;
  }
}

// The command reads times by the HTTP API's rule (call_filter_params.h):
// 'T' between date and time; before, it took a space the API refused.
TEST_F(AuditQueryCommand, TimesFollowTheApisRule) {
  const auto spaced = audit("query --from " + sh("2026-11-21 10:00:00Z") + " " + store_option());
  EXPECT_EQ(spaced.exit_code, 2);
  EXPECT_NE(spaced.err.find("e911 audit query: --from: expected RFC 3339"), std::string::npos) << spaced.err;
  const auto with_t = audit("query --from 2026-11-21T10:00:00Z " + store_option());
  EXPECT_EQ(with_t.exit_code, 0) << with_t.err;
}

TEST_F(AuditQueryCommand, AMissingJournalIsNotCreated) {
  const auto missing = dir_.file("nowhere.db");
  const auto r = audit("query --store " + sh("sqlite:" + missing));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no audit journal at sqlite:" + missing), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(AuditQueryCommand, QueriesAsJsonWithFiltersAndDates) {
  auto r = audit("query " + store_option());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ids_of(r.out), (std::vector<std::string>{"c-1", "c-2", "c-3", "c-4"}));
  // --to DATE includes that whole day.
  r = audit("query --from 2026-11-22 --to 2026-11-30 " + store_option());
  EXPECT_EQ(ids_of(r.out), (std::vector<std::string>{"c-2", "c-3"})) << r.err;
  r = audit("query --from 2026-11-21T10:15:00.121Z " + store_option());
  EXPECT_EQ(ids_of(r.out), (std::vector<std::string>{"c-2", "c-3", "c-4"})) << r.err;
  r = audit("query --site austin --class emergency --dispatchable no " + store_option());
  EXPECT_EQ(ids_of(r.out), (std::vector<std::string>{"c-3"})) << r.err;
  r = audit("query --caller " + sh("smith, J") + " --notified yes " + store_option());
  EXPECT_EQ(ids_of(r.out), (std::vector<std::string>{"c-1"})) << r.err;
  r = audit("query --caller " + sh("' OR 1=1 --") + " " + store_option());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "[]\n");
  r = audit("query --format jsonl --site austin " + store_option());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3);
}

// The calls an alert failed for, or was escalated for: what an auditor
// looks at first.
TEST_F(AuditQueryCommand, FindsTheCallsWhoseAlertsFailedOrWereEscalated) {
  {
    auto store = auditor::open_audit_store("sqlite:" + db_);
    CallJournal j(*store);
    j.call({.call_id = "c-5", .occurred_at = "2026-12-02T08:00:00.000Z", .site_id = "austin", .name = "Eve"});
    j.notification({.call_id = "c-5", .list = "austin-security", .name = "Desk", .address = "+15125550100",
                    .channel = "sms", .status = "failed", .at = "2026-12-02T08:00:30.000Z", .error = "gateway down"});
    j.call({.call_id = "c-6", .occurred_at = "2026-12-02T09:00:00.000Z", .site_id = "austin", .name = "Fay"});
    j.notification({.call_id = "c-6", .list = "austin-security", .name = "Desk", .address = "+15125550100",
                    .channel = "sms", .status = "escalated", .at = "2026-12-02T09:01:00.000Z"});
  }
  auto r = audit("query --failed yes " + store_option());
  EXPECT_EQ(ids_of(r.out), (std::vector<std::string>{"c-5"})) << r.err;
  r = audit("query --escalated yes " + store_option());
  EXPECT_EQ(ids_of(r.out), (std::vector<std::string>{"c-6"})) << r.err;
  r = audit("query --failed no --escalated no --from 2026-12-01 " + store_option());
  EXPECT_EQ(ids_of(r.out), (std::vector<std::string>{"c-4"})) << r.err;
}

TEST_F(AuditQueryCommand, PagesWithACursorOrAll) {
  auto r = audit("query --limit 3 " + store_option());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(ids_of(r.out), (std::vector<std::string>{"c-1", "c-2", "c-3"}));
  const std::string prefix = "more calls: add --cursor ";
  const auto at = r.err.find(prefix);
  ASSERT_NE(at, std::string::npos) << r.err;
  const auto cursor = r.err.substr(at + prefix.size(), r.err.find('\n', at) - at - prefix.size());
  r = audit("query --limit 3 --cursor " + sh(cursor) + " " + store_option());
  EXPECT_EQ(ids_of(r.out), (std::vector<std::string>{"c-4"}));
  EXPECT_EQ(r.err.find(prefix), std::string::npos) << r.err;
  r = audit("query --all --limit 1 " + store_option());
  EXPECT_EQ(ids_of(r.out), (std::vector<std::string>{"c-1", "c-2", "c-3", "c-4"}));
  EXPECT_EQ(r.err.find(prefix), std::string::npos) << r.err;
}

TEST_F(AuditQueryCommand, CsvIsEscapedAndFormulaSafe) {
  const auto r = audit("query --format csv --caller u-5001 " + store_option());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("call_id,class,", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\r\nc-1,emergency,911,2026-11-21T10:15:00.120Z,london-hq,u-5001,"
                       "\"'=HYPERLINK(\"\"http://evil\"\",\"\"Smith, John\"\")\",5001,+442079460101,"),
            std::string::npos)
      << r.out;
}

TEST_F(AuditQueryCommand, ReadsTheStoreFromTheConfiguration) {
  const auto config = dir_.write("e911.yaml", "auditor:\n  store: sqlite:" + db_ + "\n");
  auto r = audit("query --site london-hq --config " + sh(config));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ids_of(r.out), std::vector<std::string>{"c-1"});
  const auto state = dir_.write("state.yaml", "state_dir: " + dir_.file("") + "\n");
  r = audit("report --format json --config " + sh(state));  // sqlite:<state_dir>/audit.db
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(AuditQueryCommand, ShowsACallsTimeline) {
  auto r = audit("show c-1 " + store_option());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* text : {"Call c-1: EMERGENCY call, dialed 911", "+442079460101",
                           "London duty manager <+447700900123> (list london-security)", "+2783 ms  sms attempt 1  delivered",
                           "call.recorded", "location.conveyed"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  }
  r = audit("show c-1 --format json " + store_option());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  rapidjson::Document doc;
  doc.Parse(r.out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << r.out;
  EXPECT_EQ(doc["entries"].Size(), 3u);
  r = audit("show " + sh("' OR 1=1 --") + " " + store_option());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("e911 audit show: no call \"' OR 1=1 --\" in the journal"), std::string::npos) << r.err;
}

// `--elin`: whom callbacks to an ELIN reached, the calls it was conveyed
// with (a pool hands an ELIN out again); `show` says which ELIN and who
// looked it up.
TEST_F(AuditQueryCommand, FindsTheCallsConveyedAnElin) {
  auditor::test::journal_into("sqlite:" + db_, [](CallJournal& journal) {
    journal.call({.call_id = "c-5", .occurred_at = "2026-12-02T08:00:00.000Z", .site_id = "austin",
                  .name = "Reused", .elin = "+15125550190"});
    journal.lookup({.lookup_id = "lk-1", .elin = "+15125550190", .looked_up_at = "2026-12-01T00:05:00Z",
                    .call_id = "c-3"});
  });
  auto r = audit("query --elin +15125550190 " + store_option());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ids_of(r.out), (std::vector<std::string>{"c-3", "c-5"}));
  rapidjson::Document doc;
  doc.Parse(r.out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << r.out;
  EXPECT_STREQ(doc[0]["elin"].GetString(), "+15125550190");
  r = audit("query --elin +15125550190 --to 2026-12-01 " + store_option());
  EXPECT_EQ(ids_of(r.out), (std::vector<std::string>{"c-3"}));
  r = audit("query --elin +15125550191 --format csv " + store_option());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(",all_delivered,elin,location_validated\r\nc-4,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(",+15125550191,\r\n"), std::string::npos) << r.out;
  r = audit("query --elin +15125550199 " + store_option());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[]\n");

  r = audit("show c-3 " + store_option());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* text : {"  ELIN      +15125550190 (callbacks to it reach this call while assigned)",
                           "ELIN lookups\n  2026-12-01T00:05:00.000Z  ELIN +15125550190 looked up (http, by "
                           "pbx-callback): reaches this call (pool austin-office)",
                           "elin.lookup"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  }
  r = audit("show c-5 " + store_option());
  EXPECT_EQ(r.out.find("ELIN lookups"), std::string::npos) << "c-3's lookup is not on c-5's timeline\n" << r.out;
}

TEST_F(AuditQueryCommand, ReportsInEveryFormat) {
  auto r = audit("report " + store_option());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Compliance report: all time"), std::string::npos) << r.out;
  r = audit("report --from 2026-11-01 --to 2026-11-30 --format json " + store_option());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  rapidjson::Document doc;
  doc.Parse(r.out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << r.out;
  EXPECT_EQ(doc["overall"]["emergency_calls"].GetUint64(), 2u);  // c-1, c-3 (c-4 is in December)
  EXPECT_EQ(doc["overall"]["test_calls"].GetUint64(), 1u);
  EXPECT_DOUBLE_EQ(doc["overall"]["dispatchable_percent"].GetDouble(), 50.0);
  EXPECT_EQ(doc["overall"]["alert_latency_ms"]["p50"].GetInt64(), 2783);
  EXPECT_EQ(doc["sites"].Size(), 2u);
  r = audit("report --site austin --format csv " + store_option());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\r\nsite,austin,2,1,"), std::string::npos) << r.out;
}

TEST(AuditQueryCommandPostgres, QueriesAPostgresqlStore) {
  if (test::PostgresServer::bin_dir().empty()) GTEST_SKIP() << "no PostgreSQL server binaries";
  const auto url = auditor::test::postgres_journal(fill);
  auto r = test::run_e911("audit query --site austin --format jsonl --store " + sh(url));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;
  r = test::run_e911("audit query --elin +15125550190 --format jsonl --store " + sh(url));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_NE(r.out.find("\"call_id\":\"c-3\""), std::string::npos) << r.out;
  r = test::run_e911("audit report --format csv --store " + sh(url));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\r\noverall,,3,1,"), std::string::npos) << r.out;
  test::PostgresServer::stop_shared();
}

}  // namespace
}  // namespace e911
