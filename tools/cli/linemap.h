/* SPDX-License-Identifier: MIT */
/*
 * The respcheck command's line map: LINE:COLUMN of recent byte offsets while
 * a stream is read in chunks.
 *
 * Feed it every chunk before handing the chunk to respcheck_execute. It
 * keeps a copy of the last `window` bytes of the stream in a ring buffer,
 * and a checkpoint every RC_LINEMAP_BLOCK bytes of stream offset (the
 * number of LF bytes before that offset and the offset of the last line
 * start before it). A lookup starts at the checkpoint (or the previous
 * lookup's answer, when it is nearer) below the offset and counts LF bytes
 * with memchr in the retained bytes up to the offset: at most one block's
 * scan, and findings usually arrive in increasing order.
 *
 * The window must cover the farthest back a finding can point: the start of
 * a header section the library is still assembling (max_header_bytes), or
 * of a line (max_line_length), plus one read chunk; rc_linemap_window()
 * computes it from the options. Offsets older than that can still be
 * placed when they were pinned while recent (rc_linemap_pin): the driver
 * pins each response's first byte when its head arrives (a finding may
 * point there after a long body) and each response's end when it ends (the
 * next response's empty-line-before-status points at its first empty line,
 * however many follow). Offset 0 is always 1:1. Anything else is reported
 * unplaceable (-1).
 *
 * Lines are counted by LF only; a bare CR does not start a line. Line and
 * column are 1-based; the column counts bytes. The offset one past the last
 * byte fed (end of stream) can be looked up too. */
#ifndef RESPCHECK_TOOLS_LINEMAP_H
#define RESPCHECK_TOOLS_LINEMAP_H

#include <stddef.h>
#include <stdint.h>

#include "respcheck.h"
#include "snippet.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RC_LINEMAP_BLOCK 4096u
#define RC_LINEMAP_PINS 8

typedef struct rc_linemap rc_linemap_t;

size_t rc_linemap_window(const respcheck_options_t *opts, size_t chunk_size);
/* NULL when out of memory. */
rc_linemap_t *rc_linemap_new(size_t window);
void rc_linemap_free(rc_linemap_t *map);
/* Starts a new stream at offset 0. */
void rc_linemap_reset(rc_linemap_t *map);
void rc_linemap_feed(rc_linemap_t *map, const char *data, size_t len);
/* Where the next bytes of the stream go in the map's own ring, and how many
 * fit there before it wraps (at least one block): reading into it and then
 * feeding that pointer saves the copy. */
char *rc_linemap_next(rc_linemap_t *map, size_t *room);
/* rc_locate_fn; ctx is the rc_linemap_t. */
int rc_linemap_locate(void *map, uint64_t offset, uint64_t *line,
                      uint64_t *column);
/* Remembers the place of a recent offset, to be found after it leaves the
 * window. Keeps the last RC_LINEMAP_PINS. */
void rc_linemap_pin(rc_linemap_t *map, uint64_t offset);
/* rc_snippet_fn (output.h): the bytes of offset's line around it, while
 * they are in the window; ctx is the rc_linemap_t. */
int rc_linemap_snippet(void *map, uint64_t offset, rc_snippet_t *snippet);

#ifdef __cplusplus
}
#endif
#endif /* RESPCHECK_TOOLS_LINEMAP_H */
