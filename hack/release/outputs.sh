#!/usr/bin/env bash
# The names of one release, as `key=value` lines for $GITHUB_OUTPUT:
#   version=1.2.3                                   (from the tag, via version.sh)
#   image=ghcr.io/<owner>/api-syncagent-ts          (the owner lower-cased: registries refuse capitals)
#   chart_registry=oci://ghcr.io/<owner>/charts     (where the chart is pushed: .../api-syncagent)
#   bash hack/release/outputs.sh "$GITHUB_REF_NAME" "$GITHUB_REPOSITORY_OWNER" >> "$GITHUB_OUTPUT"
set -euo pipefail
tag="${1:?usage: outputs.sh <tag> <owner>}"
owner="${2:?usage: outputs.sh <tag> <owner>}"
here="$(cd "$(dirname "$0")" && pwd)"
version="$(bash "$here/version.sh" "$tag")"
owner="${owner,,}"
if [[ ! "$owner" =~ ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$ ]]; then
  echo "not a GitHub owner name: $2" >&2; exit 1
fi
echo "version=$version"
echo "image=ghcr.io/$owner/api-syncagent-ts"
echo "chart_registry=oci://ghcr.io/$owner/charts"
