#pragma once
// Building what the notifier writes about alerts, pure: new alert rows for
// a plan's targets, the e911.notifications record of an alert's state, its
// outbox entry, and the message a transport sends.

#include <string>
#include <vector>

#include "common/timestamp.h"
#include "consumers/notifier/alert_plan.h"
#include "consumers/notifier/call_context.h"
#include "consumers/notifier/notification_record.h"
#include "consumers/notifier/notifier_store.h"
#include "consumers/notifier/transport.h"

namespace e911::notifier {

// "emergency" or "test".
std::string class_name(const EmergencyCallView& call);

// "120 s", or "300 ms" when not whole seconds.
std::string duration_text(std::chrono::milliseconds d);

// Pending alerts for `targets`, due now, each with a new acknowledgement id.
std::vector<StoredAlert> new_alerts(const std::vector<AlertTarget>& targets, const std::string& call_id,
                                    const std::string& escalation_note, EpochMillis now);

// The alert's record with `status` at `at` (attempt at least 1).
NotificationRecord record_of(const StoredAlert& alert, const CallContext& call, const char* status, EpochMillis at);

// The record as an outbox entry (keyed by call id).
OutboxRecord outbox_entry(const NotificationRecord& record);

// What the transport of `channel` sends for `alert`: the e-mail, SMS or
// webhook body, with the acknowledgement link (empty: none) and, for
// webhooks, the signature when `webhook_secret` is set.
OutgoingAlert render_alert(const StoredAlert& alert, const CallContext& call, Channel channel,
                           const std::string& ack_url, const std::string& webhook_secret);

}  // namespace e911::notifier
