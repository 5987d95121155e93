#!/usr/bin/env bash
# The agent benchmark on the real world (docs/benchmark.md):
# `bash hack/bench.sh [--quick] [--reps N] [--seed N] [--agent-command "<cmd>"] [-- <extra agent flags>]`,
# or a phase mode: `--scale [--workspaces N] [--objects M] [--replicas R]`, `--fairness`, `--floor`.
# Results go to .artifacts/bench/ (result.json, result.md, latency-cdf.png). BENCH_AGENT_NODE_OPTIONS is
# passed to the agent as NODE_OPTIONS, e.g.
# "--cpu-prof --cpu-prof-dir=.artifacts/bench/prof" for a CPU profile of the measured run.
source "$(dirname "$0")/lib/node-env.sh"
exec </dev/null
if [ -z "${BENCH_AGENT_COMMAND:-}" ] && ! printf '%s\n' "$@" | grep -qx -- '--agent-command'; then
  [ -f dist/operator/main.js ] || npm run -s build
fi
timeout --signal=TERM --kill-after=30s 60m bash hack/world/ensure-binaries.sh
# BENCH_AGENT_NODE_OPTIONS reaches the agent only (as its NODE_OPTIONS), not the benchmark process.
# --scale at the default size (100,000 objects) runs for hours on this machine; its own limit is lower.
limit=100m
if printf '%s\n' "$@" | grep -qx -- '--scale'; then limit=300m; fi
exec timeout --signal=TERM --kill-after=60s "$limit" \
  node --import ./hack/lib/ts-hooks.mjs hack/bench/agent-bench.ts "$@"
