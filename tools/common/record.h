/* SPDX-License-Identifier: MIT */
/*
 * The JSON record of one response: what `respcheck --format=json` writes,
 * one line per response, and what respcheck-proxy logs. One writer for
 * both tools, so the schema is written once.
 *
 *   {"file":"capture.http",              (the proxy: "connection":7)
 *    "source":{"kind":"stream"},         (the command: what the input is)
 *    "request":{"method":"GET","target":null,"version":"1.1"},
 *    "index":0,"offset":0,"end_offset":73,
 *    "version":"1.1","status":401,"reason":"Unauthorized",
 *    "effective_status":401,"registered":true,
 *    "headers":[["Server","nginx"],...],   (the proxy: with --log-headers)
 *    "verdict":"reject","complete":true,
 *    "action":"rejected",                  (the proxy only)
 *    "findings":[{"rule":"www-authenticate-missing","severity":"error",
 *                 "offset":9,"line":1,"column":10,"message":"...",
 *                 "reference":"RFC 9110 15.5.2"}],
 *    "findings_dropped":3}                 (only when findings were dropped)
 *
 * - "source": where the response comes from. Raw streams: {"kind":"stream"};
 *   other input kinds add members of their own after "kind" (a capture's
 *   flow and frame, a web archive's record). Written from an rc_source_t.
 * - "request": the request the response answers: "method" (its name as
 *   given), "target" (null when not known), "version" ("1.1"; a browser
 *   export's text such as "h2"; null when not known), and
 *   "target_truncated":true when the target was cut; null when no request
 *   is known.
 * - "version", "status", "reason", "effective_status": null when the
 *   response never got a head; "reason" is also null when the head's bytes
 *   are gone (the proxy, after the response ended).
 * - "line" and "column": null when the offset cannot be placed; "offset",
 *   "end_offset" and the findings' "offset" null where there are no bytes
 *   (a browser export).
 *
 * Strings are escaped by rc_sink_json (json.h): valid JSON and UTF-8
 * whatever the bytes were.
 *
 * A record is written in three steps, so that findings need not be
 * gathered in one array first: rc_record_open (up to "findings":[),
 * rc_record_finding for each, rc_record_close.
 */
#ifndef RESPCHECK_TOOLS_RECORD_H
#define RESPCHECK_TOOLS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "respcheck.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "source": kind, then up to RC_SOURCE_MAX_FIELDS members in order. */
#define RC_SOURCE_MAX_FIELDS 6

typedef enum rc_value_type {
  RC_VALUE_NULL = 0,
  RC_VALUE_NUMBER,
  RC_VALUE_STRING
} rc_value_type_t;

typedef struct rc_source_field {
  const char *key; /* a JSON-safe name: written as is */
  rc_value_type_t type;
  uint64_t number;
  const char *string; /* any bytes, escaped */
  size_t string_len;
} rc_source_field_t;

typedef struct rc_source {
  const char *kind; /* "stream", "pcap", "warc", "har", ... (JSON-safe) */
  unsigned nfields;
  rc_source_field_t fields[RC_SOURCE_MAX_FIELDS];
} rc_source_t;

/* Adds a member to src (ignored beyond RC_SOURCE_MAX_FIELDS). The strings
 * must live until src is rendered. */
void rc_source_number(rc_source_t *src, const char *key, uint64_t value);
void rc_source_string(rc_source_t *src, const char *key, const char *value,
                      size_t len);

typedef struct rc_request_info {
  const char *method; /* its name as given; NULL: null */
  const char *target; /* NULL: null */
  size_t target_len;
  int target_cut; /* "target_truncated":true */
  unsigned version_major, version_minor;
  /* When not NULL, "version" is this text instead of the numbers (a
   * browser export's "h2"); "" writes null (not known). */
  const char *version_text;
} rc_request_info_t;

typedef struct rc_record {
  /* The first member: "file" when file is not NULL, else "connection". */
  const char *file;
  size_t file_len;
  uint64_t connection;
  /* "source": rendered JSON (rc_record_source) written as is; NULL: no
   * "source" member. */
  const char *source_json;
  size_t source_json_len;
  /* "request": rendered JSON written as is when request_json is not NULL;
   * else rendered from request; null when both are NULL. */
  const char *request_json;
  size_t request_json_len;
  const rc_request_info_t *request;
  uint64_t index, offset;
  int have_end;
  uint64_t end_offset; /* with have_end; else null */
  int no_offsets;      /* "offset" and "end_offset" null (no bytes) */
  /* The head: head_json as rendered by rc_record_head when not NULL; else
   * rendered from head (reason and headers read only with head_spans);
   * else nulls. */
  const char *head_json;
  size_t head_json_len;
  const respcheck_response_t *head;
  int head_spans;
  int headers; /* write "headers" (with head: rendered with them) */
  int reject;
  int complete;
  const char *action; /* NULL: no "action" member; else JSON-safe */
} rc_record_t;

typedef struct rc_record_finding {
  const char *rule;
  size_t rule_len;
  int severity; /* respcheck_severity_t, or anything (written "unknown") */
  uint64_t offset;
  int no_offset; /* "offset" null */
  int located;   /* line and column are known */
  uint64_t line, column;
  const char *message;
  size_t message_len;
  const char *reference;
  size_t reference_len;
} rc_record_finding_t;

/* {"kind":...,members} */
void rc_record_source(const rc_sink_t *out, const rc_source_t *src);
/* {"method":...} or null. */
void rc_record_request(const rc_sink_t *out, const rc_request_info_t *req);
/* The head's members, from ,"version" to "registered" (and "headers" when
 * headers is set); reason null and headers empty unless spans. */
void rc_record_head(const rc_sink_t *out, const respcheck_response_t *r,
                    int spans, int headers);

/* From "{" to "findings":[ . */
void rc_record_open(const rc_sink_t *out, const rc_record_t *rec);
/* One finding; n is its place in the array (0 for the first). */
void rc_record_finding(const rc_sink_t *out, const rc_record_finding_t *f,
                       size_t n);
/* "]", "findings_dropped" when not 0, "}\n". */
void rc_record_close(const rc_sink_t *out, uint64_t findings_dropped);

/* "off", "info", "warning", "error", or "unknown" for any other value. */
const char *rc_severity_name(int severity);
/* The head's status is in the registry (any state but unassigned). */
int rc_response_registered(const respcheck_response_t *r);

#ifdef __cplusplus
}
#endif
#endif /* RESPCHECK_TOOLS_RECORD_H */
