#include "consumers/notifier/notifier_service.h"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "common/log.h"
#include "common/reload_signal.h"
#include "common/service/consumer_service.h"
#include "consumers/notifier/acknowledgements.h"
#include "consumers/notifier/admission.h"
#include "consumers/notifier/alert_book.h"
#include "consumers/notifier/alert_plan.h"
#include "consumers/notifier/delivery.h"
#include "consumers/notifier/escalation.h"
#include "consumers/notifier/notifier_metrics.h"
#include "consumers/notifier/record_publisher.h"
#include "consumers/notifier/store_lease.h"
#include "registry/registry_file.h"
#include "registry/reload_metrics.h"

namespace e911::notifier {
namespace {

service::ConsumerServiceOptions shell_options(const NotifierServiceOptions& o, const observability::MetricsRegistry& metrics) {
  auto s = service::consumer_service_options("notifier", o, {o.topics.emergency_calls}, {o.topics.notifications});
  // One call at a time: admitting a call writes its alerts (a transaction)
  // before the next is read, and back-pressure may hold it.
  s.batch_max = 1;
  s.metrics = metrics;  // the Kafka client's health (lag, assignment, brokers)
  return s;
}

std::unique_ptr<NotifierStore> open_store(const NotifierServiceOptions& o) {
  if (!o.store_url.empty()) {
    const auto location = sql::parse_location(o.store_url, "notifier store");
    return std::make_unique<NotifierStore>(location, o.store_owner.empty() ? random_owner_id() : o.store_owner,
                                           o.durability, /*connect_timeout_s=*/10);
  }
  if (o.state_dir.empty()) throw std::runtime_error("the notifier needs a state directory (state_dir)");
  std::error_code ec;
  std::filesystem::create_directories(o.state_dir, ec);
  if (ec) throw std::runtime_error("state directory " + o.state_dir + ": " + ec.message());
  return std::make_unique<NotifierStore>(o.state_dir + "/notifier.db", o.durability);
}

NotifierServiceOptions checked(NotifierServiceOptions o) {
  if (!o.ack_base_url.empty() && o.ack_key.empty()) {
    throw std::runtime_error("acknowledgement links need a key (notifier.ack.key or notifier.ack.key.file)");
  }
  while (!o.ack_base_url.empty() && o.ack_base_url.back() == '/') o.ack_base_url.pop_back();
  return o;
}

}  // namespace

// The parts (alert_book.h, admission.h, delivery.h, escalation.h,
// acknowledgements.h) around one state, one registry and one outbox
// publisher, on the consumer-service shell.
struct NotifierService::State : service::ConsumerHooks {
  State(NotifierServiceOptions opts, observability::MetricsRegistry registry)
      : options(checked(std::move(opts))),
        metrics_registry(std::move(registry)),
        shell(shell_options(options, metrics_registry)),
        registry_file(options.registry_path, options.registry_check_interval),
        registry_snapshot(registry_file.registry()),
        store(open_store(options)),
        metrics(metrics_registry),
        registry_reload_metrics(metrics_registry, "notifier"),
        book([this](const std::string& call_id) { return load_call(call_id); }),
        ack_settings{options.ack_key, options.ack_link_ttl},
        escalation(*store, book, metrics, counters, options.ack_timeout,
                   {[this] { return current_registry(); }, [this] { wake_publisher(); },
                    [this](const std::string& why) { shell.fail(why); }, [this] { update_gauges(); }}),
        delivery(options, *store, book, fence, metrics, counters,
                 {[this] { wake_publisher(); }, [this](const StoredAlert& a) { escalation.list_alert_failed(a); },
                  [this](const std::string& why) { shell.fail(why); }}),
        admission(options, *store, book, escalation, metrics, counters,
                  {[this] { return current_registry(); }, [this] { wake_publisher(); }}),
        acknowledgements(*store, metrics, counters, ack_settings, [this] { return current_registry(); },
                         [this] { wake_publisher(); }) {
    if (store->shared()) {
      lease = std::make_unique<StoreLease>(
          *store, options.store_lease_ttl, fence, [this] { book.suspect_all(); },
          [this](const ClaimedWork& work) { take_over(work); });
    }
  }

  NotifierServiceOptions options;
  observability::MetricsRegistry metrics_registry;
  service::ConsumerService shell;
  const Logger& log = shell.log();
  registry::RegistryFile registry_file;  // consumer thread only
  mutable std::mutex registry_mu;
  std::shared_ptr<const registry::Registry> registry_snapshot;
  std::unique_ptr<NotifierStore> store;
  NotifierMetrics metrics;
  registry::RegistryReloadMetrics registry_reload_metrics;
  NotifierCounters counters;
  AlertBook book;
  LeaseFence fence;  // open but on a shared store (store_lease.h)
  AcknowledgementSettings ack_settings;
  Escalation escalation;
  Delivery delivery;
  Admission admission;
  Acknowledgements acknowledgements;
  std::unique_ptr<StoreLease> lease;  // a shared store's

  // Set while run() runs: sends the state's outbox to e911.notifications.
  // The acknowledgement endpoint may wake it from its own threads at any
  // time, hence the mutex.
  std::mutex publisher_mu;
  std::unique_ptr<RecordPublisher> publisher;
  PublisherCounters records;

  std::shared_ptr<const registry::Registry> current_registry() const {
    std::lock_guard lock(registry_mu);
    return registry_snapshot;
  }

  void wake_publisher() {
    std::lock_guard lock(publisher_mu);
    if (publisher) publisher->wake();
  }

  // A call decoded again from the state (the alert book's loader).
  std::shared_ptr<CallContext> load_call(const std::string& call_id) {
    auto row = store->call(call_id);
    if (!row) return nullptr;
    auto view = decode_emergency_call(row->document);
    if (!view) return nullptr;  // admitted only after decoding: cannot happen short of tampering
    auto call = std::make_shared<CallContext>();
    call->row = std::move(*row);
    call->view = std::move(*view);
    call->site = alert_site(call->view, *current_registry());
    return call;
  }

  void update_gauges() {
    metrics.pending.Set(static_cast<double>(book.pending()));
    const auto oldest = book.oldest_created();
    metrics.oldest_pending.Set(oldest == 0 ? 0.0 : std::max<EpochMillis>(0, now_millis() - oldest) / 1000.0);
    metrics.unpublished.Set(static_cast<double>(records.unpublished.load()));
  }

  // Pending alerts and acknowledgement deadlines from the state: what a
  // stop (or a crash) left.
  void resume() {
    const auto pending = store->pending_alerts();
    const auto awaiting = store->calls_awaiting_ack();
    schedule(pending, awaiting);
    if (!pending.empty() || !awaiting.empty()) {
      log.info("resumed from the state", {{"pending_alerts", pending.size()}, {"awaiting_ack", awaiting.size()}});
    }
  }

  // What the lease's thread claimed from instances whose lease expired.
  void take_over(const ClaimedWork& work) {
    schedule(work.alerts, work.calls);
    counters.claimed += work.alerts.size();
    metrics.claimed.Increment(static_cast<double>(work.alerts.size()));
    if (work.records > 0) wake_publisher();
  }

  // Recorded alerts and acknowledgement deadlines, scheduled as after a
  // restart: due at once.
  void schedule(const std::vector<StoredAlert>& pending, const std::vector<StoredCall>& awaiting) {
    const auto now = now_millis();
    for (auto a : pending) {
      const auto call = book.context(a.call_id);
      if (!call) {
        log.error("pending alert whose call cannot be decoded", {{"notification_id", a.notification_id}});
        continue;
      }
      a.next_attempt_at = std::min(a.next_attempt_at, now);  // an outage's backoff does not carry over
      book.add({a}, call, /*lead=*/false);
    }
    for (const auto& c : awaiting) escalation.watch(c.call_id, c.ack_due_at);
  }

  // ---- the shell's hooks ----

  void starting(service::ConsumerService&) override {
    // The lease first: nothing is recorded under an owner no lease vouches for.
    if (lease) lease->start();
    resume();
    delivery.start();
    escalation.start();
    {
      std::lock_guard lock(publisher_mu);
      publisher = std::make_unique<RecordPublisher>(*store, shell.producer(), options.topics.notifications, records,
                                                    [this](const std::string& why) { shell.fail(why); });
      publisher->start();
    }
    log.info("consuming", {{"topic", options.topics.emergency_calls}, {"group_id", options.group_id},
                           {"state", store->display_name()}, {"owner", store->owner()}});
  }

  void handle(const kafka::Message& msg, const kafka::Ack& ack) override {
    admission.admit(msg, ack, shell.dead_letters());
  }

  // Back-pressure (notifier.max_pending_alerts): no new call while that
  // many alerts are pending; the shell pauses the partitions meanwhile.
  bool ready() override { return book.pending() < options.max_pending_alerts; }

  void turn(service::Clock::time_point now) override {
    const auto reload = registry_file.poll(now, take_reload_request());
    if (!reload) return;
    if (!reload->ok) {
      registry_reload_metrics.reload_failed();
      log.error("registry reload failed; the previous registry stays in force",
                {{"registry", options.registry_path}, {"errors", reload->errors}, {"first_error", reload->first_error}});
      return;
    }
    {
      std::lock_guard lock(registry_mu);
      registry_snapshot = registry_file.registry();
    }
    registry_reload_metrics.reloaded();
    log.info("registry reloaded", {{"registry", options.registry_path}, {"trigger", reload->trigger}});
  }

  // Workers and timer first (nothing new is recorded), then what is in the
  // outbox goes out; pending alerts stay recorded for the next start.
  void stopped() override {
    if (lease) lease->stop();  // nothing more is claimed
    delivery.stop();
    escalation.stop();
    std::unique_ptr<RecordPublisher> last;
    {
      std::lock_guard lock(publisher_mu);
      last = std::move(publisher);
    }
    if (last) last->stop(std::chrono::seconds(5));  // what is left stays in the outbox
    // Nothing of this instance's is in flight any more: what it leaves is
    // for the survivors at once, unless it comes back under its configured
    // owner id (then its lease lets it resume its own first).
    if (lease && options.store_owner.empty()) lease->release();
  }
};

NotifierService::NotifierService(NotifierServiceOptions options, observability::MetricsRegistry metrics)
    : state_(std::make_unique<State>(std::move(options), std::move(metrics))) {}

NotifierService::~NotifierService() = default;

void NotifierService::run(const std::atomic<bool>& stop) {
  auto& s = *state_;
  s.shell.run(s, stop);
  s.log.info("stopped", {{"calls", s.counters.calls.load()}, {"alerts_sent", s.counters.sent.load()},
                         {"pending_alerts", s.book.pending()}});
}

void NotifierService::set_ack_base_url(std::string base_url) {
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  state_->options.ack_base_url = std::move(base_url);
}

AckView NotifierService::look_up(std::string_view token) { return state_->acknowledgements.look_up(token); }

AckView NotifierService::acknowledge(std::string_view token, std::string_view comment) {
  return state_->acknowledgements.acknowledge(token, comment);
}

observability::HealthStatus NotifierService::health() const { return state_->shell.health(); }
bool NotifierService::started() const { return state_->shell.started(); }
bool NotifierService::has_partitions() const { return state_->shell.has_partitions(); }

NotifierServiceStats NotifierService::stats() const {
  const auto& s = *state_;
  const auto& c = s.counters;
  NotifierServiceStats st;
  st.calls = c.calls.load();
  st.calls_admitted = c.admitted.load();
  st.duplicate_calls = c.duplicate_calls.load();
  st.dead_letters = c.dead_letters.load();
  st.alerts_sent = c.sent.load();
  st.alerts_failed = c.failed.load();
  st.attempts_failed = c.retried.load();
  st.escalations = c.escalations.load();
  st.acknowledgements = c.acknowledgements.load();
  st.records_published = s.records.published.load();
  st.ack_checks = c.ack_checks.load();
  st.alerts_claimed = c.claimed.load();
  st.alerts_lost_to_claim = c.lost_to_claim.load();
  st.pending_alerts = s.book.pending();
  st.unpublished_records = s.records.unpublished.load();
  return st;
}

}  // namespace e911::notifier
