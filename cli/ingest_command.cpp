// `e911 ingest <subcommand>`: the front door from telephony (SIP mirrored
// by proxies, platform webhooks) to call events, and its offline decoder
// (CONTRACT.md "SIP messages offline").

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/configured_service.h"
#include "cli/options.h"
#include "common/text.h"
#include "common/timestamp.h"
#include "producers/ingest/identity_pattern.h"
#include "producers/ingest/ingest_config.h"
#include "producers/ingest/ingest_service.h"
#include "registry/registry_loader.h"
#include "producers/ingest/mirror.h"
#include "producers/ingest/sip_call_event.h"
#include "producers/ingest/sip_message.h"

namespace e911::cli {
namespace {

constexpr const char* kDecodeHelp =
    "usage: e911 ingest decode-sip [--user-id-from from|p-asserted-identity] [--user-id-pattern REGEX]\n"
    "                              [--directory REGISTRY] FILE...\n"
    "\n"
    "Decodes SIP messages offline with the parser the ingest runs: each FILE holds\n"
    "one SIP message (CRLF or LF line ends; a HEP v3 packet is unwrapped). One\n"
    "call event (CONTRACT.md, JSON) is written per file, in order, to standard\n"
    "output: call.initiated for an INVITE, call.answered for a 2xx to it,\n"
    "call.ended for BYE, CANCEL or a final non-2xx; the messages of one SIP\n"
    "dialog share a call_id. A file that is not a SIP message the ingest can use\n"
    "is reported on standard error as `FILE: reason`; the other files are still\n"
    "decoded and the exit status is then 1.\n"
    "\n"
    "  --user-id-from H      the identity that becomes caller.user_id: the From\n"
    "                        (default) or the P-Asserted-Identity\n"
    "  --user-id-pattern RE  a regular expression applied to that identity's URI;\n"
    "                        its first group (or the whole match) is the user id,\n"
    "                        the user part when it does not match\n"
    "  --directory REGISTRY  look the caller's SIP URIs, numbers and extension up in\n"
    "                        the registry's directory: section first (as\n"
    "                        ingest.user_id.directory does); the above when it\n"
    "                        lists none of them\n"
    "\n"
    "The time of an event is the mirror's capture time (HEP, X-Siptrace-Time),\n"
    "else the message's Date header, else now.\n";

constexpr std::size_t kMaxFileBytes = 64 * 1024;

// Reads at most kMaxFileBytes + 1 bytes, so an oversized file is reported
// as such without being read whole.
bool read_file(const std::string& path, std::string& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot be read";
    return false;
  }
  out.resize(kMaxFileBytes + 1);
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) {
    error = "cannot be read";
    return false;
  }
  return true;
}

int run_decode_sip(Args args) {
  Options opts(args, {"--user-id-from", "--user-id-pattern", "--directory"}, {});
  if (opts.help()) {
    std::cout << kDecodeHelp;
    return 0;
  }
  if (!opts.ok() || opts.positional().empty()) {
    std::cerr << "e911 ingest decode-sip: " << (opts.ok() ? "no FILE given" : opts.error()) << "\n" << kDecodeHelp;
    return 2;
  }
  ingest::SipDecodeOptions options;
  options.use_date_header = true;
  if (const auto from = opts.value("--user-id-from")) {
    if (*from == "from") options.identity.header = ingest::IdentityMapping::Header::from;
    else if (*from == "p-asserted-identity") options.identity.header = ingest::IdentityMapping::Header::p_asserted_identity;
    else {
      std::cerr << "e911 ingest decode-sip: --user-id-from: expected from or p-asserted-identity, got "
                << quote_for_message(*from) << "\n";
      return 2;
    }
  }
  if (const auto pattern = opts.value("--user-id-pattern")) {
    if (const auto err = ingest::set_user_id_pattern(options.identity, *pattern)) {
      std::cerr << "e911 ingest decode-sip: --user-id-pattern: " << err->message << "\n";
      return 2;
    }
  }
  if (const auto path = opts.value("--directory")) {
    auto load = registry::load_registry_file(*path);
    if (!load.ok()) {
      for (const auto& d : load.errors) std::cerr << registry::format_diagnostic(*path, d) << "\n";
      return 2;
    }
    if (!load.registry->has_directory()) {
      std::cerr << "e911 ingest decode-sip: --directory: " << *path << " has no directory: entries\n";
      return 2;
    }
    options.identity.directory = registry::shared_directory(load.registry);
  }
  ingest::SipCallDecoder decoder(std::move(options));
  bool any_bad = false;
  std::string bytes, error;
  for (const auto& path : opts.positional()) {
    const auto fail = [&](const std::string& reason) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), reason.c_str());
      any_bad = true;
    };
    if (!read_file(path, bytes, error)) {
      fail(error);
      continue;
    }
    if (bytes.size() > kMaxFileBytes) {
      fail("larger than " + std::to_string(kMaxFileBytes) + " bytes: not one SIP message");
      continue;
    }
    std::string_view sip = bytes;
    ingest::MirrorInfo mirror{.transport = "file"};
    if (ingest::is_hep3(sip)) {
      auto hep = ingest::decode_hep3(sip);
      if (!hep) {
        fail(hep.error().message);
        continue;
      }
      sip = hep->sip;
      mirror = hep->info;
    }
    auto message = ingest::parse_sip_message(sip);
    if (!message) {
      fail(message.error().message);
      continue;
    }
    if (mirror.transport == "file") {
      mirror = ingest::siptrace_info(*message);
      mirror.transport = "file";
    }
    auto event = decoder.decode(*message, mirror, now_millis());
    if (!event) {
      fail(event.error().message);
      continue;
    }
    const auto json = ingest::encode_sip_call_event(*event);
    std::fwrite(json.data(), 1, json.size(), stdout);
    std::fputc('\n', stdout);
  }
  std::fflush(stdout);
  return any_bad ? 1 : 0;
}

constexpr const char* kRunHelp =
    "usage: e911 ingest [--config FILE] [--sip-udp HOST:PORT] [--sip-tcp HOST:PORT] [--metrics-port N]\n"
    "       e911 ingest decode-sip FILE...   (`e911 ingest decode-sip --help`)\n"
    "\n"
    "Listens where SIP proxies mirror their signalling (Kamailio siptrace, HEP v3\n"
    "from Kamailio, OpenSIPS, FreeSWITCH, Asterisk; UDP and TCP) and produces each\n"
    "emergency call's INVITE, answer and end as call events to the call-events\n"
    "topic. It only listens: calls never wait for it. With ingest.http.enabled it\n"
    "also takes POST /v1/call-events (JSON, JSON lines), POST /v1/sip (message/sip)\n"
    "and, with ingest.zoom.secret_token, Zoom Phone emergency alerts on /v1/zoom,\n"
    "each answered once Kafka has the events. Runs until SIGTERM or SIGINT.\n"
    "\n"
    "  --config FILE         YAML configuration (docs/ingest.md): kafka.* goes to\n"
    "                        librdkafka as it is, topics.*, metrics.*, ingest.*\n"
    "  --sip-udp HOST:PORT   the UDP mirror socket (overrides ingest.sip.udp;\n"
    "                        default 127.0.0.1:9060; port 0 picks a free one)\n"
    "  --sip-tcp HOST:PORT   the TCP mirror socket (overrides ingest.sip.tcp; off\n"
    "                        by default)\n"
    "  --metrics-port N      port of /metrics and /healthz (overrides metrics.port)\n"
    "\n"
    "Environment overrides: E911_KAFKA_<PROPERTY>, E911_INGEST_SIP_UDP...; the HEP\n"
    "auth key as ingest.hep.auth_key.file or E911_INGEST_HEP_AUTH_KEY_FILE, the Zoom\n"
    "secret token as ingest.zoom.secret_token.file. Logs are JSON lines on standard\n"
    "error.\n";

int run_ingest_service(Args args) {
  const CommandLine command("ingest", kRunHelp, args, {"--config", "--sip-udp", "--sip-tcp", "--metrics-port"}, {});
  return run_configured_service<ingest::IngestService>(
      command, "ingest", ingest::ingest_config_keys(),
      {{"--sip-udp", "ingest.sip.udp"}, {"--sip-tcp", "ingest.sip.tcp"}, {"--metrics-port", "metrics.port"}},
      ingest::ingest_setup, /*reload_on_sighup=*/false);
}

}  // namespace

// `e911 ingest decode-sip ...` decodes offline; `e911 ingest [options]` runs the service.
int run_ingest(Args args) {
  if (!args.empty() && args[0] == "decode-sip") return run_decode_sip(args.subspan(1));
  return run_ingest_service(args);
}

}  // namespace e911::cli
