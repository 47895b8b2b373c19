# SPDX-License-Identifier: MIT
"""What runs on the Dask workers, and how results add up.

A task is one input file, or one range of records of a large plain WARC
file (warcsplit.py says where a range may start so that its records are
exactly those the whole file gives). Raw streams and captures are read
whole: a response stream can only be read from its start, and a capture's
connections run through the whole file; gzip WARC files too (their records'
places are not known without inflating them all). lint() checks a task
with the respcheck package and returns its records as JSON lines (the
command's --format=json objects) with a partial summary; merge() adds
summaries. Both are plain functions of picklable values, imported by name
on the workers.
"""

import fnmatch
import os
import stat
from collections import Counter, namedtuple
from operator import attrgetter
from urllib.parse import urlsplit

import respcheck

# kind: an input kind of respcheck.check_file(); start/stop: the byte range
# of a split file (None: the whole file), first_record its first record's
# number, rewrite "always" when its records are crawler-rewritten (a Common
# Crawl file's range); part/parts: which range of how many; size: bytes,
# for ordering and progress.
Task = namedtuple("Task", "path kind start stop size first_record rewrite "
                          "part parts",
                  defaults=(0, None, 0, 1))

# Plain WARC files larger than this are split into ranges about this size.
SPLIT_BYTES = 64 << 20

# The command's summary keys (respcheck --summary --format=json), in its
# order; a run's summary has these and more.
COMMAND_KEYS = ("files", "unreadable_files", "responses", "accepted",
                "rejected", "errors", "warnings", "infos", "rules")

def split_file(path, kind, size, split_bytes=SPLIT_BYTES):
    """The tasks of one file: record ranges of a large plain WARC file,
    else the whole file."""
    if kind == "warc" and size and size > split_bytes:
        from .warcsplit import plan_ranges
        try:
            ranges = plan_ranges(path, size, split_bytes)
        except OSError:
            ranges = []
        if len(ranges) > 1:
            return [Task(path, kind, start, stop,
                         (stop if stop is not None else size) - start,
                         first, rewrite, k, len(ranges))
                    for k, (start, stop, first, rewrite)
                    in enumerate(ranges)]
    return [Task(path, kind, None, None, size)]


def _uri_host(uri):
    if isinstance(uri, str) and "://" in uri:
        try:
            return urlsplit(uri).hostname
        except ValueError:
            return None
    return None


def host_of(response):
    """The host a response came from, when the input says: the host of its
    request's target URI (absolute form) or Host, of its source's URI (a
    web archive's record), or its source's server address (a capture's
    connection, "10.0.0.2:80"); None for raw streams."""
    req = response.request
    if req is not None:
        host = _uri_host(req.get("target")) or req.get("host")
        if host:
            return host.lower()
    src = response.source
    if len(src) > 1:  # more than its kind
        for field in ("uri", "target_uri", "url"):
            host = _uri_host(src.get(field))
            if host:
                return host
        server = src.get("server")
        if isinstance(server, str) and server:
            return server
    return None


def empty_summary():
    return {"files": 0, "unreadable_files": 0, "responses": 0, "accepted": 0,
            "rejected": 0, "errors": 0, "warnings": 0, "infos": 0,
            "rules": Counter(), "status_codes": Counter(),
            "status_classes": Counter(), "verdicts": Counter(),
            "hosts": {}, "bytes": 0, "unreadable": []}


def status_class(status):
    if status is None:
        return "no head"
    if 100 <= status <= 599:
        return "%dxx" % (status // 100)
    return "invalid"


_STATUS = attrgetter("status")
_VERDICT = attrgetter("verdict")


def add_responses(summary, responses, hosts=True):
    """Counts respcheck.Response objects into summary. hosts=False skips
    looking for hosts (raw streams name none). The counting is done a
    column at a time where it can be, outside the interpreter's loop: it is
    most of a worker's time after the parsing."""
    verdicts = Counter(map(_VERDICT, responses))
    summary["verdicts"].update(verdicts)
    summary["responses"] += len(responses)
    summary["rejected"] += verdicts.get("reject", 0)
    summary["accepted"] += verdicts.get("accept", 0)
    for status, n in Counter(map(_STATUS, responses)).items():
        summary["status_codes"]["none" if status is None else str(status)] += n
        summary["status_classes"][status_class(status)] += n
    rules = summary["rules"]
    severities = Counter()
    host_counts = summary["hosts"]
    for r in responses:
        findings = r.findings
        if findings:
            for f in findings:
                rules[f.rule] += 1
                severities[f.severity] += 1
            dropped = r.findings_dropped
            if dropped:
                rules["(dropped)"] += dropped
        if hosts:
            host = host_of(r)
            if host is not None:
                h = host_counts.get(host)
                if h is None:
                    h = host_counts[host] = {"responses": 0, "rejected": 0,
                                             "findings": 0}
                h["responses"] += 1
                h["rejected"] += r.verdict == "reject"
                h["findings"] += len(findings)
    summary["errors"] += severities.get("error", 0)
    summary["warnings"] += severities.get("warning", 0)
    summary["infos"] += severities.get("info", 0)


def add_response(summary, r):
    """Counts one respcheck.Response into summary."""
    add_responses(summary, [r])


def merge(into, part):
    """Adds summary part into summary into (returned)."""
    for key in ("files", "unreadable_files", "responses", "accepted",
                "rejected", "errors", "warnings", "infos", "bytes"):
        into[key] += part[key]
    for key in ("rules", "status_codes", "status_classes", "verdicts"):
        into[key].update(part[key])
    for host, h in part["hosts"].items():
        mine = into["hosts"].setdefault(host, {"responses": 0, "rejected": 0,
                                               "findings": 0})
        for k in mine:
            mine[k] += h[k]
    into["unreadable"].extend(part["unreadable"])
    return into


def lint(task, options):
    """Checks one task; returns {"task", "lines", "summary"}: the records
    as the command's JSON lines (Response.to_json(), no newline) and the
    task's partial summary. A file that
    cannot be read counts as unreadable (the command's exit status 2)."""
    summary = empty_summary()
    try:
        if task.start is None:
            responses = respcheck.check_file(task.path, kind=task.kind,
                                             **options)
        else:
            responses = respcheck._respcheck._check_warc_range(
                task.path, task.start, task.stop, task.first_record,
                task.rewrite == "always", **options)
    except respcheck.InputError as e:
        # Cut short: what was read counts, and the file is reported, as
        # the command does.
        responses = e.responses
        summary["unreadable_files"] = 1
        summary["unreadable"].append({"path": task.path, "error": e.reason})
    except OSError as e:
        summary["unreadable_files"] = 1
        summary["unreadable"].append({"path": task.path,
                                      "error": e.strerror or str(e)})
        return {"task": task, "lines": [], "summary": summary}
    if task.start is None or task.start == 0:
        summary["files"] = 1  # a split file counts once, with its first part
    summary["bytes"] = task.size
    # Raw streams name no host: the records' request has no target.
    add_responses(summary, responses, hosts=task.kind != "raw")
    lines = [r.to_json() for r in responses]
    return {"task": task, "lines": lines, "summary": summary}


# The file names each input kind takes from directories, as the command's
# (without --include).
KIND_PATTERNS = ("*.http", "*.pcap", "*.pcapng", "*.warc", "*.warc.gz",
                 "*.har")


def walk(paths, include=None):
    """The files PATHS name, as the command finds them: a directory is
    walked depth first in sorted order, names starting with '.' skipped,
    links to directories not followed, files matching include (a glob;
    None: KIND_PATTERNS) taken; a file named directly is always taken.
    Yields (path, size or None)."""
    for path in paths:
        if os.path.isdir(path):
            yield from _walk_dir(path, include)
        else:
            try:
                size = os.stat(path).st_size
            except OSError:
                size = None
            yield path, size


def _walk_dir(folder, include, depth=0):
    if depth > 128:
        return
    try:
        names = sorted(os.listdir(folder), key=os.fsencode)
    except OSError:
        yield folder, None  # reported as unreadable by its task
        return
    for name in names:
        if name.startswith("."):
            continue
        full = folder + name if folder.endswith("/") else folder + "/" + name
        try:
            st = os.lstat(full)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk_dir(full, include, depth + 1)
        elif (fnmatch.fnmatchcase(name, include) if include is not None
              else any(fnmatch.fnmatchcase(name, p) for p in KIND_PATTERNS)):
            if stat.S_ISLNK(st.st_mode):
                try:
                    st = os.stat(full)
                except OSError:
                    yield full, None
                    continue
            if stat.S_ISREG(st.st_mode):
                yield full, st.st_size
