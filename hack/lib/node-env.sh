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
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
  echo "[deps] done in $(( $(date +%s) - t0 ))s"
fi
export PATH="$ROOT/node_modules/.bin:$PATH"
if ! node --version | grep -q '^v24\.'; then
  echo "error: expected Node 24 from node_modules/.bin, got $(node --version)" >&2
  exit 1
fi
