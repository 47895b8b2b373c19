/* SPDX-License-Identifier: MIT */
/*
 * The field values the rules read (RFC 9110 8.6, RFC 9112 6.1, RFC 9110
 * 7.6.1, RFC 9110 8.3): Content-Length, Transfer-Encoding, Connection and
 * Content-Type, as lists where the grammar says so; and what they say of
 * framing together. Both ways of reading a head end here.
 */
#include <string.h>

#include "values.h"

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
  const char *unknown = NULL;
  size_t unknown_len = 0;

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
    if (!respcheck__transfer_coding_known(v + s, name_end - s) &&
        unknown == NULL) {
      unknown = v + s;
      unknown_len = name_end - s;
    }
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
  if (unknown != NULL)
    /* RFC 9112 7: transfer codings are registered; a recipient that does
     * not know one cannot decode the content (a server answers such a
     * request with 501, 6.1). */
    respcheck__emit(p, RESPCHECK_RULE_TRANSFER_ENCODING_UNKNOWN, off,
                    "transfer coding \"%s\" is not in the IANA registry",
                    respcheck__quote(q, sizeof(q), unknown, unknown_len));
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

void respcheck__value_finding(respcheck_parser_t *p,
                              const respcheck_header_t *h,
                              respcheck_rule_t rule, const char *name,
                              size_t at, const char *why) {
  char q[200];
  respcheck__emit(p, rule, rv_at(p, h, at), "%s \"%s\": %s", name,
                  respcheck__quote(q, sizeof(q), h->value.ptr, h->value.len),
                  why);
}

/* The field names the rules know, as a message names them. */
static const char *field_name(enum known_field kf) {
  switch (kf) {
  case KF_CONTENT_TYPE:
    return "Content-Type";
  case KF_DATE:
    return "Date";
  case KF_LOCATION:
    return "Location";
  case KF_ETAG:
    return "ETag";
  case KF_LAST_MODIFIED:
    return "Last-Modified";
  case KF_CONTENT_RANGE:
    return "Content-Range";
  case KF_AGE:
    return "Age";
  case KF_RETRY_AFTER:
    return "Retry-After";
  case KF_EXPIRES:
    return "Expires";
  default:
    return "Strict-Transport-Security";
  }
}

/* The index of kf's bit (kf has one). */
static RC_INLINE unsigned kf_index(unsigned kf) {
#if defined(__GNUC__)
  return (unsigned)__builtin_ctz(kf);
#else
  unsigned i = 0;
  while (!(kf & 1u)) {
    kf >>= 1;
    i++;
  }
  return i;
#endif
}

/* The checks of each known field, by index (check_field); fields.c's own
 * take the value's bytes. */
static void check_none(respcheck_parser_t *p, const respcheck_header_t *h) {
  (void)p;
  (void)h;
}
static void check_cl_field(respcheck_parser_t *p, const respcheck_header_t *h) {
  check_content_length(p, h->value.ptr, h->value.len, h->offset);
}
static void check_te_field(respcheck_parser_t *p, const respcheck_header_t *h) {
  check_transfer_encoding(p, h->value.ptr, h->value.len, h->offset);
}
static void check_connection_field(respcheck_parser_t *p,
                                   const respcheck_header_t *h) {
  check_connection(p, h->value.ptr, h->value.len);
}
static void check_ct_field(respcheck_parser_t *p, const respcheck_header_t *h) {
  check_content_type(p, h->value.ptr, h->value.len);
  if (p->opts.severity[RESPCHECK_RULE_CONTENT_TYPE_INVALID])
    respcheck__check_content_type(p, h);
}
static void check_date_field(respcheck_parser_t *p,
                             const respcheck_header_t *h) {
  respcheck__check_date_field(p, h, KF_DATE);
}
static void check_lm_field(respcheck_parser_t *p, const respcheck_header_t *h) {
  respcheck__check_date_field(p, h, KF_LAST_MODIFIED);
}
static void check_expires_field(respcheck_parser_t *p,
                                const respcheck_header_t *h) {
  respcheck__check_date_field(p, h, KF_EXPIRES);
}

static void (*const value_checks[KFI_COUNT])(respcheck_parser_t *,
                                             const respcheck_header_t *) = {
    [KFI_CONTENT_LENGTH] = check_cl_field,
    [KFI_TRANSFER_ENCODING] = check_te_field,
    [KFI_CONNECTION] = check_connection_field,
    [KFI_LOCATION] = respcheck__check_location,
    [KFI_WWW_AUTHENTICATE] = check_none,
    [KFI_PROXY_AUTHENTICATE] = check_none,
    [KFI_ALLOW] = check_none,
    [KFI_CONTENT_RANGE] = respcheck__check_content_range,
    [KFI_CONTENT_TYPE] = check_ct_field,
    [KFI_UPGRADE] = check_none,
    [KFI_DATE] = check_date_field,
    [KFI_MULTIPART_BYTERANGES] = check_none,
    [KFI_LAST_MODIFIED] = check_lm_field,
    [KFI_EXPIRES] = check_expires_field,
    [KFI_RETRY_AFTER] = respcheck__check_retry_after,
    [KFI_CACHE_CONTROL] = respcheck__check_cache_control,
    [KFI_ETAG] = respcheck__check_etag,
    [KFI_VARY] = respcheck__check_vary,
    [KFI_AGE] = respcheck__check_age,
    [KFI_SET_COOKIE] = respcheck__check_set_cookie,
    [KFI_CONTENT_ENCODING] = respcheck__check_content_encoding,
    [KFI_STRICT_TRANSPORT_SECURITY] = respcheck__check_sts,
};

/* The rules each value check reports, or whose facts it gives the
 * semantic pass (semantics.c): a check runs when one of them is on. */
static const struct value_rules {
  respcheck_rule_t rule;
  unsigned kf; /* enum known_field */
} value_rules[] = {
    {RESPCHECK_RULE_DATE_INVALID, KF_DATE},
    {RESPCHECK_RULE_LAST_MODIFIED_INVALID, KF_LAST_MODIFIED},
    {RESPCHECK_RULE_LAST_MODIFIED_FUTURE, KF_DATE | KF_LAST_MODIFIED},
    {RESPCHECK_RULE_EXPIRES_INVALID, KF_EXPIRES},
    {RESPCHECK_RULE_RETRY_AFTER_INVALID, KF_RETRY_AFTER},
    {RESPCHECK_RULE_HTTP_DATE_OBSOLETE,
     KF_DATE | KF_LAST_MODIFIED | KF_EXPIRES | KF_RETRY_AFTER},
    {RESPCHECK_RULE_CACHE_CONTROL_INVALID, KF_CACHE_CONTROL},
    {RESPCHECK_RULE_CACHE_CONTROL_ARGUMENT_INVALID, KF_CACHE_CONTROL},
    {RESPCHECK_RULE_CACHE_CONTROL_CONFLICT, KF_CACHE_CONTROL},
    {RESPCHECK_RULE_ETAG_INVALID, KF_ETAG},
    {RESPCHECK_RULE_VARY_INVALID, KF_VARY},
    {RESPCHECK_RULE_AGE_INVALID, KF_AGE},
    {RESPCHECK_RULE_CONTENT_ENCODING_UNKNOWN, KF_CONTENT_ENCODING},
    {RESPCHECK_RULE_CONTENT_RANGE_INVALID, KF_CONTENT_RANGE},
    {RESPCHECK_RULE_CONTENT_RANGE_MISSING_416, KF_CONTENT_RANGE},
    {RESPCHECK_RULE_LOCATION_INVALID, KF_LOCATION},
    {RESPCHECK_RULE_SET_COOKIE_INVALID, KF_SET_COOKIE},
    {RESPCHECK_RULE_STRICT_TRANSPORT_SECURITY_INVALID,
     KF_STRICT_TRANSPORT_SECURITY},
    {RESPCHECK_RULE_STRICT_TRANSPORT_SECURITY_PLAIN_HTTP,
     KF_STRICT_TRANSPORT_SECURITY},
};

/* The framing fields are always read (RFC 9112 6.3), and Content-Type for
 * multipart/byteranges (RFC 9110 14.6; content-type-invalid is tested in
 * check_ct_field); a field whose rules are all off gets check_none, and
 * the fast path does not give it to check_field at all unless it is a
 * singleton and singleton-field-repeated is on. */
void respcheck__value_masks(respcheck_parser_t *p) {
  const unsigned char *sev = p->opts.severity;
  unsigned value = KF_CONTENT_LENGTH | KF_TRANSFER_ENCODING | KF_CONNECTION |
                   KF_CONTENT_TYPE;
  size_t i;
  for (i = 0; i < sizeof(value_rules) / sizeof(value_rules[0]); i++) {
    if (sev[value_rules[i].rule] != RESPCHECK_SEVERITY_OFF)
      value |= value_rules[i].kf;
  }
  for (i = 0; i < KFI_COUNT; i++)
    p->value_check[i] = (value & (1u << i)) ? value_checks[i] : check_none;
  p->read_kf = value;
  if (sev[RESPCHECK_RULE_SINGLETON_FIELD_REPEATED] != RESPCHECK_SEVERITY_OFF)
    p->read_kf |= KF_SINGLETON;
  p->class_run = respcheck__class_runner(-1);
}

/* The finding for a second line of a singleton field: "a sender MUST NOT
 * generate multiple field lines with the same name in a message ...
 * unless that field's definition allows multiple field line values to be
 * recombined as a comma-separated list" (RFC 9110 5.3). */
static RC_COLD void report_singleton(respcheck_parser_t *p,
                                     const respcheck_header_t *h, unsigned kf) {
  respcheck__emit(p, RESPCHECK_RULE_SINGLETON_FIELD_REPEATED, h->offset,
                  "a second %s field line: %s is a singleton field",
                  field_name((enum known_field)kf),
                  field_name((enum known_field)kf));
}

/* One field whose value the rules read, kf its known field (0: none);
 * then p->facts.seen has kf. The parser's table of checks, by kf's bit
 * index, is the dispatch. */
static RC_INLINE void check_field(respcheck_parser_t *p,
                                  const respcheck_header_t *h, unsigned kf) {
  if (kf == 0)
    return;
  if (kf & p->facts.seen & KF_SINGLETON)
    report_singleton(p, h, kf);
  p->value_check[kf_index(kf)](p, h);
  p->facts.seen |= kf;
}

/* The fields the rules read, once obs-folds have joined their lines. */
void respcheck__check_known_fields(respcheck_parser_t *p) {
  size_t i;
  for (i = 0; i < p->nheaders; i++) {
    const respcheck_header_t *h = &p->headers[i];
    check_field(p, h, (unsigned)respcheck__classify(h->name.ptr, h->name.len));
  }
}

/* The same for a head the fast path read (no obs-fold): the known fields
 * whose values the rules read are checked in order; the others are added
 * to p->facts.seen after them, as if checked with no check. */
void respcheck__check_plain_fields(respcheck_parser_t *p) {
  const respcheck_header_t *h = p->headers, *last = h + p->nheaders;
  unsigned read = p->read_kf, seen = 0;
  for (; h < last; h++) {
    unsigned kf = (unsigned)respcheck__classify(h->name.ptr, h->name.len);
    if (kf & read)
      check_field(p, h, kf);
    seen |= kf;
  }
  p->facts.seen |= seen;
}
