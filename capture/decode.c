/* SPDX-License-Identifier: MIT */
/*
 * From a captured packet to a TCP segment: the link layer (Ethernet with
 * 802.1Q/802.1ad tags, Linux cooked v1 and v2, BSD loopback, raw IP), IPv4
 * and IPv6 (extension headers, fragments handed to frag.c) and the TCP
 * header. Every length is checked against the bytes captured; a packet
 * that does not hold what its headers say is counted as skipped, never
 * read past its end. Checksums are not checked: captures taken on the
 * sending host carry the zeros of checksum offload.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static uint16_t get16(const unsigned char *p) {
  return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static uint32_t get32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static void skip(respcheck_capture_t *cap) { cap->stats.skipped++; }

/* RFC 9293 3.1: the header, then the payload. */
static void tcp(respcheck_capture_t *cap, int family, const unsigned char *src,
                const unsigned char *dst, const unsigned char *p, size_t caplen,
                size_t wire_len) {
  rc_segment_t s;
  size_t hlen;
  if (caplen < 20 || wire_len < 20) {
    skip(cap);
    return;
  }
  hlen = (size_t)(p[12] >> 4) * 4;
  if (hlen < 20 || hlen > caplen || hlen > wire_len) {
    skip(cap);
    return;
  }
  s.family = family;
  s.src = src;
  s.dst = dst;
  s.sport = get16(p);
  s.dport = get16(p + 2);
  s.seq = get32(p + 4);
  s.ack = get32(p + 8);
  s.flags = p[13];
  s.payload = p + hlen;
  s.caplen = caplen - hlen;
  s.wire_len = wire_len - hlen;
  cap->stats.tcp_packets++;
  respcheck__tcp_input(cap, &s);
}

/* IPv6 extension headers that may come before the transport header (RFC
 * 8200 4): hop-by-hop, routing, destination options, and the fragment
 * header handled here; AH is skipped by its length (RFC 4302 2.2). */
#define RC_IPV6_MAX_EXT 8

void respcheck__ip_payload(respcheck_capture_t *cap, int family,
                           const unsigned char *src, const unsigned char *dst,
                           int proto, const unsigned char *p, size_t caplen,
                           size_t wire_len) {
  int n;
  for (n = 0; family == 6 && n < RC_IPV6_MAX_EXT; n++) {
    size_t len;
    if (proto == 0 || proto == 43 || proto == 60 || proto == 51) {
      if (caplen < 2) {
        skip(cap);
        return;
      }
      len = proto == 51 ? ((size_t)p[1] + 2) * 4 : ((size_t)p[1] + 1) * 8;
      if (len > caplen || len > wire_len) {
        skip(cap);
        return;
      }
      proto = p[0];
      p += len;
      caplen -= len;
      wire_len -= len;
      continue;
    }
    if (proto == 44) {
      /* RFC 8200 4.5: next header, reserved, offset (13 bits) and M, id. */
      uint16_t om;
      if (caplen < 8 || wire_len < 8) {
        skip(cap);
        return;
      }
      om = get16(p + 2);
      if ((om & 0xfff8u) == 0 && (om & 1u) == 0) {
        /* An atomic fragment (RFC 6946): the whole datagram. */
        proto = p[0];
        p += 8;
        caplen -= 8;
        wire_len -= 8;
        continue;
      }
      if (caplen < wire_len) {
        skip(cap); /* a fragment cut by the snap length cannot be placed */
        return;
      }
      respcheck__frag_input(cap, 6, src, dst, get32(p + 4), p[0],
                            (size_t)(om & 0xfff8u), p + 8, caplen - 8, om & 1u);
      return;
    }
    break;
  }
  if (proto != 6) {
    skip(cap);
    return;
  }
  tcp(cap, family, src, dst, p, caplen, wire_len);
}

/* RFC 791 3.1. */
static void ipv4(respcheck_capture_t *cap, const unsigned char *p,
                 size_t caplen) {
  size_t hlen, total;
  uint16_t frag;
  if (caplen < 20 || (p[0] >> 4) != 4) {
    skip(cap);
    return;
  }
  hlen = (size_t)(p[0] & 15u) * 4;
  total = get16(p + 2);
  if (hlen < 20 || total < hlen || caplen < hlen) {
    skip(cap);
    return;
  }
  if (caplen > total)
    caplen = total; /* Ethernet padding */
  frag = get16(p + 6);
  if ((frag & 0x3fffu) != 0) { /* MF set or an offset: a fragment */
    if (caplen < total) {
      skip(cap);
      return;
    }
    respcheck__frag_input(cap, 4, p + 12, p + 16, get16(p + 4), p[9],
                          (size_t)(frag & 0x1fffu) * 8, p + hlen, total - hlen,
                          (frag & 0x2000u) != 0);
    return;
  }
  respcheck__ip_payload(cap, 4, p + 12, p + 16, p[9], p + hlen, caplen - hlen,
                        total - hlen);
}

/* RFC 8200 3. */
static void ipv6(respcheck_capture_t *cap, const unsigned char *p,
                 size_t caplen) {
  size_t plen;
  if (caplen < 40 || (p[0] >> 4) != 6) {
    skip(cap);
    return;
  }
  plen = get16(p + 4);
  if (plen == 0) { /* a jumbogram (RFC 2675): not over TCP here */
    skip(cap);
    return;
  }
  caplen -= 40;
  if (caplen > plen)
    caplen = plen;
  respcheck__ip_payload(cap, 6, p + 8, p + 24, p[6], p + 40, caplen, plen);
}

static void ip_any(respcheck_capture_t *cap, const unsigned char *p,
                   size_t caplen) {
  if (caplen >= 1 && (p[0] >> 4) == 4)
    ipv4(cap, p, caplen);
  else if (caplen >= 1 && (p[0] >> 4) == 6)
    ipv6(cap, p, caplen);
  else
    skip(cap);
}

/* An EtherType, after up to four VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8,
 * and the older 0x9100 of QinQ). */
static void ethertype(respcheck_capture_t *cap, uint16_t type,
                      const unsigned char *p, size_t caplen) {
  int tags = 0;
  while ((type == 0x8100 || type == 0x88a8 || type == 0x9100) && tags < 4) {
    if (caplen < 4) {
      skip(cap);
      return;
    }
    type = get16(p + 2);
    p += 4;
    caplen -= 4;
    tags++;
  }
  if (type == 0x0800)
    ipv4(cap, p, caplen);
  else if (type == 0x86dd)
    ipv6(cap, p, caplen);
  else
    skip(cap);
}

/* BSD loopback: the address family, in the writer's byte order (DLT_NULL)
 * or in network order (DLT_LOOP). AF_INET is 2 everywhere; AF_INET6 is 10
 * (Linux), 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS). */
static void loopback(respcheck_capture_t *cap, const unsigned char *p,
                     size_t caplen) {
  uint32_t be, le;
  if (caplen < 4) {
    skip(cap);
    return;
  }
  be = get32(p);
  le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
  if (be == 2 || le == 2)
    ipv4(cap, p + 4, caplen - 4);
  else if (be == 10 || be == 24 || be == 28 || be == 30 || le == 10 ||
           le == 24 || le == 28 || le == 30)
    ipv6(cap, p + 4, caplen - 4);
  else
    skip(cap);
}

int respcheck_capture_linktype_supported(int dlt) {
  switch (dlt) {
  case RESPCHECK_CAPTURE_DLT_NULL:
  case RESPCHECK_CAPTURE_DLT_EN10MB:
  case RESPCHECK_CAPTURE_DLT_RAW:
  case 101: /* LINKTYPE_RAW, when not mapped */
  case RESPCHECK_CAPTURE_DLT_LOOP:
  case RESPCHECK_CAPTURE_DLT_LINUX_SLL:
  case RESPCHECK_CAPTURE_DLT_IPV4:
  case RESPCHECK_CAPTURE_DLT_IPV6:
  case RESPCHECK_CAPTURE_DLT_LINUX_SLL2:
    return 1;
  default:
    return 0;
  }
}

void respcheck_capture_packet(respcheck_capture_t *cap, int dlt,
                              const unsigned char *p, size_t caplen,
                              size_t wire_len) {
  (void)wire_len; /* the IP header says how long the datagram was */
  if (cap == NULL)
    return;
  cap->frame++;
  cap->stats.frames++;
  if (p == NULL) {
    skip(cap);
    return;
  }
  switch (dlt) {
  case RESPCHECK_CAPTURE_DLT_EN10MB:
    if (caplen < 14)
      skip(cap);
    else
      ethertype(cap, get16(p + 12), p + 14, caplen - 14);
    break;
  case RESPCHECK_CAPTURE_DLT_LINUX_SLL:
    /* packet type, ARPHRD type, address length, 8 address bytes, protocol */
    if (caplen < 16)
      skip(cap);
    else
      ethertype(cap, get16(p + 14), p + 16, caplen - 16);
    break;
  case RESPCHECK_CAPTURE_DLT_LINUX_SLL2:
    /* protocol, reserved, interface index, ARPHRD type, packet type,
     * address length, 8 address bytes */
    if (caplen < 20)
      skip(cap);
    else
      ethertype(cap, get16(p), p + 20, caplen - 20);
    break;
  case RESPCHECK_CAPTURE_DLT_NULL:
  case RESPCHECK_CAPTURE_DLT_LOOP:
    loopback(cap, p, caplen);
    break;
  case RESPCHECK_CAPTURE_DLT_RAW:
  case 101:
    ip_any(cap, p, caplen);
    break;
  case RESPCHECK_CAPTURE_DLT_IPV4:
    ipv4(cap, p, caplen);
    break;
  case RESPCHECK_CAPTURE_DLT_IPV6:
    ipv6(cap, p, caplen);
    break;
  default:
    skip(cap);
    break;
  }
}
