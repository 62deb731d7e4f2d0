#pragma once
// Files a long-running server re-reads when they change (the audit API's
// tokens file, the audit console's people file): what says a file changed
// (its stamp), and reading it whole but bounded. Callers stat the file on
// every use and re-read it when the stamp differs from the one they read.
//
// The stamp is the device, inode, size and modification time to the
// nanosecond: a file replaced by rename (the way to change these files, so
// a half-written one is never read) has another inode. A file rewritten in
// place within one clock tick at the same size looks unchanged.

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "common/result.h"

namespace e911 {

struct FileStamp {
  unsigned long long device = 0, inode = 0;
  long long size = -1, mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

// The file's stamp now (stat, following symbolic links); nullopt when it
// cannot be had (missing, no permission on the folder).
std::optional<FileStamp> stamp_of(const std::string& path);

// The whole content of the file at `path`, bytes as they are, or an error
// "cannot read \"<path>\": <why>" (the system's reason, or "larger than
// <max_bytes> bytes": bounded, so a mistaken /dev/zero cannot hang the
// caller). The error never quotes the content.
Result<std::string> read_file_at_most(const std::string& path, std::size_t max_bytes);

// A file parsed into an immutable T, kept as the file says now: its stamp
// is looked at on every current() and the file re-read when it changed;
// reload() (SIGHUP) re-reads it in any case. A file that cannot be read
// or does not parse leaves nullptr (fail closed: a revocation must never
// be undone by a typo) until it is fixed. Each read is reported to
// `loaded` (the owner logs it, once per change): the new value, or nullptr
// and why. The value is handed out as a snapshot, so a caller sees one
// version of the file while another re-reads it. Thread-safe.
template <typename T>
class ReloadedFile {
 public:
  using Parse = std::function<Result<T>(const std::string& text, const std::string& path)>;
  using Loaded = std::function<void(const T* value, const std::string& error)>;

  // Reads it now (the owner may refuse to start on what loaded() said).
  ReloadedFile(std::string path, std::size_t max_bytes, Parse parse, Loaded loaded)
      : path_(std::move(path)), max_bytes_(max_bytes), parse_(std::move(parse)), loaded_(std::move(loaded)) {
    std::lock_guard lock(mu_);
    load_locked(stamp_of(path_));
  }

  // The value as the file says now, re-read first if it changed.
  std::shared_ptr<const T> current() {
    std::lock_guard lock(mu_);
    const auto now = stamp_of(path_);
    if (now != stamp_) load_locked(now);
    return value_;
  }
  // The value last read, without looking at the file.
  std::shared_ptr<const T> last() const {
    std::lock_guard lock(mu_);
    return value_;
  }
  // Why the last read left nothing (empty when it did not).
  std::string error() const {
    std::lock_guard lock(mu_);
    return error_;
  }
  void reload() {
    std::lock_guard lock(mu_);
    load_locked(stamp_of(path_));
  }
  const std::string& path() const { return path_; }

 private:
  void load_locked(const std::optional<FileStamp>& stamp) {
    stamp_ = stamp;
    auto text = read_file_at_most(path_, max_bytes_);
    Result<T> parsed = text ? parse_(*text, path_) : Result<T>(text.error());
    if (!parsed) {
      value_ = nullptr;
      error_ = parsed.error().message;
      loaded_(nullptr, error_);
      return;
    }
    value_ = std::make_shared<const T>(std::move(*parsed));
    error_.clear();
    loaded_(value_.get(), error_);
  }

  const std::string path_;
  const std::size_t max_bytes_;
  const Parse parse_;
  const Loaded loaded_;
  mutable std::mutex mu_;
  std::optional<FileStamp> stamp_;  // of what was read last (nullopt: could not stat)
  std::shared_ptr<const T> value_;  // nullptr: not usable
  std::string error_;
};

}  // namespace e911
