#pragma once
// What the tests of alert rendering (e-mail, SMS, webhook, the emergency
// call view) share: a decoded call from a document, a document with one
// piece replaced, the two fixture sites.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "consumers/notifier/alert_text.h"
#include "consumers/notifier/emergency_call_view.h"

namespace e911::notifier::test_data {

// The document decoded; a test failure (and an empty view) if it does not decode.
inline EmergencyCallView call_from(const std::string& json) {
  auto r = decode_emergency_call(json);
  EXPECT_TRUE(r) << r.error().message;
  return r ? *r : EmergencyCallView{};
}

// `base` with the first `from` replaced by `to` (a test failure if absent).
inline std::string with(std::string base, const std::string& from, const std::string& to) {
  const auto pos = base.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos == std::string::npos) return base;
  return base.replace(pos, from.size(), to);
}

// Whether the system's zoneinfo is installed (local times need it).
inline bool have_zoneinfo() { return std::filesystem::exists("/usr/share/zoneinfo/Europe/London"); }

inline const AlertSite kLondon{"london-hq", "London HQ", "Europe/London"};
inline const AlertSite kAustin{"austin-office", "Austin Office", "America/Chicago"};

}  // namespace e911::notifier::test_data
