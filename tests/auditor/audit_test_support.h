#pragma once
// Shared by the auditor tests: signing keys generated once per test run
// (EC P-256 and RSA 2048, with Poco::Crypto), a temporary directory, and a
// base64url decoder for looking inside JWS.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "common/encoding.h"
#include "consumers/auditor/journal/entry_signer.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace e911::auditor::test {

// TempDir, wait_until: the tests' own (tests/support).
using namespace e911::test;

// The n-th test private key for `alg` (ES256, RS256), the same for the
// whole run.
inline const std::string& private_key_pem(SigningAlgorithm alg, int n = 0) {
  static std::map<std::pair<SigningAlgorithm, int>, std::string> keys;
  auto& pem = keys[{alg, n}];
  if (pem.empty()) {
    auto generated = generate_private_key_pem(alg);
    if (!generated) throw std::runtime_error(generated.error().message);
    pem = *generated;
  }
  return pem;
}

inline std::string secret(int n = 0) { return "test-secret-" + std::to_string(n) + "-0123456789abcdef0123456789abcdef"; }

// A signer with the n-th test key of `alg`.
inline Signer signer(SigningAlgorithm alg, const std::string& key_id, int n = 0) {
  auto s = alg == SigningAlgorithm::hs256 ? Signer::hs256(key_id, secret(n))
                                          : Signer::from_private_key_pem(key_id, alg, private_key_pem(alg, n));
  if (!s) throw std::runtime_error(s.error().message);
  return *s;
}

// A keyring with the verification keys (secrets, or public keys only) of
// `signers`.
template <typename... Signers>
Keyring keyring_of(const Signers&... signers) {
  Keyring k;
  for (const Signer* s : {&signers...}) {
    if (auto e = k.add_verifier_of(*s)) throw std::runtime_error(e->message);
  }
  return k;
}

inline std::string base64url_decode(std::string_view text) {
  auto bytes = e911::base64url_decode(text);
  if (!bytes) throw std::runtime_error("not base64url");
  return *bytes;
}

struct JwsParts {
  std::string header, claims, signature, signing_input;
};
inline JwsParts split_jws(const std::string& jws) {
  const auto a = jws.find('.');
  const auto b = jws.find('.', a + 1);
  return {base64url_decode(jws.substr(0, a)), base64url_decode(jws.substr(a + 1, b - a - 1)),
          base64url_decode(jws.substr(b + 1)), jws.substr(0, b)};
}

inline std::string read_file_or_empty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}


// The two stores every store-level test runs against: a SQLite file, and
// a real PostgreSQL (one server per test binary, a new database per test).
enum class Backend { sqlite, postgresql };
inline const auto kBothStores = ::testing::Values(Backend::sqlite, Backend::postgresql);
inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "SQLite" : "PostgreSQL";
}

inline constexpr const char* kNoPostgres =
    "no PostgreSQL server binaries (Debian package postgresql; ops/install-deps.sh)";

// Where a new, empty store lives.
struct FreshStore {
  std::string url;
  e911::test::PostgresServer* server = nullptr;  // PostgreSQL only
  std::string database;                          // PostgreSQL only
};

// A SQLite file `audit.db` in `dir`, or a new database on the shared
// PostgreSQL server; nullopt when there are no PostgreSQL binaries (skip
// with kNoPostgres). A suite using PostgreSQL calls
// e911::test::PostgresServer::stop_shared() in TearDownTestSuite.
inline std::optional<FreshStore> fresh_store(Backend backend, const TempDir& dir) {
  if (backend == Backend::sqlite) return FreshStore{"sqlite:" + dir.file("audit.db"), nullptr, ""};
  if (e911::test::PostgresServer::bin_dir().empty()) return std::nullopt;
  auto& server = e911::test::PostgresServer::shared();
  FreshStore out;
  out.server = &server;
  out.database = server.create_database();
  out.url = server.url(out.database);
  return out;
}

// A store-level test run against both stores (instantiated with
// kBothStores): SetUp finds it a fresh store, or skips without PostgreSQL;
// url_ says where it is; then a fixture's own SetUpStore() runs.
class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() final {
    const auto where = fresh_store(GetParam(), dir_);
    if (!where) GTEST_SKIP() << kNoPostgres;
    url_ = where->url;
    postgres_ = where->server;
    database_ = where->database;
    SetUpStore();
  }
  virtual void SetUpStore() {}
  static void TearDownTestSuite() { e911::test::PostgresServer::stop_shared(); }

  bool postgres() const { return GetParam() == Backend::postgresql; }

  // SQL through the database's own client, as its superuser / the file's
  // owner: sqlite3 or psql. Returns the output; fails the test on error.
  std::string client(const std::string& sql) {
    const auto r = postgres() ? postgres_->psql(database_, sql)
                              : e911::test::run_command({"sqlite3", "-bail", dir_.file("audit.db"), sql});
    EXPECT_EQ(r.exit_code, 0) << sql << "\n" << r.out << r.err;
    auto out = r.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  bool have_client() const { return postgres() || e911::test::run_command({"sqlite3", "-version"}).exit_code == 0; }

  TempDir dir_;  // first: outlives what a fixture keeps in it
  e911::test::PostgresServer* postgres_ = nullptr;  // PostgreSQL only
  std::string database_;                            // PostgreSQL only
  std::string url_;
};

}  // namespace e911::auditor::test
