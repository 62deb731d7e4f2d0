#include "producers/locations/locations_config.h"

#include <stdexcept>

#include "common/email_address.h"
#include "common/mail/smtp_config.h"
#include "common/net/endpoint_config.h"
#include "common/text.h"
#include "producers/locations/personal_link.h"
#include "registry/registry_loader.h"

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

// Until the per-country rules: what makes an address dispatchable.
AddressVerdict dispatchable_only(const CivicAddress& a) {
  AddressVerdict v;
  if (lacks_unit(a)) {
    v.field = "address.unit";
    v.problem = "address.unit: required: the building has several dwellings or offices";
  } else if (a.street.empty() && a.name.empty() && a.landmark.empty()) {
    v.field = "address.street";
    v.problem = "address.street: required";
  } else if (a.city.empty() && a.postal_code.empty()) {
    v.field = "address.city";
    v.problem = "address.city: required (or address.postal_code)";
  }
  return v;
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
  {
    auto load = registry::load_registry_file(registry);
    if (!load.ok()) {
      std::string why = load.errors.empty() ? "" : ": " + registry::format_diagnostic(registry, load.errors.front());
      return Error{"locations.registry: " + registry + " does not load" + why};
    }
  }
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
  api.admin_tokens_file = config.get_or("locations.admin.tokens_file", "");
  api.backup_method = config.get_or("locations.backup_method", kDefaultBackup);
  api.stale_after = config.get_int("locations.stale_after_hours") * 3'600'000;
  options.check_address = dispatchable_only;
  options.ack_timeout = std::chrono::milliseconds(config.get_int("locations.ack_timeout_ms"));
  auto reminders = reminder_setup(config, api);
  if (!reminders) return reminders.error();
  options.reminders = std::move(*reminders);
  return options;
}

}  // namespace e911::locations
