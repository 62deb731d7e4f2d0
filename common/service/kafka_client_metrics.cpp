#include "common/service/kafka_client_metrics.h"

#include <algorithm>

namespace e911::service {

KafkaClientMetrics::KafkaClientMetrics(observability::MetricsRegistry& m, std::string_view c)
    : lag_messages_(m.gauge(c, "kafka_consumer_lag_messages",
                            "Messages between the committed offset and the end of each assigned partition.")),
      lag_seconds_(m.gauge(c, "kafka_consumer_lag_seconds",
                           "Age of the oldest unprocessed message of each assigned partition (0 without lag).")),
      assigned_(m.gauge(c, "kafka_assigned_partitions", "Partitions assigned to this consumer.").Add({})),
      rebalances_(m.counter(c, "kafka_rebalances", "Consumer group rebalances this consumer took part in.").Add({})),
      brokers_(m.gauge(c, "kafka_brokers", "Brokers the client knows.").Add({})),
      brokers_up_(m.gauge(c, "kafka_brokers_up", "Brokers the client is connected to.").Add({})),
      producer_queue_(m.gauge(c, "kafka_producer_queue_messages",
                              "Messages waiting in the producer's queue (not yet acknowledged).")
                          .Add({})),
      delivery_errors_(m.counter(c, "kafka_producer_delivery_errors",
                                 "Messages its producer could not deliver (Kafka did not acknowledge them).")
                           .Add({})),
      last_poll_(m.gauge(c, "consumer_last_poll_timestamp_seconds",
                         "When the consumer loop last polled Kafka (Unix time); it stops moving when the loop is stuck.")
                     .Add({})) {
  last_poll_.SetToCurrentTime();
}

void KafkaClientMetrics::assigned(const std::vector<kafka::TopicPartition>& partitions, EpochMillis now) {
  for (const auto& tp : partitions) {
    auto [it, fresh] = partitions_.try_emplace(Key{tp.topic, tp.partition});
    auto& part = it->second;
    if (fresh) {
      const prometheus::Labels labels{{"topic", tp.topic}, {"partition", std::to_string(tp.partition)}};
      part.lag_messages = &lag_messages_.Add(labels);
      part.lag_seconds = &lag_seconds_.Add(labels);
    }
    if (part.assigned) continue;
    part.assigned = true;
    part.assigned_at = now;
    part.last_handled_ms = -1;
  }
  count_assigned();
}

void KafkaClientMetrics::count_assigned() {
  std::size_t n = 0;
  for (const auto& [key, part] : partitions_) n += part.assigned ? 1 : 0;
  assigned_.Set(static_cast<double>(n));
}

void KafkaClientMetrics::revoked(const std::vector<kafka::TopicPartition>& partitions) {
  for (const auto& tp : partitions) {
    const auto it = partitions_.find(Key{tp.topic, tp.partition});
    if (it == partitions_.end()) continue;
    it->second.assigned = false;
    it->second.lag_messages->Set(0);
    it->second.lag_seconds->Set(0);
  }
  last_ = nullptr;
  last_partition_ = -1;
  count_assigned();
}

void KafkaClientMetrics::handled(std::string_view topic, std::int32_t partition, std::int64_t timestamp_ms) {
  if (!last_ || partition != last_partition_ || topic != last_topic_) {
    const auto it = partitions_.find(Key{std::string(topic), partition});
    if (it == partitions_.end() || !it->second.assigned) return;  // not assigned through the group
    last_ = &it->second;
    last_topic_ = std::string(topic);
    last_partition_ = partition;
  }
  if (timestamp_ms > 0) last_->last_handled_ms = timestamp_ms;
}

void KafkaClientMetrics::consumer_statistics(const kafka::ClientStatistics& s, EpochMillis now) {
  brokers_.Set(static_cast<double>(s.brokers));
  brokers_up_.Set(static_cast<double>(s.brokers_up));
  if (s.rebalances && *s.rebalances > rebalances_seen_) {
    rebalances_.Increment(static_cast<double>(*s.rebalances - rebalances_seen_));
    rebalances_seen_ = *s.rebalances;
  }
  for (const auto& p : s.partitions) {
    const auto it = partitions_.find(Key{p.topic, p.partition});
    if (it == partitions_.end() || !it->second.assigned) continue;
    auto& part = it->second;
    part.lag_messages->Set(static_cast<double>(p.lag));
    double age = 0;
    if (p.lag > 0) {
      const EpochMillis since = part.last_handled_ms > 0 ? part.last_handled_ms : part.assigned_at;
      age = static_cast<double>(std::max<EpochMillis>(0, now - since)) / 1000.0;
    }
    part.lag_seconds->Set(age);
  }
}

void KafkaClientMetrics::producer_statistics(const kafka::ClientStatistics& s) {
  producer_queue_.Set(static_cast<double>(s.queued_messages));
}

}  // namespace e911::service
