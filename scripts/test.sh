#!/usr/bin/env bash
# The whole test suite: installs what is missing, then builds and runs every
# test twice: with gcc and warnings as errors, and with clang under
# AddressSanitizer + UndefinedBehaviorSanitizer. Then a short fuzzing run.
# Usage: scripts/test.sh [BUILD_ROOT]   (default: build/ in the repository)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build}
jobs=$(nproc 2>/dev/null || echo 2)
# shellcheck source=scripts/deps.sh
. "$root/scripts/deps.sh"
respcheck_install_deps all

echo "== format check"
if command -v clang-format >/dev/null; then
  clang-format --dry-run --Werror "$root"/parser/*.c "$root"/parser/*.h "$root"/include/*.h
fi

echo "== gcc, -Werror"
cmake -S "$root" -B "$out/gcc" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRESPCHECK_WERROR=ON >/dev/null
cmake --build "$out/gcc" -j "$jobs"
(cd "$out/gcc" && ctest --output-on-failure -j "$jobs")

echo "== gcc, llhttp in loose mode (the layer must not depend on strict mode)"
cmake -S "$root" -B "$out/loose" -DCMAKE_C_COMPILER=gcc -DRESPCHECK_WERROR=ON \
  -DRESPCHECK_LLHTTP_STRICT=OFF -DRESPCHECK_BUILD_TOOLS=OFF >/dev/null
cmake --build "$out/loose" -j "$jobs" --target test_vectors test_api
(cd "$out/loose" && ctest --output-on-failure -R 'test_vectors|test_api')

echo "== clang, ASan + UBSan"
cmake -S "$root" -B "$out/asan" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DRESPCHECK_WERROR=ON -DRESPCHECK_SANITIZE=ON >/dev/null
cmake --build "$out/asan" -j "$jobs"
(cd "$out/asan" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j "$jobs")

echo "== fuzzing, ${RESPCHECK_FUZZ_SECONDS:-60} s per harness"
"$root/fuzz/run.sh" "${RESPCHECK_FUZZ_SECONDS:-60}" "$out/fuzz"
echo "== all tests passed"
