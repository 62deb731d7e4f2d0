#!/usr/bin/env bash
# The monitoring end-to-end test outside CTest (tests/monitoring/alertmanager_e2e_test.sh):
# the pipeline's processes scraped by Prometheus, paging through Alertmanager
# while the SMTP relay is down, resolving once it is back.
#   ops/monitoring-e2e.sh                 rule windows scaled to seconds (about a minute; what CI runs)
#   ops/monitoring-e2e.sh --real-windows  the rules and routing exactly as shipped (about 10 minutes)
# Builds into build/ first (ops/build.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "${1:-}" in
  --real-windows) export E911_RULE_WINDOWS=real ;;
  "") ;;
  *) echo "usage: ops/monitoring-e2e.sh [--real-windows]" >&2; exit 2 ;;
esac
"$root/ops/build.sh" "$root/build" >/dev/null
exec bash "$root/tests/monitoring/alertmanager_e2e_test.sh" "$root/build/e911" "$root/ops/demo/registry.yaml" \
  "$root/ops/monitoring/rules.yaml" "$root/ops/monitoring/alertmanager.yml" "$root/tests/notifier/peers/smtp_server.py"
