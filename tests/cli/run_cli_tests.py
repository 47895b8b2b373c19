#!/usr/bin/env python3
"""Tests of the respcheck command, run by CTest (tests/cli/cli.cmake).

    run_cli_tests.py --respcheck PATH [--rss-probe PATH] [--group NAME]... [--update]

Groups (all by default):
  golden   text, JSON and SARIF output of every bundled and test capture,
           compared with tests/cli/expected/; the same output whatever the
           read size (1, 7, 4096 bytes).
  json     every JSON line parsed back and checked field by field; line and
           column recomputed from the capture's bytes; escaping checked.
  sarif    SARIF 2.1.0 structure (required keys and types), results
           consistent with the JSON output.
  cli      options, exit statuses, stdin, directory walking, unreadable
           files, --list-rules, --version, --quiet, --summary, --rule.
  rss      a 20 MiB generated capture on stdin: maximum RSS under 8 MiB
           (measured by rss_probe). Skipped, saying why, when the
           environment variable RESPCHECK_RSS_SKIP holds a reason (the
           sanitizer builds: a bound measured there is not a bound).

--update rewrites the expected files from the current output (review the
diff by hand before committing). Paths in the output are relative to the
repository root, where every command runs. No network, no sleeps; every
process has a timeout.
"""
import argparse
import codecs
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXPECTED = os.path.join(HERE, "expected")
TIMEOUT = 120

RESPCHECK = None
RSS_PROBE = None
FAILURES = []
CHECKS = 0


def check(cond, what):
    global CHECKS
    CHECKS += 1
    if not cond:
        FAILURES.append(what)
        print(f"FAIL: {what}", file=sys.stderr)
    return cond


def run(args, stdin=None, env=None, input_bytes=None):
    """Runs respcheck with args from the repository root; returns
    (exit status, stdout bytes, stderr text)."""
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    if env:
        e.update(env)
    p = subprocess.run([RESPCHECK] + args, cwd=ROOT, stdin=stdin, input=input_bytes,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e,
                       timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


# --------------------------------------------------------------------------
# Captures.

def captures():
    """(relative path, extra options) of every capture tested."""
    out = []
    for pattern, opts in (("examples/captures/*.http", []),
                          ("examples/captures/*.head", ["--method=HEAD"]),
                          # Their reason phrases carry the bytes the
                          # output must escape: every phrase is reported.
                          ("tests/cli/captures/*.http",
                           ["--rule=reason-phrase-nonstandard=info"])):
        for p in sorted(glob.glob(os.path.join(ROOT, pattern))):
            out.append((os.path.relpath(p, ROOT), opts))
    return out


def expected_name(rel, ext):
    return os.path.join(EXPECTED, rel.replace("/", "__") + ext)


def tool_version():
    _, out, _ = run(["--version"])
    return out.decode().splitlines()[0][len("respcheck "):]


RULES_RE = re.compile(r'("rules": \[)\n.*?\n *\]', re.S)


def normalize(fmt, data, version, keep_rules=False):
    """The output as compared: in SARIF the tool version becomes @VERSION@
    and, unless keep_rules, the rule catalogue (the same in every log; the
    --list-rules golden holds it) becomes @RULES@."""
    text = data.decode("utf-8")
    if fmt == "sarif":
        text = text.replace(json.dumps(version), '"@VERSION@"')
        if not keep_rules:
            text = RULES_RE.sub(r"\1@RULES@]", text, count=1)
    return text


# --------------------------------------------------------------------------
# golden

FORMATS = (("text", ".txt"), ("json", ".jsonl"), ("sarif", ".sarif"))


def compare(path, got, label):
    """Checks got against the expected file; prints a diff when they differ."""
    import difflib
    with open(path, encoding="utf-8", newline="") as f:
        want = f.read()
    if not check(got == want, f"{label}: output differs from {path}"):
        sys.stderr.writelines(difflib.unified_diff(
            want.splitlines(True), got.splitlines(True), path, "actual", n=2))


def group_golden(update):
    version = tool_version()
    os.makedirs(EXPECTED, exist_ok=True)
    seen = set()
    for rel, opts in captures():
        for fmt, ext in FORMATS:
            status, out, err = run(opts + ["--format=" + fmt, rel])
            check(status in (0, 1), f"{rel} {fmt}: exit {status}, stderr {err!r}")
            check(err == "", f"{rel} {fmt}: unexpected stderr {err!r}")
            got = normalize(fmt, out, version)
            path = expected_name(rel, ext)
            seen.add(os.path.basename(path))
            if update:
                with open(path, "w", encoding="utf-8", newline="") as f:
                    f.write(got)
                continue
            if not check(os.path.exists(path), f"{path} missing (run with --update)"):
                continue
            compare(path, got, f"{rel} {fmt}")
            # The output must not depend on how the file is read.
            for rs in ("1", "7", "4096"):
                s2, out2, _ = run(opts + ["--format=" + fmt, "--read-size=" + rs, rel])
                check(s2 == status and normalize(fmt, out2, version) == got,
                      f"{rel} {fmt}: output differs with --read-size={rs}")
    # The rule catalogue, in every format.
    for fmt, ext in FORMATS:
        status, out, _ = run(["--list-rules", "--format=" + fmt])
        check(status == 0, f"--list-rules {fmt} exits 0")
        got = normalize(fmt, out, version, keep_rules=True)
        path = os.path.join(EXPECTED, "list-rules" + ext)
        seen.add(os.path.basename(path))
        if update:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(got)
        elif check(os.path.exists(path), f"{path} missing (run with --update)"):
            compare(path, got, f"--list-rules {fmt}")
    if update:
        for name in os.listdir(EXPECTED):
            if name not in seen:
                os.remove(os.path.join(EXPECTED, name))
                print(f"removed stale {name}")


# --------------------------------------------------------------------------
# json

def rules_catalogue():
    status, out, _ = run(["--list-rules", "--format=json"])
    check(status == 0, "--list-rules --format=json exits 0")
    return {r["rule"]: r for r in map(json.loads, out.decode().splitlines())}


def place(data, offset):
    """1-based line and byte column of offset, lines ended by LF."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def json_decoding(raw):
    """What the documented escaping turns raw bytes into, read back:
    well-formed UTF-8 as is, every other byte as the code point of its
    value."""
    def handler(e):
        return chr(e.object[e.start]), e.start + 1
    codecs.register_error("rc-byte", handler)
    return raw.decode("utf-8", "rc-byte")


def request_of(opts):
    """The "request" a raw stream's records carry: the options' method and
    version, no target."""
    req = {"method": "GET", "target": None, "version": "1.1"}
    for o in opts:
        if o.startswith("--method="):
            req["method"] = o[len("--method="):]
        elif o.startswith("--request-version="):
            req["version"] = o[len("--request-version="):]
    return req


def check_objects(rel, data, lines, catalogue, status, opts=()):
    where = f"{rel} json"
    want_request = request_of(opts)
    required = {"file": str, "source": dict, "request": dict, "index": int, "offset": int, "version": (str, type(None)),
                "status": (int, type(None)), "reason": (str, type(None)),
                "effective_status": (int, type(None)), "registered": bool,
                "headers": list, "verdict": str, "findings": list}
    last_index = -1
    any_reject = False
    stopped = False
    for n, obj in enumerate(lines):
        w = f"{where} object {n}"
        check(not stopped, f"{w}: an object after a parse-error")
        for key, typ in required.items():
            if check(key in obj, f"{w}: key {key!r} missing"):
                check(isinstance(obj[key], typ) and not (typ is int and isinstance(obj[key], bool)),
                      f"{w}: {key!r} has type {type(obj[key]).__name__}")
        check(obj["file"] == rel, f"{w}: file {obj['file']!r} is not {rel!r}")
        check(obj.get("source") == {"kind": "stream"},
              f"{w}: source {obj.get('source')!r} is not a raw stream's")
        check(obj.get("request") == want_request,
              f"{w}: request {obj.get('request')!r} is not {want_request!r}")
        check(list(obj)[:5] == ["file", "source", "request", "index", "offset"],
              f"{w}: members out of order: {list(obj)}")
        check(obj["index"] > last_index, f"{w}: index {obj['index']} not increasing")
        last_index = obj["index"]
        check(0 <= obj["offset"] <= len(data), f"{w}: offset out of the file")
        check(obj["verdict"] in ("accept", "reject"), f"{w}: verdict {obj['verdict']!r}")
        any_reject |= obj["verdict"] == "reject"
        # A head llhttp refuses after a status line it read fine keeps that
        # status line (issue 11).
        start = obj["offset"]
        while data[start:start + 1] in (b"\r", b"\n"):
            start += 1
        sl = re.match(rb"HTTP/1\.[01] [1-9][0-9][0-9] [\t\x20-\x7e\x80-\xff]*\r\n",
                      data[start:start + 1024])
        refusals = [f["offset"] for f in obj["findings"] if f["rule"] == "parse-error"]
        if sl is not None and refusals and refusals[0] >= start + sl.end():
            check(obj["version"] is not None,
                  f"{w}: the status line read before the parse-error is lost")
        if obj["version"] is None:
            check(obj["status"] is None and obj["reason"] is None and
                  obj["effective_status"] is None and obj["headers"] == [],
                  f"{w}: a response without head has head fields")
        else:
            check(re.fullmatch(r"\d\.\d", obj["version"]) is not None, f"{w}: version")
            check(0 <= obj["status"] <= 999, f"{w}: status")
            check(100 <= obj["effective_status"] <= 599, f"{w}: effective_status")
            # The status line is at the offset, after any empty lines:
            # check version and status.
            start = obj["offset"]
            while data[start:start + 1] in (b"\r", b"\n"):
                start += 1
            head = data[start:start + 16]
            check(head.startswith(b"HTTP/" + obj["version"].encode()),
                  f"{w}: the capture has no HTTP/{obj['version']} at the offset")
            check(head[9:12] == b"%03d" % obj["status"], f"{w}: status not at offset")
            # The reason, read back, is the capture's reason.
            eol = data.find(b"\n", start)
            raw_reason = data[start + 13:eol].rstrip(b"\r")
            check(obj["reason"] == json_decoding(raw_reason),
                  f"{w}: reason {obj['reason']!r} is not the capture's {raw_reason!r}")
        for h in obj["headers"]:
            check(isinstance(h, list) and len(h) == 2 and all(isinstance(x, str) for x in h),
                  f"{w}: header {h!r} is not [name, value]")
        errors = 0
        for k, f in enumerate(obj["findings"]):
            fw = f"{w} finding {k}"
            for key, typ in (("rule", str), ("severity", str), ("offset", int),
                             ("line", (int, type(None))), ("column", (int, type(None))),
                             ("message", str), ("reference", str)):
                if check(key in f, f"{fw}: key {key!r} missing"):
                    check(isinstance(f[key], typ), f"{fw}: {key!r} type")
            check(f["rule"] in catalogue, f"{fw}: unknown rule {f['rule']!r}")
            check(f["severity"] in ("error", "warning", "info"), f"{fw}: severity")
            if f["rule"] in catalogue:
                check(f["reference"] == catalogue[f["rule"]]["reference"],
                      f"{fw}: reference differs from the catalogue")
            check(0 <= f["offset"] <= len(data), f"{fw}: offset out of the file")
            check((f["line"], f["column"]) == place(data, f["offset"]),
                  f"{fw}: line/column {f['line']}:{f['column']} but offset "
                  f"{f['offset']} is at {place(data, f['offset'])}")
            errors += f["severity"] == "error"
            if f["rule"] == "parse-error":
                stopped = True
        if errors:
            check(obj["verdict"] == "reject", f"{w}: error findings but verdict accept")
    check(status == (1 if any_reject else 0),
          f"{where}: exit {status} but reject={any_reject}")


def group_json():
    catalogue = rules_catalogue()
    check(len(catalogue) >= 40, "the catalogue has the rules")
    for rel, opts in captures():
        status, out, err = run(opts + ["--format=json", rel])
        # Every line is valid UTF-8 and valid JSON.
        try:
            text = out.decode("utf-8")
        except UnicodeDecodeError as e:
            check(False, f"{rel} json: not UTF-8: {e}")
            continue
        objs = []
        for i, line in enumerate(text.splitlines()):
            try:
                objs.append(json.loads(line))
            except ValueError as e:
                check(False, f"{rel} json: line {i + 1} is not JSON: {e}")
        with open(os.path.join(ROOT, rel), "rb") as f:
            data = f.read()
        check_objects(rel, data, objs, catalogue, status, opts)
        # Text lines carry the same places and rules as the JSON findings.
        _, tout, _ = run(opts + ["--format=text", rel])
        tlines = tout.decode("ascii").splitlines()
        flat = [f for o in objs for f in o["findings"]]
        check(len(tlines) == len(flat), f"{rel}: {len(tlines)} text lines, {len(flat)} findings")
        for t in tlines:
            m = re.fullmatch(r"(.*):(\d+):(\d+): (error|warning|info): (.*) \[([a-z0-9-]+)\] \((.*)\)", t)
            if not check(m is not None, f"{rel}: text line {t!r} not in the compiler style"):
                continue
            check(m.group(1) == rel, f"{rel}: text path {m.group(1)!r}")
            check(any((f["line"], f["column"], f["rule"], f["severity"]) ==
                      (int(m.group(2)), int(m.group(3)), m.group(6), m.group(4)) for f in flat),
                  f"{rel}: text line {t!r} has no JSON finding")
            check(all(0x20 <= ord(c) < 0x7f for c in t), f"{rel}: raw byte in text {t!r}")

    # The hostile capture's headers come back as documented.
    rel = "tests/cli/captures/hostile-bytes.http"
    _, out, _ = run(["--format=json", rel])
    obj = json.loads(out.decode().splitlines()[0])
    want = {"X-Bytes": json_decoding(b"\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xc2\x85\xc2\x9b[2J \xe2\x82"),
            "X-Sep": "para\u2029graph"}
    got = dict((n, v) for n, v in obj["headers"])
    for name, value in want.items():
        check(got.get(name) == value, f"hostile: {name} is {got.get(name)!r}, want {value!r}")
    check(b"\\u2028" in out and b"\\u2029" in out, "hostile: U+2028/2029 escaped")
    check(b"\\u00ff" in out and "café".encode() in out, "hostile: 0xFF escaped, é raw")
    check(b"\\u0085\\u009b[2J" in out, "hostile: C1 controls escaped")
    check(b"\xc2\x85" not in out and b"\xc2\x9b" not in out, "hostile: no raw C1 control")


# --------------------------------------------------------------------------
# sarif

def is_str(x):
    return isinstance(x, str)


def is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def validate_sarif(log, where):
    """Structural check of the parts of SARIF 2.1.0 respcheck writes."""
    ok = check(isinstance(log, dict), f"{where}: log is an object")
    ok = ok and check(log.get("version") == "2.1.0", f"{where}: version 2.1.0")
    ok = ok and check(is_str(log.get("$schema")) and "sarif" in log["$schema"], f"{where}: $schema")
    ok = ok and check(isinstance(log.get("runs"), list) and len(log["runs"]) == 1, f"{where}: one run")
    if not ok:
        return None
    run_ = log["runs"][0]
    driver = run_.get("tool", {}).get("driver", {})
    check(driver.get("name") == "respcheck", f"{where}: tool.driver.name")
    check(is_str(driver.get("version")), f"{where}: tool.driver.version")
    rules = driver.get("rules")
    if not check(isinstance(rules, list) and rules, f"{where}: tool.driver.rules"):
        return None
    ids = []
    for i, r in enumerate(rules):
        rw = f"{where}: rule {i}"
        check(is_str(r.get("id")), f"{rw}: id")
        ids.append(r.get("id"))
        check(is_str(r.get("shortDescription", {}).get("text")), f"{rw}: shortDescription.text")
        check(is_str(r.get("fullDescription", {}).get("text")), f"{rw}: fullDescription.text")
        check(is_str(r.get("help", {}).get("text")) or is_str(r.get("helpUri")), f"{rw}: help")
        if "helpUri" in r:
            check(re.fullmatch(r"https://www\.rfc-editor\.org/rfc/rfc\d+\.html(#section-[\d.]+)?",
                               r["helpUri"]) is not None, f"{rw}: helpUri {r['helpUri']!r}")
        dc = r.get("defaultConfiguration", {})
        check(dc.get("level") in ("none", "note", "warning", "error"), f"{rw}: level")
        check(isinstance(dc.get("enabled"), bool), f"{rw}: enabled")
        check(is_str(r.get("properties", {}).get("reference")), f"{rw}: properties.reference")
    check(len(set(ids)) == len(ids), f"{where}: rule ids unique")
    results = run_.get("results")
    if not check(isinstance(results, list), f"{where}: results is an array"):
        return None
    for i, res in enumerate(results):
        rw = f"{where}: result {i}"
        check(is_str(res.get("ruleId")) and res["ruleId"] in ids, f"{rw}: ruleId")
        if "ruleIndex" in res:
            check(is_int(res["ruleIndex"]) and 0 <= res["ruleIndex"] < len(ids) and
                  ids[res["ruleIndex"]] == res["ruleId"], f"{rw}: ruleIndex")
        check(res.get("level") in ("note", "warning", "error"), f"{rw}: level")
        check(is_str(res.get("message", {}).get("text")), f"{rw}: message.text")
        locs = res.get("locations")
        if not check(isinstance(locs, list) and len(locs) >= 1, f"{rw}: locations"):
            continue
        pl = locs[0].get("physicalLocation", {})
        check(is_str(pl.get("artifactLocation", {}).get("uri")), f"{rw}: artifactLocation.uri")
        reg = pl.get("region", {})
        check(is_int(reg.get("byteOffset")) and reg["byteOffset"] >= 0, f"{rw}: region.byteOffset")
        check(is_int(reg.get("startLine")) and reg["startLine"] >= 1, f"{rw}: region.startLine")
        check(is_int(reg.get("startColumn")) and reg["startColumn"] >= 1, f"{rw}: region.startColumn")
    inv = run_.get("invocations")
    check(isinstance(inv, list) and len(inv) == 1 and
          isinstance(inv[0].get("executionSuccessful"), bool), f"{where}: invocations")
    return run_


def group_sarif():
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for rel, opts in captures():
        status, out, _ = run(opts + ["--format=sarif", rel])
        try:
            log = json.loads(out.decode("utf-8"))
        except ValueError as e:
            check(False, f"{rel} sarif: not JSON: {e}")
            continue
        run_ = validate_sarif(log, f"{rel} sarif")
        if run_ is None:
            continue
        s2, jout, _ = run(opts + ["--format=json", rel])
        check(status == s2, f"{rel}: sarif exit {status}, json exit {s2}")
        jobjs = [json.loads(line) for line in jout.decode().splitlines()]
        flat = [f for o in jobjs for f in o["findings"]]
        res = run_["results"]
        by_index = {o["index"]: o for o in jobjs}
        for r in res:
            props = r.get("properties", {})
            o = by_index.get(props.get("responseIndex"))
            check(o is not None and props.get("source") == o["source"] and
                  props.get("request") == o["request"],
                  f"{rel} sarif: result's source/request differ from the JSON record's")
        check(len(res) == len(flat), f"{rel} sarif: {len(res)} results, {len(flat)} findings")
        for r, f in zip(sorted(res, key=lambda r: (r["locations"][0]["physicalLocation"]["region"]["byteOffset"], r["ruleId"])),
                        sorted(flat, key=lambda f: (f["offset"], f["rule"]))):
            reg = r["locations"][0]["physicalLocation"]["region"]
            check((r["ruleId"], r["level"], reg["byteOffset"], reg["startLine"], reg["startColumn"],
                   r["message"]["text"]) ==
                  (f["rule"], levels[f["severity"]], f["offset"], f["line"], f["column"], f["message"]),
                  f"{rel} sarif: result {r['ruleId']} at {reg['byteOffset']} differs from JSON")
            check(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == rel,
                  f"{rel} sarif: uri")
    # --list-rules in SARIF: the catalogue and no results.
    status, out, _ = run(["--list-rules", "--format=sarif"])
    check(status == 0, "--list-rules sarif exits 0")
    run_ = validate_sarif(json.loads(out), "--list-rules sarif")
    check(run_ is not None and run_["results"] == [], "--list-rules sarif has no results")


# --------------------------------------------------------------------------
# cli

def group_cli():
    ok_file = "examples/captures/nginx-keepalive.http"
    bad_file = "examples/captures/broken-401-no-challenge.http"

    # Exit statuses.
    check(run([ok_file])[0] == 0, "accepted capture exits 0")
    check(run([bad_file])[0] == 1, "rejected capture exits 1")
    s, out, err = run([])
    check(s == 2 and "no input" in err, f"no operand exits 2 ({s}, {err!r})")
    for args, needle in ((["--frobnicate", ok_file], "unknown option '--frobnicate'"),
                         (["-x", ok_file], "unknown option '-x'"),
                         (["--format=xml", ok_file], "--format: 'xml'"),
                         (["--format", ok_file], "--format: 'examples"),
                         (["--format"], "needs a value"),
                         (["--quiet=yes", ok_file], "takes no value"),
                         (["--rule=no-such-rule=off", ok_file], "unknown rule 'no-such-rule'"),
                         (["--rule=date-missing=loud", ok_file], "severity 'loud'"),
                         (["--rule=date-missing", ok_file], "ID=off|info|warning|error"),
                         (["--max-headers=0", ok_file], "at least 1"),
                         (["--max-headers=12x", ok_file], "not a positive decimal"),
                         (["--max-header-bytes=-5", ok_file], "not a positive decimal"),
                         (["--max-line-length=99999999999999999999999", ok_file], "too large"),
                         (["--request-version=2", ok_file], "not 1.0 or 1.1"),
                         (["--color=sometimes", ok_file], "--color"),
                         (["--method=GE T", ok_file], "not a method token"),
                         (["--format=text\x1b[2J", ok_file], "\\x1b[2J")):
        s, out, err = run(args)
        check(s == 2, f"{args}: exit {s}, want 2")
        check(needle in err, f"{args}: stderr {err!r} lacks {needle!r}")
        check(out == b"", f"{args}: stdout not empty")
        check("\x1b" not in err, f"{args}: raw escape on stderr")

    # --help, --version.
    s, out, _ = run(["--help"])
    check(s == 0 and b"Usage: respcheck" in out and b"--list-rules" in out, "--help")
    s, out, _ = run(["--version"])
    lines = out.decode().splitlines()
    m = re.fullmatch(r"IANA HTTP Status Code Registry: (\d{4}-\d{2}-\d{2})",
                     lines[1] if len(lines) > 1 else "")
    check(s == 0 and lines and lines[0].startswith("respcheck ") and m is not None,
          f"--version: {lines!r}")
    if m:
        check(m.group(1) in lines[0],
              "--version's first line (respcheck_version()) has the registry date")

    # --list-rules: every format, severities and references.
    s, out, _ = run(["--list-rules"])
    lines = out.decode().splitlines()
    check(s == 0 and len(lines) >= 40, "--list-rules text")
    check(any(l.split()[:2] == ["parse-error", "error"] and "RFC 9112" in l for l in lines),
          "--list-rules text has parse-error, its severity and reference")
    s, out, _ = run(["--list-rules", "--format=json", "--rule=date-missing=off"])
    rules = [json.loads(l) for l in out.decode().splitlines()]
    check(s == 0 and all(set(r) >= {"rule", "severity", "default_severity", "reference", "summary"}
                         for r in rules), "--list-rules json keys")
    dm = [r for r in rules if r["rule"] == "date-missing"]
    check(dm and dm[0]["severity"] == "off" and dm[0]["default_severity"] == "info",
          "--list-rules shows the severity in force")

    # Standard input.
    with open(os.path.join(ROOT, bad_file), "rb") as f:
        data = f.read()
    s, out, _ = run(["-"], input_bytes=data)
    check(s == 1 and out.decode().startswith("<stdin>:1:10: error:"), f"stdin text: {out!r}")
    s, out, _ = run(["--format=json", "-"], input_bytes=data)
    check(s == 1 and json.loads(out.decode().splitlines()[0])["file"] == "-", "stdin json file is '-'")
    s, out, _ = run(["--format=json", "-"], input_bytes=b"")
    check(s == 0 and out == b"", "empty stdin: nothing, exit 0")

    # Unreadable files are reported, the others still linted.
    s, out, err = run(["no/such/file.http", bad_file, ok_file])
    check(s == 2, f"missing file: exit {s}, want 2")
    check("no/such/file.http: cannot open: No such file or directory" in err,
          f"missing file reported: {err!r}")
    check(b"broken-401-no-challenge.http:1:10: error" in out, "the other files are linted")
    s, out, err = run(["--format=sarif", "no/such/file.http", ok_file])
    log = json.loads(out)
    inv = log["runs"][0]["invocations"][0]
    check(s == 2 and inv["executionSuccessful"] is False and
          "no/such/file.http" in inv["toolExecutionNotifications"][0]["message"]["text"],
          "sarif records the unreadable file")

    # Directories: walked recursively, sorted, *.http only, dotfiles skipped.
    tmp = tempfile.mkdtemp(prefix="respcheck-cli-")
    try:
        os.makedirs(os.path.join(tmp, "b", "sub"))
        os.makedirs(os.path.join(tmp, ".hidden"))
        names = ["b/sub/z.http", "b/a.http", "a.http", "B.http", "c.http", ".hidden/x.http",
                 ".dot.http", "notes.txt"]
        for n in names:
            with open(os.path.join(tmp, n), "wb") as f:
                f.write(data)
        os.symlink("nowhere.http", os.path.join(tmp, "dangling.http"))
        os.symlink(tmp, os.path.join(tmp, "b", "loop"))
        s, out, err = run(["--format=json", tmp])
        files = [json.loads(l)["file"] for l in out.decode().splitlines()]
        want = [os.path.join(tmp, n) for n in ["B.http", "a.http", "b/a.http", "b/sub/z.http", "c.http"]]
        check([f for i, f in enumerate(files) if f not in files[:i]] == want,
              f"directory walk order: {files}")
        check(s == 2 and "dangling.http: cannot open" in err, f"dangling link reported: {s} {err!r}")
        s, out, _ = run(["--format=json", "--include=*.txt", tmp])
        files = {json.loads(l)["file"] for l in out.decode().splitlines()}
        check(files == {os.path.join(tmp, "notes.txt")}, f"--include: {files}")
        s, out, _ = run(["--format=json", tmp + "/"])
        check(json.loads(out.decode().splitlines()[0])["file"] == os.path.join(tmp, "B.http"),
              "a trailing slash does not double")
    finally:
        shutil.rmtree(tmp)

    # --quiet: errors only.
    zoo = "tests/cli/captures/status-zoo.http"
    s, out, _ = run(["--quiet", zoo])
    lines = out.decode().splitlines()
    check(s == 1 and lines and all(": error: " in l for l in lines), "--quiet text: errors only")
    _, full, _ = run([zoo])
    check(len(lines) == sum(": error: " in l for l in full.decode().splitlines()),
          "--quiet keeps every error")
    s, out, _ = run(["--quiet", "--format=json", zoo])
    objs = [json.loads(l) for l in out.decode().splitlines()]
    check(objs and all(o["verdict"] == "reject" and o["findings"] and
                       all(f["severity"] == "error" for f in o["findings"]) for o in objs),
          "--quiet json: rejected responses, error findings")
    s, out, _ = run(["--quiet", ok_file])
    check(s == 0 and out == b"", "--quiet on a clean capture prints nothing")

    # --summary: counts per verdict and per rule.
    s, out, _ = run(["--summary", "--format=json", zoo, ok_file])
    lines = [json.loads(l) for l in out.decode().splitlines()]
    summ = lines[-1].get("summary")
    objs = lines[:-1]
    if check(isinstance(summ, dict), "--summary json: last line is the summary"):
        check(summ["files"] == 2 and summ["responses"] == len(objs), "summary counts responses")
        check(summ["rejected"] == sum(o["verdict"] == "reject" for o in objs), "summary rejected")
        check(summ["accepted"] == sum(o["verdict"] == "accept" for o in objs), "summary accepted")
        counts = {}
        for o in objs:
            for f in o["findings"]:
                counts[f["rule"]] = counts.get(f["rule"], 0) + 1
        check(summ["rules"] == counts, f"summary per rule {summ['rules']} vs {counts}")
    s, out, _ = run(["--summary", zoo, ok_file])
    tail = out.decode().splitlines()
    check(any(l.startswith("summary: 2 files, ") for l in tail), "--summary text line")
    check(any(re.fullmatch(r"  allow-missing +1", l) for l in tail), "--summary text per rule")
    s, out, _ = run(["--summary", "--format=sarif", zoo])
    check(json.loads(out)["runs"][0]["properties"]["summary"]["files"] == 1, "--summary sarif")

    # --rule.
    s, out, _ = run(["--rule=www-authenticate-missing=off", bad_file])
    check(s == 0 and b"www-authenticate-missing" not in out, "--rule=ID=off silences and accepts")
    s, out, _ = run(["--rule=www-authenticate-missing=warning", bad_file])
    check(s == 0 and b"warning: 401 response without WWW-Authenticate" in out,
          f"--rule=ID=warning: {s} {out!r}")
    s, out, _ = run(["--rule=date-missing=error", "--rule=date-missing=info",
                     "tests/cli/captures/status-zoo.http"])
    check(b"info: 200 response without Date" in out, "--rule repeated: the last one wins")
    s, out, _ = run(["--rule=reason-phrase-nonstandard=error", "examples/captures/python-501.http"])
    check(s == 1 and b"error: reason" in out, "--rule=ID=error rejects")

    # Request context.
    head = "examples/captures/nginx-head.head"
    s, out, _ = run([head])
    check(s == 1 and b"message-truncated" in out, "a HEAD response read as GET is truncated")
    s, out, _ = run(["--method=HEAD", head])
    check(s == 0 and out == b"", f"--method=HEAD: {s} {out!r}")
    s, out, err = run(["--method=PROPFIND", ok_file])
    check(s == 0 and "note: method 'PROPFIND'" in err, "unknown method: a note, read as GET")
    cont = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nDate: x\r\n\r\n"
    s, out, _ = run(["-"], input_bytes=cont)
    check(s == 0, f"100 Continue to HTTP/1.1: {s} {out!r}")
    s, out, _ = run(["--request-version=1.0", "-"], input_bytes=cont)
    check(s == 1 and b"status-1xx-http10" in out, f"--request-version=1.0: {out!r}")
    s, out, _ = run(["--format=json", "--method=PROPFIND", "--request-version=1.0", "-"],
                    input_bytes=cont)
    recs = [json.loads(l) for l in out.decode().splitlines()]
    check(len(recs) == 2 and all(r["request"] == {"method": "PROPFIND", "target": None,
                                                  "version": "1.0"} and
                                 r["source"] == {"kind": "stream"} for r in recs),
          f"request and source of a raw stream's records: {recs!r}")

    # The kind is told by the content, not the name: HTTP bytes in a file
    # named like a capture are a raw stream.
    tmp = tempfile.mkdtemp(prefix="respcheck-cli-")
    try:
        for name in ("capture.pcap", "noext"):
            p = os.path.join(tmp, name)
            with open(p, "wb") as f:
                f.write(data)
            s, out, _ = run(["--format=json", p])
            recs = [json.loads(l) for l in out.decode().splitlines()]
            check(s == 1 and recs and all(r["source"] == {"kind": "stream"} for r in recs),
                  f"{name}: read as a stream: {s} {recs!r}")
    finally:
        shutil.rmtree(tmp)

    # Limits.
    s, out, _ = run(["--max-header-bytes=100", ok_file])
    check(s == 1 and b"header-section-too-large" in out, f"--max-header-bytes: {out!r}")
    s, out, _ = run(["--max-headers=3", ok_file])
    check(s == 1 and b"too-many-headers" in out, f"--max-headers: {out!r}")
    s, out, _ = run(["--max-line-length=20", ok_file])
    check(s == 1 and b"line-too-long" in out, f"--max-line-length: {out!r}")
    s, out, _ = run(["--max-reason-length=5", "tests/cli/captures/status-zoo.http"])
    check(s == 1 and b"reason-phrase-too-long" in out, f"--max-reason-length: {out!r}")
    s, out, _ = run(["--max-chunk-extension=3", "tests/cli/captures/chunked-trailers.http"])
    check(s == 1 and b"chunk-extension-too-long" in out, f"--max-chunk-extension: {out!r}")

    # Colour: never when not a terminal, unless asked; NO_COLOR only
    # matters for auto.
    s, out, _ = run([bad_file])
    check(b"\x1b[" not in out, "no colour into a pipe")
    s, out, _ = run(["--color=always", bad_file])
    check(b"\x1b[1;31merror" in out, "--color=always colours")
    s, out, _ = run(["--color=always", "--format=json", bad_file])
    check(b"\x1b" not in out, "no colour in JSON")
    s, out, _ = run(["--color=never", bad_file], env={"NO_COLOR": "1"})
    check(b"\x1b[" not in out, "--color=never")

    # Hostile bytes never come out raw in text.
    s, out, _ = run(["tests/cli/captures/control-bytes.http", "tests/cli/captures/hostile-bytes.http"])
    check(all(32 <= b < 127 or b == 10 for b in out), "text output is printable ASCII")
    # A path with hostile bytes is escaped too.
    tmp = tempfile.mkdtemp(prefix="respcheck-cli-")
    try:
        evil = os.path.join(tmp, "evil\x1b[2J\n.http")
        with open(evil, "wb") as f:
            f.write(data)
        s, out, _ = run([evil])
        check(s == 1 and b"evil\\x1b[2J\\x0a.http:1:10:" in out, f"hostile path escaped: {out!r}")
        s, out, _ = run(["--format=sarif", evil])
        uri = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        check(uri.endswith("/evil%1B%5B2J%0A.http"), f"sarif uri percent-encoded: {uri}")
    finally:
        shutil.rmtree(tmp)

    # Findings far behind the read position are still placed: empty lines
    # before a status line (reported at the first one) and a response cut
    # after a long body (reported at the end; the head pinned).
    resp = b"HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 0\r\n\r\n"
    for name, data in (("leading", b"\r\n" * 100000 + resp),
                       ("between", resp + b"\r\n" * 100000 + resp),
                       ("lf-only", resp + b"x\n" + b"\n" * 300000 + resp)):
        s, out, _ = run(["--format=json", "-"], input_bytes=data)
        flat = [f for l in out.decode().splitlines() for f in json.loads(l)["findings"]]
        check(flat != [] and all((f["line"], f["column"]) == place(data, f["offset"]) for f in flat),
              f"far-back findings placed ({name}): {flat}")
    big = (b"HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 3000000\r\n\r\n" +
           b"line\n" * 400000)
    s, out, _ = run(["--format=json", "-"], input_bytes=big)
    flat = [f for l in out.decode().splitlines() for f in json.loads(l)["findings"]]
    check(s == 1 and flat and all((f["line"], f["column"]) == place(big, f["offset"]) for f in flat),
          f"truncated long body placed: {flat}")

    # "--" ends the options.
    s, out, err = run(["--", "--format=json"])
    check(s == 2 and "--format=json: cannot open" in err, "'--' ends the options")


# --------------------------------------------------------------------------
# rss

def group_rss():
    """respcheck reads a generated 20 MiB capture from a pipe, under
    rss_probe (tests/cli/rss_probe.c), which reports its peak RSS."""
    if os.environ.get("RESPCHECK_RSS_SKIP"):
        print(f"rss: skipped: {os.environ['RESPCHECK_RSS_SKIP']}")
        return
    if RSS_PROBE is None:
        check(False, "rss: no --rss-probe given")
        return
    gen = os.path.join(HERE, "gen_big_capture.py")
    g = subprocess.Popen([sys.executable, gen, "20M"], stdout=subprocess.PIPE)
    p = subprocess.Popen([RSS_PROBE, RESPCHECK, "--quiet", "--summary", "-"], stdin=g.stdout,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    g.stdout.close()
    try:
        out, err = p.communicate(timeout=TIMEOUT)
        g.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        g.kill()
        p.wait()
        g.wait()
        check(False, "rss: timed out")
        return
    check(p.returncode == 0, f"rss: exit status {p.returncode}")
    check(re.fullmatch(rb"summary: 1 file, \d+ responses: \d+ accepted, 0 rejected; "
                       rb"0 errors, 0 warnings, 0 info\n", out) is not None,
          f"rss: the big capture is accepted, nothing printed but the summary: {out!r}")
    m = re.search(rb"rss_probe: maxrss_kib=(\d+)", err)
    if check(m is not None, f"rss: no figure from the probe: {err!r}"):
        rss_kib = int(m.group(1))
        print(f"rss: 20 MiB capture linted with max RSS {rss_kib} KiB")
        check(rss_kib < 8 * 1024, f"rss: max RSS {rss_kib} KiB is not under 8 MiB")


# --------------------------------------------------------------------------

GROUPS = {"golden": group_golden, "json": group_json, "sarif": group_sarif,
          "cli": group_cli, "rss": group_rss}


def main():
    global RESPCHECK, RSS_PROBE
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--respcheck", required=True, help="the built respcheck binary")
    ap.add_argument("--rss-probe", help="the built rss_probe (for the rss group)")
    ap.add_argument("--group", action="append", choices=sorted(GROUPS),
                    help="run only this group (repeatable)")
    ap.add_argument("--update", action="store_true",
                    help="rewrite tests/cli/expected/ from the current output")
    args = ap.parse_args()
    RESPCHECK = os.path.abspath(args.respcheck)
    RSS_PROBE = os.path.abspath(args.rss_probe) if args.rss_probe else None
    for name in args.group or list(GROUPS):
        if name == "golden":
            group_golden(args.update)
        else:
            GROUPS[name]()
    passed = CHECKS - len(FAILURES)
    print(f"{passed} passed, {len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
