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

/* The decimal number at v[i, n): its end (i when there is none), and its
 * value in *out; *ok cleared when it overflows. */
static RC_INLINE size_t decimal(const char *v, size_t i, size_t n,
                                uint64_t *out, int *ok) {
  uint64_t value = 0;
  for (; i < n; i++) {
    unsigned d = (unsigned)((unsigned char)v[i] - '0');
    if (d > 9)
      break;
    if (value > (UINT64_MAX - d) / 10)
      *ok = 0;
    else
      value = value * 10 + d;
  }
  *out = value;
  return i;
}

/* After the number value at v[0, i): the rest of a list of it,
 * *( OWS "," OWS 1*DIGIT ) with the same number each time; 1 when v[i, n)
 * is that. */
static int same_number_again(const char *v, size_t i, size_t n,
                             uint64_t value) {
  int ok = 1;
  while (ok && i < n) {
    uint64_t next;
    size_t e;
    while (i < n && respcheck__is_ows(v[i]))
      i++;
    if (i == n || v[i] != ',')
      return 0;
    i++;
    while (i < n && respcheck__is_ows(v[i]))
      i++;
    e = decimal(v, i, n, &next, &ok);
    ok &= e > i && next == value;
    i = e;
  }
  return ok;
}

/* Content-Length = 1*DIGIT (RFC 9110 8.6). Also read, as 8.6 allows a
 * recipient to, the same number repeated: as a list ("42, 42") or on
 * several field lines (which RFC 9110 5.3 forbids a sender to send, and
 * which combine to such a list); content-length-repeated says so, and
 * llhttp 8.1, which refuses both, is given the first value alone. */
static void check_content_length(respcheck_parser_t *p, const char *v, size_t n,
                                 uint64_t off) {
  head_facts_t *f = &p->facts;
  uint64_t value = 0;
  size_t e;
  char q[200];
  int ok = 1, list = 0;

  if (!(f->seen & KF_CONTENT_LENGTH))
    f->cl_offset = off;
  e = decimal(v, 0, n, &value, &ok);
  ok &= e > 0;
  if (ok && e < n) {
    ok = same_number_again(v, e, n, value);
    list = 1;
  }
  if (!ok) {
    respcheck__emit(p, RESPCHECK_RULE_CONTENT_LENGTH_INVALID, off,
                    "Content-Length \"%s\" is not a decimal number",
                    respcheck__quote(q, sizeof(q), v, n));
    f->content_length_ok = 0;
    f->llhttp_fix &= ~(unsigned)FIX_CONTENT_LENGTH;
    return;
  }
  if (f->seen & KF_CONTENT_LENGTH) {
    if (f->content_length_ok && value != f->content_length) {
      respcheck__emit(p, RESPCHECK_RULE_CONTENT_LENGTH_INVALID, off,
                      "Content-Length %llu differs from the earlier %llu",
                      (unsigned long long)value,
                      (unsigned long long)f->content_length);
      f->content_length_ok = 0;
      f->llhttp_fix &= ~(unsigned)FIX_CONTENT_LENGTH;
      return;
    }
    list = 1;
  } else {
    f->content_length = value;
    f->content_length_ok = 1;
  }
  if (!f->content_length_ok)
    return;
  if (list) {
    if (!f->cl_repeated)
      respcheck__emit(p, RESPCHECK_RULE_CONTENT_LENGTH_REPEATED, off,
                      "Content-Length %llu is repeated; read as one",
                      (unsigned long long)value);
    f->cl_repeated = 1;
    f->llhttp_fix |= FIX_CONTENT_LENGTH;
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
