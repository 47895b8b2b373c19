#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration tests of respcheck-proxy: real processes on 127.0.0.1.

    python3 test_proxy.py --proxy PATH [--group crafted|nginx|shutdown|all]

- crafted: upstream.py (raw sockets, broken bytes on purpose) behind the
  proxy; raw-socket and curl clients. Each broken response gets a 502 naming
  its rule, and the rule is in the JSON log; valid ones arrive byte for byte
  as a direct fetch gets them; HEAD, HTTP/1.0, pipelining, 1xx, report-only,
  timeouts, half-close, the connection limit, tunnels.
- nginx: Debian's nginx behind the proxy, curl in front: bodies and fields
  as fetched directly, HEAD, HTTP/1.0, connection reuse.
- shutdown: SIGTERM and SIGINT with connections open: exit 0, log flushed.

Ports come from binding to port 0 (the proxy and upstream.py print theirs).
Every process is stopped in a finally block (SIGTERM, then SIGKILL after a
bounded wait); every wait has a deadline. A missing tool (nginx, curl) is a
failure with the Debian package to install, never a skip.
"""

import argparse
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import upstream  # noqa: E402 - the crafted responses, for expected bytes
WAIT = 10.0  # seconds: upper bound of any single wait

# ---------------------------------------------------------------------------
# Processes.


class Proc:
    """A child process whose stdout is read for a ready line."""

    def __init__(self, name, argv, tmp, cwd=None):
        self.name = name
        self.stderr_path = os.path.join(tmp, name + ".stderr")
        self.stderr = open(self.stderr_path, "wb")
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                  stderr=self.stderr, stdin=subprocess.DEVNULL,
                                  cwd=cwd)
        self.out = b""

    def wait_line(self, pattern, timeout=WAIT):
        """Waits for a stdout line matching pattern; returns the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        fd = self.p.stdout.fileno()
        while True:
            for line in self.out.split(b"\n"):
                m = rx.search(line.decode("utf-8", "replace"))
                if m:
                    return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("%s: no line matching %r within %.0fs; "
                                     "stdout %r, stderr %r" % (
                                         self.name, pattern, timeout, self.out,
                                         self.stderr_text()))
            r, _, _ = select.select([fd], [], [], left)
            if r:
                data = os.read(fd, 4096)
                if not data:
                    raise AssertionError("%s exited early (status %s); "
                                         "stderr %r" % (self.name,
                                                        self.p.wait(WAIT),
                                                        self.stderr_text()))
                self.out += data

    def stderr_text(self):
        if not self.stderr.closed:
            self.stderr.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        """Stops the process; returns its exit status."""
        if self.stderr.closed:
            return self.p.returncode
        if self.p.poll() is None:
            try:
                self.p.send_signal(sig)
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(WAIT)
        if self.p.stdout:
            self.p.stdout.close()
        self.stderr.close()
        return self.p.returncode


class Procs:
    """Every process started, stopped at the end whatever happens."""

    def __init__(self):
        self.procs = []

    def add(self, proc):
        self.procs.append(proc)
        return proc

    def stop_all(self):
        """Stops every process; returns the number of proxies that did not
        exit 0 on SIGTERM or reported a sanitizer error."""
        bad = 0
        for proc in reversed(self.procs):
            try:
                status = proc.stop()
            except Exception:  # noqa: BLE001 - stop the others anyway
                traceback.print_exc()
                bad += 1
                continue
            if not proc.name.startswith("proxy"):
                continue
            err = proc.stderr_text()
            if status != 0 or "Sanitizer" in err or "runtime error" in err:
                print("FAIL %s: exit status %s; stderr:\n%s" % (
                    proc.name, status, err[-3000:]))
                bad += 1
        self.procs = []
        return bad


def start_upstream(procs, tmp):
    proc = procs.add(Proc("upstream", [sys.executable,
                                       os.path.join(HERE, "upstream.py")],
                          tmp))
    return int(proc.wait_line(r"upstream listening on 127\.0\.0\.1:(\d+)")
               .group(1))


def start_proxy(procs, proxy, tmp, upstream_port, *args, name="proxy"):
    log = os.path.join(tmp, name + ".log")
    argv = [proxy, "--listen=127.0.0.1:0",
            "--upstream=127.0.0.1:%d" % upstream_port, "--log=" + log]
    argv += list(args)
    proc = procs.add(Proc(name, argv, tmp))
    m = proc.wait_line(r"listening on 127\.0\.0\.1:(\d+), .*?(\d+) bytes per "
                       r"connection")
    return proc, int(m.group(1)), log


def free_port():
    """A port free right now (for nginx, which cannot report its own)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if proc.p.poll() is not None:
                raise AssertionError("%s exited (status %s): %s" % (
                    proc.name, proc.p.returncode, proc.stderr_text()))
            if time.monotonic() > deadline:
                raise AssertionError("%s: port %d not accepting within %.0fs"
                                     % (proc.name, port, timeout))
            time.sleep(0.05)


def need_tool(name, package):
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        raise AssertionError("%s not found: install the Debian package '%s' "
                             "(apt-get install %s)" % (name, package, package))
    return path


# ---------------------------------------------------------------------------
# Clients.


def exchange(port, data, half_close=False, timeout=WAIT):
    """Sends data, reads until the server closes. Returns the bytes."""
    deadline = time.monotonic() + timeout
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                raise AssertionError("no end of stream within %.0fs; got %r"
                                     % (timeout, out[:300]))
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
    return out


def read_response(sock, head_only=False, timeout=WAIT):
    """Reads one response (Content-Length or none) from a keep-alive socket.
    Returns (status, head bytes, body bytes)."""
    deadline = time.monotonic() + timeout
    buf = b""
    while b"\r\n\r\n" not in buf:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("connection closed inside a head: %r" % buf)
        buf += chunk
    end = buf.index(b"\r\n\r\n") + 4
    head, body = buf[:end], buf[end:]
    m = re.search(rb"\r\ncontent-length: *(\d+)", head, re.I)
    length = 0 if head_only or m is None else int(m.group(1))
    while len(body) < length:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("connection closed inside a body")
        body += chunk
    if len(body) != length:
        raise AssertionError("extra bytes after a response: %r" % body[length:])
    return int(head.split(b" ", 2)[1]), head, body


def get(path, version="1.1", method="GET", close=True, extra=b""):
    req = b"%s %s HTTP/%s\r\nHost: test\r\n" % (method.encode(), path.encode(),
                                               version.encode())
    if close:
        req += b"Connection: close\r\n"
    return req + extra + b"\r\n"


def status_of(data):
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", data)
    if not m:
        raise AssertionError("not an HTTP response: %r" % data[:200])
    return int(m.group(1))


# ---------------------------------------------------------------------------
# The log.


def records(log):
    out = []
    with open(log, "rb") as f:
        for n, line in enumerate(f.read().split(b"\n")):
            if not line:
                continue
            try:
                out.append(json.loads(line.decode("utf-8")))
            except (ValueError, UnicodeDecodeError) as e:
                raise AssertionError("log line %d is not JSON (%s): %r" %
                                     (n + 1, e, line))
    return out


def wait_record(log, pred, what, timeout=WAIT):
    """The log is written before the client gets the outcome; the deadline
    only guards against a bug."""
    deadline = time.monotonic() + timeout
    while True:
        for r in records(log):
            if pred(r):
                return r
        if time.monotonic() > deadline:
            raise AssertionError("no log record for %s; log: %s" % (
                what, json.dumps(records(log), indent=1)[:3000]))
        time.sleep(0.02)


def rules_of(rec):
    return [f["rule"] for f in rec["findings"]]


def for_target(target, method="GET"):
    return lambda r: (r.get("request") or {}).get("target") == target and \
        r["request"]["method"] == method


# ---------------------------------------------------------------------------
# Test runner.

RESULTS = []


def case(name):
    def deco(fn):
        fn.case_name = name
        return fn
    return deco


def run_cases(cases, *args):
    failed = 0
    for fn in cases:
        t0 = time.monotonic()
        try:
            fn(*args)
            print("ok   %-46s %.2fs" % (fn.case_name, time.monotonic() - t0),
                  flush=True)
        except Exception:  # noqa: BLE001 - report and go on
            failed += 1
            print("FAIL %s" % fn.case_name, flush=True)
            traceback.print_exc()
    return failed


# ---------------------------------------------------------------------------
# crafted: upstream.py behind the proxy.


class Crafted:
    def __init__(self, proxy, tmp, procs):
        self.proxy, self.tmp, self.procs = proxy, tmp, procs
        self.up = start_upstream(procs, tmp)
        self.pp, self.port, self.log = start_proxy(procs, proxy, tmp, self.up,
                                                   "--log-all")

    def same_as_direct(self, req, half_close=False):
        direct = exchange(self.up, req, half_close)
        via = exchange(self.port, req, half_close)
        if via != direct:
            raise AssertionError("through the proxy %d bytes, directly %d; "
                                 "first difference at %d:\n proxy  %r\n direct %r"
                                 % (len(via), len(direct), next(
                                     (i for i, (a, b) in enumerate(zip(via, direct))
                                      if a != b), min(len(via), len(direct))),
                                    via[:200], direct[:200]))
        return via


REJECTS = [
    # path, request version, rule
    ("/401", "1.1", "www-authenticate-missing"),
    ("/status4", "1.1", "status-code-syntax"),
    ("/clte", "1.1", "framing-conflict"),
    ("/204cl", "1.1", "content-length-forbidden"),
    ("/bigheader", "1.1", "header-section-too-large"),
    ("/continue", "1.0", "status-1xx-http10"),
    # A warning in the library (RFC 9112 2.2 lets a recipient read bare LF),
    # an error in the proxy's defaults: clients differ on it.
    ("/lf-only", "1.1", "bare-lf"),
]


@case("valid responses arrive byte for byte")
def t_valid(c):
    for path in ("/valid", "/valid-chunked", "/big", "/nodate"):
        via = c.same_as_direct(get(path))
        assert status_of(via) == 200, path
    rec = wait_record(c.log, for_target("/nodate"), "/nodate")
    assert rules_of(rec) == ["date-missing"], rec
    assert rec["action"] == "forwarded" and rec["verdict"] == "accept", rec
    assert rec["findings"][0]["severity"] == "info", rec


@case("a slow reader gets large bodies whole")
def t_slow_reader(c):
    # A small receive buffer and small reads: the proxy's writes to the
    # client are partial, and what the socket does not take waits in the
    # connection's own buffer (the read buffer is shared).
    for path in ("/big", "/valid-chunked"):
        want = exchange(c.up, get(path))
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.settimeout(WAIT)
            s.connect(("127.0.0.1", c.port))
            s.sendall(get(path))
            got = b""
            while True:
                chunk = s.recv(1000)
                if not chunk:
                    break
                got += chunk
        assert got == want, (path, len(got), len(want))


@case("close-delimited body and half-close")
def t_close(c):
    via = c.same_as_direct(get("/close", close=False))
    assert via.endswith(b"closes\n"), via
    rec = wait_record(c.log, for_target("/close"), "/close")
    assert rec["complete"] is True and rec["verdict"] == "accept", rec
    # The client sends FIN after its request: the response still comes, then
    # the proxy closes.
    via = c.same_as_direct(get("/valid", close=False), half_close=True)
    assert status_of(via) == 200 and via.endswith(b"valid body\n"), via


@case("Connection: close response ends a pipeline")
def t_connection_close(c):
    # The upstream says close and closes: the client gets that response and
    # a FIN, not a 502 for the request the upstream never read.
    req = get("/valid-close", close=False) + get("/valid", close=False)
    via = exchange(c.port, req)
    assert via == upstream.ok(b"last one\n", b"Connection: close\r\n"), via


@case("request bytes forwarded unchanged")
def t_request_unchanged(c):
    req = (b"POST /echo-request?q=1 HTTP/1.1\r\nHost: test\r\n"
           b"X-Odd-Case:  spaced value \r\ncOnTeNt-LeNgTh: 11\r\n"
           b"Connection: close\r\n\r\nhello world")
    via = exchange(c.port, req)
    assert status_of(via) == 200, via
    assert via.endswith(b"\r\n\r\n" + req), via


@case("each broken head gets 502 and its rule logged")
def t_rejects(c):
    for path, version, rule in REJECTS:
        via = exchange(c.port, get(path, version))
        assert status_of(via) == 502, (path, via[:300])
        head, _, body = via.partition(b"\r\n\r\n")
        assert b"\r\nConnection: close" in head, head
        assert rule.encode() in body, (path, body)
        rec = wait_record(c.log, lambda r, p=path: for_target(p)(r) and
                          r["action"] == "rejected", path)
        assert rule in rules_of(rec), (path, rec)
        assert rec["verdict"] == "reject", rec
        assert rec["request"]["version"] == version, rec
        # The upstream's bytes never reached the client.
        assert b"denied" not in via and b"hello" not in via, via


@case("1xx to HTTP/1.1 forwarded, to HTTP/1.0 rejected")
def t_continue(c):
    via = c.same_as_direct(get("/continue", "1.1"))
    assert via.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK"), via
    recs = [r for r in records(c.log) if for_target("/continue")(r) and
            r["request"]["version"] == "1.1"]
    assert [r["status"] for r in recs[-2:]] == [100, 200], recs
    assert all(r["verdict"] == "accept" for r in recs[-2:]), recs
    rec = wait_record(c.log, lambda r: for_target("/continue")(r) and
                      r["request"]["version"] == "1.0", "/continue 1.0")
    assert rec["status"] == 100 and "status-1xx-http10" in rules_of(rec), rec


@case("error in a body already sent closes the client")
def t_cut(c):
    for path, rule in (("/badchunk", "parse-error"),
                       ("/trailer", "trailer-field-forbidden")):
        direct = exchange(c.up, get(path))
        via = exchange(c.port, get(path))
        assert via.startswith(b"HTTP/1.1 200 OK\r\n"), via
        assert len(via) < len(direct) and direct.startswith(via), (via, direct)
        assert not via.endswith(b"0\r\n\r\n"), via
        rec = wait_record(c.log, for_target(path), path)
        assert rec["action"] == "cut" and rule in rules_of(rec), rec
    # The bad chunk comes only after the client has read the head and the
    # first chunk through the proxy: a cut mid-body for certain.
    with socket.create_connection(("127.0.0.1", c.port), timeout=WAIT) as s:
        s.sendall(get("/badchunk-wait", close=False))
        got = b""
        while not got.endswith(b"5\r\nfirst\r\n"):
            chunk = s.recv(4096)
            assert chunk, got
            got += chunk
        s.shutdown(socket.SHUT_WR)
        s.settimeout(WAIT)
        while True:
            try:
                chunk = s.recv(4096)
            except ConnectionResetError:
                break
            if not chunk:
                break
            got += chunk
    assert got.endswith(b"5\r\nfirst\r\n"), got
    rec = wait_record(c.log, for_target("/badchunk-wait"), "/badchunk-wait")
    assert rec["action"] == "cut" and "parse-error" in rules_of(rec), rec


@case("HEAD with Content-Length, connection reused")
def t_head(c):
    with socket.create_connection(("127.0.0.1", c.port), timeout=WAIT) as s:
        s.sendall(get("/head", method="HEAD", close=False))
        status, head, body = read_response(s, head_only=True)
        assert status == 200 and b"Content-Length: 1000" in head, head
        assert body == b"", body
        s.sendall(get("/head", close=False))
        status, head, body = read_response(s)
        assert status == 200 and body == b"h" * 1000, (status, len(body))
    recs = [r for r in records(c.log) if (r.get("request") or {})
            .get("target") == "/head"]
    assert [r["request"]["method"] for r in recs[-2:]] == ["HEAD", "GET"], recs
    assert all(r["verdict"] == "accept" and r["complete"] for r in recs[-2:])
    # The same pipelined, compared with the upstream's own bytes.
    c.same_as_direct(get("/head", method="HEAD", close=False) + get("/valid"))


@case("pipelined requests paired in order")
def t_pipeline(c):
    reqs = [get("/valid", close=False), get("/valid-chunked", close=False),
            get("/head", method="HEAD", close=False),
            get("/nodate", close=False), get("/continue", close=False),
            get("/echo-request", close=False), get("/valid")]
    c.same_as_direct(b"".join(reqs))
    conn = max(r["connection"] for r in records(c.log))
    recs = [r for r in records(c.log) if r["connection"] == conn]
    got = [(r["request"]["method"], r["request"]["target"], r["status"])
           for r in recs]
    assert got == [("GET", "/valid", 200), ("GET", "/valid-chunked", 200),
                   ("HEAD", "/head", 200), ("GET", "/nodate", 200),
                   ("GET", "/continue", 100), ("GET", "/continue", 200),
                   ("GET", "/echo-request", 200), ("GET", "/valid", 200)], got
    assert [r["index"] for r in recs] == list(range(8)), recs


@case("more pipelined requests than the queue holds")
def t_queue(c):
    pp, port, log = start_proxy(c.procs, c.proxy, c.tmp, c.up,
                                "--max-pending-requests=2", "--log-all",
                                name="proxy-queue")
    reqs = b"".join(get("/valid?%d" % i, close=False) for i in range(9))
    reqs += get("/valid?last")
    via = exchange(port, reqs)
    assert via == exchange(c.up, reqs), via[:300]
    assert via.count(b"HTTP/1.1 200 OK") == 10, via
    pp.stop()


@case("broken response inside a pipeline")
def t_pipeline_reject(c):
    reqs = get("/valid", close=False) + get("/401", close=False) + get("/valid")
    via = exchange(c.port, reqs)
    first = exchange(c.up, get("/valid"))
    assert via.startswith(first), via
    rest = via[len(first):]
    assert status_of(rest) == 502 and b"www-authenticate-missing" in rest, rest
    assert rest.count(b"HTTP/1.1") == 1, rest


@case("response nobody asked for is dropped")
def t_smuggle(c):
    via = exchange(c.port, get("/smuggle", close=False))
    # The first response, and nothing of the second.
    assert via == upstream.ok(b"ok"), via
    rec = wait_record(c.log, lambda r: r["request"] is None and
                      r["action"] == "dropped", "the unsolicited response")
    assert rec["index"] == 1, rec


@case("upstream unreachable: 502")
def t_unreachable(c):
    # A port bound but never listened on, held for the whole case: a
    # connection to it is refused, and the proxy's own listening socket
    # (port 0) cannot be given it, as it could a port found free and let go
    # (the proxy then proxied to itself until --max-connections).
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        pp, port, log = start_proxy(c.procs, c.proxy, c.tmp,
                                    held.getsockname()[1],
                                    name="proxy-unreachable")
        via = exchange(port, get("/valid"))
        assert status_of(via) == 502 and b"upstream unreachable" in via, via
        pp.stop()


@case("idle upstream: 504 after --timeout")
def t_timeout(c):
    pp, port, log = start_proxy(c.procs, c.proxy, c.tmp, c.up, "--timeout=1",
                                "--header-timeout=1", name="proxy-timeout")
    t0 = time.monotonic()
    via = exchange(port, get("/slow"), timeout=6)
    assert status_of(via) == 504, via
    assert 0.9 < time.monotonic() - t0 < 5, time.monotonic() - t0
    # A client connection that sends no request is closed after
    # --header-timeout.
    with socket.create_connection(("127.0.0.1", port), timeout=6) as s:
        s.settimeout(6)
        assert s.recv(100) == b""
    pp.stop()


@case("unparseable request: 400")
def t_bad_request(c):
    via = exchange(c.port, b"G@T / HTTP/1.1\r\nHost: test\r\n\r\n")
    assert status_of(via) == 400, via
    # Answered requests before it still get their responses first.
    via = exchange(c.port, get("/valid", close=False) + b"BAD\x01 request\r\n\r\n")
    first = exchange(c.up, get("/valid", close=False), half_close=True)
    assert via.startswith(first) and status_of(via[len(first):]) == 400, via


@case("101 upgrade: bytes relayed both ways")
def t_upgrade(c):
    with socket.create_connection(("127.0.0.1", c.port), timeout=WAIT) as s:
        s.sendall(b"GET /upgrade HTTP/1.1\r\nHost: test\r\nUpgrade: echo\r\n"
                  b"Connection: Upgrade\r\n\r\n")
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(4096)
            assert chunk, buf
            buf += chunk
        assert buf.startswith(b"HTTP/1.1 101 "), buf
        for msg in (b"ping\r\n", b"not HTTP at all \x00\xff\r\n\r\n"):
            s.sendall(msg)
            got = b""
            while len(got) < len(msg):
                chunk = s.recv(4096)
                assert chunk, got
                got += chunk
            assert got == msg, (got, msg)


@case("report-only forwards broken responses")
def t_report_only(c):
    pp, port, log = start_proxy(c.procs, c.proxy, c.tmp, c.up,
                                "--report-only", name="proxy-report")
    for path, version, rule in REJECTS + [("/badchunk", "1.1", "parse-error")]:
        req = get(path, version)
        via = exchange(port, req)
        assert via == exchange(c.up, req), (path, via[:200])
        rec = wait_record(log, for_target(path), path)
        assert rule in rules_of(rec), (path, rec)
        assert rec["verdict"] == "reject" and rec["action"] == "forwarded", rec
    pp.stop()


@case("--rule bare-lf=warning forwards LF-only heads")
def t_bare_lf_warning(c):
    pp, port, log = start_proxy(c.procs, c.proxy, c.tmp, c.up,
                                "--rule=bare-lf=warning", name="proxy-lf")
    req = get("/lf-only")
    via = exchange(port, req)
    assert via == exchange(c.up, req), via[:200]
    rec = wait_record(log, for_target("/lf-only"), "/lf-only")
    assert "bare-lf" in rules_of(rec) and rec["action"] == "forwarded", rec
    pp.stop()


@case("--max-connections holds further clients back")
def t_max_connections(c):
    pp, port, log = start_proxy(c.procs, c.proxy, c.tmp, c.up,
                                "--max-connections=1", name="proxy-maxconn")
    a = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    b = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    try:
        a.sendall(get("/valid", close=False))
        assert read_response(a)[0] == 200
        b.sendall(get("/valid", close=False))
        # B waits in the backlog while A holds the only slot.
        r, _, _ = select.select([b], [], [], 0.5)
        assert not r, "second connection served beyond --max-connections=1"
        a.close()
        assert read_response(b)[0] == 200
    finally:
        a.close()
        b.close()
    pp.stop()


@case("curl: HTTP/1.1, HTTP/1.0, HEAD")
def t_curl(c):
    curl = need_tool("curl", "curl")
    for flags, path, code in (([], "/valid", "200"), (["--http1.0"], "/valid",
                                                      "200"),
                              (["-I"], "/head", "200"), ([], "/401", "502"),
                              (["--http1.0"], "/continue", "502"),
                              (["-I"], "/401", "502")):
        outs = []
        for port in (c.up, c.port):
            body = os.path.join(c.tmp, "curl.body")
            heads = os.path.join(c.tmp, "curl.heads")
            r = subprocess.run([curl, "--http1.1", "-s", "-m", "10", "-o", body,
                                "-D", heads, "-w", "%{http_code}"] + flags +
                               ["http://127.0.0.1:%d%s" % (port, path)],
                               stdout=subprocess.PIPE, timeout=WAIT + 5)
            with open(body, "rb") as f1, open(heads, "rb") as f2:
                outs.append((r.stdout.decode(), f2.read(), f1.read()))
        if code == "200":
            assert outs[1] == outs[0], (flags, path, outs)
        else:
            assert outs[1][0] == code, (flags, path, outs[1])
    rec = wait_record(c.log, lambda r: for_target("/401", "HEAD")(r) and
                      r["action"] == "rejected", "HEAD /401")
    assert "www-authenticate-missing" in rules_of(rec), rec


CRAFTED = [t_valid, t_slow_reader, t_close, t_connection_close, t_request_unchanged, t_rejects, t_continue, t_cut,
           t_head, t_pipeline, t_queue, t_pipeline_reject, t_smuggle,
           t_unreachable, t_timeout, t_bad_request, t_upgrade, t_report_only, t_bare_lf_warning,
           t_max_connections, t_curl]


def group_crafted(proxy, tmp, procs):
    c = Crafted(proxy, tmp, procs)
    failed = run_cases(CRAFTED, c)
    # Every line of every log is JSON (records() checks).
    for name in os.listdir(tmp):
        if name.endswith(".log"):
            records(os.path.join(tmp, name))
    if c.pp.stop() != 0:
        print("FAIL the proxy did not exit 0 on SIGTERM: %s" %
              c.pp.stderr_text())
        failed += 1
    return failed


# ---------------------------------------------------------------------------
# nginx behind the proxy, curl in front.

NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  default_type application/octet-stream;
  client_body_temp_path {tmp}/nginx-body;
  proxy_temp_path {tmp}/nginx-proxy;
  fastcgi_temp_path {tmp}/nginx-fastcgi;
  uwsgi_temp_path {tmp}/nginx-uwsgi;
  scgi_temp_path {tmp}/nginx-scgi;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{port};
    root {tmp}/www;
    location /gz/ {{ gzip on; gzip_types *; gzip_min_length 1; }}
  }}
}}
"""


def start_nginx(procs, tmp, port):
    nginx = need_tool("nginx", "nginx")
    www = os.path.join(tmp, "www")
    os.makedirs(os.path.join(www, "gz"), exist_ok=True)
    with open(os.path.join(www, "small.txt"), "wb") as f:
        f.write(b"small file\n")
    with open(os.path.join(www, "big.bin"), "wb") as f:
        f.write(os.urandom(3 << 20))
    with open(os.path.join(www, "gz", "text.txt"), "wb") as f:
        f.write(b"compressible line\n" * 5000)
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(tmp=tmp, port=port))
    proc = procs.add(Proc("nginx", [nginx, "-p", tmp, "-e",
                                    os.path.join(tmp, "nginx-error.log"),
                                    "-c", conf], tmp))
    wait_port(port, proc)
    return proc


def curl_fetch(curl, tmp, url, flags):
    body = os.path.join(tmp, "nginx.body")
    heads = os.path.join(tmp, "nginx.heads")
    for p in (body, heads):
        if os.path.exists(p):
            os.unlink(p)
    r = subprocess.run([curl, "-s", "-m", "10", "-o", body, "-D", heads,
                        "-w", "%{http_code}"] + flags + [url],
                       stdout=subprocess.PIPE, timeout=WAIT + 5)
    with open(heads, "rb") as f:
        h = f.read()
    b = b""
    if os.path.exists(body):
        with open(body, "rb") as f:
            b = f.read()
    # Date may tick between the two fetches (with -I, curl writes the
    # fields to the -o file too).
    h = re.sub(rb"\r\nDate: [^\r]*", b"", h)
    if "-I" in flags:
        b = re.sub(rb"\r\nDate: [^\r]*", b"", b)
    return r.stdout.decode(), h, b


def group_nginx(proxy, tmp, procs):
    curl = need_tool("curl", "curl")
    port = free_port()
    start_nginx(procs, tmp, port)
    pp, pport, log = start_proxy(procs, proxy, tmp, port, "--log-all")
    failed = 0

    @case("nginx: bodies and fields as fetched directly")
    def t_same(_):
        for path, flags in (("/small.txt", ["--http1.1"]),
                            ("/big.bin", ["--http1.1"]),
                            ("/missing", ["--http1.1"]),
                            ("/gz/text.txt", ["--http1.1", "--compressed"]),
                            ("/small.txt", ["--http1.0"]),
                            ("/big.bin", ["--http1.0"]),
                            ("/small.txt", ["--http1.1", "-I"]),
                            ("/big.bin", ["--http1.0", "-I"])):
            direct = curl_fetch(curl, tmp, "http://127.0.0.1:%d%s" % (port, path),
                                flags)
            via = curl_fetch(curl, tmp, "http://127.0.0.1:%d%s" % (pport, path),
                             flags)
            assert via == direct, (path, flags, via[:2], direct[:2])
            assert direct[0] in ("200", "404"), direct[:2]
        rec = wait_record(log, for_target("/gz/text.txt"), "gzip")
        assert rec["verdict"] == "accept", rec

    @case("nginx: HEAD then GET on one connection")
    def t_reuse(_):
        out = subprocess.run(
            [curl, "--http1.1", "-s", "-I", "-o", os.devnull, "-w",
             "%{http_code} %{num_connects}\\n",
             "http://127.0.0.1:%d/big.bin" % pport, "--next", "--http1.1",
             "-s", "-o", os.path.join(tmp, "reuse.body"), "-w",
             "%{http_code} %{num_connects}\\n",
             "http://127.0.0.1:%d/big.bin" % pport],
            stdout=subprocess.PIPE, timeout=WAIT + 5).stdout.decode()
        assert out == "200 1\n200 0\n", out
        with open(os.path.join(tmp, "reuse.body"), "rb") as f, \
                open(os.path.join(tmp, "www", "big.bin"), "rb") as g:
            assert f.read() == g.read()
        recs = [r for r in records(log) if
                (r.get("request") or {}).get("target") == "/big.bin"]
        conn = recs[-1]["connection"]
        mine = [r["request"]["method"] for r in recs if r["connection"] == conn]
        assert mine == ["HEAD", "GET"], mine

    @case("nginx: every response accepted")
    def t_log(_):
        recs = records(log)
        assert recs, "no log records"
        bad = [r for r in recs if r["verdict"] != "accept" or
               r["action"] != "forwarded"]
        assert not bad, bad

    failed += run_cases([t_same, t_reuse, t_log], None)
    if pp.stop() != 0:
        print("FAIL the proxy did not exit 0: %s" % pp.stderr_text())
        failed += 1
    return failed


# ---------------------------------------------------------------------------
# Shutdown.


def group_shutdown(proxy, tmp, procs):
    up = start_upstream(procs, tmp)
    failed = 0
    for sig in (signal.SIGTERM, signal.SIGINT):
        name = "proxy-" + signal.Signals(sig).name
        t0 = time.monotonic()
        try:
            pp, port, log = start_proxy(procs, proxy, tmp, up, name=name)
            socks = []
            # One connection waits for an answer, one is idle after a
            # response (whose finding is logged), one just opened.
            s1 = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
            s1.sendall(get("/nodate", close=False))
            assert read_response(s1)[0] == 200
            s2 = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
            s2.sendall(get("/slow", close=False))
            s3 = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
            socks = [s1, s2, s3]
            wait_record(log, for_target("/nodate"), "/nodate")
            pp.p.send_signal(sig)
            status = pp.p.wait(5)
            assert status == 0, (status, pp.stderr_text())
            for s in socks:
                s.settimeout(WAIT)
                try:
                    assert s.recv(100) == b""
                except ConnectionResetError:
                    pass
                s.close()
            assert "stopping" in pp.stderr_text(), pp.stderr_text()
            recs = records(log)
            assert any(for_target("/nodate")(r) for r in recs), recs
            with socket.socket() as s:
                assert s.connect_ex(("127.0.0.1", port)) != 0, \
                    "still accepting after the signal"
            print("ok   %-46s %.2fs" % ("shutdown on " + signal.Signals(sig)
                                        .name, time.monotonic() - t0))
        except Exception:  # noqa: BLE001
            failed += 1
            print("FAIL shutdown on %s" % signal.Signals(sig).name)
            traceback.print_exc()
    return failed


GROUPS = {"crafted": group_crafted, "nginx": group_nginx,
          "shutdown": group_shutdown}


def run_groups(groups, names, proxy, keep, prefix):
    """Runs the named groups (each fn(proxy, tmp, procs) -> failures), each
    in a temporary folder of its own; stops every process each started.
    Returns the exit status."""
    failed = 0
    t0 = time.monotonic()
    for g in names:
        tmp = tempfile.mkdtemp(prefix="%s-%s-" % (prefix, g))
        procs = Procs()
        try:
            failed += groups[g](os.path.abspath(proxy), tmp, procs)
        except Exception:  # noqa: BLE001 - set-up failure
            failed += 1
            print("FAIL %s: set-up" % g)
            traceback.print_exc()
        finally:
            failed += procs.stop_all()
            if keep or failed:
                print("files kept in %s" % tmp)
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    print("%s in %.1fs" % ("FAILED: %d" % failed if failed else "all passed",
                           time.monotonic() - t0))
    return 1 if failed else 0


def arg_parser(groups, doc):
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--proxy", help="respcheck-proxy binary")
    ap.add_argument("--group", default="all",
                    choices=sorted(groups) + ["all"])
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary folder (logs, stderr)")
    return ap


def main():
    args = arg_parser(GROUPS, __doc__).parse_args()
    if not args.proxy:
        print("--proxy is required")
        return 2
    names = sorted(GROUPS) if args.group == "all" else [args.group]
    return run_groups(GROUPS, names, args.proxy, args.keep, "respcheck-proxy")


if __name__ == "__main__":
    sys.exit(main())
