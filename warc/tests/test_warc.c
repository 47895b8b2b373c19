/* SPDX-License-Identifier: MIT */
/*
 * Tests of the WARC reader on the fixtures make_fixtures.py writes (one
 * test per case it builds) and on the real recordings of recorded/. Each
 * run is written as an event log, one line per event:
 *
 *   R<n> d=<decompressed offset> <flags> uri=<target uri> [req=M T V]
 *     F <rule> @<offset> #<response> <severity>
 *     H #<response> <status> <verdict>
 *     E #<response> <verdict>
 *   /R<n>
 *   ERR <error name> @<file offset>
 *
 * flags: V revisit, T truncated, C cut, W rewritten, P paired. Messages are
 * logged apart. Every fixture gives the same log fed whole, a byte at a
 * time and in 7-byte pieces.
 */
#include <zlib.h>

#include "respcheck_warc.h"
#include "test_log.h"

#ifndef FIXTURES
#error "FIXTURES must name the fixtures folder"
#endif

typedef struct run {
  rc_text_t log, msgs;
  respcheck_warc_reader_t *r;
  respcheck_warc_errno_t err;
  const char *reason;
  uint64_t err_offset;
  uint64_t offsets[64]; /* file offset of each record reported */
  size_t noffsets;
} run_t;

static void on_record(void *u, const respcheck_warc_record_t *rec) {
  run_t *t = u;
  unsigned f = rec->flags;
  rc_text_add(&t->log, "R%llu d=%llu %s%s%s%s%s uri=%.*s",
              (unsigned long long)rec->number,
              (unsigned long long)rec->data_offset,
              f & RESPCHECK_WARC_REVISIT ? "V" : "",
              f & RESPCHECK_WARC_TRUNCATED ? "T" : "",
              f & RESPCHECK_WARC_CUT ? "C" : "",
              f & RESPCHECK_WARC_REWRITTEN ? "W" : "",
              f & RESPCHECK_WARC_PAIRED ? "P" : "-", (int)rec->target_uri.len,
              rec->target_uri.ptr);
  if (f & RESPCHECK_WARC_PAIRED)
    rc_text_add(&t->log, " req=%.*s %.*s %.*s (R%llu)", (int)rec->method.len,
                rec->method.ptr, (int)rec->target.len, rec->target.ptr,
                (int)rec->version.len, rec->version.ptr,
                (unsigned long long)rec->request_record);
  rc_text_add(&t->log, "\n");
  if (t->noffsets < 64)
    t->offsets[t->noffsets++] = rec->offset;
  cr_assert_eq(respcheck_warc_record(t->r), rec);
}

static void on_record_end(void *u, const respcheck_warc_record_t *rec) {
  run_t *t = u;
  rc_text_add(&t->log, "/R%llu%s\n", (unsigned long long)rec->number,
              rec->flags & RESPCHECK_WARC_CUT ? " cut" : "");
}

static void on_finding(void *u, const respcheck_finding_t *f) {
  run_t *t = u;
  cr_assert_not_null(respcheck_warc_record(t->r));
  rc_text_add(&t->log, "  F %s @%llu #%llu %s\n", f->id,
              (unsigned long long)f->offset,
              (unsigned long long)f->response_index,
              respcheck_severity_name(f->severity));
  rc_text_add(&t->msgs, "%s: %s\n", f->id, f->message);
}

static int on_head(void *u, const respcheck_response_t *resp) {
  run_t *t = u;
  rc_text_add(&t->log, "  H #%llu %d %s\n", (unsigned long long)resp->index,
              resp->status,
              resp->verdict == RESPCHECK_REJECT ? "reject" : "accept");
  return 0;
}

static void on_end(void *u, const respcheck_message_end_t *m) {
  run_t *t = u;
  rc_text_add(&t->log, "  E #%llu %s\n", (unsigned long long)m->index,
              m->verdict == RESPCHECK_REJECT ? "reject" : "accept");
}

static unsigned char *slurp(const char *name, size_t *len) {
  return rc_slurp(FIXTURES, name, len);
}

static void run_data(run_t *t, const unsigned char *d, size_t n, size_t chunk,
                     const respcheck_warc_options_t *opts) {
  respcheck_warc_callbacks_t cb;
  size_t i;
  memset(t, 0, sizeof(*t));
  memset(&cb, 0, sizeof(cb));
  cb.on_record = on_record;
  cb.on_record_end = on_record_end;
  cb.http.on_finding = on_finding;
  cb.http.on_head = on_head;
  cb.http.on_message_end = on_end;
  t->r = respcheck_warc_reader_new(opts, &cb, t);
  cr_assert_not_null(t->r);
  rc_text_add(&t->log, "%s", "");
  rc_text_add(&t->msgs, "%s", "");
  if (chunk == 0)
    chunk = n ? n : 1;
  for (i = 0; i < n; i += chunk) {
    size_t k = n - i < chunk ? n - i : chunk;
    if (respcheck_warc_feed(t->r, d + i, k) != RESPCHECK_WARC_E_OK)
      break;
  }
  respcheck_warc_finish(t->r);
  t->err = respcheck_warc_error(t->r);
  t->reason = respcheck_warc_error_reason(t->r);
  t->err_offset = respcheck_warc_error_offset(t->r);
  if (t->err != RESPCHECK_WARC_E_OK)
    rc_text_add(&t->log, "ERR %s @%llu\n", respcheck_warc_errno_name(t->err),
                (unsigned long long)t->err_offset);
}

static void run_file(run_t *t, const char *name, size_t chunk,
                     const respcheck_warc_options_t *opts) {
  size_t n;
  unsigned char *d = slurp(name, &n);
  run_data(t, d, n, chunk, opts);
  free(d);
}

static void done(run_t *t) {
  respcheck_warc_reader_free(t->r);
  free(t->log.p);
  free(t->msgs.p);
}

/* Lines of the log that start with prefix, counted. */
static int count(const run_t *t, const char *prefix) {
  const char *p = t->log.p;
  int n = 0;
  size_t k = strlen(prefix);
  while (p && *p) {
    if (strncmp(p, prefix, k) == 0)
      n++;
    p = strchr(p, '\n');
    if (p)
      p++;
  }
  return n;
}

static int occurrences(const run_t *t, const char *s) {
  return rc_occurrences(t->log.p, s);
}

static const char *const all_fixtures[] = {
    "wget-like.warc",          "wget-like.warc.gz",
    "wget-like-whole.warc.gz", "heritrix.warc",
    "heritrix.warc.gz",        "revisit.warc",
    "truncated.warc",          "commoncrawl.warc.gz",
    "crawler-fields.warc",     "bad-corrupt-member.warc.gz",
    "bad-cut-member.warc.gz",  "bad-trailing.warc.gz",
    "bad-past-eof.warc",       "bad-no-version.warc",
    "bad-not-warc.warc",       "bad-version.warc",
    "bad-empty.warc",
};

Test(warc, same_events_in_any_chunking) {
  size_t i, c;
  static const size_t chunks[] = {1, 7, 4096};
  for (i = 0; i < sizeof(all_fixtures) / sizeof(all_fixtures[0]); i++) {
    run_t whole;
    run_file(&whole, all_fixtures[i], 0, NULL);
    for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
      run_t t;
      run_file(&t, all_fixtures[i], chunks[c], NULL);
      cr_expect_str_eq(t.log.p, whole.log.p, "%s in %zu-byte pieces",
                       all_fixtures[i], chunks[c]);
      cr_expect_str_eq(t.msgs.p, whole.msgs.p, "%s in %zu-byte pieces",
                       all_fixtures[i], chunks[c]);
      done(&t);
    }
    done(&whole);
  }
}

static void check_wget_like(const char *name) {
  run_t t;
  run_file(&t, name, 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_OK, "%s: %s", name, t.reason);
  /* Five response records; the HTTP/1.0 request's has two responses. */
  cr_expect_eq(count(&t, "R"), 5, "%s", t.log.p);
  HAS(&t, " P uri=http://example.test/a req=GET /a 1.1 (R1)\n");
  HAS(&t, " P uri=http://example.test/b req=HEAD /b 1.1 (R3)\n");
  HAS(&t, " P uri=http://example.test/c req=GET /c 1.0 (R5)\n");
  HAS(&t, "R9 ");
  HAS(&t, " - uri=http://example.test/d\n");
  HAS(&t, "R10 ");
  /* A 200 to HEAD with Content-Length 1000 and no content: complete. */
  HASNT(&t, "message-truncated");
  HAS(&t, "  F status-1xx-http10 @9 #0 error\n");
  HAS(&t, "  H #1 200 accept\n");
  HAS(&t, "  F allow-missing @9 #0 error\n");
  HAS(&t, "  F location-missing @9 #0 warning\n");
  /* The metadata, resource and dns records are skipped. */
  HASNT(&t, "R7 ");
  HASNT(&t, "R8 ");
  HASNT(&t, "R11 ");
  cr_expect_eq(respcheck_warc_record_count(t.r), 12);
  done(&t);
}

Test(warc, wget_like_plain) { check_wget_like("wget-like.warc"); }
Test(warc, wget_like_gzip_member_per_record) {
  check_wget_like("wget-like.warc.gz");
}
Test(warc, wget_like_whole_file_gzip) {
  check_wget_like("wget-like-whole.warc.gz");
}

Test(warc, plain_and_gzip_give_the_same_log) {
  run_t a, b, c;
  run_file(&a, "wget-like.warc", 0, NULL);
  run_file(&b, "wget-like.warc.gz", 0, NULL);
  run_file(&c, "wget-like-whole.warc.gz", 0, NULL);
  cr_expect_str_eq(a.log.p, b.log.p);
  cr_expect_str_eq(a.log.p, c.log.p);
  cr_expect_not(respcheck_warc_is_gzip(a.r));
  cr_expect(respcheck_warc_is_gzip(b.r));
  done(&a);
  done(&b);
  done(&c);
}

/* A record's offset is its own in a plain file, that of the gzip member it
 * starts in otherwise: each member there inflates to "WARC/". */
Test(warc, record_offsets) {
  run_t t;
  size_t n, i;
  unsigned char *plain = slurp("wget-like.warc", &n);
  unsigned char *gz;
  run_file(&t, "wget-like.warc", 0, NULL);
  cr_assert_eq(t.noffsets, 5);
  for (i = 0; i < t.noffsets; i++)
    cr_expect_eq(memcmp(plain + t.offsets[i], "WARC/1.0\r\n", 10), 0);
  done(&t);
  free(plain);

  gz = slurp("wget-like.warc.gz", &n);
  run_file(&t, "wget-like.warc.gz", 0, NULL);
  cr_assert_eq(t.noffsets, 5);
  for (i = 0; i < t.noffsets; i++) {
    z_stream z;
    unsigned char out[10];
    cr_assert_lt(t.offsets[i] + 2, n);
    cr_expect(gz[t.offsets[i]] == 0x1f && gz[t.offsets[i] + 1] == 0x8b);
    memset(&z, 0, sizeof(z));
    cr_assert_eq(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
    z.next_in = gz + t.offsets[i];
    z.avail_in = (uInt)(n - t.offsets[i]);
    z.next_out = out;
    z.avail_out = sizeof(out);
    inflate(&z, Z_NO_FLUSH);
    inflateEnd(&z);
    cr_expect_eq(memcmp(out, "WARC/1.0\r\n", 10), 0);
  }
  done(&t);
  free(gz);

  run_file(&t, "wget-like-whole.warc.gz", 0, NULL);
  for (i = 0; i < t.noffsets; i++)
    cr_expect_eq(t.offsets[i], 0); /* one member */
  done(&t);
}

static void check_heritrix(const char *name) {
  run_t t;
  run_file(&t, name, 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_OK, "%s", t.reason);
  /* The request after the response gives its method and version. */
  HAS(&t, "R1 d=");
  HAS(&t, " P uri=http://example.test/a req=HEAD /a 1.1 (R2)\n");
  HAS(&t, " P uri=http://example.test/b req=GET /b 1.0 (R5)\n");
  HASNT(&t, "message-truncated");
  HAS(&t, "  F transfer-encoding-http10 @");
  MSG(&t, "Transfer-Encoding in a response to an HTTP/1.0 request");
  /* The last response has no request after it: the defaults. */
  HAS(&t, " - uri=http://example.test/c\n");
  HAS(&t, "  F content-length-forbidden @");
  /* Reported in record order. */
  cr_expect(strstr(t.log.p, "R1 ") < strstr(t.log.p, "R4 "));
  cr_expect(strstr(t.log.p, "R4 ") < strstr(t.log.p, "R6 "));
  done(&t);
}

Test(warc, heritrix_request_after_response) { check_heritrix("heritrix.warc"); }
Test(warc, heritrix_gzip) { check_heritrix("heritrix.warc.gz"); }

/* With the hold turned down to nothing, the request after a response
 * cannot be waited for: the defaults apply, and the 200 to HEAD is then
 * missing its content. The near miss of heritrix_request_after_response. */
Test(warc, hold_limit) {
  run_t t;
  respcheck_warc_options_t o;
  respcheck_warc_options_init(&o);
  o.max_held_bytes = 16;
  run_file(&t, "heritrix.warc", 0, &o);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_OK);
  HAS(&t, " - uri=http://example.test/a\n");
  HAS(&t, "  F message-truncated @");
  done(&t);
}

Test(warc, revisit_is_not_linted) {
  run_t t;
  respcheck_warc_options_t o;
  run_file(&t, "revisit.warc", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_OK);
  HAS(&t, "R2 d=");
  HAS(&t, " V- uri=http://example.test/r\n  F capture-revisit @0 #0 info\n"
          "  E #0 accept\n/R2\n");
  MSG(&t, "revisit record (identical payload digest");
  /* Not linted: its Content-Length 5000 without content is no finding. */
  HASNT(&t, "message-truncated");
  /* The request was the revisit's: the last response has none. */
  HAS(&t, "R3 d=");
  HAS(&t, " - uri=http://example.test/r\n");
  done(&t);

  respcheck_warc_options_init(&o);
  o.http.severity[RESPCHECK_RULE_CAPTURE_REVISIT] = RESPCHECK_SEVERITY_OFF;
  run_file(&t, "revisit.warc", 0, &o);
  HASNT(&t, "R2 ");
  HAS(&t, "R3 ");
  done(&t);
}

Test(warc, truncated_records) {
  run_t t;
  run_file(&t, "truncated.warc", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_OK);
  HAS(&t, "R0 d=0 T- ");
  HAS(&t, "R1 d=");
  cr_expect_eq(count(&t, "  F message-truncated"), 3, "%s", t.log.p);
  MSG(&t, "the crawler truncated this record (WARC-Truncated: length)");
  MSG(&t, "the crawler truncated this record (WARC-Truncated: time)");
  MSG(&t, "not the server's doing");
  /* Record 2 has the same bytes without WARC-Truncated: the server's. */
  HAS(&t, "R2 d=");
  HASNT(&t, "R2 d=0 T");
  cr_expect(strstr(t.msgs.p, "message-truncated: the stream ended inside "
                             "the content\n") != NULL,
            "%s", t.msgs.p);
  done(&t);
}

Test(warc, common_crawl_records) {
  run_t t;
  run_file(&t, "commoncrawl.warc.gz", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_OK, "%s", t.reason);
  cr_expect_eq(count(&t, "R"), 7, "%s", t.log.p);
  /* Every response is paired with its request and read as rewritten. */
  cr_expect_eq(occurrences(&t, " WP uri="), 7, "%s", t.log.p);
  HAS(&t, " WP uri=https://site1.example.test/page req=GET /page 1.1 (R1)\n");
  /* 1: decoded gzip: nothing to report. 2: de-chunked: nothing. */
  HAS(&t, "R2 d=");
  HAS(&t, "R5 d=");
  /* 3: chunked in HTTP/1.0, at the renamed field (offset of its name). */
  HAS(&t, "R8 d=");
  HAS(&t, "  F transfer-encoding-http10 @");
  MSG(&t, "Transfer-Encoding in an HTTP/1.0 response: framing is faulty "
          "(from the server's framing fields, which the crawler renamed");
  /* 4: the crawler's Content-Length: 0 in a 204 is not the server's. */
  HASNT(&t, "content-length-forbidden");
  /* 5: the server sent both. 6: a Content-Length that is no number. */
  HAS(&t, "  F framing-conflict @");
  HAS(&t, "  F content-length-invalid @");
  MSG(&t, "Content-Length \"12abc\" is not a decimal number");
  /* 7: as sent. */
  HAS(&t, "  H #0 404 accept\n");
  cr_expect_eq(count(&t, "  F "), 3, "%s", t.log.p);
  done(&t);
}

/* The findings on renamed fields point at those fields in the block. */
Test(warc, common_crawl_offsets) {
  static const char *const want[] = {
      "transfer-encoding-http10", "Transfer-Encoding: chunked",
      "framing-conflict",         NULL,
      "content-length-invalid",   "Content-Length: 12abc",
  };
  size_t n, i;
  unsigned char *gz = slurp("commoncrawl.warc.gz", &n);
  run_t t;
  (void)gz;
  run_file(&t, "commoncrawl.warc.gz", 0, NULL);
  for (i = 0; i < sizeof(want) / sizeof(want[0]); i += 2) {
    char key[64];
    const char *f;
    unsigned long long off, rec, d;
    const char *r;
    snprintf(key, sizeof(key), "  F %s @", want[i]);
    f = strstr(t.log.p, key);
    cr_assert_not_null(f, "%s", want[i]);
    off = strtoull(f + strlen(key), NULL, 10);
    /* The record line before it. */
    for (r = f; r > t.log.p && !(r[-1] == '\n' && r[0] == 'R'); r--)
      ;
    rec = strtoull(r + 1, NULL, 10);
    d = strtoull(strstr(r, "d=") + 2, NULL, 10);
    cr_expect(rec > 0);
    if (want[i + 1]) {
      /* Inflate the whole file and look at the block's bytes there. */
      z_stream z;
      static unsigned char out[1 << 16];
      const char *block;
      memset(&z, 0, sizeof(z));
      cr_assert_eq(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
      z.next_in = gz;
      z.avail_in = (uInt)n;
      z.next_out = out;
      z.avail_out = sizeof(out) - 1;
      while (z.avail_in > 0) {
        int rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END)
          inflateReset(&z);
        else if (rc != Z_OK)
          break;
      }
      out[sizeof(out) - 1 - z.avail_out] = 0;
      inflateEnd(&z);
      block = strstr((const char *)out + d, "\r\n\r\nHTTP/") + 4;
      cr_expect_eq(strncmp(block + off, want[i + 1], strlen(want[i + 1])), 0,
                   "%s at %llu: %.30s", want[i], off, block + off);
    }
  }
  done(&t);
  free(gz);
}

Test(warc, crawler_fields_without_common_crawl_warcinfo) {
  run_t t;
  respcheck_warc_options_t o;
  run_file(&t, "crawler-fields.warc", 0, NULL);
  HAS(&t, "R0 d=0 W- ");
  HAS(&t, "  F transfer-encoding-http10 @");
  /* Without renamed fields and outside Common Crawl: the server's. */
  HAS(&t, "R1 d=");
  HASNT(&t, "R1 d=0 W");
  HAS(&t, "  F content-length-forbidden @");
  done(&t);

  respcheck_warc_options_init(&o);
  o.crawler_rewrite = RESPCHECK_WARC_REWRITE_NEVER;
  run_file(&t, "crawler-fields.warc", 0, &o);
  HASNT(&t, " W");
  HASNT(&t, "transfer-encoding-http10");
  done(&t);
  o.crawler_rewrite = RESPCHECK_WARC_REWRITE_ALWAYS;
  run_file(&t, "crawler-fields.warc", 0, &o);
  HASNT(&t, "content-length-forbidden");
  done(&t);
}

/* One WARC/1.1 response record of uri whose block is http, at the end of
 * out[0, cap); returns its length. */
static size_t response_record(char *out, size_t cap, const char *uri,
                              const char *http) {
  int n = snprintf(out, cap,
                   "WARC/1.1\r\nWARC-Type: response\r\n"
                   "WARC-Record-ID: <urn:uuid:%08zx-0000-4000-8000-"
                   "000000000000>\r\nWARC-Target-URI: %s\r\n"
                   "Content-Type: application/http;msgtype=response\r\n"
                   "Content-Length: %zu\r\n\r\n%s\r\n\r\n",
                   strlen(uri), uri, strlen(http), http);
  cr_assert(n > 0 && (size_t)n < cap);
  return (size_t)n;
}

/* A response of an https:// URI came over TLS: Strict-Transport-Security
 * is where it belongs (RFC 6797 7.1), strict-transport-security-plain-http
 * is not said; of an http:// URI it is. */
Test(warc, sts_plain_http_follows_the_target_uri_scheme) {
  static const char http[] =
      "HTTP/1.1 200 OK\r\nDate: Tue, 15 Jul 2025 08:12:31 GMT\r\n"
      "Strict-Transport-Security: max-age=31536000\r\n"
      "Content-Length: 0\r\n\r\n";
  respcheck_warc_options_t o;
  char buf[2048];
  size_t n;
  run_t t;
  respcheck_warc_options_init(&o);
  o.http.severity[RESPCHECK_RULE_STRICT_TRANSPORT_SECURITY_PLAIN_HTTP] =
      RESPCHECK_SEVERITY_WARNING;
  n = response_record(buf, sizeof(buf), "https://example.test/", http);
  n +=
      response_record(buf + n, sizeof(buf) - n, "HTTPS://example.test/b", http);
  run_data(&t, (const unsigned char *)buf, n, 0, &o);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_OK);
  HAS(&t, "R1 d=");
  HASNT(&t, "strict-transport-security-plain-http");
  done(&t);
  n = response_record(buf, sizeof(buf), "http://example.test/", http);
  n += response_record(buf + n, sizeof(buf) - n, "<https://example.test/>",
                       http);
  run_data(&t, (const unsigned char *)buf, n, 0, &o);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_OK);
  cr_expect_eq(occurrences(&t, "strict-transport-security-plain-http"), 1, "%s",
               t.log.p);
  HAS(&t, "uri=http://example.test/\n  F strict-transport-security-plain-http");
  done(&t);
}

/* Bad inputs: what came before is reported, then the error and where. */
Test(warc, bad_corrupt_gzip_member) {
  run_t t;
  size_t n;
  unsigned char *d = slurp("bad-corrupt-member.warc.gz", &n);
  run_file(&t, "bad-corrupt-member.warc.gz", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_GZIP);
  HAS(&t, "R2 d="); /* before the corrupt member */
  HASNT(&t, "R9 "); /* after it */
  cr_expect(strstr(t.reason, "corrupt gzip data in the member starting at "
                             "byte") != NULL,
            "%s", t.reason);
  cr_expect_lt(t.err_offset, n);
  cr_expect_gt(t.err_offset, 0);
  done(&t);
  free(d);
}

Test(warc, bad_cut_gzip_member) {
  run_t t;
  size_t n;
  unsigned char *d = slurp("bad-cut-member.warc.gz", &n);
  run_file(&t, "bad-cut-member.warc.gz", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_TRUNCATED);
  cr_expect_eq(t.err_offset, n);
  cr_expect(strstr(t.reason, "the file ends inside the gzip member") != NULL);
  HAS(&t, "R10 "); /* the last response record came before the cut member */
  done(&t);
  free(d);
}

Test(warc, bad_trailing_bytes_after_gzip) {
  run_t t;
  size_t n;
  unsigned char *d = slurp("bad-trailing.warc.gz", &n);
  run_file(&t, "bad-trailing.warc.gz", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_GZIP);
  cr_expect_eq(t.err_offset, n - 17);
  cr_expect(strstr(t.reason, "is not a gzip member") != NULL, "%s", t.reason);
  HAS(&t, "R10 ");
  done(&t);
  free(d);
}

Test(warc, bad_content_length_past_end_of_file) {
  run_t t;
  run_file(&t, "bad-past-eof.warc", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_TRUNCATED);
  cr_expect(strstr(t.reason, "runs past the end of the file") != NULL, "%s",
            t.reason);
  /* The cut record is reported, and the cut is the file's. */
  HAS(&t, " P uri=http://example.test/cut req=GET /cut 1.1 (R3)\n");
  HAS(&t, "/R4 cut\n");
  MSG(&t, "the archive file ends inside this record");
  HAS(&t, "R2 d=");
  cr_expect_gt(t.err_offset, 0);
  done(&t);
}

Test(warc, bad_missing_version_line) {
  run_t t;
  size_t n;
  unsigned char *d = slurp("bad-no-version.warc", &n);
  run_file(&t, "bad-no-version.warc", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_FORMAT);
  HAS(&t, "R2 d=");
  cr_expect(strstr(t.reason, "no WARC/1.x line") != NULL, "%s", t.reason);
  cr_expect_eq(memcmp(d + t.err_offset, "HTTP/1.1 200", 12), 0);
  done(&t);
  free(d);
}

Test(warc, bad_not_warc_and_empty) {
  run_t t;
  run_file(&t, "bad-not-warc.warc", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_FORMAT);
  cr_expect_eq(t.err_offset, 0);
  cr_expect(strstr(t.reason, "not a WARC file") != NULL, "%s", t.reason);
  done(&t);
  run_file(&t, "bad-empty.warc", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_FORMAT);
  cr_expect(strstr(t.reason, "empty") != NULL, "%s", t.reason);
  done(&t);
  run_file(&t, "bad-version.warc", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_FORMAT);
  cr_expect(strstr(t.reason, "unsupported version") != NULL, "%s", t.reason);
  done(&t);
}

Test(warc, errors_are_sticky) {
  run_t t;
  run_file(&t, "bad-not-warc.warc", 0, NULL);
  cr_expect_eq(respcheck_warc_feed(t.r, "WARC/1.0\r\n", 10),
               RESPCHECK_WARC_E_FORMAT);
  cr_expect_eq(respcheck_warc_finish(t.r), RESPCHECK_WARC_E_FORMAT);
  done(&t);
  run_file(&t, "wget-like.warc", 0, NULL);
  cr_expect_eq(respcheck_warc_feed(t.r, "x", 1), RESPCHECK_WARC_E_FINISHED);
  done(&t);
}

Test(warc, header_limit) {
  run_t t;
  respcheck_warc_options_t o;
  respcheck_warc_options_init(&o);
  o.max_header_bytes = 64;
  run_file(&t, "wget-like.warc", 0, &o);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_LIMIT);
  cr_expect(strstr(t.reason, "larger than the limit of 64 bytes") != NULL, "%s",
            t.reason);
  done(&t);
}

Test(warc, sniff) {
  size_t n;
  unsigned char *d = slurp("wget-like.warc.gz", &n);
  cr_expect(respcheck_warc_sniff(d, n));
  cr_expect(respcheck_warc_sniff(d, 64));
  free(d);
  cr_expect(respcheck_warc_sniff("WARC/1.1\r\n", 10));
  cr_expect_not(respcheck_warc_sniff("HTTP/1.1 200 OK\r\n", 17));
  cr_expect_not(respcheck_warc_sniff("{\"log\":", 7));
  d = slurp("bad-not-warc.warc", &n);
  cr_expect_not(respcheck_warc_sniff(d, n));
  free(d);
  {
    /* gzip, but not a WARC inside. */
    unsigned char z[64];
    uLongf zl = sizeof(z);
    z_stream s;
    memset(&s, 0, sizeof(s));
    deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    s.next_in = (Bytef *)"HTTP/1.1 200 OK\r\n";
    s.avail_in = 17;
    s.next_out = z;
    s.avail_out = sizeof(z);
    deflate(&s, Z_FINISH);
    zl = sizeof(z) - s.avail_out;
    deflateEnd(&s);
    cr_expect_not(respcheck_warc_sniff(z, zl));
  }
}

Test(warc, invalid_options) {
  respcheck_warc_options_t o;
  respcheck_warc_options_init(&o);
  o.max_requests = 0;
  cr_expect_null(respcheck_warc_reader_new(&o, NULL, NULL));
  respcheck_warc_options_init(&o);
  o.http.max_header_bytes = 0;
  cr_expect_null(respcheck_warc_reader_new(&o, NULL, NULL));
  cr_expect_eq(respcheck_warc_feed(NULL, "", 0), RESPCHECK_WARC_E_INVAL);
}

/* ------------------------------------------------------------------------ */
/* Bounded memory: a 48 MiB response block, fed in 64 KiB pieces, never
 * makes the reader hold more than max_held_bytes of it. */

static void big_record(size_t body, int with_request_first, size_t *peak) {
  char head[512];
  static char chunk[65536];
  respcheck_warc_reader_t *r;
  respcheck_warc_callbacks_t cb;
  run_t t;
  size_t sent = 0, base, hl, bl;
  int n;

  memset(&t, 0, sizeof(t));
  memset(&cb, 0, sizeof(cb));
  cb.http.on_finding = on_finding;
  cb.http.on_head = on_head;
  cb.on_record = on_record;
  base = rc_heap_in_use();
  r = respcheck_warc_reader_new(NULL, &cb, &t);
  t.r = r;
  *peak = 0;
  if (with_request_first) {
    static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    n = snprintf(head, sizeof(head),
                 "WARC/1.0\r\nWARC-Type: request\r\nWARC-Record-ID: <urn:q>\r\n"
                 "Content-Type: application/http;msgtype=request\r\n"
                 "Content-Length: %zu\r\n\r\n%s\r\n\r\n",
                 sizeof(req) - 1, req);
    respcheck_warc_feed(r, head, (size_t)n);
  }
  hl = (size_t)snprintf(chunk, sizeof(chunk),
                        "HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: "
                        "%zu\r\n\r\n",
                        body);
  bl = hl + body;
  n = snprintf(head, sizeof(head),
               "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:r>\r\n"
               "WARC-Concurrent-To: <urn:q>\r\n"
               "Content-Type: application/http;msgtype=response\r\n"
               "Content-Length: %zu\r\n\r\n",
               bl);
  respcheck_warc_feed(r, head, (size_t)n);
  respcheck_warc_feed(r, chunk, hl);
  memset(chunk, 'x', sizeof(chunk));
  while (sent < body) {
    size_t k = body - sent < sizeof(chunk) ? body - sent : sizeof(chunk);
    cr_assert_eq(respcheck_warc_feed(r, chunk, k), RESPCHECK_WARC_E_OK);
    sent += k;
    if (rc_heap_in_use() - base > *peak)
      *peak = rc_heap_in_use() - base;
  }
  respcheck_warc_feed(r, "\r\n\r\n", 4);
  cr_assert_eq(respcheck_warc_finish(r), RESPCHECK_WARC_E_OK);
  cr_expect(strstr(t.log.p, "  H #0 200 accept\n") != NULL, "%s", t.log.p);
  respcheck_warc_reader_free(r);
  free(t.log.p);
  free(t.msgs.p);
}

Test(warc, bounded_memory_for_a_large_record) {
  size_t peak;
#ifdef RC_ASAN
  /* AddressSanitizer's allocator is not glibc's: mallinfo2 sees nothing,
   * and a bound measured under a sanitizer is not a bound. */
  cr_skip_test("heap measured by glibc's mallinfo2: not under ASan");
#endif
  big_record(48u << 20, 1, &peak);
  cr_expect_lt(peak, 2u << 20, "peak %zu bytes", peak);
  /* Unpaired: held up to max_held_bytes (1 MiB), then read on. */
  big_record(48u << 20, 0, &peak);
  cr_expect_lt(peak, 3u << 20, "peak %zu bytes", peak);
  cr_expect_gt(peak, 1u << 20, "the hold was used: peak %zu", peak);
}

/* ------------------------------------------------------------------------ */
/* Real files, recorded by record.sh with wget --warc-file on loopback. */

static void run_recorded(run_t *t, const char *name, size_t chunk,
                         const respcheck_warc_options_t *opts) {
  size_t n;
  unsigned char *d = rc_slurp(RECORDED, name, &n);
  run_data(t, d, n, chunk, opts);
  free(d);
}

/* The options with reason-phrase-nonstandard (off by default) on. */
static void nonstandard_on(respcheck_warc_options_t *o) {
  respcheck_warc_options_init(o);
  o->http.severity[RESPCHECK_RULE_REASON_PHRASE_NONSTANDARD] =
      RESPCHECK_SEVERITY_INFO;
}

Test(recorded, wget_against_nginx) {
  run_t t, u;
  respcheck_warc_options_t o;
  run_recorded(&t, "nginx.warc.gz", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_OK, "%s", t.reason);
  cr_expect(respcheck_warc_is_gzip(t.r));
  /* wget writes no response record for a 204 or a HEAD (no content). */
  cr_expect_eq(count(&t, "R"), 6, "%s", t.log.p);
  cr_expect_eq(occurrences(&t, " P uri=http://127.0.0.1:"), 6, "%s", t.log.p);
  HAS(&t, "req=GET /index.html 1.1");
  HAS(&t, "  H #0 301 accept\n");
  HAS(&t, "req=GET /ssi/page.html 1.1");
  HAS(&t, "  H #0 404 accept\n");
  HAS(&t, "  H #0 401 accept\n");
  /* nginx's 405 has no Allow (RFC 9110 15.5.6): the one finding. Its
   * field values (IMF-fixdate Date and Last-Modified, a quoted ETag,
   * media types, an absolute Location) are valid, and its own reason
   * "Not Allowed" names no other code or class (RFC 9112 4: a client
   * SHOULD ignore it), so is only reason-phrase-nonstandard, off by
   * default. */
  HAS(&t, "req=POST /index.html 1.1");
  HAS(&t, "  F allow-missing @9 #0 error\n");
  cr_expect_eq(count(&t, "  F "), 1, "%s", t.log.p);
  HASNT(&t, "message-truncated");
  run_recorded(&u, "nginx.warc.gz", 7, NULL);
  cr_expect_str_eq(u.log.p, t.log.p);
  done(&u);
  done(&t);
  nonstandard_on(&o);
  run_recorded(&t, "nginx.warc.gz", 0, &o);
  HAS(&t, "  F reason-phrase-nonstandard @13 #0 info\n");
  cr_expect_eq(count(&t, "  F "), 2, "%s", t.log.p);
  MSG(&t, "reason \"Not Allowed\" for 405; the registered phrase is "
          "\"Method Not Allowed\"");
  done(&t);
}

Test(recorded, wget_against_python_http_server) {
  run_t t, u;
  respcheck_warc_options_t o;
  run_recorded(&t, "python.warc", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_WARC_E_OK, "%s", t.reason);
  cr_expect_not(respcheck_warc_is_gzip(t.r));
  cr_expect_eq(count(&t, "R"), 5, "%s", t.log.p);
  cr_expect_eq(occurrences(&t, " P uri=http://127.0.0.1:"), 5, "%s", t.log.p);
  /* HTTP/1.0 (its default) and HTTP/1.1 (--protocol HTTP/1.1). */
  HAS(&t, "req=HEAD /index.html 1.1");
  HAS(&t, "req=POST /index.html 1.1");
  HAS(&t, "  H #0 501 accept\n");
  HAS(&t, "  H #0 404 accept\n");
  /* No finding: valid values (IMF-fixdate dates, media types), and the
   * server's own reasons "File not found" and "Unsupported method
   * ('POST')" mislead about nothing (RFC 9112 4): reason-phrase-nonstandard,
   * off by default. */
  cr_expect_eq(count(&t, "  F "), 0, "%s", t.log.p);
  run_recorded(&u, "python.warc", 1, NULL);
  cr_expect_str_eq(u.log.p, t.log.p);
  done(&u);
  done(&t);
  nonstandard_on(&o);
  run_recorded(&t, "python.warc", 0, &o);
  cr_expect_eq(count(&t, "  F reason-phrase-nonstandard @13 #0 info"), 2, "%s",
               t.log.p);
  cr_expect_eq(count(&t, "  F "), 2, "%s", t.log.p);
  MSG(&t, "reason \"File not found\" for 404");
  MSG(&t, "reason \"Unsupported method ('POST')\" for 501");
  done(&t);
}

/* A reader started at a record inside a file (a task of a distributed run
 * takes a range of records) numbers them from first_record and places
 * them from first_offset. */
Test(warc, started_inside_a_file) {
  run_t whole, part;
  respcheck_warc_options_t o;
  size_t n;
  unsigned char *d = slurp("wget-like.warc", &n);
  const char *r3;
  uint64_t at;
  run_data(&whole, d, n, 0, NULL);
  /* Record 3 (the HEAD request) begins where record 2's block and its
   * CR LF CR LF end: the byte after the first "\r\n\r\nWARC/1.0" past R2. */
  r3 = strstr((const char *)d + whole.offsets[0] + 10, "\r\n\r\nWARC/1.0");
  cr_assert_not_null(r3);
  at = (uint64_t)(r3 + 4 - (const char *)d);
  respcheck_warc_options_init(&o);
  o.first_record = 3;
  o.first_offset = at;
  run_data(&part, d + at, n - at, 0, &o);
  cr_expect_eq(part.err, RESPCHECK_WARC_E_OK, "%s", part.reason);
  /* The same records from R4 on, paired alike, at the same file offsets
   * (data_offset counts from where the reader started). */
  cr_expect(strstr(part.log.p, "R4 d=") != NULL, "%s", part.log.p);
  cr_expect(strstr(part.log.p,
                   " P uri=http://example.test/b req=HEAD /b 1.1 (R3)\n") !=
                NULL,
            "%s", part.log.p);
  cr_expect_eq(strstr(part.log.p, "R2 "), NULL);
  cr_assert_gt(part.noffsets, 0);
  cr_expect_eq(part.offsets[0], whole.offsets[1]);
  cr_expect_eq(respcheck_warc_record_count(part.r), 12);
  done(&whole);
  done(&part);
  free(d);
}
