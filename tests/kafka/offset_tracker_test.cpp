#include "common/kafka/offset_tracker.h"

#include <gtest/gtest.h>

namespace e911 {
namespace {

TEST(OffsetTracker, StoresOnlyPastContiguouslyDoneWork) {
  OffsetTracker t;
  const OffsetTracker::Partition p{"e911.call-events", 0};
  t.begin(p, 10);
  t.begin(p, 11);
  t.begin(p, 12);
  EXPECT_EQ(t.take_committable(p), std::nullopt);
  t.done(p, 11);  // out of order: 10 still in flight
  EXPECT_EQ(t.take_committable(p), std::nullopt);
  t.done(p, 10);
  EXPECT_EQ(t.take_committable(p), 12);  // 12 is still pending
  EXPECT_EQ(t.take_committable(p), std::nullopt);  // nothing new
  t.done(p, 12);
  EXPECT_EQ(t.take_committable(p), 13);
  EXPECT_EQ(t.in_flight(), 0u);
}

TEST(OffsetTracker, PartitionsAreIndependentAndForgettable) {
  OffsetTracker t;
  const OffsetTracker::Partition a{"t", 0}, b{"t", 1};
  t.begin(a, 0);
  t.begin(b, 5);
  t.done(b, 5);
  EXPECT_EQ(t.take_committable(a), std::nullopt);
  EXPECT_EQ(t.take_committable(b), 6);
  t.forget(a);
  EXPECT_EQ(t.in_flight(), 0u);
  EXPECT_EQ(t.take_committable(a), std::nullopt);
}

}  // namespace
}  // namespace e911
