#include "tests/support/files.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace e911::test {

std::string shared_fixture(const std::string& name) { return shared_dir() + "/fixtures/" + name; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

CommandResult run_e911(const std::string& args, const std::string& stdin_path) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("e911-test-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
  std::filesystem::create_directories(dir);
  const auto out = dir / "out", err = dir / "err";
  std::string cmd = e911_binary() + " " + args;
  cmd += stdin_path.empty() ? " </dev/null" : " <'" + stdin_path + "'";
  cmd += " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out.string());
  r.err = read_file(err.string());
  std::filesystem::remove_all(dir);
  return r;
}

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string component_config_yaml(const std::map<std::string, std::string>& kafka, const std::string& state_dir) {
  std::ostringstream yaml;
  yaml << "kafka:\n";
  for (const auto& [name, value] : kafka) yaml << "  " << name << ": \"" << value << "\"\n";
  yaml << "state_dir: " << state_dir << "\n"
       << "metrics: {port: 0}\n";
  return yaml.str();
}

}  // namespace e911::test
