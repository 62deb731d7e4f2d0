#include "tests/ingest/sip_peers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>

#include "tests/support/files.h"
#include "tests/support/wait.h"

namespace e911::test {
namespace {

// Binds UDP 127.0.0.1:`port` (0: any); the bound port, or -1 when taken.
int bind_udp(int port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  int bound = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    bound = ntohs(addr.sin_port);
  }
  ::close(fd);
  return bound;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The last part of a peer's log, for a failure message.
std::string log_tail(const std::string& path) {
  const auto text = read_file(path);
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

std::string shell_quoted(const std::string& s) { return "'" + replace_all(s, "'", "'\\''") + "'"; }

// sipp writes its screens to standard output for as long as it runs: they
// go to `log`, so no pipe fills up and stalls it. exec keeps the pid, so
// ChildProcess signals sipp itself.
std::unique_ptr<ChildProcess> start_sipp(const std::vector<std::string>& args, const std::string& log) {
  std::string command = "exec sipp";
  for (const auto& a : args) command += " " + shell_quoted(a);
  command += " >" + shell_quoted(log) + " 2>&1";
  return std::make_unique<ChildProcess>(std::vector<std::string>{"/bin/sh", "-c", command});
}

}  // namespace

int free_udp_port() {
  const int port = bind_udp(0);
  if (port <= 0) throw std::runtime_error("no free UDP port");
  return port;
}

bool wait_udp_bound(int port) { return wait_until([&] { return bind_udp(port) < 0; }); }

std::unique_ptr<ChildProcess> start_kamailio(const TempDir& dir, const std::string& config, int port,
                                             const std::map<std::string, std::string>& values,
                                             const std::vector<std::string>& extra_args) {
  std::string text = read_file(source_dir() + "/" + config);
  for (const auto& [key, value] : values) text = replace_all(text, key, value);
  const auto cfg = dir.write("kamailio.cfg", text);
  std::vector<std::string> argv{"kamailio", "-f", cfg, "-DD", "-E", "-Y", dir.root().string(), "-P",
                                dir.path("kamailio.pid")};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  auto kamailio = std::make_unique<ChildProcess>(argv, dir.path("kamailio.log"));
  if (!wait_until([&] { return bind_udp(port) < 0 || !kamailio->running(); }) || !kamailio->running())
    throw std::runtime_error("kamailio did not bind UDP 127.0.0.1:" + std::to_string(port) + ": " +
                             log_tail(dir.path("kamailio.log")));
  return kamailio;
}

SipProxy::SipProxy(const TempDir& dir, int ingest_port, MirrorFormat format) : dir_(dir) {
  // The port is free when chosen but another process may take it before
  // sipp binds it; sipp then exits at once, and a new port is tried.
  for (int attempt = 1; !carrier_; ++attempt) {
    carrier_port_ = free_udp_port();
    auto sipp = start_sipp({"-sn", "uas", "-i", "127.0.0.1", "-p", std::to_string(carrier_port_), "-nostdin",
                            "-trace_err", "-error_file", dir.path("carrier-errors.log")},
                           dir.path("carrier.log"));
    const bool bound = wait_until([&] { return bind_udp(carrier_port_) < 0 || !sipp->running(); }) && sipp->running();
    if (bound) {
      carrier_ = std::move(sipp);
    } else if (attempt == 3 || sipp->running()) {
      sipp->kill_now();
      throw std::runtime_error("the sipp carrier did not bind UDP 127.0.0.1:" + std::to_string(carrier_port_) +
                               ": " + log_tail(dir.path("carrier.log")) + log_tail(dir.path("carrier-errors.log")));
    }
  }

  proxy_port_ = free_udp_port();
  std::vector<std::string> defines{"-A", "E911_INGEST_URI=\"sip:127.0.0.1:" + std::to_string(ingest_port) + "\""};
  if (format == MirrorFormat::hep3) {
    defines.push_back("-A");
    defines.push_back("E911_MIRROR_HEP");
  }
  proxy_ = start_kamailio(dir, "tests/ingest/kamailio/proxy.cfg", proxy_port_,
                          {{"@PROXY_PORT@", std::to_string(proxy_port_)},
                           {"@CARRIER_PORT@", std::to_string(carrier_port_)},
                           {"@SIPTRACE_SNIPPET@", source_dir() + "/ops/kamailio/siptrace.cfg"}},
                          defines);
}

SipProxy::~SipProxy() {
  if (proxy_) proxy_->stop();
  if (carrier_) carrier_->stop();
}

int SipProxy::place(const Call& call) {
  static std::atomic<int> n{0};
  const std::string ruri = call.ruri.empty() ? "sip:" + call.dialed + "@127.0.0.1:" + std::to_string(proxy_port_)
                                             : call.ruri;
  const auto name = "uac-" + std::to_string(++n);
  auto uac = start_sipp({"127.0.0.1:" + std::to_string(proxy_port_), "-sf",
                         source_dir() + "/tests/ingest/sipp/uac_emergency.xml", "-key", "ruri", ruri, "-key", "user",
                         call.user, "-key", "display", call.display, "-key", "callback", call.callback, "-i",
                         "127.0.0.1", "-p", std::to_string(free_udp_port()), "-m", "1", "-nostdin", "-timeout", "30s",
                         "-timeout_error", "-trace_err", "-error_file", dir_.path(name + "-errors.log")},
                        dir_.path(name + ".log"));
  if (!wait_until([&] { return !uac->running(); })) {
    uac->kill_now();
    return -1;
  }
  return uac->exit_code();
}

}  // namespace e911::test
