#!/usr/bin/env bash
# The Helm chart with a real helm (ops/install-helm.sh): `helm lint` and
# `helm template` for the defaults and every documented combination of
# values (tests/charts/values/*.yaml), and each rendered document checked
# as far as can be offline: a Kubernetes object of a kind the chart makes,
# named, its containers with images and probes, the generated e911.yaml and
# auditor.yaml valid YAML. Values the chart must refuse are refused with
# their reason.
# Usage: chart_test.sh CHART_DIR VALUES_DIR
set -euo pipefail
chart="$1"
values_dir="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
helm="$("$here/../../ops/install-helm.sh")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

check_rendered() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys, yaml
path, name = sys.argv[1], sys.argv[2]
kinds = {"ConfigMap", "Deployment", "StatefulSet", "Service", "Ingress", "CronJob", "Secret"}
docs = [d for d in yaml.safe_load_all(open(path)) if d]
assert docs, "nothing rendered"
seen = set()
for d in docs:
    kind, meta = d.get("kind"), d.get("metadata", {})
    where = "%s: %s %s" % (name, kind, meta.get("name"))
    assert d.get("apiVersion"), where + ": no apiVersion"
    assert kind in kinds, where + ": unexpected kind"
    assert meta.get("name") and len(meta["name"]) <= 63, where + ": name"
    assert (kind, meta["name"]) not in seen, where + ": rendered twice"
    seen.add((kind, meta["name"]))
    if kind == "ConfigMap":
        for key, text in (d.get("data") or {}).items():
            if key.endswith((".yaml", ".yml")):
                yaml.safe_load(text)  # the generated configuration parses
    spec = d.get("spec", {})
    if kind == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    if kind in ("Deployment", "StatefulSet", "CronJob"):
        pod = spec["template"]["spec"]
        assert pod.get("containers"), where + ": no containers"
        for c in pod["containers"]:
            assert c.get("image"), where + ": container without image"
            if kind != "CronJob":
                assert c.get("livenessProbe") and c.get("readinessProbe"), where + ": %s without probes" % c["name"]
        if kind != "CronJob":
            assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items(), \
                where + ": the selector does not select its pods"
print("%s: %d documents (%s)" % (name, len(docs), ", ".join(sorted({d["kind"] for d in docs}))))
PY
}

render() {
  local name="$1"
  shift
  "$helm" lint --strict "$chart" "$@" >"$work/$name.lint" 2>&1 || { cat "$work/$name.lint" >&2; fail "helm lint: $name"; }
  "$helm" template e911 "$chart" "$@" >"$work/$name.yaml" 2>"$work/$name.err" ||
    { cat "$work/$name.err" >&2; fail "helm template: $name"; }
  check_rendered "$work/$name.yaml" "$name" || fail "rendered $name is not what Kubernetes takes"
}

render defaults
for values in "$values_dir"/*.yaml; do
  render "$(basename "$values" .yaml)" -f "$values"
done

# Values the chart refuses, each with its reason.
refused() {
  local reason="$1"
  shift
  if "$helm" template e911 "$chart" "$@" >/dev/null 2>"$work/refused.err"; then
    fail "accepted: $* (expected: $reason)"
  fi
  grep -qF "$reason" "$work/refused.err" || { cat "$work/refused.err" >&2; fail "refused without saying: $reason"; }
}
refused "ingest.secret.files.tokens (or zoomSecretToken, or the Teams files) is required" \
  --set ingest.enabled=true --set ingest.http.enabled=true
refused "notifier.ack.baseUrl needs notifier.secret.files.ack.secret" --set notifier.ack.baseUrl=https://ack.example.com
refused "auditApi.tokens.secretName is required" \
  --set auditor.enabled=true --set auditor.secret.name=s --set auditor.secret.files.signing\\.secret=k --set auditApi.enabled=true

echo "PASS: the chart lints and renders for the defaults and $(ls "$values_dir"/*.yaml | wc -l) value sets; wrong values are refused"
