#!/usr/bin/env bash
# The shipped rules against real series: `e911 demo --follow` (ingest,
# locator, notifier, auditor on one endpoint) scraped by a real Prometheus
# with ops/monitoring/rules.yaml loaded; every rule must evaluate without
# error on what the components export, the recording rules must have data,
# and no alert may fire on a healthy pipeline. The Grafana dashboard: a
# dashboard model Grafana loads (uid, title, schema version, panels with
# unique ids, positions and Prometheus targets), and every panel's query
# returns data from that Prometheus.
# Usage: prometheus_rules_test.sh PATH/TO/e911 REGISTRY RULES DASHBOARD
set -euo pipefail

e911="$1"
registry="$2"
rules="$3"
dashboard="$4"
deadline_s=90
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../observability/prometheus_lib.sh
source "$here/../observability/prometheus_lib.sh"
# shellcheck source=../locator/demo_follow_lib.sh
source "$here/../locator/demo_follow_lib.sh"
command -v prometheus >/dev/null || fail "prometheus is not installed"

# The demo, followed until its steady phase.
start_demo_following "$e911" "$registry"
port="$demo_port"

scrape_config e911-demo "127.0.0.1:${port}" "$rules"
start_prometheus "$work/prometheus.yml"

# Every rule has been evaluated (health "unknown" until it is), the last
# time without error (health "ok"); "$1" rules in all.
rules_healthy() {
  curl -sf --max-time 2 -o "$work/rules.json" "$prom/api/v1/rules" || return 1
  "$python" - "$work/rules.json" "$1" >"$work/check.err" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
rules = [r for g in doc["data"]["groups"] for r in g["rules"]]
bad = [(r["name"], r.get("health"), r.get("lastError")) for r in rules if r.get("health") != "ok"]
print("rules:", len(rules), "not ok:", bad)
sys.exit(0 if len(rules) == int(sys.argv[2]) and not bad else 1)
PY
}
# An instant query returns at least one series.
has_data() {
  curl -sf --max-time 2 -G -o "$work/query.json" --data-urlencode "query=$1" "$prom/api/v1/query" || return 1
  "$python" - "$work/query.json" >"$work/check.err" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
sys.exit(0 if doc.get("status") == "success" and doc["data"]["result"] else 1)
PY
}
expected_rules="$(grep -cE '^ +- (alert|record):' "$rules")"

poll "prometheus ready on $prom" prometheus_ready
poll "the demo scraped (up = 1)" has_data 'up{job="e911-demo"} == 1'
poll "every one of the $expected_rules rules evaluated without error" rules_healthy "$expected_rules"
for series in 'e911:notifier_alerts:rate5m' 'e911:emergency_calls:rate5m' 'e911:dead_letters:rate5m' \
              'e911:notifier_alert_failure_ratio:rate5m'; do
  poll "recording rule $series has data" has_data "$series"
done
# A healthy pipeline pages nobody: nothing firing (pending alerts, if any, are listed).
curl -sf --max-time 2 -o "$work/alerts.json" "$prom/api/v1/alerts" || fail "GET /api/v1/alerts failed"
"$python" - "$work/alerts.json" <<'PY' || fail "an alert fires on a healthy demo"
import json, sys
alerts = json.load(open(sys.argv[1]))["data"]["alerts"]
firing = [a["labels"]["alertname"] for a in alerts if a["state"] == "firing"]
print("firing:", firing, file=sys.stderr)
sys.exit(1 if firing else 0)
PY

# The dashboard's model, and its queries (one per line) for the checks below.
"$python" - "$dashboard" >"$work/queries.txt" <<'PY' || fail "$dashboard is not a usable Grafana dashboard model"
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d.get("uid"), str) and d["uid"], "uid"
assert isinstance(d.get("title"), str) and d["title"], "title"
assert isinstance(d.get("schemaVersion"), int), "schemaVersion"
ids = set()
for p in d["panels"]:
    assert isinstance(p.get("id"), int) and p["id"] not in ids, "panel ids must be unique ints"
    ids.add(p["id"])
    g = p["gridPos"]
    assert all(isinstance(g[k], int) for k in ("h", "w", "x", "y")) and g["x"] + g["w"] <= 24, "gridPos"
    if p["type"] == "row":
        continue
    assert p["targets"], "panel %s has no query" % p["title"]
    for t in p["targets"]:
        assert t["datasource"]["type"] == "prometheus" and t["expr"].strip(), p["title"]
        print(t["expr"].replace("\n", " "))
PY
while IFS= read -r query; do
  poll "dashboard query returns data: $query" has_data "$query"
done <"$work/queries.txt"

echo "PASS: $expected_rules rules evaluate without error on the demo's series; recording rules have data; nothing fires;" \
     "$(wc -l <"$work/queries.txt") dashboard queries return data"
