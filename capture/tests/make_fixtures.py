#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the capture fixtures in capture/tests/fixtures/, one file per case
that capture/tests/test_capture.c checks. Deterministic: the same bytes on
every run (fixed addresses, sequence numbers, IP ids and timestamps).

    /usr/bin/python3 capture/tests/make_fixtures.py [OUTDIR]
    /usr/bin/python3 capture/tests/make_fixtures.py --fuzz-seeds DIR

The second form writes seeds for fuzz/fuzz_capture.c: every fixture of at
most 16 KiB as it is, and some as the harness's packet form (a link type
byte, then each packet as a 2-byte length and its bytes).

Needs scapy (Debian: python3-scapy), which builds the IP and TCP headers
with their checksums; the pcap and pcapng files are written here, so every
link type and block is exactly what the test says it is.
"""
import os
import struct
import sys

from scapy.all import IP, IPv6, TCP, Raw, fragment  # noqa: E402
from scapy.layers.inet6 import IPv6ExtHdrFragment  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276

DATE = b"Date: Tue, 25 Nov 2025 10:00:00 GMT\r\n"


# --------------------------------------------------------------------------
# TCP conversations as IP packets.

class Conn:
    """One TCP connection: builds its IP packets (bytes) in order."""

    def __init__(self, client=("10.0.0.1", 41234), server=("10.0.0.2", 80),
                 cisn=1000, sisn=5000, v6=False, mss=1460):
        self.c, self.s = client, server
        self.cseq = cisn
        self.sseq = sisn
        self.v6 = v6
        self.mss = mss
        self.ipid = 1

    def _pkt(self, from_client, flags, seq, ack, data=b""):
        src, dst = (self.c, self.s) if from_client else (self.s, self.c)
        if self.v6:
            ip = IPv6(src=src[0], dst=dst[0], hlim=64)
        else:
            ip = IP(src=src[0], dst=dst[0], id=self.ipid, ttl=64)
            self.ipid += 1
        tcp = TCP(sport=src[1], dport=dst[1], seq=seq & 0xFFFFFFFF,
                  ack=ack & 0xFFFFFFFF, flags=flags, window=65535)
        p = ip / tcp
        if data:
            p = p / Raw(data)
        return bytes(p)

    def handshake(self):
        out = [self._pkt(True, "S", self.cseq, 0)]
        self.cseq += 1
        out.append(self._pkt(False, "SA", self.sseq, self.cseq))
        self.sseq += 1
        out.append(self._pkt(True, "A", self.cseq, self.sseq))
        return out

    def segments(self, from_client, data, mss=None):
        """Data segments (not yet sent: the sequence moves on)."""
        mss = mss or self.mss
        out = []
        for i in range(0, len(data), mss):
            chunk = data[i:i + mss]
            if from_client:
                out.append(self._pkt(True, "PA", self.cseq, self.sseq, chunk))
                self.cseq += len(chunk)
            else:
                out.append(self._pkt(False, "PA", self.sseq, self.cseq, chunk))
                self.sseq += len(chunk)
        return out

    def client(self, data, mss=None):
        return self.segments(True, data, mss)

    def server(self, data, mss=None):
        return self.segments(False, data, mss)

    def ack_from_client(self):
        return self._pkt(True, "A", self.cseq, self.sseq)

    def ack_from_server(self):
        return self._pkt(False, "A", self.sseq, self.cseq)

    def close(self):
        """Server closes first, then the client."""
        out = [self._pkt(False, "FA", self.sseq, self.cseq)]
        self.sseq += 1
        out.append(self._pkt(True, "FA", self.cseq, self.sseq))
        self.cseq += 1
        out.append(self._pkt(False, "A", self.sseq, self.cseq))
        return out

    def rst_from_client(self):
        return self._pkt(True, "R", self.cseq, 0)


def resp(status, body=b"", extra=b"", version=b"HTTP/1.1", length=True):
    head = version + b" " + status + b"\r\n" + DATE + extra
    if length:
        head += b"Content-Length: %d\r\n" % len(body)
    return head + b"\r\n" + body


def req(method, target, version=b"HTTP/1.1", extra=b""):
    return (method + b" " + target + b" " + version + b"\r\nHost: example\r\n" +
            extra + b"\r\n")


def exchange(conn, request, response, close=True, smss=None):
    out = conn.handshake()
    out += conn.client(request)
    out += conn.server(response, smss)
    out.append(conn.ack_from_client())
    if close:
        out += conn.close()
    return out


# --------------------------------------------------------------------------
# Link layers and files.

MAC_C = bytes.fromhex("020000000001")
MAC_S = bytes.fromhex("020000000002")


def ether(ip, tags=()):
    """Ethernet II with optional VLAN tags: (tpid, vid) from outer in."""
    ethertype = 0x86DD if ip[0] >> 4 == 6 else 0x0800
    hdr = MAC_S + MAC_C
    for tpid, vid in tags:
        hdr += struct.pack(">HH", tpid, vid)
    return hdr + struct.pack(">H", ethertype) + ip


def sll(ip):
    proto = 0x86DD if ip[0] >> 4 == 6 else 0x0800
    # packet type 0 (to us), ARPHRD_ETHER, 6-byte address padded to 8
    return struct.pack(">HHH", 0, 1, 6) + MAC_C + b"\0\0" + \
        struct.pack(">H", proto) + ip


def sll2(ip):
    proto = 0x86DD if ip[0] >> 4 == 6 else 0x0800
    # protocol, reserved, ifindex, ARPHRD_ETHER, packet type, address length
    return struct.pack(">HHIHBB", proto, 0, 2, 1, 0, 6) + MAC_C + b"\0\0" + ip


def null_le(ip):
    fam = 30 if ip[0] >> 4 == 6 else 2  # macOS's AF_INET6 for IPv6
    return struct.pack("<I", fam) + ip


def loop_be(ip):
    fam = 24 if ip[0] >> 4 == 6 else 2  # OpenBSD's AF_INET6
    return struct.pack(">I", fam) + ip


def write_pcap(name, frames, linktype, snaplen=262144):
    """frames: link-layer bytes, or (bytes, wire_len) for cut ones."""
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen,
                            linktype))
        for i, fr in enumerate(frames):
            data, wire = (fr if isinstance(fr, tuple) else (fr, len(fr)))
            data = data[:snaplen]
            ts = 1764064800 + i // 1000
            f.write(struct.pack("<IIII", ts, (i % 1000) * 1000, len(data),
                                wire))
            f.write(data)
    return path


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def block(btype, body):
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def write_pcapng(name, interfaces, packets, comment=None):
    """interfaces: linktypes; packets: (interface, bytes)."""
    path = os.path.join(OUT, name)
    opts = b""
    if comment:
        c = comment.encode()
        opts = struct.pack("<HH", 1, len(c)) + pad4(c) + struct.pack("<HH", 0, 0)
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + opts)
    for lt in interfaces:
        out += block(0x00000001, struct.pack("<HHI", lt, 0, 262144))
    for i, (ifc, data) in enumerate(packets):
        ts = (1764064800 * 1000000) + i * 1000
        body = struct.pack("<IIIII", ifc, ts >> 32, ts & 0xFFFFFFFF, len(data),
                           len(data)) + pad4(data)
        out += block(0x00000006, body)
    with open(path, "wb") as f:
        f.write(out)
    return path


# --------------------------------------------------------------------------
# The cases.

def basic():
    c = Conn()
    return exchange(c, req(b"GET", b"/"), resp(b"200 OK", b"hello"))


def case_basic():
    write_pcap("basic.pcap", [ether(p) for p in basic()], LINKTYPE_ETHERNET)


def case_reordered():
    """The request in two segments and the response in three, each set
    out of order."""
    c = Conn()
    pk = c.handshake()
    r = c.client(req(b"GET", b"/big", extra=b"X-Pad: " + b"p" * 40 + b"\r\n"),
                 mss=40)
    assert len(r) == 3
    body = bytes(range(48, 58)) * 300
    s = c.server(resp(b"200 Okay", body), mss=1200)
    assert len(s) == 3
    pk += [r[2], r[0], s[2], s[0], r[1], s[1], c.ack_from_client()]
    pk += c.close()
    write_pcap("reordered.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def case_duplicated():
    c = Conn()
    pk = c.handshake()
    r = c.client(req(b"GET", b"/"))
    s = c.server(resp(b"200 OK", b"x" * 3000), mss=1000)
    assert len(s) == 4
    pk += [r[0], r[0], s[0], s[1], s[0], s[1], s[2], s[3], s[2], s[3]]
    pk.append(c.ack_from_client())
    pk += c.close()
    write_pcap("duplicated.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def case_conflict():
    """Flow 0: a copy of the head with another status arrives after the
    first copy was read (the body is not complete yet). Flow 1: the request
    comes late, so the response is held; a differing copy of it arrives
    meanwhile."""
    out = []
    c = Conn(client=("10.0.0.1", 41000))
    out += c.handshake()
    out += c.client(req(b"GET", b"/a"))
    body = b"0123456789" * 4
    full = resp(b"200 OK", body)
    cut = len(full) - 20
    seq0 = c.sseq
    s1 = c._pkt(False, "PA", seq0, c.cseq, full[:cut])
    bad = full[:cut].replace(b"200 OK", b"404 OK")
    s1b = c._pkt(False, "PA", seq0, c.cseq, bad)
    s2 = c._pkt(False, "PA", seq0 + cut, c.cseq, full[cut:])
    c.sseq += len(full)
    out += [s1, s1b, s2, c.ack_from_client()]
    out += c.close()

    d = Conn(client=("10.0.0.1", 41001))
    out += d.handshake()
    rq = d.client(req(b"GET", b"/b"))
    full = resp(b"200 OK", b"abc")
    seq0 = d.sseq
    t1 = d._pkt(False, "PA", seq0, d.cseq, full)
    t1b = d._pkt(False, "PA", seq0, d.cseq, full.replace(b"200 OK", b"500 OK"))
    d.sseq += len(full)
    out += [t1, t1b] + rq + [d.ack_from_client()]
    out += d.close()
    write_pcap("conflict.pcap", [ether(p) for p in out], LINKTYPE_ETHERNET)


def case_gap_head():
    """Two responses; the second's head is in three segments and the middle
    one is not in the capture."""
    c = Conn()
    pk = c.handshake()
    pk += c.client(req(b"GET", b"/1") + req(b"GET", b"/2"))
    pk += c.server(resp(b"200 OK", b"one"))
    second = resp(b"200 OK", b"two", extra=b"X-Long: " + b"y" * 60 + b"\r\n")
    s = c.server(second, mss=40)
    pk += [s[0]] + s[2:]
    pk.append(c.ack_from_client())
    pk += c.close()
    write_pcap("gap-head.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def case_gap_content():
    """A body of 3000 bytes in three segments, the middle one missing; then
    a second response on the same connection."""
    c = Conn()
    pk = c.handshake()
    pk += c.client(req(b"GET", b"/1") + req(b"GET", b"/2"))
    first = resp(b"200 OK", b"z" * 3000)
    head_len = len(first) - 3000
    s = c.server(first[:head_len])
    s += c.server(first[head_len:], mss=1000)
    pk += [s[0], s[1], s[3]]
    pk += c.server(resp(b"401 Unauthorized", b"gone"))  # no challenge
    pk.append(c.ack_from_client())
    pk += c.close()
    write_pcap("gap-content.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def case_midstream():
    """The capture starts inside a body; a 204 answers a request sent before
    the capture; then a request and its response."""
    c = Conn(cisn=70000, sisn=90000)
    pk = []
    pk += c.server(b"tail of an earlier body\r\n")
    pk += c.server(resp(b"204 No Content", length=False))
    pk += c.client(req(b"GET", b"/b"))
    pk += c.server(resp(b"301 Moved Permanently", b"bee"))  # no Location
    pk.append(c.ack_from_client())
    pk += c.close()
    write_pcap("midstream.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def case_reused():
    """The same 4-tuple twice: closed with FINs, then a new SYN."""
    c = Conn(cisn=1000, sisn=5000)
    pk = exchange(c, req(b"GET", b"/first"), resp(b"200 OK", b"1"))
    d = Conn(cisn=777777, sisn=888888)
    pk += exchange(d, req(b"GET", b"/second"), resp(b"201 Created", b"2"))
    write_pcap("reused-tuple.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def case_wraparound():
    """Both sequence numbers wrap past 2^32 inside the data."""
    c = Conn(cisn=0xFFFFFFF0, sisn=0xFFFFFF00)
    pk = c.handshake()
    pk += c.client(req(b"GET", b"/wrap", extra=b"X-Pad: " + b"w" * 30 + b"\r\n"),
                   mss=20)
    s = c.server(resp(b"200 OK", b"W" * 2000), mss=500)
    pk += [s[1], s[0]] + s[2:]  # one out of order, across the wrap
    pk.append(c.ack_from_client())
    pk += c.close()
    write_pcap("wraparound.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def v6conn():
    return Conn(client=("2001:db8::1", 40000), server=("2001:db8::2", 8080),
                v6=True)


def case_ipv6():
    c = v6conn()
    pk = exchange(c, req(b"GET", b"/six"), resp(b"200 OK", b"v6"))
    write_pcap("ipv6.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def case_vlan():
    pk = basic()
    write_pcap("vlan.pcap", [ether(p, [(0x8100, 100)]) for p in pk],
               LINKTYPE_ETHERNET)
    write_pcap("qinq.pcap",
               [ether(p, [(0x88A8, 200), (0x8100, 100)]) for p in pk],
               LINKTYPE_ETHERNET)


def case_links():
    """Linux cooked v1 and v2, BSD loopback (both byte orders), raw IP; each
    with an IPv4 and an IPv6 connection."""
    def both():
        return basic() + exchange(v6conn(), req(b"GET", b"/six"),
                                  resp(b"200 OK", b"v6"))
    write_pcap("sll.pcap", [sll(p) for p in both()], LINKTYPE_LINUX_SLL)
    write_pcap("sll2.pcap", [sll2(p) for p in both()], LINKTYPE_LINUX_SLL2)
    write_pcap("null.pcap", [null_le(p) for p in both()], LINKTYPE_NULL)
    write_pcap("loop.pcap", [loop_be(p) for p in both()], LINKTYPE_LOOP)
    write_pcap("raw.pcap", both(), LINKTYPE_RAW)


def case_pcapng():
    pk = basic()
    write_pcapng("basic.pcapng", [LINKTYPE_ETHERNET],
                 [(0, ether(p)) for p in pk], comment="respcheck fixture")


def case_mixed_link():
    """Two interfaces of different link types: libpcap cannot give one link
    type for the file."""
    pk = basic()
    packets = [(0, ether(p)) for p in pk[:3]] + [(1, p) for p in pk[3:]]
    write_pcapng("mixed-link.pcapng", [LINKTYPE_ETHERNET, LINKTYPE_RAW],
                 packets)


def case_fragments():
    """Flow 0: the response's segment in IPv4 fragments, out of order.
    Flow 1: a fragment never arrives (a gap in the content). Flow 2: IPv6
    fragments."""
    out = []
    c = Conn(client=("10.0.0.1", 42000))
    out += c.handshake()
    out += c.client(req(b"GET", b"/frag"))
    body = b"F" * 2500
    seg = IP(c._pkt(False, "PA", c.sseq, c.cseq, resp(b"200 OK", body)))
    c.sseq += len(resp(b"200 OK", body))
    fr = [bytes(f) for f in fragment(seg, fragsize=1000)]
    out += [fr[2], fr[0], fr[1], c.ack_from_client()]
    out += c.close()

    d = Conn(client=("10.0.0.1", 42001))
    out += d.handshake()
    out += d.client(req(b"GET", b"/lost"))
    head = resp(b"200 OK", b"L" * 2500)
    hl = len(head) - 2500
    out += d.server(head[:hl])
    seg = IP(d._pkt(False, "PA", d.sseq, d.cseq, head[hl:hl + 2000]))
    d.sseq += 2000
    fr = [bytes(f) for f in fragment(seg, fragsize=1000)]
    out += [fr[0], fr[2]]  # fr[1] is lost
    out += d.server(head[hl + 2000:])
    out.append(d.ack_from_client())
    out += d.close()

    e = Conn(client=("2001:db8::1", 42002), server=("2001:db8::2", 80), v6=True)
    out += e.handshake()
    out += e.client(req(b"GET", b"/frag6"))
    r = resp(b"200 OK", b"S" * 2000)
    pkt = IPv6(e._pkt(False, "PA", e.sseq, e.cseq, r))
    e.sseq += len(r)
    tcp_bytes = bytes(pkt.payload)
    fid = 0x1234
    pieces = []
    for i in range(0, len(tcp_bytes), 1000):
        part = tcp_bytes[i:i + 1000]
        more = 1 if i + 1000 < len(tcp_bytes) else 0
        p6 = IPv6(src=pkt.src, dst=pkt.dst, hlim=64) / \
            IPv6ExtHdrFragment(nh=6, offset=i // 8, m=more, id=fid) / Raw(part)
        pieces.append(bytes(p6))
    out += list(reversed(pieces))
    out.append(e.ack_from_client())
    out += e.close()
    write_pcap("fragments.pcap", [ether(p) for p in out], LINKTYPE_ETHERNET)


def case_connect():
    c = Conn(server=("10.0.0.2", 3128))
    pk = c.handshake()
    pk += c.client(req(b"CONNECT", b"example.com:443"))
    pk += c.server(b"HTTP/1.1 200 Connection established\r\n\r\n")
    pk += c.client(b"\x16\x03\x01\x00\x05hello")
    pk += c.server(b"\x16\x03\x03\x00\x05HTTP/")
    pk += c.client(b"GET /not-http HTTP/1.1\r\n\r\n")
    pk.append(c.ack_from_server())
    pk += c.close()
    write_pcap("connect.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def case_upgrade():
    c = Conn()
    pk = c.handshake()
    pk += c.client(req(b"GET", b"/chat",
                       extra=b"Upgrade: websocket\r\nConnection: Upgrade\r\n"))
    pk += c.server(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                   b"Connection: Upgrade\r\n\r\n\x81\x05hello")
    pk += c.client(b"\x81\x85abcd\x00\x00\x00\x00\x00")
    pk.append(c.ack_from_server())
    pk += c.close()
    write_pcap("upgrade-101.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def case_pipelined_head():
    """HEAD, GET, GET pipelined in one segment; the 200 to HEAD has
    Content-Length: 1000 and no content; the responses in one segment."""
    c = Conn()
    pk = c.handshake()
    pk += c.client(req(b"HEAD", b"/") + req(b"GET", b"/") + req(b"GET", b"/x"))
    head = b"HTTP/1.1 200 OK\r\n" + DATE + b"Content-Length: 1000\r\n\r\n"
    pk += c.server(head + resp(b"200 OK", b"hello") + resp(b"200 OK", b"x"))
    pk.append(c.ack_from_client())
    pk += c.close()
    write_pcap("pipelined-head.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def case_http10():
    c = Conn()
    pk = exchange(c, req(b"GET", b"/", version=b"HTTP/1.0"),
                  b"HTTP/1.1 100 Continue\r\n\r\n" + resp(b"200 OK", b"ok"))
    write_pcap("http10-1xx.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)
    d = Conn()
    pk = exchange(d, req(b"GET", b"/", version=b"HTTP/1.0"),
                  resp(b"200 OK", length=False,
                       extra=b"Transfer-Encoding: chunked\r\n") +
                  b"5\r\nhello\r\n0\r\n\r\n")
    write_pcap("http10-chunked.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def case_truncated():
    """Two connections; the file ends inside the second one's response
    record, as a killed tcpdump leaves it."""
    a = Conn(client=("10.0.0.1", 43000))
    pk = exchange(a, req(b"GET", b"/whole"), resp(b"200 OK", b"whole"))
    b = Conn(client=("10.0.0.1", 43001))
    pk += b.handshake()
    pk += b.client(req(b"GET", b"/cut"))
    pk += b.server(resp(b"200 OK", b"c" * 500))
    path = write_pcap("truncated.pcap", [ether(p) for p in pk],
                      LINKTYPE_ETHERNET)
    with open(path, "rb") as f:
        data = f.read()
    # Keep the last record's header and 100 of its bytes.
    last = len(ether(pk[-1]))
    with open(path, "wb") as f:
        f.write(data[:len(data) - last + 100])


def case_snaplen():
    """Captured with a snap length of 300: the head fits, the rest of each
    packet is cut."""
    c = Conn()
    pk = c.handshake()
    pk += c.client(req(b"GET", b"/big") + req(b"GET", b"/after"))
    r = resp(b"200 OK", b"s" * 3000)
    pk += c.server(r, mss=1000)
    pk += c.server(resp(b"399 Odd", b"after"))
    pk.append(c.ack_from_client())
    pk += c.close()
    frames = []
    for p in pk:
        e = ether(p)
        frames.append((e[:300], len(e)))
    write_pcap("snaplen.pcap", frames, LINKTYPE_ETHERNET, snaplen=300)


def case_acked_missing():
    """The server's last segment is not in the capture, but the client
    acknowledges it before both sides close."""
    c = Conn()
    pk = c.handshake()
    pk += c.client(req(b"GET", b"/"))
    s = c.server(resp(b"200 OK", b"m" * 2000), mss=1000)
    pk += s[:-1]
    pk.append(c.ack_from_client())
    pk += c.close()
    write_pcap("acked-missing.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def case_acked_missing_fin():
    """The same, and the server's FIN is not in the capture either: the
    client's last acknowledgement counts it, one past the content."""
    c = Conn()
    pk = c.handshake()
    pk += c.client(req(b"GET", b"/"))
    s = c.server(resp(b"200 OK", b"m" * 2000), mss=1000)
    pk += s[:-1]
    pk.append(c.ack_from_client())
    pk += c.close()[1:]
    write_pcap("acked-missing-fin.pcap", [ether(p) for p in pk],
               LINKTYPE_ETHERNET)


def case_interleaved():
    """Three connections whose packets interleave; used with a limit of
    one open connection too."""
    conns = [Conn(client=("10.0.0.1", 44000 + i)) for i in range(3)]
    steps = []
    for i, c in enumerate(conns):
        steps.append(c.handshake())
    for i, c in enumerate(conns):
        steps.append(c.client(req(b"GET", b"/%d" % i)))
    for i, c in enumerate(conns):
        steps.append(c.server(resp(b"200 OK", b"body %d" % i)))
    for c in conns:
        steps.append([c.ack_from_client()] + c.close())
    pk = [p for step in steps for p in step]
    write_pcap("interleaved.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def case_big_hole():
    """A missing segment followed by 100 KiB of body: held until the end,
    or skipped early under a small max_held_bytes."""
    c = Conn()
    pk = c.handshake()
    pk += c.client(req(b"GET", b"/hole"))
    r = resp(b"200 OK", b"h" * 102400)
    s = c.server(r, mss=1400)
    pk += [s[0]] + s[2:]
    pk.append(c.ack_from_client())
    pk += c.close()
    write_pcap("big-hole.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


def case_not_http():
    """A TLS-looking connection and an SSH-looking one: not read."""
    c = Conn(server=("10.0.0.2", 443))
    pk = exchange(c, b"\x16\x03\x01\x00\x10client hello....",
                  b"\x16\x03\x03\x00\x10server hello....")
    d = Conn(client=("10.0.0.1", 41235), server=("10.0.0.2", 22))
    pk += exchange(d, b"SSH-2.0-OpenSSH_9.2\r\n", b"SSH-2.0-OpenSSH_9.2\r\n")
    write_pcap("not-http.pcap", [ether(p) for p in pk], LINKTYPE_ETHERNET)


CASES = [case_basic, case_reordered, case_duplicated, case_conflict,
         case_gap_head, case_gap_content, case_midstream, case_reused,
         case_wraparound, case_ipv6, case_vlan, case_links, case_pcapng,
         case_mixed_link, case_fragments, case_connect, case_upgrade,
         case_pipelined_head, case_http10, case_truncated, case_snaplen,
         case_acked_missing, case_acked_missing_fin, case_interleaved,
         case_big_hole, case_not_http]


def read_pcap(path):
    """(linktype, [packet bytes]) of a pcap file written here."""
    with open(path, "rb") as f:
        data = f.read()
    linktype = struct.unpack("<I", data[20:24])[0]
    out, at = [], 24
    while at + 16 <= len(data):
        caplen = struct.unpack("<I", data[at + 8:at + 12])[0]
        out.append(data[at + 16:at + 16 + caplen])
        at += 16 + caplen
    return linktype, out


# The harness's link type byte: its index in fuzz_capture.c's dlts[].
FUZZ_DLT = {LINKTYPE_ETHERNET: 0, LINKTYPE_RAW: 1, LINKTYPE_LINUX_SLL: 2,
            LINKTYPE_LINUX_SLL2: 3, LINKTYPE_NULL: 4, LINKTYPE_LOOP: 5}


def fuzz_seeds(outdir):
    import hashlib
    os.makedirs(outdir, exist_ok=True)

    def put(data):
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)

    for name in sorted(os.listdir(OUT)):
        with open(os.path.join(OUT, name), "rb") as f:
            data = f.read()
        if len(data) <= 16384:
            put(data)
    for name in ("basic.pcap", "reordered.pcap", "conflict.pcap",
                 "fragments.pcap", "midstream.pcap", "sll2.pcap",
                 "pipelined-head.pcap", "gap-content.pcap"):
        linktype, packets = read_pcap(os.path.join(OUT, name))
        seed = bytes([FUZZ_DLT[linktype]])
        for p in packets:
            seed += struct.pack(">H", len(p)) + p
        put(seed)


def main():
    global OUT
    if len(sys.argv) > 2 and sys.argv[1] == "--fuzz-seeds":
        fuzz_seeds(sys.argv[2])
        return
    if len(sys.argv) > 1:
        OUT = sys.argv[1]
    os.makedirs(OUT, exist_ok=True)
    for case in CASES:
        case()
    for name in sorted(os.listdir(OUT)):
        print(f"{name}: {os.path.getsize(os.path.join(OUT, name))} bytes")


if __name__ == "__main__":
    main()
