#include "producers/locations/registration_request.h"

#include <algorithm>
#include <vector>

#include "common/events.h"
#include "common/json_reader.h"
#include "common/text.h"

namespace e911::locations {
namespace {

constexpr JsonLimits kLimits{.max_bytes = 16 * 1024, .max_depth = 4, .max_string = 512};

std::optional<Error> unknown_member(const rapidjson::Value& object, std::string_view path,
                                    std::initializer_list<std::string_view> known) {
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    bool found = false;
    for (auto k : known) found = found || k == name;
    if (!found) return Error{std::string(path) + quote_for_message(name) + ": not a field of a registration"};
  }
  return std::nullopt;
}

}  // namespace

Result<RegistrationRequest> decode_registration_request(std::string_view body) {
  rapidjson::Document doc;
  if (auto err = parse_json(body, kLimits, doc)) return *err;
  if (!doc.IsObject()) return Error{std::string("the body must be a JSON object, not ") + json_type_name(doc)};
  if (auto err = unknown_member(doc, "", {"address", "network"})) return *err;
  FieldReader r(doc, "", kLimits);
  const auto* address = r.required_object("address");
  if (!r.ok()) return *r.error();
  std::vector<std::string_view> civic{"multi_dwelling"};
  for (const auto& f : civic_fields()) civic.push_back(f.json_name);
  for (auto it = address->MemberBegin(); it != address->MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (std::find(civic.begin(), civic.end(), name) == civic.end()) {
      return Error{"address." + quote_for_message(name) + ": not a civic address field (CONTRACT.md)"};
    }
  }
  RegistrationRequest request;
  std::optional<Error> err;
  auto parsed = read_civic_address(*address, "address", kLimits, err);
  if (!parsed) return *err;
  request.address = std::move(*parsed);
  if (const auto* network = r.optional_object("network")) {
    if (auto bad = unknown_member(*network, "network.", {"ip", "bssid"})) return *bad;
    FieldReader nr(*network, "network", kLimits);
    read_ip(nr, "ip", request.network_ip);
    read_mac(nr, "bssid", request.network_bssid);
    if (!nr.ok()) return *nr.error();
  }
  if (!r.ok()) return *r.error();
  return request;
}

}  // namespace e911::locations
