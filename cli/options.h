#pragma once
// A minimal option reader for subcommands: "--name value", "--name=value"
// and flags. Unknown options are errors, so a typo never silently changes
// what a command does.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"

namespace e911::cli {

class Options {
 public:
  // `valued` take a value, `flags` do not.
  Options(Args args, std::set<std::string_view> valued, std::set<std::string_view> flags);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool help() const { return flag("--help") || flag("-h"); }
  bool flag(std::string_view name) const { return flags_.count(std::string(name)) != 0; }
  std::optional<std::string> value(std::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
  std::string error_;
};

// All of `text` as a whole number within [min, max]; nullopt otherwise.
std::optional<std::uint64_t> parse_whole_number(std::string_view text, std::uint64_t min = 0,
                                                std::uint64_t max = UINT64_MAX);
// All of `text` as a finite decimal number; nullopt otherwise.
std::optional<double> parse_decimal(std::string_view text);

}  // namespace e911::cli
