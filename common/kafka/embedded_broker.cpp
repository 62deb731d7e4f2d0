#include "common/kafka/embedded_broker.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "common/kafka/client_log.h"
#include "common/kafka/error.h"

namespace e911::kafka {
namespace {

void log_cb(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  // The bookkeeping client never connects anywhere; its only warning is
  // that it has no bootstrap servers.
  if (std::string_view(fac) == "CONFWARN") return;
  log_event(level_of_syslog(level), "librdkafka", rd_kafka_name(rk), buf, {{"facility", fac}});
}

}  // namespace

EmbeddedBroker::EmbeddedBroker(int broker_count, Leaders leaders)
    : broker_count_(broker_count), leaders_known_(leaders == Leaders::pinned || broker_count == 1) {
  if (broker_count < 1) throw KafkaError("an embedded broker needs at least one broker");
  up_.assign(static_cast<std::size_t>(broker_count), true);
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, log_cb);
  char errstr[512];
  if (rd_kafka_conf_set(conf, "client.id", "e911-embedded-broker", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    throw KafkaError(std::string("cannot configure the embedded broker: ") + errstr);
  }
  // The mock cluster needs a client handle for its bookkeeping only.
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk_) {
    rd_kafka_conf_destroy(conf);
    throw KafkaError(std::string("cannot start the embedded broker: ") + errstr);
  }
  cluster_ = rd_kafka_mock_cluster_new(rk_, broker_count);
  if (!cluster_) {
    rd_kafka_destroy(rk_);
    throw KafkaError("cannot start the embedded broker (no loopback listener?)");
  }
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
}

EmbeddedBroker::~EmbeddedBroker() {
  rd_kafka_mock_cluster_destroy(cluster_);
  rd_kafka_destroy(rk_);
}

void EmbeddedBroker::create_topic(const std::string& name, int partitions, int replication_factor) {
  if (name.empty()) throw KafkaError("a topic needs a name");
  if (partitions < 1) throw KafkaError("topic " + name + ": needs at least one partition");
  if (replication_factor < 1 || replication_factor > broker_count_) {
    throw KafkaError("topic " + name + ": replication factor must be between 1 and " +
                     std::to_string(broker_count_) + " (the number of brokers)");
  }
  const std::lock_guard lock(mu_);
  const auto err = rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, replication_factor);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError("cannot create topic " + name + ": " + rd_kafka_err2str(err), err);
  }
  leaders_[name].assign(static_cast<std::size_t>(partitions), broker_count_ == 1 ? 1 : 0);
  if (!leaders_known_ || broker_count_ == 1) return;
  // The mock picks each leader at random and does not say which: set them,
  // spread over the live brokers and shifted per topic, so that
  // single-partition topics do not all land on broker 1.
  const auto live = live_brokers();
  for (int p = 0; p < partitions; ++p) {
    set_leader(name, p, live[(leaders_.size() + static_cast<std::size_t>(p)) % live.size()]);
  }
}

void EmbeddedBroker::fail_next_requests(std::int16_t api_key, const std::vector<int>& errors) {
  std::vector<rd_kafka_resp_err_t> codes;
  for (const int e : errors) codes.push_back(static_cast<rd_kafka_resp_err_t>(e));
  rd_kafka_mock_push_request_errors_array(cluster_, api_key, codes.size(), codes.data());
}

void EmbeddedBroker::set_topic_error(const std::string& topic, int error) {
  rd_kafka_mock_topic_set_error(cluster_, topic.c_str(), static_cast<rd_kafka_resp_err_t>(error));
}

Properties embedded_client_defaults() {
  return {
      // The mock answers a Fetch only after fetch.wait.max.ms: this is the
      // latency floor of every hop of the pipeline.
      {"fetch.wait.max.ms", "5"},  // measured trade-offs in the header
      {"fetch.error.backoff.ms", "10"},
      {"socket.nagle.disable", "true"},
      {"linger.ms", "1"},
      // Group rebalances on the mock wait session.timeout.ms - 1 s.
      {"session.timeout.ms", "6000"},
      {"heartbeat.interval.ms", "500"},
      {"topic.metadata.refresh.interval.ms", "10000"},
      {"reconnect.backoff.ms", "10"},
      {"reconnect.backoff.max.ms", "1000"},
  };
}

Properties EmbeddedBroker::client_properties() const {
  Properties props = embedded_client_defaults();
  props["bootstrap.servers"] = bootstrap_;
  return props;
}

}  // namespace e911::kafka
