#!/usr/bin/env bash
# Prints the release version of a Git tag: `v1.2.3` or `v1.2.3-rc.1` -> `1.2.3` / `1.2.3-rc.1`.
# Anything else is refused (exit 1), so a stray tag never publishes an image or a chart.
#   bash hack/release/version.sh "$GITHUB_REF_NAME"
set -euo pipefail
tag="${1:?usage: version.sh <tag>}"
if [[ ! "$tag" =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "not a release tag (want vMAJOR.MINOR.PATCH[-PRERELEASE]): $tag" >&2
  exit 1
fi
echo "${tag#v}"
