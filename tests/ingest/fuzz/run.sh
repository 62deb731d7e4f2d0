#!/usr/bin/env bash
# Builds the SIP fuzz target with clang's libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs it for SECONDS (default 20) on the
# corpus kept in the repository (tests/ingest/fuzz/corpus), plus the
# ingest's SIP test messages as seeds. New inputs go to a scratch folder,
# not the corpus: add the ones worth keeping by hand (`-merge=1`).
#
#   tests/ingest/fuzz/run.sh 20       # CTest (label fuzz): bounded
#   ops/fuzz.sh 3600                  # a long run, outside CI
#
# Exit status: 0 when nothing was found, non-zero with the crashing input
# saved under OUT (default build-fuzz/) and its path printed.
set -euo pipefail
seconds="${1:-20}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${2:-$root/build-fuzz}"
mkdir -p "$out"
binary="$out/sip_fuzz"

sources=(
  "$here/sip_fuzz.cpp"
  "$root"/producers/ingest/{sip_message,sip_address,multipart,mirror,sip_call_event,xml_screen}.cpp
  "$root"/common/{text,utf8,mac_address,ip_address,timestamp,json_writer,sha256,civic_address}.cpp
  "$root"/registry/{dial_plan,directory}.cpp
)
# Rebuild only when a source is newer than the binary.
if [ ! -x "$binary" ] || [ -n "$(find "${sources[@]}" "$root/producers/ingest" "$root/common" -newer "$binary" -name '*.h' -o -newer "$binary" -name '*.cpp' | head -1)" ]; then
  # pointer-overflow is left out: RapidJSON's internal stack adds 0 to a null
  # pointer when it starts empty (internal/stack.h), harmless and not ours.
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize=pointer-overflow \
    -fno-sanitize-recover=undefined \
    -I"$root" -DE911_VERSION='"fuzz"' "${sources[@]}" \
    -lPocoFoundation -lcrypto -lphonenumber -o "$binary"
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
seeds="$scratch/seeds"
mkdir -p "$seeds"
# Mode byte 0 (the datagram path) before each test message.
for f in "$root"/tests/ingest/sip/*; do
  { printf '\x00'; cat "$f"; } > "$seeds/$(basename "$f")"
done
cd "$out"
"$binary" -max_total_time="$seconds" -max_len=70000 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 "$scratch" "$here/corpus" "$seeds" 2>&1 | tail -15
