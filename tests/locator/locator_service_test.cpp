// The locator as a Kafka service, end to end through the embedded broker:
// the shared fixtures in, the expected emergency calls out; bad events to
// the dead-letter topic; a restart loses nothing; registry reloads.

#include "consumers/locator/locator_service.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "common/service/background_service.h"
#include "common/events.h"
#include "common/kafka/producer.h"
#include "common/kafka/topic_reader.h"
#include "common/reload_signal.h"
#include "tests/kafka/kafka_test_util.h"
#include "tests/support/emitted.h"
#include "tests/support/expected_calls.h"
#include "tests/support/files.h"

namespace e911::locator {
namespace {

using kafka::test::kDeadline;

Config::Topics test_topics() {
  // The ELIN assignments topic is named but not created: the locator says
  // so and keeps assignments in memory (elin_assignments_test.sh has it).
  return {"e911.call-events", "e911.location-updates", "e911.emergency-calls", "e911.notifications",
          "e911.dead-letter", "e911.elin-assignments", "e911.elin-lookups", "e911.location-reminders",
          "e911.location-sightings"};
}

std::string field(const std::string& json, const char* name) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember(name) || !d[name].IsString()) return {};
  return d[name].GetString();
}

using kafka::test::wait_until;

// The shared fixture events, split into the location updates
// (registrations) and the call events, each in the fixture's order.
struct FixtureEvents {
  std::vector<std::string> updates;
  std::vector<std::string> calls;
};
FixtureEvents fixture_events() {
  FixtureEvents events;
  for (const auto& l : test::read_lines(test::shared_fixture("events.jsonl"))) {
    (field(l, "schema") == "e911.location-update/v1" ? events.updates : events.calls).push_back(l);
  }
  return events;
}

// A broker with the pipeline's topics, and a locator running on it.
class LocatorServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& [name, partitions] : std::vector<std::pair<std::string, int>>{
             {topics_.call_events, 3}, {topics_.location_updates, 3}, {topics_.emergency_calls, 1},
             {topics_.dead_letter, 1}}) {
      broker_.create_topic(name, partitions);
    }
    props_ = kafka::test::test_properties(broker_);
    producer_ = std::make_unique<kafka::Producer>(props_);
  }
  void TearDown() override { stop_service(); }

  LocatorServiceOptions options(const std::string& registry) const {
    LocatorServiceOptions o;
    o.kafka = props_;
    o.topics = topics_;
    o.group_id = group_;
    o.registry_path = registry;
    o.registry_check_interval = std::chrono::milliseconds(50);
    return o;
  }

  void start_service(const std::string& registry = test::shared_fixture("registry.yaml")) {
    metrics_ = observability::MetricsRegistry();
    service_ = std::make_unique<LocatorService>(options(registry), metrics_);
    run_ = std::make_unique<service::BackgroundService>(*service_);
    ASSERT_TRUE(wait_until([&] { return service_->started(); })) << run_->error();
  }

  void stop_service() {
    if (!run_) return;
    run_->stop();
    EXPECT_EQ(run_->error(), "");
    run_.reset();
  }

  // Produces every fixture line to its topic, keyed by user id; waits for
  // Kafka to acknowledge them all.
  void produce_lines(const std::vector<std::string>& lines) {
    for (const auto& line : lines) {
      const bool update = field(line, "schema") == "e911.location-update/v1";
      const std::string topic = update ? topics_.location_updates : topics_.call_events;
      std::string key = update ? field(line, "user_id") : field(line, "call_id");
      producer_->produce(topic, key.empty() ? std::optional<std::string_view>() : key, line);
    }
    ASSERT_TRUE(producer_->flush(kDeadline));
  }

  std::vector<std::string> read_topic(const std::string& topic) {
    std::vector<std::string> out;
    kafka::read_to_end(props_, topic, [&](const kafka::Message& m) { out.emplace_back(m.value); });
    return out;
  }

  kafka::EmbeddedBroker broker_;
  Config::Topics topics_ = test_topics();
  std::string group_ = kafka::test::unique_name("e911-locator");
  kafka::Properties props_;
  std::unique_ptr<kafka::Producer> producer_;
  observability::MetricsRegistry metrics_;
  std::unique_ptr<LocatorService> service_;
  std::unique_ptr<service::BackgroundService> run_;  // runs service_
};

TEST_F(LocatorServiceTest, FixturesThroughKafkaGiveTheExpectedEmergencyCalls) {
  const auto expected = test::read_lines(test::shared_fixture("expected.jsonl"));
  // Registrations first, as they are in a real deployment: made before the call.
  const auto [updates, calls] = fixture_events();
  produce_lines(updates);
  start_service();
  EXPECT_EQ(service_->stats().registered_users, updates.size());
  produce_lines(calls);
  ASSERT_TRUE(wait_until([&] { return service_->stats().emergency_calls >= expected.size(); }));
  stop_service();

  std::map<std::string, std::string> by_call;
  for (const auto& m : read_topic(topics_.emergency_calls)) {
    test::record_emitted("locator-emergency-calls", m);
    by_call[field(m, "call_id")] = m;
  }
  ASSERT_EQ(by_call.size(), expected.size());
  for (const auto& e : expected) {
    const auto call_id = field(e, "call_id");
    ASSERT_TRUE(by_call.count(call_id)) << call_id << " not conveyed";
    test::expect_matches(e, by_call[call_id]);
    EXPECT_NE(field(by_call[call_id], "resolved_at"), "") << call_id;
  }
  EXPECT_EQ(service_->stats().dead_letters, 0u);
}

TEST_F(LocatorServiceTest, BadEventsGoToTheDeadLetterTopicAndDoNotStallThePartition) {
  const auto bad = test::read_lines(test::shared_fixture("bad-events.jsonl"));
  start_service();
  // Every bad line on one partition (same key), then a good call behind them.
  for (const auto& line : bad) producer_->produce(topics_.call_events, "same-key", line);
  const std::string good =
      R"({"schema":"e911.call-event/v1","event_id":"ev-after-bad","call_id":"c-after-bad","type":"call.initiated",)"
      R"("occurred_at":"2026-11-21T10:15:00Z","dialed":"112","caller":{"user_id":"u-5001","callback":"+442079460101"},)"
      R"("device":{"id":"d-77","kind":"softphone","ip":"10.40.1.23"},"site_id":"london-hq"})";
  producer_->produce(topics_.call_events, "same-key", good);
  // A tombstone and a multi-megabyte line are rejected the same way.
  producer_->produce_tombstone(topics_.call_events, "same-key");
  producer_->produce(topics_.call_events, "same-key", "{\"schema\":\"" + std::string(900 * 1024, 'x') + "\"}");
  ASSERT_TRUE(producer_->flush(kDeadline));
  // The fixture's last line is a valid, minimal call (c-b8).
  std::size_t invalid = 0;
  for (const auto& line : bad) invalid += decode_input_event(line) ? 0 : 1;
  ASSERT_EQ(invalid, bad.size() - 1);
  const auto dead_expected = invalid + 2;
  ASSERT_TRUE(wait_until([&] {
    const auto s = service_->stats();
    return s.dead_letters >= dead_expected && s.emergency_calls >= 2;
  })) << "dead letters " << service_->stats().dead_letters << ", calls " << service_->stats().emergency_calls
      << ", events " << service_->stats().call_events;
  stop_service();

  const auto dead = read_topic(topics_.dead_letter);
  ASSERT_EQ(dead.size(), dead_expected);
  std::set<std::int64_t> offsets;
  for (const auto& d : dead) {
    test::record_emitted("locator-dead-letters", d);
    rapidjson::Document doc;
    doc.Parse(d.c_str());
    ASSERT_FALSE(doc.HasParseError()) << d.substr(0, 200);
    EXPECT_EQ(std::string(doc["component"].GetString()), "locator");
    EXPECT_EQ(std::string(doc["source"]["topic"].GetString()), topics_.call_events);
    EXPECT_GT(doc["reason"].GetStringLength(), 0u) << d.substr(0, 200);
    offsets.insert(doc["source"]["offset"].GetInt64());
  }
  EXPECT_EQ(offsets.size(), dead_expected) << "each bad message once, with its own offset";
  std::set<std::string> calls;
  for (const auto& m : read_topic(topics_.emergency_calls)) calls.insert(field(m, "call_id"));
  EXPECT_EQ(calls, (std::set<std::string>{"c-b8", "c-after-bad"}));
}

// `json` with `suffix` appended to the string value of member `name`.
std::string with_suffix(std::string json, const std::string& name, const std::string& suffix) {
  for (const std::string& opener : {"\"" + name + "\":\"", "\"" + name + "\": \""}) {
    const auto at = json.find(opener);
    if (at == std::string::npos) continue;
    json.insert(json.find('"', at + opener.size()), suffix);
    break;
  }
  return json;
}

TEST_F(LocatorServiceTest, ABacklogDecodedAheadGivesTheSameCalls) {
  // The fixture's calls ten times over (fresh event and call ids), waiting
  // before the service starts: the batches are large, so they are decoded
  // ahead on the helper thread and their emergency calls sent together.
  const auto expected = test::read_lines(test::shared_fixture("expected.jsonl"));
  const auto [updates, calls] = fixture_events();
  produce_lines(updates);
  std::vector<std::string> backlog;
  std::vector<std::string> expected_all;
  for (int r = 0; r < 10; ++r) {
    const std::string suffix = "-r" + std::to_string(r);
    for (const auto& c : calls) backlog.push_back(with_suffix(with_suffix(c, "event_id", suffix), "call_id", suffix));
    for (const auto& e : expected) expected_all.push_back(with_suffix(e, "call_id", suffix));
  }
  produce_lines(backlog);
  start_service();
  ASSERT_TRUE(wait_until([&] { return service_->stats().emergency_calls >= expected_all.size(); }));
  stop_service();

  std::map<std::string, std::string> by_call;
  for (const auto& m : read_topic(topics_.emergency_calls)) by_call[field(m, "call_id")] = m;
  ASSERT_EQ(by_call.size(), expected_all.size());
  for (const auto& e : expected_all) {
    const auto call_id = field(e, "call_id");
    ASSERT_TRUE(by_call.count(call_id)) << call_id << " not conveyed";
    test::expect_matches(e, by_call[call_id]);
  }
  EXPECT_EQ(service_->stats().call_events, backlog.size());
  EXPECT_EQ(service_->stats().dead_letters, 0u);
}

TEST_F(LocatorServiceTest, RestartLosesNoCallAndRebuildsRegisteredLocations) {
  const auto expected = test::read_lines(test::shared_fixture("expected.jsonl"));
  const auto [updates, calls] = fixture_events();
  produce_lines(updates);
  const std::size_t half = calls.size() / 2;
  produce_lines({calls.begin(), calls.begin() + static_cast<std::ptrdiff_t>(half)});
  start_service();
  ASSERT_TRUE(wait_until([&] { return service_->stats().call_events >= half; }));
  stop_service();

  // While it is down the rest arrives; the new instance must take it all
  // from the committed offsets, with the registrations rebuilt from Kafka.
  produce_lines({calls.begin() + static_cast<std::ptrdiff_t>(half), calls.end()});
  start_service();
  EXPECT_EQ(service_->stats().registered_users, updates.size());
  ASSERT_TRUE(wait_until([&] {
    std::set<std::string> ids;
    for (const auto& m : read_topic(topics_.emergency_calls)) ids.insert(field(m, "call_id"));
    return ids.size() >= expected.size();
  }));
  stop_service();

  std::map<std::string, std::string> by_call;
  for (const auto& m : read_topic(topics_.emergency_calls)) by_call[field(m, "call_id")] = m;
  for (const auto& e : expected) {
    const auto call_id = field(e, "call_id");
    ASSERT_TRUE(by_call.count(call_id)) << call_id << " lost across the restart";
    test::expect_matches(e, by_call[call_id]);
  }
}

TEST_F(LocatorServiceTest, TransientProduceErrorsAreRetriedNotLost) {
  start_service();
  // The broker refuses the next produce requests with retriable errors.
  broker_.fail_next_requests(0, {6 /* NOT_LEADER_OR_FOLLOWER */, 7 /* REQUEST_TIMED_OUT */});
  const auto events = test::read_lines(test::shared_fixture("events.jsonl"));
  std::vector<std::string> calls;
  for (const auto& l : events) {
    if (field(l, "call_id") == "c-1" || field(l, "call_id") == "c-2") calls.push_back(l);
  }
  produce_lines(calls);
  ASSERT_TRUE(wait_until([&] { return service_->stats().emergency_calls >= 2; }));
  stop_service();
  std::set<std::string> ids;
  for (const auto& m : read_topic(topics_.emergency_calls)) ids.insert(field(m, "call_id"));
  EXPECT_EQ(ids, (std::set<std::string>{"c-1", "c-2"}));
}

TEST_F(LocatorServiceTest, RegistryReloadKeepsTheOldOneWhenTheNewOneIsInvalid) {
  kafka::test::TempDir dir;
  const auto original = test::read_file(test::shared_fixture("registry.yaml"));
  const auto path = dir.write("registry.yaml", original);
  start_service(path);

  dir.write("registry.yaml", original + "\nthis_is_not_a_registry_key: 1\n");
  request_reload();
  ASSERT_TRUE(wait_until([&] { return service_->stats().registry_reload_failures >= 1; }));
  EXPECT_TRUE(service_->health().live) << "an invalid registry must not take the locator down";
  // Still failing, for an alert that pages until it is fixed.
  const auto scraped = [&](const std::string& sample) {
    return wait_until([&] { return metrics_.scrape_text().find("\n" + sample + "\n") != std::string::npos; });
  };
  EXPECT_TRUE(scraped("e911_locator_registry_last_reload_successful 0")) << metrics_.scrape_text();
  EXPECT_TRUE(scraped("e911_locator_registry_reloads_total{result=\"error\"} 1"));
  EXPECT_TRUE(scraped("e911_locator_registry_reloads_total{result=\"ok\"} 0"));

  // The old registry still resolves calls.
  const auto events = test::read_lines(test::shared_fixture("events.jsonl"));
  for (const auto& l : events) {
    if (field(l, "call_id") == "c-1") produce_lines({l});
  }
  ASSERT_TRUE(wait_until([&] { return service_->stats().emergency_calls >= 1; }));

  dir.write("registry.yaml", original);
  request_reload();
  ASSERT_TRUE(wait_until([&] { return service_->stats().registry_reloads >= 1; }));
  EXPECT_TRUE(scraped("e911_locator_registry_last_reload_successful 1")) << metrics_.scrape_text();
  EXPECT_TRUE(scraped("e911_locator_registry_reloads_total{result=\"ok\"} 1"));
}

TEST(LocatorServiceConstruction, RefusesAnInvalidRegistry) {
  kafka::test::TempDir dir;
  LocatorServiceOptions o;
  o.registry_path = dir.write("registry.yaml", "version: 1\nsites: [{id: x}]\n");
  try {
    LocatorService service(o, observability::MetricsRegistry());
    FAIL() << "accepted an invalid registry";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("registry.yaml:2:"), std::string::npos) << e.what();
  }
}

TEST(LocatorCommand, HelpAndConfigurationErrors) {
  auto r = test::run_e911("locator --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("usage: e911 locator"), std::string::npos);
  r = test::run_e911("locator --registry " + test::shared_fixture("registry.yaml") + " </dev/null");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("kafka.bootstrap.servers is not set"), std::string::npos) << r.err;
  // The command line was right: the error alone, no usage after it (a
  // supervisor's log shows the error as the last line).
  EXPECT_EQ(r.err.find("usage:"), std::string::npos) << r.err;
  r = test::run_e911("locator --no-such-option");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("usage: e911 locator"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace e911::locator
