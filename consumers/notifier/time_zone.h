#pragma once
// Local time at a site, from the system's compiled time-zone database
// (/usr/share/zoneinfo, TZif files, RFC 8536; $TZDIR overrides the folder).
//
// Why this and not a library, on GCC 12 / Debian 12 (measured;
// docs/decisions/0006-platform.md):
// - std::chrono::locate_zone and zoned_time are not in GCC 12's libstdc++
//   (its time-zone database arrived in GCC 13/14).
// - Howard Hinnant's date/tz (Debian's libhowardhinnant-date-dev 3.0.1,
//   built with USE_OS_TZDB) ignores the TZif footer's POSIX rule: with a
//   "slim" zoneinfo (zic's default since 2020b; Debian 12 still ships fat
//   files, many container images do not) it reports summer time all
//   winter after the last explicit transition (upstream issues #614,
//   #794, open). It is no faster (22-38 ns a lookup, as this reader).
// - TZ=... with tzset()/localtime_r() changes the process environment,
//   and setenv() races with every other thread that reads it (librdkafka's
//   threads, other renderings): not safe in a multi-threaded consumer.
// A TZif file is a short, well-specified binary format (RFC 8536): reading
// it, footer included, is thread-safe and uses the same data as the C
// library.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/timestamp.h"

namespace e911::notifier {

struct LocalType {
  std::int32_t utc_offset_s = 0;
  bool is_dst = false;
  std::string abbreviation;  // "GMT", "CST"; some zones use "+0530" or "-03"
};

// A POSIX TZ rule, as in a TZif footer: "GMT0BST,M3.5.0/1,M10.5.0".
struct PosixTzRule {
  struct When {
    enum class Kind { julian_no_leap, zero_based_day, month_week_day } kind = Kind::month_week_day;
    int month = 0, week = 0, weekday = 0;  // Mm.w.d: week 5 = the last
    int day = 0;                           // Jn (1..365) or n (0..365)
    std::int32_t time_s = 2 * 3600;        // local time of the change
  };
  LocalType standard;
  std::optional<LocalType> daylight;
  When start, end;  // daylight time from start to end

  static Result<PosixTzRule> parse(std::string_view text);
  const LocalType& at(std::int64_t unix_seconds) const;
};

class TimeZone {
 public:
  // From a TZif file's bytes (versions 1 to 4). Pure.
  static Result<TimeZone> from_tzif(std::string_view bytes);
  // A zone that is only a POSIX TZ rule ("EST5EDT,M3.2.0,M11.1.0").
  static Result<TimeZone> from_posix_rule(std::string_view rule);

  const LocalType& at(EpochMillis t) const;

 private:
  TimeZone() = default;  // only the factories make one: a zone always has a local type

  std::vector<std::int64_t> transitions_;  // seconds since the epoch, ascending
  std::vector<std::uint8_t> type_index_;   // local type in effect from each transition
  std::vector<LocalType> types_;
  std::optional<PosixTzRule> rule_;        // after the last transition
};

// The zone called `iana_name` ("Europe/London"), read from the zoneinfo
// folder on first use and cached for the life of the process (thread-safe);
// nullptr if there is no such zone. A zone is read at most once, so only the
// first alert for a site does file I/O.
std::shared_ptr<const TimeZone> find_time_zone(std::string_view iana_name);

// Wall-clock fields of `t` shifted by `utc_offset_s`.
struct CivilTime {
  int year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
};
CivilTime civil_time(EpochMillis t, std::int32_t utc_offset_s = 0);

}  // namespace e911::notifier
