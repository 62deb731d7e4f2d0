// Rendering of the auditors' answers (call_rendering.h): CSV escaping and
// formula neutralisation, JSON, the readable timeline and the report.

#include "consumers/auditor/query/call_rendering.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "tests/auditor/row_columns.h"
#include "tests/support/text_contains.h"

namespace e911::auditor {
namespace {

CallRow sample_call() {
  CallRow c;
  c.call_id = "c-1";
  c.call_class = "emergency";
  c.dialed = "911";
  c.occurred_at = *parse_rfc3339("2026-11-21T10:15:00.120Z");
  c.site_id = "london-hq";
  c.caller_user_id = "u-5001";
  c.caller_name = "John Smith";
  c.caller_extension = "5001";
  c.callback = "+442079460101";
  c.location_source = "registered";
  c.location_label = "Home";
  c.location_address = "1 Example Road, London, GB";
  c.dispatchable = true;
  c.warnings = {"vpn", "stale-location"};
  c.routing = "psap";
  c.notify_list = "london-security";
  c.alerts_total = 2;
  c.alerts_delivered = 2;
  c.first_alert_latency_ms = 360;
  c.acknowledged_at = *parse_rfc3339("2026-11-21T10:15:41.000Z");
  c.acknowledged_by = "London duty manager";
  c.notified = true;
  c.all_delivered = true;
  return c;
}

// Splits RFC 4180 CSV into records of fields (quoted fields may hold
// commas, quotes and line breaks).
std::vector<std::vector<std::string>> parse_csv(const std::string& csv) {
  std::vector<std::vector<std::string>> records(1);
  std::string field;
  bool quoted = false, field_started = false;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && !field_started) {
      quoted = field_started = true;
    } else if (c == ',') {
      records.back().push_back(field);
      field.clear();
      field_started = false;
    } else if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') {
      records.back().push_back(field);
      field.clear();
      field_started = false;
      records.emplace_back();
      ++i;
    } else {
      EXPECT_NE(c, '"') << "a bare quote in an unquoted field";
      field += c;
      field_started = true;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quoted field";
  if (records.back().empty() && field.empty()) records.pop_back();
  return records;
}

// What csv_field writes for a field: quoted only when needed, and a
// leading formula character neutralised with a quote.
TEST(CallRendering, CsvFieldsAreQuotedOnlyWhenNeededAndFormulasNeutralised) {
  struct Case {
    std::string field, written;
  };
  const Case cases[] = {
      // Quoted only when needed.
      {"plain", "plain"},
      {"", ""},
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"two\nlines", "\"two\nlines\""},
      {"cr\rhere", "\"cr\rhere\""},
      {"Ana García 🚑", "Ana García 🚑"},
      // Spreadsheet formulas neutralised.
      {"=cmd()", "'=cmd()"},
      {"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
      {"-2+3", "'-2+3"},
      {"@SUM(A1)", "'@SUM(A1)"},
      {"\tx", "'\tx"},
      {"\rx", "\"'\rx\""},
      {"=HYPERLINK(\"http://x\",\"a,b\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\""},
      // A signed number is a number, never a formula: callback numbers stay as they are.
      {"+442079460101", "+442079460101"},
      {"-5", "-5"},
      {"+", "'+"},
      {"a=b", "a=b"},
  };
  for (const auto& c : cases) EXPECT_EQ(csv_field(c.field), c.written) << c.field;
}

TEST(CallRendering, HostileCallerNamesSurviveACsvRoundTrip) {
  const std::vector<std::string> names = {"Smith, John", "O\"Brien \"the quote\"", "line one\r\nline two",
                                          "=cmd()", "=HYPERLINK(\"http://evil\",\"click\")", "@foo", "-1+1"};
  std::string csv = calls_csv_header();
  for (const auto& n : names) {
    auto c = sample_call();
    c.caller_name = n;
    csv += call_csv_row(c);
  }
  const auto records = parse_csv(csv);
  ASSERT_EQ(records.size(), names.size() + 1);
  const auto& header = records[0];
  const auto name_col = std::find(header.begin(), header.end(), "caller_name") - header.begin();
  ASSERT_LT(static_cast<std::size_t>(name_col), header.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    ASSERT_EQ(records[i + 1].size(), header.size()) << names[i];
    const auto& shown = records[i + 1][static_cast<std::size_t>(name_col)];
    const char first = names[i][0];
    const bool neutralised = first == '=' || first == '@' || first == '-';
    EXPECT_EQ(shown, (neutralised ? "'" : "") + names[i]);
  }
}

TEST(CallRendering, CallCsvRowHasEveryColumn) {
  const auto records = parse_csv(calls_csv_header() + call_csv_row(sample_call()));
  ASSERT_EQ(records.size(), 2u);
  ASSERT_EQ(records[0].size(), records[1].size());
  std::map<std::string, std::string> row;
  for (std::size_t i = 0; i < records[0].size(); ++i) row[records[0][i]] = records[1][i];
  test::expect_columns(row, {{"call_id", "c-1"}, {"occurred_at", "2026-11-21T10:15:00.120Z"},
                             {"callback", "+442079460101"}, {"dispatchable", "yes"}, {"warnings", "vpn,stale-location"},
                             {"first_alert_latency_ms", "360"}, {"notified", "yes"}});
  EXPECT_EQ(row["elin"], "") << "none conveyed";
  auto with_elin = sample_call();
  with_elin.elin = "+15125550190";
  const auto again = parse_csv(calls_csv_header() + call_csv_row(with_elin));
  ASSERT_EQ(again[1].size(), again[0].size());
  ASSERT_GE(again[0].size(), 2u);
  EXPECT_EQ(again[0][again[0].size() - 2], "elin") << "new columns come last: readers by position keep working";
  EXPECT_EQ(again[1][again[1].size() - 2], "+15125550190") << "a number, left as it is";
  // Whether a registered location was validated: the last column, yes, no
  // or empty (another source, or not said).
  EXPECT_EQ(again[0].back(), "location_validated");
  EXPECT_EQ(again[1].back(), "");
  auto registered = sample_call();
  registered.location_source = "registered";
  registered.location_validated = false;
  EXPECT_EQ(parse_csv(calls_csv_header() + call_csv_row(registered))[1].back(), "no");
}

TEST(CallRendering, CallJsonIsValidAndNullsWhatIsNotKnown) {
  auto c = sample_call();
  c.caller_name = "Quote \" backslash \\ newline \n tab \t";
  c.dialed.clear();
  c.dispatchable.reset();
  const auto json = call_json(c);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json;
  EXPECT_STREQ(doc["caller"]["name"].GetString(), c.caller_name.c_str());
  EXPECT_TRUE(doc["dialed"].IsNull());
  EXPECT_TRUE(doc["location"]["dispatchable"].IsNull());
  EXPECT_STREQ(doc["occurred_at"].GetString(), "2026-11-21T10:15:00.120Z");
  EXPECT_EQ(doc["first_alert_latency_ms"].GetInt64(), 360);
  EXPECT_EQ(doc["warnings"].Size(), 2u);
  EXPECT_TRUE(doc["all_delivered"].GetBool());
  EXPECT_TRUE(doc["elin"].IsNull());
  c.elin = "+15125550190";
  doc.Parse(call_json(c).c_str());
  EXPECT_STREQ(doc["elin"].GetString(), "+15125550190");
  EXPECT_TRUE(doc["location"]["validated"].IsNull()) << "not a registered location";
  c.location_validated = true;
  doc.Parse(call_json(c).c_str());
  EXPECT_TRUE(doc["location"]["validated"].GetBool());

  rapidjson::Document array;
  const auto text = calls_json_array({c, sample_call()});
  array.Parse(text.c_str());
  ASSERT_FALSE(array.HasParseError()) << text;
  EXPECT_EQ(array.Size(), 2u);
  array.Parse(calls_json_array({}).c_str());
  ASSERT_TRUE(array.IsArray());
  EXPECT_EQ(array.Size(), 0u);
}

CallDetail sample_detail() {
  CallDetail d;
  d.call = sample_call();
  d.call.site_id = "paris";
  d.call.warnings = {"vpn", "site-mismatch", "brand-new-code"};
  AlertRow a;
  a.notification_id = "n-1";
  a.list = "london-security";
  a.recipient_name = "London duty manager";
  a.recipient_address = "+447700900123";
  a.channel = "sms";
  a.status = "acknowledged";
  d.alerts.push_back(a);
  const auto entry = [&](std::int64_t seq, std::string kind, std::string payload) {
    AuditEntry e;
    e.seq = seq;
    e.kind = std::move(kind);
    e.call_id = "c-1";
    e.at = *parse_rfc3339("2026-11-21T10:15:05.000Z");
    e.payload = std::move(payload);
    e.hash = std::string(64, 'a');
    e.key_id = "k-1";
    d.entries.push_back(std::move(e));
  };
  entry(7, "call.recorded", R"({"call_id":"c-1","class":"emergency"})");
  entry(8, "location.conveyed", R"({"call_id":"c-1","routing":"psap"})");
  entry(9, "notification",
        R"({"at":"2026-11-21T10:15:41.000Z","attempt":1,"call_id":"c-1","channel":"sms","list":"london-security",)"
        R"("recipient":{"address":"+447700900123","name":"London duty manager"},"status":"acknowledged",)"
        R"("acknowledged_by":"London duty manager","latency_ms":40880})");
  entry(10, "notification",
        R"({"at":"2026-11-21T10:15:02.903Z","attempt":1,"call_id":"c-1","channel":"sms","list":"london-security",)"
        R"("recipient":{"address":"+447700900123","name":"London duty manager"},"status":"delivered","latency_ms":2783})");
  entry(11, "notification",
        R"({"at":"2026-11-21T10:17:00.000Z","attempt":3,"call_id":"c-1","channel":"email","list":"london-security",)"
        R"("recipient":{"address":"desk@example.com","name":"Desk\r\nFAKE LINE"},"status":"escalated",)"
        R"("escalated_to":"corporate-soc","error":"not acknowledged within 120s"})");
  return d;
}

TEST(CallRendering, TimelineSaysWhatHappenedInPlainWords) {
  const auto text = call_timeline_text(sample_detail());
  for (const char* expected : {
           "Call c-1: EMERGENCY call, dialed 911",
           "2026-11-21T10:15:00.120Z",
           "John Smith (user u-5001, extension 5001)",
           "+442079460101",
           "from registered, dispatchable",
           "caller on VPN: registered home address used",
           "caller is physically at paris (not their home site)",
           "warning: brand-new-code",
           "acknowledged by London duty manager at 2026-11-21T10:15:41.000Z",
           "London duty manager <+447700900123> (list london-security)",
           "escalated to corporate-soc",
           "(not acknowledged within 120s)",
           "seq 9",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  // The recipient's alerts in time order: delivered (10:15:02) before acknowledged (10:15:41).
  const auto delivered = text.find("+2783 ms  sms attempt 1  delivered");
  const auto acknowledged = text.find("+40.9 s  sms attempt 1  acknowledged by London duty manager");
  ASSERT_NE(delivered, std::string::npos) << text;
  ASSERT_NE(acknowledged, std::string::npos) << text;
  EXPECT_LT(delivered, acknowledged);
  // A hostile name cannot forge a line.
  EXPECT_EQ(text.find("\nFAKE LINE"), std::string::npos) << text;
  EXPECT_NE(text.find("Desk  FAKE LINE <desk@example.com>"), std::string::npos) << text;
}

// The ELIN conveyed, and who looked it up, in the call's timeline.
TEST(CallRendering, TimelineShowsTheElinConveyedAndItsLookups) {
  auto d = sample_detail();
  d.call.elin = "+15125550190";
  const auto lookup = [&](std::int64_t seq, std::string payload) {
    AuditEntry e;
    e.seq = seq;
    e.kind = "elin.lookup";
    e.call_id = "c-1";
    e.at = *parse_rfc3339("2026-11-21T10:30:00.000Z");
    e.payload = std::move(payload);
    d.entries.push_back(std::move(e));
  };
  lookup(12, R"({"assigned_at":"2026-11-21T10:15:00.000Z","by":"pbx-callback","call_id":"c-1",)"
             R"("elin":"+15125550190","looked_up_at":"2026-11-21T10:22:10.000Z","lookup_id":"lk-1",)"
             R"("pool":"austin-office","reachable":true,"via":"http"})");
  lookup(13, R"({"as_of":"2026-11-21T10:20:00Z","by":"secops\u001b[2J","call_id":"c-1","elin":"+15125550190",)"
             R"("looked_up_at":"2026-11-21T11:00:00.000Z","lookup_id":"lk-2","reachable":true,"via":"cli"})");
  const auto text = call_timeline_text(d);
  for (const char* expected : {
           "  ELIN      +15125550190 (callbacks to it reach this call while assigned)\n",
           "ELIN lookups\n"
           "  2026-11-21T10:22:10.000Z  ELIN +15125550190 looked up (http, by pbx-callback): reaches this call "
           "(pool austin-office)\n"
           "  2026-11-21T11:00:00.000Z  ELIN +15125550190 looked up (cli, by secops [2J) as of "
           "2026-11-21T10:20:00Z: reaches this call\n",
           "seq 12  2026-11-21T10:30:00.000Z  elin.lookup",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << "no terminal escapes from a payload";
  // Without an ELIN and lookups, neither section.
  const auto plain = call_timeline_text(sample_detail());
  EXPECT_EQ(plain.find("ELIN"), std::string::npos) << plain;
}

// A registered location: whether it was validated, in the alerts' words.
TEST(CallRendering, TimelineSaysWhetherARegisteredAddressWasValidated) {
  auto d = sample_detail();
  d.call.location_source = "registered";
  d.call.location_validated = false;
  EXPECT_NE(call_timeline_text(d).find("\n  check     address registered by the user, NOT validated\n"),
            std::string::npos)
      << call_timeline_text(d);
  d.call.location_validated = true;
  EXPECT_NE(call_timeline_text(d).find("address registered by the user, validated by an address provider"),
            std::string::npos);
  EXPECT_EQ(call_timeline_text(sample_detail()).find("check"), std::string::npos);
}

TEST(CallRendering, TimelineOfAnUnroutableCall) {
  CallDetail d;
  d.call.call_id = "c-6";
  d.call.call_class = "emergency";
  d.call.dispatchable = false;
  d.call.location_source = "none";
  d.call.routing = "ecrc";
  const auto text = call_timeline_text(d);
  e911::test::expect_contains_all(text, {"NO DISPATCHABLE LOCATION: call routed to the emergency relay centre",
                                         "location is NOT dispatchable: confirm it with the caller", "not identified",
                                         "no callback number", "none journaled", "not acknowledged"});
}

TEST(CallRendering, DetailJsonEmbedsThePayloads) {
  const auto json = call_detail_json(sample_detail());
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json;
  EXPECT_STREQ(doc["call"]["call_id"].GetString(), "c-1");
  ASSERT_EQ(doc["alerts"].Size(), 1u);
  EXPECT_STREQ(doc["alerts"][0]["recipient"]["name"].GetString(), "London duty manager");
  ASSERT_EQ(doc["entries"].Size(), 5u);
  EXPECT_EQ(doc["entries"][2]["seq"].GetInt64(), 9);
  EXPECT_STREQ(doc["entries"][2]["payload"]["status"].GetString(), "acknowledged");
}

ComplianceReport sample_report() {
  ComplianceReport r;
  r.filter.from = *parse_rfc3339("2026-11-01T00:00:00Z");
  r.filter.to = *parse_rfc3339("2026-12-01T00:00:00Z");
  ComplianceFigures london;
  london.site_id = "london-hq";
  london.emergency_calls = 3;
  london.test_calls = 1;
  london.dispatchable = 2;
  london.notified = 3;
  london.all_delivered = 1;
  london.alert_latency = {3, 200, 900, 900};
  london.alerts_failed = 2;
  london.alerts_escalated = 1;
  london.callback_shared = 2;
  ComplianceFigures evil;
  evil.site_id = "=cmd()";
  r.overall = london;
  r.overall.site_id.clear();
  r.sites = {london, evil};
  return r;
}

TEST(CallRendering, ReportAsText) {
  const auto text = report_text(sample_report());
  EXPECT_NE(text.find("from 2026-11-01T00:00:00.000Z to 2026-12-01T00:00:00.000Z"), std::string::npos) << text;
  EXPECT_NE(text.find("2 (66.7%)"), std::string::npos) << text;
  EXPECT_NE(text.find("3 (100.0%)"), std::string::npos) << text;
  EXPECT_NE(text.find("london-hq"), std::string::npos) << text;
  EXPECT_NE(text.find("nearest-rank"), std::string::npos) << text;
  EXPECT_NE(report_text(ComplianceReport{}).find("all time"), std::string::npos);
}

TEST(CallRendering, ReportAsJson) {
  const auto json = report_json(sample_report());
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json;
  EXPECT_STREQ(doc["from"].GetString(), "2026-11-01T00:00:00.000Z");
  EXPECT_TRUE(doc["site"].IsNull());
  EXPECT_TRUE(doc["overall"]["site_id"].IsNull());
  EXPECT_DOUBLE_EQ(doc["overall"]["dispatchable_percent"].GetDouble(), 66.7);
  EXPECT_DOUBLE_EQ(doc["overall"]["notified_percent"].GetDouble(), 100.0);
  EXPECT_EQ(doc["overall"]["alert_latency_ms"]["p95"].GetInt64(), 900);
  ASSERT_EQ(doc["sites"].Size(), 2u);
  EXPECT_TRUE(doc["sites"][1]["alert_latency_ms"]["p50"].IsNull());
  EXPECT_EQ(doc["sites"][0]["callback_shared"].GetUint64(), 2u);
  EXPECT_EQ(doc["sites"][0]["callback_missing"].GetUint64(), 0u);
  EXPECT_EQ(doc["sites"][0]["elin_reused"].GetUint64(), 0u);
}

TEST(CallRendering, ReportAsCsv) {
  const auto records = parse_csv(report_csv(sample_report()));
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0][0], "scope");
  EXPECT_EQ(records[1][0], "overall");
  EXPECT_EQ(records[1][5], "66.7");
  EXPECT_EQ(records[2][1], "london-hq");
  EXPECT_EQ(records[0][16], "callback_shared");
  EXPECT_EQ(records[2][16], "2");
  EXPECT_EQ(records[3][1], "'=cmd()");
  for (const auto& r : records) EXPECT_EQ(r.size(), records[0].size());
}

}  // namespace
}  // namespace e911::auditor
