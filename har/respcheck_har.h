/* SPDX-License-Identifier: MIT */
/*
 * respcheck_har: lints the responses of a browser export, a HAR file
 * (HAR 1.2: Chrome's and Firefox's devtools, mitmproxy, Charles).
 *
 * A HAR holds parsed parts, not bytes: each entry's response (status,
 * statusText, httpVersion, headers in order) is checked with
 * respcheck_check_head, so every rule that needs no bytes applies and no
 * rule about bytes is reported (README.md's rule table says which). The
 * request's method and httpVersion are the request context (HEAD, CONNECT,
 * HTTP/1.0). Entries whose response httpVersion is not HTTP/1.x ("h2",
 * "h3", "HTTP/2.0", "", ...) are not linted: they give a response with
 * their status and one capture-not-http1 finding (info), nothing else.
 *
 * The file is read with a streaming JSON parser (yajl) in bounded memory,
 * whatever its size: it is fed in any chunks, entries are checked as each
 * one's object closes, and strings longer than max_string (response bodies
 * in content.text, data: URLs) are cut before the JSON parser sees them, so
 * that it never holds more than that of one token. Nesting deeper than
 * max_depth, or a number longer than max_string, is an error.
 *
 * Errors (invalid JSON, a JSON text that is not a HAR: no object "log" with
 * an array "entries") stop the reader: the entries before were reported,
 * and every later call returns the same error, with a reason and the byte
 * offset in the file.
 *
 * Threading: no global state; one reader per thread at a time.
 */
#ifndef RESPCHECK_HAR_H
#define RESPCHECK_HAR_H

#include <stddef.h>
#include <stdint.h>

#include "respcheck.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum respcheck_har_errno {
  RESPCHECK_HAR_E_OK = 0,
  RESPCHECK_HAR_E_JSON = 1,     /* not valid JSON (RFC 8259) */
  RESPCHECK_HAR_E_NOT_HAR = 2,  /* valid JSON, but no log.entries array */
  RESPCHECK_HAR_E_LIMIT = 3,    /* nesting deeper than max_depth, or a
                                   number longer than max_string */
  RESPCHECK_HAR_E_CALLBACK = 4, /* on_head asked to stop */
  RESPCHECK_HAR_E_NOMEM = 5,
  RESPCHECK_HAR_E_INVAL = 6,
  RESPCHECK_HAR_E_FINISHED = 7 /* respcheck_har_finish was called */
} respcheck_har_errno_t;

const char *respcheck_har_errno_name(respcheck_har_errno_t err);
const char *respcheck_har_strerror(respcheck_har_errno_t err);

typedef struct respcheck_har_options {
  /* The checks' options: limits, severities (capture-not-http1 included),
   * and default_request for an entry whose request says nothing usable. */
  respcheck_options_t http;
  size_t max_string;     /* bytes of a JSON string kept (256 KiB); more than
                            max_header_bytes and max_line_length */
  size_t max_depth;      /* JSON nesting (64) */
  size_t max_url_length; /* bytes of request.url kept (8 KiB) */
} respcheck_har_options_t;

/* respcheck_options_init for http and the defaults above. */
void respcheck_har_options_init(respcheck_har_options_t *opts);

/*
 * The entry the HTTP events belong to, handed to on_entry and readable
 * with respcheck_har_entry() from every callback until on_entry_end.
 * Spans point into the reader, valid until on_entry_end returns.
 */
typedef struct respcheck_har_entry {
  uint64_t number;                   /* 0-based index in log.entries */
  uint64_t offset;                   /* file offset of the entry's '{' */
  respcheck_span_t url;              /* request.url (cut at max_url_length) */
  respcheck_span_t method;           /* request.method */
  respcheck_span_t request_version;  /* request.httpVersion, as written */
  respcheck_span_t response_version; /* response.httpVersion, as written */
  int has_request;                   /* the entry has request.method */
  respcheck_request_t request; /* the context the response was checked in */
  int http1;                   /* the response is HTTP/1.x: checked */
} respcheck_har_entry_t;

typedef struct respcheck_har_callbacks {
  void (*on_entry)(void *user, const respcheck_har_entry_t *entry);
  /* The entry's response: findings, on_head, on_message_end, as
   * respcheck_check_head gives them. Finding offsets: 0 for the status
   * line, 1 + i for the i-th field of response.headers. */
  respcheck_callbacks_t http;
  void (*on_entry_end)(void *user, const respcheck_har_entry_t *entry);
} respcheck_har_callbacks_t;

typedef struct respcheck_har_reader respcheck_har_reader_t;

/* opts NULL: the defaults. NULL when out of memory or the options are
 * invalid (a zero limit, max_string not above max_header_bytes and
 * max_line_length, or HTTP options respcheck_parser_size refuses). */
respcheck_har_reader_t *
respcheck_har_reader_new(const respcheck_har_options_t *opts,
                         const respcheck_har_callbacks_t *callbacks,
                         void *user);
void respcheck_har_reader_free(respcheck_har_reader_t *reader);
/* Starts another file with the same options and callbacks. */
void respcheck_har_reader_reset(respcheck_har_reader_t *reader);

/* The next len bytes of the file; returns OK or the sticky error. */
respcheck_har_errno_t respcheck_har_feed(respcheck_har_reader_t *reader,
                                         const void *data, size_t len);
/* The end of the file: incomplete JSON, or a file that was not a HAR, is
 * an error here. */
respcheck_har_errno_t respcheck_har_finish(respcheck_har_reader_t *reader);

respcheck_har_errno_t respcheck_har_error(const respcheck_har_reader_t *r);
const char *respcheck_har_error_reason(const respcheck_har_reader_t *r);
uint64_t respcheck_har_error_offset(const respcheck_har_reader_t *r);

/* The entry being reported (inside callbacks), or NULL. */
const respcheck_har_entry_t *
respcheck_har_entry(const respcheck_har_reader_t *reader);
/* Entries reported so far. */
uint64_t respcheck_har_entry_count(const respcheck_har_reader_t *reader);

/* 1 when the first bytes look like JSON (an optional UTF-8 byte order
 * mark and whitespace, then '{' or '['), which no HTTP stream does: the
 * reader then says whether it is a HAR. For input-kind dispatch. */
int respcheck_har_sniff(const void *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* RESPCHECK_HAR_H */
