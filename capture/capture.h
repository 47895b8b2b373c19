/* SPDX-License-Identifier: MIT */
/*
 * respcheck capture: pcap and pcapng captures read with libpcap, TCP
 * reassembled here, and each response linted with the request it answers.
 *
 * Two layers, usable apart:
 *
 * 1. The reader (respcheck_capture_t): packets in, a stream of events out.
 *    Link layers (Ethernet with 802.1Q/802.1ad tags, Linux cooked v1 and
 *    v2, BSD loopback, raw IPv4/IPv6), IPv4 and IPv6 with their fragments
 *    put back together, then TCP reassembled per connection and direction
 *    (segments in any order, duplicates dropped, 32-bit wrap-around, the
 *    first copy of a retransmitted byte wins). Events: a connection opened,
 *    bytes of one direction at an offset, a gap (bytes never captured),
 *    bytes retransmitted with other content, a direction ended, the
 *    connection closed. Packets come from a file or memory through libpcap
 *    (respcheck_capture_read_*), or from the caller one by one
 *    (respcheck_capture_packet).
 *
 * 2. The pairing layer (respcheck_capture_http_t): takes those events and
 *    reads the client's side with llhttp's request parser and the server's
 *    side with a respcheck parser, pushing each request's method and
 *    version with respcheck_push_request, so HEAD, CONNECT, HTTP/1.0 and
 *    pipelining come from the capture itself. It hands out the library's
 *    own records (respcheck_response_t, respcheck_finding_t,
 *    respcheck_message_end_t) with the flow, the frame and the request
 *    they belong to, plus findings about the capture itself (capture-gap,
 *    capture-overlap-conflict, capture-midstream, capture-limit).
 *
 * Memory is bounded by the options: open connections, bytes held per
 * connection (out of order, or waiting for the request they answer), all
 * connections together, and IP fragments. Exceeding one is a capture-limit
 * finding, never growth. Connections are parsed as their bytes become
 * contiguous and freed when they close.
 *
 * Threading: no global state; one object is used by one thread at a time.
 */
#ifndef RESPCHECK_CAPTURE_H
#define RESPCHECK_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "respcheck.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Rules about the capture (not the server). They never make a response
 * `reject` on their own, whatever their severity. Findings carry them in
 * respcheck_finding_t.rule as RESPCHECK_CAPTURE_RULE_* values, which lie
 * outside the library's catalogue (respcheck_rule_id() returns NULL for
 * them); use finding->id, or respcheck_capture_rule_id().
 * XX(enum suffix, "id", default severity, "reference", "summary") */
#define RESPCHECK_CAPTURE_RULE_MAP(XX)                                         \
  XX(GAP, "capture-gap", WARNING, "RFC 9293 3.4",                              \
     "bytes of the connection were never captured (acknowledged by the "       \
     "peer, cut by the snap length, or missing at the end)")                   \
  XX(OVERLAP_CONFLICT, "capture-overlap-conflict", WARNING,                    \
     "RFC 9293 3.10.7.4",                                                      \
     "retransmitted bytes differ from the first copy; the first copy is read") \
  XX(MIDSTREAM, "capture-midstream", INFO, "RFC 9293 3.5",                     \
     "the connection starts without a handshake; reading starts at the "       \
     "first status line")                                                      \
  XX(LIMIT, "capture-limit", WARNING, "RFC 9293 3.10.7.4",                     \
     "a capture limit was exceeded (connections, held bytes, fragments); "     \
     "the bytes concerned are skipped")

/* The first capture rule's number: above RESPCHECK_RULE_MAX, so it never
 * collides with the library's catalogue. */
#define RESPCHECK_CAPTURE_RULE_BASE 256

typedef enum respcheck_capture_rule {
#define RESPCHECK_XX(name, id, sev, ref, summary)                              \
  RESPCHECK_CAPTURE_RULE_##name##_INDEX,
  RESPCHECK_CAPTURE_RULE_MAP(RESPCHECK_XX)
#undef RESPCHECK_XX
      RESPCHECK_CAPTURE_RULE_COUNT
} respcheck_capture_rule_index_t;

#define RESPCHECK_CAPTURE_RULE_GAP                                             \
  (RESPCHECK_CAPTURE_RULE_BASE + RESPCHECK_CAPTURE_RULE_GAP_INDEX)
#define RESPCHECK_CAPTURE_RULE_OVERLAP_CONFLICT                                \
  (RESPCHECK_CAPTURE_RULE_BASE + RESPCHECK_CAPTURE_RULE_OVERLAP_CONFLICT_INDEX)
#define RESPCHECK_CAPTURE_RULE_MIDSTREAM                                       \
  (RESPCHECK_CAPTURE_RULE_BASE + RESPCHECK_CAPTURE_RULE_MIDSTREAM_INDEX)
#define RESPCHECK_CAPTURE_RULE_LIMIT                                           \
  (RESPCHECK_CAPTURE_RULE_BASE + RESPCHECK_CAPTURE_RULE_LIMIT_INDEX)

/* For a rule number (RESPCHECK_CAPTURE_RULE_*): its id, reference, summary
 * and default severity; NULL (or OFF) for any other number. */
const char *respcheck_capture_rule_id(int rule);
const char *respcheck_capture_rule_reference(int rule);
const char *respcheck_capture_rule_summary(int rule);
respcheck_severity_t respcheck_capture_rule_default_severity(int rule);
/* The rule number for an id ("capture-gap"), or -1. */
int respcheck_capture_rule_from_id(const char *id, size_t len);
/* 1 when rule is a capture rule number. */
int respcheck_capture_rule_valid(int rule);

/* ------------------------------------------------------------------------ */
/* Options. */

typedef struct respcheck_capture_options {
  /* Connections open at once; one more evicts the least recently active
   * (capture-limit). */
  size_t max_connections;
  /* Bytes held for one connection, both directions: segments after a hole,
   * and server bytes waiting for the request they answer. Past it, the
   * hole is skipped as a gap (capture-limit). At least 65536. */
  size_t max_held_bytes;
  /* The same, all connections together. At least max_held_bytes. */
  size_t max_held_total;
  /* Bytes of each direction kept after they are read, to compare with
   * late retransmissions (capture-overlap-conflict); 0 keeps none. */
  size_t retain_bytes;
  /* IP datagrams being put back together, and their bytes in all. */
  size_t max_fragment_datagrams;
  size_t max_fragment_bytes;
  /* Requests read from the client but not yet answered, per connection;
   * and bytes of a request target kept for the output (longer ones are
   * cut, and marked so). */
  size_t max_pending_requests;
  size_t max_target_length;
  /* Bytes the client sends after a CONNECT or Upgrade request, kept until
   * the response says whether the connection stays HTTP. */
  size_t max_upgrade_bytes;
  /* Severities of the capture rules, by RESPCHECK_CAPTURE_RULE_*_INDEX. */
  unsigned char severity[RESPCHECK_CAPTURE_RULE_COUNT];
} respcheck_capture_options_t;

/* Defaults: 4096 connections, 1 MiB held per connection and 64 MiB in all,
 * 16 KiB retained per direction, 256 datagrams and 4 MiB of fragments, 64
 * pending requests, 8 KiB of target, 64 KiB after an upgrade request, every
 * capture rule at its default severity. */
void respcheck_capture_options_init(respcheck_capture_options_t *opts);
/* Sets a capture rule's severity; RESPCHECK_E_INVAL for another rule. */
respcheck_errno_t
respcheck_capture_options_set_severity(respcheck_capture_options_t *opts,
                                       int rule, respcheck_severity_t sev);

/* ------------------------------------------------------------------------ */
/* Connections ("flows") and events. */

enum respcheck_capture_flow_flags {
  /* The connection's first packet was neither SYN nor SYN-ACK. */
  RESPCHECK_CAPTURE_FLOW_MIDSTREAM = 1 << 0,
  /* Which side is the server was guessed (no SYN, no HTTP bytes to tell),
   * from the ports. */
  RESPCHECK_CAPTURE_FLOW_GUESSED = 1 << 1
};

typedef struct respcheck_capture_flow {
  uint64_t id;          /* 0, 1, ... in the order of first packets */
  uint64_t first_frame; /* 1-based packet number of its first packet */
  int family;           /* 4 or 6 */
  unsigned char client_addr[16], server_addr[16]; /* IPv4 in the first 4 */
  uint16_t client_port, server_port;
  unsigned flags; /* enum respcheck_capture_flow_flags */
  void *user;     /* free for the consumer of the events */
} respcheck_capture_flow_t;

/* "10.0.0.1:41234" or "[2001:db8::1]:80" (server != 0: the server's) into
 * buf, NUL-terminated; returns its length. 64 bytes always suffice. */
size_t respcheck_capture_endpoint(const respcheck_capture_flow_t *flow,
                                  int server, char *buf, size_t size);
#define RESPCHECK_CAPTURE_ENDPOINT_MAX 64

typedef enum respcheck_capture_dir {
  RESPCHECK_CAPTURE_TO_SERVER = 0, /* the client's bytes: requests */
  RESPCHECK_CAPTURE_TO_CLIENT = 1  /* the server's bytes: responses */
} respcheck_capture_dir_t;

typedef enum respcheck_capture_event_type {
  RESPCHECK_CAPTURE_OPEN,     /* a connection starts (flow filled in) */
  RESPCHECK_CAPTURE_DATA,     /* bytes [offset, offset + length) */
  RESPCHECK_CAPTURE_GAP,      /* [offset, offset + length) never captured */
  RESPCHECK_CAPTURE_CONFLICT, /* a copy of [offset, +length) differed */
  RESPCHECK_CAPTURE_END,      /* a direction ended (FIN, RST, end of file) */
  RESPCHECK_CAPTURE_CLOSE     /* the connection is over; flow is freed after */
} respcheck_capture_event_type_t;

/* Why a gap: the reason field of a GAP event. */
typedef enum respcheck_capture_gap_reason {
  RESPCHECK_CAPTURE_GAP_MISSING = 0, /* never in the capture */
  RESPCHECK_CAPTURE_GAP_SNAPLEN,     /* cut by the snap length */
  RESPCHECK_CAPTURE_GAP_ACKED,       /* acknowledged by the peer, at the end */
  RESPCHECK_CAPTURE_GAP_LIMIT        /* skipped: max_held_bytes/_total */
} respcheck_capture_gap_reason_t;

/* How a direction or connection ended: the reason of END and CLOSE. */
typedef enum respcheck_capture_end_reason {
  RESPCHECK_CAPTURE_END_FIN = 0, /* FIN (END); both FINs (CLOSE) */
  RESPCHECK_CAPTURE_END_RST,     /* a reset */
  RESPCHECK_CAPTURE_END_EOF,     /* the capture ended first */
  RESPCHECK_CAPTURE_END_REUSED,  /* a new SYN took its 4-tuple */
  RESPCHECK_CAPTURE_END_EVICTED  /* max_connections (capture-limit) */
} respcheck_capture_end_reason_t;

/* Offsets count bytes of one direction's stream from 0: the byte after the
 * SYN, or the first byte captured when there was no handshake. */
typedef struct respcheck_capture_event {
  respcheck_capture_event_type_t type;
  respcheck_capture_flow_t *flow;
  respcheck_capture_dir_t dir; /* DATA, GAP, CONFLICT, END */
  uint64_t offset;
  uint64_t length;
  const unsigned char *data; /* DATA: valid during the callback only */
  /* DATA: the packet carrying these bytes (one packet per event);
   * CONFLICT: the packet with the differing copy; GAP: the packet at which
   * the gap was found (0 at the end of the file). */
  uint64_t frame;
  /* DATA: the first copy's packet is `frame`; CONFLICT: the first copy's
   * packet (0 when it is no longer known). */
  uint64_t first_frame;
  /* DATA: how far the other direction had been acknowledged by this
   * packet (an offset in the other direction's stream), or
   * RESPCHECK_CAPTURE_NO_ACK. Every byte of the other direction below it
   * has been delivered (or declared a gap) before this event. */
  uint64_t ack;
  int reason; /* GAP: respcheck_capture_gap_reason_t; END, CLOSE:
                 respcheck_capture_end_reason_t */
} respcheck_capture_event_t;

#define RESPCHECK_CAPTURE_NO_ACK UINT64_MAX

typedef void (*respcheck_capture_event_cb)(void *user,
                                           const respcheck_capture_event_t *ev);

/* ------------------------------------------------------------------------ */
/* The reader. */

typedef struct respcheck_capture respcheck_capture_t;

/* A reader that hands every event to cb. opts may be NULL (defaults); it is
 * copied. NULL when out of memory or the options are invalid. */
respcheck_capture_t *
respcheck_capture_new(const respcheck_capture_options_t *opts,
                      respcheck_capture_event_cb cb, void *user);
void respcheck_capture_free(respcheck_capture_t *cap);

/* Link types (DLT_* values as libpcap gives them). */
#define RESPCHECK_CAPTURE_DLT_NULL 0
#define RESPCHECK_CAPTURE_DLT_EN10MB 1
#define RESPCHECK_CAPTURE_DLT_RAW 12 /* also 101 (LINKTYPE_RAW) */
#define RESPCHECK_CAPTURE_DLT_LOOP 108
#define RESPCHECK_CAPTURE_DLT_LINUX_SLL 113
#define RESPCHECK_CAPTURE_DLT_IPV4 228
#define RESPCHECK_CAPTURE_DLT_IPV6 229
#define RESPCHECK_CAPTURE_DLT_LINUX_SLL2 276
/* 1 when the link type is read. */
int respcheck_capture_linktype_supported(int dlt);

/* One packet as captured: caplen bytes of a packet of wire_len bytes, with
 * the link type's header first. The frame number is the count of packets
 * given so far (the first is 1), whatever happens to them. Packets that
 * are not TCP over IP are counted and skipped. */
void respcheck_capture_packet(respcheck_capture_t *cap, int dlt,
                              const unsigned char *data, size_t caplen,
                              size_t wire_len);
/* The end of the capture: what is held is delivered (holes become gaps),
 * and every open connection ends (END_EOF) and closes. Packets given
 * afterwards start afresh (flows are numbered on). */
void respcheck_capture_end(respcheck_capture_t *cap);

/* Counts, for callers and tests. */
typedef struct respcheck_capture_stats {
  uint64_t frames;      /* packets seen */
  uint64_t tcp_packets; /* TCP segments handled (after reassembly of IP) */
  uint64_t skipped;     /* not IP, not TCP, too short, unsupported */
  uint64_t flows;       /* connections opened */
  uint64_t open_flows;  /* open now */
  uint64_t held_bytes;  /* held now, all connections */
  uint64_t peak_held_bytes;
  uint64_t evicted;           /* connections evicted by max_connections */
  uint64_t fragments;         /* IP fragments seen */
  uint64_t fragments_dropped; /* of datagrams never completed */
} respcheck_capture_stats_t;
void respcheck_capture_get_stats(const respcheck_capture_t *cap,
                                 respcheck_capture_stats_t *stats);

/* Reading files with libpcap (pcap and pcapng, told by content). Each
 * reads every packet into cap (respcheck_capture_packet) and then calls
 * respcheck_capture_end, also after an error, so the events of every
 * packet read so far are out. Returns 0, or -1 with a message in err (at
 * most RESPCHECK_CAPTURE_ERRBUF bytes, NUL-terminated) naming the byte
 * offset where reading stopped (*err_offset, or UINT64_MAX when unknown;
 * err_offset may be NULL). A pcapng file whose interfaces have different
 * link types, and an unsupported link type, are errors too. */
#define RESPCHECK_CAPTURE_ERRBUF 512
int respcheck_capture_read_file(respcheck_capture_t *cap, const char *path,
                                char *err, uint64_t *err_offset);
/* The same from an open stream, read from where it is; fp is closed by the
 * call (libpcap owns it). */
int respcheck_capture_read_stream(respcheck_capture_t *cap, FILE *fp, char *err,
                                  uint64_t *err_offset);
/* The same from memory. */
int respcheck_capture_read_memory(respcheck_capture_t *cap, const void *data,
                                  size_t len, char *err, uint64_t *err_offset);
/* 1 when the bytes start like a pcap or pcapng file (4 bytes needed). */
int respcheck_capture_is_capture(const void *data, size_t len);

/* ------------------------------------------------------------------------ */
/* The pairing layer. */

/* A request read from the client's side. */
typedef struct respcheck_capture_request {
  respcheck_method_t method; /* UNKNOWN for methods without special framing */
  char method_name[24];      /* as sent, NUL-terminated (llhttp's list) */
  unsigned char version_major, version_minor;
  const char *target; /* as sent, NUL-terminated; cut to max_target_length */
  size_t target_length;
  int target_cut;  /* 1 when the target was longer than kept */
  uint64_t offset; /* of its first byte in the client's stream */
  uint64_t frame;  /* the packet carrying its first byte */
} respcheck_capture_request_t;

/* What the pairing layer knows of a response, besides the library's
 * record. */
typedef struct respcheck_capture_context {
  const respcheck_capture_flow_t *flow;
  /* The packet carrying the status line's first byte (the response's
   * first byte for a record without a head; 0 when none). */
  uint64_t frame;
  /* The request this response answers, or NULL when it is not in the
   * capture (the parser's default_request was used). Valid during the
   * callback only. */
  const respcheck_capture_request_t *request;
  /* What on_flow_open returned for this flow. */
  void *flow_user;
} respcheck_capture_context_t;

/* Callbacks of the pairing layer. Records of one flow come in stream
 * order; flows interleave. A response's findings come before its
 * on_message_end; every finding's response_index is followed, sooner or
 * later, by an on_message_end of that index (a record without a head,
 * flags without RESPCHECK_END_HEAD, for capture findings that concern no
 * response). Indexes count records within a flow from 0; offsets are in
 * the server's stream (the library's records are rebased when reading
 * started after byte 0). */
typedef struct respcheck_capture_callbacks {
  /* Returns a pointer of the caller's for this flow (context.flow_user). */
  void *(*on_flow_open)(void *user, const respcheck_capture_flow_t *flow);
  void (*on_finding)(void *user, const respcheck_capture_context_t *ctx,
                     const respcheck_finding_t *finding);
  void (*on_head)(void *user, const respcheck_capture_context_t *ctx,
                  const respcheck_response_t *response);
  void (*on_message_end)(void *user, const respcheck_capture_context_t *ctx,
                         const respcheck_message_end_t *end);
  /* After the flow's last record. */
  void (*on_flow_close)(void *user, const respcheck_capture_flow_t *flow,
                        void *flow_user);
} respcheck_capture_callbacks_t;

typedef struct respcheck_capture_http respcheck_capture_http_t;

/* opts: the library's options for every server stream (limits, severities,
 * default_request for responses whose request is not in the capture);
 * copts: the capture's. Either may be NULL. NULL when out of memory or
 * invalid. */
respcheck_capture_http_t *
respcheck_capture_http_new(const respcheck_options_t *opts,
                           const respcheck_capture_options_t *copts,
                           const respcheck_capture_callbacks_t *cb, void *user);
void respcheck_capture_http_free(respcheck_capture_http_t *http);
/* The event callback: pass it with the pairing layer as user to
 * respcheck_capture_new. */
void respcheck_capture_http_event(void *http,
                                  const respcheck_capture_event_t *ev);

/* The reader and the pairing layer together, for the common case: reads
 * the file and hands out records. Returns what respcheck_capture_read_file
 * returns. opts and copts may be NULL. */
int respcheck_capture_lint_file(const char *path,
                                const respcheck_options_t *opts,
                                const respcheck_capture_options_t *copts,
                                const respcheck_capture_callbacks_t *cb,
                                void *user, char *err, uint64_t *err_offset);

#ifdef __cplusplus
}
#endif
#endif /* RESPCHECK_CAPTURE_H */
