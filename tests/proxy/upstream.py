#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A crafted HTTP/1.x upstream on raw sockets, for respcheck-proxy's tests.

It reads requests (request line, fields, a Content-Length body) and answers
each, in order, with the bytes the request's path names in RESPONSES:
broken on purpose or valid, always the same bytes (a fixed Date), so that a
fetch through the proxy can be compared byte for byte with a direct one.

    python3 upstream.py [--port N]

prints "upstream listening on 127.0.0.1:PORT" once it accepts connections
(port 0, the default, picks a free one) and serves until killed. One thread
per connection; pipelined requests are answered in order.
"""

import argparse
import socket
import sys
import threading

DATE = b"Date: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
BIG_BODY = bytes((i * 7 + i // 251) % 256 for i in range(1 << 20))


def ok(body, extra=b"", ctype=b"text/plain"):
    return (b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Type: " + ctype + b"\r\n" +
            extra + b"Content-Length: " + str(len(body)).encode() +
            b"\r\n\r\n" + body)


def chunked(chunks, trailer=b""):
    out = [b"HTTP/1.1 200 OK\r\n" + DATE + b"Transfer-Encoding: chunked\r\n\r\n"]
    for c in chunks:
        out.append(b"%x\r\n" % len(c) + c + b"\r\n")
    out.append(b"0\r\n" + trailer + b"\r\n")
    return b"".join(out)


# path -> (bytes, or a function(method, version, raw request) -> bytes);
# after them the connection stays open unless "close" is in the name's
# entry of CLOSE_AFTER, or the request asked for it.
RESPONSES = {
    "/valid": ok(b"valid body\n"),
    "/valid-chunked": chunked([b"first chunk\n", b"x" * 5000, b"last\n"]),
    "/big": ok(BIG_BODY, ctype=b"application/octet-stream"),
    # Rules, one response each.
    "/401": (b"HTTP/1.1 401 Unauthorized\r\n" + DATE +
             b"Content-Length: 6\r\n\r\ndenied"),
    "/status4": (b"HTTP/1.1 2000 OK\r\n" + DATE +
                 b"Content-Length: 2\r\n\r\nok"),
    "/clte": (b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 5\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
    "/continue": (b"HTTP/1.1 100 Continue\r\n\r\n" + ok(b"after continue\n")),
    "/badchunk": [
        b"HTTP/1.1 200 OK\r\n" + DATE +
        b"Transfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n",
        b"zz\r\nnot a chunk\r\n0\r\n\r\n"],
    "/badchunk-wait": [
        b"HTTP/1.1 200 OK\r\n" + DATE +
        b"Transfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n",
        b"zz\r\nnot a chunk\r\n0\r\n\r\n"],
    "/204cl": (b"HTTP/1.1 204 No Content\r\n" + DATE +
               b"Content-Length: 5\r\n\r\nhello"),
    "/trailer": chunked([b"body\n"], b"Content-Length: 5\r\n"),
    "/nodate": (b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes"),
    "/bigheader": (b"HTTP/1.1 200 OK\r\n" + DATE +
                   b"".join(b"X-Filler-%d: %s\r\n" % (i, b"f" * 1000)
                            for i in range(70)) +
                   b"Content-Length: 0\r\n\r\n"),
    # A response, then bytes nobody asked for: a second response.
    "/smuggle": (ok(b"ok") + b"HTTP/1.1 200 OK\r\n" + DATE +
                 b"Content-Length: 4\r\n\r\nevil"),
    "/valid-close": ok(b"last one\n", b"Connection: close\r\n"),
    "/close": (b"HTTP/1.1 200 OK\r\n" + DATE +
               b"Connection: close\r\n\r\nbody read until the connection "
               b"closes\n"),
    "/upgrade": (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\n"
                 b"Connection: Upgrade\r\n\r\n"),
}
CLOSE_AFTER = {"/close", "/valid-close", "/smuggle", "/badchunk", "/badchunk-wait"}


def head_response(method, path):
    if path == "/head":
        # A HEAD response: the Content-Length of the GET, no body.
        body = b"h" * 1000
        return (b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 1000\r\n\r\n"
                + (b"" if method == "HEAD" else body))
    return None


def read_request(conn, buf):
    """Returns (method, target, version, headers dict, raw bytes, rest) or
    None at end of stream."""
    while b"\r\n\r\n" not in buf:
        data = conn.recv(65536)
        if not data:
            return None
        buf += data
    end = buf.index(b"\r\n\r\n") + 4
    head, buf = buf[:end], buf[end:]
    lines = head[:-4].split(b"\r\n")
    method, target, version = lines[0].decode("latin-1").split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode("latin-1")] = \
            value.strip().decode("latin-1")
    length = int(headers.get("content-length", "0"))
    while len(buf) < length:
        data = conn.recv(65536)
        if not data:
            return None
        buf += data
    raw = head + buf[:length]
    return method, target, version, headers, raw, buf[length:]


def serve(conn):
    buf = b""
    try:
        while True:
            req = read_request(conn, buf)
            if req is None:
                return
            method, target, version, headers, raw, buf = req
            path = target.split("?", 1)[0]
            if path == "/slow":
                # Never answers: the proxy's timeout must.
                while conn.recv(65536):
                    pass
                return
            if path == "/echo-request":
                resp = ok(raw)
            else:
                resp = head_response(method, path)
                if resp is None:
                    resp = RESPONSES.get(path)
                if resp is None:
                    resp = (b"HTTP/1.1 404 Not Found\r\n" + DATE +
                            b"Content-Length: 0\r\n\r\n")
            parts = resp if isinstance(resp, list) else [resp]
            for i, part in enumerate(parts):
                if i > 0 and path == "/badchunk-wait":
                    # The rest only once the client has seen the head: it
                    # then half-closes, and the proxy passes the FIN on.
                    while conn.recv(65536):
                        pass
                conn.sendall(part)
            if path == "/upgrade":
                # Echo whatever comes, raw, until the client closes.
                if buf:
                    conn.sendall(buf)
                while True:
                    data = conn.recv(65536)
                    if not data:
                        return
                    conn.sendall(data)
            conn_hdr = headers.get("connection", "").lower()
            if (path in CLOSE_AFTER or conn_hdr == "close" or
                    (version == "HTTP/1.0" and conn_hdr != "keep-alive")):
                return
    except OSError:
        pass
    finally:
        try:
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.port))
    srv.listen(128)
    print("upstream listening on 127.0.0.1:%d" % srv.getsockname()[1],
          flush=True)
    while True:
        conn, _ = srv.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
