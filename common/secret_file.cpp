#include "common/secret_file.h"

#include "common/watched_file.h"

namespace e911 {

namespace {
// Bounded, so a mistaken /dev/zero cannot hang us.
constexpr std::size_t kMaxSecretFileBytes = 1024 * 1024;
}  // namespace

Result<std::string> read_secret_file(const std::string& path) {
  auto data = read_file_at_most(path, kMaxSecretFileBytes);
  if (!data) return data;
  while (!data->empty() && (data->back() == '\n' || data->back() == '\r')) data->pop_back();
  return data;
}

}  // namespace e911
