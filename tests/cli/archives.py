# SPDX-License-Identifier: MIT
"""The respcheck command on web archives (WARC) and browser exports (HAR):
the JSON Lines contract of issue 14, text and SARIF output, kinds told by
content, directories, standard input, bad input (exit status 2).

    python3 tests/cli/archives.py --respcheck PATH --root SOURCE_DIR

Reads the fixtures of warc/tests and har/tests; writes scratch files in a
temporary folder it removes. Prints each failed check; exits 1 if any.
"""
import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    return cond


def run(args, stdin=None):
    p = subprocess.run([RESPCHECK, "--no-progress"] + args, input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def records(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def warc_json():
    path = os.path.join(WARC, "fixtures", "wget-like.warc")
    rc, out, err = run(["--format=json", path])
    recs = records(out)
    check(rc == 1, "wget-like.warc: exit 1 (a response is rejected), got %d" % rc)
    # Records 2, 4, 6 (two responses), 9, 10.
    check([(r["source"]["record"], r["index"]) for r in recs] ==
          [(2, 0), (4, 0), (6, 0), (6, 1), (9, 0), (10, 0)],
          "wget-like.warc: records and indexes %r" %
          [(r["source"]["record"], r["index"]) for r in recs])
    r = recs[0]
    check(list(r["source"].keys()) == ["kind", "record", "record_id", "target_uri"],
          "warc source members in order: %r" % list(r["source"].keys()))
    check(r["source"]["kind"] == "warc", "source kind warc")
    check(r["source"]["record_id"].startswith("<urn:uuid:") and
          r["source"]["record_id"].endswith(">"), "record_id as written")
    check(r["source"]["target_uri"] == "http://example.test/a",
          "target_uri without <>: %r" % r["source"]["target_uri"])
    check(r["request"] == {"method": "GET", "target": "/a", "version": "1.1"},
          "request of record 2: %r" % r["request"])
    check(r["offset"] == 0 and r["end_offset"] == 80,
          "offsets count in the block: %r %r" % (r["offset"], r["end_offset"]))
    check(recs[1]["request"]["method"] == "HEAD" and recs[1]["complete"] and
          recs[1]["findings"] == [], "HEAD from the request record")
    one_xx, final = recs[2], recs[3]
    check(one_xx["status"] == 100 and final["status"] == 200 and
          final["offset"] == one_xx["end_offset"],
          "1xx and its final response are two, offsets in the block")
    check(one_xx["request"]["version"] == "1.0" and
          one_xx["findings"][0]["rule"] == "status-1xx-http10",
          "HTTP/1.0 request from the request record")
    check(one_xx["findings"][0]["offset"] == 9 and
          one_xx["findings"][0]["line"] is None, "finding offset in the block")
    check(recs[4]["request"] is None, "no request record: request null")


def warc_gzip_and_revisit():
    plain = records(run(["--format=json",
                         os.path.join(WARC, "fixtures", "wget-like.warc")])[1])
    for r in plain:
        r.pop("file")
    for name in ("wget-like.warc.gz", "wget-like-whole.warc.gz"):
        rc, out, err = run(["--format=json", os.path.join(WARC, "fixtures", name)])
        recs = records(out)
        for r in recs:
            r.pop("file")
        check(recs == plain, "%s: the same records as the plain file" % name)
    rc, out, err = run(["--format=json", os.path.join(WARC, "fixtures", "revisit.warc")])
    recs = records(out)
    rev = [r for r in recs if r["source"]["record"] == 2]
    check(len(rev) == 1 and rev[0]["status"] is None and
          [f["rule"] for f in rev[0]["findings"]] == ["capture-revisit"] and
          rev[0]["findings"][0]["severity"] == "info",
          "revisit: a record with status null and capture-revisit: %r" % rev)
    check(rc == 0, "revisit.warc: exit 0, got %d" % rc)


def common_crawl():
    rc, out, err = run(["--format=json",
                        os.path.join(WARC, "fixtures", "commoncrawl.warc.gz")])
    recs = records(out)
    rules = sorted(f["rule"] for r in recs for f in r["findings"])
    check(rules == ["content-length-invalid", "framing-conflict",
                    "transfer-encoding-http10"],
          "Common Crawl records: only the server's framing: %r" % rules)
    check(all(r["request"] == {"method": "GET", "target": "/page",
                               "version": "1.1"} for r in recs),
          "Common Crawl: every response paired")


def warc_text_and_sarif():
    path = os.path.join(WARC, "recorded", "nginx.warc.gz")
    rc, out, err = run([path])
    lines = out.splitlines()
    want = (path + ": record 19 (http://127.0.0.1:18281/index.html): error: "
            "405 response without Allow [allow-missing] (RFC 9110 15.5.6) at "
            "byte 9 of the record's block")
    check(want in lines, "text line naming the record:\n%s" % out)
    check(rc == 1, "nginx.warc.gz: exit 1")
    rc, out, err = run(["--format=sarif", path])
    try:
        log = json.loads(out)
        res = log["runs"][0]["results"]
        allow = [x for x in res if x["ruleId"] == "allow-missing"][0]
        loc = allow["locations"][0]
        check("region" not in loc["physicalLocation"],
              "SARIF: no region for a block offset")
        check(loc["logicalLocations"][0]["fullyQualifiedName"] ==
              "record 19 (http://127.0.0.1:18281/index.html)",
              "SARIF: the record as logical location: %r" % loc)
        props = allow["properties"]
        check(props["streamOffset"] == 9 and props["source"]["kind"] == "warc" and
              props["source"]["record"] == 19 and
              props["request"]["method"] == "POST",
              "SARIF properties: %r" % props)
    except (ValueError, KeyError, IndexError) as e:
        check(False, "SARIF output: %s" % e)
    rc, out, err = run(["--format=json", "--quiet", path])
    recs = records(out)
    check(len(recs) == 1 and recs[0]["status"] == 405,
          "--quiet: only the rejected response")


def har_json():
    path = os.path.join(HAR, "fixtures", "chrome.har")
    rc, out, err = run(["--format=json", path])
    recs = records(out)
    check(rc == 1, "chrome.har: exit 1, got %d" % rc)
    check([r["source"]["entry"] for r in recs] == list(range(11)),
          "one record per entry")
    r = recs[0]
    check(list(r["source"].keys()) == ["kind", "entry", "url"] and
          r["source"] == {"kind": "har", "entry": 0, "url": "http://example.test/"},
          "har source: %r" % r["source"])
    check(r["offset"] is None and r["end_offset"] is None, "har offsets null")
    check(r["request"] == {"method": "GET", "target": "http://example.test/",
                           "version": "1.1"}, "har request: %r" % r["request"])
    h2 = recs[1]
    check(h2["status"] == 404 and
          [f["rule"] for f in h2["findings"]] == ["capture-not-http1"] and
          h2["findings"][0]["offset"] is None,
          "h2 entry: its status and capture-not-http1 only: %r" % h2)
    allow = recs[2]
    check([f["rule"] for f in allow["findings"]] == ["allow-missing"] and
          allow["verdict"] == "reject", "405 without Allow")
    byte_rules = {"header-name-invalid", "header-value-invalid", "obs-fold",
                  "bare-cr", "bare-lf", "parse-error", "message-truncated"}
    check(not any(f["rule"] in byte_rules for r in recs for f in r["findings"]),
          "no rule about bytes on a HAR")
    old = recs[6]
    check(old["request"]["version"] == "1.0" and
          old["findings"][0]["rule"] == "transfer-encoding-http10",
          "request version from the entry")
    check(recs[10]["request"]["version"] is None,
          "a request without httpVersion: version null")
    rc, out, err = run(["--format=sarif", path])
    try:
        res = json.loads(out)["runs"][0]["results"]
        check(all("streamOffset" not in x["properties"] and
                  "region" not in x["locations"][0]["physicalLocation"]
                  for x in res), "SARIF of a HAR: no offsets")
    except (ValueError, KeyError, IndexError) as e:
        check(False, "SARIF output of a HAR: %s" % e)
    rc, out, err = run([path])
    check(path + ": entry 2 (http://example.test/form): error: 405 response "
          "without Allow [allow-missing] (RFC 9110 15.5.6)" in out.splitlines(),
          "text line naming the entry:\n%s" % out)


def bad_inputs():
    cases = [
        (WARC, "bad-corrupt-member.warc.gz", "corrupt gzip data"),
        (WARC, "bad-cut-member.warc.gz", "ends inside the gzip member"),
        (WARC, "bad-trailing.warc.gz", "is not a gzip member"),
        (WARC, "bad-past-eof.warc", "runs past the end of the file"),
        (WARC, "bad-no-version.warc", "no WARC/1.x line"),
        (WARC, "bad-version.warc", "unsupported version line"),
        (HAR, "bad-syntax.har", "invalid JSON"),
        (HAR, "bad-cut.har", "ends before it is complete"),
        (HAR, "bad-trailing.har", "invalid JSON"),
        (HAR, "bad-entries-object.har", "not a HAR file"),
        (HAR, "bad-utf8.har", "invalid JSON"),
        (HAR, "bad-not-har.json", "not a HAR file"),
        (HAR, "bad-array.json", "not a HAR file"),
    ]
    for base, name, what in cases:
        path = os.path.join(base, "fixtures", name)
        rc, out, err = run(["--format=json", path])
        check(rc == 2, "%s: exit 2, got %d" % (name, rc))
        check(err.startswith("respcheck: " + path + ": byte ") and what in err,
              "%s: error names the byte and says %r: %r" % (name, what, err))
    # What was read before the error is reported.
    rc, out, err = run(["--format=json",
                        os.path.join(WARC, "fixtures", "bad-past-eof.warc")])
    recs = records(out)
    check([r["source"]["record"] for r in recs] == [2, 4] and
          recs[1]["complete"] is False and
          "the archive file ends inside this record" in
          recs[1]["findings"][0]["message"],
          "bad-past-eof: the records before and the cut one")
    rc, out, err = run(["--format=json",
                        os.path.join(HAR, "fixtures", "bad-syntax.har")])
    check(len(records(out)) == 5, "bad-syntax.har: the five entries before")


def kinds_by_content(tmp):
    # A WARC named .http, a HAR named .json, a gzip WARC on standard input.
    src = os.path.join(WARC, "fixtures", "wget-like.warc")
    named = os.path.join(tmp, "archive.http")
    shutil.copy(src, named)
    rc, out, err = run(["--format=json", named])
    check(records(out)[0]["source"]["kind"] == "warc",
          "a WARC named .http is read as WARC")
    har = os.path.join(tmp, "export.json")
    shutil.copy(os.path.join(HAR, "fixtures", "firefox.har"), har)
    rc, out, err = run(["--format=json", har])
    check(records(out)[0]["source"]["kind"] == "har",
          "a HAR named .json is read as HAR")
    data = open(os.path.join(WARC, "fixtures", "wget-like.warc.gz"), "rb").read()
    rc, out, err = run(["--format=json", "-"], stdin=data)
    check(len(records(out)) == 6 and records(out)[0]["file"] == "-",
          "a gzip WARC on standard input")
    # A gzip file that is not a WARC is a raw stream (of gzip bytes).
    other = os.path.join(tmp, "page.http")
    open(other, "wb").write(gzip.compress(b"HTTP/1.1 200 OK\r\n\r\n", mtime=0))
    rc, out, err = run(["--format=json", other])
    recs = records(out)
    check(recs and recs[0]["source"]["kind"] == "stream",
          "gzip that is not WARC is not read as WARC")


def directories(tmp):
    d = os.path.join(tmp, "dir")
    os.makedirs(os.path.join(d, "sub"))
    shutil.copy(os.path.join(WARC, "fixtures", "wget-like.warc"),
                os.path.join(d, "a.warc"))
    shutil.copy(os.path.join(WARC, "fixtures", "heritrix.warc.gz"),
                os.path.join(d, "sub", "b.warc.gz"))
    shutil.copy(os.path.join(HAR, "fixtures", "firefox.har"),
                os.path.join(d, "c.har"))
    open(os.path.join(d, "d.http"), "wb").write(
        b"HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 0\r\n\r\n")
    shutil.copy(os.path.join(HAR, "fixtures", "firefox.har"),
                os.path.join(d, "ignored.json"))
    rc, out, err = run(["--format=json", d])
    files = sorted({os.path.relpath(r["file"], d) for r in records(out)})
    check(files == ["a.warc", "c.har", "d.http", "sub/b.warc.gz"],
          "a directory picks up *.warc, *.warc.gz, *.har, *.http: %r" % files)


def main():
    global RESPCHECK, WARC, HAR
    ap = argparse.ArgumentParser()
    ap.add_argument("--respcheck", required=True)
    ap.add_argument("--root", required=True)
    a = ap.parse_args()
    RESPCHECK = a.respcheck
    WARC = os.path.join(a.root, "warc", "tests")
    HAR = os.path.join(a.root, "har", "tests")
    tmp = tempfile.mkdtemp(prefix="respcheck-archives-")
    try:
        warc_json()
        warc_gzip_and_revisit()
        common_crawl()
        warc_text_and_sarif()
        har_json()
        bad_inputs()
        kinds_by_content(tmp)
        directories(tmp)
    finally:
        shutil.rmtree(tmp)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
