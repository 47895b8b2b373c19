#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Records the "real server" captures in examples/captures/ from nginx and
# Python's http.server running on loopback. Documentation of provenance:
# CI never runs it (the captures are committed; dates and versions in them
# change with every recording). Needs nginx, python3 and curl.
#
#   bash examples/record-captures.sh [OUTDIR]    (default: examples/captures)
#
# Each capture is the exact bytes one client connection received, written
# by a small raw-socket client (below): the requests are sent pipelined on
# one connection, the last with "Connection: close", and everything is read
# until the server closes. One capture is made with curl --raw -si instead,
# the way users typically save a response.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/captures}
mkdir -p "$out"
work=$(mktemp -d /tmp/respcheck-record.XXXXXX)
chmod 755 "$work"
nginx_port=18181
py10_port=18182
py11_port=18183
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# --- the site -------------------------------------------------------------
mkdir -p "$work/www/ssi" "$work/www/private" "$work/www/docs"
printf '<!doctype html>\n<title>respcheck demo</title>\n<p>Hello from the loopback.</p>\n' \
  > "$work/www/index.html"
printf 'plain text, 0123456789abcdefghijklmnopqrstuvwxyz\n' > "$work/www/docs/notes.txt"
printf '<!doctype html>\n<p>Generated at <!--# echo var="date_gmt" -->.</p>\n<p>Chunked by nginx (ssi).</p>\n' \
  > "$work/www/ssi/page.html"
printf 'secret\n' > "$work/www/private/index.html"
# No credentials are ever sent: the point is the 401.
printf 'demo:{PLAIN}demo\n' > "$work/htpasswd"
touch -d '2025-01-01 00:00:00 UTC' "$work/www/index.html" "$work/www/docs/notes.txt"

# --- nginx ----------------------------------------------------------------
cat > "$work/nginx.conf" <<EOF
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
  keepalive_requests 100;
  if_modified_since before;
  server {
    listen 127.0.0.1:$nginx_port;
    server_name localhost;
    root $work/www;
    location = /old { return 301 /index.html; }
    location = /teapot { return 418; }
    location = /empty { return 204; }
    location /ssi/ { ssi on; }
    location /private/ {
      auth_basic "respcheck demo";
      auth_basic_user_file $work/htpasswd;
    }
  }
}
EOF
nginx -c "$work/nginx.conf" -e "$work/error.log" &
pids+=($!)

# --- Python's http.server, HTTP/1.0 (its default) and HTTP/1.1 -------------
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$py10_port" \
  >/dev/null 2>&1 &
pids+=($!)
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" \
  --protocol HTTP/1.1 "$py11_port" >/dev/null 2>&1 &
pids+=($!)

# --- the raw client ---------------------------------------------------------
cat > "$work/record.py" <<'EOF'
"""record.py PORT OUTFILE REQUEST... : sends the requests (Python string
escapes, e.g. 'GET / HTTP/1.1\r\nHost: x\r\n\r\n') on one connection,
pipelined, and writes every byte received until the server closes; with
RC_REQUESTS=FILE in the environment, the bytes sent too (respcheck
--requests=FILE pairs each response with its request)."""
import os, socket, sys, time

port, outfile, reqs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
deadline = time.monotonic() + 10
while True:  # the servers were just started: wait for the port, bounded
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        break
    except OSError:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.1)
sent = b""
for r in reqs:
    raw = r.encode("latin-1").decode("unicode_escape").encode("latin-1")
    s.sendall(raw)
    sent += raw
data = b""
while time.monotonic() < deadline:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
s.close()
open(outfile, "wb").write(data)
print(f"{outfile}: {len(data)} bytes")
if os.environ.get("RC_REQUESTS"):
    open(os.environ["RC_REQUESTS"], "wb").write(sent)
    print(f"{os.environ['RC_REQUESTS']}: {len(sent)} bytes")
EOF
rec() { timeout 20 python3 "$work/record.py" "$@"; }
H='Host: localhost\r\nUser-Agent: respcheck-recorder\r\n'
C='Connection: close\r\n'
IMS='If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n'

# nginx: keep-alive with a 200, a 304, a 404 and a 301 on one connection.
rec $nginx_port "$out/nginx-keepalive.http" \
  "GET / HTTP/1.1\r\n$H\r\n" \
  "GET /index.html HTTP/1.1\r\n$H$IMS\r\n" \
  "GET /missing HTTP/1.1\r\n$H\r\n" \
  "GET /old HTTP/1.1\r\n$H$C\r\n"
# nginx: a 401, a 405 (nginx sends no Allow), a 206, a 418 and a 204.
rec $nginx_port "$out/nginx-errors.http" \
  "GET /private/ HTTP/1.1\r\n$H\r\n" \
  "POST /index.html HTTP/1.1\r\n${H}Content-Length: 0\r\n\r\n" \
  "GET /docs/notes.txt HTTP/1.1\r\n${H}Range: bytes=0-9\r\n\r\n" \
  "GET /teapot HTTP/1.1\r\n$H\r\n" \
  "GET /empty HTTP/1.1\r\n$H$C\r\n"
# nginx: GET, HEAD and GET pipelined, then a DELETE (405), with the
# client's bytes saved: read as answers to GET, the HEAD response (no
# content) makes the next response its content; lint with
# --requests=nginx-pipelined.requests (named *.responses, so that directory
# walks, which cannot know that, leave it out).
RC_REQUESTS="$out/nginx-pipelined.requests" rec $nginx_port "$out/nginx-pipelined.responses" \
  "GET / HTTP/1.1\r\n$H\r\n" \
  "HEAD /index.html HTTP/1.1\r\n$H\r\n" \
  "GET /missing HTTP/1.1\r\n$H\r\n" \
  "DELETE /index.html HTTP/1.1\r\n$H$C\r\n"
# nginx: a chunked response (SSI output has no length).
rec $nginx_port "$out/nginx-chunked.http" \
  "GET /ssi/page.html HTTP/1.1\r\n$H$C\r\n"
# nginx: a HEAD response (lint with --method=HEAD).
rec $nginx_port "$out/nginx-head.head" \
  "HEAD /index.html HTTP/1.1\r\n$H$C\r\n"
# Python, HTTP/1.0: one response, then the server closes.
rec $py10_port "$out/python-http10.http" \
  "GET /index.html HTTP/1.0\r\n$H\r\n"
# Python, HTTP/1.1: keep-alive with a directory listing, a 301 to the
# directory's slash form, a 304, then a 404 (http.server closes the
# connection after every error response, hence last).
rec $py11_port "$out/python-http11-keepalive.http" \
  "GET /docs/ HTTP/1.1\r\n$H\r\n" \
  "GET /docs HTTP/1.1\r\n$H\r\n" \
  "GET /index.html HTTP/1.1\r\n$H$IMS\r\n" \
  "GET /missing HTTP/1.1\r\n$H$C\r\n"
# Python: a 501 for POST, whose reason is not the registered phrase.
rec $py11_port "$out/python-501.http" \
  "POST / HTTP/1.1\r\n${H}Content-Length: 0\r\n$C\r\n"
# Python: a HEAD response (lint with --method=HEAD).
rec $py11_port "$out/python-head.head" \
  "HEAD /index.html HTTP/1.1\r\n$H$C\r\n"
# curl, the way a user saves a response: --raw keeps the chunked framing.
timeout 20 curl --raw -si --http1.1 -o "$out/curl-nginx-chunked.http" \
  "http://127.0.0.1:$nginx_port/ssi/page.html"
echo "$out/curl-nginx-chunked.http: $(wc -c < "$out/curl-nginx-chunked.http") bytes"

nginx -v 2>&1
python3 --version
curl --version | head -n 1
