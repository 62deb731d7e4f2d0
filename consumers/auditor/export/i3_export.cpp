#include "consumers/auditor/export/i3_export.h"

#include <string>

#include "consumers/auditor/export/log_event_signer.h"

namespace e911::auditor {

Result<std::int64_t> export_i3_log_events(AuditStore& store, const ExportRange& range, const I3Options& options,
                                          const ClaimsSigner& sign,
                                          const std::function<void(std::string_view jws)>& each) {
  std::int64_t events = 0;
  std::string error;
  store.scan(1, [&](const AuditEntry& e) {
    if ((range.from && e.at < *range.from) || (range.to && e.at >= *range.to)) return true;
    auto event = i3_log_event(e, options);
    if (!event) {
      error = event.error().message;
      return false;
    }
    if (!*event) return true;
    each(sign(**event));
    ++events;
    return true;
  });
  if (!error.empty()) return Error{error};
  return events;
}

Result<ClaimsSigner> configured_claims_signer(const Config& config, const Signer& signer) {
  const bool hs256 = signer.algorithm() == SigningAlgorithm::hs256;
  const auto key = config.get(hs256 ? "auditor.signing.secret" : "auditor.signing.private_key");
  if (!key) return Error{"no signing key material configured (auditor.signing.*)"};
  // A PEM read from a file lost its final newline (read_secret_file).
  return claims_signer(signer.algorithm(), signer.key_id(), hs256 ? *key : *key + "\n",
                       config.get_or("auditor.signing.passphrase", ""));
}

I3Options configured_i3_options(const Config& config) {
  I3Options o;
  o.element_id = config.get_or("auditor.i3.element_id", std::string(kDefaultI3ElementId));
  o.agency_id = config.get_or("auditor.i3.agency_id", "");
  return o;
}

}  // namespace e911::auditor
