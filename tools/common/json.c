/* SPDX-License-Identifier: MIT */
/* Byte sinks and the JSON and text escapers of both tools (json.h). */
#include "json.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Buffers and sinks. */

int rc_buf_reserve(rc_buf_t *b, size_t more) {
  size_t need, cap;
  char *p;
  if (more <= b->cap - b->len)
    return 0;
  if (more > SIZE_MAX / 2 - b->len) {
    *b->oom = 1;
    return -1;
  }
  need = b->len + more;
  cap = b->cap ? b->cap : 256;
  while (cap < need)
    cap *= 2;
  p = realloc(b->p, cap);
  if (p == NULL) {
    *b->oom = 1;
    return -1;
  }
  b->p = p;
  b->cap = cap;
  return 0;
}

void rc_buf_put(rc_buf_t *b, const void *s, size_t n) {
  /* Most writes fit: the call to grow is made only when they do not. */
  if (n > b->cap - b->len && rc_buf_reserve(b, n) != 0)
    return;
  if (n == 0)
    return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

void rc_buf_str(rc_buf_t *b, const char *s) { rc_buf_put(b, s, strlen(s)); }

void rc_buf_free(rc_buf_t *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

void rc_sink_put(const rc_sink_t *s, const char *p, size_t n) {
  if (n == 0)
    return;
  if (s->buf != NULL)
    rc_buf_put(s->buf, p, n);
  else
    (void)fwrite(p, 1, n, s->fp);
}

void rc_sink_str(const rc_sink_t *s, const char *str) {
  rc_sink_put(s, str, strlen(str));
}

/* Decimal digits of v, written backwards from end; returns the first.
 * (snprintf cost more than the rest of a record's numbers.) */
static char *u64_digits(char *end, uint64_t v) {
  do {
    *--end = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  return end;
}

void rc_sink_u64(const rc_sink_t *s, uint64_t v) {
  char tmp[24], *p = u64_digits(tmp + sizeof tmp, v);
  rc_sink_put(s, p, (size_t)(tmp + sizeof tmp - p));
}

void rc_sink_i64(const rc_sink_t *s, int64_t v) {
  char tmp[24], *p;
  /* The magnitude as unsigned: -INT64_MIN does not fit an int64_t. */
  uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  p = u64_digits(tmp + sizeof tmp, m);
  if (v < 0)
    *--p = '-';
  rc_sink_put(s, p, (size_t)(tmp + sizeof tmp - p));
}

/* ------------------------------------------------------------------------ */
/* Escaping. */

size_t rc_utf8_seq_len(const unsigned char *s, size_t n) {
  unsigned char c = s[0], lo = 0x80, hi = 0xBF;
  size_t len, i;
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    len = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else
    return 0;
  if (n < len)
    return 0;
  if (s[1] < lo || s[1] > hi)
    return 0;
  for (i = 2; i < len; i++)
    if (s[i] < 0x80 || s[i] > 0xBF)
      return 0;
  return len;
}

static const char hexdigits[] = "0123456789abcdef";

void rc_sink_json(const rc_sink_t *sink, const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0, run = 0; /* run: bytes from i - run to i that pass as is */
  char esc[8];
  rc_sink_put(sink, "\"", 1);
  while (i < len) {
    unsigned char c = s[i];
    size_t seq;
    const char *rep = NULL;
    size_t replen = 0;
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      i++;
      run++;
      continue;
    }
    seq = c >= 0x80 ? rc_utf8_seq_len(s + i, len - i) : 1;
    /* Passed through: well-formed UTF-8, except the C1 controls
     * (U+0080-U+009F: U+0085 ends lines for many readers, U+009B is a
     * terminal's CSI) and U+2028/U+2029 (line ends in JavaScript). */
    if (seq > 1 && !(seq == 2 && c == 0xC2 && s[i + 1] < 0xA0) &&
        !(seq == 3 && c == 0xE2 && s[i + 1] == 0x80 &&
          (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))) {
      i += seq;
      run += seq;
      continue;
    }
    rc_sink_put(sink, (const char *)s + i - run, run);
    run = 0;
    switch (c) {
    case '"':
      rep = "\\\"";
      break;
    case '\\':
      rep = "\\\\";
      break;
    case '\n':
      rep = "\\n";
      break;
    case '\r':
      rep = "\\r";
      break;
    case '\t':
      rep = "\\t";
      break;
    default:
      break;
    }
    if (rep != NULL) {
      replen = 2;
      i++;
    } else if (seq == 3) { /* U+2028 / U+2029 */
      memcpy(esc, "\\u202", 5);
      esc[5] = s[i + 2] == 0xA8 ? '8' : '9';
      rep = esc;
      replen = 6;
      i += 3;
    } else if (seq == 2) { /* a C1 control: its code point */
      memcpy(esc, "\\u00", 4);
      esc[4] = hexdigits[s[i + 1] >> 4];
      esc[5] = hexdigits[s[i + 1] & 15];
      rep = esc;
      replen = 6;
      i += 2;
    } else { /* a control byte, or a byte outside well-formed UTF-8 */
      memcpy(esc, "\\u00", 4);
      esc[4] = hexdigits[c >> 4];
      esc[5] = hexdigits[c & 15];
      rep = esc;
      replen = 6;
      i++;
    }
    rc_sink_put(sink, rep, replen);
  }
  rc_sink_put(sink, (const char *)s + i - run, run);
  rc_sink_put(sink, "\"", 1);
}

void rc_sink_text(const rc_sink_t *sink, const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i, start = 0;
  char esc[4] = {'\\', 'x', 0, 0};
  for (i = 0; i < len; i++) {
    unsigned char c = s[i];
    if (c >= 0x20 && c < 0x7F)
      continue;
    rc_sink_put(sink, str + start, i - start);
    start = i + 1;
    esc[2] = hexdigits[c >> 4];
    esc[3] = hexdigits[c & 15];
    rc_sink_put(sink, esc, 4);
  }
  rc_sink_put(sink, str + start, len - start);
}

void rc_sink_json_cstr(const rc_sink_t *s, const char *str) {
  if (str == NULL)
    rc_sink_put(s, "null", 4);
  else
    rc_sink_json(s, str, strlen(str));
}

void rc_json_string(FILE *fp, const char *s, size_t len) {
  rc_sink_t sink = {fp, NULL};
  rc_sink_json(&sink, s, len);
}

void rc_text_escaped(FILE *fp, const char *s, size_t len) {
  rc_sink_t sink = {fp, NULL};
  rc_sink_text(&sink, s, len);
}
