#include "producers/locations/sighting_record.h"

#include "common/events.h"
#include "common/json_writer.h"
#include "common/text.h"

namespace e911::locations {

std::string encode_sighting_record(const SightingRecord& record) {
  return json::encode_record(kLocationSightingSchema, [&](json::Writer& w) {
    json::put(w, "user_id", record.user_id);
    json::put(w, "seen_at", format_rfc3339(record.seen_at));
    json::put_network(w, "network", record.network.ip, record.network.bssid);
  });
}

Result<SightingRecord> decode_sighting_record(std::string_view json, const JsonLimits& limits) {
  rapidjson::Document doc;
  if (auto e = parse_record(json, limits, kLocationSightingSchema, doc)) return *e;
  FieldReader r(doc, "", limits);
  SightingRecord record;
  std::string seen_at;
  r.required_string("user_id", record.user_id);
  r.required_string("seen_at", seen_at);
  if (r.ok()) {
    if (const auto t = parse_rfc3339(seen_at)) record.seen_at = *t;
    else r.fail("seen_at", "not an RFC 3339 time: " + quote_for_message(seen_at));
  }
  if (!r.ok()) return *r.error();
  if (const auto* network = r.optional_object("network")) {
    FieldReader nr(*network, "network", limits);
    read_ip(nr, "ip", record.network.ip);
    read_mac(nr, "bssid", record.network.bssid);
    if (!nr.ok()) return *nr.error();
  }
  if (!r.ok()) return *r.error();
  return record;
}

bool sighting_worth_recording(const UserRecord* before, const SeenNetwork& now_seen, EpochMillis now,
                              EpochMillis refresh) {
  if (!before || before->asked_at == 0) return true;
  if (!now_seen.ip && !now_seen.bssid) return now - before->asked_at >= refresh;
  if (before->last_seen_at == 0) return true;
  if (before->last_seen.ip != now_seen.ip || before->last_seen.bssid != now_seen.bssid) return true;
  return now - before->last_seen_at >= refresh;
}

}  // namespace e911::locations
