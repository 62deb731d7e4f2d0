#include "producers/locations/locations_config.h"

#include <stdexcept>

#include "common/email_address.h"
#include "common/log.h"
#include "common/mail/smtp_config.h"
#include "common/net/endpoint_config.h"
#include "common/text.h"
#include "producers/locations/address_rules.h"
#include "producers/locations/address_validator.h"
#include "producers/locations/personal_link.h"

namespace e911::locations {
namespace {

constexpr const char* kDefaultBackup =
    "If your softphone cannot call (a power or internet outage), call the emergency number from a mobile phone "
    "or any other phone.";

// "10.0.0.0/8, 192.0.2.7" -> prefixes (a bare address is its /32 or /128).
Result<std::vector<IpPrefix>> parse_prefix_list(std::string_view text, std::string_view key) {
  std::vector<IpPrefix> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view entry = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (entry.empty()) continue;
    std::string spelled(entry);
    if (spelled.find('/') == std::string::npos) {
      const auto ip = IpAddress::parse(spelled);
      if (!ip) return Error{std::string(key) + ": not an IP address or CIDR range: " + quote_for_message(entry)};
      spelled += ip->is_v4() ? "/32" : "/128";
    }
    auto prefix = IpPrefix::parse(spelled);
    if (!prefix) return Error{std::string(key) + ": " + prefix.error().message};
    out.push_back(*prefix);
  }
  return out;
}

// locations.reminders.* and locations.smtp.* (docs/locations.md, "Reminders"),
// checked only when reminders are on.
Result<ReminderOptions> reminder_setup(const Config& config, const LocationsApiOptions& api) {
  ReminderOptions r;
  r.enabled = config.get_bool("locations.reminders.enabled");
  if (!r.enabled) return r;
  constexpr EpochMillis kHour = 3'600'000;
  r.after = config.get_int("locations.reminders.after_hours") * kHour;
  r.interval = config.get_int("locations.reminders.interval_hours") * kHour;
  r.check_interval = std::chrono::seconds(config.get_int("locations.reminders.check_interval_s"));
  r.link_days = config.get_int("locations.reminders.link_days");
  r.public_url = config.get_or("locations.public_url", "");
  if (r.public_url.empty()) {
    return Error{"locations.public_url: required with locations.reminders.enabled (the page the e-mails link to)"};
  }
  if (api.identity.link_secret.empty()) {
    return Error{"locations.link_secret: required with locations.reminders.enabled (it signs the e-mails' links)"};
  }
  r.email_domain = config.get_or("locations.reminders.email_domain", "");
  if (!r.email_domain.empty() && !is_valid_email("user@" + r.email_domain)) {
    return Error{"locations.reminders.email_domain: not a mail domain: " + quote_for_message(r.email_domain)};
  }
  auto smtp = mail::smtp_settings_from(config, "locations.smtp", "locations.reminders.enabled is true");
  if (!smtp) return smtp.error();
  try {
    mail::SmtpClient check(*smtp);
  } catch (const std::invalid_argument& e) {
    return Error{std::string("locations.smtp: ") + e.what()};
  }
  r.smtp = std::move(*smtp);
  return r;
}

}  // namespace

std::function<AddressCheck(const CivicAddress&)> address_checks(std::shared_ptr<AddressValidator> provider) {
  return [provider](const CivicAddress& address) {
    AddressCheck check;
    if (auto problem = first_address_problem(address)) {
      check.field = std::move(problem->field);
      check.problem = std::move(problem->message);
      return check;
    }
    if (!provider) return check;
    const AddressVerdict verdict = provider->validate(address);
    switch (verdict.kind) {
      case AddressVerdict::Kind::confirmed: check.validated = true; break;
      case AddressVerdict::Kind::refused: {
        auto problem = refusal_problem(verdict);
        check.field = std::move(problem.field);
        check.problem = std::move(problem.message);
        break;
      }
      case AddressVerdict::Kind::unavailable:
        Logger("locations").warn("address validation provider unavailable; the registration goes on unvalidated",
                                 {{"reason", verdict.message}});
        break;
    }
    return check;
  };
}

const std::vector<ConfigKey>& locations_config_keys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> keys = {
      ConfigKey::text("locations.registry"),
      ConfigKey::text("locations.http.bind", "127.0.0.1"),
      ConfigKey::integer("locations.http.port", 8097, 0, 65535),
      ConfigKey::integer("locations.http.max_threads", 16, 1, 256),
      ConfigKey::text("locations.http.tls_certificate", ""),
      ConfigKey::text("locations.http.tls_private_key", ""),
      ConfigKey::text("locations.identity.header", "X-Forwarded-User"),
      ConfigKey::text("locations.identity.trusted_proxies", ""),
      ConfigKey::text("locations.link_secret", ""),
      ConfigKey::text("locations.public_url", ""),
      ConfigKey::text("locations.admin.tokens_file", ""),
      ConfigKey::text("locations.backup_method", kDefaultBackup),
      ConfigKey::integer("locations.stale_after_hours", 0, 0, 24 * 3650),
      ConfigKey::integer("locations.ack_timeout_ms", 10000, 100, 120000),
      ConfigKey::boolean("locations.held.enabled", false),
      ConfigKey::text("locations.held.path", "/held"),
      ConfigKey::text("locations.held.allowed_clients", ""),
      ConfigKey::text("locations.validation.url", ""),
      ConfigKey::text("locations.validation.token_file", ""),
      ConfigKey::integer("locations.validation.timeout_ms", 3000, 100, 60000),
      ConfigKey::boolean("locations.reminders.enabled", false),
      ConfigKey::integer("locations.reminders.after_hours", 0, 0, 24 * 3650),
      ConfigKey::integer("locations.reminders.interval_hours", 24, 1, 24 * 365),
      ConfigKey::integer("locations.reminders.check_interval_s", 300, 1, 86400),
      ConfigKey::integer("locations.reminders.link_days", 14, 1, 365),
      ConfigKey::text("locations.reminders.email_domain", ""),
    };
    const auto smtp = mail::smtp_config_keys("locations.smtp");  // reminders only
    keys.insert(keys.end(), smtp.begin(), smtp.end());
    return keys;
  }();
  return keys;
}

Result<LocationsServiceOptions> locations_setup(const Config& config) {
  LocationsServiceOptions options;
  options.kafka = config.kafka_properties();
  if (const auto error = kafka_settings_error(config)) return Error{*error};
  options.topics = config.topics();
  const auto registry = config.get_or("locations.registry", "");
  if (registry.empty()) return Error{"locations.registry: required (the site registry, docs/registry.md)"};
  // Loaded once, by the service as it starts (an invalid file stops it there,
  // naming every problem), as the locator does: not here a second time.
  options.registry_path = registry;
  auto listen = net::endpoint_options_from(config, "locations.http");
  if (!listen) return listen.error();
  auto& api = options.api;
  api.listen = std::move(*listen);
  api.identity.header = config.get_or("locations.identity.header", "X-Forwarded-User");
  if (api.identity.header.empty()) return Error{"locations.identity.header: empty"};
  auto proxies = parse_prefix_list(config.get_or("locations.identity.trusted_proxies", ""),
                                   "locations.identity.trusted_proxies");
  if (!proxies) return proxies.error();
  api.identity.trusted_proxies = std::move(*proxies);
  api.identity.link_secret = config.get_or("locations.link_secret", "");
  if (!api.identity.link_secret.empty() && api.identity.link_secret.size() < kMinLinkSecretBytes) {
    return Error{"locations.link_secret: shorter than " + std::to_string(kMinLinkSecretBytes) +
                 " bytes (e.g. `head -c 48 /dev/urandom | base64` into the file locations.link_secret.file names)"};
  }
  if (api.identity.trusted_proxies.empty() && api.identity.link_secret.empty()) {
    return Error{"locations.identity.trusted_proxies and locations.link_secret are both empty: no user could sign "
                 "in (docs/locations.md, \"Who is asking\")"};
  }
  if (config.get_bool("locations.held.enabled")) {
    HeldResponderOptions held;
    held.path = config.get_or("locations.held.path", "/held");
    if (!held.path.starts_with("/") || held.path.starts_with("/v1/"))
      return Error{"locations.held.path: a path of its own, starting with / (e.g. /held)"};
    auto clients = parse_prefix_list(config.get_or("locations.held.allowed_clients", ""),
                                     "locations.held.allowed_clients");
    if (!clients) return clients.error();
    if (clients->empty())
      return Error{"locations.held.allowed_clients: required with locations.held.enabled (the SIP proxies' "
                   "addresses or CIDR ranges: where a device is, is personal data)"};
    held.allowed_clients = std::move(*clients);
    options.held = std::move(held);
  }
  api.admin_tokens_file = config.get_or("locations.admin.tokens_file", "");
  api.backup_method = config.get_or("locations.backup_method", kDefaultBackup);
  api.stale_after = config.get_int("locations.stale_after_hours") * 3'600'000;
  std::shared_ptr<AddressValidator> provider;
  if (const auto url = config.get_or("locations.validation.url", ""); !url.empty()) {
    try {
      HttpAddressValidatorSettings settings;
      settings.url = url;
      settings.token_file = config.get_or("locations.validation.token_file", "");
      settings.timeout = std::chrono::milliseconds(config.get_int("locations.validation.timeout_ms"));
      provider = std::make_shared<HttpAddressValidator>(std::move(settings));
    } catch (const std::invalid_argument& e) {
      return Error{e.what()};
    }
  }
  options.check_address = address_checks(std::move(provider));
  options.ack_timeout = std::chrono::milliseconds(config.get_int("locations.ack_timeout_ms"));
  auto reminders = reminder_setup(config, api);
  if (!reminders) return reminders.error();
  options.reminders = std::move(*reminders);
  return options;
}

}  // namespace e911::locations
