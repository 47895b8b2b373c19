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

#endif
