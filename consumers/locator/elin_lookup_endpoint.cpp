#include "consumers/locator/elin_lookup_endpoint.h"

#include <stdexcept>

#include "common/encoding.h"
#include "common/log.h"
#include "common/net/json_endpoint_server.h"
#include "common/net/json_response.h"
#include "common/phone_number.h"

namespace e911::locator {
namespace {

constexpr std::string_view kPrefix = "/v1/elins/";

const Logger& logger() {
  static const Logger log("locator");
  return log;
}

}  // namespace

class ElinLookupEndpoint::Handler {
 public:
  Handler(net::ApiTokenFile& tokens, ElinLookupSink sink) : tokens_(tokens), sink_(std::move(sink)) {}

  net::HttpResponse handle(const net::HttpRequest& req) {
    if (!req.path.starts_with(kPrefix)) return net::error_response(404, "no such endpoint: GET /v1/elins/{ELIN}");
    const auto authorization = req.header("Authorization");
    const auto token = authorization ? net::bearer_token(*authorization) : std::nullopt;
    const auto check = token ? tokens_.check(*token) : net::ApiTokenFile::Check{};
    if (check.outcome == net::ApiTokenFile::Outcome::unavailable)
      return net::error_response(503, "the tokens file cannot be read; every token is refused until it is fixed");
    if (check.outcome != net::ApiTokenFile::Outcome::accepted) {
      auto r = net::error_response(401, token ? "the bearer token is not known" : "a bearer token is required");
      r.set("WWW-Authenticate", "Bearer");
      return r;
    }
    if (req.method != "GET") {
      auto r = net::error_response(405, "only GET");
      r.set("Allow", "GET");
      return r;
    }
    const auto elin = percent_decode(std::string_view(req.path).substr(kPrefix.size()), /*plus_is_space=*/false);
    if (!elin) return net::error_response(400, "ELIN in the path: bad percent-encoding");
    if (const auto problem = validate_e164(*elin)) {
      return net::error_response(400, "ELIN in the path: " + *problem + " (e.g. /v1/elins/+15125550190)");
    }
    auto answer = sink_.lookup(*elin, now_millis());
    auto response = net::json_response(200, [&](json::Writer& w) { put_elin_answer(w, *elin, answer); });
    sink_.record(new_elin_lookup(*elin, "http", check.name, std::move(answer)));
    return response;
  }

 private:
  net::ApiTokenFile& tokens_;
  ElinLookupSink sink_;
};

ElinLookupEndpoint::ElinLookupEndpoint(ElinLookupOptions options, ElinLookupSink sink) {
  if (options.tokens_file.empty())
    throw std::runtime_error("locator: the ELIN lookup endpoint needs a tokens file (locator.elin_lookup.tokens_file)");
  tokens_ = std::make_unique<net::ApiTokenFile>(options.tokens_file, "locator.elin_lookup.tokens_file", "locator");
  handler_ = std::make_unique<Handler>(*tokens_, std::move(sink));
  host(net::json_endpoint_server("ELIN lookup endpoint", options.listen, net::kNoPageContentSecurityPolicy,
                                 [h = handler_.get()](const net::HttpRequest& req) { return h->handle(req); }));
  logger().info("ELIN lookup endpoint listening", {{"address", bind_address()}, {"port", port()}, {"tls", tls()}});
}

ElinLookupEndpoint::~ElinLookupEndpoint() { stop(); }

}  // namespace e911::locator
