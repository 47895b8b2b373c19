/* SPDX-License-Identifier: MIT */
/*
 * fuzz_har: the HAR reader (har/respcheck_har.h) on arbitrary files.
 *
 * Input: a 2-byte configuration block, then the file.
 *
 *  byte  meaning
 *  0     b & 1: small limits (max_string 1 KiB, depth 8, 16 fields, 200-byte
 *        lines and 512-byte heads, 32-byte URLs); b & 2: on_head stops the
 *        reader at the third head; b & 4: no finish
 *  1     chunking of the second run: 0 one call, else pseudo-random sizes
 *        in 1..b
 *
 * Every run writes each callback as a line. Invariants (abort on breach):
 * the log is the same fed in one call, in the configured chunking and byte
 * by byte (up to 4 KiB); HTTP events come only between on_entry and
 * on_entry_end, with respcheck_har_entry() the entry being reported;
 * entries are numbered in order and each one's offset is a '{' of the
 * file; messages and error reasons are printable ASCII; an error is sticky
 * and its offset lies within the file.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_log.h"
#include "respcheck_har.h"

typedef struct log {
  rcf_text_t text;
  respcheck_har_reader_t *r;
  const respcheck_har_entry_t *entry;
  uint64_t next_number;
  const unsigned char *file;
  size_t file_len;
  unsigned heads;
  int stop;
} log_t;

static void in_entry(log_t *l, const char *what) {
  CHECK(l->entry != NULL, "%s outside an entry", what);
  CHECK(respcheck_har_entry(l->r) == l->entry, "%s: entry() differs", what);
}

static void on_entry(void *u, const respcheck_har_entry_t *e) {
  log_t *l = u;
  CHECK(l->entry == NULL, "on_entry inside entry %llu",
        (unsigned long long)l->entry->number);
  CHECK(e->number == l->next_number, "entry %llu, expected %llu",
        (unsigned long long)e->number, (unsigned long long)l->next_number);
  CHECK(e->offset < l->file_len && l->file[e->offset] == '{',
        "entry %llu at %llu is not at a '{'", (unsigned long long)e->number,
        (unsigned long long)e->offset);
  l->next_number++;
  l->entry = e;
  rcf_text_add(&l->text,
               "E%llu @%llu %d url=%zu m=%zu v=%zu/%zu req=%d %u.%u\n",
               (unsigned long long)e->number, (unsigned long long)e->offset,
               e->http1, e->url.len, e->method.len, e->request_version.len,
               e->response_version.len, (int)e->request.method,
               e->request.version_major, e->request.version_minor);
}

static void on_entry_end(void *u, const respcheck_har_entry_t *e) {
  log_t *l = u;
  in_entry(l, "on_entry_end");
  CHECK(e == l->entry, "on_entry_end of another entry");
  rcf_text_add(&l->text, "/E%llu\n", (unsigned long long)e->number);
  l->entry = NULL;
}

static void on_finding(void *u, const respcheck_finding_t *f) {
  log_t *l = u;
  in_entry(l, "on_finding");
  rcf_printable(f->message, "finding message");
  CHECK(f->id && strcmp(f->id, respcheck_rule_id(f->rule)) == 0, "rule id");
  rcf_text_add(&l->text, "  F %s @%llu %d %s\n", f->id,
               (unsigned long long)f->offset, (int)f->severity, f->message);
}

static int on_head(void *u, const respcheck_response_t *resp) {
  log_t *l = u;
  size_t i;
  in_entry(l, "on_head");
  rcf_text_add(&l->text, "  H %d %u.%u %zu %d %x\n", resp->status,
               resp->version_major, resp->version_minor, resp->header_count,
               (int)resp->verdict, resp->framing);
  for (i = 0; i < resp->header_count; i++)
    CHECK(resp->headers[i].name.ptr != NULL || resp->headers[i].name.len == 0,
          "header %zu", i);
  return l->stop && ++l->heads == 3;
}

static void on_end(void *u, const respcheck_message_end_t *m) {
  log_t *l = u;
  in_entry(l, "on_message_end");
  rcf_text_add(&l->text, "  X %d %u/%u/%u\n", (int)m->verdict, m->error_count,
               m->warning_count, m->info_count);
}

static void run(log_t *l, const respcheck_har_options_t *o,
                const unsigned char *d, size_t n, int mode, unsigned max,
                int stop, int finish) {
  respcheck_har_callbacks_t cb;
  respcheck_har_errno_t e = RESPCHECK_HAR_E_OK;
  uint32_t seed = 12345u + (uint32_t)n;
  size_t i = 0;

  memset(l, 0, sizeof(*l));
  memset(&cb, 0, sizeof(cb));
  cb.on_entry = on_entry;
  cb.on_entry_end = on_entry_end;
  cb.http.on_finding = on_finding;
  cb.http.on_head = on_head;
  cb.http.on_message_end = on_end;
  l->file = d;
  l->file_len = n;
  l->stop = stop;
  l->r = respcheck_har_reader_new(o, &cb, l);
  CHECK(l->r != NULL, "reader_new failed");
  rcf_text_add(&l->text, "%s", "");
  while (i < n && e == RESPCHECK_HAR_E_OK) {
    size_t k = n - i;
    if (mode == 1)
      k = 1;
    else if (mode == 2)
      k = 1 + rcf_next_size(&seed) % max;
    if (k > n - i)
      k = n - i;
    e = respcheck_har_feed(l->r, d + i, k);
    i += k;
  }
  if (finish)
    e = respcheck_har_finish(l->r);
  CHECK(e == respcheck_har_error(l->r), "returned error is not the sticky one");
  if (e != RESPCHECK_HAR_E_OK) {
    rcf_printable(respcheck_har_error_reason(l->r), "error reason");
    CHECK(respcheck_har_error_offset(l->r) <= n, "error offset %llu > %zu",
          (unsigned long long)respcheck_har_error_offset(l->r), n);
    CHECK(respcheck_har_feed(l->r, "{", 1) == e, "error not sticky");
    CHECK(respcheck_har_finish(l->r) == e, "error not sticky at finish");
    rcf_text_add(&l->text, "ERR %s @%llu %s\n", respcheck_har_errno_name(e),
                 (unsigned long long)respcheck_har_error_offset(l->r),
                 respcheck_har_error_reason(l->r));
  }
  if (e != RESPCHECK_HAR_E_CALLBACK)
    CHECK(l->entry == NULL, "entry %llu never ended",
          (unsigned long long)l->entry->number);
  respcheck_har_reader_free(l->r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unsigned char cfg[2] = {0, 0};
  respcheck_har_options_t o;
  size_t k = size < 2 ? size : 2, n = size - k;
  const unsigned char *file = data + k;
  log_t a, b, c;
  int stop, finish;

  memcpy(cfg, data, k);
  respcheck_har_options_init(&o);
  if (cfg[0] & 1) {
    o.max_string = 1024;
    o.max_depth = 8;
    o.max_url_length = 32;
    o.http.max_headers = 16;
    o.http.max_line_length = 200;
    o.http.max_header_bytes = 512;
  }
  stop = (cfg[0] & 2) != 0;
  finish = !(cfg[0] & 4);

  run(&a, &o, file, n, 0, 0, stop, finish);
  run(&b, &o, file, n, cfg[1] ? 2 : 0, cfg[1] ? cfg[1] : 1, stop, finish);
  if (strcmp(a.text.s, b.text.s) != 0) {
    fprintf(stderr, "one call:\n%s\nin pieces:\n%s\n", a.text.s, b.text.s);
    CHECK(0, "the chunking changed what was reported");
  }
  if (n <= 4096) {
    run(&c, &o, file, n, 1, 1, stop, finish);
    if (strcmp(a.text.s, c.text.s) != 0) {
      fprintf(stderr, "one call:\n%s\nbyte by byte:\n%s\n", a.text.s, c.text.s);
      CHECK(0, "feeding byte by byte changed what was reported");
    }
    free(c.text.s);
  }
  free(a.text.s);
  free(b.text.s);
  return 0;
}
