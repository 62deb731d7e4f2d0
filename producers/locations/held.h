#pragma once
// The HELD documents (RFC 5985, with the device identity of RFC 6155) the
// location service reads from SIP proxies and answers them with: the
// locationRequest, the locationResponse carrying a PIDF-LO by value, and
// the error document. Pure: no I/O, no clock; safe from any thread.
// Who may ask and how a device is located: held_responder.h.
//
// A request is hostile input: larger than kMaxHeldRequestBytes, a DOCTYPE,
// entities, a NUL byte, another encoding than UTF-8 or malformed XML are
// refused before anything is read (common/xml_reader.h).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/ip_address.h"
#include "common/mac_address.h"

namespace e911::locations {

inline constexpr std::string_view kHeldNamespace = "urn:ietf:params:xml:ns:geopriv:held";
inline constexpr std::string_view kHeldIdNamespace = "urn:ietf:params:xml:ns:geopriv:held:id";
inline constexpr std::string_view kHeldMediaType = "application/held+xml";
// A locationRequest is a few hundred bytes.
inline constexpr std::size_t kMaxHeldRequestBytes = 16 * 1024;

// locationType values (RFC 5985 section 6.1.1).
enum class LocationType { any, civic, geodetic, location_uri };

// responseTime: milliseconds, or the purpose the requester wants it for.
struct ResponseTime {
  enum class Kind { milliseconds, emergency_routing, emergency_dispatch };
  Kind kind = Kind::milliseconds;
  std::uint64_t milliseconds = 0;
};

// The device a request names, by the identifiers this LIS locates with:
// <ip v="4|6">, <mac> (EUI-48), and <uri> when it is a sip: or sips: URI
// whose host is an IP address (the device's contact address, "sip:5001@
// 10.40.1.23:5060": what Kamailio's lost_held_query can send). Any other
// identifier is refused with badIdentifier.
struct HeldDevice {
  std::optional<IpAddress> ip;
  std::optional<MacAddress> mac;
  std::string uri;  // as sent, when the device was named by a URI (its host is `ip`)
};

struct LocationRequest {
  std::vector<LocationType> types{LocationType::any};  // as listed; "any" when absent
  bool exact = false;
  std::optional<ResponseTime> response_time;
  std::optional<HeldDevice> device;  // nullopt: no <device> element
};

// The error codes of RFC 5985 section 8 and RFC 6155 (badIdentifier).
enum class HeldErrorCode {
  request_error,
  xml_error,
  general_lis_error,
  location_unknown,
  unsupported_message,
  timeout,
  cannot_provide_li_type,
  not_locatable,
  bad_identifier,
};

// "requestError", "xmlError", ..., "badIdentifier".
std::string_view held_error_code_name(HeldErrorCode code);

struct HeldError {
  HeldErrorCode code = HeldErrorCode::general_lis_error;
  std::string message;  // plain words for the requester's log (xml:lang="en")
};

// The request, or the error to answer it with: xmlError for what is not
// well-formed or not valid (a locationType, exact or responseTime value
// the RFC does not define, a second locationType or device, an empty
// device), unsupportedMessage for a document that is not a HELD
// locationRequest (another root element or namespace), badIdentifier for
// identifiers this LIS does not use or that do not parse (all of them
// named). Elements in other namespaces are extensions and ignored.
std::variant<LocationRequest, HeldError> parse_location_request(std::string_view xml);

bool wants(const LocationRequest& request, LocationType type);

// The IP address that is the host of a sip: or sips: URI (port, parameters
// and headers after it); nullopt for another scheme or a host name.
std::optional<IpAddress> sip_uri_ip_host(std::string_view uri);

// <locationResponse> with the PIDF-LO (a document from render_pidf_lo; its
// XML declaration is dropped) as its presence element.
std::string render_location_response(std::string_view pidf_lo);

// <error code="..."><message xml:lang="en">...</message></error>.
std::string render_held_error(const HeldError& error);

}  // namespace e911::locations
