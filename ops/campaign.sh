#!/usr/bin/env bash
# The fault campaign's long mode, outside CI (CI runs a few fixed seeds:
# ctest -L campaign): TRIALS trials of SECONDS each from FIRST_SEED, every
# trial's result appended as a JSON line to build/campaign-results.jsonl and
# printed as a row of docs/reliability.md's table; at the end the tables of
# the whole file (tests/campaign/summary.py) in build/campaign-summary.md.
#
#   ops/campaign.sh [TRIALS] [SECONDS] [FIRST_SEED]    # default 100 60 1000
#
# Exit status 1 when a trial broke an invariant; its folder (logs, mail,
# journal) is kept and named.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ops/install-deps.sh
bash ops/build.sh build >/dev/null
status=0
python3 tests/campaign/campaign.py build/e911 --trials "${1:-100}" --seconds "${2:-60}" \
  --first-seed "${3:-1000}" --results build/campaign-results.jsonl || status=$?
# Totals, the blackout per fault and the table, for docs/reliability.md
# (every result in the file, earlier runs' included).
python3 tests/campaign/summary.py build/campaign-results.jsonl > build/campaign-summary.md
echo "ops/campaign.sh: tables in build/campaign-summary.md"
exit "$status"
