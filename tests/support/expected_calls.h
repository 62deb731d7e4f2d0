#pragma once
// Compares an emergency-call document with a line of the shared
// fixtures' expected.jsonl (which names only some fields, flat).

#include <string>

namespace e911::test {

// GoogleTest failures for every expected field that differs or is missing.
void expect_matches(const std::string& expected_line, const std::string& actual_line);

}  // namespace e911::test
