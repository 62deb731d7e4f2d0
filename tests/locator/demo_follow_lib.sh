# Sourced by the script tests that watch `e911 demo --follow`; sources
# ../observability/fixture_lib.sh (fail, $work, $watched_pids). Needs
# $deadline_s.

# shellcheck source=../observability/fixture_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../observability/fixture_lib.sh"

demo_pid=""
demo_port=""

# start_demo_following E911 REGISTRY: starts the demo on a free metrics
# port and reads its output, each read with the deadline left, until it
# follows; sets demo_pid (stopped at exit) and demo_port. Its output goes on to
# $work/demo.txt (drained in the background, so the demo never blocks).
start_demo_following() {
  local e911="$1" registry="$2" line="" following="" left end
  mkfifo "$work/demo.out"
  "$e911" demo --registry "$registry" --follow --background 100 --metrics-port 0 >"$work/demo.out" 2>"$work/demo.err" &
  demo_pid=$!
  watched_pids+=("$demo_pid")
  exec 3<"$work/demo.out"
  end=$((SECONDS + deadline_s))
  while [ -z "$following" ]; do
    left=$((end - SECONDS))
    [ "$left" -gt 0 ] || fail "the demo did not reach its follow phase within ${deadline_s}s"
    IFS= read -r -t "$left" -u 3 line || fail "the demo ended or stalled before following (port=$demo_port)"
    echo "$line" >>"$work/demo.txt"
    case "$line" in
      "Metrics (ingest, locator, location service, notifier, auditor): http://127.0.0.1:"*)
        demo_port="${line#Metrics (ingest, locator, location service, notifier, auditor): http://127.0.0.1:}"; demo_port="${demo_port%%/*}" ;;
      Following:*) following=1 ;;
    esac
  done
  [ -n "$demo_port" ] || fail "no metrics port in the demo output"
  cat <&3 >>"$work/demo.txt" &
}
