#include "tests/support/postgres_server.h"

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace e911::test {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

CommandResult run_command(const std::vector<std::string>& argv) {
  if (argv.empty()) throw std::runtime_error("run_command: no program");
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  std::vector<std::string> args = argv;
  std::vector<char*> cargs;
  for (auto& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, cargs[0], &actions, nullptr, cargs.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(err[1]);
  CommandResult result;
  if (rc != 0) {
    close(out[0]);
    close(err[0]);
    result.err = "cannot start " + argv[0] + ": " + std::strerror(rc);
    return result;
  }
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char chunk[4096];
      const ssize_t got = ::read(fds[i].fd, chunk, sizeof chunk);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        sinks[i]->append(chunk, static_cast<std::size_t>(got));
      }
    }
  }
  for (auto& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string PostgresServer::bin_dir() {
  std::string best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const auto bin = entry.path() / "bin";
    if (!fs::exists(bin / "initdb") || !fs::exists(bin / "postgres") || !fs::exists(bin / "pg_isready")) continue;
    int version = 0;
    try {
      version = std::stoi(entry.path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    if (version > best_version) {
      best_version = version;
      best = bin.string();
    }
  }
  return best;
}

namespace {

std::string describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + (r.out.empty() ? "" : ": " + r.out) +
         (r.err.empty() ? "" : ": " + r.err);
}

}  // namespace

PostgresServer::PostgresServer() {
  bin_ = bin_dir();
  if (bin_.empty()) {
    throw std::runtime_error("no PostgreSQL server binaries under /usr/lib/postgresql (Debian package postgresql)");
  }
  std::string tmpl = (fs::temp_directory_path() / "e911-pg-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp: " + std::string(std::strerror(errno)));
  base_ = tmpl;
  data_ = base_ + "/data";
  try {
    fs::create_directory(data_);
    fs::permissions(data_, fs::perms::owner_all, fs::perm_options::replace);
    if (geteuid() == 0) {
      const passwd* pw = getpwnam("postgres");
      if (pw == nullptr) {
        throw std::runtime_error("running as root, and there is no postgres user to run the server as");
      }
      // The postgres user must reach its data directory through ours.
      fs::permissions(base_,
                      fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                          fs::perms::others_exec,
                      fs::perm_options::replace);
      if (chown(data_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        throw std::runtime_error("chown " + data_ + ": " + std::strerror(errno));
      }
      as_postgres_ = {"runuser", "-u", "postgres", "--"};
    }
    auto initdb = as_postgres_;
    initdb.insert(initdb.end(), {bin_ + "/initdb", "-D", data_, "-A", "trust", "-U", kSuperuser, "-E", "UTF8",
                                 "--locale=C", "--no-sync", "--no-instructions"});
    if (const auto r = run_command(initdb); r.exit_code != 0) throw std::runtime_error("initdb: " + describe(r));

    // A free port can be taken between our probe and the server's bind:
    // then the server exits, and we try another.
    std::string last_error;
    for (int attempt = 0; attempt < 3 && !server_; ++attempt) {
      port_ = free_loopback_port();
      last_error = start();
    }
    if (!server_) throw std::runtime_error("postgres " + last_error + "; its log ends:\n" + log_tail());
  } catch (...) {
    std::error_code ec;
    fs::remove_all(base_, ec);
    throw;
  }
}

std::string PostgresServer::start() {
  auto argv = as_postgres_;
  argv.insert(argv.end(), {bin_ + "/postgres", "-D", data_, "-k", data_, "-h", "127.0.0.1", "-p", std::to_string(port_),
                           "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"});
  auto server = std::make_unique<ChildProcess>(argv, base_ + "/postgres.log");
  const auto deadline = Clock::now() + 60s;
  while (Clock::now() < deadline && server->running()) {
    const auto r = run_command({bin_ + "/pg_isready", "-q", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U",
                                kSuperuser, "-d", "postgres", "-t", "5"});
    if (r.exit_code == 0) {
      server_ = std::move(server);
      return {};
    }
    // Not listening yet (pg_isready returns at once): try again shortly.
    std::this_thread::sleep_for(50ms);
  }
  const std::string error = server->running() ? "not ready within 60 s" : "exited";
  server->stop();
  return error;
}

void PostgresServer::restart() {
  stop();
  if (const auto error = start(); !error.empty()) {
    throw std::runtime_error("postgres restart: " + error + "; its log ends:\n" + log_tail());
  }
}

PostgresServer::~PostgresServer() {
  stop();
  std::error_code ec;
  fs::remove_all(base_, ec);
}

void PostgresServer::stop() {
  if (!server_) return;
  // Fast shutdown (SIGINT to the postmaster, whose pid opens
  // postmaster.pid): sessions still open are ended rather than waited for.
  std::ifstream pidfile(data_ + "/postmaster.pid");
  long pid = 0;
  if (pidfile >> pid && pid > 0) ::kill(static_cast<pid_t>(pid), SIGINT);
  const auto deadline = Clock::now() + 20s;
  while (server_->running() && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
  server_->stop();
  server_.reset();
}

std::string PostgresServer::log_tail() const {
  std::ifstream in(base_ + "/postgres.log");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.size() > 4000 ? all.substr(all.size() - 4000) : all;
}

std::string PostgresServer::create_database() {
  const std::string name = "audit_" + std::to_string(++databases_);
  if (const auto r = psql("postgres", "CREATE DATABASE " + name); r.exit_code != 0) {
    throw std::runtime_error("CREATE DATABASE " + name + ": " + describe(r));
  }
  return name;
}

std::string PostgresServer::url(const std::string& database) const {
  return std::string("postgresql://") + kSuperuser + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

CommandResult PostgresServer::psql(const std::string& database, const std::string& sql) const {
  return run_command({bin_ + "/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                      std::to_string(port_), "-U", kSuperuser, "-d", database, "-c", sql});
}

namespace {

struct Shared {
  std::unique_ptr<PostgresServer> server;
  std::optional<std::string> failure;
};
Shared& shared_state() {
  static Shared s;
  return s;
}

}  // namespace

PostgresServer& PostgresServer::shared() {
  auto& s = shared_state();
  if (s.failure) throw std::runtime_error(*s.failure);
  if (!s.server) {
    try {
      s.server = std::make_unique<PostgresServer>();
    } catch (const std::exception& e) {
      s.failure = e.what();
      throw;
    }
  }
  return *s.server;
}

void PostgresServer::stop_shared() { shared_state().server.reset(); }

}  // namespace e911::test
