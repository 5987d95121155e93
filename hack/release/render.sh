#!/usr/bin/env bash
# Renders what a release attaches and pushes, from the working tree (run set-version.sh first):
#   <out>/api-syncagent-<version>.tgz         the Helm chart (pushed as an OCI artifact)
#   <out>/api-syncagent-<version>.yaml        manifests/base rendered (kubectl apply -f / --server-side)
#   <out>/publishedresources-crd-<version>.yaml  the PublishedResource CRD alone
# With --digest sha256:..., the rendered manifests pin the image by digest as well as by tag.
#   bash hack/release/render.sh <out dir> [--digest sha256:...]
# Needs helm (HELM, default `helm`) and kubectl (KUBECTL, default `kubectl`; its built-in kustomize).
set -euo pipefail
out="${1:?usage: render.sh <out dir> [--digest sha256:...]}"
shift
digest=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --digest) digest="${2:?--digest needs a value}"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [[ -n "$digest" && ! "$digest" =~ ^sha256:[0-9a-f]{64}$ ]]; then
  echo "not an image digest: $digest" >&2; exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
root="${ROOT:-$(cd "$here/../.." && pwd)}"
helm="${HELM:-helm}"
kubectl="${KUBECTL:-kubectl}"
bash "$here/check-versions.sh" >&2
version="$(sed -n -E 's/^appVersion: *(.*)$/\1/p' "$root/charts/api-syncagent/Chart.yaml" | tr -d "'\"")"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

"$helm" lint "$root/charts/api-syncagent" --set apiExportEndpointSliceName=x --set kcpKubeconfig=kcp >&2
"$helm" package "$root/charts/api-syncagent" --destination "$out" >&2

manifests="$out/api-syncagent-$version.yaml"
if [[ -n "$digest" ]]; then
  # A throw-away overlay next to the base adds the digest without touching the tree.
  tmp="$(mktemp -d "$root/manifests/.release-XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  image="$(sed -n -E 's/^          image: ([^:]+):.*$/\1/p' "$root/manifests/base/deployment.yaml")"
  cat > "$tmp/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../base]
images:
  - name: $image
    newTag: "$version@$digest"
YAML
  "$kubectl" kustomize "$tmp" > "$manifests"
else
  "$kubectl" kustomize "$root/manifests/base" > "$manifests"
fi
cp "$root/crds/syncagent.kcp.io_publishedresources.yaml" "$out/publishedresources-crd-$version.yaml"
ls -1 "$out"
