/* SPDX-License-Identifier: MIT */
/* Declarations shared between the library's files; not installed. */
#ifndef RESPCHECK_INTERNAL_H
#define RESPCHECK_INTERNAL_H

#include "respcheck.h"

#if defined(__GNUC__)
#define RC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define RC_INLINE inline __attribute__((always_inline))
/* Findings and errors are rare on the path of a response: the compiler
 * moves the code that leads to them out of the hot functions, which keeps
 * those small in the instruction cache (bench/README.md). */
#define RC_COLD __attribute__((cold))
#else
#define RC_PRINTF(f, a)
#define RC_INLINE inline
#define RC_COLD
#endif

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
