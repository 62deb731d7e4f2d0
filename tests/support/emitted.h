#pragma once
// Messages the code emits in tests are kept for the schemas_emitted test,
// which validates every line against the schema its "schema" field names.
// Directory: $E911_EMITTED_DIR, else <build>/emitted (tests/schemas/tests.cmake).

#include <string>
#include <string_view>

namespace e911::test {

// Appends `json` as one line to <emitted dir>/<file_stem>-<pid>.jsonl.
void record_emitted(const std::string& file_stem, std::string_view json);

}  // namespace e911::test
