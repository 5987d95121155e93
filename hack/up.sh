#!/usr/bin/env bash
# Starts the embedded local world: kcp (with an APIExport, its endpoint slice and two bound team
# workspaces), a service cluster (kube-apiserver + etcd) with the PublishedResource CRD and a sample
# CRD + PublishedResource, and -- once the agent is built -- the agent syncing a sample object.
# Stays up until Ctrl-C. `--no-wait` (or UP_EXIT_AFTER_READY=1) tears down as soon as all is up.
# First run: builds kcp, kube-apiserver, etcd and kubectl from the Go module proxy (see README).
source "$(dirname "$0")/lib/node-env.sh"

bash hack/world/ensure-binaries.sh
# Build the agent if its sources are there (the agent is optional for the world itself).
if [ -d operator ] && [ "${UP_SKIP_BUILD:-0}" != "1" ]; then
  echo "[up] building the agent (npm run build) ..."
  npm run -s build || echo "[up] WARNING: npm run build failed; starting the world without a fresh agent build"
fi
# Node 24 runs the TypeScript directly (type stripping); ts-hooks.mjs maps .js imports to .ts files.
exec node --import ./hack/lib/ts-hooks.mjs hack/world/up.ts "$@"
