// libFuzzer target: every decoder of outside input but the SIP ones
// (sip_fuzz.cpp), in one binary (tests/fuzz/run.sh decoders). The first
// byte chooses the decoder: one of the letters below (the corpus files
// start with theirs, corpus/decoders/<name>/), any other byte the decoder
// at its value modulo their number, so a mutated first byte carries an
// input over to another decoder.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "tests/fuzz/decoders/fuzz_modes.h"

namespace e911::fuzz {
namespace {

struct Mode {
  char letter;
  const char* name;  // its corpus folder
  void (*run)(std::string_view);
};

constexpr std::array kModes{
    Mode{'e', "call-events", call_events},
    Mode{'x', "pidf-lo", pidf_lo},
    Mode{'A', "elin-assignment", elin_assignment},
    Mode{'h', "http-head", http_request_head},
    Mode{'z', "zoom-webhook", zoom_webhook},
    Mode{'g', "teams-webhook", teams_webhook},
    Mode{'t', "teams-resource", teams_resource},
    Mode{'H', "held-request", held_request},
    Mode{'r', "registration-request", registration_request},
    Mode{'l', "personal-link", personal_link},
    Mode{'R', "reminder-record", reminder_record},
    Mode{'n', "notifier-emergency-call", notifier_emergency_call},
    Mode{'k', "ack-request", ack_request},
    Mode{'a', "auditor-emergency-call", auditor_emergency_call},
    Mode{'N', "auditor-notification", auditor_notification},
    Mode{'u', "auditor-location-update", auditor_location_update},
    Mode{'L', "auditor-elin-lookup", auditor_elin_lookup},
    Mode{'q', "audit-api-request", audit_api_request},
    Mode{'c', "audit-cursor", audit_cursor},
    Mode{'y', "registry-yaml", registry_yaml},
    Mode{'p', "pureconnect-csv", pureconnect_csv},
};

const Mode& mode_of(std::uint8_t byte) {
  for (const auto& m : kModes) {
    if (static_cast<std::uint8_t>(m.letter) == byte) return m;
  }
  return kModes[byte % kModes.size()];
}

// E911_FUZZ_MODE=<name>: a run of that decoder alone (inputs for the
// others are refused, so they join no corpus); unset: all of them.
const Mode* only_mode() {
  static const Mode* only = []() -> const Mode* {
    const char* name = std::getenv("E911_FUZZ_MODE");
    if (name == nullptr || *name == '\0') return nullptr;
    for (const auto& m : kModes) {
      if (std::string_view(m.name) == name) return &m;
    }
    std::fprintf(stderr, "E911_FUZZ_MODE=%s: no such decoder\n", name);
    std::exit(2);
  }();
  return only;
}

}  // namespace

void invariant_failed(const char* condition, const char* file, int line, const std::string& detail) {
  std::fprintf(stderr, "\n== invariant broken: %s\n   at %s:%d\n", condition, file, line);
  if (!detail.empty()) std::fprintf(stderr, "%s\n", detail.c_str());
  std::abort();
}

std::string_view demo_registry_yaml() {
  static const std::string text = [] {
    std::ifstream in(E911_SOURCE_DIR "/ops/demo/registry.yaml", std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    if (!in || s.str().empty()) {
      std::fprintf(stderr, "cannot read %s\n", E911_SOURCE_DIR "/ops/demo/registry.yaml");
      std::abort();
    }
    return s.str();
  }();
  return text;
}

}  // namespace e911::fuzz

// E911_FUZZ_PRINT_MODES=1: prints each byte's corpus folder ("<byte> <name>",
// all 256) and exits; run.sh --merge files new inputs by it.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* print = std::getenv("E911_FUZZ_PRINT_MODES"); print && std::string_view(print) == "1") {
    for (int b = 0; b < 256; ++b) std::printf("%d %s\n", b, e911::fuzz::mode_of(static_cast<std::uint8_t>(b)).name);
    std::exit(0);
  }
  (void)e911::fuzz::only_mode();  // an unknown name stops the run here
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& mode = e911::fuzz::mode_of(data[0]);
  if (const auto* only = e911::fuzz::only_mode(); only && only != &mode) return -1;
  // libFuzzer's own buffer, of exactly the input's size: AddressSanitizer
  // sees any read past its end (a std::string copy would hide one byte).
  mode.run(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  return 0;
}
