#pragma once
// Builds an audit journal for query tests the way the consumer does:
// e911.emergency-call/v1 documents, e911.notification/v1 records,
// e911.elin-lookup/v1 records and e911.location-update/v1 records (and
// tombstones), written by hand from a few fields (json_writer.h's
// key-value helpers, not the producers' encoders), turned into drafts
// (audit_record.h, registration_record.h) and ingested
// (AuditStore::ingest, which keeps audit_calls/audit_alerts and
// audit_registrations).

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/json_writer.h"
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
    const auto document = json::encode_record(kEmergencyCallSchema, [&](Writer& w) {
      json::put(w, "event_id", "ev-" + c.call_id);
      json::put(w, "call_id", c.call_id);
      json::put(w, "class", c.call_class);
      json::put(w, "dialed", c.dialed);
      json::put_or_null(w, "occurred_at", c.occurred_at);
      json::put(w, "country", "GB");
      w.Key("caller");
      w.StartObject();
      json::put_or_null(w, "user_id", c.user_id);
      json::put_or_null(w, "name", c.name);
      json::put_or_null(w, "extension", c.extension);
      json::put_or_null(w, "callback", c.callback);
      w.EndObject();
      if (!c.site_id.empty()) json::put(w, "site_id", c.site_id);
      w.Key("location");
      w.StartObject();
      json::put(w, "source", c.registered_validated ? "registered" : c.dispatchable ? "subnet" : "none");
      w.Key("dispatchable");
      w.Bool(c.dispatchable);
      if (c.registered_validated) {
        w.Key("validated");
        w.Bool(*c.registered_validated);
      }
      if (c.dispatchable) {
        if (!c.site_id.empty()) json::put(w, "site_id", c.site_id);
        json::put(w, "label", "Level 4");
        w.Key("address");
        w.StartObject();
        json::put(w, "country", "GB");
        json::put(w, "city", "London");
        json::put(w, "street", "Example Road");
        json::put(w, "house_number", "1");
        w.EndObject();
      }
      w.EndObject();
      json::put(w, "routing", c.routing);
      w.Key("warnings");
      w.StartArray();
      for (const auto& code : c.warnings) w.String(code.c_str());
      w.EndArray();
      json::put(w, "notify", c.notify);
      if (!c.elin.empty()) json::put(w, "elin", c.elin);
      if (!c.pidf_lo.empty()) json::put(w, "pidf_lo", c.pidf_lo);
    });
    ingest(drafts_for_emergency_call(document, next_source("e911.emergency-calls"), kJournaledAt), document);
  }

  void notification(const NotificationSpec& n) {
    const auto document = json::encode_record(kNotificationSchema, [&](Writer& w) {
      json::put(w, "notification_id", n.call_id + "/" + n.list + "/" + n.name + "/" + n.channel);
      json::put(w, "call_id", n.call_id);
      if (!n.list.empty()) json::put(w, "list", n.list);
      if (!n.name.empty() || !n.address.empty()) {
        w.Key("recipient");
        w.StartObject();
        json::put_or_null(w, "name", n.name);
        json::put_or_null(w, "address", n.address);
        w.EndObject();
      }
      json::put(w, "channel", n.channel);
      w.Key("attempt");
      w.Int(n.attempt);
      json::put(w, "status", n.status);
      json::put(w, "at", n.at);
      if (n.latency_ms) {
        w.Key("latency_ms");
        w.Int64(*n.latency_ms);
      }
      if (!n.error.empty()) json::put(w, "error", n.error);
      if (!n.escalated_to.empty()) json::put(w, "escalated_to", n.escalated_to);
      if (!n.acknowledged_by.empty()) json::put(w, "acknowledged_by", n.acknowledged_by);
    });
    ingest(draft_for_notification(document, next_source("e911.notifications"), kJournaledAt), document);
  }

  // An e911.elin-lookup/v1 record: reachable when it names a call.
  void lookup(const LookupSpec& l) {
    const auto document = json::encode_record(kElinLookupSchema, [&](Writer& w) {
      json::put(w, "lookup_id", l.lookup_id);
      json::put(w, "elin", l.elin);
      json::put(w, "looked_up_at", l.looked_up_at);
      json::put(w, "via", l.via);
      json::put(w, "by", l.by);
      w.Key("reachable");
      w.Bool(!l.call_id.empty());
      if (!l.call_id.empty()) {
        json::put(w, "call_id", l.call_id);
        json::put(w, "pool", l.pool);
        json::put(w, "assigned_at", l.assigned_at);
      }
    });
    ingest(draft_for_elin_lookup(document, next_source("e911.elin-lookups"), kJournaledAt), document);
  }

  // An e911.location-updates record.
  void registration(const RegistrationSpec& r) {
    const auto document = json::encode_record(kLocationUpdateSchema, [&](Writer& w) {
      json::put(w, "event_id", r.event_id);
      json::put(w, "occurred_at", r.registered_at);
      json::put(w, "user_id", r.user_id);
      if (!r.source.empty()) json::put(w, "source", r.source);
      w.Key("validated");
      w.Bool(r.validated);
      w.Key("address");
      w.StartObject();
      json::put(w, "country", "US");
      json::put(w, "state", "TX");
      json::put(w, "city", "Austin");
      json::put(w, "street", r.street);
      json::put(w, "house_number", "500");
      json::put(w, "postal_code", "78701");
      if (!r.name.empty()) json::put(w, "name", r.name);
      w.EndObject();
      w.Key("network");
      w.StartObject();
      json::put(w, "ip", "198.51.100.7");
      w.EndObject();
    });
    ingest(draft_for_location_update(document, next_source("e911.location-updates"), kJournaledAt), document);
  }
  // A tombstone keyed `user_id`, produced at `at`.
  void withdrawal(const std::string& user_id, EpochMillis at) {
    ingest(draft_for_withdrawal(user_id, next_source("e911.location-updates"), at, kJournaledAt));
  }

  const Signer& signer() const { return signer_; }

  static constexpr EpochMillis kJournaledAt = 1795255200000;  // 2026-11-21T10:00:00Z

 private:
  using Writer = json::Writer;

  // The drafts the consumer made of `document` ingested; the test fails,
  // naming the document, when the consumer refused it.
  void ingest(const Result<std::vector<EntryDraft>>& drafts, const std::string& document) {
    ASSERT_TRUE(drafts.ok()) << drafts.error().message << "\n" << document;
    store_.ingest(*drafts, {}, signer_);
  }
  void ingest(const Result<EntryDraft>& draft, const std::string& document = {}) {
    ASSERT_TRUE(draft.ok()) << draft.error().message << (document.empty() ? "" : "\n") << document;
    store_.ingest({*draft}, {}, signer_);
  }
  SourceRecord next_source(const std::string& topic) { return {topic, 0, offset_++}; }

  AuditStore& store_;
  Signer signer_ = test::signer(SigningAlgorithm::hs256, "k-query");
  std::int64_t offset_ = 0;
};

// The journal `fill(CallJournal&)` writes, in the store at `url` (sqlite:PATH
// or postgresql://...), closed again: for the tests that then run
// `e911 audit` on that store.
template <typename Fill>
void journal_into(const std::string& url, Fill&& fill) {
  auto store = open_audit_store(url);
  CallJournal journal(*store);
  fill(journal);
}

// A new database on the shared PostgreSQL server holding the journal
// `fill` writes; its URL. The caller skips when there is no server.
template <typename Fill>
std::string postgres_journal(Fill&& fill) {
  auto& server = e911::test::PostgresServer::shared();
  const auto url = server.url(server.create_database());
  journal_into(url, fill);
  return url;
}

// A store on each backend (StoreTest) with a CallJournal writing into it:
// the fixture of the query tests whose journal is built here.
class JournalStoreTest : public StoreTest {
 protected:
  void SetUpStore() override {
    store_ = open_audit_store(url_, {.sqlite_sync = SqliteSync::normal});
    journal_ = std::make_unique<CallJournal>(*store_);
  }

  std::unique_ptr<AuditStore> store_;
  std::unique_ptr<CallJournal> journal_;
};

}  // namespace e911::auditor::test
