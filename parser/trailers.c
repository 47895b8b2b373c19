/* SPDX-License-Identifier: MIT */
/*
 * The trailer section of a chunked response (RFC 9112 7.1.2, RFC 9110
 * 6.5): llhttp's callbacks for its field lines, read as they stream by
 * (nothing of a trailer is kept), with their limits and the fields that
 * cannot be trailers.
 */
#include <string.h>

#include "parser.h"

/* Trailer limits are checked once a name or a value is complete: llhttp
 * hands over the part of a span read before an error only when a chunk
 * boundary fell inside it, so checking partial spans would depend on the
 * chunking. Nothing of a trailer is kept, so nothing grows meanwhile. */
static int trailer_too_large(respcheck_parser_t *p, uint64_t start,
                             size_t len) {
  size_t max = p->opts.max_header_bytes;
  if (len > max - p->trailer_bytes) {
    uint64_t off = start + (max - p->trailer_bytes);
    respcheck__fail(p, RESPCHECK_RULE_HEADER_SECTION_TOO_LARGE, off,
                    RESPCHECK_E_LIMIT, "trailer section too large",
                    "trailer section larger than the limit of %zu bytes", max);
    return 1;
  }
  p->trailer_bytes += len;
  return 0;
}

static int on_trailer_name(llhttp_t *l, const char *data, size_t len) {
  respcheck_parser_t *p = respcheck__from_llhttp(l);
  size_t i;
  if (!(p->flags & PF_TFIELD_STARTED)) {
    p->flags |= PF_TFIELD_STARTED;
    p->tfield_offset = respcheck__feed_offset(p, data);
    p->tname_len = 0;
    p->flags &= ~PF_TNAME_BAD;
  }
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)data[i];
    if (!respcheck__token_char[c])
      p->flags |= PF_TNAME_BAD;
    if (p->tname_len < sizeof(p->tname))
      p->tname[p->tname_len] = (char)respcheck__lower(c);
    p->tname_len++;
  }
  return 0;
}

/* RFC 9110 6.5.1: framing, routing, authentication, response control and
 * content-processing fields cannot be trailers. */
static const char *const forbidden_trailers[] = {"content-length",
                                                 "transfer-encoding",
                                                 "host",
                                                 "trailer",
                                                 "content-type",
                                                 "content-encoding",
                                                 "content-range",
                                                 "connection",
                                                 "keep-alive",
                                                 "upgrade",
                                                 "te",
                                                 "www-authenticate",
                                                 "proxy-authenticate",
                                                 "authorization",
                                                 "proxy-authorization",
                                                 "location",
                                                 "cache-control",
                                                 "expires",
                                                 "age",
                                                 "date",
                                                 "retry-after",
                                                 "vary"};

static int on_trailer_name_complete(llhttp_t *l) {
  respcheck_parser_t *p = respcheck__from_llhttp(l);
  size_t i, n = (p->flags & PF_TFIELD_STARTED) ? p->tname_len : 0;
  uint64_t start =
      (p->flags & PF_TFIELD_STARTED) ? p->tfield_offset : p->offset;
  char q[64];
  p->flags &= ~(PF_TFIELD_STARTED | PF_TVALUE_STARTED);
  p->tvalue_len = 0;
  if (++p->trailer_fields > p->opts.max_headers) {
    respcheck__fail(p, RESPCHECK_RULE_TOO_MANY_HEADERS, start,
                    RESPCHECK_E_LIMIT, "too many trailer fields",
                    "more than %zu trailer fields", p->opts.max_headers);
    return -1;
  }
  if (trailer_too_large(p, start, n))
    return -1;
  if ((p->flags & PF_TNAME_BAD) || n == 0) {
    respcheck__emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, p->tfield_offset,
                    "trailer field name is not a token");
    return 0;
  }
  if (n > sizeof(p->tname))
    return 0;
  for (i = 0; i < sizeof(forbidden_trailers) / sizeof(*forbidden_trailers);
       i++) {
    if (strlen(forbidden_trailers[i]) == n &&
        memcmp(forbidden_trailers[i], p->tname, n) == 0) {
      respcheck__quote(q, sizeof(q), p->tname, n);
      /* llhttp applies Content-Length and Transfer-Encoding trailers to its
       * framing state: what follows cannot be read reliably. */
      if (i < 2) {
        respcheck__fail(p, RESPCHECK_RULE_TRAILER_FIELD_FORBIDDEN,
                        p->tfield_offset, RESPCHECK_E_FRAMING,
                        "framing field in the trailer section",
                        "%s sent as a trailer field", q);
        return -1;
      }
      respcheck__emit(p, RESPCHECK_RULE_TRAILER_FIELD_FORBIDDEN,
                      p->tfield_offset, "%s sent as a trailer field", q);
      break;
    }
  }
  return 0;
}

static int on_trailer_value(llhttp_t *l, const char *data, size_t len) {
  respcheck_parser_t *p = respcheck__from_llhttp(l);
  size_t i;
  char q[16];
  if (!(p->flags & PF_TVALUE_STARTED)) {
    p->flags |= PF_TVALUE_STARTED;
    p->tvalue_offset = respcheck__feed_offset(p, data);
  }
  p->tvalue_len += len;
  for (i = 0; i < len; i++) {
    if (!respcheck__text_char[(unsigned char)data[i]]) {
      respcheck__emit(p, RESPCHECK_RULE_HEADER_VALUE_INVALID,
                      respcheck__feed_offset(p, data + i),
                      "control byte \"%s\" in a trailer field value",
                      respcheck__quote(q, sizeof(q), data + i, 1));
      break;
    }
  }
  return 0;
}

static int on_trailer_value_complete(llhttp_t *l) {
  respcheck_parser_t *p = respcheck__from_llhttp(l);
  int over = (p->flags & PF_TVALUE_STARTED) != 0 &&
             trailer_too_large(p, p->tvalue_offset, p->tvalue_len);
  p->flags &= ~PF_TVALUE_STARTED;
  p->tvalue_len = 0;
  return over ? -1 : 0;
}

void respcheck__trailer_settings(llhttp_settings_t *s) {
  s->on_header_field = on_trailer_name;
  s->on_header_field_complete = on_trailer_name_complete;
  s->on_header_value = on_trailer_value;
  s->on_header_value_complete = on_trailer_value_complete;
}
