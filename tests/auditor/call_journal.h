#pragma once
// Builds an audit journal for query tests the way the consumer does:
// e911.emergency-call/v1 documents, e911.notification/v1 records,
// e911.elin-lookup/v1 records and e911.location-update/v1 records (and
// tombstones), written from a few fields, turned into drafts
// (audit_record.h, registration_record.h) and ingested
// (AuditStore::ingest, which keeps audit_calls/audit_alerts and
// audit_registrations).

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>
#include <vector>

#include "consumers/auditor/audit_record.h"
#include "consumers/auditor/registration_record.h"
#include "consumers/auditor/store/audit_store.h"
#include "tests/auditor/audit_test_support.h"

namespace e911::auditor::test {

struct CallSpec {
  std::string call_id{};
  std::string call_class = "emergency";
  std::string dialed = "911";
  std::string occurred_at{};  // RFC 3339; empty: null
  std::string site_id{};
  std::string user_id{}, name{}, extension{}, callback{};
  bool dispatchable = true;
  std::vector<std::string> warnings{};
  std::string routing = "psap";
  std::string notify = "security";
  std::string elin{};  // the ELIN conveyed; empty: none
  // Set: the location is the caller's registered one, validated or not.
  std::optional<bool> registered_validated{};
  std::string pidf_lo{};  // the PIDF-LO conveyed; empty: none
};

struct RegistrationSpec {
  std::string user_id{};
  std::string event_id{};
  std::string registered_at = "2026-11-21T09:00:00Z";
  std::string source = "user";  // empty: none
  bool validated = true;
  std::string name{};  // the address's name (NAM), first on its one line
  std::string street = "Example Ave";
};

struct LookupSpec {
  std::string lookup_id{};
  std::string elin{};
  std::string looked_up_at = "2026-11-21T10:20:00Z";
  std::string via = "http";
  std::string by = "pbx-callback";
  std::string call_id{};  // empty: the ELIN reached no call
  std::string pool = "austin-office";
  std::string assigned_at = "2026-11-21T10:15:00Z";
};

struct NotificationSpec {
  std::string call_id{};
  std::string list{}, name{}, address{};
  std::string channel = "email";
  std::string status{};  // sent, delivered, retrying, failed, escalated, acknowledged
  int attempt = 1;
  std::string at{};  // RFC 3339
  std::optional<std::int64_t> latency_ms{};
  std::string error{}, escalated_to{}, acknowledged_by{};
};

class CallJournal {
 public:
  explicit CallJournal(AuditStore& store) : store_(store) {}

  void call(const CallSpec& c) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    text(w, "schema", std::string(kEmergencyCallSchema));
    text(w, "event_id", "ev-" + c.call_id);
    text(w, "call_id", c.call_id);
    text(w, "class", c.call_class);
    text(w, "dialed", c.dialed);
    text_or_null(w, "occurred_at", c.occurred_at);
    text(w, "country", "GB");
    w.Key("caller");
    w.StartObject();
    text_or_null(w, "user_id", c.user_id);
    text_or_null(w, "name", c.name);
    text_or_null(w, "extension", c.extension);
    text_or_null(w, "callback", c.callback);
    w.EndObject();
    if (!c.site_id.empty()) text(w, "site_id", c.site_id);
    w.Key("location");
    w.StartObject();
    text(w, "source", c.registered_validated ? "registered" : c.dispatchable ? "subnet" : "none");
    w.Key("dispatchable");
    w.Bool(c.dispatchable);
    if (c.registered_validated) {
      w.Key("validated");
      w.Bool(*c.registered_validated);
    }
    if (c.dispatchable) {
      if (!c.site_id.empty()) text(w, "site_id", c.site_id);
      text(w, "label", "Level 4");
      w.Key("address");
      w.StartObject();
      text(w, "country", "GB");
      text(w, "city", "London");
      text(w, "street", "Example Road");
      text(w, "house_number", "1");
      w.EndObject();
    }
    w.EndObject();
    text(w, "routing", c.routing);
    w.Key("warnings");
    w.StartArray();
    for (const auto& code : c.warnings) w.String(code.c_str());
    w.EndArray();
    text(w, "notify", c.notify);
    if (!c.elin.empty()) text(w, "elin", c.elin);
    if (!c.pidf_lo.empty()) text(w, "pidf_lo", c.pidf_lo);
    w.EndObject();
    auto drafts = drafts_for_emergency_call(buf.GetString(), next_source("e911.emergency-calls"), kJournaledAt);
    ASSERT_TRUE(drafts.ok()) << drafts.error().message << "\n" << buf.GetString();
    store_.ingest(*drafts, {}, signer_);
  }

  void notification(const NotificationSpec& n) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    text(w, "schema", std::string(kNotificationSchema));
    text(w, "notification_id", n.call_id + "/" + n.list + "/" + n.name + "/" + n.channel);
    text(w, "call_id", n.call_id);
    if (!n.list.empty()) text(w, "list", n.list);
    if (!n.name.empty() || !n.address.empty()) {
      w.Key("recipient");
      w.StartObject();
      text_or_null(w, "name", n.name);
      text_or_null(w, "address", n.address);
      w.EndObject();
    }
    text(w, "channel", n.channel);
    w.Key("attempt");
    w.Int(n.attempt);
    text(w, "status", n.status);
    text(w, "at", n.at);
    if (n.latency_ms) {
      w.Key("latency_ms");
      w.Int64(*n.latency_ms);
    }
    if (!n.error.empty()) text(w, "error", n.error);
    if (!n.escalated_to.empty()) text(w, "escalated_to", n.escalated_to);
    if (!n.acknowledged_by.empty()) text(w, "acknowledged_by", n.acknowledged_by);
    w.EndObject();
    auto draft = draft_for_notification(buf.GetString(), next_source("e911.notifications"), kJournaledAt);
    ASSERT_TRUE(draft.ok()) << draft.error().message << "\n" << buf.GetString();
    store_.ingest({*draft}, {}, signer_);
  }

  // An e911.elin-lookup/v1 record: reachable when it names a call.
  void lookup(const LookupSpec& l) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    text(w, "schema", std::string(kElinLookupSchema));
    text(w, "lookup_id", l.lookup_id);
    text(w, "elin", l.elin);
    text(w, "looked_up_at", l.looked_up_at);
    text(w, "via", l.via);
    text(w, "by", l.by);
    w.Key("reachable");
    w.Bool(!l.call_id.empty());
    if (!l.call_id.empty()) {
      text(w, "call_id", l.call_id);
      text(w, "pool", l.pool);
      text(w, "assigned_at", l.assigned_at);
    }
    w.EndObject();
    auto draft = draft_for_elin_lookup(buf.GetString(), next_source("e911.elin-lookups"), kJournaledAt);
    ASSERT_TRUE(draft.ok()) << draft.error().message << "\n" << buf.GetString();
    store_.ingest({*draft}, {}, signer_);
  }

  // An e911.location-updates record.
  void registration(const RegistrationSpec& r) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    text(w, "schema", "e911.location-update/v1");
    text(w, "event_id", r.event_id);
    text(w, "occurred_at", r.registered_at);
    text(w, "user_id", r.user_id);
    if (!r.source.empty()) text(w, "source", r.source);
    w.Key("validated");
    w.Bool(r.validated);
    w.Key("address");
    w.StartObject();
    text(w, "country", "US");
    text(w, "state", "TX");
    text(w, "city", "Austin");
    text(w, "street", r.street);
    text(w, "house_number", "500");
    text(w, "postal_code", "78701");
    if (!r.name.empty()) text(w, "name", r.name);
    w.EndObject();
    w.Key("network");
    w.StartObject();
    text(w, "ip", "198.51.100.7");
    w.EndObject();
    w.EndObject();
    auto draft = draft_for_location_update(buf.GetString(), next_source("e911.location-updates"), kJournaledAt);
    ASSERT_TRUE(draft.ok()) << draft.error().message << "\n" << buf.GetString();
    store_.ingest({*draft}, {}, signer_);
  }
  // A tombstone keyed `user_id`, produced at `at`.
  void withdrawal(const std::string& user_id, EpochMillis at) {
    auto draft = draft_for_withdrawal(user_id, next_source("e911.location-updates"), at, kJournaledAt);
    ASSERT_TRUE(draft.ok()) << draft.error().message;
    store_.ingest({*draft}, {}, signer_);
  }

  const Signer& signer() const { return signer_; }

  static constexpr EpochMillis kJournaledAt = 1795255200000;  // 2026-11-21T10:00:00Z

 private:
  using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
  static void text(Writer& w, const char* name, const std::string& value) {
    w.Key(name);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  static void text_or_null(Writer& w, const char* name, const std::string& value) {
    if (value.empty()) {
      w.Key(name);
      w.Null();
    } else {
      text(w, name, value);
    }
  }
  SourceRecord next_source(const std::string& topic) { return {topic, 0, offset_++}; }

  AuditStore& store_;
  Signer signer_ = test::signer(SigningAlgorithm::hs256, "k-query");
  std::int64_t offset_ = 0;
};

}  // namespace e911::auditor::test
