#include "common/sql/transaction.h"

#include <Poco/Data/Statement.h>

namespace e911::sql {

using Poco::Data::Keywords::now;

Transaction::Transaction(Poco::Data::Session& session, const Dialect& dialect) : session_(session) {
  for (std::size_t i = 0; i < dialect.begin_write.size(); ++i) {
    try {
      session_ << dialect.begin_write[i], now;
    } catch (...) {
      if (i > 0) rollback();  // BEGIN went through, the lock did not
      open_ = false;
      throw;
    }
  }
}

Transaction::~Transaction() {
  if (open_) rollback();
}

void Transaction::commit() {
  session_ << "COMMIT", now;
  open_ = false;
}

void Transaction::rollback() noexcept {
  open_ = false;
  try {
    session_ << "ROLLBACK", now;
  } catch (...) {
  }
}

}  // namespace e911::sql
