#!/usr/bin/env bash
# Installs every Debian 12 package the build, the tests, the benchmarks and
# the demo need. Idempotent: packages already present are skipped, so it is
# cheap to call before every build (the README and .ci/run do).
set -euo pipefail

#   ops/install-deps.sh               everything
#   ops/install-deps.sh --build-only  what building `e911` alone needs (the Containerfile)
build_packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ccache
  # libraries
  librdkafka-dev libpoco-dev libpq-dev prometheus-cpp-dev libyaml-cpp-dev
  libphonenumber-dev rapidjson-dev libsimdjson-dev
  # the auditor's PDF report: cairo draws it, pango sets its text in the
  # DejaVu fonts (docs/decisions/0011-report-pdf-with-cairo-and-pango.md)
  libcairo2-dev libpango1.0-dev fonts-dejavu-core
)
packages=(
  "${build_packages[@]}"
  libgtest-dev libgmock-dev libbenchmark-dev
  # real peers and validators used by the tests (poppler-utils: pdftotext
  # and pdftoppm read the auditor's PDF report back)
  poppler-utils kcat python3 python3-jsonschema python3-yaml python3-aiosmtpd prometheus prometheus-alertmanager libxml2-utils curl tzdata
  # the chart tests' helm comes from npm (ops/install-helm.sh) in a zip
  unzip
  # the notifier's SMS gateway (bearerbox, smsbox, fakesmsc) and test certificates
  kannel kannel-extras openssl
  # the ingest's SIP peers: sipp (callers and the carrier) and the Kamailio
  # proxy that mirrors to it
  sip-tester kamailio kamailio-utils-modules
  # the location service's page, driven in a real browser
  chromium
  # the fuzz targets (tests/fuzz/): clang with libFuzzer
  clang libclang-rt-14-dev
  # the auditor's stores: a PostgreSQL server the tests start themselves,
  # and the sqlite3 client the tampering tests use
  postgresql sqlite3
  # the container image test: a Debian root file system made from the apt
  # mirror (no registry is needed), podman to build and run the image, runc
  # (crun refuses this machine's hybrid cgroups)
  mmdebstrap podman runc
)
build_only=0
[ "${1:-}" = "--build-only" ] && { build_only=1; packages=("${build_packages[@]}"); }

# helm for the chart tests, from the npm registry (ops/install-helm.sh; cached).
# Not fatal: the demo and the build need no helm; the chart tests say so if it is missing.
install_helm() {
  "$(dirname "${BASH_SOURCE[0]}")/install-helm.sh" >/dev/null ||
    echo "ops/install-deps.sh: helm could not be installed (the chart tests will fail)" >&2
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "ops/install-deps.sh: all ${#packages[@]} packages present"
  [ "$build_only" = 1 ] || install_helm
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "ops/install-deps.sh: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The prometheus, alertmanager and kamailio packages start system services; the tests
# run their own.
for service in prometheus prometheus-alertmanager kamailio; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
    $sudo systemctl stop "$service" || true
  fi
done
# So does the postgresql package (a cluster on port 5432); the tests start
# their own server in a temporary directory on another port and need none.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet postgresql 2>/dev/null; then
  $sudo systemctl stop postgresql || true
elif command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters --no-header 2>/dev/null | awk '$4 == "online" {print $1, $2}' | while read -r version cluster; do
    $sudo pg_ctlcluster "$version" "$cluster" stop || true
  done || true
fi
[ "$build_only" = 1 ] || install_helm
