#include "registry/registry_file.h"

#include <stdexcept>
#include <system_error>

#include "registry/registry_loader.h"

namespace e911::registry {

RegistryFile::Stamp RegistryFile::stamp_of(const std::string& path) {
  std::error_code ec;
  Stamp s;
  s.modified = std::filesystem::last_write_time(path, ec);
  if (ec) return {};
  s.size = std::filesystem::file_size(path, ec);
  if (ec) return {};
  s.exists = true;
  return s;
}

RegistryFile::RegistryFile(std::string path, std::chrono::milliseconds check_interval)
    : path_(std::move(path)), check_interval_(check_interval), stamp_(stamp_of(path_)) {
  auto load = load_registry_file(path_);
  if (!load.ok()) {
    std::string message = "invalid registry " + path_ + ":";
    for (const auto& d : load.errors) message += "\n  " + format_diagnostic(path_, d);
    throw std::runtime_error(message);
  }
  registry_ = load.registry;
}

std::optional<RegistryFile::Reload> RegistryFile::poll(std::chrono::steady_clock::time_point now, bool asked) {
  if (!asked && now < next_check_) return std::nullopt;
  next_check_ = now + check_interval_;
  const auto stamp = stamp_of(path_);
  if (!asked && stamp == stamp_) return std::nullopt;
  stamp_ = stamp;
  Reload r;
  r.trigger = asked ? "SIGHUP" : "file changed";
  auto load = load_registry_file(path_);
  if (!load.ok()) {
    r.errors = load.errors.size();
    if (!load.errors.empty()) r.first_error = format_diagnostic(path_, load.errors[0]);
    return r;
  }
  registry_ = load.registry;
  r.ok = true;
  return r;
}

}  // namespace e911::registry
