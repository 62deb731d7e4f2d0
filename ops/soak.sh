#!/usr/bin/env bash
# The soak (docs/reliability.md, "Soak"), outside CI: the whole pipeline of
# the fault campaign without faults, RATE call events a second (5 % of them
# emergency calls) for MINUTES, every process's resident memory, open file
# descriptors and threads sampled each minute, judged flat at the end.
# Results in build/soak-results.json, the tables for docs/reliability.md in
# build/soak-results.md.
#
#   ops/soak.sh [MINUTES] [RATE]    # default 60 1000
#
# Exit status 1 when an invariant broke, the pipeline did not drain or a
# figure is not flat; the folder (logs, mail, journal) is kept and named.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ops/install-deps.sh
bash ops/build.sh build >/dev/null
exec python3 tests/campaign/soak.py build/e911 --minutes "${1:-60}" --rate "${2:-1000}" \
  --results build/soak-results.json --markdown build/soak-results.md
