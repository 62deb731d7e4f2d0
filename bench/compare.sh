#!/usr/bin/env bash
# Runs the benchmarks of two builds in alternation on this machine, in one
# sitting (the machines are shared and differ from one session to the
# next: only same-run comparisons mean something).
#   bench/compare.sh BEFORE_BUILD_DIR AFTER_BUILD_DIR [OUT_DIR]
# Results per run in OUT_DIR (default: a new folder under /tmp), with the
# CPU model in cpu.txt. docs/benchmarks.md says how to read them.
set -euo pipefail
before="${1:?before build dir}"/bench
after="${2:?after build dir}"/bench
out="${3:-$(mktemp -d /tmp/e911-bench-XXXXXX)}"
mkdir -p "$out"
lscpu | grep -E "Model name|^CPU\(s\)" > "$out/cpu.txt"
for round in 1 2; do
  for side in before after; do
    d=$before; [ "$side" = after ] && d=$after
    "$d/subnet_index_bench" --benchmark_min_time=0.3 --benchmark_format=csv > "$out/subnet_${side}_$round.csv" 2>/dev/null
    "$d/resolve_bench" --benchmark_min_time=0.3 --benchmark_format=csv > "$out/resolve_${side}_$round.csv" 2>/dev/null
    "$d/locator_kafka_bench" --mode throughput > "$out/lkafka_${side}_$round.txt" 2>&1
    "$d/audit_store_bench" ingest --calls 20000 > "$out/audit_${side}_$round.txt" 2>&1
  done
done
for side in before after; do
  d=$before; [ "$side" = after ] && d=$after
  "$d/locator_kafka_bench" --mode latency --seconds 20 > "$out/llat_${side}.txt" 2>&1
  "$d/notifier_bench" --scenario smtp,first-alert --seconds 15 --b-seconds 15 > "$out/notif_${side}.txt" 2>&1
done
echo "results in $out"
