#include "common/service/consumer_service.h"

#include <algorithm>

namespace e911::service {
namespace {

std::int64_t steady_ms(Clock::time_point t = Clock::now()) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace

ConsumerService::ConsumerService(ConsumerServiceOptions options)
    : options_(std::move(options)), log_(options_.component) {
  if (options_.topics.empty()) throw std::invalid_argument(options_.component + ": no topic to consume");
  options_.batch_max = std::max<std::size_t>(1, options_.batch_max);
  if (options_.metrics) kafka_metrics_ = std::make_unique<KafkaClientMetrics>(*options_.metrics, options_.component);
}

void ConsumerService::fail(std::string why) {
  {
    std::lock_guard lock(failure_mu_);
    if (failure_.empty()) failure_ = std::move(why);
  }
  failed_.store(true);
}

void ConsumerService::mark_alive() { last_turn_ms_.store(steady_ms()); }

void ConsumerService::run(ConsumerHooks& hooks, const std::atomic<bool>& stop) {
  const std::string client_id = "e911-" + options_.component;
  {
    std::lock_guard lock(failure_mu_);
    failure_.clear();
  }
  failed_.store(false);
  kafka::ProducerOptions producer_options;
  producer_options.client_id = client_id;
  producer_options.topics = options_.output_topics;
  producer_options.topics.push_back(options_.dead_letter_topic);
  if (kafka_metrics_)
    producer_options.on_statistics = [this](const kafka::ClientStatistics& s) { kafka_metrics_->producer_statistics(s); };
  if (kafka_metrics_) producer_options.on_delivery_failure = [this] { kafka_metrics_->delivery_failed(); };
  producer_ = std::make_unique<kafka::Producer>(options_.kafka, producer_options);
  dead_letters_ = std::make_unique<kafka::DeadLetterWriter>(*producer_, options_.dead_letter_topic,
                                                            options_.component, options_.dead_letter_max_payload);
  std::exception_ptr error;
  try {
    mark_alive();
    hooks.starting(*this);

    kafka::ConsumerOptions consumer_options;
    consumer_options.group_id = options_.group_id;
    consumer_options.topics = options_.topics;
    consumer_options.client_id = client_id;
    consumer_options.instance_id = options_.instance_id;
    consumer_options.poll_timeout = options_.poll_timeout;
    consumer_options.drain_timeout = options_.drain_timeout;
    consumer_options.start_offset = [&hooks](const std::string& topic, std::int32_t partition) {
      return hooks.start_offset(topic, partition);
    };
    if (kafka_metrics_) {
      consumer_options.on_statistics = [this](const kafka::ClientStatistics& s) {
        kafka_metrics_->consumer_statistics(s, now_millis());
      };
    }
    consumer_options.on_assigned = [this, &hooks](const std::vector<kafka::TopicPartition>& tps) {
      if (kafka_metrics_) kafka_metrics_->assigned(tps, now_millis());
      if (!tps.empty()) {
        has_partitions_.store(true);
        last_assigned_ms_.store(steady_ms());
      }
      hooks.assigned(tps);
    };
    consumer_options.on_revoked = [this, &hooks](const std::vector<kafka::TopicPartition>& tps) {
      if (kafka_metrics_) kafka_metrics_->revoked(tps);
      has_partitions_.store(false);
      hooks.revoked(tps);
    };
    kafka::Consumer consumer(options_.kafka, consumer_options);
    try {
      loop(consumer, hooks, stop);
    } catch (const StopRequested&) {
    } catch (...) {
      error = std::current_exception();
    }
    started_.store(false);
    try {
      consumer.close();
    } catch (const std::exception& e) {
      if (error) {
        log_.error("consumer close failed", {{"error", e.what()}});
      } else {
        error = std::current_exception();
      }
    }
  } catch (const StopRequested&) {
  } catch (...) {
    if (!error) error = std::current_exception();
  }
  started_.store(false);
  has_partitions_.store(false);
  hooks.stopped();
  // Dead letters still in flight: delivered within the bound, or purged
  // (their records were not committed, so they are read again).
  producer_->drain(std::chrono::seconds(5));
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      fail(e.what());
      throw;
    }
  }
  if (failed_.load()) {
    std::lock_guard lock(failure_mu_);
    throw std::runtime_error(failure_);
  }
}

void ConsumerService::loop(kafka::Consumer& consumer, ConsumerHooks& hooks, const std::atomic<bool>& stop) {
  const kafka::Consumer::Handler handle = [this, &hooks](const kafka::Message& m, const kafka::Ack& ack) {
    if (kafka_metrics_) kafka_metrics_->handled(m.topic, m.partition, m.timestamp_ms);
    hooks.handle(m, ack);
  };
  const kafka::Consumer::BatchHook batch = [&hooks](std::span<const kafka::Message> messages) {
    hooks.batch(messages);
  };
  started_.store(true);
  log_.info("consuming", {{"topics", joined(options_.topics)}, {"group_id", options_.group_id},
                          {"instance_id", options_.instance_id}});
  last_assigned_ms_.store(steady_ms());  // the first assignment takes a few seconds
  auto next_assignment_check = Clock::now();
  while (!stop.load(std::memory_order_relaxed) && !failed_.load()) {
    const auto now = Clock::now();
    last_turn_ms_.store(steady_ms(now));
    if (kafka_metrics_) kafka_metrics_->polled();
    if (now >= next_assignment_check) {
      next_assignment_check = now + std::chrono::seconds(1);
      if (has_partitions_.load()) last_assigned_ms_.store(steady_ms(now));
    }
    hooks.turn(now);
    if (const bool ready = hooks.ready(); ready == consumer.paused()) {
      if (ready) {
        consumer.resume();
      } else {
        consumer.pause();  // waiting on purpose: not a stall (last_turn_ms_ keeps moving)
      }
    }
    const auto handled = consumer.poll_batch(handle, options_.batch_max, options_.poll_timeout, batch);
    hooks.after_poll(handled);
  }
}

observability::HealthStatus ConsumerService::health(std::string_view starting) const {
  if (failed_.load()) {
    std::lock_guard lock(failure_mu_);
    return observability::HealthStatus::down(failure_);
  }
  if (!started_.load()) return observability::HealthStatus::down(std::string(starting));
  const auto now = steady_ms();
  const auto idle_ms = now - last_turn_ms_.load();
  if (idle_ms > options_.stall_limit.count()) {
    return observability::HealthStatus::down("consumer loop has not polled for " + std::to_string(idle_ms / 1000) +
                                             " s");
  }
  if (options_.unassigned_limit.count() > 0) {
    const auto unassigned_ms = now - last_assigned_ms_.load();
    if (unassigned_ms > options_.unassigned_limit.count()) {
      // Kafka unreachable (the group session lapsed) or more instances than
      // partitions: either way this instance is not consuming.
      return observability::HealthStatus::down("no " + joined(options_.topics) + " partition assigned for " +
                                               std::to_string(unassigned_ms / 1000) + " s");
    }
  }
  return observability::HealthStatus::ok();
}

}  // namespace e911::service
