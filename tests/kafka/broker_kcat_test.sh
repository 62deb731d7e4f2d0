#!/usr/bin/env bash
# `e911 broker` with a real third-party client: start it, read the
# bootstrap line, create nothing by hand, produce with `kcat -P`, consume
# with `kcat -C -e`, check the message and the topics, stop it with SIGTERM.
# Usage: broker_kcat_test.sh PATH/TO/e911
set -euo pipefail

e911="$1"
deadline_s=30
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../observability/fixture_lib.sh
source "$here/../observability/fixture_lib.sh"

command -v kcat >/dev/null || fail "kcat is not installed"

start_announcing broker "$e911" broker --partitions 2 --topic extra.topic:4
broker_pid="$announced_pid"
case "$announced" in
  bootstrap.servers=127.0.0.1:*) ;;
  *) fail "first line is not bootstrap.servers=127.0.0.1:PORT: '$announced'" ;;
esac
bootstrap="${announced#bootstrap.servers=}"

kcat_opts=(-b "$bootstrap" -X socket.timeout.ms=10000)
# Low fetch wait for the consumer: the mock broker answers a Fetch only after it.
kcat_consumer_opts=(-X fetch.wait.max.ms=5)

# The pipeline's topics exist with the asked-for partitions.
metadata="$(timeout "$deadline_s" kcat "${kcat_opts[@]}" -L)" || fail "kcat -L failed or timed out"
for t in e911.call-events:2 e911.location-updates:2 e911.emergency-calls:2 e911.notifications:1 \
         e911.dead-letter:1 extra.topic:4; do
  name="${t%%:*}"
  parts="${t##*:}"
  echo "$metadata" | grep -q "topic \"$name\" with $parts partitions" ||
    fail "topic $name with $parts partitions not listed by kcat -L:"$'\n'"$metadata"
done

payload="{\"schema\":\"e911.call-event/v1\",\"event_id\":\"kcat-$$-$RANDOM\"}"
printf '%s\n' "$payload" |
  timeout "$deadline_s" kcat "${kcat_opts[@]}" -P -t e911.call-events -k u-kcat ||
  fail "kcat -P failed or timed out"

consumed="$(timeout "$deadline_s" kcat "${kcat_opts[@]}" "${kcat_consumer_opts[@]}" -C -t e911.call-events -o beginning -e -q -f '%k|%s\n')" ||
  fail "kcat -C -e failed or timed out"
[ "$consumed" = "u-kcat|$payload" ] || fail "consumed '$consumed', expected 'u-kcat|$payload'"

# SIGTERM ends it cleanly (exit status 0) within the deadline.
kill -TERM "$broker_pid"
timeout "$deadline_s" tail --pid="$broker_pid" -f /dev/null || fail "e911 broker did not stop within ${deadline_s}s of SIGTERM"
status=0
wait "$broker_pid" || status=$?
watched_pids=()  # the broker, reaped: nothing is left to stop at exit
[ "$status" -eq 0 ] || fail "e911 broker exited with status $status after SIGTERM"
echo "OK: e911 broker at $bootstrap served kcat"
