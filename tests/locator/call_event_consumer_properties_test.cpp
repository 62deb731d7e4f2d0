// The locator's call-event consumer prefetches a second of its pace.
#include <gtest/gtest.h>

#include "consumers/locator/locator_service.h"

namespace e911::locator {
namespace {

TEST(CallEventConsumerProperties, PrefetchesUpTo128MiBUnlessConfigured) {
  const auto props = call_event_consumer_properties({{"bootstrap.servers", "127.0.0.1:9092"}});
  EXPECT_EQ(props.at("queued.max.messages.kbytes"), "131072");
  EXPECT_EQ(props.at("bootstrap.servers"), "127.0.0.1:9092");
  EXPECT_EQ(call_event_consumer_properties({{"queued.max.messages.kbytes", "65536"}}).at("queued.max.messages.kbytes"),
            "65536");
}

}  // namespace
}  // namespace e911::locator
