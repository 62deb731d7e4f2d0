#!/usr/bin/env bash
# Runs the whole test suite from a fresh clone: installs the Debian packages,
# builds, and runs every test (unit, integration against the embedded Kafka
# broker, kcat, Prometheus, JSON Schema validation, and the real SMTP, SMS
# gateway, HTTP and PostgreSQL peers the tests start themselves).
#   ops/test.sh                 plain build in build/
#   E911_SANITIZE=1 ops/test.sh ASan+UBSan build in build-asan/, without the
#                               fuzz tests (label fuzz: always built with
#                               ASan+UBSan, so the plain pass runs them) and
#                               the fault campaign (label campaign: a dozen
#                               processes on two cores, timed as production
#                               runs; every component's own fault tests run
#                               in both passes)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/ops/install-deps.sh"
skip=()
if [ "${E911_SANITIZE:-0}" = "1" ]; then
  build="${E911_BUILD_DIR:-$root/build-asan}"
  skip=(-LE "fuzz|campaign")
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  export LSAN_OPTIONS="suppressions=$root/ops/lsan.supp:print_suppressions=0"
else
  build="${E911_BUILD_DIR:-$root/build}"
fi
"$root/ops/build.sh" "$build"
rm -rf "$build/emitted"
mkdir -p "$build/emitted"
cd "$build"
ctest --output-on-failure -j "$(nproc)" --timeout 600 "${skip[@]}"
