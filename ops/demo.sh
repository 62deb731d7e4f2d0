#!/usr/bin/env bash
# Runs the pipeline end to end on the embedded default: installs the Debian
# packages, builds, then `e911 demo` (embedded Kafka broker, locator,
# notifier with a local outbox, simulated traffic). Extra arguments go to
# `e911 demo`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/ops/install-deps.sh"
"$root/ops/build.sh" "$root/build" >/dev/null
exec "$root/build/e911" demo --registry "$root/ops/demo/registry.yaml" "$@"
