// The notifier (NotifierService, as `e911 notifier` runs it) on the embedded
// broker (librdkafka's mock cluster on loopback, in this process), with its
// real SmtpTransport talking to an SMTP server on loopback. Three scenarios;
// results and how to read them: docs/benchmarks-notifier.md.
//
//   build-bench/bench/notifier_bench                          # all three, ~5 min
//   build-bench/bench/notifier_bench --scenario smtp          # (a) call -> SMTP accepted
//   build-bench/bench/notifier_bench --scenario first-alert   # (b) call event -> first alert, beside a bare hop
//   build-bench/bench/notifier_bench --scenario storm         # (c) 10,000 calls at once: drain time, memory
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
#include "producers/simulator/traffic.h"

namespace {

using namespace e911;
using Clock = std::chrono::steady_clock;
using simulator::SimEvent;
namespace fs = std::filesystem;

extern "C" char** environ;

constexpr const char* kUsage =
    "usage: notifier_bench [options]\n"
    "  --scenario all|smtp|first-alert|storm   which scenarios, comma-separated (all)\n"
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
    " (a) smtp:\n"
    "  --rate R                  emergency calls per second (50)\n"
    "  --seconds S               measured seconds (20)\n"
    "  --warmup-seconds W        paced but unmeasured seconds first (3)\n"
    " (b) first-alert:\n"
    "  --b-rate R                call events per second (500)\n"
    "  --b-emergency-share F     share of emergency calls among them (0.10)\n"
    "  --b-seconds S             measured seconds (20)\n"
    " (c) storm:\n"
    "  --storm-calls N           emergency calls produced at once (10000)\n"
    "  --storm-recipients N      e-mail contacts per list in the storm (2: 10,000 x 10 takes ~10 min here)\n";

struct Args {
  std::string scenarios = "smtp,first-alert,storm";
  std::string registry = std::string(E911_SHARED_DIR) + "/fixtures/registry.yaml";
  int recipients = 10;
  std::string smtp = "sink";
  bool sink_quickack = false;
  std::string transport = "smtp";
  std::size_t workers = 8;
  std::size_t max_pending = 20000;
  notifier::Durability durability = notifier::Durability::normal;
  kafka::Properties overrides;
  std::uint64_t seed = 7;
  std::string state_root;
  double rate = 50;
  double seconds = 20;
  double warmup_seconds = 3;
  double b_rate = 500;
  double b_emergency_share = 0.10;
  double b_seconds = 20;
  std::size_t storm_calls = 10000;
  int storm_recipients = 2;
  bool scenario(const std::string& name) const {
    return ("," + scenarios + ",").find("," + name + ",") != std::string::npos;
  }
};

[[noreturn]] void usage_error(const std::string& why) {
  std::cerr << "notifier_bench: " << why << "\n" << kUsage;
  std::exit(2);
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(arg + " needs a value");
      return argv[++i];
    };
    const auto number = [&](double lo, double hi) {
      const std::string v = value();
      char* end = nullptr;
      const double d = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || !(d >= lo && d <= hi)) usage_error(arg + ": not a number in range: " + v);
      return d;
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (arg == "--scenario") {
      a.scenarios = value();
      if (a.scenarios == "all") a.scenarios = "smtp,first-alert,storm";
      std::stringstream ss(a.scenarios);
      for (std::string s; std::getline(ss, s, ',');) {
        if (s != "smtp" && s != "first-alert" && s != "storm") usage_error("unknown scenario " + s);
      }
    } else if (arg == "--registry") {
      a.registry = value();
    } else if (arg == "--recipients") {
      a.recipients = static_cast<int>(number(1, 1000));
    } else if (arg == "--smtp") {
      a.smtp = value();
      if (a.smtp != "sink" && a.smtp != "python") usage_error("--smtp: sink or python");
    } else if (arg == "--sink-quickack") {
      a.sink_quickack = true;
    } else if (arg == "--transport") {
      a.transport = value();
      if (a.transport != "smtp" && a.transport != "outbox") usage_error("--transport: smtp or outbox");
    } else if (arg == "--workers") {
      a.workers = static_cast<std::size_t>(number(1, 1000));
    } else if (arg == "--max-pending") {
      a.max_pending = static_cast<std::size_t>(number(1, 1e9));
    } else if (arg == "--durability") {
      const auto v = value();
      if (v == "normal") {
        a.durability = notifier::Durability::normal;
      } else if (v == "full") {
        a.durability = notifier::Durability::full;
      } else {
        usage_error("--durability: normal or full");
      }
    } else if (arg == "--set") {
      const std::string kv = value();
      const auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) usage_error("--set wants KEY=VALUE, not " + kv);
      a.overrides[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else if (arg == "--seed") {
      a.seed = static_cast<std::uint64_t>(number(0, 1e15));
    } else if (arg == "--state-dir") {
      a.state_root = value();
    } else if (arg == "--rate") {
      a.rate = number(0.1, 1e5);
    } else if (arg == "--seconds") {
      a.seconds = number(1, 3600);
    } else if (arg == "--warmup-seconds") {
      a.warmup_seconds = number(0, 3600);
    } else if (arg == "--b-rate") {
      a.b_rate = number(1, 1e6);
    } else if (arg == "--b-emergency-share") {
      a.b_emergency_share = number(0.001, 1);
    } else if (arg == "--b-seconds") {
      a.b_seconds = number(1, 3600);
    } else if (arg == "--storm-calls") {
      a.storm_calls = static_cast<std::size_t>(number(1, 1e7));
    } else if (arg == "--storm-recipients") {
      a.storm_recipients = static_cast<int>(number(1, 1000));
    } else {
      usage_error("unknown option " + arg);
    }
  }
  if (a.state_root.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    a.state_root = tmp && *tmp ? tmp : "/tmp";
  }
  return a;
}

double seconds_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }
double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

std::string fmt(double v, int decimals = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s(buf);
  const auto dot = s.find('.');
  std::string head = s.substr(0, dot == std::string::npos ? s.size() : dot);
  const std::string tail = dot == std::string::npos ? "" : s.substr(dot);
  const bool neg = !head.empty() && head[0] == '-';
  if (neg) head.erase(0, 1);
  std::string out;
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (i > 0 && (head.size() - i) % 3 == 0) out += ',';
    out += head[i];
  }
  return (neg ? "-" : "") + out + tail;
}
std::string fmt(std::uint64_t v) { return fmt(static_cast<double>(v)); }

std::optional<std::string> json_string_field(std::string_view json, std::string_view name) {
  const std::string needle = "\"" + std::string(name) + "\":\"";
  const auto at = json.find(needle);
  if (at == std::string_view::npos) return std::nullopt;
  const auto begin = at + needle.size();
  const auto end = json.find('"', begin);
  if (end == std::string_view::npos) return std::nullopt;
  return std::string(json.substr(begin, end - begin));
}

int current_tid() { return static_cast<int>(syscall(SYS_gettid)); }

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

double process_cpu_s() {
  struct rusage r {};
  getrusage(RUSAGE_SELF, &r);
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

struct ThreadSample {
  std::string comm;
  long ticks = 0;
};

std::map<int, ThreadSample> sample_threads() {
  std::map<int, ThreadSample> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc/self/task", ec)) {
    std::ifstream f(entry.path() / "stat");
    std::string line;
    if (!std::getline(f, line)) continue;
    const auto open = line.find('(');
    const auto close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    ThreadSample s;
    s.comm = line.substr(open + 1, close - open - 1);
    std::istringstream rest(line.substr(close + 2));
    std::vector<std::string> fields;
    std::string tok;
    while (rest >> tok) fields.push_back(tok);
    if (fields.size() < 13) continue;
    s.ticks = std::stol(fields[11]) + std::stol(fields[12]);
    out[std::stoi(entry.path().filename().string())] = s;
  }
  return out;
}

class ThreadLabels {
 public:
  void claim(const std::string& label) {
    for (const auto& [tid, s] : sample_threads()) labels_.try_emplace(tid, label);
  }
  void set(int tid, const std::string& label) { labels_[tid] = label; }
  std::string of(int tid) const {
    const auto it = labels_.find(tid);
    return it == labels_.end() ? "other" : it->second;
  }

 private:
  std::map<int, std::string> labels_;
};

void print_thread_cpu(const ThreadLabels& labels, const std::map<int, ThreadSample>& before,
                      const std::map<int, ThreadSample>& after, double wall_s) {
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  std::map<std::pair<std::string, std::string>, std::pair<double, int>> by_kind;
  double total = 0;
  for (const auto& [tid, s] : after) {
    const auto b = before.find(tid);
    const long d = s.ticks - (b == before.end() ? 0 : b->second.ticks);
    std::string comm = s.comm;
    if (comm.rfind("rdk:", 0) == 0) comm = "rdk:*";
    auto& slot = by_kind[{labels.of(tid), comm}];
    slot.first += static_cast<double>(d) / tick;
    slot.second += 1;
    total += static_cast<double>(d) / tick;
  }
  std::vector<std::pair<double, std::string>> rows;
  for (const auto& [k, v] : by_kind) {
    if (v.first < 0.005 * wall_s) continue;
    rows.push_back({v.first, k.first + " / " + k.second + (v.second > 1 ? " (x" + std::to_string(v.second) + ")" : "")});
  }
  std::sort(rows.rbegin(), rows.rend());
  std::printf("  CPU time by thread (owner / thread name), %.2f s wall, 2 cores = %.2f core-s available:\n", wall_s,
              2 * wall_s);
  for (const auto& [s, name] : rows) {
    std::printf("    %-60s %7.2f s  %5.1f%% of one core\n", name.c_str(), s, 100.0 * s / wall_s);
  }
  std::printf("    %-60s %7.2f s  %5.1f%% of one core\n", "total (this process)", total, 100.0 * total / wall_s);
}

// ---------------------------------------------------------------------------
// Statistics.

struct Percentiles {
  std::size_t n = 0;
  double min = 0, p50 = 0, p95 = 0, p99 = 0, p999 = 0, max = 0, mean = 0;
};

Percentiles percentiles(std::vector<double> v) {
  Percentiles p;
  p.n = v.size();
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  const auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::min(i == 0 ? 0 : i - 1, v.size() - 1)];
  };
  p.min = v.front();
  p.p50 = at(0.50);
  p.p95 = at(0.95);
  p.p99 = at(0.99);
  p.p999 = at(0.999);
  p.max = v.back();
  double sum = 0;
  for (const double x : v) sum += x;
  p.mean = sum / static_cast<double>(v.size());
  return p;
}

void print_header() {
  std::printf("    %-52s %7s %8s %8s %8s %8s %8s %8s %8s  (ms)\n", "", "n", "min", "mean", "p50", "p95", "p99",
              "p99.9", "max");
}
void print_row(const std::string& name, const Percentiles& p) {
  std::printf("    %-52s %7zu %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f\n", name.c_str(), p.n, p.min, p.mean, p.p50,
              p.p95, p.p99, p.p999, p.max);
}

// ---------------------------------------------------------------------------
// The SMTP sink: a minimal server on 127.0.0.1, one epoll thread. Answers
// 220, 250 to EHLO/HELO/MAIL/RCPT/RSET/NOOP, 354 to DATA, 250 after the
// terminating ".", 221 to QUIT; records, per message, the time just before
// the final 250 is written and the X-E911-Call-Id / X-E911-Notification-Id
// headers.

struct Acceptance {
  std::string call_id;
  std::string notification_id;
  Clock::time_point at;
};

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

class SmtpSink {
 public:
  // record: keep a log entry per message (else only count them).
  SmtpSink(bool quickack, bool record) : quickack_(quickack), record_(record) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error(std::string("sink socket: ") + std::strerror(errno));
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 1024) != 0) {
      throw std::runtime_error(std::string("sink bind/listen: ") + std::strerror(errno));
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || stop_fd_ < 0) throw std::runtime_error("sink epoll/eventfd");
    watch(listen_fd_);
    watch(stop_fd_);
    thread_ = std::thread([this] { loop(); });
    while (tid_.load() == 0) std::this_thread::yield();
  }
  ~SmtpSink() {
    const std::uint64_t one = 1;
    if (::write(stop_fd_, &one, sizeof one) < 0) std::perror("sink stop");
    thread_.join();
    for (const auto& [fd, c] : conns_) ::close(fd);
    ::close(listen_fd_);
    ::close(epoll_fd_);
    ::close(stop_fd_);
  }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  std::uint16_t port() const { return port_; }
  int tid() const { return tid_.load(); }
  std::uint64_t accepted() const { return count_.load(); }
  std::uint64_t connections() const { return connections_.load(); }
  std::vector<Acceptance> snapshot() const {
    std::lock_guard lock(mu_);
    return log_;
  }

 private:
  struct Conn {
    std::string in;
    bool data = false;
    bool headers = false;
    std::string call_id, notification_id;
  };

  void watch(int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) throw std::runtime_error("sink epoll_ctl");
  }

  static bool send_all(int fd, std::string_view s) {
    while (!s.empty()) {
      const auto n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
      if (n > 0) {
        s.remove_prefix(static_cast<std::size_t>(n));
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, 2000) <= 0) return false;
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        return false;
      }
    }
    return true;
  }

  void drop(int fd) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    conns_.erase(fd);
  }

  // False: close the connection.
  bool line(int fd, Conn& c, std::string_view l) {
    if (c.data) {
      if (l == ".") {
        const auto at = Clock::now();
        const auto n = count_.load() + 1;
        const bool ok = send_all(fd, "250 2.0.0 Ok: queued as S" + std::to_string(n) + "\r\n");
        if (record_) {
          std::lock_guard lock(mu_);
          log_.push_back({std::move(c.call_id), std::move(c.notification_id), at});
        }
        count_.store(n);
        c.data = false;
        c.call_id.clear();
        c.notification_id.clear();
        return ok;
      }
      if (c.headers) {
        if (l.empty()) {
          c.headers = false;
        } else if (starts_with_ci(l, "X-E911-Call-Id:")) {
          c.call_id = trimmed(l.substr(15));
        } else if (starts_with_ci(l, "X-E911-Notification-Id:")) {
          c.notification_id = trimmed(l.substr(23));
        }
      }
      return true;
    }
    if (starts_with_ci(l, "EHLO")) return send_all(fd, "250-e911-bench-sink\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n");
    if (starts_with_ci(l, "HELO")) return send_all(fd, "250 e911-bench-sink\r\n");
    if (starts_with_ci(l, "MAIL") || starts_with_ci(l, "RCPT") || starts_with_ci(l, "RSET") ||
        starts_with_ci(l, "NOOP")) {
      return send_all(fd, "250 2.0.0 Ok\r\n");
    }
    if (starts_with_ci(l, "DATA")) {
      c.data = true;
      c.headers = true;
      return send_all(fd, "354 End data with <CR><LF>.<CR><LF>\r\n");
    }
    if (starts_with_ci(l, "QUIT")) {
      send_all(fd, "221 2.0.0 Bye\r\n");
      return false;
    }
    return send_all(fd, "502 5.5.2 Command not implemented\r\n");
  }

  void readable(int fd) {
    auto it = conns_.find(fd);
    if (it == conns_.end()) return;
    Conn& c = it->second;
    char buf[65536];
    for (;;) {
      const auto n = ::read(fd, buf, sizeof buf);
      if (quickack_) {
        // Not sticky: the kernel may fall back to delayed ACKs, so again
        // after every read.
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
      }
      if (n > 0) {
        c.in.append(buf, static_cast<std::size_t>(n));
        if (static_cast<std::size_t>(n) < sizeof buf) break;
      } else if (n == 0) {
        drop(fd);
        return;
      } else if (errno == EINTR) {
        continue;
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        break;
      } else {
        drop(fd);
        return;
      }
    }
    std::size_t pos = 0;
    for (;;) {
      const auto eol = c.in.find("\r\n", pos);
      if (eol == std::string::npos) break;
      const std::string_view l(c.in.data() + pos, eol - pos);
      pos = eol + 2;
      if (!line(fd, c, l)) {
        drop(fd);
        return;
      }
    }
    c.in.erase(0, pos);
  }

  void loop() {
    pthread_setname_np(pthread_self(), "smtp-sink");
    tid_.store(current_tid());
    epoll_event events[64];
    for (;;) {
      const int n = ::epoll_wait(epoll_fd_, events, 64, -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        return;
      }
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == stop_fd_) return;
        if (fd == listen_fd_) {
          for (;;) {
            const int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (c < 0) break;
            const int one = 1;
            ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (quickack_) ::setsockopt(c, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
            conns_[c];
            watch(c);
            connections_.fetch_add(1);
            if (!send_all(c, "220 e911-bench-sink ESMTP\r\n")) drop(c);
          }
          continue;
        }
        readable(fd);
      }
    }
  }

  bool quickack_ = false;
  bool record_ = true;
  int listen_fd_ = -1, epoll_fd_ = -1, stop_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> tid_{0};
  std::atomic<std::uint64_t> count_{0}, connections_{0};
  std::unordered_map<int, Conn> conns_;  // sink thread only
  mutable std::mutex mu_;
  std::vector<Acceptance> log_;
  std::thread thread_;
};

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

class NotifierRunner {
 public:
  NotifierRunner(notifier::NotifierServiceOptions o) {
    service_ = std::make_unique<notifier::NotifierService>(std::move(o), observability::MetricsRegistry());
    thread_ = std::thread([this] {
      tid_ = current_tid();
      // The workers, timer, publisher and the producer's poll thread are
      // started from this thread and inherit the name; librdkafka's own
      // threads rename themselves rdk:*.
      pthread_setname_np(pthread_self(), "notifier");
      try {
        service_->run(stop_);
      } catch (const std::exception& e) {
        std::lock_guard lock(mu_);
        error_ = e.what();
      }
      done_ = true;
    });
  }
  ~NotifierRunner() { stop(); }
  void wait_started() {
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    while (!service_->started()) {
      check();
      if (done_ || Clock::now() > deadline) throw std::runtime_error("the notifier did not start: " + error());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  void check() const {
    if (const auto e = error(); !e.empty()) throw std::runtime_error("notifier failed: " + e);
  }
  std::string error() const {
    std::lock_guard lock(mu_);
    return error_;
  }
  notifier::NotifierServiceStats stats() const { return service_->stats(); }
  int tid() const { return tid_.load(); }
  void stop() {
    if (thread_.joinable()) {
      stop_ = true;
      thread_.join();
    }
  }

 private:
  std::unique_ptr<notifier::NotifierService> service_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::atomic<int> tid_{0};
  mutable std::mutex mu_;
  std::string error_;
  std::thread thread_;
};

class LocatorRunner {
 public:
  LocatorRunner(const kafka::Properties& props, const std::string& registry, const Config::Topics& topics) {
    locator::LocatorServiceOptions o;
    o.kafka = props;
    o.topics = topics;
    o.registry_path = registry;
    service_ = std::make_unique<locator::LocatorService>(o, observability::MetricsRegistry());
    thread_ = std::thread([this] {
      tid_ = current_tid();
      pthread_setname_np(pthread_self(), "locator");
      try {
        service_->run(stop_);
      } catch (const std::exception& e) {
        std::lock_guard lock(mu_);
        error_ = e.what();
      }
      done_ = true;
    });
  }
  ~LocatorRunner() { stop(); }
  void wait_started() {
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    while (!service_->started()) {
      check();
      if (done_ || Clock::now() > deadline) throw std::runtime_error("the locator did not start: " + error());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  void check() const {
    if (const auto e = error(); !e.empty()) throw std::runtime_error("locator failed: " + e);
  }
  std::string error() const {
    std::lock_guard lock(mu_);
    return error_;
  }
  locator::LocatorServiceStats stats() const { return service_->stats(); }
  int tid() const { return tid_.load(); }
  void stop() {
    if (thread_.joinable()) {
      stop_ = true;
      thread_.join();
    }
  }

 private:
  std::unique_ptr<locator::LocatorService> service_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::atomic<int> tid_{0};
  mutable std::mutex mu_;
  std::string error_;
  std::thread thread_;
};

// First time each key was read from a topic, by a group consumer
// (kafka::Consumer, the same client as the services') on its own thread.
class Reader {
 public:
  using KeyOf = std::function<std::optional<std::string>(const kafka::Message&)>;
  Reader(const kafka::Properties& props, std::string group, std::string topic, KeyOf key_of, std::string thread_name)
      : key_of_(std::move(key_of)) {
    thread_ = std::thread([this, props, group, topic, thread_name] {
      pthread_setname_np(pthread_self(), thread_name.c_str());
      try {
        kafka::ConsumerOptions o;
        o.group_id = group;
        o.topics = {topic};
        kafka::Consumer c(props, o);
        const kafka::Consumer::Handler h = [this](const kafka::Message& m, const kafka::Ack& ack) {
          const auto at = Clock::now();
          if (const auto key = key_of_(m)) {
            std::lock_guard lock(mu_);
            seen_.try_emplace(*key, at);
          }
          ++count_;
          ack.done();
        };
        while (!stop_.load()) c.poll(h, std::chrono::milliseconds(100));
        c.close();
      } catch (const std::exception& e) {
        std::lock_guard lock(mu_);
        error_ = e.what();
      }
    });
  }
  ~Reader() { stop(); }
  void stop() {
    if (thread_.joinable()) {
      stop_ = true;
      thread_.join();
    }
  }
  std::uint64_t count() const { return count_.load(); }
  std::optional<Clock::time_point> seen(const std::string& key) const {
    std::lock_guard lock(mu_);
    const auto it = seen_.find(key);
    if (it == seen_.end()) return std::nullopt;
    return it->second;
  }
  std::string error() const {
    std::lock_guard lock(mu_);
    return error_;
  }

 private:
  KeyOf key_of_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> count_{0};
  mutable std::mutex mu_;
  std::unordered_map<std::string, Clock::time_point> seen_;
  std::string error_;
  std::thread thread_;
};

std::optional<std::string> call_id_of(const kafka::Message& m) { return json_string_field(m.value, "call_id"); }

// A temporary folder, removed at the end.
class TempDir {
 public:
  TempDir(const std::string& root, const std::string& prefix) {
    std::string templ = root + "/" + prefix + "-XXXXXX";
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp " + templ + ": " + std::strerror(errno));
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

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

std::string describe_props(const kafka::Properties& p) {
  std::string out;
  for (const char* k : {"fetch.wait.max.ms", "linger.ms", "socket.nagle.disable"}) {
    const auto it = p.find(k);
    out += std::string(out.empty() ? "" : ", ") + k + "=" + (it == p.end() ? "(librdkafka default)" : it->second);
  }
  return out;
}

void print_notifier_stats(const notifier::NotifierServiceStats& st) {
  std::printf("  notifier: %s calls handled (%s admitted, %s duplicate, %s dead letters), %s alerts sent, %s failed, "
              "%s attempts retried, %s escalations, %s records published, %s unpublished\n",
              fmt(st.calls).c_str(), fmt(st.calls_admitted).c_str(), fmt(st.duplicate_calls).c_str(),
              fmt(st.dead_letters).c_str(), fmt(st.alerts_sent).c_str(), fmt(st.alerts_failed).c_str(),
              fmt(st.attempts_failed).c_str(), fmt(st.escalations).c_str(), fmt(st.records_published).c_str(),
              fmt(static_cast<std::uint64_t>(st.unpublished_records)).c_str());
}

bool wait_until(const std::function<bool()>& done, std::chrono::seconds timeout,
                const std::function<void()>& check = {}) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (check) check();
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
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
  std::printf("  embedded broker %s; every client: %s\n", broker.bootstrap_servers().c_str(),
              describe_props(props).c_str());

  TempDir tmp(args.state_root, "notifier-bench-a");
  Delivery delivery(args, tmp.path() + "/outbox");
  if (delivery.sink_tid()) labels.set(delivery.sink_tid(), "SMTP sink");
  std::printf("  delivery: %s\n", delivery.what().c_str());
  NotifierRunner notifier(notifier_options(args, props, topics, registry_path, tmp.path() + "/state", delivery.transport()));
  notifier.wait_started();
  labels.set(notifier.tid(), "notifier consumer loop");
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
    notifier.check();
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
                  [&] { notifier.check(); })) {
    throw std::runtime_error("the probes' alerts were not all accepted");
  }
  std::printf("  notifier and reader delivering %.1f s after start (%zu probe call(s)); pacing...\n",
              seconds_between(t_join, Clock::now()), probe);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  std::mutex times_mu;
  std::unordered_map<std::string, CallTimes> times;
  const auto period = std::chrono::duration<double>(1.0 / args.rate);
  const double cpu0 = process_cpu_s();
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
  const bool all = wait_for_alerts(delivery, expected, std::chrono::seconds(20), [&] { notifier.check(); });
  const auto drained = Clock::now();
  const auto threads1 = sample_threads();
  const double cpu1 = process_cpu_s();
  const double wall = seconds_between(start, drained);
  // Let the last records reach Kafka before the stats are read.
  wait_until([&] { return notifier.stats().unpublished_records == 0; }, std::chrono::seconds(10));
  const auto st = notifier.stats();
  readable.stop();
  notifier.stop();

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
  print_thread_cpu(labels, threads0, threads1, wall);
  std::printf("\n");
  labels.claim("(a), gone");
}

// ---------------------------------------------------------------------------
// (b) Call event -> first alert, locator and notifier, beside a bare hop.

struct Stream {
  std::vector<SimEvent> calls;
  std::vector<SimEvent> updates;
  std::size_t emergency = 0;
};

Stream generate(simulator::TrafficSimulator& sim, std::size_t n, double share, std::uint64_t seed) {
  Stream s;
  s.calls.reserve(n);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<SimEvent> tour;
  std::size_t next = 0;
  while (s.calls.size() < n) {
    if (u(rng) < share) {
      for (;;) {
        if (next == tour.size()) {
          tour = sim.scenarios();
          next = 0;
          if (tour.empty()) throw std::runtime_error("the registry supports no emergency scenario");
        }
        SimEvent& e = tour[next++];
        if (e.kind == SimEvent::Kind::location_update) {
          s.updates.push_back(std::move(e));
          continue;
        }
        if (e.emergency) ++s.emergency;
        s.calls.push_back(std::move(e));
        break;
      }
    } else {
      s.calls.push_back(sim.background());
    }
  }
  return s;
}

void run_first_alert(const Args& args, const std::string& registry_path, ThreadLabels& labels) {
  const auto registry = load_registry(registry_path);
  std::printf("== (b) call event to first alert: locator + notifier, %.0f call events/s (%.0f%% emergency) for %.0f s "
              "(+%.0f s warm-up), %d recipients per call; bare hop beside ==\n",
              args.b_rate, 100 * args.b_emergency_share, args.b_seconds, args.warmup_seconds, args.recipients);
  simulator::TrafficSimulator sim(registry, args.seed + 100, now_millis() - 3'600'000);
  const auto total = static_cast<std::size_t>(std::llround(args.b_rate * (args.b_seconds + args.warmup_seconds)));
  const Stream s = generate(sim, total, args.b_emergency_share, args.seed + 101);
  const Stream probes = generate(sim, 100, 1.0, args.seed + 102);

  kafka::EmbeddedBroker broker;
  labels.claim("embedded broker");
  const Config::Topics topics = Config().topics();
  const std::string hop_topic = "bench.bare-hop";
  broker.create_topic(topics.call_events, 3);
  broker.create_topic(topics.location_updates, 3);
  broker.create_topic(topics.emergency_calls, 1);
  broker.create_topic(topics.notifications, 1);
  broker.create_topic(topics.dead_letter, 1);
  broker.create_topic(hop_topic, 3);
  const auto props = kafka::merged(broker.client_properties(), args.overrides);
  std::printf("  embedded broker %s; every client: %s\n", broker.bootstrap_servers().c_str(),
              describe_props(props).c_str());

  kafka::ProducerOptions po;
  po.client_id = "bench-calls";
  po.topics = {topics.call_events, topics.location_updates};
  kafka::Producer calls_producer(props, po);
  kafka::ProducerOptions ho;
  ho.client_id = "bench-hop";
  ho.topics = {hop_topic};
  kafka::Producer hop_producer(props, ho);
  for (const auto* updates : {&s.updates, &probes.updates}) {
    for (const auto& e : *updates) calls_producer.produce(topics.location_updates, e.key, e.payload);
  }
  if (!calls_producer.flush(std::chrono::seconds(30))) throw std::runtime_error("location updates not flushed");

  TempDir tmp(args.state_root, "notifier-bench-b");
  Delivery delivery(args, tmp.path() + "/outbox");
  if (delivery.sink_tid()) labels.set(delivery.sink_tid(), "SMTP sink");
  std::printf("  delivery: %s\n", delivery.what().c_str());
  LocatorRunner locator(props, registry_path, topics);
  locator.wait_started();
  labels.set(locator.tid(), "locator event loop");
  labels.claim("locator");
  NotifierRunner notifier(notifier_options(args, props, topics, registry_path, tmp.path() + "/state", delivery.transport()));
  notifier.wait_started();
  labels.set(notifier.tid(), "notifier consumer loop");
  labels.claim("notifier");
  Reader downstream(props, "bench-downstream", topics.emergency_calls, call_id_of, "rd-downstream");
  Reader hop_reader(props, "bench-hop", hop_topic,
                    [](const kafka::Message& m) -> std::optional<std::string> {
                      if (!m.key) return std::nullopt;
                      return std::string(*m.key);
                    },
                    "rd-bare-hop");
  labels.claim("bench readers and producers");

  const auto t_join = Clock::now();
  std::size_t probe = 0;
  while (delivery.accepted() == 0 || downstream.count() == 0 || hop_reader.count() == 0) {
    locator.check();
    notifier.check();
    if (probe >= probes.calls.size() || Clock::now() - t_join > std::chrono::seconds(60)) {
      throw std::runtime_error("the paths did not deliver within 60 s: " + downstream.error() + hop_reader.error());
    }
    const auto& e = probes.calls[probe++];
    calls_producer.produce(topics.call_events, e.key, e.payload);
    hop_producer.produce(hop_topic, "probe-" + std::to_string(probe), e.payload);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::printf("  all paths delivering %.1f s after start (%zu probe(s)); pacing...\n",
              seconds_between(t_join, Clock::now()), probe);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the probes' alerts drain

  const auto period = std::chrono::duration<double>(1.0 / args.b_rate);
  const auto half = std::chrono::duration_cast<Clock::duration>(period / 2);
  const auto warmup_n = static_cast<std::size_t>(std::llround(args.b_rate * args.warmup_seconds));
  std::unordered_map<std::string, Clock::time_point> call_sent;  // pacing thread only until the end
  std::unordered_map<std::string, Clock::time_point> hop_sent;
  std::size_t measured_calls = 0;
  const double cpu0 = process_cpu_s();
  const auto threads0 = sample_threads();
  const auto start = Clock::now();
  Clock::time_point measure_start{};
  std::size_t late = 0;
  const auto accepted_before = delivery.accepted();
  std::size_t emergency_sent = 0;
  for (std::size_t i = 0; i < s.calls.size(); ++i) {
    const auto tick = start + std::chrono::duration_cast<Clock::duration>(period * static_cast<double>(i));
    std::this_thread::sleep_until(tick);
    if (Clock::now() - tick > period) ++late;
    if (i == warmup_n) measure_start = Clock::now();
    const bool measure = i >= warmup_n;
    const auto& e = s.calls[i];
    if (e.emergency) {
      ++emergency_sent;
      if (measure) {
        if (const auto id = json_string_field(e.payload, "call_id")) {
          call_sent[*id] = Clock::now();
          ++measured_calls;
        }
      }
    }
    calls_producer.produce(topics.call_events, e.key, e.payload);
    std::this_thread::sleep_until(tick + half);
    const std::string key = "hop-" + std::to_string(i);
    if (measure) hop_sent[key] = Clock::now();
    hop_producer.produce(hop_topic, key, e.payload);
  }
  const auto paced_end = Clock::now();
  const auto expected_alerts =
      accepted_before + static_cast<std::uint64_t>(emergency_sent) * static_cast<std::uint64_t>(args.recipients);
  const bool all = wait_for_alerts(delivery, expected_alerts, std::chrono::seconds(20), [&] {
    locator.check();
    notifier.check();
  });
  const auto drained = Clock::now();
  const auto threads1 = sample_threads();
  const double cpu1 = process_cpu_s();
  const double wall = seconds_between(start, drained);
  const auto lst = locator.stats();
  const auto nst = notifier.stats();
  downstream.stop();
  hop_reader.stop();
  notifier.stop();
  locator.stop();

  const double achieved =
      static_cast<double>(s.calls.size() - warmup_n) / seconds_between(measure_start, paced_end);
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
  std::vector<double> first, last, locator_leg, hop;
  for (const auto& [id, sent] : call_sent) {
    if (const auto it = per_call.find(id); it != per_call.end()) {
      first.push_back(ms_between(sent, it->second.first));
      if (count[id] == args.recipients) last.push_back(ms_between(sent, it->second.second));
    }
    if (const auto at = downstream.seen(id)) locator_leg.push_back(ms_between(sent, *at));
  }
  for (const auto& [key, sent] : hop_sent) {
    if (const auto at = hop_reader.seen(key)) hop.push_back(ms_between(sent, *at));
  }
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
  print_thread_cpu(labels, threads0, threads1, wall);
  std::printf("\n");
  labels.claim("(b), gone");
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

  TempDir tmp(args.state_root, "notifier-bench-c");
  Delivery delivery(args, tmp.path() + "/outbox", false);
  if (delivery.sink_tid()) labels.set(delivery.sink_tid(), "SMTP sink");
  std::printf("  delivery: %s\n", delivery.what().c_str());
  Args storm_args = args;
  storm_args.recipients = args.storm_recipients;
  std::string reg = registry_path;
  if (args.storm_recipients != args.recipients) {
    reg = write_registry(tmp.path(), bench_registry_text(args.registry, args.storm_recipients));
  }
  NotifierRunner notifier(notifier_options(storm_args, props, topics, reg, tmp.path() + "/state", delivery.transport()));
  notifier.wait_started();
  labels.set(notifier.tid(), "notifier consumer loop");
  labels.claim("notifier");
  kafka::ProducerOptions po;
  po.client_id = "bench-storm";
  po.topics = {topics.emergency_calls};
  kafka::Producer producer(props, po);
  labels.claim("bench producer");

  const auto t_join = Clock::now();
  std::size_t probe = 0;
  while (delivery.accepted() == 0) {
    notifier.check();
    if (probe >= kProbes || Clock::now() - t_join > std::chrono::seconds(60)) {
      throw std::runtime_error("no alert within 60 s");
    }
    producer.produce(topics.emergency_calls, docs[probe].call_id, docs[probe].json);
    ++probe;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const auto per_call = static_cast<std::uint64_t>(args.storm_recipients);
  const auto probe_alerts = static_cast<std::uint64_t>(probe) * per_call;
  wait_until([&] { return delivery.accepted() >= probe_alerts && notifier.stats().unpublished_records == 0; },
             std::chrono::seconds(30));
  std::printf("  notifier delivering %.1f s after start (%zu probe call(s))\n", seconds_between(t_join, Clock::now()),
              probe);

  const bool hwm_reset = reset_peak_rss();
  const long rss_before = status_kb("VmRSS");
  const long hwm_before = status_kb("VmHWM");
  const auto threads0 = sample_threads();
  const double cpu0 = process_cpu_s();
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
    notifier.check();
    const auto st = notifier.stats();
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
  const double cpu1 = process_cpu_s();
  const long hwm = status_kb("VmHWM");
  const long rss_done = status_kb("VmRSS");
  wait_until([&] { return notifier.stats().unpublished_records == 0; }, std::chrono::seconds(60));
  const auto published = Clock::now();
  const auto st = notifier.stats();
  const auto db = tmp.path() + "/state/notifier.db";
  const auto db_bytes = file_size_or_0(db), wal_bytes = file_size_or_0(db + "-wal");
  notifier.stop();
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
  print_thread_cpu(labels, threads0, threads1, drain);
  std::printf("\n");
  labels.claim("(c), gone");
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
    TempDir dir(args.state_root, "notifier-bench-registry");
    const auto registry_path = write_registry(dir.path(), bench_registry_text(args.registry, args.recipients));
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
  } catch (const std::exception& e) {
    std::fprintf(stderr, "notifier_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
