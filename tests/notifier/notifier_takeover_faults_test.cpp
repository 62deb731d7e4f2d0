// Three `e911 notifier` processes in one consumer group sharing their state
// on one PostgreSQL server (tests/support/postgres_server.h), the SMTP relay
// (tests/notifier/peers/smtp_server.py) answering 451 to every recipient,
// so every alert stays pending. One instance is SIGKILLed and its state
// directory deleted (its node and disk gone); the relay then accepts: the
// survivors claim the dead instance's alerts once its lease expires and
// every alert arrives, duplicates within the documented bound
// (docs/operations.md, "Several notifier instances").
// And one instance frozen (SIGSTOP) past its lease while survivors claim
// and send its alerts: woken, it sends none of those waiting in its memory
// again (the fence, consumers/notifier/lease_fence.h), only, at most, what
// a worker was about to send when it froze.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <csignal>
#include <sstream>

#include "common/kafka/producer.h"
#include "common/kafka/topic_reader.h"
#include "tests/kafka/kafka_test_util.h"
#include "tests/notifier/fault_mail.h"
#include "tests/notifier/three_recipients.h"
#include "tests/notifier/notifier_kafka_fixture.h"
#include "tests/support/child_process.h"
#include "tests/support/files.h"
#include "tests/support/json.h"
#include "tests/support/occurrences.h"
#include "tests/support/postgres_server.h"
#include "tests/support/raw_client.h"

namespace e911::notifier::takeover_test {
namespace {

namespace fs = std::filesystem;
using kafka::test::wait_until;
using test_mail::call_numbered;
using test_mail::read_maildir;

constexpr int kInstances = 3;
constexpr int kRecipients = 3;
constexpr int kWorkers = 4;  // e-mail workers per instance
constexpr int kFirstCalls = 12;
constexpr int kMostCalls = 60;  // produced until every instance owns some

// The lines of psql's unaligned, tuples-only output.
std::vector<std::string> lines(const std::string& out) {
  std::vector<std::string> result;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) result.push_back(line);
  }
  return result;
}

class NotifierTakeoverTest : public NotifierKafkaTest {
 protected:
  static void TearDownTestSuite() { test::PostgresServer::stop_shared(); }

  void SetUp() override {
    NotifierKafkaTest::SetUp();
    if (test::PostgresServer::bin_dir().empty()) GTEST_SKIP() << "no PostgreSQL server binaries";
    registry_ = dir_.write("registry.yaml", test_registry::kThreeRecipients);
    maildir_ = dir_.path("maildir");
    fs::create_directories(maildir_);
    postgres_ = &test::PostgresServer::shared();
    database_ = postgres_->create_database();
  }

  void start_smtp(int port, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{"/usr/bin/python3", test::source_dir() + "/tests/notifier/peers/smtp_server.py",
                                  "--port", std::to_string(port), "--maildir", maildir_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    smtp_.reset();  // stopped first: the new one takes its port
    smtp_ = std::make_unique<test::ChildProcess>(argv, dir_.path("smtp.log"));
    smtp_->wait_for("port=", std::chrono::seconds(30));
  }

  static std::string owner(int i) { return "notifier-" + std::to_string(i); }
  std::string state_dir(int i) const { return dir_.path("state-" + std::to_string(i)); }
  std::string log_of(int i) const { return dir_.path("notifier-" + std::to_string(i) + ".log"); }

  // `e911 notifier` instance `i`: its own state directory and owner id,
  // the shared store, a 2 s lease.
  std::unique_ptr<test::ChildProcess> start_notifier(int i, int smtp_port) {
    const std::string config = dir_.write(
        "e911-" + std::to_string(i) + ".yaml",
        test::component_config_yaml(props_, state_dir(i)) + "notifier:\n" + "  registry: " + registry_ + "\n" +
            "  group_id: " + group_ + "\n" + "  store: " + postgres_->url(database_) + "\n" +
            "  store_lease: {ttl_ms: 2000, owner: " + owner(i) + "}\n" +
            "  workers_per_channel: " + std::to_string(kWorkers) + "\n" +
            "  retry: {initial_delay_ms: 100, max_delay_ms: 500}\n" + "  email: {transport: smtp}\n" +
            "  smtp: {host: 127.0.0.1, port: " + std::to_string(smtp_port) +
            ", tls: none, from: \"e911@example.com\"}\n");
    return std::make_unique<test::ChildProcess>(
        std::vector<std::string>{test::e911_binary(), "notifier", "--config", config}, log_of(i));
  }

  std::vector<std::string> query(const std::string& sql) {
    const auto r = postgres_->psql(database_, sql);
    EXPECT_EQ(r.exit_code, 0) << sql << ": " << r.err;
    return lines(r.out);
  }

  // Owner -> how many pending alerts it has.
  std::map<std::string, int> pending_by_owner() {
    std::map<std::string, int> out;
    for (const auto& line : query("SELECT owner || '|' || COUNT(*) FROM alerts WHERE state = 'pending' GROUP BY owner")) {
      const auto bar = line.rfind('|');
      out[line.substr(0, bar)] = std::stoi(line.substr(bar + 1));
    }
    return out;
  }

  // The value of an unlabelled counter on instance `i`'s /metrics (the
  // port it logged), or -1.
  double metric_of(int i, const std::string& name) {
    const auto log = test::read_file(log_of(i));
    const auto line = log.find("observability endpoint listening");
    if (line == std::string::npos) return -1;
    const auto at = log.find("\"port\":", line);
    if (at == std::string::npos) return -1;
    test::RawClient client(static_cast<std::uint16_t>(std::stoi(log.substr(at + 7))));
    client.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    const auto response = client.response();
    if (!response) return -1;
    const auto series = response->find("\n" + name + " ");
    return series == std::string::npos ? -1 : std::stod(response->substr(series + name.size() + 2));
  }

  int count(const std::string& sql) {
    const auto rows = query(sql);
    return rows.empty() ? -1 : std::stoi(rows.front());
  }

  void produce_call(int n) {
    const auto id = "takeover-" + std::to_string(n);
    producer_->produce(topics_.emergency_calls, id, call_numbered(id));
  }

  std::string logs() {
    std::string out;
    for (int i = 0; i < kInstances; ++i) out += "--- notifier " + std::to_string(i) + ":\n" + test::read_file(log_of(i));
    return out;
  }

  // Calls across the three partitions, more while the group is still
  // settling (the first member holds every partition until the others
  // join), until each instance has admitted some: their alerts pending.
  // Returns how many calls were produced.
  // Until every instance has at least `each` pending alerts.
  int produce_until_every_instance_has_pending(int each = 1) {
    // The first instance up creates the tables.
    EXPECT_TRUE(wait_until([&] { return postgres_->psql(database_, "SELECT COUNT(*) FROM alerts").exit_code == 0; }))
        << logs();

    int produced = 0;
    for (; produced < kFirstCalls; ++produced) produce_call(produced);
    EXPECT_TRUE(producer_->flush(kafka::test::kDeadline));
    EXPECT_TRUE(wait_until(
        [&] {
          const bool admitted = count("SELECT COUNT(*) FROM alerts") == produced * kRecipients;
          if (!admitted) return false;
          const auto pending = pending_by_owner();
          const bool enough = pending.size() == static_cast<std::size_t>(kInstances) &&
                              std::all_of(pending.begin(), pending.end(), [&](const auto& p) { return p.second >= each; });
          if (enough) return true;
          if (produced < kMostCalls) {
            produce_call(produced++);
            producer_->flush(kafka::test::kDeadline);
          }
          return false;
        },
        std::chrono::seconds(90)))
        << produced << " calls; pending by owner: " << pending_by_owner().size() << "\n"
        << logs();
    return produced;
  }

  test::PostgresServer* postgres_ = nullptr;
  std::string database_;
  std::string maildir_;
  std::unique_ptr<test::ChildProcess> smtp_;
};

TEST_F(NotifierTakeoverTest, SurvivorsDeliverTheAlertsOfAnInstanceWhoseNodeAndDiskAreGone) {
  const int port = test::free_loopback_port();
  start_smtp(port, {"--reject-rcpt", "451 4.3.0 try again later"});
  std::vector<std::unique_ptr<test::ChildProcess>> notifiers;
  for (int i = 0; i < kInstances; ++i) notifiers.push_back(start_notifier(i, port));

  const int produced = produce_until_every_instance_has_pending();
  const auto before = pending_by_owner();
  for (int i = 0; i < kInstances; ++i) ASSERT_GT(before.count(owner(i)), 0u) << owner(i);
  ASSERT_EQ(count("SELECT COUNT(*) FROM alerts WHERE state <> 'pending'"), 0);
  const auto victims =
      query("SELECT notification_id FROM alerts WHERE owner = '" + owner(0) + "' ORDER BY notification_id");
  ASSERT_FALSE(victims.empty());

  // Instance 0's node and disk are gone.
  notifiers[0]->kill_now();
  fs::remove_all(state_dir(0));
  start_smtp(port);  // the relay accepts again

  const auto expected = static_cast<std::size_t>(produced * kRecipients);
  std::size_t distinct = 0;
  ASSERT_TRUE(wait_until(
      [&] {
        distinct = read_maildir(maildir_).distinct();
        return distinct == expected;
      },
      std::chrono::seconds(90)))
      << distinct << " of " << expected << " alerts delivered\n"
      << logs();
  // Each recipient of each call, once.
  std::map<std::string, std::set<std::string>> recipients_by_call;
  const auto box = read_maildir(maildir_);
  for (std::size_t m = 0; m < box.raw.size(); ++m) {
    const auto at = box.raw[m].find("X-E911-Call-Id: ");
    ASSERT_NE(at, std::string::npos);
    const auto end = box.raw[m].find_first_of("\r\n", at);
    recipients_by_call[box.raw[m].substr(at + 16, end - at - 16)].insert(box.recipients[m]);
  }
  EXPECT_EQ(recipients_by_call.size(), static_cast<std::size_t>(produced));
  for (const auto& [call, recipients] : recipients_by_call) EXPECT_EQ(recipients.size(), 3u) << call;

  // The bound (docs/operations.md): an alert the dead instance had handed
  // to the relay but not recorded as sent is sent once more, at most one
  // per worker it had. Here the relay refused everything until after the
  // kill, so none is expected; the bound is what is promised.
  const auto duplicates = box.duplicates();
  std::cout << "[ measure  ] " << expected << " alerts, " << victims.size() << " of them the killed instance's; "
            << duplicates << " duplicate(s) (bound: " << kWorkers << ")\n";
  RecordProperty("duplicates", static_cast<int>(duplicates));
  EXPECT_LE(duplicates, static_cast<std::size_t>(kWorkers)) << test_mail::describe_duplicates(box);

  // The survivors claimed every alert of the dead instance, and its lease
  // is gone once nothing live is its own.
  std::map<std::string, int> claimed_by;
  for (const auto& id : victims) {
    const auto rows = query("SELECT owner || '|' || state FROM alerts WHERE notification_id = '" + id + "'");
    ASSERT_EQ(rows.size(), 1u) << id;
    EXPECT_EQ(rows.front().substr(rows.front().rfind('|') + 1), "sent") << id;
    ++claimed_by[rows.front().substr(0, rows.front().rfind('|'))];
  }
  EXPECT_EQ(claimed_by.count(owner(0)), 0u);
  for (const auto& [who, n] : claimed_by) EXPECT_TRUE(who == owner(1) || who == owner(2)) << who << " " << n;
  ASSERT_TRUE(wait_until([&] {
    return count("SELECT COUNT(*) FROM notifier_leases WHERE owner = '" + owner(0) + "'") == 0;
  }));

  // Every alert's "sent" record reaches e911.notifications, the dead
  // instance's alerts' included (published by their claimers).
  std::map<std::string, std::multiset<std::string>> seen;
  ASSERT_TRUE(wait_until([&] {
    seen.clear();
    kafka::read_to_end(props_, topics_.notifications, [&](const kafka::Message& m) {
      rapidjson::Document d;
      d.Parse(m.value.data(), m.value.size());
      if (d.HasParseError()) return;
      seen[test::member_string(d, "notification_id")].insert(test::member_string(d, "status"));
    });
    std::size_t with_sent = 0;
    for (const auto& [id, statuses] : seen) with_sent += statuses.count("sent") > 0;
    return with_sent == expected;
  })) << seen.size();

  for (int i = 1; i < kInstances; ++i) {
    notifiers[i]->stop();
    EXPECT_EQ(notifiers[i]->exit_code(), 0) << logs();
  }
}

// An instance frozen (SIGSTOP: a long pause, a stalled VM) for longer
// than its lease while its alerts wait for the relay: the survivors claim
// and send them. Woken, it must not send them again: its workers wait for
// the lease to be renewed, find it had lapsed, and check each alert's
// owner before sending it. The fault campaign found a woken instance
// sending its in-memory due alerts first (22 duplicates in one trial).
TEST_F(NotifierTakeoverTest, AnInstanceFrozenPastItsLeaseSendsAgainAtMostWhatItsWorkersHadStarted) {
  const int port = test::free_loopback_port();
  start_smtp(port, {"--reject-rcpt", "451 4.3.0 try again later"});
  std::vector<std::unique_ptr<test::ChildProcess>> notifiers;
  for (int i = 0; i < kInstances; ++i) notifiers.push_back(start_notifier(i, port));
  // More than it has workers: woken without the fence, it would send
  // more than the bound allows.
  const int produced = produce_until_every_instance_has_pending(kWorkers + 1);
  const auto victims = query("SELECT notification_id FROM alerts WHERE owner = '" + owner(0) + "'");
  ASSERT_GT(victims.size(), static_cast<std::size_t>(kWorkers)) << logs();

  const auto wall = [] {
    return std::to_string(
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  };
  std::string timeline = "frozen at " + wall();
  ASSERT_EQ(::kill(notifiers[0]->pid(), SIGSTOP), 0);
  // Its lease runs out; the survivors claim its alerts.
  ASSERT_TRUE(wait_until([&] { return pending_by_owner().count(owner(0)) == 0; }, std::chrono::seconds(60)))
      << logs();
  timeline += ", relay accepting from " + wall();
  start_smtp(port);  // the relay accepts: the survivors send everything
  const auto expected = static_cast<std::size_t>(produced * kRecipients);
  ASSERT_TRUE(wait_until([&] { return read_maildir(maildir_).distinct() == expected; }, std::chrono::seconds(90)))
      << logs();

  timeline += ", woken at " + wall() + "\n";
  ASSERT_EQ(::kill(notifiers[0]->pid(), SIGCONT), 0);
  // It hands every claimed alert over, one log line each.
  const auto handed_over = [&] { return test::occurrences(test::read_file(log_of(0)), "no longer sent from here"); };
  ASSERT_TRUE(wait_until([&] { return handed_over() >= victims.size(); }, std::chrono::seconds(60)))
      << handed_over() << " of " << victims.size() << " handed over\n"
      << logs();
  const auto box = read_maildir(maildir_);
  EXPECT_EQ(box.distinct(), expected);
  // What it sends when it wakes is only what its workers were about to
  // send when it froze, past their fence check: one alert each at most
  // (the bound of docs/decisions/0010-notifier-shared-store.md). Here the
  // relay it was talking to is gone by then, so only an attempt frozen
  // between the check and its connection is sent again; the claimed alerts
  // waiting in its memory are not.
  EXPECT_LE(box.duplicates(), static_cast<std::size_t>(kWorkers))
      << "alerts sent twice:\n" << test_mail::describe_duplicates(box) << timeline << logs();
  EXPECT_NE(test::read_file(log_of(0)).find("pending alerts are checked before they are sent"), std::string::npos);
  // And counts them, for the dashboards (docs/operations.md, "Metrics").
  EXPECT_GE(metric_of(0, "e911_notifier_alerts_lost_to_claim_total"), static_cast<double>(victims.size()));
  EXPECT_EQ(metric_of(1, "e911_notifier_alerts_lost_to_claim_total"), 0.0);

  for (auto& n : notifiers) {
    n->stop();
    EXPECT_EQ(n->exit_code(), 0) << logs();
  }
}

}  // namespace
}  // namespace e911::notifier::takeover_test
