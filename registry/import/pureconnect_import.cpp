#include "registry/import/pureconnect_import.h"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "common/text.h"

namespace e911::registry {

namespace {

enum Col : int {
  kDisplayName,
  kManufacturer,
  kModel,
  kNetworkId,
  kIdentification,
  kExtension,
  kSite,
  kZone,
  kBuilding,
  kFloor,
  kRoom,
  kStreet,
  kHouseNumber,
  kCity,
  kState,
  kPostalCode,
  kCountry,
  kColumnCount
};

struct Alias {
  std::string_view normalized;
  Col col;
};

constexpr std::array<Alias, 23> kAliases = {{
    {"displayname", kDisplayName},
    {"phonemanufacturer", kManufacturer},
    {"phonemodel", kModel},
    {"networkid", kNetworkId},
    {"identificationaddress", kIdentification},
    {"extension", kExtension},
    {"site", kSite},
    {"siteid", kSite},
    {"zone", kZone},
    {"zoneid", kZone},
    {"building", kBuilding},
    {"floor", kFloor},
    {"room", kRoom},
    {"street", kStreet},
    {"housenumber", kHouseNumber},
    {"city", kCity},
    {"state", kState},
    {"postalcode", kPostalCode},
    {"zip", kPostalCode},
    {"zipcode", kPostalCode},
    {"postcode", kPostalCode},
    {"country", kCountry},
    {"countrycode", kCountry},
}};

// Civic columns and the CivicAddress member each is compared with.
struct AddressColumn {
  Col col;
  std::string CivicAddress::*member;
};
constexpr std::array<AddressColumn, 6> kAddressColumns = {{
    {kStreet, &CivicAddress::street},
    {kHouseNumber, &CivicAddress::house_number},
    {kCity, &CivicAddress::city},
    {kState, &CivicAddress::state},
    {kPostalCode, &CivicAddress::postal_code},
    {kCountry, &CivicAddress::country},
}};

std::string normalize_header(std::string_view h) {
  std::string out;
  for (char c : trim(h)) {
    if (c == ' ' || c == '_' || c == '-' || c == '.') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

// Trimmed, line breaks and tabs inside (a multi-line cell) turned into one space.
std::string clean_value(std::string_view raw) {
  const std::string_view v = trim(raw);
  std::string out;
  out.reserve(v.size());
  bool in_break = false;
  for (char c : v) {
    if (c == '\r' || c == '\n' || c == '\t') {
      if (!in_break) out += ' ';
      in_break = true;
      continue;
    }
    in_break = false;
    out += c;
  }
  return out;
}

// For comparing names and address parts: ASCII case and runs of spaces ignored.
std::string fold(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : trim(s)) {
    if (c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

bool same_address_part(Col col, std::string_view a, std::string_view b) {
  if (col == kPostalCode) {
    std::string x = fold(a), y = fold(b);
    std::erase(x, ' ');
    std::erase(y, ' ');
    return x == y;
  }
  return fold(a) == fold(b);
}

bool all_decimal(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string join(const std::vector<std::string>& items, std::size_t max_items = 12) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i == max_items) {
      out += ", ... (" + std::to_string(items.size() - max_items) + " more)";
      break;
    }
    out += (i ? ", " : "") + items[i];
  }
  return out.empty() ? "none" : out;
}

std::string zone_floor(const Zone& z) { return z.floor.empty() ? z.address.floor : z.floor; }

// quote_for_message, with bytes of invalid UTF-8 shown as '?' so a binary
// file never sends raw bytes to the terminal.
std::string quote_value(std::string_view v, std::size_t max_chars = 80) {
  if (is_valid_utf8(v)) return quote_for_message(v, max_chars);
  std::string ascii(v.substr(0, max_chars + 1));
  for (char& c : ascii) {
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  return quote_for_message(ascii, max_chars);
}

class Importer {
 public:
  Importer(const Registry* registry, ImportResult& result) : registry_(registry), r_(result) {}

  // False when the header is unusable (reported).
  bool read_header(const CsvRecord& header);
  void read_row(const CsvRecord& row);
  // Notes about the whole file, said once.
  void finish() {
    if (unchecked_location_) {
      r_.notes.push_back("without --registry, the Floor, Building and address columns are not checked, and "
                         "Floor does not pick a zone");
    }
  }

 private:
  struct Row {
    int line = 0;
    std::array<std::string, kColumnCount> v;
    bool bad = false;
  };

  const std::string& header(Col c) const { return header_[c]; }
  bool has(Col c) const { return index_[c] >= 0; }
  void error(Row& row, Col c, const std::string& message) {
    r_.errors.push_back({row.line, has(c) ? header(c) : std::string(), message});
    row.bad = true;
  }

  const Site* find_site(Row& row);
  const Site* find_site_by_address(Row& row);
  const Zone* find_zone(Row& row, const Site& site);
  void check_address(Row& row, const Site& site, const Zone* zone);

  const Registry* registry_;
  ImportResult& r_;
  std::array<int, kColumnCount> index_{};
  std::array<std::string, kColumnCount> header_{};
  std::size_t field_count_ = 0;
  std::vector<std::string> all_headers_;
  std::unordered_map<std::uint64_t, int> seen_macs_;  // MAC -> first line
  bool unchecked_location_ = false;                   // no registry, yet address columns have values
};

bool Importer::read_header(const CsvRecord& h) {
  index_.fill(-1);
  field_count_ = h.fields.size();
  if (!h.error.empty()) {
    r_.errors.push_back({h.line, "", "header: " + h.error});
    return false;
  }
  std::vector<std::string> ignored;
  for (std::size_t i = 0; i < h.fields.size(); ++i) {
    const std::string name(trim(h.fields[i]));
    all_headers_.push_back(name);
    const std::string norm = normalize_header(name);
    const auto alias = std::find_if(kAliases.begin(), kAliases.end(), [&](const Alias& a) { return a.normalized == norm; });
    if (alias == kAliases.end()) {
      ignored.push_back(name.empty() ? "(column " + std::to_string(i + 1) + ", no name)" : quote_value(name, 40));
      continue;
    }
    if (index_[alias->col] >= 0) {
      r_.errors.push_back({h.line, name, "column " + quote_value(name) + " repeats column " +
                                             quote_value(header_[alias->col]) + " (same meaning)"});
      continue;
    }
    index_[alias->col] = static_cast<int>(i);
    header_[alias->col] = name;
  }
  if (!ignored.empty()) r_.notes.push_back("ignoring columns not used for stations: " + join(ignored, 30));
  if (!has(kNetworkId) && !has(kIdentification)) {
    std::string message = "no NetworkID column (the phone's MAC address); columns found: " + join([&] {
      std::vector<std::string> q;
      for (const auto& a : all_headers_) q.push_back(quote_value(a, 40));
      return q;
    }());
    if (h.fields.size() == 1 && h.fields[0].find_first_of(";\t") != std::string::npos) {
      message += " (the file seems to use ';' or tabs between fields: export it comma-separated)";
    }
    r_.errors.push_back({h.line, "", message});
  }
  if (!has(kSite)) {
    if (!registry_) {
      r_.errors.push_back({h.line, "", "no Site (or SiteId) column; with --registry, Street or PostalCode columns "
                                       "can find the site instead"});
    } else if (!has(kStreet) && !has(kPostalCode)) {
      r_.errors.push_back({h.line, "", "no Site (or SiteId) column, and no Street or PostalCode column to find the "
                                       "site by its address"});
    }
  }
  return r_.errors.empty();
}

const Site* Importer::find_site(Row& row) {
  const std::string& want = row.v[kSite];
  const auto& sites = registry_->data().sites;
  for (const auto& s : sites) {
    if (s.id == want) return &s;
  }
  std::vector<const Site*> hits;
  for (const auto& s : sites) {
    if (fold(s.id) == fold(want)) hits.push_back(&s);
  }
  if (hits.empty()) {
    for (const auto& s : sites) {
      if (!s.name.empty() && fold(s.name) == fold(want)) hits.push_back(&s);
    }
  }
  if (hits.size() == 1) return hits[0];
  std::vector<std::string> ids;
  if (hits.size() > 1) {
    for (const auto* s : hits) ids.push_back(s->id);
    error(row, kSite, "site " + quote_value(want) + " is ambiguous (" + join(ids) + "); give the site id");
    return nullptr;
  }
  for (const auto& s : sites) ids.push_back(s.id);
  error(row, kSite, "unknown site " + quote_value(want) + " (registry sites: " + join(ids) + ")");
  return nullptr;
}

const Site* Importer::find_site_by_address(Row& row) {
  const bool keyed = !row.v[kStreet].empty() || !row.v[kPostalCode].empty();
  if (!keyed) {
    error(row, kSite, std::string("missing: give the site") +
                          (has(kStreet) || has(kPostalCode) ? ", or Street/PostalCode to find it by address" : ""));
    return nullptr;
  }
  std::vector<const Site*> hits;
  for (const auto& s : registry_->data().sites) {
    bool agree = true, anchored = false;
    for (const auto& ac : kAddressColumns) {
      const std::string& given = row.v[ac.col];
      const std::string& known = s.address.*ac.member;
      if (given.empty() || known.empty()) continue;
      if (!same_address_part(ac.col, given, known)) {
        agree = false;
        break;
      }
      if (ac.col == kStreet || ac.col == kPostalCode) anchored = true;
    }
    if (agree && anchored) hits.push_back(&s);
  }
  std::string described;
  for (const auto& ac : kAddressColumns) {
    if (row.v[ac.col].empty()) continue;
    described += (described.empty() ? "" : ", ") + header(ac.col) + " " + quote_value(row.v[ac.col], 40);
  }
  const Col col = has(kSite) ? kSite : (has(kStreet) ? kStreet : kPostalCode);
  if (hits.empty()) {
    error(row, col, "no registry site has this address (" + described + "); give the site id");
    return nullptr;
  }
  if (hits.size() > 1) {
    std::vector<std::string> ids;
    for (const auto* s : hits) ids.push_back(s->id);
    error(row, col, "several registry sites match this address (" + join(ids) + "); give the site id");
    return nullptr;
  }
  return hits[0];
}

const Zone* Importer::find_zone(Row& row, const Site& site) {
  const std::string& want = row.v[kZone];
  const std::string& floor = row.v[kFloor];
  if (!want.empty()) {
    const Zone* zone = nullptr;
    for (const auto& z : site.zones) {
      if (z.id == want) zone = &z;
    }
    if (!zone) {
      std::vector<const Zone*> hits;
      for (const auto& z : site.zones) {
        if (fold(z.id) == fold(want) || (!z.name.empty() && fold(z.name) == fold(want))) hits.push_back(&z);
      }
      if (hits.size() == 1) zone = hits[0];
      if (hits.size() > 1) {
        error(row, kZone, "zone " + quote_value(want) + " is ambiguous in site " + site.id + "; give the zone id");
        return nullptr;
      }
    }
    if (!zone) {
      for (const auto& other : registry_->data().sites) {
        for (const auto& z : other.zones) {
          if (z.id == want && other.id != site.id) {
            error(row, kZone, "zone " + quote_value(want) + " is in site " + other.id + ", not in " + site.id);
            return nullptr;
          }
        }
      }
      std::vector<std::string> ids;
      for (const auto& z : site.zones) ids.push_back(z.id);
      error(row, kZone, "unknown zone " + quote_value(want) + " in site " + site.id + " (zones: " + join(ids) + ")");
      return nullptr;
    }
    const std::string zf = zone_floor(*zone);
    if (!floor.empty() && !zf.empty() && fold(zf) != fold(floor)) {
      error(row, kFloor, "floor " + quote_value(floor) + " does not match zone " + zone->id + " (floor " +
                             quote_value(zf) + ")");
      return nullptr;
    }
    return zone;
  }
  if (floor.empty()) return nullptr;
  // No zone given: the floor picks it.
  std::vector<const Zone*> hits;
  std::vector<std::string> floors;
  for (const auto& z : site.zones) {
    const std::string zf = zone_floor(z);
    if (!zf.empty() && std::find(floors.begin(), floors.end(), zf) == floors.end()) floors.push_back(zf);
    if (!zf.empty() && fold(zf) == fold(floor)) hits.push_back(&z);
  }
  if (hits.size() == 1) return hits[0];
  if (hits.empty()) {
    error(row, kFloor, "site " + site.id + " has no zone on floor " + quote_value(floor) + " (floors: " +
                           join(floors) + "); add the zone to the registry or give Zone");
  } else {
    std::vector<std::string> ids;
    for (const auto* z : hits) ids.push_back(z->id);
    error(row, kFloor, "floor " + quote_value(floor) + " of site " + site.id + " has several zones (" +
                           join(ids) + "); give Zone");
  }
  return nullptr;
}

void Importer::check_address(Row& row, const Site& site, const Zone* zone) {
  CivicAddress where = site.address;
  if (zone) where.merge_from(zone->address);
  for (const auto& ac : kAddressColumns) {
    const std::string& given = row.v[ac.col];
    const std::string& known = where.*ac.member;
    if (given.empty() || known.empty() || same_address_part(ac.col, given, known)) continue;
    std::string message = quote_value(given) + " does not match site " + site.id + " (" +
                          quote_value(known) + ")";
    if (ac.col == kCountry && given.size() != 2) message += "; use the ISO 3166 two-letter code";
    error(row, ac.col, message);
  }
  const std::string& building = row.v[kBuilding];
  if (!building.empty() && !where.building.empty() && fold(building) != fold(where.building)) {
    error(row, kBuilding, quote_value(building) + " does not match " + (zone && !zone->address.building.empty()
                                                                                   ? "zone " + zone->id
                                                                                   : "site " + site.id) +
                              " (" + quote_value(where.building) + ")");
  }
}

void Importer::read_row(const CsvRecord& rec) {
  Row row;
  row.line = rec.line;
  if (!rec.error.empty()) {
    std::string column;
    if (rec.error_field >= 0 && static_cast<std::size_t>(rec.error_field) < all_headers_.size()) {
      column = all_headers_[static_cast<std::size_t>(rec.error_field)];
    }
    if (rec.error_field >= 0 && (column.empty() || !is_clean_utf8(column))) {
      column = "column " + std::to_string(rec.error_field + 1);
    }
    r_.errors.push_back({rec.line, column, rec.error});
    return;
  }
  if (std::all_of(rec.fields.begin(), rec.fields.end(), [](const std::string& f) { return trim(f).empty(); })) {
    return;  // ",,,,": an empty row
  }
  if (rec.fields.size() != field_count_) {
    r_.errors.push_back({rec.line, "", "has " + std::to_string(rec.fields.size()) + " fields, the header has " +
                                           std::to_string(field_count_) +
                                           " (a comma in an unquoted value, or a missing one?)"});
    return;
  }
  for (int c = 0; c < kColumnCount; ++c) {
    if (index_[c] < 0) continue;
    row.v[c] = clean_value(rec.fields[static_cast<std::size_t>(index_[c])]);
    if (!is_clean_utf8(row.v[c])) {
      error(row, static_cast<Col>(c), "contains control characters or invalid UTF-8: " + quote_value(row.v[c]));
    }
  }
  if (row.bad) return;

  // The MAC: NetworkID, else IdentificationAddress when that is a MAC.
  Station st;
  const Col mac_col = has(kNetworkId) ? kNetworkId : kIdentification;
  // A MAC, maybe in Cisco's "SEP001B54C40A07" form; not a 12-digit number.
  std::string_view id_text = row.v[kIdentification];
  if (id_text.size() == 15 && to_upper_ascii(id_text.substr(0, 3)) == "SEP") id_text.remove_prefix(3);
  std::optional<MacAddress> ident;
  if (!all_decimal(id_text)) ident = MacAddress::parse(id_text);
  std::optional<MacAddress> mac;
  if (!row.v[kNetworkId].empty()) {
    mac = MacAddress::parse(row.v[kNetworkId]);
    if (!mac) error(row, kNetworkId, "not a MAC address: " + quote_value(row.v[kNetworkId]));
  } else if (ident) {
    mac = ident;
  } else {
    error(row, mac_col, std::string("missing: no MAC address in NetworkID") +
                            (has(kIdentification) ? " or IdentificationAddress" : ""));
  }
  if (mac && ident && *mac != *ident) {
    error(row, kIdentification, "MAC " + ident->to_string() + " differs from NetworkID " + mac->to_string());
  }
  if (mac) {
    const std::uint64_t bits = mac->bits();
    if (bits == 0 || bits == 0xffff'ffff'ffffULL) {
      error(row, mac_col, "not a phone's MAC address: " + mac->to_string() + " (placeholder)");
      mac.reset();
    } else if ((bits >> 40) & 1) {
      error(row, mac_col, "not a phone's MAC address: " + mac->to_string() + " is a multicast address");
      mac.reset();
    }
  }
  if (mac) {
    const auto [it, fresh] = seen_macs_.emplace(mac->bits(), row.line);
    if (!fresh) {
      error(row, mac_col, "duplicate MAC " + mac->to_string() + " (also on line " + std::to_string(it->second) + ")");
    }
    if (registry_ && registry_->by_station(*mac)) {
      std::string where;
      for (const auto& s : registry_->data().stations) {
        if (s.mac == *mac) {
          where = "site " + s.site + (s.extension.empty() ? "" : ", extension " + s.extension);
        }
      }
      error(row, mac_col, "MAC " + mac->to_string() + " is already a station in the registry (" + where + ")");
    }
    st.mac = *mac;
  }

  // The place.
  if (registry_) {
    const Site* site = nullptr;
    if (!row.v[kSite].empty()) site = find_site(row);
    else if (has(kStreet) || has(kPostalCode)) site = find_site_by_address(row);
    else error(row, kSite, "missing: give the site id");
    if (site) {
      st.site = site->id;
      const Zone* zone = find_zone(row, *site);
      if (zone) st.zone = zone->id;
      check_address(row, *site, zone);
    }
  } else {
    st.site = row.v[kSite];
    st.zone = row.v[kZone];
    if (st.site.empty()) error(row, kSite, "missing: give the site id");
    for (Col c : {kFloor, kBuilding, kStreet, kHouseNumber, kCity, kState, kPostalCode, kCountry}) {
      if (!row.v[c].empty()) unchecked_location_ = true;
    }
  }
  st.room = row.v[kRoom];
  st.extension = row.v[kExtension];
  st.name = row.v[kDisplayName];
  if (row.bad) return;
  if (st.zone.empty() && st.room.empty()) {
    r_.warnings.push_back({row.line, "", "no zone, floor or room: the station's location is all of site " + st.site});
  }
  r_.stations.push_back({row.line, std::move(st)});
}

}  // namespace

std::string format_import_diagnostic(std::string_view file, const ImportDiagnostic& d) {
  std::string out(file);
  if (d.line > 0) out += ":" + std::to_string(d.line);
  out += ": ";
  if (!d.column.empty()) out += d.column + ": ";
  out += d.message;
  return out;
}

ImportResult import_pureconnect(std::string_view csv_text, const Registry* registry, const CsvLimits& limits) {
  ImportResult result;
  const CsvParse csv = parse_csv(csv_text, limits);
  if (csv.records.empty()) {
    if (csv.fatal) result.errors.push_back({csv.fatal_line, "", *csv.fatal});
    else result.errors.push_back({1, "", "empty file: no header row"});
    return result;
  }
  Importer importer(registry, result);
  if (!importer.read_header(csv.records.front())) {
    if (csv.records.front().error.find("NUL") != std::string::npos) {
      result.errors.back().message += "; save the export as CSV in UTF-8";
    }
    return result;
  }
  for (std::size_t i = 1; i < csv.records.size(); ++i) importer.read_row(csv.records[i]);
  importer.finish();
  if (csv.fatal) result.errors.push_back({csv.fatal_line, "", *csv.fatal});
  if (csv.records.size() == 1 && !csv.fatal) result.notes.push_back("no phone rows after the header");
  return result;
}

}  // namespace e911::registry
