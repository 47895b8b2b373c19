/* SPDX-License-Identifier: MIT */
/*
 * The configuration block that starts every fuzz_stream and fuzz_split
 * input: RCF_CONFIG_SIZE bytes that choose the parser's options, request
 * contexts, callbacks and chunking; the rest of the input is the response
 * stream. A short input is padded with zero bytes, and an all-zero block is
 * the library's defaults fed in one call, so a raw capture with 32 zero
 * bytes in front is a seed. tests/dump_vectors.c writes the test vectors in
 * this form (rcf_encode_vector).
 *
 *  byte  meaning
 *  0     flags, RCF_F_*
 *  1     default request method: 0 is GET (the default), else b % 10
 *        (respcheck_method_t, so 10 is UNKNOWN)
 *  2     default request version: b & 3: 0 1.1, 1 1.0, 2 unknown (0.0),
 *        3 (b >> 2 & 3).(b >> 4 & 15)
 *  3     pushes: b & 15 contexts queued with respcheck_push_request;
 *        b >> 4: queue capacity (max_pending_requests), 0 the default 32
 *  4-11  the pushed contexts, cycled: method (b & 15) % 10, version by
 *        (b >> 4) & 3: 1.1, 1.0, unknown, 2.0
 *  12-16 limits: max_header_bytes, max_headers, max_line_length,
 *        max_reason_length, max_chunk_extension. 0 the default; 1-239
 *        that many (header bytes at least 16); 240-255 (b - 239) KiB.
 *        With RCF_F_RAW_LIMITS the byte is the limit, 0 included (invalid)
 *  17    chunking: b & 3: 0 one call, 1 byte by byte, 2 the sizes
 *        bytes 18-21 + 1 in turn, 3 pseudo-random sizes in 1..byte 18 + 1
 *        from the seed in bytes 19-21
 *  18-21 chunking parameters
 *  22    with RCF_F_HEAD_STOP: on_head returns non-zero for head #b
 *  23    with RCF_F_BODY_STOP: on_body returns non-zero at call #b
 *  24-27 with RCF_F_SEVERITIES: seed of the rules' severities (off, info,
 *        warning, error, and now and then an out-of-range value)
 *  28    extras, RCF_X_*
 *  29-31 reserved (0)
 */
#ifndef RESPCHECK_FUZZ_COMMON_H
#define RESPCHECK_FUZZ_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "respcheck.h"

/* A broken invariant: where, what, then abort() so that libFuzzer (or the
 * standalone driver) keeps the input. */
#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (!(cond))                                                               \
      rcf_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                        \
  } while (0)

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5), noreturn, unused))
#endif
static void
rcf_fail(const char *file, int line, const char *cond, const char *fmt, ...);
static void rcf_fail(const char *file, int line, const char *cond,
                     const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s:%d: invariant broken: %s\n  ", file, line, cond);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  abort();
}

#define RCF_CONFIG_SIZE 32
#define RCF_MAX_PUSH 15

enum rcf_flags {
  RCF_F_NO_FINISH = 1 << 0,     /* do not call respcheck_finish */
  RCF_F_HEAD_STOP = 1 << 1,     /* on_head stops the parser at byte 22 */
  RCF_F_BODY_STOP = 1 << 2,     /* on_body stops it at byte 23 */
  RCF_F_SEVERITIES = 1 << 3,    /* severities from the seed, bytes 24-27 */
  RCF_F_NULL_OPTIONAL = 1 << 4, /* on_body and on_tunnel are NULL */
  RCF_F_NULL_ALL = 1 << 5,      /* no callbacks at all (fuzz_stream) */
  RCF_F_RAW_LIMITS = 1 << 6,    /* limit bytes as they are */
  RCF_F_INTERLEAVE = 1 << 7     /* one push before each chunk (fuzz_stream) */
};

enum rcf_extras {
  RCF_X_EMPTY_CALLS = 1 << 0, /* empty execute calls between the chunks */
  RCF_X_AFTER_END = 1 << 1,   /* finish twice, execute after finish */
  RCF_X_NEW = 1 << 2,         /* respcheck_parser_new, not _init */
  RCF_X_RESET = 1 << 3,       /* reset and read the stream again */
  RCF_X_ACCESSORS = 1 << 4    /* query the accessors between calls */
};

typedef struct rcf_config {
  unsigned flags, extras;
  respcheck_options_t opts;
  size_t npush;
  respcheck_request_t push[RCF_MAX_PUSH];
  unsigned chunk_mode;
  unsigned char chunk[4];
  unsigned head_stop, body_stop;
  uint32_t severity_seed;
} rcf_config_t;

/* xorshift32: a fixed, portable sequence for a seed. */
static inline uint32_t rcf_next(uint32_t *s) {
  uint32_t x = *s ? *s : 0x9e3779b9u;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *s = x;
  return x;
}

static inline respcheck_request_t rcf_request(respcheck_method_t m,
                                              unsigned major, unsigned minor) {
  respcheck_request_t r;
  r.method = m;
  r.version_major = (unsigned char)major;
  r.version_minor = (unsigned char)minor;
  return r;
}

static inline size_t rcf_limit(unsigned char b, size_t dflt, size_t min,
                               int raw) {
  if (raw)
    return b;
  if (b == 0)
    return dflt;
  if (b >= 240)
    return (size_t)(b - 239) * 1024;
  return b < min ? min : b;
}

/* Decodes the block (data may be shorter: zeros follow). Returns the bytes
 * of the block consumed, the offset of the stream. */
static inline size_t rcf_decode(const uint8_t *data, size_t size,
                                rcf_config_t *c) {
  uint8_t b[RCF_CONFIG_SIZE] = {0};
  size_t i, n = size < RCF_CONFIG_SIZE ? size : RCF_CONFIG_SIZE;
  int raw;

  memcpy(b, data, n);
  memset(c, 0, sizeof(*c));
  c->flags = b[0];
  c->extras = b[28];
  raw = (c->flags & RCF_F_RAW_LIMITS) != 0;
  respcheck_options_init(&c->opts);

  c->opts.default_request.method =
      b[1] == 0 ? RESPCHECK_METHOD_GET : (respcheck_method_t)(b[1] % 10);
  switch (b[2] & 3) {
  case 0:
    c->opts.default_request = rcf_request(c->opts.default_request.method, 1, 1);
    break;
  case 1:
    c->opts.default_request = rcf_request(c->opts.default_request.method, 1, 0);
    break;
  case 2:
    c->opts.default_request = rcf_request(c->opts.default_request.method, 0, 0);
    break;
  default:
    c->opts.default_request =
        rcf_request(c->opts.default_request.method, (unsigned)(b[2] >> 2 & 3),
                    (unsigned)(b[2] >> 4 & 15));
    break;
  }

  c->npush = b[3] & 15u;
  if (b[3] >> 4)
    c->opts.max_pending_requests = (size_t)(b[3] >> 4);
  for (i = 0; i < c->npush; i++) {
    uint8_t d = b[4 + i % 8];
    static const unsigned char ver[4][2] = {{1, 1}, {1, 0}, {0, 0}, {2, 0}};
    unsigned v = (unsigned)(d >> 4) & 3u;
    c->push[i] = rcf_request((respcheck_method_t)((d & 15u) % 10u), ver[v][0],
                             ver[v][1]);
  }

  c->opts.max_header_bytes =
      rcf_limit(b[12], c->opts.max_header_bytes, 16, raw);
  c->opts.max_headers = rcf_limit(b[13], c->opts.max_headers, 1, raw);
  c->opts.max_line_length = rcf_limit(b[14], c->opts.max_line_length, 1, raw);
  c->opts.max_reason_length =
      rcf_limit(b[15], c->opts.max_reason_length, 1, raw);
  c->opts.max_chunk_extension =
      rcf_limit(b[16], c->opts.max_chunk_extension, 1, raw);

  c->chunk_mode = b[17] & 3u;
  memcpy(c->chunk, b + 18, 4);
  c->head_stop = b[22];
  c->body_stop = b[23];
  c->severity_seed = (uint32_t)b[24] | (uint32_t)b[25] << 8 |
                     (uint32_t)b[26] << 16 | (uint32_t)b[27] << 24;

  if (c->flags & RCF_F_SEVERITIES) {
    uint32_t s = c->severity_seed;
    for (i = 0; i < RESPCHECK_RULE_COUNT; i++) {
      uint32_t x = rcf_next(&s);
      /* Mostly the four severities; now and then a value past ERROR,
       * which the library must treat as ERROR. */
      c->opts.severity[i] =
          (unsigned char)((x & 31u) == 31u ? 4u + (x >> 8) % 252u : x % 4u);
    }
  }
  return n;
}

/* The chunk plan: the size of the next call, given how much is left. */
typedef struct rcf_chunker {
  const rcf_config_t *c;
  unsigned turn;
  uint32_t seed;
} rcf_chunker_t;

static inline void rcf_chunker_init(rcf_chunker_t *k, const rcf_config_t *c) {
  k->c = c;
  k->turn = 0;
  k->seed = (uint32_t)c->chunk[1] | (uint32_t)c->chunk[2] << 8 |
            (uint32_t)c->chunk[3] << 16 | 1u << 24;
}

static inline size_t rcf_chunk_next(rcf_chunker_t *k, size_t left) {
  size_t n;
  switch (k->c->chunk_mode) {
  case 0:
    n = left;
    break;
  case 1:
    n = 1;
    break;
  case 2:
    n = (size_t)k->c->chunk[k->turn++ % 4] + 1;
    break;
  default:
    n = rcf_next(&k->seed) % ((size_t)k->c->chunk[0] + 1) + 1;
    break;
  }
  return n < left ? n : left;
}

/* The inverse, for seeds: a block for the test vectors' options. */
static inline void rcf_encode_vector(uint8_t out[RCF_CONFIG_SIZE],
                                     respcheck_method_t method, int request_10,
                                     const size_t limits[5],
                                     unsigned chunk_mode,
                                     const uint8_t chunk[4]) {
  size_t i;
  memset(out, 0, RCF_CONFIG_SIZE);
  out[1] = method == RESPCHECK_METHOD_GET ? 0 : (uint8_t)method;
  if (method == RESPCHECK_METHOD_UNKNOWN)
    out[1] = 10;
  out[2] = request_10 ? 1 : 0;
  for (i = 0; i < 5; i++)
    out[12 + i] = limits[i] < 240 ? (uint8_t)limits[i] : 0;
  out[17] = (uint8_t)chunk_mode;
  if (chunk)
    memcpy(out + 18, chunk, 4);
}

/*
 * fuzz_output's input: byte 0 flags (RCF_OUT_*), byte 1 the read size for
 * the parser and the line map (0: one call, else b), byte 2 the length P of
 * the file path, P bytes of path, then a response stream that a parser
 * reads into the writers, as the command does, or (RCF_OUT_SYNTHETIC) a
 * list of made-up records (fuzz_output.c).
 */
enum rcf_out_flags {
  RCF_OUT_FORMAT = 3, /* 0 text, 1 JSON, 2 SARIF, 3 JSON */
  RCF_OUT_QUIET = 1 << 2,
  RCF_OUT_SUMMARY = 1 << 3,
  RCF_OUT_COLOR = 1 << 4,
  RCF_OUT_SEVERITIES = 1 << 5, /* severities from byte 1 as a seed */
  RCF_OUT_SYNTHETIC = 1 << 6,
  RCF_OUT_NO_LOCATE = 1 << 7 /* with RCF_OUT_SYNTHETIC: list the rules */
};

#endif
