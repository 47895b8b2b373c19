# SPDX-License-Identifier: MIT
"""Writes the WARC test fixtures of warc/tests/fixtures/, byte for byte.

    python3 warc/tests/make_fixtures.py [OUTDIR]        (default: fixtures/)
    python3 warc/tests/make_fixtures.py --check DIR     (CTest: DIR matches)

Each fixture is built here from readable parts, so that a reviewer sees what
every byte is for; test_warc.c says what the reader must report for each.
Record ids are UUIDs derived from names, dates are fixed, gzip members have
no timestamp: the output is the same on every run. --check compares gzip
files by their members' decompressed bytes (zlib versions may compress
differently) and every other file byte for byte.
"""
import gzip
import os
import sys
import tempfile
import uuid
import zlib

NS = uuid.UUID("6f1c3ad2-5e0b-4c55-9d7e-1b1f0e2a8c01")
DATE = "2024-03-01T12:00:00Z"
HTTP_DATE = "Fri, 01 Mar 2024 12:00:00 GMT"


def rid(name):
    return "<urn:uuid:%s>" % uuid.uuid5(NS, name)


def record(wtype, block, fields=(), version="1.0", name=None, content_type=None):
    """One WARC record: version line, named fields, block, CRLF CRLF."""
    lines = ["WARC/" + version, "WARC-Type: " + wtype, "WARC-Date: " + DATE]
    if name is not None:
        lines.append("WARC-Record-ID: " + rid(name))
    lines += ["%s: %s" % kv for kv in fields]
    if content_type:
        lines.append("Content-Type: " + content_type)
    lines.append("Content-Length: %d" % len(block))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + block + b"\r\n\r\n"


def http(*lines, body=b""):
    """An HTTP head from its lines (CRLF added), then the body."""
    return ("".join(l + "\r\n" for l in lines) + "\r\n").encode("latin-1") + body


def warcinfo(name, *fields, version="1.0"):
    block = "".join("%s: %s\r\n" % f for f in fields).encode("latin-1")
    return record("warcinfo", block, version=version, name=name,
                  content_type="application/warc-fields")


def request(name, line, uri, concurrent=None, host="example.test"):
    f = [("WARC-Target-URI", uri)]
    if concurrent:
        f.append(("WARC-Concurrent-To", rid(concurrent)))
    return record("request", http(line, "Host: " + host, "Accept: */*"),
                  f, name=name, content_type="application/http;msgtype=request")


def response(name, block, uri, concurrent=None, extra=(),
             content_type="application/http;msgtype=response", version="1.0"):
    f = [("WARC-Target-URI", uri)]
    if concurrent:
        f.append(("WARC-Concurrent-To", rid(concurrent)))
    f += list(extra)
    return record("response", block, f, version=version, name=name,
                  content_type=content_type)


def gz_members(records):
    """One gzip member per record (ISO 28500 Annex D)."""
    return b"".join(gzip.compress(r, compresslevel=6, mtime=0) for r in records)


def gz_whole(records):
    return gzip.compress(b"".join(records), compresslevel=6, mtime=0)


# --------------------------------------------------------------------------
# wget-like: request records first, each response tied to its request.

def wget_like():
    u = "http://example.test"
    return [
        warcinfo("w-info", ("software", "Wget/1.21.3 (linux-gnu)"),
                 ("format", "WARC File Format 1.0")),
        # 1-2: a plain GET.
        request("w-req-a", "GET /a HTTP/1.1", "<%s/a>" % u),
        response("w-resp-a", http("HTTP/1.1 200 OK", "Date: " + HTTP_DATE,
                                  "Content-Length: 5", body=b"hello"),
                 "<%s/a>" % u, concurrent="w-req-a"),
        # 3-4: HEAD: Content-Length 1000 and no content is right.
        request("w-req-b", "HEAD /b HTTP/1.1", "<%s/b>" % u),
        response("w-resp-b", http("HTTP/1.1 200 OK", "Date: " + HTTP_DATE,
                                  "Content-Length: 1000"),
                 "<%s/b>" % u, concurrent="w-req-b"),
        # 5-6: an HTTP/1.0 request answered with a 1xx first.
        request("w-req-c", "GET /c HTTP/1.0", "<%s/c>" % u),
        response("w-resp-c",
                 http("HTTP/1.1 100 Continue") +
                 http("HTTP/1.1 200 OK", "Date: " + HTTP_DATE,
                      "Content-Length: 2", body=b"ok"),
                 "<%s/c>" % u, concurrent="w-req-c"),
        # 7-8: skipped without a word.
        record("metadata", b"outlinks: none\r\n",
               [("WARC-Concurrent-To", rid("w-resp-c"))], name="w-meta",
               content_type="application/warc-fields"),
        record("resource", b"2024-03-01 log line\n",
               [("WARC-Target-URI", "metadata://wget.log")], name="w-res",
               content_type="text/plain"),
        # 9: no request record: the defaults (GET, HTTP/1.1).
        response("w-resp-d", http("HTTP/1.1 405 Method Not Allowed",
                                  "Date: " + HTTP_DATE, "Content-Length: 0"),
                 "<%s/d>" % u),
        # 10: application/http without msgtype is HTTP too.
        response("w-resp-e", http("HTTP/1.1 301 Moved Permanently",
                                  "Date: " + HTTP_DATE, "Content-Length: 0"),
                 "<%s/e>" % u, content_type="application/http"),
        # 11: a response record that is not HTTP: skipped.
        response("w-dns", b"20240301120000\nexample.test. 300 IN A 192.0.2.1\n",
                 "dns:example.test", content_type="text/dns"),
    ]


# --------------------------------------------------------------------------
# Heritrix-like: each response comes first, its request right after.

def heritrix():
    u = "http://example.test"
    return [
        warcinfo("h-info", ("software", "Heritrix/3.4.0 http://crawler.archive.org"),
                 ("format", "WARC File Format 1.0")),
        # 1-3: a 200 to HEAD (no content), its request after it.
        response("h-resp-a", http("HTTP/1.1 200 OK", "Date: " + HTTP_DATE,
                                  "Content-Length: 1000"), u + "/a"),
        request("h-req-a", "HEAD /a HTTP/1.1", u + "/a", concurrent="h-resp-a"),
        record("metadata", b"via: \r\n",
               [("WARC-Concurrent-To", rid("h-resp-a"))], name="h-meta-a",
               content_type="application/warc-fields"),
        # 4-5: chunked to an HTTP/1.0 request: transfer-encoding-http10.
        response("h-resp-b", http("HTTP/1.1 200 OK", "Date: " + HTTP_DATE,
                                  "Transfer-Encoding: chunked",
                                  body=b"5\r\nhello\r\n0\r\n\r\n"), u + "/b"),
        request("h-req-b", "GET /b HTTP/1.0", u + "/b", concurrent="h-resp-b"),
        # 6: a response no request follows: the defaults.
        response("h-resp-c", http("HTTP/1.1 204 No Content",
                                  "Date: " + HTTP_DATE, "Content-Length: 0"),
                 u + "/c"),
    ]


def revisit():
    u = "http://example.test/r"
    return [
        warcinfo("v-info", ("software", "test")),
        request("v-req", "GET /r HTTP/1.1", u),
        record("revisit",
               http("HTTP/1.1 200 OK", "Date: " + HTTP_DATE,
                    "Content-Length: 5000"),
               [("WARC-Target-URI", u), ("WARC-Concurrent-To", rid("v-req")),
                ("WARC-Profile", "http://netpreserve.org/warc/1.0/revisit/"
                                 "identical-payload-digest"),
                ("WARC-Refers-To", rid("v-earlier"))],
               name="v-revisit", content_type="application/http;msgtype=response"),
        response("v-resp", http("HTTP/1.1 200 OK", "Date: " + HTTP_DATE,
                                "Content-Length: 2", body=b"ok"), u),
    ]


def truncated():
    u = "http://example.test/t"
    return [
        # 0: the crawler stopped at its length limit: 10 of 100 bytes.
        response("t-resp-a", http("HTTP/1.1 200 OK", "Date: " + HTTP_DATE,
                                  "Content-Length: 100", body=b"0123456789"),
                 u, extra=[("WARC-Truncated", "length")]),
        # 1: chunked, cut inside a chunk after a timeout.
        response("t-resp-b", http("HTTP/1.1 200 OK", "Date: " + HTTP_DATE,
                                  "Transfer-Encoding: chunked",
                                  body=b"20\r\n0123456789"),
                 u, extra=[("WARC-Truncated", "time")]),
        # 2: the same bytes without WARC-Truncated: the server's doing.
        response("t-resp-c", http("HTTP/1.1 200 OK", "Date: " + HTTP_DATE,
                                  "Content-Length: 100", body=b"0123456789"), u),
    ]


# --------------------------------------------------------------------------
# Common Crawl: WARC/1.1, request/response/metadata triples, payloads stored
# decoded, the server's framing fields renamed X-Crawler-*, Content-Length
# set to the stored length (appended when the server sent none).

def cc_triple(n, status_line, fields, body, crawler=()):
    u = "https://site%d.example.test/page" % n
    head = [status_line] + list(fields) + list(crawler)
    req = record("request",
                 http("GET /page HTTP/1.1", "User-Agent: CCBot/2.0 "
                      "(https://commoncrawl.org/faq/)",
                      "Accept: text/html", "Accept-Encoding: br,gzip",
                      "Host: site%d.example.test" % n,
                      "Connection: Keep-Alive"),
                 [("WARC-Warcinfo-ID", rid("cc-info")),
                  ("WARC-IP-Address", "192.0.2.%d" % n),
                  ("WARC-Target-URI", u), ("WARC-Protocol", "http/1.1"),
                  ("WARC-Protocol", "tls/1.3")],
                 version="1.1", name="cc-req-%d" % n,
                 content_type="application/http; msgtype=request")
    resp = record("response", http(*head, body=body),
                  [("WARC-Warcinfo-ID", rid("cc-info")),
                   ("WARC-Concurrent-To", rid("cc-req-%d" % n)),
                   ("WARC-IP-Address", "192.0.2.%d" % n),
                   ("WARC-Target-URI", u), ("WARC-Protocol", "http/1.1"),
                   ("WARC-Payload-Digest", "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                   ("WARC-Block-Digest", "sha1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"),
                   ("WARC-Identified-Payload-Type", "text/html")],
                  version="1.1", name="cc-resp-%d" % n,
                  content_type="application/http; msgtype=response")
    meta = record("metadata", b"fetchTimeMs: 117\r\ncharset-detected: UTF-8\r\n",
                  [("WARC-Warcinfo-ID", rid("cc-info")),
                   ("WARC-Concurrent-To", rid("cc-resp-%d" % n)),
                   ("WARC-Target-URI", u)],
                  version="1.1", name="cc-meta-%d" % n,
                  content_type="application/warc-fields")
    return [req, resp, meta]


def commoncrawl():
    html = b"<!doctype html><title>t</title><p>" + b"x" * 200 + b"</p>\n"
    date = "Date: " + HTTP_DATE
    recs = [warcinfo("cc-info",
                     ("isPartOf", "CC-MAIN-2024-10"),
                     ("publisher", "Common Crawl"),
                     ("description", "Wide crawl of the web for February/March 2024"),
                     ("operator", "Common Crawl Admin (info@commoncrawl.org)"),
                     ("hostname", "ip-10-67-67-1.ec2.internal"),
                     ("software", "Apache Nutch 1.19 (modified, "
                                  "https://github.com/commoncrawl/nutch/)"),
                     ("robots", "checked via crawler-commons 1.5-SNAPSHOT "
                                "(https://github.com/crawler-commons/crawler-commons)"),
                     ("format", "WARC File Format 1.1"),
                     ("conformsTo", "https://iipc.github.io/warc-specifications/"
                                    "specifications/warc-format/warc-1.1/"),
                     version="1.1")]
    # records 1-3: gzip content decoded: the server's Content-Length and
    # Content-Encoding renamed, the stored length given after them.
    recs += cc_triple(1, "HTTP/1.1 200 OK",
                      [date, "Server: nginx", "Content-Type: text/html",
                       "X-Crawler-Content-Encoding: gzip",
                       "X-Crawler-Content-Length: 123",
                       "Content-Length: %d" % len(html)], html)
    # 4-6: chunked, de-chunked: X-Crawler-Transfer-Encoding, and the
    # stored length appended at the end.
    recs += cc_triple(2, "HTTP/1.1 200 OK",
                      [date, "Content-Type: text/html",
                       "X-Crawler-Transfer-Encoding: chunked"], html,
                      crawler=["Content-Length: %d" % len(html)])
    # 7-9: chunked in an HTTP/1.0 response: transfer-encoding-http10 at
    # the renamed field.
    recs += cc_triple(3, "HTTP/1.0 200 OK",
                      [date, "Content-Type: text/html",
                       "X-Crawler-Transfer-Encoding: chunked"], html,
                      crawler=["Content-Length: %d" % len(html)])
    # 10-12: a 204 without framing fields: the crawler appended
    # "Content-Length: 0", which is not the server's.
    recs += cc_triple(4, "HTTP/1.1 204 No Content", [date], b"",
                      crawler=["Content-Length: 0"])
    # 13-15: the server sent both Content-Length and chunked.
    recs += cc_triple(5, "HTTP/1.1 200 OK",
                      [date, "X-Crawler-Content-Length: 500",
                       "X-Crawler-Transfer-Encoding: chunked"], html,
                      crawler=["Content-Length: %d" % len(html)])
    # 16-18: a Content-Length that is not a number.
    recs += cc_triple(6, "HTTP/1.1 200 OK",
                      [date, "X-Crawler-Content-Length: 12abc",
                       "Content-Length: %d" % len(html)], html)
    # 19-21: a plain response, kept as the server sent it.
    recs += cc_triple(7, "HTTP/1.1 404 Not Found",
                      [date, "Content-Length: %d" % len(html)], html)
    return recs


def crawler_fields():
    """X-Crawler-* fields without a Common Crawl warcinfo: the record with
    them is rewritten, the one without is the server's as it stands."""
    u = "http://example.test/x"
    return [
        response("x-resp-a", http("HTTP/1.0 200 OK", "Date: " + HTTP_DATE,
                                  "X-Crawler-Transfer-Encoding: chunked",
                                  "Content-Length: 3", body=b"abc"), u),
        response("x-resp-b", http("HTTP/1.1 204 No Content",
                                  "Date: " + HTTP_DATE, "Content-Length: 0"), u),
    ]


def fixtures():
    out = {}
    w = wget_like()
    out["wget-like.warc"] = b"".join(w)
    out["wget-like.warc.gz"] = gz_members(w)
    out["wget-like-whole.warc.gz"] = gz_whole(w)
    out["heritrix.warc"] = b"".join(heritrix())
    out["heritrix.warc.gz"] = gz_members(heritrix())
    out["revisit.warc"] = b"".join(revisit())
    out["truncated.warc"] = b"".join(truncated())
    out["commoncrawl.warc.gz"] = gz_members(commoncrawl())
    out["crawler-fields.warc"] = b"".join(crawler_fields())

    # Bad inputs. The member of record 4 (the response to HEAD) is
    # corrupted in the middle of its deflate data.
    members = [gzip.compress(r, compresslevel=6, mtime=0) for r in w]
    m4 = members[4]
    # Its first deflate byte (after the 10-byte gzip header, RFC 1952
    # 2.3) made a block of the reserved type 3 (RFC 1951 3.2.3).
    members[4] = m4[:10] + b"\x07" + m4[11:]
    out["bad-corrupt-member.warc.gz"] = b"".join(members)
    # The file is cut inside its last member.
    whole = gz_members(w)
    out["bad-cut-member.warc.gz"] = whole[:len(whole) - 20]
    # Junk after the last member.
    out["bad-trailing.warc.gz"] = whole + b"this is not gzip\n"
    # The last response's Content-Length runs past the end of the file.
    plain = b"".join(w[:3])
    tail = request("w-req-cut", "GET /cut HTTP/1.1", "<http://example.test/cut>")
    tail += response("w-resp-cut", http("HTTP/1.1 200 OK", "Date: " + HTTP_DATE,
                                        "Content-Length: 50", body=b"x" * 50),
                     "<http://example.test/cut>", concurrent="w-req-cut")
    block = tail.index(b"\r\n\r\nHTTP/1.1 200") + 4
    cut = tail.index(b"\r\n\r\n", block) + 4 + 20  # 20 of 50 content bytes
    out["bad-past-eof.warc"] = plain + tail[:cut]
    # After two records, bytes that are no WARC record.
    out["bad-no-version.warc"] = plain + http("HTTP/1.1 200 OK",
                                              "Content-Length: 0")
    out["bad-not-warc.warc"] = b"<!doctype html>\n<p>not an archive</p>\n"
    out["bad-version.warc"] = plain.replace(b"WARC/1.0", b"WARC/0.17", 1)
    out["bad-empty.warc"] = b""
    return out


def members(data):
    """The decompressed bytes of each gzip member, then whatever could not
    be read (as raw bytes), for --check."""
    parts = []
    while data:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            parts.append(d.decompress(data))
        except zlib.error:
            parts.append(b"(not gzip)" + data)
            break
        if not d.eof:
            parts.append(b"(cut)")
            break
        data = d.unused_data
    return parts


def same(name, a, b):
    if name.endswith(".gz"):
        return members(a) == members(b)
    return a == b


def main(argv):
    if len(argv) >= 2 and argv[0] == "--check":
        bad = 0
        for name, data in sorted(fixtures().items()):
            path = os.path.join(argv[1], name)
            try:
                have = open(path, "rb").read()
            except OSError as e:
                print("%s: %s" % (path, e))
                bad += 1
                continue
            if not same(name, have, data):
                print("%s: differs from what make_fixtures.py writes "
                      "(run it and commit the result)" % path)
                bad += 1
        extra = set(os.listdir(argv[1])) - set(fixtures())
        for name in sorted(extra):
            print("%s: not written by make_fixtures.py" % name)
            bad += 1
        print("%d fixtures checked, %d problems" % (len(fixtures()), bad))
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
