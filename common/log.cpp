#include "common/log.h"

#include "common/utf8.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <utility>

#include "common/text.h"
#include "common/timestamp.h"

namespace e911 {
namespace {

constexpr std::size_t kMaxStringBytes = 4096;
constexpr std::string_view kTruncatedMark = "...[truncated]";
constexpr std::string_view kRedacted = "[REDACTED]";
constexpr int kDefaultThreshold = static_cast<int>(LogLevel::info);

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Valid UTF-8 of at most kMaxStringBytes (plus the mark): RapidJSON's
// writer copies bytes as they are, and one bad byte would make the whole
// line unparseable for the log shipper.
void write_clean_string(JsonWriter& w, std::string_view s) {
  std::string out;
  out.reserve(std::min(s.size(), kMaxStringBytes) + kTruncatedMark.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto d = utf8::decode(s, i);
    const std::size_t add = d.valid ? d.size : 3;  // U+FFFD is 3 bytes
    if (out.size() + add > kMaxStringBytes) {
      out += kTruncatedMark;
      break;
    }
    if (d.valid) {
      out.append(s.substr(i, d.size));
    } else {
      utf8::append(out, utf8::kReplacement);
    }
    i += d.size;
  }
  w.String(out.data(), static_cast<rapidjson::SizeType>(out.size()));
}

bool is_reserved_key(std::string_view name) {
  return name == "ts" || name == "level" || name == "component" || name == "msg";
}

void write_field(JsonWriter& w, const LogField& f) {
  if (f.name().empty() || is_reserved_key(f.name())) {
    write_clean_string(w, "_" + std::string(f.name()));
  } else {
    write_clean_string(w, f.name());
  }
  if (is_secret_field_name(f.name())) {
    w.String(kRedacted.data(), static_cast<rapidjson::SizeType>(kRedacted.size()));
    return;
  }
  switch (f.kind()) {
    case LogField::Kind::string: write_clean_string(w, f.string_value()); break;
    case LogField::Kind::null: w.Null(); break;
    case LogField::Kind::boolean: w.Bool(f.bool_value()); break;
    case LogField::Kind::int64: w.Int64(f.int_value()); break;
    case LogField::Kind::uint64: w.Uint64(f.uint_value()); break;
    case LogField::Kind::real: {
      const double v = f.real_value();
      // JSON has no NaN or infinities; RapidJSON would refuse them and
      // leave a broken line.
      if (std::isnan(v)) {
        w.String("NaN");
      } else if (std::isinf(v)) {
        w.String(v > 0 ? "Infinity" : "-Infinity");
      } else {
        w.Double(v);
      }
      break;
    }
  }
}

void write_to_stderr(std::string_view line) {
  std::string buf;
  buf.reserve(line.size() + 1);
  buf.append(line);
  buf.push_back('\n');
  // One write(2) per line, so lines from several processes sharing the
  // descriptor do not interleave; the loop only covers partial writes.
  const char* p = buf.data();
  std::size_t left = buf.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report it
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

std::mutex& sink_mutex() {
  static std::mutex mu;
  return mu;
}

LogSink& sink() {
  static LogSink s;
  return s;
}

// Set while a sink runs on this thread: a sink that logs would otherwise
// deadlock on sink_mutex().
thread_local bool in_sink = false;

void emit(std::string_view line) {
  if (in_sink) {
    write_to_stderr(line);
    return;
  }
  std::lock_guard lock(sink_mutex());
  if (!sink()) {
    write_to_stderr(line);
    return;
  }
  in_sink = true;
  try {
    sink()(line);
  } catch (...) {
    // A failing sink must not take the caller down with it.
  }
  in_sink = false;
}

std::optional<std::string> env_log_level() {
  const char* v = std::getenv("E911_LOG_LEVEL");
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

}  // namespace

namespace detail {
std::atomic<int>& log_threshold() {
  static std::atomic<int> threshold = [] {
    const auto text = env_log_level();
    if (!text) return kDefaultThreshold;
    const auto level = parse_log_level(*text);
    return level ? static_cast<int>(*level) : kDefaultThreshold;
  }();
  return threshold;
}
}  // namespace detail

std::optional<LogLevel> parse_log_level(std::string_view text) {
  const std::string s = to_lower_ascii(trim(text));
  if (s == "debug") return LogLevel::debug;
  if (s == "info") return LogLevel::info;
  if (s == "warn" || s == "warning") return LogLevel::warn;
  if (s == "error") return LogLevel::error;
  return std::nullopt;
}

const char* log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

LogLevel min_log_level() {
  return static_cast<LogLevel>(detail::log_threshold().load(std::memory_order_relaxed));
}

void set_min_log_level(LogLevel level) {
  detail::log_threshold().store(static_cast<int>(level), std::memory_order_relaxed);
}

std::optional<Error> apply_log_level_from_env() {
  const auto text = env_log_level();
  if (!text) return std::nullopt;
  const auto level = parse_log_level(*text);
  if (!level) {
    return Error{"E911_LOG_LEVEL: not a log level (debug, info, warn, error): " + quote_for_message(*text)};
  }
  set_min_log_level(*level);
  return std::nullopt;
}

bool is_secret_field_name(std::string_view name) {
  static constexpr std::array<std::string_view, 8> kMarkers = {
      "password", "passwd", "secret", "token", "key", "credential", "authorization", "cookie"};
  const std::string lower = to_lower_ascii(name);
  for (const auto marker : kMarkers) {
    if (lower.find(marker) != std::string::npos) return true;
  }
  return false;
}

std::string format_log_line(LogLevel level, std::string_view component, std::string_view msg,
                            std::span<const LogField> fields) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("ts");
  const std::string ts = format_rfc3339(now_millis());
  w.String(ts.data(), static_cast<rapidjson::SizeType>(ts.size()));
  w.Key("level");
  w.String(log_level_name(level));
  w.Key("component");
  write_clean_string(w, component);
  w.Key("msg");
  write_clean_string(w, msg);
  for (const auto& f : fields) write_field(w, f);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

void write_log(LogLevel level, std::string_view component, std::string_view msg, std::span<const LogField> fields) {
  // Say once if $E911_LOG_LEVEL was not understood (log_threshold() fell
  // back to info); unconditionally, since a warning about the log level
  // must not itself be filtered away.
  static const bool env_checked = [] {
    const auto text = env_log_level();
    if (text && !parse_log_level(*text)) {
      const LogField f("value", quote_for_message(*text));
      emit(format_log_line(LogLevel::warn, "log", "E911_LOG_LEVEL is not debug, info, warn or error; using info",
                           {&f, 1}));
    }
    return true;
  }();
  (void)env_checked;
  if (!log_enabled(level)) return;
  emit(format_log_line(level, component, msg, fields));
}

LogSink set_log_sink(LogSink new_sink) {
  std::lock_guard lock(sink_mutex());
  return std::exchange(sink(), std::move(new_sink));
}

}  // namespace e911
