#include "producers/locations/locations_api.h"

#include <stdexcept>

#include "common/csv.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "common/net/json_endpoint_server.h"
#include "common/net/json_response.h"
#include "common/net/query_params.h"
#include "common/timestamp.h"
#include "producers/locations/locations_log.h"
#include "producers/locations/page_assets.h"
#include "producers/locations/registration_request.h"
#include "producers/locations/user_status.h"

namespace e911::locations {
namespace {

using json::put;
using json::put_if;
using json::Writer;

// While a user's network stays the same, one sighting record an hour at
// the most: enough to tell other replicas the user is still there.
constexpr EpochMillis kSightingRefresh = 3'600'000;

net::HttpResponse method_not_allowed(std::string_view allowed) {
  auto r = net::error_response(405, "only " + std::string(allowed));
  r.set("Allow", std::string(allowed));
  return r;
}

net::HttpResponse unauthorized(std::string_view why) {
  auto r = net::error_response(401, why);
  r.set("WWW-Authenticate", "Bearer");
  return r;
}

void put_reasons(Writer& w, const StatusReport& report) {
  w.Key("reasons");
  w.StartArray();
  for (const auto& reason : report.reasons) w.String(reason.c_str(), static_cast<rapidjson::SizeType>(reason.size()));
  w.EndArray();
}

}  // namespace

class LocationsApi::Handler {
 public:
  Handler(const LocationsApiOptions& options, LocationsBackend backend, net::ApiTokenFile* admin_tokens)
      : options_(options), backend_(std::move(backend)), admin_tokens_(admin_tokens) {}

  net::HttpResponse handle(const net::HttpRequest& req) {
    std::string_view endpoint = "other";
    auto response = route(req, endpoint);
    if (backend_.on_answer) backend_.on_answer(endpoint, response.status);
    return response;
  }

 private:
  net::HttpResponse route(const net::HttpRequest& req, std::string_view& endpoint) {
    const std::string& path = req.path;
    if (path == "/v1/me") {
      endpoint = "me";
      if (req.method != "GET") return method_not_allowed("GET");
      return me(req, /*full=*/true);
    }
    if (path == "/v1/me/status") {
      endpoint = "status";
      if (req.method != "GET") return method_not_allowed("GET");
      return me(req, /*full=*/false);
    }
    if (path == "/v1/me/registration") {
      endpoint = "register";
      if (req.method != "POST") return method_not_allowed("POST");
      return register_location(req);
    }
    if (path == "/v1/admin/users") {
      endpoint = "admin_users";
      if (req.method != "GET") return method_not_allowed("GET");
      return admin_users(req);
    }
    if (backend_.held && path == options_.held_path) {
      endpoint = "held";
      return backend_.held(req);
    }
    if (const auto asset = page_asset(path)) {
      endpoint = "page";
      if (req.method != "GET" && req.method != "HEAD") return method_not_allowed("GET, HEAD");
      net::HttpResponse r;
      r.content_type = std::string(asset->content_type);
      r.body = std::string(asset->body);
      return r;
    }
    return net::error_response(404, "no such endpoint (docs/locations.md)");
  }

  EpochMillis now() const { return backend_.now ? backend_.now() : now_millis(); }

  EpochMillis stale_after(const registry::Registry& registry) const {
    return stale_threshold(options_.stale_after, registry);
  }

  StatusReport status_of(const registry::Registry& registry, const LocationUpdate* registration,
                          const SeenNetwork& seen) const {
    return status_in(registry, registration, seen, now(), stale_after(registry));
  }

  // GET /v1/me and /v1/me/status.
  net::HttpResponse me(const net::HttpRequest& req, bool full) {
    auto identity = identify(req, options_.identity, now() / 1000);
    if (!identity) return unauthorized(identity.error().message);
    const SeenNetwork seen = seen_network(req, options_.identity);
    const EpochMillis at = now();
    const auto before = backend_.book->find(identity->user_id);
    backend_.book->note_seen(identity->user_id, seen, at);
    if (backend_.record_sighting && sighting_worth_recording(before ? &*before : nullptr, seen, at, kSightingRefresh)) {
      backend_.record_sighting(SightingRecord{.user_id = identity->user_id, .seen_at = at, .network = seen});
    }
    // A request that shows no network (a proxy that sends no
    // X-Forwarded-For) is told what was last seen, by any replica.
    if (!seen.ip && !seen.bssid) {
      if (const auto user = backend_.book->find(identity->user_id))
        return describe(identity->user_id, seen_since_registration(*user), full, 200);
    }
    return describe(identity->user_id, seen, full, 200);
  }

  net::HttpResponse describe(const std::string& user_id, const SeenNetwork& seen, bool full, int status) {
    const auto registry = backend_.registry();
    const auto registration = backend_.book->registration(user_id);
    const StatusReport report = status_of(*registry, registration ? &*registration : nullptr, seen);
    if (full && registration && backend_.on_personal_data_read) backend_.on_personal_data_read("user");
    return net::json_response(status, [&](Writer& w) {
      put(w, "user_id", user_id);
      put(w, "status", status_name(report.status));
      put_reasons(w, report);
      if (!full) return;
      w.Key("registration");
      if (registration) {
        w.StartObject();
        put(w, "registered_at", format_rfc3339(registration->occurred_at));
        w.Key("validated");
        w.Bool(registration->validated);
        put_if(w, "source", registration->source);
        json::put_address(w, registration->address);
        json::put_network(w, "network", registration->network_ip, registration->network_bssid);
        w.EndObject();
        put(w, "responders_told", one_line(registration->address));
      } else {
        w.Null();
        w.Key("responders_told");
        w.Null();
      }
      json::put_network(w, "network_seen", seen.ip, seen.bssid);
      const LocationUpdate* registered = registration ? &*registration : nullptr;
      put(w, "emergency_number", registry->emergency_number(dialing_country(*registry, registered, seen)));
      put(w, "backup_method", options_.backup_method);
    });
  }

  // POST /v1/me/registration.
  net::HttpResponse register_location(const net::HttpRequest& req) {
    auto identity = identify(req, options_.identity, now() / 1000);
    if (!identity) return unauthorized(identity.error().message);
    auto request = decode_registration_request(req.body);
    if (!request) return net::error_response(400, request.error().message);
    const AddressCheck verdict = backend_.check_address(request->address);
    if (verdict.problem) {
      return net::json_response(422, [&](Writer& w) {
        put(w, "error", *verdict.problem);
        put_if(w, "field", verdict.field.value_or(""));
      });
    }
    const SeenNetwork seen = seen_network(req, options_.identity);
    LocationUpdate update;
    update.event_id = "loc-" + random_hex(12);
    update.occurred_at = now();
    update.user_id = identity->user_id;
    update.source = "user";
    update.validated = verdict.validated;
    update.address = std::move(request->address);
    update.network_ip = request->network_ip ? request->network_ip : seen.ip;
    update.network_bssid = request->network_bssid ? request->network_bssid : seen.bssid;
    if (const auto failed = backend_.publish(update)) {
      logger().warn("registration not acknowledged by Kafka", {{"event_id", update.event_id}, {"error", failed->message}});
      auto r = net::error_response(503, "the registration could not be stored just now; nothing was registered, "
                                        "try again in a moment");
      r.set("Retry-After", "5");
      return r;
    }
    backend_.book->apply(update);
    // The network the registration was made from is what the client sees now.
    const SeenNetwork registered_from{update.network_ip, update.network_bssid};
    backend_.book->note_seen(identity->user_id, registered_from, now());
    logger().info("location registered", {{"event_id", update.event_id},
                                          {"via", identity->via == Identity::Via::link ? "link" : "proxy"},
                                          {"validated", update.validated},
                                          {"country", update.address.country}});
    return describe(identity->user_id, registered_from, /*full=*/true, 201);
  }

  // GET /v1/admin/users.
  net::HttpResponse admin_users(const net::HttpRequest& req) {
    if (!admin_tokens_) return net::error_response(404, "the admin endpoints are not enabled on this service");
    const auto authorization = req.header("Authorization");
    const auto token = authorization ? net::bearer_token(*authorization) : std::nullopt;
    const auto check = token ? admin_tokens_->check(*token) : net::ApiTokenFile::Check{};
    if (check.outcome == net::ApiTokenFile::Outcome::unavailable)
      return net::error_response(503, "the admin tokens file cannot be read; every token is refused until it is fixed");
    if (check.outcome != net::ApiTokenFile::Outcome::accepted)
      return unauthorized(token ? "the admin token is not known" : "an admin bearer token is required");

    net::QueryParams params;
    if (auto e = net::parse_query(req.query, params)) return net::error_response(400, e->message);
    if (auto e = net::only_known(params, {"status", "site", "format"})) return net::error_response(400, e->message);
    std::optional<RegistrationStatus> wanted;
    if (const auto it = params.find("status"); it != params.end()) {
      wanted = status_from_name(it->second);
      if (!wanted)
        return net::error_response(400, "status: expected confirmed, stale, network-changed, missing or "
                                        "not-dispatchable");
    }
    const auto site_it = params.find("site");
    bool csv = req.header("Accept").value_or("").find("text/csv") != std::string_view::npos;
    if (const auto it = params.find("format"); it != params.end()) {
      if (it->second != "json" && it->second != "csv") return net::error_response(400, "format: expected json or csv");
      csv = it->second == "csv";
    }

    const auto registry = backend_.registry();
    struct Row {
      const UserRecord* user;
      RegistrationStatus status;
      std::string site;
    };
    const auto users = backend_.book->snapshot();
    std::vector<Row> rows;
    for (const auto& user : users) {
      Row row{&user, user_status(user, *registry, now(), stale_after(*registry)).status,
              user.registration ? registered_site(*registry, *user.registration) : std::string()};
      if (wanted && row.status != *wanted) continue;
      if (site_it != params.end() && row.site != site_it->second) continue;
      rows.push_back(std::move(row));
    }
    if (backend_.on_personal_data_read) backend_.on_personal_data_read("admin");
    logger().info("admin listed users", {{"token", check.name}, {"users", rows.size()}});
    const auto time_or_empty = [](EpochMillis t) { return t > 0 ? format_rfc3339(t) : std::string(); };
    if (csv) {
      net::HttpResponse r;
      r.content_type = "text/csv; charset=utf-8";
      r.body = "user_id,status,registered_at,site_id,validated,last_reminded_at\r\n";
      for (const auto& row : rows) {
        const auto* reg = row.user->registration ? &*row.user->registration : nullptr;
        r.body += csv_field(row.user->user_id) + "," + std::string(status_name(row.status)) + "," +
                  (reg ? format_rfc3339(reg->occurred_at) : "") + "," + csv_field(row.site) + "," +
                  (reg ? (reg->validated ? "true" : "false") : "") + "," +
                  time_or_empty(row.user->last_reminded_at) + "\r\n";
      }
      return r;
    }
    return net::json_response(200, [&](Writer& w) {
      w.Key("users");
      w.StartArray();
      for (const auto& row : rows) {
        const auto* reg = row.user->registration ? &*row.user->registration : nullptr;
        w.StartObject();
        put(w, "user_id", row.user->user_id);
        put(w, "status", status_name(row.status));
        json::put_or_null(w, "registered_at", reg ? format_rfc3339(reg->occurred_at) : "");
        json::put_or_null(w, "site_id", row.site);
        w.Key("validated");
        if (reg) w.Bool(reg->validated);
        else w.Null();
        json::put_or_null(w, "last_reminded_at", time_or_empty(row.user->last_reminded_at));
        w.EndObject();
      }
      w.EndArray();
    });
  }

  const LocationsApiOptions& options_;
  LocationsBackend backend_;
  net::ApiTokenFile* admin_tokens_;
};

LocationsApi::LocationsApi(LocationsApiOptions options, LocationsBackend backend) {
  if (!backend.book || !backend.registry || !backend.check_address || !backend.publish)
    throw std::invalid_argument("location service API: the backend is incomplete");
  if (!options.admin_tokens_file.empty()) {
    admin_tokens_ = std::make_unique<net::ApiTokenFile>(options.admin_tokens_file, "locations.admin.tokens_file",
                                                        "locations");
  }
  options_ = std::move(options);
  handler_ = std::make_unique<Handler>(options_, std::move(backend), admin_tokens_.get());
  host(net::json_endpoint_server("location service", options_.listen, kPageContentSecurityPolicy,
                                 [h = handler_.get()](const net::HttpRequest& req) { return h->handle(req); }));
  logger().info("location service listening", {{"address", bind_address()}, {"port", port()}, {"tls", tls()}});
}

LocationsApi::~LocationsApi() { stop(); }

}  // namespace e911::locations
