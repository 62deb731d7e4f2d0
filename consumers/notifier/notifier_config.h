#pragma once
// The notifier's configuration keys (notifier.*, docs/operations.md) and
// what they build: the service options, its transports and the
// acknowledgement endpoint. Secrets (SMTP and Kannel passwords, the Twilio
// auth token, the webhook and acknowledgement secrets) come from the
// environment or from files (<key>.file), never from the command line.

#include <string>
#include <vector>

#include "common/config.h"
#include "common/result.h"
#include "consumers/notifier/ack_server.h"
#include "consumers/notifier/notifier_service.h"

namespace e911::notifier {

const std::vector<ConfigKey>& notifier_config_keys();

struct NotifierSetup {
  NotifierServiceOptions service;
  bool ack_server = false;  // serve acknowledgement links (notifier.ack.base_url set)
  AckServerOptions ack;
  std::string outbox_dir;  // set when a channel writes to the outbox
};

// Everything checked before anything starts: unknown transport names, a
// transport without its settings (an SMTP host, a Kannel URL...), channels
// the registry's contacts use with no transport, acknowledgement links
// without a secret. Errors name the key.
Result<NotifierSetup> notifier_setup(const Config& config);

}  // namespace e911::notifier
