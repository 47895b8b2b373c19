#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Python http.client as a client of the differential test (fuzz/diff/run.py).

Usage: python_client.py URL METHOD TIMEOUT REQUESTS

Sends REQUESTS requests (METHOD URL) on one http.client.HTTPConnection, one
after the other, reading each response fully (getresponse(), read()), and
prints one JSON object: the Python version and, per request, what http.client
made of the response: status, reason, version, headers (getheaders(), as
latin-1-mapped strings), body length and sha256, whether it reused the
connection, the error raised (type and message) and the time taken.
"""
import hashlib
import http.client
import json
import sys
import time
import urllib.parse


def main():
    url, method, timeout, count = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    out = {"client": "python", "version": "Python %s http.client" % sys.version.split()[0], "requests": []}
    sock_before = None
    for i in range(count):
        r = {"index": i, "status": None, "reason": None, "headers": None, "body_length": None,
             "body_sha256": None, "error": None}
        t0 = time.monotonic()
        body = b""
        try:
            sock_before = conn.sock
            conn.request(method, u.path or "/", headers={"X-Diff-Request": str(i)})
            r["reused"] = sock_before is not None and conn.sock is sock_before
            resp = conn.getresponse()
            r["status"] = resp.status
            r["reason"] = resp.reason
            r["version"] = resp.version
            r["headers"] = [[k, v] for k, v in resp.getheaders()]
            r["chunked"] = bool(resp.chunked)
            r["length"] = resp.length
            r["will_close"] = bool(resp.will_close)
            try:
                body = resp.read()
            except http.client.IncompleteRead as e:
                body = e.partial
                raise
        except Exception as e:  # noqa: BLE001 - every error is a result here
            r["error"] = "%s: %s" % (type(e).__name__, str(e)[:200])
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass
        r["body_length"] = len(body)
        r["body_sha256"] = hashlib.sha256(body).hexdigest()
        r["elapsed"] = round(time.monotonic() - t0, 3)
        out["requests"].append(r)
    conn.close()
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
