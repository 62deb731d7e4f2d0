#include "consumers/auditor/auditor_service.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "common/kafka/dead_letter_writer.h"
#include "common/log.h"
#include "common/service/consumer_service.h"
#include "common/sql/connection.h"
#include "consumers/auditor/journal/audit_entry.h"
#include "consumers/auditor/audit_record.h"
#include "consumers/auditor/registration_record.h"

namespace e911::auditor {

namespace {

using Clock = std::chrono::steady_clock;
using PartitionKey = std::pair<std::string, std::int32_t>;  // topic, partition

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

// The topics the auditor journals: the ELIN lookups and the location
// updates when a topic is named for them. A named topic that does not
// exist (yet) is no obstacle: the consumer logs it and reads the others
// (kafka::Consumer).
std::vector<std::string> journaled_topics(const Config::Topics& topics) {
  std::vector<std::string> out{topics.emergency_calls, topics.notifications};
  for (const auto* optional : {&topics.elin_lookups, &topics.location_updates}) {
    if (!optional->empty()) out.push_back(*optional);
  }
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

service::ConsumerServiceOptions shell_options(const AuditorServiceOptions& o, const observability::MetricsRegistry& metrics) {
  auto s = service::consumer_service_options("auditor", o, journaled_topics(o.topics), {});
  s.poll_timeout = o.poll_timeout;
  // Records in hand at a revoke are dropped, not waited for: their next
  // owner reads them again from the offsets in the journal.
  s.drain_timeout = std::chrono::milliseconds(0);
  // A batch: what the first poll brings (waiting up to poll_timeout), then
  // whatever else is ready at once, up to batch_max.
  s.batch_max = std::max<std::size_t>(1, o.batch_max);
  s.metrics = metrics;  // the Kafka client's health (lag, assignment, brokers)
  return s;
}

// One consumed record, copied out of the consumer's view.
struct Consumed {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::optional<std::string> key;
  std::string value;
  bool tombstone = false;
  std::int64_t timestamp_ms = -1;
  kafka::Headers headers;
  kafka::Ack ack;

  std::vector<EntryDraft> drafts;  // what it journals (empty when dead-lettered)
  std::string rejected;            // why it was dead-lettered

  kafka::Message view() const {
    kafka::Message m;
    m.topic = topic;
    m.partition = partition;
    m.offset = offset;
    if (key) m.key = std::string_view(*key);
    m.value = value;
    m.tombstone = tombstone;
    m.timestamp_ms = timestamp_ms;
    m.headers = headers;
    return m;
  }
};

// Waits `delay` or until `stop` is set; true if stopped.
bool sleep_unless_stopped(std::chrono::milliseconds delay, const std::atomic<bool>& stop) {
  const auto until = Clock::now() + delay;
  while (Clock::now() < until) {
    if (stop.load(std::memory_order_relaxed)) return true;
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(20), until - Clock::now()));
  }
  return stop.load(std::memory_order_relaxed);
}

}  // namespace

AuditStoreOpener store_opener(std::string url, AuditStoreOptions options) {
  return [url = std::move(url), options] { return open_audit_store(url, options); };
}

struct AuditorService::State : service::ConsumerHooks {
  State(AuditorServiceOptions opts, AuditStoreOpener opener, Signer key, observability::MetricsRegistry registry)
      : options(std::move(opts)),
        shell(shell_options(options, registry)),
        open_store(std::move(opener)),
        signer(std::move(key)),
        metrics(std::move(registry)),
        records_family(metrics.counter("auditor", "records_consumed", "Records consumed, by topic.")),
        entries_family(metrics.counter("auditor", "entries_written", "Journal entries committed, by kind.")),
        dead_letters_family(
            metrics.counter("auditor", "dead_letters", "Records that could not be journaled, dead-lettered, by topic.")),
        batches(metrics.counter("auditor", "ingest_batches", "Batches committed to the journal (one transaction each).")
                    .Add({})),
        store_errors(metrics.counter("auditor", "store_errors", "Store operations that failed (each retried).").Add({})),
        ingest_duration(metrics.latency_histogram("auditor", "ingest_duration",
                                                  "How long one batch's ingest transaction took.")),
        last_seq_gauge(metrics.gauge("auditor", "journal_last_seq", "The journal's last entry seq.").Add({})),
        store_failing_gauge(
            metrics.gauge("auditor", "store_failing", "1 while the store refuses writes (a batch is being retried).")
                .Add({})) {
    // Every series at 0 from start-up, so the first occurrence after a
    // restart shows in increase().
    for (const auto& topic : journaled_topics(options.topics)) {
      records_family.Add({{"topic", topic}});
      dead_letters_family.Add({{"topic", topic}});
    }
    for (const auto kind : {entry_kind::kCallRecorded, entry_kind::kLocationConveyed, entry_kind::kNotification,
                            entry_kind::kElinLookup, entry_kind::kLocationRegistered, entry_kind::kLocationWithdrawn})
      entries_family.Add({{"kind", std::string(kind)}});
    if (!open_store) throw std::invalid_argument("the auditor needs a way to open its store");
    options.batch_max = std::max<std::size_t>(1, options.batch_max);
    store = open_store_at_start();
    name = store->name();
    if (const auto last = store->last_entry()) set_last_seq(last->seq);
    if (options.chain_watch.interval.count() > 0 && options.chain_watch.keyring.size() > 0) {
      chain_watch.emplace(options.chain_watch, open_store, metrics, log);
    }
  }

  AuditorServiceOptions options;
  service::ConsumerService shell;
  AuditStoreOpener open_store;
  Signer signer;
  observability::MetricsRegistry metrics;
  const Logger& log = shell.log();
  const std::atomic<bool>* stop = nullptr;  // while run() runs
  std::unique_ptr<AuditStore> store;  // consumer thread only; null after an error until reopened
  std::string name;

  prometheus::Family<prometheus::Counter>& records_family;
  prometheus::Family<prometheus::Counter>& entries_family;
  prometheus::Family<prometheus::Counter>& dead_letters_family;
  prometheus::Counter& batches;
  prometheus::Counter& store_errors;
  observability::LatencyHistogramFamily ingest_duration;
  prometheus::Gauge& last_seq_gauge;
  prometheus::Gauge& store_failing_gauge;
  std::optional<ChainWatch> chain_watch;  // its thread runs while run() does

  // The batch being collected or written (consumer thread only).
  std::vector<Consumed> batch;
  // The stored offsets of the current assignment, read once per
  // assignment by the first start-offset lookup.
  std::optional<std::map<PartitionKey, std::int64_t>> assignment_offsets;

  // ---- status ----
  std::atomic<std::uint64_t> n_records{0}, n_entries{0}, n_dead_letters{0}, n_batches{0}, n_store_errors{0},
      n_acked{0};
  std::atomic<std::int64_t> last_seq{0};
  std::atomic<std::int64_t> failing_since_ms{0};  // steady ms; 0 when the store works
  mutable std::mutex failure_mu;
  std::string store_failure;  // the last store error while failing

  void set_last_seq(std::int64_t seq) {
    last_seq.store(seq);
    last_seq_gauge.Set(static_cast<double>(seq));
  }

  // ---- the store, reopened after an error ----

  // A database not reachable yet when the auditor starts (restarting, the
  // network away) is waited for; refusals (authentication, a missing
  // database) are not.
  std::unique_ptr<AuditStore> open_store_at_start() {
    const auto give_up = Clock::now() + kOpenWaitFor;
    auto delay = options.store_retry.initial_delay;
    for (;;) {
      try {
        return open_store();
      } catch (const std::exception& e) {
        if (!sql::is_connection_error(e.what()) || Clock::now() >= give_up) throw;
        log.warn("audit store unreachable at start; retrying", {{"error", e.what()}, {"retry_in_ms", delay.count()}});
      }
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, options.store_retry.max_delay);
    }
  }

  AuditStore& current_store() {
    if (!store) {
      store = open_store();
      log.info("audit store reopened", {{"store", name}});
    }
    return *store;
  }

  void store_failed(const char* operation, const std::exception& e, std::chrono::milliseconds retry_in) {
    store.reset();  // the next attempt gets a fresh connection
    store_errors.Increment();
    ++n_store_errors;
    if (failing_since_ms.load() == 0) failing_since_ms.store(steady_ms());
    store_failing_gauge.Set(1);
    {
      std::lock_guard lock(failure_mu);
      store_failure = e.what();
    }
    log.error("audit store failed; retrying",
              {{"store", name}, {"operation", operation}, {"error", e.what()}, {"retry_in_ms", retry_in.count()}});
  }

  void store_recovered() {
    if (failing_since_ms.exchange(0) == 0) return;
    store_failing_gauge.Set(0);
    log.info("audit store works again", {{"store", name}});
  }

  // Runs `op` against the store until it succeeds, backing off between
  // attempts; nullopt-like false when stopped first.
  template <typename Op>
  bool with_store_retry(const char* operation, const std::atomic<bool>& stop, Op&& op) {
    auto delay = options.store_retry.initial_delay;
    for (;;) {
      shell.mark_alive();
      try {
        op(current_store());
        store_recovered();
        return true;
      } catch (const std::exception& e) {
        store_failed(operation, e, delay);
      }
      if (sleep_unless_stopped(delay, stop)) return false;
      delay = std::min(delay * 2, options.store_retry.max_delay);
    }
  }

  // ---- where each partition starts ----

  std::optional<std::int64_t> start_offset(const std::string& topic, std::int32_t partition,
                                           const std::atomic<bool>& stop) {
    if (!assignment_offsets) {
      std::vector<ConsumedOffset> stored;
      if (!with_store_retry("offsets", stop, [&](AuditStore& s) { stored = s.offsets(options.group_id); })) {
        throw service::StopRequested();
      }
      assignment_offsets.emplace();
      for (const auto& o : stored) (*assignment_offsets)[{o.topic, o.partition}] = o.next_offset;
    }
    const auto it = assignment_offsets->find({topic, partition});
    // Nothing journaled from this partition: all of it is to be journaled,
    // whatever Kafka has committed for the group.
    const std::int64_t offset = it == assignment_offsets->end() ? RdKafka::Topic::OFFSET_BEGINNING : it->second;
    log.info("partition starts at the journal's offset",
             {{"topic", topic}, {"partition", partition},
              {"offset", it == assignment_offsets->end() ? std::string("beginning") : std::to_string(offset)}});
    return offset;
  }

  void drop_revoked(const std::vector<kafka::TopicPartition>& revoked) {
    // Their new owner (maybe us again) starts from the stored offsets.
    std::erase_if(batch, [&](const Consumed& c) {
      return std::any_of(revoked.begin(), revoked.end(), [&](const kafka::TopicPartition& tp) {
        return tp.topic == c.topic && tp.partition == c.partition;
      });
    });
  }

  // ---- collecting ----

  void collect(const kafka::Message& m, const kafka::Ack& ack) {
    Consumed c;
    c.topic = std::string(m.topic);
    c.partition = m.partition;
    c.offset = m.offset;
    if (m.key) c.key = std::string(*m.key);
    c.value = std::string(m.value);
    c.tombstone = m.tombstone;
    c.timestamp_ms = m.timestamp_ms;
    c.headers = m.headers;
    c.ack = ack;
    records_family.Add({{"topic", c.topic}}).Increment();
    ++n_records;
    batch.push_back(std::move(c));
  }

  bool is_registrations(const std::string& topic) const {
    return !options.topics.location_updates.empty() && topic == options.topics.location_updates;
  }

  // Maps a record to its drafts, or says why it cannot be journaled.
  void map_record(Consumed& c, EpochMillis now) const {
    const SourceRecord source{c.topic, c.partition, c.offset};
    const bool is_call = c.topic == options.topics.emergency_calls;
    const bool is_lookup = !options.topics.elin_lookups.empty() && c.topic == options.topics.elin_lookups;
    const auto take = [&c](Result<EntryDraft> draft) {
      if (draft) c.drafts.push_back(std::move(*draft));
      else c.rejected = draft.error().message;
    };
    if (is_registrations(c.topic)) {
      // A tombstone on the compacted topic: the user withdrew it.
      take(c.tombstone ? draft_for_withdrawal(c.key, source, c.timestamp_ms, now)
                       : draft_for_location_update(c.value, source, now, options.json_limits));
      return;
    }
    if (c.tombstone) {
      c.rejected = std::string("value: null (a tombstone), not ") +
                   (is_call ? "an emergency call" : is_lookup ? "an ELIN lookup" : "a notification");
      return;
    }
    if (is_call) {
      auto drafts = drafts_for_emergency_call(c.value, source, now, options.json_limits);
      if (drafts) c.drafts = std::move(*drafts);
      else c.rejected = drafts.error().message;
    } else if (c.topic == options.topics.notifications) {
      take(draft_for_notification(c.value, source, now, options.json_limits));
    } else if (is_lookup) {
      take(draft_for_elin_lookup(c.value, source, now, options.json_limits));
    } else {
      c.rejected = "topic " + c.topic + ": not one the auditor journals";
    }
  }

  // ---- dead letters ----

  // Writes the dead letters of the batch and waits until Kafka has
  // acknowledged every one, rewriting those that failed. False if stopped
  // first (the batch is then not journaled).
  bool deliver_dead_letters(kafka::DeadLetterWriter& dlq, const std::atomic<bool>& stop) {
    struct Pending {
      std::mutex mu;
      std::condition_variable cv;
      std::size_t outstanding = 0;
      std::vector<std::size_t> failed;
    };
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!batch[i].rejected.empty()) todo.push_back(i);
    }
    auto delay = options.store_retry.initial_delay;
    while (!todo.empty()) {
      auto pending = std::make_shared<Pending>();
      pending->outstanding = todo.size();
      for (const auto i : todo) {
        const auto& c = batch[i];
        // A registration's reason may quote a value of a home address:
        // the log gets the field and what was wrong, the dead letter all.
        log.warn("record rejected; dead-lettered",
                 {{"topic", c.topic}, {"partition", c.partition}, {"offset", c.offset},
                  {"reason", is_registrations(c.topic) ? without_quoted_values(c.rejected) : c.rejected}});
        try {
          dlq.write(kafka::make_dead_letter("auditor", c.rejected, c.view(), now_millis()),
                    [pending, i](const kafka::DeliveryReport& report) {
                      std::lock_guard lock(pending->mu);
                      if (!report.ok()) pending->failed.push_back(i);
                      --pending->outstanding;
                      pending->cv.notify_all();
                    });
        } catch (const std::exception& e) {
          log.error("dead letter not enqueued", {{"topic", c.topic}, {"offset", c.offset}, {"error", e.what()}});
          std::lock_guard lock(pending->mu);
          pending->failed.push_back(i);
          --pending->outstanding;
        }
      }
      std::unique_lock lock(pending->mu);
      while (pending->outstanding > 0) {
        shell.mark_alive();
        if (stop.load(std::memory_order_relaxed)) return false;
        pending->cv.wait_for(lock, std::chrono::milliseconds(100));
      }
      for (const auto i : todo) {
        if (std::find(pending->failed.begin(), pending->failed.end(), i) == pending->failed.end()) {
          dead_letters_family.Add({{"topic", batch[i].topic}}).Increment();
          ++n_dead_letters;
        }
      }
      todo = pending->failed;
      lock.unlock();
      if (!todo.empty()) {
        log.error("dead letters not delivered; retrying", {{"records", todo.size()}, {"retry_in_ms", delay.count()}});
        if (sleep_unless_stopped(delay, stop)) return false;
        delay = std::min(delay * 2, options.store_retry.max_delay);
      }
    }
    return true;
  }

  // ---- journaling ----

  // The next offset per (topic, partition) of the batch's records, with
  // the first: the store refuses the batch if another instance journaled
  // those records meanwhile (ConsumedOffset::first_offset).
  std::vector<ConsumedOffset> next_offsets() const {
    std::map<PartitionKey, std::pair<std::int64_t, std::int64_t>> range;  // first, next
    for (const auto& c : batch) {
      const auto [it, added] = range.try_emplace({c.topic, c.partition}, c.offset, c.offset + 1);
      if (!added) {
        it->second.first = std::min(it->second.first, c.offset);
        it->second.second = std::max(it->second.second, c.offset + 1);
      }
    }
    std::vector<ConsumedOffset> out;
    out.reserve(range.size());
    for (const auto& [tp, r] : range) out.push_back({options.group_id, tp.first, tp.second, r.second, r.first});
    return out;
  }

  // Drops the records the store already has (after a failed attempt whose
  // commit may have gone through, or another member having taken over the
  // partition); those are acknowledged.
  void drop_journaled(AuditStore& s) {
    std::map<PartitionKey, std::int64_t> stored;
    for (const auto& o : s.offsets(options.group_id)) stored[{o.topic, o.partition}] = o.next_offset;
    std::vector<Consumed> kept;
    for (auto& c : batch) {
      const auto it = stored.find({c.topic, c.partition});
      if (it != stored.end() && c.offset < it->second) {
        c.ack.done();  // journaled already
        ++n_acked;
        continue;
      }
      kept.push_back(std::move(c));
    }
    if (kept.size() != batch.size()) {
      log.warn("records found journaled already after a store error; not written again",
               {{"records", batch.size() - kept.size()}});
    }
    batch = std::move(kept);
  }

  // Maps, dead-letters and journals the batch, then acknowledges it.
  // False if stopped before it was journaled (nothing acknowledged).
  bool write_batch(kafka::DeadLetterWriter& dlq, const std::atomic<bool>& stop) {
    const auto now = now_millis();
    for (auto& c : batch) map_record(c, now);
    if (!deliver_dead_letters(dlq, stop)) return false;

    bool retrying = false;
    std::vector<AuditEntry> sealed;
    const bool written = with_store_retry("ingest", stop, [&](AuditStore& s) {
      if (std::exchange(retrying, true)) drop_journaled(s);
      std::vector<EntryDraft> drafts;
      const auto at = now_millis();
      for (const auto& c : batch) {
        for (auto d : c.drafts) {
          d.at = at;
          drafts.push_back(std::move(d));
        }
      }
      const auto offsets = next_offsets();
      if (offsets.empty()) return;  // all of it journaled already
      const auto started = Clock::now();
      sealed = s.ingest(drafts, offsets, signer);
      ingest_duration.Add().Observe(std::chrono::duration<double>(Clock::now() - started).count());
      batches.Increment();
      ++n_batches;
    });
    if (!written) return false;
    for (const auto& e : sealed) entries_family.Add({{"kind", e.kind}}).Increment();
    n_entries += sealed.size();
    if (!sealed.empty()) set_last_seq(sealed.back().seq);
    for (const auto& c : batch) c.ack.done();
    n_acked += batch.size();
    log.debug("batch journaled", {{"records", batch.size()}, {"entries", sealed.size()},
                                  {"last_seq", last_seq.load()}});
    batch.clear();
    return true;
  }

  // ---- the shell's hooks (consumer thread) ----

  void starting(service::ConsumerService&) override {
    batch.clear();
    assignment_offsets.reset();
    log.info("consuming", {{"topics", joined(journaled_topics(options.topics))},
                           {"group_id", options.group_id}, {"store", name}, {"last_seq", last_seq.load()}});
  }

  std::optional<std::int64_t> start_offset(const std::string& topic, std::int32_t partition) override {
    return start_offset(topic, partition, *stop);
  }
  void assigned(const std::vector<kafka::TopicPartition>&) override { assignment_offsets.reset(); }
  void revoked(const std::vector<kafka::TopicPartition>& tps) override {
    assignment_offsets.reset();
    drop_revoked(tps);
  }

  void handle(const kafka::Message& m, const kafka::Ack& ack) override { collect(m, ack); }

  void after_poll(std::size_t) override {
    if (batch.empty()) return;
    // Stopped while the store or Kafka failed: nothing of the batch was
    // acknowledged.
    if (!write_batch(shell.dead_letters(), *stop)) throw service::StopRequested();
  }

  void stopped() override {
    if (!batch.empty()) {
      log.warn("stopped with records not journaled; they are read again at the next start",
               {{"records", batch.size()}});
      batch.clear();
    }
  }
};

AuditorService::AuditorService(AuditorServiceOptions options, AuditStoreOpener open_store, Signer signer,
                               observability::MetricsRegistry metrics)
    : state_(std::make_unique<State>(std::move(options), std::move(open_store), std::move(signer),
                                     std::move(metrics))) {}

AuditorService::~AuditorService() = default;

const std::string& AuditorService::store_name() const { return state_->name; }

void AuditorService::run(const std::atomic<bool>& stop) {
  auto& s = *state_;
  s.stop = &stop;
  std::thread watching;
  if (s.chain_watch) watching = std::thread([&] { s.chain_watch->run(); });
  // The watch ends with run(), however run() ends.
  struct StopWatching {
    std::optional<ChainWatch>& watch;
    std::thread& thread;
    ~StopWatching() {
      if (!thread.joinable()) return;
      watch->stop();
      thread.join();
    }
  } stop_watching{s.chain_watch, watching};
  s.shell.run(s, stop);
  s.log.info("stopped", {{"records", s.n_records.load()}, {"entries_written", s.n_entries.load()},
                         {"dead_letters", s.n_dead_letters.load()}, {"last_seq", s.last_seq.load()}});
}

observability::HealthStatus AuditorService::health() const {
  const auto& s = *state_;
  auto health = s.shell.health();
  if (!health.live) return health;
  if (const auto since = s.failing_since_ms.load(); since != 0) {
    // Live (restarting the process would not help; the batch is being
    // retried), but say why nothing is being journaled.
    std::lock_guard lock(s.failure_mu);
    return observability::HealthStatus::ok("audit store failing for " + std::to_string((steady_ms() - since) / 1000) +
                                           " s: " + s.store_failure);
  }
  return health;
}

bool AuditorService::started() const { return state_->shell.started(); }
bool AuditorService::has_partitions() const { return state_->shell.has_partitions(); }

AuditorServiceStats AuditorService::stats() const {
  const auto& s = *state_;
  AuditorServiceStats st;
  st.records = s.n_records.load();
  st.entries_written = s.n_entries.load();
  st.dead_letters = s.n_dead_letters.load();
  st.batches = s.n_batches.load();
  st.store_errors = s.n_store_errors.load();
  st.records_acked = s.n_acked.load();
  st.last_seq = s.last_seq.load();
  return st;
}

}  // namespace e911::auditor
