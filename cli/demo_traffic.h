#pragma once
// How `e911 demo`'s simulated calls reach the pipeline, the three ways a
// deployment's do: as SIP INVITEs that the proxy mirrors to the ingest
// (siptrace over UDP), as HTTP webhooks to the ingest (POST
// /v1/call-events with a bearer token), or produced to e911.call-events
// directly, as the simulator and the organisation's own producers do.
//
// Traffic is paced (about 2,000 events/s, the background's rate in the
// latency benchmark) and every call is stamped when it is sent, so the alert
// latencies the compliance report shows are the pipeline's own, not the time
// a call spent queued behind a burst the demo made up.

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/kafka/producer.h"
#include "producers/simulator/traffic.h"
#include "registry/registry.h"

namespace e911::cli {

enum class CallRoute { sip_mirror, http_webhook, kafka };

// "SIP INVITE mirrored to the ingest", ...: how a call came, for the console.
const char* route_text(CallRoute route);

// Where the ingest listens, and the bearer token it accepts on HTTP.
struct IngestDoors {
  std::uint16_t sip_udp_port = 0;
  std::uint16_t http_port = 0;
  std::string bearer_token;
};

class DemoTraffic {
 public:
  DemoTraffic(kafka::Producer& producer, Config::Topics topics, std::shared_ptr<const registry::Registry> registry,
              IngestDoors doors);
  ~DemoTraffic();
  DemoTraffic(const DemoTraffic&) = delete;
  DemoTraffic& operator=(const DemoTraffic&) = delete;

  // One call, the way its turn says: every third through the SIP mirror
  // when SIP can carry it (simulator::sip_carries), every third as a
  // webhook, the rest to Kafka. Throws std::runtime_error when the ingest
  // refuses a webhook.
  struct SentCall {
    std::string simulated_id;  // the simulator's call id
    std::string call_id;       // the one the pipeline knows it by (a SIP call's: the ingest's, from the Call-ID)
  };
  SentCall send_call(const simulator::SimEvent& call);
  // A non-emergency event, to Kafka.
  void send_background(const simulator::SimEvent& event);
  // The scenarios' calls, a malformed event and `background` non-emergency
  // events mixed in between, paced; then waits for Kafka's
  // acknowledgements. `scenario_of` (call id -> scenario) is re-keyed for
  // the calls whose id the ingest gives.
  void send_pass(simulator::TrafficSimulator& sim, const std::vector<simulator::SimEvent>& calls,
                 std::size_t background, std::uint64_t seed, std::map<std::string, std::string>& scenario_of);

  // How each call came (call id -> route), and how many came each way.
  const std::map<std::string, CallRoute>& route_of() const { return route_of_; }
  std::map<CallRoute, std::size_t> counts() const;

 private:
  class Doors;  // the UDP socket and the HTTP client
  void pace();

  kafka::Producer& producer_;
  Config::Topics topics_;
  std::shared_ptr<const registry::Registry> registry_;
  std::unique_ptr<Doors> doors_;
  std::size_t turn_ = 0;
  std::size_t sent_ = 0;
  std::chrono::steady_clock::time_point paced_from_{};
  std::map<std::string, CallRoute> route_of_;
};

}  // namespace e911::cli
