// `e911 audit export`: a verifiable bundle of the journal (entries.jsonl +
// manifest.json, audit_bundle.h), or NENA i3 LogEvents as JWS
// (i3_log_events.h), for a time range.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "cli/audit_journal_access.h"
#include "cli/audit_subcommands.h"
#include "cli/options.h"
#include "common/timestamp.h"
#include "consumers/auditor/export/audit_bundle.h"
#include "consumers/auditor/export/i3_export.h"

namespace e911::cli {
namespace {

constexpr const char* kUsage =
    "usage: e911 audit export --config FILE --out DIR [--store URL] [--from TIME] [--to TIME]\n"
    "                         [--format bundle|i3] [--element-id ID] [--agency-id ID]\n"
    "\n"
    "bundle (the default): DIR/entries.jsonl, DIR/purges.jsonl and DIR/manifest.json,\n"
    "  the entries journaled in [--from, --to) as one contiguous seq range, which\n"
    "  `e911 audit verify --bundle DIR` checks offline.\n"
    "i3: DIR/log-events.jws, one NENA i3 LogEvent per line as a JWS signed with the\n"
    "  auditor's signing key (CallStartLogEvent, LocationResponseLogEvent,\n"
    "  MessageLogEvent); --element-id [auditor.e911.invalid], --agency-id.\n"
    "TIME is RFC 3339 (2026-11-21T00:00:00Z).\n";

constexpr const char* kI3File = "log-events.jws";

int fail(const std::string& why) {
  std::cerr << "e911 audit export: " << why << "\n";
  return 2;
}

// The ES256/RS256 keys the manifest may carry: the signing key's and the
// keyring file's.
std::optional<auditor::PublicKeys> public_keys(const AuditCommandSettings& s) {
  auditor::PublicKeys keys;
  if (const auto keyring = s.config.get("auditor.keyring"); keyring && !keyring->empty()) {
    auto from_file = auditor::public_keys_in_keyring_file(*keyring);
    if (!from_file) {
      fail("auditor.keyring: " + from_file.error().message);
      return std::nullopt;
    }
    keys = std::move(*from_file);
  }
  if (const auto& signer = s.settings.signer; signer && signer->algorithm() != auditor::SigningAlgorithm::hs256) {
    keys[signer->key_id()] = auditor::PublicKeyPem{signer->algorithm(), signer->public_key_pem()};
  }
  return keys;
}

int export_i3(auditor::AuditStore& store, const AuditCommandSettings& s, const std::string& dir,
              const auditor::ExportRange& range, const auditor::I3Options& options) {
  auto sign = auditor::configured_claims_signer(s.config, *s.settings.signer);
  if (!sign) return fail(sign.error().message);

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail("cannot create " + dir + ": " + ec.message());
  const auto path = (std::filesystem::path(dir) / kI3File).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return fail("cannot create " + path);
  const auto events =
      auditor::export_i3_log_events(store, range, options, *sign, [&](std::string_view jws) { out << jws << "\n"; });
  out.close();
  if (!events) return fail(events.error().message);
  if (!out) return fail("cannot write " + path);
  std::cout << "wrote " << *events << " LogEvents to " << path << "\n";
  return 0;
}

}  // namespace

int run_audit_export(Args args) {
  Options opts(args, {"--config", "--store", "--out", "--from", "--to", "--format", "--element-id", "--agency-id"},
               {});
  if (opts.help()) {
    std::cout << kUsage;
    return 0;
  }
  if (!opts.ok()) return fail(opts.error() + "\n" + kUsage);
  if (!opts.positional().empty()) return fail("unexpected argument " + opts.positional().front());
  const auto dir = opts.value("--out");
  if (!dir || dir->empty()) return fail("--out DIR is required");
  const std::string format = opts.value("--format").value_or("bundle");
  if (format != "bundle" && format != "i3") return fail("--format: expected bundle or i3, got \"" + format + "\"");

  auditor::ExportRange range;
  for (const auto& [option, target] : {std::pair{"--from", &range.from}, std::pair{"--to", &range.to}}) {
    if (const auto v = opts.value(option)) {
      *target = parse_rfc3339(*v);
      if (!*target) return fail(std::string(option) + ": expected an RFC 3339 time, got \"" + *v + "\"");
    }
  }
  if (range.from && range.to && *range.to <= *range.from) return fail("--to must be after --from");

  if (format == "bundle" && (opts.value("--element-id") || opts.value("--agency-id"))) {
    return fail("--element-id and --agency-id apply to --format i3");
  }

  auto settings = audit_command_settings(opts, "export", format == "i3");
  if (!settings) return 2;
  auto store = open_existing_audit_store(settings->settings, "export");
  if (!store) return 2;
  try {
    if (format == "i3") {
      // auditor.i3.* as configured, the options over them.
      auto i3 = auditor::configured_i3_options(settings->config);
      if (const auto v = opts.value("--element-id")) i3.element_id = *v;
      if (const auto v = opts.value("--agency-id")) i3.agency_id = *v;
      return export_i3(*store, *settings, *dir, range, i3);
    }
    const auto keys = public_keys(*settings);
    if (!keys) return 2;
    const auto m = auditor::write_bundle(*store, *dir, range, *keys, now_millis());
    if (m.count == 0) {
      std::cout << "wrote an empty bundle to " << *dir << " (no entries in the range)\n";
    } else {
      std::cout << "wrote " << m.count << " entries (seq " << m.first_seq << ".." << m.last_seq << ") and "
                << m.purge_count << " purge entries to " << *dir << "\nhead: seq " << m.last_seq << " "
                << m.last_hash << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

}  // namespace e911::cli
