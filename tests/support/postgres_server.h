#pragma once
// A throwaway PostgreSQL server for tests: Debian's postgresql binaries
// (/usr/lib/postgresql/<version>/bin), `initdb -A trust -U e911` into a
// temporary directory, `postgres` listening on 127.0.0.1 at a free port
// (and its socket in the data directory), so it neither needs nor touches
// a system cluster on 5432. Ready when pg_isready says so (polled against
// a deadline). Stopped (fast shutdown) and deleted when the object goes.
//
// initdb and postgres refuse to run as root: as root they run as the
// `postgres` system user (created by the Debian package) through
// `runuser -u postgres --`, with the data directory owned by it; as anyone
// else, as themselves.

#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/files.h"

namespace e911::test {

// Runs `argv` (argv[0] looked up on PATH) with standard input from
// /dev/null and returns its exit code (-1 if killed by a signal) and its
// standard output and error.
CommandResult run_command(const std::vector<std::string>& argv);

class PostgresServer {
 public:
  // The directory holding initdb, postgres, pg_isready (the highest
  // /usr/lib/postgresql/<version>/bin with them); empty if none.
  static std::string bin_dir();

  // Starts a server; throws std::runtime_error saying what failed (with
  // the end of the server's log).
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  static constexpr const char* kSuperuser = "e911";

  // A new, empty database with a unique name; returns the name.
  std::string create_database();
  // postgresql://e911@127.0.0.1:<port>/<database>
  std::string url(const std::string& database) const;
  // Runs `sql` with psql as the superuser (one -c per statement list),
  // stopping at the first error; output unaligned, tuples only.
  CommandResult psql(const std::string& database, const std::string& sql) const;

  // One server for the whole test binary, started on first use (a failure
  // to start is remembered and rethrown); stop_shared() stops it (a
  // suite's TearDownTestSuite), else it stops at exit.
  static PostgresServer& shared();
  static void stop_shared();

  // Fast shutdown (sessions ended, as by an operator's restart or a
  // failover), then the server again on the same port and data; throws
  // std::runtime_error if it does not come back.
  void restart();

 private:
  void stop();
  // Starts the server on port_; empty when it is ready, else why not.
  std::string start();
  std::string log_tail() const;

  std::string bin_;
  std::string base_;  // temporary directory: data/ and postgres.log
  std::string data_;
  std::vector<std::string> as_postgres_;  // runuser -u postgres -- (as root), else nothing
  int port_ = 0;
  int databases_ = 0;
  std::unique_ptr<ChildProcess> server_;
};

}  // namespace e911::test
