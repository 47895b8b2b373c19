/* SPDX-License-Identifier: MIT */
/* Declarations shared between the library's files; not installed. */
#ifndef RESPCHECK_INTERNAL_H
#define RESPCHECK_INTERNAL_H

#include "respcheck.h"

/* The date of the IANA registry copy parser/registry.def was taken from. */
#define RESPCHECK_REGISTRY_DATE "2025-09-15"

/* ASCII lower-casing without <ctype.h>: locale-free, as HTTP needs. */
static inline unsigned char respcheck__lower(unsigned char c) {
  return (unsigned char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

/* The reason phrase s[0, len) is info's current or a former phrase,
 * ASCII case-insensitively. */
int respcheck__phrase_matches(const respcheck_status_info_t *info,
                              const char *s, size_t len);

/* respcheck_status_effective(code), given respcheck_status_lookup(code). */
int respcheck__status_effective(int code, const respcheck_status_info_t *info);

#endif
