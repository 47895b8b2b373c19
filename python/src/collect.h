/* SPDX-License-Identifier: MIT */
/*
 * The record collector of the Python module: turns the library's callbacks
 * (findings, heads, message ends) into the records the respcheck command
 * writes as JSON Lines (tools/output.h), one per response, in the same
 * order and with the same fields, but as packed C structures that the
 * module turns into Python objects afterwards.
 *
 * It runs without the GIL: it touches no Python object. What it owns is
 * malloc'd and reused from one stream to the next (an engine is pooled).
 *
 * The grouping follows the command's JSON writer exactly, so that
 * Response.to_dict() equals the command's record key for key:
 * - findings are kept per response index until that response's end and go
 *   out with it, in offset order (arrival order among equal offsets); at
 *   most PYRC_MAX_PENDING are kept, the rest are counted
 *   (findings_dropped);
 * - after a parse-error finding, later findings are dropped and only the
 *   response the parse error belongs to is still written;
 * - a head whose response never ends is written when the next head comes,
 *   or at the end of the stream (offset 0, end_offset null, complete
 *   false); findings of a response that never ended go out at the end of
 *   the stream, in index order, without a head;
 * - line and column come from the command's line map (rc_linemap), fed
 *   the same chunks, so an offset it cannot place is null here too.
 *
 * The line map is fed lazily: most responses have no finding, and feeding
 * it (a copy of every byte, LF counts, checkpoints) would cost more than
 * the rest of the collecting. The pieces a pyrc_feed() call parses and the
 * pins made meanwhile are only noted; when a finding needs a place, the
 * line map is brought up to date by replaying them in the order the
 * command makes them (feed piece k, then the pins made while piece k was
 * parsed), so it is in exactly the state the command's would be in. The
 * pins noted are bounded (PYRC_LAZY_PINS: then it catches up anyway).
 */
#ifndef RESPCHECK_PY_COLLECT_H
#define RESPCHECK_PY_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "linemap.h"
#include "output.h"
#include "respcheck.h"

/* The command's limits (tools/output.h), so that records match. */
#define PYRC_MAX_PENDING RC_OUT_MAX_PENDING
#define PYRC_MAX_MESSAGE RC_OUT_MAX_MESSAGE
/* Bytes per piece fed to the parser and the line map: the command's read
 * size, for which the line map's window is sized. */
#define PYRC_CHUNK (64u * 1024u)

/* One field line of a record: offsets into the record's blob. */
typedef struct pyrc_field {
  uint32_t name_off, name_len, value_off, value_len;
} pyrc_field_t;

/* One finding of a record. */
typedef struct pyrc_rfinding {
  uint64_t offset, line, column;
  uint32_t msg_off, msg_len; /* into the record's blob */
  int32_t rule;              /* respcheck_rule_t, or -1 when unknown */
  uint8_t severity;          /* respcheck_severity_t */
  uint8_t located;           /* line and column are known */
  uint16_t seq;              /* arrival order (at most PYRC_MAX_PENDING) */
} pyrc_rfinding_t;

/*
 * A record's own "source" and "request", for inputs whose records come
 * from different places (a capture's connections): what rc_source_t and
 * rc_request_info_t (tools/common/record.h) hold, with the strings in the
 * record's blob. Keys and kind are static strings.
 */
#define PYRC_CTX_FIELDS 6

typedef struct pyrc_ctx_field {
  const char *key;
  int type; /* rc_value_type_t */
  uint64_t number;
  uint32_t str_off, str_len; /* into the blob */
} pyrc_ctx_field_t;

typedef struct pyrc_ctx {
  const char *kind;
  uint32_t nfields;
  pyrc_ctx_field_t fields[PYRC_CTX_FIELDS];
  int has_request; /* else "request" is null */
  uint32_t method_off, method_len;
  int has_target; /* else "target" is null */
  uint32_t target_off, target_len;
  int target_cut;
  unsigned version_major, version_minor;
  /* 0: "version" is version_major.version_minor; 1: the text at
   * version_off (a browser export's "h2"); 2: null. */
  int version_text;
  uint32_t version_off, version_len;
} pyrc_ctx_t;

/*
 * A record, as laid out in the output buffer and copied whole into a
 * Response object: this header, then field_count pyrc_field_t, then
 * finding_count pyrc_rfinding_t, then a pyrc_ctx_t when has_ctx, then
 * blob_len bytes of strings (reason, field names and values, messages,
 * the context's). size is the whole, a multiple of 8.
 */
/* request_slot of a record that answers the default request. */
#define PYRC_DEFAULT_REQUEST UINT64_MAX

typedef struct pyrc_record {
  uint64_t size;
  uint64_t index, offset, end_offset;
  uint64_t findings_dropped;
  /* The request it answers: the number of the pushed request (0 for the
   * first pyrc_note_request), or PYRC_DEFAULT_REQUEST. */
  uint64_t request_slot;
  /* The request context the response was read with. */
  int32_t status, effective_status;
  uint32_t field_count, finding_count, blob_len;
  uint32_t reason_off, reason_len;
  uint8_t has_end;  /* end_offset is known */
  uint8_t has_head; /* version, status, reason, headers are known */
  uint8_t version_major, version_minor;
  uint8_t registered, reject, complete;
  uint8_t has_ctx;    /* a pyrc_ctx_t follows the findings */
  uint8_t no_offsets; /* no bytes (a browser export): offsets null */
  uint8_t pad[7];
} pyrc_record_t;

static inline const pyrc_field_t *pyrc_record_fields(const pyrc_record_t *r) {
  return (const pyrc_field_t *)(const void *)(r + 1);
}
static inline const pyrc_rfinding_t *
pyrc_record_findings(const pyrc_record_t *r) {
  return (const pyrc_rfinding_t *)(const void *)(pyrc_record_fields(r) +
                                                 r->field_count);
}
static inline const pyrc_ctx_t *pyrc_record_ctx(const pyrc_record_t *r) {
  return r->has_ctx
             ? (const pyrc_ctx_t *)(const void *)(pyrc_record_findings(r) +
                                                  r->finding_count)
             : NULL;
}
static inline const char *pyrc_record_blob(const pyrc_record_t *r) {
  const char *p =
      (const char *)(const void *)(pyrc_record_findings(r) + r->finding_count);
  return r->has_ctx ? p + sizeof(pyrc_ctx_t) : p;
}

/* A finding waiting for its response's end. */
typedef struct pyrc_pending {
  uint64_t index, offset, line, column;
  size_t msg_off, msg_len; /* into the pending arena */
  int rule, severity, located;
} pyrc_pending_t;

typedef struct pyrc_drop {
  uint64_t index, count;
} pyrc_drop_t;

/* Pins noted before the line map catches up. */
#define PYRC_LAZY_PINS 64

typedef struct pyrc_lazy_pin {
  size_t piece_end; /* the piece parsed when it was made (bytes of lz_data) */
  uint64_t offset;
} pyrc_lazy_pin_t;

typedef struct pyrc_collector pyrc_collector_t;

struct pyrc_collector {
  /* NULL: findings are not placed (line and column null), as for the
   * streams inside a capture. */
  rc_linemap_t *linemap;
  int linemap_dirty; /* changed since its last reset */
  int no_offsets;    /* the records have no byte offsets (HAR) */
  int oom;

  /* The pyrc_feed() call whose bytes the line map has not all seen. */
  const char *lz_data;
  size_t lz_fed;  /* bytes of lz_data fed to the line map */
  size_t lz_exec; /* end of the piece being (or last) parsed */
  pyrc_lazy_pin_t lz_pins[PYRC_LAZY_PINS];
  size_t lz_npins;

  int stopped;         /* a parse-error was reported */
  uint64_t stop_index; /* ... for this response */

  /* The head of the response in progress. */
  int have_head;
  uint64_t head_index;
  pyrc_record_t head;   /* head fields only; counts, offsets into head_blob */
  rc_buf_t head_fields; /* pyrc_field_t[] */
  rc_buf_t head_blob;   /* reason, then names and values */

  /* Findings not yet written, in arrival order. */
  pyrc_pending_t *pend;
  size_t npend, pend_cap;
  rc_buf_t arena;
  pyrc_drop_t drops[4];

  /* Requests pushed (pyrc_note_request) and consumed by final responses,
   * as the library consumes them (a 1xx other than 101 does not). */
  uint64_t req_pushed, req_consumed;
  uint64_t last_head_index;
  int last_head_interim;

  /* The context of the records written from now on (ctx_set), and its
   * strings. */
  int ctx_set;
  pyrc_ctx_t ctx;
  rc_buf_t ctx_strings;

  /* Records written and not yet taken (pyrc_record_t, back to back), here
   * or in the sink's: the collectors of a capture's connections write to
   * one. */
  pyrc_collector_t *sink;
  rc_buf_t out;
  size_t nrecords;
};

/* 0, or -1 when out of memory. window: rc_linemap_window(opts, PYRC_CHUNK),
 * or 0 for no line map. sink: where records go (NULL: c itself). */
int pyrc_collector_init(pyrc_collector_t *c, size_t window,
                        pyrc_collector_t *sink);
void pyrc_collector_free(pyrc_collector_t *c);
/* Starts a new stream (keeps the memory). */
void pyrc_collector_reset(pyrc_collector_t *c);
/* Forgets the records taken out; the next ones start at the front. */
void pyrc_collector_clear_out(pyrc_collector_t *c);

/* Rules beyond the library's catalogue (capture.c): their id, or NULL for
 * a number that is none. */
#define PYRC_EXTRA_RULE_BASE 256
#define PYRC_EXTRA_RULES 16
const char *pyrc_extra_rule_id(int rule);

/* A request context was pushed to the parser (respcheck_push_request). */
void pyrc_note_request(pyrc_collector_t *c);

/* The parser's callbacks; user is the collector. */
void pyrc_on_finding(void *user, const respcheck_finding_t *f);
int pyrc_on_head(void *user, const respcheck_response_t *r);
void pyrc_on_message_end(void *user, const respcheck_message_end_t *end);
/* The end of the stream: writes what is still pending. */
void pyrc_end_stream(pyrc_collector_t *c);

/* Feeds bytes to the line map and the parser in pieces of at most
 * PYRC_CHUNK, as the command reads a file; stops at a sticky error or when
 * the stream enters a tunnel (after which the command reads no more).
 * Returns the parser's result. data must stay valid until
 * pyrc_release_data() or the next reset: the line map reads it late. */
respcheck_errno_t pyrc_feed(pyrc_collector_t *c, respcheck_parser_t *p,
                            const char *data, size_t len);
/* Brings the line map up to date, before the data of pyrc_feed goes. */
void pyrc_release_data(pyrc_collector_t *c);
/* The line map, up to date, for the caller's own feeding (a file read into
 * its ring). */
rc_linemap_t *pyrc_linemap(pyrc_collector_t *c);

/* Callbacks that point at the collector functions above. */
void pyrc_callbacks(respcheck_callbacks_t *cb);

#endif
