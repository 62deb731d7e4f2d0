#include "common/mail/smtp_config.h"

#include <string>

namespace e911::mail {

std::vector<ConfigKey> smtp_config_keys(std::string_view prefix) {
  const std::string p(prefix);
  return {
      ConfigKey::text(p + ".host"),
      ConfigKey::integer(p + ".port", 25, 1, 65535),
      ConfigKey::text(p + ".tls", "starttls"),
      ConfigKey::boolean(p + ".verify_certificate", true),
      ConfigKey::text(p + ".ca_file", ""),
      ConfigKey::text(p + ".username", ""),
      ConfigKey::text(p + ".password", ""),
      ConfigKey::text(p + ".from", ""),
      ConfigKey::text(p + ".helo_name", ""),
  };
}

Result<SmtpSettings> smtp_settings_from(const Config& config, std::string_view prefix,
                                        std::string_view host_needed_because, net::ClientTimeouts timeouts) {
  const std::string p(prefix);
  const auto get = [&](const char* key) { return config.get_or(p + "." + key, ""); };
  SmtpSettings s;
  s.host = get("host");
  if (s.host.empty()) return Error{p + ".host: not set (" + std::string(host_needed_because) + ")"};
  s.port = static_cast<std::uint16_t>(config.get_int(p + ".port"));
  const auto tls = get("tls");
  if (tls == "none") s.tls = SmtpSettings::Tls::none;
  else if (tls == "starttls") s.tls = SmtpSettings::Tls::starttls;
  else if (tls == "implicit") s.tls = SmtpSettings::Tls::implicit;
  else return Error{p + ".tls: expected none, starttls or implicit, got \"" + tls + "\""};
  s.verify_certificate = config.get_bool(p + ".verify_certificate");
  s.ca_file = get("ca_file");
  s.username = get("username");
  s.password = get("password");
  s.from = get("from");
  if (s.from.empty()) return Error{p + ".from: not set (the sender address)"};
  s.helo_name = get("helo_name");
  s.timeouts = timeouts;
  return s;
}

}  // namespace e911::mail
