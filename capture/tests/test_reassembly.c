/* SPDX-License-Identifier: MIT */
/*
 * Reassembly does not depend on the order of segments: one connection's
 * segments (cut at random places, some sent twice, some overlapping with
 * the same bytes) fed in many random orders after the handshake always
 * give the same two streams, with no gap and no conflict; the server's
 * bytes never come before the client bytes they acknowledge. Also with
 * sequence numbers that wrap inside the data, and then with a conflicting
 * copy (reported, first copy kept) and a missing segment (a gap).
 * Packets are built here as raw IPv4 (no pcap file involved).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"

#define CLEN 700
#define SLEN 9000
#define MAXSEG 256

typedef struct seg {
  int from_client;
  uint32_t off, len;
  unsigned flags;
  uint32_t ack_off; /* the peer's offset acknowledged */
  int alt;          /* send other bytes (a conflicting copy) */
} seg_t;

typedef struct world {
  unsigned char cdata[CLEN], sdata[SLEN];
  uint32_t cisn, sisn;
  seg_t segs[MAXSEG];
  size_t nsegs;
  /* What the events gave. */
  unsigned char got[2][SLEN];
  uint64_t next[2];
  int gaps, conflicts, opens, closes, ended[2];
  int early_server; /* server bytes before the client bytes they ack */
  uint64_t conflict_off;
} world_t;

static uint64_t rng_state;
static uint32_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state >> 16);
}

static void put16(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}
static void put32(unsigned char *p, uint32_t v) {
  put16(p, v >> 16);
  put16(p + 2, v & 0xffff);
}

/* An IPv4 + TCP packet (checksums zero: they are not checked). */
static size_t packet(unsigned char *buf, int from_client, uint32_t seq,
                     uint32_t ack, unsigned flags, const unsigned char *data,
                     size_t len) {
  static const unsigned char a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
  size_t total = 40 + len;
  memset(buf, 0, 40);
  buf[0] = 0x45;
  put16(buf + 2, (unsigned)total);
  buf[8] = 64;
  buf[9] = 6;
  memcpy(buf + 12, from_client ? a : b, 4);
  memcpy(buf + 16, from_client ? b : a, 4);
  put16(buf + 20, from_client ? 40000 : 80);
  put16(buf + 22, from_client ? 80 : 40000);
  put32(buf + 24, seq);
  put32(buf + 28, ack);
  buf[32] = 5 << 4;
  buf[33] = (unsigned char)flags;
  put16(buf + 34, 65535);
  if (len > 0)
    memcpy(buf + 40, data, len);
  return total;
}

static void on_event(void *user, const respcheck_capture_event_t *ev) {
  world_t *w = user;
  int d = ev->dir == RESPCHECK_CAPTURE_TO_CLIENT;
  switch (ev->type) {
  case RESPCHECK_CAPTURE_OPEN:
    w->opens++;
    break;
  case RESPCHECK_CAPTURE_DATA:
    cr_assert_eq(ev->offset, w->next[d], "dir %d: data at %llu, not %llu", d,
                 (unsigned long long)ev->offset,
                 (unsigned long long)w->next[d]);
    cr_assert_leq(ev->offset + ev->length, (uint64_t)(d ? SLEN : CLEN));
    memcpy(w->got[d] + ev->offset, ev->data, (size_t)ev->length);
    w->next[d] += ev->length;
    if (d && ev->ack != RESPCHECK_CAPTURE_NO_ACK && ev->ack > w->next[0])
      w->early_server = 1;
    break;
  case RESPCHECK_CAPTURE_GAP:
    cr_assert_eq(ev->offset, w->next[d]);
    w->gaps++;
    w->next[d] += ev->length;
    break;
  case RESPCHECK_CAPTURE_CONFLICT:
    w->conflicts++;
    w->conflict_off = ev->offset;
    break;
  case RESPCHECK_CAPTURE_END:
    w->ended[d]++;
    break;
  case RESPCHECK_CAPTURE_CLOSE:
    w->closes++;
    break;
  }
}

/* Cuts [0, total) into segments of 1..max bytes, some sent twice, some
 * doubled by a copy that overlaps the next one. */
static void cut(world_t *w, int from_client, uint32_t total, uint32_t max,
                uint32_t peer_total) {
  uint32_t at = 0;
  while (at < total && w->nsegs + 3 < MAXSEG) {
    uint32_t len = 1 + rnd() % max;
    seg_t s;
    if (len > total - at)
      len = total - at;
    memset(&s, 0, sizeof s);
    s.from_client = from_client;
    s.off = at;
    s.len = len;
    s.flags = 0x18; /* PSH ACK */
    /* The client acks nothing new; the server acks the whole request. */
    s.ack_off = from_client ? 0 : peer_total;
    w->segs[w->nsegs++] = s;
    if (rnd() % 5 == 0)
      w->segs[w->nsegs++] = s; /* a duplicate */
    if (rnd() % 5 == 0 && at + len < total) {
      seg_t o = s; /* an overlapping copy with the same bytes */
      o.off = at + len / 2;
      o.len = len;
      if (o.off + o.len > total)
        o.len = total - o.off;
      w->segs[w->nsegs++] = o;
    }
    at += len;
  }
}

static void shuffle(seg_t *s, size_t n) {
  size_t i;
  for (i = n; i > 1; i--) {
    size_t j = rnd() % i;
    seg_t t = s[i - 1];
    s[i - 1] = s[j];
    s[j] = t;
  }
}

/* Feeds the handshake, the segments in their order, then both FINs. */
static void feed(world_t *w, respcheck_capture_t *cap) {
  static unsigned char buf[40 + SLEN];
  static unsigned char alt[SLEN];
  size_t i, n;
  uint32_t c0 = w->cisn + 1, s0 = w->sisn + 1;
  n = packet(buf, 1, w->cisn, 0, 0x02, NULL, 0);
  respcheck_capture_packet(cap, RESPCHECK_CAPTURE_DLT_RAW, buf, n, n);
  n = packet(buf, 0, w->sisn, c0, 0x12, NULL, 0);
  respcheck_capture_packet(cap, RESPCHECK_CAPTURE_DLT_RAW, buf, n, n);
  n = packet(buf, 1, c0, s0, 0x10, NULL, 0);
  respcheck_capture_packet(cap, RESPCHECK_CAPTURE_DLT_RAW, buf, n, n);
  for (i = 0; i < w->nsegs; i++) {
    const seg_t *s = &w->segs[i];
    const unsigned char *src = (s->from_client ? w->cdata : w->sdata) + s->off;
    if (s->alt) {
      size_t k;
      for (k = 0; k < s->len; k++)
        alt[k] = (unsigned char)(src[k] ^ 0x5a);
      src = alt;
    }
    n = packet(buf, s->from_client, (s->from_client ? c0 : s0) + s->off,
               (s->from_client ? s0 : c0) + s->ack_off, s->flags, src, s->len);
    respcheck_capture_packet(cap, RESPCHECK_CAPTURE_DLT_RAW, buf, n, n);
  }
  /* FINs and their ACKs: the connection closes. */
  n = packet(buf, 0, s0 + SLEN, c0 + CLEN, 0x11, NULL, 0);
  respcheck_capture_packet(cap, RESPCHECK_CAPTURE_DLT_RAW, buf, n, n);
  n = packet(buf, 1, c0 + CLEN, s0 + SLEN + 1, 0x11, NULL, 0);
  respcheck_capture_packet(cap, RESPCHECK_CAPTURE_DLT_RAW, buf, n, n);
  n = packet(buf, 0, s0 + SLEN + 1, c0 + CLEN + 1, 0x10, NULL, 0);
  respcheck_capture_packet(cap, RESPCHECK_CAPTURE_DLT_RAW, buf, n, n);
}

static void run_world(world_t *w) {
  respcheck_capture_t *cap = respcheck_capture_new(NULL, on_event, w);
  cr_assert_not_null(cap);
  memset(w->got, 0, sizeof w->got);
  memset(w->next, 0, sizeof w->next);
  w->gaps = w->conflicts = w->opens = w->closes = 0;
  w->ended[0] = w->ended[1] = 0;
  w->early_server = 0;
  feed(w, cap);
  respcheck_capture_end(cap);
  respcheck_capture_free(cap);
}

static void make_world(world_t *w, uint32_t cisn, uint32_t sisn) {
  size_t i;
  memset(w, 0, sizeof *w);
  for (i = 0; i < CLEN; i++)
    w->cdata[i] = (unsigned char)rnd();
  for (i = 0; i < SLEN; i++)
    w->sdata[i] = (unsigned char)rnd();
  w->cisn = cisn;
  w->sisn = sisn;
  cut(w, 1, CLEN, 90, 0);
  cut(w, 0, SLEN, 700, CLEN);
}

static void check_whole(const world_t *w, unsigned perm) {
  cr_assert_eq(w->opens, 1, "permutation %u", perm);
  cr_assert_eq(w->closes, 1, "permutation %u", perm);
  cr_assert_eq(w->ended[0], 1);
  cr_assert_eq(w->ended[1], 1);
  cr_assert_eq(w->gaps, 0, "permutation %u: %d gaps", perm, w->gaps);
  cr_assert_eq(w->conflicts, 0, "permutation %u", perm);
  cr_assert_eq(w->next[0], CLEN, "permutation %u", perm);
  cr_assert_eq(w->next[1], SLEN, "permutation %u", perm);
  cr_assert_eq(memcmp(w->got[0], w->cdata, CLEN), 0, "permutation %u", perm);
  cr_assert_eq(memcmp(w->got[1], w->sdata, SLEN), 0, "permutation %u", perm);
  cr_assert_eq(w->early_server, 0, "permutation %u", perm);
}

static world_t world;

static void permutations(uint32_t cisn, uint32_t sisn, uint64_t seed) {
  unsigned perm;
  rng_state = seed;
  make_world(&world, cisn, sisn);
  run_world(&world); /* in order */
  check_whole(&world, 0);
  for (perm = 1; perm <= 300; perm++) {
    shuffle(world.segs, world.nsegs);
    run_world(&world);
    check_whole(&world, perm);
  }
}

Test(reassembly, any_order_gives_the_same_streams) {
  permutations(1000, 5000, 0x9e3779b97f4a7c15ull);
}

Test(reassembly, any_order_across_wraparound) {
  /* Both streams cross 2^32 in the middle. */
  permutations(0xffffffffu - CLEN / 2, 0xffffffffu - SLEN / 2,
               0x2545f4914f6cdd1dull);
}

Test(reassembly, a_differing_copy_is_reported_and_the_first_kept) {
  unsigned perm;
  rng_state = 42;
  make_world(&world, 7, 0xfffff000u);
  for (perm = 0; perm < 100; perm++) {
    size_t i, first = world.nsegs, k;
    seg_t bad;
    shuffle(world.segs, world.nsegs);
    /* A differing copy of some server segment, after its first copy. */
    for (i = 0; i < world.nsegs && first == world.nsegs; i++)
      if (!world.segs[i].from_client)
        first = i;
    cr_assert(first < world.nsegs);
    bad = world.segs[first];
    bad.alt = 1;
    k = first + 1 + rnd() % (world.nsegs - first);
    memmove(&world.segs[k + 1], &world.segs[k],
            (world.nsegs - k) * sizeof world.segs[0]);
    world.segs[k] = bad;
    world.nsegs++;
    run_world(&world);
    cr_assert_eq(memcmp(world.got[1], world.sdata, SLEN), 0, "permutation %u",
                 perm);
    cr_assert_geq(world.conflicts, 1, "permutation %u", perm);
    cr_assert_eq(world.conflict_off, bad.off, "permutation %u", perm);
    /* Take it out again for the next round. */
    memmove(&world.segs[k], &world.segs[k + 1],
            (world.nsegs - k - 1) * sizeof world.segs[0]);
    world.nsegs--;
  }
}

Test(reassembly, a_missing_segment_is_one_gap) {
  unsigned perm;
  rng_state = 7;
  make_world(&world, 123456, 654321);
  for (perm = 0; perm < 100; perm++) {
    size_t i, kept = 0;
    seg_t saved[MAXSEG];
    uint32_t lo = 3000, hi = 3100; /* no copy of these bytes is sent */
    size_t nsaved = world.nsegs;
    memcpy(saved, world.segs, sizeof saved);
    shuffle(world.segs, world.nsegs);
    for (i = 0; i < world.nsegs; i++) {
      seg_t s = world.segs[i];
      if (!s.from_client && s.off < hi && s.off + s.len > lo)
        continue;
      world.segs[kept++] = s;
    }
    world.nsegs = kept;
    run_world(&world);
    cr_assert_eq(world.gaps, 1, "permutation %u: %d gaps", perm, world.gaps);
    cr_assert_eq(world.next[1], SLEN);
    /* Segments are at most 700 bytes: those around the hole are intact. */
    cr_assert_eq(memcmp(world.got[1], world.sdata, lo - 700), 0);
    cr_assert_eq(memcmp(world.got[1] + hi + 700, world.sdata + hi + 700,
                        SLEN - hi - 700),
                 0);
    memcpy(world.segs, saved, sizeof saved);
    world.nsegs = nsaved;
  }
}
