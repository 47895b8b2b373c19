#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of the respcheck command on captures (pcap, pcapng), run by CTest
(tests/cli/cli.cmake) on the fixtures of capture/tests/fixtures/.

    run_capture_tests.py --respcheck PATH --capture-dump PATH [--group NAME]...

Groups (all by default):
  json         every record of every fixture keeps the output contract of
               issue 13: "source" {"kind":"pcap","flow","client","server",
               "frame"}, "request" {"method","target","version"} or null,
               "index" and "offset" in stream order per flow; and what
               chosen fixtures pair (HEAD, CONNECT, HTTP/1.0, midstream).
  text         "PATH: flow N (CLIENT -> SERVER) frame F: SEVERITY: ...".
  sarif        SARIF 2.1.0 structure; each result names its flow and frame
               as a logical location and carries the record's source and
               request; capture rules in the rule catalogue.
  cli          kinds told by magic number (a .http name, standard input),
               directories pick *.pcap and *.pcapng, exit statuses (capture
               findings never reject), a truncated file (records so far,
               then the error with its byte offset, exit 2), a pcapng with
               mixed link types, --rule and --max-connections.
  equivalence  for every flow of every fixture whose requests all share one
               method and version and whose reading did not stop at a gap:
               the findings other than capture-* equal those of
               `respcheck --method=M --request-version=V` on the reassembled
               server stream (written by capture_dump --streams). The C test
               test_equivalence covers every flow, with per-response
               requests, through the library.
No network, no sleeps; every process has a timeout.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_cli_tests as base  # noqa: E402  (check, run: one way to test)

ROOT = base.ROOT
FIX = "capture/tests/fixtures"
DUMP = None
check = base.check


def run(args, input_bytes=None, exe=None):
    """respcheck (or exe) with args from the repository root: (exit status,
    stdout bytes, stderr text)."""
    if exe is None:
        return base.run(args, input_bytes=input_bytes)
    p = subprocess.run([exe] + args, cwd=ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=base.TIMEOUT)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def fixtures():
    """The fixtures and the real captures (capture/tests/real/)."""
    return sorted(os.path.relpath(p, ROOT)
                  for d in (FIX, "capture/tests/real")
                  for p in glob.glob(os.path.join(ROOT, d, "*.pcap*")))


def records(rel, opts=()):
    status, out, err = run(list(opts) + ["--format=json", rel])
    return status, [json.loads(line) for line in out.decode().splitlines()], err


def is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


ENDPOINT = re.compile(r"(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:.]+\]):\d+")

# --------------------------------------------------------------------------
# json


def check_record(rel, o):
    w = f"{rel} #{o.get('index')}"
    src = o.get("source")
    check(isinstance(src, dict) and list(src) == ["kind", "flow", "client",
                                                  "server", "frame"],
          f"{w}: source members {src!r}")
    if not isinstance(src, dict):
        return
    check(src.get("kind") == "pcap", f"{w}: kind")
    check(is_int(src.get("flow")) and src["flow"] >= 0, f"{w}: flow")
    for k in ("client", "server"):
        check(isinstance(src.get(k), str) and ENDPOINT.fullmatch(src[k]),
              f"{w}: {k} {src.get(k)!r}")
    check(src.get("frame") is None or (is_int(src["frame"]) and src["frame"] >= 1),
          f"{w}: frame")
    req = o.get("request")
    if req is not None:
        check(isinstance(req, dict) and set(req) >= {"method", "target", "version"},
              f"{w}: request {req!r}")
        check(re.fullmatch(r"1\.[01]", req.get("version", "")) is not None,
              f"{w}: request version")
    for k in ("index", "offset"):
        check(is_int(o.get(k)) and o[k] >= 0, f"{w}: {k}")
    for k in ("file", "end_offset", "version", "status", "verdict", "complete",
              "findings"):
        check(k in o, f"{w}: keeps {k}")
    for f in o.get("findings", []):
        check(f.get("line") is None and f.get("column") is None,
              f"{w}: no line/column in a capture")


def group_json():
    total = 0
    for rel in fixtures():
        status, objs, err = records(rel)
        by_flow = {}
        for o in objs:
            check_record(rel, o)
            by_flow.setdefault(o["source"]["flow"], []).append(o)
        for flow, objs_ in by_flow.items():
            check([o["index"] for o in objs_] == list(range(len(objs_))),
                  f"{rel} flow {flow}: indexes in order from 0")
            offs = [o["offset"] for o in objs_]
            check(offs == sorted(offs), f"{rel} flow {flow}: offsets in stream order")
            check(len({(o["source"]["client"], o["source"]["server"]) for o in objs_}) == 1,
                  f"{rel} flow {flow}: one pair of endpoints")
        total += len(objs)
    check(total >= 40, f"only {total} records in all fixtures")

    def pairs(rel):
        _, objs, _ = records(rel)
        return [(o["source"]["flow"], o["status"],
                 None if o["request"] is None else
                 (o["request"]["method"], o["request"]["target"], o["request"]["version"]),
                 o["source"]["frame"])
                for o in objs]

    check(pairs(f"{FIX}/pipelined-head.pcap") ==
          [(0, 200, ("HEAD", "/", "1.1"), 5), (0, 200, ("GET", "/", "1.1"), 5),
           (0, 200, ("GET", "/x", "1.1"), 5)], "pipelined HEAD paired")
    check(pairs(f"{FIX}/midstream.pcap") ==
          [(0, 204, None, 2), (0, 301, ("GET", "/b", "1.1"), 4)],
          "midstream: the first response's request is not in the capture")
    check(pairs(f"{FIX}/connect.pcap") ==
          [(0, 200, ("CONNECT", "example.com:443", "1.1"), 5)], "CONNECT")
    check(pairs(f"{FIX}/http10-1xx.pcap") ==
          [(0, 100, ("GET", "/", "1.0"), 5), (0, 200, ("GET", "/", "1.0"), 5)],
          "HTTP/1.0 request with a 1xx")
    _, objs, _ = records(f"{FIX}/ipv6.pcap")
    check(objs and objs[0]["source"]["client"] == "[2001:db8::1]:40000" and
          objs[0]["source"]["server"] == "[2001:db8::2]:8080", "IPv6 in brackets")
    _, objs, _ = records(f"{FIX}/gap-head.pcap")
    check(len(objs) == 2 and objs[1]["status"] is None and
          [f["rule"] for f in objs[1]["findings"]] == ["capture-gap"] and
          objs[1]["findings"][0]["severity"] == "warning",
          "a gap in a head: a record without status carries capture-gap")
    _, objs, _ = records(f"{FIX}/reordered.pcap")
    check(len(objs) == 1 and objs[0]["source"]["frame"] == 7 and objs[0]["complete"],
          "out-of-order segments: the frame of the status line's packet")

# --------------------------------------------------------------------------
# text


def group_text():
    line_re = re.compile(r"(?P<path>[^:]+): flow (?P<flow>\d+) \((?P<c>\S+) -> (?P<s>\S+)\)"
                         r"( frame (?P<frame>\d+))?: (?P<sev>error|warning|info): .* \[[a-z0-9-]+\]"
                         r"( \(.*\))? at byte \d+")
    n = 0
    for rel in fixtures():
        status, out, _ = run(["--format=text", "--color=never", rel])
        _, objs, _ = records(rel)
        lines = out.decode().splitlines()
        check(len(lines) == sum(len(o["findings"]) for o in objs),
              f"{rel} text: one line per finding")
        for line in lines:
            m = line_re.fullmatch(line)
            if check(m is not None, f"{rel} text: line {line!r}"):
                check(m.group("path") == rel, f"{rel} text: path")
                n += 1
    check(n >= 15, f"only {n} text lines")
    status, out, _ = run(["--color=never", f"{FIX}/midstream.pcap"])
    check(out.decode().startswith(
        f"{FIX}/midstream.pcap: flow 0 (10.0.0.1:41234 -> 10.0.0.2:80) frame 2: "
        "info: "), f"text names flow and frame: {out[:120]!r}")

# --------------------------------------------------------------------------
# sarif


def group_sarif():
    for rel in fixtures():
        status, out, _ = run(["--format=sarif", rel])
        w = f"{rel} sarif"
        try:
            log = json.loads(out.decode())
        except ValueError as e:
            check(False, f"{w}: not JSON: {e}")
            continue
        check(log.get("version") == "2.1.0" and "sarif-schema-2.1.0" in log.get("$schema", ""),
              f"{w}: version and schema")
        run_ = log["runs"][0]
        rules = run_["tool"]["driver"]["rules"]
        ids = [r["id"] for r in rules]
        for cid in ("capture-gap", "capture-overlap-conflict", "capture-midstream",
                    "capture-limit"):
            check(cid in ids, f"{w}: {cid} in the catalogue")
        check(len(set(ids)) == len(ids), f"{w}: rule ids unique")
        _, objs, _ = records(rel)
        flat = [(o, f) for o in objs for f in o["findings"]]
        res = run_["results"]
        check(len(res) == len(flat), f"{w}: {len(res)} results, {len(flat)} findings")
        for r in res:
            check(r["ruleId"] in ids, f"{w}: ruleId")
            check(is_int(r.get("ruleIndex")) and ids[r["ruleIndex"]] == r["ruleId"],
                  f"{w}: ruleIndex of {r['ruleId']}")
            loc = r["locations"][0]
            check(loc["physicalLocation"]["artifactLocation"]["uri"] == base.file_uri(rel), f"{w}: uri")
            check("region" not in loc["physicalLocation"],
                  f"{w}: no region (the offset is in a stream, not the file)")
            ll = loc.get("logicalLocations")
            props = r.get("properties", {})
            src = props.get("source", {})
            if check(isinstance(ll, list) and len(ll) == 1 and
                     isinstance(ll[0].get("fullyQualifiedName"), str), f"{w}: logical location"):
                check(ll[0]["fullyQualifiedName"].startswith(f"flow {src.get('flow')} ("),
                      f"{w}: logical location names the flow")
                if src.get("frame") is not None:
                    check(ll[0]["fullyQualifiedName"].endswith(f" frame {src['frame']}"),
                          f"{w}: logical location names the frame")
            check(is_int(props.get("streamOffset")), f"{w}: streamOffset")
            match = [o for o, f in flat
                     if o["source"] == src and o["index"] == props.get("responseIndex") and
                     f["rule"] == r["ruleId"] and f["offset"] == props.get("streamOffset")]
            check(len(match) >= 1 and match[0]["request"] == props.get("request"),
                  f"{w}: result {r['ruleId']} matches a JSON finding, with its request")
        check(run_["invocations"][0]["executionSuccessful"] == (status != 2),
              f"{w}: executionSuccessful")

# --------------------------------------------------------------------------
# cli


def group_cli():
    tmp = tempfile.mkdtemp(prefix="respcheck-capture-cli-")
    try:
        # The kind is told by content, not name.
        shutil.copy(os.path.join(ROOT, FIX, "pipelined-head.pcap"), os.path.join(tmp, "x.http"))
        s1, o1, _ = run(["--format=json", f"{FIX}/pipelined-head.pcap"])
        s2, o2, _ = run(["--format=json", os.path.join(tmp, "x.http")])
        j1 = [json.loads(l) for l in o1.decode().splitlines()]
        j2 = [json.loads(l) for l in o2.decode().splitlines()]
        for o in j1 + j2:
            o.pop("file")
        check(s1 == s2 == 0 and j1 == j2 and len(j1) == 3, "a capture named .http is read as a capture")
        with open(os.path.join(ROOT, FIX, "basic.pcapng"), "rb") as f:
            s3, o3, _ = run(["--format=json", "-"], input_bytes=f.read())
        j3 = [json.loads(l) for l in o3.decode().splitlines()]
        check(s3 == 0 and len(j3) == 1 and j3[0]["file"] == "-" and
              j3[0]["source"]["kind"] == "pcap" and j3[0]["source"]["frame"] == 5,
              "a pcapng on standard input")
        # Directories: *.pcap, *.pcapng and *.http.
        d = os.path.join(tmp, "dir")
        os.makedirs(d)
        shutil.copy(os.path.join(ROOT, FIX, "basic.pcap"), d)
        shutil.copy(os.path.join(ROOT, FIX, "basic.pcapng"), d)
        shutil.copy(os.path.join(ROOT, "examples/captures/nginx-keepalive.http"), d)
        shutil.copy(os.path.join(ROOT, FIX, "basic.pcap"), os.path.join(d, "skipped.bin"))
        s4, o4, _ = run(["--format=json", d])
        files = sorted({json.loads(l)["file"] for l in o4.decode().splitlines()})
        check(s4 == 0 and [os.path.basename(f) for f in files] ==
              ["basic.pcap", "basic.pcapng", "nginx-keepalive.http"],
              f"a directory picks *.pcap, *.pcapng, *.http: {files}")
    finally:
        shutil.rmtree(tmp)

    # Truncated: the records so far, then the error with the byte offset.
    status, objs, err = records(f"{FIX}/truncated.pcap")
    check(status == 2, f"truncated: exit {status}")
    check(len(objs) == 1 and objs[0]["request"]["target"] == "/whole",
          "truncated: the response before the cut is reported")
    check("truncated.pcap" in err and "byte 1088" in err and "truncated" in err,
          f"truncated: the error names the offset: {err!r}")
    status, out, err = run(["--format=sarif", f"{FIX}/truncated.pcap"])
    log = json.loads(out)
    notes = log["runs"][0]["invocations"][0].get("toolExecutionNotifications", [])
    check(status == 2 and len(notes) == 1 and "byte 1088" in notes[0]["message"]["text"],
          "truncated: SARIF notification")
    status, objs, err = records(f"{FIX}/mixed-link.pcapng")
    check(status == 2 and objs == [] and "different from the type of the first interface" in err,
          f"mixed link types: a clear error: {err!r}")
    # Capture findings never reject; server findings do.
    status, _, _ = records(f"{FIX}/gap-head.pcap")
    check(status == 0, f"capture-gap alone: exit {status}")
    status, _, _ = records(f"{FIX}/gap-head.pcap", ["--rule=capture-gap=error"])
    check(status == 0, f"capture-gap as an error still does not reject: exit {status}")
    status, objs, _ = records(f"{FIX}/http10-1xx.pcap")
    check(status == 1 and objs[0]["verdict"] == "reject", "status-1xx-http10 rejects")
    # --rule for capture rules, --max-connections.
    _, objs, _ = records(f"{FIX}/midstream.pcap", ["--rule=capture-midstream=off"])
    check(all(f["rule"] != "capture-midstream" for o in objs for f in o["findings"]),
          "--rule=capture-midstream=off")
    _, objs, _ = records(f"{FIX}/midstream.pcap", ["--rule=capture-midstream=warning"])
    check(objs and objs[0]["findings"][0]["severity"] == "warning",
          "--rule=capture-midstream=warning")
    _, objs, _ = records(f"{FIX}/interleaved.pcap", ["--max-connections=1"])
    rules = [f["rule"] for o in objs for f in o["findings"]]
    check(rules.count("capture-limit") == 2, f"--max-connections=1: {rules}")
    status, _, err = run(["--max-held-bytes=100", f"{FIX}/basic.pcap"])
    check(status == 2 and "65536" in err, "--max-held-bytes below a segment")
    status, out, _ = run(["--list-rules", "--format=json"])
    ids = [json.loads(l)["rule"] for l in out.decode().splitlines()]
    check(ids[-4:] == ["capture-gap", "capture-overlap-conflict", "capture-midstream",
                       "capture-limit"], "--list-rules ends with the capture rules")
    status, out, _ = run(["--summary", "--quiet", f"{FIX}/gap-content.pcap"])
    check(re.search(r"capture-gap +1", out.decode()) is not None, "--summary counts capture rules")

# --------------------------------------------------------------------------
# equivalence


def group_equivalence():
    compared = 0
    tmp = tempfile.mkdtemp(prefix="respcheck-capture-eq-")
    try:
        for rel in fixtures():
            d = os.path.join(tmp, os.path.basename(rel))
            os.makedirs(d)
            status, _, _ = run(["--streams", d, rel], exe=DUMP)
            _, objs, _ = records(rel)
            flows = {}
            for o in objs:
                flows.setdefault(o["source"]["flow"], []).append(o)
            for flow, objs_ in flows.items():
                reqs = {(o["request"]["method"], o["request"]["version"])
                        if o["request"] else ("GET", "1.1") for o in objs_}
                stopped = any(f["rule"] in ("capture-gap", "capture-limit") and
                              f["offset"] == o["end_offset"] and not o["complete"]
                              for o in objs_ for f in o["findings"])
                if len(reqs) != 1 or stopped:
                    continue
                method, version = reqs.pop()
                start = 0
                for o in objs_:
                    for f in o["findings"]:
                        if f["rule"] == "capture-midstream":
                            start = f["offset"]
                with open(os.path.join(d, f"flow-{flow}.http"), "rb") as f:
                    data = f.read()
                # Zeros past the last record are a final gap that counted
                # the server's uncaptured FIN (test_equivalence.c).
                last = max(o["end_offset"] or 0 for o in objs_)
                if data[last:].strip(b"\0") == b"":
                    data = data[:last]
                data = data[start:]
                path = os.path.join(d, f"slice-{flow}.http")
                with open(path, "wb") as f:
                    f.write(data)
                _, out, _ = run(["--format=json", f"--method={method}",
                                 f"--request-version={version}", path])
                raw = [(f["rule"], f["offset"] + start)
                       for line in out.decode().splitlines()
                       for f in json.loads(line)["findings"]]
                cap = [(f["rule"], f["offset"]) for o in objs_ for f in o["findings"]
                       if not f["rule"].startswith("capture-")]
                check(raw == cap, f"{rel} flow {flow}: raw {raw}, capture {cap}")
                compared += 1
    finally:
        shutil.rmtree(tmp)
    check(compared >= 30, f"only {compared} flows compared")


GROUPS = {"json": group_json, "text": group_text, "sarif": group_sarif,
          "cli": group_cli, "equivalence": group_equivalence}


def main():
    global DUMP
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--respcheck", required=True)
    ap.add_argument("--capture-dump", required=True)
    ap.add_argument("--group", action="append", choices=sorted(GROUPS))
    args = ap.parse_args()
    base.RESPCHECK = os.path.abspath(args.respcheck)
    DUMP = os.path.abspath(args.capture_dump)
    for name in args.group or list(GROUPS):
        GROUPS[name]()
    print(f"{base.CHECKS - len(base.FAILURES)} passed, {len(base.FAILURES)} failed")
    return 1 if base.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
