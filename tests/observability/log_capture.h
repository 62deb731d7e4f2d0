#pragma once
// Test helpers for common/log.h: capture lines through the sink, or
// capture what the default sink writes to file descriptor 2.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/log.h"

namespace e911::test {

// Installs a capturing sink and a minimum level; restores both on exit.
class LogCapture {
 public:
  explicit LogCapture(LogLevel min_level = LogLevel::debug) : saved_level_(min_log_level()) {
    set_min_log_level(min_level);
    saved_sink_ = set_log_sink([this](std::string_view line) {
      std::lock_guard lock(mu_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() {
    set_log_sink(std::move(saved_sink_));
    set_min_log_level(saved_level_);
  }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<std::string> lines() const {
    std::lock_guard lock(mu_);
    return lines_;
  }

 private:
  LogLevel saved_level_;
  LogSink saved_sink_;
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// Points file descriptor 2 at a temporary file until finish() or
// destruction, so the default sink's output can be read back.
class StderrCapture {
 public:
  StderrCapture() {
    char name[] = "/tmp/e911-stderr-XXXXXX";
    fd_ = ::mkstemp(name);
    path_ = name;
    std::fflush(stderr);
    saved_ = ::dup(STDERR_FILENO);
    ::dup2(fd_, STDERR_FILENO);
  }
  ~StderrCapture() {
    finish();
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  // Restores stderr and returns what was written meanwhile.
  std::string finish() {
    if (saved_ >= 0) {
      std::fflush(stderr);
      ::dup2(saved_, STDERR_FILENO);
      ::close(saved_);
      saved_ = -1;
    }
    std::string out;
    char buf[4096];
    ssize_t n = 0;
    ::lseek(fd_, 0, SEEK_SET);
    while ((n = ::read(fd_, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    return out;
  }

 private:
  int fd_ = -1;
  int saved_ = -1;
  std::string path_;
};

// Sets or unsets an environment variable; restores it on exit.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace e911::test
