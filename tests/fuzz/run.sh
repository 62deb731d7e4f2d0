#!/usr/bin/env bash
# Builds the fuzz targets (clang's libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer; tests/fuzz/CMakeLists.txt lists the sources
# they compile) and runs one of them on its corpus kept in the repository
# (tests/fuzz/corpus/<target>/). New inputs go to a scratch folder, not the
# corpus: add the ones worth keeping with --merge (E911_FUZZ_NEW=DIR keeps
# them in DIR).
#
#   tests/fuzz/run.sh sip 20              # the SIP parsers (CTest, label fuzz: 20 s)
#   tests/fuzz/run.sh decoders 40         # every other decoder (CTest: 40 s)
#   tests/fuzz/run.sh --build             # only build both (CTest's first fuzz test)
#   tests/fuzz/run.sh decoders --merge DIR  # DIR's inputs that add coverage -> the corpus
#   ops/fuzz.sh 3600                      # a long run of each, outside CI
#   E911_FUZZ_MODE=pidf-lo tests/fuzz/run.sh decoders 300   # one decoder alone
#
# OUT (the last argument, default build-fuzz/) holds the build (OUT/build)
# and the findings. Exit status: 0 when nothing was found; non-zero with
# the input saved as OUT/<target>-crash-*, -leak-*, -timeout-* or -oom-*
# and its path printed. Reproduce one with OUT/build/<target>_fuzz FILE.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' >&2; exit 2; }

build() {
  local out="$1"
  # Configured once; ninja then rebuilds what changed (ccache serves a fresh clone).
  if [ ! -f "$out/build/build.ninja" ]; then
    CXX="${E911_FUZZ_CXX:-clang++}" cmake -S "$here" -B "$out/build" -G Ninja >/dev/null
  fi
  if ! cmake --build "$out/build" -j "$(nproc)" > "$out/build.log" 2>&1; then
    cat "$out/build.log" >&2
    echo "tests/fuzz/run.sh: the fuzz targets do not build (clang++, libFuzzer: ops/install-deps.sh)" >&2
    exit 1
  fi
}

if [ "${1:-}" = "--build" ]; then
  out="${2:-$root/build-fuzz}"
  mkdir -p "$out"
  build "$out"
  exit 0
fi

target="${1:-}"
case "$target" in
  sip) max_len=70000 ;;
  decoders) max_len=16384 ;;
  *) usage ;;
esac
shift
merge_from=""
if [ "${1:-}" = "--merge" ]; then
  [ -n "${2:-}" ] || usage
  merge_from="$(cd "$2" && pwd)"
  shift 2
  seconds=0
else
  seconds="${1:-20}"
  shift || true
fi
out="${1:-$root/build-fuzz}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
build "$out"
binary="$out/build/${target}_fuzz"
corpus="$here/corpus/$target"
options=(-max_len="$max_len" -timeout=10 -rss_limit_mb=2048)
if [ -f "$here/$target.dict" ]; then options+=(-dict="$here/$target.dict"); fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# New inputs: E911_FUZZ_NEW when set (ops/fuzz.sh keeps a long run's, for
# --merge), else the scratch folder.
new="${E911_FUZZ_NEW:-$scratch/new}"
seeds="$scratch/seeds"
mkdir -p "$new" "$seeds"
if [ "$target" = sip ]; then
  # Mode byte 0 (the datagram path) before each of the ingest's SIP test messages.
  for f in "$root"/tests/ingest/sip/*; do
    { printf '\x00'; cat "$f"; } > "$seeds/$(basename "$f")"
  done
fi

if [ -n "$merge_from" ]; then
  # The inputs of DIR that add coverage to the corpus, each filed under its
  # name (the SHA-1 of its bytes): decoders' by their mode byte.
  new="$scratch/merged"
  mkdir -p "$new"
  # Edges only (-use_counters=0): an input joins for code the corpus does
  # not reach, not for running the same code more often, so it stays small.
  "$binary" -merge=1 -use_counters=0 "${options[@]}" "$new" "$corpus" "$merge_from" 2>&1 | grep -E '^MERGE-OUTER: [0-9]+ new files' || true
  declare -A known=()
  while IFS= read -r -d '' f; do known["$(sha1sum < "$f" | cut -c1-40)"]=1; done < <(find "$corpus" -type f -print0)
  declare -A folder=()
  if [ "$target" = decoders ]; then
    while read -r byte name; do folder[$byte]="$name"; done < <(E911_FUZZ_PRINT_MODES=1 "$binary")
  fi
  added=0
  for f in "$new"/*; do
    [ -f "$f" ] || continue
    sum="$(sha1sum < "$f" | cut -c1-40)"
    [ -z "${known[$sum]:-}" ] || continue
    dest="$corpus"
    if [ "$target" = decoders ]; then dest="$corpus/${folder[$(od -An -tu1 -N1 "$f" | tr -d ' ')]}"; fi
    mkdir -p "$dest"
    cp "$f" "$dest/$sum"
    added=$((added + 1))
  done
  echo "$added input(s) added to ${corpus#"$root"/}"
  exit 0
fi

if [ "$target" = decoders ] && [ -n "${E911_FUZZ_MODE:-}" ]; then
  corpus="$corpus/$E911_FUZZ_MODE"  # one decoder alone (decoders/decoders_fuzz.cpp)
  [ -d "$corpus" ] || { echo "no corpus folder $corpus" >&2; exit 2; }
fi
cd "$out"
log="$out/$target${E911_FUZZ_MODE:+-$E911_FUZZ_MODE}.log"
status=0
"$binary" "${options[@]}" -max_total_time="$seconds" -artifact_prefix="$out/$target-" -print_final_stats=1 \
  "$new" "$corpus" "$seeds" > "$log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  # The report: from the sanitizer's or the target's first word to the saved input.
  sed -n '/^==[0-9]*==\|runtime error\|== invariant broken\|ALARM\|Test unit written/,$p' "$log" | head -150
  echo "tests/fuzz/run.sh $target: a finding (full log: $log)" >&2
  exit "$status"
fi
grep -E '^(Done|stat::)' "$log"
