#!/usr/bin/env bash
# Checks that image, chart, manifests and agent carry one version (the one given, if any) and that
# every install path names the same image repository. Prints each mismatch; exit 1 if any.
#   bash hack/release/check-versions.sh [version]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${ROOT:-$(cd "$here/../.." && pwd)}"
cd "$root"
want="${1:-}"

pkg="$(sed -n -E '0,/^  "version": "([^"]*)".*/s//\1/p' package.json)"
agent="$(sed -n -E "s/^export const VERSION = '([^']*)';/\1/p" operator/version.ts)"
chart="$(sed -n -E 's/^version: *(.*)$/\1/p' charts/api-syncagent/Chart.yaml | tr -d "'\"")"
app="$(sed -n -E 's/^appVersion: *(.*)$/\1/p' charts/api-syncagent/Chart.yaml | tr -d "'\"")"
base_image="$(sed -n -E 's/^          image: (.*)$/\1/p' manifests/base/deployment.yaml)"
base_tag="${base_image##*:}"
overlay_tag="$(sed -n -E 's/^    newTag: (.*)$/\1/p' manifests/overlays/example/kustomization.yaml)"
argocd_chart="$(sed -n -E 's/^    targetRevision: (.*)$/\1/p' manifests/argocd/application-helm.yaml)"
chart_repo="$(sed -n -E 's/^  repository: (.*)$/\1/p' charts/api-syncagent/values.yaml)"
overlay_repo="$(sed -n -E 's/^  - name: (.*)$/\1/p' manifests/overlays/example/kustomization.yaml | head -1)"

[[ -n "$want" ]] || want="$pkg"
bad=0
for pair in "package.json=$pkg" "operator/version.ts=$agent" "Chart.yaml version=$chart" \
  "Chart.yaml appVersion=$app" "manifests/base image tag=$base_tag" \
  "manifests/overlays/example newTag=$overlay_tag" \
  "manifests/argocd/application-helm.yaml targetRevision=$argocd_chart"; do
  if [[ "${pair#*=}" != "$want" ]]; then
    echo "version mismatch: ${pair%%=*} is '${pair#*=}', want '$want'" >&2
    bad=1
  fi
done
for pair in "manifests/base image=${base_image%:*}" "overlay images[].name=$overlay_repo"; do
  if [[ "${pair#*=}" != "$chart_repo" ]]; then
    echo "image mismatch: ${pair%%=*} is '${pair#*=}', chart values image.repository is '$chart_repo'" >&2
    bad=1
  fi
done
[[ $bad -eq 0 ]] && echo "versions agree: $want ($chart_repo:$want)"
exit $bad
