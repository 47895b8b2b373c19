#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's quick start, then `cmake --install` of its build: every file
# the install names must have been built (the quick start once built one
# target only, and the install failed on librespcheck.so).
#
#   tests/scripts/test_quickstart.sh
#
# Builds into a scratch folder (Release, as the quick start does) and
# installs into another; needs the build packages (scripts/deps.sh build)
# already installed.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! RESPCHECK_BUILD="$tmp/build" "$root/scripts/lint-samples.sh" --quiet >"$tmp/lint.out" 2>&1; then
  echo "FAIL: scripts/lint-samples.sh failed:" >&2
  cat "$tmp/lint.out" >&2
  exit 1
fi
grep -q 'broken-401-no-challenge.http:1:10: error' "$tmp/lint.out" ||
  { echo "FAIL: the samples were not linted: $(head -c 2000 "$tmp/lint.out")" >&2; exit 1; }
if ! cmake --install "$tmp/build" --prefix "$tmp/prefix" >"$tmp/install.out" 2>&1; then
  echo "FAIL: cmake --install after the quick start failed:" >&2
  cat "$tmp/install.out" >&2
  exit 1
fi
for f in bin/respcheck include/respcheck.h; do
  [ -e "$tmp/prefix/$f" ] || { echo "FAIL: $f not installed" >&2; exit 1; }
done
for f in librespcheck.a librespcheck.so respcheck.pc respcheckConfig.cmake; do
  [ -n "$(find "$tmp/prefix" -name "$f" -print -quit)" ] ||
    { echo "FAIL: $f not installed" >&2; exit 1; }
done
"$tmp/prefix/bin/respcheck" --version >/dev/null || { echo "FAIL: the installed respcheck does not run" >&2; exit 1; }
echo "quick start and install: ok"
