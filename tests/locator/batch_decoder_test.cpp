// BatchDecoder: a batch decoded ahead gives, message by message, what the
// locator would have decoded itself; anything it did not decode is left
// to the handler.

#include "consumers/locator/batch_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "registry/registry_loader.h"
#include "tests/support/files.h"

namespace e911::locator {
namespace {

class BatchDecoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto load = registry::load_registry_file(test::shared_fixture("registry.yaml"));
    ASSERT_TRUE(load.ok());
    core_ = std::make_unique<LocatorCore>(load.registry);
    // The shared fixture's events, a malformed one and a tombstone among them.
    payloads_ = test::read_lines(test::shared_fixture("events.jsonl"));
    ASSERT_FALSE(payloads_.empty());
    while (payloads_.size() < 40) payloads_.push_back(payloads_[payloads_.size() % 7]);
    payloads_[5] = R"({"schema":"e911.call-event/v1","event_id":)";
    for (std::size_t i = 0; i < payloads_.size(); ++i) {
      kafka::Message m;
      m.topic = "e911.call-events";
      m.partition = static_cast<std::int32_t>(i % 3);
      m.offset = static_cast<std::int64_t>(100 + i);
      m.value = payloads_[i];
      m.tombstone = i == 9;
      if (m.tombstone) m.value = {};
      batch_.push_back(m);
    }
  }

  std::unique_ptr<LocatorCore> core_;
  std::vector<std::string> payloads_;
  std::vector<kafka::Message> batch_;
};

std::string event_id(const InputEvent& e) {
  return std::visit([](const auto& v) { return v.event_id; }, e);
}

TEST_F(BatchDecoderTest, GivesEachMessageWhatTheCoreWouldHaveDecoded) {
  BatchDecoder decoder(*core_, true);
  decoder.decode(batch_);
  for (const auto& m : batch_) {
    const auto* decoded = decoder.take(m);
    if (m.tombstone) {
      EXPECT_EQ(decoded, nullptr);
      continue;
    }
    ASSERT_NE(decoded, nullptr) << "offset " << m.offset;
    const auto direct = core_->decode(m.value);
    ASSERT_EQ(decoded->ok(), direct.ok()) << "offset " << m.offset;
    if (direct.ok()) {
      EXPECT_EQ(event_id(**decoded), event_id(*direct));
    } else {
      EXPECT_EQ(decoded->error().message, direct.error().message);
    }
  }
  EXPECT_FALSE(core_->decode(payloads_[5]).ok());  // the malformed one was among them
}

TEST_F(BatchDecoderTest, LeavesSmallBatchesAndSingleCoresToTheHandler) {
  BatchDecoder small(*core_, true, batch_.size() + 1);
  small.decode(batch_);
  EXPECT_EQ(small.take(batch_[0]), nullptr);
  BatchDecoder one_core(*core_, false);
  one_core.decode(batch_);
  EXPECT_EQ(one_core.take(batch_[0]), nullptr);
}

TEST_F(BatchDecoderTest, AMessageOutOfTurnIsLeftToTheHandler) {
  BatchDecoder decoder(*core_, true);
  decoder.decode(batch_);
  EXPECT_EQ(decoder.take(batch_[1]), nullptr);  // batch_[0] is next
  EXPECT_NE(decoder.take(batch_[0]), nullptr);
  decoder.decode(std::span<const kafka::Message>(batch_).first(2));  // a new, small batch
  EXPECT_EQ(decoder.take(batch_[1]), nullptr);
}

}  // namespace
}  // namespace e911::locator
