#!/usr/bin/env bash
# `e911 broker` with a real third-party client: start it, read the
# bootstrap line, create nothing by hand, produce with `kcat -P`, consume
# with `kcat -C -e`, check the message and the topics, stop it with SIGTERM.
# Usage: broker_kcat_test.sh PATH/TO/e911
set -euo pipefail

e911="$1"
deadline_s=30
work="$(mktemp -d)"
broker_pid=""

cleanup() {
  if [ -n "$broker_pid" ] && kill -0 "$broker_pid" 2>/dev/null; then
    kill -TERM "$broker_pid" 2>/dev/null || true
    timeout 10 tail --pid="$broker_pid" -f /dev/null 2>/dev/null || kill -KILL "$broker_pid" 2>/dev/null || true
  fi
  exec 3<&- 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  if [ -s "$work/broker.err" ]; then
    echo "--- e911 broker stderr ---" >&2
    cat "$work/broker.err" >&2
  fi
  exit 1
}

command -v kcat >/dev/null || fail "kcat is not installed"

# The broker's stdout is a FIFO: `read -t` waits for the first line with a
# deadline instead of polling a file.
mkfifo "$work/broker.out"
"$e911" broker --partitions 2 --topic extra.topic:4 >"$work/broker.out" 2>"$work/broker.err" &
broker_pid=$!
exec 3<"$work/broker.out"

line=""
if ! IFS= read -r -t "$deadline_s" -u 3 line; then
  kill -0 "$broker_pid" 2>/dev/null || fail "e911 broker exited before printing its address"
  fail "no bootstrap line from e911 broker within ${deadline_s}s"
fi
case "$line" in
  bootstrap.servers=127.0.0.1:*) ;;
  *) fail "first line is not bootstrap.servers=127.0.0.1:PORT: '$line'" ;;
esac
bootstrap="${line#bootstrap.servers=}"

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
broker_pid=""
[ "$status" -eq 0 ] || fail "e911 broker exited with status $status after SIGTERM"
echo "OK: e911 broker at $bootstrap served kcat"
