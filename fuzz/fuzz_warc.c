/* SPDX-License-Identifier: MIT */
/*
 * fuzz_warc: the WARC reader (warc/respcheck_warc.h) on arbitrary files.
 *
 * Input: a 4-byte configuration block, then the file.
 *
 *  byte  meaning
 *  0     b & 3: the file as given (0 and 3), gzipped here as one member (1),
 *        or gzipped here one member per "WARC/" (2), so that the fuzzer's
 *        plain records also go through the gzip path; (b >> 2) % 3: the
 *        crawler_rewrite mode; b & 0x10: small limits (header 256 bytes,
 *        4 requests, 64-byte targets, 512-byte inflate buffer); b & 0x20:
 *        on_head stops the reader at head #byte 3; b & 0x40: no finish
 *  1     chunking of the second run: 0 one call, else pseudo-random sizes
 *        in 1..b from a seed (byte 2)
 *  2     seed; also max_held_bytes: 0 the default, else b * 16
 *  3     with 0x20: the head that stops
 *
 * Every run writes each callback as a line. Invariants (abort on breach):
 * the log is the same fed in one call, in the configured chunking and byte
 * by byte (up to 4 KiB); HTTP events come only between on_record and
 * on_record_end, with respcheck_warc_record() the record being reported;
 * record numbers grow; findings point inside their block; messages and
 * error reasons are printable ASCII (nothing of the input leaks raw); an
 * error is sticky and its offset lies within the file.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz_log.h"
#include "respcheck_warc.h"

typedef struct log {
  rcf_text_t text;
  respcheck_warc_reader_t *r;
  const respcheck_warc_record_t *rec; /* between on_record and its end */
  uint64_t last_number;
  int any_record;
  unsigned heads;
  int stop_at; /* -1: never */
  int stopped; /* on_head asked to stop */
} log_t;

static void in_record(log_t *l, const char *what) {
  CHECK(l->rec != NULL, "%s outside a record", what);
  CHECK(respcheck_warc_record(l->r) == l->rec, "%s: record() differs", what);
}

static void on_record(void *u, const respcheck_warc_record_t *rec) {
  log_t *l = u;
  CHECK(l->rec == NULL, "on_record inside record %llu",
        (unsigned long long)l->rec->number);
  CHECK(!l->any_record || rec->number > l->last_number,
        "record %llu after %llu", (unsigned long long)rec->number,
        (unsigned long long)l->last_number);
  l->rec = rec;
  l->any_record = 1;
  l->last_number = rec->number;
  rcf_text_add(
      &l->text, "R%llu d=%llu o=%llu len=%llu f=%x uri=%zu id=%zu", //
      (unsigned long long)rec->number, (unsigned long long)rec->data_offset,
      (unsigned long long)rec->offset, (unsigned long long)rec->block_length,
      rec->flags & ~(unsigned)RESPCHECK_WARC_CUT, rec->target_uri.len,
      rec->record_id.len);
  if (rec->flags & RESPCHECK_WARC_PAIRED)
    rcf_text_add(&l->text, " req=%d %u.%u %zu", (int)rec->request.method,
                 rec->request.version_major, rec->request.version_minor,
                 rec->target.len);
  rcf_text_add(&l->text, "\n");
}

static void on_record_end(void *u, const respcheck_warc_record_t *rec) {
  log_t *l = u;
  in_record(l, "on_record_end");
  CHECK(rec == l->rec, "on_record_end of another record");
  rcf_text_add(&l->text, "/R%llu %x\n", (unsigned long long)rec->number,
               rec->flags);
  l->rec = NULL;
}

static void on_finding(void *u, const respcheck_finding_t *f) {
  log_t *l = u;
  in_record(l, "on_finding");
  rcf_printable(f->message, "finding message");
  CHECK(f->id && strcmp(f->id, respcheck_rule_id(f->rule)) == 0, "rule id");
  CHECK(f->offset <= l->rec->block_length, "%s at %llu past the block (%llu)",
        f->id, (unsigned long long)f->offset,
        (unsigned long long)l->rec->block_length);
  rcf_text_add(&l->text, "  F %s @%llu #%llu %d %s\n", f->id,
               (unsigned long long)f->offset,
               (unsigned long long)f->response_index, (int)f->severity,
               f->message);
}

static int on_head(void *u, const respcheck_response_t *resp) {
  log_t *l = u;
  in_record(l, "on_head");
  rcf_text_add(&l->text, "  H #%llu %d %d\n", (unsigned long long)resp->index,
               resp->status, (int)resp->verdict);
  if (l->stop_at >= 0 && l->heads++ == (unsigned)l->stop_at) {
    l->stopped = 1;
    return 1;
  }
  return 0;
}

static void on_end(void *u, const respcheck_message_end_t *m) {
  log_t *l = u;
  in_record(l, "on_message_end");
  rcf_text_add(&l->text, "  E #%llu %d %u/%u/%u\n",
               (unsigned long long)m->index, (int)m->verdict, m->error_count,
               m->warning_count, m->info_count);
}

static void run(log_t *l, const respcheck_warc_options_t *o,
                const unsigned char *d, size_t n, int mode, unsigned max,
                uint32_t seed, int stop_at, int finish) {
  respcheck_warc_callbacks_t cb;
  respcheck_warc_errno_t e = RESPCHECK_WARC_E_OK;
  size_t i = 0;

  memset(l, 0, sizeof(*l));
  memset(&cb, 0, sizeof(cb));
  cb.on_record = on_record;
  cb.on_record_end = on_record_end;
  cb.http.on_finding = on_finding;
  cb.http.on_head = on_head;
  cb.http.on_message_end = on_end;
  l->stop_at = stop_at;
  l->r = respcheck_warc_reader_new(o, &cb, l);
  CHECK(l->r != NULL, "reader_new failed");
  rcf_text_add(&l->text, "%s", "");
  while (i < n && e == RESPCHECK_WARC_E_OK) {
    size_t k = n - i;
    if (mode == 1)
      k = 1;
    else if (mode == 2)
      k = 1 + rcf_next_size(&seed) % max;
    if (k > n - i)
      k = n - i;
    e = respcheck_warc_feed(l->r, d + i, k);
    i += k;
  }
  if (finish)
    e = respcheck_warc_finish(l->r);
  CHECK(e == respcheck_warc_error(l->r),
        "returned error is not the sticky one");
  if (e != RESPCHECK_WARC_E_OK) {
    rcf_printable(respcheck_warc_error_reason(l->r), "error reason");
    CHECK(respcheck_warc_error_offset(l->r) <= n, "error offset %llu > %zu",
          (unsigned long long)respcheck_warc_error_offset(l->r), n);
    CHECK(respcheck_warc_feed(l->r, "W", 1) == e, "error not sticky");
    CHECK(respcheck_warc_finish(l->r) == e, "error not sticky at finish");
    rcf_text_add(&l->text, "ERR %s @%llu %s\n", respcheck_warc_errno_name(e),
                 (unsigned long long)respcheck_warc_error_offset(l->r),
                 respcheck_warc_error_reason(l->r));
  }
  /* Every record reported ends, unless a callback asked to stop: then no
   * callback follows, on_record_end included, whether the error returned
   * is RESPCHECK_WARC_E_CALLBACK or one that came first (a response held
   * for pairing is linted when a later record's error stops the reader,
   * and its on_head may ask to stop then: regressions/warc/stop-while-a-
   * held-response-is-released-by-an-error). */
  if (finish && e != RESPCHECK_WARC_E_CALLBACK && !l->stopped)
    CHECK(l->rec == NULL, "record %llu never ended",
          (unsigned long long)l->rec->number);
  respcheck_warc_reader_free(l->r);
}

/* Compresses d as gzip: one member, or one per "WARC/" found. */
static unsigned char *gzip_it(const unsigned char *d, size_t n, int per_record,
                              size_t *out_len) {
  size_t cap = n * 2 + 4096, len = 0, s = 0;
  unsigned char *out = malloc(cap);
  if (out == NULL)
    abort();
  while (s < n || (n == 0 && len == 0)) {
    size_t e = n;
    z_stream z;
    if (per_record) {
      size_t k;
      for (k = s + 1; k + 5 <= n; k++) {
        if (memcmp(d + k, "WARC/", 5) == 0) {
          e = k;
          break;
        }
      }
    }
    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
      abort();
    z.next_in = (Bytef *)(uintptr_t)(d + s);
    z.avail_in = (uInt)(e - s);
    z.next_out = out + len;
    z.avail_out = (uInt)(cap - len);
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
      abort();
    len = cap - z.avail_out;
    deflateEnd(&z);
    s = e;
    if (n == 0)
      break;
  }
  *out_len = len;
  return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unsigned char cfg[4] = {0, 0, 0, 0};
  respcheck_warc_options_t o;
  const unsigned char *file;
  unsigned char *owned = NULL;
  size_t n, k = size < 4 ? size : 4;
  log_t a, b, c;
  int stop_at, finish;

  memcpy(cfg, data, k);
  file = data + k;
  n = size - k;
  if ((cfg[0] & 3) == 1 || (cfg[0] & 3) == 2) {
    owned = gzip_it(file, n, (cfg[0] & 3) == 2, &n);
    file = owned;
  }
  respcheck_warc_options_init(&o);
  o.crawler_rewrite = (respcheck_warc_rewrite_t)((cfg[0] >> 2) % 3);
  if (cfg[0] & 0x10) {
    o.max_header_bytes = 256;
    o.max_requests = 4;
    o.max_target_length = 64;
    o.inflate_size = 512;
    o.http.max_header_bytes = 512;
    o.http.max_line_length = 128;
  }
  if (cfg[2])
    o.max_held_bytes = (size_t)cfg[2] * 16u;
  stop_at = (cfg[0] & 0x20) ? cfg[3] : -1;
  finish = !(cfg[0] & 0x40);

  run(&a, &o, file, n, 0, 0, 0, stop_at, finish);
  run(&b, &o, file, n, cfg[1] ? 2 : 0, cfg[1] ? cfg[1] : 1, cfg[2], stop_at,
      finish);
  if (strcmp(a.text.s, b.text.s) != 0) {
    fprintf(stderr, "one call:\n%s\nin pieces:\n%s\n", a.text.s, b.text.s);
    CHECK(0, "the chunking changed what was reported");
  }
  if (n <= 4096) {
    run(&c, &o, file, n, 1, 1, 0, stop_at, finish);
    if (strcmp(a.text.s, c.text.s) != 0) {
      fprintf(stderr, "one call:\n%s\nbyte by byte:\n%s\n", a.text.s, c.text.s);
      CHECK(0, "feeding byte by byte changed what was reported");
    }
    free(c.text.s);
  }
  free(a.text.s);
  free(b.text.s);
  free(owned);
  return 0;
}
