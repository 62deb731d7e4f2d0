#include "cli/subcommands.h"

#include <iostream>
#include <string>

namespace e911::cli {

void print_subcommands(std::ostream& out, const SubcommandTable& table) {
  out << "usage: " << table.program << " <" << table.noun << "> [options]\n\n" << table.noun << "s:\n";
  for (const auto& c : table.entries) {
    const auto pad = c.name.size() < table.name_width ? table.name_width - c.name.size() : 1;
    out << "  " << c.name << std::string(pad, ' ') << c.summary << "\n";
  }
  out << "\n" << table.footer << "\n";
}

int run_subcommand(const SubcommandTable& table, Args args) {
  if (args.empty()) {
    print_subcommands(std::cerr, table);
    return 2;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_subcommands(std::cout, table);
    return 0;
  }
  for (const auto& c : table.entries) {
    if (c.name == args[0]) return c.run(args.subspan(1));
  }
  std::cerr << table.program << ": unknown " << table.noun << " '" << args[0] << "'\n";
  print_subcommands(std::cerr, table);
  return 2;
}

}  // namespace e911::cli
