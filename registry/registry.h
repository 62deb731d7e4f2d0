#pragma once
// The site registry: where things are and who is alerted
// (../shared/fixtures/registry.yaml is the reference). RegistryData is the
// plain content; Registry adds the lookup indexes and is immutable once
// built, so a reload swaps a whole new one in.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/civic_address.h"
#include "common/ip_address.h"
#include "common/mac_address.h"
#include "common/timestamp.h"
#include "registry/dial_plan.h"
#include "registry/directory.h"
#include "registry/subnet_index.h"

namespace e911::registry {

struct Contact {
  std::string name;
  std::string email;
  std::string sms;
  std::string webhook;
};

struct NotificationList {
  std::string id;
  std::vector<Contact> contacts;
};

struct SwitchPort {
  std::string chassis_id;  // canonical (see canonical_chassis_id)
  std::string port_id;
  std::string room;
};

struct Zone {
  std::string id;
  std::string name;
  std::string floor;
  CivicAddress address;  // fields that refine the site's (building, unit...)
  std::vector<IpPrefix> subnets;
  std::vector<MacAddress> access_points;
  std::vector<SwitchPort> switch_ports;
  // E.164 ELINs the carrier's ALI maps to this zone's address: a call
  // located here conveys one of them (elin_pool.h).
  std::vector<std::string> elins;
};

struct Site {
  std::string id;
  std::string name;
  std::string notify;
  std::string timezone;  // IANA name, for local times in alerts
  CivicAddress address;
  std::vector<IpPrefix> subnets;  // site-wide (building-level) ranges
  std::vector<Zone> zones;
  // E.164 main, queue and hunt-group numbers outbound calls may be masked
  // to: a callback to one of them does not reach the caller.
  std::vector<std::string> shared_numbers;
  // The site's ELIN pool, for calls located at the site but in no zone
  // with a pool of its own.
  std::vector<std::string> elins;
};

// A managed station's ALI record (PureConnect style): station MAC -> place.
struct Station {
  MacAddress mac{0};
  std::string extension;
  std::string site;
  std::string zone;
  std::string room;
  std::string name;
};

struct RegistryData {
  int version = 1;
  EpochMillis stale_after = 12 * 3'600'000;
  std::string fallback_list;  // alerted when no site list applies or a list fails
  bool alert_test_calls = true;
  std::vector<std::string> dial_prefixes;
  std::map<std::string, CountryNumbers> countries;
  std::vector<IpPrefix> vpn_ranges;
  std::map<std::string, NotificationList> notification_lists;
  std::vector<Site> sites;
  std::vector<Station> stations;
  std::vector<DirectoryEntry> directory;
};

// A place a network observation maps to: a site, maybe a zone, maybe a room.
struct Place {
  static constexpr std::uint32_t kNoZone = UINT32_MAX;
  std::uint32_t site = 0;
  std::uint32_t zone = kNoZone;
  std::string room;
};

class Registry {
 public:
  // Builds the indexes. The data must have passed validation
  // (registry_loader.h); lookups assume its references resolve.
  static std::shared_ptr<const Registry> build(RegistryData data);

  const RegistryData& data() const { return data_; }
  const DialPlan& dial_plan() const { return *dial_plan_; }

  const Site* site(std::string_view id) const;
  // The emergency number to tell people in `country` to dial: the first
  // the registry lists for it, else the country's usual one (911 in US and
  // CA, 999 in GB, 000 in AU, 112 elsewhere).
  std::string emergency_number(std::string_view country) const;
  const NotificationList* list(std::string_view id) const;

  const Place* by_switch_port(std::string_view chassis_id, std::string_view port_id) const;
  const Place* by_access_point(const MacAddress& bssid) const;
  const Place* by_station(const MacAddress& mac) const;
  const Place* by_subnet(const IpAddress& ip) const;
  bool in_vpn_range(const IpAddress& ip) const { return vpn_.lookup(ip) != SubnetIndex::kNone; }

  // Who each SIP identity is (directory.h).
  const Directory& directory() const { return *directory_; }
  bool has_directory() const { return !directory_->empty(); }

  const Site& site_of(const Place& p) const { return data_.sites[p.site]; }
  const Zone* zone_of(const Place& p) const;
  // The site's address refined by the zone (floor, overrides) and room.
  CivicAddress address_of(const Place& p) const;
  // "London HQ, Level 4, Room 4.12"
  std::string label_of(const Place& p) const;

  std::size_t memory_bytes() const;

 private:
  explicit Registry(RegistryData data);
  std::uint32_t add_place(Place p);

  RegistryData data_;
  std::unique_ptr<DialPlan> dial_plan_;
  std::unique_ptr<Directory> directory_;
  std::vector<Place> places_;
  std::unordered_map<std::string_view, std::uint32_t> sites_by_id_;
  SubnetIndex subnets_;
  SubnetIndex vpn_;
  std::unordered_map<std::uint64_t, std::uint32_t> access_points_;
  std::unordered_map<std::uint64_t, std::uint32_t> stations_;
  std::unordered_map<std::string, std::uint32_t> switch_ports_;  // "chassis\nport"
};

// A part of `registry` that keeps the whole of it alive, for a holder that
// needs only that part (the ingest: the dial plan, the directory).
inline std::shared_ptr<const DialPlan> shared_dial_plan(const std::shared_ptr<const Registry>& registry) {
  return {registry, &registry->dial_plan()};
}
inline std::shared_ptr<const Directory> shared_directory(const std::shared_ptr<const Registry>& registry) {
  return {registry, &registry->directory()};
}

}  // namespace e911::registry
