#pragma once
// The NENA i3 LogEvents of a period, signed: what `e911 audit export
// --format i3` writes to a file and the console's integrity page offers
// for download (docs/auditor.md). The store read is here; the LogEvents
// are i3_log_events.h's, the signatures log_event_signer.h's.

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/config.h"
#include "common/result.h"
#include "consumers/auditor/export/audit_bundle.h"
#include "consumers/auditor/export/i3_log_events.h"
#include "consumers/auditor/journal/entry_signer.h"
#include "consumers/auditor/store/audit_store.h"

namespace e911::auditor {

// Hands the JWS of every LogEvent of the entries journaled in `range` to
// `each`, in seq order; returns how many, or the error naming the entry
// whose payload is not what its kind promises (nothing after it is
// handed on). Throws what the store throws.
Result<std::int64_t> export_i3_log_events(AuditStore& store, const ExportRange& range, const I3Options& options,
                                          const ClaimsSigner& sign,
                                          const std::function<void(std::string_view jws)>& each);

// The LogEvents' signer with the key `signer` was made from, as configured
// (auditor.signing.secret or .private_key, and .passphrase).
Result<ClaimsSigner> configured_claims_signer(const Config& config, const Signer& signer);

// The i3 options the configuration gives: auditor.i3.element_id (default
// kDefaultI3ElementId) and auditor.i3.agency_id.
I3Options configured_i3_options(const Config& config);

}  // namespace e911::auditor
