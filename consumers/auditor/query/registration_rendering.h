#pragma once
// How registrations (registration_query.h) are written out, for `e911
// audit registrations` and GET /v1/registrations alike: JSON, CSV (the
// rules of call_rendering.h: RFC 4180, formula-safe) or a text table.
// Pure.
//
// One registration as JSON:
//   {"user_id","status":"registered"|"withdrawn","at","validated",
//    "supplied_by","country","address","dispatchable","event_id","seq"}
// ("at": when registered, or withdrawn; unknown values are null).

#include <string>
#include <vector>

#include "consumers/auditor/query/registration_query.h"

namespace e911::auditor {

// One line, no line break.
std::string registration_json(const RegistrationRow& row);
// A JSON array, one registration per line.
std::string registrations_json_array(const std::vector<RegistrationRow>& rows);

// The header line (with CRLF), and one registration.
std::string registrations_csv_header();
std::string registration_csv_row(const RegistrationRow& row);

// For a terminal: the header, and one line per registration (control
// characters in text become spaces).
std::string registrations_text_header();
std::string registration_text_line(const RegistrationRow& row);

}  // namespace e911::auditor
