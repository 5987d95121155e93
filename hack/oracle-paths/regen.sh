#!/usr/bin/env bash
# Rebuilds the Go oracle for paths, regexes, CEL, mutations and legacy naming and regenerates the
# goldens under operator/golang/{gjson,regexp,cel}/testdata and operator/engine/{mutation,naming,related}/testdata
# from hack/oracle-paths/corpus.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${TMPDIR:-/tmp}/oracle-paths-$$"
trap 'rm -f "$bin"' EXIT
(cd "$here" && nice -n 10 go build -o "$bin" .)
(cd "$here" && "$bin" corpus "$root")
