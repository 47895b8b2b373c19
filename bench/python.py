#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The Python package's costs, measured in one run:

1. What a call costs above the C library: respcheck.check() on one typical
   response, and per response on a keep-alive stream of 100, against the C
   library doing the same parse (respcheck_parser_reset, respcheck_execute,
   respcheck_finish, counting callbacks) in the same process and the same
   build (respcheck._respcheck._bench_c_loop). Timed passes alternate C and
   Python; the table shows the fastest pass of each (the least disturbed on
   a shared machine) and the median. With --instructions, the same loops
   are also counted under callgrind (instructions do not depend on the
   machine's load).
2. Linting at scale: responses per second of `python3 -m respcheck.dask`
   with 1 and with 2 LocalCluster workers on a generated corpus, counted
   from the first task handed out to the last result in (the cluster's start
   and stop excluded, shown apart), beside the respcheck command in one
   process on the same files.

    /usr/bin/python3 bench/python.py [--build BUILD] [--instructions]
                                     [--skip-dask]

BUILD is a build folder of this tree (default build/): BUILD/python holds
the package, BUILD/tools/respcheck the command. Run with Debian's
/usr/bin/python3 (the package is built for it; Dask and matplotlib are
Debian's).
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# A typical response (nginx's fields), its body, and the shapes of a
# keep-alive stream: what a crawl or a proxy sees most.
ONE = (b"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
       b"Date: Wed, 25 Nov 2026 15:53:42 GMT\r\nContent-Type: text/html\r\n"
       b"Content-Length: 12\r\nLast-Modified: Wed, 01 Jan 2025 00:00:00 GMT\r\n"
       b"Connection: keep-alive\r\nETag: \"67748580-31\"\r\n"
       b"Accept-Ranges: bytes\r\n\r\nhello world\n")
DATE = b"Date: Wed, 25 Nov 2026 15:53:42 GMT\r\n"
SHAPES = [
    (40, lambda r: ONE),
    (15, lambda r: b"HTTP/1.1 304 Not Modified\r\nServer: nginx\r\n" + DATE +
     b"ETag: \"1\"\r\n\r\n"),
    (15, lambda r: (b"HTTP/1.1 200 OK\r\nServer: nginx\r\n" + DATE +
                    b"Content-Type: application/json\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n"
                    b"1a\r\n{\"items\":[1,2,3],\"n\":3}   \r\n0\r\n\r\n")),
    (10, lambda r: b"HTTP/1.1 301 Moved Permanently\r\nServer: nginx\r\n" +
     DATE + b"Location: https://example.org/%d\r\nContent-Length: 0\r\n\r\n"
     % r.randrange(1000)),
    (10, lambda r: b"HTTP/1.1 404 Not Found\r\nServer: nginx\r\n" + DATE +
     b"Content-Type: text/html\r\nContent-Length: 9\r\n\r\nnot found"),
    (5, lambda r: b"HTTP/1.1 200 OK\r\n" + DATE + b"Set-Cookie: " +
     b"s=%s; Path=/; HttpOnly\r\n" % (b"x" * 300) + b"Content-Length: 2\r\n\r\nok"),
    (5, lambda r: b"HTTP/1.1 405 Not Allowed\r\nServer: nginx\r\n" + DATE +
     b"Content-Length: 0\r\n\r\n"),
]


def stream(rng, n):
    weights = [w for w, _ in SHAPES]
    makers = [m for _, m in SHAPES]
    return b"".join(rng.choices(makers, weights)[0](rng) for _ in range(n))


def time_python(check, data, n):
    t = time.perf_counter()
    for _ in range(n):
        check(data)
    return time.perf_counter() - t


def per_call(respcheck, reps, calls):
    """[(name, C ns, Python ns)] fastest and median, per response."""
    c_loop = respcheck._respcheck._bench_c_loop
    hundred = stream(random.Random(16), 100)
    assert len(respcheck.check(hundred)) == 100
    rows = []
    for name, data, responses, n in (
            ("one response a call", ONE, 1, calls),
            ("a stream of 100 a call, per response", hundred, 100,
             max(1, calls // 100))):
        c_times, p_times = [], []
        for _ in range(reps):
            secs, got = c_loop(data, n)
            assert got == n * responses, (got, n * responses)
            c_times.append(secs / (n * responses) * 1e9)
            p_times.append(time_python(respcheck.check, data, n)
                           / (n * responses) * 1e9)
        rows.append((name, min(c_times), min(p_times),
                     statistics.median(c_times), statistics.median(p_times)))
    # What respcheck.dask does per response beyond check(): the command's
    # JSON line.
    rs = respcheck.check(hundred)
    t = time.perf_counter()
    for _ in range(max(1, calls // 100)):
        for r in rs:
            r.to_json()
    to_json = (time.perf_counter() - t) / (max(1, calls // 100) * 100) * 1e9
    return rows, to_json


def instructions(build, calls):
    """Instructions per response under callgrind: (C, Python) per case."""
    out = {}
    for mode in ("c1", "py1", "c100", "py100"):
        counts = []
        per = 100 if mode.endswith("100") else 1
        for n in (0, calls // per):
            proc = subprocess.run(
                ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                 sys.executable, os.path.abspath(__file__), "--build", build,
                 "--loop", mode, str(n)],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
            line = [l for l in proc.stderr.decode().splitlines()
                    if "Collected" in l][0]
            counts.append(int(line.split(":")[-1].strip()))
        out[mode] = (counts[1] - counts[0]) / (calls // per * per)
    return out


def loop(build, mode, n):
    sys.path.insert(0, os.path.join(build, "python"))
    import respcheck
    data = ONE if mode.endswith("1") and not mode.endswith("100") \
        else stream(random.Random(16), 100)
    if mode.startswith("c"):
        respcheck._respcheck._bench_c_loop(data, n)
    else:
        check = respcheck.check
        for _ in range(n):
            check(data)


def write_corpus(folder, files, responses):
    rng = random.Random(1600)
    total = 0
    for i in range(files):
        n = responses // files
        with open(os.path.join(folder, "conn-%03d.http" % i), "wb") as f:
            data = stream(rng, n)
            f.write(data)
            total += len(data)
    return total


def scale(build, files, responses):
    sys.path.insert(0, os.path.join(build, "python"))
    import respcheck.dask
    tmp = tempfile.mkdtemp(prefix="respcheck-bench-python-")
    try:
        folder = os.path.join(tmp, "in")
        os.mkdir(folder)
        size = write_corpus(folder, files, responses)
        rows = []
        command = os.path.join(build, "tools", "respcheck")
        t = time.perf_counter()
        subprocess.run([command, "--format=json", "--no-progress", folder],
                       stdout=subprocess.DEVNULL, check=False)
        secs = time.perf_counter() - t
        rows.append(("respcheck command, 1 process, --format=json",
                     responses / secs, secs, secs))
        for workers in (1, 2):
            s = respcheck.dask.run([folder], workers=workers,
                                   out=os.path.join(tmp, "out%d" % workers),
                                   progress=False, report=False)
            assert s["responses"] == responses, s["responses"]
            rows.append(("respcheck.dask, %d worker%s" % (workers,
                                                         "s" * (workers > 1)),
                         s["responses_per_second"], s["processing_seconds"],
                         s["elapsed_seconds"]))
        return size, rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--reps", type=int, default=15)
    p.add_argument("--calls", type=int, default=100000)
    p.add_argument("--instructions", action="store_true")
    p.add_argument("--skip-dask", action="store_true")
    p.add_argument("--files", type=int, default=32)
    p.add_argument("--responses", type=int, default=400000)
    p.add_argument("--loop", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    build = os.path.abspath(args.build)
    if args.loop:
        loop(build, args.loop[0], int(args.loop[1]))
        return 0
    sys.path.insert(0, os.path.join(build, "python"))
    import respcheck
    print("respcheck %s, Python %s (%s), %d CPUs" % (
        respcheck.version(), sys.version.split()[0], sys.executable,
        os.cpu_count()))
    rows, to_json = per_call(respcheck, args.reps, args.calls)
    print("\nCost per response, ns (fastest of %d passes; median in brackets)"
          % args.reps)
    print("| case | C library | respcheck.check() | above C |")
    print("|---|---|---|---|")
    for name, c, py, cm, pm in rows:
        print("| %s | %.0f (%.0f) | %.0f (%.0f) | %.0f (%.0f) |"
              % (name, c, cm, py, pm, py - c, pm - cm))
    print("\nResponse.to_json(), per response: %.0f ns" % to_json)
    if args.instructions:
        ins = instructions(build, 20000)
        print("\nInstructions per response (callgrind)")
        print("| case | C library | respcheck.check() | above C |")
        print("|---|---|---|---|")
        for name, c, py in (("one response a call", ins["c1"], ins["py1"]),
                            ("a stream of 100, per response", ins["c100"],
                             ins["py100"])):
            print("| %s | %.0f | %.0f | %.0f |" % (name, c, py, py - c))
        print("(the Python column includes the interpreter's for loop)")
    if not args.skip_dask:
        size, rows = scale(build, args.files, args.responses)
        print("\nLinting at scale: %d responses in %d files, %.1f MiB"
              % (args.responses, args.files, size / 2**20))
        print("| how | responses/s | seconds | with cluster start/stop |")
        print("|---|---|---|---|")
        for name, rate, secs, total in rows:
            print("| %s | %.0f | %.1f | %.1f |" % (name, rate, secs, total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
