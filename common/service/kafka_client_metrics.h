#pragma once
// The Kafka client health of a consuming component, from librdkafka's
// statistics (client_statistics.h) and the messages it handles, under the
// component's name:
//
//   e911_<c>_kafka_consumer_lag_messages{topic,partition}   behind the end of the partition
//   e911_<c>_kafka_consumer_lag_seconds{topic,partition}    age of the oldest unprocessed
//       message: while there is lag, the time since the last message handled
//       was produced (the next one is at most that old), or since the
//       partition was assigned when none was handled yet; 0 with no lag
//   e911_<c>_kafka_assigned_partitions
//   e911_<c>_kafka_rebalances_total
//   e911_<c>_kafka_brokers, e911_<c>_kafka_brokers_up      known, and connected
//   e911_<c>_kafka_producer_queue_messages                 waiting in the producer's queue
//   e911_<c>_kafka_producer_delivery_errors_total          messages Kafka did not acknowledge
//   e911_<c>_consumer_last_poll_timestamp_seconds         when the consumer loop last turned
//
// librdkafka serves a consumer's statistics from the consumer's own poll,
// so a loop that is stuck (a handler that never returns) also stops its lag
// figures; the last-poll timestamp is what shows that: it stops moving.
// A partition's series appear when it is first assigned; once revoked they
// read 0 (its new owner reports it), and are kept: components in one
// process may share a registry, so a series is never removed under another's
// feet.
//
// Threads: the consumer-side calls (handled, assigned, revoked,
// consumer_statistics) come from the consumer thread, which librdkafka also
// serves the consumer's statistics and rebalances on; handled() runs for
// every message, so it takes no lock. producer_statistics may come from the
// producer's thread: it touches only its own gauge.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/kafka/client_statistics.h"
#include "common/kafka/message.h"
#include "common/observability/metrics_registry.h"
#include "common/timestamp.h"

namespace e911::service {

class KafkaClientMetrics {
 public:
  KafkaClientMetrics(observability::MetricsRegistry& metrics, std::string_view component);

  void consumer_statistics(const kafka::ClientStatistics& s, EpochMillis now);
  void producer_statistics(const kafka::ClientStatistics& s);
  // A message the producer could not deliver (any thread).
  void delivery_failed() { delivery_errors_.Increment(); }
  // A message handed to the component (its partition's progress).
  void handled(std::string_view topic, std::int32_t partition, std::int64_t timestamp_ms);
  void assigned(const std::vector<kafka::TopicPartition>& partitions, EpochMillis now);
  void revoked(const std::vector<kafka::TopicPartition>& partitions);
  // The consumer loop turned (polled).
  void polled() { last_poll_.SetToCurrentTime(); }

 private:
  struct Partition {
    bool assigned = false;
    std::int64_t last_handled_ms = -1;  // the timestamp of the last message handled
    EpochMillis assigned_at = 0;
    prometheus::Gauge* lag_messages = nullptr;
    prometheus::Gauge* lag_seconds = nullptr;
  };
  using Key = std::pair<std::string, std::int32_t>;
  void count_assigned();

  std::map<Key, Partition, std::less<>> partitions_;  // consumer thread only
  // The last partition handled, so a run of messages from one partition costs no lookup.
  Partition* last_ = nullptr;
  std::string last_topic_;
  std::int32_t last_partition_ = -1;

  prometheus::Family<prometheus::Gauge>& lag_messages_;
  prometheus::Family<prometheus::Gauge>& lag_seconds_;
  prometheus::Gauge& assigned_;
  prometheus::Counter& rebalances_;
  std::int64_t rebalances_seen_ = 0;
  prometheus::Gauge& brokers_;
  prometheus::Gauge& brokers_up_;
  prometheus::Gauge& producer_queue_;
  prometheus::Counter& delivery_errors_;
  prometheus::Gauge& last_poll_;
};

}  // namespace e911::service
