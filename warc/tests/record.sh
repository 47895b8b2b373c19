#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Records the real WARC files of warc/tests/recorded/ with Debian's wget
# (--warc-file) against nginx and Python's http.server on loopback.
# Documentation of provenance: CI never runs it (the files are committed;
# dates, UUIDs and versions in them change with every recording).
# Needs nginx, python3 and wget.
#
#   bash warc/tests/record.sh [OUTDIR]     (default: warc/tests/recorded)
#
# nginx.warc.gz: wget's default, one gzip member per record; several wget
#   runs (GET of a page, a redirect, a chunked page, 404, 204, 401; HEAD of
#   the page; POST to a static file, which nginx answers 405 without Allow)
#   concatenated, as gzip members may be.
# python.warc: --no-warc-compression; Python's http.server speaking
#   HTTP/1.0 (its default: 200, 404 "File not found", HEAD, 501 to POST) and
#   HTTP/1.1 (--protocol HTTP/1.1).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/recorded}
mkdir -p "$out"
work=$(mktemp -d /tmp/respcheck-warc-record.XXXXXX)
chmod 755 "$work"
nginx_port=18281
py10_port=18282
py11_port=18283
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# --- the site -------------------------------------------------------------
mkdir -p "$work/www/ssi" "$work/www/private"
printf '<!doctype html>\n<title>respcheck demo</title>\n<p>Hello from the loopback.</p>\n' \
  > "$work/www/index.html"
printf '<!doctype html>\n<p>Generated at <!--# echo var="date_gmt" -->.</p>\n<p>Chunked by nginx (ssi).</p>\n' \
  > "$work/www/ssi/page.html"
printf 'secret\n' > "$work/www/private/index.html"
# No credentials are ever sent: the point is the 401.
printf 'demo:{PLAIN}demo\n' > "$work/htpasswd"
touch -d '2025-01-01 00:00:00 UTC' "$work/www/index.html"

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
  server {
    listen 127.0.0.1:$nginx_port;
    server_name localhost;
    root $work/www;
    location = /old { return 301 /index.html; }
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

python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$py10_port" \
  >/dev/null 2>&1 &
pids+=($!)
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" \
  --protocol HTTP/1.1 "$py11_port" >/dev/null 2>&1 &
pids+=($!)

# The servers were just started: wait for their ports, bounded.
for port in $nginx_port $py10_port $py11_port; do
  for _ in $(seq 100); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
done

# wget: no retries, no following of redirects, bodies of errors kept,
# nothing written but the WARC file.
w() {
  local name=$1
  shift
  (cd "$work" && timeout 20 wget -q --tries=1 --max-redirect=0 \
      --content-on-error -O /dev/null --warc-file="$name" "$@") || true
}
n="http://127.0.0.1:$nginx_port"
w n1 "$n/index.html" "$n/old" "$n/ssi/page.html" "$n/missing" "$n/empty" \
  "$n/private/"
w n2 --method=HEAD "$n/index.html"
w n3 --method=POST --body-data=x "$n/index.html"
cat "$work/n1.warc.gz" "$work/n2.warc.gz" "$work/n3.warc.gz" > "$out/nginx.warc.gz"

p10="http://127.0.0.1:$py10_port"
p11="http://127.0.0.1:$py11_port"
w p1 --no-warc-compression "$p10/index.html" "$p10/missing" "$p11/index.html"
w p2 --no-warc-compression --method=HEAD "$p10/index.html"
w p3 --no-warc-compression --method=POST --body-data=x "$p10/index.html"
cat "$work/p1.warc" "$work/p2.warc" "$work/p3.warc" > "$out/python.warc"

ls -l "$out"
