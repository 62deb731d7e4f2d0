// The location service (LocationsService, as `e911 locations` runs it) on
// the embedded broker, driven over HTTP on loopback by --clients clients
// (keep-alive connections, one request at a time each). Results and how to
// read them: docs/benchmarks.md, "Location service".
//
//   build/bench/locations_bench [--requests N] [--clients N] [--rounds N]
//
// Each round measures, one after the other and with the same clients:
//   register    POST /v1/me/registration (a signed-in user, a US address):
//               checked, produced to e911.location-updates, answered 201
//               once Kafka acknowledged it
//   produce     the reference for it: the same location update produced by
//               the same idempotent producer settings, waiting for Kafka's
//               acknowledgement, one at a time per client
//   http-201    the other reference: a POST of the same size to a bare
//               handler on the project's HTTP server answering a body the
//               size of the service's answer
//   held        POST /held: an RFC 5985 locationRequest for an office
//               device's IP, answered with its PIDF-LO
//   http-held   its reference: the same request to a bare handler answering
//               a body the size of the locationResponse
// and prints requests per second and latency percentiles of each, with the
// ratios register/produce, register/http-201 and held/http-held.

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "bench/support/args.h"
#include "bench/support/report.h"
#include "common/json_writer.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/producer.h"
#include "common/log.h"
#include "common/net/http_server.h"
#include "common/service/background_service.h"
#include "common/service/wait.h"
#include "producers/locations/locations_config.h"
#include "producers/locations/locations_service.h"
#include "tests/locations/sample_registration.h"

namespace e911::bench {
namespace {

constexpr const char* kRegistration =
    R"({"address":{"country":"US","state":"TX","city":"Austin","street":"Example Ave","house_number":"500",)"
    R"("postal_code":"78701","unit":"4B","multi_dwelling":true},"network":{"ip":"198.51.100.7"}})";

constexpr const char* kHeldRequest =
    R"(<?xml version="1.0" encoding="UTF-8"?>)"
    R"(<locationRequest xmlns="urn:ietf:params:xml:ns:geopriv:held" responseTime="8">)"
    R"(<locationType exact="false">any</locationType>)"
    R"(<device xmlns="urn:ietf:params:xml:ns:geopriv:held:id"><ip v="4">10.40.1.23</ip></device>)"
    R"(</locationRequest>)";

struct Sample {
  std::vector<double> ms;
  double seconds = 0;
};

// `clients` threads, each running `one(client, i)` for its share of
// `requests`, timed one by one.
template <typename One>
Sample run_clients(int clients, int requests, One one) {
  Sample out;
  std::vector<std::vector<double>> per(clients);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (int i = c; i < requests; i += clients) {
        const auto t0 = Clock::now();
        one(c, i);
        per[c].push_back(ms_between(t0, Clock::now()));
      }
    });
  }
  for (auto& t : threads) t.join();
  out.seconds = seconds_between(start, Clock::now());
  for (auto& v : per) out.ms.insert(out.ms.end(), v.begin(), v.end());
  return out;
}

// One keep-alive connection per client; throws when the answer is not `expected`.
class Clients {
 public:
  Clients(int n, std::uint16_t port) {
    for (int i = 0; i < n; ++i) {
      sessions_.push_back(std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", port));
      sessions_.back()->setKeepAlive(true);
    }
  }
  std::string post(int client, const std::string& path, const std::string& body, const std::string& type,
                   const std::map<std::string, std::string>& headers, int expected) {
    auto& s = *sessions_[client];
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    req.setContentType(type);
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    for (const auto& [k, v] : headers) req.set(k, v);
    s.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    auto& in = s.receiveResponse(res);
    std::string answer(std::istreambuf_iterator<char>(in), {});
    if (static_cast<int>(res.getStatus()) != expected)
      throw std::runtime_error(path + " answered " + std::to_string(res.getStatus()) + ": " + answer);
    return answer;
  }

 private:
  std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> sessions_;
};

void print(const std::string& name, const Sample& s) {
  const auto p = percentiles(s.ms);
  std::printf("  %-10s %10s req/s   p50 %7s ms   p99 %7s ms   max %7s ms\n", name.c_str(),
              fmt(static_cast<double>(s.ms.size()) / s.seconds, 0).c_str(), fmt(p.p50, 2).c_str(),
              fmt(p.p99, 2).c_str(), fmt(p.max, 2).c_str());
}

double rate(const Sample& s) { return static_cast<double>(s.ms.size()) / s.seconds; }

constexpr const char* kUsage = "usage: locations_bench [--requests N] [--clients N] [--rounds N]\n";

int run(int argc, char** argv) {
  int requests = 2000, clients = 4, rounds = 3;
  ArgReader in(argc, argv, "locations_bench", kUsage);
  while (in.next()) {
    if (in.arg() == "--requests") requests = static_cast<int>(in.number(10, 1e7));
    else if (in.arg() == "--clients") clients = static_cast<int>(in.number(1, 256));
    else if (in.arg() == "--rounds") rounds = static_cast<int>(in.number(1, 100));
    else in.unknown();
  }
  if (!std::getenv("E911_LOG_LEVEL")) set_min_log_level(LogLevel::warn);

  kafka::EmbeddedBroker broker;
  const Config::Topics topics = Config().topics();
  broker.create_topic(topics.location_updates, 3);

  locations::LocationsServiceOptions o;
  o.kafka = broker.client_properties();
  o.topics = topics;
  o.registry_path = std::string(E911_SHARED_DIR) + "/fixtures/registry.yaml";
  o.api.identity.trusted_proxies = {*IpPrefix::parse("127.0.0.1/32")};
  o.api.listen.max_threads = static_cast<std::size_t>(clients) * 2;
  o.held = locations::HeldResponderOptions{};
  o.held->allowed_clients = {*IpPrefix::parse("127.0.0.1/32")};
  o.check_address = locations::address_checks(nullptr);
  locations::LocationsService service(o, observability::MetricsRegistry());
  service::BackgroundService running(service);
  if (!service::wait_until([&] { return service.started() || running.failed(); }, std::chrono::seconds(60)) ||
      running.failed())
    throw std::runtime_error("the location service did not start: " + running.error());
  const std::uint16_t port = *service.port();

  // What the references must match in size: one answer of each.
  Clients probe(1, port);
  const auto registered = probe.post(0, "/v1/me/registration", kRegistration, "application/json",
                                     {{"X-Forwarded-User", "u-probe"}}, 201);
  const auto held_answer =
      probe.post(0, "/held", kHeldRequest, "application/held+xml", {}, 200);
  // The tests' sample registration, in a flat.
  LocationUpdate update = locations::test_data::registration("u-bench-0000", now_millis());
  update.event_id = "loc-0123456789abcdef01234567";
  update.address.unit = "4B";
  update.address.multi_dwelling = true;
  const std::string update_json = json::encode_location_update(update);

  kafka::Producer producer(broker.client_properties(), {.client_id = "bench-produce", .topics = {topics.location_updates}});
  net::HttpServerOptions bare_options;
  bare_options.max_handlers = static_cast<std::size_t>(clients) * 2;
  net::HttpServer bare(
      [&](const net::HttpRequest& req) {
        net::HttpResponse r;
        r.status = req.path == "/held" ? 200 : 201;
        r.content_type = req.path == "/held" ? "application/held+xml" : "application/json";
        r.body = req.path == "/held" ? std::string(held_answer.size(), 'x') : std::string(registered.size(), 'x');
        return r;
      },
      bare_options);

  std::printf("Location service, %d clients, %d requests per measurement, %d rounds\n", clients, requests, rounds);
  std::printf("  registration %zu bytes -> answer %zu bytes; location update %zu bytes; HELD %zu -> %zu bytes\n",
              std::strlen(kRegistration), registered.size(), update_json.size(), std::strlen(kHeldRequest),
              held_answer.size());
  std::vector<double> reg_vs_produce, reg_vs_http, held_vs_http;
  for (int round = 1; round <= rounds; ++round) {
    Clients to_service(clients, port);
    Clients to_bare(clients, bare.port());
    std::printf("round %d\n", round);
    const auto reg = run_clients(clients, requests, [&](int c, int i) {
      to_service.post(c, "/v1/me/registration", kRegistration, "application/json",
                      {{"X-Forwarded-User", "u-bench-" + std::to_string(i % 1000)}}, 201);
    });
    print("register", reg);
    const auto produce = run_clients(clients, requests, [&](int, int i) {
      std::promise<std::string> acked;
      auto done = acked.get_future();
      producer.produce(topics.location_updates, "u-bench-" + std::to_string(i % 1000), update_json, {},
                       [&](const kafka::DeliveryReport& r) { acked.set_value(r.error); });
      if (auto error = done.get(); !error.empty()) throw std::runtime_error(error);
    });
    print("produce", produce);
    const auto http = run_clients(clients, requests, [&](int c, int i) {
      to_bare.post(c, "/v1/me/registration", kRegistration, "application/json",
                   {{"X-Forwarded-User", "u-bench-" + std::to_string(i % 1000)}}, 201);
    });
    print("http-201", http);
    const auto held = run_clients(clients, requests, [&](int c, int) {
      to_service.post(c, "/held", kHeldRequest, "application/held+xml", {}, 200);
    });
    print("held", held);
    const auto http_held = run_clients(clients, requests, [&](int c, int) {
      to_bare.post(c, "/held", kHeldRequest, "application/held+xml", {}, 200);
    });
    print("http-held", http_held);
    reg_vs_produce.push_back(rate(reg) / rate(produce));
    reg_vs_http.push_back(rate(reg) / rate(http));
    held_vs_http.push_back(rate(held) / rate(http_held));
    std::printf("  ratios: register/produce %.2f, register/http-201 %.2f, held/http-held %.2f\n",
                reg_vs_produce.back(), reg_vs_http.back(), held_vs_http.back());
  }
  running.stop();
  return 0;
}

}  // namespace
}  // namespace e911::bench

int main(int argc, char** argv) {
  try {
    return e911::bench::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "locations_bench: " << e.what() << "\n";
    return 1;
  }
}
