#!/usr/bin/env bash
# Regenerates the schema engine's golden files (operator/engine/schema/testdata/golden and
# testdata/yaml/*.yaml) with the Go reference oracle. Needs Go and the Go module proxy.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${TMPDIR:-/tmp}/oracle-schema-$$"
trap 'rm -f "$bin"' EXIT
(cd "$here" && nice -n 10 go build -o "$bin" .)
"$bin" "$root/operator/engine/schema/testdata"
echo "goldens regenerated under operator/engine/schema/testdata"
