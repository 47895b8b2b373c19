#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Differential test of real HTTP/1.x clients, with respcheck as the oracle.

For every case (one connection's worth of response bytes), a raw-socket
server on 127.0.0.1 accepts the client's connection, reads its request and
sends the case's bytes exactly, in one of three modes:

  close   all the bytes after the first request, then a half-close;
  paced   the bytes cut where respcheck ends each message: one final
          response (and the bytes after it) per request on the connection,
          a piece anyway after --hold seconds without its request (as a
          pipelining server would), a 1xx 0.1 s before the response it
          precedes (as Early Hints go), then a half-close. This is a server
          that frames like respcheck, answering a client that may not;
  hold    all the bytes, then the connection stays open --hold seconds
          before the half-close, to see which clients wait for the close.

A client's later connections get a marker response (X-Diff-Fresh-Connection),
so a second request answered on a new connection is told apart from one
answered from the case's bytes.

Each client sends two requests one after the other (the second one reuses
the connection if the client thinks it may), and reports what it read:
status, reason, headers, body (length, sha256), error, reuse, time.
respcheck's reading of the same bytes comes from fuzz/diff/oracle.c. Every
disagreement is classified:

  framing           the client delimits a message differently: another
                    body, a response read from bytes respcheck reads as
                    body or junk, or a wait for the close where respcheck
                    sees a complete message (and the reverse). The
                    desynchronisation risk; the most serious class.
  status            the client reads another status code.
  accepts-rejected  the client returns, without an error, a response that
                    respcheck rejects (an error finding, or no readable head).
  rejects-accepted  the client raises an error on a response that respcheck
                    accepts.

Run with no arguments for the whole test (vectors, captures, fuzz corpora,
generated cases); see --help and docs/differential.md.
"""
import argparse
import base64
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import gen  # noqa: E402

MARKER_FIELD = "x-diff-fresh-connection"
MARKER = (b"HTTP/1.1 200 OK\r\nX-Diff-Fresh-Connection: 1\r\nContent-Length: 16\r\n"
          b"Connection: close\r\n\r\nfresh-connection")
CLIENTS = ("curl", "python", "node")
MODES = ("close", "paced", "hold")
CLASSES = ("framing", "status", "accepts-rejected", "rejects-accepted")
SHORT = {"framing": "F", "status": "S", "accepts-rejected": "A", "rejects-accepted": "R"}
# Errors on a second request on a connection whose bytes the client had
# already taken into a buffer and thrown away (http.client), or that it reads
# as closed: not a disagreement with respcheck's reading of the bytes.
LOST_CONNECTION = ("RemoteDisconnected", "ConnectionResetError", "BrokenPipeError",
                   "ECONNRESET", "EPIPE", "socket hang up", "TIMEOUT", "TimeoutError",
                   "timed out", "Empty reply", "Recv failure", "Send failure")


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------
# Building the oracle.

def cache_source(bdir):
    """The source tree a build folder's CMake cache was made from, or None."""
    try:
        with open(os.path.join(bdir, "CMakeCache.txt"), encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("CMAKE_HOME_DIRECTORY:INTERNAL="):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return None


def default_build_dir():
    """A folder of this checkout's own: a CMake cache belongs to one source
    tree, and two clones sharing one fail to configure (as fuzz/build_dir.sh
    names fuzz/run.sh's)."""
    tag = hashlib.sha256(os.path.realpath(ROOT).encode()).hexdigest()[:12]
    return os.path.join(tempfile.gettempdir(), "respcheck-diff-build-" + tag)


def checked_build_dir(bdir):
    """bdir, or the default; exits 2 when a named folder belongs to another
    tree (it is never reconfigured or deleted)."""
    if bdir is None:
        bdir = default_build_dir()
        made = cache_source(bdir)
        if made is not None and os.path.realpath(made) != os.path.realpath(ROOT):
            bdir = tempfile.mkdtemp(prefix=os.path.basename(bdir) + ".")
        return bdir
    made = cache_source(bdir)
    if made is not None and os.path.realpath(made) != os.path.realpath(ROOT):
        print("run.py: %s was configured from another source tree (%s); give a build folder"
              " of this checkout (%s)" % (bdir, made, ROOT), file=sys.stderr)
        sys.exit(2)
    return bdir


def build_tools(args):
    """Paths of the oracle and dump_vectors, building them when needed."""
    oracle, dump = args.oracle, args.dump_vectors
    if oracle and (dump or "vectors" not in args.sources):
        return oracle, dump
    bdir = args.build_dir
    lib = os.path.join(bdir, "librespcheck.a")
    want = []
    if not oracle:
        want.append(("oracle", os.path.join(HERE, "oracle.c")))
    if not dump and "vectors" in args.sources:
        want.append(("dump_vectors", os.path.join(HERE, "dump_vectors.c")))
    srcs = [os.path.join(ROOT, d) for d in ("parser", "include")]

    def newest(paths):
        t = 0
        for p in paths:
            for dp, _, fs in os.walk(p):
                for f in fs:
                    t = max(t, os.path.getmtime(os.path.join(dp, f)))
        return t

    if not os.path.exists(lib) or os.path.getmtime(lib) < newest(srcs):
        log("building librespcheck in %s" % bdir)
        subprocess.run(["cmake", "-S", ROOT, "-B", bdir, "-DRESPCHECK_BUILD_TOOLS=OFF",
                        "-DRESPCHECK_BUILD_TESTS=OFF", "-DCMAKE_BUILD_TYPE=Release"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", bdir, "-j2", "--target", "respcheck_static"],
                       check=True, stdout=subprocess.DEVNULL)
    cc = os.environ.get("CC", "cc")
    out = {}
    # dump_vectors reads the fixtures (tests/vectors/*.md) when it runs, with
    # tests/vectors.c.
    reader = [os.path.join(ROOT, "tests", f) for f in ("vectors.c", "vectors.h")]
    for name, src in want:
        exe = os.path.join(bdir, "diff_" + name)
        extra = reader[:1] if name == "dump_vectors" else []
        deps = [src, lib] + (reader if name == "dump_vectors" else [])
        if not os.path.exists(exe) or os.path.getmtime(exe) < max(os.path.getmtime(d) for d in deps):
            subprocess.run([cc, "-std=c11", "-O2", "-I", os.path.join(ROOT, "include"), src]
                           + extra + [lib, "-o", exe], check=True)
        out[name] = exe
    return oracle or out["oracle"], dump or out.get("dump_vectors")


def oracle_read(oracle, data, method):
    p = subprocess.run([oracle, "--method=" + method], input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    if p.returncode != 0:
        raise RuntimeError("oracle failed: %s" % p.stderr.decode(errors="replace"))
    return json.loads(p.stdout.decode("ascii"))


# --------------------------------------------------------------------------
# Cases.

def case_from_file(source, path, name=None):
    method = "HEAD" if path.endswith(".head") else "GET"
    with open(path, "rb") as f:
        data = f.read()
    base = name or os.path.splitext(os.path.basename(path))[0]
    return {"id": "%s:%s" % (source, base), "source": source, "data": data, "method": method,
            "path": os.path.relpath(path, ROOT)}


def load_vectors(dump, notes):
    out = []
    with tempfile.TemporaryDirectory(prefix="respcheck-diff-vec-") as d:
        subprocess.run([dump, os.path.join(ROOT, "tests", "vectors"), d], check=True,
                       stdout=subprocess.DEVNULL)
        with open(os.path.join(d, "index.json")) as f:
            index = json.load(f)
        for v in index:
            if v["method"] not in ("GET", "HEAD"):
                notes.append("vec:%s skipped: a response to %s (the clients send GET or HEAD)"
                             % (v["name"], v["method"]))
                continue
            with open(os.path.join(d, v["file"]), "rb") as f:
                data = f.read()
            c = {"id": "vec:" + v["name"], "source": "vec", "data": data, "method": v["method"],
                 "path": "tests/vectors/%s:%d" % (v["fixture"], v["line"])}
            extra = []
            if v["request_10"]:
                extra.append("written for an HTTP/1.0 request; read here as the answer to the"
                             " clients' HTTP/1.1 request")
            if v["custom_limits"]:
                extra.append("written for lower limits; read here with the default limits")
            if extra:
                c["note"] = "; ".join(extra)
            out.append(c)
    return out


def load_dir(source, d, exts=(".http", ".head")):
    if not os.path.isdir(d):
        return []
    return [case_from_file(source, os.path.join(d, f)) for f in sorted(os.listdir(d))
            if f.endswith(exts)]


FUZZ_PREFIXED = ("stream", "split")  # fuzz_common.h: a 32-byte configuration block first


def load_fuzz(d, notes):
    out = []
    if not os.path.isdir(d):
        return out
    for target in sorted(os.listdir(d)):
        td = os.path.join(d, target)
        if not os.path.isdir(td):
            continue
        if target not in FUZZ_PREFIXED:
            notes.append("fuzz corpus %s skipped: input format not known to run.py" % target)
            continue
        for f in sorted(os.listdir(td)):
            p = os.path.join(td, f)
            if not os.path.isfile(p):
                continue
            with open(p, "rb") as fh:
                raw = fh.read()
            if len(raw) <= 32:
                continue
            cfg, data = raw[:32], raw[32:]
            m = cfg[1]
            method = "GET" if m == 0 or m % 10 in (0, 1) else "HEAD" if m % 10 == 2 else None
            if method is None:
                continue
            out.append({"id": "fuzz:%s/%s" % (target, f), "source": "fuzz", "data": data,
                        "method": method, "path": os.path.relpath(p, ROOT)})
    return out


def collect_cases(args, dump):
    notes = []
    cases = []
    for src in args.sources:
        if src == "vectors":
            cases += load_vectors(dump, notes)
        elif src == "captures":
            cases += load_dir("cap", os.path.join(ROOT, "examples", "captures"))
        elif src == "fuzz":
            cases += load_fuzz(os.path.join(ROOT, "fuzz", "corpus"), notes)
        elif src == "gen":
            for g in gen.cases(args.seed, args.gen):
                cases.append({"id": "gen:" + g["name"], "source": "gen", "data": g["data"],
                              "method": g["method"], "path": "gen.py --seed %d" % args.seed})
        elif src == "subset":
            cases += load_dir("subset", os.path.join(HERE, "subset"))
        else:
            for p in sorted(os.listdir(src)) if os.path.isdir(src) else [src]:
                full = os.path.join(src, p) if os.path.isdir(src) else p
                if os.path.isfile(full):
                    cases.append(case_from_file("file", full))
    # The same bytes read the same way are one case (the corpora share seeds).
    seen, uniq = {}, []
    for c in cases:
        key = (c["data"], c["method"])
        if key in seen:
            seen[key].setdefault("aliases", []).append(c["id"])
            continue
        seen[key] = c
        uniq.append(c)
    if args.match:
        uniq = [c for c in uniq if any(m in c["id"] for m in args.match)]
    if args.limit:
        uniq = uniq[:args.limit]
    return uniq, notes


# --------------------------------------------------------------------------
# The server: one per exchange, so its connections are that client's.

class CaseServer:
    def __init__(self, payload, mode, hold, io_timeout, groups=None):
        self.payload, self.mode, self.hold, self.io_timeout = payload, mode, hold, io_timeout
        # paced mode: the payload in pieces (paced_groups)
        self.groups = groups or [(payload, 1)]
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.conns = []
        self.lock = threading.Lock()
        self.threads = []
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    def _accept(self):
        while not self.stop.is_set():
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                rec = {"index": len(self.conns), "received": b"", "sent": 0, "error": None,
                       "t_sent": None, "t_closed": None}
                self.conns.append(rec)
            t = threading.Thread(target=self._serve, args=(c, rec), daemon=True)
            t.start()
            self.threads.append(t)

    def _drain(self, c, rec, until, heads=None):
        """Reads until `until`, the end of the connection, or (with heads)
        until that many request heads have arrived."""
        while time.monotonic() < until and not self.stop.is_set():
            if heads is not None and rec["received"].count(b"\r\n\r\n") >= heads:
                return "request"
            try:
                d = c.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return "error"
            if not d:
                return "eof"
            rec["received"] += d
        return "time"

    def _serve(self, c, rec):
        try:
            c.settimeout(0.05)
            deadline = time.monotonic() + self.io_timeout
            while b"\r\n\r\n" not in rec["received"] and time.monotonic() < deadline \
                    and not self.stop.is_set():
                try:
                    d = c.recv(65536)
                except socket.timeout:
                    continue
                if not d:
                    break
                rec["received"] += d
            if rec["index"] == 0 and self.mode == "paced":
                # Each piece waits for its request; when that request does
                # not come within --hold seconds, the piece goes anyway (as
                # a pipelining server would), so that a client still reading
                # the previous body gets it. A piece after a 1xx follows it
                # INTERIM_DELAY seconds later.
                for k, (piece, req) in enumerate(self.groups):
                    if k and req is None:
                        why = self._drain(c, rec, time.monotonic() + INTERIM_DELAY)
                    elif k:
                        why = self._drain(c, rec, time.monotonic() + self.hold, heads=req)
                    else:
                        why = None
                    if why in ("eof", "error"):
                        break
                    c.settimeout(self.io_timeout)
                    c.sendall(piece)
                    c.settimeout(0.05)
                    rec["sent"] += len(piece)
                rec["t_sent"] = time.monotonic()
            else:
                payload = self.payload if rec["index"] == 0 else MARKER
                c.settimeout(self.io_timeout)
                c.sendall(payload)
                rec["sent"] = len(payload)
                rec["t_sent"] = time.monotonic()
                c.settimeout(0.05)
            if rec["index"] == 0 and self.mode == "hold":
                self._drain(c, rec, time.monotonic() + self.hold)
            rec["t_closed"] = time.monotonic()
            try:
                c.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            # Read what the client still sends (a second request) until it
            # closes, so that closing does not reset the connection.
            self._drain(c, rec, time.monotonic() + self.io_timeout)
        except OSError as e:
            rec["error"] = str(e)
        finally:
            c.close()

    def close(self):
        self.stop.set()
        self.sock.close()
        self.acceptor.join(1)
        for t in self.threads:
            t.join(1)
        out = []
        for r in self.conns:
            out.append({"index": r["index"], "requests": r["received"].count(b"X-Diff-Request:")
                        + r["received"].count(b"x-diff-request:"),
                        "received_bytes": len(r["received"]), "sent": r["sent"],
                        "error": r["error"]})
        return out


# --------------------------------------------------------------------------
# Clients. Each returns {"version", "requests": [per request]}.

def parse_header_dump(raw):
    """curl's -D output: the header blocks of one transfer (1xx, final)."""
    blocks, cur = [], None
    for line in raw.split(b"\n"):
        line = line[:-1] if line.endswith(b"\r") else line
        if cur is None:
            if not line:
                continue
            cur = {"status_line": line.decode("latin-1"), "headers": []}
            continue
        if not line:
            blocks.append(cur)
            cur = None
            continue
        if line[:1] in (b" ", b"\t") and cur["headers"]:
            cur["headers"][-1][1] += " " + line.strip().decode("latin-1")
            continue
        name, _, value = line.partition(b":")
        cur["headers"].append([name.decode("latin-1"), value.strip().decode("latin-1")])
    if cur is not None:
        blocks.append(cur)
    return blocks


def run_curl(url, method, n, timeout, tmp, raw=False):
    argv = ["curl"]
    files = []
    for i in range(n):
        h, b = (os.path.join(tmp, "%s%d" % (x, i) + ("raw" if raw else "")) for x in "hb")
        files.append((h, b))
        if i:
            argv.append("--next")
        argv += ["--http1.1", "-sS", "--max-time", str(timeout), "-H", "X-Diff-Request: %d" % i,
                 "-D", h, "-o", b, "-w", "%{json}\\n"]
        if method == "HEAD":
            argv.append("-I")  # CURLOPT_NOBODY; the head is written to -o too
        if raw:
            argv.append("--raw")
        argv.append(url)
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout * (n + 1) + 5)
    infos = []
    for line in p.stdout.decode("latin-1").split("\n"):
        line = line.strip()
        if line.startswith("{"):
            try:
                infos.append(json.loads(line))
            except ValueError:
                pass
    reqs = []
    for i, (h, b) in enumerate(files):
        info = infos[i] if i < len(infos) else {}
        blocks = []
        if os.path.exists(h):
            with open(h, "rb") as f:
                blocks = parse_header_dump(f.read())
        body = b""
        if os.path.exists(b) and method != "HEAD":
            with open(b, "rb") as f:
                body = f.read()
        code = info.get("response_code") or info.get("http_code") or None
        final = blocks[-1] if blocks else None
        r = {"index": i, "status": code if code else None, "reason": None, "headers": None,
             "body_length": len(body), "body_sha256": hashlib.sha256(body).hexdigest(),
             "error": None, "elapsed": info.get("time_total"),
             "reused": info.get("num_connects") == 0 if info else None,
             "size_download": info.get("size_download"),
             "informational": [bl["status_line"] for bl in blocks[:-1]]}
        if final is not None:
            parts = final["status_line"].split(" ", 2)
            r["status_line"] = final["status_line"]
            r["reason"] = parts[2] if len(parts) > 2 else ""
            r["headers"] = final["headers"]
        if info.get("exitcode"):
            r["error"] = "curl %s: %s" % (info["exitcode"], info.get("errormsg"))
        elif not info:
            r["error"] = "curl: no report (exit %d): %s" % (p.returncode,
                                                           p.stderr.decode("latin-1")[:200])
        reqs.append(r)
    return {"version": "curl " + CLIENT_VERSIONS.get("curl", "?"), "requests": reqs}


def _te_codings(headers):
    """Transfer-codings other than chunked in a client's view of a head."""
    out = []
    for k, v in headers or []:
        if str(k).strip().lower() == "transfer-encoding":
            out += [c.strip().lower() for c in str(v).split(",")
                    if c.strip() and c.strip().lower() not in ("chunked", "identity")]
    return out


def run_script(argv, n, timeout):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout * (n + 1) + 5)
    out = [x for x in p.stdout.decode("utf-8", "replace").split("\n") if x.strip()]
    if p.returncode != 0 or not out:
        raise RuntimeError("client failed (exit %d): %s" % (p.returncode,
                                                          p.stderr.decode("utf-8", "replace")[-400:]))
    return json.loads(out[-1])


def run_python(url, method, n, timeout, tmp):
    return run_script([sys.executable, os.path.join(HERE, "clients", "python_client.py"), url,
                       method, str(timeout), str(n)], n, timeout)


def run_node(url, method, n, timeout, tmp):
    return run_script(["node", os.path.join(HERE, "clients", "node_client.js"), url, method,
                       str(timeout), str(n)], n, timeout)


RUNNERS = {"curl": run_curl, "python": run_python, "node": run_node}
CLIENT_VERSIONS = {}


def client_versions(clients):
    out = {}
    for c in clients:
        try:
            if c == "curl":
                v = subprocess.run(["curl", "--version"], stdout=subprocess.PIPE, check=True)
                first = v.stdout.decode().splitlines()[0].split()
                out[c] = "%s (%s)" % (first[1], first[3])
            elif c == "python":
                out[c] = sys.version.split()[0]
            elif c == "node":
                v = subprocess.run(["node", "-p", "process.versions.node + ' (llhttp ' + "
                                    "process.versions.llhttp + ')'"], stdout=subprocess.PIPE,
                                   check=True)
                out[c] = v.stdout.decode().strip()
        except (OSError, subprocess.CalledProcessError):
            out[c] = None
    return out


INTERIM_DELAY = 0.1  # paced mode: seconds between a 1xx and what follows


def paced_groups(R, data):
    """The stream cut where respcheck ends each message: what a server that
    frames like respcheck sends. Returns [(bytes, request)]: a piece that
    answers request k (1-based) waits for it; a piece after a 1xx (request
    None) follows INTERIM_DELAY seconds later, as a final response follows
    Early Hints once it is ready."""
    cuts, start = [], 0
    k = 0
    for final, interim in finals(R):
        k += 1
        first = True
        for m in interim + ([final] if final else []):
            end = m.get("end_offset")
            if end is None or end <= start:
                continue
            cuts.append([start, end, k if first else None])
            start = end
            first = False
    if start < len(data):
        if cuts:
            cuts[-1][1] = len(data)
        else:
            cuts.append([0, len(data), 1])
    if cuts:
        cuts[0][2] = 1
    return [(data[a:b], req) for a, b, req in cuts] or [(data, 1)]


def exchange(case, client, mode, args, R=None):
    groups = paced_groups(R, case["data"]) if mode == "paced" and R else None
    srv = CaseServer(case["data"], mode, args.hold, args.timeout + args.hold + 1, groups)
    url = "http://127.0.0.1:%d/" % srv.port
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="respcheck-diff-") as tmp:
        try:
            res = RUNNERS[client](url, case["method"], 2, args.timeout, tmp)
        except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
            res = {"harness_error": str(e)[:400], "requests": []}
    res["wall"] = round(time.monotonic() - t0, 3)
    res["server"] = srv.close()
    # curl decodes every transfer-coding it knows (gzip, deflate...), asked
    # for or not, so its body is no measure of framing when a head it saw
    # names one besides chunked. Then a second exchange with --raw (no
    # decoding but chunked's, which size_download counts without its
    # framing) gives the length, compared without the content.
    reqs = res.get("requests", [])
    if client == "curl" and any(_te_codings(r.get("headers")) for r in reqs):
        srv = CaseServer(case["data"], mode, args.hold, args.timeout + args.hold + 1, groups)
        with tempfile.TemporaryDirectory(prefix="respcheck-diff-") as tmp:
            try:
                again = run_curl("http://127.0.0.1:%d/" % srv.port, case["method"], 2,
                                 args.timeout, tmp, raw=True)["requests"]
            except (RuntimeError, subprocess.TimeoutExpired, ValueError):
                again = []
        srv.close()
        for r, r2 in zip(reqs, again):
            if _te_codings(r.get("headers")) and r2.get("size_download") is not None:
                r["decoded_body_length"] = r["body_length"]
                r["body_length"] = r2["size_download"]
                r["body_sha256"] = None
                r["note"] = ("body length from curl --raw (size_download): curl decodes %s"
                             % ", ".join(_te_codings(r.get("headers"))))
    for r in res.get("requests", []):
        hs = r.get("headers") or []
        r["fresh"] = any(str(k).lower() == MARKER_FIELD for k, _ in hs)
        if r.get("status") is None and r.get("error") is None:
            r["error"] = "no response"
    # Responses the client read from the case's connection (not the marker).
    res["responses_on_connection"] = sum(1 for r in res.get("requests", [])
                                         if r.get("status") is not None and not r["fresh"])
    return res


# --------------------------------------------------------------------------
# respcheck's reading, and the comparison.

def finals(R):
    """respcheck's messages as a client sees them: each final response (or
    headless message) with the 1xx responses before it."""
    out, interim = [], []
    for r in R["responses"]:
        if r["has_head"] and 100 <= r["status"] <= 199 and r["status"] != 101:
            interim.append(r)
            continue
        out.append((r, interim))
        interim = []
    if interim:
        out.append((None, interim))
    return out


def body_of(data, r):
    return b"".join(data[s:s + n] for s, n in r["body_ranges"])


def errors_of(R, r):
    return [f["id"] for f in R["findings"] if f["response"] == r["index"] and f["severity"] == "error"]


def describe_after(R, first):
    """What respcheck makes of the bytes after its first final message."""
    if first is None or not first.get("has_head"):
        return "bytes respcheck cannot read as a response"
    if first["framing"].get("close_delimited"):
        return "the body of the first response (close-delimited: it runs to the end of the stream)"
    ids = [f["id"] for f in R["findings"] if f["response"] > first["index"]]
    if "data-after-close" in ids:
        return "bytes after a response that closes the connection (data-after-close)"
    if "parse-error" in [f["id"] for f in R["findings"]]:
        return "bytes respcheck refuses (parse-error)"
    return "no second response"


FRAMING_RULES = {"parse-error", "framing-conflict", "content-length-invalid",
                 "content-length-forbidden", "transfer-encoding-invalid",
                 "transfer-encoding-forbidden", "transfer-encoding-http10", "obs-fold",
                 "bare-cr", "header-name-invalid", "header-value-invalid",
                 "whitespace-before-field", "message-truncated", "data-after-close",
                 "trailer-field-forbidden", "content-forbidden", "status-line-syntax",
                 "status-code-syntax"}


# How the framing details begin (classify): to tell them from the others.
FRAMING_DETAILS = ("client body", "client waits", "client ends", "client answers",
                   "client reads a second", "second response: client body")


def llhttp_differs(R, r):
    """respcheck's finding that llhttp 8.1 frames this body otherwise than
    RFC 9112 6.3: then respcheck's body bytes are llhttp's, its framing flags
    the RFC's (see docs/differential.md)."""
    for f in R["findings"]:
        if f["response"] == r["index"] and f["id"] == "transfer-encoding-invalid" \
                and "llhttp frames this body" in f.get("message", ""):
            return f["message"]
    return None


def same_body(c, rb):
    if c.get("body_length") != len(rb):
        return False
    return c.get("body_sha256") is None or c["body_sha256"] == hashlib.sha256(rb).hexdigest()


def is_lost(err):
    return err is not None and any(s in err for s in LOST_CONNECTION)


def classify(case, R, C, mode, hold):
    """Classes and details of one client's reading against respcheck's."""
    found = {}

    def add(cls, score, detail):
        if cls not in found or found[cls][0] < score:
            found[cls] = (score, found.get(cls, (0, []))[1])
        found[cls][1].append(detail)

    notes = []
    if C.get("harness_error"):
        return {"classes": [], "score": 0, "details": [], "notes": ["harness: " + C["harness_error"]]}
    data = case["data"]
    fin = finals(R)
    reqs = C.get("requests", [])
    first = fin[0][0] if fin else None
    for i, c in enumerate(reqs[:2]):
        if c.get("fresh"):
            notes.append("request %d answered on a new connection" % (i + 1))
            continue
        e, interim = fin[i] if i < len(fin) else (None, [])
        got = c.get("status") is not None
        # Node reports some errors about the bytes after a response it has
        # delivered complete ("Data after Connection: close"): the response
        # itself was read without an error.
        post_error = c.get("error") if got and c.get("complete") is True else None
        ok = got and (c.get("error") is None or post_error is not None)
        st = c.get("status")
        if post_error and e is not None and e.get("has_head"):
            later = [r for r in R["responses"] if r["index"] > e["index"] and r.get("verdict") == "reject"]
            if not later and not (e.get("verdict") == "reject"):
                add("rejects-accepted", 30, "client error after a complete response, on bytes"
                    " respcheck accepts: %s" % post_error)
            else:
                notes.append("request %d: error on the bytes after the response: %s" % (i + 1, post_error))
        if i == 0:
            if e is None or not e["has_head"]:
                if ok:
                    why = errors_of(R, e) if e else []
                    add("accepts-rejected", 60,
                        "client returns status %s where respcheck reads no response head%s"
                        % (st, " (%s)" % ", ".join(why) if why else ""))
                continue
            rejected = [r for r in interim + [e] if r.get("verdict") == "reject"]
            differs = llhttp_differs(R, e)
            tag = " [respcheck: %s]" % differs if differs else ""
            rej = e.get("verdict") == "reject"
            if got and st != e["status"]:
                add("status", 60 if rej else 70, "client reads status %s, respcheck %s"
                    % (st, e["status"]))
            if ok and rejected:
                ids = sorted({i2 for r in rejected for i2 in errors_of(R, r)})
                add("accepts-rejected", 55 if FRAMING_RULES & set(ids) else 45,
                    "client accepts a response respcheck rejects (%s)" % ", ".join(ids))
            if not ok and not rejected and e["complete"]:
                add("rejects-accepted", 30, "client error on a response respcheck accepts: %s"
                    % c.get("error"))
            if e["framing"].get("upgrade") and st == 101:
                # After a 101 the bytes are another protocol's; the clients
                # did not ask for one. No body to compare.
                notes.append("101: respcheck hands the rest over as a tunnel")
            elif ok and st == e["status"] and e["complete"] and case["method"] != "HEAD":
                rb = body_of(data, e)
                if not same_body(c, rb):
                    add("framing", 35 if differs else 75 if rej else 90,
                        "client body %s bytes, respcheck %d bytes%s"
                        % (c.get("body_length"), len(rb), tag))
                elif mode == "hold" and c.get("elapsed") is not None:
                    waited = c["elapsed"] >= 0.8 * hold
                    r_waits = bool(e["framing"].get("close_delimited"))
                    if waited and not r_waits:
                        add("framing", 35 if differs else 65 if rej else 80,
                            "client waits for the connection to close; respcheck ends the"
                            " message at its framing%s" % tag)
                    elif r_waits and not waited:
                        add("framing", 35 if differs else 65 if rej else 80,
                            "client ends a close-delimited body before the close%s" % tag)
        else:
            if not got:
                if e is not None and e.get("has_head") and e.get("verdict") == "accept" \
                        and c.get("error") and not is_lost(c["error"]):
                    add("rejects-accepted", 25, "second response: client error on a response"
                        " respcheck accepts: %s" % c["error"])
                elif c.get("error"):
                    notes.append("request 2: %s" % c["error"])
                continue
            c0 = reqs[0].get("status") if reqs else None
            if c0 is not None and 100 <= c0 <= 199 and first is not None \
                    and first.get("has_head") and first["status"] == st:
                add("framing", 100, "client answers request 2 with the final response to"
                    " request 1 (status %s): it took the %s before it as final" % (st, c0))
                continue
            if e is None or not e["has_head"]:
                add("framing", 100, "client reads a second response (status %s) from %s"
                    % (st, describe_after(R, first)))
                continue
            if st != e["status"]:
                add("framing", 100, "client reads a second response with status %s where"
                    " respcheck's second response is %s" % (st, e["status"]))
                continue
            if ok and e["complete"] and case["method"] != "HEAD":
                rb = body_of(data, e)
                if not same_body(c, rb):
                    add("framing", 95, "second response: client body %s bytes, respcheck %d"
                        % (c.get("body_length"), len(rb)))
            if ok and (e.get("verdict") == "reject" or any(r.get("verdict") == "reject" for r in interim)):
                add("accepts-rejected", 45, "second response: client accepts a response"
                    " respcheck rejects (%s)" % ", ".join(errors_of(R, e)))
    classes = [k for k in CLASSES if k in found]
    details = [d for k in classes for d in found[k][1]]
    score = max([found[k][0] for k in classes] or [0])
    return {"classes": classes, "score": score, "details": details, "notes": notes}


def oracle_summary(R):
    """respcheck's reading in a few stable words, for --check."""
    msgs = []
    for r in R["responses"]:
        if r["has_head"]:
            fr = r["framing"]
            how = "".join(k for k, f in (("L", "content_length"), ("C", "chunked"),
                                          ("X", "close_delimited"), ("N", "no_body"),
                                          ("K", "keep_alive"), ("U", "upgrade"), ("T", "tunnel"))
                          if fr.get(f))
            s = "%d>%d:%s %s body=%d" % (r["status"], r["effective_status"],
                                         "R" if r["verdict"] == "reject" else "A", how,
                                         r["body_length"])
        else:
            s = "-:%s" % ("R" if r["verdict"] == "reject" else "A")
        if not r["complete"]:
            s += " incomplete"
        msgs.append(s)
    errs = sorted({f["id"] for f in R["findings"] if f["severity"] == "error"})
    return {"verdict": R["verdict"], "messages": msgs, "errors": errs,
            "error": R["error"]["errno"] if R["error"] else None}


def client_summary(C):
    out = []
    for r in C.get("requests", []):
        if r.get("fresh"):
            out.append("new-connection")
        elif r.get("status") is None:
            out.append("error")
        else:
            out.append("%s body=%s%s" % (r["status"], r.get("body_length"),
                                         " error" if r.get("error") else ""))
    return out


# --------------------------------------------------------------------------
# Running and reporting.

def run_cases(cases, oracle, args):
    results = []
    for c in cases:
        R = oracle_read(oracle, c["data"], c["method"])
        results.append({"case": c, "oracle": R, "clients": {}})
    jobs = [(res, cl, m) for res in results for cl in args.clients for m in args.modes]
    done = [0]
    lock = threading.Lock()
    t0 = time.monotonic()

    def work(job):
        res, cl, m = job
        C = exchange(res["case"], cl, m, args, res["oracle"])
        C["classification"] = classify(res["case"], res["oracle"], C, m, args.hold)
        with lock:
            res["clients"]["%s/%s" % (cl, m)] = C
            done[0] += 1
            if args.progress and done[0] % 50 == 0:
                log("%d/%d exchanges, %.0fs" % (done[0], len(jobs), time.monotonic() - t0))

    with ThreadPoolExecutor(max_workers=args.jobs) as ex:
        list(ex.map(work, jobs))
    return results


def columns(args):
    return ["%s/%s" % (c, m) for c in args.clients for m in args.modes]


def cell(C):
    if C is None:
        return "?"
    if C.get("harness_error"):
        return "!"
    cls = C["classification"]["classes"]
    return "".join(SHORT[k] for k in cls) or "."


def print_table(results, args, out):
    cols = columns(args)
    w = max([len(r["case"]["id"]) for r in results] + [4])
    w = min(w, 58)
    out.write("%-*s  %-7s %s\n" % (w, "case", "rc", "  ".join("%-11s" % c for c in cols)))
    for r in results:
        R = r["oracle"]
        fin = [x for x, _ in finals(R) if x is not None]
        st = ",".join(str(x["status"]) if x["has_head"] else "-" for x in fin[:2]) or "-"
        rc = "%s %s" % ("R" if R["verdict"] == "reject" else "A", st)
        name = r["case"]["id"]
        if len(name) > w:
            name = name[:w - 1] + "~"
        out.write("%-*s  %-7s %s\n" % (w, name, rc[:7],
                                        "  ".join("%-11s" % cell(r["clients"].get(c)) for c in cols)))
    out.write("\nrc: respcheck's verdict (A accept, R reject) and the status of its first"
              " final responses.\nF framing, S status, A accepts-rejected, R rejects-accepted,"
              " . agrees, ! harness error.\n")


def counts(results, args):
    out = {}
    for col in columns(args):
        n = {k: 0 for k in CLASSES}
        n["agree"] = 0
        n["harness-error"] = 0
        n["cases"] = 0
        for r in results:
            C = r["clients"].get(col)
            if C is None:
                continue
            n["cases"] += 1
            if C.get("harness_error"):
                n["harness-error"] += 1
                continue
            cls = C["classification"]["classes"]
            if not cls:
                n["agree"] += 1
            for k in cls:
                n[k] += 1
        out[col] = n
    return out


def most_serious(results, client, k=3):
    """The k most serious disagreements of a client, one per kind of detail."""
    rows = []
    for r in results:
        for col, C in r["clients"].items():
            if not col.startswith(client + "/") or C.get("harness_error"):
                continue
            cl = C["classification"]
            if cl["classes"]:
                rows.append((cl["score"], col, r, cl))
    rows.sort(key=lambda x: (-x[0], x[2]["case"]["source"] != "vec", len(x[2]["case"]["data"])))
    picked, kinds = [], set()
    for score, col, r, cl in rows:
        kind = (cl["classes"][0], cl["details"][0].split(" (")[0][:48] if cl["details"] else "")
        if kind in kinds or any(p[2] is r for p in picked):
            continue
        kinds.add(kind)
        picked.append((score, col, r, cl))
        if len(picked) == k:
            break
    return picked


def print_summary(results, args, out):
    cnt = counts(results, args)
    out.write("\nCounts per client and mode (a case counts in every class it shows):\n")
    hdr = ["cases", "agree"] + list(CLASSES) + ["harness-error"]
    out.write("%-12s %s\n" % ("", " ".join("%16s" % h for h in hdr)))
    for col, n in cnt.items():
        out.write("%-12s %s\n" % (col, " ".join("%16d" % n[h] for h in hdr)))
    out.write("\nCases in each class in any mode; framing* counts the framing cases where\n"
              "respcheck's own body bytes follow llhttp 8.1 against RFC 9112 6.3\n"
              "(transfer-encoding-invalid, 'llhttp frames this body as ...'):\n")
    for client in args.clients:
        n, caveat = {k: set() for k in CLASSES}, set()
        agree = 0
        for r in results:
            cols = [C for col, C in r["clients"].items() if col.startswith(client + "/")
                    and not C.get("harness_error")]
            cls = set(k for C in cols for k in C["classification"]["classes"])
            if cols and not cls:
                agree += 1
            for k in cls:
                n[k].add(r["case"]["id"])
            fr = [d for C in cols if "framing" in C["classification"]["classes"]
                  for d in C["classification"]["details"] if d.startswith(FRAMING_DETAILS)]
            if fr and all("[respcheck: llhttp frames" in d for d in fr):
                caveat.add(r["case"]["id"])
        out.write("  %-7s agree %d, framing %d (framing* %d), status %d, accepts-rejected %d,"
                  " rejects-accepted %d\n" % (client, agree, len(n["framing"]), len(caveat),
                                               len(n["status"]), len(n["accepts-rejected"]),
                                               len(n["rejects-accepted"])))
    for client in args.clients:
        out.write("\nMost serious disagreements, %s:\n" % client)
        for score, col, r, cl in most_serious(results, client):
            out.write("  [%s] %s (%s): %s\n" % (",".join(cl["classes"]), r["case"]["id"], col,
                                                "; ".join(cl["details"])))
            out.write("      bytes: %s\n" % ascii(r["case"]["data"][:160])[1:])


def to_json(results, args, notes, versions):
    out = {"respcheck": results[0]["oracle"]["oracle"] if results else None,
           "clients": versions, "modes": list(args.modes), "hold": args.hold,
           "timeout": args.timeout, "seed": args.seed, "notes": notes,
           "counts": counts(results, args), "cases": []}
    for r in results:
        c = r["case"]
        out["cases"].append({
            "id": c["id"], "source": c["source"], "path": c.get("path"), "method": c["method"],
            "aliases": c.get("aliases", []), "note": c.get("note"),
            "bytes_b64": base64.b64encode(c["data"]).decode(),
            "bytes": c["data"].decode("latin-1"),
            "oracle_summary": oracle_summary(r["oracle"]),
            "respcheck_final_responses": sum(1 for f, _ in finals(r["oracle"])
                                             if f is not None and f["has_head"]),
            "oracle": r["oracle"],
            "clients": r["clients"]})
    return out


# --------------------------------------------------------------------------
# The fixed subset.

def expected_of(results, args, versions):
    exp = {"comment": "Written by fuzz/diff/run.py --write-expected from the cases in"
                      " fuzz/diff/subset/, then reviewed (docs/differential.md). --check"
                      " compares respcheck's reading and every classification with these.",
           "clients": versions, "modes": list(args.modes), "hold": args.hold, "cases": {}}
    for r in results:
        c = r["case"]
        exp["cases"][os.path.basename(c["path"])] = {
            "method": c["method"],
            "respcheck": oracle_summary(r["oracle"]),
            "classes": {col: C["classification"]["classes"] for col, C in sorted(r["clients"].items())},
            "readings": {col: client_summary(C) for col, C in sorted(r["clients"].items())},
        }
    return exp


def format_expected(exp):
    """expected.json with one line per case field, so that a change in one
    classification is a one-line diff."""
    d = lambda v: json.dumps(v, sort_keys=True)  # noqa: E731
    out = ["{"]
    for k in ("comment", "clients", "modes", "hold"):
        out.append(" %s: %s," % (d(k), d(exp[k])))
    out.append(' "cases": {')
    names = sorted(exp["cases"])
    for i, name in enumerate(names):
        c = exp["cases"][name]
        out.append("  %s: {" % d(name))
        out.append("   \"method\": %s," % d(c["method"]))
        out.append("   \"respcheck\": %s," % d(c["respcheck"]))
        out.append("   \"classes\": {")
        cols = sorted(c["classes"])
        for j, col in enumerate(cols):
            out.append("    %s: %s%s" % (d(col), d(c["classes"][col]), "," if j + 1 < len(cols) else ""))
        out.append("   },")
        out.append("   \"readings\": {")
        cols = sorted(c["readings"])
        for j, col in enumerate(cols):
            out.append("    %s: %s%s" % (d(col), d(c["readings"][col]), "," if j + 1 < len(cols) else ""))
        out.append("   }")
        out.append("  }%s" % ("," if i + 1 < len(names) else ""))
    out.append(" }")
    out.append("}")
    return "\n".join(out) + "\n"


def check(results, exp, versions, args):
    bad = []
    other = set()
    for col in versions:
        if exp["clients"].get(col) != versions[col]:
            log("note: %s is %s here, %s when expected.json was written: %s"
                % (col, versions[col], exp["clients"].get(col),
                   "compared anyway (--strict-versions)" if args.strict_versions
                   else "its classes are not compared, respcheck's reading is"))
            if not args.strict_versions:
                other.add(col)
    by = {os.path.basename(r["case"]["path"]): r for r in results}
    for name, e in sorted(exp["cases"].items()):
        r = by.get(name)
        if r is None:
            bad.append("%s: case missing from fuzz/diff/subset/" % name)
            continue
        got = oracle_summary(r["oracle"])
        if got != e["respcheck"]:
            bad.append("%s: respcheck's reading changed:\n    expected %s\n    now      %s"
                       % (name, json.dumps(e["respcheck"]), json.dumps(got)))
        for col, classes in sorted(e["classes"].items()):
            C = r["clients"].get(col)
            if C is None or col.split("/")[0] in other:
                continue
            now = C["classification"]["classes"]
            if C.get("harness_error"):
                bad.append("%s %s: harness error: %s" % (name, col, C["harness_error"]))
            elif now != classes:
                bad.append("%s %s: classes %s, expected %s (client read %s; %s)"
                           % (name, col, now, classes, client_summary(C),
                              "; ".join(C["classification"]["details"])))
    for name in sorted(set(by) - set(exp["cases"])):
        bad.append("%s: in fuzz/diff/subset/ but not in expected.json" % name)
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sources", default="vectors,captures,fuzz,gen",
                    help="comma-separated: vectors, captures, fuzz, gen, subset, or a file or"
                         " folder of .http/.head files (default: %(default)s)")
    ap.add_argument("--clients", default=",".join(CLIENTS), help="default: %(default)s")
    ap.add_argument("--modes", default=",".join(MODES), help="close, paced, hold (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--gen", type=int, default=200, help="generated cases (default 200)")
    ap.add_argument("--limit", type=int, default=0, help="run at most N cases (0: all)")
    ap.add_argument("--match", action="append", help="only cases whose id contains this (repeatable)")
    ap.add_argument("--timeout", type=float, default=3.0, help="per-request client timeout, s (default 3)")
    ap.add_argument("--hold", type=float, default=1.0, help="hold mode: seconds the connection"
                    " stays open after the bytes; paced mode: seconds to wait for the next"
                    " request (default 1)")
    ap.add_argument("--jobs", type=int, default=8, help="exchanges run at once (default 8)")
    ap.add_argument("--json", help="write everything to this JSON file")
    ap.add_argument("--check", metavar="EXPECTED", help="run fuzz/diff/subset/ and compare with"
                    " EXPECTED; exit 1 on any change, 77 when a client is missing")
    ap.add_argument("--strict-versions", action="store_true", help="with --check, compare the"
                    " classes of a client whose version differs from expected.json's too")
    ap.add_argument("--write-expected", metavar="PATH", help="run fuzz/diff/subset/ and write the"
                    " observed readings and classes to PATH")
    ap.add_argument("--oracle", help="the oracle binary (default: build it in --build-dir)")
    ap.add_argument("--dump-vectors", help="the dump_vectors binary (default: build it)")
    ap.add_argument("--build-dir", default=None,
                    help="where the library, oracle and dump_vectors are built when not given"
                         " (default: %s, named after this checkout)" % default_build_dir())
    ap.add_argument("--no-table", action="store_true", help="print only the summary")
    ap.add_argument("--quiet", dest="progress", action="store_false", help="no progress lines")
    args = ap.parse_args()
    args.build_dir = checked_build_dir(args.build_dir)
    args.clients = [c for c in args.clients.split(",") if c]
    args.modes = [m for m in args.modes.split(",") if m]
    args.sources = [s for s in args.sources.split(",") if s]
    for c in args.clients:
        if c not in CLIENTS:
            ap.error("unknown client %s" % c)
    for m in args.modes:
        if m not in MODES:
            ap.error("unknown mode %s" % m)
    if args.check or args.write_expected:
        args.sources = ["subset"]
        args.limit = 0
        args.match = None

    versions = client_versions(args.clients)
    CLIENT_VERSIONS.update({k: v for k, v in versions.items() if v})
    missing = [c for c, v in versions.items() if v is None]
    if missing:
        log("clients not found: %s (Debian: apt-get install curl nodejs)" % ", ".join(missing))
        if args.check:
            return 77
        args.clients = [c for c in args.clients if c not in missing]

    oracle, dump = build_tools(args)
    cases, notes = collect_cases(args, dump)
    if args.progress:
        log("%d cases x %d clients x %d modes" % (len(cases), len(args.clients), len(args.modes)))
    t0 = time.monotonic()
    results = run_cases(cases, oracle, args)
    versions = {"%s" % k: v for k, v in versions.items() if v}

    if args.check:
        with open(args.check) as f:
            exp = json.load(f)
        bad = check(results, exp, versions, args)
        for b in bad:
            print("FAIL " + b)
        print("%d cases, %d exchanges checked in %.1fs: %s"
              % (len(results), len(results) * len(args.clients) * len(args.modes),
                 time.monotonic() - t0, "%d differences" % len(bad) if bad else "as expected"))
        return 1 if bad else 0
    if args.write_expected:
        with open(args.write_expected, "w") as f:
            f.write(format_expected(expected_of(results, args, versions)))
        log("wrote %s" % args.write_expected)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(to_json(results, args, notes, versions), f, indent=1)
            f.write("\n")
    if not args.no_table:
        print_table(results, args, sys.stdout)
    print_summary(results, args, sys.stdout)
    for n in notes:
        print("note: " + n)
    print("\n%d cases, %.0fs; clients: %s" % (len(results), time.monotonic() - t0,
                                              ", ".join("%s %s" % kv for kv in versions.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
