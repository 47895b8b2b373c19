/* SPDX-License-Identifier: MIT */
/*
 * What the input readers' harnesses share (fuzz_warc.c, fuzz_har.c): the
 * text log each run writes and compares, the check that a message is
 * printable ASCII, and the pseudo-random chunk sizes.
 */
#ifndef RESPCHECK_FUZZ_LOG_H
#define RESPCHECK_FUZZ_LOG_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"

typedef struct rcf_text {
  char *s;
  size_t len, cap;
} rcf_text_t;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3), unused))
#endif
static void
rcf_text_add(rcf_text_t *l, const char *fmt, ...);
static void rcf_text_add(rcf_text_t *l, const char *fmt, ...) {
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    abort();
  if (l->cap - l->len <= (size_t)n + 1) {
    while (l->cap - l->len <= (size_t)n + 1)
      l->cap = l->cap * 2 + 4096;
    l->s = realloc(l->s, l->cap);
    if (l->s == NULL)
      abort();
  }
  va_start(ap, fmt);
  vsnprintf(l->s + l->len, l->cap - l->len, fmt, ap);
  va_end(ap);
  l->len += (size_t)n;
}

/* Nothing of the input may reach a message raw. */
static inline void rcf_printable(const char *s, const char *what) {
  const char *p;
  CHECK(s != NULL, "%s is NULL", what);
  for (p = s; *p; p++)
    CHECK(*p >= 0x20 && *p < 0x7f, "%s holds byte 0x%02x: %s", what,
          (unsigned char)*p, s);
}

static inline uint32_t rcf_next_size(uint32_t *s) {
  *s = *s * 1103515245u + 12345u;
  return *s >> 8;
}

#endif
