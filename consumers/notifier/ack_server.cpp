#include "consumers/notifier/ack_server.h"

#include <exception>
#include <utility>

#include "common/log.h"
#include "common/net/http_server.h"
#include "consumers/notifier/ack_page.h"

namespace e911::notifier {
namespace {

const Logger& logger() {
  static const Logger log("ack-endpoint");
  return log;
}

}  // namespace

AckServer::AckServer(AckDesk& desk, AckServerOptions options) {
  net::HttpServerOptions http = net::endpoint_server_options("acknowledgement endpoint", options);
  http.max_body_bytes = kMaxAckBodyBytes;
  http.response_headers = net::security_headers(kAckContentSecurityPolicy, http.tls != nullptr);
  http.error_response = ack_refusal;
  host(std::make_unique<net::HttpServer>(
      [&desk](const net::HttpRequest& req) {
        try {
          return answer_ack_request(desk, req);
        } catch (const std::exception& e) {
          // Never the URI: it holds the token.
          logger().error("acknowledgement request failed", {{"method", req.method}, {"error", e.what()}});
          return ack_failure();
        }
      },
      std::move(http)));
  logger().info("acknowledgement endpoint listening", {{"address", bind_address()},
                                                       {"port", port()},
                                                       {"tls", tls()},
                                                       {"threads", options.max_threads}});
}

}  // namespace e911::notifier
