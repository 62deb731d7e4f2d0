#include "consumers/locator/batch_decoder.h"

namespace e911::locator {

BatchDecoder::BatchDecoder(const LocatorCore& core, bool helper, std::size_t min_batch)
    : core_(core), min_batch_(min_batch), split_(helper ? std::make_unique<SplitWork>("locator-decode") : nullptr) {}

void BatchDecoder::batch(std::span<const kafka::Message> messages) {
  if (split_) split_->finish();
  messages_ = {};
  decoded_.clear();
  next_ = 0;
  if (!split_ || messages.size() < min_batch_) return;
  messages_ = messages;
  decoded_.resize(messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    decoded_[i].partition = messages[i].partition;
    decoded_[i].offset = messages[i].offset;
  }
  split_->start(messages.size(), [this](std::size_t i) {
    const auto& m = messages_[i];
    if (!m.tombstone) decoded_[i].event.emplace(core_.decode(m.value));
  });
}

const Result<InputEvent>* BatchDecoder::take(const kafka::Message& message) {
  if (next_ >= decoded_.size()) return nullptr;
  const auto i = next_;
  const auto& d = decoded_[i];
  if (d.partition != message.partition || d.offset != message.offset) return nullptr;
  ++next_;
  if (!split_->take(i)) return nullptr;
  return d.event ? &*d.event : nullptr;  // none for a tombstone
}

}  // namespace e911::locator
