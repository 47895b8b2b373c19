# SPDX-License-Identifier: MIT
"""Where a plain (uncompressed) WARC file can be cut into record ranges
that, each read by its own reader (respcheck_warc_options.first_record and
first_offset), give exactly the records one reader gives for the whole
file.

One pass reads the WARC header sections only (each block is skipped by its
Content-Length) and follows what warc/lint.c decides as it reads: which
request record each response is paired with (WARC-Concurrent-To, either
way, among the last 64 request records), and the pairing order it has
learnt (request first, response first, unknown, none). A reader started
inside the file knows neither, so a cut is made only where that makes no
difference:

- no pairing spans the cut, and no response is held across it;
- the reader over the whole file has learnt an order at that point, and the
  record after the cut starts a pair in that order (a request whose response
  follows, or a response whose request follows): a fresh reader learns the
  same order from it at once, and both orders, once learnt, stay until the
  other order is met (which a fresh reader then meets too);
- the file has at most one warcinfo record, before the first cut: a range
  after it is read with crawler_rewrite "always" when it names Common Crawl
  as publisher, as the whole-file reader then takes every record.

Anything this pass does not follow exactly (gzip, a header section it
cannot read, a record that does not end with CR LF CR LF, a second
warcinfo, a block larger than max_held_bytes held for pairing) leaves the
file whole: one task, exact by construction. The pass costs a read of the
headers, not of the blocks.
"""

import os
import re

# warc/respcheck_warc.h's defaults and warc/warc_internal.h.
MAX_HEADER_BYTES = 64 * 1024
MAX_HELD_BYTES = 1 << 20
MAX_REQUESTS = 64
HOLD_MISSES = 8

UNKNOWN, REQUEST_FIRST, RESPONSE_FIRST, NONE = range(4)
# RFC 9110 5.6.2 tchar
_TCHAR = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def _is_http(content_type, want):
    """application/http with msgtype want or none (warc/lint.c is_http)."""
    ct = content_type.lower()
    mt = b"application/http"
    if not ct.startswith(mt):
        return False
    if len(ct) > len(mt) and ct[len(mt):len(mt) + 1] not in (b";", b" ", b"\t"):
        return False
    for i in range(len(mt), len(ct) - 7):
        if ct.startswith(b"msgtype", i):
            v = i + 7
            while v < len(ct) and ct[v:v + 1] in (b" ", b"\t"):
                v += 1
            if v >= len(ct) or ct[v:v + 1] != b"=":
                continue
            v += 1
            while v < len(ct) and ct[v:v + 1] in (b" ", b"\t"):
                v += 1
            if ct[v:v + 1] == b'"':
                v += 1
            w = want.encode()
            return ct.startswith(w, v) and (
                v + len(w) == len(ct) or not _TCHAR.fullmatch(ct[v + len(w):v + len(w) + 1]))
    return True


def _request_line_ok(block_start):
    """warc/lint.c parse_request: method SP target SP HTTP/d.d."""
    line = block_start.split(b"\n", 1)[0]
    if line.endswith(b"\r"):
        line = line[:-1]
    m = _TCHAR.match(line)
    if m is None or m.end() >= len(line) or line[m.end():m.end() + 1] != b" ":
        return False
    sp = line.find(b" ", m.end() + 1)
    if sp < 0:
        return False
    v = line[sp + 1:]
    return len(v) == 8 and v[:5] == b"HTTP/" and v[5:6].isdigit() and \
        v[6:7] == b"." and v[7:8].isdigit()


def _common_crawl(block):
    """warc/lint.c warcinfo_done: a publisher: line naming Common Crawl."""
    for line in block.split(b"\n"):
        if line[:10].lower() == b"publisher:" and \
                b"common crawl" in line[10:].lower():
            return True
    return False


class _Record:
    __slots__ = ("offset", "kind", "id", "concurrent", "length", "ok_request")


def read_headers(path, max_records=None):
    """The records of a plain WARC file, or None when this pass cannot read
    it as the reader would."""
    records = []
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        offset = 0
        while offset < size:
            f.seek(offset)
            head = f.read(MAX_HEADER_BYTES + 4)
            end = head.find(b"\r\n\r\n")
            if not head.startswith(b"WARC/") or end < 0:
                return None
            fields = {}
            concurrent = []
            for line in head[:end].split(b"\r\n")[1:]:
                name, sep, value = line.partition(b":")
                if not sep or line[:1] in (b" ", b"\t"):
                    return None  # folded or odd: not followed here
                name = name.strip().lower()
                value = value.strip()
                if name == b"warc-concurrent-to":
                    concurrent.append(value)
                else:
                    fields[name] = value
            try:
                length = int(fields[b"content-length"])
            except (KeyError, ValueError):
                return None
            r = _Record()
            r.offset = offset
            r.id = fields.get(b"warc-record-id", b"")
            r.concurrent = concurrent
            r.length = length
            wtype = fields.get(b"warc-type", b"").lower()
            ct = fields.get(b"content-type", b"")
            if wtype == b"response":
                r.kind = "response" if _is_http(ct, "response") else "other"
            elif wtype == b"request":
                r.kind = "request" if _is_http(ct, "request") else "other"
            elif wtype in (b"revisit", b"warcinfo"):
                r.kind = wtype.decode()
            else:
                r.kind = "other"
            block_at = offset + end + 4
            r.ok_request = False
            if r.kind == "request":
                f.seek(block_at)
                r.ok_request = _request_line_ok(f.read(min(length, 16384)))
            elif r.kind == "warcinfo":
                f.seek(block_at)
                r.ok_request = _common_crawl(f.read(min(length, 1 << 20)))
            f.seek(block_at + length)
            if f.read(4) != b"\r\n\r\n":
                return None
            records.append(r)
            offset = block_at + length + 4
            if max_records is not None and len(records) > max_records:
                return None
    return records


def _tied(a, b):
    return (b.id and b.id in a.concurrent) or (a.id and a.id in b.concurrent)


def cut_points(records):
    """Indexes i where a range may start (0 excluded), following the
    whole-file reader's pairing."""
    n = len(records)
    order, misses = UNKNOWN, 0
    ring = [None] * MAX_REQUESTS  # (record index, used)
    ring_next = 0
    held = None                   # index of the held response
    # state_before[i]: (order, held) before record i; pairs: (earlier, later)
    state = []
    pairs = []

    def release(paired_with=None):
        nonlocal held, order, misses
        if paired_with is not None:
            pairs.append((held, paired_with))
            order, misses = RESPONSE_FIRST, 0
        elif order == UNKNOWN:
            misses += 1
            if misses >= HOLD_MISSES:
                order = NONE
        held = None

    for i, r in enumerate(records):
        if held is not None and r.kind != "request":
            release()
        state.append((order, held))
        if r.kind == "request":
            if held is not None:
                if r.ok_request and _tied(r, records[held]):
                    release(paired_with=i)
                    continue
                release()
            if r.ok_request:
                ring[ring_next] = [i, True]
                ring_next = (ring_next + 1) % MAX_REQUESTS
        elif r.kind == "response":
            paired = False
            for slot in ring:
                if slot is not None and slot[1] and \
                        _tied(records[slot[0]], r):
                    pairs.append((slot[0], i))
                    slot[1] = False
                    order = REQUEST_FIRST
                    paired = True
                    break
            if not paired and order in (UNKNOWN, RESPONSE_FIRST):
                if r.length > MAX_HELD_BYTES:
                    continue  # linted at once, as hold() does past the limit
                held = i
    spans = [0] * (n + 1)
    for a, b in pairs:  # a cut before c with a < c <= b splits a pair
        spans[a + 1] += 1
        spans[b + 1] -= 1
    starts = {a for a, _ in pairs}
    cuts, crossing = [], 0
    for i in range(n):
        crossing += spans[i]
        if i == 0 or crossing or state[i][1] is not None or i not in starts:
            continue
        o = state[i][0]
        if (o == REQUEST_FIRST and records[i].kind == "request") or \
                (o == RESPONSE_FIRST and records[i].kind == "response"):
            cuts.append(i)
    return cuts


def plan_ranges(path, size, target_bytes):
    """[(start, stop, first_record, crawler_rewrite)] for a plain WARC file:
    ranges of about target_bytes starting at safe cuts; one range (the
    whole file, None for stop) when it cannot or need not be cut."""
    whole = [(0, None, 0, None)]
    if size <= target_bytes:
        return whole
    with open(path, "rb") as f:
        if f.read(2) == b"\x1f\x8b":
            return whole  # gzip: members cannot be found without inflating
    records = read_headers(path)
    if not records:
        return whole
    warcinfos = [i for i, r in enumerate(records) if r.kind == "warcinfo"]
    if len(warcinfos) > 1:
        return whole
    common_crawl = bool(warcinfos) and records[warcinfos[0]].ok_request
    ranges, start = [], 0
    for i in cut_points(records):
        if warcinfos and i <= warcinfos[0]:
            continue
        if records[i].offset - records[start].offset >= target_bytes:
            ranges.append(start)
            start = i
    ranges.append(start)
    out = []
    for k, first in enumerate(ranges):
        stop = records[ranges[k + 1]].offset if k + 1 < len(ranges) else None
        rewrite = "always" if (common_crawl and first > 0) else None
        out.append((records[first].offset, stop, first, rewrite))
    return out
