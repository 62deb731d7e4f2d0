#pragma once
// Structured logs: one JSON object per line on standard error, e.g.
//   {"ts":"2026-11-21T10:15:00.120Z","level":"info","component":"locator",
//    "msg":"resolved","call_id":"c-123","latency_ms":4}
//
// PERSONAL DATA: an emergency call carries caller names, phone numbers,
// e-mail addresses and home addresses. Never log them: log ids (call id,
// user id, site id, device id) and let the auditor's store, which controls
// who may read it, hold the rest. Secrets (passwords, tokens, keys) are
// never logged either; fields whose names look secret are redacted here as
// a safety net, not as a licence to pass secrets in.
//
// Cost when a level is disabled: one relaxed atomic load. Fields hold views
// of their values, so building them allocates nothing; build them inside
// the call and never store them.

#include <atomic>
#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/result.h"

namespace e911 {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

// "debug", "info", "warn" (or "warning"), "error"; case-insensitive.
std::optional<LogLevel> parse_log_level(std::string_view text);
const char* log_level_name(LogLevel level);

namespace detail {
std::atomic<int>& log_threshold();
}

// The minimum level written. Starts from $E911_LOG_LEVEL (default info; an
// unknown value keeps info and is reported by one warn line).
inline bool log_enabled(LogLevel level) {
  return static_cast<int>(level) >= detail::log_threshold().load(std::memory_order_relaxed);
}
LogLevel min_log_level();
void set_min_log_level(LogLevel level);
// Reads $E911_LOG_LEVEL again (unset: no change). An unknown value is an
// Error and leaves the level as it was.
std::optional<Error> apply_log_level_from_env();

// True for field names that look like they hold a credential: they contain
// password, passwd, secret, token, key, credential, authorization or cookie
// (case-insensitive). Their values are written as "[REDACTED]".
bool is_secret_field_name(std::string_view name);

// One typed key/value. Views only: valid for the duration of the log call.
class LogField {
 public:
  enum class Kind { string, null, boolean, int64, uint64, real };

  LogField(std::string_view name, std::string_view value) : name_(name), kind_(Kind::string), str_(value) {}
  LogField(std::string_view name, const std::string& value) : LogField(name, std::string_view(value)) {}
  // Without this overload a string literal would convert to bool.
  LogField(std::string_view name, const char* value)
      : name_(name), kind_(value ? Kind::string : Kind::null), str_(value ? value : "") {}
  LogField(std::string_view name, bool value) : name_(name), kind_(Kind::boolean), bool_(value) {}
  LogField(std::string_view name, double value) : name_(name), kind_(Kind::real), real_(value) {}
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  LogField(std::string_view name, T value) : name_(name) {
    if constexpr (std::is_signed_v<T>) {
      kind_ = Kind::int64;
      int_ = static_cast<std::int64_t>(value);
    } else {
      kind_ = Kind::uint64;
      uint_ = static_cast<std::uint64_t>(value);
    }
  }

  std::string_view name() const { return name_; }
  Kind kind() const { return kind_; }
  std::string_view string_value() const { return str_; }
  bool bool_value() const { return bool_; }
  std::int64_t int_value() const { return int_; }
  std::uint64_t uint_value() const { return uint_; }
  double real_value() const { return real_; }

 private:
  std::string_view name_;
  Kind kind_ = Kind::null;
  std::string_view str_;
  bool bool_ = false;
  std::int64_t int_ = 0;
  std::uint64_t uint_ = 0;
  double real_ = 0.0;
};

// Receives each line (without the newline), one call per line, never two
// at once. A sink must not log itself.
using LogSink = std::function<void(std::string_view json_line)>;
// Replaces the sink (an empty one restores standard error); returns the
// previous sink.
LogSink set_log_sink(LogSink sink);

// Formats one line without writing it (the level filter is not applied).
// String values are cut to 4 KiB and invalid UTF-8 becomes U+FFFD, so any
// input yields one valid JSON line. A field named like a fixed key
// (ts, level, component, msg) is written with a leading "_".
std::string format_log_line(LogLevel level, std::string_view component, std::string_view msg,
                            std::span<const LogField> fields);

// Writes one line if `level` is enabled.
void write_log(LogLevel level, std::string_view component, std::string_view msg,
               std::span<const LogField> fields = {});

// The usual way in: one Logger per component.
//   const Logger log("notifier");
//   log.info("delivered", {{"call_id", id}, {"channel", "smtp"}, {"attempt", n}});
class Logger {
 public:
  explicit Logger(std::string component) : component_(std::move(component)) {}

  void debug(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    if (log_enabled(LogLevel::debug)) write_log(LogLevel::debug, component_, msg, fields);
  }
  void info(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    if (log_enabled(LogLevel::info)) write_log(LogLevel::info, component_, msg, fields);
  }
  void warn(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    if (log_enabled(LogLevel::warn)) write_log(LogLevel::warn, component_, msg, fields);
  }
  void error(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    if (log_enabled(LogLevel::error)) write_log(LogLevel::error, component_, msg, fields);
  }
  void log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    if (log_enabled(level)) write_log(level, component_, msg, fields);
  }

  const std::string& component() const { return component_; }

 private:
  std::string component_;
};

}  // namespace e911
