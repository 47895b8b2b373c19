#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Web archives and browser exports (issue 14), measured in one run:
#
#  1. Throughput: `respcheck --quiet crawl.warc.gz` against
#     `zcat crawl.warc.gz | bench_warc_blocks` (decompression in zcat, then
#     the raw response blocks linted and nothing else: bench/warc_blocks.c),
#     on a Common-Crawl-shaped archive (bench/warc_gen.py), with `zcat`
#     alone (the floor) and respcheck on the same archive decompressed.
#     Wall time (median of RUNS) and CPU time (user + system, of every
#     process of the command line) of each; the ratios are the baseline's
#     time over respcheck's, i.e. respcheck's throughput relative to the
#     baseline's (goal: at least 0.9).
#  2. Memory: peak RSS of respcheck reading a HAR of HAR_MB megabytes from
#     a pipe (bench/har_gen.py), and of the WARC of part 1.
#
#   bench/archives.sh [BUILD_DIR]     (default /tmp/respcheck-archives-bench)
#
# Knobs (environment): RESPONSES (records in the archive, default 3000,
# about 180 MB decompressed), RUNS (default 5), HAR_MB (default 500).
# The wall times depend on what else the machine runs (the CPU times much
# less): this project's VM is shared, so the output says the load average.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-/tmp/respcheck-archives-bench}
responses=${RESPONSES:-3000}
runs=${RUNS:-5}
har_mb=${HAR_MB:-500}
py=python3

echo "== building (Release) in $build"
mkdir -p "$build"
cmake -S "$root" -B "$build/build" -DCMAKE_BUILD_TYPE=Release \
  -DRESPCHECK_BUILD_BENCH=ON -DRESPCHECK_BUILD_TESTS=OFF >"$build/cmake.log" 2>&1 ||
  { cat "$build/cmake.log"; exit 2; }
cmake --build "$build/build" -j 2 --target respcheck bench_warc_blocks \
  >"$build/build.log" 2>&1 || { tail -30 "$build/build.log"; exit 2; }
rc=$build/build/tools/respcheck
blocks=$build/build/bench/bench_warc_blocks

warc=$build/crawl-$responses.warc.gz
if [ ! -s "$warc" ]; then
  echo "== writing $warc ($responses responses)"
  $py "$here/warc_gen.py" "$warc.tmp" "$responses"
  mv "$warc.tmp" "$warc"
fi
plain=$build/crawl-$responses.warc
[ -s "$plain" ] || zcat "$warc" >"$plain"
gz_bytes=$(stat -c %s "$warc")
plain_bytes=$(stat -c %s "$plain")

echo "== checking that both read the same responses"
want=$("$blocks" <"$plain" | awk '{print $2}')
got=$({ "$rc" --format=json --no-progress "$warc" || true; } | wc -l)
if [ "$want" != "$got" ]; then
  echo "respcheck read $got responses, the baseline $want" >&2
  exit 1
fi
echo "   $got responses, $((plain_bytes / 1048576)) MiB decompressed, $((gz_bytes / 1048576)) MiB gzip"

# One measure: "WALL CPU" in seconds, of a shell command line.
measure() {
  /usr/bin/time -f "%e %U %S" -o "$build/time.txt" sh -c "$1" >/dev/null 2>&1 || true
  awk '{printf "%s %.2f\n", $1, $2 + $3}' "$build/time.txt"
}

# The median of RUNS measures: "WALL CPU".
median() {
  local i
  : >"$build/runs.txt"
  for i in $(seq "$runs"); do measure "$1" >>"$build/runs.txt"; done
  sort -n -k1 "$build/runs.txt" | awk -v n="$runs" 'NR == int((n + 1) / 2) {w = $1}
    END {print w}' >"$build/w.txt"
  sort -n -k2 "$build/runs.txt" | awk -v n="$runs" 'NR == int((n + 1) / 2) {c = $2}
    END {print c}' >"$build/c.txt"
  echo "$(cat "$build/w.txt") $(cat "$build/c.txt")"
}

echo "== throughput: median of $runs runs (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
declare -A W C
row() {
  local name=$1 cmd=$2 r
  r=$(median "$cmd")
  W[$name]=${r% *}
  C[$name]=${r#* }
  awk -v n="$name" -v w="${W[$name]}" -v c="${C[$name]}" -v b="$plain_bytes" \
    'BEGIN {printf "   %-44s %7.2f s %8.1f MB/s   cpu %6.2f s %8.1f MB/s\n",
            n, w, b / w / 1e6, c, b / c / 1e6}'
}
row "zcat crawl.warc.gz (the floor)" "zcat '$warc' >/dev/null"
row "zcat crawl.warc.gz | bench_warc_blocks" "zcat '$warc' | '$blocks'"
row "respcheck --quiet crawl.warc.gz" "'$rc' --quiet --no-progress '$warc'"
row "respcheck --quiet crawl.warc (decompressed)" "'$rc' --quiet --no-progress '$plain'"
awk -v bw="${W["zcat crawl.warc.gz | bench_warc_blocks"]}" \
  -v rw="${W["respcheck --quiet crawl.warc.gz"]}" \
  -v bc="${C["zcat crawl.warc.gz | bench_warc_blocks"]}" \
  -v rc="${C["respcheck --quiet crawl.warc.gz"]}" \
  'BEGIN {printf "   respcheck / (zcat | raw blocks): %.2f by wall time, %.2f by CPU time (goal 0.9)\n",
          bw / rw, bc / rc}'

echo "== memory: peak RSS"
/usr/bin/time -f "%M" -o "$build/rss.txt" "$rc" --quiet --no-progress "$warc" >/dev/null || true
echo "   respcheck --quiet crawl.warc.gz: $(cat "$build/rss.txt") KiB"
{ "$py" "$here/har_gen.py" "$har_mb" |
  /usr/bin/time -f "%M" -o "$build/rss.txt" "$rc" --no-progress --format=json - ||
  true; } | wc -l >"$build/har.count"
echo "   respcheck --format=json on a $har_mb MB HAR from a pipe: $(cat "$build/rss.txt") KiB ($(cat "$build/har.count") entries)"
/usr/bin/time -f "%M" -o "$build/rss.txt" "$rc" --version >/dev/null
echo "   respcheck --version, for scale: $(cat "$build/rss.txt") KiB"
