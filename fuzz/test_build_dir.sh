#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks fuzz/run.sh's choice of build folder (fuzz/build_dir.sh): two
# checkouts get two default folders; a default folder holding another
# tree's CMake cache is replaced by a fresh one; a named folder holding
# another tree's cache is refused (exit 2), one holding this tree's is used.
#
#   fuzz/test_build_dir.sh WORK_DIR     (CTest: fuzz_build_dir)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
work=${1:?usage: test_build_dir.sh WORK_DIR}
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
made=()
cleanup() {
  local d
  for d in "${made[@]}"; do rm -rf "$d"; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Two checkouts: the scripts alone are enough to choose a folder.
for c in one two; do
  mkdir -p "$work/$c/fuzz"
  cp "$here/run.sh" "$here/build_dir.sh" "$work/$c/fuzz/"
done
one=$("$work/one/fuzz/run.sh" --print-build-dir)
two=$("$work/two/fuzz/run.sh" --print-build-dir)
made+=("$one" "$two")
[ "$one" != "$two" ] || fail "two checkouts share the default build folder $one"
case "$one" in /tmp/respcheck-fuzz-[0-9]*) ;; *) fail "unexpected default $one" ;; esac
[ "$("$work/one/fuzz/run.sh" --print-build-dir)" = "$one" ] ||
  fail "the default folder is not stable"
loose=$("$work/one/fuzz/run.sh" --loose --print-build-dir)
made+=("$loose")
[ "$loose" != "$one" ] || fail "--loose shares the strict build folder"

# The default folder holds a cache made from checkout two: a fresh one.
mkdir -p "$one"
printf 'CMAKE_HOME_DIRECTORY:INTERNAL=%s\n' "$work/two" >"$one/CMakeCache.txt"
fresh=$("$work/one/fuzz/run.sh" --print-build-dir 2>"$work/err")
made+=("$fresh")
[ "$fresh" != "$one" ] && [ -d "$fresh" ] ||
  fail "a default folder made from another tree was reused ($fresh)"
grep -q "belongs to $work/two" "$work/err" || fail "no note of the foreign cache"

# A named folder made from another tree: refused, left alone.
rc=0
"$work/one/fuzz/run.sh" --print-build-dir 1 "$one" 2>"$work/err" || rc=$?
[ "$rc" = 2 ] || fail "a named folder made from another tree gave exit $rc"
grep -q "configured from another source tree" "$work/err" || fail "no reason given"
[ -f "$one/CMakeCache.txt" ] || fail "the named folder was touched"

# A named folder made from this tree, or a new one: used as given.
printf 'CMAKE_HOME_DIRECTORY:INTERNAL=%s\n' "$work/one" >"$one/CMakeCache.txt"
[ "$("$work/one/fuzz/run.sh" --print-build-dir 1 "$one")" = "$one" ] ||
  fail "a named folder of this tree was not used"
[ "$("$work/one/fuzz/run.sh" --print-build-dir 1 "$work/new")" = "$work/new" ] ||
  fail "a new named folder was not used"
echo "ok: $one, $two, $loose, fresh $fresh"
