/* SPDX-License-Identifier: MIT */
/*
 * TCP reassembly: connections by 4-tuple, both directions, segments in any
 * order, turned into the events of capture.h.
 *
 * Each direction keeps the 32-bit sequence number of its next byte and the
 * 64-bit offset it stands for; a segment's offset is that offset plus the
 * signed 32-bit distance of its sequence number (RFC 9293 3.4: sequence
 * space arithmetic is modulo 2^32), so wrap-around needs nothing special.
 * A segment at the next offset is delivered at once, from the packet's own
 * bytes, when nothing is held; anything else is copied into a queue sorted
 * by offset, in pieces that do not overlap: where a copy overlaps bytes
 * already queued, or recently delivered (retain_bytes of them), the first
 * copy wins and a differing copy is a CONFLICT event. Holes are declared
 * gaps only when the bytes can no longer come: at the connection's end
 * (both FINs acknowledged, a reset, the end of the capture) or when a
 * limit forces it; a payload cut by the snap length is a gap at once.
 *
 * Requests before responses: a segment from the server carries the
 * client's offset it acknowledges, and is held until every client byte
 * below it has been delivered, so the pairing layer has read a request
 * before the response to it, whatever order the capture holds them in.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define C2S RESPCHECK_CAPTURE_TO_SERVER
#define RC_MIN_DEAD 1024
#define S2C RESPCHECK_CAPTURE_TO_CLIENT

typedef struct rc_seg {
  struct rc_seg *next;
  uint64_t off;
  uint64_t frame;
  uint64_t need; /* S2C: the client offset this waits for (0: none) */
  uint64_t ack;  /* for the DATA event */
  size_t len;
  int hole; /* cut by the snap length: a GAP when reached */
  unsigned char data[];
} rc_seg_t;

typedef struct rc_half {
  uint32_t next_seq; /* sequence number of the byte at next_off */
  uint64_t next_off; /* every byte below it has been delivered */
  rc_seg_t *q;       /* sorted by offset, disjoint, all >= next_off */
  uint64_t acked;    /* highest offset of this direction the peer acked */
  uint64_t fin_off;  /* where the FIN sits */
  uint64_t max_end;  /* highest end of any segment */
  unsigned char known, fin, ended, acked_valid;
  /* The last bytes delivered, for comparing late copies: ring[i % rcap]
   * holds byte i for i in [ring_from, next_off). */
  unsigned char *ring;
  size_t rcap;
  uint64_t ring_from;
} rc_half_t;

enum { RC_OPEN = 0, RC_DEAD };

struct rc_conn {
  rc_conn_t *hnext;       /* hash chain */
  rc_conn_t *prev, *next; /* LRU (open) or dead list */
  uint32_t hash;
  unsigned char state;
  unsigned char syn_seen; /* the client's SYN */
  unsigned char flushing; /* holds are ignored */
  unsigned char limit_hit;
  uint32_t client_isn;
  size_t held;
  respcheck_capture_flow_t flow;
  rc_half_t h[2];
};

/* ------------------------------------------------------------------------ */
/* Events. */

static void emit(respcheck_capture_t *cap, rc_conn_t *c,
                 respcheck_capture_event_type_t type, int dir, uint64_t off,
                 uint64_t len, const unsigned char *data, uint64_t frame,
                 uint64_t first_frame, uint64_t ack, int reason) {
  respcheck_capture_event_t ev;
  ev.type = type;
  ev.flow = &c->flow;
  ev.dir = (respcheck_capture_dir_t)dir;
  ev.offset = off;
  ev.length = len;
  ev.data = data;
  ev.frame = frame;
  ev.first_frame = first_frame;
  ev.ack = ack;
  ev.reason = reason;
  if (cap->cb)
    cap->cb(cap->user, &ev);
}

/* ------------------------------------------------------------------------ */
/* The table. */

/* A word at a time: the table's chains are bounded by the connection
 * limits whatever the addresses, so a cheap hash is enough. */
static uint32_t endpoint_hash(const unsigned char *a, size_t alen,
                              uint16_t port) {
  uint32_t h = (uint32_t)port * 0x9e3779b1u, w;
  size_t i;
  for (i = 0; i < alen; i += 4) {
    memcpy(&w, a + i, 4);
    h = (h ^ w) * 0x85ebca6bu;
    h ^= h >> 13;
  }
  return h;
}

/* The same for both directions. */
static uint32_t seg_hash(const rc_segment_t *s) {
  size_t alen = s->family == 6 ? 16 : 4;
  uint32_t a = endpoint_hash(s->src, alen, s->sport);
  uint32_t b = endpoint_hash(s->dst, alen, s->dport);
  uint32_t h = a + b;
  h ^= h >> 15;
  h *= 0x2c1b3c6du;
  h ^= h >> 12;
  return h;
}

/* The direction of s on c, or -1 when s is not c's. */
static int seg_dir(const rc_conn_t *c, const rc_segment_t *s) {
  size_t alen = s->family == 6 ? 16 : 4;
  const respcheck_capture_flow_t *f = &c->flow;
  if (f->family != s->family)
    return -1;
  if (s->sport == f->client_port && s->dport == f->server_port &&
      memcmp(s->src, f->client_addr, alen) == 0 &&
      memcmp(s->dst, f->server_addr, alen) == 0)
    return C2S;
  if (s->sport == f->server_port && s->dport == f->client_port &&
      memcmp(s->src, f->server_addr, alen) == 0 &&
      memcmp(s->dst, f->client_addr, alen) == 0)
    return S2C;
  return -1;
}

static rc_conn_t *lookup(rc_tcp_t *t, const rc_segment_t *s, uint32_t h,
                         int *dir) {
  rc_conn_t *c;
  for (c = t->buckets[h & (t->nbuckets - 1)]; c; c = c->hnext) {
    if (c->hash == h && (*dir = seg_dir(c, s)) >= 0)
      return c;
  }
  return NULL;
}

static void hash_remove(rc_tcp_t *t, rc_conn_t *c) {
  rc_conn_t **pp = &t->buckets[c->hash & (t->nbuckets - 1)];
  while (*pp && *pp != c)
    pp = &(*pp)->hnext;
  if (*pp)
    *pp = c->hnext;
}

static void list_unlink(rc_conn_t **first, rc_conn_t **last, rc_conn_t *c) {
  if (c->prev)
    c->prev->next = c->next;
  else
    *first = c->next;
  if (c->next)
    c->next->prev = c->prev;
  else
    *last = c->prev;
  c->prev = c->next = NULL;
}

static void list_append(rc_conn_t **first, rc_conn_t **last, rc_conn_t *c) {
  c->next = NULL;
  c->prev = *last;
  if (*last)
    (*last)->next = c;
  else
    *first = c;
  *last = c;
}

int respcheck__tcp_init(respcheck_capture_t *cap) {
  rc_tcp_t *t = &cap->tcp;
  size_t n = 64;
  /* Room for the open connections and as many closed ones. */
  while (n < cap->opts.max_connections * 2 || n < RC_MIN_DEAD)
    n *= 2;
  memset(t, 0, sizeof *t);
  t->buckets = calloc(n, sizeof *t->buckets);
  if (t->buckets == NULL)
    return -1;
  t->nbuckets = n;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Held bytes. */

static void held_add(respcheck_capture_t *cap, rc_conn_t *c, size_t n) {
  c->held += n;
  cap->tcp.held_total += n;
  cap->stats.held_bytes = cap->tcp.held_total;
  if (cap->tcp.held_total > cap->stats.peak_held_bytes)
    cap->stats.peak_held_bytes = cap->tcp.held_total;
}

static void held_sub(respcheck_capture_t *cap, rc_conn_t *c, size_t n) {
  c->held -= n;
  cap->tcp.held_total -= n;
  cap->stats.held_bytes = cap->tcp.held_total;
}

static rc_seg_t *seg_new(uint64_t off, const unsigned char *data, size_t len,
                         uint64_t frame, uint64_t need, uint64_t ack,
                         int hole) {
  rc_seg_t *s = malloc(sizeof *s + (hole ? 0 : len));
  if (s == NULL)
    return NULL;
  s->next = NULL;
  s->off = off;
  s->len = len;
  s->frame = frame;
  s->need = need;
  s->ack = ack;
  s->hole = hole;
  if (!hole)
    memcpy(s->data, data, len);
  return s;
}

static size_t seg_held(const rc_seg_t *s) { return s->hole ? 0 : s->len; }

/* ------------------------------------------------------------------------ */
/* Retention of delivered bytes. */

static void retain(respcheck_capture_t *cap, rc_half_t *h,
                   const unsigned char *data, size_t len) {
  size_t r = cap->opts.retain_bytes, p, n;
  uint64_t start = h->next_off, end = h->next_off + len;
  if (r == 0 || len == 0)
    return;
  if (h->ring == NULL) {
    h->ring = malloc(r);
    if (h->ring == NULL)
      return;
    h->rcap = r;
    h->ring_from = h->next_off;
  }
  /* Called before next_off moves: the bytes are [next_off, +len). */
  if (len > r) {
    data += len - r;
    start += len - r;
    len = r;
  }
  p = (size_t)(start % r);
  n = r - p < len ? r - p : len;
  memcpy(h->ring + p, data, n);
  if (len > n)
    memcpy(h->ring, data + n, len - n);
  if (end - h->ring_from > r)
    h->ring_from = end - r;
}

/* After a gap the kept bytes no longer run up to next_off. */
static void retain_reset(rc_half_t *h) { h->ring_from = h->next_off; }

/* Widens [*lo, *hi) (absolute offsets; *hi == 0: empty) by the bytes of x
 * and y that differ, x and y standing for the n bytes at `at`. */
static void diff_span(const unsigned char *x, const unsigned char *y, size_t n,
                      uint64_t at, uint64_t *lo, uint64_t *hi) {
  size_t i;
  for (i = 0; i < n; i++) {
    if (x[i] != y[i]) {
      if (*hi == 0)
        *lo = at + i;
      *hi = at + i + 1;
    }
  }
}

static void report_diff(respcheck_capture_t *cap, rc_conn_t *c, int dir,
                        uint64_t lo, uint64_t hi, uint64_t first_frame) {
  if (hi != 0)
    emit(cap, c, RESPCHECK_CAPTURE_CONFLICT, dir, lo, hi - lo, NULL, cap->frame,
         first_frame, RESPCHECK_CAPTURE_NO_ACK, 0);
}

/* Compares [off, off + len) of a new copy with the kept bytes; reports the
 * differing span. */
static void compare_retained(respcheck_capture_t *cap, rc_conn_t *c, int dir,
                             uint64_t off, const unsigned char *data,
                             size_t len) {
  rc_half_t *h = &c->h[dir];
  uint64_t from, to, lo = 0, hi = 0;
  if (h->ring == NULL)
    return;
  from = off > h->ring_from ? off : h->ring_from;
  to = off + len < h->next_off ? off + len : h->next_off;
  while (from < to) {
    /* The ring's bytes are contiguous up to its end. */
    size_t p = (size_t)(from % h->rcap), n = h->rcap - p;
    if (n > to - from)
      n = (size_t)(to - from);
    diff_span(h->ring + p, data + (from - off), n, from, &lo, &hi);
    from += n;
  }
  report_diff(cap, c, dir, lo, hi, 0);
}

/* ------------------------------------------------------------------------ */
/* Delivery. */

static int half_done(const rc_half_t *h) { return h->ended; }

/* Delivers bytes at next_off directly (not queued). */
static void deliver_now(respcheck_capture_t *cap, rc_conn_t *c, int dir,
                        const unsigned char *data, size_t len, uint64_t frame,
                        uint64_t ack) {
  rc_half_t *h = &c->h[dir];
  uint64_t off = h->next_off;
  retain(cap, h, data, len);
  h->next_off += len;
  h->next_seq += (uint32_t)len;
  emit(cap, c, RESPCHECK_CAPTURE_DATA, dir, off, len, data, frame, frame, ack,
       0);
}

static void gap_now(respcheck_capture_t *cap, rc_conn_t *c, int dir,
                    uint64_t len, uint64_t frame, int reason) {
  rc_half_t *h = &c->h[dir];
  uint64_t off = h->next_off;
  if (len == 0)
    return;
  h->next_off += len;
  h->next_seq += (uint32_t)len;
  retain_reset(h);
  emit(cap, c, RESPCHECK_CAPTURE_GAP, dir, off, len, NULL, frame, 0,
       RESPCHECK_CAPTURE_NO_ACK, reason);
}

static void end_half(respcheck_capture_t *cap, rc_conn_t *c, int dir,
                     int reason) {
  rc_half_t *h = &c->h[dir];
  if (h->ended)
    return;
  h->ended = 1;
  emit(cap, c, RESPCHECK_CAPTURE_END, dir, h->next_off, 0, NULL, cap->frame, 0,
       RESPCHECK_CAPTURE_NO_ACK, reason);
}

/* May the head of dir's queue go now? */
static int may_go(const rc_conn_t *c, int dir, const rc_seg_t *s) {
  if (dir != S2C || c->flushing || s->need == 0)
    return 1;
  return s->need <= c->h[C2S].next_off || half_done(&c->h[C2S]);
}

static void deliver(respcheck_capture_t *cap, rc_conn_t *c, int dir) {
  rc_half_t *h = &c->h[dir];
  rc_seg_t *s;
  while ((s = h->q) != NULL && s->off == h->next_off && !h->ended &&
         may_go(c, dir, s)) {
    h->q = s->next;
    held_sub(cap, c, seg_held(s));
    if (s->hole)
      gap_now(cap, c, dir, s->len, s->frame, RESPCHECK_CAPTURE_GAP_SNAPLEN);
    else
      deliver_now(cap, c, dir, s->data, s->len, s->frame, s->ack);
    free(s);
  }
  if (h->fin && !h->ended && h->next_off >= h->fin_off)
    end_half(cap, c, dir, RESPCHECK_CAPTURE_END_FIN);
}

/* Client bytes moved: server bytes waiting for them may go. */
static void deliver_both(respcheck_capture_t *cap, rc_conn_t *c, int dir) {
  deliver(cap, c, dir);
  if (dir == C2S)
    deliver(cap, c, S2C);
}

/* Skips the hole at the front of dir's queue (or up to `upto` when the
 * queue is empty), as a gap of the given reason, then delivers. Returns 1
 * when something moved. */
static int skip_hole(respcheck_capture_t *cap, rc_conn_t *c, int dir,
                     uint64_t upto, int reason) {
  rc_half_t *h = &c->h[dir];
  uint64_t to = h->q ? h->q->off : upto;
  if (h->ended || to <= h->next_off)
    return 0;
  gap_now(cap, c, dir, to - h->next_off, cap->frame, reason);
  deliver_both(cap, c, dir);
  return 1;
}

/* Server bytes held for client bytes that are not there: skip the client's
 * hole up to what they wait for. */
static int unblock_server(respcheck_capture_t *cap, rc_conn_t *c, int reason) {
  rc_half_t *s = &c->h[S2C];
  if (s->q == NULL || s->q->off != s->next_off || may_go(c, S2C, s->q))
    return 0;
  return skip_hole(cap, c, C2S, s->q->need, reason);
}

/* Makes room for `more` held bytes in c: holes become gaps (capture-limit)
 * until c holds little enough. */
static void make_room(respcheck_capture_t *cap, rc_conn_t *c, size_t more) {
  int rounds;
  for (rounds = 0; rounds < 64; rounds++) {
    int moved = 0;
    if (c->held + more <= cap->opts.max_held_bytes &&
        cap->tcp.held_total + more <= cap->opts.max_held_total)
      return;
    if (c->held == 0)
      break;
    c->limit_hit = 1;
    moved |= skip_hole(cap, c, C2S, 0, RESPCHECK_CAPTURE_GAP_LIMIT);
    moved |= unblock_server(cap, c, RESPCHECK_CAPTURE_GAP_LIMIT);
    moved |= skip_hole(cap, c, S2C, 0, RESPCHECK_CAPTURE_GAP_LIMIT);
    if (!moved)
      break;
  }
  /* Still over the total: the other connections give way, oldest first. */
  while (cap->tcp.held_total + more > cap->opts.max_held_total) {
    rc_conn_t *o;
    int moved = 0;
    for (o = cap->tcp.lru_first; o && !moved; o = o->next) {
      if (o == c || o->held == 0)
        continue;
      o->limit_hit = 1;
      moved |= skip_hole(cap, o, C2S, 0, RESPCHECK_CAPTURE_GAP_LIMIT);
      moved |= unblock_server(cap, o, RESPCHECK_CAPTURE_GAP_LIMIT);
      moved |= skip_hole(cap, o, S2C, 0, RESPCHECK_CAPTURE_GAP_LIMIT);
    }
    if (!moved)
      break;
  }
}

/* ------------------------------------------------------------------------ */
/* Queueing, with overlaps. */

/* Compares the overlap of a new copy with a queued piece. */
static void compare_queued(respcheck_capture_t *cap, rc_conn_t *c, int dir,
                           const rc_seg_t *q, uint64_t off,
                           const unsigned char *data, uint64_t from,
                           uint64_t to) {
  uint64_t lo = 0, hi = 0;
  if (q->hole || data == NULL)
    return;
  diff_span(q->data + (from - q->off), data + (from - off), (size_t)(to - from),
            from, &lo, &hi);
  report_diff(cap, c, dir, lo, hi, q->frame);
}

/* Queues [off, off + len) (data NULL: a snap-length hole) where nothing is
 * queued yet; where a queued hole lies, real bytes replace it. */
static void enqueue(respcheck_capture_t *cap, rc_conn_t *c, int dir,
                    uint64_t off, const unsigned char *data, size_t len,
                    uint64_t need, uint64_t ack) {
  rc_half_t *h = &c->h[dir];
  rc_seg_t **pp = &h->q, *q, *n;
  uint64_t end = off + len, cur = off;
  int hole = data == NULL;

  while (cur < end) {
    q = *pp;
    if (q == NULL || q->off >= end) {
      /* The rest fits before q (or at the end). */
      n = seg_new(cur, hole ? NULL : data + (cur - off), (size_t)(end - cur),
                  cap->frame, need, ack, hole);
      if (n == NULL)
        return;
      n->next = q;
      *pp = n;
      held_add(cap, c, seg_held(n));
      return;
    }
    if (q->off + q->len <= cur) {
      pp = &q->next;
      continue;
    }
    if (q->off > cur) {
      /* New bytes before q. */
      n = seg_new(cur, hole ? NULL : data + (cur - off), (size_t)(q->off - cur),
                  cap->frame, need, ack, hole);
      if (n == NULL)
        return;
      n->next = q;
      *pp = n;
      held_add(cap, c, seg_held(n));
      pp = &n->next;
      cur = q->off;
      continue;
    }
    /* q overlaps [cur, ...). */
    {
      uint64_t oend = q->off + q->len < end ? q->off + q->len : end;
      if (q->hole && !hole) {
        /* Real bytes for a hole: split the hole around them. */
        uint64_t qend = q->off + q->len;
        rc_seg_t *after = NULL, *mid;
        if (qend > oend) {
          after = seg_new(oend, NULL, (size_t)(qend - oend), q->frame, 0, 0, 1);
          if (after == NULL)
            return;
        }
        mid = seg_new(cur, data + (cur - off), (size_t)(oend - cur), cap->frame,
                      need, ack, 0);
        if (mid == NULL) {
          free(after);
          return;
        }
        if (q->off < cur) {
          q->len = (size_t)(cur - q->off);
          mid->next = after ? after : q->next;
          if (after)
            after->next = q->next;
          q->next = mid;
          pp = &mid->next;
        } else {
          mid->next = after ? after : q->next;
          if (after)
            after->next = q->next;
          *pp = mid;
          free(q);
          pp = &mid->next;
        }
        held_add(cap, c, seg_held(mid));
      } else {
        compare_queued(cap, c, dir, q, off, data, cur, oend);
        pp = &q->next;
      }
      cur = oend;
    }
  }
}

/* ------------------------------------------------------------------------ */
/* Connections. */

static void free_half(respcheck_capture_t *cap, rc_conn_t *c, rc_half_t *h) {
  rc_seg_t *s = h->q, *n;
  for (; s; s = n) {
    n = s->next;
    held_sub(cap, c, seg_held(s));
    free(s);
  }
  h->q = NULL;
  free(h->ring);
  h->ring = NULL;
}

/* Everything held goes out (holes as gaps), then the trailing bytes known
 * to exist become a gap, then both directions end and the connection
 * closes. */
static void finish_conn(respcheck_capture_t *cap, rc_conn_t *c, int reason,
                        int gap_reason) {
  int dir, i;
  c->flushing = 1;
  for (i = 0; i < 2; i++) {
    dir = i == 0 ? C2S : S2C;
    while (c->h[dir].q && !c->h[dir].ended) {
      if (!skip_hole(cap, c, dir, 0, gap_reason))
        deliver(cap, c, dir);
    }
  }
  for (i = 0; i < 2; i++) {
    rc_half_t *h = &c->h[i];
    uint64_t known = h->max_end;
    int why = gap_reason;
    if (h->ended || !h->known)
      continue;
    if (h->fin && h->fin_off > known)
      known = h->fin_off;
    if (h->acked_valid && h->acked > known) {
      known = h->acked;
      why = RESPCHECK_CAPTURE_GAP_ACKED;
    }
    if (h->fin && known > h->fin_off)
      known = h->fin_off; /* the FIN's own sequence number is no byte */
    if (known > h->next_off)
      gap_now(cap, c, i, known - h->next_off, cap->frame, why);
    end_half(cap, c, i,
             h->fin && h->next_off >= h->fin_off ? RESPCHECK_CAPTURE_END_FIN
                                                 : reason);
  }
  for (i = 0; i < 2; i++)
    if (!c->h[i].ended)
      end_half(cap, c, i, reason);
  emit(cap, c, RESPCHECK_CAPTURE_CLOSE, 0, 0, 0, NULL, cap->frame, 0,
       RESPCHECK_CAPTURE_NO_ACK, reason);
  free_half(cap, c, &c->h[0]);
  free_half(cap, c, &c->h[1]);
}

static void forget(respcheck_capture_t *cap, rc_conn_t *c) {
  rc_tcp_t *t = &cap->tcp;
  hash_remove(t, c);
  list_unlink(&t->dead_first, &t->dead_last, c);
  t->dead--;
  free(c);
}

/* Closes c and keeps it, without its buffers, to drop its late packets. */
static void close_conn(respcheck_capture_t *cap, rc_conn_t *c, int reason,
                       int gap_reason) {
  rc_tcp_t *t = &cap->tcp;
  if (c->state != RC_OPEN)
    return;
  finish_conn(cap, c, reason, gap_reason);
  c->state = RC_DEAD;
  list_unlink(&t->lru_first, &t->lru_last, c);
  t->open--;
  cap->stats.open_flows = t->open;
  list_append(&t->dead_first, &t->dead_last, c);
  t->dead++;
  /* Closed ones are small: keep as many as may be open, and at least
   * RC_MIN_DEAD, so an evicted connection's later packets are dropped
   * rather than read as a new one. */
  while (t->dead > cap->opts.max_connections && t->dead > RC_MIN_DEAD)
    forget(cap, t->dead_first);
}

/* Which side serves, for a connection seen without its handshake: the side
 * that sends a status line, or the one that sends a request line, else by
 * the ports. Returns 1 when the segment's sender is the server. */
static int sender_is_server(const rc_segment_t *s, unsigned *flags) {
  static const uint16_t http_ports[] = {80,   443,  3128, 8000, 8008,
                                        8080, 8081, 8443, 8888};
  size_t i, n = s->caplen;
  int sp = 0, dp = 0;
  if (n >= 5 && memcmp(s->payload, "HTTP/", 5) == 0)
    return 1;
  for (i = 0; i < n && i < 20 && s->payload[i] >= 'A' && s->payload[i] <= 'Z';
       i++)
    ;
  if (i > 0 && i < n && s->payload[i] == ' ')
    return 0;
  *flags |= RESPCHECK_CAPTURE_FLOW_GUESSED;
  for (i = 0; i < sizeof http_ports / sizeof http_ports[0]; i++) {
    sp |= s->sport == http_ports[i];
    dp |= s->dport == http_ports[i];
  }
  if (sp != dp)
    return sp;
  if (s->sport != s->dport)
    return s->sport < s->dport;
  return 0;
}

static rc_conn_t *new_conn(respcheck_capture_t *cap, const rc_segment_t *s,
                           uint32_t h, int *dir) {
  rc_tcp_t *t = &cap->tcp;
  rc_conn_t *c;
  size_t alen = s->family == 6 ? 16 : 4;
  unsigned flags = 0;
  int server_sends;

  if (s->flags & RC_TCP_SYN)
    server_sends = (s->flags & RC_TCP_ACK) != 0;
  else {
    flags |= RESPCHECK_CAPTURE_FLOW_MIDSTREAM;
    server_sends = sender_is_server(s, &flags);
  }
  while (t->open >= cap->opts.max_connections && t->lru_first) {
    rc_conn_t *old = t->lru_first;
    old->limit_hit = 1;
    cap->stats.evicted++;
    close_conn(cap, old, RESPCHECK_CAPTURE_END_EVICTED,
               RESPCHECK_CAPTURE_GAP_LIMIT);
  }
  c = calloc(1, sizeof *c);
  if (c == NULL)
    return NULL;
  c->hash = h;
  c->flow.id = t->next_flow++;
  c->flow.first_frame = cap->frame;
  c->flow.family = s->family;
  c->flow.flags = flags;
  if (server_sends) {
    memcpy(c->flow.server_addr, s->src, alen);
    memcpy(c->flow.client_addr, s->dst, alen);
    c->flow.server_port = s->sport;
    c->flow.client_port = s->dport;
    *dir = S2C;
  } else {
    memcpy(c->flow.client_addr, s->src, alen);
    memcpy(c->flow.server_addr, s->dst, alen);
    c->flow.client_port = s->sport;
    c->flow.server_port = s->dport;
    *dir = C2S;
  }
  c->hnext = t->buckets[h & (t->nbuckets - 1)];
  t->buckets[h & (t->nbuckets - 1)] = c;
  list_append(&t->lru_first, &t->lru_last, c);
  t->open++;
  cap->stats.flows++;
  cap->stats.open_flows = t->open;
  emit(cap, c, RESPCHECK_CAPTURE_OPEN, 0, 0, 0, NULL, cap->frame, 0,
       RESPCHECK_CAPTURE_NO_ACK, 0);
  return c;
}

/* The offset of sequence number seq in h (h->known). */
static int64_t seq_off(const rc_half_t *h, uint32_t seq) {
  return (int64_t)h->next_off + (int32_t)(seq - h->next_seq);
}

static void set_base(rc_half_t *h, uint32_t seq) {
  h->known = 1;
  h->next_seq = seq;
  h->next_off = 0;
  h->ring_from = 0;
}

/* Both FINs are in and acknowledged: nothing more can come. */
static int all_over(const rc_conn_t *c) {
  int i;
  for (i = 0; i < 2; i++) {
    const rc_half_t *h = &c->h[i];
    if (!h->fin || !h->acked_valid || h->acked < h->fin_off)
      return 0;
  }
  return 1;
}

void respcheck__tcp_input(respcheck_capture_t *cap, const rc_segment_t *s) {
  rc_tcp_t *t = &cap->tcp;
  uint32_t hash = seg_hash(s);
  int dir = 0, syn = (s->flags & RC_TCP_SYN) != 0;
  int ackf = (s->flags & RC_TCP_ACK) != 0;
  rc_conn_t *c = lookup(t, s, hash, &dir);
  rc_half_t *h, *peer;
  uint32_t seq = s->seq;
  int64_t off64;
  uint64_t off, wire_end, need = 0, ack_off = RESPCHECK_CAPTURE_NO_ACK;
  size_t caplen = s->caplen, wire = s->wire_len;
  const unsigned char *data = s->payload;

  if (c != NULL && c->state == RC_DEAD) {
    /* A new SYN on a closed 4-tuple starts a new connection; anything else
     * is a late packet of the old one. */
    if (!(syn && !ackf))
      return;
    forget(cap, c);
    c = NULL;
  } else if (c != NULL && syn && !ackf &&
             (dir != C2S || !c->syn_seen || s->seq != c->client_isn)) {
    /* The 4-tuple reused before the capture showed the old one close (or
     * the old one was seen without its handshake). */
    close_conn(cap, c, RESPCHECK_CAPTURE_END_REUSED,
               RESPCHECK_CAPTURE_GAP_MISSING);
    forget(cap, c);
    c = NULL;
  }
  if (c == NULL) {
    /* Only a SYN or a segment with bytes opens a connection: a lone ACK,
     * FIN or RST of an unknown one says nothing worth reading. */
    if ((s->flags & RC_TCP_RST) || (!syn && caplen == 0))
      return;
    c = new_conn(cap, s, hash, &dir);
    if (c == NULL)
      return;
  } else if (c != t->lru_last) {
    list_unlink(&t->lru_first, &t->lru_last, c);
    list_append(&t->lru_first, &t->lru_last, c);
  }
  h = &c->h[dir];
  peer = &c->h[dir ^ 1];

  if (syn) {
    if (!h->known) {
      set_base(h, seq + 1);
      if (dir == C2S) {
        c->syn_seen = 1;
        c->client_isn = seq;
      }
    }
    if (dir == S2C && ackf && !peer->known)
      set_base(peer, s->ack); /* the SYN-ACK tells the client's start */
    seq += 1;                 /* the SYN takes a sequence number */
  } else if (!h->known) {
    set_base(h, seq);
  }
  if (ackf && !syn && !peer->known && c->syn_seen && dir == C2S)
    set_base(peer, s->ack); /* the handshake's ACK: the server's start */

  if (ackf && peer->known) {
    int64_t a = seq_off(peer, s->ack);
    if (a >= 0) {
      ack_off = (uint64_t)a;
      if (!peer->acked_valid || ack_off > peer->acked) {
        peer->acked = ack_off;
        peer->acked_valid = 1;
      }
      if (dir == S2C)
        need = ack_off;
    }
  }

  off64 = seq_off(h, seq);
  if (off64 < 0) {
    /* Bytes from before the start: drop what lies there. */
    uint64_t cut = (uint64_t)(-off64);
    if (cut >= wire) {
      caplen = wire = 0;
    } else {
      size_t cc = cut < caplen ? (size_t)cut : caplen;
      data += cc;
      caplen -= cc;
      wire -= (size_t)cut;
    }
    off64 = 0;
  }
  off = (uint64_t)off64;
  wire_end = off + wire;
  if (wire > 0 && wire_end > h->max_end)
    h->max_end = wire_end;
  if ((s->flags & RC_TCP_FIN) && !h->fin) {
    h->fin = 1;
    h->fin_off = wire_end;
  }

  if (wire > 0 && !h->ended) {
    /* What was delivered already: compared, then dropped. */
    if (off < h->next_off) {
      uint64_t dup = h->next_off - off;
      if (dup > caplen)
        dup = caplen;
      compare_retained(cap, c, dir, off, data, (size_t)dup);
      if (h->next_off - off >= wire) {
        caplen = wire = 0;
      } else {
        size_t d = (size_t)(h->next_off - off);
        size_t dc = d < caplen ? d : caplen;
        data += dc;
        caplen -= dc;
        wire -= d;
        off = h->next_off;
      }
    }
  } else {
    caplen = wire = 0;
  }

  if (wire > 0) {
    if (off == h->next_off && h->q == NULL &&
        (dir == C2S || c->flushing || need == 0 || need <= c->h[C2S].next_off ||
         half_done(&c->h[C2S]))) {
      /* In order and nothing held: straight from the packet. */
      if (caplen > 0)
        deliver_now(cap, c, dir, data, caplen, cap->frame, ack_off);
      if (wire > caplen) {
        gap_now(cap, c, dir, wire - caplen, cap->frame,
                RESPCHECK_CAPTURE_GAP_SNAPLEN);
      }
      if (dir == C2S)
        deliver(cap, c, S2C);
    } else {
      make_room(cap, c, caplen);
      if (off < h->next_off) {
        /* make_room delivered past part of it. */
        uint64_t d = h->next_off - off;
        if (d >= wire) {
          caplen = wire = 0;
        } else {
          size_t dc = d < caplen ? (size_t)d : caplen;
          data += dc;
          caplen -= dc;
          wire -= (size_t)d;
          off = h->next_off;
        }
      }
      if (caplen > 0)
        enqueue(cap, c, dir, off, data, caplen, need, ack_off);
      if (wire > caplen)
        enqueue(cap, c, dir, off + caplen, NULL, wire - caplen, need, ack_off);
      deliver_both(cap, c, dir);
    }
  }
  /* A FIN with nothing before it ends the direction. */
  if (h->fin && !h->ended && h->next_off >= h->fin_off && h->q == NULL)
    end_half(cap, c, dir, RESPCHECK_CAPTURE_END_FIN);

  if (s->flags & RC_TCP_RST) {
    close_conn(cap, c, RESPCHECK_CAPTURE_END_RST,
               RESPCHECK_CAPTURE_GAP_MISSING);
    return;
  }
  if ((c->h[0].ended && c->h[1].ended) || all_over(c))
    close_conn(cap, c, RESPCHECK_CAPTURE_END_FIN,
               RESPCHECK_CAPTURE_GAP_MISSING);
}

static int cmp_flow(const void *a, const void *b) {
  const rc_conn_t *x = *(rc_conn_t *const *)a, *y = *(rc_conn_t *const *)b;
  return x->flow.id < y->flow.id ? -1 : x->flow.id > y->flow.id;
}

void respcheck__tcp_end(respcheck_capture_t *cap) {
  rc_tcp_t *t = &cap->tcp;
  rc_conn_t **all, *c;
  size_t n = 0, i;
  /* In flow order, so that the output does not depend on activity. */
  all = t->open ? malloc(t->open * sizeof *all) : NULL;
  if (all != NULL) {
    for (c = t->lru_first; c; c = c->next)
      all[n++] = c;
    qsort(all, n, sizeof *all, cmp_flow);
    for (i = 0; i < n; i++)
      close_conn(cap, all[i], RESPCHECK_CAPTURE_END_EOF,
                 RESPCHECK_CAPTURE_GAP_MISSING);
    free(all);
  }
  while (t->lru_first)
    close_conn(cap, t->lru_first, RESPCHECK_CAPTURE_END_EOF,
               RESPCHECK_CAPTURE_GAP_MISSING);
  while (t->dead_first)
    forget(cap, t->dead_first);
}

void respcheck__tcp_free(respcheck_capture_t *cap) {
  rc_tcp_t *t = &cap->tcp;
  rc_conn_t *c;
  /* Without events: the caller is going away. */
  cap->cb = NULL;
  while ((c = t->lru_first) != NULL) {
    free_half(cap, c, &c->h[0]);
    free_half(cap, c, &c->h[1]);
    list_unlink(&t->lru_first, &t->lru_last, c);
    hash_remove(t, c);
    free(c);
  }
  t->open = 0;
  while (t->dead_first)
    forget(cap, t->dead_first);
  free(t->buckets);
  t->buckets = NULL;
}
