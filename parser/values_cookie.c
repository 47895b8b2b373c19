/* SPDX-License-Identifier: MIT */
/*
 * The fields a user agent keeps state from: Set-Cookie (RFC 6265 4.1) and
 * Strict-Transport-Security (RFC 6797 6.1, 7.2, 8.1).
 *
 * "Servers SHOULD NOT send Set-Cookie headers that fail to conform to the
 * following grammar" (RFC 6265 4.1.1): set-cookie-invalid is a warning.
 * Its extension-av ("any CHAR except CTLs or ";"") would take any
 * attribute; the attributes 4.1.2 defines are read as their own grammar
 * says (Expires an rfc1123-date, Max-Age digits). Two leniencies, as user
 * agents read them (5.2.2, 5.2.3): Max-Age=0, the usual way to delete a
 * cookie, and a Domain with a leading ".", which is ignored.
 */
#include <string.h>

#include "values.h"

/* ------------------------------------------------------------------------ */
/* Set-Cookie */

/* cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E. Cookie
 * values are long (session tokens): read a class at a time. */
#define COOKIE_OCTET(c)                                                        \
  ((c) == 0x21 || ((c) >= 0x23 && (c) <= 0x2b) ||                              \
   ((c) >= 0x2d && (c) <= 0x3a) || ((c) >= 0x3c && (c) <= 0x5b) ||             \
   ((c) >= 0x5d && (c) <= 0x7e))
static const rv_class_t cookie_octet = RV_CLASS(COOKIE_OCTET);

/* CHAR except CTLs or ";" (path-value, extension-av): printable ASCII and
 * SP but ";". */
#define AV_CHAR(c) ((c) >= 0x20 && (c) <= 0x7e && (c) != ';')
static const rv_class_t av_char = RV_CLASS(AV_CHAR);

enum cookie_av {
  AV_EXPIRES,
  AV_MAX_AGE,
  AV_DOMAIN,
  AV_PATH,
  AV_SECURE,
  AV_HTTPONLY,
  AV_OTHER
};

static int av_lookup(const char *s, size_t n) {
  switch (n) {
  case 4:
    return rv_is(s, n, "path", 4) ? AV_PATH : AV_OTHER;
  case 6:
    return rv_is(s, n, "domain", 6)   ? AV_DOMAIN
           : rv_is(s, n, "secure", 6) ? AV_SECURE
                                      : AV_OTHER;
  case 7:
    return rv_is(s, n, "expires", 7)   ? AV_EXPIRES
           : rv_is(s, n, "max-age", 7) ? AV_MAX_AGE
                                       : AV_OTHER;
  case 8:
    return rv_is(s, n, "httponly", 8) ? AV_HTTPONLY : AV_OTHER;
  default:
    return AV_OTHER;
  }
}

/* The value v[a, e) of attribute av, or what is wrong with it. */
static const char *av_value(respcheck_parser_t *p, int av, const char *v,
                            size_t a, size_t e) {
  size_t i;
  int64_t secs;
  const char *why;
  switch (av) {
  case AV_EXPIRES:
    /* expires-av = "Expires=" sane-cookie-date; sane-cookie-date =
     * rfc1123-date, the shape of IMF-fixdate. */
    return respcheck__http_date_cached(p, 2, v + a, e - a, &secs, &why) ==
                   HD_IMF
               ? NULL
               : "the Expires attribute is not an rfc1123-date such as "
                 "Sun, 06 Nov 1994 08:49:37 GMT";
  case AV_MAX_AGE:
    /* max-age-av = "Max-Age=" non-zero-digit *DIGIT ("0" taken, 5.2.2). */
    for (i = a; i < e && rv_is_digit(v[i]); i++)
      ;
    return i == a || i != e || (v[a] == '0' && e - a > 1)
               ? "the Max-Age attribute is not a number of seconds"
               : NULL;
  case AV_DOMAIN:
    /* domain-value = <subdomain>: letters, digits, "-" and "." (RFC 1034
     * 3.5); a leading "." is ignored (4.1.2.3). */
    i = a < e && v[a] == '.' ? a + 1 : a;
    if (i == e)
      return "the Domain attribute is empty";
    for (; i < e; i++) {
      unsigned char c = (unsigned char)v[i];
      if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !rv_is_digit(v[i]) &&
          c != '-' && c != '.')
        return "the Domain attribute is not a domain name";
    }
    return NULL;
  default:
    return NULL;
  }
}

/* set-cookie-string = cookie-pair *( ";" SP cookie-av ); cookie-pair =
 * cookie-name "=" cookie-value; cookie-name = token; cookie-value =
 * *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ) (RFC 6265 4.1.1). */
void respcheck__check_set_cookie(respcheck_parser_t *p,
                                 const respcheck_header_t *h) {
  const char *v = h->value.ptr, *why = NULL;
  size_t n = h->value.len, name_end = rv_token(v, 0, n), i, k, attrs;
  unsigned seen = 0;

  if (name_end == 0 || name_end == n || v[name_end] != '=') {
    why = name_end == 0 ? "the cookie name is not a token"
                        : "the cookie name is not followed by \"=\"";
    i = name_end;
    goto out;
  }
  /* "Servers SHOULD NOT include more than one Set-Cookie header field in
   * the same response with the same cookie-name." */
  for (k = 0; k < p->facts.cookie_count && k < RV_COOKIES_MAX; k++) {
    const respcheck_header_t *o = &p->headers[p->cookie_at[k]];
    if (o->value.len > name_end && o->value.ptr[name_end] == '=' &&
        rv_same(o->value.ptr, v, name_end)) {
      why = "a second Set-Cookie for this cookie name";
      i = 0;
      goto out;
    }
  }
  if (p->facts.cookie_count < RV_COOKIES_MAX)
    p->cookie_at[p->facts.cookie_count] = (uint32_t)(h - p->headers);
  p->facts.cookie_count++;
  i = name_end + 1;
  if (i < n && v[i] == '"') {
    i = p->class_run(&cookie_octet, v, i + 1, n);
    if (i == n || v[i] != '"') {
      why = "the quoted cookie value is not closed, or holds a byte that is "
            "not a cookie-octet";
      goto out;
    }
    i++;
  } else {
    i = p->class_run(&cookie_octet, v, i, n);
  }
  attrs = i;
  if (p->facts.cookie_attrs != NULL && n - i == p->facts.cookie_attrs_len &&
      memcmp(v + i, p->facts.cookie_attrs, n - i) == 0)
    return; /* the attributes of the line before, found valid */
  while (i < n) {
    size_t s, e, ne;
    int av;
    if (v[i] != ';') {
      why = "a byte that is not a cookie-octet (spaces, DQUOTE, comma, "
            "semicolon, backslash, controls and non-ASCII are not)";
      goto out;
    }
    if (i + 1 == n || v[i + 1] != ' ' || (i + 2 < n && v[i + 2] == ' ')) {
      why = "attributes are separated by \"; \": a semicolon and one space";
      i++;
      goto out;
    }
    s = i + 2;
    e = p->class_run(&av_char, v, s, n);
    if (e < n && v[e] != ';') {
      why = "an attribute holds a byte that is not CHAR, or a control";
      i = e;
      goto out;
    }
    for (ne = s; ne < e && v[ne] != '='; ne++)
      ;
    av = av_lookup(v + s, ne - s);
    if (av != AV_OTHER) {
      /* "Servers SHOULD NOT produce two attributes with the same name in
       * the same set-cookie-string." */
      if (seen & (1u << av)) {
        why = "an attribute appears twice";
        i = s;
        goto out;
      }
      seen |= 1u << av;
      if ((av == AV_SECURE || av == AV_HTTPONLY) && ne < e) {
        why = "Secure and HttpOnly take no value";
        i = ne;
        goto out;
      }
      if (av <= AV_PATH &&
          (ne == e || (why = av_value(p, av, v, ne + 1, e)) != NULL)) {
        if (why == NULL)
          why = "an attribute has no \"=\" and value";
        i = s;
        goto out;
      }
    }
    i = e;
  }
  /* The cookies of one response usually share their attributes. */
  p->facts.cookie_attrs = v + attrs;
  p->facts.cookie_attrs_len = n - attrs;
  return;
out:
  respcheck__value_finding(p, h, RESPCHECK_RULE_SET_COOKIE_INVALID,
                           "Set-Cookie", i, why);
}

/* ------------------------------------------------------------------------ */
/* Strict-Transport-Security */

/* Strict-Transport-Security = [ directive ] *( ";" [ directive ] );
 * directive = directive-name [ "=" directive-value ]; directive-name =
 * token; directive-value = token / quoted-string, with implied LWS (RFC
 * 6797 6.1). "The REQUIRED "max-age" directive" (6.1.1) is delta-seconds
 * once unquoted; "includeSubDomains" is valueless (6.1.2); "All directives
 * MUST appear only once", and a user agent ignores a field that breaks the
 * grammar. */
void respcheck__check_sts(respcheck_parser_t *p, const respcheck_header_t *h) {
  const char *v = h->value.ptr, *why = NULL;
  size_t n = h->value.len, i = 0, bad = 0;
  int max_age = 0, subdomains = 0, preload = 0;

  unsigned transport = respcheck__current_request(p)->transport;
  if (!(p->flags & PF_STS_NOTED) && transport != RESPCHECK_TRANSPORT_TLS &&
      (transport == RESPCHECK_TRANSPORT_PLAIN || !(p->flags & PF_PARTS))) {
    /* RFC 6797 8.1: "If an HTTP response is received over insecure
     * transport, the UA MUST ignore any present STS header field(s)"; 7.2:
     * "An HSTS Host MUST NOT include the STS header field in HTTP
     * responses conveyed over non-secure transport." Which transport a
     * stream came over is not in its bytes: unless the request context
     * says (respcheck_request_t.transport), said once a stream; never
     * over TLS. A head given as parts is no stream: said only when its
     * caller says plain HTTP (a HAR entry's http:// URL). */
    p->flags |= PF_STS_NOTED;
    respcheck__emit(p, RESPCHECK_RULE_STRICT_TRANSPORT_SECURITY_PLAIN_HTTP,
                    h->offset,
                    "Strict-Transport-Security has effect only over TLS: a "
                    "user agent ignores it on plain HTTP, where a server MUST "
                    "NOT send it (said once a stream)");
  }
  if (rv_memo_hit(&p->memo[MEMO_STRICT_TRANSPORT_SECURITY], v, n))
    return;
  while (i < n && why == NULL) {
    size_t s, e, a = 0, ae = 0;
    int has_value = 0, *flag;
    i = rv_skip_ws(v, i, n);
    if (i == n)
      break;
    if (v[i] == ';') {
      i++;
      continue;
    }
    s = i;
    e = rv_token(v, i, n);
    if (e == s) {
      why = "a directive name is not a token";
      bad = s;
      break;
    }
    i = rv_skip_ws(v, e, n);
    if (i < n && v[i] == '=') {
      has_value = 1;
      a = rv_skip_ws(v, i + 1, n);
      ae = a < n && v[a] == '"' ? rv_quoted(v, a, n, &bad) : rv_token(v, a, n);
      if (ae == 0 || ae == a) {
        why = "a directive value is neither a token nor a quoted-string";
        bad = ae == 0 ? bad : a;
        break;
      }
      i = rv_skip_ws(v, ae, n);
    }
    if (i < n && v[i] != ';') {
      why = "directives are separated by \";\"";
      bad = i;
      break;
    }
    flag = rv_is(v + s, e - s, "max-age", 7)              ? &max_age
           : rv_is(v + s, e - s, "includesubdomains", 17) ? &subdomains
           : rv_is(v + s, e - s, "preload", 7)            ? &preload
                                                          : NULL;
    if (flag == NULL)
      continue; /* an extension directive (6.1) */
    if (*flag) {
      why = "a directive appears twice";
      bad = s;
    } else if (flag == &max_age) {
      uint64_t x;
      size_t ds = a < ae && v[a] == '"' ? a + 1 : a;
      size_t de = a < ae && v[a] == '"' ? ae - 1 : ae;
      if (!has_value || de == ds || rv_digits(v, ds, de, &x) != de) {
        why = "max-age is not delta-seconds";
        bad = s;
      }
    } else if (has_value) {
      why = "includeSubDomains and preload take no value";
      bad = s;
    }
    *flag = 1;
  }
  if (why == NULL && !max_age) {
    why = "the REQUIRED max-age directive is missing";
    bad = 0;
  }
  if (why != NULL)
    respcheck__value_finding(p, h,
                             RESPCHECK_RULE_STRICT_TRANSPORT_SECURITY_INVALID,
                             "Strict-Transport-Security", bad, why);
  else
    rv_memo_keep(&p->memo[MEMO_STRICT_TRANSPORT_SECURITY], v, n, 0);
}
