/* SPDX-License-Identifier: MIT */
/*
 * The bounded JSON feed: the file's bytes go to yajl through a filter that
 * follows the JSON grammar just enough (RFC 8259: strings and their
 * escapes, other tokens, nesting) to
 *
 * - cut every string after max_string bytes, at a character boundary and
 *   outside an escape (the JSON stays valid UTF-8 and the string closes);
 * - bound nesting (max_depth) and every other token (max_string);
 * - hand yajl whole tokens only: a token cut by the end of a call is held
 *   back (in pend, at most max_string and a few bytes) and given to yajl in
 *   one piece once it ends.
 *
 * So yajl never buffers a token (it would hold a whole string, and lex it
 * again from its start at each call), its memory stays bounded whatever
 * the file, and what it reports (offsets of errors and of entries) does not
 * depend on how the file was cut into calls.
 */
#include <string.h>

#include "har_internal.h"

void har__json_reset(respcheck_har_reader_t *r) {
  r->in_offset = 0;
  r->bom = 0;
  r->in_string = r->cutting = r->escape = 0;
  r->str_len = r->tok_len = r->depth = 0;
  r->tok_open = 0;
  r->pend_len = 0;
  r->pend_cut = HAR_NONE;
  r->pend_base = r->pend_skip = 0;
  r->seg_base = r->seg_skip = 0;
  r->seg_cut = HAR_NONE;
}

uint64_t har__json_offset(const respcheck_har_reader_t *r) {
  size_t k = yajl_get_bytes_consumed(r->y);
  return r->seg_base + k +
         (r->seg_cut != HAR_NONE && k > r->seg_cut ? r->seg_skip : 0);
}

/* yajl reads d[0, n), at file offset base (with a gap after cut bytes). */
static void to_yajl(respcheck_har_reader_t *r, const unsigned char *d, size_t n,
                    uint64_t base, size_t cut, uint64_t skip) {
  yajl_status st;
  if (n == 0 || r->error != RESPCHECK_HAR_E_OK)
    return;
  r->seg_base = base;
  r->seg_cut = cut;
  r->seg_skip = skip;
  st = yajl_parse(r->y, d, n);
  if (st == yajl_status_error && r->error == RESPCHECK_HAR_E_OK) {
    unsigned char *m = yajl_get_error(r->y, 0, NULL, 0);
    const char *msg = m ? (const char *)m : "error";
    size_t len = strlen(msg);
    uint64_t at = har__json_offset(r);
    char q[200];
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
      len--;
    har__fail(r, RESPCHECK_HAR_E_JSON, at, "invalid JSON (yajl: %s)",
              har__printable(q, sizeof(q), msg, len));
    if (m)
      yajl_free_error(r->y, m);
  }
}

static void pend_add(respcheck_har_reader_t *r, const unsigned char *s,
                     size_t n) {
  /* The filter cuts strings and bounds scalars below pend_cap. */
  if (n > r->pend_cap - r->pend_len) {
    har__fail(r, RESPCHECK_HAR_E_LIMIT, r->pend_base,
              "a JSON token longer than %zu bytes", r->opts.max_string);
    return;
  }
  memcpy(r->pend + r->pend_len, s, n);
  r->pend_len += n;
}

/* The token held back has ended: yajl reads it in one piece. */
static void pend_flush(respcheck_har_reader_t *r) {
  to_yajl(r, r->pend, r->pend_len, r->pend_base, r->pend_cut, r->pend_skip);
  r->pend_len = 0;
  r->pend_cut = HAR_NONE;
  r->pend_skip = 0;
  r->tok_open = 0;
}

/* A token begun at d[at] (file offset base + at) is held back. */
static void pend_start(respcheck_har_reader_t *r, const unsigned char *d,
                       size_t at, size_t upto, uint64_t base) {
  r->pend_base = base + at;
  r->pend_len = 0;
  r->pend_cut = HAR_NONE;
  r->pend_skip = 0;
  r->tok_open = 1;
  pend_add(r, d + at, upto - at);
}

static int is_ws(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

respcheck_har_errno_t har__json_feed(respcheck_har_reader_t *r,
                                     const unsigned char *d, size_t len) {
  static const unsigned char bom[3] = {0xef, 0xbb, 0xbf};
  const uint64_t base = r->in_offset;
  size_t i = 0, seg = 0;    /* d[seg, i): read, not yet given to yajl */
  size_t tok_at = HAR_NONE; /* a token begun in this call, at d[tok_at] */

  /* A UTF-8 byte order mark first (some exporters write one) is skipped:
   * RFC 8259 8.1 lets a parser ignore it. */
  while (r->bom < 3 && i < len) {
    if (d[i] != bom[r->bom]) {
      if (r->bom > 0) {
        har__fail(r, RESPCHECK_HAR_E_JSON, 0,
                  "invalid JSON (a broken UTF-8 byte order mark)");
        r->in_offset += len;
        return r->error;
      }
      r->bom = 3;
      break;
    }
    r->bom++;
    i++;
  }
  seg = i;

  while (i < len && r->error == RESPCHECK_HAR_E_OK) {
    unsigned char c = d[i];
    if (r->in_string) {
      int esc = r->escape; /* the escape state before c */
      if (!esc && c == '"') {
        r->in_string = 0;
        if (r->cutting) {
          /* The cut part was skipped: the quote closes what was kept. */
          r->cutting = 0;
          r->pend_skip = base + i - (r->pend_base + r->pend_len);
          pend_add(r, d + i, 1);
          pend_flush(r);
          seg = i + 1;
        } else if (r->tok_open) {
          pend_add(r, d + seg, i + 1 - seg);
          pend_flush(r);
          seg = i + 1;
        }
        tok_at = HAR_NONE;
        i++;
        continue;
      }
      /* Past max_string, cut before a byte that starts a character or an
       * escape, so that what is kept stays a valid string. */
      if (!r->cutting && r->str_len >= r->opts.max_string && !esc &&
          (c & 0xc0) != 0x80) {
        if (r->tok_open) {
          pend_add(r, d + seg, i - seg);
        } else {
          to_yajl(r, d + seg, tok_at - seg, base + seg, HAR_NONE, 0);
          pend_start(r, d, tok_at, i, base);
        }
        r->pend_cut = r->pend_len;
        r->cutting = 1;
      }
      if (!r->cutting)
        r->str_len++;
      /* \" \\ \/ \b \f \n \r \t: one byte after the backslash; \uXXXX:
       * five. */
      if (esc)
        r->escape = esc == 1 && c == 'u'  ? 2
                    : esc >= 2 && esc < 5 ? esc + 1
                                          : 0;
      else if (c == '\\')
        r->escape = 1;
      i++;
      continue;
    }
    if (r->tok_len > 0 && (is_ws(c) || c == ',' || c == ':' || c == ']' ||
                           c == '}' || c == '"' || c == '{' || c == '[')) {
      /* A scalar (number, true, false, null) ends here. yajl gets it
       * whole and with the byte after it, which tells it the scalar ended.
       * A value right before '"', '{' or '[' is never valid JSON (RFC 8259
       * 2: values are separated): said here, at the scalar, so that what
       * is reported does not depend on where a call ended. */
      uint64_t at = r->tok_open ? r->pend_base : base + tok_at;
      r->tok_len = 0;
      if (c == '"' || c == '{' || c == '[') {
        if (!r->tok_open)
          to_yajl(r, d + seg, tok_at - seg, base + seg, HAR_NONE, 0);
        har__fail(r, RESPCHECK_HAR_E_JSON, at,
                  "invalid JSON (a value directly followed by '%c')", (char)c);
        break;
      }
      tok_at = HAR_NONE;
      if (r->tok_open) {
        pend_add(r, d + seg, i + 1 - seg);
        pend_flush(r);
        seg = i + 1;
      }
    }
    if (c == '"') {
      r->in_string = 1;
      r->str_len = 0;
      tok_at = i;
    } else if (c == '{' || c == '[') {
      if (++r->depth > r->opts.max_depth) {
        /* yajl reads what comes before first: an error there is the
         * earlier one, whatever the chunking. */
        to_yajl(r, d + seg, i - seg, base + seg, HAR_NONE, 0);
        har__fail(r, RESPCHECK_HAR_E_LIMIT, base + i,
                  "JSON nested deeper than %zu levels", r->opts.max_depth);
        break;
      }
    } else if (c == '}' || c == ']') {
      if (r->depth)
        r->depth--;
    } else if (!is_ws(c) && c != ',' && c != ':') {
      if (r->tok_len++ == 0 && !r->tok_open)
        tok_at = i;
      if (r->tok_len > r->opts.max_string) {
        if (!r->tok_open)
          to_yajl(r, d + seg, tok_at - seg, base + seg, HAR_NONE, 0);
        har__fail(r, RESPCHECK_HAR_E_LIMIT, base + i,
                  "a JSON token longer than %zu bytes", r->opts.max_string);
        break;
      }
    }
    i++;
  }
  if (r->error == RESPCHECK_HAR_E_OK) {
    if (r->in_string && r->cutting) {
      /* Skipping: what was kept is in pend already. */
    } else if (r->in_string || r->tok_len > 0) {
      /* A token goes on in the next call: hold it back. */
      if (r->tok_open) {
        pend_add(r, d + seg, len - seg);
      } else {
        to_yajl(r, d + seg, tok_at - seg, base + seg, HAR_NONE, 0);
        pend_start(r, d, tok_at, len, base);
      }
    } else {
      to_yajl(r, d + seg, len - seg, base + seg, HAR_NONE, 0);
    }
  }
  r->in_offset += len;
  return r->error;
}

respcheck_har_errno_t har__json_finish(respcheck_har_reader_t *r) {
  yajl_status st;
  if (r->tok_open)
    pend_flush(r); /* a scalar at the very end, or a string never closed */
  if (r->error != RESPCHECK_HAR_E_OK)
    return r->error;
  r->seg_base = r->in_offset;
  r->seg_cut = HAR_NONE;
  st = yajl_complete_parse(r->y);
  if (st == yajl_status_error && r->error == RESPCHECK_HAR_E_OK) {
    if (r->in_offset == 0)
      har__fail(r, RESPCHECK_HAR_E_JSON, 0, "not a HAR file: it is empty");
    else
      har__fail(r, RESPCHECK_HAR_E_JSON, r->in_offset,
                "the JSON text ends before it is complete");
  }
  return r->error;
}
