#pragma once
// Input documents for auditor tests: e911.emergency-call/v1 and
// e911.notification/v1 records with the fields the audit rows use set by
// the test, everything else as in schemas/examples.

#include <string>

#include "common/timestamp.h"

namespace e911::auditor::test {

struct CallDoc {
  std::string call_id = "c-1";
  std::string call_class = "emergency";
  std::string dialed = "911";
  EpochMillis occurred_at = 1795255200000;  // 2026-11-21T10:00:00Z
  std::string site_id = "austin-hq";
  std::string caller_name = "Jane Doe";
  std::string extension = "4001";
  std::string callback = "+15125550123";
  bool dispatchable = true;
  std::string label = "Austin HQ, Floor 3";
  std::string warnings_json = "[]";
  std::string notify = "austin-security";
};

// JSON text of a string value (quotes and backslashes escaped).
inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

inline std::string emergency_call_json(const CallDoc& d) {
  return R"({"schema":"e911.emergency-call/v1","event_id":"e-)" + d.call_id + R"(","call_id":)" + json_string(d.call_id) +
         R"(,"class":")" + d.call_class + R"(","dialed":")" + d.dialed + R"(","occurred_at":")" +
         format_rfc3339(d.occurred_at) + R"(","country":"US","caller":{"user_id":"u-)" + d.extension +
         R"(","name":)" + json_string(d.caller_name) + R"(,"extension":")" + d.extension + R"(","callback":")" +
         d.callback + R"("},"site_id":")" + d.site_id + R"(","location":{"source":"subnet","dispatchable":)" +
         (d.dispatchable ? "true" : "false") + R"(,"site_id":")" + d.site_id +
         R"(","zone_id":"z-3","label":)" + json_string(d.label) +
         R"(,"address":{"country":"US","state":"TX","city":"Austin","street":"Congress Ave","house_number":"500","floor":"3"},"geo":{"lat":30.2672,"lon":-97.7431}},"routing":"psap","warnings":)" +
         d.warnings_json + R"(,"notify":")" + d.notify +
         R"(","pidf_lo":"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"/>","resolved_at":")" +
         format_rfc3339(d.occurred_at + 3) + R"("})";
}

struct NotificationDoc {
  std::string call_id = "c-1";
  std::string notification_id = "c-1/austin-security/0/sms";
  std::string channel = "sms";
  std::string status = "sent";
  int attempt = 1;
  EpochMillis call_occurred_at = 1795255200000;
  std::int64_t latency_ms = 350;
  std::string recipient_name = "Austin front desk";
  std::string address = "+15125550100";
  std::string escalated_to;
  std::string acknowledged_by;
  std::string error;
};

inline std::string notification_json(const NotificationDoc& d) {
  std::string out = R"({"schema":"e911.notification/v1","notification_id":)" + json_string(d.notification_id) +
                    R"(,"call_id":)" + json_string(d.call_id) +
                    R"(,"class":"emergency","list":"austin-security","recipient":{"name":)" +
                    json_string(d.recipient_name) + R"(,"address":)" + json_string(d.address) + R"(},"channel":")" +
                    d.channel + R"(","attempt":)" + std::to_string(d.attempt) + R"(,"status":")" + d.status +
                    R"(","call_occurred_at":")" + format_rfc3339(d.call_occurred_at) + R"(","at":")" +
                    format_rfc3339(d.call_occurred_at + d.latency_ms) + R"(","latency_ms":)" +
                    std::to_string(d.latency_ms);
  if (!d.escalated_to.empty()) out += R"(,"escalated_to":)" + json_string(d.escalated_to);
  if (!d.acknowledged_by.empty()) out += R"(,"acknowledged_by":)" + json_string(d.acknowledged_by);
  if (!d.error.empty()) out += R"(,"error":)" + json_string(d.error);
  return out + "}";
}

}  // namespace e911::auditor::test
