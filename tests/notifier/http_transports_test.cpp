// The HTTP transports against real peers: a private Kannel (bearerbox,
// smsbox and fakesmsc, tests/notifier/peers/kannel.py) and a Python HTTP
// server playing Twilio's Messages API or a webhook receiver
// (tests/notifier/peers/http_receiver.py), over http and https.

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <stdlib.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "consumers/notifier/alert_text.h"
#include "consumers/notifier/emergency_call_view.h"
#include "consumers/notifier/kannel_transport.h"
#include "consumers/notifier/sms.h"
#include "consumers/notifier/twilio_transport.h"
#include "common/utf8.h"
#include "consumers/notifier/webhook_transport.h"
#include "tests/notifier/locator_output.h"
#include "tests/support/child_process.h"
#include "tests/support/files.h"
#include "tests/support/temp_dir.h"
#include "tests/support/json.h"

namespace e911::notifier {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Kind = SendResult::Kind;

const std::string kPeers = test::source_dir() + "/tests/notifier/peers/";
constexpr auto kPeerStart = 60s;  // deadlines, generous for a loaded machine
constexpr auto kKannelStart = 90s;  // kannel.py tries three times, 25 s each
constexpr auto kArrival = 30s;    // a message through bearerbox to fakesmsc
const AlertSite kLondon{"london-hq", "London HQ", "Europe/London"};

// ---- helpers ----

using test::TempDir;


std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 0x0F];
  }
  return out;
}

std::string utf16be(std::string_view text) {
  std::string out;
  auto unit = [&out](unsigned u) {
    out += static_cast<char>(u >> 8);
    out += static_cast<char>(u & 0xFF);
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto d = utf8::decode(text, i);
    i += d.size;
    if (d.code_point > 0xFFFF) {
      const unsigned v = d.code_point - 0x10000;
      unit(0xD800 + (v >> 10));
      unit(0xDC00 + (v & 0x3FF));
    } else {
      unit(d.code_point);
    }
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& path) {
  if (!std::filesystem::exists(path)) return {};
  return test::read_lines(path);
}

// Polls a JSON-lines file until a record satisfies `match` or the deadline
// passes (the peers write each record before they answer, or as fakesmsc
// logs it). Returns the record's line, or nullopt.
std::optional<std::string> wait_for_record(const std::string& path,
                                           const std::function<bool(const rapidjson::Document&)>& match,
                                           std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    for (const auto& line : lines_of(path)) {
      rapidjson::Document doc;
      doc.Parse(line.data(), line.size());
      if (!doc.HasParseError() && doc.IsObject() && match(doc)) return line;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(20ms);  // the poll interval, not a wait for something to happen
  }
}

// A request header the receiver recorded (names compared without case).
std::optional<std::string> header(const rapidjson::Value& record, std::string_view name) {
  const auto found = record.FindMember("headers");
  if (found == record.MemberEnd() || !found->value.IsObject()) return std::nullopt;
  const auto& headers = found->value;
  for (auto it = headers.MemberBegin(); it != headers.MemberEnd(); ++it) {
    std::string key = it->name.GetString();
    if (key.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < key.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(key[i])) != std::tolower(static_cast<unsigned char>(name[i]))) {
        same = false;
      }
    }
    if (same) return std::string(it->value.GetString());
  }
  return std::nullopt;
}

std::string describe(const SendResult& r) {
  const char* kind = r.kind == Kind::accepted ? "accepted" : r.kind == Kind::transient ? "transient" : "permanent";
  return std::string(kind) + " [" + r.error + "]";
}

EmergencyCallView london_call(const std::string& caller_name = "John Smith") {
  std::string json = test_data::kLondonSubnet;
  json.replace(json.find("John Smith"), 10, caller_name);
  auto call = decode_emergency_call(json);
  EXPECT_TRUE(call) << call.error().message;
  return call ? *call : EmergencyCallView{};
}

// An alert about call c-1 on `channel`, without the channel's content.
OutgoingAlert call_c1_alert(Channel channel, std::string notification_id, std::string address) {
  OutgoingAlert a;
  a.channel = channel;
  a.notification_id = std::move(notification_id);
  a.call_id = "c-1";
  a.address = std::move(address);
  return a;
}

OutgoingAlert sms_alert(std::string number, std::string text) {
  OutgoingAlert a = call_c1_alert(Channel::sms, "5f0c2d3a9b8e4f61a7c3d2e1f0a9b8c7", std::move(number));
  a.text = std::move(text);
  return a;
}

// An HTTP peer: tests/notifier/peers/http_receiver.py.
struct Receiver {
  TempDir dir;
  std::string record = dir.file("requests.jsonl");
  std::unique_ptr<test::ChildProcess> process;
  int port = 0;

  explicit Receiver(std::vector<std::string> options) {
    std::vector<std::string> argv{"/usr/bin/python3", kPeers + "http_receiver.py", "--record", record};
    argv.insert(argv.end(), options.begin(), options.end());
    process = std::make_unique<test::ChildProcess>(argv, dir.file("stderr.txt"));
    port = std::stoi(process->wait_for("port=", kPeerStart));
  }
  std::string url(const std::string& scheme, const std::string& path) const {
    return scheme + "://127.0.0.1:" + std::to_string(port) + path;
  }
  std::vector<std::string> requests() const { return lines_of(record); }
  std::optional<rapidjson::Document> first_request() const {
    auto line = wait_for_record(
        record, [](const rapidjson::Document&) { return true; }, 10s);
    if (!line) return std::nullopt;
    return test::parse_json(*line);
  }
};

// A self-signed certificate (its own CA) for the subject alternative names
// `san` ("IP:127.0.0.1,DNS:localhost"), made with openssl.
struct TestCertificate {
  std::string cert, key;
  TestCertificate(const TempDir& dir, const std::string& name, const std::string& san) {
    cert = dir.file(name + ".crt");
    key = dir.file(name + ".key");
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=e911-test";
    cmd += " -addext 'subjectAltName=" + san + "'";
    cmd += " -keyout '" + key + "' -out '" + cert + "' 2>/dev/null";
    const int rc = std::system(cmd.c_str());
    if (rc != 0) throw std::runtime_error("openssl req failed: " + std::to_string(rc));
  }
};

// ---- Kannel ----

constexpr const char* kKannelUser = "e911";
constexpr const char* kKannelPassword = "kannel-secret-Pw7";

// One private Kannel for all the Kannel tests (it takes a second or two to
// start). Messages are told apart by their recipient number.
class KannelTest : public ::testing::Test {
 protected:
  struct Gateway {
    TempDir dir;
    std::string received = dir.file("received.jsonl");
    std::unique_ptr<test::ChildProcess> process;
    int port = 0;
    std::string error;  // why it did not start
  };
  static inline std::unique_ptr<Gateway> gateway_;

  static void SetUpTestSuite() {
    gateway_ = std::make_unique<Gateway>();
    try {
      gateway_->process = std::make_unique<test::ChildProcess>(
          std::vector<std::string>{"/usr/bin/python3", kPeers + "kannel.py", "--workdir", gateway_->dir.file("kannel"),
                                   "--received", gateway_->received, "--username", kKannelUser, "--password",
                                   kKannelPassword},
          gateway_->dir.file("launcher.err"));
      gateway_->port = std::stoi(gateway_->process->wait_for("port=", kKannelStart));
    } catch (const std::exception& e) {
      gateway_->error = std::string(e.what()) + "\n" + test::read_file(gateway_->dir.file("launcher.err"));
    }
  }
  static void TearDownTestSuite() { gateway_.reset(); }  // stops Kannel, removes its files

  void SetUp() override {
    ASSERT_TRUE(gateway_->error.empty()) << "Kannel did not start: " << gateway_->error;
    ASSERT_TRUE(gateway_->process->running()) << "Kannel stopped";
  }
  static Gateway* gateway() { return gateway_.get(); }

  KannelSettings settings() const {
    KannelSettings s;
    s.url = "http://127.0.0.1:" + std::to_string(gateway()->port) + "/cgi-bin/sendsms";
    s.username = kKannelUser;
    s.password = kKannelPassword;
    s.from = "911";
    return s;
  }

  // The message fakesmsc received for `to`, as the bytes the SMSC got (hex),
  // once it is `expected` or the deadline has passed: fakesmsc logs a
  // message with line breaks line by line, so its record can be seen
  // before it is whole.
  std::string received_for(const std::string& to, const std::string& expected) const {
    std::string seen = "(nothing for " + to + ")";
    wait_for_record(
        gateway()->received,
        [&](const rapidjson::Document& d) {
          if (test::member_string(d, "to") != to) return false;
          seen = test::member_string(d, "data_hex");
          return seen == expected;
        },
        kArrival);
    return seen;
  }
};

TEST_F(KannelTest, Gsm7AlertArrivesAtTheSmscWithNumberAndText) {
  // The real alert (two GSM-7 segments), and a short one with GSM-7
  // letters that are not ASCII, which Kannel must not turn into UCS-2.
  const std::string alert = render_sms(london_call("Jörg Müller-Ñuñez"), kLondon);
  const std::string short_text = "EMERGENCY CALL 112\nJörg Müller £ é";
  ASSERT_EQ(sms_encoding(alert), SmsEncoding::gsm7) << alert;
  ASSERT_EQ(sms_encoding(short_text), SmsEncoding::gsm7);
  ASSERT_GT(sms_segments(alert), 1u) << alert;

  KannelTransport kannel(settings());
  const auto r1 = kannel.send(sms_alert("+442079460111", alert));
  EXPECT_TRUE(r1.accepted()) << describe(r1);
  const auto r2 = kannel.send(sms_alert("+442079460112", short_text));
  EXPECT_TRUE(r2.accepted()) << describe(r2);

  // GSM-7 messages reach the SMSC driver as UTF-8 (it encodes them).
  EXPECT_EQ(received_for("+442079460111", hex(alert)), hex(alert)) << alert;
  EXPECT_EQ(received_for("+442079460112", hex(short_text)), hex(short_text));
  auto line = wait_for_record(
      gateway()->received, [](const rapidjson::Document& d) { return test::member_string(d, "to") == "+442079460112"; }, kArrival);
  ASSERT_TRUE(line);
  EXPECT_EQ(test::member_string(test::parse_json(*line), "from"), "911");
}

TEST_F(KannelTest, Ucs2AlertArrivesIntact) {
  const std::string alert = render_sms(london_call("Σοφία Łukasz"), kLondon);
  const std::string short_text = "Σοφία Łukasz 😀";
  ASSERT_EQ(sms_encoding(alert), SmsEncoding::ucs2);

  KannelTransport kannel(settings());
  const auto r1 = kannel.send(sms_alert("+302101234561", alert));
  EXPECT_TRUE(r1.accepted()) << describe(r1);
  const auto r2 = kannel.send(sms_alert("+302101234562", short_text));
  EXPECT_TRUE(r2.accepted()) << describe(r2);

  // coding=2 with charset=UTF-8: Kannel converted the text to UCS-2
  // (UTF-16BE), every character intact, in several parts for the alert.
  EXPECT_EQ(received_for("+302101234561", hex(utf16be(alert))), hex(utf16be(alert))) << alert;
  EXPECT_EQ(received_for("+302101234562", hex(utf16be(short_text))), hex(utf16be(short_text)));
}

TEST_F(KannelTest, WrongPasswordIsPermanent) {
  auto s = settings();
  s.password = "not-the-password-Qx9";
  KannelTransport kannel(s);
  const auto r = kannel.send(sms_alert("+442079460113", "EMERGENCY CALL 112"));
  EXPECT_EQ(r.kind, Kind::permanent) << describe(r);
  EXPECT_NE(r.error.find("HTTP 403"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("GET http://127.0.0.1:"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find("not-the-password-Qx9"), std::string::npos) << r.error;
}

TEST_F(KannelTest, NotAPhoneNumberIsPermanentWithoutAsking) {
  KannelTransport kannel(settings());
  // A space would make Kannel send to two numbers.
  for (const std::string to : {"", "+44 20 7946 0000", "abc", "+1;2"}) {
    const auto r = kannel.send(sms_alert(to, "EMERGENCY CALL 112"));
    EXPECT_EQ(r.kind, Kind::permanent) << to << ": " << describe(r);
  }
}

TEST(KannelTransport, GatewayDownIsTransient) {
  KannelSettings s;
  s.url = "http://127.0.0.1:" + std::to_string(test::free_loopback_port()) + "/cgi-bin/sendsms";
  s.username = "e911";
  s.password = "down-secret-Zz1";
  KannelTransport kannel(s);
  const auto r = kannel.send(sms_alert("+442079460114", "EMERGENCY CALL 112"));
  EXPECT_EQ(r.kind, Kind::transient) << describe(r);
  EXPECT_NE(r.error.find("connection refused"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find("down-secret-Zz1"), std::string::npos) << r.error;
}

TEST(KannelTransport, SettingsThatCannotWorkAreRefusedAtConstruction) {
  KannelSettings s;
  s.username = "e911";
  s.url = "ftp://127.0.0.1/cgi-bin/sendsms";
  EXPECT_THROW(KannelTransport{s}, std::invalid_argument);
  s.url = "127.0.0.1:13013/cgi-bin/sendsms";
  EXPECT_THROW(KannelTransport{s}, std::invalid_argument);
  s.url = "http://127.0.0.1:13013/cgi-bin/sendsms";
  s.username.clear();
  EXPECT_THROW(KannelTransport{s}, std::invalid_argument);
}

// ---- Twilio ----

constexpr const char* kSid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* kToken = "twilio-token-5ecret-4f9a";

TwilioSettings twilio_settings(const Receiver& receiver) {
  TwilioSettings s;
  s.base_url = receiver.url("http", "");
  s.account_sid = kSid;
  s.auth_token = kToken;
  s.from = "+15125550100";
  return s;
}

std::vector<std::string> twilio_options(std::vector<std::string> more = {}) {
  std::vector<std::string> o{"--mode", "twilio", "--account-sid", kSid, "--auth-token", kToken};
  o.insert(o.end(), more.begin(), more.end());
  return o;
}

TEST(TwilioTransport, AcceptedWithTheMessageSidAfterTheServerCheckedAuthAndFields) {
  Receiver twilio(twilio_options());
  TwilioTransport transport(twilio_settings(twilio));
  const std::string text = render_sms(london_call(), kLondon);
  const auto r = transport.send(sms_alert("+15125550123", text));
  ASSERT_TRUE(r.accepted()) << describe(r);
  EXPECT_TRUE(r.provider_id.starts_with("SM")) << r.provider_id;

  const auto req = twilio.first_request();
  ASSERT_TRUE(req);
  const auto& q = *req;
  EXPECT_EQ(test::member_string(q, "method"), "POST");
  EXPECT_EQ(test::member_string(q, "path"), std::string("/2010-04-01/Accounts/") + kSid + "/Messages.json");
  EXPECT_TRUE(q["auth"]["ok"].GetBool());
  EXPECT_EQ(test::member_string(q["auth"], "user"), kSid);
  EXPECT_EQ(test::member_string(q["form"], "To"), "+15125550123");
  EXPECT_EQ(test::member_string(q["form"], "From"), "+15125550100");
  EXPECT_EQ(test::member_string(q["form"], "Body"), text);
  EXPECT_FALSE(q["form"].HasMember("MessagingServiceSid"));
  EXPECT_EQ(test::member_string(q, "sid"), r.provider_id);
  EXPECT_EQ(header(q, "Content-Type").value_or(""), "application/x-www-form-urlencoded");
  EXPECT_EQ(header(q, "User-Agent").value_or(""), "e911-notifier");
}

TEST(TwilioTransport, MessagingServiceTakesThePlaceOfFrom) {
  Receiver twilio(twilio_options());
  auto s = twilio_settings(twilio);
  s.from.clear();
  s.messaging_service_sid = "MG0123456789abcdef0123456789abcdef";
  TwilioTransport transport(s);
  const auto r = transport.send(sms_alert("+15125550124", "EMERGENCY CALL 911 Σοφία"));
  ASSERT_TRUE(r.accepted()) << describe(r);
  const auto req = twilio.first_request();
  ASSERT_TRUE(req);
  EXPECT_EQ(test::member_string((*req)["form"], "MessagingServiceSid"), s.messaging_service_sid);
  EXPECT_FALSE((*req)["form"].HasMember("From"));
  EXPECT_EQ(test::member_string((*req)["form"], "Body"), "EMERGENCY CALL 911 Σοφία");
}

TEST(TwilioTransport, BadRequestIsPermanentWithTwiliosMessage) {
  Receiver twilio(twilio_options());
  TwilioTransport transport(twilio_settings(twilio));
  const auto r = transport.send(sms_alert("+1555", "EMERGENCY CALL 911"));
  EXPECT_EQ(r.kind, Kind::permanent) << describe(r);
  EXPECT_NE(r.error.find("POST http://127.0.0.1:"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("/2010-04-01/.../Messages.json: HTTP 400: The 'To' number +1555 is not a valid phone "
                         "number (Twilio 21211)"),
            std::string::npos)
      << r.error;
  EXPECT_EQ(r.error.find(kToken), std::string::npos) << r.error;
}

TEST(TwilioTransport, WrongTokenIsPermanentAndTheTokenIsNotInTheError) {
  Receiver twilio(twilio_options());
  auto s = twilio_settings(twilio);
  s.auth_token = "wrong-token-Kq2-" + std::string(kToken);
  TwilioTransport transport(s);
  const auto r = transport.send(sms_alert("+15125550125", "EMERGENCY CALL 911"));
  EXPECT_EQ(r.kind, Kind::permanent) << describe(r);
  EXPECT_NE(r.error.find("HTTP 401: Authenticate (Twilio 20003)"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find(s.auth_token), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find(kToken), std::string::npos) << r.error;
}

TEST(TwilioTransport, TooManyRequestsAndServerErrorsAreTransient) {
  for (const int status : {429, 500, 503}) {
    Receiver twilio(twilio_options({"--status", std::to_string(status)}));
    TwilioTransport transport(twilio_settings(twilio));
    const auto r = transport.send(sms_alert("+15125550126", "EMERGENCY CALL 911"));
    EXPECT_EQ(r.kind, Kind::transient) << status << ": " << describe(r);
    EXPECT_NE(r.error.find("HTTP " + std::to_string(status)), std::string::npos) << r.error;
    EXPECT_EQ(r.error.find(kToken), std::string::npos) << r.error;
    EXPECT_EQ(twilio.requests().size(), 1u);  // no retrying here: the dispatcher decides
  }
}

TEST(TwilioTransport, UnreachableIsTransient) {
  TwilioSettings s;
  s.base_url = "http://127.0.0.1:" + std::to_string(test::free_loopback_port());
  s.account_sid = kSid;
  s.auth_token = kToken;
  s.from = "+15125550100";
  TwilioTransport transport(s);
  const auto r = transport.send(sms_alert("+15125550127", "EMERGENCY CALL 911"));
  EXPECT_EQ(r.kind, Kind::transient) << describe(r);
  EXPECT_EQ(r.error.find(kToken), std::string::npos) << r.error;
}

TEST(TwilioTransport, SettingsThatCannotWorkAreRefusedAtConstruction) {
  TwilioSettings s;  // https://api.twilio.com by default
  s.account_sid = kSid;
  s.auth_token = kToken;
  EXPECT_THROW(TwilioTransport{s}, std::invalid_argument);  // no sender
  s.from = "+15125550100";
  EXPECT_NO_THROW(TwilioTransport{s});
  s.base_url = "file:///etc/passwd";
  EXPECT_THROW(TwilioTransport{s}, std::invalid_argument);
}

// ---- webhooks ----

OutgoingAlert webhook_alert(std::string url, std::string body, std::string signature = {}) {
  OutgoingAlert a = call_c1_alert(Channel::webhook, "9a8b7c6d5e4f30211203f4e5d6c7b8a9", std::move(url));
  a.body = std::move(body);
  a.signature = std::move(signature);
  return a;
}

TEST(WebhookTransport, BodyArrivesByteIdenticalWithSignatureAndNotificationId) {
  Receiver hook({"--mode", "webhook"});
  WebhookTransport transport(WebhookSettings{});
  const std::string body = render_webhook(london_call(R"(Σοφία \"Zoë\" <O'Brien> & co)"), kLondon);
  const std::string secret = "hook-secret-8f2e";
  const auto r = transport.send(
      webhook_alert(hook.url("http", "/hooks/e911?team=security"), body, webhook_signature(secret, body)));
  ASSERT_TRUE(r.accepted()) << describe(r);

  const auto req = hook.first_request();
  ASSERT_TRUE(req);
  const auto& q = *req;
  EXPECT_EQ(test::member_string(q, "method"), "POST");
  EXPECT_EQ(test::member_string(q, "path"), "/hooks/e911?team=security");
  EXPECT_EQ(test::member_string(q, "body_hex"), hex(body));
  EXPECT_EQ(header(q, "Content-Type").value_or(""), "application/json");
  EXPECT_EQ(header(q, "User-Agent").value_or(""), "e911-notifier");
  EXPECT_EQ(header(q, "X-E911-Notification-Id").value_or(""), "9a8b7c6d5e4f30211203f4e5d6c7b8a9");
  // What a receiver does: the HMAC of the raw bytes it got.
  EXPECT_EQ(header(q, kSignatureHeader).value_or(""), webhook_signature(secret, body));
}

TEST(WebhookTransport, UnsignedWhenTheContactHasNoSecret) {
  Receiver hook({"--mode", "webhook"});
  WebhookTransport transport(WebhookSettings{});
  const auto r = transport.send(webhook_alert(hook.url("http", "/"), R"({"text":"EMERGENCY CALL"})"));
  ASSERT_TRUE(r.accepted()) << describe(r);
  const auto req = hook.first_request();
  ASSERT_TRUE(req);
  EXPECT_FALSE(header(*req, kSignatureHeader));
  EXPECT_TRUE(header(*req, "X-E911-Notification-Id"));
}

TEST(WebhookTransport, ServerErrorIsTransientAndNotFoundIsPermanent) {
  struct Case {
    int status;
    Kind kind;
  };
  for (const auto& c : {Case{500, Kind::transient}, Case{503, Kind::transient}, Case{429, Kind::transient},
                        Case{404, Kind::permanent}, Case{400, Kind::permanent}}) {
    Receiver hook({"--mode", "webhook", "--status", std::to_string(c.status)});
    WebhookTransport transport(WebhookSettings{});
    const auto r = transport.send(webhook_alert(hook.url("http", "/T0001/B0002/token-in-the-path"), "{}"));
    EXPECT_EQ(r.kind, c.kind) << c.status << ": " << describe(r);
    EXPECT_NE(r.error.find("HTTP " + std::to_string(c.status)), std::string::npos) << r.error;
    // Webhook paths are secrets (Slack's, Teams').
    EXPECT_EQ(r.error.find("token-in-the-path"), std::string::npos) << r.error;
  }
}

TEST(WebhookTransport, RedirectIsPermanentAndNotFollowed) {
  for (const int status : {301, 302, 307, 308}) {
    Receiver hook({"--mode", "webhook", "--status", std::to_string(status), "--location", "/moved/secret-path"});
    WebhookTransport transport(WebhookSettings{});
    const auto r = transport.send(webhook_alert(hook.url("http", "/hook"), "{}"));
    EXPECT_EQ(r.kind, Kind::permanent) << status << ": " << describe(r);
    EXPECT_NE(r.error.find("HTTP " + std::to_string(status) + ": redirect not followed"), std::string::npos) << r.error;
    EXPECT_EQ(r.error.find("secret-path"), std::string::npos) << r.error;
    EXPECT_EQ(hook.requests().size(), 1u);
  }
}

TEST(WebhookTransport, ReceiverDownIsTransient) {
  WebhookTransport transport(WebhookSettings{});
  const auto url = "http://127.0.0.1:" + std::to_string(test::free_loopback_port()) + "/hook";
  const auto r = transport.send(webhook_alert(url, "{}"));
  EXPECT_EQ(r.kind, Kind::transient) << describe(r);
  EXPECT_NE(r.error.find("connection refused"), std::string::npos) << r.error;
}

TEST(WebhookTransport, NoAnswerWithinTheIoTimeoutIsTransient) {
  Receiver hook({"--mode", "webhook", "--hang"});
  WebhookSettings s;
  s.timeouts.io = 300ms;
  WebhookTransport transport(s);
  const auto r = transport.send(webhook_alert(hook.url("http", "/slow"), "{}"));
  EXPECT_EQ(r.kind, Kind::transient) << describe(r);
  EXPECT_NE(r.error.find("read response: timed out"), std::string::npos) << r.error;
}

TEST(WebhookTransport, UrlsThatAreNotHttpAreRefusedPermanently) {
  WebhookTransport transport(WebhookSettings{});
  for (const std::string url : {"ftp://example.com/hook", "file:///etc/passwd", "javascript:alert(1)",
                                "example.com/hook", "http:///no-host", ""}) {
    const auto r = transport.send(webhook_alert(url, "{}"));
    EXPECT_EQ(r.kind, Kind::permanent) << url << ": " << describe(r);
  }
}

TEST(WebhookTransport, SeveralWorkersSendAtOnce) {
  Receiver hook({"--mode", "webhook"});
  WebhookTransport transport(WebhookSettings{});
  constexpr int kThreads = 4;
  constexpr int kEach = 3;
  std::vector<std::thread> threads;
  std::vector<int> accepted(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string body = R"({"worker":)" + std::to_string(t) + R"(,"n":)" + std::to_string(i) + "}";
        if (transport.send(webhook_alert(hook.url("http", "/hook"), body)).accepted()) ++accepted[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(accepted[t], kEach) << "worker " << t;
  EXPECT_EQ(hook.requests().size(), static_cast<std::size_t>(kThreads * kEach));
}

// A receiver's certificate, self-signed, for 127.0.0.1.
class HttpsPeerTest : public ::testing::Test {
 protected:
  TempDir certs;
  TestCertificate loopback{certs, "loopback", "IP:127.0.0.1,DNS:localhost"};
};
class WebhookHttpsTest : public HttpsPeerTest {};
class TwilioHttpsTest : public HttpsPeerTest {};

TEST_F(WebhookHttpsTest, SelfSignedCertificateVerifiesWithItsCaFile) {
  Receiver hook({"--mode", "webhook", "--cert", loopback.cert, "--key", loopback.key});
  WebhookSettings s;
  s.ca_file = loopback.cert;
  WebhookTransport transport(s);
  const std::string body = render_webhook(london_call(), kLondon);
  const auto r = transport.send(webhook_alert(hook.url("https", "/secure-hook"), body, webhook_signature("k", body)));
  ASSERT_TRUE(r.accepted()) << describe(r);
  const auto req = hook.first_request();
  ASSERT_TRUE(req);
  EXPECT_EQ(test::member_string(*req, "body_hex"), hex(body));
  EXPECT_EQ(header(*req, kSignatureHeader).value_or(""), webhook_signature("k", body));
}

TEST_F(WebhookHttpsTest, WithoutTheCaFileVerificationFails) {
  Receiver hook({"--mode", "webhook", "--cert", loopback.cert, "--key", loopback.key});
  WebhookTransport transport(WebhookSettings{});  // the system's CAs
  const auto r = transport.send(webhook_alert(hook.url("https", "/secure-hook"), "{}"));
  EXPECT_EQ(r.kind, Kind::permanent) << describe(r);
  EXPECT_NE(r.error.find("certificate"), std::string::npos) << r.error;
  EXPECT_TRUE(hook.requests().empty());
}

TEST_F(WebhookHttpsTest, CertificateForAnotherHostIsRefusedEvenWithItsCa) {
  const TestCertificate other(certs, "other", "DNS:receiver.example.invalid");
  Receiver hook({"--mode", "webhook", "--cert", other.cert, "--key", other.key});
  WebhookSettings s;
  s.ca_file = other.cert;
  WebhookTransport transport(s);
  const auto r = transport.send(webhook_alert(hook.url("https", "/secure-hook"), "{}"));
  EXPECT_FALSE(r.accepted()) << describe(r);
  EXPECT_TRUE(hook.requests().empty());
}

TEST_F(WebhookHttpsTest, MissingCaFileIsRefusedAtConstruction) {
  WebhookSettings s;
  s.ca_file = certs.file("no-such-ca.pem");
  EXPECT_THROW(WebhookTransport{s}, std::invalid_argument);
}

TEST_F(TwilioHttpsTest, SelfSignedCertificateVerifiesWithItsCaFile) {
  Receiver twilio(twilio_options({"--cert", loopback.cert, "--key", loopback.key}));
  auto s = twilio_settings(twilio);
  s.base_url = twilio.url("https", "");
  s.ca_file = loopback.cert;
  TwilioTransport transport(s);
  const auto r = transport.send(sms_alert("+15125550128", "EMERGENCY CALL 911"));
  ASSERT_TRUE(r.accepted()) << describe(r);
  EXPECT_TRUE(r.provider_id.starts_with("SM")) << r.provider_id;
}

}  // namespace
}  // namespace e911::notifier
