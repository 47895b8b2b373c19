/* SPDX-License-Identifier: MIT */
/* The command's line map (linemap.h). */
#include "linemap.h"

#include <stdlib.h>
#include <string.h>

#include "count.h" /* the library's own, header only */
#include "json.h"

typedef struct rc_checkpoint {
  uint64_t offset;     /* a multiple of RC_LINEMAP_BLOCK */
  uint64_t lines;      /* LF bytes before it */
  uint64_t line_start; /* offset of the last line start at or before it */
  int valid;
} rc_checkpoint_t;

typedef struct rc_pin {
  uint64_t offset, line, column;
  int valid;
  int located; /* line and column are known */
} rc_pin_t;

struct rc_linemap {
  char *ring;     /* the last cap bytes: offset x lives at ring[x % cap] */
  size_t cap;     /* a multiple of RC_LINEMAP_BLOCK */
  uint64_t total; /* bytes fed */
  uint64_t lines; /* LF bytes fed */
  uint64_t line_start;
  rc_checkpoint_t *cps; /* checkpoint of block b at cps[b % ncps] */
  size_t ncps;
  rc_checkpoint_t memo; /* the last lookup's answer (offset need not be
                           aligned) */
  rc_pin_t pins[RC_LINEMAP_PINS];
  unsigned next_pin;
};

size_t rc_linemap_window(const respcheck_options_t *opts, size_t chunk_size) {
  respcheck_options_t dflt;
  size_t m;
  if (opts == NULL) {
    respcheck_options_init(&dflt);
    opts = &dflt;
  }
  m = opts->max_header_bytes;
  if (opts->max_line_length > m)
    m = opts->max_line_length;
  /* A chunk header: size digits, extensions, CRLF. */
  if (opts->max_chunk_extension >= SIZE_MAX / 4)
    m = SIZE_MAX / 4;
  else if (opts->max_chunk_extension + 256 > m)
    m = opts->max_chunk_extension + 256;
  if (m > SIZE_MAX / 4)
    m = SIZE_MAX / 4;
  if (chunk_size > SIZE_MAX / 4)
    chunk_size = SIZE_MAX / 4;
  return m + chunk_size + RC_LINEMAP_BLOCK;
}

rc_linemap_t *rc_linemap_new(size_t window) {
  rc_linemap_t *map = calloc(1, sizeof *map);
  size_t blocks;
  if (map == NULL)
    return NULL;
  if (window > SIZE_MAX / 2)
    goto fail;
  blocks = window / RC_LINEMAP_BLOCK + 2;
  map->cap = blocks * RC_LINEMAP_BLOCK;
  map->ring = malloc(map->cap);
  map->ncps = blocks + 1;
  map->cps = calloc(map->ncps, sizeof *map->cps);
  if (map->ring == NULL || map->cps == NULL)
    goto fail;
  return map;
fail:
  rc_linemap_free(map);
  return NULL;
}

void rc_linemap_free(rc_linemap_t *map) {
  if (map == NULL)
    return;
  free(map->ring);
  free(map->cps);
  free(map);
}

void rc_linemap_reset(rc_linemap_t *map) {
  size_t i;
  map->total = 0;
  map->lines = 0;
  map->line_start = 0;
  for (i = 0; i < map->ncps; i++)
    map->cps[i].valid = 0;
  map->memo.valid = 0;
  for (i = 0; i < RC_LINEMAP_PINS; i++)
    map->pins[i].valid = 0;
  map->next_pin = 0;
}

static int linemap_find(rc_linemap_t *map, uint64_t offset, uint64_t *line,
                        uint64_t *column);

/* The next n bytes written to the ring overwrite the offsets before
 * total + n - cap: the pins there are located now, while their bytes are
 * still here. */
static void keep_pins(rc_linemap_t *map, size_t n) {
  unsigned i;
  for (i = 0; i < RC_LINEMAP_PINS; i++) {
    rc_pin_t *pin = &map->pins[i];
    if (pin->valid && !pin->located &&
        pin->offset + map->cap < map->total + n) {
      pin->located =
          linemap_find(map, pin->offset, &pin->line, &pin->column) == 0;
      pin->valid = pin->located;
    }
  }
}

void rc_linemap_feed(rc_linemap_t *map, const char *data, size_t len) {
  while (len > 0) {
    size_t in_block = (size_t)(map->total % RC_LINEMAP_BLOCK);
    size_t n = RC_LINEMAP_BLOCK - in_block;
    const char *p, *end;
    if (in_block == 0) {
      rc_checkpoint_t *cp =
          &map->cps[(size_t)((map->total / RC_LINEMAP_BLOCK) % map->ncps)];
      cp->offset = map->total;
      cp->lines = map->lines;
      cp->line_start = map->line_start;
      cp->valid = 1;
    }
    if (n > len)
      n = len;
    /* cap is a multiple of the block size: a piece never wraps. Data read
     * in place (rc_linemap_next) is already there. */
    if (data != map->ring + (size_t)(map->total % map->cap)) {
      keep_pins(map, n);
      memcpy(map->ring + (size_t)(map->total % map->cap), data, n);
    }
    /* Count the LFs, then find the last one: a call per line would cost
     * more than the parsing itself on short lines. */
    end = data + n;
    map->lines += respcheck__count_byte(data, 0, n, '\n');
    for (p = end; p > data && p[-1] != '\n'; p--)
      ;
    if (p > data)
      map->line_start = map->total + (uint64_t)(p - data);
    map->total += n;
    data += n;
    len -= n;
  }
}

char *rc_linemap_next(rc_linemap_t *map, size_t *room) {
  size_t pos = (size_t)(map->total % map->cap);
  *room = map->cap - pos;
  keep_pins(map, *room);
  return map->ring + pos;
}

int rc_linemap_locate(void *ctx, uint64_t offset, uint64_t *line,
                      uint64_t *column) {
  rc_linemap_t *map = ctx;
  unsigned i;
  if (offset == 0) {
    *line = 1;
    *column = 1;
    return 0;
  }
  if (offset <= map->total && offset >= map->line_start) {
    *line = map->lines + 1;
    *column = offset - map->line_start + 1;
    return 0;
  }
  for (i = 0; i < RC_LINEMAP_PINS; i++) {
    rc_pin_t *pin = &map->pins[i];
    if (pin->valid && pin->offset == offset) {
      if (!pin->located) {
        if (linemap_find(map, offset, &pin->line, &pin->column) != 0)
          return -1;
        pin->located = 1;
      }
      *line = pin->line;
      *column = pin->column;
      return 0;
    }
  }
  return linemap_find(map, offset, line, column);
}

/* Counts the lines up to offset from the checkpoint of its block (or the
 * last answer, when nearer), in the bytes the ring still holds. */
static int linemap_find(rc_linemap_t *map, uint64_t offset, uint64_t *line,
                        uint64_t *column) {
  uint64_t block, from, lines, line_start;
  const char *p, *end, *base;
  rc_checkpoint_t *cp;
  if (offset > map->total)
    return -1;
  block = offset - offset % RC_LINEMAP_BLOCK;
  if (map->total > map->cap && block < map->total - map->cap)
    return -1;
  cp = &map->cps[(size_t)((block / RC_LINEMAP_BLOCK) % map->ncps)];
  if (!cp->valid || cp->offset != block)
    return -1;
  from = cp->offset;
  lines = cp->lines;
  line_start = cp->line_start;
  if (map->memo.valid && map->memo.offset <= offset &&
      map->memo.offset >= block) {
    from = map->memo.offset;
    lines = map->memo.lines;
    line_start = map->memo.line_start;
  }
  base = map->ring + (size_t)(block % map->cap);
  p = base + (size_t)(from - block);
  end = base + (size_t)(offset - block);
  for (; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) {
    lines++;
    line_start = block + (uint64_t)(p - base) + 1;
  }
  map->memo.offset = offset;
  map->memo.lines = lines;
  map->memo.line_start = line_start;
  map->memo.valid = 1;
  *line = lines + 1;
  *column = offset - line_start + 1;
  return 0;
}

/* Lines are counted only when a finding asks, or before the pinned bytes
 * leave the ring (rc_linemap_next): most pins are never asked for. */
void rc_linemap_pin(rc_linemap_t *map, uint64_t offset) {
  rc_pin_t *pin = &map->pins[(map->next_pin - 1) % RC_LINEMAP_PINS];
  /* Pins come in stream order: a response's end is often the next one's
   * start. */
  if ((map->next_pin > 0 && pin->valid && pin->offset == offset) ||
      offset > map->total)
    return;
  pin = &map->pins[map->next_pin % RC_LINEMAP_PINS];
  map->next_pin++;
  pin->offset = offset;
  pin->valid = 1;
  pin->located = 0;
}

/* The bytes of offset's line around it, from the ring: the line's start
 * comes from its column, its end is the first LF after offset (looked for
 * one byte past RC_SNIPPET_AFTER, to tell a cut line from a short one). */
int rc_linemap_snippet(void *ctx, uint64_t offset, rc_snippet_t *s) {
  rc_linemap_t *map = ctx;
  uint64_t line, column, line_start, from, to, limit, oldest, x;
  int found = 0;
  if (rc_linemap_locate(map, offset, &line, &column) != 0 || column == 0 ||
      column - 1 > offset)
    return -1;
  oldest = map->total > map->cap ? map->total - map->cap : 0;
  if (offset > map->total || offset < oldest)
    return -1;
  line_start = offset - (column - 1);
  from = offset - line_start > RC_SNIPPET_BEFORE ? offset - RC_SNIPPET_BEFORE
                                                 : line_start;
  if (from < oldest)
    from = oldest;
  limit = map->total - offset > RC_SNIPPET_AFTER ? offset + RC_SNIPPET_AFTER + 1
                                                 : map->total;
  for (to = offset; to < limit; to++) {
    if (map->ring[(size_t)(to % map->cap)] == '\n') {
      found = 1;
      break;
    }
  }
  s->cut_before = from > line_start;
  s->cut_after = 0;
  if (!found) {
    /* Cut, or the line goes on in bytes not fed yet (the stream reader
     * feeds the map RC_SNIPPET_AFTER + 1 bytes ahead of the parser: only
     * at the end of the stream). */
    if (to > offset + RC_SNIPPET_AFTER) {
      to = offset + RC_SNIPPET_AFTER;
      s->cut_after = 1;
    }
  } else if (to > from && map->ring[(size_t)((to - 1) % map->cap)] == '\r') {
    to--; /* the CR of a CRLF is part of the line end */
  }
  s->len = (size_t)(to - from);
  for (x = from; x < to; x++)
    s->bytes[x - from] = map->ring[(size_t)(x % map->cap)];
  s->caret = offset - from < s->len ? (size_t)(offset - from) : s->len;
  s->char_column = 0;
  if (line_start >= oldest) {
    /* Characters from the line's start, read as the JSON escaper reads
     * them: a well-formed UTF-8 sequence, or one byte. */
    uint64_t chars = 0;
    x = line_start;
    while (x < offset) {
      unsigned char u[4];
      size_t k, n = offset - x < 4 ? (size_t)(offset - x) : 4, len;
      for (k = 0; k < n; k++)
        u[k] = (unsigned char)map->ring[(size_t)((x + k) % map->cap)];
      len = rc_utf8_seq_len(u, n);
      x += len > 0 ? len : 1;
      chars++;
    }
    s->char_column = chars + 1;
  }
  return 0;
}
