#include "tests/support/smtp_server.h"

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "tests/support/files.h"

namespace e911::test {

namespace fs = std::filesystem;

// Debian's interpreter, which has python3-aiosmtpd (ops/install-deps.sh);
// never a pyenv or virtualenv python3 that happens to be first on PATH.
constexpr const char* kPython = "/usr/bin/python3";

SmtpServer::SmtpServer(std::string maildir, const std::vector<std::string>& args)
    : maildir_(std::move(maildir)), log_(maildir_ + "/server.log") {
  fs::create_directories(maildir_);
  std::vector<std::string> argv{kPython, source_dir() + "/tests/notifier/peers/smtp_server.py", "--port",
                                std::to_string(free_loopback_port()), "--maildir", maildir_};
  argv.insert(argv.end(), args.begin(), args.end());
  process_ = std::make_unique<ChildProcess>(argv, log_);
  try {
    port_ = static_cast<std::uint16_t>(std::stoi(process_->wait_for("port=", std::chrono::seconds(20))));
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(e.what()) + " (python3-aiosmtpd missing? ops/install-deps.sh)\n" + log());
  }
}

std::size_t SmtpServer::message_count() const {
  std::size_t n = 0;
  for (const auto& entry : fs::directory_iterator(maildir_)) n += entry.path().extension() == ".json";
  return n;
}

std::string SmtpServer::message_json(int n) const {
  const std::string path = maildir_ + "/" + std::to_string(n) + ".json";
  return fs::exists(path) ? read_file(path) : std::string();
}

std::string SmtpServer::log() const { return read_file(log_); }

}  // namespace e911::test
