#include "registry/registry.h"

#include "common/text.h"

namespace e911::registry {
namespace {

std::string port_key(std::string_view chassis_id, std::string_view port_id) {
  std::string key(chassis_id);
  key += '\n';
  key += to_lower_ascii(port_id);
  return key;
}

}  // namespace

std::shared_ptr<const Registry> Registry::build(RegistryData data) {
  return std::shared_ptr<const Registry>(new Registry(std::move(data)));
}

std::uint32_t Registry::add_place(Place p) {
  places_.push_back(std::move(p));
  return static_cast<std::uint32_t>(places_.size() - 1);
}

Registry::Registry(RegistryData data) : data_(std::move(data)) {
  dial_plan_ = std::make_unique<DialPlan>(data_.countries, data_.dial_prefixes);
  directory_ = std::make_unique<Directory>(data_.directory);
  std::unordered_map<std::string, std::uint32_t> zone_place;  // zone id -> its place
  for (std::uint32_t s = 0; s < data_.sites.size(); ++s) {
    const Site& site = data_.sites[s];
    sites_by_id_.emplace(site.id, s);
    if (!site.subnets.empty()) {
      const auto site_place = add_place(Place{s, Place::kNoZone, {}});
      for (const auto& prefix : site.subnets) subnets_.add(prefix, site_place);
    }
    for (std::uint32_t z = 0; z < site.zones.size(); ++z) {
      const Zone& zone = site.zones[z];
      const auto place = add_place(Place{s, z, {}});
      zone_place.emplace(zone.id, place);
      for (const auto& prefix : zone.subnets) subnets_.add(prefix, place);
      for (const auto& ap : zone.access_points) access_points_.emplace(ap.bits(), place);
      for (const auto& port : zone.switch_ports) {
        const auto port_place = port.room.empty() ? place : add_place(Place{s, z, port.room});
        switch_ports_.emplace(port_key(port.chassis_id, port.port_id), port_place);
      }
    }
  }
  for (const auto& station : data_.stations) {
    const auto site_it = sites_by_id_.find(station.site);
    if (site_it == sites_by_id_.end()) continue;
    Place p{site_it->second, Place::kNoZone, station.room};
    const auto& zones = data_.sites[site_it->second].zones;
    for (std::uint32_t z = 0; z < zones.size(); ++z) {
      if (zones[z].id == station.zone) p.zone = z;
    }
    stations_.emplace(station.mac.bits(), add_place(std::move(p)));
  }
  for (const auto& prefix : data_.vpn_ranges) vpn_.add(prefix, 0);
  subnets_.build();
  vpn_.build();
}

std::string Registry::emergency_number(std::string_view country) const {
  const auto it = data_.countries.find(std::string(country));
  if (it != data_.countries.end() && !it->second.emergency.empty()) return it->second.emergency.front();
  if (country == "US" || country == "CA") return "911";
  if (country == "GB") return "999";
  if (country == "AU") return "000";
  return "112";
}

const Site* Registry::site(std::string_view id) const {
  const auto it = sites_by_id_.find(id);
  return it == sites_by_id_.end() ? nullptr : &data_.sites[it->second];
}

const NotificationList* Registry::list(std::string_view id) const {
  const auto it = data_.notification_lists.find(std::string(id));
  return it == data_.notification_lists.end() ? nullptr : &it->second;
}

const Place* Registry::by_switch_port(std::string_view chassis_id, std::string_view port_id) const {
  const auto it = switch_ports_.find(port_key(chassis_id, port_id));
  return it == switch_ports_.end() ? nullptr : &places_[it->second];
}

const Place* Registry::by_access_point(const MacAddress& bssid) const {
  const auto it = access_points_.find(bssid.bits());
  return it == access_points_.end() ? nullptr : &places_[it->second];
}

const Place* Registry::by_station(const MacAddress& mac) const {
  const auto it = stations_.find(mac.bits());
  return it == stations_.end() ? nullptr : &places_[it->second];
}

const Place* Registry::by_subnet(const IpAddress& ip) const {
  const auto v = subnets_.lookup(ip);
  return v == SubnetIndex::kNone ? nullptr : &places_[v];
}

const Zone* Registry::zone_of(const Place& p) const {
  if (p.zone == Place::kNoZone) return nullptr;
  return &data_.sites[p.site].zones[p.zone];
}

CivicAddress Registry::address_of(const Place& p) const {
  CivicAddress a = site_of(p).address;
  if (const Zone* z = zone_of(p)) {
    a.merge_from(z->address);
    if (!z->floor.empty()) a.floor = z->floor;
  }
  if (!p.room.empty()) a.room = p.room;
  return a;
}

std::string Registry::label_of(const Place& p) const {
  const Site& s = site_of(p);
  std::string label = s.name.empty() ? s.id : s.name;
  if (const Zone* z = zone_of(p)) label += ", " + (z->name.empty() ? z->id : z->name);
  if (!p.room.empty()) label += ", Room " + p.room;
  return label;
}

std::size_t Registry::memory_bytes() const {
  return subnets_.memory_bytes() + vpn_.memory_bytes() + places_.capacity() * sizeof(Place) +
         (access_points_.size() + stations_.size()) * 32 + (switch_ports_.size() + directory_->size()) * 64;
}

}  // namespace e911::registry
