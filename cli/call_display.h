#pragma once
// Human-readable rendering of an emergency-call event for the demo console.

#include <optional>
#include <string>
#include <string_view>

namespace e911::cli {

// Several indented lines, or nullopt if `json` is not an emergency call.
std::optional<std::string> describe_emergency_call(std::string_view json);

}  // namespace e911::cli
