#include "consumers/notifier/ack_page.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>

#include "common/encoding.h"
#include "common/timestamp.h"
#include "consumers/notifier/ack_token.h"
#include "consumers/notifier/alert_text.h"

namespace e911::notifier {
namespace {

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

// As in the alert e-mail (alert_text.cpp).
constexpr std::string_view kAlarmRed = "#b00020";
constexpr std::string_view kTestBlue = "#1a5fb4";
constexpr std::string_view kNeutralGrey = "#444";

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
  auto decoded = percent_decode(text, /*plus_is_space=*/true);
  if (!decoded) throw Poco::SyntaxException("bad percent-encoding in the form");
  return std::move(*decoded);
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

net::HttpResponse html(int status, const std::string& page_html) {
  net::HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = page_html;
  return r;
}

net::HttpResponse not_found() {
  return html(404, message_page("Not a valid acknowledgement link",
                                "Not a valid acknowledgement link. Check that the whole link was copied from the alert."));
}

net::HttpResponse answer(const AckView& v) {
  switch (v.kind) {
    case AckView::Kind::open: return html(200, open_page(v));
    case AckView::Kind::acknowledged: return html(200, acknowledged_page(v));
    case AckView::Kind::already_acknowledged: return html(409, already_page(v));
    case AckView::Kind::expired:
      // Nothing about the alert: an old link may have travelled far.
      return html(410, message_page("Link expired",
                                    "This acknowledgement link has expired. If the call still needs attention, "
                                    "follow your site's emergency procedure."));
    case AckView::Kind::invalid: break;
  }
  return not_found();
}

}  // namespace

net::HttpResponse answer_ack_request(AckDesk& desk, const net::HttpRequest& req) {
  std::string path;
  try {
    path = Poco::URI(req.target).getPath();
  } catch (const Poco::Exception&) {
    return html(400, message_page("Bad request", "The request could not be read."));
  }
  // A path prefix before /ack/ is allowed: with several notifier
  // instances each has its own base URL (https://ack.example.com/notifier-1),
  // and the proxy routes the prefix to the instance holding the alert.
  const auto at = path.rfind(kAckPrefix);
  if (at == std::string::npos || !plain_prefix(std::string_view(path).substr(0, at))) {
    return html(404, message_page("Not found", "There is nothing here."));
  }
  const bool get = req.method == "GET";
  const bool post = req.method == "POST";
  if (!get && !post) {
    auto r = html(405, message_page("Method not allowed", "Open the link from the alert in a browser."));
    r.set("Allow", "GET, POST");
    return r;
  }
  const std::string_view token = std::string_view(path).substr(at + kAckPrefix.size());
  if (!well_formed_token(token)) return not_found();
  if (get) return answer(desk.look_up(token));
  if (!req.body.empty() && media_type(std::string(req.header("Content-Type").value_or(""))) !=
                               "application/x-www-form-urlencoded") {
    return html(415, message_page("Unsupported form", "Please use the Acknowledge button on the page."));
  }
  std::string comment;
  try {
    comment = form_comment(req.body);
  } catch (const Poco::SyntaxException&) {
    return html(400,
                message_page("Bad request", "The form could not be read. Please use the Acknowledge button on the page."));
  }
  return answer(desk.acknowledge(token, comment));
}

net::HttpResponse ack_refusal(int status, std::string_view) {
  switch (status) {
    case 413: {
      auto r = html(413, message_page("Comment too long", "The comment is too long: at most 500 characters, please."));
      r.close = true;
      return r;
    }
    case 408: return html(408, message_page("Too slow", "The request took too long to arrive. Please try again."));
    case 503:
      return html(503, message_page("Busy", "The page is busy. Please try again in a moment; if it stays busy, "
                                            "acknowledge the alert by phone."));
    default: return html(status, message_page("Bad request", "The request could not be read."));
  }
}

net::HttpResponse ack_failure() {
  return html(500, message_page("Not recorded", "Something went wrong and nothing was recorded. Please try "
                                                "again; if it keeps failing, acknowledge the alert by phone."));
}

}  // namespace e911::notifier
