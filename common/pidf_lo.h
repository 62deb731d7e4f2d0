#pragma once
// PIDF-LO: the caller's location as a presence document (RFC 4119), with
// civic elements of RFC 5139 and the geodetic shapes and rules of the
// RFC 5491 profile. Rendered for the emergency-call event; parsed when an
// endpoint conveys its own location (the call event's `pidf_lo`).
//
// Document shape (RFC 5491 section 3.1: a device's location is a dm:device):
//
//   <presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:u-5001@e911.invalid" ...>
//     <dm:device id="device">                     (a <tuple> when there is no device id)
//       <gp:geopriv>                               (omitted when no location is known)
//         <gp:location-info>
//           <ca:civicAddress>...</ca:civicAddress>  (RFC 5139, civic_fields() order)
//           <gml:Point> or <gs:Circle>              (WGS 84, EPSG::4326, radius in metres)
//         </gp:location-info>
//         <gp:usage-rules>
//           <gbp:retransmission-allowed>false</...>
//           <gbp:retention-expiry>...</...>         (when set)
//         </gp:usage-rules>
//         <gp:method>Wiremap</gp:method>           (when set)
//       </gp:geopriv>
//       <dm:deviceID>d-77</dm:deviceID>
//       <dm:timestamp>2026-11-21T10:15:00.120Z</dm:timestamp>
//     </dm:device>
//   </presence>
//
// With neither an address nor a position there is no gp:geopriv at all: an
// empty location-info would look like a location object that says nothing,
// and "None" is not a registered method token. The document is then a valid
// presence document that states who and when, and no location.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/civic_address.h"
#include "common/events.h"
#include "common/timestamp.h"

namespace e911 {

// A WGS 84 position; with accuracy_m it is rendered as a gs:Circle of that
// radius, without it as a gml:Point.
using PidfGeo = GeoPoint;

struct PidfLoInput {
  std::string entity;     // presence URI, see presence_entity()
  std::string device_id;  // empty: no dm:device, the location goes in a tuple
  std::optional<CivicAddress> address;
  std::optional<PidfGeo> geo;
  std::string method;  // "Wiremap", "802.11", "DHCP", "Manual", "GPS", "Derived"...; empty: omitted
  EpochMillis timestamp = 0;  // when the location was determined / the call placed
  // RFC 4119 basic policy. A PSAP-bound location must not be passed on.
  bool retransmission_allowed = false;
  std::optional<EpochMillis> retention_expiry;
};

// "pres:u-5001@e911.invalid": the presence URI for a user (or device) id,
// with characters that are not URI-safe percent-encoded.
std::string presence_entity(std::string_view subject_id);

// Always returns a well-formed UTF-8 XML document: text is escaped by the
// XML writer, bytes that XML cannot carry (invalid UTF-8, control
// characters) become U+FFFD, and a position outside WGS 84 ranges is left
// out (decoders reject those before they get here).
std::string render_pidf_lo(const PidfLoInput& in);

// What an endpoint said about where it is.
struct EndpointLocation {
  std::string entity;
  std::optional<CivicAddress> address;
  std::optional<GeoPoint> geo;  // accuracy_m: circle radius, or the enclosing circle of an ellipse
  std::string method;
  std::optional<EpochMillis> timestamp;  // dm:timestamp / tuple timestamp, if valid
};

inline constexpr std::size_t kMaxPidfLoBytes = 16 * 1024;

// Parses a PIDF-LO sent by an endpoint. Hostile input is expected: bigger
// than kMaxPidfLoBytes, a DOCTYPE (so no entity expansion, no external
// entities), NUL bytes, a non-UTF-8 encoding or malformed XML are refused
// with `error` saying what is wrong. Nothing is fetched from the network.
//
// The first civic address and the first supported shape (gml:Point,
// gs:Circle, gs:Sphere, gs:Ellipse, gs:Ellipsoid) in document order are
// taken, with the method of the geopriv that carried the first of them.
// A valid document without any location yields a value with neither.
std::optional<EndpointLocation> parse_pidf_lo(std::string_view xml, std::string& error);

}  // namespace e911
