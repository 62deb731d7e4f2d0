#pragma once
// A platform's call (Zoom Phone, Teams) as the contract's call event: the
// call event's fields, then the platform's own section ("zoom", "teams")
// with what it said beyond them; checked to be an event the locator
// accepts, so a mapping mistake is refused here and never dead-lettered
// downstream.

#include <functional>
#include <string>
#include <string_view>

#include "common/events.h"
#include "common/json_writer.h"
#include "common/result.h"

namespace e911::ingest {

// The event's JSON, or "mapped event: <why the locator would refuse it>".
Result<std::string> platform_call_event_json(const CallEvent& event, std::string_view section,
                                             const std::function<void(json::Writer&)>& write_section);

}  // namespace e911::ingest
