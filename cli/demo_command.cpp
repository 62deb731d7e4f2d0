// e911 demo: the whole pipeline on the embedded default. An in-process
// Kafka broker, the ingest, the locator, the notifier and the auditor, and
// simulated traffic (every scenario the registry supports, a malformed
// event, non-emergency background) sent to it, some calls through the
// ingest's SIP mirror and HTTP doors (demo_traffic.h); each emergency call
// is printed as it comes out of e911.emergency-calls, with the way it came.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include <stdlib.h>

#include <rapidjson/document.h>
#include <yaml-cpp/yaml.h>

#include "cli/call_display.h"
#include "cli/demo_traffic.h"
#include "cli/commands.h"
#include "cli/command_line.h"
#include "cli/options.h"
#include "common/config.h"
#include "common/encoding.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/producer.h"
#include "common/kafka/stop_signal.h"
#include "common/kafka/topic_tail.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/observability/observability_server.h"
#include "common/service/background_service.h"
#include "common/service/wait.h"
#include "common/timestamp.h"
#include "consumers/locator/locator_service.h"
#include "registry/registry_loader.h"
#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/auditor_service.h"
#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/query/call_rendering.h"
#include "consumers/auditor/journal/chain_verifier.h"
#include "consumers/auditor/journal/entry_signer.h"
#include "consumers/auditor/api/audit_api.h"
#include "consumers/auditor/console/people_file.h"
#include "consumers/auditor/report/compliance_overview.h"
#include "consumers/auditor/report/journal_verification.h"
#include "consumers/auditor/report/pdf_report.h"
#include "consumers/auditor/report/report_document.h"
#include "consumers/notifier/ack_server.h"
#include "consumers/notifier/ack_token.h"
#include "consumers/notifier/notifier_service.h"
#include "consumers/notifier/outbox_transport.h"
#include "common/net/api_tokens.h"
#include "common/net/http_client.h"
#include "producers/ingest/ingest_service.h"
#include "producers/locations/locations_config.h"
#include "producers/locations/locations_service.h"
#include "producers/simulator/traffic.h"

namespace e911::cli {

namespace {

constexpr const char* kHelp =
    "usage: e911 demo --registry FILE [--background N] [--seed N] [--follow]\n"
    "                 [--metrics-port N] [--state-dir DIR]\n"
    "\n"
    "Runs the pipeline on the embedded default: an in-process Kafka broker on\n"
    "loopback, the ingest (a SIP mirror listener and the HTTP webhook endpoint on\n"
    "loopback), the locator, the notifier (alerts written to a local outbox, with\n"
    "acknowledgement links served on loopback), the auditor (a signed, hash-chained\n"
    "journal in a SQLite file), and simulated traffic from the registry (office\n"
    "floors, desk phones, Wi-Fi, home workers with and without VPN, the\n"
    "coffee-shop caller, the nomad, 933 test calls, a visitor, dial prefixes,\n"
    "a malformed event, non-emergency background, about 2,000 events/s). Every\n"
    "third call comes as a SIP INVITE mirrored to the ingest (as Kamailio's\n"
    "siptrace sends it) when SIP can carry it, else as an HTTP webhook; the next\n"
    "as an HTTP webhook to the ingest, the next is produced to Kafka directly.\n"
    "Prints every emergency call as it leaves\n"
    "e911.emergency-calls and the way it came, then the alerts sent for each, the\n"
    "compliance report from the audit journal (also as a PDF in the state\n"
    "directory) and where the journal is, how to open the audit console on it,\n"
    "a summary, and exits 0. With --follow the audit console runs too, on a\n"
    "free loopback port, signed in with a demo token (printed).\n"
    "\n"
    "  --registry FILE    the site registry (ops/demo/registry.yaml)\n"
    "  --background N     non-emergency events mixed in (default 2000)\n"
    "  --seed N           simulator seed (default 1)\n"
    "  --follow           keep simulating (about one emergency call every 5 s\n"
    "                     among steady background) until Ctrl-C\n"
    "  --metrics-port N   serve /metrics and /healthz (all the components) on N\n"
    "                     (default: a free port, printed)\n"
    "  --state-dir DIR    where the notifier keeps its state and outbox, the\n"
    "                     auditor its journal (audit.db) and demo signing key,\n"
    "                     and the ingest its demo bearer token's hash\n"
    "                     (default: a new folder under the temp directory, printed)\n"
    "\n"
    "Logs (JSON lines, warnings and errors unless E911_LOG_LEVEL says\n"
    "otherwise) go to standard error.\n";

std::string call_id_of(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("call_id") || !d["call_id"].IsString()) return {};
  return d["call_id"].GetString();
}

bool wait_until(const std::function<bool()>& done, std::chrono::seconds timeout, const std::atomic<bool>& stop) {
  return service::wait_until(done, timeout, &stop);
}

struct Summary {
  std::size_t emergency = 0, test = 0, dispatchable = 0, ecrc = 0, warned = 0;
  void add(const std::string& json) {
    rapidjson::Document d;
    d.Parse(json.c_str());
    if (d.HasParseError() || !d.IsObject()) return;
    (std::string(d["class"].GetString()) == "test" ? test : emergency)++;
    if (d["location"]["dispatchable"].IsTrue()) ++dispatchable;
    if (std::string(d["routing"].GetString()) == "ecrc") ++ecrc;
    if (!d["warnings"].Empty()) ++warned;
  }
};

// The alerts of each call, from the records on e911.notifications.
struct AlertLog {
  std::map<std::string, std::vector<std::string>> sent_by_call;  // call id -> "sms +1512..."
  std::map<std::string, std::size_t> sent_by_channel;
  std::size_t sent = 0, failed = 0, escalated = 0;
  void add(std::string_view json) {
    rapidjson::Document d;
    d.Parse(json.data(), json.size());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("status") || !d["status"].IsString()) return;
    const std::string status = d["status"].GetString();
    const auto text = [&](const rapidjson::Value& v, const char* key) -> std::string {
      return v.IsObject() && v.HasMember(key) && v[key].IsString() ? v[key].GetString() : "";
    };
    if (status == "sent") {
      ++sent;
      const auto channel = text(d, "channel");
      ++sent_by_channel[channel];
      const auto& recipient = d.HasMember("recipient") ? d["recipient"] : d["status"];
      sent_by_call[text(d, "call_id")].push_back(channel + " " + text(recipient, "address"));
    } else if (status == "failed") {
      ++failed;
    } else if (status == "escalated") {
      ++escalated;
    }
  }
};

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
}

// A file readable by its owner only.
void write_private_file(const std::string& path, const std::string& text) {
  write_text_file(path, text);
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace);
}

// A fresh HS256 secret for the demo's audit journal (a real deployment
// brings its own: docs/auditor.md).
void write_demo_secret(const std::string& path) { write_private_file(path, random_hex(32) + "\n"); }

// The verification key of the demo's journal: its signer's.
auditor::Keyring keyring_of(const auditor::Signer& signer) {
  auditor::Keyring keyring;
  if (auto e = keyring.add_verifier_of(signer)) throw std::runtime_error(e->message);
  return keyring;
}

// The compliance report over everything the demo journaled, the chain's
// verification, and how to ask the journal more.
void print_compliance_report(const std::string& audit_url, const auditor::Signer& signer,
                             const std::string& config_file, const std::string& pdf_path) {
  auto store = auditor::open_audit_store(audit_url);
  const auto overview = auditor::compliance_overview(*store, auditor::CallFilter{});
  const auto& report = overview.report;
  const auto verification = auditor::verify_journal(*store, keyring_of(signer));
  const auto& verified = verification.result;
  // The PDF an auditor files, as `e911 audit report --pdf` writes it.
  auditor::ReportContext context;
  context.organisation = "e911 demo";
  context.store = store->name();
  context.generated_at = now_millis();
  context.verification = verification;
  context.verify_command = "e911 audit verify --config " + config_file;
  const auto pages =
      auditor::write_report_pdf(auditor::compliance_report_document(overview, context), pdf_path, auditor::PaperSize::a4);
  std::cout << "Compliance report (Kari's Law / RAY BAUM's Act) from the audit journal:\n"
            << auditor::report_text(report) << "\n"
            << "Audit journal: " << audit_url.substr(7) << "  (" << verified.entries << " entries, "
            << (verified.ok ? "chain and signatures verified, head seq " + std::to_string(verified.last_seq)
                            : "VERIFICATION FAILED: " + verified.reason)
            << ")\n"
            << "  Ask it more: e911 audit query|show CALL|report|verify|export --config " << config_file << "\n"
            << "Compliance report PDF: " << pdf_path << "  (" << pages << (pages == 1 ? " page" : " pages") << ")\n"
            << std::endl;
}

// The audit console on the demo's journal, while the demo follows: the
// audit API's server on a free loopback port, as `e911 audit serve` runs
// it, its people file naming the demo's token an auditor.
struct DemoConsole {
  DemoConsole(const std::string& audit_url, const auditor::Signer& signer, const std::string& state_dir)
      : store(auditor::open_audit_store(audit_url)),
        tokens(state_dir + "/audit-api-tokens"),
        people(state_dir + "/console-people"),
        server(*store, tokens, keyring_of(signer), metrics, options(people)) {}

  static auditor::api::AuditApiOptions options(auditor::console::PeopleFile& people) {
    auditor::api::AuditApiOptions o;
    o.listen.max_threads = 4;
    auditor::api::AuditApiOptions::Console console{&people, {}};
    console.options.cookie_key = random_hex(32);
    o.console = std::move(console);
    return o;
  }

  std::unique_ptr<auditor::AuditStore> store;
  net::ApiTokenFile tokens;
  auditor::console::PeopleFile people;
  observability::MetricsRegistry metrics;
  auditor::api::AuditApiServer server;
};

std::string make_state_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "e911-demo-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("cannot create a state directory under /tmp");
  return tmpl;
}

// The demo's audit journal and signing key, as `e911 audit ... --config`
// reads them.
void write_audit_config(const std::string& path, const std::string& audit_url, const std::string& secret_file,
                        const std::string& tokens_file, const std::string& people_file) {
  YAML::Emitter yaml;
  yaml << YAML::Comment("The demo's audit journal, for e911 audit ... --config " + path);
  yaml << YAML::BeginMap << YAML::Key << "auditor" << YAML::Value << YAML::BeginMap;
  yaml << YAML::Key << "store" << YAML::Value << audit_url;
  yaml << YAML::Key << "signing" << YAML::Value << YAML::BeginMap;
  yaml << YAML::Key << "key_id" << YAML::Value << "demo-1";
  yaml << YAML::Key << "secret" << YAML::Value << YAML::BeginMap << YAML::Key << "file" << YAML::Value << secret_file
       << YAML::EndMap;
  yaml << YAML::EndMap;
  yaml << YAML::Key << "api" << YAML::Value << YAML::BeginMap << YAML::Key << "tokens" << YAML::Value
       << YAML::BeginMap << YAML::Key << "file" << YAML::Value << tokens_file << YAML::EndMap << YAML::EndMap;
  yaml << YAML::Key << "console" << YAML::Value << YAML::BeginMap << YAML::Key << "people" << YAML::Value
       << YAML::BeginMap << YAML::Key << "file" << YAML::Value << people_file << YAML::EndMap << YAML::EndMap;
  yaml << YAML::EndMap << YAML::EndMap;
  if (!yaml.good()) throw std::runtime_error("cannot write " + path + ": " + yaml.GetLastError());
  write_text_file(path, std::string(yaml.c_str()) + "\n");
}

// The name of the demo's audit API token, an auditor on the console.
constexpr const char* kDemoAuditor = "demo-auditor";

// What the demo runs in one process: the embedded broker with the
// pipeline's topics, the ingest (SIP mirror listener on loopback UDP, the
// HTTP endpoint with a fresh bearer token), the locator, the notifier
// (alerting into a local outbox, acknowledgement links on loopback), the
// auditor (a SQLite journal signed with a fresh demo key) and one metrics
// endpoint for them all. Members in dependency order.
struct DemoPipeline {
  DemoPipeline(const std::string& registry_path, std::shared_ptr<const registry::Registry> registry,
               const std::string& state_dir, std::uint16_t metrics_port)
      : props(create_topics(broker, topics)),
        ingest_token(random_hex(24)),
        ingest(ingest_options(std::move(registry), state_dir), metrics),
        locator(registry_reader_options<locator::LocatorServiceOptions>(registry_path), metrics),
        locations(locations_options(registry_path), metrics),
        outbox(std::make_shared<notifier::OutboxTransport>(state_dir + "/outbox")),
        notifier(notifier_options(registry_path, state_dir), metrics),
        ack_server(notifier, notifier::AckServerOptions{}),
        ack_base_url("http://127.0.0.1:" + std::to_string(ack_server.port())),
        audit_url("sqlite:" + state_dir + "/audit.db"),
        audit_config(state_dir + "/auditor.yaml"),
        console_token(random_hex(32)),
        console_token_file(state_dir + "/console-token"),
        signer(demo_signer(state_dir)),
        auditor(auditor_options(), auditor::store_opener(audit_url), signer, metrics),
        endpoint(metrics, [this] { return health(); }, {"127.0.0.1", metrics_port}) {
    notifier.set_ack_base_url(ack_base_url);
  }

  observability::HealthStatus health() const {
    const auto i = ingest.health();
    if (!i.live) return observability::HealthStatus::down("ingest: " + i.reason);
    const auto l = locator.health();
    if (!l.live) return observability::HealthStatus::down("locator: " + l.reason);
    const auto r = locations.health();
    if (!r.live) return observability::HealthStatus::down("location service: " + r.reason);
    const auto n = notifier.health();
    if (!n.live) return observability::HealthStatus::down("notifier: " + n.reason);
    const auto a = auditor.health();
    if (!a.live) return observability::HealthStatus::down("auditor: " + a.reason);
    return observability::HealthStatus::ok();
  }

  kafka::EmbeddedBroker broker;
  const Config::Topics topics = Config().topics();
  const kafka::Properties props;
  observability::MetricsRegistry metrics;
  const std::string ingest_token;
  ingest::IngestService ingest;
  locator::LocatorService locator;
  locations::LocationsService locations;
  std::shared_ptr<notifier::OutboxTransport> outbox;
  notifier::NotifierService notifier;
  notifier::AckServer ack_server;
  const std::string ack_base_url;
  const std::string audit_url;
  const std::string audit_config;
  // The demo auditor's token: the audit API's and the console's sign-in
  // (the people file lists its name as an auditor).
  const std::string console_token;
  const std::string console_token_file;
  auditor::Signer signer;
  auditor::AuditorService auditor;
  observability::ObservabilityServer endpoint;

 private:
  static kafka::Properties create_topics(kafka::EmbeddedBroker& broker, const Config::Topics& topics) {
    broker.create_topic(topics.call_events, 3);
    broker.create_topic(topics.location_updates, 3);
    broker.create_topic(topics.emergency_calls, 3);  // room for a standby notifier and auditor
    broker.create_topic(topics.notifications, 1);
    broker.create_topic(topics.dead_letter, 1);
    broker.create_topic(topics.elin_assignments, 1);
    broker.create_topic(topics.elin_lookups, 1);
    broker.create_topic(topics.location_reminders, 1);
    broker.create_topic(topics.location_sightings, 1);
    return broker.client_properties();
  }
  ingest::IngestServiceOptions ingest_options(std::shared_ptr<const registry::Registry> registry,
                                              const std::string& state_dir) const {
    ingest::IngestServiceOptions o;
    o.kafka = props;
    o.topics = topics;
    o.sip.udp = "127.0.0.1:0";
    // The registry's dial prefixes and test numbers count, as ingest.registry makes them.
    o.ingest.dial_plan = registry::shared_dial_plan(registry);
    ingest::WebhookOptions http;
    http.tokens_file = state_dir + "/ingest-tokens";
    write_private_file(http.tokens_file, "demo " + sha256_hex(ingest_token) + "\n");
    o.http = std::move(http);
    return o;
  }
  // What every service that reads the registry file is given: the demo's
  // broker, its topics and the registry.
  template <typename ServiceOptions>
  ServiceOptions registry_reader_options(const std::string& registry_path) const {
    ServiceOptions o;
    o.kafka = props;
    o.topics = topics;
    o.registry_path = registry_path;
    return o;
  }
  // Users are who the loopback "proxy" (the demo itself) says they are.
  locations::LocationsServiceOptions locations_options(const std::string& registry_path) const {
    auto o = registry_reader_options<locations::LocationsServiceOptions>(registry_path);
    o.api.identity.trusted_proxies = {*IpPrefix::parse("127.0.0.1/32")};
    o.api.identity.link_secret = random_hex(32);
    o.check_address = locations::address_checks(nullptr);
    return o;
  }

  notifier::NotifierServiceOptions notifier_options(const std::string& registry_path,
                                                    const std::string& state_dir) const {
    auto o = registry_reader_options<notifier::NotifierServiceOptions>(registry_path);
    o.state_dir = state_dir;
    o.transports = {{notifier::Channel::email, outbox}, {notifier::Channel::sms, outbox},
                    {notifier::Channel::webhook, outbox}};
    o.ack_key = notifier::make_ack_key();
    o.ack_base_url = "http://127.0.0.1";  // the port is set once the server listens
    return o;
  }
  // The journal's signing key, and what `e911 audit serve --config` needs
  // to open the console on it: a tokens file, a people file, the token.
  auditor::Signer demo_signer(const std::string& state_dir) const {
    const auto secret_file = state_dir + "/audit-signing.secret";
    write_demo_secret(secret_file);
    write_private_file(state_dir + "/audit-api-tokens", std::string(kDemoAuditor) + " " + sha256_hex(console_token) + "\n");
    write_text_file(state_dir + "/console-people", "# who may use the audit console (docs/auditor.md, \"Console\")\n" +
                                                         std::string(kDemoAuditor) + " auditor\n");
    write_private_file(console_token_file, console_token + "\n");
    write_audit_config(audit_config, audit_url, secret_file, state_dir + "/audit-api-tokens",
                       state_dir + "/console-people");
    auto s = auditor::Signer::from_secret_file("demo-1", secret_file);
    if (!s) throw std::runtime_error(s.error().message);
    return std::move(*s);
  }
  auditor::AuditorServiceOptions auditor_options() const {
    auditor::AuditorServiceOptions o;
    o.kafka = props;
    o.topics = topics;
    // The journal verified every minute, as e911_auditor_chain_* shows.
    o.chain_watch.interval = std::chrono::seconds(60);
    o.chain_watch.keyring = keyring_of(signer);
    return o;
  }
};

// The ingest and the three consumers, each on a thread of its own.
struct DemoThreads {
  explicit DemoThreads(DemoPipeline& p)
      : ingest(std::make_unique<service::BackgroundService>(p.ingest)),
        locator(std::make_unique<service::BackgroundService>(p.locator)),
        locations(std::make_unique<service::BackgroundService>(p.locations)),
        notifier(std::make_unique<service::BackgroundService>(p.notifier)),
        auditor(std::make_unique<service::BackgroundService>(p.auditor)) {}
  bool any_failed() const {
    return ingest->failed() || locator->failed() || locations->failed() || notifier->failed() || auditor->failed();
  }
  std::string errors() const {
    return ingest->error() + locator->error() + locations->error() + notifier->error() + auditor->error();
  }
  // Which failed, first.
  std::string failure() const {
    return ingest->failed()     ? "the ingest failed: " + ingest->error()
           : locator->failed()  ? "the locator failed: " + locator->error()
           : locations->failed() ? "the location service failed: " + locations->error()
           : notifier->failed() ? "the notifier failed: " + notifier->error()
                                : "the auditor failed: " + auditor->error();
  }
  void stop() {
    ingest->stop();
    locator->stop();
    locations->stop();
    notifier->stop();
    auditor->stop();
  }
  std::unique_ptr<service::BackgroundService> ingest, locator, locations, notifier, auditor;
};

// The home worker registers through the location service's API, as an
// employee would on its page (the demo plays the SSO proxy: the identity
// header from loopback), instead of through Kafka. The status it answers.
std::string register_through_api(std::uint16_t port, const LocationUpdate& update) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::put_address(w, update.address);
  if (update.network_ip) json::put_network(w, "network", update.network_ip, std::nullopt);
  w.EndObject();
  auto url = net::parse_http_url("http://127.0.0.1:" + std::to_string(port) + "/v1/me/registration");
  if (!url.endpoint) throw std::runtime_error("location service URL: " + url.error);
  net::HttpRequestSpec request;
  request.method = "POST";
  request.target = url.endpoint->path_and_query;
  request.headers = {{"X-Forwarded-User", update.user_id}};
  request.content_type = "application/json";
  request.body = buffer.GetString();
  const auto exchange = net::http_exchange(*url.endpoint, request, net::HttpClientTimeouts{}, nullptr,
                                           "POST " + url.endpoint->origin() + "/v1/me/registration");
  if (!exchange.response) throw std::runtime_error(exchange.failure.error);
  if (exchange.response->status != 201)
    throw std::runtime_error("the location service answered HTTP " + std::to_string(exchange.response->status) +
                             ": " + net::short_text(exchange.response->body));
  rapidjson::Document doc;
  doc.Parse(exchange.response->body.c_str());
  const auto* status = doc.IsObject() ? find_member(doc, "status") : nullptr;
  return status && status->IsString() ? status->GetString() : "?";
}

// One pass of the simulator's scenarios, split: the location updates
// (which go first, as registrations precede calls in real life) and the
// call events, with the scenario of each emergency call.
struct ScenarioPass {
  std::vector<simulator::SimEvent> updates, calls;
  std::map<std::string, std::string> scenario_of;  // call id -> scenario
};

ScenarioPass split_scenarios(std::vector<simulator::SimEvent> events) {
  ScenarioPass pass;
  for (auto& e : events) {
    if (e.kind == simulator::SimEvent::Kind::location_update) {
      pass.updates.push_back(std::move(e));
    } else {
      if (e.emergency) pass.scenario_of[call_id_of(e.payload)] = e.scenario;
      pass.calls.push_back(std::move(e));
    }
  }
  return pass;
}

void print_alerts(const AlertLog& log, const std::map<std::string, std::string>& scenario_of,
                  const std::string& topic) {
  std::cout << "Alerts (Kari's Law notification) as recorded on " << topic << ":\n";
  for (const auto& [call, scenario] : scenario_of) {
    const auto it = log.sent_by_call.find(call);
    std::cout << "  " << call << "  " << scenario << ": ";
    if (it == log.sent_by_call.end()) {
      std::cout << "no alert\n";
      continue;
    }
    for (std::size_t i = 0; i < it->second.size(); ++i) std::cout << (i ? ", " : "") << it->second[i];
    std::cout << "\n";
  }
  std::cout << std::endl;
}

void print_summary(const Summary& summary, const AlertLog& alert_log, const DemoPipeline& p,
                   const DemoTraffic& traffic) {
  const auto stats = p.locator.stats();
  const auto nstats = p.notifier.stats();
  std::cout << "Summary: " << summary.emergency << " emergency and " << summary.test << " test calls conveyed to "
            << p.topics.emergency_calls << "; " << summary.dispatchable << " dispatchable, " << summary.ecrc
            << " routed to the emergency call relay centre, " << summary.warned << " with warnings.\n"
            << "         " << stats.call_events << " call events read, " << stats.dead_letters << " rejected to "
            << p.topics.dead_letter << ".\n"
            << "Alerts:  " << nstats.alerts_sent << " sent (";
  bool first_channel = true;
  for (const auto& [channel, n] : alert_log.sent_by_channel) {
    std::cout << (first_channel ? "" : ", ") << channel << " " << n;
    first_channel = false;
  }
  std::cout << "), " << nstats.alerts_failed << " failed, " << nstats.escalations << " escalated, for "
            << nstats.calls_admitted << " calls; outbox " << p.outbox->dir() << ".\n";
  auto ways = traffic.counts();
  const auto istats = p.ingest.stats();
  std::cout << "Ingest:  " << ways[CallRoute::sip_mirror] << " calls came as SIP INVITEs mirrored to it, "
            << ways[CallRoute::http_webhook] << " as HTTP webhooks, " << ways[CallRoute::kafka]
            << " were produced to Kafka directly; it produced " << istats.delivered << " call events, rejected "
            << istats.rejected << ".\n";
}

}  // namespace

int run_demo(Args args) {
  const CommandLine command("demo", kHelp, args, {"--registry", "--background", "--seed", "--metrics-port", "--state-dir"},
                            {"--follow"});
  if (const auto done = command.early_exit()) return *done;
  const Options& opts = command.options();
  const auto registry_path = opts.value("--registry");
  if (!registry_path) return command.usage_error("--registry FILE is required (ops/demo/registry.yaml)");
  const auto background = parse_whole_number(opts.value("--background").value_or("2000"), 0, 10'000'000);
  if (!background) return command.usage_error("--background must be a number up to 10000000");
  const auto seed = parse_whole_number(opts.value("--seed").value_or("1"));
  if (!seed) return command.usage_error("--seed must be a number");
  const auto metrics_port = parse_whole_number(opts.value("--metrics-port").value_or("0"), 0, 65535);
  if (!metrics_port) return command.usage_error("--metrics-port must be a port number");
  const bool follow = opts.flag("--follow");

  if (!std::getenv("E911_LOG_LEVEL")) set_min_log_level(LogLevel::warn);  // the console is for the calls
  auto load = registry::load_registry_file(*registry_path);
  if (!load.ok()) {
    for (const auto& d : load.errors) std::cerr << registry::format_diagnostic(*registry_path, d) << "\n";
    return 1;
  }

  const auto& stop = kafka::install_stop_signal_handlers();
  try {
    const std::string state_dir = opts.value("--state-dir").value_or(make_state_dir());
    DemoPipeline p(*registry_path, load.registry, state_dir, static_cast<std::uint16_t>(*metrics_port));
    const auto& topics = p.topics;
    std::cout << "Embedded Kafka broker: " << p.broker.bootstrap_servers() << "  (e.g. kcat -b "
              << p.broker.bootstrap_servers() << " -X fetch.wait.max.ms=5 -C -t " << topics.emergency_calls << ")"
              << std::endl;
    std::cout << "Metrics (ingest, locator, location service, notifier, auditor): http://127.0.0.1:" << p.endpoint.port()
              << "/metrics  health: http://127.0.0.1:" << p.endpoint.port() << "/healthz" << std::endl;
    std::cout << "Notifier state: " << state_dir << "  (alerts in " << p.outbox->dir()
              << ": email/*.eml, sms.jsonl, webhook.jsonl; acknowledgement links on " << p.ack_base_url << ")"
              << std::endl;

    kafka::ProducerOptions producer_options;
    producer_options.client_id = "e911-simulator";
    producer_options.topics = {topics.call_events, topics.location_updates};
    kafka::Producer producer(p.props, producer_options);
    kafka::TopicTail calls_out(p.props, topics.emergency_calls);
    kafka::TopicTail notifications_out(p.props, topics.notifications);

    // Call events 1 ms apart, the last of them about when they are
    // produced (see below), so the alert latencies in the compliance report
    // are real ones.
    const auto event_count = static_cast<EpochMillis>(*background) + 1000;
    simulator::TrafficSimulator sim(load.registry, *seed, now_millis() - event_count, 1);
    auto pass = split_scenarios(sim.scenarios());
    auto& scenario_of = pass.scenario_of;
    const std::size_t expected_calls = scenario_of.size();

    // Registrations are made before the calls, as in real life: the
    // locator has them before the first call arrives. The home worker's goes
    // through the location service's API once it runs (below).
    std::optional<LocationUpdate> through_api;
    for (const auto& u : pass.updates) {
      if (!through_api && u.scenario == "home worker on VPN") {
        if (auto decoded = decode_input_event(u.payload); decoded && std::holds_alternative<LocationUpdate>(*decoded)) {
          through_api = std::get<LocationUpdate>(*decoded);
          continue;
        }
      }
      producer.produce(topics.location_updates, u.key, u.payload);
    }
    producer.flush(std::chrono::seconds(30));

    DemoThreads threads(p);
    if (!wait_until([&] { return (p.ingest.started() && p.locator.started() && p.locations.started() &&
                                  p.notifier.started() &&
                                  p.auditor.started()) ||
                                 threads.any_failed(); },
                    std::chrono::seconds(60), stop) ||
        threads.any_failed()) {
      threads.stop();
      std::cerr << "e911 demo: the pipeline did not start: " << threads.errors() << "\n";
      return 1;
    }
    std::cout << "Locator started: " << p.locator.stats().registered_users << " registered locations, registry "
              << *registry_path << std::endl;
    if (through_api) {
      const auto read_before = p.locator.stats().location_updates;
      try {
        const auto status = register_through_api(*p.locations.port(), *through_api);
        std::cout << "Location service: " << through_api->user_id << " (home worker) registered through "
                  << "http://127.0.0.1:" << *p.locations.port() << "/v1/me/registration, status " << status
                  << "; the page: http://127.0.0.1:" << *p.locations.port() << "/" << std::endl;
      } catch (const std::exception& e) {
        threads.stop();
        std::cerr << "e911 demo: the home worker could not register: " << e.what() << "\n";
        return 1;
      }
      // The locator has it before the home worker calls.
      wait_until([&] { return p.locator.stats().location_updates > read_before; }, std::chrono::seconds(30), stop);
    }
    std::cout << "Ingest: SIP mirror (siptrace) on udp:127.0.0.1:" << p.ingest.sip_udp_port().value_or(0)
              << ", webhooks on http://127.0.0.1:" << p.ingest.http_port().value_or(0)
              << "/v1/call-events (a demo bearer token)" << std::endl;
    DemoTraffic traffic(producer, topics, load.registry,
                        {p.ingest.sip_udp_port().value_or(0), p.ingest.http_port().value_or(0), p.ingest_token});
    // Calls produced before the consumer groups' first join would wait for
    // it (seconds on the embedded broker), and show in the alert latencies.
    wait_until([&] { return p.locator.has_partitions() && p.notifier.has_partitions() && p.auditor.has_partitions(); },
               std::chrono::seconds(30), stop);

    // The calls again, now that the pipeline runs: the same seed gives the
    // same scenarios; each call is stamped as it is sent (demo_traffic.h).
    sim = simulator::TrafficSimulator(load.registry, *seed, now_millis(), 1);
    traffic.send_pass(sim, split_scenarios(sim.scenarios()).calls, *background, *seed, scenario_of);
    std::cout << "Simulator: " << expected_calls << " emergency and test calls, " << *background
              << " non-emergency events and 1 malformed event sent to " << topics.call_events << "\n"
              << std::endl;

    Summary summary;
    std::size_t printed = 0;
    const auto print_calls = [&](std::chrono::milliseconds wait) {
      calls_out.poll(
          [&](const kafka::Message& m) {
            const std::string json(m.value);
            const auto text = describe_emergency_call(json);
            if (!text) return;
            const auto id = call_id_of(json);
            const auto it = scenario_of.find(id);
            const auto route = traffic.route_of().find(id);
            std::cout << "--- " << (it != scenario_of.end() ? it->second : "simulated call")
                      << (route != traffic.route_of().end() ? std::string("  [") + route_text(route->second) + "]" : "")
                      << "\n"
                      << *text << "\n";
            std::cout.flush();
            summary.add(json);
            ++printed;
          },
          wait);
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (printed < expected_calls && !stop.load() && !threads.locator->failed() &&
           std::chrono::steady_clock::now() < deadline) {
      print_calls(std::chrono::milliseconds(100));
    }
    const bool complete = printed >= expected_calls;
    if (complete) {
      wait_until([&] { return p.locator.stats().dead_letters >= 1; }, std::chrono::seconds(10), stop);
    }

    // Every call's alerts: wait until the notifier has taken every call and
    // has nothing pending, then read what it recorded.
    AlertLog alert_log;
    std::size_t notification_records = 0;
    const bool alerted =
        complete && wait_until(
                        [&] {
                          const auto n = p.notifier.stats();
                          notifications_out.poll(
                              [&](const kafka::Message& m) {
                                alert_log.add(m.value);
                                ++notification_records;
                              },
                              std::chrono::milliseconds(0));
                          return n.calls >= printed && n.pending_alerts == 0 && n.unpublished_records == 0 &&
                                 alert_log.sent + alert_log.failed >= n.alerts_sent + n.alerts_failed;
                        },
                        std::chrono::seconds(60), stop);
    if (complete) print_alerts(alert_log, scenario_of, topics.notifications);

    // The compliance record: once the auditor has journaled every call,
    // every notification record and the registrations made before the
    // calls, the report an auditor would ask for.
    const std::size_t to_journal = printed + notification_records + pass.updates.size();
    const bool journaled =
        alerted && wait_until([&] { return p.auditor.stats().records_acked >= to_journal; }, std::chrono::seconds(60),
                              stop);
    if (journaled) print_compliance_report(p.audit_url, p.signer, p.audit_config, state_dir + "/compliance-report.pdf");
    std::optional<DemoConsole> console;
    if (follow && complete) {
      console.emplace(p.audit_url, p.signer, state_dir);
      std::cout << "Audit console: http://127.0.0.1:" << console->server.port() << "/console/  (sign in with the "
                << "token " << p.console_token << ", also in " << p.console_token_file << ")" << std::endl;
    } else if (journaled) {
      std::cout << "Audit console on this journal: e911 audit serve --config " << p.audit_config
                << ", then http://127.0.0.1:8095/console/  (sign in with the token in " << p.console_token_file
                << "; demo --follow serves it while it runs)\n";
    }

    if (follow && complete) {
      std::cout << "Following: every scenario again every 30 s, about 50 background events/s; Ctrl-C to stop.\n"
                << "Monitoring with the shipped alert rules (docs/runbook.md):"
                << (p.endpoint.port() == 9464 ? "" : " run the demo with --metrics-port 9464, then") << "\n"
                << "  prometheus --config.file=ops/monitoring/prometheus-demo.yml --storage.tsdb.path=/tmp/e911-prometheus\n"
                << "  prometheus-alertmanager --config.file=ops/monitoring/alertmanager.yml "
                   "--storage.path=/tmp/e911-alertmanager\n"
                << "  and open http://127.0.0.1:9090/alerts\n\n"
                << std::flush;
      auto next_pass = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (!stop.load() && !threads.locator->failed()) {
        if (std::chrono::steady_clock::now() >= next_pass) {
          next_pass += std::chrono::seconds(30);
          const auto seen = p.locator.stats().location_updates;
          auto again = split_scenarios(sim.scenarios());
          for (const auto& u : again.updates) producer.produce(topics.location_updates, u.key, u.payload);
          producer.flush(std::chrono::seconds(30));
          wait_until([&] { return p.locator.stats().location_updates >= seen + again.updates.size(); },
                     std::chrono::seconds(10), stop);
          for (const auto& c : again.calls) {
            const auto sent = traffic.send_call(c);
            if (const auto it = again.scenario_of.find(sent.simulated_id); it != again.scenario_of.end())
              scenario_of[sent.call_id] = it->second;
          }
        }
        traffic.send_background(sim.background());
        print_calls(std::chrono::milliseconds(20));
      }
    }

    threads.stop();
    print_summary(summary, alert_log, p, traffic);
    if (threads.any_failed()) {
      std::cerr << "e911 demo: " << threads.failure() << "\n";
      return 1;
    }
    if (alerted && !journaled && !stop.load()) {
      std::cerr << "e911 demo: the auditor did not journal every record in time\n";
      return 1;
    }
    if (complete && !alerted && !stop.load()) {
      std::cerr << "e911 demo: not every call's alerts were recorded in time\n";
      return 1;
    }
    if (!complete && !stop.load()) {
      std::cerr << "e911 demo: only " << printed << " of " << expected_calls << " emergency calls came out\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "e911 demo: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace e911::cli
