// EmbeddedBroker's faults (embedded_broker.h): brokers down and up,
// leadership moved, with the controller's bookkeeping the mock lacks.

#include "common/kafka/embedded_broker.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <random>

namespace e911::kafka {

void EmbeddedBroker::track_group(const std::string& group) {
  const std::lock_guard lock(mu_);
  if (coordinators_.count(group)) return;
  // Spread like the leaders; pinned, because the mock's own choice (a hash
  // of the name over all brokers, down or not) is neither known nor moved.
  const auto live = live_brokers();
  set_coordinator(group, live[coordinators_.size() % live.size()]);
}

Result<std::vector<EmbeddedBroker::Move>> EmbeddedBroker::take_down(int broker_id) {
  const std::lock_guard lock(mu_);
  if (auto e = check_leaders_known()) return *e;
  if (auto e = check_broker(broker_id)) return *e;
  if (!up_[broker_id - 1]) return Error{"broker " + std::to_string(broker_id) + " is down already"};
  if (live_brokers().size() == 1) {
    return Error{"broker " + std::to_string(broker_id) + " is the last live broker: the cluster would be gone"};
  }
  // Down first, then the controller's part: as in a crash, clients may see
  // the old leader refuse connections for a moment before the metadata
  // names the new one.
  rd_kafka_mock_broker_set_down(cluster_, broker_id);
  up_[broker_id - 1] = false;
  const int heir = next_live_after(broker_id);
  std::vector<Move> moves;
  for (auto& [topic, leaders] : leaders_) {
    for (std::size_t p = 0; p < leaders.size(); ++p) {
      if (leaders[p] != broker_id) continue;
      set_leader(topic, static_cast<int>(p), heir);
      moves.push_back({topic + "[" + std::to_string(p) + "]", broker_id, heir});
    }
  }
  for (auto& [group, coordinator] : coordinators_) {
    if (coordinator != broker_id) continue;
    set_coordinator(group, heir);
    moves.push_back({"group " + group, broker_id, heir});
  }
  return moves;
}

std::optional<Error> EmbeddedBroker::bring_up(int broker_id) {
  const std::lock_guard lock(mu_);
  if (auto e = check_broker(broker_id)) return e;
  if (up_[broker_id - 1]) return Error{"broker " + std::to_string(broker_id) + " is up already"};
  rd_kafka_mock_broker_set_up(cluster_, broker_id);
  up_[broker_id - 1] = true;
  return std::nullopt;
}

Result<EmbeddedBroker::Move> EmbeddedBroker::move_leader(const std::string& topic, int partition, int broker_id) {
  const std::lock_guard lock(mu_);
  if (auto e = check_leaders_known()) return *e;
  const auto t = leaders_.find(topic);
  if (t == leaders_.end()) return Error{"no topic " + topic + " (only the topics the broker created have known leaders)"};
  if (partition < 0 || partition >= static_cast<int>(t->second.size())) {
    return Error{"topic " + topic + " has partitions 0 to " + std::to_string(t->second.size() - 1)};
  }
  if (auto e = check_broker(broker_id)) return *e;
  // A controller elects only a replica that is alive.
  if (!up_[broker_id - 1]) return Error{"broker " + std::to_string(broker_id) + " is down: it cannot lead"};
  Move move{topic + "[" + std::to_string(partition) + "]", t->second[partition], broker_id};
  set_leader(topic, partition, broker_id);
  return move;
}

Result<std::vector<EmbeddedBroker::Move>> EmbeddedBroker::shuffle_leaders(std::uint64_t seed) {
  const std::lock_guard lock(mu_);
  if (auto e = check_leaders_known()) return *e;
  // mt19937_64 and a plain modulo: the same draws on every platform, so a
  // campaign seed replays the same moves.
  std::mt19937_64 draw(seed);
  const auto live = live_brokers();
  std::vector<Move> moves;
  for (auto& [topic, leaders] : leaders_) {
    for (std::size_t p = 0; p < leaders.size(); ++p) {
      const int to = live[draw() % live.size()];
      if (to == leaders[p]) continue;
      moves.push_back({topic + "[" + std::to_string(p) + "]", leaders[p], to});
      set_leader(topic, static_cast<int>(p), to);
    }
  }
  for (auto& [group, coordinator] : coordinators_) {
    const int to = live[draw() % live.size()];
    if (to == coordinator) continue;
    moves.push_back({"group " + group, coordinator, to});
    set_coordinator(group, to);
  }
  return moves;
}

bool EmbeddedBroker::is_up(int broker_id) const {
  const std::lock_guard lock(mu_);
  return broker_id >= 1 && broker_id <= broker_count_ && up_[broker_id - 1];
}

std::optional<int> EmbeddedBroker::leader(const std::string& topic, int partition) const {
  const std::lock_guard lock(mu_);
  const auto t = leaders_.find(topic);
  if (t == leaders_.end() || partition < 0 || partition >= static_cast<int>(t->second.size())) return std::nullopt;
  const int id = t->second[partition];
  return id == 0 ? std::nullopt : std::optional<int>(id);  // 0: the mock's random choice
}

std::map<std::string, int> EmbeddedBroker::coordinators() const {
  const std::lock_guard lock(mu_);
  return coordinators_;
}

std::map<int, int> EmbeddedBroker::leader_counts() const {
  const std::lock_guard lock(mu_);
  std::map<int, int> counts;
  if (!leaders_known_) return counts;
  for (int id = 1; id <= broker_count_; ++id) counts[id] = 0;
  for (const auto& [topic, leaders] : leaders_) {
    for (const int id : leaders) ++counts[id];
  }
  return counts;
}

std::optional<Error> EmbeddedBroker::check_broker(int broker_id) const {
  if (broker_id >= 1 && broker_id <= broker_count_) return std::nullopt;
  return Error{"no broker " + std::to_string(broker_id) + " (brokers are 1 to " + std::to_string(broker_count_) + ")"};
}

std::optional<Error> EmbeddedBroker::check_leaders_known() const {
  if (leaders_known_) return std::nullopt;
  return Error{"the partition leaders are the mock's random choice, unknown here (EmbeddedBroker::Leaders::pinned)"};
}

int EmbeddedBroker::next_live_after(int broker_id) const {
  // take_down() keeps one broker up, so the loop finds one.
  for (int step = 1; step <= broker_count_; ++step) {
    const int id = (broker_id - 1 + step) % broker_count_ + 1;
    if (up_[id - 1]) return id;
  }
  return broker_id;
}

std::vector<int> EmbeddedBroker::live_brokers() const {
  std::vector<int> live;
  for (int id = 1; id <= broker_count_; ++id) {
    if (up_[id - 1]) live.push_back(id);
  }
  return live;
}

void EmbeddedBroker::set_leader(const std::string& topic, int partition, int broker_id) {
  // Cannot fail: the topic, partition and broker exist (checked above).
  rd_kafka_mock_partition_set_leader(cluster_, topic.c_str(), partition, broker_id);
  leaders_[topic][static_cast<std::size_t>(partition)] = broker_id;
}

void EmbeddedBroker::set_coordinator(const std::string& group, int broker_id) {
  rd_kafka_mock_coordinator_set(cluster_, "group", group.c_str(), broker_id);
  coordinators_[group] = broker_id;
}

}  // namespace e911::kafka
