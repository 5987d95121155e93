#!/usr/bin/env bash
# Builds actionlint (the GitHub Actions workflow linter) from the Go module proxy into the test-world
# binary cache, for hack/release/workflow.test.ts (which skips the lint, saying so, without it).
# Takes ~1 minute on 2 cores; cached afterwards.
set -euo pipefail
ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.12}"
cache="${API_SYNCAGENT_BIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/api-syncagent/bin}"
out="$cache/actionlint"
if [[ -x "$out" ]]; then echo "$out"; exit 0; fi
mkdir -p "$cache"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
GOBIN="$tmp" nice -n 10 go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2
mv "$tmp/actionlint" "$out"
echo "$out"
