#!/usr/bin/env bash
# Regenerates the statistics reference vectors with scipy into a temporary folder and
# fails if they differ from the committed ones (Tests/StatisticsTests/ReferenceVectors).
# `make reference-vectors` rewrites the committed files instead.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
committed="$here/../../Tests/StatisticsTests/ReferenceVectors"
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
for script in "$here"/*.py; do python3 "$script" "$fresh"; done
status=0
for file in "$fresh"/*.json; do
    name="$(basename "$file")"
    if ! cmp -s "$file" "$committed/$name"; then
        echo "reference vectors out of date: $name (run 'make reference-vectors' and commit)" >&2
        status=1
    fi
done
[ "$status" -eq 0 ] && echo "reference vectors match scipy $(python3 -c 'import scipy; print(scipy.__version__)')"
exit "$status"
