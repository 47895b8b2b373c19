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
#include <string.h>

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

/* The end of the run of tchar that starts at i (RFC 9110 5.6.2); four
 * bytes a step while they are all tchar. */
static inline size_t rv_token(const char *v, size_t i, size_t n) {
  const unsigned char *t = respcheck__token_char;
  while (i + 4 <= n &&
         (t[(unsigned char)v[i]] & t[(unsigned char)v[i + 1]] &
          t[(unsigned char)v[i + 2]] & t[(unsigned char)v[i + 3]]))
    i += 4;
  while (i < n && t[(unsigned char)v[i]])
    i++;
  return i;
}

static inline int rv_is_digit(char c) { return (unsigned)(c - '0') <= 9u; }

/* The end of the run of DIGIT at i; its value in *val, UINT64_MAX from
 * about 1.8e19 on (the rules only compare it with 0). */
static inline size_t rv_digits(const char *v, size_t i, size_t n,
                               uint64_t *val) {
  uint64_t x = 0;
  for (; i < n && rv_is_digit(v[i]); i++)
    x = x < 0x1999999999999999u ? x * 10 + (unsigned)(v[i] - '0') : UINT64_MAX;
  *val = x;
  return i;
}

/* One of the 8 bytes of x is below 0x21 (a control or SP), 0x7f, or c:
 * the "has less than" and "has zero" word tricks; bytes >= 0x80 never
 * match. */
static inline int rv_has_stop8(uint64_t x, unsigned char c) {
  const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  uint64_t del = x ^ (ones * 0x7f), eq = x ^ (ones * c);
  return ((((x - ones * 0x21) & ~x) | ((del - ones) & ~del) |
           ((eq - ones) & ~eq)) &
          highs) != 0;
}

/* s[0, n) is exactly the literal l (lower-case), ignoring the case of
 * letters. */
static inline int rv_is(const char *s, size_t n, const char *l, size_t len) {
  return n == len && respcheck__lit_is(s, l, len);
}

/* a[0, n) and b[0, n) are the same bytes; a word at a time. */
static inline int rv_same(const char *a, const char *b, size_t n) {
  uint64_t x, y;
  size_t i;
  if (n < 8) {
    for (i = 0; i < n; i++)
      if (a[i] != b[i])
        return 0;
    return 1;
  }
  for (i = 0; i + 8 < n; i += 8) {
    memcpy(&x, a + i, 8);
    memcpy(&y, b + i, 8);
    if (x != y)
      return 0;
  }
  memcpy(&x, a + n - 8, 8);
  memcpy(&y, b + n - 8, 8);
  return x == y;
}

/* The way of memo that keeps v[0, n) (a valid value), or NULL. */
static inline const rv_memo_way_t *rv_memo_hit(const rv_memo_t *m,
                                               const char *v, size_t n) {
  unsigned w;
  if (n == 0)
    return NULL;
  for (w = 0; w < RV_MEMO_WAYS; w++)
    if (m->way[w].len == n && rv_same(m->way[w].bytes, v, n))
      return &m->way[w];
  return NULL;
}

/* Keeps v[0, n), found valid, and its effect on the facts, in place of the
 * oldest value; a word at a time. */
static inline void rv_memo_keep(rv_memo_t *m, const char *v, size_t n,
                                unsigned extra) {
  rv_memo_way_t *w = &m->way[m->next];
  size_t i;
  if (n > RV_MEMO_MAX || n == 0)
    return;
  if (n < 8) {
    for (i = 0; i < n; i++)
      w->bytes[i] = v[i];
  } else {
    for (i = 0; i + 8 < n; i += 8)
      memcpy(w->bytes + i, v + i, 8);
    memcpy(w->bytes + n - 8, v + n - 8, 8);
  }
  w->len = n;
  w->extra = extra;
  m->next = (m->next + 1) % RV_MEMO_WAYS;
}

/* The stream offset of byte i of h's value. A head given as parts
 * (PF_PARTS) has no bytes: its value lies in the caller's memory, apart
 * from any head buffer, and a finding about a field carries the field's
 * offset, as the caller chose it (respcheck_check_head). */
static inline uint64_t rv_at(const respcheck_parser_t *p,
                             const respcheck_header_t *h, size_t i) {
  if (p->flags & PF_PARTS)
    return h->offset;
  return p->head_abs + (uint64_t)(h->value.ptr - p->hbase) + i;
}

/* quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110
 * 5.6.4), with v[i] the opening DQUOTE: the index past the closing one, or
 * 0 when there is none or a byte is not allowed (then *bad is its index,
 * or n). qdtext and the byte after a backslash are HTAB, SP, VCHAR or
 * obs-text (respcheck__text_char). */
static inline size_t rv_quoted(const char *v, size_t i, size_t n, size_t *bad) {
  for (i++; i < n; i++) {
    unsigned char c = (unsigned char)v[i];
    if (c == '"')
      return i + 1;
    if (c == '\\' && ++i == n)
      break;
    if (!respcheck__text_char[(unsigned char)v[i]]) {
      *bad = i;
      return 0;
    }
  }
  *bad = n;
  return 0;
}

/* A class of ASCII bytes as two nibble tables: byte c is in it when
 * lo[c & 15] & hi[c >> 4] is not 0. hi[h] is bit h for h < 8 and 0 from 8
 * up, so lo[l] has bit h when byte h * 16 + l is in the class, and no byte
 * from 0x80 up is (values_scan.c reads these tables with PSHUFB). Built at
 * compile time from a predicate on a byte (RV_CLASS). */
typedef struct rv_class {
  unsigned char lo[16];
  unsigned char hi[16];
} rv_class_t;

#define RV_NIBBLE(P, l)                                                        \
  (unsigned char)(!!P(0x00 + (l)) | !!P(0x10 + (l)) << 1 |                     \
                  !!P(0x20 + (l)) << 2 | !!P(0x30 + (l)) << 3 |                \
                  !!P(0x40 + (l)) << 4 | !!P(0x50 + (l)) << 5 |                \
                  !!P(0x60 + (l)) << 6 | !!P(0x70 + (l)) << 7)
#define RV_CLASS(P)                                                            \
  {                                                                            \
    {RV_NIBBLE(P, 0),  RV_NIBBLE(P, 1),  RV_NIBBLE(P, 2),  RV_NIBBLE(P, 3),    \
     RV_NIBBLE(P, 4),  RV_NIBBLE(P, 5),  RV_NIBBLE(P, 6),  RV_NIBBLE(P, 7),    \
     RV_NIBBLE(P, 8),  RV_NIBBLE(P, 9),  RV_NIBBLE(P, 10), RV_NIBBLE(P, 11),   \
     RV_NIBBLE(P, 12), RV_NIBBLE(P, 13), RV_NIBBLE(P, 14), RV_NIBBLE(P, 15)},  \
    {                                                                          \
      1, 2, 4, 8, 16, 32, 64, 128, 0, 0, 0, 0, 0, 0, 0, 0                      \
    }                                                                          \
  }

static inline int rv_in_class(const rv_class_t *c, char ch) {
  unsigned char b = (unsigned char)ch;
  return (c->lo[b & 15] & c->hi[b >> 4]) != 0;
}

/* values_scan.c: the end of the run of v[i, n) in class c. */
typedef size_t (*rv_class_run_t)(const rv_class_t *c, const char *v, size_t i,
                                 size_t n);
/* The way for a CPU level: 2 AVX2, 1 SSSE3, 0 neither; -1 the best this
 * CPU has. Levels the build or the CPU cannot run give a lower one. */
rv_class_run_t respcheck__class_runner(int level);

/* The finding of rule for field name's value (h), at byte at of it:
 * `name "value": why`. Out of line: the checks call it only on a fault
 * (fields.c). */
void respcheck__value_finding(respcheck_parser_t *p,
                              const respcheck_header_t *h,
                              respcheck_rule_t rule, const char *name,
                              size_t at, const char *why) RC_COLD;

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
 * 1 for the other fields, 2 for cookies): most dates of a stream fall on
 * the same few days. */
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

/* ------------------------------------------------------------------------ */
/* values_cache.c: Cache-Control, Age (RFC 9111 5.2, 5.1), ETag, Vary
 * (RFC 9110 8.8.3, 12.5.5). */

void respcheck__check_cache_control(respcheck_parser_t *p,
                                    const respcheck_header_t *h);
/* The directives of every Cache-Control line together (RFC 9111 4.2.1):
 * called once a head when one was seen. */
void respcheck__check_cache_directives(respcheck_parser_t *p);
void respcheck__check_age(respcheck_parser_t *p, const respcheck_header_t *h);
void respcheck__check_etag(respcheck_parser_t *p, const respcheck_header_t *h);
void respcheck__check_vary(respcheck_parser_t *p, const respcheck_header_t *h);
/* v[0, n) is a list of tokens (RFC 9110 5.6.1) without empty elements,
 * which a sender MUST NOT generate (5.6.1.1): 1, or 0 with the index of
 * the fault in *bad and what it is in *why. */
int respcheck__token_list(const char *v, size_t n, size_t *bad,
                          const char **why);

/* ------------------------------------------------------------------------ */
/* values_content.c: Content-Type, Content-Encoding, transfer codings,
 * Content-Range (RFC 9110 8.3, 8.4, 14.4; RFC 9112 7). */

void respcheck__check_content_type(respcheck_parser_t *p,
                                   const respcheck_header_t *h);
void respcheck__check_content_encoding(respcheck_parser_t *p,
                                       const respcheck_header_t *h);
/* s[0, n) is a transfer coding of the IANA registry. */
int respcheck__transfer_coding_known(const char *s, size_t n);
void respcheck__check_content_range(respcheck_parser_t *p,
                                    const respcheck_header_t *h);
/* Content-Range against the status (RFC 9110 15.3.7, 14.4). */
void respcheck__check_content_range_status(respcheck_parser_t *p, int status);

/* values_uri.c: Location = URI-reference (RFC 9110 10.2.2, RFC 3986). */
void respcheck__check_location(respcheck_parser_t *p,
                               const respcheck_header_t *h);

/* values_cookie.c: Set-Cookie (RFC 6265 4.1), Strict-Transport-Security
 * (RFC 6797 6.1). */
void respcheck__check_set_cookie(respcheck_parser_t *p,
                                 const respcheck_header_t *h);
void respcheck__check_sts(respcheck_parser_t *p, const respcheck_header_t *h);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
