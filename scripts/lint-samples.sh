#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Quick start: builds the library and the respcheck command (installing what
# the build needs, and only that) and lints the captures bundled in
# examples/captures. Extra arguments go to respcheck. The build folder
# (RESPCHECK_BUILD, default build/release) can be installed afterwards with
# `cmake --install build/release`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${RESPCHECK_BUILD:-$root/build/release}
# shellcheck source=scripts/deps.sh
. "$root/scripts/deps.sh"
respcheck_install_deps build
# Without the tests and the proxy, which need more packages (scripts/test.sh
# builds everything). Every target is built, so that everything `cmake
# --install` installs is there.
cmake -S "$root" -B "$out" -DCMAKE_BUILD_TYPE=Release -DRESPCHECK_BUILD_TESTS=OFF \
  -DRESPCHECK_BUILD_PROXY=OFF >/dev/null
cmake --build "$out" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
status=0
"$out/tools/respcheck" "$@" "$root/examples/captures" || status=$?
# 1 means "some response was rejected": the broken samples are meant to be.
[ "$status" -le 1 ]
