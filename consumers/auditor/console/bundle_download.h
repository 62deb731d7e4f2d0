#pragma once
// The signed export bundle of a period (export/audit_bundle.h: entries,
// purges, manifest) as one ZIP file the console's integrity page offers
// for download: the same bundle `e911 audit export --from --to` writes and
// `e911 audit verify --bundle DIR` checks once unzipped. Written to a
// private temporary directory first (write_bundle's interface), zipped
// into memory (Poco::Zip), the directory removed; throws
// std::runtime_error naming what failed.

#include <string>

#include "consumers/auditor/export/audit_bundle.h"
#include "consumers/auditor/store/audit_store.h"

namespace e911::auditor::console {

// The ZIP's bytes: bundle/entries.jsonl, bundle/purges.jsonl,
// bundle/manifest.json.
std::string bundle_zip(AuditStore& store, const ExportRange& range, EpochMillis created_at);

}  // namespace e911::auditor::console
