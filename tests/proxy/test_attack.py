#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""respcheck-proxy tried as an attacker would (issue 12), on 127.0.0.1.

    python3 test_attack.py --proxy PATH --group GROUP

Groups (one CTest test each, proxy-attack-GROUP):
- slowloris: 500 connections sending a request head one byte every 2 s,
  reconnecting when closed, with the proxy at its default options; probe
  clients must keep being served (at least 95% answered within 5 s).
- deadlines: a request head must arrive whole within --header-timeout
  (10 s by default), a response head within --timeout whatever trickles;
  answers 408 and 504.
- limits: the request head's size and field count (431, 414), and no
  upstream connection before a complete request head.
- reset: an upstream reset inside a body (close-delimited, Content-Length,
  chunked) reaches the client as a reset, logged "cut" with
  message-truncated.
- unsolicited: a response nobody asked for is never forwarded, at
  pipelining depths 1, 2 and 32; the client gets the answers it is owed,
  then the connection closes; the event is logged.
- logflood: a flood of rejected responses gives a bounded log: past
  --log-rate lines per rule per second, a count.

The upstream here is a thread of this process (AttackUpstream), so that it
can count connections and misbehave at chosen moments; the slowloris group
uses upstream.py. Processes, waits and ports as in test_proxy.py, whose
helpers this file uses: every wait bounded, every process stopped.
"""

import os
import select
import selectors
import socket
import struct
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import upstream  # noqa: E402
from test_proxy import (WAIT, arg_parser, case, get,  # noqa: E402
                        read_response, records, rules_of, run_cases,
                        run_groups, start_proxy, start_upstream, status_of,
                        wait_record)

DATE = upstream.DATE
RESET_BODY = 100000  # bytes of body sent before the upstream resets


def ok(body):
    return upstream.ok(body)


REJECTED = (b"HTTP/1.1 401 Unauthorized\r\n" + DATE +
            b"Content-Length: 6\r\n\r\ndenied")


class AttackUpstream:
    """A threaded upstream that counts its connections and misbehaves by
    path:
      /ok?X          200, body "ok X" (keep-alive)
      /extra         200 "first", then at once a second 200 "UNASKED"
      /reset-close   close-delimited body: RESET_BODY bytes, then a reset
      /reset-cl      Content-Length 2*RESET_BODY: RESET_BODY bytes, reset
      /reset-chunked chunked: RESET_BODY bytes of chunks, reset
      /trickle       a valid head, one byte every 0.25 s
      /401           401 without WWW-Authenticate (rejected by the proxy)
    """

    def __init__(self):
        self.srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(1024)
        self.port = self.srv.getsockname()[1]
        self.lock = threading.Lock()
        self.accepted = 0
        self.requests = []
        self.stopping = False
        self.conns = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self):
        self.stopping = True
        try:
            self.srv.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.srv.close()
        with self.lock:
            conns = list(self.conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def count(self):
        with self.lock:
            return self.accepted

    def _accept(self):
        while not self.stopping:
            try:
                conn, _ = self.srv.accept()
            except OSError:
                return
            with self.lock:
                self.accepted += 1
                self.conns.add(conn)
            threading.Thread(target=self._serve, args=(conn,),
                             daemon=True).start()

    def _serve(self, conn):
        buf = b""
        try:
            while not self.stopping:
                req = upstream.read_request(conn, buf)
                if req is None:
                    return
                method, target, version, headers, raw, buf = req
                with self.lock:
                    self.requests.append(target)
                path = target.split("?", 1)[0]
                if path == "/ok":
                    conn.sendall(ok(b"ok " + target.encode()))
                elif path == "/extra":
                    # One send: the proxy reads both in one go, before it
                    # could have sent the client's next request on.
                    conn.sendall(ok(b"first") + ok(b"UNASKED"))
                elif path.startswith("/reset-"):
                    self._reset(conn, path)
                    return
                elif path == "/trickle":
                    for b in ok(b"late"):
                        conn.sendall(bytes([b]))
                        time.sleep(0.25)
                elif path == "/401":
                    conn.sendall(REJECTED)
                else:
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\n" + DATE +
                                 b"Content-Length: 0\r\n\r\n")
                if headers.get("connection", "").lower() == "close":
                    return
        except OSError:
            pass
        finally:
            with self.lock:
                self.conns.discard(conn)
            conn.close()

    @staticmethod
    def _reset(conn, path):
        body = bytes(i % 251 for i in range(RESET_BODY))
        if path == "/reset-close":
            head = (b"HTTP/1.1 200 OK\r\n" + DATE +
                    b"Connection: close\r\n\r\n")
            data = head + body
        elif path == "/reset-cl":
            data = (b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: %d\r\n"
                    b"\r\n" % (2 * RESET_BODY)) + body
        else:
            data = (b"HTTP/1.1 200 OK\r\n" + DATE +
                    b"Transfer-Encoding: chunked\r\n\r\n")
            for i in range(0, RESET_BODY, 10000):
                data += b"%x\r\n" % 10000 + body[i:i + 10000] + b"\r\n"
        conn.sendall(data)
        # SO_LINGER with a zero timeout: close() sends RST, not FIN.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))


def read_all(sock, timeout=WAIT):
    """Reads until the end of the stream. Returns (bytes, how it ended:
    "eof", "reset" or "timeout")."""
    deadline = time.monotonic() + timeout
    out = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return out, "timeout"
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return out, "timeout"
        except ConnectionResetError:
            return out, "reset"
        if not chunk:
            return out, "eof"
        out += chunk


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=WAIT)


def with_upstream(fn):
    """Runs fn(proxy, tmp, procs, up) with an AttackUpstream, stopped
    after."""
    def group(proxy, tmp, procs):
        up = AttackUpstream()
        try:
            return fn(proxy, tmp, procs, up)
        finally:
            up.stop()
    return group


# ---------------------------------------------------------------------------
# slowloris


SLOW_CONNS = 500
SLOW_SECONDS = 10.0
SLOW_BYTE_EVERY = 2.0
PROBES = 20
PROBE_TIMEOUT = 5.0
SLOW_TRICKLE = b"X-Slow: a\r\n" * 100


def slowloris(port, conns, seconds, byte_every, probes, probe_timeout,
              path):
    """conns connections each send a request line for path, then one byte
    of SLOW_TRICKLE
    every byte_every seconds (staggered), and reconnect when the server
    closes them; meanwhile `probes` clients, one every seconds/probes, send
    a GET of path and wait up to probe_timeout for a complete 200.
    Returns (probes answered, probes sent, reconnects)."""
    sel = selectors.DefaultSelector()
    slow_head = b"GET %s HTTP/1.1\r\nHost: test\r\n" % path.encode()
    probe_request = get(path)
    socks = {}  # sock -> [next send time, position in SLOW_TRICKLE]
    reconnects = [0]
    t0 = time.monotonic()
    end = t0 + seconds

    def open_one(now, stagger):
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
        except OSError:
            return
        socks[s] = [now + stagger, -1]
        sel.register(s, selectors.EVENT_READ)

    def drop(s):
        sel.unregister(s)
        del socks[s]
        s.close()

    now = time.monotonic()
    for i in range(conns):
        open_one(now, byte_every * i / conns)
    results = []
    threads = []

    def probe():
        try:
            with socket.create_connection(("127.0.0.1", port),
                                          timeout=probe_timeout) as s:
                s.sendall(probe_request)
                status, _, _ = read_response(s, timeout=probe_timeout)
                results.append(status == 200)
        except Exception:  # noqa: BLE001 - a probe not served
            results.append(False)

    next_probe = t0 + 0.5
    sent_probes = 0
    while True:
        now = time.monotonic()
        if now >= end and sent_probes >= probes:
            break
        if sent_probes < probes and now >= next_probe:
            t = threading.Thread(target=probe, daemon=True)
            t.start()
            threads.append(t)
            sent_probes += 1
            next_probe += (seconds - 1.0) / probes
        for key, _ in sel.select(timeout=0.05):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                drop(s)
                reconnects[0] += 1
                if now < end:
                    open_one(now, 0)
        for s, st in list(socks.items()):
            if now < st[0]:
                continue
            data = slow_head if st[1] < 0 else \
                SLOW_TRICKLE[st[1] % len(SLOW_TRICKLE):][:1]
            try:
                s.send(data)
            except BlockingIOError:
                pass  # still connecting: next round
            except OSError:
                drop(s)
                reconnects[0] += 1
                if now < end:
                    open_one(now, 0)
                continue
            else:
                st[1] += 1
            st[0] = now + byte_every
    for t in threads:
        t.join(probe_timeout + WAIT)
    for s in list(socks):
        drop(s)
    sel.close()
    return sum(1 for r in results if r), sent_probes, reconnects[0]


def group_slowloris(proxy, tmp, procs):
    up = start_upstream(procs, tmp)
    failed = 0

    @case("slowloris at defaults: probes served")
    def t_slowloris(_):
        pp, port, log = start_proxy(procs, proxy, tmp, up,
                                    name="proxy-slowloris")
        served, sent, reconnects = slowloris(
            port, SLOW_CONNS, SLOW_SECONDS, SLOW_BYTE_EVERY, PROBES,
            PROBE_TIMEOUT, "/valid")
        print("     %d of %d probes served; %d slow connections closed by "
              "the proxy" % (served, sent, reconnects))
        assert served * 100 >= 95 * sent, "%d of %d probes served" % (
            served, sent)
        # The proxy still answers afterwards.
        with connect(port) as s:
            s.sendall(get("/valid"))
            assert read_response(s)[0] == 200
        pp.stop()

    failed += run_cases([t_slowloris], None)
    return failed


# ---------------------------------------------------------------------------
# deadlines


def trickle_request(port, byte_every, limit):
    """Sends a request head one byte at a time; returns (bytes received,
    how it ended, seconds)."""
    head = b"GET /ok?trickle HTTP/1.1\r\nHost: t\r\nX-Filler: " + b"f" * 200
    t0 = time.monotonic()
    with connect(port) as s:
        for b in head:
            try:
                s.sendall(bytes([b]))
            except OSError:
                break
            r, _, _ = select.select([s], [], [], byte_every)
            if r or time.monotonic() - t0 > limit:
                break
        data, how = read_all(s, max(0.1, limit - (time.monotonic() - t0)))
    return data, how, time.monotonic() - t0


@with_upstream
def group_deadlines(proxy, tmp, procs, up):
    pp, port, log = start_proxy(procs, proxy, tmp, up.port,
                                name="proxy-defaults")

    @case("request head trickled at defaults: 408 after 10 s")
    def t_request_default(_):
        data, how, took = trickle_request(port, 0.5, 14.0)
        assert how != "timeout" and data, \
            "no answer within %.1f s (%s, %r)" % (took, how, data)
        assert status_of(data) == 408, data
        assert 9.5 <= took <= 13.0, took
        assert b"/ok?trickle" not in b"".join(
            r.encode() for r in up.requests), up.requests

    @case("--header-timeout=1: 408 after 1 s")
    def t_request_option(_):
        pp1, port1, _ = start_proxy(procs, proxy, tmp, up.port,
                                    "--header-timeout=1", name="proxy-ht1")
        data, how, took = trickle_request(port1, 0.2, 5.0)
        assert how != "timeout" and status_of(data) == 408, (how, data)
        assert 0.9 <= took <= 3.0, took
        # A complete request is still served, and an idle keep-alive
        # connection is not cut by the head deadline while its response
        # is on the way.
        with connect(port1) as s:
            s.sendall(get("/ok?fast", close=False))
            assert read_response(s)[0] == 200
        pp1.stop()

    @case("response head trickled: 504 after --timeout")
    def t_response(_):
        pp2, port2, log2 = start_proxy(procs, proxy, tmp, up.port,
                                       "--timeout=1", name="proxy-t1")
        t0 = time.monotonic()
        with connect(port2) as s:
            s.sendall(get("/trickle"))
            data, how = read_all(s, 5.0)
        took = time.monotonic() - t0
        assert how != "timeout", "no answer within 5 s: %r" % data
        assert status_of(data) == 504, data
        assert b"late" not in data, data
        assert 0.9 <= took <= 3.0, took
        pp2.stop()

    failed = run_cases([t_request_option, t_response, t_request_default],
                       None)
    if pp.stop() != 0:
        failed += 1
    return failed


# ---------------------------------------------------------------------------
# limits


@with_upstream
def group_limits(proxy, tmp, procs, up):
    pp, port, log = start_proxy(procs, proxy, tmp, up.port,
                                name="proxy-limits")

    def answer(port_, req):
        with connect(port_) as s:
            try:
                s.sendall(req)
            except OSError:
                pass  # the answer may come before all is sent
            data, how = read_all(s)
        assert how != "timeout", (how, data[:200])
        return data

    @case("upstream connection only for a complete request head")
    def t_lazy(_):
        before = up.count()
        socks = [connect(port) for _ in range(20)]
        try:
            for s in socks:
                s.sendall(b"GET /ok?partial HTTP/1.1\r\nHost: te")
            # A complete request after them: once it is answered, the
            # proxy has accepted the 20 before it.
            with connect(port) as s:
                s.sendall(get("/ok?complete"))
                assert read_response(s)[0] == 200
            assert up.count() - before == 1, \
                "%d upstream connections for 1 complete request head" % (
                    up.count() - before)
        finally:
            for s in socks:
                s.close()

    @case("request head over the size limit at defaults: 431")
    def t_size_default(_):
        n = len(up.requests)
        data = answer(port, b"GET /ok?big HTTP/1.1\r\nHost: t\r\nX-Big: " +
                      b"b" * 100000 + b"\r\nConnection: close\r\n\r\n")
        assert status_of(data) == 431, data[:200]
        assert len(up.requests) == n, up.requests[n:]

    @case("more fields than the limit at defaults: 431")
    def t_fields_default(_):
        n = len(up.requests)
        fields = b"".join(b"X-F%d: v\r\n" % i for i in range(101))
        data = answer(port, b"GET /ok?fields HTTP/1.1\r\nHost: t\r\n" +
                      fields + b"Connection: close\r\n\r\n")
        assert status_of(data) == 431, data[:200]
        assert len(up.requests) == n, up.requests[n:]

    @case("request line over the size limit: 414")
    def t_target(_):
        data = answer(port, b"GET /ok?" + b"t" * 70000 + b" HTTP/1.1\r\n"
                      b"Host: t\r\nConnection: close\r\n\r\n")
        assert status_of(data) == 414, data[:200]

    @case("--max-request-header-bytes, --max-request-headers")
    def t_options(_):
        pp1, port1, _ = start_proxy(procs, proxy, tmp, up.port,
                                    "--max-request-header-bytes=1024",
                                    "--max-request-headers=5",
                                    name="proxy-limits-opt")
        base = b"GET /ok?opt HTTP/1.1\r\nHost: t\r\n"
        five = b"".join(b"X-F%d: v\r\n" % i for i in range(4))
        assert status_of(answer(port1, base + five +
                                b"Connection: close\r\n\r\n")) == 431
        assert status_of(answer(port1, base + five[:-9] +
                                b"Connection: close\r\n\r\n")) == 200
        big = base + b"X-Big: " + b"b" * 1100 + b"\r\n\r\n"
        assert status_of(answer(port1, big)) == 431
        # A head exactly at the limit passes (the limit counts the request
        # line, the fields and the empty line).
        head = base + b"Connection: close\r\nX-Pad: "
        head += b"p" * (1024 - len(head) - 4) + b"\r\n\r\n"
        assert len(head) == 1024
        assert status_of(answer(port1, head)) == 200
        # The first of two pipelined requests is answered, the oversized
        # second one gets 431.
        data = answer(port1, get("/ok?first", close=False) + big)
        assert data.startswith(ok(b"ok /ok?first")), data[:200]
        assert status_of(data[len(ok(b"ok /ok?first")):]) == 431, data
        pp1.stop()

    failed = run_cases([t_size_default, t_fields_default, t_target, t_lazy,
                        t_options], None)
    if pp.stop() != 0:
        failed += 1
    return failed


# ---------------------------------------------------------------------------
# reset


@with_upstream
def group_reset(proxy, tmp, procs, up):
    pp, port, log = start_proxy(procs, proxy, tmp, up.port,
                                name="proxy-reset")

    @case("upstream reset inside a body: client reset, logged cut")
    def t_reset(_):
        errors = []
        for path in ("/reset-close", "/reset-cl", "/reset-chunked"):
            with connect(port) as s:
                s.sendall(get(path, close=False))
                data, how = read_all(s)
            if not data.startswith(b"HTTP/1.1 200 OK\r\n"):
                errors.append("%s: got %r" % (path, data[:100]))
                continue
            if how != "reset":
                errors.append("%s: the client saw %s after %d bytes, not a "
                              "reset" % (path, how, len(data)))
            try:
                rec = wait_record(log, lambda r, p=path: (
                    r.get("request") or {}).get("target") == p, path, 2.0)
            except AssertionError:
                errors.append("%s: no log record" % path)
                continue
            if rec["action"] != "cut" or \
                    "message-truncated" not in rules_of(rec):
                errors.append("%s: logged %s %s" % (path, rec["action"],
                                                    rules_of(rec)))
        assert not errors, "\n".join(errors)

    failed = run_cases([t_reset], None)
    if pp.stop() != 0:
        failed += 1
    return failed


# ---------------------------------------------------------------------------
# unsolicited


@with_upstream
def group_unsolicited(proxy, tmp, procs, up):
    pp, port, log = start_proxy(procs, proxy, tmp, up.port, "--log-all",
                                name="proxy-unsolicited")

    def pipeline(depth, extra_at):
        """depth pipelined requests, the one at extra_at (0-based) answered
        twice by the upstream. The client must get the answers before it
        and that one, then the end of the connection: never UNASKED."""
        reqs = [get("/ok?%d" % i, close=False) for i in range(depth)]
        reqs[extra_at] = get("/extra", close=False)
        with connect(port) as s:
            s.sendall(b"".join(reqs))
            data, how = read_all(s)
        want = b"".join(ok(b"ok /ok?%d" % i) for i in range(extra_at))
        want += ok(b"first")
        assert b"UNASKED" not in data, \
            "depth %d: the unsolicited response was delivered: %r" % (
                depth, data[len(want) - 40:][:300])
        assert data == want, "depth %d: got %r, expected %r" % (
            depth, data[-300:], want[-300:])
        assert how in ("eof", "reset"), how
        recs = [r for r in records(log) if r["request"] is None and
                r["action"] == "dropped" and r["status"] == 200]
        return recs

    @case("unsolicited response: pipelining depth 1, 2, 32")
    def t_depths(_):
        errors = []
        seen = 0
        for depth, extra_at in ((1, 0), (2, 0), (32, 0), (32, 15)):
            try:
                recs = pipeline(depth, extra_at)
            except AssertionError as e:
                errors.append(str(e))
                continue
            if len(recs) <= seen:
                errors.append("depth %d: no log record of the dropped "
                              "response" % depth)
            seen = len(recs)
        assert not errors, "\n".join(errors)

    failed = run_cases([t_depths], None)
    if pp.stop() != 0:
        failed += 1
    return failed


# ---------------------------------------------------------------------------
# logflood


FLOOD = 400


def flood(port, n, threads=4):
    """n requests to /401 over `threads` parallel clients, one connection
    each (the proxy closes after a 502). Returns the 502s seen."""
    got = []

    def worker(k):
        for _ in range(k):
            try:
                with connect(port) as s:
                    s.sendall(get("/401"))
                    data, _ = read_all(s)
                got.append(status_of(data))
            except (OSError, AssertionError):
                got.append(None)
    ts = [threading.Thread(target=worker, args=(n // threads,))
          for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    return got


def flood_counts(log, rule):
    lines = records(log)
    full = [r for r in lines if "findings" in r and rule in rules_of(r)]
    summaries = [r for r in lines if "suppressed" in r and
                 r.get("rule") == rule]
    return lines, full, summaries


@with_upstream
def group_logflood(proxy, tmp, procs, up):
    rule = "www-authenticate-missing"

    @case("flood of rejected responses at defaults: log bounded")
    def t_default(_):
        pp, port, log = start_proxy(procs, proxy, tmp, up.port,
                                    name="proxy-flood")
        t0 = time.monotonic()
        got = flood(port, FLOOD)
        took = time.monotonic() - t0
        assert got.count(502) == FLOOD, got
        pp.stop()  # flushes the counts
        lines, full, summaries = flood_counts(log, rule)
        print("     %d rejected responses in %.1f s: %d log lines (%d full, "
              "%d summaries)" % (FLOOD, took, len(lines), len(full),
                                 len(summaries)))
        # Default rate 10 lines per rule per second, plus one summary a
        # second.
        bound = int(11 * (took + 2))
        assert len(lines) <= bound, "%d log lines for %d responses in " \
            "%.1f s (bound %d)" % (len(lines), FLOOD, took, bound)
        total = len(full) + sum(r["suppressed"] for r in summaries)
        assert total == FLOOD, (total, len(full), summaries)

    @case("--log-rate=2")
    def t_option(_):
        pp, port, log = start_proxy(procs, proxy, tmp, up.port,
                                    "--log-rate=2", name="proxy-flood2")
        t0 = time.monotonic()
        got = flood(port, 200)
        took = time.monotonic() - t0
        pp.stop()
        assert got.count(502) == 200, got
        lines, full, summaries = flood_counts(log, rule)
        assert len(full) <= 2 * (took + 2), (len(full), took)
        assert sum(r["suppressed"] for r in summaries) + len(full) == 200
        for r in summaries:
            assert r["action"] == "rejected" and r["suppressed"] > 0, r

    return run_cases([t_default, t_option], None)


GROUPS = {"slowloris": group_slowloris, "deadlines": group_deadlines,
          "limits": group_limits, "reset": group_reset,
          "unsolicited": group_unsolicited, "logflood": group_logflood}


def main():
    ap = arg_parser(GROUPS, __doc__)
    ap.add_argument("--slowloris", type=int, metavar="PORT",
                    help="instead of the tests: slowloris against PORT "
                    "(bench/proxy/bench.sh ATTACK=1)")
    ap.add_argument("--path", default="/")
    ap.add_argument("--conns", type=int, default=SLOW_CONNS)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--byte-every", type=float, default=3.0)
    ap.add_argument("--probes", type=int, default=12)
    args = ap.parse_args()
    if args.slowloris:
        served, sent, closed = slowloris(
            args.slowloris, args.conns, args.seconds, args.byte_every,
            args.probes, PROBE_TIMEOUT, args.path)
        print("%d of %d probes served; %d slow connections closed by the "
              "server" % (served, sent, closed), flush=True)
        return 0 if served * 100 >= 95 * sent else 1
    if not args.proxy:
        print("--proxy or --slowloris is required")
        return 2
    names = sorted(GROUPS) if args.group == "all" else [args.group]
    return run_groups(GROUPS, names, args.proxy, args.keep, "respcheck-attack")


if __name__ == "__main__":
    sys.exit(main())
