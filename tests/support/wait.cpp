#include "tests/support/wait.h"

#include "common/service/wait.h"

namespace e911::test {

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  return service::wait_until(done, timeout);
}

}  // namespace e911::test
