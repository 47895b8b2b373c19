#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
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
  inputs   a directory with nothing to lint (exit 2), an empty input (a
           note).
  source   findings in offset order; the source line with a caret
           (--show-source, and by default on a terminal).
  config   --rule lists, --error-on, the configuration file (found upward,
           --config, --no-config), its strict parser.
  baseline --write-baseline and --baseline: fingerprints that survive
           moved offsets, counts, a strict reader.
  explain  --explain for every rule of --list-rules: an explanation and an
           RFC quote from docs/rules.md, examples that are vector cases
           and behave as the cases say, in text and JSON.
  requests --methods and --requests: each response with its request
           (method, target, version), 1xx, upgrades, mismatches, errors.
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
                          ("examples/captures/*.responses", []),
                          # Their reason phrases carry the bytes the
                          # output must escape: every phrase is reported.
                          ("tests/cli/captures/*.http",
                           ["--rule=reason-phrase-nonstandard=info"])):
        for p in sorted(glob.glob(os.path.join(ROOT, pattern))):
            # A capture with the client's side beside it (NAME.requests)
            # is read with it.
            reqs = os.path.splitext(p)[0] + ".requests"
            extra = ["--requests=" + os.path.relpath(reqs, ROOT)] if os.path.exists(reqs) else []
            out.append((os.path.relpath(p, ROOT), opts + extra))
    return out


def expected_name(rel, ext):
    return os.path.join(EXPECTED, rel.replace("/", "__") + ext)


def tool_version():
    _, out, _ = run(["--version"])
    return out.decode().splitlines()[0][len("respcheck "):]


RULES_RE = re.compile(r'("rules": \[)\n.*?\n *\]', re.S)


def file_uri(path):
    """The file: URI respcheck gives an artifact: the absolute path, with
    "." and ".." segments removed, every byte outside the unreserved set
    and "/" percent-encoded (RFC 3986, RFC 8089)."""
    import urllib.parse
    path = os.path.join(ROOT, path) if not os.path.isabs(path) else path
    return "file://" + urllib.parse.quote(os.path.normpath(path).encode(), safe="/-._~")


def normalize(fmt, data, version, keep_rules=False):
    """The output as compared: in SARIF the tool version becomes @VERSION@,
    the checkout's file: URI file://@ROOT@ and, unless keep_rules, the rule
    catalogue (the same in every log; the --list-rules golden holds it)
    becomes @RULES@."""
    text = data.decode("utf-8")
    if fmt == "sarif":
        text = text.replace(json.dumps(version), '"@VERSION@"')
        text = text.replace(json.dumps(file_uri(ROOT))[:-1] + "/", '"file://@ROOT@/')
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
            # An empty capture gets a note (group habits); nothing else
            # writes to stderr.
            want_err = (f"respcheck: {rel}: note: the file is empty\n"
                        if os.path.getsize(os.path.join(ROOT, rel)) == 0 else "")
            check(err == want_err, f"{rel} {fmt}: unexpected stderr {err!r}")
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
    version, no target; None with --requests (each record its own)."""
    if any(o.startswith("--requests=") for o in opts):
        return None
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
        if want_request is None:
            r = obj.get("request")
            check(r is None or (set(r) >= {"method", "target", "version"} and isinstance(r["target"], str)),
                  f"{w}: request {r!r} is not a request read from --requests")
        else:
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
        uri = pl.get("artifactLocation", {}).get("uri")
        # Standard input has no URI: it is described instead.
        check(pl.get("artifactLocation") == {"description": {"text": "standard input"}} or
              (is_str(uri) and re.fullmatch(r"file:///([A-Za-z0-9._~/-]|%[0-9A-F]{2})*", uri) is not None
               and "/./" not in uri and "/../" not in uri),
              f"{rw}: artifactLocation.uri {uri!r} is not an absolute file: URI")
        reg = pl.get("region", {})
        check(is_int(reg.get("byteOffset")) and reg["byteOffset"] >= 0, f"{rw}: region.byteOffset")
        # A finding whose line is gone is placed by its byte offset alone.
        if "startLine" in reg or "startColumn" in reg:
            check(is_int(reg.get("startLine")) and reg["startLine"] >= 1, f"{rw}: region.startLine")
            check(is_int(reg.get("startColumn")) and reg["startColumn"] >= 1, f"{rw}: region.startColumn")
    check(run_.get("columnKind") == "unicodeCodePoints", f"{where}: columnKind")
    inv = run_.get("invocations")
    check(isinstance(inv, list) and len(inv) == 1 and
          isinstance(inv[0].get("executionSuccessful"), bool), f"{where}: invocations")
    for o in (inv[0].get("ruleConfigurationOverrides", []) if inv else []):
        d, c = o.get("descriptor", {}), o.get("configuration", {})
        check(is_int(d.get("index")) and 0 <= d["index"] < len(ids) and d.get("id") == ids[d["index"]],
              f"{where}: override descriptor {d!r}")
        check(set(c) <= {"enabled", "level"} and c and
              c.get("level", "warning") in ("note", "warning", "error") and
              isinstance(c.get("enabled", True), bool), f"{where}: override configuration {c!r}")
    return run_


def char_column(data, offset):
    """SARIF's startColumn with columnKind unicodeCodePoints: characters
    from the line's start, each byte outside well-formed UTF-8 counting as
    one (as the JSON output reads it)."""
    start = data.rfind(b"\n", 0, offset) + 1
    return len(json_decoding(data[start:offset])) + 1


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
        with open(os.path.join(ROOT, rel), "rb") as f:
            data = f.read()
        for r, f in zip(sorted(res, key=lambda r: (r["locations"][0]["physicalLocation"]["region"]["byteOffset"], r["ruleId"])),
                        sorted(flat, key=lambda f: (f["offset"], f["rule"]))):
            reg = r["locations"][0]["physicalLocation"]["region"]
            check((r["ruleId"], r["level"], reg["byteOffset"], reg["startLine"], reg["startColumn"],
                   r["message"]["text"]) ==
                  (f["rule"], levels[f["severity"]], f["offset"], f["line"],
                   char_column(data, f["offset"]), f["message"]),
                  f"{rel} sarif: result {r['ruleId']} at {reg['byteOffset']} differs from JSON")
            check(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == file_uri(rel),
                  f"{rel} sarif: uri")
        check(all(r["level"] == levels[r["properties"]["severity"]] for r in res),
              f"{rel} sarif: level and severity agree")
    # Columns count characters: a finding after non-ASCII bytes.
    data = (b"HTTP/1.1 200 OK\r\nX-A: caf\xc3\xa9 \xff\x01\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            b"Content-Length: 0\r\n\r\n")
    _, out, _ = run(["--format=sarif", "-"], input_bytes=data)
    _, jout, _ = run(["--format=json", "-"], input_bytes=data)
    res = json.loads(out)["runs"][0]["results"]
    jf = json.loads(jout.decode().splitlines()[0])["findings"]
    reg = res[0]["locations"][0]["physicalLocation"]["region"] if res else {}
    check(res and jf and jf[0]["column"] == 13 and reg.get("startColumn") == 12 and
          reg.get("byteOffset") == jf[0]["offset"],
          f"SARIF column in characters, JSON in bytes: {reg!r} {jf!r}")
    # Standard input has no URI: the artifact is described instead.
    al = res[0]["locations"][0]["physicalLocation"]["artifactLocation"] if res else {}
    check(al == {"description": {"text": "standard input"}}, f"stdin's artifactLocation: {al!r}")
    # A rule's severity set on the command line is an override in the
    # invocation; the rule keeps its default level.
    s, out, _ = run(["--format=sarif", "--rule=date-missing=off", "--rule=location-missing=error",
                     "--rule=bare-lf=warning", "examples/captures/nginx-keepalive.http"])
    run_ = validate_sarif(json.loads(out), "overrides")
    if run_ is not None:
        rules = run_["tool"]["driver"]["rules"]
        by_id = {r["id"]: (i, r) for i, r in enumerate(rules)}
        check(by_id["date-missing"][1]["defaultConfiguration"] == {"enabled": True, "level": "note"} and
              by_id["location-missing"][1]["defaultConfiguration"] == {"enabled": True, "level": "warning"},
              "rules keep their default configuration")
        ov = run_["invocations"][0].get("ruleConfigurationOverrides")
        want = [{"descriptor": {"id": "location-missing", "index": by_id["location-missing"][0]},
                 "configuration": {"level": "error"}},
                {"descriptor": {"id": "date-missing", "index": by_id["date-missing"][0]},
                 "configuration": {"enabled": False}}]
        check(sorted(ov or [], key=lambda o: o["descriptor"]["index"]) ==
              sorted(want, key=lambda o: o["descriptor"]["index"]),
              f"ruleConfigurationOverrides: {ov!r}")
    s, out, _ = run(["--format=sarif", "examples/captures/nginx-keepalive.http"])
    check("ruleConfigurationOverrides" not in json.loads(out)["runs"][0]["invocations"][0],
          "no overrides without --rule")
    # A relative path with dot segments gives a clean absolute URI.
    s, out, _ = run(["--format=sarif", "./examples/../examples/captures/broken-401-no-challenge.http"])
    uri = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    check(uri == file_uri("examples/captures/broken-401-no-challenge.http"), f"dot segments: {uri}")
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
# inputs: paths that yield nothing; source: findings in offset order, the
# source line with a caret

def display(raw):
    """What the text output shows of raw bytes: printable ASCII as is,
    every other byte as \\xHH."""
    return "".join(chr(b) if 0x20 <= b < 0x7f else "\\x%02x" % b for b in raw)


SOURCE_RE = re.compile(r"( *)(\d+) \| (.*)")
CARET_RE = re.compile(r"( *) \| ( *)\^")


def check_source_lines(rel, data, out, where):
    """Each finding line placed at LINE:COLUMN is followed by the capture's
    line LINE (escaped, possibly cut around the column with "...") and a
    caret under COLUMN; returns the number of findings seen."""
    lines = out.decode("ascii").splitlines()
    i = n = 0
    while i < len(lines):
        t = lines[i]
        m = re.match(r"(.*):(\d+):(\d+): (error|warning|info): ", t)
        i += 1
        if m is None:
            check(False, f"{where}: line {t!r} is neither a finding nor under one")
            continue
        n += 1
        ln, col = int(m.group(2)), int(m.group(3))
        if i + 1 >= len(lines) or SOURCE_RE.fullmatch(lines[i]) is None:
            # Only a line whose bytes are gone (far behind the read
            # position) may come without its source.
            continue
        sm, cm = SOURCE_RE.fullmatch(lines[i]), CARET_RE.fullmatch(lines[i + 1] if i + 1 < len(lines) else "")
        i += 2
        if not check(cm is not None, f"{where}: no caret under {t!r}"):
            continue
        check(int(sm.group(2)) == ln, f"{where}: source line number {sm.group(2)} for {t!r}")
        check(len(sm.group(1)) + len(sm.group(2)) == len(cm.group(1)),
              f"{where}: the bars of {t!r} are not aligned")
        start = 0
        for _ in range(ln - 1):
            start = data.index(b"\n", start) + 1
        end = data.find(b"\n", start)
        raw = data[start:end if end >= 0 else len(data)]
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        shown = sm.group(3)
        caret = len(cm.group(2))
        before = shown[:caret]
        cut_front = before.startswith("...")
        full_before = display(raw[:col - 1])
        if cut_front:
            check(full_before.endswith(before[3:]),
                  f"{where}: {shown!r} before the caret is not the line's {full_before!r}")
        else:
            check(before == full_before[:len(before)] and
                  (len(before) == len(full_before) or col - 1 > len(raw)),
                  f"{where}: caret at {caret} of {shown!r}, column {col} of {display(raw)!r}")
        body = shown[3:] if cut_front else shown
        body = body[:-3] if body.endswith("...") and not display(raw).endswith("...") else body
        check(body in display(raw), f"{where}: {shown!r} is not from the line {display(raw)!r}")
    return n


def group_inputs():
    bad_file = "examples/captures/broken-401-no-challenge.http"

    # A directory with no file to lint: said on stderr, exit 2, the other
    # paths still linted.
    tmp = tempfile.mkdtemp(prefix="respcheck-cli-")
    try:
        os.makedirs(os.path.join(tmp, "empty", "sub"))
        with open(os.path.join(tmp, "empty", "notes.txt"), "w") as f:
            f.write("not a capture\n")
        d = os.path.join(tmp, "empty")
        s, out, err = run([d, bad_file])
        check(s == 2, f"directory without captures: exit {s}, want 2")
        check(f"respcheck: {d}: no file to lint" in err and "'*.http'" in err,
              f"directory without captures: stderr {err!r}")
        check(b"broken-401-no-challenge.http:1:10: error" in out,
              "directory without captures: the other paths are linted")
        s, out, err = run(["--include=*.pcap", d])
        check(s == 2 and "--include '*.pcap'" in err, f"with --include: {s} {err!r}")
        s, out, err = run(["--format=sarif", d])
        inv = json.loads(out)["runs"][0]["invocations"][0]
        check(s == 2 and inv["executionSuccessful"] is False and
              "no file to lint" in inv["toolExecutionNotifications"][0]["message"]["text"],
              f"directory without captures in SARIF: {inv!r}")
        s, out, err = run(["--summary", d])
        check(b"unreadable" not in out, f"an empty directory is not an unreadable file: {out!r}")
        # A directory whose captures are all in subdirectories is not empty.
        with open(os.path.join(tmp, "empty", "sub", "a.http"), "wb") as f:
            f.write(b"HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n")
        s, out, err = run([d])
        check(s == 0 and err == "", f"captures in a subdirectory: {s} {err!r}")
    finally:
        shutil.rmtree(tmp)

    # An empty input: a note, nothing else.
    empty = "tests/cli/captures/empty.http"
    s, out, err = run([empty])
    check(s == 0 and out == b"" and err == f"respcheck: {empty}: note: the file is empty\n",
          f"empty file: {s} {out!r} {err!r}")
    s, out, err = run(["-"], input_bytes=b"")
    check(s == 0 and out == b"" and err == "respcheck: <stdin>: note: the input is empty\n",
          f"empty stdin: {s} {out!r} {err!r}")



def group_source():
    bad_file = "examples/captures/broken-401-no-challenge.http"

    # Findings in offset order, in text and in each JSON record, whatever
    # order the library finds them in.
    for rel, opts in captures():
        _, out, _ = run(opts + [rel])
        places = [tuple(map(int, m.groups())) for m in
                  re.finditer(rb"^.*?:(\d+):(\d+): ", out, re.M)]
        check(places == sorted(places), f"{rel}: text findings not in offset order: {places}")
        _, out, _ = run(opts + ["--format=json", rel])
        for line in out.decode().splitlines():
            offs = [f["offset"] for f in json.loads(line)["findings"]]
            check(offs == sorted(offs), f"{rel}: JSON findings not in offset order: {offs}")
    s, out, _ = run(["--rule=reason-phrase-nonstandard=info", "examples/captures/nginx-errors.http"])
    check(re.search(rb":16:10: error: 405 response without Allow.*\n.*:16:14: info: reason",
                    out) is not None, f"nginx-errors: the 405's findings in order: {out!r}")

    # The source line and a caret under the column (--show-source), the
    # same whatever the read size; bytes escaped.
    s, out, _ = run(["--show-source", bad_file])
    want = (b"examples/captures/broken-401-no-challenge.http:1:10: error: 401 response without "
            b"WWW-Authenticate [www-authenticate-missing] (RFC 9110 15.5.2)\n"
            b"    1 | HTTP/1.1 401 Unauthorized\n"
            b"      |          ^\n")
    check(s == 1 and out == want, f"--show-source: {out!r}")
    for rel, opts in captures():
        with open(os.path.join(ROOT, rel), "rb") as f:
            data = f.read()
        s, out, _ = run(opts + ["--show-source", rel])
        n = check_source_lines(rel, data, out, f"{rel} --show-source")
        _, plain, _ = run(opts + [rel])
        check(n == len(plain.splitlines()), f"{rel}: --show-source has {n} findings")
        check(all(32 <= b < 127 or b == 10 for b in out), f"{rel}: --show-source not printable")
        for rs in ("1", "7", "4096"):
            _, out2, _ = run(opts + ["--show-source", "--read-size=" + rs, rel])
            check(out2 == out, f"{rel}: --show-source differs with --read-size={rs}")
    # A long line is cut around the column.
    long_line = b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 300 + b"\x01" + b"b" * 300 + b"\r\nDate: x\r\n\r\n"
    s, out, _ = run(["--show-source", "--rule=header-value-invalid=warning", "-"], input_bytes=long_line)
    check(check_source_lines("-", long_line, out, "long line") >= 1 and
          re.search(rb"\| \.\.\.a+\\x01b+\.\.\.\n", out) is not None, f"long line cut: {out!r}")
    # In colour the caret is coloured; JSON and SARIF are unchanged.
    s, out, _ = run(["--show-source", "--color=always", bad_file])
    check(b"\x1b[1;32m^\x1b[0m" in out, f"--show-source in colour: {out!r}")
    for fmt in ("json", "sarif"):
        _, a, _ = run(["--format=" + fmt, bad_file])
        _, b, _ = run(["--format=" + fmt, "--show-source", bad_file])
        check(a == b, f"--show-source changes {fmt}")
    # By default the source is shown when stdout is a terminal, and
    # --no-show-source turns it off.
    import pty
    for args, shown in (([], True), (["--no-show-source"], False),
                        (["--show-source", "--no-show-source"], False)):
        master, slave = pty.openpty()
        try:
            p = subprocess.Popen([RESPCHECK, "--no-progress", "--color=never"] + args + [bad_file],
                                 cwd=ROOT, stdout=slave, stderr=subprocess.PIPE)
            os.close(slave)
            slave = -1
            got = b""
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                got += chunk
            p.wait(timeout=TIMEOUT)
        finally:
            if slave >= 0:
                os.close(slave)
            os.close(master)
        check((b"    1 | HTTP/1.1 401 Unauthorized" in got) == shown,
              f"on a terminal with {args}: {got!r}")


# --------------------------------------------------------------------------
# config: --rule lists, --error-on, the configuration file

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(path, "wb") as f:
        f.write(data)


REDIRECT = (b"HTTP/1.1 302 Found\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            b"Content-Length: 0\r\n\r\n")  # a warning
NO_DATE = b"HTTP/1.1 204 No Content\r\n\r\n"                                # an info


def rules_of(out):
    return re.findall(rb"\[([a-z0-9-]+)\]", out)


def group_config():
    zoo = "tests/cli/captures/status-zoo.http"
    bad_file = "examples/captures/broken-401-no-challenge.http"

    # --rule takes a comma-separated list; the last setting wins.
    s, out, _ = run(["--rule=allow-missing=off,date-missing=error,status-obsoleted=off", zoo])
    got = rules_of(out)
    check(s == 1 and b"allow-missing" not in got and b"status-obsoleted" not in got and
          b"error: 200 response without Date" in out, f"--rule list: {out!r}")
    s, out, _ = run(["--rule=date-missing=error,date-missing=off", zoo])
    check(b"date-missing" not in rules_of(out), "--rule list: the last one wins")
    for arg, needle in (("--rule=date-missing=off,nope=warning", "unknown rule 'nope'"),
                        ("--rule=date-missing=off,", "'' is not ID=off|info|warning|error"),
                        ("--rule=,date-missing=off", "'' is not ID=off|info|warning|error"),
                        ("--rule=date-missing=off,allow-missing=loud", "severity 'loud'")):
        s, out, err = run([arg, zoo])
        check(s == 2 and needle in err and out == b"", f"{arg}: {s} {err!r}")

    # --error-on: warnings (or anything) fail the run; the records' verdicts
    # do not change.
    for data, level, want in ((REDIRECT, None, 0), (REDIRECT, "error", 0), (REDIRECT, "warning", 1),
                              (NO_DATE, "warning", 0), (NO_DATE, "info", 1)):
        args = ["--error-on=" + level] if level else []
        s, out, _ = run(args + ["-"], input_bytes=data)
        check(s == want, f"--error-on={level} on {data[:20]!r}: exit {s}, want {want}")
    s, out, _ = run(["--error-on=warning", "--format=json", "-"], input_bytes=REDIRECT)
    check(s == 1 and json.loads(out)["verdict"] == "accept", f"--error-on keeps the verdict: {out!r}")
    s, out, _ = run(["--error-on=warning", "--rule=location-missing=info", "-"], input_bytes=REDIRECT)
    check(s == 0, "--error-on=warning with the warning made info")
    s, _, err = run(["--error-on=fatal", zoo])
    check(s == 2 and "--error-on: 'fatal' is not error, warning or info" in err, f"--error-on=fatal: {err!r}")

    tmp = tempfile.mkdtemp(prefix="respcheck-cli-")
    try:
        proj = os.path.join(tmp, "proj")
        write(os.path.join(proj, ".git", "HEAD"), "ref: refs/heads/main\n")
        cap = os.path.join(proj, "caps", "deep", "a.http")
        write(cap, REDIRECT + NO_DATE)
        conf = os.path.join(proj, ".respcheck.toml")

        def lint(*args, cwd=None):
            e = dict(os.environ)
            p = subprocess.run([RESPCHECK, "--format=json", *args], cwd=cwd or ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
            recs = [json.loads(l) for l in p.stdout.decode().splitlines()]
            return p.returncode, [f["rule"] + ":" + f["severity"] for r in recs for f in r["findings"]], \
                p.stderr.decode()

        s, found, err = lint(cap)
        check(s == 0 and found == ["location-missing:warning", "date-missing:info"],
              f"no configuration: {s} {found} {err!r}")

        # Found upward from the inputs, up to the project's root (.git).
        write(conf, "# respcheck's settings\n"
                    "error-on = \"warning\"  # fail on warnings\n"
                    "\n[rules]\n"
                    "date-missing = \"off\"\n"
                    "'location-missing' = 'error'\n"
                    "\"reason-phrase-mismatch\" = \"warning\"\r\n"
                    "[limits]\n"
                    "max-headers = 1_000\n")
        s, found, err = lint(cap)
        check(s == 1 and found == ["location-missing:error"], f"configuration found upward: {s} {found} {err!r}")
        s, found, err = lint(os.path.join(proj, "caps"))
        check(s == 1 and found == ["location-missing:error"], f"... from a directory: {s} {found}")
        s, found, err = lint("-", cwd=os.path.join(proj, "caps"))
        check(found == [], f"... from the working directory for stdin: {found} {err!r}")
        # The command line wins over the file.
        s, found, err = lint("--rule=location-missing=info,date-missing=warning", cap)
        check(s == 1 and found == ["location-missing:info", "date-missing:warning"],
              f"--rule over the file: {s} {found}")
        s, found, err = lint("--error-on=error", "--rule=location-missing=warning", cap)
        check(s == 0, f"--error-on over the file: {s}")
        s, found, err = lint("--max-headers=1", cap)
        check(s == 1 and "too-many-headers:error" in found, f"--max-headers over the file: {found}")
        # --no-config, --config.
        s, found, err = lint("--no-config", cap)
        check(s == 0 and found == ["location-missing:warning", "date-missing:info"], f"--no-config: {found}")
        other = os.path.join(tmp, "other.toml")
        write(other, "[rules]\nlocation-missing = \"off\"\n")
        s, found, err = lint("--config=" + other, cap)
        check(s == 0 and found == ["date-missing:info"], f"--config: {s} {found}")
        s, found, err = lint("--config", os.path.join(tmp, "missing.toml"), cap)
        check(s == 2 and "missing.toml: cannot open" in err, f"--config missing: {s} {err!r}")
        # --list-rules shows the severities in force; SARIF records them as
        # overrides.
        s, out, _ = run(["--config=" + conf, "--list-rules", "--format=json"])
        sev = {json.loads(l)["rule"]: json.loads(l)["severity"] for l in out.decode().splitlines()}
        check(sev.get("date-missing") == "off" and sev.get("location-missing") == "error",
              f"--list-rules with a configuration: {sev.get('date-missing')}")
        s, out, _ = run(["--config=" + conf, "--format=sarif", cap])
        ov = {o["descriptor"]["id"]: o["configuration"]
              for o in json.loads(out)["runs"][0]["invocations"][0].get("ruleConfigurationOverrides", [])}
        check(ov.get("date-missing") == {"enabled": False} and ov.get("location-missing") == {"level": "error"},
              f"SARIF overrides from the configuration: {ov}")
        # Inputs in two folders: the file is looked for above both.
        cap2 = os.path.join(proj, "caps", "b.http")
        write(cap2, REDIRECT)
        write(os.path.join(proj, "caps", "deep", ".respcheck.toml"), "[rules]\nlocation-missing = \"off\"\n")
        s, found, err = lint(cap, cap2)
        check(found.count("location-missing:error") == 2, f"the inputs' common folder: {found}")
        s, found, err = lint(cap)
        check(found == ["date-missing:info"], f"the nearest file: {found}")
        os.remove(os.path.join(proj, "caps", "deep", ".respcheck.toml"))
        # Not above the project's root.
        os.remove(conf)
        write(os.path.join(tmp, ".respcheck.toml"), "[rules]\nlocation-missing = \"off\"\n")
        s, found, err = lint(cap)
        check(found == ["location-missing:warning", "date-missing:info"], f"a file above .git is not read: {found}")
        os.remove(os.path.join(tmp, ".respcheck.toml"))

        # A strict parser: every mistake names the file and line.
        for text, line, needle in (
                ("[rules]\ndate-missing = \"loud\"\n", 2, "severity 'loud' is not off, info, warning or error"),
                ("[rules]\nno-such-rule = \"off\"\n", 2, "unknown rule 'no-such-rule'"),
                ("[limits]\nmax-foo = 3\n", 2, "unknown key 'max-foo' in [limits]"),
                ("[limits]\nmax-headers = \"3\"\n", 2, "max-headers: a number is needed"),
                ("[limits]\nmax-headers = 0\n", 2, "max-headers: 0 is below 1"),
                ("[limits]\nmax-headers = 01\n", 2, "leading zero"),
                ("[limits]\nmax-headers = -1\n", 2, "max-headers: -1 is below 1"),
                ("[limits]\nmax-headers = 1__0\n", 2, "not a number"),
                ("[limits]\nmax-headers = 1.5\n", 2, "not a number"),
                ("[limits]\nmax-headers = 99999999999999999999999\n", 2, "too large (at most 1048576)"),
                ("[limits]\nmax-held-bytes = 1000\n", 2, "max-held-bytes: 1000 is below 65536"),
                ("[rules]\ndate-missing = off\n", 2, "expected a value"),
                ("[rules]\ndate-missing = \"off\" x\n", 2, "unexpected 'x' after the value"),
                ("[rules]\ndate-missing \"off\"\n", 2, "expected '=' after the key"),
                ("[rules]\ndate-missing = \"off\n", 2, "unterminated string"),
                ("[rules]\ndate-missing = \"o\\u0066f\"\n", 2, "escape sequences are not supported"),
                ("[rules]\ndate-missing = [\"off\"]\n", 2, "arrays and inline tables are not supported"),
                ("[rules]\ndate-missing = true\n", 2, "expected a value"),
                ("[rules]\nrules.date-missing = \"off\"\n", 2, "dotted keys are not supported"),
                ("[rules]\ndate-missing = \"off\"\ndate-missing = \"info\"\n", 3, "'date-missing' is set twice (line 2)"),
                ("[rules]\n[rules]\n", 2, "table [rules] appears twice (line 1)"),
                ("[output]\n", 1, "unknown table [output] (known: [rules], [limits])"),
                ("[[rules]]\n", 1, "arrays of tables are not supported"),
                ("[rules\n", 1, "expected ']'"),
                ("max-headers = 3\n", 1, "unknown key 'max-headers' (rules go in [rules], limits in [limits])"),
                ("error-on = \"fatal\"\n", 1, "error-on: 'fatal' is not error, warning or info"),
                ("[rules]\ndate-missing = \"off\"\x01\n", 2, "control character"),
                ("[rules]\n# caf\xe9\n", 2, "not UTF-8"),
                ("\xef\xbb\xbf[rules]\n", 1, "a byte order mark"),
                ("[rules]\rdate-missing = \"off\"\n", 1, "control character")):
            write(conf, text.encode("latin-1"))
            s, found, err = lint(cap)
            want = f"respcheck: {conf}:{line}: "
            check(s == 2 and err.startswith(want) and needle in err,
                  f"configuration {text!r}: {s} {err!r}, want {want!r} and {needle!r}")
        write(conf, b"x" * (1024 * 1024 + 1))
        s, found, err = lint(cap)
        check(s == 2 and "larger than 1048576 bytes" in err, f"a huge configuration: {err!r}")
    finally:
        shutil.rmtree(tmp)


# --------------------------------------------------------------------------
# baseline: --baseline, --write-baseline

def read_baseline(path):
    with open(path, encoding="ascii") as f:
        return f.read()


def group_baseline():
    zoo = "tests/cli/captures/status-zoo.http"
    errors = "examples/captures/nginx-errors.http"
    tmp = tempfile.mkdtemp(prefix="respcheck-cli-")
    try:
        base = os.path.join(tmp, "baseline.txt")
        # Writing: every finding goes to the file, none is reported.
        s, out, err = run(["--write-baseline", base, zoo, errors])
        check(s == 0 and out == b"" and f"respcheck: {base}: 13 findings written" in err,
              f"--write-baseline: {s} {out!r} {err!r}")
        text = read_baseline(base)
        lines = text.splitlines()
        check(lines[0] == "# respcheck baseline 1", f"baseline header: {lines[:2]}")
        entries = [l.split("\t") for l in lines if not l.startswith("#")]
        check(all(len(e) == 5 and re.fullmatch(r"[0-9a-f]{16}", e[2]) and int(e[3]) >= 1 for e in entries),
              f"baseline entries: {entries[:3]}")
        check(sum(int(e[3]) for e in entries) == 13, "baseline counts")
        check(entries == sorted(entries, key=lambda e: (e[1], e[0], e[4], e[2])), "baseline sorted")
        check(any(e[0] == "allow-missing" and e[1] == errors and e[4] == "HTTP/1.1 405 Not Allowed"
                  for e in entries), f"baseline excerpt: {entries}")
        # The same whatever the read size.
        base1 = os.path.join(tmp, "baseline1.txt")
        run(["--read-size=1", "--write-baseline", base1, zoo, errors])
        check(read_baseline(base1) == text, "--write-baseline with --read-size=1")
        # Reading: nothing left, exit 0; counted in the summary.
        s, out, err = run(["--baseline", base, "--summary", zoo, errors])
        check(s == 0 and out.decode().startswith("summary: 2 files") and "13 baselined" in out.decode(),
              f"--baseline: {s} {out!r} {err!r}")
        s, out, err = run(["--baseline", base, "--format=json", "--summary", zoo])
        objs = [json.loads(l) for l in out.decode().splitlines()]
        check(s == 0 and all(o["findings"] == [] for o in objs[:-1]) and
              objs[-1]["summary"]["baselined"] == 11, f"--baseline json: {objs[-1]}")
        # A path written another way is the same file.
        s, out, _ = run(["--baseline", base, "./tests//cli/captures/status-zoo.http"])
        check(s == 0 and out == b"", f"--baseline, another spelling of the path: {out!r}")

        # New findings are reported; old ones, however their offsets moved,
        # are not.
        with open(os.path.join(ROOT, errors), "rb") as f:
            data = f.read()
        cap = os.path.join(tmp, "cap.http")
        write(cap, data)
        base2 = os.path.join(tmp, "b2.txt")
        run(["--write-baseline", base2, cap])
        date = b"Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
        ok = b"HTTP/1.1 200 OK\r\n" + date + b"Content-Length: 2\r\n\r\nok"
        last = data.rindex(b"HTTP/1.1 204")  # it closes the connection
        # "OK" for a 405 is 200's phrase: reason-phrase-mismatch.
        write(cap, ok + data[:last] + b"HTTP/1.1 405 OK\r\n" + date + b"Content-Length: 0\r\n\r\n" +
              data[last:])
        s, out, _ = run(["--baseline", base2, cap])
        got = out.decode().splitlines()
        n = (ok + data[:last]).count(b"\n") + 1
        check(s == 1 and len(got) == 2 and f":{n}:10: error: 405 response without Allow" in got[0] and
              f":{n}:14: info: reason \"OK\"" in got[1], f"--baseline after a change: {got}")
        # Counted: a second identical finding is new (the 405 again: its
        # allow-missing; its own reason "Not Allowed" is not reported).
        write(cap, data[:last] + data[385:699] + data[last:])
        s, out, _ = run(["--baseline", base2, cap])
        check(s == 1 and len(out.decode().splitlines()) == 1, f"--baseline counts: {out!r}")
        # SARIF marks what it reports as new.
        s, out, _ = run(["--baseline", base2, "--format=sarif", cap])
        res = json.loads(out)["runs"][0]["results"]
        check(len(res) == 1 and all(r.get("baselineState") == "new" for r in res), f"SARIF baselineState: {res}")
        # --error-on with a baseline: what is left decides.
        write(cap, data)
        s, _, _ = run(["--baseline", base2, "--error-on=info", cap])
        check(s == 0, "--error-on=info with everything baselined")

        # A strict reader.
        for text, line, needle in (("", 1, "not a respcheck baseline"),
                                   ("# respcheck baseline 2\n", 1, "not a respcheck baseline"),
                                   ("# respcheck baseline 1\nx\ty\n", 2, "expected RULE, FILE, CONTEXT, COUNT"),
                                   ("# respcheck baseline 1\nx\ty\tzz\t1\t\n", 2, "CONTEXT"),
                                   ("# respcheck baseline 1\nx\ty\t0123456789abcdef\t0\t\n", 2, "COUNT"),
                                   ("# respcheck baseline 1\nx\ty\t0123456789abcdef\t1\t\n"
                                    "x\ty\t0123456789abcdef\t1\t\n", 3, "appears twice (line 2)")):
            write(base, text)
            s, out, err = run(["--baseline", base, zoo])
            want = f"respcheck: {base}:{line}: "
            check(s == 2 and err.startswith(want) and needle in err and out == b"",
                  f"baseline {text!r}: {s} {err!r}, want {want!r} and {needle!r}")
        s, out, err = run(["--baseline", os.path.join(tmp, "missing"), zoo])
        check(s == 2 and "missing: cannot open" in err, f"--baseline missing: {err!r}")
        s, out, err = run(["--write-baseline", os.path.join(tmp, "no", "dir", "b.txt"), zoo])
        check(s == 2 and "cannot" in err, f"--write-baseline into a missing folder: {s} {err!r}")
    finally:
        shutil.rmtree(tmp)


# --------------------------------------------------------------------------
# explain: --explain RULE for every rule, from docs/rules.md and the vectors

def vector_cases():
    """{(file, case name): the case's bytes} of tests/vectors, decoded as
    tests/vectors/README.md says."""
    cases = {}
    vdir = os.path.join(ROOT, "tests", "vectors")
    for name in sorted(os.listdir(vdir)):
        if not name.endswith(".md") or name == "README.md":
            continue
        with open(os.path.join(vdir, name), encoding="utf-8") as f:
            text = f.read()
        for m in re.finditer(r"^## (\S+)\n(.*?)(?=^## |\Z)", text, re.M | re.S):
            block = re.search(r"^```http\n(.*?)^```", m.group(2), re.M | re.S)
            if block is None:
                continue
            # Line breaks in the block are layout; escapes are the bytes.
            data = vector_escape_back("".join(block.group(1).split("\n")))
            cases[(name, m.group(1))] = data
    return cases


def docs_sections():
    with open(os.path.join(ROOT, "docs", "rules.md"), encoding="utf-8") as f:
        return re.findall(r"^## (\S+)$", f.read(), re.M)


def group_explain():
    catalogue = rules_catalogue()
    cases = vector_cases()
    sections = docs_sections()
    check(len(sections) == len(set(sections)), "docs/rules.md: a section twice")
    for sec in sections:
        check(sec in catalogue, f"docs/rules.md: section '{sec}' names no rule of --list-rules")
    library = {r for r in catalogue if not r.startswith("capture-")}
    for rule, entry in sorted(catalogue.items()):
        where = f"--explain {rule}"
        s, out, err = run(["--explain", rule])
        text = out.decode("ascii", "replace")
        check(s == 0 and err == "", f"{where}: exit {s}, stderr {err!r}")
        check(all(32 <= b < 127 or b == 10 for b in out), f"{where}: not printable ASCII")
        check(rule in sections, f"{where}: no section in docs/rules.md")
        lines = text.splitlines()
        check(lines[:1] == [f"{rule}: {entry['summary']}"], f"{where}: first line {lines[:1]}")
        check(f"  severity: {entry['severity']}" in lines and
              f"  reference: {entry['reference']}" in lines, f"{where}: severity, reference")
        # An explanation paragraph, then the RFC's words, quoted.
        check(re.search(r"\n\n[A-Z0-9(`].{40,}", text) is not None, f"{where}: no explanation")
        # RFC 9110 15.5.2: "..." (an input kind's rule may quote its format's
        # specification: ISO 28500 for WARC, HAR 1.2).
        check(re.search(r'\n  (RFC \d+ [\d.]+|ISO \d+ \(WARC/1\.1\) [\d.]+|HAR 1\.2 \(\w+\)): "', text)
              is not None, f"{where}: no quote of its specification")
        if rule not in library:
            continue
        # Two examples from the vectors, shown as they are written there,
        # and what the library makes of them.
        fires = re.search(r"\nFires \(tests/vectors/(\S+), case (\S+?)[;)].*?:\n((?:    .*\n)+)((?:  -> .*\n)+)", text)
        near = re.search(r"\nDoes not fire \(tests/vectors/(\S+), case (\S+?)[;)].*?:\n((?:    .*\n)+)((?:  -> .*\n)+)", text)
        if not check(fires is not None and near is not None, f"{where}: examples missing:\n{text}"):
            continue
        for m, kind in ((fires, "fires"), (near, "near miss")):
            key = (m.group(1), m.group(2))
            if not check(key in cases, f"{where}: {kind} {key} is not a vector case"):
                continue
            shown = "".join(l[4:] for l in m.group(3).splitlines())
            if not shown.startswith("... ("):
                check(cases[key].startswith(vector_escape_back(shown)[:200]),
                      f"{where}: {kind} bytes differ from {key}")
        for l in fires.group(4).splitlines():
            check(re.fullmatch(r"  -> (\d+):(\d+): (error|warning|info): .* \[" + re.escape(rule) + r"\]", l)
                  is not None or l.startswith("  -> and "), f"{where}: finding line {l!r}")
        check(near.group(4) == f"  -> no {rule}\n", f"{where}: near miss says {near.group(4)!r}")
        # JSON: the same, as one object.
        s, out, _ = run(["--explain", rule, "--format=json"])
        obj = json.loads(out)
        check(s == 0 and obj["rule"] == rule and obj["explanation"] and obj["quote"].startswith("RFC "),
              f"{where} json: {obj.get('rule')}")
        check(obj["fires"]["findings"] and
              all(f["severity"] in ("error", "warning", "info") for f in obj["fires"]["findings"]) and
              obj["near_miss"]["findings"] == [], f"{where} json: examples")
        raw = cases.get((obj["fires"]["file"], obj["fires"]["case"]))
        check(raw is not None and json_decoding(raw) == obj["fires"]["bytes"],
              f"{where} json: the firing example's bytes are not the vector's")

    # The severity in force, after --rule.
    s, out, _ = run(["--rule=date-missing=off", "--explain=date-missing"])
    check(s == 0 and b"\n  severity: off (default: info)\n" in out, f"--explain after --rule: {out!r}")
    # Mistakes.
    s, out, err = run(["--explain", "no-such-rule"])
    check(s == 2 and out == b"" and "unknown rule 'no-such-rule'" in err, f"--explain unknown: {s} {err!r}")
    s, out, err = run(["--explain", "date-missing", "--format=sarif"])
    check(s == 2 and "not SARIF" in err, f"--explain as SARIF: {s} {err!r}")
    s, out, err = run(["--explain"])
    check(s == 2 and "needs a value" in err, f"--explain without a rule: {s} {err!r}")


def vector_escape_back(shown):
    """Bytes written with the vectors' escapes (as --explain shows them too),
    read back."""
    out = bytearray()
    i = 0
    while i < len(shown):
        c = shown[i]
        if c == "\\":
            e = shown[i + 1]
            if e == "x":
                out.append(int(shown[i + 2:i + 4], 16))
                i += 4
                continue
            out += {"r": b"\r", "n": b"\n", "t": b"\t", "\\": b"\\"}[e]
            i += 2
            continue
        out += c.encode()
        i += 1
    return bytes(out)


# --------------------------------------------------------------------------
# requests: --methods and --requests, each response paired with its request

def records(args, input_bytes=None):
    s, out, err = run(["--format=json"] + args, input_bytes=input_bytes)
    return s, [json.loads(l) for l in out.decode().splitlines()], err


def req(method, target=None, version="1.1"):
    return {"method": method, "target": target, "version": version}


# GET, HEAD, GET pipelined on one connection (a valid Date: what these tests
# check is the request each response answers, and that nothing else fires).
DATE = b"Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
PIPELINED = (b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 3\r\n\r\nabc"
             b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 5\r\n\r\n"
             b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 2\r\n\r\nok")


# The first response with its content cut after one byte.
FIRST_CUT = PIPELINED.index(b"abc") + 1


def group_requests():
    tmp = tempfile.mkdtemp(prefix="respcheck-cli-")
    try:
        stream = os.path.join(tmp, "stream.http")
        write(stream, PIPELINED)

        # Read as answers to GET, the HEAD response swallows the next one.
        s, recs, _ = records([stream])
        check(s == 1 and any(f["rule"] in ("message-truncated", "parse-error")
                             for r in recs for f in r["findings"]),
              f"pipelined GET/HEAD/GET read as GETs: {s} {recs}")
        # --methods: one method a response, in order.
        s, recs, err = records(["--methods=GET,HEAD,GET", stream])
        check(s == 0 and err == "" and [r["status"] for r in recs] == [200, 200, 200] and
              all(r["findings"] == [] for r in recs), f"--methods=GET,HEAD,GET: {s} {recs} {err!r}")
        check([r["request"] for r in recs] == [req("GET"), req("HEAD"), req("GET")],
              f"--methods requests: {[r['request'] for r in recs]}")
        # The last method repeats; a 1xx answers the request of the final
        # response after it.
        data = (b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 3\r\n\r\nabc"
                b"HTTP/1.1 100 Continue\r\n\r\n"
                b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 5\r\n\r\n"
                b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 5\r\n\r\n")
        s, recs, _ = records(["--methods=GET,HEAD", "-"], input_bytes=data)
        check(s == 0 and [(r["status"], r["request"]["method"]) for r in recs] ==
              [(200, "GET"), (100, "HEAD"), (200, "HEAD"), (200, "HEAD")], f"--methods repeat, 1xx: {recs}")
        # The version of --request-version; each file starts the list again.
        s, recs, _ = records(["--methods=GET,HEAD,GET", "--request-version=1.0", stream, stream])
        check(s == 0 and [r["request"] for r in recs] == [req("GET", None, "1.0"), req("HEAD", None, "1.0"),
                                                          req("GET", None, "1.0")] * 2,
              f"--methods per file: {[r['request'] for r in recs]}")
        # --method is a list of one; the last of --method and --methods wins.
        s, recs, _ = records(["--methods=GET,HEAD,GET", "--method=HEAD", stream])
        check(recs and all(r["request"]["method"] == "HEAD" for r in recs), "--method after --methods")
        s, recs, err = records(["--methods=PROPFIND,HEAD", "-"], input_bytes=PIPELINED[:FIRST_CUT])
        check("note: method 'PROPFIND'" in err, f"--methods: an unknown method's note: {err!r}")
        for arg, needle in (("--methods=", "--methods needs"), ("--methods=GET,,HEAD", "'' is not a method token"),
                            ("--methods=GET,HE AD", "'HE AD' is not a method token"),
                            ("--methods=GET,", "'' is not a method token")):
            s, out, err = run([arg, stream])
            check(s == 2 and needle in err and out == b"", f"{arg}: {s} {err!r}")

        # --requests: the client's side of the same connection.
        reqs = os.path.join(tmp, "client.bin")
        write(reqs, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
                    b"HEAD /x HTTP/1.1\r\nHost: a\r\n\r\n"
                    b"POST /f?q=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody"
                    b"GET /last HTTP/1.0\r\n\r\n")
        cap = os.path.join(tmp, "server.http")
        write(cap, PIPELINED + b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 2\r\n\r\nok")
        s, recs, err = records(["--requests=" + reqs, cap])
        check(s == 0 and err == "" and [r["request"] for r in recs] ==
              [req("GET", "/"), req("HEAD", "/x"), req("POST", "/f?q=1"), req("GET", "/last", "1.0")] and
              all(r["findings"] == [] for r in recs),
              f"--requests: {s} {[r['request'] for r in recs]} {err!r}")
        for rs in ("1", "7"):
            s2, recs2, _ = records(["--requests=" + reqs, "--read-size=" + rs, cap])
            check(recs2 == recs, f"--requests with --read-size={rs}")
        # The request's version counts: a 1xx to an HTTP/1.0 request.
        write(reqs, b"GET / HTTP/1.0\r\n\r\n")
        s, recs, _ = records(["--requests", reqs, "-"],
                             input_bytes=b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 0\r\n\r\n")
        check(s == 1 and any(f["rule"] == "status-1xx-http10" for f in recs[0]["findings"]) and
              recs[0]["request"] == req("GET", "/", "1.0"), f"--requests HTTP/1.0: {recs}")
        # More responses than requests: the rest answer no request (null),
        # read as answers to --method; said on stderr.
        write(reqs, b"GET / HTTP/1.1\r\n\r\n")
        s, recs, err = records(["--requests=" + reqs, "-"],
                               input_bytes=(b"HTTP/1.1 204 No Content\r\n" + DATE + b"\r\n") * 3)
        check(s == 0 and [r["request"] for r in recs] == [req("GET", "/"), None, None] and
              f"respcheck: <stdin>: 2 responses answer no request of {reqs} (read as answers to GET)" in err,
              f"more responses than requests: {[r['request'] for r in recs]} {err!r}")
        # More requests than responses: said too.
        write(reqs, b"GET / HTTP/1.1\r\n\r\n" * 5)
        s, recs, err = records(["--requests=" + reqs, "-"],
                               input_bytes=(b"HTTP/1.1 204 No Content\r\n" + DATE + b"\r\n") * 3)
        check(s == 0 and len(recs) == 3 and
              err == f"respcheck: <stdin>: 2 requests of {reqs} got no response\n",
              f"more requests than responses: {err!r}")
        # A CONNECT that switches: the rest is a tunnel. One refused: the
        # client's next request is read.
        write(reqs, b"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n\x16\x03\x01\x00\x05hello")
        s, recs, err = records(["--requests=" + reqs, "-"],
                               input_bytes=b"HTTP/1.1 200 Connection Established\r\n\r\n\x16\x03\x01 tls")
        check(s == 0 and len(recs) == 1 and recs[0]["request"] == req("CONNECT", "a:443") and err == "",
              f"CONNECT tunnel: {s} {recs} {err!r}")
        write(reqs, b"CONNECT a:443 HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n")
        s, recs, err = records(["--requests=" + reqs, "-"],
                               input_bytes=b"HTTP/1.1 403 Forbidden\r\n" + DATE + b"Content-Length: 0\r\n\r\n"
                                           b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 2\r\n\r\nok")
        check(s == 0 and [r["request"] for r in recs] == [req("CONNECT", "a:443"), req("GET", "/after")] and
              err == "", f"CONNECT refused: {s} {[r['request'] for r in recs]} {err!r}")
        # A long target is cut, and said so.
        write(reqs, b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n")
        s, recs, _ = records(["--requests=" + reqs, "-"], input_bytes=PIPELINED[:FIRST_CUT])
        r0 = recs[0]["request"] if recs else {}
        check(r0.get("target_truncated") is True and len(r0.get("target", "")) == 8192,
              f"long target: {len(r0.get('target', ''))} {r0.get('target_truncated')}")
        # SARIF and text carry it too (SARIF: each result's request).
        write(reqs, b"HEAD /h HTTP/1.1\r\n\r\n")
        s, out, _ = run(["--requests=" + reqs, "--format=sarif", "-"],
                        input_bytes=b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n")
        res = json.loads(out)["runs"][0]["results"]
        check(res and res[0]["properties"]["request"] == req("HEAD", "/h"), f"SARIF request: {res}")
        # Mistakes: not HTTP, missing, both options, standard input.
        write(reqs, b"GET / HTTP/1.1\r\n\r\nSSH-2.0-OpenSSH\r\n\r\n")
        s, recs, err = records(["--requests=" + reqs, stream])
        check(s == 2 and re.search(re.escape(f"respcheck: {reqs}: byte ") + r"(18|19): not an HTTP request \(",
                                   err) is not None and len(recs) == 3 and recs[0]["request"] == req("GET", "/"),
              f"requests not HTTP: {s} {err!r}")
        s, out, err = run(["--requests=" + os.path.join(tmp, "nope"), stream])
        check(s == 2 and "nope: cannot open" in err, f"--requests missing: {s} {err!r}")
        s, out, err = run(["--requests=" + reqs, "--methods=GET", stream])
        check(s == 2 and "--methods and --requests" in err, f"--requests and --methods: {s} {err!r}")
        s, out, err = run(["--requests=-", stream])
        check(s == 2 and "--requests" in err and "standard input" in err, f"--requests=-: {s} {err!r}")
    finally:
        shutil.rmtree(tmp)


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
          "inputs": group_inputs, "source": group_source, "config": group_config,
          "baseline": group_baseline, "explain": group_explain,
          "requests": group_requests,
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
