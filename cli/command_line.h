#pragma once
// The start every e911 subcommand shares: its options, --help (the help on
// standard output, exit 0) and usage errors (what is wrong, then the help,
// on standard error, exit 2), so each command says only what is its own.

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "cli/options.h"

namespace e911::cli {

class CommandLine {
 public:
  // `name` as the user typed it ("locator", "audit serve"); `help` is
  // printed after a usage error, `separator` apart from the message.
  CommandLine(std::string name, std::string help, Args args, std::set<std::string_view> valued,
              std::set<std::string_view> flags, const char* separator = "\n");

  // The exit code when the command ends before it starts: 0 after --help,
  // 2 after a malformed command line or, unless `positional_allowed`, an
  // argument that is not an option. nullopt: go on.
  std::optional<int> early_exit(bool positional_allowed = false) const;

  // Prints "e911 NAME: message" and the help to standard error; returns 2.
  int usage_error(const std::string& message) const;
  // "e911 NAME: message" on standard error, without the usage (the command
  // line was right; the configuration is not); returns 2.
  int config_error(const std::string& message) const;

  const Options& options() const { return options_; }

 private:
  std::string name_;
  std::string help_;
  const char* separator_;
  Options options_;
};

}  // namespace e911::cli
