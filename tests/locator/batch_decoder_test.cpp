// BatchDecoder: what the helper decoded ahead is, message by message, what
// the locator would have decoded itself; anything it did not decode is
// left to the handler.

#include "consumers/locator/batch_decoder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "registry/registry_loader.h"
#include "tests/support/files.h"
#include "tests/support/wait.h"

namespace e911::locator {
namespace {

// A locator on the shared reference registry.
std::unique_ptr<LocatorCore> reference_core() {
  auto load = registry::load_registry_file(test::shared_fixture("registry.yaml"));
  if (!load.ok()) throw std::runtime_error("the reference registry does not load");
  return std::make_unique<LocatorCore>(load.registry);
}

class BatchDecoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
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

  std::unique_ptr<LocatorCore> core_ = reference_core();
  std::vector<std::string> payloads_;
  std::vector<kafka::Message> batch_;
};

std::string event_id(const InputEvent& e) {
  return std::visit([](const auto& v) { return v.event_id; }, e);
}

TEST_F(BatchDecoderTest, GivesEachMessageWhatTheCoreWouldHaveDecodedWhereverTheHelperStopped) {
  for (int round = 0; round < 50; ++round) {
    BatchDecoder decoder(*core_, true);
    decoder.batch(batch_);
    std::size_t ahead = 0;
    for (const auto& m : batch_) {
      const auto* decoded = decoder.take(m);
      if (decoded == nullptr) continue;  // a tombstone, or left to the handler
      EXPECT_FALSE(m.tombstone);
      ++ahead;
      const auto direct = core_->decode(m.value);
      ASSERT_EQ(decoded->ok(), direct.ok()) << "offset " << m.offset;
      if (direct.ok()) {
        EXPECT_EQ(event_id(**decoded), event_id(*direct));
      } else {
        EXPECT_EQ(decoded->error().message, direct.error().message);
      }
    }
    decoder.batch({});
    EXPECT_LE(ahead, batch_.size() - 1);  // never the tombstone
  }
}

TEST_F(BatchDecoderTest, AHelperGivenTimeDecodesTheWholeBatchIncludingTheMalformedEvent) {
  BatchDecoder decoder(*core_, true);
  decoder.batch(batch_);
  // The helper works from the end: the first message is its last.
  ASSERT_TRUE(test::wait_until([&] { return decoder.ready(0); }, std::chrono::seconds(20)));
  for (const auto& m : batch_) {
    const auto* decoded = decoder.take(m);
    if (m.tombstone) {
      EXPECT_EQ(decoded, nullptr);
      continue;
    }
    ASSERT_NE(decoded, nullptr) << "offset " << m.offset;
    if (m.value == payloads_[5]) {
      EXPECT_FALSE(decoded->ok());
      EXPECT_EQ(decoded->error().message, core_->decode(m.value).error().message);
    }
  }
  decoder.batch({});
}

TEST_F(BatchDecoderTest, LeavesSmallBatchesAndSingleCoresToTheHandler) {
  BatchDecoder small(*core_, true, batch_.size() + 1);
  small.batch(batch_);
  EXPECT_EQ(small.take(batch_[0]), nullptr);
  small.batch({});
  BatchDecoder one_core(*core_, false);
  one_core.batch(batch_);
  EXPECT_EQ(one_core.take(batch_[0]), nullptr);
  one_core.batch({});
}

TEST_F(BatchDecoderTest, AMessageOutOfTurnIsLeftToTheHandler) {
  BatchDecoder decoder(*core_, true);
  decoder.batch(batch_);
  EXPECT_EQ(decoder.take(batch_[1]), nullptr);  // batch_[0] is next
  decoder.batch({});
}

}  // namespace
}  // namespace e911::locator
