#pragma once
// A real SMTP server for tests: aiosmtpd (Debian's python3-aiosmtpd), run
// from tests/notifier/peers/smtp_server.py on a free loopback port. Each
// message it accepts is saved in `maildir` as N.eml (as received) and N.json
// (the envelope, and the message as Python's own e-mail parser reads it),
// both before it answers 250. Stopped when the object goes away.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace e911::test {

class SmtpServer {
 public:
  // Starts it with the script's options (`--starttls CERT KEY`, `--auth
  // USER:PASSWORD`, `--reject-rcpt REPLY`...). Throws std::runtime_error,
  // with the server's log, when it does not say it is listening.
  explicit SmtpServer(std::string maildir, const std::vector<std::string>& args = {});

  std::uint16_t port() const { return port_; }
  // Messages accepted so far.
  std::size_t message_count() const;
  // N.json of message `n` (1-based); empty while it is not there.
  std::string message_json(int n) const;
  std::string log() const;

 private:
  std::string maildir_;
  std::string log_;
  std::unique_ptr<ChildProcess> process_;
  std::uint16_t port_ = 0;
};

}  // namespace e911::test
