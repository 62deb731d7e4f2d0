#!/usr/bin/env bash
# Paging, end to end, with real servers: the pipeline as separate processes
# (`e911 broker`, ingest, locator, notifier with a real SMTP relay,
# auditor, the audit API), each scraped by a real Prometheus with the shipped rules
# loaded, which sends to a real Alertmanager (Debian's
# prometheus-alertmanager) routed by the shipped ops/monitoring/alertmanager.yml,
# which delivers to a webhook receiver. Emergency calls are alerted while the
# relay is up; the relay is stopped during more emergency calls, and
# E911AlertsFailing must reach the pager receiver; the relay comes back, the
# held alerts go out, and the alert must resolve.
#
# The rules' windows are scaled from minutes to seconds (a minute becomes 4
# seconds: [5m] -> [20s], for: 2m -> for: 8s) so the test takes a minute, not
# a quarter of an hour; the windows themselves are what promtool's rule tests
# (rules_test.yaml) check. Routing timers are shortened the same way.
# With E911_RULE_WINDOWS=real the rules and routing are used as shipped
# (about 10 minutes: ops/monitoring-e2e.sh --real-windows; not in CI).
# Every process's /metrics is also checked with `promtool check metrics`.
# Usage: alertmanager_e2e_test.sh E911 REGISTRY RULES ALERTMANAGER_YML SMTP_SERVER_PY
set -euo pipefail

e911="$1"
registry="$2"
rules="$3"
alertmanager_yml="$4"
smtp_server="$5"
real_windows=0
[ "${E911_RULE_WINDOWS:-scaled}" = real ] && real_windows=1
deadline_s=120
[ "$real_windows" = 1 ] && deadline_s=900  # for: 2m, then [5m] to drain
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../observability/prometheus_lib.sh
source "$here/../observability/prometheus_lib.sh"
# Every process started is in $watched_pids (fixture_lib.sh): prometheus_lib's
# poll fails when one exits, and all are stopped at exit in reverse order.
for tool in prometheus prometheus-alertmanager promtool kcat; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (ops/install-deps.sh)"
done

# start_component NAME ARGS...: `e911 ARGS...`; sets $metrics_port from its
# "serving /metrics and /healthz" log line.
start_component() {
  local name="$1"
  shift
  "$e911" "$@" >"$work/$name.out" 2>"$work/$name.err" &
  watched_pids+=($!)
  poll "$name serving /metrics" grep -q '"msg":"serving /metrics and /healthz"' "$work/$name.err"
  metrics_port="$("$python" -c 'import json, sys
for line in open(sys.argv[1]):
    if line.startswith("{"):
        d = json.loads(line)
        if d.get("msg") == "serving /metrics and /healthz":
            print(d["port"]); break' "$work/$name.err")"
  [ -n "$metrics_port" ] || fail "$name: no metrics port in its log"
}

echo "== the pipeline =="
start_announcing broker "$e911" broker
bootstrap="${announced#bootstrap.servers=}"
mkdir -p "$work/mail" "$work/mail-2" "$work/notifier-state"
start_announcing smtp "$python" "$smtp_server" --maildir "$work/mail"
smtp_port="${announced#port=}"
smtp_index=$((${#watched_pids[@]} - 1))
kafka_yaml="kafka:
  bootstrap.servers: \"$bootstrap\"
  fetch.wait.max.ms: \"5\"
  socket.nagle.disable: \"true\"
  linger.ms: \"1\"
  session.timeout.ms: \"6000\"
  heartbeat.interval.ms: \"500\"
metrics: {port: 0}"
cat >"$work/e911.yaml" <<YAML
$kafka_yaml
state_dir: $work/notifier-state
locator:
  registry: $registry
notifier:
  registry: $registry
  email: {transport: smtp}
  smtp: {host: 127.0.0.1, port: $smtp_port, tls: none, from: "E911 Alerts <e911@example.com>"}
  sms: {transport: outbox}
  webhook: {transport: outbox}
  # Retried every second at most, for 15 minutes: the outage outlasts nothing.
  retry: {initial_delay_ms: 200, max_delay_ms: 1000, deadline_s: 900}
YAML
cat >"$work/auditor.yaml" <<YAML
$kafka_yaml
state_dir: $work/auditor-state
YAML
mkdir -p "$work/auditor-state"
head -c 48 /dev/urandom | base64 >"$work/signing.secret"
start_component locator locator --config "$work/e911.yaml"
locator_port="$metrics_port"
start_component notifier notifier --config "$work/e911.yaml"
notifier_port="$metrics_port"
E911_AUDITOR_SIGNING_SECRET_FILE="$work/signing.secret" start_component auditor auditor --config "$work/auditor.yaml"
auditor_port="$metrics_port"
start_component ingest ingest --config "$work/e911.yaml" --sip-udp 127.0.0.1:0
ingest_port="$metrics_port"
# The auditors' API on the journal the auditor writes (its token is never used here).
echo "scraper $(openssl rand -hex 32 | "$e911" audit serve --hash-token 2>/dev/null)" >"$work/api-tokens"
cat >"$work/audit-api.yaml" <<YAML
metrics: {port: 0}
auditor:
  store: sqlite:$work/auditor-state/audit.db
  api: {tokens: {file: $work/api-tokens}}
YAML
E911_AUDITOR_SIGNING_SECRET_FILE="$work/signing.secret" start_announcing audit-api \
  "$e911" audit serve --config "$work/audit-api.yaml" --listen 127.0.0.1:0
audit_api_port="${announced##*metrics on 127.0.0.1:}"

echo "== Alertmanager, routed by $(basename "$alertmanager_yml"), and its webhook receiver =="
start_announcing webhook "$python" "$here/webhook_receiver.py" --out "$work/notifications.jsonl"
hook="http://127.0.0.1:${announced#port=}"
"$python" - "$alertmanager_yml" "$hook" "$real_windows" >"$work/alertmanager.yml" <<'PY'
import sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
hook, real = sys.argv[2], sys.argv[3] == "1"
def shorten(route):
    if real:
        return
    # Routing timers as the rules' windows: a minute becomes 4 seconds.
    route["group_wait"], route["group_interval"] = "0s", "1s"
    for child in route.get("routes", []):
        shorten(child)
shorten(config["route"])
for receiver in config["receivers"]:
    for webhook in receiver.get("webhook_configs", []):
        webhook["url"] = "%s/%s" % (hook, receiver["name"])
print(yaml.safe_dump(config, sort_keys=False))
PY
am_port="$(free_port)"
prometheus-alertmanager --config.file="$work/alertmanager.yml" --storage.path="$work/alertmanager-data" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= --log.level=warn \
  >"$work/alertmanager.out" 2>"$work/alertmanager.err" &
watched_pids+=($!)
poll "Alertmanager ready" curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$am_port/-/ready"

echo "== Prometheus with the rules$([ "$real_windows" = 1 ] && echo ' as shipped' || echo ', windows scaled to seconds') =="
"$python" - "$rules" "$real_windows" >"$work/rules.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
if sys.argv[2] == "1":
    print(text)
    sys.exit(0)
text = re.sub(r"\[(\d+)m\]", lambda m: "[%ds]" % (4 * int(m.group(1))), text)
text = re.sub(r"(\bfor: )(\d+)m\b", lambda m: "%s%ds" % (m.group(1), 4 * int(m.group(2))), text)
print(text)
PY
promtool check rules "$work/rules.yaml" >/dev/null || fail "the scaled rules do not load"
prom_port="$(free_port)"
prom="http://127.0.0.1:$prom_port"
cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
rule_files: ['$work/rules.yaml']
alerting:
  alertmanagers:
    - static_configs: [{targets: ['127.0.0.1:$am_port']}]
scrape_configs:
  - {job_name: e911-locator, static_configs: [{targets: ['127.0.0.1:$locator_port']}]}
  - {job_name: e911-notifier, static_configs: [{targets: ['127.0.0.1:$notifier_port']}]}
  - {job_name: e911-auditor, static_configs: [{targets: ['127.0.0.1:$auditor_port']}]}
  - {job_name: e911-ingest, static_configs: [{targets: ['127.0.0.1:$ingest_port']}]}
  - {job_name: e911-audit-api, static_configs: [{targets: ['127.0.0.1:$audit_api_port']}]}
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus-data" \
  --web.listen-address="127.0.0.1:$prom_port" --rules.alert.resend-delay=1s --log.level=warn \
  >"$work/prometheus.out" 2>"$work/prometheus.err" &
watched_pids+=($!)
poll "Prometheus ready" curl -sf --max-time 2 -o /dev/null "$prom/-/ready"

# query_true PROMQL: the instant query returns at least one series.
query_true() {
  curl -sf --max-time 2 -G -o "$work/query.json" --data-urlencode "query=$1" "$prom/api/v1/query" || return 1
  "$python" -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d.get("status") == "success" and d["data"]["result"] else 1)' "$work/query.json"
}
# notified STATUS: the receiver got E911AlertsFailing{channel="email"} with
# STATUS (firing|resolved) on the pager route (severity page).
notified() {
  [ -s "$work/notifications.jsonl" ] || return 1
  "$python" - "$work/notifications.jsonl" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    n = json.loads(line)
    for a in n["body"].get("alerts", []):
        labels = a["labels"]
        if (labels.get("alertname") == "E911AlertsFailing" and labels.get("channel") == "email"
                and a["status"] == sys.argv[2] and n["path"] == "/e911-pager"):
            sys.exit(0)
sys.exit(1)
PY
}
mails() { find "$work/mail" "$work/mail-2" -name '*.json' | wc -l; }
more_mails_than() { [ "$(mails)" -gt "$1" ]; }

poll "every component scraped (up == 1, 5 targets)" query_true 'count(up{job=~"e911-.*"} == 1) == 5'
for component in locator:$locator_port notifier:$notifier_port auditor:$auditor_port ingest:$ingest_port \
                 audit-api:$audit_api_port; do
  curl -sf --max-time 5 -o "$work/${component%%:*}.metrics" "http://127.0.0.1:${component#*:}/metrics" ||
    fail "GET /metrics of the ${component%%:*}"
  status=0
  promtool check metrics <"$work/${component%%:*}.metrics" >"$work/promtool.out" 2>&1 || status=$?
  [ "$status" -eq 0 ] && [ ! -s "$work/promtool.out" ] ||
    { cat "$work/promtool.out" >&2; fail "promtool check metrics: the ${component%%:*}'s /metrics"; }
done

echo "== emergency calls with the relay up: alerted, nothing pages =="
"$e911" simulate --registry "$registry" --events 40 --emergency-share 1 --keys |
  grep -F '"schema":"e911.call-event/v1"' >"$work/calls.tsv" || fail "e911 simulate wrote no call events"
calls="$(wc -l <"$work/calls.tsv")"
half=$((calls / 2))
head -n "$half" "$work/calls.tsv" >"$work/calls-1.tsv"
tail -n +"$((half + 1))" "$work/calls.tsv" >"$work/calls-2.tsv"
produce() { kcat -b "$bootstrap" -P -t e911.call-events -K$'\t' -X linger.ms=1 <"$1" || fail "kcat could not produce $1"; }
produce "$work/calls-1.tsv"
poll "alerts e-mailed through the relay" more_mails_than 0
poll "Prometheus sees e-mail alerts sent" query_true 'sum(e911_notifier_alerts_total{channel="email",result="sent"}) > 0'
if notified firing; then fail "E911AlertsFailing was notified while the relay worked"; fi

echo "== the relay stops; more emergency calls: E911AlertsFailing pages =="
stop_process "${watched_pids[$smtp_index]}"
unset "watched_pids[$smtp_index]"
mails_held="$(mails)"
produce "$work/calls-2.tsv"
poll "the notifier retrying e-mail" query_true 'sum(e911_notifier_alerts_total{channel="email",result="retried"}) > 0'
poll "E911AlertsFailing{channel=\"email\"} firing at the pager receiver" notified firing

echo "== the relay is back: the held alerts go out, the alert resolves =="
# Its own maildir (made at the start): a new server numbers its messages from 1 again.
"$python" "$smtp_server" --port "$smtp_port" --maildir "$work/mail-2" >"$work/smtp-2.out" 2>"$work/smtp-2.err" &
watched_pids[$smtp_index]=$!
poll "the held alerts delivered once the relay is back" more_mails_than "$mails_held"
poll "E911AlertsFailing{channel=\"email\"} resolved at the pager receiver" notified resolved

echo "PASS: 5 processes scraped and promtool-clean; $calls emergency call events; E911AlertsFailing reached the pager" \
     "through Alertmanager while the relay was down, and resolved once it was back"
