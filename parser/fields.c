/* SPDX-License-Identifier: MIT */
/*
 * The field values the rules read (RFC 9110 8.6, RFC 9112 6.1, RFC 9110
 * 7.6.1, RFC 9110 8.3): Content-Length, Transfer-Encoding, Connection and
 * Content-Type, as lists where the grammar says so; and what they say of
 * framing together. Both ways of reading a head end here.
 */
#include <string.h>

#include "parser.h"

/* Inside a list value, an obs-fold's CR LF counts as whitespace too: it is
 * read as SP (RFC 9112 5.2). A bare CR is reported on its own. */
static int is_lws(char c) {
  return respcheck__is_ows(c) || c == '\r' || c == '\n';
}

/* s[0, n) equals the literal l[0, len), ignoring the case of letters
 * (respcheck__lit_is). */
static int span_is(const char *s, size_t n, const char *l, size_t len) {
  return n == len && respcheck__lit_is(s, l, len);
}

/* Content-Length = 1*DIGIT (RFC 9110 8.6). */
static void check_content_length(respcheck_parser_t *p, const char *v, size_t n,
                                 uint64_t off) {
  head_facts_t *f = &p->facts;
  uint64_t value = 0;
  size_t i;
  char q[200];
  int ok = n > 0;

  for (i = 0; ok && i < n; i++) {
    unsigned d = (unsigned)((unsigned char)v[i] - '0');
    if (d > 9 || value > (UINT64_MAX - d) / 10)
      ok = 0;
    else
      value = value * 10 + d;
  }
  if (!ok) {
    respcheck__emit(p, RESPCHECK_RULE_CONTENT_LENGTH_INVALID, off,
                    "Content-Length \"%s\" is not a decimal number",
                    respcheck__quote(q, sizeof(q), v, n));
    f->content_length_ok = 0;
  } else if (f->seen & KF_CONTENT_LENGTH) {
    if (f->content_length_ok && value != f->content_length) {
      respcheck__emit(p, RESPCHECK_RULE_CONTENT_LENGTH_INVALID, off,
                      "Content-Length %llu differs from the earlier %llu",
                      (unsigned long long)value,
                      (unsigned long long)f->content_length);
      f->content_length_ok = 0;
    }
  } else {
    f->content_length = value;
    f->content_length_ok = 1;
    f->cl_offset = off;
  }
}

/* Transfer-Encoding = #transfer-coding (RFC 9112 6.1, RFC 9110 5.6.1):
 * empty list elements are allowed and ignored. */
static void check_transfer_encoding(respcheck_parser_t *p, const char *v,
                                    size_t n, uint64_t off) {
  head_facts_t *f = &p->facts;
  size_t i = 0;
  char q[200];
  int bad = 0, twice = 0;

  if (!(f->seen & KF_TRANSFER_ENCODING))
    f->te_offset = off;
  while (i <= n) {
    size_t s, e, name_end;
    while (i < n && is_lws(v[i]))
      i++;
    s = i;
    while (i < n && v[i] != ',')
      i++;
    e = i;
    while (e > s && is_lws(v[e - 1]))
      e--;
    i++; /* past the comma */
    if (e == s)
      continue;
    name_end = s;
    while (name_end < e && respcheck__token_char[(unsigned char)v[name_end]])
      name_end++;
    if (name_end == s) {
      bad = 1;
      continue;
    }
    if (name_end < e) {
      size_t k = name_end;
      while (k < e && is_lws(v[k]))
        k++;
      if (k == e || v[k] != ';')
        bad = 1;
      else if (span_is(v + s, name_end - s, "chunked", 7))
        bad = 1; /* chunked takes no parameters (RFC 9112 7) */
    }
    f->te_codings++;
    if (span_is(v + s, name_end - s, "chunked", 7)) {
      /* "A sender MUST NOT apply the chunked transfer coding more than
       * once to a message body" (RFC 9112 6.1). */
      if (++f->te_chunked_count == 2)
        twice = 1;
      f->te_chunked_final = 1;
    } else {
      f->te_chunked_final = 0;
    }
  }
  if (bad)
    respcheck__emit(
        p, RESPCHECK_RULE_TRANSFER_ENCODING_INVALID, off,
        "Transfer-Encoding \"%s\" is not a list of transfer codings",
        respcheck__quote(q, sizeof(q), v, n));
  if (twice)
    respcheck__emit(p, RESPCHECK_RULE_TRANSFER_ENCODING_INVALID, off,
                    "chunked is applied more than once");
}

/* Connection = #connection-option (RFC 9110 7.6.1). */
static void check_connection(respcheck_parser_t *p, const char *v, size_t n) {
  size_t i = 0;
  if (span_is(v, n, "keep-alive", 10)) { /* the usual value, alone */
    p->facts.conn_keep_alive = 1;
    return;
  }
  while (i < n) {
    size_t s, e;
    while (i < n && (is_lws(v[i]) || v[i] == ','))
      i++;
    s = i;
    while (i < n && v[i] != ',')
      i++;
    e = i;
    while (e > s && is_lws(v[e - 1]))
      e--;
    if (span_is(v + s, e - s, "close", 5))
      p->facts.conn_close = 1;
    else if (span_is(v + s, e - s, "keep-alive", 10))
      p->facts.conn_keep_alive = 1;
    else if (span_is(v + s, e - s, "upgrade", 7))
      p->facts.conn_upgrade = 1;
  }
}

static void check_content_type(respcheck_parser_t *p, const char *v, size_t n) {
  static const char mb[] = "multipart/byteranges";
  size_t k = sizeof(mb) - 1;
  if (n >= k && respcheck__lit_is(v, mb, k) &&
      (n == k || respcheck__is_ows(v[k]) || v[k] == ';'))
    p->facts.seen |= KF_MULTIPART_BYTERANGES;
}

/* One field whose value the rules read. */
void respcheck__check_field(respcheck_parser_t *p, const respcheck_header_t *h,
                            enum known_field kf) {
  switch (kf) {
  case KF_CONTENT_LENGTH:
    check_content_length(p, h->value.ptr, h->value.len, h->offset);
    break;
  case KF_TRANSFER_ENCODING:
    check_transfer_encoding(p, h->value.ptr, h->value.len, h->offset);
    break;
  case KF_CONNECTION:
    check_connection(p, h->value.ptr, h->value.len);
    break;
  case KF_CONTENT_TYPE:
    check_content_type(p, h->value.ptr, h->value.len);
    break;
  default:
    break;
  }
}

/* The fields the rules read, once obs-folds have joined their lines. */
void respcheck__check_known_fields(respcheck_parser_t *p) {
  size_t i;
  for (i = 0; i < p->nheaders; i++) {
    const respcheck_header_t *h = &p->headers[i];
    enum known_field kf = respcheck__classify(h->name.ptr, h->name.len);
    respcheck__check_field(p, h, kf);
    p->facts.seen |= (unsigned)kf;
  }
}
