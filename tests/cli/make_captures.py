#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the hand-made captures: examples/captures/broken-*.http (bundled
samples of classic mistakes) and tests/cli/captures/*.http (edge cases for
the command's tests). Deterministic; the files are committed, this script is
their provenance. Run from anywhere:

    python3 tests/cli/make_captures.py

The real-server captures are recorded by examples/record-captures.sh.
"""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples", "captures")
TESTS = os.path.join(ROOT, "tests", "cli", "captures")

DATE = b"Date: Tue, 15 Jul 2025 08:12:31 GMT\r\n"


def ok(body=b"ok", extra=b""):
    return (b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Type: text/plain\r\n" + extra +
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


EXAMPLE_CAPTURES = {
    # A 100 Continue interim response in HTTP/1.0, which has no 1xx.
    "broken-1xx-http10.http":
        b"HTTP/1.0 100 Continue\r\n\r\n"
        b"HTTP/1.0 200 OK\r\n" + DATE + b"Content-Length: 2\r\n\r\nok",
    # A status code of four digits.
    "broken-4digit-status.http":
        b"HTTP/1.1 2000 OK\r\n" + DATE + b"Content-Length: 2\r\n\r\nok",
    # 401 without a WWW-Authenticate challenge, then a fine response.
    "broken-401-no-challenge.http":
        b"HTTP/1.1 401 Unauthorized\r\n" + DATE +
        b"Content-Type: text/plain\r\nContent-Length: 13\r\n\r\nlog in first\n" + ok(),
    # Content-Length together with Transfer-Encoding (request smuggling).
    "broken-cl-and-te.http":
        b"HTTP/1.1 200 OK\r\n" + DATE +
        b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n0\r\n\r\n",
    # An unregistered 3xx: a client must treat it as 300.
    "broken-status-399.http":
        b"HTTP/1.1 399 Go Elsewhere\r\n" + DATE +
        b"Location: /elsewhere\r\nContent-Length: 0\r\n\r\n",
    # Obsolete line folding in a field value.
    "broken-obs-fold.http":
        b"HTTP/1.1 200 OK\r\n" + DATE +
        b"X-Long: first part\r\n  second part\r\nContent-Length: 2\r\n\r\nok",
    # A bare CR inside the header section.
    "broken-bare-cr.http":
        b"HTTP/1.1 200 OK\r\n" + DATE +
        b"X-Note: one\rtwo\r\nContent-Length: 2\r\n\r\nok",
    # The stream ends 80 bytes into a 200-byte body.
    "broken-truncated.http":
        b"HTTP/1.1 200 OK\r\n" + DATE +
        b"Content-Type: text/plain\r\nContent-Length: 200\r\n\r\n" + b"x" * 79 + b"\n",
}

TEST_CAPTURES = {
    # Bytes that must come out escaped, in a head the tokenizer accepts
    # (obs-text): invalid UTF-8 (a lone 0xFF, an overlong, a surrogate, a
    # code point above U+10FFFF, a cut sequence), valid UTF-8, U+2028, a
    # quote and a backslash, in the reason phrase and in field values.
    "hostile-bytes.http":
        b"HTTP/1.1 200 \xff\xfe caf\xc3\xa9 \xe2\x80\xa8 \"q\" \\\r\n" + DATE +
        b"X-Bytes: \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xc2\x85\xc2\x9b[2J \xe2\x82\r\n"
        b"X-Sep: para\xe2\x80\xa9graph\r\n"
        b"Content-Length: 2\r\n\r\nok",
    # A terminal escape sequence in the reason phrase, a control byte in a
    # field value (the tokenizer refuses that one).
    "control-bytes.http":
        b"HTTP/1.1 200 \x1b[31mRED\x1b[0m\r\n" + DATE +
        b"X-Ctl: a\x01b\r\nContent-Length: 2\r\n\r\nok",
    # A stream that is not HTTP at all.
    "not-http.http": b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n",
    # Two fine responses, garbage, then a response that must not be reported.
    "parse-error-middle.http":
        ok() + ok(b"second") + b"GARBAGE / NOT A STATUS LINE\r\n\r\n" +
        b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n",
    # A field line without a colon after a status line read fine: the
    # tokenizer refuses the head, whose status line is kept (issue 11).
    "refused-field-line.http":
        ok() + b"HTTP/1.1 404 Not Found\r\n" + DATE +
        b"no colon on this line\r\nContent-Length: 0\r\n\r\n",
    # Nothing at all.
    "empty.http": b"",
    # An HTTP/1.0 response without keep-alive ends the connection.
    "data-after-close.http":
        b"HTTP/1.0 200 OK\r\n" + DATE + b"Content-Length: 2\r\n\r\nok" +
        b"HTTP/1.0 200 OK\r\n" + DATE + b"Content-Length: 2\r\n\r\nok",
    # 101 with Upgrade, then bytes of another protocol.
    "upgrade-tunnel.http":
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\n\r\n\x81\x05hello\x88\x00",
    # Chunked, with an extension and a forbidden trailer.
    "chunked-trailers.http":
        b"HTTP/1.1 200 OK\r\n" + DATE + b"Transfer-Encoding: chunked\r\nTrailer: Content-Length\r\n\r\n"
        b"5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nContent-Length: 11\r\n\r\n",
    # Many header rules at once, each response its own.
    "status-zoo.http":
        b"HTTP/1.1 204 No Content\r\n" + DATE + b"Content-Length: 0\r\n\r\n" +
        b"HTTP/1.1 206 Partial Content\r\n" + DATE + b"Content-Length: 2\r\n\r\nok" +
        b"HTTP/1.1 305 Use Proxy\r\n" + DATE + b"Content-Length: 0\r\n\r\n" +
        b"HTTP/1.1 418 I'm a teapot\r\n" + DATE + b"Content-Length: 0\r\n\r\n" +
        b"HTTP/1.1 405 Method Not Allowed\r\n" + DATE + b"Content-Length: 0\r\n\r\n" +
        b"HTTP/1.1 407 Proxy Authentication Required\r\n" + DATE + b"Content-Length: 0\r\n\r\n" +
        b"HTTP/1.1 426 Upgrade Required\r\n" + DATE + b"Content-Length: 0\r\n\r\n" +
        b"HTTP/1.1 302 Found\r\n" + DATE + b"Content-Length: 0\r\n\r\n" +
        b"HTTP/1.1 200 Okay\r\nContent-Length: 0\r\n\r\n" +
        b"HTTP/1.1 510 Not Extended\r\n" + DATE + b"Content-Length: 0\r\n\r\n" +
        b"HTTP/1.1 205 Reset Content\r\n" + DATE + b"Content-Length: 3\r\n\r\nabc",
    # Line-ending and whitespace mistakes.
    "line-endings.http":
        b"\r\n\r\nHTTP/1.1 200 OK\n" + DATE + b"Content-Length: 2\n\nok" +
        b"HTTP/1.1 200 OK\r\n X-Indented: 1\r\n" + DATE + b"Content-Length: 0\r\n\r\n" +
        b"HTTP/1.1 200 OK\r\n" + DATE + b"Bad Name: 1\r\nContent-Length: 0\r\n\r\n",
    # Versions.
    "versions.http":
        b"HTTP/1.2 200 OK\r\n" + DATE + b"Content-Length: 0\r\n\r\n" +
        b"HTTP/2.0 200 OK\r\n" + DATE + b"Content-Length: 0\r\n\r\n",
    # Findings far into a file with many lines: line numbers must not depend
    # on how the file is read. The body is 70000 one-byte-ish lines.
    "many-lines.http":
        ok(b"\n" * 70000) + ok(b"x\n" * 3000) +
        b"HTTP/1.1 401 Unauthorized\r\n" + DATE + b"Content-Length: 0\r\n\r\n" +
        b"HTTP/1.1 200 OK\r\n" + DATE + b"X-Pad: " + b"p" * 5000 + b"\r\n"
        b"Content-Length: 10\r\n\r\nshort",
}


def write(folder, files):
    os.makedirs(folder, exist_ok=True)
    for name, data in sorted(files.items()):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
        print(f"{os.path.relpath(os.path.join(folder, name), ROOT)}: {len(data)} bytes")


if __name__ == "__main__":
    write(EXAMPLES, EXAMPLE_CAPTURES)
    write(TESTS, TEST_CAPTURES)
