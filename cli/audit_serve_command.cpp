// `e911 audit serve`: the auditors' read-only HTTP API
// (consumers/auditor/audit_api.h) over the journal, until SIGTERM or
// SIGINT; SIGHUP re-reads the tokens file and the console's people file.
// `--hash-token` makes a line of the tokens file from a token read on
// standard input.

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "cli/audit_journal_access.h"
#include "cli/audit_subcommands.h"
#include "cli/component_config.h"
#include "cli/command_line.h"
#include "cli/options.h"
#include "common/encoding.h"
#include "common/log.h"
#include "common/observability/observability_server.h"
#include "common/net/api_tokens.h"
#include "consumers/auditor/api/audit_api.h"
#include "consumers/auditor/console/people_file.h"
#include "consumers/auditor/export/i3_export.h"
#include "consumers/auditor/store/audit_store.h"
#include "consumers/auditor/auditor_config.h"

namespace e911::cli {

namespace {

constexpr const char* kHelp =
    "usage: e911 audit serve [--config FILE] [--listen HOST:PORT] [--store URL]\n"
    "                        [--metrics-port N] [--verify-cache SECONDS]\n"
    "       e911 audit serve --hash-token < token-file\n"
    "\n"
    "Serves the read-only HTTP API for auditors (docs/auditor.md, \"HTTP API\"):\n"
    "GET /v1/calls, /v1/calls/{call_id}, /v1/report, /v1/verify (JSON; CSV with\n"
    "format=csv), and /healthz. Every request but /healthz needs\n"
    "Authorization: Bearer <token>, checked against auditor.api.tokens.file\n"
    "(required: lines \"NAME SHA256HEX\"). Runs until SIGTERM or SIGINT; the\n"
    "tokens file (and the console's people file) is re-read when it changes and\n"
    "on SIGHUP.\n"
    "\n"
    "  --config FILE         YAML configuration: auditor.store, auditor.api.*\n"
    "                        (listen, tokens.file, tls.cert.file, tls.key.file,\n"
    "                        threads), auditor.keyring, metrics.*\n"
    "  --listen HOST:PORT    where to listen (overrides auditor.api.listen,\n"
    "                        default 127.0.0.1:8095; [::1]:8095 for IPv6; port 0\n"
    "                        picks a free one, logged)\n"
    "  --store URL           the journal (overrides auditor.store); no password\n"
    "                        here: PGPASSWORD or ~/.pgpass\n"
    "  --metrics-port N      port of /metrics and /healthz for Prometheus\n"
    "                        (overrides metrics.port; use another port than the\n"
    "                        auditor consumer's on the same host; 0 picks one)\n"
    "  --verify-cache S      serve a /v1/verify result again for S seconds\n"
    "                        (default 60; 0: verify on every request)\n"
    "  --hash-token          read a token (one line) from standard input and\n"
    "                        print its SHA256HEX for the tokens file; make the\n"
    "                        token with e.g. `openssl rand -base64 32`\n"
    "\n"
    "The audit console (HTML pages for auditors and site leads) is served under\n"
    "/console/ when auditor.console.people.file is set; see docs/auditor.md,\n"
    "\"Console\", for auditor.console.* (identity_header, trusted_proxies,\n"
    "session_minutes, cookie_key.file).\n"
    "\n"
    "TLS: set auditor.api.tls.cert.file and auditor.api.tls.key.file (PEM; the key\n"
    "unencrypted). Tokens never go on the command line. Logs are JSON lines on\n"
    "standard error.\n";

// "127.0.0.1:8095", "[::1]:8095", "0.0.0.0:0".
bool split_listen(const std::string& listen, std::string& host, std::uint16_t& port) {
  std::string port_text;
  if (!listen.empty() && listen.front() == '[') {
    const auto close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') return false;
    host = listen.substr(1, close - 1);
    port_text = listen.substr(close + 2);
  } else {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos || listen.find(':') != colon) return false;
    host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
  }
  const auto n = parse_whole_number(port_text, 0, 65535);
  if (host.empty() || !n) return false;
  port = static_cast<std::uint16_t>(*n);
  return true;
}

// Reads one line from standard input without echoing it on a terminal.
std::string read_secret_line() {
  termios saved{};
  const bool tty = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    std::cerr << "token: " << std::flush;
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int hash_token() {
  const std::string token = read_secret_line();
  auto hash = net::hash_new_api_token(token);
  if (!hash) {
    std::cerr << "e911 audit serve --hash-token: " << hash.error().message << "\n";
    return 2;
  }
  std::cout << *hash << "\n";
  std::cerr << "add \"NAME " << *hash << "\" to auditor.api.tokens.file (NAME says whose token it is)\n";
  return 0;
}

}  // namespace

int run_audit_serve(Args args) {
  const CommandLine command("audit serve", kHelp, args, {"--config", "--listen", "--store", "--metrics-port", "--verify-cache"}, {"--hash-token"}, "\n\n");
  if (const auto done = command.early_exit(true)) return *done;
  const Options& opts = command.options();
  if (!opts.positional().empty()) {
    // A token given as an argument would be in the shell history and in ps.
    return command.usage_error("unexpected argument '" + opts.positional()[0] +
                       "' (--hash-token reads the token from standard input, never from the command line)");
  }
  if (opts.flag("--hash-token")) return hash_token();

  if (const auto error = store_option_error(opts)) return command.usage_error(*error);
  std::chrono::seconds verify_cache{60};
  if (const auto v = opts.value("--verify-cache")) {
    const auto n = parse_whole_number(*v, 0, 86'400);
    if (!n) return command.usage_error("--verify-cache: expected whole seconds from 0 to 86400, got '" + *v + "'");
    verify_cache = std::chrono::seconds(static_cast<long long>(*n));
  }

  auto config = load_component_config(opts, "audit serve", auditor::auditor_config_keys(),
                                      {{"--listen", "auditor.api.listen"},
                                       {"--store", "auditor.store"},
                                       {"--metrics-port", "metrics.port"}});
  if (!config) return 2;
  auto settings = auditor::auditor_settings(*config, /*need_signer=*/false);
  if (!settings) {
    std::cerr << "e911 audit serve: " << settings.error().message << "\n";
    return 2;
  }
  const auto& api = settings->api;
  if (api.tokens_file.empty()) {
    std::cerr << "e911 audit serve: auditor.api.tokens.file is not set: the API serves no one without tokens "
                 "(lines \"NAME SHA256HEX\"; make one with `e911 audit serve --hash-token`)\n";
    return 2;
  }
  if (settings->keyring.size() == 0) {
    std::cerr << "e911 audit serve: no verification key (auditor.keyring, or the signing key): /v1/verify could "
                 "verify nothing\n";
    return 2;
  }
  try {
    // Read-only, like `e911 audit query`: a SQLite file that is not there
    // is a wrong path, not a new empty journal to serve.
    const auto location = auditor::parse_store_url(settings->store_url);
    if (location.kind == auditor::StoreLocation::Kind::sqlite && !std::filesystem::exists(location.target)) {
      std::cerr << "e911 audit serve: no audit journal at " << location.display_name
                << " (auditor.store, or --store)\n";
      return 2;
    }
  } catch (const std::exception& e) {
    std::cerr << "e911 audit serve: auditor.store: " << e.what() << "\n";
    return 2;
  }
  auditor::api::AuditApiOptions options;
  if (!split_listen(api.listen, options.listen.bind, options.listen.port)) {
    std::cerr << "e911 audit serve: auditor.api.listen: expected HOST:PORT (127.0.0.1:8095, [::1]:8095), got '"
              << api.listen << "' (" << config->origin("auditor.api.listen") << ")\n";
    return 2;
  }
  options.listen.max_threads = static_cast<std::size_t>(api.threads);
  options.listen.tls_certificate = api.tls_cert_file;
  options.listen.tls_private_key = api.tls_key_file;
  options.verify_cache = verify_cache;
  // Re-read while serving like the tokens file; here it must be usable.
  std::optional<auditor::console::PeopleFile> people_file;
  if (!settings->console.people_file.empty()) {
    try {
      people_file.emplace(settings->console.people_file);
    } catch (const std::exception& e) {
      std::cerr << "e911 audit serve: " << e.what() << "\n";
      return 2;
    }
    auditor::api::AuditApiOptions::Console console{&*people_file, {}};
    const auto& c = settings->console;
    // No key configured: one of this process's own (sessions end with it).
    console.options.cookie_key = c.cookie_key.empty() ? random_hex(32) : c.cookie_key;
    console.options.session_lifetime = std::chrono::minutes(c.session_minutes);
    console.options.identity_header = c.identity_header;
    console.options.trusted_proxies = c.trusted_proxies;
    console.options.tls = c.secure_cookies;  // and whenever the server speaks TLS itself
    console.options.organisation = config->get_or("auditor.report.organisation", "");
    if (c.i3_export) {  // auditor_settings() made sure a signer is configured
      auto sign = auditor::configured_claims_signer(*config, *settings->signer);
      if (!sign) {
        std::cerr << "e911 audit serve: auditor.console.i3_export: " << sign.error().message << "\n";
        return 2;
      }
      console.options.i3_signer = std::move(*sign);
      console.options.i3 = auditor::configured_i3_options(*config);
    }
    options.console = std::move(console);
  }

  // Block the stop and reload signals before any thread exists, so every
  // thread inherits the mask and sigwait() below is where they arrive.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const Logger log("audit-api");
  try {
    net::ApiTokenFile tokens(api.tokens_file);
    auto store = auditor::open_audit_store(settings->store_url);
    observability::MetricsRegistry metrics;
    const bool console = options.console.has_value();
    auditor::api::AuditApiServer server(*store, tokens, settings->keyring, metrics, std::move(options));
    observability::ObservabilityServer observability(
        metrics, {},
        {config->get_or("metrics.bind", "127.0.0.1"), static_cast<std::uint16_t>(config->get_int("metrics.port"))});
    log.info("serving the audit API until SIGTERM or SIGINT",
             {{"store", store->name()},
              {"address", server.bind_address()},
              {"port", server.port()},
              {"tls", server.tls()},
              {"clients", tokens.size()},
              {"console", console},
              {"metrics_port", observability.port()}});
    std::cout << "e911 audit serve: " << (server.tls() ? "https" : "http") << " on " << server.bind_address() << ":"
              << server.port() << (console ? " (console under /console/)" : "") << ", metrics on " << observability.bind_address() << ":" << observability.port()
              << std::endl;
    for (;;) {
      int signal = 0;
      if (sigwait(&signals, &signal) != 0) continue;
      if (signal == SIGHUP) {
        log.info("SIGHUP: re-reading the tokens file", {{"file", tokens.path()}});
        tokens.reload();
        if (people_file) {
          log.info("SIGHUP: re-reading the console's people file", {{"file", people_file->path()}});
          people_file->reload();
        }
        continue;
      }
      log.info("stopping", {{"signal", signal == SIGINT ? "SIGINT" : "SIGTERM"}});
      break;
    }
  } catch (const std::exception& e) {
    log.error("audit API stopped on an error", {{"error", e.what()}});
    std::cerr << "e911 audit serve: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace e911::cli
