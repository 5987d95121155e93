#!/usr/bin/env bash
# Produces the pinned binaries of the test world -- kcp, kube-apiserver, etcd, kubectl -- and writes
# their paths to world.json, which the TypeScript harness (e2e/world/binaries.ts) reads.
#
# Nothing is downloaded as a release binary: everything is built from the Go module proxy with the
# wrapper modules next to this script, into a per-user cache outside the repo:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/api-syncagent/bin/<name>-<version>
# A binary already in the cache is reused (a warm run takes about a second).
#
# Overrides, for users who already have binaries:
#   KCP_BINARY                 path to a kcp binary (`kcp start` with embedded etcd)
#   KUBEBUILDER_ASSETS         a directory holding kube-apiserver, etcd and kubectl (envtest layout)
#   KUBE_APISERVER_BINARY, ETCD_BINARY, KUBECTL_BINARY   individual paths (win over KUBEBUILDER_ASSETS)
#   API_SYNCAGENT_BIN_DIR      the cache directory itself
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Pinned versions. kcp: v0.32.x does not build from the module proxy (its staging module
# github.com/kcp-dev/virtual-workspace-framework is not published there, and v0.31.x needs it too);
# v0.30.0 is the newest release whose dependencies are all available. Kubernetes v1.34.2 is the
# release kcp v0.30.0 is based on; etcd v3.6.4 is the version both embed, so builds share the cache.
KCP_VERSION="v0.30.0"
KUBE_VERSION="v1.34.2"
ETCD_VERSION="v3.6.4"

BIN_DIR="${API_SYNCAGENT_BIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/api-syncagent/bin}"
LOG_DIR="$BIN_DIR/logs"
mkdir -p "$BIN_DIR" "$LOG_DIR"

say() { echo "[binaries] $*"; }
fail() { echo "[binaries] ERROR: $*" >&2; exit 1; }

need_go() {
  command -v go >/dev/null 2>&1 || fail "building $1 needs Go (>= 1.24) on PATH and the Go module proxy; or set the override variables (see hack/world/ensure-binaries.sh)"
}

# go_build <name> <version> <wrapper module dir> <package> <ldflags>
# Builds into a temporary file and renames it, so an interrupted build never leaves a half binary.
go_build() {
  local name="$1" version="$2" moddir="$3" pkg="$4" ldflags="$5"
  local out="$BIN_DIR/$name-$version" log="$LOG_DIR/$name-$version.log"
  need_go "$name"
  say "building $name $version from $pkg (log: $log) ..."
  local t0; t0=$(date +%s)
  # Report progress while the (possibly long) build runs: elapsed time every minute.
  ( while sleep 60; do say "  ... still building $name ($(( $(date +%s) - t0 ))s)"; done ) &
  local ticker=$!
  local rc=0
  (
    cd "$moddir"
    # -mod=mod: go.sum is committed, but let Go add a missing sum rather than fail.
    # GONOSUMDB: kcp's v0.30.0 tag is not in the public checksum database (404).
    GOFLAGS="${GOFLAGS:-} -mod=mod" GONOSUMDB="github.com/kcp-dev${GONOSUMDB:+,$GONOSUMDB}" \
      nice -n 10 go build -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp.$$" "$pkg"
  ) >"$log" 2>&1 || rc=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    rm -f "$out.tmp.$$"
    tail -n 20 "$log" >&2 || true
    fail "step 'build $name $version' failed (exit $rc); full log: $log"
  fi
  mv -f "$out.tmp.$$" "$out"
  say "built $name $version in $(( $(date +%s) - t0 ))s -> $out"
}

# resolve <name> <override path or empty> <version> <build function>
# Sets RESOLVED to the path of a usable binary.
resolve() {
  local name="$1" override="$2" version="$3" build="$4"
  if [ -n "$override" ]; then
    [ -x "$override" ] || fail "$name override '$override' is not an executable file"
    say "$name: using override $override"
    RESOLVED="$override"
    return
  fi
  local cached="$BIN_DIR/$name-$version"
  if [ -x "$cached" ]; then
    say "$name $version: cached at $cached"
  else
    "$build"
  fi
  RESOLVED="$cached"
}

kube_ldflags() {
  local minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"
  local v
  for v in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    printf -- '-X %s.gitVersion=%s -X %s.gitMajor=1 -X %s.gitMinor=%s -X %s.gitTreeState=clean ' \
      "$v" "$KUBE_VERSION" "$v" "$v" "$minor" "$v"
  done
}

build_kcp() {
  local v="k8s.io/component-base/version"
  go_build kcp "$KCP_VERSION" "$HERE/kcp-build" github.com/kcp-dev/kcp/cmd/kcp \
    "-X $v.gitVersion=v1.34.2+kcp-$KCP_VERSION -X $v.gitMajor=1 -X $v.gitMinor=34 -X k8s.io/client-go/pkg/version.gitVersion=v1.34.2+kcp-$KCP_VERSION"
}
build_kube_apiserver() {
  go_build kube-apiserver "$KUBE_VERSION" "$HERE/k8s-build" k8s.io/kubernetes/cmd/kube-apiserver "$(kube_ldflags)"
}
build_kubectl() {
  go_build kubectl "$KUBE_VERSION" "$HERE/k8s-build" k8s.io/kubernetes/cmd/kubectl "$(kube_ldflags)"
}
build_etcd() {
  go_build etcd "$ETCD_VERSION" "$HERE/etcd-build" go.etcd.io/etcd/server/v3 ""
}

asset() { # override from KUBEBUILDER_ASSETS, if set
  if [ -n "${KUBEBUILDER_ASSETS:-}" ]; then echo "$KUBEBUILDER_ASSETS/$1"; fi
}

t_all=$(date +%s)
resolve kcp "${KCP_BINARY:-}" "$KCP_VERSION" build_kcp; KCP="$RESOLVED"
resolve kube-apiserver "${KUBE_APISERVER_BINARY:-$(asset kube-apiserver)}" "$KUBE_VERSION" build_kube_apiserver; APISERVER="$RESOLVED"
resolve etcd "${ETCD_BINARY:-$(asset etcd)}" "$ETCD_VERSION" build_etcd; ETCD="$RESOLVED"
resolve kubectl "${KUBECTL_BINARY:-$(asset kubectl)}" "$KUBE_VERSION" build_kubectl; KUBECTL="$RESOLVED"

# The kcp release the chosen binary really is (`kcp --version` prints e.g.
# "kcp version v1.36.0+kcp-v0.32.3"): with KCP_BINARY it need not be the pinned one.
KCP_REPORTED="$("$KCP" --version 2>/dev/null | head -n 1 || true)"
case "$KCP_REPORTED" in
  *+kcp-v*) KCP_ACTUAL="v${KCP_REPORTED##*+kcp-v}"; KCP_ACTUAL="${KCP_ACTUAL%% *}" ;;
  "") KCP_ACTUAL="$KCP_VERSION"; say "WARNING: $KCP --version printed nothing; recording the pinned kcp $KCP_VERSION" ;;
  *) KCP_ACTUAL="$KCP_REPORTED" ;;
esac
say "kcp binary $KCP reports: ${KCP_REPORTED:-nothing} -> kcp $KCP_ACTUAL (pinned: $KCP_VERSION)"

json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
WORLD_JSON="$BIN_DIR/world.json"
cat >"$WORLD_JSON.tmp.$$" <<EOF
{
  "kcp": $(json_str "$KCP"),
  "kubeApiServer": $(json_str "$APISERVER"),
  "etcd": $(json_str "$ETCD"),
  "kubectl": $(json_str "$KUBECTL"),
  "versions": { "kcp": $(json_str "$KCP_ACTUAL"), "pinnedKcp": "$KCP_VERSION", "kubernetes": "$KUBE_VERSION", "etcd": "$ETCD_VERSION" }
}
EOF
mv -f "$WORLD_JSON.tmp.$$" "$WORLD_JSON"
say "ready in $(( $(date +%s) - t_all ))s; binary paths written to $WORLD_JSON"
