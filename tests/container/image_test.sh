#!/usr/bin/env bash
# The container image, built and run with real podman: a Debian 12 base made
# from the apt mirror with mmdebstrap (this machine reaches no registry),
# the Containerfile's runtime stage on it with the binary this build made
# (--target prebuilt: the same stage the default target copies into), then:
# the image runs as 10001:10001 with every library it links present, and
# `e911 demo` (the whole pipeline: embedded broker, ingest, locator,
# notifier, auditor) completes inside it as the chart runs pods: read-only
# root, /tmp and the state directory on tmpfs, every capability dropped,
# no privilege escalation, no network but loopback.
# Storage is this test's own (podman --root), so nothing outlives it.
# Usage: image_test.sh E911_BINARY
set -euo pipefail
binary="$(readlink -f "$1")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$here/../.."
fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in podman mmdebstrap runc; do
  command -v "$tool" >/dev/null || fail "$tool is missing (ops/install-deps.sh installs it)"
done
work="$(mktemp -d)"
cleanup() {
  podman_ system reset --force >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# This machine's limits and cgroups, not the image's: podman's default
# ulimits (nofile 1048576) exceed the hard limit an unprivileged container
# host gives, and crun refuses hybrid cgroup v1/v2 hierarchies; runc takes
# them. Neither is needed on a usual host.
printf '[containers]\ndefault_ulimits = []\n' >"$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"
podman_() {
  podman --root "$work/storage" --runroot "$work/run" --tmpdir "$work/tmp" \
    --runtime runc --cgroup-manager cgroupfs --events-backend file "$@"
}
mkdir -p "$work/tmp"

echo "== base: Debian 12 from the apt mirror =="
mmdebstrap --quiet --variant=minbase bookworm "$work/base.tar" || fail "mmdebstrap could not make a Debian 12 root file system"
podman_ import --quiet "$work/base.tar" localhost/e911-debian:12 >/dev/null
rm -f "$work/base.tar"

echo "== build: the Containerfile's runtime stage with $binary =="
mkdir "$work/context"
cp "$binary" "$work/context/e911"
podman_ build --quiet --network host --target prebuilt --build-arg BASE=localhost/e911-debian:12 \
  -f "$repo/Containerfile" -t localhost/e911:test "$work/context" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; fail "podman build"; }

user="$(podman_ image inspect --format '{{.Config.User}}' localhost/e911:test)"
[ "$user" = "10001:10001" ] || fail "the image runs as '$user', not 10001:10001 (the chart's runAsUser and fsGroup)"

# As the chart runs it: restricted, read-only, loopback only.
run() {
  podman_ run --rm --network none --read-only --cap-drop ALL --security-opt no-new-privileges \
    --tmpfs /tmp:rw,mode=1777 --tmpfs /var/lib/e911:rw,mode=0750,U \
    -v "$repo/ops/demo:/etc/e911/demo:ro" "$@"
}
missing="$(run --entrypoint /usr/bin/ldd localhost/e911:test /usr/local/bin/e911 | grep 'not found' || true)"
[ -z "$missing" ] || fail "libraries the image lacks: $missing"
[ "$(run --entrypoint /usr/bin/id localhost/e911:test -u)" = 10001 ] || fail "the container's user is not 10001"
run localhost/e911:test registry check /etc/e911/demo/registry.yaml >"$work/check.out" 2>&1 ||
  { cat "$work/check.out" >&2; fail "e911 registry check in the image"; }

echo "== run: e911 demo inside the image =="
run localhost/e911:test demo --registry /etc/e911/demo/registry.yaml --state-dir /var/lib/e911 \
  >"$work/demo.out" 2>"$work/demo.err" || { cat "$work/demo.out" "$work/demo.err" >&2; fail "e911 demo in the image"; }
grep -q "chain and signatures verified" "$work/demo.out" || { cat "$work/demo.out" >&2; fail "the demo's audit journal was not verified"; }
grep -Eq "^Alerts: +[1-9][0-9]* sent .*, 0 failed" "$work/demo.out" || { cat "$work/demo.out" >&2; fail "the demo's alerts were not all sent"; }
grep -E "^(Summary|Alerts|Ingest):" "$work/demo.out"
echo "PASS: the image builds, runs as 10001 with its libraries, and runs the pipeline read-only"
