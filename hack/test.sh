#!/usr/bin/env bash
# The whole test suite: typecheck, lint, unit tests, then the e2e tests against a real kcp and a real
# kube-apiserver (built from the Go module proxy on first use, cached afterwards).
source "$(dirname "$0")/lib/node-env.sh"

phase() { echo; echo "=== [$(date +%H:%M:%S)] $*"; }
t_all=$(date +%s)

phase "typecheck"; t=$(date +%s); npm run -s typecheck; echo "typecheck: $(( $(date +%s) - t ))s"
phase "lint"; t=$(date +%s); npm run -s lint; echo "lint: $(( $(date +%s) - t ))s"
phase "unit tests"; t=$(date +%s); npm run -s test:unit; echo "unit: $(( $(date +%s) - t ))s"
phase "build"; t=$(date +%s); npm run -s build; echo "build: $(( $(date +%s) - t ))s"
phase "test world binaries"; t=$(date +%s); bash hack/world/ensure-binaries.sh; echo "binaries: $(( $(date +%s) - t ))s"
phase "e2e tests"; t=$(date +%s); npm run -s test:e2e; echo "e2e: $(( $(date +%s) - t ))s"

echo; echo "all phases passed in $(( $(date +%s) - t_all ))s"
