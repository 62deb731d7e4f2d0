#pragma once
// The decoders the decoders_fuzz target reaches (docs/reliability.md,
// "Fuzzing"): one function per decoder, each given the input after its
// mode byte and calling the decoder the way production calls it on
// outside input, then checking what the decoder promises of what it
// accepts.
//
// A broken promise aborts with the condition and its place, so libFuzzer
// saves the input as it does a crash.

#include <string>
#include <string_view>

namespace e911::registry {
class Registry;
}

namespace e911::fuzz {

[[noreturn]] void invariant_failed(const char* condition, const char* file, int line, const std::string& detail);

#define E911_FUZZ_EXPECT(condition) \
  ((condition) ? (void)0 : ::e911::fuzz::invariant_failed(#condition, __FILE__, __LINE__, {}))
#define E911_FUZZ_EXPECT_EQ(a, b) \
  (((a) == (b)) ? (void)0          \
                : ::e911::fuzz::invariant_failed(#a " == " #b, __FILE__, __LINE__, std::string(a) + "\n!=\n" + std::string(b)))

// The next line of `rest` (without its '\n'); `rest` keeps what follows.
// Inputs of several parts (headers, then a body) are lines.
inline std::string_view next_line(std::string_view& rest) {
  const auto nl = rest.find('\n');
  const auto line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  return line;
}

// The registry the modes that need one load (ops/demo/registry.yaml, the
// demo's: sites, zones, subnets, switch ports, stations, ELINs).
std::string_view demo_registry_yaml();
const registry::Registry& demo_registry();  // it, loaded (registry_modes.cpp)

// common/, consumers/locator/ (common_modes.cpp)
void call_events(std::string_view input);       // decode_input_event: call events and location updates
void pidf_lo(std::string_view input);           // parse_pidf_lo
void elin_assignment(std::string_view input);   // decode_elin_assignment
void http_request_head(std::string_view input); // parse_request_head, ChunkedDecoder
// producers/ingest/ (ingest_modes.cpp)
void zoom_webhook(std::string_view input);      // zoom_signature_error, handle_zoom_event
void teams_webhook(std::string_view input);     // graph_validation_token, handle_graph_notifications
void teams_resource(std::string_view input);    // a decrypted Graph resource, through decryption
// producers/locations/ (locations_modes.cpp)
void held_request(std::string_view input);      // answer_location_request
void registration_request(std::string_view input);  // decode_registration_request
void personal_link(std::string_view input);     // identify, verify_personal_link
void reminder_record(std::string_view input);   // decode_reminder_record
// consumers/notifier/ (notifier_modes.cpp)
void notifier_emergency_call(std::string_view input);  // decode_emergency_call, then the alerts
void ack_request(std::string_view input);       // answer_ack_request, verify_ack_token
// consumers/auditor/ (auditor_modes.cpp)
void auditor_emergency_call(std::string_view input);  // drafts_for_emergency_call
void auditor_notification(std::string_view input);    // draft_for_notification
void auditor_location_update(std::string_view input); // draft_for_location_update, draft_for_withdrawal
void auditor_elin_lookup(std::string_view input);     // draft_for_elin_lookup
void audit_api_request(std::string_view input);       // the audit API's target, route and parameters
void audit_cursor(std::string_view input);            // decode_call_cursor, decode_registration_cursor
// registry/ (registry_modes.cpp)
void registry_yaml(std::string_view input);     // load_registry
void pureconnect_csv(std::string_view input);   // import_pureconnect, merge_stations

}  // namespace e911::fuzz
