// The Kafka client health a consuming component exports (the consumer
// service shell with a MetricsRegistry, kafka_client_metrics.h), on the
// embedded broker: a backlog shows as lag in messages and in seconds per
// partition while it is worked off, and as none once it is; the assignment,
// the brokers and the loop's last poll are there from the start.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>

#include "common/kafka/embedded_broker.h"
#include "common/kafka/producer.h"
#include "common/observability/metrics_registry.h"
#include "common/service/consumer_service.h"
#include "tests/support/wait.h"

namespace e911::service {
namespace {

// Works off each message in `work` (a slow component), counting them.
class SlowHooks : public ConsumerHooks {
 public:
  explicit SlowHooks(std::chrono::milliseconds work) : work_(work) {}
  void handle(const kafka::Message&, const kafka::Ack& ack) override {
    std::this_thread::sleep_for(work_);  // the work itself, not a wait for an event
    ack.done();
    handled.fetch_add(1);
  }
  std::atomic<int> handled{0};

 private:
  std::chrono::milliseconds work_;
};

// The value of the first sample of `series` (a name with its labels) in a scrape, or -1.
double sample(const std::string& scrape, const std::string& series) {
  const auto at = scrape.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::strtod(scrape.c_str() + at + series.size() + 2, nullptr);
}

TEST(ConsumerLagMetrics, ABacklogShowsAsLagInMessagesAndSecondsUntilWorkedOff) {
  kafka::EmbeddedBroker broker;
  broker.create_topic("lag.in", 1);
  broker.create_topic("lag.dead-letter", 1);
  auto props = broker.client_properties();
  props["statistics.interval.ms"] = "100";
  {
    kafka::Producer producer(props, {});
    for (int i = 0; i < 150; ++i) producer.produce("lag.in", "k", "message " + std::to_string(i));
    ASSERT_TRUE(producer.flush(std::chrono::seconds(30)));
  }

  observability::MetricsRegistry metrics;
  ConsumerServiceOptions o;
  o.component = "lagtest";
  o.kafka = props;
  o.group_id = "lag-test";
  o.topics = {"lag.in"};
  o.dead_letter_topic = "lag.dead-letter";
  o.batch_max = 1;
  o.metrics = metrics;
  ConsumerService shell(o);
  SlowHooks hooks(std::chrono::milliseconds(20));
  std::atomic<bool> stop{false};
  std::string error;
  std::thread runner([&] {
    try {
      shell.run(hooks, stop);
    } catch (const std::exception& e) {
      error = e.what();
    }
  });

  const std::string lag = R"(e911_lagtest_kafka_consumer_lag_messages{partition="0",topic="lag.in"})";
  const std::string age = R"(e911_lagtest_kafka_consumer_lag_seconds{partition="0",topic="lag.in"})";
  // While the backlog is worked off: behind, in messages and in time.
  EXPECT_TRUE(test::wait_until([&] {
    const auto text = metrics.scrape_text();
    return sample(text, lag) > 0 && sample(text, age) > 0;
  })) << metrics.scrape_text();
  // Once it is: caught up.
  EXPECT_TRUE(test::wait_until([&] { return hooks.handled.load() == 150; }));
  EXPECT_TRUE(test::wait_until([&] {
    const auto text = metrics.scrape_text();
    return sample(text, lag) == 0 && sample(text, age) == 0;
  })) << metrics.scrape_text();
  const auto text = metrics.scrape_text();
  EXPECT_EQ(sample(text, "e911_lagtest_kafka_assigned_partitions"), 1) << text;
  EXPECT_GE(sample(text, "e911_lagtest_kafka_brokers_up"), 1) << text;
  EXPECT_GE(sample(text, "e911_lagtest_kafka_rebalances_total"), 1) << text;
  EXPECT_GE(sample(text, "e911_lagtest_kafka_producer_queue_messages"), 0) << text;
  EXPECT_GT(sample(text, "e911_lagtest_consumer_last_poll_timestamp_seconds"), 1.7e9) << text;

  stop.store(true);
  runner.join();
  EXPECT_EQ(error, "");
}

}  // namespace
}  // namespace e911::service
