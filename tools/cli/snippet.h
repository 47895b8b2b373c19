/* SPDX-License-Identifier: MIT */
/*
 * A snippet: the bytes of the line a finding points at, around its offset,
 * as the text output shows them under the finding (--show-source) and the
 * baseline hashes them to recognise a finding whose offset moved.
 *
 * At most RC_SNIPPET_BEFORE bytes before the offset and RC_SNIPPET_AFTER
 * from it are kept, never the line end itself (LF, and a CR before it).
 */
#ifndef RESPCHECK_TOOLS_SNIPPET_H
#define RESPCHECK_TOOLS_SNIPPET_H

#include <stddef.h>
#include <stdint.h>

#define RC_SNIPPET_BEFORE 96
#define RC_SNIPPET_AFTER 64

typedef struct rc_snippet {
  char bytes[RC_SNIPPET_BEFORE + RC_SNIPPET_AFTER];
  size_t len;     /* bytes of the line kept */
  size_t caret;   /* the offset's byte in bytes (len: the line's end) */
  int cut_before; /* the line starts before bytes */
  int cut_after;  /* ... and goes on after them */
  /* The offset's column in characters (SARIF's unicodeCodePoints): a
   * well-formed UTF-8 sequence is one, any other byte one; 0 when the
   * line's start is no longer at hand. */
  uint64_t char_column;
} rc_snippet_t;

/* Fills snippet with the line around offset. Returns 0, or -1 when the
 * bytes are not at hand (an offset far behind the read position). */
typedef int (*rc_snippet_fn)(void *ctx, uint64_t offset, rc_snippet_t *snippet);

#endif /* RESPCHECK_TOOLS_SNIPPET_H */
