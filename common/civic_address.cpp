#include "common/civic_address.h"

#include <algorithm>
#include <array>
#include <utility>

#include "common/text.h"

namespace e911 {

namespace {
// RFC 5139 element order: country A1..A6 ... then the rest as the schema lists them.
const std::array<CivicField, 17> kFields = {{
    {"country", "country", &CivicAddress::country},
    {"state", "A1", &CivicAddress::state},
    {"county", "A2", &CivicAddress::county},
    {"city", "A3", &CivicAddress::city},
    {"district", "A4", &CivicAddress::district},
    {"street", "A6", &CivicAddress::street},
    {"house_number", "HNO", &CivicAddress::house_number},
    {"house_number_suffix", "HNS", &CivicAddress::house_number_suffix},
    {"landmark", "LMK", &CivicAddress::landmark},
    {"additional", "LOC", &CivicAddress::additional},
    {"floor", "FLR", &CivicAddress::floor},
    {"name", "NAM", &CivicAddress::name},
    {"postal_code", "PC", &CivicAddress::postal_code},
    {"building", "BLD", &CivicAddress::building},
    {"unit", "UNIT", &CivicAddress::unit},
    {"room", "ROOM", &CivicAddress::room},
    {"seat", "SEAT", &CivicAddress::seat},
}};

// ISO 3166-1 alpha-2 officially assigned codes, concatenated.
constexpr std::string_view kIsoCodes =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCY"
    "CZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISIT"
    "JEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNI"
    "NLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTK"
    "TLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";
}  // namespace

std::span<const CivicField> civic_fields() { return kFields; }

bool CivicAddress::empty() const {
  return std::all_of(kFields.begin(), kFields.end(), [this](const CivicField& f) { return (this->*f.member).empty(); });
}

void CivicAddress::merge_from(const CivicAddress& over) {
  for (const auto& f : kFields) {
    if (!(over.*f.member).empty()) this->*f.member = over.*f.member;
  }
  multi_dwelling = multi_dwelling || over.multi_dwelling;
}

bool is_iso3166_alpha2(std::string_view code) {
  if (code.size() != 2) return false;
  for (std::size_t i = 0; i < kIsoCodes.size(); i += 2) {
    if (kIsoCodes.substr(i, 2) == code) return true;
  }
  return false;
}

std::optional<std::string> country_code(std::string_view code_or_name) {
  const std::string key = to_lower_ascii(trim(code_or_name));
  if (key.size() == 2) {
    std::string code = to_upper_ascii(key);
    if (is_iso3166_alpha2(code)) return code;
    return std::nullopt;
  }
  // Names as Microsoft Teams, Zoom and registries spell them, for the
  // countries whose address rules the product knows.
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"united states", "US"}, {"united states of america", "US"}, {"usa", "US"}, {"canada", "CA"},
      {"united kingdom", "GB"}, {"great britain", "GB"}, {"ireland", "IE"}, {"france", "FR"},
      {"germany", "DE"}, {"netherlands", "NL"}, {"the netherlands", "NL"}, {"belgium", "BE"},
      {"spain", "ES"}, {"italy", "IT"}, {"portugal", "PT"}, {"poland", "PL"}, {"sweden", "SE"},
      {"denmark", "DK"}, {"norway", "NO"}, {"finland", "FI"}, {"switzerland", "CH"}, {"austria", "AT"},
      {"australia", "AU"}, {"new zealand", "NZ"}, {"mexico", "MX"}, {"india", "IN"}, {"japan", "JP"},
      {"singapore", "SG"}, {"brazil", "BR"}, {"luxembourg", "LU"}, {"czechia", "CZ"},
      {"czech republic", "CZ"}, {"hungary", "HU"}, {"romania", "RO"}, {"greece", "GR"},
      {"iceland", "IS"}, {"israel", "IL"}, {"south africa", "ZA"}, {"philippines", "PH"},
  };
  for (const auto& [name, code] : kNames) {
    if (name == key) return std::string(code);
  }
  return std::nullopt;
}

std::string one_line(const CivicAddress& a) {
  std::string out;
  const auto add = [&out](std::string_view part) {
    if (part.empty()) return;
    if (!out.empty()) out += ", ";
    out += part;
  };
  add(a.name);
  add(a.building);
  std::string street = a.house_number;
  if (!a.house_number_suffix.empty()) street += a.house_number_suffix;
  if (!a.street.empty()) street += (street.empty() ? "" : " ") + a.street;
  add(street);
  if (!a.floor.empty()) add("Floor " + a.floor);
  if (!a.unit.empty()) add("Unit " + a.unit);
  if (!a.room.empty()) add("Room " + a.room);
  if (!a.seat.empty()) add("Seat " + a.seat);
  add(a.additional);
  add(a.landmark);
  add(a.district);
  std::string locality = a.city;
  if (!a.state.empty()) locality += (locality.empty() ? "" : ", ") + a.state;
  if (!a.postal_code.empty()) locality += (locality.empty() ? "" : " ") + a.postal_code;
  add(locality);
  add(a.country);
  return out;
}

bool lacks_unit(const CivicAddress& a) {
  return a.multi_dwelling && a.unit.empty() && (a.floor.empty() || a.room.empty());
}

bool is_dispatchable(const CivicAddress& a) {
  return !a.country.empty() && (!a.street.empty() || !a.name.empty() || !a.landmark.empty()) &&
         (!a.city.empty() || !a.postal_code.empty()) && !lacks_unit(a);
}

}  // namespace e911
