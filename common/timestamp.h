#pragma once
// RFC 3339 timestamps ("2026-11-21T10:15:00.120Z", "...+01:00") as
// milliseconds since the Unix epoch, UTC. Pure: no time-zone database.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace e911 {

using EpochMillis = std::int64_t;

std::optional<EpochMillis> parse_rfc3339(std::string_view text);
// "2026-11-21T10:15:00.120Z" (milliseconds always shown).
std::string format_rfc3339(EpochMillis t);
EpochMillis now_millis();

// Durations in registry files: "90s", "15m", "12h", "7d", or combined "1h30m".
std::optional<EpochMillis> parse_duration(std::string_view text);

}  // namespace e911
