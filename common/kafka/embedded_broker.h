#pragma once
// An in-process Kafka cluster for the embedded mode, demos and tests:
// librdkafka's mock cluster, which speaks the real Kafka protocol on
// loopback ports, so our clients, kcat and any other Kafka client can
// connect to bootstrap_servers().
//
// Limits of the mock cluster (librdkafka 2.0), which production Kafka
// does not have:
// - Retention is about 5 MB (or 100,000 message batches) per partition;
//   older batches are dropped, and there is NO log compaction: a
//   "compacted" topic such as e911.location-updates keeps every version
//   until the size cap drops the oldest, so state rebuilt from it can lose
//   old keys in a long-running demo.
// - Nothing is persisted: the data lives and dies with this object.
// - A Fetch is answered only after fetch.wait.max.ms even when data is
//   waiting, so that is each consumer hop's latency floor. Measured here:
//   1 ms -> ~2 ms produce-to-consume and ~8% of a core per idle consumer;
//   5 ms -> ~5.5 ms and ~2.5%; the librdkafka default 500 ms -> ~0.5 s.
//   embedded_client_defaults() uses 5 ms.
// - Consumer groups: the first member of a new (or emptied) group waits
//   about 3 s before its first assignment; a member joining or leaving a
//   live group waits up to session.timeout.ms - 1 s for the rebalance
//   (embedded_client_defaults() sets 6 s). Use read_to_end() where no
//   group is needed.
// - Plaintext only: no SSL, no SASL, no ACLs.
// - CreateTopics (the Admin API) is not implemented: create topics with
//   create_topic(). Any unknown topic a client asks about is auto-created
//   with 4 partitions, whatever allow.auto.create.topics says, so a typo
//   in a topic name gives an empty topic rather than an error.
// - No controller: the mock never elects a leader. A broker taken down
//   keeps leading its partitions (clients then see them unavailable), and
//   it stays the coordinator of the groups whose name hashes to it. The
//   fault methods below play the controller for what this object knows of:
//   the topics create_topic() made and the groups track_group() named.
//   Topics auto-created by a client's request, and groups not tracked,
//   keep whatever the mock chose (a random leader, a hashed coordinator).
//
// Faults, as a Kafka cluster has them (`e911 broker --control`, the fault
// campaign, tests): a broker down and back up (take_down(), bring_up()),
// leadership moved (move_leader(), shuffle_leaders()), and requests failing
// with error codes (fail_next_requests()). The mock keeps one log per
// partition whatever its leader, so no fault loses what the cluster
// acknowledged; clients see what they would see from a real cluster:
// connections refused and dropped, NOT_LEADER_FOR_PARTITION,
// NOT_COORDINATOR, until they refresh their metadata.
//
// Threads: every method may be called from any thread (the bookkeeping of
// leaders is under a mutex; the mock cluster serialises its own commands).

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/kafka/properties.h"
#include "common/result.h"

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace e911::kafka {

class EmbeddedBroker {
 public:
  // Who leads each partition create_topic() makes, with several brokers.
  // random: the mock's own choice, which it does not tell; the faults that
  // move leadership refuse. pinned: set by create_topic(), spread over the
  // brokers, and known to the faults. Pinning costs one mock command per
  // partition, and librdkafka 2.0.2's mock serves about one command in
  // four or five only after its 1 s poll timeout (its thread drains the
  // wake-up pipe after serving the queue, swallowing the wake-up of a
  // command queued meanwhile), so an idle cluster of 15 partitions may
  // start a few seconds later; with clients connected it wakes at once.
  // One broker leads everything either way, at no cost.
  enum class Leaders { random, pinned };

  // Starts `broker_count` brokers on 127.0.0.1 (ephemeral ports). Throws
  // KafkaError.
  explicit EmbeddedBroker(int broker_count = 1, Leaders leaders = Leaders::random);
  ~EmbeddedBroker();
  EmbeddedBroker(const EmbeddedBroker&) = delete;
  EmbeddedBroker& operator=(const EmbeddedBroker&) = delete;

  // "127.0.0.1:PORT[,127.0.0.1:PORT...]"
  const std::string& bootstrap_servers() const { return bootstrap_; }
  int broker_count() const { return broker_count_; }

  // embedded_client_defaults() plus bootstrap.servers.
  Properties client_properties() const;

  // Throws KafkaError if it exists already or the arguments are invalid
  // (replication_factor must be between 1 and broker_count()). With
  // Leaders::pinned, each partition's leader is set here (spread over the
  // live brokers, as a controller would), so the fault methods know it.
  void create_topic(const std::string& name, int partitions, int replication_factor = 1);

  // Fault injection for tests: the next errors.size() requests of Kafka
  // protocol request type `api_key` (0 Produce, 1 Fetch, 8 OffsetCommit...)
  // fail with these error codes (rd_kafka_resp_err_t), in order.
  void fail_next_requests(std::int16_t api_key, const std::vector<int>& errors);
  // Fault injection for tests: metadata answers for `topic` carry `error`
  // (e.g. RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, what a real cluster
  // without auto-creation says about a topic that does not exist).
  void set_topic_error(const std::string& topic, int error);

  // ---- Broker faults. Broker ids are 1-based, as the mock numbers them.
  // Each returns an Error (and changes nothing) when asked for something a
  // cluster cannot do: an unknown broker, topic or partition, leadership
  // on a broker that is down, the last live broker down; or when the
  // leaders are not known (several brokers and Leaders::random).

  // One leadership change a fault made: `what` is "TOPIC[PARTITION]" or
  // "group NAME" (a group's coordinator), `from` and `to` broker ids.
  struct Move {
    std::string what;
    int from = 0;
    int to = 0;
  };

  // Pins the coordinator of consumer group `group` to a live broker, so
  // that take_down() and shuffle_leaders() move it as a controller moves
  // the leadership of __consumer_offsets. Idempotent. Call it before the
  // group's members join (after, they see a coordinator move).
  void track_group(const std::string& group);

  // Broker `broker_id` refuses connections and drops the ones it has (a
  // crash); the partitions it led and the groups it coordinated move to
  // the next live broker (id + 1, wrapping). The moves, in topic order.
  Result<std::vector<Move>> take_down(int broker_id);
  // The broker accepts connections again; leadership stays where it is
  // (as in Kafka before a preferred-leader election).
  std::optional<Error> bring_up(int broker_id);
  // One partition's leadership to a live broker.
  Result<Move> move_leader(const std::string& topic, int partition, int broker_id);
  // Every known partition's leader and group's coordinator to a live
  // broker drawn from `seed` (the same seed and state give the same
  // moves). The ones that changed.
  Result<std::vector<Move>> shuffle_leaders(std::uint64_t seed);

  // What the bookkeeping says (for answers and tests).
  bool is_up(int broker_id) const;
  std::optional<int> leader(const std::string& topic, int partition) const;
  // Tracked group -> its coordinator.
  std::map<std::string, int> coordinators() const;
  // Partitions led by each broker id (1..broker_count(), zeros included;
  // none when the leaders are not known).
  std::map<int, int> leader_counts() const;

 private:
  // Under mu_.
  std::optional<Error> check_broker(int broker_id) const;
  std::optional<Error> check_leaders_known() const;
  int next_live_after(int broker_id) const;
  std::vector<int> live_brokers() const;
  void set_leader(const std::string& topic, int partition, int broker_id);
  void set_coordinator(const std::string& group, int broker_id);

  rd_kafka_s* rk_ = nullptr;
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
  std::string bootstrap_;
  int broker_count_;
  bool leaders_known_;  // pinned, or a single broker

  mutable std::mutex mu_;
  std::vector<bool> up_;                                 // [id - 1]
  std::map<std::string, std::vector<int>> leaders_;      // topic -> leader of each partition (0: unknown)
  std::map<std::string, int> coordinators_;              // tracked group -> coordinator
};

// librdkafka properties embedded-mode clients should use (under the
// component's own): low fetch wait (see the limits above), no Nagle, tiny
// linger, short group timeouts. Without bootstrap.servers.
Properties embedded_client_defaults();

}  // namespace e911::kafka
