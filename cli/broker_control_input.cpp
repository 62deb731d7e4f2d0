#include "cli/broker_control_input.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

#include "cli/broker_control.h"
#include "common/kafka/error.h"

namespace e911::cli {
namespace {

// A control line longer than this is not a command: it is answered with an
// error and dropped, in bounded memory.
constexpr std::size_t kMaxControlLine = 4096;

// Answers the control commands in `input` (bytes as read), keeping an
// unfinished last line in `pending` for the next read.
void answer_lines(kafka::EmbeddedBroker& broker, const Logger& log, std::string_view input, std::string& pending,
                  bool& too_long) {
  for (const char c : input) {
    if (c != '\n') {
      if (pending.size() < kMaxControlLine) {
        pending += c;
      } else {
        too_long = true;
      }
      continue;
    }
    if (!pending.empty() && pending.back() == '\r') pending.pop_back();
    const std::string answer = too_long ? "error: line longer than " + std::to_string(kMaxControlLine) + " bytes"
                                        : answer_control_line(broker, pending);
    std::cout << answer << std::endl;
    log.info("control", {{"command", too_long ? "(too long)" : pending}, {"answer", answer}});
    pending.clear();
    too_long = false;
  }
}

}  // namespace

int wait_for_stop_signal(const sigset_t& stop_signals, kafka::EmbeddedBroker* control, const Logger& log) {
  const int signals = signalfd(-1, &stop_signals, SFD_CLOEXEC);
  if (signals < 0) throw kafka::KafkaError(std::string("signalfd: ") + std::strerror(errno));
  pollfd fds[2] = {{signals, POLLIN, 0}, {control ? STDIN_FILENO : -1, POLLIN, 0}};  // poll skips fd -1
  std::string pending;
  bool too_long = false;
  for (;;) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw kafka::KafkaError(std::string("poll: ") + std::strerror(errno));
    }
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(signals, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        ::close(signals);
        return static_cast<int>(info.ssi_signo);
      }
    }
    if (fds[1].fd >= 0 && fds[1].revents != 0) {
      char chunk[4096];
      const ssize_t got = ::read(STDIN_FILENO, chunk, sizeof chunk);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        log.info("control input ended; running until SIGTERM or SIGINT");
        fds[1].fd = -1;
        continue;
      }
      answer_lines(*control, log, std::string_view(chunk, static_cast<std::size_t>(got)), pending, too_long);
    }
  }
}

}  // namespace e911::cli
