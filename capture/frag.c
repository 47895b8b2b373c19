/* SPDX-License-Identifier: MIT */
/*
 * IPv4 and IPv6 fragments put back together (RFC 791 3.2, RFC 8200 4.5).
 * A datagram is kept by (family, source, destination, identification,
 * protocol) in a buffer that grows to its highest fragment end, with one
 * bit per 8-byte block received. Where fragments overlap, the first copy
 * wins (as for TCP). A datagram is handed on only when every block up to
 * the last fragment's end is there; one that never completes is dropped,
 * and the TCP bytes it carried become a gap: never misread. The number of
 * datagrams and their bytes are bounded by the options; the oldest is
 * dropped first.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define RC_IP_MAX 65535u
#define RC_BLOCKS ((RC_IP_MAX + 8u) / 8u)

struct rc_datagram {
  rc_datagram_t *prev, *next;
  int family, proto;
  uint32_t id;
  unsigned char src[16], dst[16];
  unsigned char *buf;
  size_t cap;   /* bytes of buf */
  size_t total; /* payload length, once the last fragment is in */
  size_t have;  /* blocks received */
  int have_last;
  unsigned char bits[(RC_BLOCKS + 7u) / 8u];
};

static void unlink_dg(rc_frags_t *f, rc_datagram_t *d) {
  if (d->prev)
    d->prev->next = d->next;
  else
    f->first = d->next;
  if (d->next)
    d->next->prev = d->prev;
  else
    f->last = d->prev;
  f->count--;
  f->bytes -= d->cap;
}

static void drop(respcheck_capture_t *cap, rc_datagram_t *d) {
  unlink_dg(&cap->frags, d);
  free(d->buf);
  free(d);
  cap->stats.fragments_dropped++;
}

void respcheck__frag_clear(respcheck_capture_t *cap) {
  while (cap->frags.first)
    drop(cap, cap->frags.first);
}

static rc_datagram_t *find(rc_frags_t *f, int family, const unsigned char *src,
                           const unsigned char *dst, uint32_t id, int proto) {
  rc_datagram_t *d;
  size_t alen = family == 6 ? 16 : 4;
  for (d = f->first; d; d = d->next)
    if (d->id == id && d->family == family && d->proto == proto &&
        memcmp(d->src, src, alen) == 0 && memcmp(d->dst, dst, alen) == 0)
      return d;
  return NULL;
}

static int bit(const rc_datagram_t *d, size_t b) {
  return (d->bits[b / 8] >> (b % 8)) & 1;
}

/* Grows d's buffer to hold `need` bytes within the byte limit, dropping
 * older datagrams if needed. 0 on success. */
static int reserve(respcheck_capture_t *cap, rc_datagram_t *d, size_t need) {
  rc_frags_t *f = &cap->frags;
  size_t ncap;
  unsigned char *nb;
  if (need <= d->cap)
    return 0;
  ncap = d->cap * 2 > need ? d->cap * 2 : need;
  if (ncap > RC_IP_MAX)
    ncap = RC_IP_MAX;
  while (f->bytes - d->cap + ncap > cap->opts.max_fragment_bytes &&
         f->first != NULL && f->first != d)
    drop(cap, f->first);
  if (f->bytes - d->cap + ncap > cap->opts.max_fragment_bytes)
    return -1;
  nb = realloc(d->buf, ncap);
  if (nb == NULL)
    return -1;
  f->bytes = f->bytes - d->cap + ncap;
  d->buf = nb;
  d->cap = ncap;
  return 0;
}

void respcheck__frag_input(respcheck_capture_t *cap, int family,
                           const unsigned char *src, const unsigned char *dst,
                           uint32_t id, int proto, size_t offset,
                           const unsigned char *data, size_t len, int more) {
  rc_frags_t *f = &cap->frags;
  rc_datagram_t *d;
  size_t end = offset + len, b, alen = family == 6 ? 16 : 4;

  cap->stats.fragments++;
  /* Every fragment but the last carries a multiple of 8 bytes; nothing
   * may end past the largest datagram. */
  if ((more && len % 8 != 0) || end > RC_IP_MAX || (len == 0 && more))
    return;
  d = find(f, family, src, dst, id, proto);
  if (d == NULL) {
    while (f->count >= cap->opts.max_fragment_datagrams && f->first)
      drop(cap, f->first);
    d = calloc(1, sizeof *d);
    if (d == NULL)
      return;
    d->family = family;
    d->proto = proto;
    d->id = id;
    memcpy(d->src, src, alen);
    memcpy(d->dst, dst, alen);
    d->prev = f->last;
    if (f->last)
      f->last->next = d;
    else
      f->first = d;
    f->last = d;
    f->count++;
  }
  if (!more) {
    if (d->have_last && d->total != end)
      return; /* a second, different end: the first wins */
    if (!d->have_last) {
      /* Blocks already past this end contradict it. */
      for (b = (end + 7) / 8; b < RC_BLOCKS; b++)
        if (bit(d, b)) {
          drop(cap, d);
          return;
        }
      d->have_last = 1;
      d->total = end;
    }
  } else if (d->have_last && end > d->total) {
    return;
  }
  if (reserve(cap, d, end) != 0) {
    drop(cap, d);
    return;
  }
  for (b = offset / 8; b * 8 < end; b++) {
    size_t from = b * 8, to = from + 8 < end ? from + 8 : end;
    if (bit(d, b))
      continue; /* the first copy wins */
    memcpy(d->buf + from, data + (from - offset), to - from);
    d->bits[b / 8] = (unsigned char)(d->bits[b / 8] | (1u << (b % 8)));
    d->have++;
  }
  if (d->have_last && d->have == (d->total + 7) / 8) {
    unlink_dg(f, d);
    respcheck__ip_payload(cap, family, d->src, d->dst, proto, d->buf, d->total,
                          d->total);
    free(d->buf);
    free(d);
  }
}
