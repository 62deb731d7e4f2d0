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
//   queries  with N calls stored (default 1,000,000 over one year, 50
//            sites), the time of a one-month compliance report, of a
//            filtered page (one month, one site, notified, 100 calls), of
//            page 50 of a month (by cursor), of other filters and of an
//            all-time report: the queries `e911 audit report|query` and the HTTP API
//            run (call_query.h). The call rows are written directly (the
//            journal is not what these queries read); then ANALYZE.
//
//   audit_store_bench ingest [--store sqlite|postgresql|URL] [--calls N] [--batch RECORDS]
//   audit_store_bench queries [--store sqlite|postgresql|URL] [--calls N]
//
// --store postgresql starts a throwaway PostgreSQL server (Debian's
// postgresql binaries, as the tests do) on a loopback port; sqlite (the
// default) writes a file in a temporary directory with synchronous=FULL
// (the store's default: every committed batch is on disk).

#include <sys/resource.h>
#include <unistd.h>

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
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
#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/console/console_pages.h"
#include "consumers/auditor/report/compliance_overview.h"
#include "consumers/auditor/report/pdf_report.h"
#include "consumers/auditor/report/report_document.h"
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
  std::size_t calls = 0;  // 0: 20,000 for ingest, 1,000,000 for queries
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

// The store the options name; `server`/`dir` keep a throwaway one alive.
std::unique_ptr<AuditStore> open_bench_store(const Options& o, std::unique_ptr<e911::test::PostgresServer>& server,
                                             std::filesystem::path& dir) {
  std::string url = o.store;
  if (o.store == "postgresql") {
    server = std::make_unique<e911::test::PostgresServer>();
    url = server->url(server->create_database());
  } else if (o.store == "sqlite") {
    dir = std::filesystem::temp_directory_path() / ("audit-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    url = "sqlite:" + (dir / "audit.db").string();
  }
  return open_audit_store(url);
}

int ingest(const Options& o) {
  std::unique_ptr<e911::test::PostgresServer> server;
  std::filesystem::path dir;
  auto store = open_bench_store(o, server, dir);
  auto signer = Signer::hs256("k-bench", "bench-secret-0123456789abcdef0123456789abcdef");
  const std::size_t calls = o.calls == 0 ? 20000 : o.calls;
  const auto records = records_for(calls);

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
              store->name().c_str(), calls, records.size(), entries, seconds, entries / seconds,
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


constexpr EpochMillis kYearStart = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr EpochMillis kYear = 365LL * 86400000;
constexpr int kSites = 50;

// `calls` call rows spread evenly over 2026, as ingest would leave them.
void load_calls(AuditStore& store, std::size_t calls) {
  using Poco::Data::Keywords::bind;
  constexpr std::size_t kRows = 250;
  const EpochMillis step = kYear / static_cast<EpochMillis>(calls);
  for (std::size_t at = 0; at < calls; at += 20000) {
    store.in_write_transaction("load", [&](Poco::Data::Session& session) {
      for (std::size_t i = at; i < std::min(calls, at + 20000); i += kRows) {
        const auto n = std::min(kRows, calls - i);
        std::string text =
            "INSERT INTO audit_calls (call_id, call_class, dialed, occurred_at, site_id, caller_user_id, caller_name, "
            "caller_extension, callback, location_source, location_label, location_address, dispatchable, warnings, "
            "routing, notify_list, alerts_total, alerts_delivered, alerts_failed, alerts_escalated, "
            "first_alert_latency_ms, notified, all_delivered) VALUES ";
        for (std::size_t r = 0; r < n; ++r) {
          text += (r == 0 ? "" : ", ") + std::string("(?, ?, '911', ?, ?, ?, ?, ?, ?, 'subnet', 'HQ, Floor 3', "
                                                     "'500 Congress Ave, Austin, TX, US', ?, '', 'psap', 'security', "
                                                     "2, ?, ?, 0, ?, ?, ?)");
        }
        Poco::Data::Statement stmt(session);
        stmt << store.sql(text);
        for (std::size_t r = i; r < i + n; ++r) {
          const auto k = static_cast<Poco::Int64>(r);
          const bool notified = r % 97 != 0;
          stmt, bind("bench-c-" + std::to_string(r)), bind(std::string(r % 10 == 0 ? "test" : "emergency")),
              bind(static_cast<Poco::Int64>(kYearStart + k * step)), bind("site-" + std::to_string(r % kSites)),
              bind("u-" + std::to_string(r % 5000)), bind("Caller " + std::to_string(r % 5000)),
              bind(std::to_string(1000 + r % 5000)), bind("+1512555" + std::to_string(1000 + r % 5000)),
              bind(static_cast<Poco::Int64>(r % 20 != 0)), bind(static_cast<Poco::Int64>(notified ? 2 : 0)),
              bind(static_cast<Poco::Int64>(notified ? 0 : 2)), bind(static_cast<Poco::Int64>(150 + (k * 7919) % 900)),
              bind(static_cast<Poco::Int64>(notified)), bind(static_cast<Poco::Int64>(notified));
        }
        stmt.execute();
      }
    });
  }
  store.with_connection("analyze", [](Poco::Data::Session& session) {
    Poco::Data::Statement stmt(session);
    stmt << "ANALYZE";
    stmt.execute();
  });
}

// Runs `what` `runs` times; prints the median and the slowest.
template <typename F>
void time_it(const char* name, int runs, F&& what) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    what();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf("  %-58s median %8.1f ms   max %8.1f ms   (%d runs)\n", name, ms[ms.size() / 2], ms.back(), runs);
}

int queries(const Options& o) {
  std::unique_ptr<e911::test::PostgresServer> server;
  std::filesystem::path dir;
  auto store = open_bench_store(o, server, dir);
  const std::size_t calls = o.calls == 0 ? 1'000'000 : o.calls;
  const auto load_start = Clock::now();
  load_calls(*store, calls);
  std::printf("store %s: %zu calls over 2026 in %d sites loaded in %.1f s\n", store->name().c_str(), calls, kSites,
              std::chrono::duration<double>(Clock::now() - load_start).count());

  const EpochMillis may = kYearStart + 120LL * 86400000;  // 2026-05-01
  CallFilter month;
  month.from = may;
  month.to = may + 31LL * 86400000;
  std::size_t month_calls = 0;
  time_it("one-month compliance report (all sites)", 5, [&] {
    const auto r = compliance_report(*store, month);
    month_calls = r.overall.emergency_calls + r.overall.test_calls;
  });
  std::printf("    (%zu calls in the month)\n", month_calls);
  // What the console's overview page and the PDF report add to the report
  // above: the latency histogram, calls per day, the failing calls and the
  // registrations (compliance_overview), then the page or the PDF, as the
  // console's router and `e911 audit report --pdf` make them.
  time_it("one-month compliance overview (figures only)", 5, [&] { compliance_overview(*store, month); });
  std::size_t page_bytes = 0;
  time_it("one-month console overview page (figures, charts, HTML)", 5, [&] {
    auto figures = compliance_overview(*store, month);
    console::OverviewView view;
    view.charts = console::overview_charts(figures);
    view.report = std::move(figures.report);
    view.failing_calls = std::move(figures.failing_calls);
    view.failing_total = figures.failing_total;
    view.registrations = figures.registrations;
    page_bytes = console::overview_body(view).size();
  });
  std::printf("    (%zu bytes of HTML)\n", page_bytes);
  const auto pdf_dir = std::filesystem::temp_directory_path() / ("audit-bench-pdf-" + std::to_string(::getpid()));
  std::filesystem::create_directories(pdf_dir);
  std::size_t pdf_pages = 0;
  time_it("one-month PDF report (figures, charts, PDF written)", 5, [&] {
    ReportContext context;
    context.store = store->name();
    context.not_verified = "not verified (benchmark)";
    const auto document = compliance_report_document(compliance_overview(*store, month), context);
    pdf_pages = write_report_pdf(document, (pdf_dir / "report.pdf").string(), PaperSize::a4);
  });
  std::printf("    (%zu pages)\n", pdf_pages);
  std::filesystem::remove_all(pdf_dir);
  CallFilter site = month;
  site.site = "site-7";
  site.notified = true;
  std::size_t rows = 0;
  time_it("filtered page: month, site, notified, 100 calls", 20, [&] {
    rows = query_calls(*store, site, PageRequest{100, ""})->calls.size();
  });
  std::string cursor;
  for (int i = 0; i < 49; ++i) cursor = query_calls(*store, month, PageRequest{100, cursor})->next_cursor;
  time_it("page 50 of the month, all sites (by cursor)", 20,
          [&] { rows = query_calls(*store, month, PageRequest{100, cursor})->calls.size(); });
  CallFilter dispatchable = month;
  dispatchable.dispatchable = false;
  time_it("page: month, not dispatchable, all sites, 100 calls", 20,
          [&] { rows = query_calls(*store, dispatchable, PageRequest{100, ""})->calls.size(); });
  CallFilter caller;
  caller.caller = "+15125551234";
  caller.from = month.from;
  caller.to = month.to;
  time_it("page: month, one caller's callback number", 20,
          [&] { rows = query_calls(*store, caller, PageRequest{100, ""})->calls.size(); });
  time_it("all-time compliance report (all sites)", 3, [&] { compliance_report(*store, CallFilter{}); });
  store.reset();
  if (!dir.empty()) std::filesystem::remove_all(dir);
  return rows > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parse(argc, argv);
  try {
    if (o.command == "ingest") return ingest(o);
    if (o.command == "queries") return queries(o);
    std::cerr << "usage: audit_store_bench ingest|queries [--store sqlite|postgresql|URL] [--calls N] [--batch N]\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "audit_store_bench: " << e.what() << "\n";
    return 1;
  }
}
