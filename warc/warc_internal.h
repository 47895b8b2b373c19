/* SPDX-License-Identifier: MIT */
/*
 * The WARC reader's state, shared by its three layers (not installed):
 *
 *   input.c   file bytes -> decompressed bytes (plain, or zlib for gzip)
 *   record.c  decompressed bytes -> WARC records (header fields, block)
 *   lint.c    records -> pairing with requests, respcheck parsers, callbacks
 *
 * Each layer calls the next one's entry points below; an error anywhere
 * goes through warc__fail, which makes it sticky and lets lint.c finish
 * what was begun.
 */
#ifndef RESPCHECK_WARC_INTERNAL_H
#define RESPCHECK_WARC_INTERNAL_H

#include <stdint.h>
#include <zlib.h>

#include "respcheck.h"
#include "respcheck_warc.h"

#if defined(__GNUC__)
#define WARC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define WARC_PRINTF(f, a)
#endif

/* WARC-Concurrent-To values kept per record (WARC/1.1 5.7 lets it repeat). */
#define WARC_MAX_CONCURRENT 8
/* Bytes of a warcinfo block read for its publisher and software. */
#define WARC_INFO_SCAN 4096u
/* Renamed framing fields of one head given to pc (more are dropped). */
#define WARC_MAX_RENAMED 16
/* Bytes kept of a request method (a token; longer ones are cut). */
#define WARC_METHOD_MAX 32u

enum warc_kind {
  WARC_KIND_OTHER = 0,
  WARC_KIND_WARCINFO,
  WARC_KIND_REQUEST,
  WARC_KIND_RESPONSE,
  WARC_KIND_REVISIT
};

/* The header fields of the current record, spans into the header buffer:
 * valid until the next record's header is read. */
typedef struct warc_header {
  respcheck_span_t type, record_id, content_type, target_uri, truncated,
      profile;
  respcheck_span_t concurrent[WARC_MAX_CONCURRENT];
  unsigned nconcurrent;
  int has_length;
  int segmented; /* WARC-Segment-Number: a block in pieces */
  uint64_t length;
} warc_header_t;

/* What is reported of a record: an owned copy, so that a response held
 * for pairing keeps it while the next record is read. */
typedef struct warc_info {
  respcheck_warc_record_t pub; /* spans point into the buffers below */
  char type[16];
  char truncated[32];
  char *record_id; /* max_target_length bytes each */
  char *target_uri;
  char *req_target;
  char method[WARC_METHOD_MAX];
  char version[8];
  uint64_t id_hash;
  uint64_t concurrent[WARC_MAX_CONCURRENT];
  unsigned nconcurrent;
  int kind;                /* enum warc_kind */
  unsigned char transport; /* respcheck_transport_t, from the URI's scheme */
} warc_info_t;

/* A request record kept for pairing. */
typedef struct warc_request {
  int used;
  uint64_t id_hash;
  uint64_t concurrent[WARC_MAX_CONCURRENT];
  unsigned nconcurrent;
  uint64_t record;
  respcheck_request_t req;
  char method[WARC_METHOD_MAX];
  size_t method_len;
  char version[8];
  size_t version_len;
  char *target; /* max_target_length bytes */
  size_t target_len;
} warc_request_t;

/* Where request records stand to their responses, as pairing has shown:
 * responses are held for a request that may follow only while it is not
 * known to come first. */
enum warc_order {
  WARC_ORDER_UNKNOWN = 0,
  WARC_ORDER_REQUEST_FIRST,
  WARC_ORDER_RESPONSE_FIRST,
  WARC_ORDER_NONE /* WARC_HOLD_MISSES held responses in a row had none */
};
#define WARC_HOLD_MISSES 8u

enum warc_input { WARC_IN_UNKNOWN = 0, WARC_IN_PLAIN, WARC_IN_GZIP };
enum warc_rstate { WARC_RS_GAP = 0, WARC_RS_HEADER, WARC_RS_BLOCK };
/* What happens to the current record's block. */
enum warc_sink {
  WARC_SINK_SKIP = 0, /* read and dropped */
  WARC_SINK_LINT,     /* to the parser (through the head scan) */
  WARC_SINK_HOLD,     /* kept in memory until the next record is known */
  WARC_SINK_LINE,     /* a request's first line, or a warcinfo prefix */
};

struct respcheck_warc_reader {
  respcheck_warc_options_t opts;
  respcheck_warc_callbacks_t cb;
  void *user;

  respcheck_warc_errno_t error;
  uint64_t error_offset;
  int finished;
  int seen_record;
  char errbuf[320];

  /* input.c */
  int input; /* enum warc_input */
  unsigned char magic[2];
  size_t nmagic;
  uint64_t in_offset; /* file bytes consumed so far */
  z_stream z;
  int z_ready;
  int in_member;          /* inside a gzip member */
  unsigned magic_seen;    /* bytes of its ID1 ID2 checked */
  uint64_t member_offset; /* file offset of the current member */
  unsigned char *zout;

  /* record.c */
  int rstate;          /* enum warc_rstate */
  uint64_t doff;       /* decompressed offset of the next byte */
  uint64_t rec_doff;   /* of the current record's first byte */
  uint64_t rec_offset; /* its file offset (member offset for gzip) */
  uint64_t records;    /* number the next record gets */
  uint64_t rec_number;
  char *hdr;
  size_t hdr_len, hdr_cap, line_start;
  int version_ok;
  warc_header_t h;
  uint64_t remaining; /* block bytes still to come */
  uint64_t block_seen;

  /* lint.c */
  int sink;        /* enum warc_sink */
  int kind;        /* of the current record */
  int cc_file;     /* the warcinfo names Common Crawl */
  int order;       /* enum warc_order */
  unsigned misses; /* held responses no request followed, in a row */
  warc_info_t info[2];
  warc_info_t *cur;  /* the current record */
  warc_info_t *held; /* a response waiting for the next record, or NULL */
  int held_done;     /* its block is complete */
  char *hold;
  size_t hold_len, hold_cap;
  char *line; /* WARC_SINK_LINE bytes */
  size_t line_len, line_cap;
  warc_request_t *requests;
  size_t nrequests_next; /* ring position */
  char *targets;         /* the requests' target buffers */

  /* The response being linted. */
  warc_info_t *lrec;
  int lscan; /* looking for the end of the first head */
  char *scan;
  size_t scan_len, scan_cap;
  respcheck_parser_t *lp; /* pa or pb, once chosen */
  respcheck_parser_t *pa; /* the user's options */
  respcheck_parser_t *pb; /* rewritten records: framing rules off */
  respcheck_parser_t *pc; /* rewritten records: the server's framing */
  respcheck_header_t renamed[WARC_MAX_RENAMED]; /* pc's parts */
  uint64_t c_index; /* the response pc's findings belong to */
  unsigned c_counts[4];
  int c_valid;
  char msg[640];
};

/* record.c hands records to lint.c. */
void warc__record_begin(respcheck_warc_reader_t *r);
void warc__block(respcheck_warc_reader_t *r, const char *data, size_t len);
void warc__record_end(respcheck_warc_reader_t *r);
/* The end of the file (no error): a held response is linted. */
void warc__lint_eof(respcheck_warc_reader_t *r);
/* An error stops the reader: what was begun is finished and reported. */
void warc__lint_abort(respcheck_warc_reader_t *r);

/* input.c hands decompressed bytes to record.c. */
void warc__records_feed(respcheck_warc_reader_t *r, const char *data,
                        size_t len);
/* record.c at the end of the file; 0, or -1 after an error. */
int warc__records_finish(respcheck_warc_reader_t *r);

/* Sets the sticky error (the first one wins) and stops: lint.c finishes
 * the response it was reading and any held one. */
void warc__fail(respcheck_warc_reader_t *r, respcheck_warc_errno_t err,
                uint64_t offset, const char *fmt, ...) WARC_PRINTF(4, 5);

/* Where a decompressed offset lies in the file, for messages: the offset
 * itself for a plain file; for gzip, the member being read. */
uint64_t warc__file_offset(const respcheck_warc_reader_t *r, uint64_t doff);

/* ASCII case-insensitive comparison of a span with a lower-case literal. */
int warc__span_ieq(respcheck_span_t s, const char *lit);
/* FNV-1a of a record id, without surrounding whitespace and <>. */
uint64_t warc__id_hash(respcheck_span_t id);

#endif
