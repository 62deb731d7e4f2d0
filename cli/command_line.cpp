#include "cli/command_line.h"

#include <iostream>
#include <utility>

namespace e911::cli {

CommandLine::CommandLine(std::string name, std::string help, Args args, std::set<std::string_view> valued,
                         std::set<std::string_view> flags, const char* separator)
    : name_(std::move(name)),
      help_(std::move(help)),
      separator_(separator),
      options_(args, std::move(valued), std::move(flags)) {}

std::optional<int> CommandLine::early_exit(bool positional_allowed) const {
  if (options_.help()) {
    std::cout << help_;
    return 0;
  }
  if (!options_.ok()) return usage_error(options_.error());
  if (!positional_allowed && !options_.positional().empty()) {
    return usage_error("unexpected argument '" + options_.positional()[0] + "'");
  }
  return std::nullopt;
}

int CommandLine::usage_error(const std::string& message) const {
  std::cerr << "e911 " << name_ << ": " << message << separator_ << help_;
  return 2;
}

int CommandLine::config_error(const std::string& message) const {
  std::cerr << "e911 " << name_ << ": " << message << "\n";
  return 2;
}

}  // namespace e911::cli
