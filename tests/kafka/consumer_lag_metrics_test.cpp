// The Kafka client health a consuming component exports (the consumer
// service shell with a MetricsRegistry, kafka_client_metrics.h), on the
// embedded broker: a backlog shows as lag in messages and in seconds per
// partition while it is worked off, and as none once it is; the assignment,
// the brokers and the loop's last poll are there from the start; a message
// Kafka refuses counts as a delivery error.

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>

#include "common/kafka/dead_letter_writer.h"
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

ConsumerServiceOptions shell_options(const std::string& component, const kafka::Properties& props,
                                     const std::string& topic, const observability::MetricsRegistry& metrics) {
  ConsumerServiceOptions o;
  o.component = component;
  o.kafka = props;
  o.group_id = component + "-test";
  o.topics = {topic};
  o.dead_letter_topic = component + ".dead-letter";
  o.metrics = metrics;
  return o;
}

// The shell's run() on a thread of its own, until this is destroyed.
class Running {
 public:
  Running(ConsumerService& shell, ConsumerHooks& hooks)
      : thread_([&] {
          try {
            shell.run(hooks, stop_);
          } catch (const std::exception& e) {
            error_ = e.what();
          }
        }) {}
  ~Running() { join(); }
  // Stops and joins; what run() threw, if anything.
  std::string join() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    return error_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::string error_;
  std::thread thread_;
};

TEST(ConsumerLagMetrics, ABacklogShowsAsLagInMessagesAndSecondsUntilWorkedOff) {
  kafka::EmbeddedBroker broker;
  broker.create_topic("lag.in", 1);
  broker.create_topic("lagtest.dead-letter", 1);
  auto props = broker.client_properties();
  props["statistics.interval.ms"] = "100";
  {
    kafka::Producer producer(props, {});
    for (int i = 0; i < 150; ++i) producer.produce("lag.in", "k", "message " + std::to_string(i));
    ASSERT_TRUE(producer.flush(std::chrono::seconds(30)));
  }

  observability::MetricsRegistry metrics;
  auto o = shell_options("lagtest", props, "lag.in", metrics);
  o.batch_max = 1;
  ConsumerService shell(o);
  SlowHooks hooks(std::chrono::milliseconds(20));
  Running running(shell, hooks);

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
  EXPECT_EQ(sample(text, "e911_lagtest_kafka_producer_delivery_errors_total"), 0) << text;
  EXPECT_GT(sample(text, "e911_lagtest_consumer_last_poll_timestamp_seconds"), 1.7e9) << text;
  EXPECT_EQ(running.join(), "");
}

// Dead-letters every message it is given (through the shell's producer).
class DeadLetteringHooks : public ConsumerHooks {
 public:
  explicit DeadLetteringHooks(ConsumerService& shell) : shell_(shell) {}
  void handle(const kafka::Message& m, const kafka::Ack& ack) override {
    shell_.dead_letters().write(kafka::make_dead_letter("lagtest", "test", m, 0),
                                [this, ack](const kafka::DeliveryReport&) {
                                  ack.done();
                                  reported.fetch_add(1);
                                });
  }
  std::atomic<int> reported{0};

 private:
  ConsumerService& shell_;
};

TEST(ConsumerLagMetrics, AMessageKafkaRefusesCountsAsADeliveryError) {
  kafka::EmbeddedBroker broker;
  broker.create_topic("err.in", 1);
  broker.create_topic("errtest.dead-letter", 1);
  auto props = broker.client_properties();
  {
    kafka::Producer producer(props, {});
    producer.produce("err.in", "k", "refused downstream");
    ASSERT_TRUE(producer.flush(std::chrono::seconds(30)));
  }
  observability::MetricsRegistry metrics;
  ConsumerService shell(shell_options("errtest", props, "err.in", metrics));
  const std::string errors = "e911_errtest_kafka_producer_delivery_errors_total";
  EXPECT_EQ(sample(metrics.scrape_text(), errors), 0);
  // A non-retriable error for the next Produce request: the dead letter fails.
  broker.fail_next_requests(0 /* Produce */, {RD_KAFKA_RESP_ERR_INVALID_RECORD});
  DeadLetteringHooks hooks(shell);
  Running running(shell, hooks);
  EXPECT_TRUE(test::wait_until([&] { return hooks.reported.load() == 1; }));
  EXPECT_EQ(sample(metrics.scrape_text(), errors), 1) << metrics.scrape_text();
  EXPECT_EQ(running.join(), "");
}

}  // namespace
}  // namespace e911::service
