#pragma once
// Reads a topic from its beginning up to where it ends now, for state that
// is rebuilt from a (compacted) topic: the locator's per-user location
// from e911.location-updates, on start and after each rebalance.
//
// "Where it ends now" is each partition's high watermark when the call
// starts; messages written after that are not delivered (they reach the
// component through its normal consumer). Uses its own consumer with
// explicit assignment: no group, nothing committed.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/kafka/message.h"
#include "common/kafka/properties.h"

namespace e911::kafka {

struct ReadToEndOptions {
  // Only these partitions (e.g. those co-partitioned with the call-events
  // partitions this instance owns); empty: all.
  std::vector<std::int32_t> partitions{};
  std::chrono::milliseconds timeout{60000};
};

struct ReadToEndResult {
  std::uint64_t messages = 0;
  std::int32_t partitions = 0;  // partitions read (including empty ones)
};

// Calls `on_message` for every message, in offset order per partition.
// Throws KafkaError if the topic does not exist, a partition asked for
// does not exist, or the end is not reached within the timeout; rethrows
// what `on_message` throws.
ReadToEndResult read_to_end(const Properties& props, const std::string& topic,
                            const std::function<void(const Message&)>& on_message,
                            const ReadToEndOptions& options = {});

}  // namespace e911::kafka
