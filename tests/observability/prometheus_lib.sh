# Sourced by the script tests that run a real Prometheus; sources
# fixture_lib.sh (fail, stop_process, $work, $watched_pids). Needs
# $deadline_s; sets $prom (its URL) and $prometheus_pid.

# shellcheck source=fixture_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/fixture_lib.sh"

python=/usr/bin/python3
prom=""
prometheus_pid=""

# A free loopback port: bind port 0 and let the kernel choose.
free_port() {
  "$python" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# scrape_config JOB TARGET [RULES]: a Prometheus configuration in
# $work/prometheus.yml that scrapes TARGET (host:port) every second as JOB,
# with the rule file RULES loaded if given.
scrape_config() {
  {
    printf 'global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n'
    [ -z "${3:-}" ] || printf "rule_files: ['%s']\n" "$3"
    printf "scrape_configs:\n  - job_name: %s\n    static_configs:\n      - targets: ['%s']\n" "$1" "$2"
  } >"$work/prometheus.yml"
}

# start_prometheus CONFIG: Prometheus with CONFIG on a free loopback port,
# its storage in $work (stopped at exit); the deadline for poll starts now.
start_prometheus() {
  local port
  port="$(free_port)"
  prom="http://127.0.0.1:${port}"
  prometheus --config.file="$1" --storage.tsdb.path="$work/data" \
    --web.listen-address="127.0.0.1:${port}" --log.level=warn \
    >"$work/prometheus.out" 2>"$work/prometheus.err" &
  prometheus_pid=$!
  watched_pids+=("$prometheus_pid")
  end=$((SECONDS + deadline_s))
}

# poll DESCRIPTION COMMAND...: run COMMAND until it succeeds or the deadline
# passes: $end (set by start_prometheus, one deadline for the whole test), or
# without it $deadline_s from this call. Fails when Prometheus (if started
# here) or a process in watched_pids exits meanwhile.
poll() {
  local what="$1" pid until_s="${end:-$((SECONDS + deadline_s))}"
  shift
  until "$@"; do
    [ -z "$prometheus_pid" ] || kill -0 "$prometheus_pid" 2>/dev/null || fail "prometheus exited while waiting for: $what"
    for pid in "${watched_pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || fail "process $pid ($(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null || echo gone)) exited while waiting for: $what"
    done
    [ "$SECONDS" -lt "$until_s" ] || fail "timed out after ${deadline_s}s waiting for: $what"
    sleep 0.2  # poll interval, not a wait for an event
  done
}

prometheus_ready() { curl -sf --max-time 2 -o /dev/null "$prom/-/ready"; }
