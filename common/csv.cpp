#include "common/csv.h"

#include <algorithm>

#include "common/text.h"

namespace e911 {

namespace {

bool ends_field(char c) { return c == ',' || c == '\n' || c == '\r'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

CsvParse parse_csv(std::string_view text, const CsvLimits& limits) {
  CsvParse out;
  const std::size_t n = text.size();
  std::size_t pos = 0;
  if (text.starts_with("\xEF\xBB\xBF")) {
    pos = 3;
  } else if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    out.fatal = "the file is UTF-16 text; export or save it as CSV in UTF-8";
    out.fatal_line = 1;
    return out;
  }
  int line = 1;
  while (pos < n) {
    CsvRecord rec;
    rec.line = line;
    const auto fail = [&rec](const std::string& message) {
      if (!rec.error.empty()) return;
      rec.error = message;
      rec.error_field = static_cast<int>(rec.fields.size());
    };
    for (;;) {  // one field per turn
      std::string field;
      bool too_long = false;
      const auto append = [&](char c) {
        if (c == '\0') fail("NUL byte in the data (is the file UTF-16 or binary?)");
        if (field.size() >= limits.max_field_bytes) {
          if (!too_long) fail("field longer than " + std::to_string(limits.max_field_bytes) + " bytes");
          too_long = true;
          return;
        }
        field += c;
      };
      std::size_t p = pos;
      while (p < n && is_blank(text[p])) ++p;
      if (p < n && text[p] == '"') {
        // Quoted: runs to the next lone quote, across commas and line breaks.
        pos = p + 1;
        const int open_line = line;
        bool closed = false;
        while (pos < n) {
          const char c = text[pos];
          if (c == '"') {
            if (pos + 1 < n && text[pos + 1] == '"') {
              append('"');
              pos += 2;
              continue;
            }
            ++pos;
            closed = true;
            break;
          }
          if (c == '\n' || (c == '\r' && !(pos + 1 < n && text[pos + 1] == '\n'))) ++line;
          append(c);
          ++pos;
        }
        if (!closed) {
          out.fatal = "unterminated quoted field: the quote opened on line " + std::to_string(open_line) +
                      " is never closed (an unbalanced \"?)";
          out.fatal_line = open_line;
          return out;
        }
        while (pos < n && is_blank(text[pos])) ++pos;
        if (pos < n && !ends_field(text[pos])) {
          fail("text after the closing quote of a quoted field");
          while (pos < n && !ends_field(text[pos])) append(text[pos++]);
        }
      } else {
        while (pos < n && !ends_field(text[pos])) {
          if (text[pos] == '"') {
            fail("quote inside an unquoted field (quote the whole field and double the quote: \"12\"\" screen\")");
          }
          append(text[pos++]);
        }
      }
      if (rec.fields.size() < limits.max_fields) {
        rec.fields.push_back(std::move(field));
      } else {
        fail("more than " + std::to_string(limits.max_fields) + " fields");
      }
      if (pos < n && text[pos] == ',') {
        ++pos;
        continue;
      }
      break;
    }
    if (pos < n) {  // the record's line break
      if (text[pos] == '\r' && pos + 1 < n && text[pos + 1] == '\n') ++pos;
      ++pos;
      ++line;
    }
    const bool blank_line = rec.error.empty() && rec.fields.size() == 1 && trim(rec.fields[0]).empty();
    if (!blank_line) out.records.push_back(std::move(rec));
  }
  return out;
}

std::string csv_field(std::string_view text) {
  std::string value;
  if (!text.empty()) {
    const char first = text.front();
    const bool formula_start =
        first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
    const bool signed_number = (first == '+' || first == '-') && text.size() > 1 &&
                               std::all_of(text.begin() + 1, text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (formula_start && !signed_number) value = "'";
  }
  value += text;
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace e911
