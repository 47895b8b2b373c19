#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Records the real captures of capture/tests/real/ (and the bundled
# examples/captures/nginx-loopback.pcap) with tcpdump and dumpcap on
# loopback, from nginx, Python's http.server and respcheck-proxy's own
# tests. Documentation of provenance: CI never runs it (the captures are
# committed; dates, ports and sequence numbers change with every
# recording). Needs root (packet capture), tcpdump, dumpcap (Debian's
# wireshark-common, installed with tshark), nginx, python3 and curl; for
# the proxy capture, a built respcheck-proxy.
#
#   bash capture/record-captures.sh [BUILD_DIR]   (default: build)
#
# The clients are a small raw-socket Python client (below) that sends the
# listed requests on one connection, pipelined or one after the other, and
# reads until the server closes; and curl.
#
# Everything runs in a network namespace of its own (unshare -n), whose
# loopback carries only these servers' and clients' packets: on a shared
# machine, nobody else's traffic gets into the captures.
set -euo pipefail
if [ -z "${RESPCHECK_RECORD_NETNS:-}" ]; then
  exec unshare -n env RESPCHECK_RECORD_NETNS=1 bash "$0" "$@"
fi
ip link set lo up

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-$root/build}
out=$here/tests/real
mkdir -p "$out"
work=$(mktemp -d /tmp/respcheck-record-pcap.XXXXXX)
chmod 755 "$work"
nginx_port=18191
py10_port=18192
py11_port=18193
pids=()
cap_pid=
cleanup() {
  if [ -n "$cap_pid" ]; then kill -INT "$cap_pid" 2>/dev/null || true; fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# --- the site and the servers ----------------------------------------------
mkdir -p "$work/www/docs"
printf '<!doctype html>\n<title>respcheck demo</title>\n<p>Hello from the loopback.</p>\n' \
  >"$work/www/index.html"
printf 'plain text, 0123456789abcdefghijklmnopqrstuvwxyz\n' >"$work/www/docs/notes.txt"
head -c 300000 /dev/zero | tr '\0' 'x' >"$work/www/big.txt"
touch -d '2025-01-01 00:00:00 UTC' "$work/www/index.html" "$work/www/docs/notes.txt"
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log;
user root;
events { worker_connections 64; }
http {
  access_log off;
  include /etc/nginx/mime.types;
  client_body_temp_path $work/tmp-body;
  proxy_temp_path $work/tmp-proxy;
  fastcgi_temp_path $work/tmp-fastcgi;
  uwsgi_temp_path $work/tmp-uwsgi;
  scgi_temp_path $work/tmp-scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    location = /old { return 301 /index.html; }
  }
}
EOF
nginx -c "$work/nginx.conf" -e "$work/error.log" &
pids+=($!)
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$py10_port" \
  >/dev/null 2>&1 &
pids+=($!)
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" \
  --protocol HTTP/1.1 "$py11_port" >/dev/null 2>&1 &
pids+=($!)

cat >"$work/client.py" <<'EOF'
"""client.py PORT MODE REQUEST... : MODE 'pipelined' sends every request
at once, 'serial' one at a time (waiting for some response bytes); reads
until the server closes. Requests in Python string escapes."""
import socket, sys, time

port, mode, reqs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
deadline = time.monotonic() + 10
while True:  # the servers were just started: wait for the port, bounded
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        break
    except OSError:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.1)
enc = [r.encode("latin-1").decode("unicode_escape").encode("latin-1") for r in reqs]
if mode == "pipelined":
    s.sendall(b"".join(enc))
else:
    for r in enc:
        s.sendall(r)
        s.recv(1)  # some of the response is back: the next request follows
total = 0
while time.monotonic() < deadline:
    chunk = s.recv(65536)
    if not chunk:
        break
    total += len(chunk)
s.close()
EOF
client() { timeout 20 python3 "$work/client.py" "$@"; }
H='Host: localhost\r\nUser-Agent: respcheck-recorder\r\n'
C='Connection: close\r\n'

# Starts a capture (tcpdump or dumpcap) and waits until it listens.
start_capture() {
  local log=$work/capture.log
  : >"$log"
  "$@" 2>"$log" &
  cap_pid=$!
  for _ in $(seq 100); do
    grep -qE 'listening on|Capturing on' "$log" && return 0
    sleep 0.1
  done
  echo "the capture did not start: $(cat "$log")" >&2
  exit 1
}
# Stops it once its file has stopped growing for a second (every packet
# written: the captures run in immediate mode), at most after 20 s.
stop_capture() {
  local file=$1 last=-1 size same=0
  for _ in $(seq 100); do
    size=$(stat -c %s "$file" 2>/dev/null || echo 0)
    if [ "$size" = "$last" ] && [ "$size" -gt 24 ]; then
      same=$((same + 1))
      [ "$same" -ge 5 ] && break
    else
      same=0
    fi
    last=$size
    sleep 0.2
  done
  kill -INT "$cap_pid"
  wait "$cap_pid" || true
  cap_pid=
  echo "$file: $(stat -c %s "$file") bytes"
}

# --- nginx, Ethernet on lo (tcpdump -i lo) -----------------------------------
f=$out/nginx-pipelined-head.pcap
start_capture tcpdump -i lo --immediate-mode -U -w "$f" "tcp port $nginx_port"
# HEAD, GET, GET pipelined on one connection (the case Wireshark 4.0 loses
# the third response of), then keep-alive requests one at a time, then a
# 300 kB body, then curl.
client $nginx_port pipelined "HEAD / HTTP/1.1\r\n$H\r\n" \
  "GET /docs/notes.txt HTTP/1.1\r\n$H\r\n" "GET /missing HTTP/1.1\r\n$H$C\r\n"
client $nginx_port serial "GET / HTTP/1.1\r\n$H\r\n" \
  "GET /index.html HTTP/1.1\r\n${H}If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n\r\n" \
  "GET /old HTTP/1.1\r\n$H$C\r\n"
client $nginx_port serial "GET /big.txt HTTP/1.1\r\n$H$C\r\n"
timeout 20 curl -s -o /dev/null --http1.1 "http://127.0.0.1:$nginx_port/docs/notes.txt"
stop_capture "$f"
cp "$f" "$root/examples/captures/nginx-loopback.pcap"

# --- Python's http.server, Linux cooked v2 (tcpdump -i any) -----------------
f=$out/python-any.pcap
start_capture tcpdump -i any --immediate-mode -U -w "$f" "tcp port $py10_port or tcp port $py11_port"
client $py10_port serial "GET /index.html HTTP/1.0\r\n$H\r\n"
client $py11_port serial "GET /docs/ HTTP/1.1\r\n$H\r\n" "GET /docs HTTP/1.1\r\n$H\r\n" \
  "HEAD /index.html HTTP/1.1\r\n$H\r\n" "GET /missing HTTP/1.1\r\n$H$C\r\n"
client $py11_port serial "POST / HTTP/1.1\r\n${H}Content-Length: 0\r\n$C\r\n"
stop_capture "$f"

# --- respcheck-proxy's tests, pcapng (dumpcap on lo) -------------------------
proxy=$build/tools/proxy/respcheck-proxy
if [ -x "$proxy" ]; then
  f=$out/proxy-tests.pcapng
  start_capture dumpcap -q -i lo -w "$work/proxy-all.pcapng" -f tcp
  python3 "$root/tests/proxy/test_proxy.py" --proxy "$proxy" --group crafted \
    >"$work/proxy.log" 2>&1 || { cat "$work/proxy.log"; exit 1; }
  stop_capture "$work/proxy-all.pcapng"
  # The connections that carried 1 MiB bodies are left out (the file would
  # weigh megabytes); tshark writes the rest, still as pcapng.
  big=$(tshark -r "$work/proxy-all.pcapng" -T fields -e tcp.stream -e frame.len 2>/dev/null |
    awk '{n[$1] += $2} END {for (s in n) if (n[s] > 262144) { printf "%s%s", c, s; c = "," }}')
  if [ -n "$big" ]; then
    tshark -r "$work/proxy-all.pcapng" -Y "not tcp.stream in {$big}" -F pcapng \
      -w "$f" 2>/dev/null
  else
    cp "$work/proxy-all.pcapng" "$f"
  fi
  echo "$f: $(stat -c %s "$f") bytes (connections over 256 KiB left out: ${big:-none})"
else
  echo "no $proxy: build it first for the proxy capture" >&2
fi

tcpdump --version 2>&1 | head -n 2
dumpcap --version 2>&1 | head -n 1
nginx -v 2>&1
python3 --version
curl --version | head -n 1
