#include "common/mail/smtp_client.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Environment.h>
#include <Poco/Exception.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailStream.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include <cctype>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "common/email_address.h"
#include "common/net/tls_context.h"
#include "common/encoding.h"
#include "common/utf8.h"

namespace e911::mail {

namespace {

using Tls = SmtpSettings::Tls;

// Longest server text kept in an error.
constexpr std::size_t kMaxReplyText = 200;

// The protected parts of Poco's session made usable: the dialog below
// drives the protocol itself with sendCommand() and the socket, because
// Poco 1.11's own steps do not fit:
//  - SecureSMTPClientSession built on a StreamSocket (which we need, for
//    the connect timeout) does not know the host name, so STARTTLS would
//    send no SNI and check the certificate against the IP address;
//  - login() wraps the base64 of AUTH PLAIN every 72 characters, which
//    breaks long credentials (API keys), and its AUTH LOGIN guesses the
//    order from the prompt text, which servers word differently;
//  - sendMessage() writes "MAIL FROM: <a>" (a space RFC 5321 does not
//    allow), hides the final reply (the queue id) and leaves bare LFs in
//    the data, which relays hardened against SMTP smuggling refuse.
class Session : public Poco::Net::SMTPClientSession {
 public:
  using Poco::Net::SMTPClientSession::SMTPClientSession;
  using Poco::Net::SMTPClientSession::socket;
};

// A reply we did not want. `code` is 0 when there was no reply (the server
// closed the connection) or it was not SMTP.
struct Refusal {
  std::string step;
  int code = 0;
  std::string reply;
  bool permanent_without_code = false;  // a refusal of ours, not the server's (no STARTTLS, no AUTH)
};

Poco::Timespan to_timespan(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}


bool is_printable_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Control characters (CR and LF above all) would end the header and start
// another: callers clean their text, but a header is no place to trust
// that.
std::string header_safe(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

// "250-mail.example.com\n250-SIZE 1000\n250 AUTH PLAIN LOGIN" (as Poco
// joins a multi-line reply) -> one line, codes of continuation lines
// dropped, at most kMaxReplyText bytes of printable ASCII.
std::string reply_text(const std::string& reply) {
  std::string out;
  std::size_t start = 0;
  bool first = true;
  while (start <= reply.size()) {
    auto end = reply.find('\n', start);
    if (end == std::string::npos) end = reply.size();
    std::string_view line(reply.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!first && line.size() >= 4 && (line[3] == '-' || line[3] == ' ')) line.remove_prefix(4);
    if (!line.empty()) {
      if (!out.empty()) out += ' ';
      out += line;
    }
    first = false;
    start = end + 1;
  }
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) c = '?';
  }
  if (out.size() > kMaxReplyText) out = out.substr(0, kMaxReplyText) + "...";
  return out;
}

// What the server says it can do, from its EHLO reply.
struct Extensions {
  bool starttls = false;
  bool auth_plain = false;
  bool auth_login = false;
  std::string auth;  // the AUTH line's mechanisms, for an error text
};

Extensions parse_ehlo(const std::string& reply) {
  Extensions ext;
  std::istringstream lines(reply);
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    if (first) {  // "250-server.name greeting"
      first = false;
      continue;
    }
    if (line.size() < 4) continue;
    std::string keyword = line.substr(4);
    if (!keyword.empty() && keyword.back() == '\r') keyword.pop_back();
    for (char& c : keyword) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (keyword == "STARTTLS") ext.starttls = true;
    // "AUTH PLAIN LOGIN", or "AUTH=PLAIN LOGIN" from servers that predate RFC 4954.
    if (keyword.rfind("AUTH", 0) == 0 && keyword.size() > 4 && (keyword[4] == ' ' || keyword[4] == '=')) {
      ext.auth = keyword.substr(5);
      std::istringstream mechanisms(ext.auth);
      std::string m;
      while (mechanisms >> m) {
        ext.auth_plain = ext.auth_plain || m == "PLAIN";
        ext.auth_login = ext.auth_login || m == "LOGIN";
      }
    }
  }
  return ext;
}

void expect(int status, int wanted_class, std::string_view step, const std::string& reply) {
  if (status / 100 != wanted_class) throw Refusal{std::string(step), status, reply};
}

// Every line end as CRLF: the message leaves Poco with the bare LFs of the
// bodies (quoted-printable keeps line ends as they are), and RFC 5321 wants
// CRLF only.
std::string with_crlf(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

// "queued as 4F2A1B" (Postfix, aiosmtpd here), "id=1abc-0001-AB" (Exim).
std::string queue_id_in(const std::string& reply) {
  const std::string line = reply_text(reply);
  for (const std::string_view marker : {std::string_view("queued as "), std::string_view("id=")}) {
    const auto at = line.find(marker);
    if (at == std::string::npos) continue;
    const auto start = at + marker.size();
    const auto end = line.find_first_of(" ;,)", start);
    std::string id = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!id.empty()) return id;
  }
  return {};
}

// Display name + address from "E911 Alerts <e911@example.com>".
struct Mailbox {
  std::string name;
  std::string address;
};

Mailbox parse_mailbox(std::string_view text) {
  const auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  text = trim(text);
  const auto open = text.rfind('<');
  if (open == std::string_view::npos || text.back() != '>') return {{}, std::string(text)};
  std::string_view name = trim(text.substr(0, open));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  return {std::string(name), std::string(text.substr(open + 1, text.size() - open - 2))};
}

// A display name as an RFC 5322 phrase: atoms as they are, other ASCII as
// a quoted string, anything else as encoded words.
std::string phrase(std::string_view name) {
  if (!is_printable_ascii(name)) return encode_header_text(name);
  bool plain = true;
  for (char c : name) {
    if (std::string_view("()<>[]:;@\\,.\"").find(c) != std::string_view::npos) plain = false;
  }
  if (plain && name.find("=?") == std::string_view::npos) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string mailbox_header(std::string_view name, std::string_view address) {
  const std::string clean = header_safe(name);
  if (clean.find_first_not_of(' ') == std::string::npos) return std::string(address);
  return phrase(clean) + " <" + std::string(address) + ">";
}

void add_part(Poco::Net::MailMessage& message, const std::string& content, const std::string& media_type) {
  auto part = std::make_unique<Poco::Net::StringPartSource>(content, media_type);
  message.addContent(part.get(), Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
  part.release();  // the message owns it now
}

SendOutcome retry_later(std::string error) { return {SendOutcome::Kind::transient, std::move(error), {}}; }
SendOutcome give_up(std::string error) { return {SendOutcome::Kind::permanent, std::move(error), {}}; }

void replace_all(std::string& text, std::string_view secret) {
  if (secret.empty()) return;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
}

}  // namespace

std::string encode_header_text(std::string_view utf8) {
  // "=?" in plain text would be read as the start of an encoded word.
  if (is_printable_ascii(utf8) && utf8.find("=?") == std::string_view::npos) return std::string(utf8);
  // 39 bytes -> 52 base64 characters -> a 64-character word: "Subject: "
  // and a word fit in 78 columns. A word ends on a character boundary
  // (RFC 2047 section 5: each word must decode on its own).
  constexpr std::size_t kMaxBytes = 39;
  std::string out;
  std::size_t start = 0;
  while (start < utf8.size()) {
    std::size_t end = start;
    while (end < utf8.size()) {
      const auto size = utf8::decode(utf8, end).size;
      if (end + size - start > kMaxBytes && end > start) break;
      end += size;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64_encode(utf8.substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

std::string message_id_for(std::string_view id, std::string_view domain) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string local;
  for (const char c : id) {
    const auto u = static_cast<unsigned char>(c);
    // ASCII only, whatever the locale says a letter is.
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (keep) {
      local += c;
    } else {
      local += '=';
      local += kHex[u >> 4];
      local += kHex[u & 0x0f];
    }
  }
  return "<" + local + "@" + std::string(domain) + ">";
}

SendOutcome::Kind classify_smtp_reply(int code) {
  if (code >= 200 && code < 400) return SendOutcome::Kind::accepted;
  if (code >= 400 && code < 500) return SendOutcome::Kind::transient;
  return SendOutcome::Kind::permanent;
}

struct SmtpClient::Impl {
  SmtpSettings settings;
  Mailbox from;
  std::string from_domain;
  std::string helo;
  std::string endpoint;          // "host:port", for error texts
  Poco::Net::Context::Ptr tls;   // shared by every connection of this client

  std::string render(const Email& email) const;
  SendOutcome deliver(const Email& email, const std::string& data) const;
  void converse(Session& session, const Email& email, const std::string& data, std::string& step,
                std::string& queue_id) const;
  void authenticate(Session& session, const Extensions& ext, std::string& step) const;
  std::string redacted(std::string text) const;
};

SmtpClient::SmtpClient(SmtpSettings settings) : impl_(std::make_unique<Impl>()) {
  if (settings.host.empty()) throw std::invalid_argument("smtp: no host");
  if (settings.port == 0) throw std::invalid_argument("smtp: no port");
  impl_->from = parse_mailbox(settings.from);
  if (!is_valid_email(impl_->from.address)) {
    throw std::invalid_argument("smtp: 'from' is not an e-mail address (\"Name <user@example.com>\" or user@example.com)");
  }
  impl_->from_domain = impl_->from.address.substr(impl_->from.address.rfind('@') + 1);
  if (!settings.username.empty() && settings.tls == Tls::none) {
    throw std::invalid_argument("smtp: AUTH needs TLS (starttls or implicit): the password would cross the network in clear");
  }
  if (settings.tls != Tls::none) {
    impl_->tls = net::client_tls_context_for("smtp", settings.verify_certificate, settings.ca_file);
  }
  impl_->helo = settings.helo_name.empty() ? Poco::Environment::nodeName() : settings.helo_name;
  if (impl_->helo.empty()) impl_->helo = "localhost";
  const bool ipv6 = settings.host.find(':') != std::string::npos;
  impl_->endpoint = (ipv6 ? "[" + settings.host + "]" : settings.host) + ":" + std::to_string(settings.port);
  impl_->settings = std::move(settings);
}

SmtpClient::~SmtpClient() = default;

std::string SmtpClient::Impl::render(const Email& email) const {
  Poco::Net::MailMessage message;
  message.set("From", mailbox_header(from.name, from.address));
  message.set("To", mailbox_header(email.to_name, email.to));
  message.set("Subject", encode_header_text(header_safe(email.subject)));
  // RFC 5322 numeric zone: Poco's default Date ends in "GMT", an obsolete
  // form.
  message.set("Date", Poco::DateTimeFormatter::format(Poco::Timestamp(), "%w, %e %b %Y %H:%M:%S +0000"));
  // Without an id there is nothing stable to derive it from: the relay adds one.
  if (!email.id.empty()) message.set("Message-ID", message_id_for(email.id, from_domain));
  for (const auto& [name, value] : email.headers) message.set(header_safe(name), header_safe(value));
  message.set("Auto-Submitted", "auto-generated");
  message.set("X-Auto-Response-Suppress", "All");
  if (email.html.empty()) {
    message.setContentType("text/plain; charset=utf-8");
    message.setContent(email.text, Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
  } else {
    // Set before the parts: Poco would otherwise make it multipart/mixed.
    message.setContentType("multipart/alternative");
    // Plain text first: clients show the last alternative they can render.
    add_part(message, email.text, "text/plain; charset=utf-8");
    add_part(message, email.html, "text/html; charset=utf-8");
  }
  std::ostringstream out;
  message.write(out);
  return with_crlf(out.str());
}

// AUTH PLAIN (one round trip) when offered, else LOGIN. Written here rather
// than with Poco's login() (see Session).
void SmtpClient::Impl::authenticate(Session& session, const Extensions& ext, std::string& step) const {
  const auto& s = settings;
  std::string reply;
  if (ext.auth_plain) {
    step = "AUTH PLAIN";
    std::string credentials;
    credentials += '\0';
    credentials += s.username;
    credentials += '\0';
    credentials += s.password;
    expect(session.sendCommand("AUTH PLAIN " + base64_encode(credentials), reply), 2, step, reply);
  } else if (ext.auth_login) {
    // RFC 4954 / draft-murchison-sasl-login: user name, then password,
    // whatever the prompts say.
    step = "AUTH LOGIN";
    expect(session.sendCommand("AUTH LOGIN", reply), 3, step, reply);
    expect(session.sendCommand(base64_encode(s.username), reply), 3, step, reply);
    expect(session.sendCommand(base64_encode(s.password), reply), 2, step, reply);
  } else {
    std::string what = ext.auth.empty() ? "the server offers no AUTH" : "the server offers neither PLAIN nor LOGIN (" + ext.auth + ")";
    throw Refusal{"AUTH", 0, what, true};
  }
}

void SmtpClient::Impl::converse(Session& session, const Email& email, const std::string& data, std::string& step,
                                std::string& queue_id) const {
  const auto& s = settings;
  std::string reply;

  // Read here rather than with open(): Poco's session then never counts as
  // open, so its destructor sends no QUIT of its own (deliver() does,
  // and not on a connection that timed out).
  step = "greeting";
  const int greeting = session.socket().receiveStatusMessage(reply);
  expect(greeting, 2, step, reply);

  step = "EHLO";
  int status = session.sendCommand("EHLO " + helo, reply);
  if (status / 100 == 5 && s.tls != Tls::starttls && s.username.empty()) {
    // A server from before ESMTP: HELO is enough for what we need then.
    step = "HELO";
    status = session.sendCommand("HELO " + helo, reply);
  }
  expect(status, 2, step, reply);
  Extensions ext = parse_ehlo(reply);

  if (s.tls == Tls::starttls) {
    step = "STARTTLS";
    // Never fall back to clear text: an attacker on the path can strip the
    // offer.
    if (!ext.starttls) throw Refusal{step, 0, "not offered by the server", true};
    expect(session.sendCommand("STARTTLS", reply), 2, step, reply);
    step = "TLS handshake";
    session.socket() = Poco::Net::SecureStreamSocket::attach(session.socket(), s.host, tls);
    session.socket().setReceiveTimeout(to_timespan(s.timeouts.io));
    session.socket().setSendTimeout(to_timespan(s.timeouts.io));
    // RFC 3207: everything learned before TLS is forgotten; ask again.
    step = "EHLO";
    expect(session.sendCommand("EHLO " + helo, reply), 2, step, reply);
    ext = parse_ehlo(reply);
  }

  if (!s.username.empty()) authenticate(session, ext, step);

  step = "MAIL FROM";
  expect(session.sendCommand("MAIL FROM:<" + from.address + ">", reply), 2, step, reply);
  step = "RCPT TO";
  expect(session.sendCommand("RCPT TO:<" + email.to + ">", reply), 2, step, reply);
  step = "DATA";
  expect(session.sendCommand("DATA", reply), 3, step, reply);
  step = "message data";
  {
    Poco::Net::SocketOutputStream socket_out(session.socket());
    Poco::Net::MailOutputStream mail_out(socket_out);  // dot-stuffing and the final "."
    mail_out.write(data.data(), static_cast<std::streamsize>(data.size()));
    mail_out.close();
    socket_out.flush();
    // The stream buffers swallow write errors into a bad state.
    if (!socket_out) throw Poco::IOException("write failed");
  }
  step = "end of data";
  session.socket().setReceiveTimeout(to_timespan(s.end_of_data_timeout));
  expect(session.socket().receiveStatusMessage(reply), 2, step, reply);
  queue_id = queue_id_in(reply);
}

SendOutcome SmtpClient::Impl::deliver(const Email& email, const std::string& data) const {
  const auto& s = settings;
  std::string step = "connect " + endpoint;
  std::string queue_id;
  try {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(s.host, s.port), to_timespan(s.timeouts.connect));
    // The message goes out in several writes: with Nagle's algorithm each
    // later write waits for the server's delayed ACK (40 ms on Linux), per
    // message (docs/benchmarks-notifier.md).
    socket.setNoDelay(true);
    socket.setReceiveTimeout(to_timespan(s.timeouts.io));
    socket.setSendTimeout(to_timespan(s.timeouts.io));
    if (s.tls == Tls::implicit) {
      step = "TLS handshake";
      socket = Poco::Net::SecureStreamSocket::attach(socket, s.host, tls);
    }
    Session session(socket);
    try {
      converse(session, email, data, step, queue_id);
    } catch (const Refusal&) {
      // The server is still talking to us: say goodbye properly.
      try {
        std::string ignored;
        session.sendCommand("QUIT", ignored);
      } catch (...) {
      }
      throw;
    }
    // Accepted: a failing QUIT changes nothing.
    try {
      std::string reply;
      session.sendCommand("QUIT", reply);
    } catch (...) {
    }
    return {SendOutcome::Kind::accepted, {}, std::move(queue_id)};
  } catch (const Refusal& r) {
    std::string error = r.step + ": ";
    if (r.permanent_without_code) return give_up(error + r.reply);
    if (r.code >= 400 && r.code < 600) {
      error += reply_text(r.reply);
      return classify_smtp_reply(r.code) == SendOutcome::Kind::transient ? retry_later(error) : give_up(error);
    }
    // No reply at all, or not an SMTP one: the connection broke.
    error += r.reply.empty() ? "connection closed by the server" : "unexpected reply: " + reply_text(r.reply);
    return retry_later(error);
  } catch (const Poco::Net::CertificateValidationException& e) {
    // Permanent: the same certificate (or the same CA setup) will be there
    // on the next try, so retrying only delays the message (the notifier
    // falls back to another channel at once) and the error says what to
    // fix.
    return give_up(step + ": server certificate not accepted: " + e.message());
  } catch (const Poco::Net::SSLException& e) {
    // OpenSSL's own chain check fails the handshake itself.
    if (e.message().find("certificate verify failed") != std::string::npos) {
      return give_up(step + ": server certificate not accepted: " + e.message());
    }
    return retry_later(step + ": " + e.displayText());
  } catch (const Poco::TimeoutException&) {
    const auto ms = step.rfind("connect", 0) == 0 ? s.timeouts.connect
                    : step == "end of data"       ? s.end_of_data_timeout
                                                  : s.timeouts.io;
    return retry_later(step + ": timed out (" + std::to_string(ms.count()) + " ms)");
  } catch (const Poco::Exception& e) {
    // Refused, reset, DNS, ... Poco puts the address in the message of
    // some; the step already names it.
    const std::string& msg = e.message();
    const bool redundant = msg.empty() || msg.find(s.host) != std::string::npos;
    return retry_later(step + ": " + (redundant ? std::string(e.name()) : e.displayText()));
  } catch (const std::exception& e) {
    return retry_later(step + ": " + e.what());
  }
}

std::string SmtpClient::Impl::redacted(std::string text) const {
  // Servers may echo a command in an error; none of these may reach a log.
  const auto& s = settings;
  if (!s.password.empty()) {
    std::string plain;
    plain += '\0';
    plain += s.username;
    plain += '\0';
    plain += s.password;
    replace_all(text, base64_encode(plain));
    replace_all(text, base64_encode(s.password));
    replace_all(text, s.password);
  }
  return text;
}

SendOutcome SmtpClient::send(const Email& email) const {
  if (!is_valid_email(email.to)) return give_up("smtp: recipient address is not a valid e-mail address");
  std::string data;
  try {
    data = impl_->render(email);
  } catch (const std::exception& e) {
    return give_up(std::string("smtp: cannot build the message: ") + e.what());
  }
  SendOutcome result = impl_->deliver(email, data);
  result.error = impl_->redacted(std::move(result.error));
  return result;
}

}  // namespace e911::mail
