#pragma once
// Test helpers: reading fixture files and running the e911 binary.

#include <map>
#include <string>
#include <vector>

namespace e911::test {

// Where things are, fixed when the tests are built (tests/support/paths.cpp,
// the one translation unit that knows the paths, so a clone elsewhere
// recompiles nothing else).
std::string source_dir();   // the repository
std::string shared_dir();   // ../shared beside it
std::string e911_binary();  // the e911 binary under test

std::string shared_fixture(const std::string& name);  // path under ../shared/fixtures
std::string read_file(const std::string& path);
std::vector<std::string> read_lines(const std::string& path);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs the e911 binary with `args` (already shell-quoted where needed),
// feeding `stdin_path` if not empty.
CommandResult run_e911(const std::string& args, const std::string& stdin_path = "");

// `s` single-quoted for the shell, as one argument of run_e911.
std::string shell_quoted(const std::string& s);

// The start of an e911.yaml for a component run as `e911 <component>`:
// `kafka:` with these client properties (each value quoted), `state_dir:`
// and `metrics: {port: 0}` (any free port). The component's own section
// ("notifier:\n  ...") goes after it.
std::string component_config_yaml(const std::map<std::string, std::string>& kafka, const std::string& state_dir);

}  // namespace e911::test
