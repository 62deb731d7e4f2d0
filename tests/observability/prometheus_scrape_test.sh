#!/usr/bin/env bash
# A real Prometheus scrapes the observability endpoint: start the metrics
# fixture and Prometheus (temp config and storage, loopback, a free port,
# scrape every 1s), then poll Prometheus' HTTP API with a deadline until
# the target is up and the fixture's series answer queries.
# Usage: prometheus_scrape_test.sh PATH/TO/e911_metrics_fixture
set -euo pipefail

fixture="$1"
deadline_s=60
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=prometheus_lib.sh
source "$here/prometheus_lib.sh"

command -v prometheus >/dev/null || fail "prometheus is not installed"
[ -x "$python" ] || fail "$python is not installed"

start_fixture "$fixture" 30

scrape_config e911_fixture "127.0.0.1:${fixture_port}"
start_prometheus "$work/prometheus.yml"

# The e911_fixture target has been scraped and is healthy.
target_up() {
  curl -sf --max-time 2 -o "$work/targets.json" "$prom/api/v1/targets" || return 1
  "$python" - "$work/targets.json" "127.0.0.1:${fixture_port}" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
targets = doc.get("data", {}).get("activeTargets", [])
ok = any(t.get("labels", {}).get("job") == "e911_fixture"
         and t.get("scrapeUrl", "").startswith("http://" + sys.argv[2] + "/metrics")
         and t.get("health") == "up" for t in targets)
sys.exit(0 if ok else 1)
PY
}

# query_equals PROMQL VALUE: the instant query returns one series whose value is VALUE.
query_equals() {
  curl -sf --max-time 2 -G -o "$work/query.json" --data-urlencode "query=$1" "$prom/api/v1/query" || return 1
  "$python" - "$work/query.json" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
result = doc.get("data", {}).get("result", [])
sys.exit(0 if doc.get("status") == "success" and len(result) == 1
         and float(result[0]["value"][1]) == float(sys.argv[2]) else 1)
PY
}

poll "prometheus ready on $prom" prometheus_ready
poll "target 127.0.0.1:${fixture_port} health=up" target_up
poll "e911_fixture_deliveries_total{channel=smtp} = 3" \
  query_equals 'e911_fixture_deliveries_total{job="e911_fixture",channel="smtp",outcome="delivered"}' 3
poll "e911_fixture_alert_latency_seconds_count = 6" \
  query_equals 'e911_fixture_alert_latency_seconds_count{job="e911_fixture"}' 6
poll "alert latency bucket le=0.005 = 2" \
  query_equals 'e911_fixture_alert_latency_seconds_bucket{job="e911_fixture",le="0.005"}' 2
poll "e911_build_info = 1" query_equals 'e911_build_info{job="e911_fixture"}' 1
poll "process_resident_memory_bytes > 0" query_equals 'process_resident_memory_bytes{job="e911_fixture"} > bool 0' 1
poll "up = 1" query_equals 'up{job="e911_fixture"}' 1

echo "PASS: prometheus scraped 127.0.0.1:${fixture_port} and answered queries on its series"
