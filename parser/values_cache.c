/* SPDX-License-Identifier: MIT */
/*
 * The caching fields: Cache-Control (RFC 9111 5.2), Age (RFC 9111 5.1),
 * ETag (RFC 9110 8.8.3) and Vary (RFC 9110 12.5.5); and the token lists
 * (RFC 9110 5.6.1) that Vary and Content-Encoding are.
 */
#include <stdio.h>
#include <string.h>

#include "values.h"

/* The cache directives RFC 9111 5.2.2, RFC 8246 (immutable) and RFC 5861
 * (stale-*) define for responses, by the argument they take: "For the
 * cache directives defined below, no argument is defined (nor allowed)
 * unless stated otherwise" (5.2). Their index is their bit in
 * head_facts.cc_directives. */
enum cc_argument {
  CC_DELTA, /* delta-seconds, token form only (5.2.2.1, 5.2.2.10) */
  CC_NONE,  /* none */
  CC_NAMES  /* optional, a quoted list of field names (5.2.2.4, 5.2.2.7) */
};

enum cc_directive {
  CCD_MAX_AGE,
  CCD_S_MAXAGE,
  CCD_STALE_WHILE_REVALIDATE,
  CCD_STALE_IF_ERROR,
  CCD_NO_CACHE,
  CCD_PRIVATE,
  CCD_NO_STORE,
  CCD_NO_TRANSFORM,
  CCD_MUST_REVALIDATE,
  CCD_PROXY_REVALIDATE,
  CCD_MUST_UNDERSTAND,
  CCD_PUBLIC,
  CCD_IMMUTABLE,
  CCD_COUNT,
  /* Not a directive: max-age or s-maxage above 0. */
  CCD_FRESH = CCD_COUNT
};

#define CCB(d) (1u << (d))

static const struct cc_known {
  const char *name;
  unsigned char argument; /* enum cc_argument */
} cc_known[CCD_COUNT] = {
    {"max-age", CC_DELTA},
    {"s-maxage", CC_DELTA},
    {"stale-while-revalidate", CC_DELTA},
    {"stale-if-error", CC_DELTA},
    {"no-cache", CC_NAMES},
    {"private", CC_NAMES},
    {"no-store", CC_NONE},
    {"no-transform", CC_NONE},
    {"must-revalidate", CC_NONE},
    {"proxy-revalidate", CC_NONE},
    {"must-understand", CC_NONE},
    {"public", CC_NONE},
    {"immutable", CC_NONE},
};

/* The directive named s[0, n) (compared case-insensitively, RFC 9111 5.2),
 * or -1. Told apart by length and a letter, then compared. */
static int cc_lookup(const char *s, size_t n) {
  int d;
  switch (n) {
  case 6:
    d = CCD_PUBLIC;
    break;
  case 7:
    d = ((unsigned char)s[0] | 0x20) == 'm' ? CCD_MAX_AGE : CCD_PRIVATE;
    break;
  case 8:
    d = ((unsigned char)s[0] | 0x20) == 's'   ? CCD_S_MAXAGE
        : ((unsigned char)s[3] | 0x20) == 'c' ? CCD_NO_CACHE
                                              : CCD_NO_STORE;
    break;
  case 9:
    d = CCD_IMMUTABLE;
    break;
  case 12:
    d = CCD_NO_TRANSFORM;
    break;
  case 14:
    d = CCD_STALE_IF_ERROR;
    break;
  case 15:
    d = ((unsigned char)s[5] | 0x20) == 'r' ? CCD_MUST_REVALIDATE
                                            : CCD_MUST_UNDERSTAND;
    break;
  case 16:
    d = CCD_PROXY_REVALIDATE;
    break;
  case 22:
    d = CCD_STALE_WHILE_REVALIDATE;
    break;
  default:
    return -1;
  }
  return respcheck__lit_is(s, cc_known[d].name, n) ? d : -1;
}

/* The findings, out of the hot path. */
static RC_COLD void report_argument(respcheck_parser_t *p,
                                    const respcheck_header_t *h, int d,
                                    size_t at, const char *why) {
  respcheck__emit(p, RESPCHECK_RULE_CACHE_CONTROL_ARGUMENT_INVALID,
                  rv_at(p, h, at), "Cache-Control %s %s", cc_known[d].name,
                  why);
}

/* The argument v[a, e) of directive d (quoted: v[a] is its DQUOTE);
 * returns what is wrong with it, or NULL. */
static const char *cc_argument(int d, const char *v, size_t a, size_t e,
                               int has_arg, uint64_t *seconds) {
  switch (cc_known[d].argument) {
  case CC_DELTA:
    if (!has_arg)
      return "needs an argument: delta-seconds";
    if (v[a] == '"')
      /* "This directive uses the token form of the argument syntax ... A
       * sender MUST NOT generate the quoted-string form." (5.2.2.1) */
      return "argument is quoted; a sender MUST NOT generate the "
             "quoted-string form";
    if (rv_digits(v, a, e, seconds) != e)
      return "argument is not delta-seconds (1*DIGIT)";
    return NULL;
  case CC_NONE:
    return has_arg ? "takes no argument (RFC 9111 5.2)" : NULL;
  default:
    /* "This directive uses the quoted-string form of the argument syntax.
     * A sender SHOULD NOT generate the token form" (5.2.2.4, 5.2.2.7). */
    return has_arg && v[a] != '"' ? "argument is a token; a sender SHOULD "
                                    "generate the quoted-string form"
                                  : NULL;
  }
}

/* The commonest valid forms, "max-age=" DIGITS, alone or after "private, "
 * or "public, ", all lower-case as servers send them: their directive bits
 * (the argument differs from response to response, so the memo misses
 * them), or 0 for any other value, which the grammar below reads. */
static RC_INLINE unsigned cc_common_form(const char *v, size_t n) {
  unsigned bits = CCB(CCD_MAX_AGE);
  uint64_t seconds;
  size_t a;
  if (n > 17 && v[0] == 'p' && memcmp(v, "private, ", 9) == 0) {
    bits |= CCB(CCD_PRIVATE);
    v += 9;
    n -= 9;
  } else if (n > 16 && v[0] == 'p' && memcmp(v, "public, ", 8) == 0) {
    bits |= CCB(CCD_PUBLIC);
    v += 8;
    n -= 8;
  }
  if (n <= 8 || memcmp(v, "max-age=", 8) != 0)
    return 0;
  a = rv_digits(v, 8, n, &seconds);
  if (a != n)
    return 0;
  return seconds > 0 ? bits | CCB(CCD_FRESH) : bits;
}

/* Cache-Control = #cache-directive; cache-directive = token [ "="
 * ( token / quoted-string ) ] (RFC 9111 5.2). A sender MUST NOT generate
 * empty list elements (RFC 9110 5.6.1.1). */
void respcheck__check_cache_control(respcheck_parser_t *p,
                                    const respcheck_header_t *h) {
  head_facts_t *f = &p->facts;
  rv_memo_t *memo = &p->memo[MEMO_CACHE_CONTROL];
  const char *v = h->value.ptr, *why = NULL;
  size_t n = h->value.len, i = 0, bad = 0;
  int argument_said = 0, comma = 0;
  unsigned bits = 0, repeated = 0; /* of this line */
  const rv_memo_way_t *way;

  if (!(f->seen & KF_CACHE_CONTROL))
    f->cc_offset = rv_at(p, h, 0);
  if ((bits = cc_common_form(v, n)) != 0)
    goto merge;
  if ((way = rv_memo_hit(memo, v, n)) != NULL) {
    bits = way->extra & 0xffffu;
    repeated = way->extra >> 16;
    goto merge;
  }
  for (;;) {
    size_t s, e, a = 0, ae;
    int d, has_arg = 0;
    uint64_t seconds = 0;
    i = rv_skip_ws(v, i, n);
    if (i == n) {
      if (comma) {
        why = "an empty list element after the last comma";
        bad = i;
      }
      break;
    }
    if (v[i] == ',') {
      why = "an empty list element";
      bad = i;
      break;
    }
    s = i;
    e = rv_token(v, i, n);
    if (e == s) {
      why = "a directive name is not a token";
      bad = s;
      break;
    }
    ae = e;
    if (e < n && v[e] == '=') {
      has_arg = 1;
      a = e + 1;
      if (a < n && v[a] == '"')
        ae = rv_quoted(v, a, n, &bad);
      else
        ae = rv_token(v, a, n);
      if (ae == 0 || ae == a) {
        why = ae == 0 ? "a quoted argument is malformed"
                      : "an argument is neither a token nor a quoted-string";
        bad = ae == 0 ? bad : a;
        break;
      }
    }
    i = rv_skip_ws(v, ae, n);
    if (i < n && v[i] != ',') {
      why = v[i] == '=' ? "no whitespace is allowed around \"=\""
                        : "directives are separated by commas";
      bad = i;
      break;
    }
    d = cc_lookup(v + s, e - s);
    if (d >= 0) {
      const char *wrong = cc_argument(d, v, a, ae, has_arg, &seconds);
      if (bits & CCB(d))
        repeated |= CCB(d);
      bits |= CCB(d);
      if (seconds > 0 && (d == CCD_MAX_AGE || d == CCD_S_MAXAGE))
        bits |= CCB(CCD_FRESH);
      if (wrong != NULL && !argument_said) {
        report_argument(p, h, d, s, wrong);
        argument_said = 1;
      }
    }
    if (i == n)
      break;
    i++;
    comma = 1;
  }
  if (why != NULL)
    respcheck__value_finding(p, h, RESPCHECK_RULE_CACHE_CONTROL_INVALID,
                             "Cache-Control", bad, why);
  else if (!argument_said)
    rv_memo_keep(memo, v, n, bits | repeated << 16);
merge:
  /* A directive on two lines is repeated too (FRESH is not a directive). */
  f->cc_repeated |= repeated | (f->cc_directives & bits & ~CCB(CCD_FRESH));
  f->cc_directives |= bits;
}

/* Directives that contradict each other, or repeat, across every
 * Cache-Control line of the head. RFC 9111 4.2.1: "When there is more
 * than one value present for a given directive ... either the first
 * occurrence should be used or the response should be considered stale.
 * If directives conflict (e.g., both max-age and no-cache are present),
 * the most restrictive directive should be honored." Caches then differ in
 * what they do; the pairs reported are those that say opposite things. */
void respcheck__check_cache_directives(respcheck_parser_t *p) {
  static const struct {
    int one;
    unsigned others;
    const char *why;
  } conflicts[] = {
      {CCD_PUBLIC, CCB(CCD_PRIVATE), "public and private"},
      {CCD_NO_STORE,
       CCB(CCD_FRESH) | CCB(CCD_PUBLIC) | CCB(CCD_IMMUTABLE) |
           CCB(CCD_STALE_WHILE_REVALIDATE) | CCB(CCD_STALE_IF_ERROR),
       "no-store (nothing is stored) with a directive about a stored "
       "response"},
      {CCD_NO_CACHE, CCB(CCD_FRESH) | CCB(CCD_IMMUTABLE),
       "no-cache (validate every time) with a freshness lifetime above 0"},
  };
  const head_facts_t *f = &p->facts;
  unsigned cc = f->cc_directives, i;
  char what[96];

  if (f->cc_repeated) {
    int d = 0;
    while (!(f->cc_repeated & CCB(d)))
      d++;
    snprintf(what, sizeof(what), "%s appears more than once", cc_known[d].name);
    respcheck__emit(p, RESPCHECK_RULE_CACHE_CONTROL_CONFLICT, f->cc_offset,
                    "Cache-Control: %s; caches differ in which they use", what);
    return;
  }
  for (i = 0; i < sizeof(conflicts) / sizeof(conflicts[0]); i++) {
    if ((cc & CCB(conflicts[i].one)) && (cc & conflicts[i].others)) {
      respcheck__emit(p, RESPCHECK_RULE_CACHE_CONTROL_CONFLICT, f->cc_offset,
                      "Cache-Control: %s; caches differ in which they honour",
                      conflicts[i].why);
      return;
    }
  }
}

/* Age = delta-seconds = 1*DIGIT (RFC 9111 5.1, 1.2.2). */
void respcheck__check_age(respcheck_parser_t *p, const respcheck_header_t *h) {
  uint64_t x;
  size_t n = h->value.len;
  if (n == 0 || rv_digits(h->value.ptr, 0, n, &x) != n)
    respcheck__value_finding(p, h, RESPCHECK_RULE_AGE_INVALID, "Age", 0,
                             "not a non-negative number of seconds (1*DIGIT)");
}

/* ETag = entity-tag; entity-tag = [ weak ] opaque-tag; weak = %s"W/";
 * opaque-tag = DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text
 * (RFC 9110 8.8.3). */
void respcheck__check_etag(respcheck_parser_t *p, const respcheck_header_t *h) {
  const unsigned char *v = (const unsigned char *)h->value.ptr;
  size_t n = h->value.len, i = 0;
  const char *why = NULL;
  if (n >= 2 && v[1] == '/' && (v[0] == 'W' || v[0] == 'w')) {
    if (v[0] == 'w') {
      respcheck__value_finding(p, h, RESPCHECK_RULE_ETAG_INVALID, "ETag", 0,
                               "the weak indicator is W/, case-sensitive");
      return;
    }
    i = 2;
  }
  if (i == n || v[i] != '"') {
    why = "the entity-tag is not in double quotes";
  } else {
    /* Eight bytes at a time up to the closing quote: an opaque-tag is
     * usually a hash. */
    for (i++; i + 8 < n; i += 8) {
      uint64_t x;
      memcpy(&x, v + i, 8);
      if (rv_has_stop8(x, '"'))
        break;
    }
    for (; i < n && v[i] != '"'; i++) {
      if (v[i] <= 0x20 || v[i] == 0x7f) {
        why = "a byte that is not etagc (%x21 / %x23-7E / obs-text)";
        break;
      }
    }
    if (why == NULL && i == n)
      why = "no closing double quote";
    else if (why == NULL && i + 1 != n) {
      why = "bytes after the closing double quote";
      i++;
    }
  }
  if (why != NULL)
    respcheck__value_finding(p, h, RESPCHECK_RULE_ETAG_INVALID, "ETag",
                             i < n ? i : 0, why);
}

int respcheck__token_list(const char *v, size_t n, size_t *bad,
                          const char **why) {
  size_t i = 0;
  int comma = 0;
  for (;;) {
    size_t e;
    i = rv_skip_ws(v, i, n);
    if (i == n) {
      if (!comma)
        return 1;
      *why = "an empty list element after the last comma";
      break;
    }
    if (v[i] == ',') {
      *why = "an empty list element";
      break;
    }
    e = rv_token(v, i, n);
    if (e == i) {
      *why = "a list member is not a token";
      break;
    }
    i = rv_skip_ws(v, e, n);
    if (i == n)
      return 1;
    if (v[i] != ',') {
      *why = "members are separated by commas";
      break;
    }
    i++;
    comma = 1;
  }
  *bad = i;
  return 0;
}

/* Vary = #( "*" / field-name ) (RFC 9110 12.5.5): "*" is a token too. */
void respcheck__check_vary(respcheck_parser_t *p, const respcheck_header_t *h) {
  size_t bad = 0;
  const char *why = NULL;
  if (rv_memo_hit(&p->memo[MEMO_VARY], h->value.ptr, h->value.len))
    return;
  if (!respcheck__token_list(h->value.ptr, h->value.len, &bad, &why))
    respcheck__value_finding(p, h, RESPCHECK_RULE_VARY_INVALID, "Vary", bad,
                             why);
  else
    rv_memo_keep(&p->memo[MEMO_VARY], h->value.ptr, h->value.len, 0);
}
