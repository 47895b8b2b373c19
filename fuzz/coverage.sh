#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Line coverage of parser/*.c reached by the fuzz harnesses' corpora: builds
# the standalone replay harnesses with clang source-based coverage
# (-fprofile-instr-generate -fcoverage-mapping), replays the corpora and
# prints llvm-cov's report, then the lines of each parser/*.c never run.
#
#   fuzz/coverage.sh [--corpus DIR] [BUILD_DIR]
#
#   --corpus DIR  replay DIR/NAME/corpus (what fuzz/run.sh left in its build
#                 dir) or DIR/NAME; a harness with neither is not replayed
#                 (a run.sh --only run); default: the committed
#                 fuzz/corpus/NAME
#   BUILD_DIR     default /tmp/respcheck-fuzz-coverage-HASH (this checkout's;
#                 fuzz/build_dir.sh)
# fuzz/regressions/NAME is always replayed too. Every harness the build has
# is replayed (the readers' only when their reader is configured: capture,
# warc, har; fuzz/CMakeLists.txt); a parser/*.c file none of the replayed
# harnesses links is named as having no coverage data, not left out.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
corpus_root=""
build=""
while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) corpus_root=$2; shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "coverage.sh: unknown option $1" >&2; exit 2 ;;
    *) build=$1 ;;
  esac
  shift
done
. "$here/build_dir.sh"
build=$(rc_fuzz_build_dir coverage.sh respcheck-fuzz-coverage "$root" "$build")

cc=${CC:-clang}
ver=$("$cc" --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
pick() {
  for t in "$1-$ver" "$1"; do
    if command -v "$t" >/dev/null; then echo "$t"; return; fi
  done
  echo "coverage.sh: $1 not found (apt-get install llvm)" >&2
  exit 2
}
profdata=$(pick llvm-profdata)
llvmcov=$(pick llvm-cov)

harnesses=(stream split registry output capture warc har)

echo "== building the replay harnesses with coverage in $build"
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS="-fprofile-instr-generate -fcoverage-mapping" \
  -DRESPCHECK_BUILD_FUZZERS=OFF -DRESPCHECK_BUILD_TESTS=OFF \
  -DRESPCHECK_BUILD_TOOLS=OFF >"$build.cmake.log" 2>&1 ||
  { cat "$build.cmake.log"; exit 1; }
# A reader's harness is a target only when its reader is configured; both
# generators make CMakeFiles/TARGET.dir for every target.
built=()
for h in "${harnesses[@]}"; do
  if [ -d "$build/fuzz/CMakeFiles/fuzz_${h}_replay.dir" ]; then built+=("$h")
  else echo "   $h: no fuzz_${h}_replay in this build (its reader is not configured)"; fi
done
harnesses=("${built[@]}")
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_${h}_replay"); done
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}" \
  >"$build.build.log" 2>&1 || { tail -50 "$build.build.log"; exit 1; }

rm -rf "$build/profiles"
mkdir -p "$build/profiles"
objects=()
for h in "${harnesses[@]}"; do
  if [ -n "$corpus_root" ]; then
    if [ -d "$corpus_root/$h/corpus" ]; then c=$corpus_root/$h/corpus
    elif [ -d "$corpus_root/$h" ]; then c=$corpus_root/$h
    else
      echo "   $h: no $corpus_root/$h/corpus or $corpus_root/$h, not replayed"
      continue
    fi
  else
    c=$here/corpus/$h
  fi
  echo "   $h: replaying $(find -L "$c" -type f | wc -l) inputs from $c"
  LLVM_PROFILE_FILE="$build/profiles/$h-%p.profraw" \
    "$build/fuzz/fuzz_${h}_replay" "$c" --if-exists="$here/regressions/$h" 2>"$build/profiles/$h.log" ||
    { tail -20 "$build/profiles/$h.log"; echo "coverage.sh: fuzz_${h}_replay failed on $c" >&2; exit 1; }
  if [ ${#objects[@]} -eq 0 ]; then objects+=("$build/fuzz/fuzz_${h}_replay")
  else objects+=(-object "$build/fuzz/fuzz_${h}_replay"); fi
done

if [ ${#objects[@]} -eq 0 ]; then
  echo "coverage.sh: no harness replayed" >&2
  exit 1
fi
"$profdata" merge -sparse "$build"/profiles/*.profraw -o "$build/merged.profdata"

echo "== line coverage of parser/ ($llvmcov report)"
"$llvmcov" report -instr-profile="$build/merged.profdata" "${objects[@]}" \
  "$root"/parser/*.c | sed "s|$root/||" | tee "$build/report.txt"
# llvm-cov leaves out a file no binary holds code of (a file only a reader
# calls, when that reader's harness was not replayed).
for src in "$root"/parser/*.c; do
  f=$(basename "$src")
  awk -v f="$f" '$1 == f || $1 == "parser/" f { found = 1 } END { exit !found }' \
    "$build/report.txt" ||
    echo "parser/$f: no coverage data (in none of the replayed harnesses)"
done

rm -rf "$build/coverage"
mkdir -p "$build/coverage"
for src in "$root"/parser/*.c; do
  f=$(basename "$src")
  "$llvmcov" show -instr-profile="$build/merged.profdata" "${objects[@]}" \
    "$src" >"$build/coverage/$f.txt"
  if [ ! -s "$build/coverage/$f.txt" ]; then
    echo "== lines of parser/$f never run: no coverage data"
    continue
  fi
  awk -F'|' '$2 ~ /^ *0 *$/ { gsub(/ /, "", $1); printf "%s ", $1 } END { print "" }' \
    "$build/coverage/$f.txt" >"$build/coverage/$f.uncovered"
  echo "== lines of parser/$f never run: $(wc -w <"$build/coverage/$f.uncovered")"
  fold -s -w 100 "$build/coverage/$f.uncovered"
done
echo "(annotated sources: $build/coverage/*.txt)"
