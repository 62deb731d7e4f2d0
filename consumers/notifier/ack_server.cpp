#include "consumers/notifier/ack_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <istream>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "common/log.h"
#include "common/timestamp.h"
#include "consumers/notifier/ack_token.h"
#include "consumers/notifier/alert_text.h"
#include "common/net/tls_context.h"

namespace e911::notifier {
namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::string_view kAckPrefix = "/ack/";

// "" or "/seg/seg...", each segment of letters, digits, '.', '_' or '-',
// and none of them "." or "..".
bool plain_prefix(std::string_view prefix) {
  while (!prefix.empty()) {
    if (prefix.front() != '/') return false;
    prefix.remove_prefix(1);
    const auto end = std::min(prefix.find('/'), prefix.size());
    const auto segment = prefix.substr(0, end);
    if (segment.empty() || segment == "." || segment == "..") return false;
    for (char c : segment) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
      if (!ok) return false;
    }
    prefix.remove_prefix(end);
  }
  return true;
}
// After an oversized body, up to this much more is read and dropped so the
// 413 reaches the client (closing on unread data would reset the
// connection under it); a client declaring more is simply cut off.
constexpr std::size_t kDrainBytes = 64 * 1024;

// As in the alert e-mail (alert_text.cpp).
constexpr std::string_view kAlarmRed = "#b00020";
constexpr std::string_view kTestBlue = "#1a5fb4";
constexpr std::string_view kNeutralGrey = "#444";

constexpr const char* kContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";

const Logger& logger() {
  static const Logger log("ack-endpoint");
  return log;
}

// ------------------------------------------------------------- helpers ----

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool well_formed_token(std::string_view token) {
  return token.size() == kAckTokenLength && std::all_of(token.begin(), token.end(), is_token_char);
}

// "2026-11-21 10:15:00 UTC".
std::string utc_time(EpochMillis t) {
  const std::string s = format_rfc3339(t);  // "2026-11-21T10:15:00.120Z"
  if (s.size() != 24) return s;             // a year beyond 9999: as is
  return s.substr(0, 10) + " " + s.substr(11, 8) + " UTC";
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The media type without parameters, lower-case: "application/x-www-form-urlencoded".
std::string media_type(const std::string& content_type) {
  std::string_view v(content_type);
  v = v.substr(0, v.find(';'));
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return lower(v);
}

// One name or value of a form: '+' is a space, then percent-decoding.
// Throws Poco::SyntaxException on bad percent-encoding.
std::string form_decode(std::string_view text) {
  std::string plus_as_space(text);
  std::replace(plus_as_space.begin(), plus_as_space.end(), '+', ' ');
  std::string out;
  Poco::URI::decode(plus_as_space, out);
  return out;
}

// The first `comment` field of a form body; empty when absent. Throws
// Poco::SyntaxException on bad percent-encoding.
std::string form_comment(const std::string& body) {
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const std::string_view pair(body.data() + start, end - start);
    const auto eq = pair.find('=');
    if (form_decode(pair.substr(0, eq)) == "comment") {
      return eq == std::string_view::npos ? std::string() : form_decode(pair.substr(eq + 1));
    }
    start = end + 1;
  }
  return {};
}

// --------------------------------------------------------------- pages ----

std::string banner_colour(const AckView& v) {
  if (v.banner.empty()) return std::string(kNeutralGrey);
  return std::string(v.banner == phrase::kTestBanner ? kTestBlue : kAlarmRed);
}

std::string page(std::string_view title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<meta name=\"referrer\" content=\"no-referrer\"><meta name=\"robots\" content=\"noindex, nofollow\">"
         "<title>" +
         html_escape(title) +
         "</title></head>\n"
         "<body style=\"font-family:Arial,Helvetica,sans-serif;color:#111;margin:0 auto;padding:16px;"
         "max-width:36em;line-height:1.4\">\n" +
         body + "</body></html>\n";
}

// A plain page for outcomes that say nothing about an alert.
std::string message_page(std::string_view title, std::string_view message) {
  return page(title, "<h1 style=\"font-size:22px;margin:0 0 12px;color:" + std::string(kNeutralGrey) + "\">" +
                         html_escape(title) + "</h1>\n<p>" + html_escape(message) + "</p>\n");
}

// The banner, the site and what the alert said.
std::string alert_summary(const AckView& v) {
  std::string out = "<h1 style=\"margin:0 0 4px;font-size:24px;color:" + banner_colour(v) + "\">" +
                    html_escape(v.banner.empty() ? std::string_view("Alert") : std::string_view(v.banner)) +
                    "</h1>\n";
  if (!v.site.empty()) {
    out += "<p style=\"margin:0 0 12px;font-size:18px\"><strong>" + html_escape(v.site) + "</strong></p>\n";
  }
  out += "<table style=\"border-collapse:collapse;margin:0 0 12px\">\n";
  const std::pair<std::string_view, const std::string*> rows[] = {
      {"Caller", &v.caller},     {"Location", &v.location}, {"Time", &v.call_time},
      {"Call id", &v.call_id},   {"Sent to", &v.recipient},
  };
  for (const auto& [label, value] : rows) {
    if (value->empty()) continue;
    out += "<tr><th style=\"text-align:left;vertical-align:top;padding:4px 12px 4px 0\">" + html_escape(label) +
           "</th><td style=\"padding:4px 0;word-break:break-word\">" + html_escape(*value) + "</td></tr>\n";
  }
  return out + "</table>\n";
}

std::string notice(std::string_view colour, const std::string& text_html) {
  return "<p style=\"padding:12px;border-left:6px solid " + std::string(colour) +
         ";background:#f4f4f4;font-size:18px;font-weight:bold\">" + text_html + "</p>\n";
}

std::string open_page(const AckView& v) {
  // No action attribute: the form posts to the URL it was loaded from, so
  // the page need not repeat the token and works behind a path prefix.
  std::string body = alert_summary(v);
  body +=
      "<form method=\"post\">\n"
      "<label for=\"comment\" style=\"display:block;margin:0 0 4px\">Comment (optional)</label>\n"
      "<textarea id=\"comment\" name=\"comment\" maxlength=\"500\" rows=\"3\" "
      "style=\"width:100%;box-sizing:border-box;font:inherit;padding:6px\"></textarea>\n"
      "<button type=\"submit\" style=\"margin:12px 0 0;width:100%;padding:14px;font-size:20px;font-weight:bold;"
      "border:0;border-radius:4px;color:#fff;background:" +
      banner_colour(v) +
      "\">Acknowledge</button>\n"
      "</form>\n"
      "<p style=\"color:#555;font-size:13px\">Acknowledging tells everyone alerted that you are handling this "
      "call. Opening this page alone records nothing.</p>\n";
  return page(v.banner.empty() ? "Acknowledge alert" : v.banner + " - acknowledge", body);
}

std::string acknowledged_page(const AckView& v) {
  const std::string& who = v.recipient.empty() ? v.acknowledged_by : v.recipient;
  std::string text = "Acknowledged. Recorded: " + html_escape(who);
  if (v.acknowledged_at > 0) text += " at " + html_escape(utc_time(v.acknowledged_at));
  return page("Acknowledged", notice("#2e7d32", text) + alert_summary(v));
}

std::string already_page(const AckView& v) {
  std::string text = "Already acknowledged";
  if (!v.acknowledged_by.empty()) text += " by " + html_escape(v.acknowledged_by);
  if (v.acknowledged_at > 0) text += " at " + html_escape(utc_time(v.acknowledged_at));
  return page("Already acknowledged", notice(kNeutralGrey, text) + alert_summary(v));
}

// ------------------------------------------------------------- handler ----

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(AckDesk& desk) : desk_(desk) {}

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    body_unread_ = (req.hasContentLength() && req.getContentLength64() > 0) || req.getChunkedTransferEncoding();
    try {
      route(req, resp);
    } catch (const std::exception& e) {
      // Never the URI: it holds the token.
      logger().error("acknowledgement request failed", {{"method", req.getMethod()}, {"error", e.what()}});
      if (!resp.sent()) {
        send(resp, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
             message_page("Not recorded", "Something went wrong and nothing was recorded. Please try again; "
                                          "if it keeps failing, acknowledge the alert by phone."));
      }
    }
  }

 private:
  void send(HTTPServerResponse& resp, HTTPResponse::HTTPStatus status, const std::string& html) {
    resp.setStatusAndReason(status);
    resp.setContentType("text/html; charset=utf-8");
    resp.set("Cache-Control", "no-store");
    resp.set("X-Content-Type-Options", "nosniff");
    resp.set("Referrer-Policy", "no-referrer");
    resp.set("X-Frame-Options", "DENY");
    resp.set("Content-Security-Policy", kContentSecurityPolicy);
    // A body left in the connection would be read as the next request.
    if (body_unread_) resp.setKeepAlive(false);
    resp.setContentLength(static_cast<std::streamsize>(html.size()));
    resp.sendBuffer(html.data(), html.size());
  }

  void not_found(HTTPServerResponse& resp) {
    send(resp, HTTPResponse::HTTP_NOT_FOUND,
         message_page("Not a valid acknowledgement link",
                      "Not a valid acknowledgement link. Check that the whole link was copied from the alert."));
  }

  void route(HTTPServerRequest& req, HTTPServerResponse& resp) {
    std::string path;
    try {
      path = Poco::URI(req.getURI()).getPath();
    } catch (const Poco::Exception&) {
      send(resp, HTTPResponse::HTTP_BAD_REQUEST, message_page("Bad request", "The request could not be read."));
      return;
    }
    // A path prefix before /ack/ is allowed: with several notifier
    // instances each has its own base URL (https://ack.example.com/notifier-1),
    // and the proxy routes the prefix to the instance holding the alert.
    const auto at = path.rfind(kAckPrefix);
    if (at == std::string::npos || !plain_prefix(std::string_view(path).substr(0, at))) {
      send(resp, HTTPResponse::HTTP_NOT_FOUND, message_page("Not found", "There is nothing here."));
      return;
    }
    const bool get = req.getMethod() == HTTPRequest::HTTP_GET;
    const bool post = req.getMethod() == HTTPRequest::HTTP_POST;
    if (!get && !post) {
      resp.set("Allow", "GET, POST");
      send(resp, HTTPResponse::HTTP_METHOD_NOT_ALLOWED,
           message_page("Method not allowed", "Open the link from the alert in a browser."));
      return;
    }
    const std::string_view token = std::string_view(path).substr(at + kAckPrefix.size());
    if (!well_formed_token(token)) {
      not_found(resp);
      return;
    }
    if (get) {
      answer(resp, desk_.look_up(token));
      return;
    }
    std::string comment;
    if (!read_comment(req, resp, comment)) return;
    answer(resp, desk_.acknowledge(token, comment));
  }

  // The form's comment; false when a response was sent instead.
  bool read_comment(HTTPServerRequest& req, HTTPServerResponse& resp, std::string& comment) {
    if (req.hasContentLength() && req.getContentLength64() > static_cast<Poco::Int64>(kMaxAckBodyBytes)) {
      // Declared too large: drop what is cheap to drop, then refuse.
      if (req.getContentLength64() <= static_cast<Poco::Int64>(kMaxAckBodyBytes + kDrainBytes)) {
        drain(req.stream(), kMaxAckBodyBytes + kDrainBytes);
      }
      too_large(resp);
      return false;
    }
    std::string body;
    if (!read_at_most(req.stream(), kMaxAckBodyBytes, body)) {
      drain(req.stream(), kDrainBytes);
      too_large(resp);
      return false;
    }
    body_unread_ = false;
    if (!body.empty() && media_type(req.getContentType()) != "application/x-www-form-urlencoded") {
      send(resp, HTTPResponse::HTTP_UNSUPPORTED_MEDIA_TYPE,
           message_page("Unsupported form", "Please use the Acknowledge button on the page."));
      return false;
    }
    try {
      comment = form_comment(body);
    } catch (const Poco::SyntaxException&) {
      send(resp, HTTPResponse::HTTP_BAD_REQUEST,
           message_page("Bad request", "The form could not be read. Please use the Acknowledge button on the page."));
      return false;
    }
    return true;
  }

  // Reads the whole body into `out` if it is at most `limit` bytes; false
  // (with `limit` + 1 bytes read) when it is longer.
  static bool read_at_most(std::istream& in, std::size_t limit, std::string& out) {
    char buf[4096];
    while (in) {
      in.read(buf, sizeof buf);
      const auto n = static_cast<std::size_t>(in.gcount());
      if (n == 0) break;
      if (out.size() + n > limit) return false;
      out.append(buf, n);
    }
    return true;
  }

  static void drain(std::istream& in, std::size_t limit) {
    char buf[4096];
    std::size_t total = 0;
    while (in && total < limit) {
      in.read(buf, static_cast<std::streamsize>(std::min(sizeof buf, limit - total)));
      if (in.gcount() <= 0) break;
      total += static_cast<std::size_t>(in.gcount());
    }
  }

  void too_large(HTTPServerResponse& resp) {
    resp.setKeepAlive(false);
    send(resp, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE,
         message_page("Comment too long", "The comment is too long: at most 500 characters, please."));
  }

  void answer(HTTPServerResponse& resp, const AckView& v) {
    switch (v.kind) {
      case AckView::Kind::open:
        send(resp, HTTPResponse::HTTP_OK, open_page(v));
        return;
      case AckView::Kind::acknowledged:
        send(resp, HTTPResponse::HTTP_OK, acknowledged_page(v));
        return;
      case AckView::Kind::already_acknowledged:
        send(resp, HTTPResponse::HTTP_CONFLICT, already_page(v));
        return;
      case AckView::Kind::expired:
        // Nothing about the alert: an old link may have travelled far.
        send(resp, HTTPResponse::HTTP_GONE,
             message_page("Link expired",
                          "This acknowledgement link has expired. If the call still needs attention, "
                          "follow your site's emergency procedure."));
        return;
      case AckView::Kind::invalid:
        break;
    }
    not_found(resp);
  }

  AckDesk& desk_;
  bool body_unread_ = false;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit HandlerFactory(AckDesk& desk) : desk_(desk) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(desk_);
  }

 private:
  AckDesk& desk_;
};


}  // namespace

AckServer::AckServer(AckDesk& desk, AckServerOptions options) : bind_address_(options.bind) {
  if (options.max_threads < 1 || options.max_threads > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw std::invalid_argument("acknowledgement endpoint: max_threads must be >= 1");
  }
  if (options.tls_certificate.empty() != options.tls_private_key.empty()) {
    throw std::invalid_argument("acknowledgement endpoint: set both the TLS certificate and its key, or neither");
  }
  tls_ = !options.tls_certificate.empty();
  const int max_threads = static_cast<int>(options.max_threads);

  Poco::Net::ServerSocket socket;
  if (tls_) socket = Poco::Net::SecureServerSocket(
      net::server_tls_context(options.tls_certificate, options.tls_private_key, "acknowledgement endpoint"));
  try {
    // No SO_REUSEPORT: a second process on the same port must fail here.
    socket.bind(Poco::Net::SocketAddress(options.bind, options.port), /*reuseAddress=*/true, /*reusePort=*/false);
    socket.listen(64);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("acknowledgement endpoint cannot listen on " + options.bind + ":" +
                             std::to_string(options.port) + ": " + e.displayText());
  }
  port_ = socket.address().port();

  auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
  params->setMaxThreads(max_threads);
  params->setMaxQueued(64);
  // Bounded waits: a slow or idle client cannot pin a thread for long, and
  // shutdown never waits more than that.
  params->setTimeout(Poco::Timespan(10, 0));
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(5, 0));
  params->setServerName("e911");

  pool_ = std::make_unique<Poco::ThreadPool>("e911-ack", 1, max_threads);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(desk), *pool_, socket, params);
  server_->start();
  logger().info("acknowledgement endpoint listening",
                {{"address", bind_address_}, {"port", port_}, {"tls", tls_}, {"threads", max_threads}});
}

AckServer::~AckServer() {
  // Stop accepting, abort keep-alive connections, then wait for the
  // request threads: after this nothing calls the desk.
  server_->stopAll(/*abortCurrent=*/true);
  pool_->joinAll();
  server_.reset();
}

}  // namespace e911::notifier
