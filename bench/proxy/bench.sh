#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# respcheck-proxy side by side with nginx and HAProxy (issue 12): the same
# upstream (nginx serving files, upstream-nginx.conf) fetched directly,
# through nginx (nginx-proxy.conf), through HAProxy (haproxy.cfg) and
# through respcheck-proxy, with wrk, for bodies of 0, 1 KiB, 64 KiB and
# 1 MiB. Prints one table: requests/s, MB/s, p50 and p99 latency (wrk
# --latency), resident memory per connection (the process's VmRSS under
# load minus its VmRSS at start, before any load, over the connections),
# the process's CPU time (user + system, /proc/PID/stat) per request, which
# other load on the machine disturbs less than requests/s, and each proxy's
# requests/s over nginx's and over HAProxy's.
#
#   bench/proxy/bench.sh [PROXY_BINARY]
#
# Environment: DURATION (wrk -d, default 3s), ROUNDS (3: every target is
# measured once per round, in turn; the table shows the median round),
# WARMUP (1s before each measured run), CONNECTIONS (50), BIG_CONNECTIONS (20, for the 1 MiB row),
# THREADS (wrk -t, 2), SIZES ("0 1024 65536 1048576"), TARGETS ("direct nginx
# haproxy respcheck"), PROXY_ARGS (more respcheck-proxy options), OUT (a
# file for the table as well), PERF (a path: respcheck-proxy's runs are
# recorded with perf record -e cpu-clock -g into PATH.SIZE).
# ATTACK=1: instead, slowloris against each proxy at its configuration
# (tests/proxy/test_attack.py --slowloris): SLOW_CONNS (500) connections
# sending a head one byte every SLOW_EVERY (3) seconds for SLOW_SECONDS (60),
# reconnecting when closed, and SLOW_PROBES (12) probe clients, each
# waiting up to 5 s; prints how many probes were served.
#
# Everything on 127.0.0.1, ports from the kernel (port 0), every process
# stopped on exit (SIGTERM, SIGKILL after 5 s), every run bounded by -d.
# Needs nginx, haproxy, wrk, python3 (Debian: nginx haproxy wrk python3).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
proxy=${1:-$root/build/gcc/tools/proxy/respcheck-proxy}
duration=${DURATION:-3s}
rounds=${ROUNDS:-3}
warmup=${WARMUP:-1s}
conns=${CONNECTIONS:-50}
big_conns=${BIG_CONNECTIONS:-20}
threads=${THREADS:-2}
sizes=${SIZES:-0 1024 65536 1048576}
targets=${TARGETS:-direct nginx haproxy respcheck}

die() { echo "bench.sh: $*" >&2; exit 1; }
[ -x "$proxy" ] || die "no proxy binary at $proxy (build it, or pass its path)"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
[ -x "$nginx" ] || die "nginx not found: apt-get install nginx"
[ -x "$haproxy" ] || die "haproxy not found: apt-get install haproxy"
command -v wrk >/dev/null || die "wrk not found: apt-get install wrk"
command -v python3 >/dev/null || die "python3 not found: apt-get install python3"

tmp=$(mktemp -d /tmp/respcheck-proxy-bench.XXXXXX)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port_open() {
  python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$1" 2>/dev/null
}
# wait_port PORT NAME: up to 10 s.
wait_port() {
  for _ in $(seq 100); do port_open "$1" && return 0; sleep 0.1; done
  die "$2 is not accepting on port $1; see $tmp"
}
# conf TEMPLATE OUT PORT: the template with @TMP@, @PORT@, @UPSTREAM@ filled.
conf() {
  sed -e "s|@TMP@|$tmp|g" -e "s|@PORT@|$3|g" -e "s|@UPSTREAM@|127.0.0.1:$up_port|g" "$1" >"$2"
}

mkdir -p "$tmp/www"
for size in $sizes; do head -c "$size" /dev/urandom >"$tmp/www/f$size"; done

up_port=$(free_port)
conf "$here/upstream-nginx.conf" "$tmp/upstream.conf" "$up_port"
"$nginx" -p "$tmp" -e "$tmp/upstream-error.log" -c "$tmp/upstream.conf" &
up_pid=$!
pids+=("$up_pid")
wait_port "$up_port" "the upstream nginx"

nginx_port=$(free_port)
conf "$here/nginx-proxy.conf" "$tmp/nginx-proxy.conf" "$nginx_port"
"$nginx" -p "$tmp" -e "$tmp/nginx-proxy-error.log" -c "$tmp/nginx-proxy.conf" &
nginx_pid=$!
pids+=("$nginx_pid")
wait_port "$nginx_port" "nginx (proxy)"

haproxy_port=$(free_port)
conf "$here/haproxy.cfg" "$tmp/haproxy.cfg" "$haproxy_port"
"$haproxy" -db -f "$tmp/haproxy.cfg" >"$tmp/haproxy.out" 2>&1 &
haproxy_pid=$!
pids+=("$haproxy_pid")
wait_port "$haproxy_port" "haproxy"

# Room for wrk's connections; the attack runs the proxy at its defaults.
rc_args="--max-connections=1024"
[ "${ATTACK:-0}" = 1 ] && rc_args=""
# shellcheck disable=SC2086
"$proxy" --listen=127.0.0.1:0 --upstream=127.0.0.1:"$up_port" --log="$tmp/respcheck.log" \
  $rc_args ${PROXY_ARGS:-} >"$tmp/respcheck.out" 2>"$tmp/respcheck.err" &
rc_pid=$!
pids+=("$rc_pid")
for _ in $(seq 100); do grep -q 'listening on' "$tmp/respcheck.out" && break; sleep 0.1; done
rc_port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$tmp/respcheck.out")
[ -n "$rc_port" ] || die "respcheck-proxy did not start: $(cat "$tmp/respcheck.err")"

port_of() {
  case $1 in
  direct) echo "$up_port" ;; nginx) echo "$nginx_port" ;;
  haproxy) echo "$haproxy_port" ;; respcheck) echo "$rc_port" ;;
  esac
}
pid_of() {
  case $1 in
  direct) echo "$up_pid" ;; nginx) echo "$nginx_pid" ;;
  haproxy) echo "$haproxy_pid" ;; respcheck) echo "$rc_pid" ;;
  esac
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# cpu_ticks PID: user + system time of the process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# Each process's resident memory before any load: the base of "RSS per
# connection" (its peak under load minus this, over the connections).
declare -A idle_rss=()
for t in direct nginx haproxy respcheck; do idle_rss[$t]=$(rss_kib "$(pid_of "$t")"); done

load_note="load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
header() {
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, $(uname -sr); $load_note"
  echo "$("$nginx" -v 2>&1 | sed 's/^nginx version: //'), $("$haproxy" -v | head -1 | cut -d' ' -f1-3), $("$proxy" --version), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
}

if [ "${ATTACK:-0}" = 1 ]; then
  header
  echo "slowloris: ${SLOW_CONNS:-500} connections, a byte every ${SLOW_EVERY:-3} s for ${SLOW_SECONDS:-60} s, ${SLOW_PROBES:-12} probes (5 s each)"
  for t in nginx haproxy respcheck; do
    printf '%-10s ' "$t"
    python3 "$root/tests/proxy/test_attack.py" --slowloris "$(port_of "$t")" \
      --path=/f0 --conns="${SLOW_CONNS:-500}" --seconds="${SLOW_SECONDS:-60}" \
      --byte-every="${SLOW_EVERY:-3}" --probes="${SLOW_PROBES:-12}"
  done
  exit 0
fi

# to_ms VALUE: wrk's "1.23ms" / "456.78us" / "1.02s" in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'
}
# to_mb VALUE: wrk's "12.34MB" / "1.2GB" / "800.00KB" in MB (10^6 bytes is
# not what wrk means: its units are binary; MB here are MiB).
to_mb() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /GB$/) n *= 1024; else if (v ~ /KB$/) n /= 1024; else if (v ~ /[0-9]B$/) n /= 1048576; printf "%.1f", n }'
}

# measure TARGET SIZE CONNS: one line "rps mbs p50 p99 rss_per_conn
# cpu_us_per_request errors".
measure() {
  local t=$1 size=$2 c=$3 port pid idle max r out
  port=$(port_of "$t")
  pid=$(pid_of "$t")
  idle=${idle_rss[$t]}
  wrk -t"$threads" -c"$c" -d"$warmup" "http://127.0.0.1:$port/f$size" >/dev/null
  rm -f "$tmp/stop"
  (
    max=0
    while [ ! -e "$tmp/stop" ] && kill -0 "$pid" 2>/dev/null; do
      r=$(rss_kib "$pid")
      [ "$r" -gt "$max" ] && max=$r
      echo "$max" >"$tmp/rss-max"
      sleep 0.2
    done
  ) &
  local sampler=$!
  out="$tmp/wrk-$t-$size.txt"
  local perf_pid="" cpu0 cpu1
  cpu0=$(cpu_ticks "$pid")
  if [ -n "${PERF:-}" ] && [ "$t" = respcheck ]; then
    perf record -q -e cpu-clock -g -o "$PERF.$size" -p "$pid" 2>/dev/null &
    perf_pid=$!
  fi
  wrk -t"$threads" -c"$c" -d"$duration" --timeout 10s --latency \
    "http://127.0.0.1:$port/f$size" >"$out"
  cpu1=$(cpu_ticks "$pid")
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
  touch "$tmp/stop"
  wait "$sampler" || true
  max=$(cat "$tmp/rss-max")
  awk -v idle="$idle" -v max="$max" -v c="$c" -v cpu=$((cpu1 - cpu0)) -v hz="$hz" '
    /requests in/ {n=$1}
    /Requests\/sec:/ {rps=$2}
    /Transfer\/sec:/ {tr=$2}
    /^     50%/ {p50=$2}
    /^     99%/ {p99=$2}
    /Non-2xx|Socket errors/ {err=err $0 ";"}
    END {
      rss = (max - idle) / c; if (rss < 0) rss = 0
      gsub(/ +/, " ", err)
      us = n > 0 ? cpu * 1e6 / hz / n : 0
      printf "%s %s %s %s %.1f %.1f %s\n", rps, tr, p50, p99, rss, us, (err == "" ? "-" : err)
    }' "$out"
}

{
  header
  echo "wrk -t$threads -c$conns (1 MiB: -c$big_conns) -d$duration --latency after a $warmup warm-up; $rounds rounds, each target in turn; each cell is the round with the median requests/s (all rounds' requests/s in parentheses)"
  echo
  echo "| body | target | requests/s (rounds) | MB/s | p50 ms | p99 ms | RSS KiB/conn | CPU µs/req | vs nginx | vs HAProxy | errors |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
} | tee "$tmp/table.md"
for size in $sizes; do
  c=$conns
  [ "$size" -ge 1048576 ] && c=$big_conns
  # ROUNDS rounds, each target in turn within a round, so that a burst of
  # other load hits one round of every target rather than all of one.
  for round in $(seq "$rounds"); do
    for t in $targets; do
      measure "$t" "$size" "$c" >>"$tmp/rounds-$t-$size"
    done
  done
  declare -A rps=()
  for t in $targets; do
    # The round with the median requests/s stands for the cell.
    read -r r mb p50 p99 rss cpu err <<<"$(sort -g -k1,1 "$tmp/rounds-$t-$size" |
      sed -n "$(((rounds + 1) / 2))p")"
    all=$(cut -d' ' -f1 "$tmp/rounds-$t-$size" | xargs printf '%.0f ' | sed 's/ $//')
    rps[$t]=$r
    vs_nginx=""
    vs_haproxy=""
    if [ "$t" != direct ] && [ -n "${rps[nginx]:-}" ] && [ "$t" != nginx ]; then
      vs_nginx=$(awk -v a="$r" -v b="${rps[nginx]}" 'BEGIN {printf "%.2f", a / b}')
    fi
    if [ "$t" != direct ] && [ -n "${rps[haproxy]:-}" ] && [ "$t" != haproxy ]; then
      vs_haproxy=$(awk -v a="$r" -v b="${rps[haproxy]}" 'BEGIN {printf "%.2f", a / b}')
    fi
    label=$size
    case $size in 1024) label="1 KiB" ;; 65536) label="64 KiB" ;; 1048576) label="1 MiB" ;; esac
    printf '| %s | %s | %s (%s) | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$t" \
      "$(printf '%.0f' "$r")" "${all// / · }" "$(to_mb "$mb")" "$(to_ms "$p50")" "$(to_ms "$p99")" \
      "$rss" "$cpu" "$vs_nginx" "$vs_haproxy" "$err" | tee -a "$tmp/table.md"
  done
  unset rps
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$tmp/table.md"
if [ -n "${OUT:-}" ]; then cp "$tmp/table.md" "$OUT"; fi
findings=$(wc -l <"$tmp/respcheck.log")
echo "respcheck-proxy log: $findings lines (wrk closing connections mid-response at the end shows as \"aborted\")"
