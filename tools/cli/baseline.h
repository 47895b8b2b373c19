/* SPDX-License-Identifier: MIT */
/*
 * The respcheck command's baseline: the findings a project has accepted
 * for now, so that a run reports only new ones (--baseline FILE), and the
 * file that records them (--write-baseline FILE), as eslint's suppressions,
 * detekt's baseline and ruff's noqa do for existing code.
 *
 * What identifies a finding. Offsets are no good: a byte added near the
 * start of a capture moves every finding after it. Response indexes are
 * not much better: one response added moves every later one. So a finding
 * is (rule id, file, context), and the baseline counts how many of each
 * there are:
 *
 * - file: the path as given, cleaned of "." and ".." segments and repeated
 *   slashes (paths.h), so "./caps/a.http" and "caps/a.http" are one file;
 *   run from the same folder as when the baseline was written;
 * - context: 64 bits of FNV-1a over the bytes of the finding's line around
 *   it (the snippet the text output shows: up to 96 bytes before the
 *   offset and 64 from it, without the line end) and the offset's place in
 *   them; a finding whose line is not at hand (an input kind without
 *   lines, or an offset far behind the read position) is known by its
 *   source label and its message with every run of digits made "#"
 *   (offsets and sizes in messages move too).
 *
 * A run takes each finding off the baseline's count for its (rule, file,
 * context); once the count is used up, a further one is new. So moving a
 * response, or the bytes around it, keeps its findings known; changing
 * the line a finding points at, adding a response with the same problem
 * on an identical line beyond the count, or a finding of another rule, is
 * new. Two identical lines with the same problem are interchangeable: a
 * baseline counts them, it does not tell them apart.
 *
 * The file is text, one entry a line, sorted, so that its diffs review
 * well:
 *
 *   # respcheck baseline 1
 *   RULE<TAB>FILE<TAB>CONTEXT<TAB>COUNT<TAB>EXCERPT
 *
 * FILE and EXCERPT (the line, or the message, for the reader: not
 * compared) are escaped as the text output escapes (\xHH for every byte
 * outside printable ASCII, tabs included); CONTEXT is 16 lowercase hex
 * digits; COUNT a decimal from 1. Lines starting with '#' are comments.
 * Anything else is an error naming the file and line.
 */
#ifndef RESPCHECK_TOOLS_BASELINE_H
#define RESPCHECK_TOOLS_BASELINE_H

#include <stddef.h>
#include <stdint.h>

#include "output.h"

#define RC_BASELINE_HEADER "# respcheck baseline 1"
/* The largest baseline read, and the most entries kept when writing. */
#define RC_BASELINE_MAX_BYTES (256u << 20)
#define RC_BASELINE_MAX_ENTRIES (1u << 22)
#define RC_BASELINE_ERR 512

typedef struct rc_baseline rc_baseline_t;

/* NULL when out of memory. */
rc_baseline_t *rc_baseline_new(void);
void rc_baseline_free(rc_baseline_t *b);

/* Reads a baseline to leave out (--baseline). Returns 0, or -1 with
 * "PATH:LINE: what" (or "PATH: what") in err. */
int rc_baseline_read(rc_baseline_t *b, const char *path, char *err,
                     size_t errcap);
/* From now on every finding is recorded, for rc_baseline_write. */
void rc_baseline_record(rc_baseline_t *b);

/* rc_out_filter_fn; ctx is the rc_baseline_t. A finding the baseline read
 * still counts is left out (0); so is every finding once recording. */
int rc_baseline_filter(void *ctx, const rc_out_seen_t *seen);

/* Writes what was recorded to path (through a temporary file beside it,
 * renamed). Returns the number of findings written, or -1 with "PATH:
 * what" in err. */
int64_t rc_baseline_write(rc_baseline_t *b, const char *path, char *err,
                          size_t errcap);

#endif /* RESPCHECK_TOOLS_BASELINE_H */
