// `e911 audit verify`: recomputes the journal's hash chain and signatures
// (verify_chain), from the store or from an export bundle, offline.

#include <iostream>
#include <string>

#include "cli/audit_journal_access.h"
#include "cli/audit_subcommands.h"
#include "cli/options.h"
#include "consumers/auditor/export/audit_bundle.h"
#include "consumers/auditor/journal/canonical_json.h"
#include "consumers/auditor/journal/chain_verifier.h"

namespace e911::cli {
namespace {

constexpr const char* kUsage =
    "usage: e911 audit verify --config FILE [--store URL] [--json]\n"
    "       e911 audit verify --bundle DIR [--keyring FILE | --config FILE] [--json]\n"
    "\n"
    "Recomputes every entry's hash, link and signature, in seq order; holes\n"
    "in the seqs must be accounted for by journal.purge entries. Prints how\n"
    "many entries verified and the head (last seq and hash: keep it\n"
    "elsewhere to detect entries cut off the end), or the first bad entry\n"
    "and why. --bundle checks an export bundle without the database, with\n"
    "the keys of --keyring (KEY_ID ALGORITHM PATH lines) or of the\n"
    "configuration (auditor.keyring and the signing key).\n"
    "Exit status: 0 intact, 1 a bad entry, 2 usage or configuration error.\n";

void print(const auditor::VerifyResult& r, const std::string& what, bool json) {
  if (json) {
    std::string out = "{";
    out += "\"entries\":" + std::to_string(r.entries);
    out += ",\"first_bad_seq\":" + (r.ok ? std::string("null") : std::to_string(r.first_bad_seq));
    out += ",\"last_hash\":";
    if (r.last_seq == 0) {
      out += "null";
    } else {
      auditor::append_canonical_string(out, r.last_hash);
    }
    out += ",\"last_seq\":" + (r.last_seq == 0 ? std::string("null") : std::to_string(r.last_seq));
    out += std::string(",\"ok\":") + (r.ok ? "true" : "false");
    out += ",\"purged\":" + std::to_string(r.purged);
    out += ",\"reason\":";
    if (r.ok) {
      out += "null";
    } else {
      auditor::append_canonical_string(out, r.reason);
    }
    out += ",\"source\":";
    auditor::append_canonical_string(out, what);
    std::cout << out << "}\n";
    return;
  }
  const std::string purged =
      r.purged > 0 ? " (" + std::to_string(r.purged) + " purged seqs accounted for by purge entries)" : "";
  const std::string head = r.last_seq == 0 ? "none" : "seq " + std::to_string(r.last_seq) + " " + r.last_hash;
  if (r.ok) {
    std::cout << what << ": ok, " << r.entries << " entries verified" << purged << "\nhead: " << head << "\n";
  } else {
    std::cout << what << ": FAILED: " << r.reason << "\n"
              << r.entries << " entries verified" << purged << "; last verified: " << head << "\n";
  }
}

}  // namespace

int run_audit_verify(Args args) {
  Options opts(args, {"--config", "--store", "--bundle", "--keyring"}, {"--json"});
  if (opts.help()) {
    std::cout << kUsage;
    return 0;
  }
  if (!opts.ok() || !opts.positional().empty()) {
    std::cerr << "e911 audit verify: " << (opts.ok() ? "unexpected argument " + opts.positional().front() : opts.error())
              << "\n"
              << kUsage;
    return 2;
  }
  const bool json = opts.flag("--json");

  if (const auto bundle = opts.value("--bundle")) {
    if (opts.value("--store")) {
      std::cerr << "e911 audit verify: --bundle verifies without a store; --store does not apply\n";
      return 2;
    }
    auditor::Keyring keyring;
    if (const auto file = opts.value("--keyring")) {
      if (auto e = auditor::load_keyring_file(*file, keyring)) {
        std::cerr << "e911 audit verify: --keyring: " << e->message << "\n";
        return 2;
      }
    } else if (opts.value("--config")) {
      auto settings = audit_command_settings(opts, "verify", false);
      if (!settings) return 2;
      keyring = std::move(settings->settings.keyring);
    } else {
      std::cerr << "e911 audit verify: --bundle needs the keys to verify with: --keyring FILE or --config FILE\n";
      return 2;
    }
    if (keyring.size() == 0) {
      std::cerr << "e911 audit verify: no verification keys (auditor.keyring, the signing key, or --keyring)\n";
      return 2;
    }
    const auto checked = auditor::verify_bundle(*bundle, keyring);
    print(checked.chain, "bundle " + *bundle, json);
    return checked.chain.ok ? 0 : 1;
  }

  if (opts.value("--keyring")) {
    std::cerr << "e911 audit verify: --keyring applies to --bundle; a store verifies with the configuration's keys\n";
    return 2;
  }
  auto settings = audit_command_settings(opts, "verify", false);
  if (!settings) return 2;
  if (settings->settings.keyring.size() == 0) {
    std::cerr << "e911 audit verify: no verification keys (auditor.keyring, or the signing key)\n";
    return 2;
  }
  auto store = open_existing_audit_store(settings->settings, "verify");
  if (!store) return 2;
  try {
    const auto r = auditor::verify_chain(auditor::entries_from(*store), settings->settings.keyring);
    print(r, store->name(), json);
    return r.ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "e911 audit verify: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace e911::cli
