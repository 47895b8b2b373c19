# SPDX-License-Identifier: MIT
"""Writes a Common-Crawl-shaped web archive for bench/warc.sh.

    python3 bench/warc_gen.py OUT.warc.gz [RESPONSES]   (default 30000)

Request, response and metadata records, WARC/1.1, one gzip member per
record (compression level 6, as zlib's default), response payloads of
2-120 KiB of HTML-like text (a fixed seed: the same file on every run), a
third of them with Common Crawl's renamed framing fields. About 11 MB of
decompressed archive per 1000 responses.
"""
import random
import sys
import uuid
import zlib

WORDS = ("the of and to in is that for it as was with be by on not he this "
         "are or his from at which but have an they you were her she there "
         "been one all we their has would when if so what out up more can "
         "who about some them other into time only new two may first any "
         "like could these such after than now back most where over also "
         "through before people way down should because each just those "
         "year work well very make even good much how great must state "
         "world still own see men life being under never day same another "
         "know while last might us long here both little house").split()
TAGS = ("p", "li", "span", "div", "a", "td", "h2", "em")


def page(rng, size):
    out = ["<!doctype html><html><head><title>%s</title></head><body>"
           % " ".join(rng.choice(WORDS) for _ in range(5))]
    n = len(out[0])
    while n < size:
        t = rng.choice(TAGS)
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))
        s = "<%s class=\"c%d\">%s</%s>\n" % (t, rng.randint(0, 99), text, t)
        out.append(s)
        n += len(s)
    out.append("</body></html>\n")
    return "".join(out).encode()


def record(wtype, rid, fields, block, ctype):
    head = ["WARC/1.1", "WARC-Type: " + wtype,
            "WARC-Date: 2024-03-01T12:00:00Z", "WARC-Record-ID: " + rid]
    head += ["%s: %s" % f for f in fields]
    head += ["Content-Type: " + ctype, "Content-Length: %d" % len(block)]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 30000
    rng = random.Random(20240301)
    ns = uuid.UUID("0b5f2a47-1c8e-4d59-a1f2-6f6d3c2b9e10")
    with open(out, "wb") as f:
        info = record("warcinfo", "<urn:uuid:%s>" % uuid.uuid5(ns, "info"), [],
                      b"publisher: Common Crawl\r\nsoftware: bench\r\n",
                      "application/warc-fields")
        f.write(_gz(info))
        for i in range(n):
            host = "site%d.example.test" % rng.randint(1, 5000)
            uri = "https://%s/p/%d" % (host, i)
            qid = "<urn:uuid:%s>" % uuid.uuid5(ns, "q%d" % i)
            rid = "<urn:uuid:%s>" % uuid.uuid5(ns, "r%d" % i)
            req = ("GET /p/%d HTTP/1.1\r\nUser-Agent: CCBot/2.0\r\n"
                   "Accept: text/html\r\nAccept-Encoding: br,gzip\r\n"
                   "Host: %s\r\nConnection: Keep-Alive\r\n\r\n" % (i, host)
                   ).encode()
            body = page(rng, rng.randint(2048, 120 * 1024))
            status = rng.choice([200] * 17 + [404, 301, 304])
            head = ["HTTP/1.1 %d %s" % (status, {200: "OK", 404: "Not Found",
                                                 301: "Moved Permanently",
                                                 304: "Not Modified"}[status]),
                    "Date: Fri, 01 Mar 2024 12:00:00 GMT", "Server: nginx",
                    "Content-Type: text/html; charset=UTF-8"]
            if status == 301:
                head.append("Location: https://%s/" % host)
            if status == 304:
                body = b""
            if i % 3 == 0 and body:
                head += ["X-Crawler-Content-Encoding: gzip",
                         "X-Crawler-Content-Length: %d" % (len(body) // 4),
                         "Content-Length: %d" % len(body)]
            elif body:
                head.append("Content-Length: %d" % len(body))
            resp = ("\r\n".join(head) + "\r\n\r\n").encode() + body
            f.write(_gz(record("request", qid, [("WARC-Target-URI", uri)], req,
                               "application/http; msgtype=request")))
            f.write(_gz(record("response", rid,
                               [("WARC-Concurrent-To", qid),
                                ("WARC-Target-URI", uri)], resp,
                               "application/http; msgtype=response")))
            f.write(_gz(record("metadata", "<urn:uuid:%s>" % uuid.uuid5(ns, "m%d" % i),
                               [("WARC-Concurrent-To", rid),
                                ("WARC-Target-URI", uri)],
                               b"fetchTimeMs: 42\r\n", "application/warc-fields")))


def _gz(data):
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    return c.compress(data) + c.flush()


if __name__ == "__main__":
    main()
