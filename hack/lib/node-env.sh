# Sourced by hack/*.sh: installs the npm dependencies when package-lock.json changed since the last
# install, and puts node_modules/.bin first on PATH so every command runs on the pinned Node 24 from the
# npm registry (package "node"), whatever the system Node is.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

stamp="node_modules/.install-stamp"
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  t0=$(date +%s)
  echo "[deps] npm ci (Node 24 from the npm registry, TypeScript, jest, ...)"
  # Exactly the locked tree, never a rewritten lock. The lock lists every platform's optional packages
  # (e.g. all @swc/core-<os>-<cpu>), so `npm ci` accepts it on Linux and macOS alike; npm records them
  # by itself whenever the registry serves them (hack/lib/package-lock.test.ts keeps it that way).
  # The npm here is the system's (the `node` package brings only the Node binary); any npm >= 7 reads
  # this lockfileVersion 3.
  if ! npm ci --no-audit --no-fund --loglevel=error; then
    echo "[deps] npm ci refused package-lock.json (see the error above). If package.json changed," >&2
    echo "[deps] run \`npm install\` against the public registry and commit the new package-lock.json." >&2
    return 1 2>/dev/null || exit 1
  fi
  touch "$stamp"
  echo "[deps] done in $(( $(date +%s) - t0 ))s"
fi
export PATH="$ROOT/node_modules/.bin:$PATH"
if ! node --version | grep -q '^v24\.'; then
  echo "error: expected Node 24 from node_modules/.bin, got $(node --version)" >&2
  exit 1
fi
