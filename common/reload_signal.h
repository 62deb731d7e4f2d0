#pragma once
// SIGHUP asks a long-running component to reload its files (the site
// registry), the Unix convention operators expect. The handler only sets a
// flag; the component's loop takes it and reloads on its own thread.

#include <atomic>

namespace e911 {

// Installs the SIGHUP handler (idempotent).
void install_reload_signal_handler();
// True once per SIGHUP (or request_reload()) since the last call.
bool take_reload_request();
// Same as receiving SIGHUP (tests, embedded mode).
void request_reload();

}  // namespace e911
