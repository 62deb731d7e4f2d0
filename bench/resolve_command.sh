#!/usr/bin/env bash
# `e911 resolve` end to end as users run it: a million simulated events
# (95% non-emergency) through the real binary, standard input to standard
# output. Reports events/s and the peak RSS.
#   bench/resolve_command.sh [BUILD_DIR] [EVENTS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
events="${2:-1000000}"
registry="$root/ops/demo/registry.yaml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$build/e911" simulate --registry "$registry" --events "$events" --emergency-share 0.05 \
  --start 2026-11-21T10:00:00Z --seed 7 > "$work/events.jsonl"
start=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$work/rss" "$build/e911" resolve --registry "$registry" \
  < "$work/events.jsonl" > "$work/calls.jsonl" 2> "$work/errors" || true
end=$(date +%s.%N)
calls=$(wc -l < "$work/calls.jsonl")
rejected=$(grep -c '^line ' "$work/errors" || true)
awk -v n="$events" -v s="$start" -v e="$end" -v rss="$(cat "$work/rss")" -v calls="$calls" -v bad="$rejected" 'BEGIN {
  t = e - s
  printf "events            %d\nemergency calls   %d\nrejected lines    %d\nwall time         %.2f s\nevents/s          %.0f\npeak RSS          %.1f MiB\n", n, calls, bad, t, n / t, rss / 1024
}'
