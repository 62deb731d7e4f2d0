#!/usr/bin/env bash
# `promtool check metrics` on what the observability endpoint serves: any
# lint problem (naming, missing HELP, bad suffix, unparseable text) fails.
# Usage: promtool_check_test.sh PATH/TO/e911_metrics_fixture
set -euo pipefail

fixture="$1"
deadline_s=30
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=fixture_lib.sh
source "$here/fixture_lib.sh"

command -v promtool >/dev/null || fail "promtool is not installed"
start_fixture "$fixture" "$deadline_s"

url="http://127.0.0.1:${fixture_port}/metrics"
curl -sS --max-time "$deadline_s" -D "$work/headers" -o "$work/metrics.txt" "$url" 2>"$work/curl.err" \
  || fail "GET $url failed"
grep -qi '^content-type: text/plain; version=0.0.4; charset=utf-8' "$work/headers" \
  || fail "GET /metrics has the wrong Content-Type: $(grep -i '^content-type' "$work/headers")"

# The exposition must hold each kind of metric, so the lint covers them all.
for series in 'e911_fixture_deliveries_total{' 'e911_fixture_alert_latency_seconds_bucket{' \
              'e911_fixture_consumer_lag_messages ' 'e911_build_info{' \
              'process_resident_memory_bytes ' 'process_start_time_seconds '; do
  grep -qF "$series" "$work/metrics.txt" || fail "/metrics has no $series series"
done

# promtool exits non-zero on a parse error or a lint problem; it also
# prints each problem, and any printed problem counts even if it exits 0.
status=0
promtool check metrics <"$work/metrics.txt" >"$work/promtool.out" 2>&1 || status=$?
if [ "$status" -ne 0 ] || [ -s "$work/promtool.out" ]; then
  echo "--- promtool check metrics (exit $status) ---" >&2
  cat "$work/promtool.out" >&2
  echo "--- /metrics ---" >&2
  cat "$work/metrics.txt" >&2
  fail "promtool check metrics reported problems"
fi
echo "PASS: promtool check metrics found no problem in $(grep -c '^[a-z]' "$work/metrics.txt") samples"
