# SPDX-License-Identifier: MIT
"""What the package's tests share: where the sources and the command are,
running the command, and generated inputs.

The tests run from CTest with PYTHONPATH at the build tree's python/ folder
and RESPCHECK_COMMAND naming the respcheck command; run by hand:

    PYTHONPATH=build/python RESPCHECK_COMMAND=build/tools/respcheck \\
        /usr/bin/python3 -m unittest discover -s python/tests -v
"""

import json
import os
import random
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMMAND = os.environ.get("RESPCHECK_COMMAND", "")


def need_command():
    """The command's path; a test that needs it fails when it is not set."""
    if not COMMAND or not os.access(COMMAND, os.X_OK):
        raise AssertionError("RESPCHECK_COMMAND must name the respcheck "
                             "command (got %r)" % COMMAND)
    return COMMAND


def command_env():
    """The environment for the command: without the sanitizer runtime that
    sanitizer builds preload into Python (the command links its own)."""
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    return env


def captures():
    """Every bundled raw response stream: (path, method) with HEAD for
    *.head."""
    out = []
    for folder in (os.path.join(ROOT, "examples", "captures"),
                   os.path.join(ROOT, "tests", "cli", "captures")):
        for name in sorted(os.listdir(folder)):
            if name.endswith(".http") or name.endswith(".head"):
                out.append((os.path.join(folder, name),
                            "HEAD" if name.endswith(".head") else "GET"))
    return out


def packet_captures():
    """Every bundled pcap and pcapng file (examples/captures,
    capture/tests/fixtures)."""
    return _bundled((".pcap", ".pcapng"),
                    ("examples/captures", "capture/tests/fixtures"))


def archives():
    """Every bundled web archive and browser export (examples/captures,
    warc/tests/fixtures, har/tests/fixtures), the broken ones included."""
    return _bundled((".warc", ".warc.gz", ".har", ".json"),
                    ("examples/captures", "warc/tests/fixtures",
                     "har/tests/fixtures"))


def _bundled(suffixes, folders):
    out = []
    for folder in folders:
        folder = os.path.join(ROOT, folder)
        out.extend(os.path.join(folder, name)
                   for name in sorted(os.listdir(folder))
                   if name.endswith(suffixes))
    return out


def run_command(paths, *options, statuses=(0, 1)):
    """The command's JSON records for paths, grouped by file, its --summary
    object, and its lines as written, grouped by file. One of the exit
    statuses expected."""
    proc = subprocess.run([need_command(), "--format=json", "--summary",
                           "--no-progress", *options, "--", *paths],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=command_env(), check=False)
    if proc.returncode not in statuses:
        raise AssertionError("respcheck exited %d: %s"
                             % (proc.returncode, proc.stderr.decode()))
    records, summary, lines = {}, None, {}
    for line in proc.stdout.decode("utf-8").splitlines():
        obj = json.loads(line)
        if "summary" in obj:
            summary = obj["summary"]
        else:
            records.setdefault(obj["file"], []).append(obj)
            lines.setdefault(obj["file"], []).append(line)
    return records, summary, lines


def mutate(data, rng):
    """One random edit of a response stream: the kinds of damage that reach
    the library's corners (bytes changed, CR/LF/space/colon inserted, a cut,
    a repeat)."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not data:
            data += b"HTTP/1.1 200 OK\r\n\r\n"
        at = rng.randrange(len(data))
        kind = rng.randrange(7)
        if kind == 0:
            data[at] = rng.randrange(256)
        elif kind == 1:
            data[at:at] = rng.choice([b"\r", b"\n", b"\r\n", b" ", b":",
                                      b"\t", b"\x00", b"\xc3\xa9", b"\xff"])
        elif kind == 2:
            del data[at:]
        elif kind == 3:
            del data[at:at + rng.randint(1, 8)]
        elif kind == 4:
            end = min(len(data), at + rng.randint(1, 200))
            data[end:end] = data[at:end]
        elif kind == 5:
            data[at:at] = rng.choice([
                b"HTTP/1.1 100 Continue\r\n\r\n",
                b"Transfer-Encoding: chunked\r\n",
                b"Content-Length: 3\r\n",
                b" folded\r\n",
                b"HTTP/1.0 399 Odd\r\n\r\n"])
        else:
            data[at] = data[at] ^ 0x20
    return bytes(data)


def write_mutants(folder, count, seed=16):
    """count mutated captures in folder; returns their paths."""
    rng = random.Random(seed)
    sources = []
    for path, _ in captures():
        with open(path, "rb") as f:
            sources.append(f.read())
    paths = []
    for i in range(count):
        path = os.path.join(folder, "mutant-%04d.http" % i)
        with open(path, "wb") as f:
            f.write(mutate(rng.choice(sources), rng))
        paths.append(path)
    return paths


_DATE = b"Date: Tue, 15 Jul 2025 08:12:31 GMT\r\n"
_SHAPES = [
    lambda r: b"HTTP/1.1 200 OK\r\n" + _DATE + b"Content-Length: 5\r\n\r\nhello",
    lambda r: b"HTTP/1.1 404 Not Found\r\n" + _DATE + b"Content-Length: 0\r\n\r\n",
    lambda r: b"HTTP/1.1 301 Moved Permanently\r\n" + _DATE + b"Content-Length: 0\r\n\r\n",
    lambda r: b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n",
    lambda r: (b"HTTP/1.1 200 OK\r\n" + _DATE + b"Transfer-Encoding: chunked\r\n\r\n"
               b"5\r\nhello\r\n0\r\n\r\n"),
    lambda r: b"HTTP/1.1 100 Continue\r\n\r\n",
    lambda r: b"HTTP/1.1 204 No Content\r\n" + _DATE + b"\r\n",
    lambda r: b"HTTP/1.1 %d Odd\r\n" % r.choice([299, 399, 418, 599]) + _DATE
    + b"Content-Length: 0\r\n\r\n",
    lambda r: b"HTTP/1.1 503 Service Unavailable\r\n" + _DATE + b"Content-Length: 2\r\n\r\nno",
]


def write_corpus(folder, files, seed=1600, largest=None):
    """files generated response streams (keep-alive runs of typical and
    broken responses, some damaged by mutate()) in folder; the file named
    largest, if given, is made the largest. Returns the paths."""
    rng = random.Random(seed)
    paths = []
    for i in range(files):
        name = largest if (largest and i == 0) else "gen-%03d.http" % i
        count = rng.randint(5, 400) if i else 600
        data = b"".join(rng.choice(_SHAPES)(rng) for _ in range(count))
        if rng.random() < 0.3:
            data = mutate(data, rng)
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)
    return paths


def _warc_record(wtype, block, rid, concurrent=(), uri=None,
                 ctype=b"application/http; msgtype=response"):
    head = [b"WARC/1.1", b"WARC-Type: " + wtype,
            b"WARC-Record-ID: <urn:uuid:%s>" % rid,
            b"WARC-Date: 2026-11-25T15:53:42Z"]
    if uri:
        head.append(b"WARC-Target-URI: " + uri)
    for c in concurrent:
        head.append(b"WARC-Concurrent-To: <urn:uuid:%s>" % c)
    head += [b"Content-Type: " + ctype,
             b"Content-Length: %d" % len(block)]
    return b"\r\n".join(head) + b"\r\n\r\n" + block + b"\r\n\r\n"


def write_warc(path, pairs, seed=14, heritrix=False, publisher=None):
    """A plain WARC file of pairs request/response records (wget's order,
    request first, or Heritrix's, response first), with a warcinfo record,
    metadata, revisits and responses of the broken kinds; returns the
    number of response records."""
    rng = random.Random(seed)
    out = [_warc_record(b"warcinfo",
                        b"software: test\r\n" +
                        (b"publisher: " + publisher + b"\r\n" if publisher
                         else b""), b"00000000-0000-0000-0000-000000000000",
                        ctype=b"application/warc-fields")]
    n = 0
    for i in range(pairs):
        rid, qid = b"r-%06d" % i, b"q-%06d" % i
        uri = b"http://host%d.example/p%d" % (i % 7, i)
        method = rng.choice([b"GET", b"GET", b"HEAD"])
        request = _warc_record(
            b"request", method + b" /p%d HTTP/1.1\r\nHost: host%d.example"
            b"\r\n\r\n" % (i, i % 7), qid, (rid,) if heritrix else (),
            uri, b"application/http; msgtype=request")
        body = rng.choice(_SHAPES)(rng)
        if method == b"HEAD":
            body = body.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
        if rng.random() < 0.05:
            body = mutate(body, rng)
        kind = rng.random()
        if kind < 0.05:
            response = _warc_record(b"revisit", body, rid, (qid,), uri)
        else:
            response = _warc_record(b"response", body, rid,
                                    () if heritrix else (qid,), uri)
            n += 1
        out += [response, request] if heritrix else [request, response]
        if rng.random() < 0.2:
            out.append(_warc_record(b"metadata", b"via: x\r\n",
                                    b"m-%06d" % i, (rid,), uri,
                                    b"application/warc-fields"))
    with open(path, "wb") as f:
        f.write(b"".join(out))
    return n
