#include "tests/support/temp_dir.h"

#include <stdlib.h>

#include <fstream>
#include <stdexcept>
#include <system_error>

namespace e911::test {

TempDir::TempDir() : TempDir(std::filesystem::temp_directory_path(), "e911-test") {}

TempDir::TempDir(const std::filesystem::path& parent, std::string_view prefix) {
  std::string tmpl = (parent / (std::string(prefix) + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed under " + tmpl);
  root_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

std::string TempDir::write(const std::string& name, std::string_view content) const {
  const auto p = path(name);
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + p);
  return p;
}

}  // namespace e911::test
