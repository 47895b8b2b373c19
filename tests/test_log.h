/* SPDX-License-Identifier: MIT */
/*
 * Small helpers the input readers' tests share (warc/tests/test_warc.c,
 * har/tests/test_har.c): a growing text log, reading a fixture whole, and
 * the heap in use (glibc), for the bounded-memory tests. Header only;
 * Criterion's asserts report what fails.
 */
#ifndef RESPCHECK_TEST_LOG_H
#define RESPCHECK_TEST_LOG_H

#include <criterion/criterion.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* AddressSanitizer's allocator is not glibc's: mallinfo2 sees nothing
 * there, and a bound measured under a sanitizer is no bound anyway. */
#if defined(__SANITIZE_ADDRESS__)
#define RC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RC_ASAN 1
#endif
#endif

typedef struct rc_text {
  char *p;
  size_t len, cap;
} rc_text_t;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3), unused))
#endif
static void
rc_text_add(rc_text_t *b, const char *fmt, ...);
static void rc_text_add(rc_text_t *b, const char *fmt, ...) {
  va_list ap;
  int n;
  for (;;) {
    size_t room = b->cap - b->len;
    va_start(ap, fmt);
    n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
    va_end(ap);
    cr_assert(n >= 0);
    if ((size_t)n < room)
      break;
    b->cap = b->cap * 2 + (size_t)n + 256;
    b->p = realloc(b->p, b->cap);
    cr_assert_not_null(b->p);
  }
  b->len += (size_t)n;
}

/* Expectations on a run's log (t->log) and messages (t->msgs). */
#define HAS(t, s)                                                              \
  cr_expect(strstr((t)->log.p, s) != NULL, "missing: %s\nin:\n%s", s,          \
            (t)->log.p)
#define HASNT(t, s)                                                            \
  cr_expect(strstr((t)->log.p, s) == NULL, "unexpected: %s\nin:\n%s", s,       \
            (t)->log.p)
#define MSG(t, s)                                                              \
  cr_expect(strstr((t)->msgs.p, s) != NULL, "no message: %s\nin:\n%s", s,      \
            (t)->msgs.p)

/* Occurrences of s in hay. */
static inline int rc_occurrences(const char *hay, const char *s) {
  int n = 0;
  while ((hay = strstr(hay, s)) != NULL) {
    n++;
    hay++;
  }
  return n;
}

/* The whole file dir/name, in a buffer of its exact size (+1). */
static inline unsigned char *rc_slurp(const char *dir, const char *name,
                                      size_t *len) {
  char path[1024];
  FILE *f;
  unsigned char *d;
  long n;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  f = fopen(path, "rb");
  cr_assert_not_null(f, "%s", path);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  d = malloc((size_t)n + 1);
  cr_assert_not_null(d);
  cr_assert_eq(fread(d, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return d;
}

static inline size_t rc_heap_in_use(void) {
  struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

#endif
