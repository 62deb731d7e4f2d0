#include "common/secret_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/text.h"

namespace e911 {

namespace {
// Bounded, so a mistaken /dev/zero cannot hang us.
constexpr std::size_t kMaxSecretFileBytes = 1024 * 1024;
}  // namespace

Result<std::string> read_secret_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"cannot read " + quote_for_message(path, 200) + ": " + std::strerror(errno)};
  std::string data;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return Error{"cannot read " + quote_for_message(path, 200) + ": " + std::strerror(err)};
    }
    if (n == 0) break;
    data.append(buf, static_cast<std::size_t>(n));
    if (data.size() > kMaxSecretFileBytes) {
      ::close(fd);
      return Error{"cannot read " + quote_for_message(path, 200) + ": larger than 1 MiB"};
    }
  }
  ::close(fd);
  while (!data.empty() && (data.back() == '\n' || data.back() == '\r')) data.pop_back();
  return data;
}

}  // namespace e911
