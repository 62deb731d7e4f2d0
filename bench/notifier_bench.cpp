// The notifier (NotifierService, as `e911 notifier` runs it) on the embedded
// broker (librdkafka's mock cluster on loopback, in this process), with its
// real SmtpTransport talking to an SMTP server on loopback. Four scenarios;
// results and how to read them: docs/benchmarks-notifier.md (and, for (d),
// docs/benchmarks.md "Ingest: SIP INVITE to first alert").
//
//   build-bench/bench/notifier_bench                          # all three, ~5 min
//   build-bench/bench/notifier_bench --scenario smtp          # (a) call -> SMTP accepted
//   build-bench/bench/notifier_bench --scenario first-alert   # (b) call event -> first alert, beside a bare hop
//   build-bench/bench/notifier_bench --scenario storm         # (c) 10,000 calls at once: drain time, memory
//   build-bench/bench/notifier_bench --scenario sip           # (d) SIP INVITE at the ingest -> first alert
//   build-bench/bench/notifier_bench --sink-quickack          # the same with the 40 ms Nagle stall removed
//
// (a) Emergency calls (real locator output: the simulator's scenarios run
//     through LocatorCore) are produced to e911.emergency-calls at --rate
//     calls/s; every call alerts a list of --recipients e-mail contacts.
//     Each alert is timed from the moment its call was readable on Kafka
//     (a separate consumer, group "bench-readable", with the notifier's
//     client settings, read it) to the moment the SMTP server accepted the
//     message (the sink's timestamp taken just before it writes the final
//     "250" after the DATA terminator, matched by X-E911-Notification-Id).
//     From produce() and from the delivery report are printed too.
// (b) The locator and the notifier on the same broker: simulated call
//     events at --b-rate events/s (--b-emergency-share of them emergency
//     calls) to e911.call-events; each emergency call timed from produce()
//     of its call event to the first of its alerts accepted by the SMTP
//     server; in the same run, half a period after each call event, a bare
//     produce -> consume hop on a spare topic with the same client settings.
// (c) --storm-calls emergency calls produced at once, as fast as the
//     producer goes, to a running notifier: time until every alert is
//     accepted, the high-water mark of pending alerts, the process's peak
//     and final resident memory (VmHWM, reset before the storm), RSS and
//     pending alerts each second. --storm-recipients contacts per list (2 by
//     default: 10 takes ~10 min on the 2-core machine, see the docs).
// (d) The whole alerting path from the telephony side: the ingest (SIP
//     mirror listener on loopback UDP, forwarding non-emergency calls),
//     the locator and the notifier on one broker. --d-background-rate
//     non-emergency INVITEs/s and --d-call-rate emergency-call INVITEs/s
//     (the simulator's scenarios SIP can carry), each datagram as Kamailio's
//     siptrace mirrors it; each emergency call timed from sendto() of its
//     INVITE to the first of its alerts accepted by the SMTP server. The
//     reference, in the same run: three bare Kafka hops (produce -> consume
//     on a spare topic, half a period after each emergency call) plus one
//     SMTP exchange (the notifier's send() start -> the server's final 250),
//     at each percentile.
//
// Notifier options: NotifierServiceOptions defaults (8 workers per channel,
// max_pending_alerts 20,000, synchronous=NORMAL), a fresh SQLite state in a
// temporary folder per scenario, no acknowledgement links (ack_base_url
// empty), only the e-mail channel configured. Logging at warn unless
// E911_LOG_LEVEL is set.
//
// The SMTP server is, by default, a minimal sink in this process (one epoll
// thread on 127.0.0.1: 220/250/354/250/221, no parsing beyond two headers),
// so that it neither limits the rate nor adds its own noise. --smtp python
// runs the project's aiosmtpd test server (tests/notifier/peers/smtp_server.py)
// instead; acceptance is then the moment SmtpTransport::send() returned
// (client side, one QUIT round trip later). --transport outbox uses the
// OutboxTransport (an .eml file per alert) instead of SMTP.
//
// A plain main(): the bench links benchmark::benchmark, not benchmark_main.

#include <arpa/inet.h>
#include <fcntl.h>
#include <librdkafka/rdkafkacpp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bench/support/args.h"
#include "bench/support/locator_options.h"
#include "bench/support/paced_run.h"
#include "bench/support/paced_setup.h"
#include "bench/support/report.h"
#include "bench/support/service_thread.h"
#include "bench/support/sim_stream.h"
#include "bench/support/smtp_sink.h"
#include "bench/support/threads.h"
#include "bench/support/topic_reader.h"
#include "common/config.h"
#include "common/emergency_call.h"
#include "common/kafka/consumer.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/producer.h"
#include "common/kafka/properties.h"
#include "common/log.h"
#include "common/observability/metrics_registry.h"
#include "common/timestamp.h"
#include "consumers/locator/locator_core.h"
#include "consumers/locator/locator_service.h"
#include "registry/registry_loader.h"
#include "consumers/notifier/notifier_service.h"
#include "consumers/notifier/outbox_transport.h"
#include "consumers/notifier/smtp_transport.h"
#include "common/service/wait.h"
#include "tests/support/temp_dir.h"
#include "producers/ingest/ingest_service.h"
#include "producers/ingest/sip_call_event.h"
#include "producers/simulator/sip_invite.h"
#include "producers/simulator/traffic.h"

namespace {

using namespace e911;
using namespace e911::bench;
using simulator::SimEvent;
namespace fs = std::filesystem;

extern "C" char** environ;

constexpr const char* kUsage =
    "usage: notifier_bench [options]\n"
    "  --scenario all|smtp|first-alert|storm|sip   which scenarios, comma-separated (all)\n"
    "  --registry FILE           site registry whose sites and zones are used (" E911_SHARED_DIR
    "/fixtures/registry.yaml);\n"
    "                            its notification lists are replaced by --recipients e-mail contacts each\n"
    "  --recipients N            e-mail contacts per notification list (10)\n"
    "  --smtp sink|python        SMTP server: the in-process sink (default) or the aiosmtpd test server\n"
    "  --sink-quickack           the sink ACKs every segment at once (TCP_QUICKACK after each read):\n"
    "                            shows what a client with TCP_NODELAY would get (see the docs)\n"
    "  --transport smtp|outbox   the notifier's e-mail transport (smtp)\n"
    "  --workers N               NotifierServiceOptions::workers_per_channel (8, the default)\n"
    "  --max-pending N           NotifierServiceOptions::max_pending_alerts (20000, the default)\n"
    "  --durability normal|full  the notifier's SQLite synchronous setting (normal, the default)\n"
    "  --set KEY=VALUE           librdkafka property for every client, repeatable\n"
    "  --seed N                  simulator seed (7)\n"
    "  --state-dir DIR           where the temporary state folders go ($TMPDIR or /tmp)\n"
    "  --warmup-seconds W        paced but unmeasured seconds first, in (a), (b) and (d) (3)\n"
    " (a) smtp:\n"
    "  --rate R                  emergency calls per second (50)\n"
    "  --seconds S               measured seconds (20)\n"
    " (b) first-alert:\n"
    "  --b-rate R                call events per second (500)\n"
    "  --b-emergency-share F     share of emergency calls among them (0.10)\n"
    "  --b-seconds S             measured seconds (20)\n"
    " (c) storm:\n"
    "  --storm-calls N           emergency calls produced at once (10000)\n"
    "  --storm-recipients N      e-mail contacts per list in the storm (2: 10,000 x 10 takes ~10 min here)\n"
    " (d) sip:\n"
    "  --d-background-rate R     non-emergency INVITEs per second (2000)\n"
    "  --d-call-rate R           emergency-call INVITEs per second (50)\n"
    "  --d-seconds S             measured seconds (20)\n";

struct Args : PipelineArgs {
  Args() {
    registry = std::string(E911_SHARED_DIR) + "/fixtures/registry.yaml";
    seconds = 20;
  }
  std::string scenarios = "smtp,first-alert,storm,sip";
  int recipients = 10;
  std::string smtp = "sink";
  bool sink_quickack = false;
  std::string transport = "smtp";
  std::size_t workers = 8;
  std::size_t max_pending = 20000;
  notifier::Durability durability = notifier::Durability::normal;
  std::string state_root;
  double rate = 50;
  double b_rate = 500;
  double b_emergency_share = 0.10;
  double b_seconds = 20;
  std::size_t storm_calls = 10000;
  int storm_recipients = 2;
  double d_background_rate = 2000;
  double d_call_rate = 50;
  double d_seconds = 20;
  bool scenario(const std::string& name) const {
    return ("," + scenarios + ",").find("," + name + ",") != std::string::npos;
  }
};

Args parse_args(int argc, char** argv) {
  Args a;
  ArgReader in(argc, argv, "notifier_bench", kUsage);
  while (in.next()) {
    const std::string& arg = in.arg();
    if (read_pipeline_option(in, a)) continue;
    if (arg == "--scenario") {
      a.scenarios = in.value();
      if (a.scenarios == "all") a.scenarios = "smtp,first-alert,storm,sip";
      std::stringstream ss(a.scenarios);
      for (std::string s; std::getline(ss, s, ',');) {
        if (s != "smtp" && s != "first-alert" && s != "storm" && s != "sip") in.usage_error("unknown scenario " + s);
      }
    } else if (arg == "--recipients") {
      a.recipients = static_cast<int>(in.number(1, 1000));
    } else if (arg == "--smtp") {
      a.smtp = in.value();
      if (a.smtp != "sink" && a.smtp != "python") in.usage_error("--smtp: sink or python");
    } else if (arg == "--sink-quickack") {
      a.sink_quickack = true;
    } else if (arg == "--transport") {
      a.transport = in.value();
      if (a.transport != "smtp" && a.transport != "outbox") in.usage_error("--transport: smtp or outbox");
    } else if (arg == "--workers") {
      a.workers = static_cast<std::size_t>(in.number(1, 1000));
    } else if (arg == "--max-pending") {
      a.max_pending = static_cast<std::size_t>(in.number(1, 1e9));
    } else if (arg == "--durability") {
      const auto v = in.value();
      if (v == "normal") {
        a.durability = notifier::Durability::normal;
      } else if (v == "full") {
        a.durability = notifier::Durability::full;
      } else {
        in.usage_error("--durability: normal or full");
      }
    } else if (arg == "--state-dir") {
      a.state_root = in.value();
    } else if (arg == "--rate") {
      a.rate = in.number(0.1, 1e5);
    } else if (arg == "--b-rate") {
      a.b_rate = in.number(1, 1e6);
    } else if (arg == "--b-emergency-share") {
      a.b_emergency_share = in.number(0.001, 1);
    } else if (arg == "--b-seconds") {
      a.b_seconds = in.number(1, 3600);
    } else if (arg == "--storm-calls") {
      a.storm_calls = static_cast<std::size_t>(in.number(1, 1e7));
    } else if (arg == "--storm-recipients") {
      a.storm_recipients = static_cast<int>(in.number(1, 1000));
    } else if (arg == "--d-background-rate") {
      a.d_background_rate = in.number(0, 1e6);
    } else if (arg == "--d-call-rate") {
      a.d_call_rate = in.number(0.1, 1e5);
    } else if (arg == "--d-seconds") {
      a.d_seconds = in.number(1, 3600);
    } else {
      in.unknown();
    }
  }
  if (a.state_root.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    a.state_root = tmp && *tmp ? tmp : "/tmp";
  }
  return a;
}



// ---------------------------------------------------------------------------
// Memory and CPU of this process.

// A field of /proc/self/status in kB (VmRSS, VmHWM), or -1.
long status_kb(const char* field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(f, line)) {
    if (line.rfind(prefix, 0) == 0) return std::strtol(line.c_str() + prefix.size(), nullptr, 10);
  }
  return -1;
}
double mib(long kb) { return static_cast<double>(kb) / 1024.0; }

// The machine's load averages (1, 5, 15 min): other work on the shared VM.
std::string loadavg() {
  std::ifstream f("/proc/loadavg");
  double a = 0, b = 0, c = 0;
  f >> a >> b >> c;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", a, b, c);
  return buf;
}

// Resets VmHWM to the current RSS (Linux >= 4.0: "5" to clear_refs).
bool reset_peak_rss() {
  std::ofstream f("/proc/self/clear_refs");
  f << "5";
  f.flush();
  return static_cast<bool>(f);
}


// ---------------------------------------------------------------------------
// Statistics.

void print_header() {
  std::printf("    %-52s %7s %8s %8s %8s %8s %8s %8s %8s  (ms)\n", "", "n", "min", "mean", "p50", "p95", "p99",
              "p99.9", "max");
}
void print_row(const std::string& name, const Percentiles& p) {
  std::printf("    %-52s %7zu %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f\n", name.c_str(), p.n, p.min, p.mean, p.p50,
              p.p95, p.p99, p.p999, p.max);
}

// ---------------------------------------------------------------------------
// The project's aiosmtpd test server as a child process (no --maildir: it
// parses each message and answers 250, writing nothing).
class PythonSmtp {
 public:
  PythonSmtp() {
    const std::string script = std::string(E911_SOURCE_DIR) + "/tests/notifier/peers/smtp_server.py";
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    // aiosmtpd 1.4 warns on stderr for every message (Session.login_data).
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    std::vector<std::string> argv_s{"/usr/bin/python3", script};
    std::vector<char*> argv;
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(fds[1]);
    if (rc != 0) throw std::runtime_error(std::string("spawn python3: ") + std::strerror(rc));
    std::string out;
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (out.find('\n') == std::string::npos && Clock::now() < deadline) {
      pollfd p{fds[0], POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char buf[256];
      const auto n = ::read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    const auto at = out.find("port=");
    if (at == std::string::npos) throw std::runtime_error("smtp_server.py did not start: " + out);
    port_ = static_cast<std::uint16_t>(std::stoi(out.substr(at + 5)));
  }
  ~PythonSmtp() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

// ---------------------------------------------------------------------------
// The notifier's e-mail transport, timed: when each send() started and
// returned (the worker's view).

struct SendTiming {
  std::string call_id;
  std::string notification_id;
  Clock::time_point start, end;
  bool accepted = false;
};

class TimedTransport final : public notifier::Transport {
 public:
  TimedTransport(std::shared_ptr<notifier::Transport> inner, bool record) : inner_(std::move(inner)), record_(record) {}
  notifier::SendResult send(const notifier::OutgoingAlert& alert) override {
    const auto start = Clock::now();
    auto r = inner_->send(alert);
    const auto end = Clock::now();
    if (record_ || !r.accepted()) {
      std::lock_guard lock(mu_);
      if (record_) log_.push_back({alert.call_id, alert.notification_id, start, end, r.accepted()});
      if (!r.accepted() && errors_.size() < 5) errors_.push_back(r.error);
    }
    if (r.accepted()) accepted_.fetch_add(1);
    return r;
  }
  std::string_view name() const override { return inner_->name(); }
  std::uint64_t accepted() const { return accepted_.load(); }
  std::vector<SendTiming> snapshot() const {
    std::lock_guard lock(mu_);
    return log_;
  }
  std::vector<std::string> errors() const {
    std::lock_guard lock(mu_);
    return errors_;
  }

 private:
  std::shared_ptr<notifier::Transport> inner_;
  bool record_ = true;
  std::atomic<std::uint64_t> accepted_{0};
  mutable std::mutex mu_;
  std::vector<SendTiming> log_;
  std::vector<std::string> errors_;
};

// Where alerts go, per scenario: the SMTP server (sink or aiosmtpd) or the
// outbox, behind a TimedTransport.
class Delivery {
 public:
  // record: keep per-alert timings (the storm only counts, so that the
  // bench's own logs do not show in the process's memory).
  Delivery(const Args& args, const std::string& outbox_dir, bool record = true) {
    std::shared_ptr<notifier::Transport> inner;
    if (args.transport == "outbox") {
      inner = std::make_shared<notifier::OutboxTransport>(outbox_dir);
      what_ = "OutboxTransport (" + outbox_dir + "); accepted = send() returned";
    } else {
      if (args.smtp == "python") {
        python_ = std::make_unique<PythonSmtp>();
      } else {
        sink_ = std::make_unique<SmtpSink>(args.sink_quickack, record);
      }
      notifier::SmtpSettings smtp;
      smtp.host = "127.0.0.1";
      smtp.port = sink_ ? sink_->port() : python_->port();
      smtp.tls = notifier::SmtpSettings::Tls::none;
      smtp.from = "E911 Alerts <e911@example.com>";
      smtp.helo_name = "e911-bench";
      inner = std::make_shared<notifier::SmtpTransport>(smtp);
      what_ = sink_ ? "SmtpTransport -> in-process SMTP sink 127.0.0.1:" + std::to_string(smtp.port) +
                          "; accepted = the sink's final 250" +
                          (args.sink_quickack ? "; the sink ACKs every segment at once (--sink-quickack)" : "")
                    : "SmtpTransport -> aiosmtpd (tests/notifier/peers/smtp_server.py) 127.0.0.1:" +
                          std::to_string(smtp.port) + "; accepted = send() returned";
    }
    timed_ = std::make_shared<TimedTransport>(inner, record);
  }
  std::shared_ptr<notifier::Transport> transport() const { return timed_; }
  const std::string& what() const { return what_; }
  int sink_tid() const { return sink_ ? sink_->tid() : 0; }
  bool server_side() const { return sink_ != nullptr; }
  std::uint64_t accepted() const { return sink_ ? sink_->accepted() : timed_->accepted(); }
  std::uint64_t connections() const { return sink_ ? sink_->connections() : 0; }
  std::vector<std::string> errors() const { return timed_->errors(); }

  // Every accepted alert: call id, notification id, accepted at (the
  // sink's time when there is one, else send() returned), with the
  // worker's send() start and end.
  struct Row {
    std::string call_id, notification_id;
    Clock::time_point accepted, send_start, send_end;
  };
  std::vector<Row> rows() const {
    const auto sends = timed_->snapshot();
    std::unordered_map<std::string, const SendTiming*> by_id;
    for (const auto& s : sends) {
      if (s.accepted) by_id[s.notification_id] = &s;
    }
    std::vector<Row> out;
    if (sink_) {
      for (auto& a : sink_->snapshot()) {
        Row r{a.call_id, a.notification_id, a.at, a.at, a.at};
        if (const auto it = by_id.find(a.notification_id); it != by_id.end()) {
          r.send_start = it->second->start;
          r.send_end = it->second->end;
        }
        out.push_back(std::move(r));
      }
    } else {
      for (const auto& s : sends) {
        if (s.accepted) out.push_back({s.call_id, s.notification_id, s.end, s.start, s.end});
      }
    }
    return out;
  }

 private:
  std::unique_ptr<SmtpSink> sink_;
  std::unique_ptr<PythonSmtp> python_;
  std::shared_ptr<TimedTransport> timed_;
  std::string what_;
};

// Labels the SMTP sink's thread (when there is one) and prints what delivers.
void announce(const Delivery& delivery, ThreadLabels& labels) {
  if (delivery.sink_tid()) labels.set(delivery.sink_tid(), "SMTP sink");
  std::printf("  delivery: %s\n", delivery.what().c_str());
}

// ---------------------------------------------------------------------------
// Registry and documents.

// The registry at `path` with its notification lists replaced: every list
// the sites name (and corporate-soc, made the fallback list) gets
// `recipients` e-mail contacts.
std::string bench_registry_text(const std::string& path, int recipients) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  const auto lists_at = text.find("\nnotification_lists:");
  const auto sites_at = text.find("\nsites:");
  if (lists_at == std::string::npos || sites_at == std::string::npos || sites_at < lists_at) {
    throw std::runtime_error(path + ": expected a notification_lists: block before sites:");
  }
  std::set<std::string> names{"corporate-soc"};
  for (std::size_t at = text.find("notify:", sites_at); at != std::string::npos; at = text.find("notify:", at + 7)) {
    auto begin = at + 7;
    while (begin < text.size() && text[begin] == ' ') ++begin;
    auto end = begin;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-' ||
                                 text[end] == '_')) {
      ++end;
    }
    if (end > begin) names.insert(text.substr(begin, end - begin));
  }
  std::string lists = "\nnotification_lists:\n";
  for (const auto& name : names) {
    lists += "  " + name + ":\n";
    for (int i = 1; i <= recipients; ++i) {
      lists += "    - {name: \"Security officer " + std::to_string(i) + "\", email: \"officer" + std::to_string(i) +
               "@" + name + ".example.com\"}\n";
    }
  }
  text = text.substr(0, lists_at) + lists + text.substr(sites_at);
  const auto defaults_at = text.find("\ndefaults:\n");
  if (defaults_at == std::string::npos) throw std::runtime_error(path + ": expected a defaults: block");
  if (text.find("fallback_list:") == std::string::npos) {
    text.insert(defaults_at + 11, "  fallback_list: corporate-soc\n");
  }
  return text;
}

std::string write_registry(const std::string& dir, const std::string& text) {
  const std::string path = dir + "/registry.yaml";
  std::ofstream(path) << text;
  return path;
}

std::shared_ptr<const registry::Registry> load_registry(const std::string& path) {
  auto load = registry::load_registry_file(path);
  if (!load.ok()) {
    std::string why;
    for (const auto& d : load.errors) why += registry::format_diagnostic(path, d) + "\n";
    throw std::runtime_error("bench registry does not load:\n" + why);
  }
  return load.registry;
}

struct CallDoc {
  std::string call_id;
  std::string notify;  // the list named in the document ("" -> fallback)
  std::string json;
};

// `n` emergency-call documents as the locator writes them: the simulator's
// scenarios (cycled) run through LocatorCore and encoded.
std::vector<CallDoc> emergency_documents(std::shared_ptr<const registry::Registry> registry, std::size_t n,
                                         std::uint64_t seed) {
  simulator::TrafficSimulator sim(registry, seed, now_millis() - 3'600'000);
  locator::LocatorCore core(registry, 2 * n + 1000);
  std::vector<CallDoc> out;
  out.reserve(n);
  while (out.size() < n) {
    const auto tour = sim.scenarios();
    if (tour.empty()) throw std::runtime_error("the registry supports no emergency scenario");
    for (const auto& e : tour) {
      auto outcome = core.process(e.payload);
      if (e.kind != SimEvent::Kind::call || !outcome.call) continue;
      CallDoc d;
      d.json = encode_emergency_call(*outcome.call);
      d.call_id = json_string_field(d.json, "call_id").value_or("");
      d.notify = json_string_field(d.json, "notify").value_or("");
      out.push_back(std::move(d));
      if (out.size() == n) break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Services on their own threads.

// First time each key was read from a topic, by a group consumer
// (kafka::Consumer, the same client as the services') on its own thread.
// When each message (by key_of) was first readable on a topic.
class Reader {
 public:
  using KeyOf = std::function<std::optional<std::string>(const kafka::Message&)>;
  Reader(const kafka::Properties& props, std::string group, std::string topic, KeyOf key_of, std::string thread_name)
      : key_of_(std::move(key_of)),
        reader_(
            props, std::move(group), std::move(topic),
            [this](const kafka::Message& m, Clock::time_point at) {
              if (const auto key = key_of_(m)) {
                std::lock_guard lock(mu_);
                seen_.try_emplace(*key, at);
              }
            },
            std::move(thread_name)) {}
  void stop() { reader_.stop(); }
  std::uint64_t count() const { return reader_.count(); }
  std::optional<Clock::time_point> seen(const std::string& key) const {
    std::lock_guard lock(mu_);
    const auto it = seen_.find(key);
    if (it == seen_.end()) return std::nullopt;
    return it->second;
  }
  std::string error() const { return reader_.error(); }

 private:
  KeyOf key_of_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Clock::time_point> seen_;
  bench::TopicReader reader_;  // last: stopped first
};

// librdkafka's threads (rdk:main, rdk:broker1, ...) as one row.
std::string rdk_threads_as_one(int, const std::string& comm) { return comm.rfind("rdk:", 0) == 0 ? "rdk:*" : comm; }

std::optional<std::string> call_id_of(const kafka::Message& m) { return json_string_field(m.value, "call_id"); }

std::uintmax_t file_size_or_0(const std::string& path) {
  std::error_code ec;
  const auto n = fs::file_size(path, ec);
  return ec ? 0 : n;
}

notifier::NotifierServiceOptions notifier_options(const Args& args, const kafka::Properties& props,
                                                  const Config::Topics& topics, const std::string& registry,
                                                  const std::string& state_dir,
                                                  std::shared_ptr<notifier::Transport> email) {
  notifier::NotifierServiceOptions o;
  o.kafka = props;
  o.topics = topics;
  o.registry_path = registry;
  o.state_dir = state_dir;
  o.durability = args.durability;
  o.workers_per_channel = args.workers;
  o.max_pending_alerts = args.max_pending;
  o.transports[notifier::Channel::email] = std::move(email);
  return o;  // ack_base_url empty: no acknowledgement links, no escalation for silence
}

void print_notifier_stats(const notifier::NotifierServiceStats& st) {
  std::printf("  notifier: %s calls handled (%s admitted, %s duplicate, %s dead letters), %s alerts sent, %s failed, "
              "%s attempts retried, %s escalations, %s records published, %s unpublished\n",
              fmt(st.calls).c_str(), fmt(st.calls_admitted).c_str(), fmt(st.duplicate_calls).c_str(),
              fmt(st.dead_letters).c_str(), fmt(st.alerts_sent).c_str(), fmt(st.alerts_failed).c_str(),
              fmt(st.attempts_failed).c_str(), fmt(st.escalations).c_str(), fmt(st.records_published).c_str(),
              fmt(static_cast<std::uint64_t>(st.unpublished_records)).c_str());
}

// service::wait_until, throwing what `check` throws (a failed service).
bool wait_until(const std::function<bool()>& done, std::chrono::seconds timeout,
                const std::function<void()>& check = {}) {
  return service::wait_until(
      [&] {
        if (check) check();
        return done();
      },
      timeout);
}

// Waits until `target` alerts are accepted, as long as they keep coming
// (gives up after `stall` without progress).
bool wait_for_alerts(const Delivery& delivery, std::uint64_t target, std::chrono::seconds stall,
                     const std::function<void()>& check) {
  auto last = delivery.accepted();
  auto last_change = Clock::now();
  while (delivery.accepted() < target) {
    check();
    const auto now = Clock::now();
    if (const auto n = delivery.accepted(); n != last) {
      last = n;
      last_change = now;
    } else if (now - last_change > stall) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// The alerting path of (b) and (d) on `cluster`: the locator and the
// notifier (its e-mail through `delivery`) each on a thread of its own, a
// reader of e911.emergency-calls (the locator's leg) and one of the bare
// hop's topic, the threads labelled.
struct AlertingPath {
  AlertingPath(const Args& args, const BenchCluster& cluster, const std::string& registry_path,
               const Delivery& delivery, const std::string& state_dir, ThreadLabels& labels)
      : locator("locator-loop", locator_options(cluster.props, registry_path, cluster.topics),
                observability::MetricsRegistry()),
        locator_labelled(started(locator.thread(), labels, "locator event loop", "locator")),
        notifier("notifier",
                 notifier_options(args, cluster.props, cluster.topics, registry_path, state_dir, delivery.transport()),
                 observability::MetricsRegistry()),
        notifier_labelled(started(notifier.thread(), labels, "notifier consumer loop", "notifier")),
        downstream(cluster.props, "bench-downstream", cluster.topics.emergency_calls, call_id_of, "rd-downstream"),
        hop_reader(cluster.props, "bench-hop", cluster.hop_topic,
                   [](const kafka::Message& m) -> std::optional<std::string> {
                     if (!m.key) return std::nullopt;
                     return std::string(*m.key);
                   },
                   "rd-bare-hop") {}
  // Throws when a service failed.
  void check() {
    locator.thread().check();
    notifier.thread().check();
  }
  void stop() {
    downstream.stop();
    hop_reader.stop();
    notifier.thread().stop();
    locator.thread().stop();
  }

  // Waits until the service runs; labels its thread and the threads it
  // started (before the next service starts its own).
  static bool started(ServiceThread& thread, ThreadLabels& labels, const char* loop, const char* owner) {
    thread.wait_started();
    labels.set(thread.tid(), loop);
    labels.claim(owner);
    return true;
  }

  bench::RunningService<locator::LocatorService> locator;
  bool locator_labelled;
  bench::RunningService<notifier::NotifierService> notifier;
  bool notifier_labelled;
  Reader downstream;
  Reader hop_reader;
};

// Bare hops' latencies (ms) from when each was produced to when it was read.
std::vector<double> hop_latencies(const std::unordered_map<std::string, Clock::time_point>& sent, const Reader& reader) {
  std::vector<double> out;
  for (const auto& [key, at] : sent) {
    if (const auto read = reader.seen(key)) out.push_back(ms_between(at, *read));
  }
  return out;
}

// The client settings that decide latency, printed with the broker for the record.
constexpr std::initializer_list<const char*> kShownProps = {"fetch.wait.max.ms", "linger.ms", "socket.nagle.disable"};

// The end of a scenario: the CPU each thread used between the two samples,
// then every thread it started labelled "<scenario>, gone", so that the
// next scenario's rows leave them out.
void print_scenario_cpu(ThreadLabels& labels, const std::map<int, ThreadSample>& before,
                        const std::map<int, ThreadSample>& after, double wall_s, const std::string& scenario) {
  print_thread_cpu(labels, before, after, wall_s, rdk_threads_as_one, "  ", 60);
  std::printf("\n");
  labels.claim(scenario + ", gone");
}

// ---------------------------------------------------------------------------
// (a) An emergency call readable on Kafka -> its alerts accepted by SMTP.

struct CallTimes {
  Clock::time_point produced{}, delivered{};
  bool measured = false;
};

void run_smtp(const Args& args, const std::string& registry_path, ThreadLabels& labels) {
  const auto registry = load_registry(registry_path);
  const auto measured_n = static_cast<std::size_t>(std::llround(args.rate * args.seconds));
  const auto warmup_n = static_cast<std::size_t>(std::llround(args.rate * args.warmup_seconds));
  constexpr std::size_t kProbes = 100;
  std::printf("== (a) call to SMTP accepted: %.0f emergency calls/s for %.0f s (+%.0f s warm-up), %d e-mail "
              "recipients per call ==\n",
              args.rate, args.seconds, args.warmup_seconds, args.recipients);
  const auto docs = emergency_documents(registry, kProbes + warmup_n + measured_n, args.seed);
  {
    std::map<std::string, int> by_list;
    std::size_t bytes = 0;
    for (std::size_t i = kProbes; i < docs.size(); ++i) {
      ++by_list[docs[i].notify.empty() ? "(none: fallback)" : docs[i].notify];
      bytes += docs[i].json.size();
    }
    std::string lists;
    for (const auto& [k, v] : by_list) lists += (lists.empty() ? "" : ", ") + k + " " + std::to_string(v);
    std::printf("  %s emergency-call documents (LocatorCore output from the simulator's scenarios), mean %.0f bytes; "
                "lists: %s\n",
                fmt(static_cast<std::uint64_t>(docs.size() - kProbes)).c_str(),
                static_cast<double>(bytes) / static_cast<double>(docs.size() - kProbes), lists.c_str());
  }

  kafka::EmbeddedBroker broker;
  labels.claim("embedded broker");
  const Config::Topics topics = Config().topics();
  broker.create_topic(topics.emergency_calls, 3);
  broker.create_topic(topics.notifications, 1);
  broker.create_topic(topics.dead_letter, 1);
  const auto props = kafka::merged(broker.client_properties(), args.overrides);
  print_broker(broker, props, kShownProps);

  e911::test::TempDir tmp(args.state_root, "notifier-bench-a");
  Delivery delivery(args, tmp.root().string() + "/outbox");
  announce(delivery, labels);
  bench::RunningService<notifier::NotifierService> notifier("notifier", notifier_options(args, props, topics, registry_path, tmp.root().string() + "/state", delivery.transport()),
                                                           observability::MetricsRegistry());
  notifier.thread().wait_started();
  labels.set(notifier.thread().tid(), "notifier consumer loop");
  labels.claim("notifier");
  Reader readable(props, "bench-readable", topics.emergency_calls, call_id_of, "rd-readable");
  kafka::ProducerOptions po;
  po.client_id = "bench-calls";
  po.topics = {topics.emergency_calls};
  kafka::Producer producer(props, po);
  labels.claim("bench reader and producer");

  // Probes until the notifier (its group join) and the reader deliver.
  const auto t_join = Clock::now();
  std::size_t probe = 0;
  while (delivery.accepted() == 0 || readable.count() == 0) {
    notifier.thread().check();
    if (probe >= kProbes || Clock::now() - t_join > std::chrono::seconds(60)) {
      throw std::runtime_error("no alert within 60 s: " + readable.error() + " " +
                               (delivery.errors().empty() ? "" : delivery.errors().front()));
    }
    producer.produce(topics.emergency_calls, docs[probe].call_id, docs[probe].json);
    ++probe;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const auto probe_alerts = static_cast<std::uint64_t>(probe) * static_cast<std::uint64_t>(args.recipients);
  if (!wait_until([&] { return delivery.accepted() >= probe_alerts; }, std::chrono::seconds(30),
                  [&] { notifier.thread().check(); })) {
    throw std::runtime_error("the probes' alerts were not all accepted");
  }
  std::printf("  notifier and reader delivering %.1f s after start (%zu probe call(s)); pacing...\n",
              seconds_between(t_join, Clock::now()), probe);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  std::mutex times_mu;
  std::unordered_map<std::string, CallTimes> times;
  const auto period = std::chrono::duration<double>(1.0 / args.rate);
  const double cpu0 = process_cpu_seconds();
  const auto threads0 = sample_threads();
  const auto start = Clock::now();
  Clock::time_point measure_start{};
  std::size_t late = 0;
  const std::size_t total = warmup_n + measured_n;
  for (std::size_t i = 0; i < total; ++i) {
    const auto tick = start + std::chrono::duration_cast<Clock::duration>(period * static_cast<double>(i));
    std::this_thread::sleep_until(tick);
    if (Clock::now() - tick > period) ++late;
    if (i == warmup_n) measure_start = Clock::now();
    const auto& d = docs[kProbes + i];
    {
      std::lock_guard lock(times_mu);
      auto& t = times[d.call_id];
      t.produced = Clock::now();
      t.measured = i >= warmup_n;
    }
    producer.produce(topics.emergency_calls, d.call_id, d.json, {}, [&times_mu, &times, id = d.call_id](const kafka::DeliveryReport& r) {
      const auto at = Clock::now();
      if (!r.ok()) return;
      std::lock_guard lock(times_mu);
      times[id].delivered = at;
    });
  }
  const auto paced_end = Clock::now();
  const auto expected = probe_alerts + static_cast<std::uint64_t>(total) * static_cast<std::uint64_t>(args.recipients);
  const bool all = wait_for_alerts(delivery, expected, std::chrono::seconds(20), [&] { notifier.thread().check(); });
  const auto drained = Clock::now();
  const auto threads1 = sample_threads();
  const double cpu1 = process_cpu_seconds();
  const double wall = seconds_between(start, drained);
  // Let the last records reach Kafka before the stats are read.
  wait_until([&] { return notifier->stats().unpublished_records == 0; }, std::chrono::seconds(10));
  const auto st = notifier->stats();
  readable.stop();
  notifier.thread().stop();

  const double achieved = static_cast<double>(measured_n) / seconds_between(measure_start, paced_end);
  std::printf("  paced %s calls (%.2f calls/s achieved over the measured part, %zu tick(s) late by > 1 period); "
              "last alert accepted %.2f s after the last call was produced%s\n",
              fmt(static_cast<std::uint64_t>(total)).c_str(), achieved, late, seconds_between(paced_end, drained),
              all ? "" : " (GAVE UP: no progress for 20 s)");
  print_notifier_stats(st);
  std::printf("  SMTP: %s messages accepted, %s connections; process CPU %.0f%% of one core\n",
              fmt(delivery.accepted()).c_str(), fmt(delivery.connections()).c_str(), 100 * (cpu1 - cpu0) / wall);
  for (const auto& e : delivery.errors()) std::printf("  transport error seen: %s\n", e.c_str());

  // Per alert and per call.
  std::vector<double> from_read, from_dr, from_produce, call_first, call_last, to_start, conversation, quit, read_lag,
      dr_lag;
  std::unordered_map<std::string, std::pair<Clock::time_point, Clock::time_point>> per_call;  // first, last accepted
  std::unordered_map<std::string, int> alerts_per_call;
  std::set<std::string> ids;
  std::map<int, double> worst_by_second;  // second of the measured run (by read time) -> worst latency
  std::size_t duplicates = 0, missing_read = 0;
  const auto rows = delivery.rows();
  for (const auto& r : rows) {
    if (!ids.insert(r.notification_id).second) ++duplicates;
    CallTimes t;
    {
      std::lock_guard lock(times_mu);
      const auto it = times.find(r.call_id);
      if (it == times.end() || !it->second.measured) continue;
      t = it->second;
    }
    const auto read_at = readable.seen(r.call_id);
    if (!read_at) {
      ++missing_read;
      continue;
    }
    from_read.push_back(ms_between(*read_at, r.accepted));
    {
      const auto sec = static_cast<int>(std::floor(seconds_between(measure_start, *read_at)));
      auto& w = worst_by_second[sec];
      w = std::max(w, from_read.back());
    }
    if (t.delivered != Clock::time_point{}) from_dr.push_back(ms_between(t.delivered, r.accepted));
    from_produce.push_back(ms_between(t.produced, r.accepted));
    to_start.push_back(ms_between(*read_at, r.send_start));
    if (delivery.server_side()) {
      conversation.push_back(ms_between(r.send_start, r.accepted));
      quit.push_back(ms_between(r.accepted, r.send_end));
    } else {
      conversation.push_back(ms_between(r.send_start, r.send_end));
    }
    auto [it, fresh] = per_call.try_emplace(r.call_id, r.accepted, r.accepted);
    if (!fresh) {
      it->second.first = std::min(it->second.first, r.accepted);
      it->second.second = std::max(it->second.second, r.accepted);
    }
    ++alerts_per_call[r.call_id];
  }
  std::size_t complete_calls = 0;
  for (const auto& [id, fl] : per_call) {
    const auto read_at = readable.seen(id);
    call_first.push_back(ms_between(*read_at, fl.first));
    if (alerts_per_call[id] == args.recipients) {
      call_last.push_back(ms_between(*read_at, fl.second));
      ++complete_calls;
    }
  }
  {
    std::lock_guard lock(times_mu);
    for (const auto& [id, t] : times) {
      if (!t.measured) continue;
      if (const auto read_at = readable.seen(id)) read_lag.push_back(ms_between(t.produced, *read_at));
      if (t.delivered != Clock::time_point{}) dr_lag.push_back(ms_between(t.produced, t.delivered));
    }
  }
  std::printf("  measured: %s calls, %s alerts accepted (expected %s), %s calls with all %d alerts; %zu duplicate "
              "message(s); %zu alert(s) of calls the reader missed\n\n",
              fmt(static_cast<std::uint64_t>(measured_n)).c_str(), fmt(static_cast<std::uint64_t>(from_read.size())).c_str(),
              fmt(static_cast<std::uint64_t>(measured_n * static_cast<std::size_t>(args.recipients))).c_str(),
              fmt(static_cast<std::uint64_t>(complete_calls)).c_str(), args.recipients, duplicates, missing_read);
  print_header();
  const auto pr = percentiles(from_read);
  print_row("per alert: call read by a plain consumer -> accepted", pr);
  print_row("per alert: delivery report -> accepted", percentiles(from_dr));
  print_row("per alert: produce() -> accepted", percentiles(from_produce));
  print_row("per call: read -> first alert accepted", percentiles(call_first));
  print_row("per call: read -> last alert accepted", percentiles(call_last));
  std::printf("    breakdown per alert:\n");
  print_row("  read -> worker's send() starts", percentiles(to_start));
  print_row(delivery.server_side() ? "  send() start -> server's final 250" : "  send() start -> send() returned",
            percentiles(conversation));
  if (delivery.server_side()) print_row("  server's 250 -> send() returned (QUIT)", percentiles(quit));
  std::printf("    the Kafka hop, for reference:\n");
  print_row("  produce() -> delivery report", percentiles(dr_lag));
  print_row("  produce() -> read by the plain consumer", percentiles(read_lag));
  std::printf("\n    P99 (read -> accepted): %.2f ms (target <= 100 ms): %s\n", pr.p99,
              pr.p99 <= 100 ? "MET" : "MISSED");
  {
    std::vector<std::pair<double, int>> worst;
    for (const auto& [sec, ms] : worst_by_second) worst.push_back({ms, sec});
    std::sort(worst.rbegin(), worst.rend());
    std::string text;
    for (std::size_t i = 0; i < worst.size() && i < 6; ++i) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s%d s: %.0f ms", i ? ", " : "", worst[i].second, worst[i].first);
      text += buf;
    }
    std::string all_text;
    if (std::getenv("BENCH_TRACE")) {
      for (const auto& [sec, ms] : worst_by_second) all_text += " " + std::to_string(static_cast<int>(ms));
      all_text = "; every second:" + all_text;
    }
    std::printf("    worst alert per second of the run, worst seconds first: %s%s\n\n", text.c_str(), all_text.c_str());
  }
  print_scenario_cpu(labels, threads0, threads1, wall, "(a)");
}

// ---------------------------------------------------------------------------
// (b) Call event -> first alert, locator and notifier, beside a bare hop.

void run_first_alert(const Args& args, const std::string& registry_path, ThreadLabels& labels) {
  const auto registry = load_registry(registry_path);
  std::printf("== (b) call event to first alert: locator + notifier, %.0f call events/s (%.0f%% emergency) for %.0f s "
              "(+%.0f s warm-up), %d recipients per call; bare hop beside ==\n",
              args.b_rate, 100 * args.b_emergency_share, args.b_seconds, args.warmup_seconds, args.recipients);
  const auto traffic = paced_traffic(registry, args.seed, args.b_rate, args.b_seconds + args.warmup_seconds,
                                     args.b_emergency_share, 100);
  const Stream& s = traffic.stream;

  PacedSetUp setup(args.overrides, true, labels, kShownProps);
  setup.produce_updates(traffic);

  e911::test::TempDir tmp(args.state_root, "notifier-bench-b");
  Delivery delivery(args, tmp.root().string() + "/outbox");
  announce(delivery, labels);
  AlertingPath path(args, setup.cluster, registry_path, delivery, tmp.root().string() + "/state", labels);
  auto& downstream = path.downstream;
  labels.claim("bench readers and producers");

  const auto t_join = Clock::now();
  const auto probe = probe_until(
      setup.cluster, setup.producers, traffic.probes, std::chrono::milliseconds(200),
      [&] { return delivery.accepted() != 0 && downstream.count() != 0 && path.hop_reader.count() != 0; },
      [&] { path.check(); }, [&] { return downstream.error() + path.hop_reader.error(); });
  std::printf("  all paths delivering %.1f s after start (%zu probe(s)); pacing...\n",
              seconds_between(t_join, Clock::now()), probe);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the probes' alerts drain

  const auto warmup_n = static_cast<std::size_t>(std::llround(args.b_rate * args.warmup_seconds));
  std::unordered_map<std::string, Clock::time_point> call_sent;  // pacing thread only until the end
  std::unordered_map<std::string, Clock::time_point> hop_sent;
  std::size_t measured_calls = 0;
  const double cpu0 = process_cpu_seconds();
  const auto threads0 = sample_threads();
  const auto accepted_before = delivery.accepted();
  std::size_t emergency_sent = 0;
  const auto pacing = pace(
      setup.cluster, setup.producers, s.calls, args.b_rate, warmup_n,
      [&](const SimEvent& e, bool measure) {
        if (!e.emergency) return;
        ++emergency_sent;
        if (!measure) return;
        if (const auto id = json_string_field(e.payload, "call_id")) {
          call_sent[*id] = Clock::now();
          ++measured_calls;
        }
      },
      [&](const std::string& key, bool measure) {
        if (measure) hop_sent[key] = Clock::now();
      });
  const auto start = pacing.start;
  const auto late = pacing.late;
  const auto expected_alerts =
      accepted_before + static_cast<std::uint64_t>(emergency_sent) * static_cast<std::uint64_t>(args.recipients);
  const bool all = wait_for_alerts(delivery, expected_alerts, std::chrono::seconds(20), [&] { path.check(); });
  const auto drained = Clock::now();
  const auto threads1 = sample_threads();
  const double cpu1 = process_cpu_seconds();
  const double wall = seconds_between(start, drained);
  const auto lst = path.locator->stats();
  const auto nst = path.notifier->stats();
  path.stop();

  const double achieved = pacing.achieved_rate;
  std::printf("  paced %s call events (%.1f events/s achieved over the measured part, %zu tick(s) late by > 1 "
              "period), %zu emergency/test calls%s\n",
              fmt(static_cast<std::uint64_t>(s.calls.size())).c_str(), achieved, late, emergency_sent,
              all ? "" : "; NOT ALL ALERTS ACCEPTED (no progress for 20 s)");
  std::printf("  locator: %s call events, %s emergency calls acknowledged, %s dead letters\n",
              fmt(lst.call_events).c_str(), fmt(lst.emergency_calls).c_str(), fmt(lst.dead_letters).c_str());
  print_notifier_stats(nst);
  std::printf("  process CPU %.0f%% of one core\n", 100 * (cpu1 - cpu0) / wall);

  std::unordered_map<std::string, std::pair<Clock::time_point, Clock::time_point>> per_call;
  std::unordered_map<std::string, int> count;
  for (const auto& r : delivery.rows()) {
    if (!call_sent.count(r.call_id)) continue;
    auto [it, fresh] = per_call.try_emplace(r.call_id, r.accepted, r.accepted);
    if (!fresh) {
      it->second.first = std::min(it->second.first, r.accepted);
      it->second.second = std::max(it->second.second, r.accepted);
    }
    ++count[r.call_id];
  }
  std::vector<double> first, last, locator_leg;
  for (const auto& [id, sent] : call_sent) {
    if (const auto it = per_call.find(id); it != per_call.end()) {
      first.push_back(ms_between(sent, it->second.first));
      if (count[id] == args.recipients) last.push_back(ms_between(sent, it->second.second));
    }
    if (const auto at = downstream.seen(id)) locator_leg.push_back(ms_between(sent, *at));
  }
  const auto hop = hop_latencies(hop_sent, path.hop_reader);
  std::printf("  measured: %zu emergency calls (%zu with a first alert, %zu with all %d), %zu bare hops (%zu read)\n\n",
              measured_calls, first.size(), last.size(), args.recipients, hop_sent.size(), hop.size());
  print_header();
  const auto pf = percentiles(first);
  const auto ph = percentiles(hop);
  print_row("call event -> FIRST alert accepted", pf);
  print_row("call event -> last alert accepted", percentiles(last));
  print_row("call event -> emergency call read (locator leg)", percentiles(locator_leg));
  print_row("bare hop (produce -> consume), same run", ph);
  if (ph.p99 > 0) {
    std::printf("\n    first alert / bare hop: p50 %.2fx, p99 %.2fx\n", pf.p50 / ph.p50, pf.p99 / ph.p99);
  }
  std::printf("\n");
  print_scenario_cpu(labels, threads0, threads1, wall, "(b)");
}

// ---------------------------------------------------------------------------
// (c) Alert storm.

void run_storm(const Args& args, const std::string& registry_path, ThreadLabels& labels) {
  const auto registry = load_registry(registry_path);
  std::printf("== (c) alert storm: %s emergency calls produced at once, %d recipients per call (%s alerts), "
              "max_pending_alerts %s ==\n",
              fmt(static_cast<std::uint64_t>(args.storm_calls)).c_str(), args.storm_recipients,
              fmt(static_cast<std::uint64_t>(args.storm_calls * static_cast<std::size_t>(args.storm_recipients))).c_str(),
              fmt(static_cast<std::uint64_t>(args.max_pending)).c_str());
  constexpr std::size_t kProbes = 20;
  auto docs = emergency_documents(registry, kProbes + args.storm_calls, args.seed + 200);
  std::size_t bytes = 0;
  for (const auto& d : docs) bytes += d.json.size() + d.call_id.size();
  // The mock keeps ~5 MB per partition: room for every call.
  const int partitions =
      std::max(3, static_cast<int>(std::ceil(static_cast<double>(bytes) * 1.2 / (3.5 * 1024 * 1024))));

  kafka::EmbeddedBroker broker;
  labels.claim("embedded broker");
  const Config::Topics topics = Config().topics();
  broker.create_topic(topics.emergency_calls, partitions);
  broker.create_topic(topics.notifications, 1);
  broker.create_topic(topics.dead_letter, 1);
  const auto props = kafka::merged(broker.client_properties(), args.overrides);
  std::printf("  embedded broker %s; e911.emergency-calls %d partitions; mean document %.0f bytes\n",
              broker.bootstrap_servers().c_str(), partitions,
              static_cast<double>(bytes) / static_cast<double>(docs.size()));

  e911::test::TempDir tmp(args.state_root, "notifier-bench-c");
  Delivery delivery(args, tmp.root().string() + "/outbox", false);
  announce(delivery, labels);
  Args storm_args = args;
  storm_args.recipients = args.storm_recipients;
  std::string reg = registry_path;
  if (args.storm_recipients != args.recipients) {
    reg = write_registry(tmp.root().string(), bench_registry_text(args.registry, args.storm_recipients));
  }
  bench::RunningService<notifier::NotifierService> notifier("notifier", notifier_options(storm_args, props, topics, reg, tmp.root().string() + "/state", delivery.transport()),
                                                           observability::MetricsRegistry());
  notifier.thread().wait_started();
  labels.set(notifier.thread().tid(), "notifier consumer loop");
  labels.claim("notifier");
  kafka::ProducerOptions po;
  po.client_id = "bench-storm";
  po.topics = {topics.emergency_calls};
  kafka::Producer producer(props, po);
  labels.claim("bench producer");

  const auto t_join = Clock::now();
  std::size_t probe = 0;
  while (delivery.accepted() == 0) {
    notifier.thread().check();
    if (probe >= kProbes || Clock::now() - t_join > std::chrono::seconds(60)) {
      throw std::runtime_error("no alert within 60 s");
    }
    producer.produce(topics.emergency_calls, docs[probe].call_id, docs[probe].json);
    ++probe;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const auto per_call = static_cast<std::uint64_t>(args.storm_recipients);
  const auto probe_alerts = static_cast<std::uint64_t>(probe) * per_call;
  wait_until([&] { return delivery.accepted() >= probe_alerts && notifier->stats().unpublished_records == 0; },
             std::chrono::seconds(30));
  std::printf("  notifier delivering %.1f s after start (%zu probe call(s))\n", seconds_between(t_join, Clock::now()),
              probe);

  const bool hwm_reset = reset_peak_rss();
  const long rss_before = status_kb("VmRSS");
  const long hwm_before = status_kb("VmHWM");
  const auto threads0 = sample_threads();
  const double cpu0 = process_cpu_seconds();
  const auto start = Clock::now();
  for (std::size_t i = kProbes; i < docs.size(); ++i) producer.produce(topics.emergency_calls, docs[i].call_id, docs[i].json);
  const auto enqueued = Clock::now();
  producer.flush(std::chrono::minutes(2));
  const auto flushed = Clock::now();
  std::vector<CallDoc>().swap(docs);  // the broker has them; the heap reuses the space

  const auto expected = probe_alerts + static_cast<std::uint64_t>(args.storm_calls) * per_call;
  std::size_t peak_pending = 0;
  long peak_rss = 0;
  std::uint64_t last_progress = 0;
  auto last_change = Clock::now();
  std::vector<std::pair<double, std::uint64_t>> per_second;  // (s, alerts accepted)
  std::vector<long> rss_per_second;                          // kB
  std::vector<std::size_t> pending_per_second;
  auto next_mark = start + std::chrono::seconds(1);
  Clock::time_point all_calls_consumed{};
  std::size_t pending_when_consumed = 0;
  for (;;) {
    notifier.thread().check();
    const auto st = notifier->stats();
    const auto now = Clock::now();
    peak_pending = std::max(peak_pending, st.pending_alerts);
    const long rss = status_kb("VmRSS");
    peak_rss = std::max(peak_rss, rss);
    if (all_calls_consumed == Clock::time_point{} && st.calls >= probe + args.storm_calls) {
      all_calls_consumed = now;
      pending_when_consumed = st.pending_alerts;
    }
    const auto acc = delivery.accepted();
    if (now >= next_mark) {
      per_second.push_back({seconds_between(start, now), acc - probe_alerts});
      rss_per_second.push_back(rss);
      pending_per_second.push_back(st.pending_alerts);
      next_mark += std::chrono::seconds(1);
    }
    if (acc >= expected && st.alerts_sent >= expected) break;
    if (acc + st.calls != last_progress) {
      last_progress = acc + st.calls;
      last_change = now;
    } else if (now - last_change > std::chrono::seconds(30)) {
      throw std::runtime_error("storm stalled at " + std::to_string(acc) + " alerts accepted");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto done = Clock::now();
  const auto threads1 = sample_threads();
  const double cpu1 = process_cpu_seconds();
  const long hwm = status_kb("VmHWM");
  const long rss_done = status_kb("VmRSS");
  wait_until([&] { return notifier->stats().unpublished_records == 0; }, std::chrono::seconds(60));
  const auto published = Clock::now();
  const auto st = notifier->stats();
  const auto db = tmp.root().string() + "/state/notifier.db";
  const auto db_bytes = file_size_or_0(db), wal_bytes = file_size_or_0(db + "-wal");
  notifier.thread().stop();
  const long rss_stopped = status_kb("VmRSS");

  const double drain = seconds_between(start, done);
  std::printf("  produced: enqueued in %.2f s, all acknowledged by the broker after %.2f s\n",
              seconds_between(start, enqueued), seconds_between(start, flushed));
  if (all_calls_consumed != Clock::time_point{}) {
    std::printf("  last call taken by the notifier after %.2f s (%s alerts pending then)\n",
                seconds_between(start, all_calls_consumed), fmt(static_cast<std::uint64_t>(pending_when_consumed)).c_str());
  }
  std::printf("  DRAINED: all %s alerts accepted after %.2f s = %s alerts/s (%s calls/s); every record published "
              "after %.2f s\n",
              fmt(expected - probe_alerts).c_str(), drain,
              fmt(static_cast<double>(expected - probe_alerts) / drain).c_str(),
              fmt(static_cast<double>(args.storm_calls) / drain).c_str(), seconds_between(start, published));
  std::string rates;
  for (std::size_t i = 0; i < per_second.size(); ++i) {
    const auto prev = i == 0 ? 0 : per_second[i - 1].second;
    rates += (i ? " " : "") + std::to_string(per_second[i].second - prev);
  }
  std::printf("  alerts accepted per second: [%s]\n", rates.c_str());
  std::string rss_text, pending_text;
  for (std::size_t i = 0; i < rss_per_second.size(); ++i) {
    rss_text += (i ? " " : "") + std::to_string(rss_per_second[i] / 1024);
    pending_text += (i ? " " : "") + std::to_string(pending_per_second[i]);
  }
  std::printf("  RSS each second (MiB): [%s]\n", rss_text.c_str());
  std::printf("  pending alerts each second: [%s]\n", pending_text.c_str());
  print_notifier_stats(st);
  std::printf("  pending alerts high-water mark: %s (bound: max_pending_alerts %s + one call's alerts)\n",
              fmt(static_cast<std::uint64_t>(peak_pending)).c_str(), fmt(static_cast<std::uint64_t>(args.max_pending)).c_str());
  std::printf("  memory (whole process: broker, notifier, sink; the bench's %.1f MiB of documents freed once produced): RSS before %.1f MiB, "
              "peak %.1f MiB (VmHWM%s; sampled peak %.1f), after the drain %.1f MiB, after the notifier stopped %.1f "
              "MiB\n",
              static_cast<double>(bytes) / 1048576.0, mib(rss_before), mib(hwm),
              (hwm_reset ? std::string(", reset before the storm")
                         : ", NOT reset: peak of the whole process, " + std::to_string(hwm_before / 1024) + " MiB before")
                  .c_str(),
              mib(peak_rss), mib(rss_done), mib(rss_stopped));
  std::printf("  SQLite state: notifier.db %.1f MiB, WAL %.1f MiB; process CPU %.0f%% of one core over the drain\n",
              static_cast<double>(db_bytes) / 1048576.0, static_cast<double>(wal_bytes) / 1048576.0,
              100 * (cpu1 - cpu0) / drain);
  for (const auto& e : delivery.errors()) std::printf("  transport error seen: %s\n", e.c_str());
  print_scenario_cpu(labels, threads0, threads1, drain, "(c)");
}

// ---------------------------------------------------------------------------
// (d) SIP INVITE at the ingest -> first alert, beside three bare hops and
// one SMTP exchange.

// One mirrored datagram of the stream; `call_id` set for emergency calls
// (the id the ingest derives from the Call-ID).
struct SipDatagram {
  std::string bytes;
  std::string call_id;
};

// `calls` emergency-call INVITEs (the scenarios SIP can carry, cycled
// through fresh passes) mixed evenly into `background` non-emergency ones.
std::vector<SipDatagram> sip_stream(simulator::TrafficSimulator& sim, const registry::Registry& registry,
                                    std::size_t background, std::size_t calls) {
  const auto invite = [&](const SimEvent& e) -> std::optional<simulator::MirroredInvite> {
    const auto decoded = decode_input_event(e.payload);
    if (!decoded.ok()) return std::nullopt;
    const auto* call = std::get_if<CallEvent>(&*decoded);
    return call ? simulator::mirrored_invite(*call, registry, now_millis()) : std::nullopt;
  };
  std::vector<SipDatagram> emergency;
  while (emergency.size() < calls) {
    const auto before = emergency.size();
    for (const auto& e : sim.scenarios()) {
      if (e.kind != SimEvent::Kind::call || !e.emergency || emergency.size() >= calls) continue;
      if (auto m = invite(e)) emergency.push_back({std::move(m->message), ingest::call_id_of_sip(m->sip_call_id)});
    }
    if (emergency.size() == before) throw std::runtime_error("the registry has no scenario SIP can carry");
  }
  std::vector<SipDatagram> out;
  out.reserve(background + calls);
  std::size_t next_call = 0;
  const double every = calls ? static_cast<double>(background + calls) / static_cast<double>(calls) : 0;
  for (std::size_t i = 0; out.size() < background + calls; ++i) {
    if (next_call < calls && static_cast<double>(out.size()) >= every * static_cast<double>(next_call)) {
      out.push_back(std::move(emergency[next_call++]));
      continue;
    }
    if (auto m = invite(sim.background())) out.push_back({std::move(m->message), {}});
    if (i > 100 * (background + calls)) throw std::runtime_error("the registry's background is not SIP-carried");
  }
  return out;
}

ingest::IngestServiceOptions ingest_options(const kafka::Properties& props, const Config::Topics& topics,
                                            std::shared_ptr<const registry::Registry> registry) {
  ingest::IngestServiceOptions o;
  o.kafka = props;
  o.topics = topics;
  o.sip.udp = "127.0.0.1:0";
  o.ingest.forward_non_emergency = true;  // the background reaches the locator too
  o.ingest.dial_plan = registry::shared_dial_plan(registry);
  return o;
}

void run_sip_to_alert(const Args& args, const std::string& registry_path, ThreadLabels& labels) {
  const auto registry = load_registry(registry_path);
  const double rate = args.d_background_rate + args.d_call_rate;
  std::printf("== (d) SIP INVITE to first alert: ingest + locator + notifier, %.0f non-emergency + %.0f emergency "
              "INVITEs/s for %.0f s (+%.0f s warm-up), %d recipients per call; three bare hops + one SMTP exchange "
              "beside ==\n",
              args.d_background_rate, args.d_call_rate, args.d_seconds, args.warmup_seconds, args.recipients);
  simulator::TrafficSimulator sim(registry, args.seed + 300, now_millis());
  const double seconds = args.d_seconds + args.warmup_seconds;
  const auto stream = sip_stream(sim, *registry, static_cast<std::size_t>(std::llround(args.d_background_rate * seconds)),
                                 static_cast<std::size_t>(std::llround(args.d_call_rate * seconds)));
  const auto probes = sip_stream(sim, *registry, 0, 100);

  PacedSetUp setup(args.overrides, true, labels, kShownProps);
  const BenchCluster& cluster = setup.cluster;
  PacedProducers& producers = setup.producers;
  const auto& topics = cluster.topics;
  const auto& props = cluster.props;

  e911::test::TempDir tmp(args.state_root, "notifier-bench-d");
  Delivery delivery(args, tmp.root().string() + "/outbox");
  announce(delivery, labels);
  bench::RunningService<ingest::IngestService> ingest("ingest", ingest_options(props, topics, registry),
                                                      observability::MetricsRegistry());
  ingest.thread().wait_started();
  labels.set(ingest.thread().tid(), "ingest");
  labels.claim("ingest");
  AlertingPath path(args, cluster, registry_path, delivery, tmp.root().string() + "/state", labels);
  auto& downstream = path.downstream;
  auto& hop_reader = path.hop_reader;
  Reader ingested(props, "bench-ingested", topics.call_events, call_id_of, "rd-ingested");
  labels.claim("bench readers and producers");

  const int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(*ingest->sip_udp_port());
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const auto send_datagram = [&](const SipDatagram& d) {
    if (::sendto(sock, d.bytes.data(), d.bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0)
      throw std::runtime_error("sendto: " + std::string(std::strerror(errno)));
  };
  const auto check = [&] {
    ingest.thread().check();
    path.check();
  };

  const auto t_join = Clock::now();
  std::size_t probe = 0;
  while (delivery.accepted() == 0 || downstream.count() == 0 || hop_reader.count() == 0) {
    check();
    if (Clock::now() - t_join > std::chrono::seconds(60) || probe >= probes.size())
      throw std::runtime_error("the paths did not deliver within 60 s: " + downstream.error() + hop_reader.error());
    send_datagram(probes[probe]);
    producers.hop.produce(cluster.hop_topic, "probe-" + std::to_string(probe), probes[probe].call_id);
    ++probe;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::printf("  all paths delivering %.1f s after start (%zu probe(s)); pacing...\n",
              seconds_between(t_join, Clock::now()), probe);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the probes' alerts drain

  // The pacing: one datagram per tick; a bare hop half a tick after each
  // emergency call.
  const auto period = std::chrono::duration<double>(1.0 / rate);
  const auto half = std::chrono::duration_cast<Clock::duration>(period / 2);
  const auto warmup_n = static_cast<std::size_t>(std::llround(rate * args.warmup_seconds));
  std::unordered_map<std::string, Clock::time_point> call_sent, hop_sent;
  std::size_t emergency_sent = 0, late = 0;
  const auto accepted_before = delivery.accepted();
  const double cpu0 = process_cpu_seconds();
  const auto threads0 = sample_threads();
  const auto start = Clock::now();
  Clock::time_point measure_start = start;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    const auto tick = start + std::chrono::duration_cast<Clock::duration>(period * static_cast<double>(i));
    std::this_thread::sleep_until(tick);
    if (Clock::now() - tick > period) ++late;
    if (i == warmup_n) measure_start = Clock::now();
    const auto& d = stream[i];
    if (d.call_id.empty()) {
      send_datagram(d);
      continue;
    }
    ++emergency_sent;
    const bool measure = i >= warmup_n;
    if (measure) call_sent[d.call_id] = Clock::now();
    send_datagram(d);
    std::this_thread::sleep_until(tick + half);
    const std::string key = "hop-" + std::to_string(i);
    if (measure) hop_sent[key] = Clock::now();
    producers.hop.produce(cluster.hop_topic, key, d.call_id);
  }
  const auto paced_end = Clock::now();
  ::close(sock);
  const auto expected_alerts =
      accepted_before + static_cast<std::uint64_t>(emergency_sent) * static_cast<std::uint64_t>(args.recipients);
  const bool all = wait_for_alerts(delivery, expected_alerts, std::chrono::seconds(20), check);
  const auto drained = Clock::now();
  const auto threads1 = sample_threads();
  const double cpu1 = process_cpu_seconds();
  const double wall = seconds_between(start, drained);
  const auto ist = ingest->stats();
  const auto lst = path.locator->stats();
  const auto nst = path.notifier->stats();
  ingested.stop();
  path.stop();
  ingest.thread().stop();

  const double achieved = stream.size() > warmup_n ? static_cast<double>(stream.size() - warmup_n) /
                                                         seconds_between(measure_start, paced_end)
                                                   : 0;
  std::printf("  paced %s INVITEs (%.1f/s achieved over the measured part, %zu tick(s) late by > 1 period), %zu "
              "emergency/test calls%s\n",
              fmt(static_cast<std::uint64_t>(stream.size())).c_str(), achieved, late, emergency_sent,
              all ? "" : "; NOT ALL ALERTS ACCEPTED (no progress for 20 s)");
  std::printf("  ingest: %s call events produced (%s delivered, %s failed), %s duplicates, %s ignored, %s rejected\n",
              fmt(ist.events).c_str(), fmt(ist.delivered).c_str(), fmt(ist.delivery_failures).c_str(),
              fmt(ist.duplicates).c_str(), fmt(ist.ignored).c_str(), fmt(ist.rejected).c_str());
  std::printf("  locator: %s call events, %s emergency calls acknowledged, %s dead letters\n",
              fmt(lst.call_events).c_str(), fmt(lst.emergency_calls).c_str(), fmt(lst.dead_letters).c_str());
  print_notifier_stats(nst);
  std::printf("  process CPU %.0f%% of one core\n", 100 * (cpu1 - cpu0) / wall);

  std::unordered_map<std::string, Clock::time_point> first_at;
  std::vector<double> smtp;
  for (const auto& r : delivery.rows()) {
    if (!call_sent.count(r.call_id)) continue;
    if (delivery.server_side()) smtp.push_back(ms_between(r.send_start, r.accepted));
    auto [it, fresh] = first_at.try_emplace(r.call_id, r.accepted);
    if (!fresh) it->second = std::min(it->second, r.accepted);
  }
  std::vector<double> first, ingest_leg, locator_leg;
  for (const auto& [id, sent] : call_sent) {
    if (const auto it = first_at.find(id); it != first_at.end()) first.push_back(ms_between(sent, it->second));
    if (const auto at = ingested.seen(id)) ingest_leg.push_back(ms_between(sent, *at));
    if (const auto at = downstream.seen(id)) locator_leg.push_back(ms_between(sent, *at));
  }
  const auto hop = hop_latencies(hop_sent, hop_reader);
  std::printf("  measured: %zu emergency calls (%zu with a first alert), %zu bare hops (%zu read), %zu SMTP "
              "exchanges\n\n",
              call_sent.size(), first.size(), hop_sent.size(), hop.size(), smtp.size());
  print_header();
  const auto pf = percentiles(first);
  const auto ph = percentiles(hop);
  const auto ps = percentiles(smtp);
  print_row("INVITE sent -> FIRST alert accepted", pf);
  print_row("INVITE sent -> call event read (ingest leg)", percentiles(ingest_leg));
  print_row("INVITE sent -> emergency call read", percentiles(locator_leg));
  print_row("bare hop (produce -> consume), same run", ph);
  print_row("SMTP exchange (send() -> final 250), same run", ps);
  if (ph.p99 > 0 && ps.p99 > 0) {
    const double ref50 = 3 * ph.p50 + ps.p50, ref99 = 3 * ph.p99 + ps.p99;
    std::printf("\n    reference (3 bare hops + 1 SMTP exchange): p50 %.2f ms, p99 %.2f ms\n", ref50, ref99);
    std::printf("    first alert / reference: p50 %.2fx, p99 %.2fx (target: p99 <= 100 ms and <= 2.5x)\n",
                pf.p50 / ref50, pf.p99 / ref99);
  }
  std::printf("\n");
  print_scenario_cpu(labels, threads0, threads1, wall, "(d)");
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const Args args = parse_args(argc, argv);
  if (!std::getenv("E911_LOG_LEVEL")) set_min_log_level(LogLevel::warn);
  ThreadLabels labels;
  labels.claim("bench main");
  labels.set(current_tid(), "bench main (pacing)");
  try {
    e911::test::TempDir dir(args.state_root, "notifier-bench-registry");
    const auto registry_path = write_registry(dir.root().string(), bench_registry_text(args.registry, args.recipients));
    const auto registry = load_registry(registry_path);
    std::printf("notifier_bench: registry %s (%zu sites; every list replaced by %d e-mail contacts), librdkafka %s, "
                "%u hardware threads, workers_per_channel %zu, max_pending_alerts %zu, durability %s\n\n",
                args.registry.c_str(), registry->data().sites.size(), args.recipients, RdKafka::version_str().c_str(),
                std::thread::hardware_concurrency(), args.workers, args.max_pending,
                args.durability == notifier::Durability::full ? "full" : "normal");
    const auto scenario = [&](const char* name, void (*run)(const Args&, const std::string&, ThreadLabels&)) {
      if (!args.scenario(name)) return;
      std::printf("[load average before %s: %s]\n", name, loadavg().c_str());
      run(args, registry_path, labels);
      std::printf("[load average after %s: %s]\n\n", name, loadavg().c_str());
    };
    scenario("smtp", run_smtp);
    scenario("first-alert", run_first_alert);
    scenario("storm", run_storm);
    scenario("sip", run_sip_to_alert);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "notifier_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
