/* SPDX-License-Identifier: MIT */
/*
 * The WARC reader's public functions and its input layer: the file's bytes,
 * plain or gzip (told by the first two bytes, RFC 1952 2.3.1), become the
 * decompressed stream that record.c splits into records. A gzip file may
 * hold one member per record (ISO 28500 Annex D recommends it) or one for
 * the whole file; members follow each other until the end of the file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "warc_internal.h"

#define WARC_DEFAULT_HEADER (64u * 1024u)
#define WARC_DEFAULT_HELD (1024u * 1024u)
#define WARC_DEFAULT_REQUESTS 64u
#define WARC_DEFAULT_TARGET (8u * 1024u)
#define WARC_DEFAULT_INFLATE (64u * 1024u)
/* The largest inflate output a call takes: zlib counts in uInt. */
#define WARC_MAX_INFLATE (16u * 1024u * 1024u)

void respcheck_warc_options_init(respcheck_warc_options_t *o) {
  if (o == NULL)
    return;
  memset(o, 0, sizeof(*o));
  respcheck_options_init(&o->http);
  o->max_header_bytes = WARC_DEFAULT_HEADER;
  o->max_held_bytes = WARC_DEFAULT_HELD;
  o->max_requests = WARC_DEFAULT_REQUESTS;
  o->max_target_length = WARC_DEFAULT_TARGET;
  o->inflate_size = WARC_DEFAULT_INFLATE;
  o->crawler_rewrite = RESPCHECK_WARC_REWRITE_AUTO;
}

const char *respcheck_warc_errno_name(respcheck_warc_errno_t err) {
  switch (err) {
  case RESPCHECK_WARC_E_OK:
    return "RESPCHECK_WARC_E_OK";
  case RESPCHECK_WARC_E_FORMAT:
    return "RESPCHECK_WARC_E_FORMAT";
  case RESPCHECK_WARC_E_GZIP:
    return "RESPCHECK_WARC_E_GZIP";
  case RESPCHECK_WARC_E_TRUNCATED:
    return "RESPCHECK_WARC_E_TRUNCATED";
  case RESPCHECK_WARC_E_LIMIT:
    return "RESPCHECK_WARC_E_LIMIT";
  case RESPCHECK_WARC_E_CALLBACK:
    return "RESPCHECK_WARC_E_CALLBACK";
  case RESPCHECK_WARC_E_NOMEM:
    return "RESPCHECK_WARC_E_NOMEM";
  case RESPCHECK_WARC_E_INVAL:
    return "RESPCHECK_WARC_E_INVAL";
  case RESPCHECK_WARC_E_FINISHED:
    return "RESPCHECK_WARC_E_FINISHED";
  }
  return NULL;
}

const char *respcheck_warc_strerror(respcheck_warc_errno_t err) {
  switch (err) {
  case RESPCHECK_WARC_E_OK:
    return "success";
  case RESPCHECK_WARC_E_FORMAT:
    return "not a WARC file, or a malformed WARC record header";
  case RESPCHECK_WARC_E_GZIP:
    return "corrupt gzip data";
  case RESPCHECK_WARC_E_TRUNCATED:
    return "the file ends inside a record or a gzip member";
  case RESPCHECK_WARC_E_LIMIT:
    return "a WARC record header is larger than the limit";
  case RESPCHECK_WARC_E_CALLBACK:
    return "a callback asked to stop";
  case RESPCHECK_WARC_E_NOMEM:
    return "out of memory";
  case RESPCHECK_WARC_E_INVAL:
    return "invalid argument";
  case RESPCHECK_WARC_E_FINISHED:
    return "the file was already finished";
  }
  return NULL;
}

void warc__fail(respcheck_warc_reader_t *r, respcheck_warc_errno_t err,
                uint64_t offset, const char *fmt, ...) {
  va_list ap;
  if (r->error != RESPCHECK_WARC_E_OK)
    return;
  r->error = err;
  r->error_offset = offset;
  va_start(ap, fmt);
  vsnprintf(r->errbuf, sizeof(r->errbuf), fmt, ap);
  va_end(ap);
  warc__lint_abort(r);
}

uint64_t warc__file_offset(const respcheck_warc_reader_t *r, uint64_t doff) {
  return r->input == WARC_IN_GZIP ? r->member_offset
                                  : r->opts.first_offset + doff;
}

/* ------------------------------------------------------------------------ */
/* Set-up. */

static int options_ok(const respcheck_warc_options_t *o) {
  return o->max_header_bytes >= 16 && o->max_held_bytes > 0 &&
         o->max_requests > 0 && o->max_target_length > 0 &&
         o->inflate_size > 0 && o->inflate_size <= WARC_MAX_INFLATE &&
         (unsigned)o->crawler_rewrite <= RESPCHECK_WARC_REWRITE_NEVER &&
         o->max_requests <= SIZE_MAX / (o->max_target_length + 1) &&
         respcheck_parser_size(&o->http) != 0;
}

void warc__lint_setup_options(const respcheck_warc_options_t *o,
                              respcheck_options_t *b, respcheck_options_t *c);
int warc__lint_init(respcheck_warc_reader_t *r);

respcheck_warc_reader_t *
respcheck_warc_reader_new(const respcheck_warc_options_t *opts,
                          const respcheck_warc_callbacks_t *callbacks,
                          void *user) {
  respcheck_warc_reader_t *r;
  respcheck_warc_options_t defaults;

  if (opts == NULL) {
    respcheck_warc_options_init(&defaults);
    opts = &defaults;
  }
  if (!options_ok(opts))
    return NULL;
  r = calloc(1, sizeof(*r));
  if (r == NULL)
    return NULL;
  r->opts = *opts;
  if (callbacks)
    r->cb = *callbacks;
  r->user = user;
  r->hdr_cap = opts->max_header_bytes;
  r->hdr = malloc(r->hdr_cap);
  r->zout = malloc(opts->inflate_size);
  if (r->hdr == NULL || r->zout == NULL || warc__lint_init(r) != 0) {
    respcheck_warc_reader_free(r);
    return NULL;
  }
  respcheck_warc_reader_reset(r);
  return r;
}

void warc__lint_free(respcheck_warc_reader_t *r);
void warc__lint_reset(respcheck_warc_reader_t *r);

void respcheck_warc_reader_free(respcheck_warc_reader_t *r) {
  if (r == NULL)
    return;
  if (r->z_ready)
    inflateEnd(&r->z);
  warc__lint_free(r);
  free(r->hdr);
  free(r->zout);
  free(r);
}

void respcheck_warc_reader_reset(respcheck_warc_reader_t *r) {
  if (r == NULL)
    return;
  r->error = RESPCHECK_WARC_E_OK;
  r->error_offset = 0;
  r->errbuf[0] = '\0';
  r->finished = 0;
  r->seen_record = 0;
  r->input = WARC_IN_UNKNOWN;
  r->nmagic = 0;
  r->in_offset = r->opts.first_offset;
  r->in_member = 0;
  r->member_offset = r->opts.first_offset;
  if (r->z_ready)
    inflateReset(&r->z);
  r->rstate = WARC_RS_GAP;
  r->doff = 0;
  r->records = r->opts.first_record;
  r->hdr_len = 0;
  r->line_start = 0;
  r->remaining = 0;
  warc__lint_reset(r);
}

/* ------------------------------------------------------------------------ */
/* Input. */

static int is_gzip_magic(const unsigned char *m) {
  return m[0] == 0x1f && m[1] == 0x8b;
}

/* Inflates data[0, len), member after member, into record.c. zlib may
 * hold output back when the buffer fills: it is drained before returning. */
static void gzip_feed(respcheck_warc_reader_t *r, const unsigned char *data,
                      size_t len) {
  int pending = 0;
  while ((len > 0 || pending) && r->error == RESPCHECK_WARC_E_OK) {
    size_t used, made, k;
    uInt in = len > (size_t)0x7fffffff ? 0x7fffffffu : (uInt)len;
    int rc;

    if (!r->in_member) {
      r->in_member = 1;
      r->member_offset = r->in_offset;
      r->magic_seen = 0;
    }
    /* RFC 1952 2.3.1: ID1 ID2. Anything else after a member is not gzip
     * (zlib would only say "incorrect header check"). The two bytes may
     * come in two calls. */
    for (k = 0; r->magic_seen < 2 && k < len; k++, r->magic_seen++) {
      if (data[k] != (r->magic_seen ? 0x8b : 0x1f)) {
        warc__fail(r, RESPCHECK_WARC_E_GZIP, r->member_offset,
                   "the data after the gzip member that ends here is not "
                   "a gzip member");
        return;
      }
    }
    r->z.next_in = (Bytef *)(uintptr_t)data;
    r->z.avail_in = in;
    r->z.next_out = r->zout;
    r->z.avail_out = (uInt)r->opts.inflate_size;
    rc = inflate(&r->z, Z_NO_FLUSH);
    used = in - r->z.avail_in;
    made = r->opts.inflate_size - r->z.avail_out;
    if (made > 0)
      warc__records_feed(r, (const char *)r->zout, made);
    if (r->error != RESPCHECK_WARC_E_OK)
      return;
    r->in_offset += used;
    data += used;
    len -= used;
    pending = made == r->opts.inflate_size;
    if (rc == Z_STREAM_END) {
      r->in_member = 0;
      pending = 0;
      inflateReset(&r->z);
      continue;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      warc__fail(r, RESPCHECK_WARC_E_GZIP, r->in_offset,
                 "corrupt gzip data in the member starting at byte %llu "
                 "(zlib: %s)",
                 (unsigned long long)r->member_offset,
                 r->z.msg ? r->z.msg : "error");
      return;
    }
    if (used == 0 && made == 0)
      return; /* zlib needs more input */
  }
}

static void input_start(respcheck_warc_reader_t *r) {
  if (is_gzip_magic(r->magic)) {
    r->input = WARC_IN_GZIP;
    if (!r->z_ready) {
      memset(&r->z, 0, sizeof(r->z));
      /* 16 + MAX_WBITS: gzip wrapper only (zlib.h, inflateInit2). */
      if (inflateInit2(&r->z, 16 + MAX_WBITS) != Z_OK) {
        warc__fail(r, RESPCHECK_WARC_E_NOMEM, r->in_offset,
                   "out of memory for zlib");
        return;
      }
      r->z_ready = 1;
    }
  } else {
    r->input = WARC_IN_PLAIN;
  }
}

static void input_feed(respcheck_warc_reader_t *r, const unsigned char *data,
                       size_t len) {
  if (r->input == WARC_IN_PLAIN) {
    warc__records_feed(r, (const char *)data, len);
    r->in_offset += len;
  } else {
    gzip_feed(r, data, len);
  }
}

respcheck_warc_errno_t respcheck_warc_feed(respcheck_warc_reader_t *r,
                                           const void *data, size_t len) {
  const unsigned char *d = data;
  if (r == NULL || (data == NULL && len > 0))
    return RESPCHECK_WARC_E_INVAL;
  if (r->error != RESPCHECK_WARC_E_OK)
    return r->error;
  if (r->finished)
    return RESPCHECK_WARC_E_FINISHED;
  if (r->input == WARC_IN_UNKNOWN) {
    /* Two bytes tell gzip from plain; the first call may bring one. */
    while (r->nmagic < 2 && len > 0) {
      r->magic[r->nmagic++] = *d++;
      len--;
    }
    if (r->nmagic < 2)
      return RESPCHECK_WARC_E_OK;
    input_start(r);
    if (r->error == RESPCHECK_WARC_E_OK)
      input_feed(r, r->magic, 2);
  }
  if (len > 0 && r->error == RESPCHECK_WARC_E_OK)
    input_feed(r, d, len);
  return r->error;
}

respcheck_warc_errno_t respcheck_warc_finish(respcheck_warc_reader_t *r) {
  if (r == NULL)
    return RESPCHECK_WARC_E_INVAL;
  if (r->error != RESPCHECK_WARC_E_OK)
    return r->error;
  if (r->finished)
    return RESPCHECK_WARC_E_FINISHED;
  r->finished = 1;
  if (r->input == WARC_IN_UNKNOWN) {
    /* Fewer than two bytes: plain, and too short to be a record. */
    r->input = WARC_IN_PLAIN;
    if (r->nmagic)
      input_feed(r, r->magic, r->nmagic);
  }
  if (r->error == RESPCHECK_WARC_E_OK && r->input == WARC_IN_GZIP &&
      r->in_member) {
    warc__fail(r, RESPCHECK_WARC_E_TRUNCATED, r->in_offset,
               "the file ends inside the gzip member starting at byte %llu",
               (unsigned long long)r->member_offset);
    return r->error;
  }
  if (r->error == RESPCHECK_WARC_E_OK && warc__records_finish(r) == 0)
    warc__lint_eof(r);
  return r->error;
}

respcheck_warc_errno_t respcheck_warc_error(const respcheck_warc_reader_t *r) {
  return r ? r->error : RESPCHECK_WARC_E_INVAL;
}

const char *respcheck_warc_error_reason(const respcheck_warc_reader_t *r) {
  if (r == NULL)
    return "invalid argument";
  return r->error == RESPCHECK_WARC_E_OK ? "" : r->errbuf;
}

uint64_t respcheck_warc_error_offset(const respcheck_warc_reader_t *r) {
  return r ? r->error_offset : 0;
}

const respcheck_warc_record_t *
respcheck_warc_record(const respcheck_warc_reader_t *r) {
  return r && r->lrec ? &r->lrec->pub : NULL;
}

uint64_t respcheck_warc_record_count(const respcheck_warc_reader_t *r) {
  return r ? r->records : 0;
}

int respcheck_warc_is_gzip(const respcheck_warc_reader_t *r) {
  return r && r->input == WARC_IN_GZIP;
}

int respcheck_warc_sniff(const void *data, size_t len) {
  static const char warc[] = "WARC/";
  const size_t wl = sizeof(warc) - 1;
  const unsigned char *d = data;
  unsigned char out[sizeof(warc)];
  z_stream z;
  int rc;
  size_t n;

  if (data == NULL || len < 2)
    return 0;
  if (!is_gzip_magic(d)) {
    n = len < wl ? len : wl;
    return memcmp(d, warc, n) == 0;
  }
  /* A gzip file is a WARC file when its data starts with a WARC record. */
  memset(&z, 0, sizeof(z));
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
    return 0;
  z.next_in = (Bytef *)(uintptr_t)d;
  z.avail_in = len > 0x7fffffffu ? 0x7fffffffu : (uInt)len;
  z.next_out = out;
  z.avail_out = (uInt)wl;
  rc = inflate(&z, Z_NO_FLUSH);
  n = wl - z.avail_out;
  inflateEnd(&z);
  if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
    return 0;
  return n > 0 && memcmp(out, warc, n) == 0;
}
