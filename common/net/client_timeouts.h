#pragma once
// How long a network client waits on its peer: to connect, then for each
// single read or write. A step that takes longer fails as transient (the
// peer may answer next time). The notifier's transports and the SMTP
// client (common/mail) take one.

#include <chrono>

namespace e911::net {

struct ClientTimeouts {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds io{10000};
};

}  // namespace e911::net
