#!/usr/bin/env bash
# A long fuzzing run, outside CI (CI runs each target for a bounded time:
# ctest -L fuzz): the ingest's SIP, HEP, multipart and XML parsers, then
# every other decoder of outside input (docs/reliability.md, "Fuzzing"),
# each for SECONDS, one after the other.
#
#   ops/fuzz.sh [SECONDS] [TARGET...]   # default 3600; sip and decoders
#   E911_FUZZ_MODE=held-request ops/fuzz.sh 600 decoders   # one decoder alone
#
# Findings (<target>-crash-*, -leak-*, -timeout-*, -oom-*) are saved in
# build-fuzz/, and the run stops at the first. The inputs a run found are
# kept in build-fuzz/<target>-new/: those that add coverage join the
# corpus with `tests/fuzz/run.sh TARGET --merge build-fuzz/TARGET-new`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ops/install-deps.sh
seconds="${1:-3600}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(sip decoders)
for target in "${targets[@]}"; do
  echo "== $target, $seconds s"
  E911_FUZZ_NEW="$PWD/build-fuzz/$target-new" bash tests/fuzz/run.sh "$target" "$seconds" "$PWD/build-fuzz"
done
