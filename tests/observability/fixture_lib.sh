# Sourced by the script tests that start servers: fail with their logs,
# stop a process, start one that announces where it listens on its first
# line (e911 broker, the peers, e911_metrics_fixture) with a deadline.
# Sourcing it makes the test's scratch directory, $work, and sets the exit
# trap: every process in $watched_pids is stopped, last started first, and
# $work removed. Processes started here are added to $watched_pids; a test
# adds those it starts itself (prometheus_lib's poll also fails when one of
# them exits while it waits).

# Sourced once per test, however many libraries source it.
[ -z "${fixture_lib_sourced:-}" ] || return 0
fixture_lib_sourced=1
work="$(mktemp -d)"
watched_pids=()
fixture_pid=""
fixture_port=""

clean_up_at_exit() {
  local all=("${watched_pids[@]}") i
  for ((i = ${#all[@]} - 1; i >= 0; i--)); do stop_process "${all[$i]}"; done
  exec 3<&- 2>/dev/null || true
  rm -rf "$work"
}
trap clean_up_at_exit EXIT

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

# start_announcing NAME COMMAND...: starts COMMAND, whose first line on
# standard output says where it listens ("port=N", "bootstrap.servers=...");
# waits for it up to $deadline_s; sets $announced to it and $announced_pid,
# which is added to $watched_pids.
# The rest of its standard output goes to $work/NAME.out (drained, so it
# never blocks), its standard error to $work/NAME.err.
announced=""
announced_pid=""
start_announcing() {
  local name="$1" line=""
  shift
  # A FIFO: `read -t` waits for the first line with a deadline, no polling.
  mkfifo "$work/$name.fifo"
  "$@" >"$work/$name.fifo" 2>"$work/$name.err" &
  announced_pid=$!
  watched_pids+=("$announced_pid")
  exec 3<"$work/$name.fifo"
  if ! IFS= read -r -t "$deadline_s" -u 3 line; then
    kill -0 "$announced_pid" 2>/dev/null || fail "$name exited before saying where it listens"
    fail "no first line from $name within ${deadline_s}s"
  fi
  cat <&3 >"$work/$name.out" &
  exec 3<&-
  announced="$line"
}

# start_fixture PATH DEADLINE_S: the metrics fixture; sets $fixture_pid
# and $fixture_port.
start_fixture() {
  local deadline_s="$2"
  start_announcing fixture "$1"
  fixture_pid="$announced_pid"
  case "$announced" in
    port=[0-9]*) fixture_port="${announced#port=}" ;;
    *) fail "first line of the metrics fixture is not port=N: '$announced'" ;;
  esac
}
