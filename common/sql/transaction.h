#pragma once
// A write transaction as a scope: begun with the dialect's write lock,
// rolled back when the scope is left without commit() (an exception, an
// early return), so no code path leaves one open.

#include <Poco/Data/Session.h>

#include "common/sql/dialect.h"

namespace e911::sql {

class Transaction {
 public:
  Transaction(Poco::Data::Session& session, const Dialect& dialect);
  ~Transaction();  // rollback() unless committed
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();
  // Ends the transaction undone. Errors are swallowed: the error that led
  // here is the one that matters (and SQLite rolls back by itself after
  // some errors, leaving nothing to undo).
  void rollback() noexcept;

 private:
  Poco::Data::Session& session_;
  bool open_ = true;
};

}  // namespace e911::sql
