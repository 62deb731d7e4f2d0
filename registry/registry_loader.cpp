#include "registry/registry_loader.h"

#include <yaml-cpp/yaml.h>

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "common/email_address.h"
#include "common/events.h"
#include "common/phone_number.h"
#include "common/text.h"

namespace e911::registry {
namespace {

// Line of a YAML entry, kept beside each validated item for cross checks.
struct Located {
  int line = 0;
  int column = 0;
  std::string path;
};

class Loader {
 public:
  RegistryData data;
  std::vector<Diagnostic> errors;

  void load(const YAML::Node& root);

 private:
  void error(const YAML::Node& n, const std::string& path, const std::string& message) {
    const auto m = n.Mark();
    errors.push_back({m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, path, message});
  }
  void error_at(const Located& at, const std::string& message) {
    errors.push_back({at.line, at.column, at.path, message});
  }
  Located here(const YAML::Node& n, const std::string& path) const {
    const auto m = n.Mark();
    return {m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, path};
  }

  bool expect_map(const YAML::Node& n, const std::string& path) {
    if (n.IsMap()) return true;
    error(n, path, "expected a mapping");
    return false;
  }
  bool expect_seq(const YAML::Node& n, const std::string& path) {
    if (n.IsSequence()) return true;
    error(n, path, "expected a list");
    return false;
  }
  // Unknown keys are errors: a typo ("subnet:" for "subnets:") would
  // otherwise silently drop a zone's ranges and misplace callers.
  void allow_keys(const YAML::Node& n, const std::string& path, std::initializer_list<std::string_view> keys) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        std::string known;
        for (auto k : keys) known += (known.empty() ? "" : ", ") + std::string(k);
        error(it->first, path, "unknown key " + quote_for_message(key) + " (expected one of: " + known + ")");
      }
    }
  }
  bool scalar(const YAML::Node& n, const std::string& path, std::string& out) {
    if (!n.IsScalar()) {
      error(n, path, "expected a text value");
      return false;
    }
    out = n.Scalar();
    if (!is_clean_utf8(out)) {
      error(n, path, "contains control characters or invalid UTF-8");
      return false;
    }
    return true;
  }
  bool required_scalar(const YAML::Node& parent, const char* key, const std::string& path, std::string& out) {
    const YAML::Node n = parent[key];
    if (!n) {
      error(parent, path, std::string("missing ") + key);
      return false;
    }
    if (!scalar(n, path + "." + key, out)) return false;
    if (trim(out).empty()) {
      error(n, path + "." + key, "empty");
      return false;
    }
    return true;
  }
  void optional_scalar(const YAML::Node& parent, const char* key, const std::string& path, std::string& out) {
    const YAML::Node n = parent[key];
    if (n && !n.IsNull()) scalar(n, path + "." + key, out);
  }

  void load_defaults(const YAML::Node& n);
  void load_countries(const YAML::Node& n);
  void load_lists(const YAML::Node& n);
  void load_sites(const YAML::Node& n);
  void load_zone(const YAML::Node& n, const std::string& path, Site& site);
  void load_stations(const YAML::Node& n);
  void load_directory(const YAML::Node& n);
  void load_prefixes(const YAML::Node& n, const std::string& path, std::vector<IpPrefix>& out,
                     std::vector<Located>* where);
  void load_numbers(const YAML::Node& n, const std::string& path, std::vector<std::string>& out);
  bool load_address(const YAML::Node& n, const std::string& path, CivicAddress& out, bool require_country);
  void cross_check();

  std::vector<std::pair<IpPrefix, std::pair<std::string, Located>>> site_prefixes_;  // prefix -> (site id, where)
  std::vector<std::pair<IpPrefix, Located>> vpn_where_;
  std::unordered_map<std::string, Located> list_refs_;  // list id referenced -> first place
  std::vector<std::pair<std::string, Located>> notify_refs_;
  std::vector<Located> station_where_;
  std::vector<std::pair<std::string, Located>> elin_where_;  // every ELIN listed, where
};

void Loader::load(const YAML::Node& root) {
  if (!root || root.IsNull()) {
    errors.push_back({1, 1, "", "the registry is empty"});
    return;
  }
  if (!expect_map(root, "(top level)")) return;
  allow_keys(root, "(top level)",
             {"version", "defaults", "dial_prefixes", "countries", "vpn_ranges", "notification_lists", "sites",
              "stations", "directory"});
  std::string version;
  if (required_scalar(root, "version", "version", version) && version != "1") {
    error(root["version"], "version", "unsupported registry version " + quote_for_message(version) +
                                          " (this build reads version 1)");
  }
  if (root["defaults"]) load_defaults(root["defaults"]);
  if (const auto n = root["dial_prefixes"]) {
    if (expect_seq(n, "dial_prefixes")) {
      for (std::size_t i = 0; i < n.size(); ++i) {
        const std::string path = "dial_prefixes[" + std::to_string(i) + "]";
        std::string p;
        if (!scalar(n[i], path, p)) continue;
        if (p.empty() || p.size() > 4 || !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          error(n[i], path, "a dial prefix is 1 to 4 digits: " + quote_for_message(p));
          continue;
        }
        data.dial_prefixes.push_back(p);
      }
    }
  }
  if (root["countries"]) load_countries(root["countries"]);
  if (const auto n = root["vpn_ranges"]) {
    std::vector<Located> where;
    load_prefixes(n, "vpn_ranges", data.vpn_ranges, &where);
    for (std::size_t i = 0; i < data.vpn_ranges.size(); ++i) vpn_where_.emplace_back(data.vpn_ranges[i], where[i]);
  }
  if (root["notification_lists"]) load_lists(root["notification_lists"]);
  if (const auto n = root["sites"]) load_sites(n);
  else error(root, "sites", "missing sites");
  if (root["stations"]) load_stations(root["stations"]);
  if (root["directory"]) load_directory(root["directory"]);
  cross_check();
}

void Loader::load_defaults(const YAML::Node& n) {
  if (!expect_map(n, "defaults")) return;
  allow_keys(n, "defaults", {"stale_after", "fallback_list", "alert_test_calls"});
  std::string text;
  if (n["stale_after"] && scalar(n["stale_after"], "defaults.stale_after", text)) {
    const auto d = parse_duration(text);
    if (!d || *d <= 0) {
      error(n["stale_after"], "defaults.stale_after",
            "not a duration (use e.g. 90m, 12h, 7d): " + quote_for_message(text));
    } else {
      data.stale_after = *d;
    }
  }
  if (n["fallback_list"] && scalar(n["fallback_list"], "defaults.fallback_list", data.fallback_list)) {
    notify_refs_.emplace_back(data.fallback_list, here(n["fallback_list"], "defaults.fallback_list"));
  }
  if (n["alert_test_calls"]) {
    std::string v;
    if (scalar(n["alert_test_calls"], "defaults.alert_test_calls", v)) {
      if (v == "true") data.alert_test_calls = true;
      else if (v == "false") data.alert_test_calls = false;
      else error(n["alert_test_calls"], "defaults.alert_test_calls", "expected true or false");
    }
  }
}

void Loader::load_countries(const YAML::Node& n) {
  if (!expect_map(n, "countries")) return;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string code = it->first.IsScalar() ? it->first.Scalar() : "";
    const std::string path = "countries." + code;
    if (!is_iso3166_alpha2(code)) {
      error(it->first, path, "not an ISO 3166-1 alpha-2 country code (upper case): " + quote_for_message(code));
      continue;
    }
    const YAML::Node body = it->second;
    if (!expect_map(body, path)) continue;
    allow_keys(body, path, {"emergency", "test"});
    CountryNumbers numbers;
    for (const char* kind : {"emergency", "test"}) {
      const YAML::Node list = body[kind];
      if (!list) continue;
      const std::string lpath = path + "." + kind;
      if (!expect_seq(list, lpath)) continue;
      for (std::size_t i = 0; i < list.size(); ++i) {
        std::string number;
        const std::string ipath = lpath + "[" + std::to_string(i) + "]";
        if (!scalar(list[i], ipath, number)) continue;
        if (number.empty() || number.size() > 8 ||
            !std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          error(list[i], ipath, "an emergency or test number is 1 to 8 digits: " + quote_for_message(number));
          continue;
        }
        (std::string_view(kind) == "emergency" ? numbers.emergency : numbers.test).push_back(number);
      }
    }
    if (numbers.emergency.empty()) error(body, path, "lists no emergency number");
    data.countries[code] = std::move(numbers);
  }
}

void Loader::load_lists(const YAML::Node& n) {
  if (!expect_map(n, "notification_lists")) return;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string id = it->first.IsScalar() ? it->first.Scalar() : "";
    const std::string path = "notification_lists." + id;
    NotificationList list{id, {}};
    const YAML::Node contacts = it->second;
    if (!expect_seq(contacts, path)) continue;
    if (contacts.size() == 0) error(contacts, path, "has no contacts");
    for (std::size_t i = 0; i < contacts.size(); ++i) {
      const YAML::Node c = contacts[i];
      const std::string cpath = path + "[" + std::to_string(i) + "]";
      if (!expect_map(c, cpath)) continue;
      allow_keys(c, cpath, {"name", "email", "sms", "webhook"});
      Contact contact;
      required_scalar(c, "name", cpath, contact.name);
      optional_scalar(c, "email", cpath, contact.email);
      optional_scalar(c, "sms", cpath, contact.sms);
      optional_scalar(c, "webhook", cpath, contact.webhook);
      if (contact.email.empty() && contact.sms.empty() && contact.webhook.empty()) {
        error(c, cpath, "has no channel: give at least one of email, sms, webhook");
      }
      if (!contact.email.empty() && !is_valid_email(contact.email)) {
        error(c["email"], cpath + ".email", "not a valid email address: " + quote_for_message(contact.email));
      }
      if (!contact.sms.empty()) {
        if (auto problem = validate_e164(contact.sms)) error(c["sms"], cpath + ".sms", *problem);
      }
      if (!contact.webhook.empty()) {
        bool ok = false;
        try {
          const Poco::URI uri(contact.webhook);
          ok = (uri.getScheme() == "http" || uri.getScheme() == "https") && !uri.getHost().empty();
        } catch (const Poco::Exception&) {
          ok = false;
        }
        if (!ok) {
          error(c["webhook"], cpath + ".webhook", "not an http(s) URL: " + quote_for_message(contact.webhook));
        }
      }
      list.contacts.push_back(std::move(contact));
    }
    data.notification_lists[id] = std::move(list);
  }
}

// A list of E.164 numbers (shared_numbers, elins): each valid, none twice.
void Loader::load_numbers(const YAML::Node& n, const std::string& path, std::vector<std::string>& out) {
  if (!expect_seq(n, path)) return;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string ipath = path + "[" + std::to_string(i) + "]";
    std::string number;
    if (!scalar(n[i], ipath, number)) continue;
    number = std::string(trim(number));
    if (auto problem = validate_e164(number)) {
      error(n[i], ipath, *problem);
      continue;
    }
    if (std::find(out.begin(), out.end(), number) != out.end()) {
      error(n[i], ipath, number + " is listed twice");
      continue;
    }
    out.push_back(number);
    if (path.size() >= 6 && path.compare(path.size() - 6, 6, ".elins") == 0) elin_where_.emplace_back(number, here(n[i], ipath));
  }
}

void Loader::load_prefixes(const YAML::Node& n, const std::string& path, std::vector<IpPrefix>& out,
                           std::vector<Located>* where) {
  if (!expect_seq(n, path)) return;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string ipath = path + "[" + std::to_string(i) + "]";
    std::string text;
    if (!scalar(n[i], ipath, text)) continue;
    auto prefix = IpPrefix::parse(trim(text));
    if (!prefix) {
      error(n[i], ipath, prefix.error().message);
      continue;
    }
    out.push_back(*prefix);
    if (where) where->push_back(here(n[i], ipath));
  }
}

bool Loader::load_address(const YAML::Node& n, const std::string& path, CivicAddress& out, bool require_country) {
  if (!expect_map(n, path)) return false;
  std::vector<std::string_view> keys;
  for (const auto& f : civic_fields()) {
    const std::string key(f.json_name);
    optional_scalar(n, key.c_str(), path, out.*f.member);
  }
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
    if (key == "multi_dwelling") {
      const std::string v = it->second.IsScalar() ? it->second.Scalar() : "";
      if (v == "true") out.multi_dwelling = true;
      else if (v != "false") error(it->second, path + ".multi_dwelling", "expected true or false");
      continue;
    }
    const bool known = std::any_of(civic_fields().begin(), civic_fields().end(),
                                   [&](const CivicField& f) { return f.json_name == key; });
    if (!known) error(it->first, path, "unknown address field " + quote_for_message(key));
  }
  if (!out.country.empty() && !is_iso3166_alpha2(out.country)) {
    error(n["country"], path + ".country", "not an ISO 3166-1 alpha-2 country code (upper case): " +
                                               quote_for_message(out.country));
    return false;
  }
  if (require_country && out.country.empty()) {
    error(n, path, "missing country");
    return false;
  }
  return true;
}

void Loader::load_sites(const YAML::Node& n) {
  if (!expect_seq(n, "sites")) return;
  std::set<std::string> site_ids;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const YAML::Node s = n[i];
    std::string path = "sites[" + std::to_string(i) + "]";
    if (!expect_map(s, path)) continue;
    allow_keys(s, path, {"id", "name", "notify", "timezone", "address", "subnets", "zones", "shared_numbers", "elins"});
    Site site;
    if (required_scalar(s, "id", path, site.id)) {
      path = "sites[" + site.id + "]";
      if (!site_ids.insert(site.id).second) error(s["id"], path, "duplicate site id " + quote_for_message(site.id));
    }
    optional_scalar(s, "name", path, site.name);
    if (required_scalar(s, "notify", path, site.notify)) {
      notify_refs_.emplace_back(site.notify, here(s["notify"], path + ".notify"));
    }
    optional_scalar(s, "timezone", path, site.timezone);
    if (!site.timezone.empty()) {
      const bool plausible = site.timezone.find("..") == std::string::npos && site.timezone.front() != '/';
      std::error_code ec;
      if (!plausible || (std::filesystem::is_directory("/usr/share/zoneinfo", ec) &&
                         !std::filesystem::is_regular_file("/usr/share/zoneinfo/" + site.timezone, ec))) {
        error(s["timezone"], path + ".timezone", "unknown time zone " + quote_for_message(site.timezone));
      }
    }
    if (s["address"]) load_address(s["address"], path + ".address", site.address, true);
    else error(s, path, "missing address");
    if (s["subnets"]) {
      std::vector<Located> where;
      load_prefixes(s["subnets"], path + ".subnets", site.subnets, &where);
      for (std::size_t k = 0; k < site.subnets.size(); ++k) site_prefixes_.push_back({site.subnets[k], {site.id, where[k]}});
    }
    if (s["shared_numbers"]) load_numbers(s["shared_numbers"], path + ".shared_numbers", site.shared_numbers);
    if (s["elins"]) load_numbers(s["elins"], path + ".elins", site.elins);
    if (const auto zones = s["zones"]) {
      if (expect_seq(zones, path + ".zones")) {
        for (std::size_t z = 0; z < zones.size(); ++z) load_zone(zones[z], path + ".zones[" + std::to_string(z) + "]", site);
      }
    }
    data.sites.push_back(std::move(site));
  }
}

void Loader::load_zone(const YAML::Node& z, const std::string& zpath, Site& site) {
  if (!expect_map(z, zpath)) return;
  allow_keys(z, zpath, {"id", "name", "floor", "address", "subnets", "access_points", "switch_ports", "elins"});
  Zone zone;
  std::string path = zpath;
  if (required_scalar(z, "id", zpath, zone.id)) {
    path = zpath.substr(0, zpath.rfind('[')) + "[" + zone.id + "]";
  }
  optional_scalar(z, "name", path, zone.name);
  optional_scalar(z, "floor", path, zone.floor);
  if (z["address"]) load_address(z["address"], path + ".address", zone.address, false);
  if (z["subnets"]) {
    std::vector<Located> where;
    load_prefixes(z["subnets"], path + ".subnets", zone.subnets, &where);
    for (std::size_t k = 0; k < zone.subnets.size(); ++k) site_prefixes_.push_back({zone.subnets[k], {site.id, where[k]}});
  }
  if (z["elins"]) load_numbers(z["elins"], path + ".elins", zone.elins);
  if (const auto aps = z["access_points"]) {
    if (expect_seq(aps, path + ".access_points")) {
      for (std::size_t k = 0; k < aps.size(); ++k) {
        const std::string apath = path + ".access_points[" + std::to_string(k) + "]";
        std::string text;
        if (!scalar(aps[k], apath, text)) continue;
        const auto mac = MacAddress::parse(trim(text));
        if (!mac) error(aps[k], apath, "not a MAC address (BSSID): " + quote_for_message(text));
        else zone.access_points.push_back(*mac);
      }
    }
  }
  if (const auto ports = z["switch_ports"]) {
    if (expect_seq(ports, path + ".switch_ports")) {
      for (std::size_t k = 0; k < ports.size(); ++k) {
        const std::string ppath = path + ".switch_ports[" + std::to_string(k) + "]";
        const YAML::Node p = ports[k];
        if (!expect_map(p, ppath)) continue;
        allow_keys(p, ppath, {"chassis_id", "port_id", "room"});
        SwitchPort port;
        if (!required_scalar(p, "chassis_id", ppath, port.chassis_id) ||
            !required_scalar(p, "port_id", ppath, port.port_id)) {
          continue;
        }
        optional_scalar(p, "room", ppath, port.room);
        port.chassis_id = canonical_chassis_id(port.chassis_id);
        port.port_id = std::string(trim(port.port_id));
        zone.switch_ports.push_back(std::move(port));
      }
    }
  }
  site.zones.push_back(std::move(zone));
}

void Loader::load_stations(const YAML::Node& n) {
  if (!expect_seq(n, "stations")) return;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const YAML::Node s = n[i];
    const std::string path = "stations[" + std::to_string(i) + "]";
    if (!expect_map(s, path)) continue;
    allow_keys(s, path, {"mac", "extension", "site", "zone", "room", "name"});
    Station st;
    std::string mac;
    if (!required_scalar(s, "mac", path, mac)) continue;
    const auto parsed = MacAddress::parse(trim(mac));
    if (!parsed) {
      error(s["mac"], path + ".mac", "not a MAC address: " + quote_for_message(mac));
      continue;
    }
    st.mac = *parsed;
    optional_scalar(s, "extension", path, st.extension);
    required_scalar(s, "site", path, st.site);
    optional_scalar(s, "zone", path, st.zone);
    optional_scalar(s, "room", path, st.room);
    optional_scalar(s, "name", path, st.name);
    station_where_.push_back(here(s, path));
    data.stations.push_back(std::move(st));
  }
}

namespace {

// "sip:jsmith@Corp.Example.com:5061;transport=tls" -> "jsmith@corp.example.com";
// nullopt when it is no sip: or sips: URI with a user and a host.
std::optional<std::string> canonical_sip_uri(std::string_view text) {
  text = trim(text);
  const auto lower = to_lower_ascii(text.substr(0, 5));
  if (lower.rfind("sip:", 0) == 0) text.remove_prefix(4);
  else if (lower.rfind("sips:", 0) == 0) text.remove_prefix(5);
  else return std::nullopt;
  const auto at = text.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  const auto user = text.substr(0, std::min(at, text.find(';')));  // without ;phone-context and the like
  if (user.empty()) return std::nullopt;
  auto host = text.substr(at + 1);
  host = host.substr(0, host.find(';'));
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = host.substr(0, close + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (host.empty() || user.find_first_of(" \t<>\"") != std::string_view::npos) return std::nullopt;
  return std::string(user) + "@" + to_lower_ascii(host);
}

// The number as it is when it is a valid E.164 number (validate_e164).
std::optional<std::string> canonical_number(std::string_view text) {
  const auto v = trim(text);
  if (validate_e164(v)) return std::nullopt;
  return std::string(v);
}

}  // namespace

void Loader::load_directory(const YAML::Node& n) {
  if (!expect_seq(n, "directory")) return;
  // Each identity names one person: the same URI, number or extension for
  // two users would key one caller's call to the other's location.
  std::unordered_map<std::string, std::string> owner;  // "uri\n..." -> user id
  std::unordered_map<std::string, std::string> emails;  // user id -> the e-mail listed
  for (std::size_t i = 0; i < n.size(); ++i) {
    const YAML::Node e = n[i];
    const std::string path = "directory[" + std::to_string(i) + "]";
    if (!expect_map(e, path)) continue;
    allow_keys(e, path, {"user_id", "uris", "numbers", "extensions", "email"});
    DirectoryEntry entry;
    if (!required_scalar(e, "user_id", path, entry.user_id)) continue;
    // Where the location service sends the user's reminders: one address per user.
    optional_scalar(e, "email", path, entry.email);
    if (!entry.email.empty()) {
      if (!is_valid_email(entry.email)) {
        error(e["email"], path + ".email", "not a valid email address: " + quote_for_message(entry.email));
        entry.email.clear();
      } else if (const auto [it, fresh] = emails.emplace(entry.user_id, entry.email);
                 !fresh && it->second != entry.email) {
        error(e["email"], path + ".email", "user " + quote_for_message(entry.user_id) + " already has " +
                                               quote_for_message(it->second));
        entry.email.clear();
      }
    }
    const auto identities = [&](const char* key, const char* kind, auto canonical, std::vector<std::string>& out) {
      const YAML::Node list = e[key];
      if (!list) return;
      const std::string lpath = path + "." + key;
      if (!expect_seq(list, lpath)) return;
      for (std::size_t j = 0; j < list.size(); ++j) {
        const std::string ipath = lpath + "[" + std::to_string(j) + "]";
        std::string text;
        if (!scalar(list[j], ipath, text)) continue;
        const std::optional<std::string> value = canonical(text);
        if (!value) {
          error(list[j], ipath, std::string("not ") + kind + ": " + quote_for_message(text));
          continue;
        }
        const auto [it, fresh] = owner.emplace(std::string(key) + "\n" + *value, entry.user_id);
        if (!fresh && it->second != entry.user_id) {
          error(list[j], ipath, *value + " is also listed for user " + quote_for_message(it->second));
          continue;
        }
        if (fresh) out.push_back(*value);
      }
    };
    identities("uris", "a sip: or sips: URI with a user and a host", canonical_sip_uri, entry.uris);
    identities("numbers", "a valid E.164 number (+ and 8 to 15 digits, no separators)", canonical_number,
               entry.numbers);
    identities("extensions", "an extension (1 to 8 digits)",
               [](const std::string& t) -> std::optional<std::string> {
                 const auto v = trim(t);
                 if (v.empty() || v.size() > 8 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
                   return std::nullopt;
                 return std::string(v);
               },
               entry.extensions);
    if (entry.uris.empty() && entry.numbers.empty() && entry.extensions.empty() && entry.email.empty()) {
      if (!e["uris"] && !e["numbers"] && !e["extensions"] && !e["email"])
        error(e, path, "no uris, numbers, extensions or email");
      continue;
    }
    data.directory.push_back(std::move(entry));
  }
}

void Loader::cross_check() {
  for (const auto& [id, at] : notify_refs_) {
    if (!data.notification_lists.count(id)) {
      error_at(at, "unknown notification list " + quote_for_message(id));
    }
  }
  // Zone ids, access points and switch ports must each name one place.
  std::unordered_map<std::string, std::string> zone_site;
  std::unordered_map<std::uint64_t, std::string> ap_zone;
  std::unordered_map<std::string, std::string> port_zone;
  for (const auto& site : data.sites) {
    for (const auto& zone : site.zones) {
      if (!zone_site.emplace(zone.id, site.id).second) {
        errors.push_back({0, 0, "sites[" + site.id + "].zones[" + zone.id + "]", "duplicate zone id " + quote_for_message(zone.id)});
      }
      for (const auto& ap : zone.access_points) {
        if (!ap_zone.emplace(ap.bits(), zone.id).second) {
          errors.push_back({0, 0, "sites[" + site.id + "].zones[" + zone.id + "].access_points",
                            "access point " + ap.to_string() + " is also listed in zone " + ap_zone[ap.bits()]});
        }
      }
      for (const auto& port : zone.switch_ports) {
        const std::string key = port.chassis_id + " " + to_lower_ascii(port.port_id);
        if (!port_zone.emplace(key, zone.id).second) {
          errors.push_back({0, 0, "sites[" + site.id + "].zones[" + zone.id + "].switch_ports",
                            "switch port " + port.chassis_id + " " + port.port_id + " is also listed in zone " +
                                port_zone[key]});
        }
      }
    }
  }
  std::unordered_map<std::uint64_t, std::size_t> station_macs;
  for (std::size_t i = 0; i < data.stations.size(); ++i) {
    const auto& st = data.stations[i];
    const Located& at = station_where_[i];
    if (!station_macs.emplace(st.mac.bits(), i).second) {
      error_at(at, "duplicate station MAC " + st.mac.to_string());
    }
    const Site* site = nullptr;
    for (const auto& s : data.sites) {
      if (s.id == st.site) site = &s;
    }
    if (!site) {
      error_at(at, "unknown site " + quote_for_message(st.site));
    } else if (!st.zone.empty()) {
      const auto it = zone_site.find(st.zone);
      if (it == zone_site.end() || it->second != st.site) {
        error_at(at, "unknown zone " + quote_for_message(st.zone) + " in site " + quote_for_message(st.site));
      }
    }
  }
  // An ELIN is one address in the carrier's ALI database: in two pools, a
  // PSAP's callback could not say which zone it belongs to.
  std::unordered_map<std::string, std::string> elin_pool;
  for (const auto& [number, at] : elin_where_) {
    const std::string pool = at.path.substr(0, at.path.rfind(".elins"));
    const auto [it, fresh] = elin_pool.emplace(number, pool);
    if (!fresh && it->second != pool) error_at(at, "ELIN " + number + " is also in the pool of " + it->second);
  }
  // Two sites claiming one address range would place a caller at the wrong
  // site. Prefixes either nest or are disjoint, so overlap means nesting:
  // sweep in address order keeping the chain of enclosing prefixes.
  auto all = site_prefixes_;
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    if (a.first.network().family() != b.first.network().family()) return a.first.network().is_v4();
    if (a.first.first() != b.first.first()) return a.first.first() < b.first.first();
    return a.first.length() < b.first.length();
  });
  std::vector<const std::pair<IpPrefix, std::pair<std::string, Located>>*> chain;
  for (const auto& entry : all) {
    while (!chain.empty() && !chain.back()->first.overlaps(entry.first)) chain.pop_back();
    for (const auto* outer : chain) {
      if (outer->second.first != entry.second.first) {
        error_at(entry.second.second, "subnet " + entry.first.to_string() + " of site " + entry.second.first +
                                          " overlaps subnet " + outer->first.to_string() + " of site " +
                                          outer->second.first + " (line " + std::to_string(outer->second.second.line) + ")");
      } else if (outer->first == entry.first) {
        error_at(entry.second.second, "subnet " + entry.first.to_string() + " is listed twice in site " +
                                          entry.second.first + " (also line " +
                                          std::to_string(outer->second.second.line) + ")");
      }
    }
    chain.push_back(&entry);
  }
  // A VPN range says nothing about where a caller is; a site subnet inside
  // or around one contradicts it.
  for (const auto& [vpn, vat] : vpn_where_) {
    for (const auto& entry : site_prefixes_) {
      if (vpn.overlaps(entry.first)) {
        error_at(entry.second.second, "subnet " + entry.first.to_string() + " of site " + entry.second.first +
                                          " overlaps VPN range " + vpn.to_string() + " (line " +
                                          std::to_string(vat.line) + ")");
      }
    }
  }
}

}  // namespace

std::string format_diagnostic(std::string_view file, const Diagnostic& d) {
  std::string out(file);
  if (d.line > 0) out += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
  out += ": ";
  if (!d.path.empty()) out += d.path + ": ";
  out += d.message;
  return out;
}

RegistryLoad load_registry(std::string_view yaml_text) {
  RegistryLoad result;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    result.errors.push_back({e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1, "",
                             "YAML syntax error: " + e.msg});
    return result;
  }
  Loader loader;
  try {
    loader.load(root);
  } catch (const YAML::Exception& e) {
    loader.errors.push_back({e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1, "",
                             "unexpected structure: " + e.msg});
  }
  std::stable_sort(loader.errors.begin(), loader.errors.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
  result.errors = std::move(loader.errors);
  if (result.errors.empty()) result.registry = Registry::build(std::move(loader.data));
  return result;
}

RegistryLoad load_registry_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    RegistryLoad r;
    r.errors.push_back({0, 0, "", "cannot read registry file " + quote_for_message(path, 200)});
    return r;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_registry(text.str());
}

}  // namespace e911::registry
