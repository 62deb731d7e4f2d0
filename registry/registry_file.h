#pragma once
// A registry file in force in a running service: loaded at start (an
// invalid file is fatal then), reloaded when the file changes or a reload
// is asked for (SIGHUP), and kept as it was when the new file is invalid.
// Used by every component that reads the registry (locator, notifier).
//
// Threads: used from one thread; registry() hands out a shared snapshot
// other threads may keep.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "registry/registry.h"

namespace e911::registry {

class RegistryFile {
 public:
  // Throws std::runtime_error naming every problem if the file is invalid.
  RegistryFile(std::string path, std::chrono::milliseconds check_interval);

  std::shared_ptr<const Registry> registry() const { return registry_; }
  const std::string& path() const { return path_; }

  struct Reload {
    bool ok = false;
    const char* trigger = "";  // "SIGHUP" or "file changed"
    std::size_t errors = 0;
    std::string first_error;  // "registry.yaml:3:1: ...", when not ok
  };
  // Checks the file at most every check_interval (at once when `asked`)
  // and reloads it when it changed. nullopt when nothing was loaded.
  std::optional<Reload> poll(std::chrono::steady_clock::time_point now, bool asked);

 private:
  // What identifies a version of the file without reading it.
  struct Stamp {
    std::filesystem::file_time_type modified{};
    std::uintmax_t size = 0;
    bool exists = false;
    friend bool operator==(const Stamp&, const Stamp&) = default;
  };
  static Stamp stamp_of(const std::string& path);

  std::string path_;
  std::chrono::milliseconds check_interval_;
  std::shared_ptr<const Registry> registry_;
  Stamp stamp_;
  std::chrono::steady_clock::time_point next_check_{};
};

}  // namespace e911::registry
