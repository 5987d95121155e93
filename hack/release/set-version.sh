#!/usr/bin/env bash
# Pins one version everywhere it is written down, so image, chart and manifests of a release agree:
# package.json, the agent's --version (operator/version.ts), the chart's version and appVersion (the
# chart's image tag defaults to appVersion), the image tag of manifests/base and of the example
# overlay, the chart version of the Argo CD Helm Application. With --image, also the image repository of the chart and the manifests.
#   bash hack/release/set-version.sh 1.2.3 [--image ghcr.io/acme/api-syncagent-ts]
# ROOT (default: the repository) is where the files are edited. Ends with check-versions.sh.
set -euo pipefail
version="${1:?usage: set-version.sh <version> [--image <repository>]}"
shift
image=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --image) image="${2:?--image needs a repository}"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "not a version: $version" >&2; exit 2
fi
if [[ -n "$image" && ! "$image" =~ ^[a-z0-9]+([._/:-][a-z0-9]+)*$ ]]; then
  echo "not an image repository: $image" >&2; exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
root="${ROOT:-$(cd "$here/../.." && pwd)}"
cd "$root"

# replace <file> <sed expression>: fails when the expression changed nothing it should have.
replace() {
  local file="$1" expr="$2" before
  before="$(cat "$file")"
  sed -i -E "$expr" "$file"
  if [[ "$(cat "$file")" == "$before" ]] && ! grep -qF -- "$version" "$file"; then
    echo "set-version: nothing to change in $file ($expr)" >&2; exit 1
  fi
}

replace package.json "0,/^  \"version\": \"[^\"]*\"/s//  \"version\": \"$version\"/"
replace operator/version.ts "s/^export const VERSION = '[^']*';/export const VERSION = '$version';/"
replace charts/api-syncagent/Chart.yaml "s/^version: .*/version: $version/; s/^appVersion: .*/appVersion: '$version'/"
replace manifests/base/deployment.yaml "s#^(          image: [^:]+):.*#\1:$version#"
replace manifests/overlays/example/kustomization.yaml "s/^(    newTag: ).*/\1$version/"
replace manifests/argocd/application-helm.yaml "s/^(    targetRevision: ).*/\1$version/"
if [[ -n "$image" ]]; then
  sed -i -E "s#^(  repository: ).*#\1$image#" charts/api-syncagent/values.yaml
  sed -i -E "s#^(          image: )[^:]+:#\1$image:#" manifests/base/deployment.yaml
  sed -i -E "s#^(  - name: ).*api-syncagent-ts\$#\1$image#" manifests/overlays/example/kustomization.yaml
fi
bash "$here/check-versions.sh" "$version"
