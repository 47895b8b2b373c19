/* SPDX-License-Identifier: MIT */
/*
 * The fields whose presence or value the rules need: their indexes and
 * bits, the sets the stages read them by, and how a field name is told
 * (respcheck__classify, on the hot path of both ways of reading a head,
 * hence static inline). Not installed; parser.h includes it.
 */
#ifndef RESPCHECK_KNOWN_FIELDS_H
#define RESPCHECK_KNOWN_FIELDS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

/* Fields whose presence or value the rules need, by bit: their index, as
 * check_field dispatches on it, then their bit. */
enum known_field_index {
  KFI_CONTENT_LENGTH,
  KFI_TRANSFER_ENCODING,
  KFI_CONNECTION,
  KFI_LOCATION,
  KFI_WWW_AUTHENTICATE,
  KFI_PROXY_AUTHENTICATE,
  KFI_ALLOW,
  KFI_CONTENT_RANGE,
  KFI_CONTENT_TYPE,
  KFI_UPGRADE,
  KFI_DATE,
  /* Not a field: a Content-Type of multipart/byteranges (RFC 9110 14.6). */
  KFI_MULTIPART_BYTERANGES,
  /* Fields whose values are checked (values_*.c). */
  KFI_LAST_MODIFIED,
  KFI_EXPIRES,
  KFI_RETRY_AFTER,
  KFI_CACHE_CONTROL,
  KFI_ETAG,
  KFI_VARY,
  KFI_AGE,
  KFI_SET_COOKIE,
  KFI_CONTENT_ENCODING,
  KFI_STRICT_TRANSPORT_SECURITY,
  KFI_COUNT
};

enum known_field {
  KF_CONTENT_LENGTH = 1 << KFI_CONTENT_LENGTH,
  KF_TRANSFER_ENCODING = 1 << KFI_TRANSFER_ENCODING,
  KF_CONNECTION = 1 << KFI_CONNECTION,
  KF_LOCATION = 1 << KFI_LOCATION,
  KF_WWW_AUTHENTICATE = 1 << KFI_WWW_AUTHENTICATE,
  KF_PROXY_AUTHENTICATE = 1 << KFI_PROXY_AUTHENTICATE,
  KF_ALLOW = 1 << KFI_ALLOW,
  KF_CONTENT_RANGE = 1 << KFI_CONTENT_RANGE,
  KF_CONTENT_TYPE = 1 << KFI_CONTENT_TYPE,
  KF_UPGRADE = 1 << KFI_UPGRADE,
  KF_DATE = 1 << KFI_DATE,
  KF_MULTIPART_BYTERANGES = 1 << KFI_MULTIPART_BYTERANGES,
  KF_LAST_MODIFIED = 1 << KFI_LAST_MODIFIED,
  KF_EXPIRES = 1 << KFI_EXPIRES,
  KF_RETRY_AFTER = 1 << KFI_RETRY_AFTER,
  KF_CACHE_CONTROL = 1 << KFI_CACHE_CONTROL,
  KF_ETAG = 1 << KFI_ETAG,
  KF_VARY = 1 << KFI_VARY,
  KF_AGE = 1 << KFI_AGE,
  KF_SET_COOKIE = 1 << KFI_SET_COOKIE,
  KF_CONTENT_ENCODING = 1 << KFI_CONTENT_ENCODING,
  KF_STRICT_TRANSPORT_SECURITY = 1 << KFI_STRICT_TRANSPORT_SECURITY
};

/* The fields whose values fields.c reads. */
#define KF_VALUE_READ                                                          \
  (KF_CONTENT_LENGTH | KF_TRANSFER_ENCODING | KF_CONNECTION |                  \
   KF_CONTENT_TYPE | KF_LOCATION | KF_CONTENT_RANGE | KF_DATE |                \
   KF_LAST_MODIFIED | KF_EXPIRES | KF_RETRY_AFTER | KF_CACHE_CONTROL |         \
   KF_ETAG | KF_VARY | KF_AGE | KF_SET_COOKIE | KF_CONTENT_ENCODING |          \
   KF_STRICT_TRANSPORT_SECURITY)

/* Singleton fields (RFC 9110 5.5): their grammar has no list, so a second
 * field line is an error of its own (RFC 9110 5.3); Content-Length has its
 * own rule (RFC 9110 8.6). Strict-Transport-Security: RFC 6797 8.1. */
#define KF_SINGLETON                                                           \
  (KF_CONTENT_TYPE | KF_DATE | KF_LOCATION | KF_ETAG | KF_LAST_MODIFIED |      \
   KF_CONTENT_RANGE | KF_AGE | KF_RETRY_AFTER | KF_EXPIRES |                   \
   KF_STRICT_TRANSPORT_SECURITY)

/* Field names the rules know, compared a word at a time. */

/* 0x20 in the bytes of the word that are lower-case letters (any byte from
 * 0x61 to 0x7f, so the literals compared hold none of "{|}~"). */
static inline uint64_t respcheck__letter_bits(uint64_t lit) {
  return ((lit + 0x1f1f1f1f1f1f1f1fu) & 0x8080808080808080u) >> 2;
}

/* s[0, len) equals the literal l (lower-case letters, digits and
 * punctuation), ignoring the case of letters: a word at a time, OR-ing
 * 0x20 into the bytes where l has a letter (which maps exactly the two
 * cases of that letter to it). */
static inline int respcheck__lit_is(const char *s, const char *l, size_t len) {
  uint64_t a = 0, b = 0;
  size_t i;
  if (len < 8) {
    memcpy(&a, s, len);
    memcpy(&b, l, len);
    return (a | respcheck__letter_bits(b)) == b;
  }
  for (i = 0; i + 8 < len; i += 8) {
    memcpy(&a, s + i, 8);
    memcpy(&b, l + i, 8);
    if ((a | respcheck__letter_bits(b)) != b)
      return 0;
  }
  memcpy(&a, s + len - 8, 8);
  memcpy(&b, l + len - 8, 8);
  return (a | respcheck__letter_bits(b)) == b;
}

/* Which known field the name n[0, len) is, or 0. Names of the same length
 * are told apart by their first letter before they are compared. */
static RC_INLINE enum known_field respcheck__classify(const char *n,
                                                      size_t len) {
  /* The first letter, lower-cased; read only where len > 0. */
#define RC_C ((unsigned char)n[0] | 0x20u)
  switch (len) {
  case 3:
    return respcheck__lit_is(n, "age", len) ? KF_AGE : 0;
  case 4:
    if (RC_C == 'd')
      return respcheck__lit_is(n, "date", len) ? KF_DATE : 0;
    if (RC_C == 'e')
      return respcheck__lit_is(n, "etag", len) ? KF_ETAG : 0;
    return respcheck__lit_is(n, "vary", len) ? KF_VARY : 0;
  case 5:
    return respcheck__lit_is(n, "allow", len) ? KF_ALLOW : 0;
  case 7:
    if (RC_C == 'u')
      return respcheck__lit_is(n, "upgrade", len) ? KF_UPGRADE : 0;
    return respcheck__lit_is(n, "expires", len) ? KF_EXPIRES : 0;
  case 8:
    return respcheck__lit_is(n, "location", len) ? KF_LOCATION : 0;
  case 10:
    if (RC_C == 'c')
      return respcheck__lit_is(n, "connection", len) ? KF_CONNECTION : 0;
    return respcheck__lit_is(n, "set-cookie", len) ? KF_SET_COOKIE : 0;
  case 11:
    return respcheck__lit_is(n, "retry-after", len) ? KF_RETRY_AFTER : 0;
  case 12:
    return respcheck__lit_is(n, "content-type", len) ? KF_CONTENT_TYPE : 0;
  case 13:
    if (RC_C == 'l')
      return respcheck__lit_is(n, "last-modified", len) ? KF_LAST_MODIFIED : 0;
    if (RC_C != 'c')
      return 0;
    if (respcheck__lit_is(n, "cache-control", len))
      return KF_CACHE_CONTROL;
    return respcheck__lit_is(n, "content-range", len) ? KF_CONTENT_RANGE : 0;
  case 14:
    return respcheck__lit_is(n, "content-length", len) ? KF_CONTENT_LENGTH : 0;
  case 16:
    if (RC_C == 'w')
      return respcheck__lit_is(n, "www-authenticate", len) ? KF_WWW_AUTHENTICATE
                                                           : 0;
    return respcheck__lit_is(n, "content-encoding", len) ? KF_CONTENT_ENCODING
                                                         : 0;
  case 17:
    return respcheck__lit_is(n, "transfer-encoding", len) ? KF_TRANSFER_ENCODING
                                                          : 0;
  case 18:
    return respcheck__lit_is(n, "proxy-authenticate", len)
               ? KF_PROXY_AUTHENTICATE
               : 0;
  case 25:
    return respcheck__lit_is(n, "strict-transport-security", len)
               ? KF_STRICT_TRANSPORT_SECURITY
               : 0;
  default:
    return 0;
  }
#undef RC_C
}

#endif
