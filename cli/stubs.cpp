// Subcommands still being wired; each says so instead of failing silently.
#include <iostream>

#include "cli/commands.h"

namespace e911::cli {
int run_demo(Args) { std::cerr << "e911 demo: not available in this build\n"; return 2; }
}  // namespace e911::cli
