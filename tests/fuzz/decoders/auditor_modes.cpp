// The auditor's decoders: the records it journals (emergency calls,
// notifications, location updates and withdrawals, ELIN lookups), and
// the audit API's request targets, parameters and cursors.

#include <cstring>

#include "consumers/auditor/api/api_params.h"
#include "consumers/auditor/audit_record.h"
#include "consumers/auditor/journal/canonical_json.h"
#include "consumers/auditor/payload_builder.h"
#include "consumers/auditor/query/page_cursor.h"
#include "consumers/auditor/registration_record.h"
#include "common/text.h"
#include "tests/fuzz/decoders/fuzz_modes.h"

namespace e911::fuzz {
namespace {

constexpr EpochMillis kNow = 1'790'000'000'000;

// A draft's payload is what the journal hashes: canonical JSON already.
void expect_canonical(const auditor::EntryDraft& draft) {
  const auto canonical = auditor::canonical_json(draft.payload);
  E911_FUZZ_EXPECT_EQ(canonical ? *canonical : canonical.error().message, draft.payload);
}

// Whatever record the JSON parser accepts becomes canonical JSON in a
// payload, refused only for a member name twice in one object: a newer
// producer's numbers and strings never make a record impossible to
// journal (payload_builder.h).
void expect_payload_builds(std::string_view input) {
  const auto doc = auditor::parse_record_object(input, {});
  if (!doc) return;
  auditor::PayloadBuilder builder;
  builder.member("record", *doc);
  const auto built = builder.finish();
  if (!built) {
    E911_FUZZ_EXPECT_EQ(built.error().message.substr(0, 22), std::string("duplicate member name "));
    return;
  }
  const auto canonical = auditor::canonical_json(*built);
  E911_FUZZ_EXPECT_EQ(canonical ? *canonical : canonical.error().message, *built);
}

// The parameters a next-page link carries, read back as the API reads a request.
void expect_link_reads_back(std::string_view path, const auditor::api::QueryParams& params, const std::string& cursor) {
  const std::string link = auditor::api::next_page_link(path, params, cursor);
  std::string link_path, link_query;
  const auto split = auditor::api::split_request_target(link, link_path, link_query);
  E911_FUZZ_EXPECT_EQ(split ? split->message : std::string(), std::string());
  E911_FUZZ_EXPECT_EQ(link_path, std::string(path));
  auditor::api::QueryParams read;
  const auto parsed = auditor::api::parse_query(link_query, read);
  E911_FUZZ_EXPECT_EQ(parsed ? parsed->message : std::string(), std::string());
  auto expected = params;
  expected["cursor"] = cursor;
  E911_FUZZ_EXPECT(read == expected);
}

}  // namespace

void auditor_emergency_call(std::string_view input) {
  expect_payload_builds(input);
  // As the auditor consumes e911.emergency-calls.
  const auto drafts = auditor::drafts_for_emergency_call(input, {"e911.emergency-calls", 1, 42}, kNow);
  if (!drafts) return;
  E911_FUZZ_EXPECT(drafts->size() == 2);
  for (const auto& d : *drafts) expect_canonical(d);
}

void auditor_notification(std::string_view input) {
  expect_payload_builds(input);
  // As the auditor consumes e911.notifications.
  const auto draft = auditor::draft_for_notification(input, {"e911.notifications", 0, 7}, kNow);
  if (draft) expect_canonical(*draft);
}

void auditor_location_update(std::string_view input) {
  expect_payload_builds(input);
  // As the auditor consumes e911.location-updates: a value, or a tombstone
  // keyed by the input.
  const auto draft = auditor::draft_for_location_update(input, {"e911.location-updates", 2, 9}, kNow);
  if (draft) expect_canonical(*draft);
  const auto withdrawal = auditor::draft_for_withdrawal(std::string(input), {"e911.location-updates", 2, 10}, -1, kNow);
  if (withdrawal) expect_canonical(*withdrawal);
  // What may be logged of a refusal quotes nothing.
  if (!draft) E911_FUZZ_EXPECT(auditor::without_quoted_values(draft.error().message).find('"') == std::string::npos);
}

void auditor_elin_lookup(std::string_view input) {
  expect_payload_builds(input);
  // As the auditor consumes e911.elin-lookups.
  const auto draft = auditor::draft_for_elin_lookup(input, {"e911.elin-lookups", 0, 3}, kNow);
  if (draft) expect_canonical(*draft);
}

void audit_api_request(std::string_view input) {
  // The first line is a request target, read as the API reads one.
  namespace api = auditor::api;
  std::string_view rest = input;
  const auto target = next_line(rest);
  if (target.size() > api::kMaxRequestTargetBytes) return;  // 414 before anything is read
  std::string path, query;
  if (api::split_request_target(target, path, query)) return;
  api::Route route;
  if (const auto e = api::route_of(path, route)) {
    E911_FUZZ_EXPECT_EQ(e->parameter, std::string("call_id"));
    return;
  }
  if (route.endpoint == api::Endpoint::call) {
    E911_FUZZ_EXPECT(!route.call_id.empty() && route.call_id.size() <= api::kMaxCallIdBytes);
    E911_FUZZ_EXPECT(is_clean_utf8(route.call_id));
  }
  api::QueryParams params;
  if (api::parse_query(query, params)) return;
  E911_FUZZ_EXPECT(params.size() <= api::kMaxParameters);
  switch (route.endpoint) {
    case api::Endpoint::calls: {
      api::CallsRequest request;
      if (api::parse_calls_request(params, request)) return;
      // query_calls decodes the cursor; its next page's link reads back.
      if (!request.page.cursor.empty()) (void)auditor::decode_call_cursor(request.page.cursor);
      expect_link_reads_back("/v1/calls", params, auditor::encode_call_cursor({kNow, "call-\xc3\xa9/1?&="}));
      break;
    }
    case api::Endpoint::registrations: {
      api::RegistrationsRequest request;
      if (api::parse_registrations_request(params, request)) return;
      if (!request.page.cursor.empty()) (void)auditor::decode_registration_cursor(request.page.cursor);
      expect_link_reads_back("/v1/registrations", params, auditor::encode_registration_cursor({7, "u 5001+%"}));
      break;
    }
    case api::Endpoint::report: {
      api::ReportRequest request;
      (void)api::parse_report_request(params, request);
      break;
    }
    case api::Endpoint::call:
    case api::Endpoint::verify:
      (void)api::expect_no_parameters(params);
      break;
    case api::Endpoint::healthz:
    case api::Endpoint::not_found:
      break;
  }
}

void audit_cursor(std::string_view input) {
  // As query_calls and query_registrations read a client's cursor: one
  // spelling per position.
  if (const auto call = auditor::decode_call_cursor(input)) {
    E911_FUZZ_EXPECT_EQ(auditor::encode_call_cursor(*call), std::string(input));
  }
  if (const auto registration = auditor::decode_registration_cursor(input)) {
    E911_FUZZ_EXPECT_EQ(auditor::encode_registration_cursor(*registration), std::string(input));
  }
  // And every position the services write reads back as itself: eight
  // bytes of time (or sequence), then the id.
  if (input.size() <= 8) return;
  std::int64_t n = 0;
  std::memcpy(&n, input.data(), sizeof n);
  const std::string id(input.substr(8));
  if (id.size() > auditor::kMaxRegistrationIdChars || !is_clean_utf8(id)) return;  // ids the auditor journals
  const auditor::CallPosition timed{n, id}, untimed{std::nullopt, id};
  for (const auto& p : {timed, untimed}) {
    const auto back = auditor::decode_call_cursor(auditor::encode_call_cursor(p));
    E911_FUZZ_EXPECT(back && *back == p);
  }
  if (n >= 1) {
    const auditor::RegistrationPosition r{n, id};
    const auto back = auditor::decode_registration_cursor(auditor::encode_registration_cursor(r));
    E911_FUZZ_EXPECT(back && *back == r);
  }
}

}  // namespace e911::fuzz
