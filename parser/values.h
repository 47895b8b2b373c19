/* SPDX-License-Identifier: MIT */
/*
 * The field-value checks (values_*.c, one file a topic): the lexing they
 * share (RFC 9110 5.6), and what each file offers fields.c, which calls
 * them for the fields respcheck__classify knows, and semantics.c, which
 * compares values once the status is known. Not installed.
 *
 * A value is checked where it lies (the caller's buffer or the parser's),
 * with no allocation: the checks read it once, left to right, and report
 * the first fault of each kind with the offset of the byte at fault.
 */
#ifndef RESPCHECK_VALUES_H
#define RESPCHECK_VALUES_H

#include <stdint.h>

#include "parser.h"

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

/* ------------------------------------------------------------------------ */
/* Lexing (RFC 9110 5.6). */

/* OWS, and the CR LF of an obs-fold, which a recipient reads as SP
 * (RFC 9112 5.2; obs-fold is reported on its own). */
static inline int rv_is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline size_t rv_skip_ws(const char *v, size_t i, size_t n) {
  while (i < n && rv_is_ws(v[i]))
    i++;
  return i;
}

/* The end of the run of tchar that starts at i (RFC 9110 5.6.2). */
static inline size_t rv_token(const char *v, size_t i, size_t n) {
  while (i < n && respcheck__token_char[(unsigned char)v[i]])
    i++;
  return i;
}

static inline int rv_is_digit(char c) { return (unsigned)(c - '0') <= 9u; }

/* The end of the run of DIGIT at i; its value, saturated at UINT64_MAX,
 * in *val. */
static inline size_t rv_digits(const char *v, size_t i, size_t n,
                               uint64_t *val) {
  uint64_t x = 0;
  for (; i < n && rv_is_digit(v[i]); i++) {
    unsigned d = (unsigned)(v[i] - '0');
    x = x > (UINT64_MAX - d) / 10 ? UINT64_MAX : x * 10 + d;
  }
  *val = x;
  return i;
}

/* s[0, n) is exactly the literal l (lower-case), ignoring the case of
 * letters. */
static inline int rv_is(const char *s, size_t n, const char *l, size_t len) {
  return n == len && respcheck__lit_is(s, l, len);
}

/* The stream offset of byte i of h's value. */
static inline uint64_t rv_at(const respcheck_parser_t *p,
                             const respcheck_header_t *h, size_t i) {
  return p->head_abs + (uint64_t)(h->value.ptr - p->hbase) + i;
}

/* quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110
 * 5.6.4), with v[i] the opening DQUOTE: the index past the closing one, or
 * 0 when there is none or a byte is not allowed (at *bad). */
size_t respcheck__quoted_string(const char *v, size_t i, size_t n, size_t *bad);

/* ------------------------------------------------------------------------ */
/* values_date.c: HTTP-date (RFC 9110 5.6.7) and the fields that hold one. */

enum http_date_form {
  HD_BAD = 0,
  HD_IMF,     /* IMF-fixdate, the form a sender generates */
  HD_RFC850,  /* obs-date */
  HD_ASCTIME, /* obs-date */
};

/* Reads s[0, n) as an HTTP-date: its form and the time in seconds since
 * 1970-01-01T00:00:00Z in *secs; HD_BAD when it has none of the three
 * shapes, minus its form when it has one but names a time or day that
 * does not exist or the wrong day of the week; then what is wrong in *why
 * (a static string). A two-digit year is 19xx from 70 on, 20xx below. */
int respcheck__http_date(const char *s, size_t n, int64_t *secs,
                         const char **why);
/* The same, with p's cache of the last IMF-fixdate's day (slot 0 for Date,
 * 1 for the others): most dates of a stream fall on the same few days. */
int respcheck__http_date_cached(respcheck_parser_t *p, unsigned slot,
                                const char *s, size_t n, int64_t *secs,
                                const char **why);

/* Date, Last-Modified, Expires (RFC 9110 6.6.1, 8.8.2; RFC 9111 5.3). */
void respcheck__check_date_field(respcheck_parser_t *p,
                                 const respcheck_header_t *h,
                                 enum known_field kf);
/* Retry-After = HTTP-date / delay-seconds (RFC 9110 10.2.3). */
void respcheck__check_retry_after(respcheck_parser_t *p,
                                  const respcheck_header_t *h);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
