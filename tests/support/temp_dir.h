#pragma once
// A scratch directory for one test, created empty (mkdtemp) and removed
// with everything in it when the object goes.

#include <filesystem>
#include <string>
#include <string_view>

namespace e911::test {

class TempDir {
 public:
  TempDir();
  // Under `parent` (a benchmark's --state-root), named `prefix`-XXXXXX.
  TempDir(const std::filesystem::path& parent, std::string_view prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& root() const { return root_; }
  // The path of `name` inside it (nothing is created).
  std::string path(const std::string& name) const { return (root_ / name).string(); }
  std::string file(const std::string& name) const { return path(name); }
  // Writes `content` to `name` (bytes as they are) and returns its path.
  std::string write(const std::string& name, std::string_view content) const;

 private:
  std::filesystem::path root_;
};

}  // namespace e911::test
