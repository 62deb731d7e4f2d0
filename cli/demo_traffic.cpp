#include "cli/demo_traffic.h"

#include <Poco/Net/DatagramSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <stdexcept>
#include <thread>
#include <variant>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/events.h"
#include "common/net/http_client.h"
#include "common/timestamp.h"
#include "producers/ingest/sip_call_event.h"
#include "producers/simulator/sip_invite.h"

namespace e911::cli {

namespace {

// About the background rate of the latency benchmark: enough to show the
// pipeline under load, not a burst that only measures its queue.
constexpr double kEventsPerSecond = 2000;

// The event with occurred_at set to `at` (the simulator stamps events when
// it makes them, which is before the demo sends them).
std::string stamped(const std::string& json, EpochMillis at) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("occurred_at")) return json;
  const auto when = format_rfc3339(at);
  d["occurred_at"].SetString(when.c_str(), static_cast<rapidjson::SizeType>(when.size()), d.GetAllocator());
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  d.Accept(writer);
  return std::string(out.GetString(), out.GetSize());
}

}  // namespace

const char* route_text(CallRoute route) {
  switch (route) {
    case CallRoute::sip_mirror: return "SIP INVITE mirrored to the ingest (siptrace, UDP)";
    case CallRoute::http_webhook: return "HTTP webhook to the ingest (POST /v1/call-events)";
    case CallRoute::kafka: return "produced to Kafka directly";
  }
  return "";
}

class DemoTraffic::Doors {
 public:
  explicit Doors(IngestDoors doors)
      : token_(std::move(doors.bearer_token)),
        sip_(Poco::Net::SocketAddress("127.0.0.1", doors.sip_udp_port)),
        http_{.https = false, .host = "127.0.0.1", .port = doors.http_port, .path_and_query = "/v1/call-events",
              .user = {}, .password = {}} {
    socket_.connect(sip_);
  }

  void send_sip(const std::string& datagram) {
    if (socket_.sendBytes(datagram.data(), static_cast<int>(datagram.size())) != static_cast<int>(datagram.size()))
      throw std::runtime_error("the SIP mirror datagram was not sent whole");
  }

  // Posts one call event; the ingest answers 202 once Kafka has it.
  void post_event(const std::string& json) {
    net::HttpRequestSpec request;
    request.method = "POST";
    request.target = http_.path_and_query;
    request.headers = {{"Authorization", "Bearer " + token_}};
    request.content_type = "application/json";
    request.body = json;
    const auto exchange = net::http_exchange(http_, request, net::HttpClientTimeouts{}, nullptr,
                                             "POST " + http_.origin() + "/v1/call-events");
    if (!exchange.response) throw std::runtime_error(exchange.failure.error);
    if (exchange.response->status != 202)
      throw std::runtime_error("the ingest answered HTTP " + std::to_string(exchange.response->status) + ": " +
                               net::short_text(exchange.response->body));
  }

 private:
  std::string token_;
  Poco::Net::SocketAddress sip_;
  Poco::Net::DatagramSocket socket_;
  net::HttpEndpoint http_;
};

DemoTraffic::DemoTraffic(kafka::Producer& producer, Config::Topics topics,
                         std::shared_ptr<const registry::Registry> registry, IngestDoors doors)
    : producer_(producer),
      topics_(std::move(topics)),
      registry_(std::move(registry)),
      doors_(std::make_unique<Doors>(std::move(doors))),
      paced_from_(std::chrono::steady_clock::now()) {}

DemoTraffic::~DemoTraffic() = default;

void DemoTraffic::pace() {
  ++sent_;
  const auto due = paced_from_ + std::chrono::microseconds(static_cast<std::int64_t>(sent_ * 1e6 / kEventsPerSecond));
  if (due > std::chrono::steady_clock::now()) std::this_thread::sleep_until(due);
}

DemoTraffic::SentCall DemoTraffic::send_call(const simulator::SimEvent& call) {
  pace();
  const auto now = now_millis();
  const std::size_t turn = turn_++;
  const auto decoded = decode_input_event(call.payload);
  const auto* event = decoded.ok() ? std::get_if<CallEvent>(&*decoded) : nullptr;
  if (!event) throw std::runtime_error("the simulator made a call event that does not decode");
  SentCall sent{event->call_id, event->call_id};
  if (turn % 3 == 0) {
    if (const auto invite = simulator::mirrored_invite(*event, *registry_, now)) {
      doors_->send_sip(invite->message);
      sent.call_id = ingest::call_id_of_sip(invite->sip_call_id);
      route_of_[sent.call_id] = CallRoute::sip_mirror;
      return sent;
    }
  }
  const auto json = stamped(call.payload, now);
  if (turn % 3 != 2) {
    doors_->post_event(json);
    route_of_[sent.call_id] = CallRoute::http_webhook;
  } else {
    producer_.produce(topics_.call_events, call.key, json);
    route_of_[sent.call_id] = CallRoute::kafka;
  }
  return sent;
}

void DemoTraffic::send_background(const simulator::SimEvent& event) {
  pace();
  producer_.produce(topics_.call_events, event.key, event.payload);
}

void DemoTraffic::send_pass(simulator::TrafficSimulator& sim, const std::vector<simulator::SimEvent>& calls,
                            std::size_t background, std::uint64_t seed,
                            std::map<std::string, std::string>& scenario_of) {
  paced_from_ = std::chrono::steady_clock::now();
  sent_ = 0;
  std::mt19937_64 rng(seed);
  std::size_t background_left = background;
  const auto some_background = [&](std::size_t n) {
    for (std::size_t i = 0; i < n && background_left > 0; ++i, --background_left) send_background(sim.background());
  };
  for (const auto& c : calls) {
    some_background(std::uniform_int_distribution<std::size_t>(0, background / (calls.size() + 1) * 2)(rng));
    const auto sent = send_call(c);
    if (sent.call_id != sent.simulated_id) {
      if (const auto it = scenario_of.find(sent.simulated_id); it != scenario_of.end()) {
        auto scenario = std::move(it->second);
        scenario_of.erase(it);
        scenario_of[sent.call_id] = std::move(scenario);
      }
    }
  }
  producer_.produce(topics_.call_events, "u-malformed",
                    R"({"schema":"e911.call-event/v1","event_id":"demo-bad","call_id":"c-bad","type":"call.initiated",)"
                    R"("occurred_at":"yesterday","dialed":"911","caller":{"user_id":"u-malformed"}})");
  some_background(background_left);
  producer_.flush(std::chrono::seconds(30));
}

std::map<CallRoute, std::size_t> DemoTraffic::counts() const {
  std::map<CallRoute, std::size_t> n;
  for (const auto& [id, route] : route_of_) ++n[route];
  return n;
}

}  // namespace e911::cli
