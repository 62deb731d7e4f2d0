#pragma once
// How the auditors' answers (call_query.h) are written out: calls as JSON
// or CSV, one call's record as JSON or as a readable timeline, and the
// compliance report as text, JSON or CSV. Pure: strings in, strings out,
// so `e911 audit` and the HTTP API write the same thing and the escaping
// is tested directly.
//
// CSV is RFC 4180 with CRLF line ends, each field written by csv_field
// (common/csv.h: quoted when needed, safe to open in a spreadsheet).
//
// JSON: empty text is null (not known), times are RFC 3339 UTC with
// milliseconds, and the strings come from the store, whose text is valid
// UTF-8 (canonical JSON payloads).

#include <string>
#include <string_view>
#include <vector>

#include "common/csv.h"
#include "consumers/auditor/query/call_query.h"

namespace e911::auditor {

// ---- calls ----

// One call as a JSON object (one line, no line break).
std::string call_json(const CallRow& call);
// A JSON array of calls, one per line.
std::string calls_json_array(const std::vector<CallRow>& calls);

// The header line of calls_csv_row() (with CRLF), and one call.
std::string calls_csv_header();
std::string call_csv_row(const CallRow& call);

// ---- one call ----

// The plain words of a warning code ("vpn" -> "caller on VPN: network
// location not usable"), as the alerts said it (docs/notifier.md). A code
// this build does not know: "warning: <code>".
std::string warning_words(std::string_view code, const CallRow& call);

// {"call":{...},"alerts":[...],"entries":[{"seq",...,"payload":{...}}]}
std::string call_detail_json(const CallDetail& detail);
// For `e911 audit show`: the call's facts, the location conveyed with its
// warnings in plain words and the ELIN conveyed, each recipient's alerts
// in time order (status, attempt, latency, errors, acknowledgement,
// escalation), the lookups of the ELIN that reached the call ("ELIN
// +15125550190 looked up (http, by pbx-callback): reaches this call"), and
// the journal entries it comes from.
std::string call_timeline_text(const CallDetail& detail);

// ---- the compliance report ----

std::string report_text(const ComplianceReport& report);
std::string report_json(const ComplianceReport& report);
// One line for the overall figures (scope "overall"), then one per site.
std::string report_csv(const ComplianceReport& report);

}  // namespace e911::auditor
