#pragma once
// The notifier's pending alerts in memory: each alert once, by
// notification id, in its channel's queue by due time; the contexts of
// their calls; and the bound on how many may be pending (back-pressure).
// The state (NotifierStore) is the durable truth: this is the schedule.
//
// A call's (or an escalation's) first alert on each channel goes to the
// channel's leading queue: under a backlog it is sent before the other
// alerts of earlier calls, so someone at every site hears at once.
//
// Threads: every method from any thread (one mutex). take() blocks a
// worker until an alert of its channel is due or the book is closed.

#include <array>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/timestamp.h"
#include "consumers/notifier/call_context.h"
#include "consumers/notifier/notifier_store.h"
#include "consumers/notifier/transport.h"

namespace e911::notifier {

class AlertBook {
 public:
  // Decodes a call that is not in memory (from the state); null when it
  // cannot. Called with the book's lock held.
  using ContextLoader = std::function<std::shared_ptr<CallContext>(const std::string& call_id)>;

  explicit AlertBook(ContextLoader load);

  // Schedules `alerts` of `call` (each on its channel; see above for
  // `lead`) and keeps the call's context.
  void add(const std::vector<StoredAlert>& alerts, const std::shared_ptr<CallContext>& call, bool lead = true);
  // The call was escalated to `list`: its row says so, and `alerts` are
  // scheduled.
  void escalated(const std::shared_ptr<CallContext>& call, const std::string& list,
                 const std::vector<StoredAlert>& alerts);
  // The call's context: in memory, or loaded.
  std::shared_ptr<CallContext> context(const std::string& call_id);

  struct Due {
    StoredAlert alert;
    std::shared_ptr<CallContext> call;  // null: its call is missing from the state
    bool suspect = false;               // see suspect_all()
  };
  // The next due alert of `channel`, waiting for one; nullopt once closed.
  std::optional<Due> take(Channel channel);
  // After an attempt: a pending alert is scheduled again (next_attempt_at),
  // a sent or failed one forgotten, making room.
  void finish(const StoredAlert& alert, const std::shared_ptr<CallContext>& call, Channel channel);
  // Forgets an alert that cannot be attempted (its call is missing).
  void drop(const std::string& notification_id);
  // Forgets a taken alert another instance claimed (a shared store), as
  // finish() forgets a sent one.
  void hand_over(const std::string& notification_id, const std::shared_ptr<CallContext>& call);
  // Every pending alert is suspect (a shared store's lease lapsed: another
  // instance may have claimed it): take() says so once, for each.
  void suspect_all();
  // Forgets the call's context when none of its alerts is pending.
  void forget_if_idle(const std::string& call_id);

  std::size_t pending() const;
  // When the oldest pending alert was created (0: none pending).
  EpochMillis oldest_created() const;

  void open();   // take() waits again (after a close)
  void close();  // wakes every take(), which return nullopt

 private:
  using Queue = std::multimap<EpochMillis, std::string>;  // due time -> notification id
  std::shared_ptr<CallContext> context_locked(const std::string& call_id);
  void add_locked(const std::vector<StoredAlert>& alerts, const std::shared_ptr<CallContext>& call, bool lead);
  Queue* next_queue_locked(std::size_t channel, EpochMillis now);

  ContextLoader load_;
  mutable std::mutex mu_;
  bool closed_ = false;
  std::map<std::string, StoredAlert> alerts_;                  // pending, by notification id
  std::set<std::string> suspect_;                              // notification ids
  std::map<std::string, std::shared_ptr<CallContext>> calls_;  // by call id
  std::array<Queue, 3> queues_;
  std::array<Queue, 3> leading_;
  std::array<std::condition_variable, 3> due_cv_;
};

}  // namespace e911::notifier
