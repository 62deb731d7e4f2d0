#!/usr/bin/env bash
# ELIN assignments across locator processes, through Kafka (the compacted
# e911.elin-assignments topic): a restarted locator reads them back and
# goes on with the next ELIN of the pool; two locators sharing the call
# events give every call a different ELIN while the pool lasts, then reuse
# the oldest (elin-reused); calls reaching both locators at once still get
# different ELINs (claims on the topic: the first wins, the other chooses
# again); `e911 elin lookup` and the locator's lookup endpoint say whom each
# ELIN reaches, and every lookup is recorded on e911.elin-lookups.
# The auditor journals the lookups on the call they reached, and `e911 audit
# query --elin` finds the calls behind a number.
# Real processes: `e911 broker`, `e911 locator`, `e911 auditor`, kcat, curl.
# Usage: elin_assignments_test.sh E911 REGISTRY (the demo's: Austin Floor 1 has 4 ELINs)
set -euo pipefail
e911="$1"
registry="$2"
deadline_s=60
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../observability/prometheus_lib.sh
source "$here/../observability/prometheus_lib.sh"
command -v kcat >/dev/null || fail "kcat is not installed"

start_announcing broker "$e911" broker
bootstrap="${announced#bootstrap.servers=}"
token="pbx-$RANDOM-$RANDOM-0123456789abcdef0123456789"
printf 'pbx-callback %s\n' "$(printf %s "$token" | sha256sum | cut -d' ' -f1)" >"$work/tokens"
cat >"$work/e911.yaml" <<YAML
kafka:
  bootstrap.servers: "$bootstrap"
  fetch.wait.max.ms: "5"
  session.timeout.ms: "6000"
  heartbeat.interval.ms: "500"
metrics: {port: 0}
locator:
  registry: $registry
  elin_lookup: {enabled: true, port: 0, tokens_file: $work/tokens}
YAML
# The auditor journals the calls and every lookup (e911.elin-lookups).
cat >"$work/auditor.yaml" <<YAML
kafka:
  bootstrap.servers: "$bootstrap"
  fetch.wait.max.ms: "5"
metrics: {port: 0}
state_dir: $work/auditor-state
YAML
mkdir -p "$work/auditor-state"
head -c 48 /dev/urandom | base64 >"$work/signing.secret"
E911_AUDITOR_SIGNING_SECRET_FILE="$work/signing.secret" "$e911" auditor --config "$work/auditor.yaml" \
  >"$work/auditor.out" 2>"$work/auditor.err" &
watched_pids+=($!)
start_locator() {  # NAME
  # Each its own static member (the host name would give both one id).
  E911_INSTANCE_ID="locator-$1" "$e911" locator --config "$work/e911.yaml" >"$work/$1.out" 2>"$work/$1.err" &
  watched_pids+=($!)
  locator_pid=$!
}
kc() { kcat -b "$bootstrap" "$@"; }
# A 911 call from Austin Floor 1 (10.60.1.0/24), on call-events partition $2.
call() {  # N PARTITION
  printf '{"schema":"e911.call-event/v1","event_id":"ev-%s","call_id":"c-%s","type":"call.initiated","occurred_at":"%s","dialed":"911","caller":{"user_id":"u-%s","extension":"50%02d","callback":"+1512555014%s"},"device":{"ip":"10.60.1.%s"},"site_id":"austin-office"}\n' \
    "$1" "$1" "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$1" "$1" "$(( $1 % 10 ))" "$((10 + $1))" |
    kc -P -t e911.call-events -p "$2" || fail "kcat could not produce call $1"
}
calls_out() { kc -X fetch.wait.max.ms=5 -C -t e911.emergency-calls -o beginning -e -q 2>/dev/null >"$work/calls.jsonl"; }
# The ELIN of call N once conveyed (and its warnings), into $elin and $warnings.
conveyed() {  # N
  calls_out
  "$python" - "$work/calls.jsonl" "c-$1" >"$work/conveyed" <<'PY' || return 1
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d["call_id"] == sys.argv[2]:
        print(d.get("elin", ""), ",".join(d["warnings"]))
        sys.exit(0)
sys.exit(1)
PY
}
elin_of() {  # N
  poll "call c-$1 conveyed" conveyed "$1"
  read -r elin warnings <"$work/conveyed" || true
}
ready() { grep -q '"msg":"consuming","topics"' "$work/$1.err" && grep -q 'partitions_assigned' "$work/$1.err"; }

echo "== one locator: the pool in order =="
start_locator a
poll "locator a consuming" ready a
call 1 0; elin_of 1; [ "$elin" = "+15125550190" ] || fail "call 1: ELIN '$elin', expected +15125550190"
call 2 1; elin_of 2; [ "$elin" = "+15125550191" ] || fail "call 2: ELIN '$elin', expected +15125550191"

echo "== restarted: the assignments are read back =="
stop_process "$locator_pid"
unset 'watched_pids[-1]'
start_locator b
poll "locator b consuming" ready b
grep -q '"msg":"ELIN assignments read back".*"elins":2' "$work/b.err" || fail "locator b did not read back 2 assignments"
call 3 2; elin_of 3; [ "$elin" = "+15125550192" ] || fail "call 3 after the restart: ELIN '$elin', expected +15125550192"

echo "== two locators sharing the call events: one pool =="
start_locator c
rebalanced() { [ "$(grep -c partitions_assigned "$work/b.err")" -ge 2 ] && ready c; }
poll "locators b and c sharing the partitions" rebalanced
call 4 0; elin_of 4; first="$elin"
call 5 1; elin_of 5; second="$elin"; second_warnings="$warnings"
call 6 2; elin_of 6; third="$elin"
[ "$first" = "+15125550193" ] || fail "call 4: ELIN '$first', expected the last unused one, +15125550193"
[ "$second" = "+15125550190" ] && [ "$second_warnings" = "elin-reused" ] ||
  fail "call 5: ELIN '$second' ($second_warnings), expected the oldest reused: +15125550190 (elin-reused)"
[ "$third" = "+15125550191" ] || fail "call 6: ELIN '$third', expected +15125550191"
handled_by() { grep -c '"msg":"emergency call resolved"' "$work/$1.err" || true; }
echo "calls resolved: b $(handled_by b), c $(handled_by c)"
[ "$(handled_by c)" -ge 1 ] || fail "locator c resolved none of calls 4-6: the test did not exercise two replicas"

echo "== calls reaching both locators at once: claims keep their ELINs apart =="
# Three calls in one kcat run, one per partition: both locators assign
# from the same view (the pool's oldest assignments), and only the claim
# that reaches the topic first keeps each ELIN.
now="$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)"
for n in 7 8 9; do
  printf '%s\t{"schema":"e911.call-event/v1","event_id":"ev-%s","call_id":"c-%s","type":"call.initiated","occurred_at":"%s","dialed":"911","caller":{"user_id":"u-%s","extension":"50%02d"},"device":{"ip":"10.60.1.%s"},"site_id":"austin-office"}\n' \
    "$((n - 7))" "$n" "$n" "$now" "$n" "$n" "$((10 + n))"
done | "$python" -c '
import sys
for line in sys.stdin:
    p, v = line.rstrip("\n").split("\t", 1)
    open(sys.argv[1] + "/p" + p, "w").write(v + "\n")' "$work"
producers=()
for p in 0 1 2; do kc -P -t e911.call-events -p "$p" "$work/p$p" & producers+=($!); done
for pid in "${producers[@]}"; do wait "$pid" || fail "kcat could not produce calls 7-9"; done
together=()
for n in 7 8 9; do elin_of "$n"; together+=("$elin"); done
[ "$(printf '%s\n' "${together[@]}" | sort -u | grep -c .)" = 3 ] ||
  fail "calls 7-9 at once got ELINs ${together[*]}: expected three different ones"
e9="${together[2]}"
echo "calls 7-9: ${together[*]}; claims lost and chosen again: $(grep -c 'ELIN claimed first by another locator' "$work/b.err" "$work/c.err" | tr '\n' ' ')"

echo "== e911 elin lookup =="
"$e911" elin lookup "$e9" --config "$work/e911.yaml" --json >"$work/lookup.json" || fail "lookup $e9 found nobody"
grep -q '"call_id":"c-9"' "$work/lookup.json" && grep -q '"extension":"5009"' "$work/lookup.json" ||
  fail "lookup $e9: $(cat "$work/lookup.json") (expected call c-9)"
E911_OPERATOR=night-desk "$e911" elin lookup "$e9" --config "$work/e911.yaml" | grep -q "call c-9, user u-9" ||
  fail "lookup $e9 (text)"
status=0
"$e911" elin lookup +15125550192 --config "$work/e911.yaml" --at 2099-01-01T00:00:00Z >/dev/null || status=$?
[ "$status" -eq 1 ] || fail "lookup after the window exited $status, expected 1 (nobody to reach)"

echo "== the locator's lookup endpoint =="
endpoint_port() { grep -o '"msg":"ELIN lookup endpoint listening".*"port":[0-9]*' "$work/c.err" | grep -o '[0-9]*$' | tail -1; }
port="$(endpoint_port)"
[ -n "$port" ] || fail "locator c did not say where its ELIN lookup endpoint listens"
url="http://127.0.0.1:$port/v1/elins"
status="$(curl -s -o /dev/null -w '%{http_code}' "$url/$e9")"
[ "$status" = 401 ] || fail "a lookup without a token was answered $status, expected 401"
status="$(curl -s -o "$work/bad.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$url/5550191")"
[ "$status" = 400 ] && grep -q 'ELIN in the path' "$work/bad.json" || fail "a lookup of 5550191: $status $(cat "$work/bad.json")"
curl -sf -H "Authorization: Bearer $token" "$url/%2B${e9#+}" >"$work/http.json" || fail "the endpoint refused a lookup"
grep -q '"reachable":true' "$work/http.json" && grep -q '"call_id":"c-9"' "$work/http.json" ||
  fail "the endpoint's answer for $e9: $(cat "$work/http.json") (expected call c-9)"
curl -sf -H "Authorization: Bearer $token" "$url/+15125550199" | grep -q '"reachable":false' ||
  fail "the endpoint did not say nobody is reached at an ELIN never assigned"

echo "== every lookup recorded for the auditor =="
lookups_recorded() {
  kc -X fetch.wait.max.ms=5 -C -t e911.elin-lookups -o beginning -e -q 2>/dev/null >"$work/lookups.jsonl"
  grep -q '"via":"http","by":"pbx-callback","reachable":true,"call_id":"c-9"' "$work/lookups.jsonl" &&
    grep -q '"elin":"+15125550199".*"via":"http".*"reachable":false' "$work/lookups.jsonl" &&
    grep -q '"via":"cli","by":"night-desk"' "$work/lookups.jsonl" &&
    grep -q '"as_of":"2099-01-01T00:00:00.000Z".*"via":"cli"' "$work/lookups.jsonl"
}
poll "the lookups on e911.elin-lookups" lookups_recorded
! grep -q '"user_id"\|"callback"' "$work/lookups.jsonl" || fail "a lookup record carries caller data: $(cat "$work/lookups.jsonl")"

echo "== the journal: the calls behind an ELIN, and the lookups on the call's timeline =="
audit() { "$e911" audit "$@" --config "$work/auditor.yaml"; }
journaled() {
  audit query --elin "$e9" --format jsonl >"$work/behind.jsonl" 2>/dev/null &&
    grep -q '"call_id":"c-9"' "$work/behind.jsonl" &&
    audit show c-9 >"$work/show.txt" 2>/dev/null &&
    grep -q "looked up (http, by pbx-callback)" "$work/show.txt" &&
    grep -q "looked up (cli, by night-desk)" "$work/show.txt"
}
poll "call c-9 and its lookups journaled" journaled
"$python" - "$work/behind.jsonl" "$e9" <<'PY' || fail "audit query --elin $e9 listed a call conveyed another ELIN"
import json, sys
sys.exit(any(json.loads(l).get("elin") != sys.argv[2] for l in open(sys.argv[1]) if l.strip()))
PY
E911_AUDITOR_SIGNING_SECRET_FILE="$work/signing.secret" audit verify >/dev/null || fail "e911 audit verify failed on the journal"
echo "PASS: a restart, a second locator and simultaneous calls assign from one pool through Kafka; lookups answer who each ELIN reaches and are journaled on the call they reached"
