#pragma once
// A helper process for tests that need a real peer (an SMTP server, an SMS
// gateway, an HTTP receiver): started with posix_spawn, its standard output
// read line by line with a deadline, stopped (SIGTERM, then SIGKILL) when
// the object goes away. Its standard input is /dev/null, or lines the test
// writes (Stdin::pipe: `e911 broker --control`).

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace e911::test {

class ChildProcess {
 public:
  enum class Stdin { null, pipe };

  // Starts `argv[0]` (looked up on PATH) with `argv`. Standard error goes
  // to `stderr_path` (empty: inherited), so a failing test can show it.
  // Throws std::runtime_error if it cannot be started.
  explicit ChildProcess(std::vector<std::string> argv, std::string stderr_path = {},
                        std::vector<std::string> extra_env = {}, Stdin in = Stdin::null);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next line of standard output, waiting at most `timeout`; nullopt on
  // timeout or end of output.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Reads lines until one starts with `prefix` and returns the rest of it
  // ("port=" -> "2525"); throws std::runtime_error naming the process on
  // timeout or exit.
  std::string wait_for(const std::string& prefix, std::chrono::milliseconds timeout);

  // With Stdin::pipe: writes `line` and a newline to the child's standard
  // input; false once it is closed or the child is gone (never SIGPIPE).
  bool write_line(const std::string& line);
  // With Stdin::pipe: the child reads end of file. Idempotent.
  void close_stdin();

  // SIGTERM, up to `grace` to exit, then SIGKILL. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
  // SIGKILL at once (a crash), and reap.
  void kill_now();
  bool running();
  pid_t pid() const { return pid_; }
  // The exit status once stopped (-1 if killed by a signal or still running).
  int exit_code() const { return exit_code_; }

 private:
  void reap(bool block);
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int in_fd_ = -1;
  std::string buffer_;
  std::string name_;
  int exit_code_ = -1;
};

// A free TCP port on 127.0.0.1 (bound and released: a peer started right
// after takes it).
int free_loopback_port();

}  // namespace e911::test
