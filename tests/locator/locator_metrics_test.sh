#!/usr/bin/env bash
# The running locator's own /metrics and /healthz, through `e911 demo
# --follow` (embedded broker, locator, simulated traffic): /healthz is 200
# once it consumes, /metrics holds the locator's series with the traffic
# counted, promtool finds no problem in it, and SIGINT ends the demo
# cleanly (exit 0, summary printed).
# Usage: locator_metrics_test.sh PATH/TO/e911 REGISTRY
set -euo pipefail

e911="$1"
registry="$2"
deadline_s=90
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=demo_follow_lib.sh
source "$here/demo_follow_lib.sh"
command -v promtool >/dev/null || fail "promtool is not installed"

start_demo_following "$e911" "$registry"
port="$demo_port"

code=$(curl -sS -o "$work/health.json" -w '%{http_code}' "http://127.0.0.1:$port/healthz") || fail "GET /healthz failed"
[ "$code" = 200 ] || fail "/healthz answered $code: $(cat "$work/health.json")"
curl -sS -o "$work/metrics.txt" "http://127.0.0.1:$port/metrics" || fail "GET /metrics failed"
for series in 'e911_locator_call_events_total{outcome="emergency_call"}' \
              'e911_locator_call_events_total{outcome="rejected"} 1' \
              'e911_locator_emergency_calls_total{class="test",dispatchable="true"}' \
              'e911_locator_dead_letters_total 1' \
              'e911_locator_event_processing_seconds_bucket{' \
              'e911_locator_emergency_call_conveyed_seconds_count ' \
              'e911_locator_registered_users ' 'e911_locator_registry_sites 2' \
              'e911_notifier_calls_total{outcome="alerted"}' \
              'e911_notifier_alerts_total{channel="sms",result="sent"}' \
              'e911_notifier_alert_delivery_latency_seconds_bucket{channel="email",' \
              'e911_notifier_retry_queue_alerts ' 'e911_notifier_oldest_pending_alert_age_seconds ' \
              'e911_auditor_records_consumed_total{topic="e911.emergency-calls"}' \
              'e911_auditor_entries_written_total{kind="call.recorded"}' \
              'e911_auditor_ingest_duration_seconds_bucket{' 'e911_auditor_journal_last_seq ' \
              'e911_build_info{revision="' 'process_resident_memory_bytes ' \
              'e911_locator_registry_last_reload_successful 1' 'e911_notifier_registry_last_reload_successful 1' \
              'e911_ingest_registry_last_reload_successful 1' 'e911_locator_registry_reloads_total{result="error"} 0' \
              'e911_notifier_calls_total{outcome="nobody_to_alert"} 0' \
              'e911_notifier_escalations_total{reason="no_fallback"} 0' \
              'e911_notifier_acknowledgements_total{result="expired"} 0' \
              'e911_auditor_entries_written_total{kind="location.conveyed"}' \
              'e911_auditor_dead_letters_total{topic="e911.notifications"} 0' \
              'e911_notifier_alert_delivery_latency_seconds_bucket{channel="sms",le="1800"}'; do
  grep -qF "$series" "$work/metrics.txt" || { cat "$work/metrics.txt" >&2; fail "/metrics has no $series"; }
done
# The demo's calls through the ingest: SIP mirrored as siptrace sends it, and HTTP.
for series in 'e911_ingest_messages_total{outcome="event",transport="siptrace"} [1-9]' \
              'e911_ingest_messages_total{outcome="event",transport="http"} [1-9]'; do
  grep -qE "^${series//[\{\}]/\\&}" "$work/metrics.txt" || { grep '^e911_ingest' "$work/metrics.txt" >&2; fail "/metrics has no $series"; }
done
status=0
promtool check metrics <"$work/metrics.txt" >"$work/promtool.out" 2>&1 || status=$?
if [ "$status" -ne 0 ] || [ -s "$work/promtool.out" ]; then
  cat "$work/promtool.out" >&2
  fail "promtool check metrics reported problems in the demo's /metrics"
fi

kill -INT "$demo_pid"
status=0
timeout "$deadline_s" tail --pid="$demo_pid" -f /dev/null || fail "the demo did not stop within ${deadline_s}s of SIGINT"
wait "$demo_pid" || status=$?
watched_pids=()  # the demo, reaped: nothing is left to stop at exit
wait  # the drain
[ "$status" -eq 0 ] || fail "the demo exited $status after SIGINT"
grep -q '^Summary: ' "$work/demo.txt" || fail "no summary after SIGINT"
grep -q 'prometheus --config.file=ops/monitoring/prometheus-demo.yml' "$work/demo.txt" ||
  fail "the follow phase does not say how to point Prometheus at the demo"
echo "PASS: locator /healthz 200, /metrics clean ($(grep -c '^e911_locator' "$work/metrics.txt") locator samples), clean stop"
