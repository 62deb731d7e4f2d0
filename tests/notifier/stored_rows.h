#pragma once
// Rows for the notifier store's tests (notifier_store_test.cpp on SQLite,
// notifier_shared_store_test.cpp on PostgreSQL): a call awaiting
// acknowledgement, an alert of it, and the record each new alert asks for.

#include <optional>
#include <string>

#include "consumers/notifier/notifier_store.h"

namespace e911::notifier::test_rows {

inline StoredCall a_call(const std::string& id = "c-1") {
  StoredCall c;
  c.call_id = id;
  c.document = R"({"call_id":")" + id + R"("})";
  c.received_at = 1000;
  c.list = "london-security";
  c.ack_due_at = 5000;
  return c;
}

inline StoredAlert an_alert(const std::string& id, const std::string& call_id = "c-1",
                            const std::string& list = "london-security") {
  StoredAlert a;
  a.notification_id = id;
  a.call_id = call_id;
  a.list = list;
  a.recipient_name = "Desk";
  a.channel = "sms";
  a.address = "+442079460000";
  a.ack_id = "ack-" + id;
  a.next_attempt_at = 1000;
  a.created_at = 1000;
  return a;
}

inline const auto kNoRecord = [](const StoredAlert&) { return std::optional<OutboxRecord>{}; };
inline const auto kRecord = [](const StoredAlert& a) {
  return std::optional<OutboxRecord>{{0, a.call_id, "r-" + a.notification_id}};
};

}  // namespace e911::notifier::test_rows
