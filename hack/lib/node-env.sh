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
  # `npm ci` insists that the lock lists every platform's optional package (e.g. @swc/core-darwin-*);
  # a registry mirror that lacks those makes such a lock impossible to produce, so fall back to
  # `npm install`, which resolves the same tree from the lock and skips unavailable optional packages.
  ci_log="$(mktemp)"
  if ! npm ci --no-audit --no-fund --loglevel=error 2>"$ci_log"; then
    echo "[deps] npm ci refused the lock file ($(grep -m1 -E 'can only install|ERR|error [A-Z0-9]' "$ci_log" | sed 's/^npm error //'))"
    echo "[deps] falling back to npm install (full npm ci output: $ci_log)"
    npm install --no-audit --no-fund --loglevel=error
  fi
  touch "$stamp"
  echo "[deps] done in $(( $(date +%s) - t0 ))s"
fi
export PATH="$ROOT/node_modules/.bin:$PATH"
if ! node --version | grep -q '^v24\.'; then
  echo "error: expected Node 24 from node_modules/.bin, got $(node --version)" >&2
  exit 1
fi
