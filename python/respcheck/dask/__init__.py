# SPDX-License-Identifier: MIT
"""Lint many captures on a Dask distributed cluster.

    python3 -m respcheck.dask PATHS... [--scheduler ADDRESS] [--workers N]
                              [--out DIR]

With no --scheduler a LocalCluster of N worker processes starts on this
machine (loopback only) and stops at the end; with one, the run uses that
cluster (dask-scheduler and dask-worker started elsewhere, each worker with
this package installed). Each file is a task (formats of independent
records are split into record ranges); the records go to DIR/records.jsonl
as they arrive, one JSON object per response exactly as
`respcheck --format=json` writes them, in the order tasks finish. The
summary (the command's --summary counts, plus counts per status code,
status class, verdict and host) goes to DIR/summary.json and, with plots,
to the self-contained DIR/report.html. Progress shows on stderr.

A worker that dies mid-run loses nothing: the scheduler runs its tasks
again elsewhere, and a task's records are written once, when its result
arrives. Exit status as the command's: 0 every response accepted, 1 one
rejected, 2 a file could not be read (or usage errors).

Uses Debian's python3-distributed and python3-matplotlib: run it with
/usr/bin/python3.
"""

import json
import os
import sys
import time

from . import tasks as _tasks
from .tasks import COMMAND_KEYS, Task, empty_summary, merge, split_file, walk

__all__ = ["run", "plan", "main", "Task", "COMMAND_KEYS"]


def plan(paths, include=None, kind=None, split_bytes=_tasks.SPLIT_BYTES):
    """The tasks for paths (files and directories, as the command takes
    them), largest first so that no long task starts last."""
    import respcheck
    out = []
    for path, size in walk(paths, include):
        k = kind
        if k is None:
            try:
                k = respcheck.detect_kind(path)
            except OSError:
                k = "raw"  # the task reports it unreadable
        out.extend(split_file(path, k, size or 0, split_bytes))
    out.sort(key=lambda t: -t.size)
    return out


class Progress:
    """Files and responses done, and the rate, on stderr: rewritten in
    place on a terminal, a line now and then otherwise."""

    def __init__(self, total_tasks, total_bytes, stream=None, enabled=True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = enabled and self.stream.isatty()
        self.total_tasks = total_tasks
        self.total_bytes = total_bytes
        self.tasks = self.responses = self.bytes = 0
        self.start = self.last = time.monotonic()
        self.shown = False

    def update(self, result):
        self.tasks += 1
        self.responses += result["summary"]["responses"]
        self.bytes += result["summary"]["bytes"]
        now = time.monotonic()
        every = 0.25 if self.tty else 10.0
        if self.enabled and (now - self.last >= every
                             or self.tasks == self.total_tasks):
            self.last = now
            self.show(now)

    def line(self, now):
        secs = max(now - self.start, 1e-9)
        return ("respcheck.dask: %d/%d tasks, %d responses, %.1f/%.1f MiB, "
                "%.0f responses/s" % (self.tasks, self.total_tasks,
                                      self.responses, self.bytes / 2**20,
                                      self.total_bytes / 2**20,
                                      self.responses / secs))

    def show(self, now):
        if self.tty:
            self.stream.write("\r" + self.line(now) + "\033[K")
            self.shown = True
        else:
            self.stream.write(self.line(now) + "\n")
        self.stream.flush()

    def done(self):
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _finish_summary(summary, elapsed, workers, ntasks, processing=None):
    """The summary as JSON-ready dict: the command's keys first."""
    out = {k: summary[k] for k in COMMAND_KEYS[:-1]}
    out["rules"] = dict(sorted(summary["rules"].items(),
                               key=lambda kv: (-kv[1], kv[0])))
    out["status_codes"] = dict(sorted(summary["status_codes"].items()))
    out["status_classes"] = dict(sorted(summary["status_classes"].items()))
    out["verdicts"] = dict(sorted(summary["verdicts"].items()))
    out["hosts"] = dict(sorted(summary["hosts"].items(),
                               key=lambda kv: (-kv[1]["rejected"],
                                               -kv[1]["findings"], kv[0])))
    out["unreadable"] = sorted(summary["unreadable"], key=lambda u: u["path"])
    out["bytes"] = summary["bytes"]
    out["tasks"] = ntasks
    out["workers"] = workers
    out["elapsed_seconds"] = round(elapsed, 3)
    # The rate counts from the first task handed out to the last result in:
    # a LocalCluster's start and stop are not linting.
    processing = elapsed if processing is None else processing
    out["processing_seconds"] = round(processing, 3)
    out["responses_per_second"] = round(summary["responses"] / processing, 1) \
        if processing > 0 else None
    return out


def run(paths, *, scheduler=None, workers=2, out=None, include=None,
        options=None, progress=True, report=True, lint=None, client=None,
        split_bytes=_tasks.SPLIT_BYTES):
    """Lints paths on a cluster and returns the summary (a dict, as written
    to summary.json).

    scheduler: address of an existing scheduler, or None for a LocalCluster
    of `workers` processes; client: an existing distributed.Client instead
    of either. out: folder for records.jsonl, summary.json and report.html
    (None: nothing written). options: keyword arguments of
    respcheck.check_file (method, request_version, rules, limits). lint: the
    task function (default respcheck.dask.tasks.lint), for tests and
    extensions; it must be importable by the workers. split_bytes: plain
    WARC files larger than this are read in record ranges of about this
    size.
    """
    from distributed import Client, LocalCluster, as_completed

    options = dict(options or {})
    lint = lint or _tasks.lint
    todo = plan(paths, include, split_bytes=split_bytes)
    total_bytes = sum(t.size for t in todo)
    summary = empty_summary()
    records = None
    if out is not None:
        os.makedirs(out, exist_ok=True)
        records = open(os.path.join(out, "records.jsonl"), "w",
                       encoding="utf-8", newline="\n")
    cluster = None
    own_client = client is None
    start = time.monotonic()
    meter = Progress(len(todo), total_bytes, enabled=progress)
    try:
        if client is None:
            if scheduler is None:
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                       processes=True, host="127.0.0.1",
                                       dashboard_address=None,
                                       silence_logs=40)
                client = Client(cluster)
            else:
                client = Client(scheduler)
        nworkers = len(client.scheduler_info().get("workers", {}))
        started = time.monotonic()
        meter.start = started
        futures = client.map(lint, todo, options=options, pure=False,
                             key=["respcheck-%d-%s" % (i, os.path.basename(t.path))
                                  for i, t in enumerate(todo)])
        def take(result):
            if records is not None and result["lines"]:
                records.write("\n".join(result["lines"]))
                records.write("\n")
            merge(summary, result["summary"])

        # The ranges of a split file are taken in order: the whole-file
        # reader stops at bad input, so the ranges after one that met it
        # are dropped, as the command never reads them.
        split = {}
        for future, result in as_completed(futures, with_results=True):
            task = result["task"]
            meter.update(result)
            future.release()
            if task.parts == 1:
                take(result)
                continue
            st = split.setdefault(task.path, {"next": 0, "done": {},
                                              "failed": False})
            st["done"][task.part] = result
            while st["next"] in st["done"]:
                part = st["done"].pop(st["next"])
                st["next"] += 1
                if not st["failed"]:
                    take(part)
                    st["failed"] = part["summary"]["unreadable_files"] > 0
        processing = time.monotonic() - started
    finally:
        meter.done()
        if records is not None:
            records.close()
        if own_client and client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    elapsed = time.monotonic() - start
    result = _finish_summary(summary, elapsed, nworkers, len(todo),
                             processing)
    if out is not None:
        with open(os.path.join(out, "summary.json"), "w",
                  encoding="utf-8") as f:
            json.dump(result, f, indent=1, ensure_ascii=False)
            f.write("\n")
        if report:
            from .report import write_report
            write_report(result, os.path.join(out, "report.html"))
    return result


def exit_status(summary):
    """The command's: 2 when a file could not be read, 1 when a response
    was rejected, else 0."""
    if summary["unreadable_files"]:
        return 2
    return 1 if summary["rejected"] else 0


def _parse_rule(text):
    rule, sep, severity = text.rpartition("=")
    if not sep or not rule:
        raise ValueError("--rule %r is not ID=off|info|warning|error" % text)
    return rule, severity


def main(argv=None):
    import argparse
    p = argparse.ArgumentParser(
        prog="python3 -m respcheck.dask",
        description="Lint HTTP/1.x response captures on a Dask distributed "
                    "cluster: records as JSON Lines, a summary and an HTML "
                    "report in --out.")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="files, or directories walked for --include files")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="an existing scheduler (tcp://host:8786); default: a "
                        "LocalCluster on this machine")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="LocalCluster worker processes (default: the CPU "
                        "count)")
    p.add_argument("--out", default="respcheck-out", metavar="DIR",
                   help="where records.jsonl, summary.json and report.html "
                        "go (default: respcheck-out)")
    p.add_argument("--include", default=None, metavar="GLOB",
                   help="files taken from directories (default: those of "
                        "every input kind, *.http, *.pcap, *.pcapng, *.warc, "
                        "*.warc.gz, *.har)")
    p.add_argument("--method", default="GET",
                   help="request method of every response (default GET)")
    p.add_argument("--request-version", default="1.1", choices=["1.0", "1.1"])
    p.add_argument("--rule", action="append", default=[], metavar="ID=SEV",
                   help="set a rule's severity (repeatable)")
    for name in ("max-header-bytes", "max-headers", "max-line-length",
                 "max-reason-length", "max-chunk-extension"):
        p.add_argument("--" + name, type=int, metavar="N")
    p.add_argument("--split-bytes", type=int, default=_tasks.SPLIT_BYTES,
                   metavar="N",
                   help="plain WARC files larger than N bytes are read in "
                        "record ranges of about N (default 64 MiB)")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress on stderr")
    p.add_argument("--no-report", action="store_true",
                   help="no report.html")
    args = p.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        p.error("--workers must be at least 1")
    if args.workers is not None and args.scheduler:
        p.error("--workers is for the LocalCluster; not with --scheduler")
    try:
        rules = dict(_parse_rule(r) for r in args.rule)
    except ValueError as e:
        p.error(str(e))
    limits = {}
    for name in ("max_header_bytes", "max_headers", "max_line_length",
                 "max_reason_length", "max_chunk_extension"):
        if getattr(args, name) is not None:
            limits[name] = getattr(args, name)
    options = {"method": args.method, "request_version": args.request_version,
               "rules": rules or None, "limits": limits or None}
    import respcheck
    try:  # bad options fail here, not on every worker
        respcheck.check(b"", **options)
    except (TypeError, ValueError) as e:
        p.error(str(e))
    summary = run(args.paths, scheduler=args.scheduler,
                  workers=args.workers or os.cpu_count() or 1, out=args.out,
                  include=args.include, options=options,
                  progress=not args.no_progress, report=not args.no_report,
                  split_bytes=args.split_bytes)
    for u in summary["unreadable"]:
        print("respcheck.dask: %s: %s" % (u["path"], u["error"]),
              file=sys.stderr)
    print("respcheck.dask: %d files, %d responses: %d accepted, %d rejected; "
          "%d errors, %d warnings, %d info; %.1f s (%.1f s with the "
          "cluster), %s responses/s; wrote %s"
          % (summary["files"], summary["responses"], summary["accepted"],
             summary["rejected"], summary["errors"], summary["warnings"],
             summary["infos"], summary["processing_seconds"],
             summary["elapsed_seconds"], summary["responses_per_second"],
             args.out),
          file=sys.stderr)
    return exit_status(summary)
