#!/usr/bin/env bash
# runs one browser test file against the test system whose URL is in
# $CARELINK_VAR/url
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[[ -s ${CARELINK_VAR:-}/url ]] || { echo "no running system: $CARELINK_VAR/url missing" >&2; exit 1; }
export CARELINK_URL
CARELINK_URL=$(cat "$CARELINK_VAR/url")
cd "$here"
exec node --test "$1"
