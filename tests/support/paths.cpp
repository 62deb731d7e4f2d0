// The paths the tests are built with (tests/CMakeLists.txt defines them
// for this file only).

#include "tests/support/files.h"

namespace e911::test {

std::string source_dir() { return E911_SOURCE_DIR; }
std::string shared_dir() { return E911_SHARED_DIR; }
std::string e911_binary() { return E911_BINARY; }

}  // namespace e911::test
