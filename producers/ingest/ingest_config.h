#pragma once
// The ingest's configuration keys (ingest.*, docs/ingest.md) and what they
// build: the service's options, checked before anything starts.

#include <vector>

#include "common/config.h"
#include "common/result.h"
#include "producers/ingest/ingest_service.h"

namespace e911::ingest {

const std::vector<ConfigKey>& ingest_config_keys();

// Errors name the key: no bootstrap servers, an unknown non_emergency
// policy or user_id.from, a pattern that is not a regular expression, a
// registry that does not load, no listener at all.
Result<IngestServiceOptions> ingest_setup(const Config& config);

}  // namespace e911::ingest
