#pragma once
// A command made of subcommands (`e911 <command>`, `e911 audit
// <subcommand>`): the table, its usage text and the dispatch, written once.

#include <ostream>
#include <span>
#include <string_view>

#include "cli/commands.h"

namespace e911::cli {

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  int (*run)(Args);
};

struct SubcommandTable {
  std::string_view program;  // "e911", "e911 audit"
  std::string_view noun;     // "command", "subcommand"
  std::span<const Subcommand> entries;
  std::size_t name_width;    // the summaries' column
  std::string_view footer;   // the usage text's last paragraph
};

// Lists the subcommands with their summaries.
void print_subcommands(std::ostream& out, const SubcommandTable& table);

// Runs the subcommand args[0] names with the rest. No argument: the usage
// on standard error, 2; --help, -h or help: the usage, 0; an unknown name:
// says so, the usage, 2.
int run_subcommand(const SubcommandTable& table, Args args);

}  // namespace e911::cli
