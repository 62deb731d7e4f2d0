#pragma once
// An RFC 4180 CSV reader for files administrators export from other
// systems (the PureConnect phone export, registry_import). Pure, no I/O:
// the caller reads the file.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace e911 {

struct CsvLimits {
  std::size_t max_field_bytes = 4096;  // a longer field is an error (an unbalanced quote, usually)
  std::size_t max_fields = 256;        // per record
};

struct CsvRecord {
  int line = 0;                     // 1-based line the record starts on
  std::vector<std::string> fields;  // as written, quotes removed
  std::string error;                // not empty: the record is malformed (stray quote, NUL byte...)
  int error_field = -1;             // 0-based field the error is in, -1 if none
};

struct CsvParse {
  std::vector<CsvRecord> records;  // records read before any fatal error
  // A problem that stops reading: an unterminated quoted field, UTF-16 text.
  std::optional<std::string> fatal;
  int fatal_line = 0;
};

// RFC 4180: fields separated by commas, records by CRLF (LF and a lone CR
// are accepted too), fields optionally in double quotes, a quote inside a
// quoted field doubled; quoted fields may contain commas and line breaks.
// A UTF-8 byte order mark is skipped. Blanks around a quoted field are
// tolerated. Never throws; memory is bounded by the limits and the input.
CsvParse parse_csv(std::string_view text, const CsvLimits& limits = {});

// One field of CSV the project writes (audit exports, the location
// service's user lists): RFC 4180 (a field holding a comma, a double
// quote, CR or LF is quoted, its quotes doubled) and safe to open in a
// spreadsheet: a text field starting with = + - @ TAB or CR gets a leading
// apostrophe, so "=HYPERLINK(...)" in a caller's name is shown, not run
// (OWASP "CSV injection"). A sign followed only by digits ("+442079460101")
// is left as it is: it is a number to a spreadsheet, never a formula.
std::string csv_field(std::string_view text);

}  // namespace e911
