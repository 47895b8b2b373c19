#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Streams a large, valid response capture to stdout: keep-alive responses
back to back (Content-Length bodies from 0 bytes to 1 MiB, chunked bodies,
304, 204, 100 Continue before a 200), every one of them accepted by
respcheck, until at least SIZE bytes are written. Memory stays small: a few
prebuilt responses are written over and over.

    python3 tests/cli/gen_big_capture.py 1G | respcheck --quiet -
    /usr/bin/time -v respcheck --quiet - < <(python3 tests/cli/gen_big_capture.py 1G)

SIZE takes K, M and G suffixes (powers of 1024).
"""
import sys

DATE = b"Date: Tue, 15 Jul 2025 08:12:31 GMT\r\n"


def body(n):
    line = b"The quick brown fox jumps over the lazy dog 0123456789.\n"
    return (line * (n // len(line) + 1))[:n]


def fixed(n, keep=b""):
    return (b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Type: text/plain\r\n" + keep +
            b"Content-Length: " + str(n).encode() + b"\r\n\r\n" + body(n))


def chunked(sizes):
    out = [b"HTTP/1.1 200 OK\r\n" + DATE +
           b"Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"]
    for n in sizes:
        out.append(b"%x\r\n" % n + body(n) + b"\r\n")
    out.append(b"0\r\n\r\n")
    return b"".join(out)


def responses():
    return [
        fixed(0),
        fixed(1024),
        fixed(64 * 1024 + 17),
        fixed(1024 * 1024),
        chunked([1, 100, 8192, 65536, 3]),
        b"HTTP/1.1 304 Not Modified\r\n" + DATE + b"ETag: \"abc\"\r\n\r\n",
        b"HTTP/1.1 204 No Content\r\n" + DATE + b"\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\n" + fixed(300),
        b"HTTP/1.1 404 Not Found\r\n" + DATE +
        b"Content-Type: text/html\r\nContent-Length: 9\r\n\r\nnot found",
    ]


def parse_size(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if s and s[-1].upper() in mult:
        return int(s[:-1]) * mult[s[-1].upper()]
    return int(s)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    size = parse_size(sys.argv[1])
    block = b"".join(responses())
    out = sys.stdout.buffer
    written = 0
    try:
        while written < size:
            out.write(block)
            written += len(block)
        out.flush()
    except BrokenPipeError:
        sys.exit(1)


if __name__ == "__main__":
    main()
