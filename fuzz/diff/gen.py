#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Response variants for the differential test, from a small grammar.

A case is one connection's bytes: a first response built from the grammar,
followed by a sentinel response (404, Content-Length: 2) so that a reader
that frames the first body differently either reads the sentinel as a second
response, or does not, or reads garbage: that is what the test looks for.

    stream    = status-line header-section body sentinel
    status-line = version sp1 code sp2 reason eol
    header-section = *( field eol ) blank-eol
    body      = what the framing fields announce (see FRAMINGS)

Each axis has a default (HTTP/1.1, 200, SP, SP, OK, CRLF, Content-Length: 5)
and a list of mutations. First every single mutation is emitted alone
(systematic part), then random combinations of several axes, drawn from
random.Random(seed): the same seed gives the same cases, in the same order.

Usage: gen.py [--seed N] [--count N] [--out DIR] [--list]
  --out DIR writes NAME.http (or NAME.head for cases read as answers to HEAD)
  --list    prints the case names.
As a module: gen.cases(seed, count) -> [{"name", "data" (bytes), "method"}].
"""
import argparse
import os
import random
import sys

PAYLOAD = b"hello"
CHUNKED = b"5\r\nhello\r\n0\r\n\r\n"
SENTINEL = b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nNF"
SENTINEL_HEAD = b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n"  # answers HEAD: no body

VERSIONS = [
    ("HTTP/1.1", b"HTTP/1.1"),  # default
    ("HTTP/1.0", b"HTTP/1.0"),
    ("HTTP/2.0", b"HTTP/2.0"),
    ("HTTP/1.2", b"HTTP/1.2"),
    ("HTTP/0.9", b"HTTP/0.9"),
    ("http/1.1", b"http/1.1"),
    ("HTTP/01.1", b"HTTP/01.1"),
    ("HTTP/1.10", b"HTTP/1.10"),
    ("HTTP/1", b"HTTP/1"),
    ("HTTP/11", b"HTTP/11"),
    ("HTTPS/1.1", b"HTTPS/1.1"),
    ("HTTP-1.1", b"HTTP-1.1"),
    ("ICY", b"ICY"),
]
CODES = [
    ("200", b"200"),  # default
    ("20", b"20"),
    ("2000", b"2000"),
    ("0200", b"0200"),
    ("099", b"099"),
    ("000", b"000"),
    ("600", b"600"),
    ("999", b"999"),
    ("1000", b"1000"),
    ("+200", b"+200"),
    ("2OO", b"2OO"),
    ("200x", b"200x"),
    ("404", b"404"),
    ("204", b"204"),
    ("304", b"304"),
    ("205", b"205"),
    ("100", b"100"),
    ("103", b"103"),
    ("199", b"199"),
    ("101", b"101"),
]
SP1 = [("SP", b" "), ("2SP", b"  "), ("HTAB", b"\t"), ("none", b"")]
SP2 = [("SP", b" "), ("2SP", b"  "), ("HTAB", b"\t"), ("none", b"")]
REASONS = [
    ("OK", b"OK"),  # default
    ("empty", b""),
    ("Not-OK", b"Not OK"),
    ("ctl", b"O\x01K"),
    ("obs-text", b"\xc3\xa9t\xc3\xa9"),
    ("status-line-inside", b"OK HTTP/1.1 200 OK"),
]
EOLS = [("CRLF", b"\r\n"), ("LF", b"\n"), ("CR", b"\r")]

# Framings: (name, field lines, body). The body is what the fields announce
# when read per RFC 9112 6.3, or the likeliest reading when they are broken.
TE = b"Transfer-Encoding"
CL = b"Content-Length"


def _te(value, name=TE):
    return [name + b": " + value]


FRAMINGS = [
    ("cl", [CL + b": 5"], PAYLOAD),  # default
    ("none", [], CHUNKED),
    ("cl-close", [CL + b": 5", b"Connection: close"], PAYLOAD),
    ("cl-short", [CL + b": 3"], PAYLOAD),
    ("cl-long", [CL + b": 10"], PAYLOAD),
    ("cl-0", [CL + b": 0"], PAYLOAD),
    ("cl-list-same", [CL + b": 5, 5"], PAYLOAD),
    ("cl-list-nospace", [CL + b": 5,5"], PAYLOAD),
    ("cl-list-diff", [CL + b": 5, 7"], PAYLOAD),
    ("cl-dup-same", [CL + b": 5", CL + b": 5"], PAYLOAD),
    ("cl-dup-diff", [CL + b": 5", CL + b": 7"], PAYLOAD),
    ("cl-dup-diff-rev", [CL + b": 7", CL + b": 5"], PAYLOAD),
    ("cl-plus", [CL + b": +5"], PAYLOAD),
    ("cl-leading-zero", [CL + b": 05"], PAYLOAD),
    ("cl-hex", [CL + b": 0x5"], PAYLOAD),
    ("cl-junk", [CL + b": 5x"], PAYLOAD),
    ("cl-neg", [CL + b": -5"], PAYLOAD),
    ("cl-empty", [CL + b":"], PAYLOAD),
    ("cl-trailing-sp", [CL + b": 5 "], PAYLOAD),
    ("cl-trailing-tab", [CL + b": 5\t"], PAYLOAD),
    ("cl-no-ows", [CL + b":5"], PAYLOAD),
    ("cl-sp-before-colon", [CL + b" : 5"], PAYLOAD),
    ("cl-tab-before-colon", [CL + b"\t: 5"], PAYLOAD),
    ("cl-obs-fold", [CL + b":", b" 5"], PAYLOAD),
    ("cl-overflow", [CL + b": 18446744073709551621"], PAYLOAD),
    ("cl-lower", [b"content-length: 5"], PAYLOAD),
    ("cl-underscore", [b"Content_Length: 5"], PAYLOAD),
    ("te", _te(b"chunked"), CHUNKED),
    ("te-upper", _te(b"CHUNKED"), CHUNKED),
    ("te-lead-sp", _te(b" chunked"), CHUNKED),
    ("te-trail-sp", _te(b"chunked "), CHUNKED),
    ("te-trail-tab", _te(b"chunked\t"), CHUNKED),
    ("te-lead-tab", [TE + b":\tchunked"], CHUNKED),
    ("te-no-ows", [TE + b":chunked"], CHUNKED),
    ("te-trail-comma", _te(b"chunked,"), CHUNKED),
    ("te-lead-comma", _te(b", chunked"), CHUNKED),
    ("te-param", _te(b"chunked;x=1"), CHUNKED),
    ("te-gzip-chunked", _te(b"gzip, chunked"), CHUNKED),
    ("te-identity-chunked", _te(b"identity, chunked"), CHUNKED),
    ("te-chunked-gzip", _te(b"chunked, gzip"), CHUNKED),
    ("te-chunked-twice", _te(b"chunked, chunked"), CHUNKED),
    ("te-xchunked", _te(b"xchunked"), CHUNKED),
    ("te-chunked-x", _te(b"chunkedx"), CHUNKED),
    ("te-vt", _te(b"\x0bchunked"), CHUNKED),
    ("te-gzip-only", _te(b"gzip"), CHUNKED),
    ("te-empty", [TE + b":"], CHUNKED),
    ("te-two-lines", [TE + b": gzip", TE + b": chunked"], CHUNKED),
    ("te-two-lines-rev", [TE + b": chunked", TE + b": gzip"], CHUNKED),
    ("te-dup-chunked", [TE + b": chunked", TE + b": chunked"], CHUNKED),
    ("te-obs-fold", [TE + b": gzip,", b" chunked"], CHUNKED),
    ("te-obs-fold-whole", [TE + b":", b" chunked"], CHUNKED),
    ("te-sp-before-colon", [TE + b" : chunked"], CHUNKED),
    ("te-tab-before-colon", [TE + b"\t: chunked"], CHUNKED),
    ("te-underscore", [b"Transfer_Encoding: chunked"], CHUNKED),
    ("te-lower", [b"transfer-encoding: chunked"], CHUNKED),
    ("te-http10-style", _te(b"chunked") + [b"Connection: keep-alive"], CHUNKED),
    ("cl-te", [CL + b": 15"] + _te(b"chunked"), CHUNKED),
    ("te-cl", _te(b"chunked") + [CL + b": 15"], CHUNKED),
    ("cl5-te", [CL + b": 5"] + _te(b"chunked"), CHUNKED),
    ("cl0-te", [CL + b": 0"] + _te(b"chunked"), CHUNKED),
    ("cl-te-comma", [CL + b": 5"] + _te(b"chunked,"), CHUNKED),
    ("cl-te-tab", [CL + b": 5"] + _te(b"chunked\t"), CHUNKED),
    ("cl-te-gzip", [CL + b": 5"] + _te(b"gzip"), PAYLOAD),
    ("cl-te-sp-colon", [CL + b": 5", TE + b" : chunked"], PAYLOAD),
    ("cl-sp-colon-te", [CL + b" : 5"] + _te(b"chunked"), CHUNKED),
    ("cl-te-obs-fold", [CL + b": 5", TE + b":", b" chunked"], PAYLOAD),
    ("cl-te-underscore", [CL + b": 5", b"Transfer_Encoding: chunked"], PAYLOAD),
    ("te-chunk-ext", _te(b"chunked"), b"5;a=b\r\nhello\r\n0\r\n\r\n"),
    ("te-chunk-ext-two", _te(b"chunked"), b"5;a=b;c=d\r\nhello\r\n0\r\n\r\n"),
    ("te-chunk-size-lf", _te(b"chunked"), b"5\nhello\n0\n\n"),
    ("te-chunk-size-0x", _te(b"chunked"), b"0x5\r\nhello\r\n0\r\n\r\n"),
    ("te-chunk-size-sp", _te(b"chunked"), b"5 \r\nhello\r\n0\r\n\r\n"),
    ("te-chunk-size-big", _te(b"chunked"), b"10000000000000005\r\nhello\r\n0\r\n\r\n"),
    ("te-chunk-no-crlf", _te(b"chunked"), b"5\r\nhello0\r\n\r\n"),
    ("te-trailer", _te(b"chunked"), b"5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"),
    ("te-trailer-cl", _te(b"chunked"), b"5\r\nhello\r\n0\r\nContent-Length: 9\r\n\r\n"),
    ("te-no-last-chunk", _te(b"chunked"), b"5\r\nhello\r\n"),
    ("conn-close-none", [b"Connection: close"], CHUNKED),
    ("te-empty-cl", [TE + b":", CL + b": 5"], PAYLOAD),
    ("cl-te-empty", [CL + b": 5", TE + b":"], PAYLOAD),
    ("te-comma-cl", [TE + b": ,", CL + b": 5"], PAYLOAD),
]

# Where the fields go: the axis of field-line mutations around the framing.
LAYOUTS = [
    ("plain", []),  # default
    ("ws-before-first", [b" X-Pad: 1"]),
    ("x-obs-fold", [b"X-Pad: a", b"\tb"]),
    ("name-space", [b"X Pad: 1"]),
    ("no-colon", [b"X-Pad"]),
    ("empty-name", [b": 1"]),
    ("nul-value", [b"X-Pad: a\x00b"]),
    ("cr-value", [b"X-Pad: a\rb"]),
]


def _pick(rng, axis):
    return axis[rng.randrange(len(axis))]


def build(version=VERSIONS[0], code=CODES[0], sp1=SP1[0], sp2=SP2[0],
          reason=REASONS[0], eol_status=EOLS[0], eol_fields=EOLS[0],
          eol_blank=EOLS[0], framing=FRAMINGS[0], layout=LAYOUTS[0], sentinel=SENTINEL):
    """Bytes of one case and the names of its non-default choices."""
    head = version[1] + sp1[1] + code[1] + sp2[1] + reason[1] + eol_status[1]
    lines = list(layout[1]) + list(framing[1])
    # A leading-whitespace line only means "whitespace before the first
    # field" in first place; the framing fields come after it.
    for line in lines:
        head += line + eol_fields[1]
    head += eol_blank[1]
    return head + framing[2] + sentinel


AXES = [
    ("version", VERSIONS), ("code", CODES), ("sp1", SP1), ("sp2", SP2),
    ("reason", REASONS), ("eol_status", EOLS), ("eol_fields", EOLS),
    ("eol_blank", EOLS), ("framing", FRAMINGS), ("layout", LAYOUTS),
]


def _name(choice):
    parts = ["%s=%s" % (axis, value[0]) for axis, value in choice if value is not dict(AXES)[axis][0]]
    return ",".join(parts) if parts else "default"


def cases(seed=1, count=200):
    """The first `count` cases for this seed: systematic ones first."""
    rng = random.Random(seed)
    out = []
    seen = set()

    def add(choice, method="GET"):
        data = build(sentinel=SENTINEL_HEAD if method == "HEAD" else SENTINEL,
                     **{axis: value for axis, value in choice})
        key = (data, method)
        if key in seen:
            return
        seen.add(key)
        name = _name(choice)
        if method != "GET":
            name += ",method=" + method
        name = "".join(ch if ch.isalnum() or ch in "-.,=+" else "_" for ch in name)
        out.append({"name": "%04d-%s" % (len(out), name), "data": data, "method": method})

    add([])
    for axis, values in AXES:
        for value in values[1:]:
            add([(axis, value)])
    # Answers to HEAD: the fields announce a body that is not there.
    for framing in FRAMINGS[:1] + [f for f in FRAMINGS if f[0] in ("te", "none", "cl-te")]:
        add([("framing", (framing[0], framing[1], b""))], method="HEAD")
    while len(out) < count:
        k = rng.choice((2, 2, 3, 4))
        axes = rng.sample(AXES, k)
        add([(axis, _pick(rng, values)) for axis, values in axes])
        if len(out) > count * 4:  # cannot happen with these grammars; a guard
            break
    return out[:count]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--out")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    cs = cases(args.seed, args.count)
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        for c in cs:
            ext = ".head" if c["method"] == "HEAD" else ".http"
            with open(os.path.join(args.out, c["name"] + ext), "wb") as f:
                f.write(c["data"])
    if args.list or not args.out:
        for c in cs:
            sys.stdout.write(c["name"] + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
