# SPDX-License-Identifier: MIT
"""respcheck.dask on a LocalCluster of 2 worker processes (loopback): the
totals and the records are exactly the command's on the same files, also
when a worker is killed mid-run; the report is self-contained."""

import functools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import unittest

import respcheck.dask
from respcheck.dask import COMMAND_KEYS, report, tasks
from support import (archives, command_env, packet_captures, run_command,
                     write_corpus, write_warc)

FILES = 40


def command_totals(paths, *options, statuses=(0, 1, 2)):
    """What the command says about paths in one process: its summary, and
    the counts per status code and verdict from its records, and its
    JSON lines (sorted)."""
    records, summary, lines = run_command(paths, *options, statuses=statuses)
    every = [r for rs in records.values() for r in rs]
    codes, verdicts = {}, {}
    for r in every:
        key = "none" if r["status"] is None else str(r["status"])
        codes[key] = codes.get(key, 0) + 1
        verdicts[r["verdict"]] = verdicts.get(r["verdict"], 0) + 1
    return summary, codes, verdicts, sorted(line for ls in lines.values()
                                            for line in ls)


def read_records(out):
    with open(os.path.join(out, "records.jsonl"), encoding="utf-8") as f:
        return sorted(line.rstrip("\n") for line in f)


class DaskTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.inputs = os.path.join(self.tmp.name, "in")
        os.mkdir(self.inputs)
        self.paths = write_corpus(self.inputs, FILES, largest="hold.http")
        # A file that cannot be read, and packet captures (one cut short),
        # count the same in both.
        self.paths.append(os.path.join(self.inputs, "missing.http"))
        self.paths.extend(packet_captures())
        # Web archives that split into record ranges (wget's order, and
        # Heritrix's in a Common Crawl file), one bad in the middle (its
        # later ranges are dropped, as the command stops there), gzip ones
        # and browser exports (whole), the bundled broken ones.
        for name, kw in (("wget.warc", {}),
                         ("heritrix.warc", dict(heritrix=True,
                                                publisher=b"Common Crawl"))):
            path = os.path.join(self.inputs, name)
            write_warc(path, 300, **kw)
            self.paths.append(path)
        bad = os.path.join(self.inputs, "bad-middle.warc")
        write_warc(bad, 300, seed=3)
        with open(bad, "r+b") as f:
            data = f.read()
            at = data.index(b"WARC/1.1", len(data) // 2)
            f.seek(at)
            f.write(b"WARC/9.9")
        self.paths.append(bad)
        self.paths.extend(archives())
        self.out = os.path.join(self.tmp.name, "out")

    def assert_same_as_command(self, summary, *options):
        want, codes, verdicts, records = command_totals(self.paths, *options)
        self.assertEqual({k: summary[k] for k in COMMAND_KEYS},
                         {k: want[k] for k in COMMAND_KEYS})
        self.assertEqual(summary["status_codes"], codes)
        self.assertEqual(summary["verdicts"], verdicts)
        self.assertEqual(read_records(self.out), records)
        self.assertGreater(summary["responses"], 2000)
        self.assertGreater(summary["rejected"], 10)
        self.assertGreater(summary["unreadable_files"], 1)
        # The captures' own rules, and their servers as hosts.
        self.assertTrue(any(r.startswith("capture-") for r in summary["rules"]))
        self.assertTrue(summary["hosts"])
        self.assertEqual(summary["files"], len(self.paths) - 1)
        self.assertTrue({"pcap", "warc", "har"} <= {
            json.loads(line)["source"]["kind"]
            for line in read_records(self.out)})

    def test_two_workers_match_the_command(self):
        summary = respcheck.dask.run(
            self.paths, workers=2, out=self.out, progress=False,
            options={"rules": {"date-missing": "warning"}},
            split_bytes=16384)
        self.assertEqual(summary["workers"], 2)
        # The plain WARC files went out in ranges.
        self.assertGreater(summary["tasks"], len(self.paths) + 20)
        self.assert_same_as_command(summary, "--rule=date-missing=warning")
        with open(os.path.join(self.out, "summary.json")) as f:
            self.assertEqual(json.load(f), summary)
        with open(os.path.join(self.out, "report.html")) as f:
            page = f.read()
        self.assertEqual(page.count('src="data:image/png;base64,'), 3)
        self.assertNotIn("<script", page)

    def test_killed_worker_loses_no_file(self):
        marker = os.path.join(self.tmp.name, "held")
        attempts = os.path.join(self.tmp.name, "attempts")
        srv = socket.create_server(("127.0.0.1", 0))
        srv.settimeout(120)
        self.addCleanup(srv.close)
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import dask_hooks
        lint = functools.partial(dask_hooks.hold_once, marker=marker,
                                 attempts=attempts,
                                 port=srv.getsockname()[1])
        result, failure = [], []

        def go():
            try:
                result.append(respcheck.dask.run(self.paths, workers=2,
                                                 out=self.out, progress=False,
                                                 lint=lint))
            except BaseException as e:  # reported by the test thread
                failure.append(e)
        t = threading.Thread(target=go)
        t.start()
        try:
            conn, _ = srv.accept()  # the held task's worker calls
            with conn:
                pid = int(conn.makefile().readline())
                os.kill(pid, signal.SIGKILL)
        finally:
            t.join(300)
        self.assertFalse(t.is_alive())
        self.assertEqual(failure, [])
        with open(attempts) as f:
            pids = [int(line) for line in f]
        # Held once, killed, then run again by another worker process.
        self.assertEqual(len(pids), 2)
        self.assertEqual(pids[0], pid)
        self.assertNotEqual(pids[1], pid)
        self.assert_same_as_command(result[0])


class SplitAndWalkTest(unittest.TestCase):
    def test_warc_ranges(self):
        """Record ranges of a plain WARC file, each read by its own reader,
        give exactly the records of the whole file (and the command's);
        they cover the file; gzip files and small ones stay whole."""
        from respcheck.dask import warcsplit
        with tempfile.TemporaryDirectory() as tmp:
            for name, kw in (("w.warc", {}),
                             ("h.warc", dict(heritrix=True)),
                             ("cc.warc", dict(publisher=b"Common Crawl"))):
                path = os.path.join(tmp, name)
                write_warc(path, 200, **kw)
                size = os.path.getsize(path)
                ranges = warcsplit.plan_ranges(path, size, 4096)
                self.assertGreater(len(ranges), 10, name)
                self.assertEqual(ranges[0][0], 0)
                for (a, b, _, _), (c, _, _, _) in zip(ranges, ranges[1:]):
                    self.assertEqual(b, c)
                self.assertIsNone(ranges[-1][1])
                whole = [r.to_json() for r in respcheck.check_file(path)]
                parts = []
                for start, stop, first, rewrite in ranges:
                    parts += [r.to_json() for r in
                              respcheck._respcheck._check_warc_range(
                                  path, start, stop, first,
                                  rewrite == "always")]
                self.assertEqual(parts, whole, name)
                _, _, lines = run_command([path])
                self.assertEqual(whole, lines[path])
                self.assertEqual(warcsplit.plan_ranges(path, size, size),
                                 [(0, None, 0, None)])
            fixtures = os.path.join(os.path.dirname(__file__), "..", "..",
                                    "warc", "tests", "fixtures")
            gz = os.path.join(fixtures, "wget-like.warc.gz")
            self.assertEqual(warcsplit.plan_ranges(gz, 10 ** 9, 1),
                             [(0, None, 0, None)])

    def test_plan_walks_as_the_command(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("b.http", "a.http", ".hidden.http", "c.txt"):
                with open(os.path.join(tmp, name), "wb") as f:
                    f.write(b"x" * len(name))
            os.mkdir(os.path.join(tmp, "sub"))
            with open(os.path.join(tmp, "sub", "d.http"), "wb") as f:
                f.write(b"xxxxxxxxxx")
            got = respcheck.dask.plan([tmp])
            self.assertEqual(sorted(os.path.relpath(t.path, tmp) for t in got),
                             ["a.http", "b.http", "sub/d.http"])
            self.assertEqual(got[0].size, 10)  # largest first
            self.assertEqual({t.kind for t in got}, {"raw"})
            got = respcheck.dask.plan([os.path.join(tmp, "c.txt")])
            self.assertEqual(len(got), 1)  # named files are always taken

    def test_hosts_are_counted_and_plotted(self):
        """Records that name their request's target count per host (here
        from a Parser with pushed requests; captures and archives give
        them too), and the report plots the worst hosts."""
        got = []
        p = respcheck.Parser(on_response=got.append)
        for uri in ["http://a.example/x", "https://b.example/", "/relative",
                    "http://a.example/y"]:
            p.push_request("GET", target=uri)
        ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        p.feed(ok + b"HTTP/1.1 405 No\r\nContent-Length: 0\r\n\r\n" + ok +
               b"HTTP/1.1 401 No\r\nContent-Length: 0\r\n\r\n")
        p.finish()
        summary = tasks.empty_summary()
        for r in got:
            tasks.add_response(summary, r)
        self.assertEqual(summary["hosts"], {
            "a.example": {"responses": 2, "rejected": 1, "findings": 3},
            "b.example": {"responses": 1, "rejected": 1, "findings": 2}})
        done = respcheck.dask._finish_summary(summary, 1.0, 2, 3)
        page = report.render(done)
        self.assertEqual(page.count('src="data:image/png;base64,'), 3)
        self.assertNotIn("<script", page)
        self.assertIn("a.example", page)

    def test_command_line(self):
        """The module runs as python3 -m respcheck.dask and exits as the
        command does (1: a response was rejected)."""
        with tempfile.TemporaryDirectory() as tmp:
            paths = write_corpus(tmp, 3)
            out = os.path.join(tmp, "out")
            proc = subprocess.run(
                [sys.executable, "-m", "respcheck.dask", *paths, "--workers",
                 "1", "--out", out, "--rule", "date-missing=off"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
                env=command_env() | {"PYTHONPATH": os.environ["PYTHONPATH"]})
            self.assertEqual(proc.returncode, 1, proc.stderr.decode())
            self.assertIn(b"responses/s", proc.stderr)
            self.assertEqual(sorted(os.listdir(out)),
                             ["records.jsonl", "report.html", "summary.json"])
            bad = subprocess.run(
                [sys.executable, "-m", "respcheck.dask", paths[0],
                 "--rule", "nope=off"], stderr=subprocess.PIPE, timeout=300)
            self.assertEqual(bad.returncode, 2)
            self.assertIn(b"unknown rule", bad.stderr)


class ExistingClusterTest(unittest.TestCase):
    def test_scheduler_option(self):
        """--scheduler uses a cluster that is already running (here a
        LocalCluster of this test, as dask-scheduler and dask-worker would
        be), and leaves it running."""
        from distributed import Client, LocalCluster
        with tempfile.TemporaryDirectory() as tmp, \
                LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                             host="127.0.0.1", dashboard_address=None,
                             silence_logs=40) as cluster:
            paths = write_corpus(tmp, 4)
            out = os.path.join(tmp, "out")
            proc = subprocess.run(
                [sys.executable, "-m", "respcheck.dask", *paths,
                 "--scheduler", cluster.scheduler_address, "--out", out,
                 "--no-progress", "--no-report"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
                env=command_env() | {"PYTHONPATH": os.environ["PYTHONPATH"]})
            self.assertIn(proc.returncode, (0, 1), proc.stderr.decode())
            with open(os.path.join(out, "summary.json")) as f:
                summary = json.load(f)
            want, _, _, lines = command_totals(paths)
            self.assertEqual({k: summary[k] for k in COMMAND_KEYS},
                             {k: want[k] for k in COMMAND_KEYS})
            self.assertEqual(read_records(out), lines)
            self.assertEqual(summary["workers"], 1)
            self.assertFalse(os.path.exists(os.path.join(out, "report.html")))
            with Client(cluster) as client:  # still up
                self.assertEqual(len(client.scheduler_info()["workers"]), 1)


if __name__ == "__main__":
    unittest.main()
