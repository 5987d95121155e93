#!/usr/bin/env bash
# Rebuilds the Go template oracle and regenerates the golden outputs for the template corpus.
# Needs Go and the Go module proxy. TZ=UTC so that date functions match the TypeScript engine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
nice -n 10 go build -o "$here/.bin/oracle-template" .
mkdir -p "$root/operator/golang/template/testdata"
TZ=UTC "$here/.bin/oracle-template" "$here/cases.txt" "$root/operator/golang/template/testdata/golden.json"
