#!/usr/bin/env bash
# Seeded differential fuzzer of the Go-compat engines against the Go oracles (see hack/fuzz.ts).
#
#   hack/fuzz.sh --cases 20000 --seed 7            # report differences (exit 1 if any)
#   hack/fuzz.sh --cases 20000 --seed 7 --record   # also turn them into golden cases
#
# Builds hack/oracle-template and hack/oracle-paths (Go module proxy; the modules are pinned to the
# versions the Go agent resolves) into .artifacts/fuzz/bin, then runs the generator and comparison.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$root/node_modules/.bin:$PATH"
export FUZZ_BIN="${FUZZ_BIN:-$root/.artifacts/fuzz/bin}"
mkdir -p "$FUZZ_BIN"
(cd hack/oracle-template && nice -n 10 go build -o "$FUZZ_BIN/oracle-template" .)
(cd hack/oracle-paths && nice -n 10 go build -o "$FUZZ_BIN/oracle-paths" .)

status=0
node --import ./hack/lib/ts-hooks.mjs hack/fuzz.ts "$@" || status=$?

if [[ " $* " == *" --record "* ]]; then
  bash hack/oracle-template/regen.sh >/dev/null
  bash hack/oracle-paths/regen.sh >/dev/null
  echo "goldens regenerated; run the unit tests (they now include the findings)"
fi
exit "$status"
