#pragma once
// Decodes the call events of a consumed batch on two cores before the
// locator handles them one by one, in order, on its own thread: decoding
// (JSON parse and validation) is most of an event's cost and needs no
// state, while resolving needs the locator's state and its order. Small
// batches (a quiet stream: one call at a time) are left to be decoded
// when handled, where a second thread would only add a hand-off.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "common/events.h"
#include "common/kafka/message.h"
#include "common/result.h"
#include "common/split_work.h"
#include "consumers/locator/locator_core.h"

namespace e911::locator {

class BatchDecoder {
 public:
  // Batches of at least `min_batch` messages are decoded ahead, on the
  // calling thread and a helper; with `helper` false (one core) nothing is.
  BatchDecoder(const LocatorCore& core, bool helper, std::size_t min_batch = 32);

  // The batch about to be handled: decodes it, or not (see above).
  void decode(std::span<const kafka::Message> batch);

  // The decoded event for `message` if decode() did it (asked for in
  // batch order; valid until the next decode()); null: decode it now.
  const Result<InputEvent>* take(const kafka::Message& message);

 private:
  struct Decoded {
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::optional<Result<InputEvent>> event;  // nullopt: a tombstone
  };
  const LocatorCore& core_;
  std::size_t min_batch_;
  std::unique_ptr<SplitWork> split_;
  std::vector<Decoded> decoded_;
  std::size_t next_ = 0;
};

}  // namespace e911::locator
