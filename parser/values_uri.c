/* SPDX-License-Identifier: MIT */
/*
 * Location = URI-reference (RFC 9110 10.2.2), read against RFC 3986: an
 * absolute URI (scheme ":" hier-part) or a relative reference, each with
 * an optional query and fragment. Every byte must be one the grammar
 * allows where it stands, and "%" must start a pct-encoded octet: spaces,
 * non-ASCII bytes, backslashes and "<>\"{}|^`" are the usual faults (a
 * browser repairs them, another client may not).
 */
#include "values.h"

/* Byte classes of RFC 3986 2 and 3. */
enum {
  UC_UNRESERVED = 1, /* ALPHA DIGIT "-" "." "_" "~" (2.3) */
  UC_SUB_DELIM = 2,  /* "!" "$" "&" "'" "(" ")" "*" "+" "," ";" "=" (2.2) */
  UC_SCHEME = 4,     /* ALPHA DIGIT "+" "-" "." after the first (3.1) */
  UC_HEX = 8         /* HEXDIG */
};

/* clang-format off */
static const unsigned char uri_class[256] = {
    /* 0x00-0x1f: controls */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /*  SP ! " # $ % & ' ( ) * + , - . / */
    0, 2, 0, 0, 2, 0, 2, 2, 2, 2, 2, 6, 2, 5, 5, 0,
    /*  0-9, : ; < = > ? */
    13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 0, 2, 0, 2, 0, 0,
    /*  @ A-O */
    0, 13, 13, 13, 13, 13, 13, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    /*  P-Z [ \ ] ^ _ */
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0, 0, 0, 0, 1,
    /*  ` a-o */
    0, 13, 13, 13, 13, 13, 13, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    /*  p-z { | } ~ DEL */
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0, 0, 0, 1, 0,
    /* 0x80-0xff: not in a URI (3.2.2: non-ASCII is percent-encoded) */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
/* clang-format on */

/* What the bytes of one part of the authority may be besides unreserved,
 * sub-delims and pct-encoded (3.2.1, 3.2.2); the path, query and fragment
 * are pq_run's. */
enum uri_part {
  UP_USERINFO, /* ":" */
  UP_HOST      /* nothing (reg-name) */
};

/* pchar, "/" and "?" but pct-encoded (3.3, 3.4, 3.5): unreserved, sub-delims,
 * ":" "@" "/" "?". A path, its query and a fragment are runs of them, read
 * a class at a time: the long part of most references. */
#define URI_PQ(c)                                                              \
  (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') ||                 \
   ((c) >= '0' && (c) <= '9') || (c) == '-' || (c) == '.' || (c) == '_' ||     \
   (c) == '~' || (c) == '!' || (c) == '$' || ((c) >= '&' && (c) <= ',') ||     \
   (c) == ';' || (c) == '=' || (c) == ':' || (c) == '@' || (c) == '/' ||       \
   (c) == '?')
static const rv_class_t uri_pq = RV_CLASS(URI_PQ);

/* pct-encoded = "%" HEXDIG HEXDIG (2.1), at v[i]. */
static int pct_encoded(const char *v, size_t i, size_t n) {
  return i + 2 < n && v[i] == '%' &&
         (uri_class[(unsigned char)v[i + 1]] & UC_HEX) &&
         (uri_class[(unsigned char)v[i + 2]] & UC_HEX);
}

/* The end of the path-and-query (or fragment) run at v[i]. */
static size_t pq_run(rv_class_run_t run, const char *v, size_t i, size_t n) {
  for (;;) {
    i = run(&uri_pq, v, i, n);
    if (!pct_encoded(v, i, n))
      return i;
    i += 3;
  }
}

/* The end of the run of v[i, n) that part allows; a "%" not followed by
 * two HEXDIG ends it too. */
static size_t uri_run(const char *v, size_t i, size_t n, int part) {
  for (; i < n; i++) {
    unsigned char c = (unsigned char)v[i];
    if (uri_class[c] & (UC_UNRESERVED | UC_SUB_DELIM))
      continue;
    if (pct_encoded(v, i, n)) {
      i += 2;
      continue;
    }
    if (part == UP_USERINFO && c == ':')
      continue;
    return i;
  }
  return i;
}

/* IP-literal = "[" ( IPv6address / IPvFuture ) "]" (3.2.2), with v[i] the
 * "[": the index past the "]", or 0. The address is HEXDIG, ":" and "."
 * (an IPv4 tail); IPvFuture is "v" HEXDIG "." and more. */
static size_t ip_literal(const char *v, size_t i, size_t n) {
  size_t s = ++i;
  if (i < n && (v[i] == 'v' || v[i] == 'V'))
    return 0; /* IPvFuture: not in use; read as not an address */
  for (; i < n && v[i] != ']'; i++) {
    unsigned char c = (unsigned char)v[i];
    if (!(uri_class[c] & UC_HEX) && c != ':' && c != '.')
      return 0;
  }
  return i < n && i > s ? i + 1 : 0;
}

/* The index of the first byte of URI-reference v[0, n) that breaks RFC
 * 3986 4.1, or n; *why says what is wrong. */
static size_t uri_reference(rv_class_run_t run, const char *v, size_t n,
                            const char **why) {
  size_t i = 0, e;
  /* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":" */
  if (n > 0 && (v[0] | 0x20) >= 'a' && (v[0] | 0x20) <= 'z') {
    e = 1;
    while (e < n && (uri_class[(unsigned char)v[e]] & UC_SCHEME))
      e++;
    if (e < n && v[e] == ':')
      i = e + 1;
  }
  if (i + 1 < n && v[i] == '/' && v[i + 1] == '/') {
    /* authority = [ userinfo "@" ] host [ ":" port ] (3.2) */
    size_t a = i + 2, at = a, host;
    e = uri_run(v, a, n, UP_USERINFO);
    if (e < n && v[e] == '@')
      at = e + 1;
    host = at;
    if (host < n && v[host] == '[') {
      e = ip_literal(v, host, n);
      if (e == 0) {
        *why = "an IP-literal host is \"[\" IPv6address \"]\"";
        return host;
      }
    } else {
      e = uri_run(v, host, n, UP_HOST);
    }
    if (e < n && v[e] == ':') {
      uint64_t port;
      e = rv_digits(v, e + 1, n, &port);
    }
    if (e < n && v[e] != '/' && v[e] != '?' && v[e] != '#') {
      *why = v[e] == '\\' ? "a backslash where \"/\" belongs"
                          : "a byte that is not allowed in the authority";
      return e;
    }
    i = e;
  } else if (i == 0) {
    /* A relative reference: its first segment cannot hold ":" (path-noscheme,
     * 4.2), or it would read as a scheme. */
    for (i = 0; i < n && v[i] != '/' && v[i] != '?' && v[i] != '#'; i++) {
      if (v[i] == ':') {
        *why = "a relative reference whose first segment holds \":\"";
        return i;
      }
    }
    i = 0;
  }
  /* path [ "?" query ]: a "?" ends the path, and the query takes "?" too,
   * so the two are one run of pchar, "/" and "?" (4.1). */
  i = pq_run(run, v, i, n);
  if (i < n && v[i] == '#')
    i = pq_run(run, v, i + 1, n);
  if (i == n)
    return n;
  switch (v[i]) {
  case ' ':
    *why = "a space, which is percent-encoded as %20";
    break;
  case '%':
    *why = "\"%\" not followed by two hex digits";
    break;
  case '#':
    *why = "a second \"#\"";
    break;
  case '\\':
    *why = "a backslash, which is not a URI character";
    break;
  default:
    *why = (unsigned char)v[i] >= 0x80
               ? "a non-ASCII byte, which is percent-encoded"
               : "a byte that is not a URI character where it stands";
    break;
  }
  return i;
}

void respcheck__check_location(respcheck_parser_t *p,
                               const respcheck_header_t *h) {
  const char *why = NULL;
  size_t bad = uri_reference(p->class_run, h->value.ptr, h->value.len, &why);
  if (bad < h->value.len) {
    char q[200];
    respcheck__emit(p, RESPCHECK_RULE_LOCATION_INVALID, rv_at(p, h, bad),
                    "Location \"%s\" is not a URI-reference: %s",
                    respcheck__quote(q, sizeof(q), h->value.ptr, h->value.len),
                    why);
  }
}
