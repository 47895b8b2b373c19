/* SPDX-License-Identifier: MIT */
/*
 * What the capture component's files share: the reader's state, the TCP
 * segment handed from the IP layer (decode.c, frag.c) to the reassembler
 * (tcp.c), and the reassembler's connection table. Not installed.
 */
#ifndef RESPCHECK_CAPTURE_INTERNAL_H
#define RESPCHECK_CAPTURE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "capture.h"

/* TCP header flags (RFC 9293 3.1). */
#define RC_TCP_FIN 0x01u
#define RC_TCP_SYN 0x02u
#define RC_TCP_RST 0x04u
#define RC_TCP_ACK 0x10u

/* One TCP segment as the IP layer found it. */
typedef struct rc_segment {
  int family;                     /* 4 or 6 */
  const unsigned char *src, *dst; /* 4 or 16 bytes */
  uint16_t sport, dport;
  uint32_t seq, ack;
  unsigned flags;
  const unsigned char *payload;
  size_t caplen;   /* payload bytes captured */
  size_t wire_len; /* payload bytes sent (the IP header's length) */
} rc_segment_t;

/* ------------------------------------------------------------------------ */
/* IP fragments (frag.c). */

typedef struct rc_datagram rc_datagram_t;

typedef struct rc_frags {
  rc_datagram_t *first, *last; /* oldest first */
  size_t count;
  size_t bytes; /* buffers allocated */
} rc_frags_t;

/* A fragment of the datagram (family, src, dst, id, proto): payload bytes
 * [offset, offset + len) of it; more: more fragments follow. When the
 * datagram is whole, calls respcheck__ip_payload with it. */
void respcheck__frag_input(respcheck_capture_t *cap, int family,
                           const unsigned char *src, const unsigned char *dst,
                           uint32_t id, int proto, size_t offset,
                           const unsigned char *data, size_t len, int more);
void respcheck__frag_clear(respcheck_capture_t *cap);

/* The payload of a whole IP datagram (decode.c): proto is the transport
 * protocol, or for IPv6 the next header after the fragment header (more
 * extension headers may follow). */
void respcheck__ip_payload(respcheck_capture_t *cap, int family,
                           const unsigned char *src, const unsigned char *dst,
                           int proto, const unsigned char *data, size_t caplen,
                           size_t wire_len);

/* ------------------------------------------------------------------------ */
/* TCP reassembly (tcp.c). */

typedef struct rc_conn rc_conn_t;

typedef struct rc_tcp {
  rc_conn_t **buckets;
  size_t nbuckets; /* a power of two */
  /* Open connections, least recently active first; closed ones kept to
   * drop their late packets, oldest first. */
  rc_conn_t *lru_first, *lru_last;
  rc_conn_t *dead_first, *dead_last;
  size_t open, dead;
  uint64_t next_flow;
  size_t held_total;
} rc_tcp_t;

int respcheck__tcp_init(respcheck_capture_t *cap);
void respcheck__tcp_input(respcheck_capture_t *cap, const rc_segment_t *seg);
/* Ends every open connection (END_EOF) and forgets the closed ones. */
void respcheck__tcp_end(respcheck_capture_t *cap);
void respcheck__tcp_free(respcheck_capture_t *cap);

/* ------------------------------------------------------------------------ */

struct respcheck_capture {
  respcheck_capture_options_t opts;
  respcheck_capture_event_cb cb;
  void *user;
  uint64_t frame; /* of the packet being read */
  respcheck_capture_stats_t stats;
  rc_frags_t frags;
  rc_tcp_t tcp;
};

/* Checks capture options; 0 when valid. */
int respcheck__capture_options_valid(const respcheck_capture_options_t *o);

#endif /* RESPCHECK_CAPTURE_INTERNAL_H */
