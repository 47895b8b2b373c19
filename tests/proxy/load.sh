#!/usr/bin/env bash
# Load test of respcheck-proxy (not run by CTest): wrk against nginx directly
# and through the proxy, in the same run, on 127.0.0.1 only, each run
# bounded (-d, -c, -t). Prints requests/s and latency for both and their
# ratio, and the proxy's resident memory under load from /proc/PID/status,
# divided by the connections.
#
#   tests/proxy/load.sh [PROXY_BINARY]
#
# Environment: DURATION (10s), CONNECTIONS (50), THREADS (2), SIZES (bytes
# of the files fetched, "1024 65536"). Needs wrk, nginx, python3 (Debian:
# wrk nginx python3).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
proxy=${1:-$root/build/gcc/tools/proxy/respcheck-proxy}
duration=${DURATION:-10s}
conns=${CONNECTIONS:-50}
threads=${THREADS:-2}
sizes=${SIZES:-1024 65536}

die() { echo "load.sh: $*" >&2; exit 1; }
[ -x "$proxy" ] || die "no proxy binary at $proxy (build it, or pass its path)"
command -v wrk >/dev/null || die "wrk not found: apt-get install wrk"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || die "nginx not found: apt-get install nginx"
command -v python3 >/dev/null || die "python3 not found: apt-get install python3"

tmp=$(mktemp -d)
nginx_pid=""
proxy_pid=""
cleanup() {
  for pid in $proxy_pid $nginx_pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $proxy_pid $nginx_pid; do
    # Bounded: SIGKILL after 5 s.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for CMD...: retries for up to 10 s.
wait_for() {
  for _ in $(seq 100); do
    if "$@" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

port_open() { python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$1"; }

mkdir -p "$tmp/www"
for size in $sizes; do
  head -c "$size" /dev/urandom > "$tmp/www/f$size"
done
nginx_port=$(free_port)
cat > "$tmp/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/octet-stream;
  client_body_temp_path $tmp/b; proxy_temp_path $tmp/p; fastcgi_temp_path $tmp/f;
  uwsgi_temp_path $tmp/u; scgi_temp_path $tmp/s;
  keepalive_requests 10000000;
  server { listen 127.0.0.1:$nginx_port; root $tmp/www; }
}
EOF
"$nginx" -p "$tmp" -e "$tmp/nginx-error.log" -c "$tmp/nginx.conf" &
nginx_pid=$!
wait_for port_open "$nginx_port" || die "nginx did not start: $(cat "$tmp/nginx-error.log")"

"$proxy" --listen=127.0.0.1:0 --upstream=127.0.0.1:"$nginx_port" \
  --log="$tmp/proxy.log" --max-connections=$((conns * 2)) >"$tmp/proxy.out" 2>"$tmp/proxy.err" &
proxy_pid=$!
wait_for grep -q 'listening on' "$tmp/proxy.out" || die "proxy did not start: $(cat "$tmp/proxy.err")"
proxy_port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$tmp/proxy.out")
per_conn=$(sed -n 's/.* \([0-9]*\) bytes per connection.*/\1/p' "$tmp/proxy.out")

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
idle_rss=$(rss_kib "$proxy_pid")

# run_wrk PORT PATH OUT: wrk's summary in OUT.
run_wrk() {
  wrk -t"$threads" -c"$conns" -d"$duration" --timeout 5s --latency \
    "http://127.0.0.1:$1$2" >"$3"
}
field() { # field FILE: requests/s, avg latency, p50, p99, errors
  awk '
    /Requests\/sec:/ {rps=$2}
    /^    Latency/ {avg=$2}
    /^     50%/ {p50=$2}
    /^     99%/ {p99=$2}
    /Non-2xx|Socket errors/ {err=err $0 ";"}
    END {printf "%s %s %s %s %s\n", rps, avg, p50, p99, (err==""?"none":err)}' "$1"
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, $(uname -sr)"
echo "nginx $("$nginx" -v 2>&1 | sed 's/.*nginx\///'), wrk -t$threads -c$conns -d$duration, $(
  "$proxy" --version)"
echo "proxy: $per_conn bytes per connection (allocated), idle RSS ${idle_rss} KiB"
printf '\n%-8s %-7s %12s %10s %10s %10s  %s\n' size target req/s avg p50 p99 errors
for size in $sizes; do
  run_wrk "$nginx_port" "/f$size" "$tmp/direct.txt"
  # RSS sampled every 0.2 s while wrk runs through the proxy.
  (
    max=0
    while kill -0 "$proxy_pid" 2>/dev/null && [ ! -e "$tmp/stop-sampling" ]; do
      r=$(rss_kib "$proxy_pid")
      [ "$r" -gt "$max" ] && max=$r
      echo "$max" >"$tmp/rss-max"
      sleep 0.2
    done
  ) &
  sampler=$!
  run_wrk "$proxy_port" "/f$size" "$tmp/proxy.txt"
  touch "$tmp/stop-sampling"
  wait "$sampler" || true
  rm -f "$tmp/stop-sampling"
  read -r d_rps d_avg d_p50 d_p99 d_err <<<"$(field "$tmp/direct.txt")"
  read -r p_rps p_avg p_p50 p_p99 p_err <<<"$(field "$tmp/proxy.txt")"
  printf '%-8s %-7s %12s %10s %10s %10s  %s\n' "$size" direct "$d_rps" "$d_avg" "$d_p50" "$d_p99" "$d_err"
  printf '%-8s %-7s %12s %10s %10s %10s  %s\n' "$size" proxy "$p_rps" "$p_avg" "$p_p50" "$p_p99" "$p_err"
  ratio=$(python3 -c "print('%.2f' % (float('$p_rps') / float('$d_rps')))")
  max_rss=$(cat "$tmp/rss-max")
  echo "         proxy/direct requests/s: $ratio; proxy RSS under load: $max_rss KiB, $(
    python3 -c "print('%.1f' % (($max_rss - $idle_rss) / $conns))") KiB per connection above idle ($(
    python3 -c "print('%.1f' % ($max_rss / $conns))") KiB per connection all included)"
done
echo
echo "proxy peak RSS (VmHWM): $(hwm_kib "$proxy_pid") KiB"
lines=$(wc -l <"$tmp/proxy.log")
echo "proxy log lines: $lines (responses with findings, or not passed on whole:"
echo "wrk closing its connections mid-response at the end shows as \"aborted\")"
head -n 3 "$tmp/proxy.log"
