#include "tests/support/emitted.h"

#include "tests/support/files.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace e911::test {

void record_emitted(const std::string& file_stem, std::string_view json) {
  static std::mutex mu;
  const char* env = std::getenv("E911_EMITTED_DIR");
  const std::filesystem::path dir =
      env && *env ? std::filesystem::path(env) : std::filesystem::path(e911_binary()).parent_path() / "emitted";
  std::lock_guard lock(mu);
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / (file_stem + "-" + std::to_string(::getpid()) + ".jsonl"), std::ios::app);
  out << json << "\n";
}

}  // namespace e911::test
