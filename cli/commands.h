#pragma once
// Subcommands of the `e911` binary. Each takes the arguments after its name
// and returns the process exit status.

#include <span>
#include <string_view>

namespace e911::cli {

using Args = std::span<const std::string_view>;

int run_resolve(Args args);
int run_registry(Args args);
int run_broker(Args args);
int run_locator(Args args);
int run_notifier(Args args);
int run_auditor(Args args);
int run_audit(Args args);
int run_demo(Args args);
int run_simulate(Args args);
int run_ingest(Args args);
int run_elin(Args args);
int run_locations(Args args);

}  // namespace e911::cli
