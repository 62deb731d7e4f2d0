#include "consumers/locator/batch_decoder.h"

namespace e911::locator {

BatchDecoder::BatchDecoder(const LocatorCore& core, bool helper, std::size_t min_batch)
    : core_(core), min_batch_(min_batch), split_(helper ? std::make_unique<SplitWork>("locator-decode") : nullptr) {}

void BatchDecoder::decode(std::span<const kafka::Message> batch) {
  decoded_.clear();
  next_ = 0;
  if (!split_ || batch.size() < min_batch_) return;
  decoded_.resize(batch.size());
  split_->run(batch.size(), [&](std::size_t i) {
    const auto& m = batch[i];
    auto& d = decoded_[i];
    d.partition = m.partition;
    d.offset = m.offset;
    if (!m.tombstone) d.event.emplace(core_.decode(m.value));
  });
}

const Result<InputEvent>* BatchDecoder::take(const kafka::Message& message) {
  if (next_ >= decoded_.size()) return nullptr;
  const auto& d = decoded_[next_];
  if (d.partition != message.partition || d.offset != message.offset) return nullptr;
  ++next_;
  return d.event ? &*d.event : nullptr;  // none for a tombstone
}

}  // namespace e911::locator
