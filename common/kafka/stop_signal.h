#pragma once
// Graceful shutdown: SIGTERM (Kubernetes, systemd) and SIGINT (Ctrl-C) set
// one process-wide flag that consumer loops check between messages
// (Consumer::run), so the message in hand is finished, offsets are
// committed and the group is left cleanly. A second signal gets the
// default action (the process ends at once), for a stuck shutdown.

#include <atomic>

namespace e911::kafka {

// Installs the handlers (idempotent) and returns the flag.
const std::atomic<bool>& install_stop_signal_handlers();
// The flag, set by a signal or by request_stop().
const std::atomic<bool>& stop_flag();
// Same as receiving SIGTERM (embedded mode, tests).
void request_stop();

}  // namespace e911::kafka
