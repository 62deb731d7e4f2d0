#pragma once
// Real e911.emergency-call/v1 documents, as the locator writes them:
// lines of `e911 resolve --registry ../shared/fixtures/registry.yaml <
// ../shared/fixtures/events.jsonl`, embedded verbatim (the notifier reads
// documents, not the locator's types), plus a helper that runs that
// command for all.

#include <string>
#include <vector>

#include "tests/support/files.h"

namespace e911::notifier::test_data {

// John Smith on London HQ level 4 (subnet), no warnings.
inline const std::string kLondonSubnet =
    R"({"schema":"e911.emergency-call/v1","event_id":"ev-1","call_id":"c-1","class":"emergency","dialed":"112",)"
    R"("occurred_at":"2026-11-21T10:15:00.120Z","country":"GB","caller":{"user_id":"u-5001",)"
    R"("name":"John Smith","extension":"5001","callback":"+442079460101"},"device":{"id":"d-77",)"
    R"("kind":"softphone","ip":"10.40.1.23","vpn":false},"site_id":"london-hq","location":{"source":"subnet",)"
    R"("dispatchable":true,"site_id":"london-hq","zone_id":"london-l4","label":"London HQ, Level 4",)"
    R"("method":"DHCP","address":{"country":"GB","city":"London","street":"Example Road","house_number":"1",)"
    R"("floor":"4","postal_code":"EC1A 1AA","building":"North Tower"}},"routing":"psap","warnings":[],)"
    R"("notify":"london-security","pidf_lo":"<?xml version=\"1.0\" encoding=\"UTF-8\"?>)"
    R"(<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" xmln)"
    R"(s:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\" xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAdd)"
    R"(r\" xmlns:gml=\"http://www.opengis.net/gml\" xmlns:gs=\"http://www.opengis.net/pidflo/1.0\" xmlns:gbp=\")"
    R"(urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy\" entity=\"pres:u-5001@e911.invalid\">)"
    R"(<dm:device id=\"device\"><gp:geopriv><gp:location-info><ca:civicAddress><ca:country>GB</ca:country>)"
    R"(<ca:A3>London</ca:A3><ca:A6>Example Road</ca:A6><ca:HNO>1</ca:HNO><ca:FLR>4</ca:FLR>)"
    R"(<ca:PC>EC1A 1AA</ca:PC><ca:BLD>North Tower</ca:BLD></ca:civicAddress></gp:location-info>)"
    R"(<gp:usage-rules><gbp:retransmission-allowed>false</gbp:retransmission-allowed></gp:usage-rules>)"
    R"(<gp:method>DHCP</gp:method></gp:geopriv><dm:deviceID>d-77</dm:deviceID>)"
    R"(<dm:timestamp>2026-11-21T10:15:00.120Z</dm:timestamp></dm:device></presence>"})";

// Luc Martin at home in Paris over VPN (registered), warning vpn.
inline const std::string kParisVpn =
    R"({"schema":"e911.emergency-call/v1","event_id":"ev-5","call_id":"c-5","class":"emergency","dialed":"112",)"
    R"("occurred_at":"2026-11-21T10:20:00.000Z","country":"FR","caller":{"user_id":"u-8003",)"
    R"("name":"Luc Martin","extension":"8003","callback":"+33155550103"},"device":{"id":"d-91",)"
    R"("kind":"softphone","ip":"10.200.3.4","vpn":true},"site_id":"london-hq",)"
    R"("location":{"source":"registered","dispatchable":true,"label":"12 Rue de l'Exemple, Floor 3, Unit 31,)"
    R"( Paris 75011, FR","method":"Manual","address":{"country":"FR","city":"Paris",)"
    R"("street":"Rue de l'Exemple","house_number":"12","floor":"3","postal_code":"75011","unit":"31",)"
    R"("multi_dwelling":true},"registered_at":"2026-11-21T08:30:00.000Z","validated":true},"routing":"psap","warnings":["vpn"],)"
    R"("notify":"london-security","pidf_lo":"<?xml version=\"1.0\" encoding=\"UTF-8\"?>)"
    R"(<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" xmln)"
    R"(s:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\" xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAdd)"
    R"(r\" xmlns:gml=\"http://www.opengis.net/gml\" xmlns:gs=\"http://www.opengis.net/pidflo/1.0\" xmlns:gbp=\")"
    R"(urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy\" entity=\"pres:u-8003@e911.invalid\">)"
    R"(<dm:device id=\"device\"><gp:geopriv><gp:location-info><ca:civicAddress><ca:country>FR</ca:country>)"
    R"(<ca:A3>Paris</ca:A3><ca:A6>Rue de l'Exemple</ca:A6><ca:HNO>12</ca:HNO><ca:FLR>3</ca:FLR>)"
    R"(<ca:PC>75011</ca:PC><ca:UNIT>31</ca:UNIT></ca:civicAddress></gp:location-info><gp:usage-rules>)"
    R"(<gbp:retransmission-allowed>false</gbp:retransmission-allowed></gp:usage-rules>)"
    R"(<gp:method>Manual</gp:method></gp:geopriv><dm:deviceID>d-91</dm:deviceID>)"
    R"(<dm:timestamp>2026-11-21T10:20:00.000Z</dm:timestamp></dm:device></presence>"})";

// Sam Lee on an unknown network: nothing dispatchable, routed to the ECRC.
inline const std::string kNoLocationEcrc =
    R"({"schema":"e911.emergency-call/v1","event_id":"ev-6","call_id":"c-6","class":"emergency","dialed":"911",)"
    R"("occurred_at":"2026-11-21T12:30:00.000Z","country":"US","caller":{"user_id":"u-9004","name":"Sam Lee",)"
    R"("extension":"9004","callback":"+15125550177"},"device":{"id":"d-92","kind":"webrtc","ip":"192.0.2.99",)"
    R"("vpn":false},"site_id":"austin-office","location":{"source":"none","dispatchable":false,)"
    R"("label":"NO DISPATCHABLE LOCATION"},"routing":"ecrc","warnings":["unknown-network"],)"
    R"("notify":"austin-security","pidf_lo":"<?xml version=\"1.0\" encoding=\"UTF-8\"?>)"
    R"(<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" xmln)"
    R"(s:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\" xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAdd)"
    R"(r\" xmlns:gml=\"http://www.opengis.net/gml\" xmlns:gs=\"http://www.opengis.net/pidflo/1.0\" xmlns:gbp=\")"
    R"(urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy\" entity=\"pres:u-9004@e911.invalid\">)"
    R"(<dm:device id=\"device\"><dm:deviceID>d-92</dm:deviceID>)"
    R"(<dm:timestamp>2026-11-21T12:30:00.000Z</dm:timestamp></dm:device></presence>"})";

// Test Desk dialling 933 from Austin floor 1: a test call.
inline const std::string kTestCall933 =
    R"({"schema":"e911.emergency-call/v1","event_id":"ev-9","call_id":"c-9","class":"test","dialed":"933",)"
    R"("occurred_at":"2026-11-21T14:00:00.000Z","country":"US","caller":{"user_id":"u-6100","name":"Test Desk",)"
    R"("extension":"6100","callback":"+15125550100"},"device":{"id":"d-94","kind":"desk","ip":"10.60.1.15",)"
    R"("vpn":false},"site_id":"austin-office","location":{"source":"subnet","dispatchable":true,)"
    R"("site_id":"austin-office","zone_id":"austin-f1","label":"Austin Office, Floor 1","method":"DHCP",)"
    R"("address":{"country":"US","state":"TX","city":"Austin","street":"Congress Ave","house_number":"100",)"
    R"("floor":"1","postal_code":"78701"}},"routing":"psap","warnings":[],"notify":"austin-security",)"
    R"("pidf_lo":"<?xml version=\"1.0\" encoding=\"UTF-8\"?>)"
    R"(<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" xmln)"
    R"(s:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\" xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAdd)"
    R"(r\" xmlns:gml=\"http://www.opengis.net/gml\" xmlns:gs=\"http://www.opengis.net/pidflo/1.0\" xmlns:gbp=\")"
    R"(urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy\" entity=\"pres:u-6100@e911.invalid\">)"
    R"(<dm:device id=\"device\"><gp:geopriv><gp:location-info><ca:civicAddress><ca:country>US</ca:country>)"
    R"(<ca:A1>TX</ca:A1><ca:A3>Austin</ca:A3><ca:A6>Congress Ave</ca:A6><ca:HNO>100</ca:HNO><ca:FLR>1</ca:FLR>)"
    R"(<ca:PC>78701</ca:PC></ca:civicAddress></gp:location-info><gp:usage-rules>)"
    R"(<gbp:retransmission-allowed>false</gbp:retransmission-allowed></gp:usage-rules>)"
    R"(<gp:method>DHCP</gp:method></gp:geopriv><dm:deviceID>d-94</dm:deviceID>)"
    R"(<dm:timestamp>2026-11-21T14:00:00.000Z</dm:timestamp></dm:device></presence>"})";

// Every emergency-call line the locator writes for the shared fixtures.
inline const std::vector<std::string>& resolved_fixture_calls() {
  static const std::vector<std::string> lines = [] {
    const auto r = e911::test::run_e911("resolve --registry " + e911::test::shared_fixture("registry.yaml"),
                                        e911::test::shared_fixture("events.jsonl"));
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < r.out.size()) {
      auto nl = r.out.find('\n', start);
      if (nl == std::string::npos) nl = r.out.size();
      if (nl > start) out.push_back(r.out.substr(start, nl - start));
      start = nl + 1;
    }
    return out;
  }();
  return lines;
}

}  // namespace e911::notifier::test_data
