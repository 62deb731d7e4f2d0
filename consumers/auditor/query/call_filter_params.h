#pragma once
// The parameters that select calls, read the same way by `e911 audit
// query|report` (options --from, --site...) and by the HTTP API
// (/v1/calls?from=...&site=...), so the two always agree:
//   from, to      RFC 3339 with 'T' ("2026-11-21T10:15:00Z", offsets
//                 allowed) or a date "2026-11-21" (midnight UTC); `from`
//                 is inclusive, `to` exclusive and after `from`, and
//                 to=DATE includes that whole day. A space instead of 'T'
//                 is refused: in a query string it is what an unencoded
//                 '+' becomes, and one rule serves both.
//   site, caller  non-empty text
//   class         emergency or test
//   dispatchable, notified   true or false (yes or no)
//   failed, escalated        true or false (yes or no): whether some alert
//                 of the call failed, was escalated
//   elin          an E.164 number ('+', then 8 to 15 digits): the calls
//                 that were conveyed that ELIN
// Pure: each front end words the problem its own way.

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "common/timestamp.h"
#include "consumers/auditor/query/call_query.h"

namespace e911::auditor {

struct FilterProblem {
  enum class Kind {
    not_a_time,   // from, to
    not_after,    // to is not after from
    empty,        // site, caller
    not_a_class,  // class
    not_a_bool,   // dispatchable, notified, failed, escalated
    not_e164,     // elin
  };
  std::string name;   // the parameter ("from"), without any option dashes
  Kind kind = Kind::not_a_time;
  std::string value;  // as given
  std::string detail;  // not_e164: what is wrong with the number
};

// The value of a parameter by name, or nullptr when it was not given.
using ParameterLookup = std::function<const std::string*(std::string_view name)>;

// Reads the parameters of `names` (a subset of from, to, site, caller,
// class, dispatchable, notified, failed, escalated, elin) into `filter`; the first problem, in
// that order.
std::optional<FilterProblem> read_call_filter(const ParameterLookup& lookup, std::initializer_list<std::string_view> names,
                                              CallFilter& filter);

// A time parameter's value (rules above); `end_of_day`: a date means the
// next midnight.
std::optional<EpochMillis> parse_filter_time(std::string_view text, bool end_of_day);

}  // namespace e911::auditor
