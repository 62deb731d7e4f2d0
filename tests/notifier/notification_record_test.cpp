#include "consumers/notifier/notification_record.h"

#include <gtest/gtest.h>

#include "tests/support/emitted.h"

namespace e911::notifier {
namespace {

TEST(NotificationRecord, EncodesEveryFieldTheSchemaNames) {
  NotificationRecord r;
  r.notification_id = "0f3a";
  r.call_id = "c-1";
  r.call_class = "emergency";
  r.list = "london-security";
  r.recipient_name = "London security desk";
  r.address = "+442079460000";
  r.channel = "sms";
  r.transport = "kannel";
  r.attempt = 2;
  r.status = "sent";
  r.call_occurred_at = 1'763'720'100'120;  // 2025-11-21T10:15:00.120Z
  r.at = r.call_occurred_at.value() + 850;
  const auto json = encode_notification(r);
  test::record_emitted("notifier-records", json);
  EXPECT_EQ(json,
            R"({"schema":"e911.notification/v1","notification_id":"0f3a","call_id":"c-1","class":"emergency",)"
            R"("list":"london-security","recipient":{"name":"London security desk","address":"+442079460000"},)"
            R"("channel":"sms","transport":"kannel","attempt":2,"status":"sent",)"
            R"("call_occurred_at":"2025-11-21T10:15:00.120Z","latency_ms":850,"at":"2025-11-21T10:15:00.970Z"})");
}

TEST(NotificationRecord, ClockSkewNeverGivesANegativeLatency) {
  NotificationRecord r;
  r.notification_id = "n";
  r.call_id = "c";
  r.channel = "email";
  r.status = "failed";
  r.error = "RCPT TO: 550 \"user\" unknown";
  r.call_occurred_at = 2000;
  r.at = 1000;
  const auto json = encode_notification(r);
  test::record_emitted("notifier-records", json);
  EXPECT_NE(json.find(R"("latency_ms":0)"), std::string::npos);
  EXPECT_NE(json.find(R"("error":"RCPT TO: 550 \"user\" unknown")"), std::string::npos);
}

}  // namespace
}  // namespace e911::notifier
