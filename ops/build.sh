#!/usr/bin/env bash
# Configures and builds into a build directory.
#   ops/build.sh [BUILD_DIR] [extra cmake args...]
# E911_SANITIZE=1 builds with AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
shift || true
args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${E911_SANITIZE:-0}" = "1" ]; then args+=(-DE911_SANITIZE=ON -DE911_BUILD_BENCH=OFF); fi
cmake -S "$root" -B "$build" "${args[@]}" "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
