#include "consumers/notifier/notifier_config.h"

#include <stdexcept>

#include "common/mail/smtp_config.h"
#include "common/sql/location.h"
#include "registry/registry_loader.h"
#include "consumers/notifier/kannel_transport.h"
#include "consumers/notifier/outbox_transport.h"
#include "consumers/notifier/smtp_transport.h"
#include "consumers/notifier/twilio_transport.h"
#include "consumers/notifier/webhook_transport.h"

namespace e911::notifier {

const std::vector<ConfigKey>& notifier_config_keys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> keys = {
        ConfigKey::text("notifier.registry"),
        ConfigKey::text("notifier.group_id", "e911-notifier"),
        ConfigKey::integer("notifier.workers_per_channel", 8, 1, 256),
        ConfigKey::integer("notifier.max_pending_alerts", 20000, 1, 10'000'000),
        ConfigKey::text("notifier.durability", "normal"),
        // The state's store: default sqlite:<state_dir>/notifier.db; a
        // postgresql:// URL shared by several instances (docs/decisions/0010).
        ConfigKey::text("notifier.store", ""),
        ConfigKey::integer("notifier.store_lease.ttl_ms", 15000, 500, 3'600'000),
        ConfigKey::text("notifier.store_lease.owner", ""),  // empty: random at each start
        ConfigKey::integer("notifier.retry.initial_delay_ms", 1000, 1, 3'600'000),
        ConfigKey::integer("notifier.retry.max_delay_ms", 30000, 1, 3'600'000),
        ConfigKey::integer("notifier.retry.deadline_s", 600, 1, 7 * 86400),
        ConfigKey::integer("notifier.timeouts.connect_ms", 5000, 1, 600'000),
        ConfigKey::integer("notifier.timeouts.io_ms", 10000, 1, 600'000),
        // SMTP: the reply after the message data (mail::SmtpSettings).
        ConfigKey::integer("notifier.timeouts.end_of_data_ms", 60000, 1, 600'000),
        // email
        ConfigKey::text("notifier.email.transport"),
        // sms
        ConfigKey::text("notifier.sms.transport"),
        ConfigKey::text("notifier.kannel.url", ""),
        ConfigKey::text("notifier.kannel.username", ""),
        ConfigKey::text("notifier.kannel.password", ""),
        ConfigKey::text("notifier.kannel.from", ""),
        ConfigKey::text("notifier.kannel.smsc", ""),
        ConfigKey::text("notifier.twilio.base_url", "https://api.twilio.com"),
        ConfigKey::text("notifier.twilio.account_sid", ""),
        ConfigKey::text("notifier.twilio.auth_token", ""),
        ConfigKey::text("notifier.twilio.from", ""),
        ConfigKey::text("notifier.twilio.messaging_service_sid", ""),
        // webhook
        ConfigKey::text("notifier.webhook.transport"),
        ConfigKey::text("notifier.webhook.secret", ""),
        ConfigKey::boolean("notifier.webhook.verify_certificate", true),
        ConfigKey::text("notifier.webhook.ca_file", ""),
        // verify_certificate / ca_file for https SMS gateways
        ConfigKey::boolean("notifier.sms.verify_certificate", true),
        ConfigKey::text("notifier.sms.ca_file", ""),
        ConfigKey::text("notifier.outbox_dir", ""),
        // acknowledgement
        ConfigKey::text("notifier.ack.base_url", ""),
        ConfigKey::text("notifier.ack.secret", ""),
        ConfigKey::text("notifier.ack.bind", "127.0.0.1"),
        ConfigKey::integer("notifier.ack.port", 8089, 0, 65535),
        ConfigKey::integer("notifier.ack.timeout_s", 120, 0, 86400),
        ConfigKey::integer("notifier.ack.link_ttl_s", 86400, 1, 30 * 86400),
        ConfigKey::text("notifier.ack.tls_certificate", ""),
        ConfigKey::text("notifier.ack.tls_private_key", ""),
    };
    const auto smtp = mail::smtp_config_keys("notifier.smtp");  // notifier.email.transport: smtp
    keys.insert(keys.end(), smtp.begin(), smtp.end());
    return keys;
  }();
  return keys;
}

namespace {

std::string get(const Config& c, const char* key) { return c.get_or(key, ""); }

// Which channels the registry's contacts use.
struct ChannelsUsed {
  bool email = false, sms = false, webhook = false;
};

ChannelsUsed channels_used(const registry::Registry& registry) {
  ChannelsUsed used;
  for (const auto& [id, list] : registry.data().notification_lists) {
    for (const auto& c : list.contacts) {
      used.email |= !c.email.empty();
      used.sms |= !c.sms.empty();
      used.webhook |= !c.webhook.empty();
    }
  }
  return used;
}

}  // namespace

Result<NotifierSetup> notifier_setup(const Config& config) {
  NotifierSetup setup;
  auto& o = setup.service;
  o.kafka = config.kafka_properties();
  o.topics = config.topics();
  o.group_id = get(config, "notifier.group_id");
  o.instance_id = config.instance_id("notifier");
  o.registry_path = get(config, "notifier.registry");
  if (o.registry_path.empty()) return Error{"notifier.registry: not set (the site registry file)"};
  o.state_dir = get(config, "state_dir");
  if (o.state_dir.empty()) return Error{"state_dir: not set (the notifier keeps its alert state there)"};
  o.workers_per_channel = static_cast<std::size_t>(config.get_int("notifier.workers_per_channel"));
  o.max_pending_alerts = static_cast<std::size_t>(config.get_int("notifier.max_pending_alerts"));
  const auto durability = get(config, "notifier.durability");
  if (durability == "normal") o.durability = Durability::normal;
  else if (durability == "full") o.durability = Durability::full;
  else return Error{"notifier.durability: expected normal or full, got \"" + durability + "\" (" + config.origin("notifier.durability") + ")"};
  o.store_url = get(config, "notifier.store");
  if (!o.store_url.empty()) {
    try {
      sql::parse_location(o.store_url, "notifier store");  // said now rather than at start-up
    } catch (const std::exception& e) {
      return Error{std::string("notifier.store: ") + e.what() + " (" + config.origin("notifier.store") + ")"};
    }
  }
  o.store_owner = get(config, "notifier.store_lease.owner");
  o.store_lease_ttl = std::chrono::milliseconds(config.get_int("notifier.store_lease.ttl_ms"));
  o.retry.initial_delay = std::chrono::milliseconds(config.get_int("notifier.retry.initial_delay_ms"));
  o.retry.max_delay = std::chrono::milliseconds(config.get_int("notifier.retry.max_delay_ms"));
  o.retry.deadline = std::chrono::seconds(config.get_int("notifier.retry.deadline_s"));
  o.dead_letter_max_payload = static_cast<std::size_t>(config.get_int("dead_letter.max_payload_bytes"));
  TransportTimeouts timeouts;
  timeouts.connect = std::chrono::milliseconds(config.get_int("notifier.timeouts.connect_ms"));
  timeouts.io = std::chrono::milliseconds(config.get_int("notifier.timeouts.io_ms"));

  auto registry = registry::load_registry_file(o.registry_path);
  if (!registry.ok()) {
    std::string message = "invalid registry " + o.registry_path + ":";
    for (const auto& d : registry.errors) message += "\n  " + registry::format_diagnostic(o.registry_path, d);
    return Error{message};
  }
  const auto used = channels_used(*registry.registry);

  std::shared_ptr<OutboxTransport> outbox;
  const auto outbox_transport = [&]() -> std::shared_ptr<Transport> {
    if (!outbox) {
      setup.outbox_dir = get(config, "notifier.outbox_dir");
      if (setup.outbox_dir.empty()) setup.outbox_dir = o.state_dir + "/outbox";
      outbox = std::make_shared<OutboxTransport>(setup.outbox_dir);
    }
    return outbox;
  };

  // What is left of a channel's notifier.<channel>.transport `name` once
  // the channel's own transports (`own`: "kannel, twilio") are ruled out:
  // "outbox", which every channel takes, or an error for any other name, or
  // for none while the registry has contacts on the channel (`contacts`:
  // "SMS").
  const auto outbox_or_refusal = [&](Channel channel, const std::string& name, bool registry_uses,
                                     const std::string& own, const std::string& contacts) -> std::optional<Error> {
    const std::string key = "notifier." + std::string(channel_name(channel)) + ".transport";
    if (name == "outbox") {
      o.transports[channel] = outbox_transport();
    } else if (!name.empty()) {
      return Error{key + ": expected " + own + " or outbox, got \"" + name + "\""};
    } else if (registry_uses) {
      return Error{key + ": not set, but the registry has " + contacts + " contacts (" + own + " or outbox)"};
    }
    return std::nullopt;
  };

  try {
    // e-mail
    const auto email = get(config, "notifier.email.transport");
    if (email == "smtp") {
      auto s = mail::smtp_settings_from(config, "notifier.smtp", "notifier.email.transport is smtp", timeouts);
      if (!s) return s.error();
      s->end_of_data_timeout = std::chrono::milliseconds(config.get_int("notifier.timeouts.end_of_data_ms"));
      o.transports[Channel::email] = std::make_shared<SmtpTransport>(std::move(*s));
    } else if (auto error = outbox_or_refusal(Channel::email, email, used.email, "smtp", "e-mail")) {
      return *error;
    }

    // The HTTP-based transports' timeouts and TLS trust, under `prefix`.
    const auto client_settings = [&](const std::string& prefix) {
      HttpClientSettings c;
      c.timeouts = timeouts;
      c.verify_certificate = config.get_bool(prefix + ".verify_certificate");
      c.ca_file = get(config, (prefix + ".ca_file").c_str());
      return c;
    };

    // SMS
    const auto sms = get(config, "notifier.sms.transport");
    const auto sms_client = client_settings("notifier.sms");
    if (sms == "kannel") {
      KannelSettings s;
      s.url = get(config, "notifier.kannel.url");
      if (s.url.empty()) return Error{"notifier.kannel.url: not set (notifier.sms.transport is kannel)"};
      s.username = get(config, "notifier.kannel.username");
      s.password = get(config, "notifier.kannel.password");
      s.from = get(config, "notifier.kannel.from");
      s.smsc = get(config, "notifier.kannel.smsc");
      static_cast<HttpClientSettings&>(s) = sms_client;
      o.transports[Channel::sms] = std::make_shared<KannelTransport>(std::move(s));
    } else if (sms == "twilio") {
      TwilioSettings s;
      s.base_url = get(config, "notifier.twilio.base_url");
      s.account_sid = get(config, "notifier.twilio.account_sid");
      s.auth_token = get(config, "notifier.twilio.auth_token");
      s.from = get(config, "notifier.twilio.from");
      s.messaging_service_sid = get(config, "notifier.twilio.messaging_service_sid");
      if (s.account_sid.empty() || s.auth_token.empty()) {
        return Error{"notifier.twilio.account_sid and notifier.twilio.auth_token: both needed (sms transport twilio)"};
      }
      if (s.from.empty() && s.messaging_service_sid.empty()) {
        return Error{"notifier.twilio.from or notifier.twilio.messaging_service_sid: one is needed"};
      }
      static_cast<HttpClientSettings&>(s) = sms_client;
      o.transports[Channel::sms] = std::make_shared<TwilioTransport>(std::move(s));
    } else if (auto error = outbox_or_refusal(Channel::sms, sms, used.sms, "kannel, twilio", "SMS")) {
      return *error;
    }

    // webhooks
    const auto webhook = get(config, "notifier.webhook.transport");
    if (webhook == "http") {
      WebhookSettings s;
      static_cast<HttpClientSettings&>(s) = client_settings("notifier.webhook");
      o.transports[Channel::webhook] = std::make_shared<WebhookTransport>(std::move(s));
    } else if (auto error = outbox_or_refusal(Channel::webhook, webhook, used.webhook, "http", "webhook")) {
      return *error;
    }
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
  o.webhook_secret = get(config, "notifier.webhook.secret");

  o.ack_base_url = get(config, "notifier.ack.base_url");
  o.ack_key = get(config, "notifier.ack.secret");
  o.ack_timeout = std::chrono::seconds(config.get_int("notifier.ack.timeout_s"));
  o.ack_link_ttl = std::chrono::seconds(config.get_int("notifier.ack.link_ttl_s"));
  if (!o.ack_base_url.empty()) {
    if (o.ack_base_url.rfind("http://", 0) != 0 && o.ack_base_url.rfind("https://", 0) != 0) {
      return Error{"notifier.ack.base_url: not an http(s) URL: \"" + o.ack_base_url + "\""};
    }
    if (o.ack_key.empty()) {
      return Error{"notifier.ack.secret: not set (signs acknowledgement links; use notifier.ack.secret.file or "
                   "E911_NOTIFIER_ACK_SECRET_FILE)"};
    }
    if (o.ack_key.size() < 16) return Error{"notifier.ack.secret: too short (at least 16 characters)"};
    setup.ack_server = true;
    setup.ack.bind = get(config, "notifier.ack.bind");
    setup.ack.port = static_cast<std::uint16_t>(config.get_int("notifier.ack.port"));
    setup.ack.tls_certificate = get(config, "notifier.ack.tls_certificate");
    setup.ack.tls_private_key = get(config, "notifier.ack.tls_private_key");
    if (setup.ack.tls_certificate.empty() != setup.ack.tls_private_key.empty()) {
      return Error{"notifier.ack.tls_certificate and notifier.ack.tls_private_key: give both or neither"};
    }
  }
  return setup;
}

}  // namespace e911::notifier
