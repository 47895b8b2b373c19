#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every libFuzzer harness for SECONDS each and reports executions,
# exec/s, coverage (cov: edges, ft: features) and any crash, leak, timeout
# or out-of-memory input. Exits non-zero when any harness fails.
#
#   fuzz/run.sh [options] [SECONDS] [BUILD_DIR]
#
#   SECONDS     per harness (default 60)
#   BUILD_DIR   clang build with -DRESPCHECK_BUILD_FUZZERS=ON
#               (default /tmp/respcheck-fuzz-HASH, HASH naming this
#               checkout: two clones never share it; scripts/test.sh
#               passes one). A BUILD_DIR whose CMake cache was made from
#               another source tree is refused (exit 2); the default one
#               is replaced by a fresh folder then.
#   --only NAME       run one harness (stream, split, registry, output,
#                     capture, warc, har);
#                     may be repeated
#   --coverage        afterwards, line coverage of parser/ from the corpora
#                     this run produced (fuzz/coverage.sh)
#   --update-corpus   afterwards, minimise committed corpus + new inputs
#                     back into fuzz/corpus/NAME/ (-set_cover_merge=1 on
#                     edges only, -use_counters=0: every edge kept, a few
#                     hundred files)
#   --seeds DIR       also seed each harness NAME with the files of DIR/NAME
#                     (e.g. the test vectors: respcheck_dump_vectors
#                     tests/vectors DIR writes DIR/stream, split, output);
#                     with --update-corpus, those that add an edge are kept
#   --jobs N          run N harnesses at a time (default 1: exec/s figures
#                     are then per core)
#   --loose           llhttp compiled in loose mode (RESPCHECK_LLHTTP_STRICT
#                     off; the layer must not depend on strict mode);
#                     default BUILD_DIR /tmp/respcheck-fuzz-loose-HASH
#   --print-build-dir print the build folder this run would use, and exit
#
# The committed corpus is copied to BUILD_DIR/run/NAME/corpus first, so a run
# does not grow it unless --update-corpus is given. Crash inputs land in
# BUILD_DIR/run/NAME/artifacts/; fuzz/README.md says how to reproduce one
# and keep it as a regression.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
secs=60
coverage=0
update=0
jobs=1
strict=ON
print_dir=0
only=()
seeds=""
pos=()
while [ $# -gt 0 ]; do
  case "$1" in
    --coverage) coverage=1 ;;
    --update-corpus) update=1 ;;
    --only) only+=("$2"); shift ;;
    --seeds) seeds=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --loose) strict=OFF ;;
    --print-build-dir) print_dir=1 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) pos+=("$1") ;;
  esac
  shift
done
[ ${#pos[@]} -ge 1 ] && secs=${pos[0]}
if [ -n "$seeds" ]; then
  [ -d "$seeds" ] || { echo "run.sh: --seeds $seeds is not a folder" >&2; exit 2; }
  seeds=$(cd "$seeds" && pwd)
fi
case "$secs" in ''|*[!0-9]*) echo "run.sh: SECONDS must be a number" >&2; exit 2 ;; esac

# The build folder belongs to this checkout (build_dir.sh).
. "$here/build_dir.sh"
flavour=respcheck-fuzz
[ "$strict" = OFF ] && flavour=respcheck-fuzz-loose
build=$(rc_fuzz_build_dir run.sh "$flavour" "$root" "${pos[1]:-}")
if [ "$print_dir" = 1 ]; then
  echo "$build"
  exit 0
fi

harnesses=(stream split registry output capture warc har)
[ ${#only[@]} -gt 0 ] && harnesses=("${only[@]}")

cc=${CC:-clang}
if ! command -v "$cc" >/dev/null; then
  echo "run.sh: $cc not found; libFuzzer needs clang (apt-get install clang)" >&2
  exit 2
fi

echo "== building the libFuzzer harnesses in $build ($cc, strict llhttp $strict)"
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRESPCHECK_BUILD_FUZZERS=ON \
  -DRESPCHECK_LLHTTP_STRICT="$strict" \
  -DRESPCHECK_BUILD_TESTS=OFF -DRESPCHECK_BUILD_TOOLS=OFF >"$build.cmake.log" 2>&1 ||
  { cat "$build.cmake.log"; exit 1; }
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}" >"$build.build.log" 2>&1 ||
  { tail -50 "$build.build.log"; exit 1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  local h=$1 dir=$build/run/$1
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  for src in "$here/corpus/$h" "$here/regressions/$h" ${seeds:+"$seeds/$h"}; do
    if [ -d "$src" ] && [ -n "$(ls -A "$src" 2>/dev/null)" ]; then
      cp "$src"/* "$dir/corpus/"
    fi
  done
  local dict=()
  [ -f "$here/$h.dict" ] && dict=(-dict="$here/$h.dict")
  local rc=0
  (cd "$dir" && "$build/fuzz/fuzz_$h" corpus \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
      -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "${dict[@]}" \
      >"$dir/log" 2>&1) || rc=$?
  echo "$rc" >"$dir/rc"
}

echo "== fuzzing ${harnesses[*]}: $secs s each, $jobs at a time"
running=0
for h in "${harnesses[@]}"; do
  run_one "$h" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

status=0
printf '\n%-9s %12s %9s %7s %8s %8s  %s\n' harness executions exec/s cov ft corpus result
for h in "${harnesses[@]}"; do
  dir=$build/run/$h
  log=$dir/log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  ncorp=$(find "$dir/corpus" -type f | wc -l)
  bad=$(find "$dir/artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' \
    -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) -printf '%f\n')
  rc=$(cat "$dir/rc")
  result=ok
  if [ -n "$bad" ] || [ "$rc" != 0 ]; then
    result="FAILED (exit $rc)"
    status=1
  fi
  printf '%-9s %12s %9s %7s %8s %8s  %s\n' "$h" "${execs:-?}" "${eps:-?}" \
    "${cov:-?}" "${ft:-?}" "$ncorp" "$result"
  for f in $bad; do
    echo "          $dir/artifacts/$f"
  done
  if [ "$result" != ok ]; then
    grep -m1 -E 'invariant broken|check failed|differs from one call|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' "$log" |
      sed 's/^/          /' || true
    echo "          log: $log"
  fi
done

if [ "$update" = 1 ] && [ "$status" = 0 ]; then
  echo "== minimising the committed corpora with the new inputs"
  for h in "${harnesses[@]}"; do
    dir=$build/run/$h
    rm -rf "$dir/merged"
    mkdir -p "$dir/merged" "$here/corpus/$h"
    "$build/fuzz/fuzz_$h" -set_cover_merge=1 -use_counters=0 -max_len=16384 \
      "$dir/merged" "$here/corpus/$h" "$dir/corpus" \
      >"$dir/merge.log" 2>&1
    find "$here/corpus/$h" -type f -delete
    cp "$dir/merged"/* "$here/corpus/$h/"
    # regressions/NAME is replayed and seeded anyway: no second copy (a
    # merged file is named by the SHA-1 of its bytes).
    for r in "$here/regressions/$h"/*; do
      if [ -f "$r" ]; then rm -f "$here/corpus/$h/$(sha1sum <"$r" | cut -c1-40)"; fi
    done
    echo "   $h: $(find "$here/corpus/$h" -type f | wc -l) files, $(du -sh "$here/corpus/$h" | cut -f1)"
  done
fi

if [ "$coverage" = 1 ]; then
  "$here/coverage.sh" --corpus "$build/run" "$build-coverage"
fi
exit "$status"
