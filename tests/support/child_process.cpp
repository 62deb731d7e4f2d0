#include "tests/support/child_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace e911::test {

namespace {
using Clock = std::chrono::steady_clock;
}

ChildProcess::ChildProcess(std::vector<std::string> argv, std::string stderr_path,
                           std::vector<std::string> extra_env, Stdin in) {
  if (argv.empty()) throw std::runtime_error("ChildProcess: no program");
  name_ = argv[0];
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
  // Standard input as a socket pair rather than a pipe: send() with
  // MSG_NOSIGNAL, so a child that died fails a write instead of killing
  // the test binary with SIGPIPE.
  int in_fds[2] = {-1, -1};
  if (in == Stdin::pipe && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_fds) != 0) {
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error("socketpair: " + std::string(std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  if (in == Stdin::pipe) {
    posix_spawn_file_actions_adddup2(&actions, in_fds[1], STDIN_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  if (!stderr_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
  }
  // Its own process group, so stop() reaches what it starts too.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);

  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e; ++e) env_storage.emplace_back(*e);
  for (auto& e : extra_env) env_storage.push_back(e);
  std::vector<char*> env;
  for (auto& e : env_storage) env.push_back(e.data());
  env.push_back(nullptr);

  const int rc = posix_spawnp(&pid_, args[0], &actions, &attr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (in_fds[1] >= 0) close(in_fds[1]);
  if (rc != 0) {
    close(fds[0]);
    if (in_fds[0] >= 0) close(in_fds[0]);
    pid_ = -1;
    throw std::runtime_error("cannot start " + name_ + ": " + std::strerror(rc));
  }
  out_fd_ = fds[0];
  in_fd_ = in_fds[0];
}

ChildProcess::~ChildProcess() {
  stop();
  if (out_fd_ >= 0) close(out_fd_);
  close_stdin();
}

bool ChildProcess::write_line(const std::string& line) {
  if (in_fd_ < 0) return false;
  const std::string data = line + "\n";
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(in_fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

void ChildProcess::close_stdin() {
  if (in_fd_ < 0) return;
  close(in_fd_);
  in_fd_ = -1;
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    if (out_fd_ < 0) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    pollfd p{out_fd_, POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    char chunk[4096];
    const ssize_t got = ::read(out_fd_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      close(out_fd_);
      out_fd_ = -1;
      if (!buffer_.empty()) {
        std::string rest;
        rest.swap(buffer_);
        return rest;
      }
      return std::nullopt;
    }
    buffer_.append(chunk, static_cast<std::size_t>(got));
  }
}

std::string ChildProcess::wait_for(const std::string& prefix, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    auto line = read_line(left);
    if (!line) break;
    if (line->rfind(prefix, 0) == 0) return line->substr(prefix.size());
  }
  throw std::runtime_error(name_ + ": no line starting with '" + prefix + "' within " +
                           std::to_string(timeout.count()) + " ms" + (running() ? "" : " (it exited)"));
}

void ChildProcess::reap(bool block) {
  if (pid_ <= 0) return;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    pid_ = -1;
  }
}

bool ChildProcess::running() {
  reap(false);
  return pid_ > 0;
}

void ChildProcess::stop(std::chrono::milliseconds grace) {
  if (!running()) return;
  ::kill(-pid_, SIGTERM);
  const auto deadline = Clock::now() + grace;
  while (Clock::now() < deadline) {
    if (!running()) return;
    // Polling a child's exit: waitpid has no timeout and SIGCHLD handling
    // would disturb the test binary's other children.
    usleep(10'000);
  }
  kill_now();
}

void ChildProcess::kill_now() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGKILL);
  reap(true);
}

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    throw std::runtime_error("bind: " + std::string(std::strerror(errno)));
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace e911::test
