#include "producers/ingest/webhook_server.h"

#include <stdexcept>

#include "common/events.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "common/net/http_server.h"
#include "common/net/json_endpoint_server.h"
#include "common/net/json_response.h"
#include "common/text.h"
#include "common/timestamp.h"
#include "producers/ingest/graph_webhook.h"
#include "producers/ingest/zoom_webhook.h"

namespace e911::ingest {
namespace {

const Logger& logger() {
  static const Logger log("ingest");
  return log;
}

using net::error_response;
using net::json_response;

// The media type of a Content-Type header, lower case, without parameters.
std::string media_type(const net::HttpRequest& req) {
  const auto value = req.header("Content-Type").value_or("");
  return to_lower_ascii(trim(value.substr(0, value.find(';'))));
}

}  // namespace

class WebhookServer::Handler {
 public:
  Handler(net::ApiTokenFile* tokens, WebhookSink sink, const WebhookOptions& options)
      : tokens_(tokens),
        sink_(std::move(sink)),
        max_events_(options.max_events_per_request),
        zoom_secret_(options.zoom_secret_token),
        graph_{options.graph_client_state, options.graph_decryptor.get()},
        graph_decryptor_(options.graph_decryptor),
        limiter_(options.rate_limit) {}

  net::HttpResponse handle(const net::HttpRequest& req) {
    // The platforms sign their requests rather than carry a token: their
    // client is the address they come from.
    const std::string peer = "ip:" + req.client_address;
    if (req.path == "/v1/zoom" || req.path == "/v1/teams") {
      const bool zoom = req.path == "/v1/zoom";
      if (auto limited = over_limit(peer, zoom ? "zoom" : "teams")) return std::move(*limited);
      return zoom ? post_zoom(req) : post_teams(req);
    }
    if (req.path != "/v1/call-events" && req.path != "/v1/sip") return error_response(404, "no such endpoint");
    if (!tokens_) return error_response(404, "no such endpoint (no tokens file: only the platforms' webhooks are served)");
    const auto authorization = req.header("Authorization");
    const auto token = authorization ? net::bearer_token(*authorization) : std::nullopt;
    const auto check = token ? tokens_->check(*token) : net::ApiTokenFile::Check{};
    // A refused token counts against its address: guessing is throttled too.
    const bool accepted = check.outcome == net::ApiTokenFile::Outcome::accepted;
    if (auto limited = over_limit(accepted ? "token:" + check.name : peer, "http")) return std::move(*limited);
    if (check.outcome == net::ApiTokenFile::Outcome::unavailable)
      return error_response(503, "the tokens file cannot be read; every token is refused until it is fixed");
    if (check.outcome != net::ApiTokenFile::Outcome::accepted) {
      auto r = error_response(401, token ? "the bearer token is not known" : "a bearer token is required");
      r.set("WWW-Authenticate", "Bearer");
      return r;
    }
    if (req.method != "POST") {
      auto r = error_response(405, "only POST");
      r.set("Allow", "POST");
      return r;
    }
    logger().debug("webhook request", {{"path", req.path}, {"token", check.name}});
    return req.path == "/v1/sip" ? post_sip(req) : post_call_events(req);
  }

 private:
  // 429 when `client` is over its rate (ingest.http.rate_limit), counted.
  std::optional<net::HttpResponse> over_limit(const std::string& client, std::string_view transport) {
    const auto decision = limiter_.admit(client, net::RequestRateLimiter::Clock::now());
    if (decision.allowed) return {};
    if (sink_.rate_limited) sink_.rate_limited(transport);
    auto r = error_response(429, "too many requests from this client; retry after " +
                                     std::to_string(decision.retry_after_seconds) + " s");
    r.set("Retry-After", std::to_string(decision.retry_after_seconds));
    return r;
  }

  net::HttpResponse post_call_events(const net::HttpRequest& req) {
    const auto type = media_type(req);
    std::vector<std::string_view> documents;
    if (type == "application/json") {
      documents.push_back(req.body);
    } else if (type == "application/x-ndjson" || type == "application/jsonl" || type == "application/json-lines") {
      std::string_view rest = req.body;
      while (!rest.empty()) {
        const auto nl = rest.find('\n');
        documents.push_back(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
      }
    } else {
      return error_response(415, "Content-Type must be application/json (one call event) or application/x-ndjson "
                                 "(JSON lines)");
    }
    std::vector<OutgoingEvent> events;
    std::size_t line = 0;
    for (const auto document : documents) {
      ++line;
      if (trim(document).empty()) continue;
      if (events.size() == max_events_) {
        return error_response(413, "more than " + std::to_string(max_events_) + " events in one request");
      }
      auto decoded = decode_input_event(document);
      std::string reason;
      if (!decoded) reason = decoded.error().message;
      else if (!std::holds_alternative<CallEvent>(*decoded))
        reason = "a location update: this endpoint takes call events (e911.call-event/v1)";
      if (!reason.empty()) {
        if (documents.size() > 1) reason = "line " + std::to_string(line) + ": " + reason;
        sink_.record({.kind = IngestResult::Kind::rejected, .reason = reason, .transport = "http"}, document);
        return error_response(400, reason);
      }
      events.push_back({std::get<CallEvent>(*decoded).subject_id(), std::string(trim(document))});
    }
    if (events.empty()) return error_response(400, "no call event in the body");
    auto response = published(events, {});
    if (response.status == 202)
      for (std::size_t i = 0; i < events.size(); ++i) sink_.record({.kind = IngestResult::Kind::event, .transport = "http"}, {});
    return response;
  }

  // Zoom authenticates with its signature, not a bearer token.
  net::HttpResponse post_zoom(const net::HttpRequest& req) {
    if (zoom_secret_.empty()) return error_response(404, "Zoom webhooks are not configured (ingest.zoom.secret_token)");
    if (req.method != "POST") {
      auto r = error_response(405, "only POST");
      r.set("Allow", "POST");
      return r;
    }
    if (const auto bad = zoom_signature_error(zoom_secret_, req.header("x-zm-request-timestamp").value_or(""),
                                              req.header("x-zm-signature").value_or(""), req.body, now_millis())) {
      // Counted, not dead-lettered: an unsigned body is not input anyone vouched for.
      sink_.record({.kind = IngestResult::Kind::ignored, .reason = *bad, .transport = "zoom"}, {});
      logger().warn("Zoom webhook refused", {{"reason", *bad}, {"client", req.client_address}});
      return error_response(401, *bad);
    }
    auto outcome = handle_zoom_event(req.body, zoom_secret_);
    if (!outcome) {
      sink_.record({.kind = IngestResult::Kind::rejected, .reason = outcome.error().message, .transport = "zoom"},
                   req.body);
      return error_response(400, outcome.error().message);
    }
    switch (outcome->kind) {
      case ZoomOutcome::Kind::validation: {
        net::HttpResponse r;
        r.content_type = "application/json";
        r.body = outcome->response;
        return r;
      }
      case ZoomOutcome::Kind::ignored:
        sink_.record({.kind = IngestResult::Kind::ignored, .reason = outcome->reason, .transport = "zoom"}, {});
        return json_response(200, [&](json::Writer& w) {
          json::put(w, "outcome", "ignored");
          json::put(w, "reason", outcome->reason);
        });
      case ZoomOutcome::Kind::call_event:
        break;
    }
    auto response = published({{outcome->key, outcome->json}}, {});
    if (response.status == 202) {
      sink_.record({.kind = IngestResult::Kind::event, .transport = "zoom"}, {});
      response.status = 200;  // what Zoom expects of a delivered event
    }
    return response;
  }

  // Graph authenticates each notification by the subscription's clientState.
  net::HttpResponse post_teams(const net::HttpRequest& req) {
    if (!graph_decryptor_)
      return error_response(404, "Teams notifications are not configured (ingest.teams.client_state, "
                                 "ingest.teams.private_key_file)");
    if (req.method != "POST") {
      auto r = error_response(405, "only POST");
      r.set("Allow", "POST");
      return r;
    }
    // The subscription's handshake: the token back, as plain text, at once.
    if (auto token = graph_validation_token(req.query)) {
      if (!*token) return error_response(400, token->error().message);
      logger().info("Graph subscription validation answered", {{"client", req.client_address}});
      net::HttpResponse r;
      r.content_type = "text/plain; charset=utf-8";
      r.body = **token;
      return r;
    }
    auto items = handle_graph_notifications(req.body, graph_);
    if (!items) {
      sink_.record({.kind = IngestResult::Kind::rejected, .reason = items.error().message, .transport = "teams"},
                   req.body);
      return error_response(400, items.error().message);
    }
    std::vector<OutgoingEvent> events;
    bool any_authenticated = false;
    std::string first_refusal;
    for (const auto& item : *items) {
      any_authenticated = any_authenticated || item.authenticated;
      switch (item.kind) {
        case GraphItem::Kind::call_event:
          events.push_back({item.key, item.json});
          break;
        case GraphItem::Kind::ignored:
          sink_.record({.kind = IngestResult::Kind::ignored, .reason = item.reason, .transport = "teams"}, {});
          logger().info("Graph notification ignored", {{"reason", item.reason}});
          break;
        case GraphItem::Kind::rejected:
          if (!item.authenticated) {
            // Counted, not dead-lettered: nobody vouched for it.
            sink_.record({.kind = IngestResult::Kind::ignored, .reason = item.reason, .transport = "teams"}, {});
            logger().warn("Graph notification refused", {{"reason", item.reason}, {"client", req.client_address}});
            if (first_refusal.empty()) first_refusal = item.reason;
          } else {
            sink_.record({.kind = IngestResult::Kind::rejected, .reason = item.reason, .transport = "teams"},
                         item.notification);
          }
          break;
      }
    }
    if (!any_authenticated && !items->empty()) return error_response(403, first_refusal);
    if (!events.empty()) {
      auto response = published(events, {});
      if (response.status != 202) return response;
      for (std::size_t i = 0; i < events.size(); ++i)
        sink_.record({.kind = IngestResult::Kind::event, .transport = "teams"}, {});
      return response;
    }
    // Nothing to publish (lifecycle notifications, or rejected ones now in
    // the dead-letter topic): accepted, so Graph does not retry them.
    return json_response(202, [&](json::Writer& w) {
      w.Key("accepted");
      w.Uint64(0);
    });
  }

  net::HttpResponse post_sip(const net::HttpRequest& req) {
    if (media_type(req) != "message/sip") return error_response(415, "Content-Type must be message/sip");
    auto result = sink_.decode_sip(req.body);
    sink_.record(result, req.body);
    switch (result.kind) {
      case IngestResult::Kind::event:
        return published({{result.key, result.json}}, result.event_id);
      case IngestResult::Kind::duplicate:
      case IngestResult::Kind::ignored:
        return json_response(200, [&](json::Writer& w) {
          json::put(w, "outcome", result.kind == IngestResult::Kind::duplicate ? "duplicate" : "ignored");
          json::put(w, "reason", result.reason);
        });
      case IngestResult::Kind::rejected:
        break;
    }
    return error_response(400, result.reason);
  }

  net::HttpResponse published(const std::vector<OutgoingEvent>& events, const std::string& event_id) {
    if (const auto error = sink_.publish(events)) {
      auto r = error_response(503, "not stored: " + *error + "; retry");
      r.set("Retry-After", "5");
      return r;
    }
    return json_response(202, [&](json::Writer& w) {
      w.Key("accepted");
      w.Uint64(events.size());
      json::put_if(w, "event_id", event_id);
    });
  }

  net::ApiTokenFile* tokens_;  // null: only the platforms' webhooks
  WebhookSink sink_;
  std::size_t max_events_;
  std::string zoom_secret_;
  GraphSettings graph_;
  std::shared_ptr<const GraphDecryptor> graph_decryptor_;
  net::RequestRateLimiter limiter_;
};

WebhookServer::WebhookServer(WebhookOptions options, WebhookSink sink) {
  if (options.tokens_file.empty() && options.zoom_secret_token.empty() && !options.graph_decryptor)
    throw std::runtime_error("ingest: the HTTP endpoint needs a tokens file (ingest.http.tokens_file)");
  if (options.graph_decryptor && options.graph_client_state.empty())
    throw std::invalid_argument("ingest: Teams notifications need the subscription's clientState");
  if (!options.tokens_file.empty()) tokens_ = std::make_unique<net::ApiTokenFile>(options.tokens_file, "ingest.http.tokens_file", "ingest");
  handler_ = std::make_unique<Handler>(tokens_.get(), std::move(sink), options);
  net::HttpServerOptions http =
      net::json_endpoint_options("ingest HTTP endpoint", options.listen, net::kNoPageContentSecurityPolicy);
  http.max_body_bytes = options.max_body_bytes;
  host(std::make_unique<net::HttpServer>([h = handler_.get()](const net::HttpRequest& req) { return h->handle(req); },
                                         std::move(http)));
  logger().info("HTTP endpoint listening", {{"address", bind_address()}, {"port", port()}, {"tls", tls()}});
}

WebhookServer::~WebhookServer() { stop(); }

}  // namespace e911::ingest
