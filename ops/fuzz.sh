#!/usr/bin/env bash
# A long fuzzing run of the ingest's SIP, HEP, multipart and XML parsers,
# outside CI (CI runs the same target for 20 s: ctest -L fuzz).
#
#   ops/fuzz.sh [SECONDS]     # default 3600
#
# Findings (crash-*, leak-*, timeout-*) are saved in build-fuzz/; add
# inputs worth keeping to tests/ingest/fuzz/corpus with the target's
# -merge=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ops/install-deps.sh
exec bash tests/ingest/fuzz/run.sh "${1:-3600}" "$PWD/build-fuzz"
