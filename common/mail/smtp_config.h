#pragma once
// The configuration of an SMTP relay under a component's prefix
// ("notifier.smtp", "locations.smtp"): the same keys, defaults and checks
// wherever a component sends e-mail.
//
//   <prefix>.host               required when the component sends e-mail
//   <prefix>.port               25
//   <prefix>.tls                starttls | implicit | none
//   <prefix>.verify_certificate true
//   <prefix>.ca_file            PEM CAs to trust instead of the system's
//   <prefix>.username           AUTH (needs TLS)
//   <prefix>.password           a secret: <prefix>.password.file, or the
//                               environment (E911_..._PASSWORD[_FILE])
//   <prefix>.from               the sender: "Name <a@b.c>" or a@b.c
//   <prefix>.helo_name          default: this machine's host name

#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/mail/smtp_client.h"
#include "common/net/client_timeouts.h"
#include "common/result.h"

namespace e911::mail {

std::vector<ConfigKey> smtp_config_keys(std::string_view prefix);

// The settings those keys give. Errors name the key; `host_needed_because`
// says why a missing host matters ("notifier.email.transport is smtp").
// The settings are not checked further here: SmtpClient's constructor
// refuses those that cannot work.
Result<SmtpSettings> smtp_settings_from(const Config& config, std::string_view prefix,
                                        std::string_view host_needed_because, net::ClientTimeouts timeouts = {});

}  // namespace e911::mail
