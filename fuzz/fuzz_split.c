/* SPDX-License-Identifier: MIT */
/*
 * fuzz_split: the same bytes, parsed in one call and in other chunkings,
 * must give the same responses and findings (respcheck.h: "the findings and
 * responses do not depend on it"). Every run logs each callback as a line,
 * like tests/test_vectors.c, with consecutive body and tunnel pieces
 * merged; any difference aborts with both logs.
 *
 * The configuration block (fuzz_common.h) chooses the options, request
 * contexts (all pushed before the first call) and the second chunking
 * (byte 17; "one call" there means pseudo-random pieces). The runs:
 *   A  a fresh parser, one call;
 *   B  a fresh parser, the configured chunking;
 *   C  a fresh parser, byte by byte (inputs up to 4 KiB);
 *   D  a parser that read the first half of the stream in B's chunks, then
 *      was reset: reset must forget everything.
 * RCF_F_HEAD_STOP applies to every run (a stop does not depend on the
 * chunking); RCF_F_BODY_STOP, RCF_F_NULL_ALL and RCF_F_INTERLEAVE do and
 * are ignored.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "respcheck.h"

typedef struct log {
  char *s;
  size_t len, cap;
  char last; /* kind of the last line: 'B' and 'T' pieces are merged */
  const rcf_config_t *cfg;
  unsigned heads;
} log_t;

static void grow(log_t *l, size_t more) {
  if (l->cap - l->len > more)
    return;
  while (l->cap - l->len <= more)
    l->cap = l->cap * 2 + 4096;
  l->s = realloc(l->s, l->cap);
  if (l->s == NULL)
    abort();
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
add(log_t *l, const char *fmt, ...);
static void add(log_t *l, const char *fmt, ...) {
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    abort();
  grow(l, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(l->s + l->len, l->cap - l->len, fmt, ap);
  va_end(ap);
  l->len += (size_t)n;
}

static void add_bytes(log_t *l, const char *p, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t i;
  grow(l, n * 4 + 1);
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      l->s[l->len++] = (char)c;
    } else {
      l->s[l->len++] = '\\';
      l->s[l->len++] = 'x';
      l->s[l->len++] = hex[c >> 4];
      l->s[l->len++] = hex[c & 15];
    }
  }
  l->s[l->len] = '\0';
}

/* A new line of the given kind; a body or tunnel piece that follows one of
 * its kind continues the previous line instead. */
static int begin_line(log_t *l, char kind) {
  int cont = (kind == 'B' || kind == 'T') && l->last == kind;
  if (cont)
    l->len--; /* over the newline */
  l->last = kind;
  return cont;
}

static void on_finding(void *u, const respcheck_finding_t *f) {
  log_t *l = u;
  begin_line(l, 'F');
  add(l, "F %s %d @%llu #%llu %s\n", f->id, (int)f->severity,
      (unsigned long long)f->offset, (unsigned long long)f->response_index,
      f->message);
}

/* A head as a line of kind k: 'H' from on_head, 'K' the record a message
 * end keeps of a head refused after its status line. */
static void log_head(log_t *l, char k, const respcheck_response_t *r) {
  size_t i;
  begin_line(l, k);
  add(l, "%c #%llu @%llu+%llu %u.%u %d>%d fr=%x cl=%llu req=%d/%u.%u v=%d [", k,
      (unsigned long long)r->index, (unsigned long long)r->offset,
      (unsigned long long)r->head_length, r->version_major, r->version_minor,
      r->status, r->effective_status, r->framing,
      (unsigned long long)r->content_length, (int)r->request.method,
      r->request.version_major, r->request.version_minor, (int)r->verdict);
  add_bytes(l, r->reason.ptr, r->reason.len);
  add(l, "]");
  for (i = 0; i < r->header_count; i++) {
    add(l, " {");
    add_bytes(l, r->headers[i].name.ptr, r->headers[i].name.len);
    add(l, "=");
    add_bytes(l, r->headers[i].value.ptr, r->headers[i].value.len);
    add(l, "@%llu}", (unsigned long long)r->headers[i].offset);
  }
  add(l, "\n");
}

static int on_head(void *u, const respcheck_response_t *r) {
  log_t *l = u;
  int stop = (l->cfg->flags & RCF_F_HEAD_STOP) && l->heads == l->cfg->head_stop;
  l->heads++;
  log_head(l, 'H', r);
  return stop;
}

static int on_body(void *u, const char *at, size_t len) {
  log_t *l = u;
  if (!begin_line(l, 'B'))
    add(l, "B ");
  add_bytes(l, at, len);
  add(l, "\n");
  return 0;
}

static void on_end(void *u, const respcheck_message_end_t *m) {
  log_t *l = u;
  if (m->response != NULL && !(m->flags & RESPCHECK_END_HEAD))
    log_head(l, 'K', m->response);
  begin_line(l, 'E');
  add(l, "E #%llu @%llu-%llu f=%x v=%d %u/%u/%u\n",
      (unsigned long long)m->index, (unsigned long long)m->offset,
      (unsigned long long)m->end_offset, m->flags, (int)m->verdict,
      m->error_count, m->warning_count, m->info_count);
}

static void on_tunnel(void *u, const char *at, size_t len, uint64_t off) {
  log_t *l = u;
  if (!begin_line(l, 'T'))
    add(l, "T @%llu ", (unsigned long long)off);
  add_bytes(l, at, len);
  add(l, "\n");
}

/* Feeds data in the chunker's pieces (NULL: one call) up to stop bytes,
 * each piece from its own allocation, so that a read past a piece is
 * caught by AddressSanitizer. */
static void feed(respcheck_parser_t *p, const uint8_t *data, size_t len,
                 size_t stop, rcf_chunker_t *k) {
  size_t off = 0;
  (void)len;
  while (off < stop) {
    size_t n = k ? rcf_chunk_next(k, stop - off) : stop - off;
    char *copy = malloc(n);
    if (copy == NULL)
      abort();
    memcpy(copy, data + off, n);
    respcheck_execute(p, copy, n);
    free(copy);
    off += n;
  }
}

/* One whole parse into a fresh log: the request contexts, the stream, the
 * end of stream, and the parser's final state. */
static void run(respcheck_parser_t *p, log_t *l, const rcf_config_t *cfg,
                const uint8_t *data, size_t len, rcf_chunker_t *k) {
  size_t i;
  l->len = 0;
  l->last = 0;
  l->heads = 0;
  if (l->s)
    l->s[0] = '\0';
  for (i = 0; i < cfg->npush; i++)
    add(l, "P %s\n",
        respcheck_errno_name(respcheck_push_request(p, &cfg->push[i])));
  feed(p, data, len, len, k);
  add(l, "Z %s\n", respcheck_errno_name(respcheck_finish(p)));
  /* Not respcheck_parser_offset: after a stop, how far the parser read
   * into the piece it stopped in is not part of the result. */
  add(l, "X %s @%llu\n", respcheck_errno_name(respcheck_parser_error(p)),
      (unsigned long long)respcheck_parser_error_offset(p));
}

static void compare(const log_t *a, const log_t *b, const char *what,
                    const uint8_t *data, size_t len) {
  size_t i, line = 1, ls = 0;
  if (a->len == b->len && memcmp(a->s, b->s, a->len) == 0)
    return;
  for (i = 0; i < a->len && i < b->len && a->s[i] == b->s[i]; i++)
    if (a->s[i] == '\n')
      ls = i + 1;
  for (i = 0; i < ls; i++)
    if (a->s[i] == '\n')
      line++;
  fprintf(stderr,
          "fuzz_split: %s differs from one call, from log line %zu "
          "(%zu stream bytes)\n--- one call:\n%s--- %s:\n%s",
          what, line, len, a->s, what, b->s);
  (void)data;
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static rcf_config_t cfg;
  respcheck_callbacks_t cb = {on_finding, on_head, on_body, on_end, on_tunnel};
  log_t la = {0}, lb = {0};
  size_t skip = rcf_decode(data, size, &cfg);
  const uint8_t *in = data + skip;
  size_t len = size - skip;
  respcheck_parser_t *p;
  rcf_chunker_t k;
  rcf_config_t chunks;

  if (cfg.flags & RCF_F_NULL_OPTIONAL) {
    cb.on_body = NULL;
    cb.on_tunnel = NULL;
  }
  la.cfg = lb.cfg = &cfg;

  /* A: one call. */
  p = respcheck_parser_new(&cfg.opts, &cb, &la);
  if (p == NULL)
    return 0;
  run(p, &la, &cfg, in, len, NULL);
  respcheck_parser_free(p);

  /* B: the configured chunks (pseudo-random ones for "one call"). */
  chunks = cfg;
  if (chunks.chunk_mode == 0)
    chunks.chunk_mode = 3;
  p = respcheck_parser_new(&cfg.opts, &cb, &lb);
  rcf_chunker_init(&k, &chunks);
  run(p, &lb, &cfg, in, len, &k);
  compare(&la, &lb, "configured chunks", in, len);

  /* D: the same parser again, after half a stream and a reset. */
  rcf_chunker_init(&k, &chunks);
  feed(p, in, len, len / 2, &k);
  respcheck_parser_reset(p);
  rcf_chunker_init(&k, &chunks);
  run(p, &lb, &cfg, in, len, &k);
  compare(&la, &lb, "after reset", in, len);
  respcheck_parser_free(p);

  /* C: byte by byte. */
  if (len <= 4096 && chunks.chunk_mode != 1) {
    chunks.chunk_mode = 1;
    p = respcheck_parser_new(&cfg.opts, &cb, &lb);
    rcf_chunker_init(&k, &chunks);
    run(p, &lb, &cfg, in, len, &k);
    compare(&la, &lb, "byte by byte", in, len);
    respcheck_parser_free(p);
  }

  free(la.s);
  free(lb.s);
  return 0;
}
