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
#include <optional>
#include <string>

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

}  // namespace e911
