#pragma once
// The locator's ELIN lookup endpoint, for the PBX's callback routing:
//
//   GET /v1/elins/{ELIN}   whom a callback to the ELIN (E.164; "+" as is or
//                          %2B) should reach now: 200 with
//                          {"elin", "reachable", and when reachable the
//                          assignment: pool, call_id, user_id, extension,
//                          callback, assigned_at}
//
// Bearer tokens from a tokens file (hashed, reloaded when it changes:
// common/net/api_tokens.h): the answer is caller data. Every answer is
// recorded (ElinLookupSink::record: the e911.elin-lookups topic, which the
// auditor journals) with the token's name; the answer does not wait for
// Kafka, a callback must not.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/net/api_tokens.h"
#include "common/net/hosted_endpoint.h"
#include "common/timestamp.h"
#include "consumers/locator/elin_lookup_record.h"

namespace e911::locator {

struct ElinLookupOptions {
  net::EndpointOptions listen{};
  std::string tokens_file{};  // NAME SHA256HEX lines; required
};

// What the endpoint needs from the locator it runs in. Both are called
// from the endpoint's request threads.
struct ElinLookupSink {
  std::function<std::optional<ElinAssignment>(std::string_view elin, EpochMillis now)> lookup;
  std::function<void(const ElinLookup&)> record;
};

class ElinLookupEndpoint final : public net::HostedEndpoint {
 public:
  // Reads the tokens file and starts listening. Throws std::runtime_error
  // (tokens file, cannot listen, TLS files) or std::invalid_argument.
  ElinLookupEndpoint(ElinLookupOptions options, ElinLookupSink sink);
  ~ElinLookupEndpoint();

  class Handler;  // elin_lookup_endpoint.cpp

 private:
  std::unique_ptr<net::ApiTokenFile> tokens_;
  std::unique_ptr<Handler> handler_;
};

}  // namespace e911::locator
