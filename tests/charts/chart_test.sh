#!/usr/bin/env bash
# The Helm chart with a real helm (ops/install-helm.sh): `helm lint` and
# `helm template` for the defaults and every documented combination of
# values (tests/charts/values/*.yaml), each rendered document checked as far
# as can be offline (check_rendered.py). Values the chart or its
# values.schema.json must refuse are refused with their reason.
# Usage: chart_test.sh CHART_DIR VALUES_DIR
set -euo pipefail
chart="$1"
values_dir="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
helm="$("$here/../../ops/install-helm.sh")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

rules="$here/../../ops/monitoring/rules.yaml"
dashboard="$here/../../ops/monitoring/grafana-dashboard.json"
# check_rendered RENDERED NAME [VALUES_FILE]: checked against the chart's
# values.yaml with the value set over it.
check_rendered() { /usr/bin/python3 "$here/check_rendered.py" "$1" "$2" "$rules" "$dashboard" "$chart/values.yaml" "${@:3}"; }

render() {
  local name="$1"
  shift
  "$helm" lint --strict "$chart" "$@" >"$work/$name.lint" 2>&1 || { cat "$work/$name.lint" >&2; fail "helm lint: $name"; }
  "$helm" template e911 "$chart" "$@" >"$work/$name.yaml" 2>"$work/$name.err" ||
    { cat "$work/$name.err" >&2; fail "helm template: $name"; }
  local value_set=()
  [ "${1:-}" = -f ] && value_set=("$2")
  check_rendered "$work/$name.yaml" "$name" "${value_set[@]}" || fail "rendered $name is not what Kubernetes takes"
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
refused "locator.elinLookup.tokensSecret is required" --set locator.elinLookup.enabled=true
refused "notifier.ack.baseUrl needs notifier.secret.files.ack.secret" --set notifier.ack.baseUrl=https://ack.example.com
refused "auditApi.tokens.secretName is required" \
  --set auditor.enabled=true --set auditor.secret.name=s --set auditor.secret.files.signing\\.secret=k --set auditApi.enabled=true
# The location service: nobody could sign in, its Secret's files without
# the Secret, a token without the provider it is for.
refused "locations.identity.trustedProxies or locations.secret.files.linkSecret is required with locations.enabled" \
  --set locations.enabled=true
refused "locations.secret.files is set but locations.secret.name is empty" \
  --set locations.enabled=true --set locations.secret.files.linkSecret=link-secret
refused "locations.secret.files.validationToken is set but locations.validation.url is empty" \
  --set locations.enabled=true --set 'locations.identity.trustedProxies={10.42.0.0/16}' \
  --set locations.secret.name=s --set locations.secret.files.validationToken=t
refused "locations.service.externalTrafficPolicy is for a NodePort or LoadBalancer Service" \
  --set locations.enabled=true --set 'locations.identity.trustedProxies={10.42.0.0/16}' \
  --set locations.service.externalTrafficPolicy=Local
# Reminders without what the service needs for them: the page the e-mails
# link to, the key that signs the links, the relay and the sender; AUTH in
# clear.
relay=(--set locations.enabled=true --set locations.reminders.enabled=true
  --set locations.publicUrl=https://e911.example.com --set locations.smtp.host=smtp.example.com
  --set locations.smtp.from=e911@example.com)
reminders=("${relay[@]}" --set locations.secret.name=e911-locations --set locations.secret.files.linkSecret=link-secret)
"$helm" template e911 "$chart" "${reminders[@]}" >/dev/null 2>&1 || fail "the reminders' refusals start from values that render"
refused "locations.publicUrl is required with locations.reminders.enabled" "${reminders[@]}" --set locations.publicUrl=
refused "locations.secret.files.linkSecret is required with locations.reminders.enabled" \
  "${relay[@]}" --set 'locations.identity.trustedProxies={10.42.0.0/16}'
refused "locations.smtp.host is required with locations.reminders.enabled" "${reminders[@]}" --set locations.smtp.host=
refused "locations.smtp.from is required with locations.reminders.enabled" "${reminders[@]}" --set locations.smtp.from=
refused "locations.smtp.username needs locations.smtp.tls starttls or implicit" \
  "${reminders[@]}" --set locations.smtp.username=e911 --set locations.smtp.tls=none

# The audit console: no people file, an SSO header nobody is believed
# from (or proxies without the header: the server refuses either), and
# several API pods each making up its own cookie key.
console=(--set auditor.enabled=true --set auditor.store=postgresql://e911@db.internal:5432/e911
  --set auditor.secret.name=s --set auditor.secret.files.signing\\.secret=k
  --set auditApi.enabled=true --set auditApi.tokens.secretName=t --set auditApi.console.enabled=true
  --set auditApi.console.people.configMap=people)
"$helm" template e911 "$chart" "${console[@]}" >/dev/null 2>&1 || fail "the console's refusals start from values that render"
refused "auditApi.console.people.configMap or auditApi.console.people.secret is required with auditApi.console.enabled" \
  "${console[@]}" --set auditApi.console.people.configMap=
refused "auditApi.console.people: set configMap or secret, not both" "${console[@]}" --set auditApi.console.people.secret=people
refused "auditApi.console.identityHeader is set but auditApi.console.trustedProxies is empty" \
  "${console[@]}" --set auditApi.console.identityHeader=X-Forwarded-User
refused "auditApi.console.trustedProxies is set but auditApi.console.identityHeader is empty" \
  "${console[@]}" --set 'auditApi.console.trustedProxies={10.42.0.0/16}'
refused "auditApi.console.cookieKey.secretName is required with auditApi.console.enabled and auditApi.replicas 2" \
  "${console[@]}" --set auditApi.replicas=2
"$helm" template e911 "$chart" "${console[@]}" --set auditApi.replicas=2 --set auditApi.console.cookieKey.secretName=c \
  >/dev/null 2>&1 || fail "two API pods with a cookie key are refused"
refused "auditor.extraConfig.console.session_minutes: the console is set with auditApi.console" \
  "${console[@]}" --set auditor.extraConfig.console\\.session_minutes=5

# values.schema.json: a wrong value fails at install, naming it.
refused "Additional property locatr is not allowed" --set locatr.replicas=2
refused "locator.replicas: Must be greater than or equal to 0" --set locator.replicas=-1
refused 'notifier.email.transport must be one of the following: "", "smtp", "outbox"' --set notifier.email.transport=smtps
refused "notifier.smtp.port: Must be less than or equal to 65535" --set notifier.smtp.port=99999
refused "podSecurityContext.runAsNonRoot does not match: true" --set podSecurityContext.runAsNonRoot=false
refused "containerSecurityContext.allowPrivilegeEscalation does not match: false" \
  --set containerSecurityContext.allowPrivilegeEscalation=true
refused "ingest.nonEmergency" --set ingest.nonEmergency=keep
refused "locations: Additional property trustedProxies is not allowed" --set 'locations.trustedProxies={10.42.0.0/16}'
refused "locations.held.allowedClients.0: Does not match pattern" --set 'locations.held.allowedClients={everyone}'
refused "locations.reminders: Additional property interval is not allowed" --set locations.reminders.interval=24
refused 'locations.smtp.tls must be one of the following: "none", "starttls", "implicit"' --set locations.smtp.tls=ssl
refused "locations.reminders.emailDomain: Does not match pattern" --set locations.reminders.emailDomain=@example.com
refused "auditApi.console.sessionMinutes: Must be less than or equal to 1440" --set auditApi.console.sessionMinutes=1441
refused "auditApi.console.sessionMinutes: Must be greater than or equal to 1" --set auditApi.console.sessionMinutes=0
refused "auditApi.console.trustedProxies.0: Does not match pattern" --set 'auditApi.console.trustedProxies={sso-proxy}'
refused "auditApi.console.cookieKey: Additional property secret is not allowed" --set auditApi.console.cookieKey.secret=c

echo "PASS: the chart lints and renders for the defaults and $(ls "$values_dir"/*.yaml | wc -l) value sets; wrong values are refused"
