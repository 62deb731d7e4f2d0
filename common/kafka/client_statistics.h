#pragma once
// What librdkafka's statistics (statistics.interval.ms, delivered as a JSON
// document to the event callback; its STATISTICS.md) say about a client,
// for the metrics an SRE pages on: each assigned partition's consumer lag,
// the group's assignment and rebalances, the brokers' connection state,
// the producer's queue. Pure: the document in, the figures out.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace e911::kafka {

struct PartitionLag {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t lag = 0;  // messages between the committed offset and the end; librdkafka's consumer_lag
};

struct ClientStatistics {
  std::string type;                  // "consumer" or "producer"
  std::int64_t queued_messages = 0;  // msg_cnt: messages waiting in the producer's queues
  std::size_t brokers = 0;           // the cluster's brokers the client knows (by node id)
  std::size_t brokers_up = 0;        // of them, connected (state "UP")
  std::vector<PartitionLag> partitions;  // consumer: the partitions with a known lag
  std::optional<std::int64_t> rebalances;           // cgrp.rebalance_cnt, since the client started
  std::optional<std::int64_t> assigned_partitions;  // cgrp.assignment_size
};

// The figures of one statistics document; an error naming what is missing
// or malformed.
Result<ClientStatistics> parse_client_statistics(std::string_view json);

}  // namespace e911::kafka
