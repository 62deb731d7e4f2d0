#include "common/log.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "common/json_reader.h"
#include "common/timestamp.h"
#include "tests/observability/log_capture.h"

namespace e911 {
namespace {

using test::LogCapture;
using test::ScopedEnv;
using test::StderrCapture;

// Parses one log line; fails the test if it is not a JSON object.
rapidjson::Document parse_line(const std::string& line) {
  rapidjson::Document doc;
  JsonLimits limits;
  limits.max_bytes = 1 << 20;
  const auto err = parse_json(line, limits, doc);
  EXPECT_FALSE(err.has_value()) << (err ? err->message : "") << "\nline: " << line;
  EXPECT_TRUE(doc.IsObject()) << line;
  return doc;
}

// "YYYY-MM-DDTHH:MM:SS.mmmZ" exactly. (Not std::regex: GCC 12 warns inside
// it under -fsanitize, and warnings are errors.)
bool is_utc_millis_timestamp(const std::string& ts) {
  const std::string shape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (ts.size() != shape.size()) return false;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const bool ok = shape[i] == 'd' ? (ts[i] >= '0' && ts[i] <= '9') : ts[i] == shape[i];
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Logs `lines` "tick" lines (fields thread, seq and `pad` bytes of padding)
// from each of `threads` threads at once, and waits for them all.
void log_ticks_from_threads(int threads, int lines, std::size_t pad) {
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([t, lines, pad] {
      const Logger log("worker");
      for (int i = 0; i < lines; ++i) log.info("tick", {{"thread", t}, {"seq", i}, {"pad", std::string(pad, 'p')}});
    });
  }
  for (auto& w : workers) w.join();
}

TEST(Log, LineIsOneJsonObjectWithFixedKeysAndTypedFields) {
  LogCapture capture;
  const Logger log("notifier");
  const std::string topic = "e911.emergency-calls";
  log.info("delivered", {{"call_id", "c-42"},
                         {"topic", topic},
                         {"attempt", 2},
                         {"offset", std::uint64_t{18446744073709551615u}},
                         {"delta", -7},
                         {"latency_seconds", 0.125},
                         {"test_call", true},
                         {"site", static_cast<const char*>(nullptr)}});

  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
  const auto doc = parse_line(lines[0]);

  ASSERT_TRUE(doc["ts"].IsString());
  const std::string ts = doc["ts"].GetString();
  EXPECT_TRUE(is_utc_millis_timestamp(ts)) << ts;
  EXPECT_TRUE(parse_rfc3339(ts).has_value());
  EXPECT_STREQ(doc["level"].GetString(), "info");
  EXPECT_STREQ(doc["component"].GetString(), "notifier");
  EXPECT_STREQ(doc["msg"].GetString(), "delivered");
  EXPECT_STREQ(doc["call_id"].GetString(), "c-42");
  EXPECT_STREQ(doc["topic"].GetString(), "e911.emergency-calls");
  ASSERT_TRUE(doc["attempt"].IsInt64());
  EXPECT_EQ(doc["attempt"].GetInt64(), 2);
  ASSERT_TRUE(doc["offset"].IsUint64());
  EXPECT_EQ(doc["offset"].GetUint64(), 18446744073709551615u);
  EXPECT_EQ(doc["delta"].GetInt64(), -7);
  ASSERT_TRUE(doc["latency_seconds"].IsDouble());
  EXPECT_DOUBLE_EQ(doc["latency_seconds"].GetDouble(), 0.125);
  ASSERT_TRUE(doc["test_call"].IsBool());
  EXPECT_TRUE(doc["test_call"].GetBool());
  EXPECT_TRUE(doc["site"].IsNull());
  // The fixed keys come first, in this order, so lines read well in a terminal.
  auto it = doc.MemberBegin();
  for (const char* key : {"ts", "level", "component", "msg"}) {
    ASSERT_NE(it, doc.MemberEnd());
    EXPECT_STREQ(it->name.GetString(), key);
    ++it;
  }
}

TEST(Log, EachLevelIsNamed) {
  LogCapture capture;
  const Logger log("locator");
  log.debug("d");
  log.info("i");
  log.warn("w");
  log.error("e");
  log.log(LogLevel::warn, "via log()");
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 5u);
  const char* expected[] = {"debug", "info", "warn", "error", "warn"};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_STREQ(parse_line(lines[i])["level"].GetString(), expected[i]);
  }
}

TEST(Log, FieldsNamedLikeSecretsAreRedacted) {
  LogCapture capture;
  const Logger log("kafka");
  log.warn("connecting", {{"password", "hunter2"},
                          {"sasl.password", "hunter3"},
                          {"API_KEY", "ak-123"},
                          {"access_token", "tok-456"},
                          {"ClientSecret", "sec-789"},
                          {"Authorization", "Bearer abc"},
                          {"ssl.key.pem", "-----BEGIN"},
                          {"session_cookie", "c00kie"},
                          {"pin_token_count", 3},
                          {"user_id", "u-17"},
                          {"bootstrap_servers", "127.0.0.1:9092"}});
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 1u);
  for (const char* secret : {"hunter2", "hunter3", "ak-123", "tok-456", "sec-789", "Bearer", "BEGIN", "c00kie"}) {
    EXPECT_EQ(lines[0].find(secret), std::string::npos) << "leaked " << secret << " in " << lines[0];
  }
  const auto doc = parse_line(lines[0]);
  for (const char* name : {"password", "sasl.password", "API_KEY", "access_token", "ClientSecret", "Authorization",
                           "ssl.key.pem", "session_cookie", "pin_token_count"}) {
    ASSERT_TRUE(doc.HasMember(name)) << name;
    EXPECT_STREQ(doc[name].GetString(), "[REDACTED]") << name;
  }
  EXPECT_STREQ(doc["user_id"].GetString(), "u-17");
  EXPECT_STREQ(doc["bootstrap_servers"].GetString(), "127.0.0.1:9092");
}

TEST(Log, SecretFieldNameMatching) {
  for (const char* name : {"password", "PASSWD", "db_password", "secret", "client_secret", "token", "refresh_token",
                           "key", "api_key", "apikey", "private_key", "credentials", "proxy_authorization",
                           "cookie"}) {
    EXPECT_TRUE(is_secret_field_name(name)) << name;
  }
  for (const char* name : {"call_id", "user_id", "topic", "attempt", "pass", "sec", "channel", ""}) {
    EXPECT_FALSE(is_secret_field_name(name)) << name;
  }
}

TEST(Log, LevelsBelowTheMinimumAreDropped) {
  LogCapture capture(LogLevel::warn);
  const Logger log("auditor");
  EXPECT_FALSE(log_enabled(LogLevel::debug));
  EXPECT_FALSE(log_enabled(LogLevel::info));
  EXPECT_TRUE(log_enabled(LogLevel::warn));
  EXPECT_TRUE(log_enabled(LogLevel::error));
  log.debug("dropped");
  log.info("dropped");
  log.warn("kept");
  log.error("kept");
  write_log(LogLevel::info, "auditor", "dropped too");
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_STREQ(parse_line(lines[0])["level"].GetString(), "warn");
  EXPECT_STREQ(parse_line(lines[1])["level"].GetString(), "error");

  set_min_log_level(LogLevel::error);
  EXPECT_EQ(min_log_level(), LogLevel::error);
  log.warn("dropped now");
  EXPECT_EQ(capture.lines().size(), 2u);
}

TEST(Log, ParsesLevelNames) {
  const std::pair<const char*, LogLevel> names[] = {
      {"debug", LogLevel::debug},  {"INFO", LogLevel::info},   {" Warn ", LogLevel::warn},
      {"warning", LogLevel::warn}, {"error", LogLevel::error},
  };
  for (const auto& [name, level] : names) EXPECT_EQ(parse_log_level(name), level) << name;
  for (const char* unknown : {"", "trace", "3"}) EXPECT_FALSE(parse_log_level(unknown).has_value()) << unknown;
  for (const auto level : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error}) {
    EXPECT_EQ(parse_log_level(log_level_name(level)), level);
  }
}

TEST(Log, MinimumLevelComesFromTheEnvironment) {
  LogCapture capture(LogLevel::info);
  {
    ScopedEnv env("E911_LOG_LEVEL", "debug");
    EXPECT_FALSE(apply_log_level_from_env().has_value());
    EXPECT_EQ(min_log_level(), LogLevel::debug);
  }
  {
    ScopedEnv env("E911_LOG_LEVEL", "error");
    EXPECT_FALSE(apply_log_level_from_env().has_value());
    EXPECT_EQ(min_log_level(), LogLevel::error);
  }
  {
    ScopedEnv env("E911_LOG_LEVEL", "loud");
    const auto err = apply_log_level_from_env();
    ASSERT_TRUE(err.has_value());
    EXPECT_NE(err->message.find("E911_LOG_LEVEL"), std::string::npos) << err->message;
    EXPECT_EQ(min_log_level(), LogLevel::error) << "an unknown value leaves the level alone";
  }
  {
    ScopedEnv env("E911_LOG_LEVEL", nullptr);
    EXPECT_FALSE(apply_log_level_from_env().has_value());
    EXPECT_EQ(min_log_level(), LogLevel::error);
  }
}

TEST(Log, HostileStringsStillMakeOneValidLine) {
  LogCapture capture;
  const Logger log("ingest");
  const std::string invalid_utf8 = "bad\xff\xfe byte and cut \xe2\x82";
  const std::string control = std::string("line1\nline2\r\t\"quoted\"\\ \x01 nul:") + std::string(1, '\0') + "end";
  const std::string huge(100000, 'x');
  log.warn(control, {{"raw", invalid_utf8}, {"body", huge}, {"ok_utf8", "Zürich \xe2\x82\xac"}});

  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
  EXPECT_LT(lines[0].size(), 10000u) << "a huge value is cut";
  const auto doc = parse_line(lines[0]);
  EXPECT_EQ(std::string(doc["msg"].GetString(), doc["msg"].GetStringLength()), control);
  EXPECT_EQ(std::string(doc["raw"].GetString()), "bad\xEF\xBF\xBD\xEF\xBF\xBD byte and cut \xEF\xBF\xBD\xEF\xBF\xBD");
  const std::string body = doc["body"].GetString();
  EXPECT_LE(body.size(), 4096u + 20u);
  EXPECT_TRUE(body.ends_with("...[truncated]")) << body.substr(body.size() - 30);
  EXPECT_STREQ(doc["ok_utf8"].GetString(), "Zürich \xe2\x82\xac");
}

TEST(Log, FieldsCannotOverwriteTheFixedKeys) {
  LogCapture capture;
  Logger("locator").info("real message", {{"msg", "fake"}, {"level", "error"}, {"ts", 0}, {"", "anonymous"}});
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 1u);
  const auto doc = parse_line(lines[0]);
  EXPECT_STREQ(doc["msg"].GetString(), "real message");
  EXPECT_STREQ(doc["level"].GetString(), "info");
  EXPECT_TRUE(doc["ts"].IsString());
  EXPECT_STREQ(doc["_msg"].GetString(), "fake");
  EXPECT_STREQ(doc["_level"].GetString(), "error");
  EXPECT_EQ(doc["_ts"].GetInt64(), 0);
  EXPECT_STREQ(doc["_"].GetString(), "anonymous");
}

TEST(Log, NonFiniteNumbersAreStrings) {
  LogCapture capture;
  Logger("bench").info("numbers", {{"nan", std::nan("")},
                                   {"inf", std::numeric_limits<double>::infinity()},
                                   {"ninf", -std::numeric_limits<double>::infinity()},
                                   {"small", 1.5f}});
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 1u);
  const auto doc = parse_line(lines[0]);
  EXPECT_STREQ(doc["nan"].GetString(), "NaN");
  EXPECT_STREQ(doc["inf"].GetString(), "Infinity");
  EXPECT_STREQ(doc["ninf"].GetString(), "-Infinity");
  EXPECT_DOUBLE_EQ(doc["small"].GetDouble(), 1.5);
}

TEST(Log, ConcurrentLinesNeverInterleaveInTheSink) {
  LogCapture capture;
  constexpr int kThreads = 8, kLines = 200;
  log_ticks_from_threads(kThreads, kLines, 200);
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kLines));
  std::set<std::pair<int, int>> seen;
  for (const auto& line : lines) {
    const auto doc = parse_line(line);
    seen.emplace(static_cast<int>(doc["thread"].GetInt64()), static_cast<int>(doc["seq"].GetInt64()));
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kLines));
}

TEST(Log, DefaultSinkWritesWholeLinesToStderr) {
  const LogLevel saved = min_log_level();
  set_min_log_level(LogLevel::info);
  constexpr int kThreads = 4, kLines = 300;
  StderrCapture err;
  log_ticks_from_threads(kThreads, kLines, 500);
  const std::string out = err.finish();
  set_min_log_level(saved);

  // Every line parses on its own (none torn or merged), and all arrived.
  std::size_t ticks = 0;
  for (const auto& line : split_lines(out)) {
    const auto doc = parse_line(line);
    if (doc.IsObject() && doc.HasMember("seq")) ++ticks;
  }
  EXPECT_EQ(ticks, static_cast<std::size_t>(kThreads * kLines));
}

TEST(Log, ASinkThatLogsDoesNotDeadlock) {
  const LogLevel saved_level = min_log_level();
  set_min_log_level(LogLevel::info);
  std::vector<std::string> got;
  StderrCapture err;
  LogSink saved = set_log_sink([&got](std::string_view line) {
    got.emplace_back(line);
    Logger("sink").warn("sink saw a line");  // goes straight to stderr
  });
  Logger("app").info("hello");
  set_log_sink(std::move(saved));
  set_min_log_level(saved_level);
  const auto lines = split_lines(err.finish());
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_STREQ(parse_line(lines[0])["msg"].GetString(), "sink saw a line");
}

TEST(Log, FormatLogLineIgnoresTheLevelFilter) {
  LogCapture capture(LogLevel::error);
  const LogField fields[] = {{"user_id", "u-1"}};
  const std::string line = format_log_line(LogLevel::debug, "cli", "formatted", fields);
  const auto doc = parse_line(line);
  EXPECT_STREQ(doc["level"].GetString(), "debug");
  EXPECT_STREQ(doc["user_id"].GetString(), "u-1");
  EXPECT_TRUE(capture.lines().empty());
}

}  // namespace
}  // namespace e911
