#!/usr/bin/env bash
# Quick start: builds respcheck (installing what is missing) and lints the
# captures bundled in examples/captures. Extra arguments go to respcheck.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${RESPCHECK_BUILD:-$root/build/release}
# shellcheck source=scripts/deps.sh
. "$root/scripts/deps.sh"
respcheck_install_deps
cmake -S "$root" -B "$out" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out" -j "$(nproc 2>/dev/null || echo 2)" --target respcheck >/dev/null
status=0
"$out/tools/respcheck" "$@" "$root/examples/captures" || status=$?
# 1 means "some response was rejected": the broken samples are meant to be.
[ "$status" -le 1 ]
