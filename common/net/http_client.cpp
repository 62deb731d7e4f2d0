#include "common/net/http_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/String.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <algorithm>
#include <istream>
#include <memory>
#include <ostream>

namespace e911::net {

namespace {

Poco::Timespan to_timespan(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

std::string join(std::string_view step, std::string_view what) {
  std::string out(step);
  out += ": ";
  out += what;
  return out;
}

HttpExchange failed(std::string error, bool permanent = false) { return {std::nullopt, {std::move(error), permanent}}; }

}  // namespace

std::string HttpEndpoint::origin() const {
  std::string out = https ? "https://" : "http://";
  const bool ipv6 = host.find(':') != std::string::npos;
  out += ipv6 ? "[" + host + "]" : host;
  if (port != (https ? 443 : 80)) out += ":" + std::to_string(port);
  return out;
}

ParsedUrl parse_http_url(const std::string& url) {
  Poco::URI uri;
  try {
    uri = Poco::URI(url);
  } catch (const Poco::Exception&) {
    return {std::nullopt, "not a valid URL"};
  }
  const std::string scheme = Poco::toLower(uri.getScheme());
  if (scheme.empty()) return {std::nullopt, "not an absolute URL (no http:// or https://)"};
  if (scheme != "http" && scheme != "https") {
    return {std::nullopt, "URL scheme '" + short_text(scheme, 16) + "' is not http or https"};
  }
  if (uri.getHost().empty()) return {std::nullopt, "URL has no host"};
  HttpEndpoint endpoint;
  endpoint.https = scheme == "https";
  endpoint.host = uri.getHost();
  endpoint.port = uri.getPort();
  // getPathAndQuery leaves out the fragment, which is never sent.
  endpoint.path_and_query = uri.getPathAndQuery();
  if (endpoint.path_and_query.empty() || endpoint.path_and_query[0] != '/') {
    endpoint.path_and_query.insert(0, "/");
  }
  const std::string& user_info = uri.getUserInfo();  // already percent-decoded
  if (!user_info.empty()) {
    const auto colon = user_info.find(':');
    endpoint.user = user_info.substr(0, colon);
    if (colon != std::string::npos) endpoint.password = user_info.substr(colon + 1);
  }
  return {std::move(endpoint), {}};
}

HttpExchange http_exchange(const HttpEndpoint& endpoint, const HttpRequestSpec& request,
                           const HttpClientTimeouts& timeouts, const Poco::Net::Context::Ptr& tls,
                           std::string_view step) {
  // What was under way when something failed, for the error text.
  const char* phase = "connect";
  try {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (endpoint.https) {
      if (!tls) return failed(join(step, "no TLS context for https"), true);
      session = std::make_unique<Poco::Net::HTTPSClientSession>(endpoint.host, endpoint.port, tls);
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(endpoint.host, endpoint.port);
    }
    session->setTimeout(to_timespan(timeouts.connect), to_timespan(timeouts.io), to_timespan(timeouts.io));
    // One request per connection: callers keep no state between requests.
    session->setKeepAlive(false);

    Poco::Net::HTTPRequest req(request.method, request.target, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("User-Agent", request.user_agent);
    for (const auto& [name, value] : request.headers) req.set(name, value);
    if (request.basic_auth) {
      Poco::Net::HTTPBasicCredentials(request.basic_auth->first, request.basic_auth->second).authenticate(req);
    }
    const bool has_body = !request.body.empty() || request.method == Poco::Net::HTTPRequest::HTTP_POST;
    if (has_body) {
      if (!request.content_type.empty()) req.setContentType(request.content_type);
      req.setContentLength(static_cast<std::streamsize>(request.body.size()));
    }

    std::ostream& out = session->sendRequest(req);
    // The header went out in its own write: without this the body would
    // wait for the server's delayed ACK of it (Nagle's algorithm, 40 ms).
    session->socket().setNoDelay(true);
    phase = "send request";
    if (has_body) out.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
    out.flush();
    // Poco's stream buffers turn write errors into a bad stream, not an
    // exception.
    if (!out) return failed(join(step, "send request: write failed"));

    phase = "read response";
    Poco::Net::HTTPResponse resp;
    std::istream& in = session->receiveResponse(resp);
    HttpResponseData data;
    data.status = static_cast<int>(resp.getStatus());
    data.reason = resp.getReason();
    data.content_type = resp.getContentType();
    data.location = resp.get("Location", "");
    char buffer[4096];
    while (data.body.size() < kMaxResponseBody) {
      const auto want = std::min(sizeof buffer, kMaxResponseBody - data.body.size());
      in.read(buffer, static_cast<std::streamsize>(want));
      if (in.gcount() > 0) data.body.append(buffer, static_cast<std::size_t>(in.gcount()));
      // The status is what counts: a body cut short by the peer or a
      // timeout still leaves a usable response.
      if (!in) break;
    }
    return {std::move(data), {}};
  } catch (const Poco::Net::CertificateValidationException& e) {
    return failed(join(step, "TLS: server certificate not accepted: " + e.message()), true);
  } catch (const Poco::Net::SSLException& e) {
    const std::string text = e.displayText();
    if (text.find("certificate verify failed") != std::string::npos) {
      return failed(join(step, "TLS: server certificate not trusted (certificate verify failed)"), true);
    }
    return failed(join(step, std::string("TLS: ") + phase + ": " + short_text(text)));
  } catch (const Poco::TimeoutException&) {
    return failed(join(step, std::string(phase) + ": timed out"));
  } catch (const Poco::Net::ConnectionRefusedException&) {
    return failed(join(step, "connect: connection refused"));
  } catch (const Poco::Net::NoMessageException&) {
    return failed(join(step, "read response: connection closed without a response"));
  } catch (const Poco::Exception& e) {
    return failed(join(step, std::string(phase) + ": " + short_text(e.displayText())));
  } catch (const std::exception& e) {
    return failed(join(step, std::string(phase) + ": " + short_text(e.what())));
  }
}

std::string short_text(std::string_view text, std::size_t max_chars) {
  std::string out;
  for (const char ch : text) {
    if (ch == '\n' || ch == '\r') {
      if (!out.empty()) break;  // the first non-empty line
      continue;
    }
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) continue;
    out += ch;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  const auto first = out.find_first_not_of(' ');
  out.erase(0, first == std::string::npos ? out.size() : first);
  if (out.size() > max_chars) {
    std::size_t cut = max_chars;
    // Back off to the start of a UTF-8 sequence.
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "...";
  }
  return out;
}

std::string redact(std::string text, std::initializer_list<std::string_view> secrets) {
  for (const std::string_view secret : secrets) {
    if (secret.empty()) continue;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

}  // namespace e911::net
