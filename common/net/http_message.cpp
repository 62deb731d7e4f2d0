#include "common/net/http_message.h"

#include <strings.h>

namespace e911::net {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// A header value as written: a CR, LF or NUL (which would end the header
// and start another: response splitting) becomes a space.
std::string safe_value(std::string_view v) {
  std::string out(v);
  for (char& c : out) {
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
  return out;
}

}  // namespace

std::optional<std::string_view> find_header(const HttpHeaders& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (same_name(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

HttpResponse& HttpResponse::set(std::string name, std::string value) {
  for (auto& h : headers) {
    if (same_name(h.name, name)) {
      h.value = std::move(value);
      return *this;
    }
  }
  headers.push_back({std::move(name), std::move(value)});
  return *this;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

std::string serialize_head(const HttpResponse& response, std::size_t body_size, bool close, bool keep_alive_1_0) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " ";
  out += reason_phrase(response.status);
  out += "\r\n";
  if (!response.content_type.empty()) out += "Content-Type: " + safe_value(response.content_type) + "\r\n";
  for (const auto& h : response.headers) {
    if (same_name(h.name, "Content-Length") || same_name(h.name, "Connection") ||
        same_name(h.name, "Content-Type") || same_name(h.name, "Transfer-Encoding")) {
      continue;  // ours to write
    }
    out += safe_value(h.name) + ": " + safe_value(h.value) + "\r\n";
  }
  const bool no_body = (response.status >= 100 && response.status < 200) || response.status == 204 ||
                       response.status == 304;
  if (!no_body) out += "Content-Length: " + std::to_string(body_size) + "\r\n";
  if (close) {
    out += "Connection: close\r\n";
  } else if (keep_alive_1_0) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace e911::net
