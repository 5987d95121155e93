#!/usr/bin/env bash
# Builds the helm CLI from the Go module proxy into the test-world binary cache (no helm release
# downloads here), for e2e/shipping/chart.e2e.ts. Takes ~1-2 minutes on 2 cores.
set -euo pipefail
HELM_VERSION="${HELM_VERSION:-v3.19.0}"
cache="${API_SYNCAGENT_BIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/api-syncagent/bin}"
out="$cache/helm-$HELM_VERSION"
if [[ -x "$out" ]]; then echo "$out"; exit 0; fi
mkdir -p "$cache"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
GOBIN="$tmp" nice -n 10 go install -trimpath -ldflags "-s -w" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
mv "$tmp/helm" "$out"
echo "$out"
