#pragma once
// Decodes the call events of a consumed batch on a second core while the
// locator handles them one by one, in order, on its own thread: decoding
// (JSON parse and validation) is about half of an event's cost and needs
// no state, while resolving needs the locator's state and its order. The
// helper decodes from the end of the batch; an event it has not decoded
// when the locator reaches it is decoded then, as without the helper.
// Small batches (a quiet stream: one call at a time) are not offered to
// the helper, where a hand-off would only add to the latency.

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
  // Batches of at least `min_batch` messages are offered to a helper
  // thread; with `helper` false (one core) none is started.
  BatchDecoder(const LocatorCore& core, bool helper, std::size_t min_batch = 32);

  // The batch about to be handled (kafka::Consumer::BatchHook): offers it
  // to the helper; an empty span: the batch is handled, the helper leaves
  // it (its views are about to go).
  void batch(std::span<const kafka::Message> messages);

  // The decoded event for `message` if the helper decoded it (asked for
  // in batch order; valid until the next batch()); null: decode it now.
  const Result<InputEvent>* take(const kafka::Message& message);

  // Whether the batch in hand was offered to the helper (a backlog).
  bool ahead() const { return !decoded_.empty(); }

  // Whether the helper has decoded the batch's i-th message (not taking it).
  bool ready(std::size_t i) const { return split_ && i < decoded_.size() && split_->done(i); }

 private:
  struct Decoded {
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::optional<Result<InputEvent>> event;  // nullopt: a tombstone
  };
  const LocatorCore& core_;
  std::size_t min_batch_;
  std::unique_ptr<SplitWork> split_;
  std::span<const kafka::Message> messages_;  // the batch offered
  std::vector<Decoded> decoded_;
  std::size_t next_ = 0;
};

}  // namespace e911::locator
