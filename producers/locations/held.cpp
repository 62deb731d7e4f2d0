#include "producers/locations/held.h"

#include <Poco/DOM/Element.h>

#include <algorithm>
#include <charconv>
#include <sstream>

#include "common/text.h"
#include "common/xml_reader.h"
#include "common/xml_writer.h"

namespace e911::locations {
namespace {

const std::string kHeld(kHeldNamespace);
const std::string kHeldId(kHeldIdNamespace);

HeldError error(HeldErrorCode code, std::string message) { return {code, std::move(message)}; }

std::optional<LocationType> location_type_named(std::string_view token) {
  if (token == "any") return LocationType::any;
  if (token == "civic") return LocationType::civic;
  if (token == "geodetic") return LocationType::geodetic;
  if (token == "locationURI") return LocationType::location_uri;
  return std::nullopt;
}

std::optional<HeldError> read_location_type(const Poco::XML::Node* e, LocationRequest& out) {
  out.types.clear();
  std::istringstream words(xml::text_of(e));
  for (std::string word; words >> word;) {
    const auto type = location_type_named(word);
    if (!type) {
      return error(HeldErrorCode::xml_error, "locationType " + quote_for_message(word) +
                                                 " is not one of any, civic, geodetic, locationURI");
    }
    out.types.push_back(*type);
  }
  if (out.types.empty()) out.types.push_back(LocationType::any);
  const auto exact = xml::attribute_of(e, "exact");  // xs:boolean
  if (exact == "true" || exact == "1") out.exact = true;
  else if (exact.empty() || exact == "false" || exact == "0") out.exact = false;
  else return error(HeldErrorCode::xml_error, "locationType exact=" + quote_for_message(exact) + " is not a boolean");
  return std::nullopt;
}

std::optional<HeldError> read_response_time(const std::string& text, LocationRequest& out) {
  ResponseTime t;
  if (text == "emergencyRouting") {
    t.kind = ResponseTime::Kind::emergency_routing;
  } else if (text == "emergencyDispatch") {
    t.kind = ResponseTime::Kind::emergency_dispatch;
  } else {
    const auto r = std::from_chars(text.data(), text.data() + text.size(), t.milliseconds);
    if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size()) {
      return error(HeldErrorCode::xml_error, "responseTime " + quote_for_message(text) +
                                                 " is neither milliseconds nor emergencyRouting or emergencyDispatch");
    }
  }
  out.response_time = t;
  return std::nullopt;
}

struct IdentifierReader {
  HeldDevice device;
  std::vector<std::string> seen;         // the supported identifiers read
  std::vector<std::string> unsupported;  // names of the others
  std::vector<std::string> bad;          // what is wrong with supported ones

  void read(const Poco::XML::Node* e);
};

// One identifier of <device>.
void IdentifierReader::read(const Poco::XML::Node* e) {
  const std::string& local = e->localName();
  const std::string text = xml::text_of(e);
  if (e->namespaceURI() != kHeldId || (local != "ip" && local != "mac" && local != "uri")) {
    unsupported.push_back(e->namespaceURI() == kHeldId ? local : xml::name_of(e));
    return;
  }
  if (std::find(seen.begin(), seen.end(), local) != seen.end()) {
    bad.push_back("more than one " + local);
    return;
  }
  seen.push_back(local);
  if (local == "mac") {
    device.mac = MacAddress::parse(text);
    if (!device.mac) bad.push_back("mac " + quote_for_message(text) + " is not a MAC address (EUI-48)");
    return;
  }
  std::optional<IpAddress> ip;
  if (local == "ip") {
    const std::string v = xml::attribute_of(e, "v");
    const bool v6_text = text.find(':') != std::string::npos;
    ip = IpAddress::parse(text);
    if (!ip || (v != "4" && v != "6") || (v == "6") != v6_text) {
      bad.push_back("ip " + quote_for_message(text) + " with v=" + quote_for_message(v) +
                    " is not an IPv4 (v=\"4\") or IPv6 (v=\"6\") address");
      return;
    }
  } else {
    ip = sip_uri_ip_host(text);
    if (!ip) {
      bad.push_back("uri " + quote_for_message(text) +
                    " is not a sip: or sips: URI with an IP address as its host (a user's address says "
                    "nothing about where the device is)");
      return;
    }
    device.uri = text;
  }
  if (device.ip && *device.ip != *ip) {
    bad.push_back("ip and uri name different addresses");
    return;
  }
  device.ip = ip;
}

std::optional<HeldError> read_device(const Poco::XML::Node* e, LocationRequest& out) {
  IdentifierReader reader;
  xml::for_each_child_element(e, [&](const Poco::XML::Node* id) { reader.read(id); });
  if (reader.seen.empty() && reader.unsupported.empty() && reader.bad.empty()) {
    return error(HeldErrorCode::xml_error, "device names no identifier");
  }
  if (!reader.unsupported.empty()) {
    reader.bad.insert(reader.bad.begin(), "identifiers this LIS does not locate by: " +
                                              join(reader.unsupported, ", ") +
                                              " (it locates by ip, mac, and a sip: URI with an IP address)");
  }
  if (!reader.bad.empty()) return error(HeldErrorCode::bad_identifier, join(reader.bad, "; "));
  out.device = std::move(reader.device);
  return std::nullopt;
}

}  // namespace

std::string_view held_error_code_name(HeldErrorCode code) {
  switch (code) {
    case HeldErrorCode::request_error: return "requestError";
    case HeldErrorCode::xml_error: return "xmlError";
    case HeldErrorCode::general_lis_error: return "generalLisError";
    case HeldErrorCode::location_unknown: return "locationUnknown";
    case HeldErrorCode::unsupported_message: return "unsupportedMessage";
    case HeldErrorCode::timeout: return "timeout";
    case HeldErrorCode::cannot_provide_li_type: return "cannotProvideLiType";
    case HeldErrorCode::not_locatable: return "notLocatable";
    case HeldErrorCode::bad_identifier: return "badIdentifier";
  }
  return "generalLisError";
}

std::variant<LocationRequest, HeldError> parse_location_request(std::string_view text) {
  auto parsed = xml::parse_untrusted(text, kMaxHeldRequestBytes, "HELD request");
  if (!parsed) return error(HeldErrorCode::xml_error, parsed.error().message);
  const Poco::XML::Element* root = (*parsed)->documentElement();
  if (!xml::is_element(root, kHeld, "locationRequest")) {
    return error(HeldErrorCode::unsupported_message,
                 "not a HELD locationRequest: the root element is " + (root ? xml::name_of(root) : "missing") +
                     ", expected {" + kHeld + "}locationRequest");
  }
  if (!xml::elements_in_order(root)) {
    return error(HeldErrorCode::xml_error, "nested deeper than " + std::to_string(xml::kMaxDepth) + " elements");
  }

  LocationRequest out;
  if (root->hasAttribute("responseTime")) {
    if (auto problem = read_response_time(root->getAttribute("responseTime"), out)) return *problem;
  }
  bool type_seen = false;
  std::optional<HeldError> problem;
  xml::for_each_child_element(root, [&](const Poco::XML::Node* e) {
    if (problem) return;
    if (xml::is_element(e, kHeld, "locationType")) {
      if (type_seen) problem = error(HeldErrorCode::xml_error, "more than one locationType");
      else problem = read_location_type(e, out);
      type_seen = true;
    } else if (xml::is_element(e, kHeldId, "device")) {
      if (out.device) problem = error(HeldErrorCode::xml_error, "more than one device");
      else problem = read_device(e, out);
    } else if (e->namespaceURI() == kHeld) {
      problem = error(HeldErrorCode::xml_error, "unexpected element " + e->localName() + " in a locationRequest");
    }  // elements of other namespaces are extensions this LIS does not know
  });
  if (problem) return *problem;
  return out;
}

bool wants(const LocationRequest& request, LocationType type) {
  return std::find(request.types.begin(), request.types.end(), type) != request.types.end();
}

std::optional<IpAddress> sip_uri_ip_host(std::string_view uri) {
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string scheme = to_lower_ascii(uri.substr(0, colon));
  if (scheme != "sip" && scheme != "sips") return std::nullopt;
  auto rest = uri.substr(colon + 1);
  rest = rest.substr(0, rest.find('?'));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  rest = rest.substr(0, rest.find(';'));
  if (!rest.empty() && rest.front() == '[') {  // an IPv6 reference, [2001:db8::7]:5060
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const auto rest_of = rest.substr(close + 1);
    if (!rest_of.empty() && rest_of.front() != ':') return std::nullopt;
    auto ip = IpAddress::parse(rest.substr(1, close - 1));
    return ip && !ip->is_v4() ? ip : std::nullopt;
  }
  const auto host = rest.substr(0, rest.find(':'));
  if (host.find_first_not_of("0123456789.") != std::string_view::npos) return std::nullopt;  // a name
  return IpAddress::parse(host);
}

std::string render_location_response(std::string_view pidf_lo) {
  if (pidf_lo.starts_with("<?xml")) pidf_lo.remove_prefix(std::min(pidf_lo.size(), pidf_lo.find("?>") + 2));
  xml::Writer w;
  w.declaration();
  w.start(kHeld.c_str(), "", "locationResponse", {}, {{"", kHeldNamespace}});
  w.raw(pidf_lo);
  w.end(kHeld.c_str(), "", "locationResponse");
  return w.take();
}

std::string render_held_error(const HeldError& e) {
  xml::Writer w;
  w.declaration();
  w.start(kHeld.c_str(), "", "error", xml::attribute("code", held_error_code_name(e.code)), {{"", kHeldNamespace}});
  if (!e.message.empty()) w.text_element(kHeld.c_str(), "", "message", e.message, xml::attribute("xml:lang", "en"));
  w.end(kHeld.c_str(), "", "error");
  return w.take();
}

}  // namespace e911::locations
