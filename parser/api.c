/* SPDX-License-Identifier: MIT */
/*
 * The parser's set-up (respcheck.h): its one block of memory and the
 * layout of its parts, set-up, reset, the request queue, and the
 * accessors. Feeding it is stream.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "parser.h"

static size_t align_up(size_t n) {
  size_t a =
      sizeof(void *) > sizeof(uint64_t) ? sizeof(void *) : sizeof(uint64_t);
  return (n + a - 1) / a * a;
}

/* Offsets of the parts of a parser's block; 0 when the options are bad. */
static size_t layout(const respcheck_options_t *o, size_t *headers_at,
                     size_t *lines_at, size_t *queue_at) {
  /* Limits past these are mistakes, and keep the sums below from
   * overflowing on any platform. */
  const size_t big = (size_t)1 << 28;
  size_t n;
  if (o->max_header_bytes < 16 || o->max_header_bytes > big ||
      o->max_headers == 0 || o->max_headers > big / 64 ||
      o->max_line_length < 16 || o->max_reason_length == 0 ||
      o->max_chunk_extension == 0 || o->max_pending_requests == 0 ||
      o->max_pending_requests > big / 64)
    return 0;
  n = align_up(sizeof(respcheck_parser_t)) + align_up(o->max_header_bytes);
  *headers_at = n;
  n += align_up(o->max_headers * sizeof(respcheck_header_t));
  *lines_at = n;
  n += align_up((o->max_headers + 1) * sizeof(uint32_t));
  *queue_at = n;
  n += align_up(o->max_pending_requests * sizeof(respcheck_request_t));
  return n;
}

size_t respcheck_parser_size(const respcheck_options_t *opts) {
  respcheck_options_t d;
  size_t h, l, q;
  if (opts == NULL) {
    respcheck_options_init(&d);
    opts = &d;
  }
  return layout(opts, &h, &l, &q);
}

respcheck_parser_t *respcheck_parser_init(void *mem, size_t size,
                                          const respcheck_options_t *opts,
                                          const respcheck_callbacks_t *cb,
                                          void *user) {
  respcheck_options_t d;
  respcheck_parser_t *p = mem;
  size_t need, h = 0, l = 0, q = 0;
  if (opts == NULL) {
    respcheck_options_init(&d);
    opts = &d;
  }
  need = layout(opts, &h, &l, &q);
  if (mem == NULL || need == 0 || size < need)
    return NULL;
  memset(p, 0, sizeof(*p));
  p->opts = *opts;
  if (cb)
    p->cb = *cb;
  p->user = user;
  p->buf = (char *)mem + align_up(sizeof(respcheck_parser_t));
  p->headers = (respcheck_header_t *)(void *)((char *)mem + h);
  p->line_ends = (uint32_t *)(void *)((char *)mem + l);
  p->queue = (respcheck_request_t *)(void *)((char *)mem + q);
  respcheck__value_masks(p);
  respcheck_parser_reset(p);
  return p;
}

respcheck_parser_t *respcheck_parser_new(const respcheck_options_t *opts,
                                         const respcheck_callbacks_t *cb,
                                         void *user) {
  size_t n = respcheck_parser_size(opts);
  void *mem;
  respcheck_parser_t *p;
  if (n == 0 || (mem = malloc(n)) == NULL)
    return NULL;
  p = respcheck_parser_init(mem, n, opts, cb, user);
  if (p == NULL) {
    free(mem);
    return NULL;
  }
  p->owned = mem;
  return p;
}

void respcheck_parser_free(respcheck_parser_t *p) {
  if (p != NULL)
    free(p->owned);
}

void respcheck_parser_reset(respcheck_parser_t *p) {
  if (p == NULL)
    return;
  respcheck__init_llhttp(p);
  p->offset = 0;
  p->phase = PHASE_START;
  p->flags = 0;
  p->error = RESPCHECK_E_OK;
  p->error_reason = NULL;
  p->error_offset = 0;
  p->responses = 0;
  p->buf_len = 0;
  p->q_first = 0;
  p->q_len = 0;
}

respcheck_errno_t respcheck_push_request(respcheck_parser_t *p,
                                         const respcheck_request_t *req) {
  if (p == NULL || req == NULL)
    return RESPCHECK_E_INVAL;
  if (p->q_len == p->opts.max_pending_requests)
    return RESPCHECK_E_FULL;
  p->queue[(p->q_first + p->q_len) % p->opts.max_pending_requests] = *req;
  p->q_len++;
  return RESPCHECK_E_OK;
}

respcheck_errno_t respcheck_parser_error(const respcheck_parser_t *p) {
  return p ? p->error : RESPCHECK_E_INVAL;
}

const char *respcheck_parser_error_reason(const respcheck_parser_t *p) {
  return p && p->error_reason ? p->error_reason : "";
}

uint64_t respcheck_parser_error_offset(const respcheck_parser_t *p) {
  return p ? p->error_offset : 0;
}

uint64_t respcheck_parser_offset(const respcheck_parser_t *p) {
  return p ? p->offset : 0;
}

int respcheck_parser_in_tunnel(const respcheck_parser_t *p) {
  return p != NULL && p->phase == PHASE_TUNNEL;
}

uint64_t respcheck_parser_response_count(const respcheck_parser_t *p) {
  return p ? p->responses : 0;
}
