// The audit store's numbers (docs/benchmarks.md, "Auditor: store"):
//
//   ingest   journal entries per second through AuditStore::ingest, as the
//            auditor consumer writes them: per emergency call its
//            call.recorded and location.conveyed entries and two
//            notification records (sent, then acknowledged), sealed
//            (canonical JSON, SHA-256, HS256 JWS), inserted, the derived
//            call rows updated and the consumer offsets stored, one
//            transaction per batch.
//
//   audit_store_bench ingest [--store sqlite|postgresql|URL] [--calls N] [--batch RECORDS]
//
// --store postgresql starts a throwaway PostgreSQL server (Debian's
// postgresql binaries, as the tests do) on a loopback port; sqlite (the
// default) writes a file in a temporary directory with synchronous=FULL
// (the store's default: every committed batch is on disk).

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "consumers/auditor/audit_record.h"
#include "consumers/auditor/audit_store.h"
#include "consumers/auditor/chain_verifier.h"
#include "tests/auditor/journal_docs.h"
#include "tests/support/postgres_server.h"

namespace {

using namespace e911;
using namespace e911::auditor;
using Clock = std::chrono::steady_clock;

// This process's CPU time (user + system), seconds: on a shared machine
// the rate per CPU second says more than the wall clock alone.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Options {
  std::string command = "ingest";
  std::string store = "sqlite";
  std::size_t calls = 20000;
  std::size_t batch = 500;  // records per transaction (auditor.batch_max)
};

Options parse(int argc, char** argv) {
  Options o;
  if (argc > 1) o.command = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string_view name = argv[i];
    const std::string value = argv[i + 1];
    if (name == "--store") {
      o.store = value;
    } else if (name == "--calls") {
      o.calls = std::stoul(value);
    } else if (name == "--batch") {
      o.batch = std::stoul(value);
    } else {
      std::cerr << "unknown option " << name << "\n";
      std::exit(2);
    }
  }
  return o;
}

// The Kafka records of `calls` emergency calls, in the order an auditor
// would see them: each call, then its two notification records.
struct Record {
  bool is_call = false;
  std::string text;
};
std::vector<Record> records_for(std::size_t calls) {
  std::vector<Record> out;
  out.reserve(calls * 3);
  for (std::size_t i = 0; i < calls; ++i) {
    auditor::test::CallDoc c;
    c.call_id = "bench-c-" + std::to_string(i);
    c.occurred_at = 1795255200000 + static_cast<EpochMillis>(i) * 1000;
    c.site_id = "site-" + std::to_string(i % 50);
    c.dispatchable = i % 20 != 0;
    out.push_back({true, auditor::test::emergency_call_json(c)});
    auditor::test::NotificationDoc n;
    n.call_id = c.call_id;
    n.notification_id = c.call_id + "/list/0/sms";
    n.call_occurred_at = c.occurred_at;
    n.latency_ms = 150 + static_cast<std::int64_t>(i % 400);
    out.push_back({false, auditor::test::notification_json(n)});
    n.status = "acknowledged";
    n.acknowledged_by = "Desk";
    n.latency_ms += 30000;
    out.push_back({false, auditor::test::notification_json(n)});
  }
  return out;
}

int ingest(const Options& o) {
  std::unique_ptr<e911::test::PostgresServer> server;
  std::filesystem::path dir;
  std::string url = o.store;
  if (o.store == "postgresql") {
    server = std::make_unique<e911::test::PostgresServer>();
    url = server->url(server->create_database());
  } else if (o.store == "sqlite") {
    dir = std::filesystem::temp_directory_path() / ("audit-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    url = "sqlite:" + (dir / "audit.db").string();
  }
  auto store = open_audit_store(url);
  auto signer = Signer::hs256("k-bench", "bench-secret-0123456789abcdef0123456789abcdef");
  const auto records = records_for(o.calls);

  const auto start = Clock::now();
  const auto cpu_start = cpu_seconds();
  std::size_t entries = 0;
  double map_seconds = 0;
  for (std::size_t at = 0; at < records.size(); at += o.batch) {
    const auto end = std::min(records.size(), at + o.batch);
    const auto map_start = Clock::now();
    std::vector<EntryDraft> drafts;
    const auto now = now_millis();
    for (auto i = at; i < end; ++i) {
      const auto& r = records[i];
      const SourceRecord source{r.is_call ? "e911.emergency-calls" : "e911.notifications", 0,
                                static_cast<std::int64_t>(i)};
      if (r.is_call) {
        auto d = drafts_for_emergency_call(r.text, source, now);
        for (auto& x : *d) drafts.push_back(std::move(x));
      } else {
        drafts.push_back(*draft_for_notification(r.text, source, now));
      }
    }
    map_seconds += std::chrono::duration<double>(Clock::now() - map_start).count();
    store->ingest(drafts, {{"bench", "e911.emergency-calls", 0, static_cast<std::int64_t>(end)}}, *signer);
    entries += drafts.size();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu_start;
  std::printf("store %s: %zu calls, %zu records, %zu entries in %.2f s: %.0f entries/s (%.0f records/s); "
              "mapping records to drafts %.2f s of it; batch %zu records; this process's CPU %.2f s "
              "(%.0f entries per CPU second)\n",
              store->name().c_str(), o.calls, records.size(), entries, seconds, entries / seconds,
              records.size() / seconds, map_seconds, o.batch, cpu, entries / cpu);

  Keyring keyring;
  keyring.add_verifier_of(*signer);
  const auto verify_start = Clock::now();
  const auto r = verify_chain(entries_from(*store), keyring);
  const double verify_seconds = std::chrono::duration<double>(Clock::now() - verify_start).count();
  std::printf("verify: %s, %lld entries in %.2f s (%.0f entries/s)\n", r.ok ? "ok" : r.reason.c_str(),
              static_cast<long long>(r.entries), verify_seconds, r.entries / verify_seconds);
  store.reset();
  if (!dir.empty()) std::filesystem::remove_all(dir);
  return r.ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parse(argc, argv);
  try {
    if (o.command == "ingest") return ingest(o);
    std::cerr << "usage: audit_store_bench ingest [--store sqlite|postgresql|URL] [--calls N] [--batch N]\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "audit_store_bench: " << e.what() << "\n";
    return 1;
  }
}
