/* SPDX-License-Identifier: MIT */
/*
 * respcheck_warc: lints the HTTP responses archived in a WARC file
 * (ISO 28500, WARC/1.0 and WARC/1.1), plain or gzip-compressed.
 *
 * A reader is fed the file's bytes in any chunks, as they are read; it tells
 * gzip from plain by the first two bytes (a gzip member per record, as the
 * standard recommends, or one gzip stream for the whole file), splits the
 * records, and runs each `response` record's HTTP block through a respcheck
 * parser. Memory is bounded by the options whatever the file or record size:
 * nothing holds a whole file or a whole record, except a response record
 * held (up to max_held_bytes) while the reader looks whether the next record
 * is its request.
 *
 * What is linted, and how:
 *
 * - `response` records whose Content-Type is application/http (msgtype
 *   response, or none): the block is one HTTP stream for a fresh parser, so
 *   offsets in findings and responses count from the block's first byte.
 * - The request context (method and version: HEAD and CONNECT change the
 *   framing, an HTTP/1.0 request forbids 1xx and Transfer-Encoding) comes
 *   from the `request` record tied to the response by WARC-Concurrent-To,
 *   in either direction: the request may come first (wget, Common Crawl) or
 *   right after the response (Heritrix). Without one, the options' default.
 * - `revisit` records are not linted: one `capture-revisit` finding (info)
 *   in a message without a head says so.
 * - Records with WARC-Truncated (or cut by the end of the file) are linted
 *   up to where they end; a `message-truncated` finding then says that the
 *   archive, not the server, ended the response.
 * - Crawler-rewritten records (Common Crawl stores payloads decoded, adds a
 *   Content-Length of the stored length and renames the server's framing
 *   fields X-Crawler-Content-Length, X-Crawler-Transfer-Encoding,
 *   X-Crawler-Content-Encoding): the rules about Content-Length and
 *   Transfer-Encoding are applied to the server's fields as renamed, never
 *   to the Content-Length the crawler wrote. A record is taken as rewritten
 *   when its head holds one of those renamed fields, or when the file's
 *   warcinfo names Common Crawl as publisher (see crawler_rewrite).
 * - `warcinfo`, `request`, `metadata`, `resource`, `conversion`,
 *   `continuation` and any other record: read, not reported.
 *
 * Errors (a file that is not WARC, corrupt gzip data, a record running past
 * the end of the file, a header section over the limit) stop the reader:
 * everything before was reported, the response being read is finished (its
 * message-truncated says the archive ends there), and every later call
 * returns the same error, with a reason and the byte offset in the file as
 * it is stored (compressed, for gzip). A callback that asks to stop gets
 * no further callback, on_record_end included (also when the reader was
 * already stopping on an error: a held response is linted then).
 *
 * Threading: no global state; one reader per thread at a time.
 */
#ifndef RESPCHECK_WARC_H
#define RESPCHECK_WARC_H

#include <stddef.h>
#include <stdint.h>

#include "respcheck.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum respcheck_warc_errno {
  RESPCHECK_WARC_E_OK = 0,
  RESPCHECK_WARC_E_FORMAT = 1,    /* not WARC, or a malformed WARC header */
  RESPCHECK_WARC_E_GZIP = 2,      /* corrupt gzip data */
  RESPCHECK_WARC_E_TRUNCATED = 3, /* the file ends inside a record or a
                                     gzip member */
  RESPCHECK_WARC_E_LIMIT = 4,     /* a WARC header section over the limit */
  RESPCHECK_WARC_E_CALLBACK = 5,  /* on_head asked to stop */
  RESPCHECK_WARC_E_NOMEM = 6,     /* out of memory */
  RESPCHECK_WARC_E_INVAL = 7,     /* invalid argument */
  RESPCHECK_WARC_E_FINISHED = 8   /* respcheck_warc_finish was called */
} respcheck_warc_errno_t;

/* "RESPCHECK_WARC_E_FORMAT", ... and a one-line description. */
const char *respcheck_warc_errno_name(respcheck_warc_errno_t err);
const char *respcheck_warc_strerror(respcheck_warc_errno_t err);

/* When records count as crawler-rewritten (see the top of this file). */
typedef enum respcheck_warc_rewrite {
  RESPCHECK_WARC_REWRITE_AUTO = 0, /* renamed fields, or a Common Crawl file */
  RESPCHECK_WARC_REWRITE_ALWAYS,   /* every response record */
  RESPCHECK_WARC_REWRITE_NEVER     /* none: the block is the server's */
} respcheck_warc_rewrite_t;

typedef struct respcheck_warc_options {
  /* The HTTP parser's options: limits, severities (capture-revisit
   * included), and default_request for responses without a request. */
  respcheck_options_t http;
  size_t max_header_bytes;  /* one record's WARC header section (64 KiB) */
  size_t max_held_bytes;    /* a response block held while the next record is
                               read to find its request (1 MiB); a larger one
                               is linted with the default request */
  size_t max_requests;      /* request records kept for pairing (64) */
  size_t max_target_length; /* bytes kept of a request target, a target URI
                               and a record id (8 KiB); longer ones are cut */
  size_t inflate_size;      /* bytes inflated at a time (64 KiB) */
  respcheck_warc_rewrite_t crawler_rewrite;
  /* Numbering for a reader started inside a file, at a record's first byte
   * (or at the gzip member it starts in): the number of that record and its
   * file offset, from which record numbers and file offsets count (a
   * distributed run's task reads a range of records). 0 and 0 for a whole
   * file. */
  uint64_t first_record;
  uint64_t first_offset;
} respcheck_warc_options_t;

/* respcheck_options_init for http, the defaults above, AUTO. */
void respcheck_warc_options_init(respcheck_warc_options_t *opts);

enum respcheck_warc_record_flags {
  RESPCHECK_WARC_REVISIT = 1 << 0,   /* a revisit record: not linted */
  RESPCHECK_WARC_TRUNCATED = 1 << 1, /* WARC-Truncated, or a segment */
  RESPCHECK_WARC_CUT = 1 << 2,       /* the file ends inside the block */
  RESPCHECK_WARC_REWRITTEN = 1 << 3, /* crawler-rewritten framing fields */
  RESPCHECK_WARC_PAIRED = 1 << 4     /* its request record is known */
};

/*
 * The record the HTTP events belong to, handed to on_record and readable
 * with respcheck_warc_record() from every callback until on_record_end.
 * Spans point into the reader and stay valid until on_record_end returns.
 */
typedef struct respcheck_warc_record {
  uint64_t number;             /* 0-based count of records in the file */
  uint64_t offset;             /* of its first byte in the file; in a gzip file,
                                  of the gzip member it starts in */
  uint64_t data_offset;        /* of its first byte in the decompressed data,
                                  counted from where the reader started */
  uint64_t block_length;       /* its Content-Length */
  respcheck_span_t type;       /* WARC-Type */
  respcheck_span_t record_id;  /* WARC-Record-ID, as written */
  respcheck_span_t target_uri; /* WARC-Target-URI, without the <> some
                                  writers put around it */
  respcheck_span_t truncated;  /* WARC-Truncated's value ("length", ...) */
  unsigned flags;              /* enum respcheck_warc_record_flags */
  /* With RESPCHECK_WARC_PAIRED: the request record's request line. */
  respcheck_request_t request; /* what the parser was given */
  respcheck_span_t method;     /* as written */
  respcheck_span_t target;     /* as written (cut at max_target_length) */
  respcheck_span_t version;    /* "1.1", as written after "HTTP/" */
  uint64_t request_record;     /* the request record's number */
} respcheck_warc_record_t;

typedef struct respcheck_warc_callbacks {
  /* A record to report begins (a response or, when capture-revisit is not
   * off, a revisit). Its HTTP events follow. */
  void (*on_record)(void *user, const respcheck_warc_record_t *record);
  /* Every response in its block: as for respcheck_parser_t. Offsets count
   * from the block's first byte; each record starts at response index 0. */
  respcheck_callbacks_t http;
  /* After its last HTTP event. */
  void (*on_record_end)(void *user, const respcheck_warc_record_t *record);
} respcheck_warc_callbacks_t;

typedef struct respcheck_warc_reader respcheck_warc_reader_t;

/* A reader for one file. opts NULL: the defaults; both structs are copied.
 * NULL when out of memory or when the options are invalid (a zero limit, or
 * HTTP options respcheck_parser_size refuses). */
respcheck_warc_reader_t *
respcheck_warc_reader_new(const respcheck_warc_options_t *opts,
                          const respcheck_warc_callbacks_t *callbacks,
                          void *user);
/* NULL is accepted. */
void respcheck_warc_reader_free(respcheck_warc_reader_t *reader);
/* Starts another file with the same options and callbacks. */
void respcheck_warc_reader_reset(respcheck_warc_reader_t *reader);

/* The next len bytes of the file. Callbacks run from inside. Returns OK or
 * the sticky error. */
respcheck_warc_errno_t respcheck_warc_feed(respcheck_warc_reader_t *reader,
                                           const void *data, size_t len);
/* The end of the file: a response held for pairing is linted, and a file
 * ending inside a record or gzip member is an error (E_TRUNCATED). An empty
 * file is E_FORMAT. */
respcheck_warc_errno_t respcheck_warc_finish(respcheck_warc_reader_t *reader);

/* The sticky error, its reason (NUL-terminated, owned by the reader) and
 * its offset in the file as stored. */
respcheck_warc_errno_t
respcheck_warc_error(const respcheck_warc_reader_t *reader);
const char *respcheck_warc_error_reason(const respcheck_warc_reader_t *reader);
uint64_t respcheck_warc_error_offset(const respcheck_warc_reader_t *reader);

/* The record being reported (inside callbacks), or NULL. */
const respcheck_warc_record_t *
respcheck_warc_record(const respcheck_warc_reader_t *reader);
/* Records begun so far (first_record included), and 1 when the file is
 * gzip-compressed (known after its first two bytes). */
uint64_t respcheck_warc_record_count(const respcheck_warc_reader_t *reader);
int respcheck_warc_is_gzip(const respcheck_warc_reader_t *reader);

/* 1 when the first bytes look like a WARC file: "WARC/", or gzip data
 * that inflates to "WARC/" (the first few hundred bytes are enough); the
 * version is the reader's to check. For input-kind dispatch. */
int respcheck_warc_sniff(const void *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* RESPCHECK_WARC_H */
