// The notifier's SMTP transport (common/mail's client behind it) against
// a real SMTP server (aiosmtpd, started from
// tests/notifier/peers/smtp_server.py): plain, STARTTLS and implicit TLS,
// AUTH, rejected recipients, certificate checks, a server that is not there
// and one that never answers. The server saves each message as it received
// it plus what Python's own MIME parser reads from it, and the tests assert
// on that: an independent decoder, not ours.

#include "consumers/notifier/smtp_transport.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "consumers/notifier/alert_text.h"
#include "consumers/notifier/emergency_call_view.h"
#include "tests/notifier/locator_output.h"
#include "tests/support/child_process.h"
#include "tests/support/files.h"

namespace e911::notifier {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Debian's interpreter, which has python3-aiosmtpd (ops/install-deps.sh);
// never a pyenv or virtualenv python3 that happens to be first on PATH.
constexpr const char* kPython = "/usr/bin/python3";
const std::string kServerScript = test::source_dir() + "/tests/notifier/peers/smtp_server.py";

constexpr const char* kFrom = "E911 Alerts <e911@example.com>";
constexpr const char* kUser = "e911-relay";
// Long, like the API keys relays use as passwords: AUTH must not wrap its
// base64 (Poco's own login() would, after 72 characters).
const std::string kPassword = "SG.s3cret-" + std::string(60, 'k') + "-end";

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("fixture lacks " + from);
  return text.replace(at, from.size(), to);
}

std::string crlf_to_lf(std::string text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// A realistic alert: the locator's output for call c-1, with a caller whose
// name is not ASCII, rendered as the notifier renders e-mail.
OutgoingAlert london_alert(const std::string& notification_id = "n-c-1:zoe@example.com:email") {
  const std::string json = replace_once(test_data::kLondonSubnet, R"("name":"John Smith")", R"("name":"Zoë Łukasz")");
  auto view = decode_emergency_call(json);
  if (!view) throw std::runtime_error(view.error().message);
  const EmailMessage email = render_email(*view, AlertSite{"london-hq", "London HQ", "Europe/London"});
  OutgoingAlert alert;
  alert.channel = Channel::email;
  alert.notification_id = notification_id;
  alert.call_id = "c-1";
  alert.recipient_name = "Zoë Łukasz";
  alert.address = "zoe@example.com";
  alert.subject = email.subject;
  alert.text = email.text;
  alert.html = email.html;
  return alert;
}

// One SMTP server process and the folder it saves messages in.
struct Server {
  std::unique_ptr<test::ChildProcess> process;
  std::uint16_t port = 0;
  fs::path maildir;
  fs::path log;

  // The JSON the server wrote for message `n` (1-based), waiting for it up
  // to a deadline. The server writes it before it answers 250, so after an
  // accepted send it is normally there at once.
  rapidjson::Document message(int n) const {
    const fs::path path = maildir / (std::to_string(n) + ".json");
    const auto deadline = Clock::now() + 10s;
    while (!fs::exists(path) && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
    rapidjson::Document doc;
    if (!fs::exists(path)) {
      ADD_FAILURE() << "no message " << n << " in " << maildir << "; server log:\n" << test::read_file(log.string());
      doc.SetObject();
      return doc;
    }
    doc.Parse(test::read_file(path.string()).c_str());
    EXPECT_FALSE(doc.HasParseError()) << path;
    return doc;
  }

  std::size_t message_count() const {
    std::size_t n = 0;
    for (const auto& entry : fs::directory_iterator(maildir)) n += entry.path().extension() == ".eml";
    return n;
  }
};

std::string str(const rapidjson::Value& v) { return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : ""; }

// message.headers.<name>[0], as Python decodes it.
std::string header(const rapidjson::Document& doc, const char* name) {
  if (!doc.HasMember("message")) return {};
  const auto& headers = doc["message"]["headers"];
  if (!headers.HasMember(name) || headers[name].Empty()) return {};
  return str(headers[name][0]);
}

std::string raw_header(const rapidjson::Document& doc, const char* name) {
  if (!doc.HasMember("message")) return {};
  const auto& headers = doc["message"]["raw_headers"];
  if (!headers.HasMember(name) || headers[name].Empty()) return {};
  return str(headers[name][0]);
}

class SmtpTransportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("e911-smtp-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    // Self-signed, for 'localhost' (trusted through ca_file), and one for
    // another name (its host name check must fail).
    make_certificate("localhost", "localhost");
    make_certificate("other", "mail.e911.invalid");
  }

  static void TearDownTestSuite() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  static void make_certificate(const std::string& stem, const std::string& cn) {
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=" + cn +
                            " -addext subjectAltName=DNS:" + cn + " -days 1 -keyout '" + key(stem) + "' -out '" +
                            cert(stem) + "' 2>'" + (dir_ / (stem + ".openssl.log")).string() + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl (ops/install-deps.sh installs it): " << cmd;
  }
  static std::string cert(const std::string& stem) { return (dir_ / (stem + ".crt")).string(); }
  static std::string key(const std::string& stem) { return (dir_ / (stem + ".key")).string(); }

  // Starts smtp_server.py with `args` on a free port.
  Server start_server(const std::vector<std::string>& args) {
    static int count = 0;
    Server s;
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    s.maildir = dir_ / (name + "-" + std::to_string(++count));
    fs::create_directories(s.maildir);
    s.log = s.maildir / "server.log";
    std::vector<std::string> argv{kPython, kServerScript, "--port", std::to_string(test::free_loopback_port()),
                                  "--maildir", s.maildir.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    s.process = std::make_unique<test::ChildProcess>(argv, s.log.string());
    try {
      s.port = static_cast<std::uint16_t>(std::stoi(s.process->wait_for("port=", 20s)));
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what() << " (python3-aiosmtpd missing? ops/install-deps.sh)\nserver log:\n"
                    << test::read_file(s.log.string());
    }
    return s;
  }

  static SmtpSettings settings(std::uint16_t port, SmtpSettings::Tls tls) {
    SmtpSettings s;
    s.host = "localhost";
    s.port = port;
    s.tls = tls;
    s.from = kFrom;
    s.helo_name = "notifier.e911.test";
    // Generous: a loaded CI machine must not turn a slow peer into a failure.
    s.timeouts.connect = 10s;
    s.timeouts.io = 20s;
    return s;
  }

  // smtp_server.py offering STARTTLS with the 'localhost' certificate and
  // requiring AUTH as kUser with `password`.
  static std::vector<std::string> starttls_auth_args(const std::string& password = kPassword) {
    return {"--starttls", cert("localhost"), key("localhost"), "--auth", std::string(kUser) + ":" + password};
  }

  // settings() that verify the server against the 'localhost' certificate
  // and log in as kUser.
  static SmtpSettings auth_settings(std::uint16_t port, SmtpSettings::Tls tls) {
    auto s = settings(port, tls);
    s.ca_file = cert("localhost");
    s.username = kUser;
    s.password = kPassword;
    return s;
  }

  // A send the transport gave up on for good, with an error that matches
  // `error`, before any message reached the server.
  static void expect_permanent_and_nothing_delivered(const SendResult& r, const Server& server,
                                                     const ::testing::Matcher<const std::string&>& error) {
    EXPECT_EQ(r.kind, SendResult::Kind::permanent) << r.error;
    EXPECT_THAT(r.error, error);
    EXPECT_EQ(server.message_count(), 0u);
  }

  static inline fs::path dir_;
};

// ---- plain delivery: the message itself ----

TEST_F(SmtpTransportTest, DeliversBothPartsWithUtf8HeadersAndStableMessageId) {
  auto server = start_server({});
  ASSERT_NE(server.port, 0);
  SmtpTransport transport(settings(server.port, SmtpSettings::Tls::none));
  const OutgoingAlert alert = london_alert();
  ASSERT_EQ(alert.subject, "EMERGENCY CALL - London HQ - Zoë Łukasz x5001");

  const SendResult first = transport.send(alert);
  ASSERT_TRUE(first.accepted()) << first.error;
  EXPECT_EQ(first.provider_id, "E911Q1");  // "250 2.0.0 Ok: queued as E911Q1"
  const auto doc = server.message(1);
  ASSERT_TRUE(doc.HasMember("message"));

  // Envelope.
  EXPECT_EQ(str(doc["mail_from"]), "e911@example.com");
  ASSERT_EQ(doc["rcpt_tos"].Size(), 1u);
  EXPECT_EQ(str(doc["rcpt_tos"][0]), "zoe@example.com");
  EXPECT_FALSE(doc["tls"].GetBool());
  EXPECT_FALSE(doc["authenticated"].GetBool());

  // Headers, decoded.
  EXPECT_EQ(header(doc, "subject"), alert.subject);
  EXPECT_EQ(header(doc, "from"), "E911 Alerts <e911@example.com>");
  EXPECT_EQ(header(doc, "to"), "Zoë Łukasz <zoe@example.com>");
  EXPECT_EQ(header(doc, "message-id"), "<n-c-1=3Azoe=40example=2Ecom=3Aemail@example.com>");
  EXPECT_EQ(header(doc, "x-e911-call-id"), "c-1");
  EXPECT_EQ(header(doc, "x-e911-notification-id"), "n-c-1:zoe@example.com:email");
  EXPECT_EQ(header(doc, "auto-submitted"), "auto-generated");
  EXPECT_FALSE(header(doc, "date").empty());
  EXPECT_TRUE(contains(raw_header(doc, "date"), "+0000")) << raw_header(doc, "date");

  // Non-ASCII headers as RFC 2047 words, each of them whole characters
  // (the server decodes each word on its own and records null if not).
  const auto& message = doc["message"];
  EXPECT_TRUE(message["ascii_only"].GetBool());
  EXPECT_TRUE(contains(raw_header(doc, "subject"), "=?UTF-8?B?")) << raw_header(doc, "subject");
  std::string subject_from_words;
  ASSERT_GE(message["subject_words"].Size(), 2u);  // 46 bytes: more than one word
  for (const auto& word : message["subject_words"].GetArray()) {
    ASSERT_TRUE(word.IsString()) << "an encoded word that is not whole UTF-8 characters";
    subject_from_words += str(word);
  }
  EXPECT_EQ(subject_from_words, alert.subject);
  ASSERT_EQ(message["to_words"].Size(), 1u);
  EXPECT_EQ(str(message["to_words"][0]), "Zoë Łukasz");
  EXPECT_EQ(message["defects"].Size(), 0u);
  EXPECT_LE(message["max_line_length"].GetInt(), 998);  // RFC 5322 2.1.1

  // multipart/alternative: the text, then the HTML, both UTF-8,
  // quoted-printable, and exactly what was rendered.
  EXPECT_EQ(str(message["content_type"]), "multipart/alternative");
  const auto& parts = message["parts"];
  ASSERT_EQ(parts.Size(), 2u);
  EXPECT_EQ(str(parts[0]["content_type"]), "text/plain");
  EXPECT_EQ(str(parts[1]["content_type"]), "text/html");
  for (const auto& part : parts.GetArray()) {
    EXPECT_EQ(str(part["charset"]), "utf-8");
    EXPECT_EQ(str(part["transfer_encoding"]), "quoted-printable");
  }
  EXPECT_EQ(crlf_to_lf(str(parts[0]["text"])), alert.text);
  EXPECT_EQ(crlf_to_lf(str(parts[1]["text"])), alert.html);
  EXPECT_TRUE(contains(str(parts[0]["text"]), "Caller:      Zoë Łukasz x5001"));
  EXPECT_TRUE(contains(str(parts[1]["text"]), "<td>Zoë Łukasz x5001</td>"));

  // A resend of the same alert carries the same Message-ID.
  const SendResult again = transport.send(alert);
  ASSERT_TRUE(again.accepted()) << again.error;
  EXPECT_EQ(header(server.message(2), "message-id"), header(doc, "message-id"));
}

// Long lines (a 300-character line, HTML on one line), a dot alone on a
// line and a line starting with a dot (SMTP's end-of-data marker and its
// escaping) and an emoji subject all survive.
TEST_F(SmtpTransportTest, LongLinesDotsAndEmojiSurvive) {
  auto server = start_server({});
  ASSERT_NE(server.port, 0);
  SmtpTransport transport(settings(server.port, SmtpSettings::Tls::none));
  OutgoingAlert alert = london_alert();
  alert.subject = "TEST CALL - Zürich Büro - 🚨 Łódź Ærø Ωmega " + std::string(40, 'x') + " ñ";
  alert.text = "first\n.\n.leading dot\n" + std::string(300, 'y') + " Zoë\nlast line\n";
  alert.html = "<p>" + std::string(500, 'z') + " Łukasz</p>";
  const SendResult r = transport.send(alert);
  ASSERT_TRUE(r.accepted()) << r.error;
  const auto doc = server.message(1);
  ASSERT_TRUE(doc.HasMember("message"));
  const auto& message = doc["message"];
  EXPECT_EQ(header(doc, "subject"), alert.subject);
  for (const auto& word : message["subject_words"].GetArray()) EXPECT_TRUE(word.IsString());
  EXPECT_LE(message["max_line_length"].GetInt(), 78);
  EXPECT_EQ(crlf_to_lf(str(message["parts"][0]["text"])), alert.text);
  EXPECT_EQ(crlf_to_lf(str(message["parts"][1]["text"])), alert.html);
}

// ---- TLS and AUTH ----

TEST_F(SmtpTransportTest, StartTlsThenAuthPlainVerifyingAgainstCaFile) {
  auto args = starttls_auth_args();
  args.push_back("--require-starttls");
  auto server = start_server(args);
  ASSERT_NE(server.port, 0);
  // Verification on (the default), against our own CA.
  SmtpTransport transport(auth_settings(server.port, SmtpSettings::Tls::starttls));
  const SendResult r = transport.send(london_alert());
  ASSERT_TRUE(r.accepted()) << r.error;
  const auto doc = server.message(1);
  ASSERT_TRUE(doc.HasMember("tls"));
  EXPECT_TRUE(doc["tls"].GetBool());
  EXPECT_TRUE(doc["authenticated"].GetBool());
  EXPECT_EQ(str(doc["auth_login"]), kUser);
  EXPECT_EQ(str(doc["auth_mechanism"]), "PLAIN");
  EXPECT_EQ(header(doc, "subject"), london_alert().subject);
}

TEST_F(SmtpTransportTest, AuthLoginWhenPlainIsNotOffered) {
  auto args = starttls_auth_args();
  args.insert(args.end(), {"--auth-mechanisms", "LOGIN"});
  auto server = start_server(args);
  ASSERT_NE(server.port, 0);
  const SendResult r = SmtpTransport(auth_settings(server.port, SmtpSettings::Tls::starttls)).send(london_alert());
  ASSERT_TRUE(r.accepted()) << r.error;
  const auto doc = server.message(1);
  ASSERT_TRUE(doc.HasMember("auth_mechanism"));
  EXPECT_EQ(str(doc["auth_mechanism"]), "LOGIN");
  EXPECT_EQ(str(doc["auth_login"]), kUser);
}

TEST_F(SmtpTransportTest, ImplicitTlsWithAuth) {
  auto server = start_server({"--implicit-tls", cert("localhost"), key("localhost"), "--auth",
                              std::string(kUser) + ":" + kPassword});
  ASSERT_NE(server.port, 0);
  const SendResult r = SmtpTransport(auth_settings(server.port, SmtpSettings::Tls::implicit)).send(london_alert());
  ASSERT_TRUE(r.accepted()) << r.error;
  const auto doc = server.message(1);
  ASSERT_TRUE(doc.HasMember("tls"));
  EXPECT_TRUE(doc["tls"].GetBool());
  EXPECT_TRUE(doc["authenticated"].GetBool());
  EXPECT_EQ(crlf_to_lf(str(doc["message"]["parts"][0]["text"])), london_alert().text);
}

// For a lab: no verification at all, connecting by IP address.
TEST_F(SmtpTransportTest, VerificationOffAcceptsASelfSignedCertificate) {
  auto server = start_server({"--starttls", cert("other"), key("other")});
  ASSERT_NE(server.port, 0);
  auto s = settings(server.port, SmtpSettings::Tls::starttls);
  s.host = "127.0.0.1";
  s.verify_certificate = false;
  const SendResult r = SmtpTransport(s).send(london_alert());
  ASSERT_TRUE(r.accepted()) << r.error;
  const auto doc = server.message(1);
  ASSERT_TRUE(doc.HasMember("tls"));
  EXPECT_TRUE(doc["tls"].GetBool());
}

TEST_F(SmtpTransportTest, WrongPasswordIsPermanentAndTheErrorHoldsNoSecret) {
  auto server = start_server(starttls_auth_args("the-right-one"));
  ASSERT_NE(server.port, 0);
  const SendResult r = SmtpTransport(auth_settings(server.port, SmtpSettings::Tls::starttls)).send(london_alert());
  expect_permanent_and_nothing_delivered(r, server, ::testing::HasSubstr("AUTH PLAIN: 535"));
  EXPECT_FALSE(contains(r.error, kPassword)) << r.error;
  EXPECT_FALSE(contains(r.error, "s3cret")) << r.error;
}

// ---- the server says no ----

TEST_F(SmtpTransportTest, RecipientRejected550IsPermanent) {
  auto server = start_server({"--reject-rcpt", "550 5.1.1 user unknown"});
  ASSERT_NE(server.port, 0);
  const SendResult r = SmtpTransport(settings(server.port, SmtpSettings::Tls::none)).send(london_alert());
  expect_permanent_and_nothing_delivered(r, server, "RCPT TO: 550 5.1.1 user unknown");
}

TEST_F(SmtpTransportTest, RecipientRejected451IsTransient) {
  auto server = start_server({"--reject-rcpt", "451 4.3.0 try later"});
  ASSERT_NE(server.port, 0);
  const SendResult r = SmtpTransport(settings(server.port, SmtpSettings::Tls::none)).send(london_alert());
  EXPECT_EQ(r.kind, SendResult::Kind::transient);
  EXPECT_EQ(r.error, "RCPT TO: 451 4.3.0 try later");
}

// Never fall back to clear text when STARTTLS was asked for.
TEST_F(SmtpTransportTest, StartTlsNotOfferedIsPermanent) {
  auto server = start_server({});
  ASSERT_NE(server.port, 0);
  const SendResult r = SmtpTransport(settings(server.port, SmtpSettings::Tls::starttls)).send(london_alert());
  expect_permanent_and_nothing_delivered(r, server, "STARTTLS: not offered by the server");
}

// ---- certificates: permanent, the same certificate will be there next time ----

TEST_F(SmtpTransportTest, SelfSignedCertificateAgainstSystemCasIsPermanent) {
  auto server = start_server({"--starttls", cert("localhost"), key("localhost")});
  ASSERT_NE(server.port, 0);
  auto s = settings(server.port, SmtpSettings::Tls::starttls);  // verify_certificate, no ca_file
  const SendResult r = SmtpTransport(s).send(london_alert());
  expect_permanent_and_nothing_delivered(r, server,
                                         ::testing::HasSubstr("TLS handshake: server certificate not accepted"));
}

TEST_F(SmtpTransportTest, CertificateForAnotherHostIsPermanent) {
  auto server = start_server({"--implicit-tls", cert("other"), key("other")});
  ASSERT_NE(server.port, 0);
  auto s = settings(server.port, SmtpSettings::Tls::implicit);
  s.ca_file = cert("other");  // a trusted chain, but for mail.e911.invalid, not localhost
  const SendResult r = SmtpTransport(s).send(london_alert());
  expect_permanent_and_nothing_delivered(r, server,
                                         ::testing::HasSubstr("TLS handshake: server certificate not accepted"));
}

// ---- no server, a silent server ----

TEST_F(SmtpTransportTest, NothingListeningIsTransientAndNamesConnect) {
  const auto port = static_cast<std::uint16_t>(test::free_loopback_port());
  auto s = settings(port, SmtpSettings::Tls::none);
  s.host = "127.0.0.1";
  const SendResult r = SmtpTransport(s).send(london_alert());
  EXPECT_EQ(r.kind, SendResult::Kind::transient);
  EXPECT_EQ(r.error, "connect 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

// Accepts connections (the kernel does, into the backlog) and never says a
// word: the wait for the greeting ends at the I/O timeout.
TEST_F(SmtpTransportTest, SilentServerTimesOutAsTransient) {
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto s = settings(silent.address().port(), SmtpSettings::Tls::none);
  s.host = "127.0.0.1";
  s.timeouts.io = 300ms;
  const SendResult r = SmtpTransport(s).send(london_alert());
  EXPECT_EQ(r.kind, SendResult::Kind::transient);
  EXPECT_EQ(r.error, "greeting: timed out (300 ms)");
}

// A relay that has saved the message and is slow to say so (RFC 5321
// 4.5.3.2.6): the reply to the message data is waited for longer than any
// other step, since giving up there has the message sent again. The fault
// campaign found alerts sent again and again while the relay answered 20 s
// late, each attempt given up after the I/O timeout.
TEST_F(SmtpTransportTest, ALateReplyToTheMessageDataIsWaitedFor) {
  auto server = start_server({"--delay-data", "4"});
  ASSERT_NE(server.port, 0);
  auto s = settings(server.port, SmtpSettings::Tls::none);
  s.timeouts.io = 2s;  // every other step
  s.end_of_data_timeout = 30s;
  const SendResult r = SmtpTransport(s).send(london_alert());
  EXPECT_TRUE(r.accepted()) << r.error;
  EXPECT_EQ(server.message_count(), 1u);
}

TEST_F(SmtpTransportTest, AReplyToTheMessageDataLaterThanItsTimeoutIsTransient) {
  auto server = start_server({"--delay-data", "3"});
  ASSERT_NE(server.port, 0);
  auto s = settings(server.port, SmtpSettings::Tls::none);
  s.end_of_data_timeout = 500ms;
  const SendResult r = SmtpTransport(s).send(london_alert());
  EXPECT_EQ(r.kind, SendResult::Kind::transient);
  EXPECT_EQ(r.error, "end of data: timed out (500 ms)");
  EXPECT_EQ(server.message_count(), 1u);  // the relay has it: why the wait is long
}

// ---- what is refused before any connection ----

TEST_F(SmtpTransportTest, BadRecipientAddressIsPermanentWithoutConnecting) {
  const auto port = static_cast<std::uint16_t>(test::free_loopback_port());  // nothing there
  SmtpTransport transport(settings(port, SmtpSettings::Tls::none));
  for (const char* address : {"not-an-address", "a@b.c>\r\nRCPT TO:<evil@example.com", ""}) {
    OutgoingAlert alert = london_alert();
    alert.address = address;
    const SendResult r = transport.send(alert);
    EXPECT_EQ(r.kind, SendResult::Kind::permanent) << address;
    EXPECT_EQ(r.error, "smtp: recipient address is not a valid e-mail address");
  }
}

TEST_F(SmtpTransportTest, UnusableSettingsAreRefusedAtConstruction) {
  auto s = settings(2525, SmtpSettings::Tls::none);
  s.host.clear();
  EXPECT_THROW(SmtpTransport{s}, std::invalid_argument);
  s = settings(2525, SmtpSettings::Tls::none);
  s.from = "E911 Alerts";
  EXPECT_THROW(SmtpTransport{s}, std::invalid_argument);
  s = settings(2525, SmtpSettings::Tls::none);
  s.username = kUser;  // AUTH in clear text
  s.password = kPassword;
  try {
    SmtpTransport transport(s);
    ADD_FAILURE() << "AUTH without TLS accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_FALSE(contains(e.what(), kPassword));
  }
  s = settings(2525, SmtpSettings::Tls::starttls);
  s.ca_file = (dir_ / "no-such-ca.pem").string();
  EXPECT_THROW(SmtpTransport{s}, std::invalid_argument);
}

// ---- several workers at once ----

TEST_F(SmtpTransportTest, ConcurrentSendsEachDeliverTheirOwnMessage) {
  auto server = start_server(starttls_auth_args());
  ASSERT_NE(server.port, 0);
  // One transport, shared, as the dispatcher's workers share it.
  SmtpTransport transport(auth_settings(server.port, SmtpSettings::Tls::starttls));
  constexpr int kThreads = 4;
  constexpr int kEach = 2;
  std::vector<SendResult> results(kThreads * kEach);
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        results[t * kEach + i] = transport.send(london_alert("n-" + std::to_string(t * kEach + i)));
      }
    });
  }
  for (auto& w : workers) w.join();
  for (const auto& r : results) EXPECT_TRUE(r.accepted()) << r.error;
  std::set<std::string> ids;
  for (int n = 1; n <= kThreads * kEach; ++n) ids.insert(header(server.message(n), "x-e911-notification-id"));
  std::set<std::string> expected;
  for (int n = 0; n < kThreads * kEach; ++n) expected.insert("n-" + std::to_string(n));
  EXPECT_EQ(ids, expected);
}

}  // namespace
}  // namespace e911::notifier
