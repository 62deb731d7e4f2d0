#include "common/reload_signal.h"

#include <csignal>
#include <mutex>

namespace e911 {
namespace {

std::atomic<bool> g_reload{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the flag is set from a signal handler");

extern "C" void on_reload_signal(int) { g_reload.store(true); }

}  // namespace

void install_reload_signal_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa = {};
    sa.sa_handler = on_reload_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGHUP, &sa, nullptr);
  });
}

bool take_reload_request() { return g_reload.exchange(false); }

void request_reload() { g_reload.store(true); }

}  // namespace e911
