#include "producers/simulator/traffic.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>

namespace e911::simulator {
namespace {

constexpr std::array<const char*, 12> kFirst = {"John", "Priya", "Maria", "Luc",  "Sam",   "Alex",
                                                 "Chris", "Ana",  "Kenji", "Fatima", "Olu", "Ingrid"};
constexpr std::array<const char*, 12> kLast = {"Smith", "Shah",  "Lopez", "Martin", "Lee",   "Kim",
                                                "Park",  "Costa", "Sato",  "Haddad", "Adeyemi", "Berg"};

std::string json_string(const std::string& s) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  return b.GetString();
}

std::string test_number(const registry::Registry& r, const std::string& country) {
  const auto it = r.data().countries.find(country);
  if (it != r.data().countries.end() && !it->second.test.empty()) return it->second.test.front();
  return "";
}

}  // namespace

TrafficSimulator::TrafficSimulator(std::shared_ptr<const registry::Registry> registry, std::uint64_t seed,
                                   EpochMillis start, EpochMillis step_ms)
    : registry_(std::move(registry)), rng_(seed), now_(start), step_ms_(step_ms) {}

std::string TrafficSimulator::next_id(const char* prefix) { return std::string(prefix) + std::to_string(++seq_); }

EpochMillis TrafficSimulator::tick(EpochMillis step_ms) {
  now_ += step_ms;
  return now_;
}

TrafficSimulator::Caller TrafficSimulator::person(const std::string& country) {
  const auto n = rng_();
  Caller c;
  const auto ext = 1000 + (n % 9000);
  // Unique per person, so one scenario's registration never leaks into another's call.
  c.user_id = next_id("u-sim-");
  c.name = std::string(kFirst[n % kFirst.size()]) + " " + kLast[(n / 7) % kLast.size()];
  c.extension = std::to_string(ext);
  if (country == "US" || country == "CA") c.callback = "+1512555" + std::to_string(1000 + n % 9000);
  else if (country == "FR") c.callback = "+331555" + std::to_string(10000 + n % 90000);
  else c.callback = "+4420794" + std::to_string(60000 + n % 10000);
  return c;
}

std::string TrafficSimulator::ip_in(const IpPrefix& prefix) {
  const int host_bits = prefix.network().width() - prefix.length();
  uint128 host = 0;
  if (host_bits > 0) {
    const uint128 span = host_bits >= 64 ? ~std::uint64_t{0} : (uint128{1} << host_bits);
    host = 1 + (rng_() % static_cast<std::uint64_t>(span > 3 ? span - 2 : 1));
  }
  const uint128 bits = prefix.network().bits() | host;
  const auto ip = prefix.network().is_v4() ? IpAddress::v4(static_cast<std::uint32_t>(bits)) : IpAddress::v6(bits);
  return ip.to_string();
}

SimEvent TrafficSimulator::call_event(const std::string& scenario, const Caller& who, const std::string& dialed,
                                      const std::string& device_json, const std::string& site_id, bool emergency,
                                      const char* type) {
  const std::string call_id = next_id("sim-c-");
  std::string p = R"({"schema":"e911.call-event/v1","event_id":)" + json_string(next_id("sim-ev-")) +
                  R"(,"call_id":)" + json_string(call_id) + R"(,"type":")" + type + R"(","occurred_at":")" +
                  format_rfc3339(tick(step_ms_)) + R"(","dialed":)" + json_string(dialed) + R"(,"caller":{"user_id":)" +
                  json_string(who.user_id) + R"(,"name":)" + json_string(who.name) + R"(,"extension":)" +
                  json_string(who.extension) + R"(,"callback":)" + json_string(who.callback) + R"(},"device":{)" +
                  device_json + "}";
  if (!site_id.empty()) p += R"(,"site_id":)" + json_string(site_id);
  p += "}";
  return SimEvent{SimEvent::Kind::call, who.user_id, std::move(p), scenario, emergency};
}

SimEvent TrafficSimulator::location_update(const std::string& scenario, const Caller& who,
                                           const std::string& address_json, const std::string& network_ip,
                                           EpochMillis at) {
  std::string p = R"({"schema":"e911.location-update/v1","event_id":)" + json_string(next_id("sim-lu-")) +
                  R"(,"occurred_at":")" + format_rfc3339(at) + R"(","user_id":)" + json_string(who.user_id) +
                  R"(,"source":"user","validated":true,"address":)" + address_json;
  if (!network_ip.empty()) p += R"(,"network":{"ip":")" + network_ip + "\"}";
  p += "}";
  return SimEvent{SimEvent::Kind::location_update, who.user_id, std::move(p), scenario, false};
}

std::vector<SimEvent> TrafficSimulator::scenarios() {
  const auto& r = *registry_;
  std::vector<SimEvent> out;
  const registry::Site* home_site = nullptr;  // a site whose country has a test number, else the first
  for (const auto& s : r.data().sites) {
    if (!home_site || (!test_number(r, s.address.country).empty() && test_number(r, home_site->address.country).empty())) {
      home_site = &s;
    }
  }
  if (!home_site) return out;
  const std::string home_country = home_site->address.country;

  for (const auto& site : r.data().sites) {
    const std::string country = site.address.country;
    const std::string number = r.emergency_number(country);
    for (const auto& zone : site.zones) {
      if (!zone.subnets.empty()) {
        const auto who = person(country);
        out.push_back(call_event("office floor (" + zone.id + ")", who, number,
                                 R"("id":"d-)" + who.extension + R"(","kind":"softphone","ip":")" +
                                     ip_in(zone.subnets.front()) + "\"",
                                 site.id, true));
      }
      if (!zone.switch_ports.empty()) {
        const auto who = person(country);
        const auto& port = zone.switch_ports.front();
        out.push_back(call_event("desk phone on a known switch port", who, number,
                                 R"("id":"d-)" + who.extension + R"(","kind":"desk","lldp":{"chassis_id":)" +
                                     json_string(port.chassis_id) + R"(,"port_id":)" + json_string(port.port_id) + "}",
                                 site.id, true));
      }
      if (!zone.access_points.empty()) {
        const auto who = person(country);
        out.push_back(call_event("laptop on office Wi-Fi", who, number,
                                 R"("id":"d-)" + who.extension + R"(","kind":"softphone","bssid":")" +
                                     zone.access_points.front().to_string() + "\"",
                                 site.id, true));
      }
    }
  }

  const std::string hs = home_site->id;
  const std::string hnumber = r.emergency_number(home_country);
  // Home worker, registered from the network they call from.
  {
    const auto who = person(home_country);
    const std::string ip = "198.51.100." + std::to_string(10 + rng_() % 200);
    out.push_back(location_update("home worker", who,
                                  R"({"country":")" + home_country +
                                      R"(","city":"Springfield","street":"Elm Street","house_number":"42","unit":"7","multi_dwelling":true})",
                                  ip, now_ - 3'600'000));
    out.push_back(call_event("home worker", who, hnumber, R"("kind":"webrtc","ip":")" + ip + "\"", hs, true));
  }
  // Home worker on the corporate VPN: the IP says nothing, the registration does.
  if (!r.data().vpn_ranges.empty()) {
    const auto who = person(home_country);
    // A complete address (the location service's country rules accept it:
    // the demo registers this one through its API).
    std::string region;
    if (home_country == "US") region = R"(,"state":"IL","postal_code":"62704")";
    else if (home_country == "CA") region = R"(,"state":"ON","postal_code":"K1A 0B1")";
    else if (home_country == "GB") region = R"(,"postal_code":"SW1A 1AA")";
    out.push_back(location_update("home worker on VPN", who,
                                  R"({"country":")" + home_country +
                                      R"(","city":"Springfield","street":"Oak Avenue","house_number":"9")" + region +
                                      "}",
                                  "192.0.2." + std::to_string(10 + rng_() % 200), now_ - 7'200'000));
    out.push_back(call_event("home worker on VPN", who, hnumber,
                             R"("kind":"softphone","vpn":true,"ip":")" + ip_in(r.data().vpn_ranges.front()) + "\"",
                             hs, true));
  }
  // Coffee shop: public Wi-Fi, never registered.
  {
    const auto who = person(home_country);
    out.push_back(call_event("coffee-shop caller, unknown network", who, hnumber,
                             R"("kind":"webrtc","ip":"203.0.113.)" + std::to_string(1 + rng_() % 250) + "\"", hs, true));
  }
  // Nomad: registered at home this morning, now calling from elsewhere.
  {
    const auto who = person(home_country);
    out.push_back(location_update("nomad who moved since registering", who,
                                  R"({"country":")" + home_country +
                                      R"(","city":"Springfield","street":"Pine Road","house_number":"5"})",
                                  "198.51.100.201", now_ - 4 * 3'600'000));
    out.push_back(call_event("nomad who moved since registering", who, hnumber,
                             R"("kind":"webrtc","ip":"203.0.113.)" + std::to_string(1 + rng_() % 250) + "\"", hs, true));
  }
  // Apartment without a unit number.
  {
    const auto who = person(home_country);
    const std::string ip = "198.51.100." + std::to_string(10 + rng_() % 200);
    out.push_back(location_update("apartment registered without a unit", who,
                                  R"({"country":")" + home_country +
                                      R"(","city":"Springfield","street":"Maple Court","house_number":"77","multi_dwelling":true})",
                                  ip, now_ - 3'600'000));
    out.push_back(call_event("apartment registered without a unit", who, hnumber,
                             R"("kind":"softphone","ip":")" + ip + "\"", hs, true));
  }
  // Test call and dial-out prefix at a site with office subnets.
  for (const auto& site : r.data().sites) {
    const registry::Zone* zone = nullptr;
    for (const auto& z : site.zones) {
      if (!z.subnets.empty()) zone = &z;
    }
    if (!zone) continue;
    const std::string country = site.address.country;
    const std::string test = test_number(r, country);
    if (!test.empty()) {
      const auto who = person(country);
      out.push_back(call_event("933 test call", who, test,
                               R"("kind":"desk","ip":")" + ip_in(zone->subnets.front()) + "\"", site.id, true));
    }
    if (!r.data().dial_prefixes.empty()) {
      const auto who = person(country);
      out.push_back(call_event("emergency number dialled with the outside-line prefix", who,
                               r.data().dial_prefixes.front() + r.emergency_number(country),
                               R"("kind":"desk","ip":")" + ip_in(zone->subnets.front()) + "\"", site.id, true));
    }
    // A contact-centre agent whose outbound calls are masked to the queue's
    // number: the PSAP's callback would reach the queue (callback-shared).
    if (!site.shared_numbers.empty()) {
      auto who = person(country);
      who.callback = site.shared_numbers.front();
      out.push_back(call_event("contact-centre agent masked to the queue number", who, r.emergency_number(country),
                               R"("kind":"softphone","ip":")" + ip_in(zone->subnets.front()) + "\"", site.id, true));
    }
  }
  // Visitor: physically at one site, homed on another.
  if (r.data().sites.size() >= 2) {
    const auto& at = r.data().sites[0];
    const auto& homed = r.data().sites[1];
    for (const auto& z : at.zones) {
      if (z.subnets.empty()) continue;
      const auto who = person(homed.address.country);
      out.push_back(call_event("visitor from another site", who, r.emergency_number(at.address.country),
                               R"("kind":"softphone","ip":")" + ip_in(z.subnets.front()) + "\"", homed.id, true));
      break;
    }
  }
  return out;
}

SimEvent TrafficSimulator::background() {
  const auto& sites = registry_->data().sites;
  const auto& site = sites[rng_() % sites.size()];
  const auto who = person(site.address.country);
  std::string ip = "203.0.113." + std::to_string(1 + rng_() % 250);
  for (const auto& z : site.zones) {
    if (!z.subnets.empty()) ip = ip_in(z.subnets.front());
  }
  const std::string dialed = "+1512555" + std::to_string(1000 + rng_() % 9000);
  static constexpr const char* kTypes[] = {"call.initiated", "call.answered", "call.ended"};
  return call_event("background", who, dialed, R"("kind":"softphone","ip":")" + ip + "\"", site.id, false,
                    kTypes[rng_() % 3]);
}

void TrafficSimulator::mix(std::size_t count, double emergency_share, const std::function<void(SimEvent&&)>& sink) {
  std::vector<SimEvent> tour;
  std::size_t next = 0;
  std::uniform_real_distribution<double> u(0, 1);
  for (std::size_t n = 0; n < count; ++n) {
    if (u(rng_) < emergency_share) {
      if (next == tour.size()) {
        tour = scenarios();
        next = 0;
        if (tour.empty()) return;
      }
      sink(SimEvent(tour[next++]));
    } else {
      sink(background());
    }
  }
}

std::vector<SimEvent> TrafficSimulator::mix(std::size_t count, double emergency_share) {
  std::vector<SimEvent> out;
  out.reserve(count);
  mix(count, emergency_share, [&](SimEvent&& e) { out.push_back(std::move(e)); });
  return out;
}

}  // namespace e911::simulator
