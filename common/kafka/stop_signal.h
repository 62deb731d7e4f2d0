#pragma once
// Graceful shutdown: SIGTERM (Kubernetes, systemd) and SIGINT (Ctrl-C) set
// one process-wide flag that consumer loops check between messages
// (Consumer::run), so the message in hand is finished, offsets are
// committed and the group is left cleanly. A second signal gets the
// default action (the process ends at once), for a stuck shutdown.

#include <signal.h>

#include <atomic>

namespace e911::kafka {

// Installs the handlers (idempotent) and returns the flag.
const std::atomic<bool>& install_stop_signal_handlers();
// The flag, set by a signal or by request_stop().
const std::atomic<bool>& stop_flag();
// Same as receiving SIGTERM (embedded mode, tests).
void request_stop();

// For a process that waits for the stop signals itself (sigwait) instead
// of installing the handlers: blocks SIGTERM and SIGINT in the calling
// thread and returns their set. Call it before any thread starts, so every
// thread inherits the mask and sigwait() is the one place they arrive.
sigset_t block_stop_signals();

}  // namespace e911::kafka
