/* SPDX-License-Identifier: MIT */
/*
 * The representation fields: Content-Type (RFC 9110 8.3), Content-Encoding
 * (RFC 9110 8.4) and the transfer codings of Transfer-Encoding against
 * their IANA registries, and Content-Range (RFC 9110 14.4) with what 206
 * and 416 ask of it (RFC 9110 15.3.7, 15.5.17).
 */
#include <stdio.h>

#include "values.h"

/* ------------------------------------------------------------------------ */
/* Content-Type */

/* media-type = type "/" subtype parameters; parameters = *( OWS ";" OWS
 * [ parameter ] ); parameter = parameter-name "=" parameter-value;
 * parameter-value = ( token / quoted-string ) (RFC 9110 8.3.1, 5.6.6): no
 * whitespace around "=". A multipart type needs its boundary parameter
 * (RFC 2046 5.1.1; RFC 9110 14.6 for multipart/byteranges). */
void respcheck__check_content_type(respcheck_parser_t *p,
                                   const respcheck_header_t *h) {
  const char *v = h->value.ptr, *why = NULL;
  size_t n = h->value.len, i, e, bad = 0;
  int multipart, boundary = 0;

  if (rv_memo_hit(&p->memo[MEMO_CONTENT_TYPE], v, n))
    return;
  e = rv_token(v, 0, n);
  if (e == 0 || e == n || v[e] != '/') {
    why = e == 0 ? "no media type" : "no \"/\" between type and subtype";
    bad = e;
    goto out;
  }
  multipart = rv_is(v, e, "multipart", 9);
  i = rv_token(v, e + 1, n);
  if (i == e + 1) {
    why = "the subtype is not a token";
    bad = i;
    goto out;
  }
  for (;;) {
    size_t s, ne, ve;
    i = rv_skip_ws(v, i, n);
    if (i == n)
      break;
    if (v[i] != ';') {
      why = "parameters follow \";\"";
      bad = i;
      break;
    }
    i = rv_skip_ws(v, i + 1, n);
    if (i == n || v[i] == ';')
      continue; /* "[ parameter ]": an empty one is allowed */
    s = i;
    ne = rv_token(v, i, n);
    if (ne == s || ne == n || v[ne] != '=') {
      why = ne == s ? "a parameter name is not a token"
            : ne < n && rv_is_ws(v[ne])
                ? "no whitespace is allowed around \"=\""
                : "a parameter has no \"=\" and value";
      bad = ne;
      break;
    }
    if (ne + 1 < n && v[ne + 1] == '"') {
      ve = rv_quoted(v, ne + 1, n, &bad);
      if (ve == 0) {
        why = "a quoted parameter value is malformed";
        break;
      }
    } else {
      ve = rv_token(v, ne + 1, n);
      if (ve == ne + 1) {
        why = "a parameter value is neither a token nor a quoted-string";
        bad = ve;
        break;
      }
    }
    if (multipart && rv_is(v + s, ne - s, "boundary", 8))
      boundary = 1;
    i = ve;
  }
  if (why == NULL && multipart && !boundary) {
    why = "a multipart media type needs a boundary parameter";
    bad = 0;
  }
out:
  if (why != NULL)
    respcheck__value_finding(p, h, RESPCHECK_RULE_CONTENT_TYPE_INVALID,
                             "Content-Type", bad, why);
  else
    rv_memo_keep(&p->memo[MEMO_CONTENT_TYPE], v, n, 0);
}

/* ------------------------------------------------------------------------ */
/* Content-Encoding, transfer codings */

/* The IANA HTTP Content Coding Registry (RFC 9110 18.6, 8.4.1), 2025. */
static int content_coding_known(const char *s, size_t n) {
  switch (n) {
  case 2:
    return rv_is(s, n, "br", 2);
  case 3:
    return rv_is(s, n, "dcb", 3) || rv_is(s, n, "dcz", 3) ||
           rv_is(s, n, "exi", 3);
  case 4:
    return rv_is(s, n, "gzip", 4) || rv_is(s, n, "zstd", 4);
  case 6:
    return rv_is(s, n, "x-gzip", 6);
  case 7:
    return rv_is(s, n, "deflate", 7);
  case 8:
    return rv_is(s, n, "compress", 8);
  case 9:
    return rv_is(s, n, "aes128gcm", 9);
  case 10:
    return rv_is(s, n, "x-compress", 10);
  case 12:
    return rv_is(s, n, "pack200-gzip", 12);
  default:
    return 0;
  }
}

/* Content-Encoding = #content-coding; content-coding = token (RFC 9110
 * 8.4). "All content codings are case-insensitive and ought to be
 * registered within the "HTTP Content Coding Registry"" (8.4.1): a coding
 * a recipient does not know, it cannot decode. "identity" is registered
 * only as a synonym for "no encoding" in Accept-Encoding. */
void respcheck__check_content_encoding(respcheck_parser_t *p,
                                       const respcheck_header_t *h) {
  const char *v = h->value.ptr, *why = NULL;
  size_t n = h->value.len, i = 0, bad = 0;
  char msg[120];

  if (rv_memo_hit(&p->memo[MEMO_CONTENT_ENCODING], v, n))
    return;
  if (!respcheck__token_list(v, n, &bad, &why)) {
    respcheck__value_finding(p, h, RESPCHECK_RULE_CONTENT_ENCODING_UNKNOWN,
                             "Content-Encoding", bad, why);
    return;
  }
  while (i < n) {
    size_t s, e;
    i = rv_skip_ws(v, i, n);
    s = i;
    e = rv_token(v, i, n);
    if (e > s && !content_coding_known(v + s, e - s)) {
      char q[64];
      if (rv_is(v + s, e - s, "identity", 8))
        snprintf(msg, sizeof(msg),
                 "identity means no encoding, and only in "
                 "Accept-Encoding");
      else
        snprintf(msg, sizeof(msg),
                 "\"%s\" is not a content coding of the IANA registry",
                 respcheck__quote(q, sizeof(q), v + s, e - s));
      respcheck__value_finding(p, h, RESPCHECK_RULE_CONTENT_ENCODING_UNKNOWN,
                               "Content-Encoding", s, msg);
      return;
    }
    i = rv_skip_ws(v, e, n);
    i += i < n; /* the comma */
  }
  rv_memo_keep(&p->memo[MEMO_CONTENT_ENCODING], v, n, 0);
}

/* The IANA HTTP Transfer Coding Registry (RFC 9112 7): chunked, compress,
 * deflate, gzip and their x- aliases ("trailers" is for TE only). */
int respcheck__transfer_coding_known(const char *s, size_t n) {
  switch (n) {
  case 4:
    return rv_is(s, n, "gzip", 4);
  case 6:
    return rv_is(s, n, "x-gzip", 6);
  case 7:
    return rv_is(s, n, "chunked", 7) || rv_is(s, n, "deflate", 7);
  case 8:
    return rv_is(s, n, "compress", 8);
  case 10:
    return rv_is(s, n, "x-compress", 10);
  default:
    return 0;
  }
}

/* ------------------------------------------------------------------------ */
/* Content-Range */

/* Content-Range = range-unit SP ( range-resp / unsatisfied-range );
 * range-resp = incl-range "/" ( complete-length / "*" ); incl-range =
 * first-pos "-" last-pos; unsatisfied-range = "*" "/" complete-length
 * (RFC 9110 14.4). "A Content-Range field value is invalid if it contains
 * a range-resp that has a last-pos value less than its first-pos value, or
 * a complete-length value less than or equal to its last-pos value." The
 * positions are read for the bytes unit; another unit's specifiers are its
 * own (14.1.1; 14.6's example "exampleunit 1.2-4.3/25"). */
void respcheck__check_content_range(respcheck_parser_t *p,
                                    const respcheck_header_t *h) {
  head_facts_t *f = &p->facts;
  const char *v = h->value.ptr, *why = NULL;
  size_t n = h->value.len, u = rv_token(v, 0, n), i, e;
  uint64_t first, last, length = UINT64_MAX;
  int form = CR_NONE;

  if (u == 0 || u == n || v[u] != ' ') {
    why = u == 0 || (u < n && v[u] == '/') ? "no range unit"
                                           : "no SP after the range unit";
    i = u;
    goto out;
  }
  i = u + 1;
  if (!rv_is(v, u, "bytes", 5)) {
    form = CR_RANGE; /* another unit: its own syntax */
    goto out;
  }
  if (i < n && v[i] == '*') {
    e = i + 2 < n && v[i + 1] == '/' ? rv_digits(v, i + 2, n, &length) : i;
    if (e != n || e == i + 2) {
      why = "an unsatisfied-range is \"*/\" complete-length";
      goto out;
    }
    form = CR_UNSATISFIED;
    goto out;
  }
  e = rv_digits(v, i, n, &first);
  if (e == i || e == n || v[e] != '-') {
    why = "the range is first-pos \"-\" last-pos";
    i = e;
    goto out;
  }
  i = e + 1;
  e = rv_digits(v, i, n, &last);
  if (e == i || e == n || v[e] != '/') {
    why = e == i ? "the range is first-pos \"-\" last-pos"
                 : "the range is followed by \"/\" and the complete length";
    i = e;
    goto out;
  }
  i = e + 1;
  if (i + 1 == n && v[i] == '*') {
    e = n;
  } else {
    e = rv_digits(v, i, n, &length);
    if (e == i || e != n) {
      why = "the complete length is 1*DIGIT or \"*\"";
      i = e;
      goto out;
    }
  }
  if (last < first) {
    why = "last-pos is less than first-pos";
    i = u + 1;
  } else if (length != UINT64_MAX && length <= last) {
    why = "the complete length is not above last-pos";
    i = u + 1;
  } else {
    form = CR_RANGE;
  }
out:
  if (!(f->seen & KF_CONTENT_RANGE)) {
    f->cr_form = form;
    f->cr_offset = rv_at(p, h, 0);
  }
  if (why != NULL)
    respcheck__value_finding(p, h, RESPCHECK_RULE_CONTENT_RANGE_INVALID,
                             "Content-Range", i, why);
}

/* What 206 and 416 ask of Content-Range, once the status is known. */
void respcheck__check_content_range_status(respcheck_parser_t *p, int status) {
  const head_facts_t *f = &p->facts;
  if (status == 206 && f->cr_form == CR_UNSATISFIED)
    /* 15.3.7: a single part carries "a Content-Range header field
     * describing the range"; "*" names none. */
    respcheck__emit(p, RESPCHECK_RULE_CONTENT_RANGE_INVALID, f->cr_offset,
                    "206 response with an unsatisfied-range (*/length): it "
                    "names no range");
  else if (status == 416 && f->cr_form == CR_RANGE)
    /* 14.4: "A server generating a 416 (Range Not Satisfiable) response
     * to a byte-range request SHOULD send a Content-Range header field
     * with an unsatisfied-range value". */
    respcheck__emit(p, RESPCHECK_RULE_CONTENT_RANGE_MISSING_416, f->cr_offset,
                    "416 response whose Content-Range is not \"*/\" and the "
                    "current length");
}
