#include "consumers/notifier/notifier_service.h"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "common/kafka/consumer.h"
#include "common/kafka/dead_letter_writer.h"
#include "common/kafka/producer.h"
#include "common/log.h"
#include "common/reload_signal.h"
#include "registry/registry_file.h"
#include "consumers/notifier/ack_token.h"
#include "consumers/notifier/alert_plan.h"
#include "consumers/notifier/notification_record.h"
#include "consumers/notifier/record_publisher.h"

namespace e911::notifier {

namespace {

using Clock = std::chrono::steady_clock;

// How long the consumer loop may go without polling before /healthz says so.
constexpr auto kStallLimit = std::chrono::seconds(30);
// A comment left with an acknowledgement is kept up to this many characters.
constexpr std::size_t kMaxAckComment = 500;

constexpr std::array<Channel, 3> kChannels{Channel::sms, Channel::email, Channel::webhook};

std::size_t index_of(Channel c) { return static_cast<std::size_t>(c); }

std::optional<Channel> parse_channel(std::string_view name) {
  for (auto c : kChannels) {
    if (channel_name(c) == name) return c;
  }
  return std::nullopt;
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

// What the workers need of a call, decoded once.
struct CallContext {
  StoredCall row;
  EmergencyCallView view;
  AlertSite site;
  int pending = 0;  // its alerts pending in memory
};

std::string class_name(const EmergencyCallView& v) { return v.is_test() ? "test" : "emergency"; }

// "120 s", or "300 ms" when not whole seconds.
std::string duration_text(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

}  // namespace

struct NotifierService::State {
  State(NotifierServiceOptions opts, observability::MetricsRegistry registry)
      : options(std::move(opts)),
        metrics(std::move(registry)),
        registry_file(options.registry_path, options.registry_check_interval),
        store(open_store(options)),
        calls_family(metrics.counter("notifier", "calls", "Emergency-calls messages consumed, by outcome.")),
        alerts_family(metrics.counter("notifier", "alerts", "Alert attempts by channel and result.")),
        escalations(metrics.counter("notifier", "escalations", "Escalations to the fallback list, by reason.")),
        acknowledgements(metrics.counter("notifier", "acknowledgements", "Acknowledgement link uses, by result.")),
        dead_letters(metrics.counter("notifier", "dead_letters", "Rejected emergency-call messages dead-lettered.")
                         .Add({})),
        delivery_latency(metrics.latency_histogram(
            "notifier", "alert_delivery_latency",
            "From the call (its occurred_at) to the channel accepting the alert, by channel.")),
        attempt_duration(metrics.latency_histogram("notifier", "alert_attempt_duration",
                                                   "How long one delivery attempt took, by channel.")),
        pending_gauge(metrics.gauge("notifier", "retry_queue_alerts", "Alerts pending (to send or retry).").Add({})),
        oldest_gauge(metrics.gauge("notifier", "oldest_pending_alert_age_seconds",
                                   "Age of the oldest pending alert (0 when none).")
                         .Add({})),
        unpublished_gauge(metrics.gauge("notifier", "unpublished_records",
                                        "Notification records waiting to be acknowledged by Kafka.")
                              .Add({})) {
    if (!options.ack_base_url.empty() && options.ack_key.empty()) {
      throw std::runtime_error("acknowledgement links need a key (notifier.ack.key or notifier.ack.key.file)");
    }
    while (!options.ack_base_url.empty() && options.ack_base_url.back() == '/') options.ack_base_url.pop_back();
    for (auto c : kChannels) {
      for (const char* result : {"sent", "retried", "failed"}) {
        alert_counters[index_of(c)][result] = &alerts_family.Add({{"channel", std::string(channel_name(c))}, {"result", result}});
      }
    }
  }

  static std::unique_ptr<NotifierStore> open_store(const NotifierServiceOptions& o) {
    if (o.state_dir.empty()) throw std::runtime_error("the notifier needs a state directory (state_dir)");
    std::error_code ec;
    std::filesystem::create_directories(o.state_dir, ec);
    if (ec) throw std::runtime_error("state directory " + o.state_dir + ": " + ec.message());
    return std::make_unique<NotifierStore>(o.state_dir + "/notifier.db", o.durability);
  }

  NotifierServiceOptions options;
  observability::MetricsRegistry metrics;
  Logger log{"notifier"};
  registry::RegistryFile registry_file;  // consumer thread only
  mutable std::mutex registry_mu;
  std::shared_ptr<const registry::Registry> registry_snapshot = registry_file.registry();
  std::unique_ptr<NotifierStore> store;

  prometheus::Family<prometheus::Counter>& calls_family;
  prometheus::Family<prometheus::Counter>& alerts_family;
  prometheus::Family<prometheus::Counter>& escalations;
  prometheus::Family<prometheus::Counter>& acknowledgements;
  prometheus::Counter& dead_letters;
  observability::LatencyHistogramFamily delivery_latency;
  observability::LatencyHistogramFamily attempt_duration;
  prometheus::Gauge& pending_gauge;
  prometheus::Gauge& oldest_gauge;
  prometheus::Gauge& unpublished_gauge;
  std::array<std::map<std::string, prometheus::Counter*, std::less<>>, 3> alert_counters;

  // ---- in memory: pending alerts and their calls, guarded by mu ----
  std::mutex mu;
  bool stopping = false;
  std::map<std::string, StoredAlert> alerts;                         // pending, by notification id
  std::map<std::string, std::shared_ptr<CallContext>> contexts;      // by call id
  std::array<std::multimap<EpochMillis, std::string>, 3> queues;     // per channel: due time -> notification id
  std::array<std::multimap<EpochMillis, std::string>, 3> leading;    // per channel: calls' first alerts
  std::array<std::condition_variable, 3> queue_cv;
  std::multimap<EpochMillis, std::string> ack_checks;                // due time -> call id
  std::condition_variable timer_cv;
  std::condition_variable room_cv;  // back-pressure: signalled when alerts finish

  // Set while run() runs: sends the store's outbox to e911.notifications.
  // The acknowledgement endpoint may wake it from its own threads at any
  // time, hence the mutex.
  std::mutex publisher_mu;
  RecordPublisher* publisher = nullptr;
  PublisherCounters records;

  // ---- status ----
  std::atomic<std::int64_t> last_poll_ms{0};
  std::atomic<bool> failed{false};
  mutable std::mutex failure_mu;
  std::string failure;
  std::atomic<std::uint64_t> n_calls{0}, n_admitted{0}, n_duplicate_calls{0}, n_dead_letters{0}, n_sent{0},
      n_failed{0}, n_retried{0}, n_escalations{0}, n_acks{0}, n_ack_checks{0};
  std::atomic<std::size_t> n_pending{0};

  std::mutex rng_mu;
  std::mt19937_64 rng{std::random_device{}()};

  void fail(std::string why) {
    {
      std::lock_guard lock(failure_mu);
      if (failure.empty()) failure = std::move(why);
    }
    failed.store(true);
  }

  std::shared_ptr<const registry::Registry> registry() const {
    std::lock_guard lock(registry_mu);
    return registry_snapshot;
  }

  double random01() {
    std::lock_guard lock(rng_mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  }

  void count_call(const char* outcome) { calls_family.Add({{"outcome", outcome}}).Increment(); }

  void wake_publisher() {
    std::lock_guard lock(publisher_mu);
    if (publisher != nullptr) publisher->wake();
  }
  void set_publisher(RecordPublisher* p) {
    std::lock_guard lock(publisher_mu);
    publisher = p;
  }

  // ---- building blocks ----

  std::string ack_url(const StoredAlert& a) const {
    if (options.ack_base_url.empty()) return {};
    return options.ack_base_url + "/ack/" + ack_token(a.ack_id, options.ack_key);
  }

  std::vector<StoredAlert> new_alerts(const std::vector<AlertTarget>& targets, const std::string& call_id,
                                      const std::string& escalation_note, EpochMillis now) const {
    std::vector<StoredAlert> out;
    out.reserve(targets.size());
    for (const auto& t : targets) {
      StoredAlert a;
      a.notification_id = t.notification_id;
      a.call_id = call_id;
      a.list = t.list;
      a.recipient_name = t.recipient_name;
      a.channel = std::string(channel_name(t.channel));
      a.address = t.address;
      a.escalation_note = escalation_note;
      a.ack_id = make_ack_id();
      a.next_attempt_at = now;
      a.created_at = now;
      out.push_back(std::move(a));
    }
    return out;
  }

  NotificationRecord record_of(const StoredAlert& a, const CallContext& c, const char* status, EpochMillis at) const {
    NotificationRecord r;
    r.notification_id = a.notification_id;
    r.call_id = a.call_id;
    r.call_class = class_name(c.view);
    r.list = a.list;
    r.recipient_name = a.recipient_name;
    r.address = a.address;
    r.channel = a.channel;
    r.attempt = std::max(1, a.attempts);
    r.status = status;
    r.call_occurred_at = c.view.occurred_at;
    r.at = at;
    return r;
  }

  OutboxRecord outbox(const NotificationRecord& r) const { return {0, r.call_id, encode_notification(r)}; }

  OutgoingAlert render(const StoredAlert& a, const CallContext& c, Channel channel) const {
    OutgoingAlert out;
    out.channel = channel;
    out.notification_id = a.notification_id;
    out.call_id = a.call_id;
    out.recipient_name = a.recipient_name;
    out.address = a.address;
    const AlertExtras extras{ack_url(a), a.escalation_note};
    switch (channel) {
      case Channel::email: {
        auto m = render_email(c.view, c.site, extras);
        out.subject = std::move(m.subject);
        out.text = std::move(m.text);
        out.html = std::move(m.html);
        break;
      }
      case Channel::sms: out.text = render_sms(c.view, c.site, extras); break;
      case Channel::webhook:
        out.body = render_webhook(c.view, c.site, extras);
        if (!options.webhook_secret.empty()) out.signature = webhook_signature(options.webhook_secret, out.body);
        break;
    }
    return out;
  }

  // The call's context: in memory, or decoded again from the store.
  // Caller holds mu.
  std::shared_ptr<CallContext> context_locked(const std::string& call_id) {
    if (auto it = contexts.find(call_id); it != contexts.end()) return it->second;
    auto row = store->call(call_id);
    if (!row) return nullptr;
    auto view = decode_emergency_call(row->document);
    if (!view) return nullptr;  // admitted only after decoding: cannot happen short of tampering
    auto ctx = std::make_shared<CallContext>();
    ctx->row = std::move(*row);
    ctx->view = std::move(*view);
    ctx->site = alert_site(ctx->view, *registry());
    contexts.emplace(call_id, ctx);
    return ctx;
  }

  // Caller holds mu.
  // A call's (or an escalation's) first alert on each channel goes to the
  // channel's leading queue: under a backlog it is sent before the other
  // alerts of earlier calls, so someone at every site hears at once.
  void enqueue_locked(const std::vector<StoredAlert>& fresh, const std::shared_ptr<CallContext>& ctx,
                      bool lead = true) {
    std::array<bool, 3> led{};
    for (const auto& a : fresh) {
      const auto channel = parse_channel(a.channel);
      if (!channel) continue;
      const auto i = index_of(*channel);
      alerts[a.notification_id] = a;
      ++ctx->pending;
      auto& queue = lead && !led[i] && a.attempts == 0 ? leading[i] : queues[i];
      led[i] = true;
      queue.emplace(a.next_attempt_at, a.notification_id);
      queue_cv[i].notify_one();
    }
    n_pending.store(alerts.size());
  }

  // The next queue entry a worker of channel `i` should take: the leading
  // queue's first when it is due, else the earlier of the two. Caller
  // holds mu; end() of queues[i] when both are empty.
  std::multimap<EpochMillis, std::string>* next_queue_locked(std::size_t i, EpochMillis now) {
    auto& lead = leading[i];
    auto& rest = queues[i];
    if (!lead.empty() && lead.begin()->first <= now) return &lead;
    if (lead.empty()) return rest.empty() ? nullptr : &rest;
    if (rest.empty()) return &lead;
    return lead.begin()->first <= rest.begin()->first ? &lead : &rest;
  }

  // ---- admission (consumer thread) ----

  void admit(const kafka::Message& msg, const kafka::Ack& ack, kafka::DeadLetterWriter& dlq,
             const std::atomic<bool>& stop) {
    ++n_calls;
    std::string reason;
    Result<EmergencyCallView> view = Error{"value: null (a tombstone), not an emergency call"};
    if (!msg.tombstone) view = decode_emergency_call(msg.value);
    if (!view) {
      count_call("rejected");
      log.warn("emergency call rejected", {{"topic", msg.topic}, {"partition", msg.partition},
                                           {"offset", msg.offset}, {"reason", view.error().message}});
      dlq.write(msg, view.error().message, ack);
      dead_letters.Increment();
      ++n_dead_letters;
      return;
    }
    wait_for_room(stop);
    const auto reg = registry();
    const auto plan = plan_alerts(*view, *reg);
    if (plan.test_call_not_alerted) {
      count_call("test_not_alerted");
      log.info("test call not alerted (registry defaults.alert_test_calls: false)", {{"call_id", view->call_id}});
      ack.done();
      return;
    }
    if (plan.targets.empty()) {
      // Nobody to tell and no fallback: the loudest thing left is the log,
      // the metric (alert on it) and /healthz staying up to say the rest works.
      count_call("nobody_to_alert");
      log.error("emergency call with nobody to alert: no usable notification list and no fallback list",
                {{"call_id", view->call_id}, {"notify", view->notify}});
      ack.done();
      return;
    }
    const auto now = now_millis();
    StoredCall row;
    row.call_id = view->call_id;
    row.document = std::string(msg.value);
    row.received_at = now;
    row.list = plan.list;
    if (!options.ack_base_url.empty() && options.ack_timeout.count() > 0) {
      row.ack_due_at = now + options.ack_timeout.count();
    }
    auto ctx = std::make_shared<CallContext>();
    ctx->row = row;
    ctx->view = std::move(*view);
    ctx->site = plan.site;
    const auto candidates = new_alerts(plan.targets, row.call_id, plan.escalation_note, now);
    const auto fresh = store->admit(row, candidates, [&](const StoredAlert& a) -> std::optional<OutboxRecord> {
      if (plan.escalation_note.empty()) return std::nullopt;
      // Alerting the fallback list straight away is an escalation too: say so.
      auto r = record_of(a, *ctx, "escalated", now);
      r.attempt = 1;
      r.escalated_to = plan.list;
      r.error = plan.escalation_note;
      return outbox(r);
    });
    ack.done();  // durable: the alerts are recorded
    if (fresh.empty()) {
      ++n_duplicate_calls;
      count_call("duplicate");
      log.info("emergency call already alerted (redelivered)", {{"call_id", row.call_id}});
      return;
    }
    ++n_admitted;
    count_call(plan.escalation_note.empty() ? "alerted" : "alerted_fallback");
    if (!plan.escalation_note.empty()) {
      escalations.Add({{"reason", "no_list"}}).Increment();
      ++n_escalations;
      wake_publisher();
      log.warn("call's own list unusable: fallback list alerted",
               {{"call_id", row.call_id}, {"list", plan.list}, {"why", plan.escalation_note}});
    }
    log.info("alerting", {{"call_id", row.call_id}, {"class", class_name(ctx->view)}, {"list", plan.list},
                          {"alerts", fresh.size()}});
    std::lock_guard lock(mu);
    contexts[row.call_id] = ctx;
    enqueue_locked(fresh, ctx);
    if (row.ack_due_at > 0) {
      ack_checks.emplace(row.ack_due_at, row.call_id);
      timer_cv.notify_one();
    }
  }

  void wait_for_room(const std::atomic<bool>& stop) {
    std::unique_lock lock(mu);
    while (alerts.size() >= options.max_pending_alerts && !stop.load() && !failed.load()) {
      last_poll_ms.store(steady_ms());  // waiting on purpose is not a stall
      room_cv.wait_for(lock, std::chrono::milliseconds(100));
    }
  }

  // ---- delivery (workers) ----

  void worker_loop(Channel channel) {
    const auto i = index_of(channel);
    std::unique_lock lock(mu);
    for (;;) {
      if (stopping) return;
      const auto now = now_millis();
      auto* next = next_queue_locked(i, now);
      if (next == nullptr) {
        queue_cv[i].wait(lock);
        continue;
      }
      auto& q = *next;
      const auto first = q.begin();
      if (first->first > now) {
        queue_cv[i].wait_for(lock, std::chrono::milliseconds(first->first - now));
        continue;
      }
      const std::string id = first->second;
      q.erase(first);
      const auto it = alerts.find(id);
      if (it == alerts.end()) continue;
      StoredAlert alert = it->second;
      const auto ctx = context_locked(alert.call_id);
      lock.unlock();
      bool ok = ctx != nullptr;
      if (ok) {
        try {
          attempt(alert, *ctx, channel);
        } catch (const std::exception& e) {
          // The state could not be written: nothing is known to be durable,
          // so stop and let a restart resume from what is.
          ok = false;
          log.error("alert state could not be recorded; stopping", {{"notification_id", id}, {"error", e.what()}});
          fail(std::string("notifier state: ") + e.what());
        }
      }
      lock.lock();
      if (!ok) {
        if (ctx == nullptr) {
          log.error("pending alert whose call is missing from the state", {{"notification_id", id}});
          alerts.erase(id);
        }
        continue;
      }
      finish_locked(alert, ctx, channel);
      if (alert.state == AlertState::failed) without_lock(lock, [&] { escalate_if_list_failed(alert); });
    }
  }

  // Runs `work` with `lock` released. A store failure in it stops the
  // service: nothing after it could be recorded durably.
  template <typename Work>
  void without_lock(std::unique_lock<std::mutex>& lock, Work&& work) {
    lock.unlock();
    try {
      work();
    } catch (const std::exception& e) {
      log.error("notifier state could not be read or written; stopping", {{"error", e.what()}});
      fail(std::string("notifier state: ") + e.what());
    }
    lock.lock();
  }

  SendResult send(Channel channel, const OutgoingAlert& out, std::string& transport_name) {
    const auto it = options.transports.find(channel);
    if (it == options.transports.end() || !it->second) {
      return SendResult::give_up("no " + std::string(channel_name(channel)) + " transport configured");
    }
    transport_name = std::string(it->second->name());
    try {
      return it->second->send(out);
    } catch (const std::exception& e) {
      return SendResult::retry_later(std::string("transport error: ") + e.what());
    }
  }

  void attempt(StoredAlert& alert, const CallContext& ctx, Channel channel) {
    const auto out = render(alert, ctx, channel);
    const auto started = now_millis();
    const auto t0 = Clock::now();
    std::string transport_name;
    const auto result = send(channel, out, transport_name);
    attempt_duration.Add({{"channel", alert.channel}})
        .Observe(std::chrono::duration<double>(Clock::now() - t0).count());
    const auto at = now_millis();
    ++alert.attempts;
    if (alert.first_attempt_at == 0) alert.first_attempt_at = started;
    alert.last_error = result.error;
    const char* status = "sent";
    const auto i = index_of(channel);
    if (result.accepted()) {
      alert.state = AlertState::sent;
      alert.done_at = at;
      alert.provider_id = result.provider_id;
    } else if (result.kind == SendResult::Kind::transient) {
      const auto next = next_attempt_at(options.retry, alert.first_attempt_at, at, alert.attempts, random01());
      if (next) {
        alert.next_attempt_at = *next;
        status = "retrying";
      } else {
        alert.state = AlertState::failed;
        alert.done_at = at;
        alert.last_error += " (retry deadline passed)";
        status = "failed";
      }
    } else {
      alert.state = AlertState::failed;
      alert.done_at = at;
      status = "failed";
    }
    auto record = record_of(alert, ctx, status, at);
    record.transport = transport_name;
    record.error = alert.last_error;
    record.provider_id = alert.provider_id;
    store->update_alert(alert, {outbox(record)});
    wake_publisher();
    if (alert.state == AlertState::sent) {
      alert_counters[i]["sent"]->Increment();
      ++n_sent;
      const auto from = ctx.view.occurred_at.value_or(ctx.row.received_at);
      delivery_latency.Add({{"channel", alert.channel}}).Observe(std::max<EpochMillis>(0, at - from) / 1000.0);
    } else if (alert.state == AlertState::failed) {
      alert_counters[i]["failed"]->Increment();
      ++n_failed;
      log.error("alert failed", {{"call_id", alert.call_id}, {"notification_id", alert.notification_id},
                                 {"channel", alert.channel}, {"attempt", alert.attempts}, {"error", alert.last_error}});
    } else {
      alert_counters[i]["retried"]->Increment();
      ++n_retried;
      log.warn("alert attempt failed; retrying",
               {{"call_id", alert.call_id}, {"notification_id", alert.notification_id}, {"channel", alert.channel},
                {"attempt", alert.attempts}, {"error", alert.last_error},
                {"retry_in_ms", alert.next_attempt_at - at}});
    }
  }

  // After an attempt, with mu held: requeue or forget the alert.
  void finish_locked(const StoredAlert& alert, const std::shared_ptr<CallContext>& ctx, Channel channel) {
    if (alert.state == AlertState::pending) {
      alerts[alert.notification_id] = alert;
      queues[index_of(channel)].emplace(alert.next_attempt_at, alert.notification_id);
      return;
    }
    alerts.erase(alert.notification_id);
    n_pending.store(alerts.size());
    room_cv.notify_all();
    // Only a cache: the acknowledgement check and escalation read the
    // store, and context_locked() decodes the call again when needed.
    if (--ctx->pending <= 0) contexts.erase(ctx->row.call_id);
  }

  // ---- escalation ----

  void escalate_if_list_failed(const StoredAlert& failed_alert) {
    bool any_pending = false, any_sent = false;
    for (const auto& a : store->alerts_of(failed_alert.call_id)) {
      if (a.list != failed_alert.list) continue;
      any_pending |= a.state == AlertState::pending;
      any_sent |= a.state == AlertState::sent;
    }
    if (any_pending || any_sent) return;
    escalate(failed_alert.call_id, failed_alert.list, "every alert to " + failed_alert.list + " failed",
             "delivery_failed");
  }

  void escalate(const std::string& call_id, const std::string& from_list, const std::string& note,
                const char* reason) {
    const auto reg = registry();
    const auto to = escalation_list(from_list, *reg);
    if (to.empty()) {
      escalations.Add({{"reason", "no_fallback"}}).Increment();
      log.error("cannot escalate: no fallback list (registry defaults.fallback_list)",
                {{"call_id", call_id}, {"list", from_list}, {"why", note}});
      return;
    }
    std::shared_ptr<CallContext> ctx;
    {
      std::lock_guard lock(mu);
      ctx = context_locked(call_id);
    }
    if (!ctx) return;
    const auto now = now_millis();
    const auto fresh = new_alerts(list_targets(call_id, to, *reg), call_id, note, now);
    std::vector<OutboxRecord> records;
    for (const auto& a : store->alerts_of(call_id)) {
      if (a.list != from_list) continue;
      auto r = record_of(a, *ctx, "escalated", now);
      r.escalated_to = to;
      r.error = note;
      records.push_back(outbox(r));
    }
    std::vector<StoredAlert> added;
    if (!store->escalate(call_id, to, fresh, records, added,
                         [](const StoredAlert&) { return std::optional<OutboxRecord>{}; })) {
      return;  // acknowledged or escalated meanwhile
    }
    escalations.Add({{"reason", reason}}).Increment();
    ++n_escalations;
    wake_publisher();
    log.warn("escalated", {{"call_id", call_id}, {"from", from_list}, {"to", to}, {"why", note},
                           {"alerts", added.size()}});
    std::lock_guard lock(mu);
    ctx->row.escalated_to = to;
    enqueue_locked(added, ctx);
  }

  // ---- timer: acknowledgement deadlines and gauges ----

  void timer_loop() {
    std::unique_lock lock(mu);
    auto next_gauges = Clock::now();
    while (!stopping) {
      if (Clock::now() >= next_gauges) {
        next_gauges = Clock::now() + std::chrono::seconds(1);
        update_gauges_locked();
      }
      const auto now = now_millis();
      if (!ack_checks.empty() && ack_checks.begin()->first <= now) {
        const std::string call_id = ack_checks.begin()->second;
        ack_checks.erase(ack_checks.begin());
        without_lock(lock, [&] { check_acknowledged(call_id); });
        if (auto it = contexts.find(call_id); it != contexts.end() && it->second->pending <= 0) contexts.erase(it);
        continue;
      }
      auto wait = std::chrono::milliseconds(1000);
      if (!ack_checks.empty()) {
        wait = std::min(wait, std::chrono::milliseconds(ack_checks.begin()->first - now));
      }
      timer_cv.wait_for(lock, wait);
    }
  }

  void update_gauges_locked() {
    pending_gauge.Set(static_cast<double>(alerts.size()));
    EpochMillis oldest = 0;
    for (const auto& [id, a] : alerts) {
      if (oldest == 0 || a.created_at < oldest) oldest = a.created_at;
    }
    oldest_gauge.Set(oldest == 0 ? 0.0 : std::max<EpochMillis>(0, now_millis() - oldest) / 1000.0);
    unpublished_gauge.Set(static_cast<double>(records.unpublished.load()));
  }

  void check_acknowledged(const std::string& call_id) {
    ++n_ack_checks;
    const auto row = store->call(call_id);
    if (!row || row->acknowledged_at != 0 || !row->escalated_to.empty()) return;
    escalate(call_id, row->list, row->list + " did not acknowledge within " + duration_text(options.ack_timeout),
             "not_acknowledged");
  }

  // ---- start-up ----

  void resume() {
    const auto pending = store->pending_alerts();
    const auto awaiting = store->calls_awaiting_ack();
    std::lock_guard lock(mu);
    const auto now = now_millis();
    for (auto a : pending) {
      const auto ctx = context_locked(a.call_id);
      if (!ctx) {
        log.error("pending alert whose call cannot be decoded", {{"notification_id", a.notification_id}});
        continue;
      }
      a.next_attempt_at = std::min(a.next_attempt_at, now);  // an outage's backoff does not carry over
      enqueue_locked({a}, ctx, /*lead=*/false);
    }
    for (const auto& c : awaiting) ack_checks.emplace(c.ack_due_at, c.call_id);
    if (!pending.empty() || !awaiting.empty()) {
      log.info("resumed from the state", {{"pending_alerts", pending.size()}, {"awaiting_ack", awaiting.size()}});
    }
  }

  void maybe_reload_registry(Clock::time_point now) {
    const auto reload = registry_file.poll(now, take_reload_request());
    if (!reload) return;
    if (!reload->ok) {
      log.error("registry reload failed; the previous registry stays in force",
                {{"registry", options.registry_path}, {"errors", reload->errors}, {"first_error", reload->first_error}});
      return;
    }
    {
      std::lock_guard lock(registry_mu);
      registry_snapshot = registry_file.registry();
    }
    log.info("registry reloaded", {{"registry", options.registry_path}, {"trigger", reload->trigger}});
  }

  // ---- acknowledgement desk ----

  AckView view_of(const StoredAlert& a) {
    AckView v;
    v.call_id = a.call_id;
    v.recipient = a.recipient_name;
    const auto row = store->call(a.call_id);
    if (!row) return v;
    v.acknowledged_by = row->acknowledged_by;
    v.acknowledged_at = row->acknowledged_at;
    if (auto view = decode_emergency_call(row->document)) {
      const auto facts = alert_facts(*view, alert_site(*view, *registry()));
      v.banner = facts.banner;
      v.site = facts.site;
      v.caller = facts.caller;
      v.location = facts.location;
      v.call_time = facts.time_line();
    }
    return v;
  }
};

NotifierService::NotifierService(NotifierServiceOptions options, observability::MetricsRegistry metrics)
    : state_(std::make_unique<State>(std::move(options), std::move(metrics))) {}

NotifierService::~NotifierService() = default;

void NotifierService::run(const std::atomic<bool>& stop) {
  auto& s = *state_;
  const auto& topics = s.options.topics;
  kafka::ProducerOptions producer_options;
  producer_options.client_id = "e911-notifier";
  producer_options.topics = {topics.notifications, topics.dead_letter};
  kafka::Producer producer(s.options.kafka, producer_options);
  kafka::DeadLetterWriter dlq(producer, topics.dead_letter, "notifier", s.options.dead_letter_max_payload);

  s.resume();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(s.mu);
    s.stopping = false;
  }
  for (auto c : kChannels) {
    for (std::size_t i = 0; i < std::max<std::size_t>(1, s.options.workers_per_channel); ++i) {
      threads.emplace_back([&s, c] { s.worker_loop(c); });
    }
  }
  threads.emplace_back([&s] { s.timer_loop(); });
  RecordPublisher publisher(*s.store, producer, topics.notifications, s.records,
                            [&s](const std::string& why) { s.fail(why); });
  publisher.start();
  s.set_publisher(&publisher);

  const auto shut_down = [&] {
    {
      std::lock_guard lock(s.mu);
      s.stopping = true;
    }
    for (auto& cv : s.queue_cv) cv.notify_all();
    s.timer_cv.notify_all();
    for (auto& t : threads) t.join();
    threads.clear();
    s.set_publisher(nullptr);
    publisher.stop(std::chrono::seconds(10));
    started_.store(false);
  };

  kafka::ConsumerOptions consumer_options;
  consumer_options.group_id = s.options.group_id;
  consumer_options.topics = {topics.emergency_calls};
  consumer_options.client_id = "e911-notifier";
  consumer_options.on_assigned = [this](const std::vector<kafka::TopicPartition>& tps) {
    if (!tps.empty()) has_partitions_.store(true);
  };
  consumer_options.on_revoked = [this](const std::vector<kafka::TopicPartition>&) { has_partitions_.store(false); };
  try {
    kafka::Consumer consumer(s.options.kafka, consumer_options);
    const auto handle = [&](const kafka::Message& msg, const kafka::Ack& ack) { s.admit(msg, ack, dlq, stop); };
    started_.store(true);
    s.log.info("consuming", {{"topic", topics.emergency_calls}, {"group_id", s.options.group_id},
                             {"state", s.options.state_dir + "/notifier.db"}});
    while (!stop.load(std::memory_order_relaxed) && !s.failed.load()) {
      const auto now = Clock::now();
      s.last_poll_ms.store(steady_ms());
      s.maybe_reload_registry(now);
      consumer.poll(handle, std::chrono::milliseconds(100));
    }
    consumer.close();
  } catch (const std::exception& e) {
    s.fail(e.what());
    shut_down();
    throw;
  }
  shut_down();
  if (s.failed.load()) {
    std::lock_guard lock(s.failure_mu);
    throw std::runtime_error(s.failure);
  }
  s.log.info("stopped", {{"calls", s.n_calls.load()}, {"alerts_sent", s.n_sent.load()},
                         {"pending_alerts", s.n_pending.load()}});
}

void NotifierService::set_ack_base_url(std::string base_url) {
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  state_->options.ack_base_url = std::move(base_url);
}

AckView NotifierService::look_up(std::string_view token) {
  auto& s = *state_;
  const auto id = verify_ack_token(token, s.options.ack_key);
  if (!id || s.options.ack_key.empty()) return {};
  const auto alert = s.store->alert_by_ack(*id);
  if (!alert) return {};
  auto v = s.view_of(*alert);
  if (v.acknowledged_at != 0) {
    v.kind = AckView::Kind::already_acknowledged;
  } else if (now_millis() > alert->created_at + s.options.ack_link_ttl.count()) {
    v.kind = AckView::Kind::expired;
  } else {
    v.kind = AckView::Kind::open;
  }
  return v;
}

AckView NotifierService::acknowledge(std::string_view token, std::string_view comment) {
  auto& s = *state_;
  const auto id = verify_ack_token(token, s.options.ack_key);
  if (!id || s.options.ack_key.empty()) {
    s.acknowledgements.Add({{"result", "invalid"}}).Increment();
    return {};
  }
  std::string note = clean_line(comment);
  if (note.size() > kMaxAckComment) note = clean_line(note.substr(0, kMaxAckComment));  // clean again: a cut may split a character
  // The call is read before acknowledge(), which holds the store's lock
  // while it builds the record.
  CallContext call;
  if (const auto alert = s.store->alert_by_ack(*id)) {
    if (auto row = s.store->call(alert->call_id)) {
      if (auto view = decode_emergency_call(row->document)) call.view = std::move(*view);
    }
  }
  const auto result =
      s.store->acknowledge(*id, now_millis(), s.options.ack_link_ttl.count(), [&](const StoredAlert& a) {
        auto r = s.record_of(a, call, "acknowledged", now_millis());
        r.acknowledged_by = a.recipient_name.empty() ? a.address : a.recipient_name;
        r.comment = note;
        return s.outbox(r);
      });
  AckView v;
  if (result.alert) v = s.view_of(*result.alert);
  switch (result.kind) {
    case AckResult::Kind::acknowledged:
      v.kind = AckView::Kind::acknowledged;
      ++s.n_acks;
      s.acknowledgements.Add({{"result", "acknowledged"}}).Increment();
      s.wake_publisher();
      s.log.info("alert acknowledged", {{"call_id", result.call_id},
                                        {"notification_id", result.alert->notification_id}});
      break;
    case AckResult::Kind::already_acknowledged:
      v.kind = AckView::Kind::already_acknowledged;
      s.acknowledgements.Add({{"result", "already_acknowledged"}}).Increment();
      break;
    case AckResult::Kind::expired:
      v.kind = AckView::Kind::expired;
      s.acknowledgements.Add({{"result", "expired"}}).Increment();
      break;
    case AckResult::Kind::unknown:
      v = {};
      s.acknowledgements.Add({{"result", "invalid"}}).Increment();
      break;
  }
  return v;
}

observability::HealthStatus NotifierService::health() const {
  const auto& s = *state_;
  if (s.failed.load()) {
    std::lock_guard lock(s.failure_mu);
    return observability::HealthStatus::down(s.failure);
  }
  if (!started_.load()) return observability::HealthStatus::down("starting");
  const auto idle_ms = steady_ms() - s.last_poll_ms.load();
  if (idle_ms > std::chrono::duration_cast<std::chrono::milliseconds>(kStallLimit).count()) {
    return observability::HealthStatus::down("consumer loop has not polled for " + std::to_string(idle_ms / 1000) +
                                             " s");
  }
  return observability::HealthStatus::ok();
}

NotifierServiceStats NotifierService::stats() const {
  const auto& s = *state_;
  NotifierServiceStats st;
  st.calls = s.n_calls.load();
  st.calls_admitted = s.n_admitted.load();
  st.duplicate_calls = s.n_duplicate_calls.load();
  st.dead_letters = s.n_dead_letters.load();
  st.alerts_sent = s.n_sent.load();
  st.alerts_failed = s.n_failed.load();
  st.attempts_failed = s.n_retried.load();
  st.escalations = s.n_escalations.load();
  st.acknowledgements = s.n_acks.load();
  st.records_published = s.records.published.load();
  st.ack_checks = s.n_ack_checks.load();
  st.pending_alerts = s.n_pending.load();
  st.unpublished_records = s.records.unpublished.load();
  return st;
}

}  // namespace e911::notifier
