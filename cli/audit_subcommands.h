#pragma once
// The subcommands of `e911 audit` (cli/audit_command.cpp dispatches), one
// file each. Each takes the arguments after its name and returns the exit
// status: 0 success, 1 the answer is "no" (verify found a bad entry), 2
// usage or configuration error.

#include "cli/commands.h"

namespace e911::cli {

int run_audit_query(Args args);   // cli/audit_query_command.cpp: query, show, report
int run_audit_show(Args args);
int run_audit_report(Args args);
int run_audit_registrations(Args args);  // cli/audit_registrations_command.cpp
int run_audit_verify(Args args);  // cli/audit_verify_command.cpp (--bundle too)
int run_audit_export(Args args);  // cli/audit_export_command.cpp
int run_audit_purge(Args args);   // cli/audit_purge_command.cpp
int run_audit_serve(Args args);   // cli/audit_serve_command.cpp: the HTTP API

}  // namespace e911::cli
