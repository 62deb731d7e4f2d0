#pragma once
// The console's people file (auditor.console.people.file, console_people.h)
// as the server holds it while running: looked at (its stamp,
// watched_file.h: inode, size, modification time) on every console
// request and re-read when it changed; reload() (SIGHUP) re-reads it in
// any case. Replace it atomically (write another file, rename it over) so
// a half-written file is never read.
//
// A file that cannot be read or does not parse leaves no one in: current()
// answers nullptr and the console refuses every request (503) until it is
// fixed (fail closed: a removal must never be undone by a typo), logged
// once per change. A file that parses but lists no one is in force: it
// lets no one in.
//
// The people are handed out as an immutable snapshot, so a request sees
// one version of the file from start to end while another reloads it.

#include <memory>
#include <string>

#include "common/log.h"
#include "common/watched_file.h"
#include "consumers/auditor/console/console_people.h"

namespace e911::auditor::console {

// Thread-safe.
class PeopleFile {
 public:
  // Reads it; throws std::runtime_error naming the file (and line) when it
  // cannot be read, does not parse or lists no one: the server refuses to
  // start without someone who may use the console.
  explicit PeopleFile(std::string path);

  // The people as the file says now, re-read first if it changed; nullptr
  // while the file is not usable.
  std::shared_ptr<const People> current() { return file_.current(); }

  // Re-reads the file now (SIGHUP).
  void reload() { file_.reload(); }

  const std::string& path() const { return file_.path(); }

 private:
  const Logger log_{"audit-console"};
  ReloadedFile<People> file_;  // after log_: its first read logs
};

}  // namespace e911::auditor::console
