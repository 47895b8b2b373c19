# SPDX-License-Identifier: MIT
"""Writes the HAR test fixtures of har/tests/fixtures/, byte for byte.

    python3 har/tests/make_fixtures.py [OUTDIR]        (default: fixtures/)
    python3 har/tests/make_fixtures.py --check DIR     (CTest: DIR matches)

Each fixture is built here from readable parts shaped like what Chrome's
and Firefox's devtools export (HAR 1.2, with the fields they add); the
comments say what each entry is for, and test_har.c what the reader must
report for it.
"""
import json
import os
import sys

DATE = "Fri, 01 Mar 2024 12:00:00 GMT"


def hdrs(*pairs):
    return [{"name": n, "value": v} for n, v in pairs]


def chrome_entry(method, url, req_version, status, status_text, resp_version,
                 headers, body="", extra=None):
    """An entry as Chrome's devtools write it (lower-case http/1.1, the
    _initiator, _priority, _resourceType fields, timings)."""
    e = {
        "_initiator": {"type": "other"},
        "_priority": "VeryHigh",
        "_resourceType": "document",
        "cache": {},
        "connection": "443",
        "pageref": "page_1",
        "request": {
            "method": method,
            "url": url,
            "httpVersion": req_version,
            "headers": hdrs(("Host", "example.test"), ("Accept", "*/*")),
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": status,
            "statusText": status_text,
            "httpVersion": resp_version,
            "headers": headers,
            "cookies": [],
            "content": {"size": len(body), "mimeType": "text/html",
                        "text": body},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_transferSize": 300,
            "_error": None,
        },
        "serverIPAddress": "192.0.2.1",
        "startedDateTime": "2024-03-01T12:00:00.000Z",
        "time": 12.5,
        "timings": {"blocked": 1, "dns": -1, "ssl": -1, "connect": -1,
                    "send": 0.1, "wait": 10, "receive": 1.4},
    }
    if extra:
        e.update(extra)
    return e


def chrome():
    u = "http://example.test"
    date = ("Date", DATE)
    entries = [
        # 0: a plain 200: nothing to report.
        chrome_entry("GET", u + "/", "http/1.1", 200, "OK", "http/1.1",
                     hdrs(date, ("Content-Type", "text/html"),
                          ("Content-Length", "12")), "<p>hello</p>"),
        # 1: HTTP/2: not linted, capture-not-http1 only (no Date here).
        chrome_entry("GET", "https://example.test/h2", "h2", 404, "", "h2",
                     hdrs((":status", "404"), ("content-type", "text/html"))),
        # 2: 405 without Allow.
        chrome_entry("POST", u + "/form", "http/1.1", 405,
                     "Method Not Allowed", "http/1.1",
                     hdrs(date, ("Content-Length", "0"))),
        # 3: HEAD: Content-Length without content is right.
        chrome_entry("HEAD", u + "/big", "http/1.1", 200, "OK", "http/1.1",
                     hdrs(date, ("Content-Length", "1000"))),
        # 4: a request that failed: status 0, no httpVersion.
        chrome_entry("GET", "http://unreachable.test/", "", 0, "", "",
                     [], extra=None),
        # 5: 302 without Location.
        chrome_entry("GET", u + "/moved", "http/1.1", 302, "Found",
                     "http/1.1", hdrs(date, ("Content-Length", "0"))),
        # 6: chunked to an HTTP/1.0 request.
        chrome_entry("GET", u + "/old", "HTTP/1.0", 200, "OK", "http/1.1",
                     hdrs(date, ("Transfer-Encoding", "chunked"))),
        # 7: Content-Length in a 204.
        chrome_entry("GET", u + "/nothing", "http/1.1", 204, "No Content",
                     "http/1.1", hdrs(date, ("Content-Length", "0"))),
        # 8: bytes a stream would be judged by: no rule about bytes here.
        chrome_entry("GET", u + "/odd", "http/1.1", 200, "OK", "http/1.1",
                     hdrs(date, ("Bad Name", "x"), ("X-Fold", "a\r\n b"),
                          ("X-Nul", "a\u0000b"), ("X-Caf\u00e9", "\u00e9t\u00e9"))),
        # 9: an unregistered status with a reason of its own.
        chrome_entry("GET", u + "/teapot", "http/1.1", 299, "Whatever",
                     "http/1.1", hdrs(date)),
    ]
    entries[4]["response"]["_error"] = "net::ERR_NAME_NOT_RESOLVED"
    # 10: keys in another order: response before request, headers before
    # status; and a request without httpVersion.
    e = chrome_entry("GET", u + "/order", "", 401, "Unauthorized", "HTTP/1.1",
                     hdrs(date))
    req = e.pop("request")
    del req["httpVersion"]
    resp = e.pop("response")
    resp = {"headers": resp["headers"], "httpVersion": "HTTP/1.1",
            "statusText": "Unauthorized", "status": 401}
    e["response"] = resp
    e["request"] = req
    entries.append(e)
    return {"log": {
        "version": "1.2",
        "creator": {"name": "WebInspector", "version": "537.36"},
        "pages": [{"startedDateTime": "2024-03-01T12:00:00.000Z",
                   "id": "page_1", "title": u + "/",
                   "pageTimings": {"onContentLoad": 50, "onLoad": 60}}],
        "entries": entries,
    }}


def firefox():
    """Firefox's export: HTTP/1.1 and HTTP/2 in upper case, "log" with
    "browser", pretty-printed with four spaces."""
    def entry(url, version, status, text, headers):
        return {
            "pageref": "page_1",
            "startedDateTime": "2024-03-01T12:00:00.000+00:00",
            "request": {"bodySize": 0, "method": "GET", "url": url,
                        "httpVersion": version, "headers": [],
                        "cookies": [], "queryString": [], "headersSize": 300},
            "response": {"status": status, "statusText": text,
                         "httpVersion": version, "headers": headers,
                         "cookies": [],
                         "content": {"mimeType": "text/plain", "size": 0,
                                     "text": ""},
                         "redirectURL": "", "headersSize": 200,
                         "bodySize": 0},
            "cache": {}, "timings": {"blocked": 0, "dns": 0, "connect": 0,
                                     "ssl": 0, "send": 0, "wait": 5,
                                     "receive": 0},
            "time": 5, "_securityState": "insecure",
            "serverIPAddress": "192.0.2.2", "connection": "80",
        }
    date = {"name": "Date", "value": DATE}
    return {"log": {
        "version": "1.2",
        "creator": {"name": "Firefox", "version": "115.0"},
        "browser": {"name": "Firefox", "version": "115.0"},
        "pages": [],
        "entries": [
            # 0: 200 with Date: clean.
            entry("http://example.test/a", "HTTP/1.1", 200, "OK", [date]),
            # 1: HTTP/2: capture-not-http1.
            entry("https://example.test/b", "HTTP/2", 200, "", [date]),
            # 2: 101 without Upgrade.
            entry("http://example.test/ws", "HTTP/1.1", 101,
                  "Switching Protocols", [date]),
            # 3: two Content-Length values that differ.
            entry("http://example.test/c", "HTTP/1.1", 200, "OK",
                  [date, {"name": "Content-Length", "value": "5"},
                   {"name": "Content-Length", "value": "6"}]),
            # 4: field values checked as a stream's are, each finding at
            # its field (1 + i); Strict-Transport-Security valid, and over
            # https: no note about plain HTTP.
            entry("https://example.test/v", "HTTP/1.1", 200, "OK",
                  [date, {"name": "Cache-Control", "value": "max-age=soon"},
                   {"name": "ETag", "value": "abc"},
                   {"name": "Set-Cookie", "value": "a b=c"},
                   {"name": "Strict-Transport-Security",
                    "value": "max-age=60"},
                   {"name": "Date", "value": DATE}]),
            # 5: a 416 without Content-Range (RFC 9110 15.5.17).
            entry("http://example.test/r", "HTTP/1.1", 416,
                  "Range Not Satisfiable", [date]),
        ],
    }}


def big_strings():
    """Strings past the reader's cut (test_har.c reads it with max_string
    8 KiB, max_line_length 1 KiB): a response body, a data: URL, a header
    value past max_line_length, two-byte characters and escapes across the
    cut."""
    body = "x" * (20 * 1024)
    e = chrome_entry("GET", "data:text/plain;base64," + "QUFB" * 5000,
                     "http/1.1", 200, "OK", "http/1.1",
                     hdrs(("Date", DATE), ("X-Long", "v" * 2000)), body)
    e2 = chrome_entry("GET", "http://example.test/after", "http/1.1", 200,
                      "OK", "http/1.1", hdrs(("Date", DATE)),
                      "\u00e9" * (10 * 1024) + "\\\"\\u00e9" * 3000)
    return {"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
                    "entries": [e, e2]}}


def dump(obj, indent=2):
    return json.dumps(obj, indent=indent, ensure_ascii=False).encode("utf-8")


def fixtures():
    out = {}
    out["chrome.har"] = dump(chrome())
    out["firefox.har"] = dump(firefox(), indent=4)
    # The same HAR on one line, no whitespace at all.
    out["chrome-compact.har"] = json.dumps(
        chrome(), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    out["big-strings.har"] = dump(big_strings(), indent=None)

    good = dump(chrome())
    # Bad inputs.
    out["bad-syntax.har"] = good.replace(b'"Found",', b'"Found"', 1)
    out["bad-cut.har"] = good[:len(good) * 2 // 3]
    out["bad-trailing.har"] = good + b"\n{}\n"
    out["bad-not-har.json"] = b'{"name": "not a HAR", "entries": []}\n'
    out["bad-array.json"] = b'[{"log": {"entries": []}}]\n'
    out["bad-entries-object.har"] = b'{"log": {"version": "1.2", "entries": {}}}\n'
    out["bad-deep.har"] = (b'{"log": {"entries": [], "x": ' + b"[" * 100 +
                           b"]" * 100 + b"}}\n")
    out["bad-utf8.har"] = good.replace(b'"Found"', b'"F\xffund"', 1)
    out["bad-empty.har"] = b""
    return out


def main(argv):
    if len(argv) >= 2 and argv[0] == "--check":
        bad = 0
        want = fixtures()
        for name, data in sorted(want.items()):
            path = os.path.join(argv[1], name)
            try:
                have = open(path, "rb").read()
            except OSError as e:
                print("%s: %s" % (path, e))
                bad += 1
                continue
            if have != data:
                print("%s: differs from what make_fixtures.py writes "
                      "(run it and commit the result)" % path)
                bad += 1
        for name in sorted(set(os.listdir(argv[1])) - set(want)):
            print("%s: not written by make_fixtures.py" % name)
            bad += 1
        print("%d fixtures checked, %d problems" % (len(want), bad))
        return 1 if bad else 0
    outdir = argv[0] if argv else os.path.join(os.path.dirname(__file__),
                                               "fixtures")
    os.makedirs(outdir, exist_ok=True)
    for name, data in sorted(fixtures().items()):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
        print("%s: %d bytes" % (name, len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
