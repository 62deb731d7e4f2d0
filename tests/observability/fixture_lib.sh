# Sourced by the observability script tests: start e911_metrics_fixture,
# wait (with a deadline) for its "port=N" line, stop it on exit.
# Needs: $work (a temp dir) set by the caller; sets $fixture_pid and $fixture_port.

fixture_pid=""
fixture_port=""

fail() {
  echo "FAIL: $*" >&2
  for f in "$work"/*.err; do
    [ -s "$f" ] || continue
    echo "--- $(basename "$f") ---" >&2
    tail -n 50 "$f" >&2
  done
  exit 1
}

# stop_process PID: SIGTERM, wait up to 10 s, then SIGKILL.
stop_process() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# start_fixture PATH DEADLINE_S
start_fixture() {
  local bin="$1" deadline_s="$2" line=""
  # A FIFO: `read -t` waits for the first line with a deadline, no polling.
  mkfifo "$work/fixture.out"
  "$bin" >"$work/fixture.out" 2>"$work/fixture.err" &
  fixture_pid=$!
  exec 3<"$work/fixture.out"
  if ! IFS= read -r -t "$deadline_s" -u 3 line; then
    kill -0 "$fixture_pid" 2>/dev/null || fail "metrics fixture exited before printing its port"
    fail "no port line from the metrics fixture within ${deadline_s}s"
  fi
  case "$line" in
    port=[0-9]*) fixture_port="${line#port=}" ;;
    *) fail "first line of the metrics fixture is not port=N: '$line'" ;;
  esac
}
