// The notifier's state on a PostgreSQL database that instances share
// (tests/support/postgres_server.h): each instance sees and writes only its
// own rows, a survivor claims the rows of an owner without a live lease
// (once), the claimed owner's late update changes nothing, a call
// admitted again by another instance adds nothing, and a restarted server
// is reconnected to. StoreLease, the threads that renew the lease and
// claim orphaned work, claims only while its own lease holds.

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "common/sql/connection.h"
#include "common/sql/location.h"
#include "consumers/notifier/notifier_store.h"
#include "consumers/notifier/store_lease.h"
#include "tests/notifier/stored_rows.h"
#include "tests/support/gate.h"
#include "tests/support/postgres_server.h"
#include "tests/support/wait.h"

namespace e911::notifier::shared_store_test {
namespace {

using test_rows::a_call;
using test_rows::an_alert;
using test_rows::kRecord;

// A thread admitting call c-1 (alert n-1) through `store` that pauses in
// the middle of the transaction, its alert row written but not committed:
// the store's connection and the row's locks stay held until resume().
// Once constructed, the thread is there.
class AdmissionPausedMidTransaction {
 public:
  explicit AdmissionPausedMidTransaction(NotifierStore& store)
      : thread_([this, &store, first = true]() mutable {
          store.admit(a_call("c-1"), {an_alert("n-1", "c-1")}, [&](const StoredAlert& a) {
            if (std::exchange(first, false)) {
              paused_.set_value();
              resume_.wait();
            }
            return kRecord(a);
          });
        }) {
    paused_.get_future().wait();
  }
  AdmissionPausedMidTransaction(const AdmissionPausedMidTransaction&) = delete;
  AdmissionPausedMidTransaction& operator=(const AdmissionPausedMidTransaction&) = delete;
  ~AdmissionPausedMidTransaction() { resume(); }

  // Lets the admission commit, and waits for it.
  void resume() {
    if (!thread_.joinable()) return;
    resume_.open();
    thread_.join();
  }

 private:
  std::promise<void> paused_;
  test::Gate resume_;
  std::thread thread_;  // last: it uses the members above
};

class NotifierSharedStoreTest : public ::testing::Test {
 protected:
  static void TearDownTestSuite() { test::PostgresServer::stop_shared(); }

  void SetUp() override {
    if (test::PostgresServer::bin_dir().empty()) GTEST_SKIP() << "no PostgreSQL server binaries";
    auto& server = test::PostgresServer::shared();
    url_ = server.url(server.create_database());
  }

  std::unique_ptr<NotifierStore> open(const std::string& owner) {
    return std::make_unique<NotifierStore>(sql::parse_location(url_, "notifier store"), owner, Durability::normal, 10);
  }

  std::string url_;
};

TEST_F(NotifierSharedStoreTest, EachInstanceSeesOnlyItsOwnWork) {
  auto a = open("a");
  auto b = open("b");
  ASSERT_TRUE(a->shared());
  a->renew_lease(60'000);
  b->renew_lease(60'000);
  EXPECT_EQ(a->admit(a_call("c-1"), {an_alert("n-1", "c-1"), an_alert("n-2", "c-1")}, kRecord).size(), 2u);
  EXPECT_EQ(a->pending_alerts().size(), 2u);
  EXPECT_EQ(a->calls_awaiting_ack().size(), 1u);
  EXPECT_EQ(a->unpublished(10).size(), 2u);
  EXPECT_TRUE(b->pending_alerts().empty());
  EXPECT_TRUE(b->calls_awaiting_ack().empty());
  EXPECT_TRUE(b->unpublished(10).empty());
  // a's lease is live: nothing to claim.
  EXPECT_TRUE(b->claim_expired().empty());
  // The call redelivered to b after a rebalance: already recorded.
  EXPECT_TRUE(b->admit(a_call("c-1"), {an_alert("n-1", "c-1"), an_alert("n-2", "c-1")}, kRecord).empty());
  EXPECT_TRUE(b->pending_alerts().empty());
  // Both see the shared call (to render alerts, to acknowledge).
  EXPECT_TRUE(b->call("c-1").has_value());
}

// PostgreSQL restarted under a running instance (every session ended, as
// an operator's restart or a failover does): the next operations reconnect
// and work, rather than stop the notifier. The fault campaign found the
// notifier stopping on the first error after such a restart.
TEST_F(NotifierSharedStoreTest, TheStoreReconnectsWhenPostgresqlRestarts) {
  test::PostgresServer server;  // its own: restarted here
  NotifierStore a(sql::parse_location(server.url(server.create_database()), "notifier store"), "a",
                  Durability::normal, 10);
  a.renew_lease(60'000);
  ASSERT_EQ(a.admit(a_call("c-1"), {an_alert("n-1", "c-1")}, kRecord).size(), 1u);
  server.restart();
  EXPECT_EQ(a.pending_alerts().size(), 1u);
  EXPECT_EQ(a.admit(a_call("c-2"), {an_alert("n-2", "c-2")}, kRecord).size(), 1u);
  a.renew_lease(60'000);
  EXPECT_EQ(a.pending_alerts().size(), 2u);
  EXPECT_EQ(a.unpublished(10).size(), 2u);
}

// A lease that ran out while the database was down is not an instance
// gone: every lease runs out with a database restart longer than the TTL,
// and the instances alive need the time to renew theirs. Nobody claims it
// for one lease time after the start (the fault campaign found a notifier
// starting during a restart taking the live instances' alerts and sending
// them twice); after that, an owner that did not come back is claimed.
TEST_F(NotifierSharedStoreTest, ALeaseThatRanOutWhileTheDatabaseWasDownIsNotClaimedAtOnce) {
  test::PostgresServer server;  // its own: restarted here
  const auto location = sql::parse_location(server.url(server.create_database()), "notifier store");
  NotifierStore a(location, "a", Durability::normal, 10);
  a.renew_lease(1);  // runs out at once: before the restart below
  ASSERT_EQ(a.admit(a_call("c-1"), {an_alert("n-1", "c-1")}, kRecord).size(), 1u);
  server.restart();
  NotifierStore b(location, "b", Durability::normal, 10);  // an instance starting meanwhile
  b.renew_lease(8000);
  EXPECT_TRUE(b.claim_expired().empty()) << "claimed within a lease time of the database's start";
  // a never comes back: once the lease time has passed, its work is b's.
  ClaimedWork claimed;
  ASSERT_TRUE(test::wait_until([&] {
    b.renew_lease(8000);
    claimed = b.claim_expired();
    return !claimed.empty();
  }));
  EXPECT_EQ(claimed.alerts.size(), 1u);
}

// A renewal says when the lease had run out before it (a frozen instance,
// or a database away longer than the TTL): what the instance holds in
// memory may have been claimed (lease_fence.h).
TEST_F(NotifierSharedStoreTest, ARenewalSaysWhetherTheLeaseHadRunOut) {
  auto a = open("a");
  EXPECT_FALSE(a->renew_lease(60'000).lapsed);  // the first
  EXPECT_FALSE(a->renew_lease(0).lapsed);
  // Run out since (at the next tick of the database's millisecond clock).
  ASSERT_TRUE(test::wait_until([&] { return a->renew_lease(0).lapsed; }));
  a->renew_lease(60'000);
  EXPECT_FALSE(a->renew_lease(60'000).lapsed);
}

// An instance frozen (a long pause, a stalled VM) in the middle of a
// transaction keeps its row locks for as long as it is frozen: another
// instance admitting the same call (redelivered to it after the frozen
// one left the group) waited on them, its own lease unrenewed meanwhile,
// and claims skipped them. The server ends such a transaction once it has
// been idle one lease time; the frozen instance, when it wakes, finds its
// connection gone and retries on a fresh one.
TEST_F(NotifierSharedStoreTest, ATransactionLeftOpenByAFrozenInstanceEndsAfterOneLeaseTime) {
  auto frozen = open("frozen");
  auto other = open("other");
  frozen->renew_lease(1000);
  other->renew_lease(60'000);
  AdmissionPausedMidTransaction frozen_admission(*frozen);
  auto redelivered =
      std::async(std::launch::async, [&] { return other->admit(a_call("c-1"), {an_alert("n-1", "c-1")}, kRecord); });
  const bool done = redelivered.wait_for(test::kDeadline) == std::future_status::ready;
  frozen_admission.resume();
  ASSERT_TRUE(done) << "the other instance still waits on the frozen one's transaction";
  EXPECT_EQ(redelivered.get().size(), 1u);
  EXPECT_EQ(other->pending_alerts().size(), 1u);
  EXPECT_TRUE(frozen->pending_alerts().empty());
}

// The lease is renewed on its own connection: a renewal never queues
// behind the instance's other work. When it did (one connection for
// everything), a loaded machine kept renewals waiting past the lease
// time, survivors claimed alerts whose attempts were under way and sent
// them again (the fault campaign's seeds 4060, 4062 and 4063).
TEST_F(NotifierSharedStoreTest, ALeaseIsRenewedWhileTheInstanceIsBusyWithTheStore) {
  auto busy = open("busy");
  busy->renew_lease(60'000);
  AdmissionPausedMidTransaction busy_admission(*busy);
  auto renewal = std::async(std::launch::async, [&] { return busy->renew_lease(60'000); });
  const bool renewed = renewal.wait_for(test::kDeadline) == std::future_status::ready;
  busy_admission.resume();
  ASSERT_TRUE(renewed) << "the renewal waited for the admission";
  EXPECT_FALSE(renewal.get().lapsed);
  EXPECT_EQ(busy->pending_alerts().size(), 1u);
}

TEST_F(NotifierSharedStoreTest, ASurvivorClaimsTheWorkOfAnOwnerWithoutALease) {
  auto dead = open("dead");
  auto survivor = open("survivor");
  auto other = open("other");
  dead->renew_lease(60'000);
  ASSERT_EQ(dead->admit(a_call("c-1"), {an_alert("n-1", "c-1"), an_alert("n-2", "c-1")}, kRecord).size(), 2u);
  dead->release_lease();  // as if it had expired
  survivor->renew_lease(60'000);
  other->renew_lease(60'000);

  const auto claimed = survivor->claim_expired();
  ASSERT_EQ(claimed.alerts.size(), 2u);
  EXPECT_EQ(claimed.alerts[0].call_id, "c-1");
  ASSERT_EQ(claimed.calls.size(), 1u);
  EXPECT_EQ(claimed.calls[0].call_id, "c-1");
  EXPECT_EQ(claimed.calls[0].ack_due_at, 5000);
  EXPECT_EQ(claimed.records, 2u);
  EXPECT_EQ(survivor->pending_alerts().size(), 2u);
  EXPECT_EQ(survivor->unpublished(10).size(), 2u);
  EXPECT_TRUE(dead->pending_alerts().empty());
  // Claimed once: the other survivor finds nothing left.
  EXPECT_TRUE(other->claim_expired().empty());
  EXPECT_TRUE(survivor->claim_expired().empty());

  // The dead owner's late outcome is not recorded; the claimer's is.
  auto alert = claimed.alerts[0];
  alert.state = AlertState::sent;
  alert.attempts = 1;
  EXPECT_FALSE(dead->owns(alert.notification_id));
  EXPECT_TRUE(survivor->owns(alert.notification_id));
  EXPECT_FALSE(dead->update_alert(alert, {{0, "c-1", "late"}}));
  EXPECT_TRUE(survivor->update_alert(alert, {{0, "c-1", "sent"}}));
  EXPECT_EQ(survivor->pending_alerts().size(), 1u);
  EXPECT_EQ(survivor->unpublished(10).size(), 3u);
  EXPECT_TRUE(dead->unpublished(10).empty());
}

TEST_F(NotifierSharedStoreTest, ACallIsAcknowledgedAndEscalatedOnceAcrossInstances) {
  auto a = open("a");
  auto b = open("b");
  a->renew_lease(60'000);
  ASSERT_EQ(a->admit(a_call("c-1"), {an_alert("n-1", "c-1")}, kRecord).size(), 1u);
  const auto make = [](const StoredAlert& al) { return OutboxRecord{0, al.call_id, "ack"}; };
  EXPECT_EQ(b->acknowledge("ack-n-1", 2000, 60'000, make).kind, AckResult::Kind::acknowledged);
  EXPECT_EQ(a->acknowledge("ack-n-1", 2001, 60'000, make).kind, AckResult::Kind::already_acknowledged);
  std::vector<StoredAlert> added;
  EXPECT_FALSE(a->escalate("c-1", "corporate-soc", {}, {}, added, kRecord));
}

// What StoreLease's handlers saw, in order, from its two threads: each
// lapse, and each alert claimed ("claimed n-1"). A claim may take an
// owner's rows over two rounds (its statements each see the owner's lease
// as it is then: one released between them leaves the alerts for the next
// round), so the alerts are counted, not the claims.
class LeaseEvents {
 public:
  void lapsed() {
    std::lock_guard lock(mu_);
    events_.push_back("lapsed");
  }
  void claimed(const ClaimedWork& work) {
    std::lock_guard lock(mu_);
    for (const auto& alert : work.alerts) events_.push_back("claimed " + alert.notification_id);
  }
  std::vector<std::string> seen() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  std::size_t claims() const {
    const auto all = seen();
    return static_cast<std::size_t>(
        std::count_if(all.begin(), all.end(), [](const std::string& e) { return e.rfind("claimed", 0) == 0; }));
  }
  bool has(const std::string& event) const {
    const auto all = seen();
    return std::find(all.begin(), all.end(), event) != all.end();
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> events_;
};

TEST_F(NotifierSharedStoreTest, AStoreLeaseHandsTheWorkOfAnOwnerGoneToItsHandler) {
  auto dead = open("dead");
  dead->renew_lease(60'000);
  ASSERT_EQ(dead->admit(a_call("c-1"), {an_alert("n-1", "c-1"), an_alert("n-2", "c-1")}, kRecord).size(), 2u);
  auto survivor = open("survivor");
  LeaseFence fence;
  LeaseEvents events;
  StoreLease lease(
      *survivor, std::chrono::seconds(3), fence, [&] { events.lapsed(); },
      [&](const ClaimedWork& work) { events.claimed(work); });
  lease.start();
  dead->release_lease();  // its node is gone
  ASSERT_TRUE(test::wait_until([&] { return events.has("claimed n-1") && events.has("claimed n-2"); }))
      << ::testing::PrintToString(events.seen());
  lease.stop();
  EXPECT_EQ(events.claims(), 2u) << "an alert claimed twice: " << ::testing::PrintToString(events.seen());
  EXPECT_EQ(survivor->pending_alerts().size(), 2u);
  EXPECT_TRUE(dead->pending_alerts().empty());
}

// An instance whose own lease ran out (frozen, or its renewals stuck behind
// a lock) may hold in memory work that others are claiming, and learns of
// it only from its next renewal; until then it claims nothing, or two
// instances would each send what the other had claimed. Here its renewal
// waits on a row lock the test holds past the lease time, while an owner
// gone leaves work to claim: nothing is claimed during the lapse, and the
// work is claimed only after a renewal has reported the lapse.
TEST_F(NotifierSharedStoreTest, AStoreLeaseClaimsNothingWhileItsOwnLeaseHasRunOut) {
  auto dead = open("dead");
  dead->renew_lease(60'000);
  ASSERT_EQ(dead->admit(a_call("c-1"), {an_alert("n-1", "c-1")}, kRecord).size(), 1u);
  auto survivor = open("survivor");
  constexpr std::chrono::milliseconds kTtl(1500);
  LeaseFence fence;
  LeaseEvents events;
  StoreLease lease(
      *survivor, kTtl, fence, [&] { events.lapsed(); }, [&](const ClaimedWork& work) { events.claimed(work); });
  lease.start();
  // Destroyed before the lease: a failed assertion does not leave its
  // renewal waiting on the lock.
  auto locker = sql::open_postgresql(sql::parse_location(url_, "lock").target, 10);
  locker->begin();
  *locker << "SELECT owner FROM notifier_leases WHERE owner = 'survivor' FOR UPDATE", Poco::Data::Keywords::now;
  ASSERT_TRUE(test::wait_until([&] { return fence.lapsed_by(LeaseFence::Clock::now()); }));
  dead->release_lease();
  // Three claim rounds and more, every one finding the lease run out.
  EXPECT_FALSE(test::wait_until([&] { return events.claims() > 0; }, 2 * kTtl))
      << ::testing::PrintToString(events.seen());
  locker->rollback();
  ASSERT_TRUE(test::wait_until([&] { return events.has("claimed n-1"); })) << ::testing::PrintToString(events.seen());
  lease.stop();
  const auto seen = events.seen();
  EXPECT_EQ(events.claims(), 1u) << ::testing::PrintToString(seen);
  EXPECT_LT(std::find(seen.begin(), seen.end(), "lapsed"), std::find(seen.begin(), seen.end(), "claimed n-1"))
      << "claimed before the lapse was reported: " << ::testing::PrintToString(seen);
}

}  // namespace
}  // namespace e911::notifier::shared_store_test
