/* SPDX-License-Identifier: MIT */
/*
 * respcheck-proxy's log: one JSON object per line for each upstream response
 * that has findings, was not forwarded as it came, or (--log-all) for every
 * response.
 *
 * A line is the JSON record of the respcheck command
 * (tools/common/record.h, written by the same code), with "connection" in
 * place of "file", no "source", and "action":
 *
 *   {"connection":7,"request":{"method":"GET","target":"/x","version":"1.1"},
 *    "index":0,"offset":0,"end_offset":73,"version":"1.1","status":401,
 *    "reason":"Unauthorized","effective_status":401,"registered":true,
 *    "verdict":"reject","complete":true,"action":"rejected",
 *    "findings":[{"rule":"www-authenticate-missing","severity":"error",
 *                 "offset":9,"line":null,"column":null,"message":"...",
 *                 "reference":"RFC 9110 15.5.2"}]}
 *
 * - "connection": the proxy's number for the client connection (from 1).
 * - "request": the request the response answers, in the order the client
 *   sent them (1xx responses share their final response's request); null
 *   for a response no request was waiting for. "target" is cut at
 *   RP_TARGET_MAX bytes ("target_truncated":true then).
 * - "index", "offset", "end_offset": the response's number and byte range in
 *   the upstream connection's stream, as the library counts them.
 * - "version", "status", "reason", "effective_status": null when the
 *   response never got a head (a fatal error in its head).
 * - "headers" ([[name, value], ...], as the command writes them) only with
 *   --log-headers: response fields carry cookies and tokens, which a log
 *   should not collect by default.
 * - "action": what the proxy did with the response: "forwarded" (passed on
 *   as it came; always so with --report-only), "rejected" (a 502 Bad Gateway
 *   sent instead), "cut" (the head was forwarded, then an error in the body
 *   closed the client connection), "dropped" (not forwarded and nobody to
 *   answer: no request was waiting, or the client was gone), "aborted" (the
 *   proxy closed the connections before the response ended: timeout,
 *   shutdown, the client went away). A "cut" client connection is reset
 *   (RST), so that a client cannot take the truncated response for a
 *   complete one (a close-delimited body ends with the connection).
 * - "line" and "column" are always null: a live stream has no line map.
 *
 * Findings are copied as they arrive, at most RP_LOG_MAX_FINDINGS per
 * response (then counted in "findings_dropped"), messages cut at
 * RP_LOG_MAX_MESSAGE bytes: the record is fixed-size, part of the
 * connection's memory.
 */
#ifndef RESPCHECK_PROXY_LOG_H
#define RESPCHECK_PROXY_LOG_H

#include <stdint.h>
#include <stdio.h>

#include "ratelimit.h"
#include "respcheck.h"

#define RP_TARGET_MAX 256
#define RP_LOG_MAX_FINDINGS 16
#define RP_LOG_MAX_MESSAGE 256

/* A client request waiting for its final response. */
typedef struct rp_request {
  respcheck_request_t ctx; /* what the library is told */
  const char *method;      /* llhttp's static name */
  unsigned target_len;
  int target_cut;
  char target[RP_TARGET_MAX];
} rp_request_t;

typedef enum rp_action {
  RP_ACTION_FORWARDED = 0,
  RP_ACTION_REJECTED,
  RP_ACTION_CUT,
  RP_ACTION_DROPPED,
  RP_ACTION_ABORTED
} rp_action_t;

typedef struct rp_log_finding {
  respcheck_rule_t rule;
  const char *id;        /* static */
  const char *reference; /* static */
  respcheck_severity_t severity;
  uint64_t offset;
  unsigned message_len;
  char message[RP_LOG_MAX_MESSAGE];
} rp_log_finding_t;

/* What is known of one response while it streams. */
typedef struct rp_record {
  int active;
  uint64_t index;
  int have_head;
  int head_valid; /* head's spans still readable (until its message end) */
  respcheck_response_t head;
  int have_end;
  respcheck_message_end_t end;
  int has_error;
  rp_action_t action;
  unsigned nfindings;
  uint64_t findings_dropped;
  rp_log_finding_t findings[RP_LOG_MAX_FINDINGS];
} rp_record_t;

typedef struct rp_log {
  FILE *fp;
  int all;        /* --log-all */
  int headers;    /* --log-headers */
  int failed;     /* a write failed */
  uint64_t now;   /* ms (the event loop's clock), set before each write */
  rp_rate_t rate; /* --log-rate */
} rp_log_t;

void rp_record_start(rp_record_t *rec, uint64_t index);
void rp_record_finding(rp_record_t *rec, const respcheck_finding_t *f);

/* Writes rec as one line (when it qualifies) and flushes. req may be NULL.
 * Reads rec->head's spans only while rec->head_valid. A line with findings,
 * or not forwarded as it came, is subject to --log-rate: its key is the
 * rule of its first error finding (else its first finding) and its action;
 * past the rate it is counted instead, and rp_log_flush_rate writes the
 * count. */
void rp_log_write(rp_log_t *log, uint64_t connection, const rp_request_t *req,
                  const rp_record_t *rec);

/* Writes the summary line of each rate-limit window that is over at
 * log->now (every pending one when `all`):
 *   {"suppressed":N,"rule":"ID","action":"rejected","window_ms":1000}
 * ("rule" is null for lines without findings). Returns the number of keys
 * still pending. */
unsigned rp_log_flush_rate(rp_log_t *log, int all);

/* Up to max unique rule ids of rec's error findings, "a, b", NUL-terminated
 * in buf (cut to size). Returns the length. */
size_t rp_record_error_rules(const rp_record_t *rec, char *buf, size_t size);

#endif /* RESPCHECK_PROXY_LOG_H */
