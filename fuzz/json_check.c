/* SPDX-License-Identifier: MIT */
/* A strict JSON checker (json_check.h): recursive descent over RFC 8259. */
#include "json_check.h"

#include <string.h>

typedef struct jc {
  const unsigned char *s;
  size_t n, i;
  unsigned flags;
  int depth;
  const char *err;
  /* Decoded code points of the string being read, when wanted. */
  uint32_t *out;
  size_t cap, outn;
} jc_t;

static int fault(jc_t *j, const char *why) {
  if (j->err == NULL)
    j->err = why;
  return -1;
}

static void skip_ws(jc_t *j) {
  while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' ||
                         j->s[j->i] == '\n' || j->s[j->i] == '\r'))
    j->i++;
}

static int emit_cp(jc_t *j, uint32_t cp) {
  if (j->out == NULL)
    return 0;
  if (j->outn == j->cap)
    return fault(j, "decoded string too long for the buffer");
  j->out[j->outn++] = cp;
  return 0;
}

static int hex4(jc_t *j, uint32_t *v) {
  size_t k;
  *v = 0;
  if (j->n - j->i < 4)
    return fault(j, "short \\u escape");
  for (k = 0; k < 4; k++) {
    unsigned char c = j->s[j->i + k];
    unsigned d;
    if (c >= '0' && c <= '9')
      d = (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f')
      d = (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      d = (unsigned)(c - 'A' + 10);
    else
      return fault(j, "bad hex digit in \\u escape");
    *v = *v << 4 | d;
  }
  j->i += 4;
  return 0;
}

/* One well-formed UTF-8 sequence at j->i (Unicode table 3-7). */
static int utf8(jc_t *j, uint32_t *cp) {
  const unsigned char *s = j->s + j->i;
  size_t left = j->n - j->i, len, k;
  unsigned char c = s[0], lo = 0x80, hi = 0xBF;
  uint32_t v;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    v = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    v = c & 0x0Fu;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    v = c & 0x07u;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else {
    return fault(j, "byte that cannot start a UTF-8 sequence");
  }
  if (left < len)
    return fault(j, "truncated UTF-8 sequence");
  if (s[1] < lo || s[1] > hi)
    return fault(j, "ill-formed UTF-8 sequence");
  for (k = 1; k < len; k++) {
    if (k > 1 && (s[k] < 0x80 || s[k] > 0xBF))
      return fault(j, "ill-formed UTF-8 sequence");
    v = v << 6 | (s[k] & 0x3Fu);
  }
  j->i += len;
  *cp = v;
  return 0;
}

static int string(jc_t *j) {
  if (j->i >= j->n || j->s[j->i] != '"')
    return fault(j, "string expected");
  j->i++;
  for (;;) {
    unsigned char c;
    uint32_t cp;
    if (j->i >= j->n)
      return fault(j, "unterminated string");
    c = j->s[j->i];
    if (c == '"') {
      j->i++;
      return 0;
    }
    if (c < 0x20)
      return fault(j, "raw control character in a string");
    if (c == '\\') {
      if (j->i + 1 >= j->n)
        return fault(j, "unterminated escape");
      c = j->s[j->i + 1];
      j->i += 2;
      switch (c) {
      case '"':
        cp = '"';
        break;
      case '\\':
        cp = '\\';
        break;
      case '/':
        cp = '/';
        break;
      case 'b':
        cp = 8;
        break;
      case 'f':
        cp = 12;
        break;
      case 'n':
        cp = 10;
        break;
      case 'r':
        cp = 13;
        break;
      case 't':
        cp = 9;
        break;
      case 'u':
        if (hex4(j, &cp))
          return -1;
        if (cp >= 0xDC00 && cp <= 0xDFFF)
          return fault(j, "lone low surrogate escape");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t lo;
          if (j->n - j->i < 2 || j->s[j->i] != '\\' || j->s[j->i + 1] != 'u')
            return fault(j, "high surrogate escape without its pair");
          j->i += 2;
          if (hex4(j, &lo))
            return -1;
          if (lo < 0xDC00 || lo > 0xDFFF)
            return fault(j, "high surrogate escape without its pair");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        break;
      default:
        return fault(j, "unknown escape");
      }
    } else if (c < 0x80) {
      cp = c;
      j->i++;
    } else {
      if (utf8(j, &cp))
        return -1;
      if ((j->flags & JC_NO_LINE_SEPARATORS) && (cp == 0x2028 || cp == 0x2029))
        return fault(j, "raw U+2028 or U+2029");
    }
    if (emit_cp(j, cp))
      return -1;
  }
}

static int digits(jc_t *j) {
  size_t start = j->i;
  while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
    j->i++;
  return j->i > start ? 0 : fault(j, "digit expected");
}

static int number(jc_t *j) {
  if (j->i < j->n && j->s[j->i] == '-')
    j->i++;
  if (j->i < j->n && j->s[j->i] == '0')
    j->i++;
  else if (j->i < j->n && j->s[j->i] >= '1' && j->s[j->i] <= '9')
    digits(j);
  else
    return fault(j, "bad number");
  if (j->i < j->n && j->s[j->i] == '.') {
    j->i++;
    if (digits(j))
      return -1;
  }
  if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
    j->i++;
    if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
      j->i++;
    if (digits(j))
      return -1;
  }
  return 0;
}

static int literal(jc_t *j, const char *w) {
  size_t n = strlen(w);
  if (j->n - j->i < n || memcmp(j->s + j->i, w, n) != 0)
    return fault(j, "unknown literal");
  j->i += n;
  return 0;
}

static int value(jc_t *j);

static int object(jc_t *j) {
  /* Raw key spans, for the duplicate check (keys compare as written: the
   * writer never escapes a key two ways). */
  size_t keys[64][2], nkeys = 0, k;
  j->i++;
  skip_ws(j);
  if (j->i < j->n && j->s[j->i] == '}') {
    j->i++;
    return 0;
  }
  for (;;) {
    size_t ks;
    skip_ws(j);
    ks = j->i;
    if (string(j))
      return -1;
    for (k = 0; k < nkeys; k++)
      if (keys[k][1] == j->i - ks &&
          memcmp(j->s + keys[k][0], j->s + ks, j->i - ks) == 0)
        return fault(j, "duplicate key");
    if (nkeys < 64) {
      keys[nkeys][0] = ks;
      keys[nkeys][1] = j->i - ks;
      nkeys++;
    }
    skip_ws(j);
    if (j->i >= j->n || j->s[j->i] != ':')
      return fault(j, "':' expected");
    j->i++;
    if (value(j))
      return -1;
    skip_ws(j);
    if (j->i < j->n && j->s[j->i] == ',') {
      j->i++;
      continue;
    }
    if (j->i < j->n && j->s[j->i] == '}') {
      j->i++;
      return 0;
    }
    return fault(j, "',' or '}' expected");
  }
}

static int array(jc_t *j) {
  j->i++;
  skip_ws(j);
  if (j->i < j->n && j->s[j->i] == ']') {
    j->i++;
    return 0;
  }
  for (;;) {
    if (value(j))
      return -1;
    skip_ws(j);
    if (j->i < j->n && j->s[j->i] == ',') {
      j->i++;
      continue;
    }
    if (j->i < j->n && j->s[j->i] == ']') {
      j->i++;
      return 0;
    }
    return fault(j, "',' or ']' expected");
  }
}

static int value(jc_t *j) {
  int r;
  skip_ws(j);
  if (j->i >= j->n)
    return fault(j, "value expected");
  if (++j->depth > JC_MAX_DEPTH)
    return fault(j, "nested too deep");
  switch (j->s[j->i]) {
  case '{':
    r = object(j);
    break;
  case '[':
    r = array(j);
    break;
  case '"': {
    uint32_t *out = j->out;
    j->out = NULL; /* only the top-level string is decoded */
    r = string(j);
    j->out = out;
    break;
  }
  case 't':
    r = literal(j, "true");
    break;
  case 'f':
    r = literal(j, "false");
    break;
  case 'n':
    r = literal(j, "null");
    break;
  default:
    r = number(j);
    break;
  }
  j->depth--;
  return r;
}

int jc_check(const char *s, size_t len, unsigned flags, size_t *err_at,
             const char **err) {
  jc_t j;
  memset(&j, 0, sizeof(j));
  j.s = (const unsigned char *)s;
  j.n = len;
  j.flags = flags;
  if (value(&j) == 0) {
    skip_ws(&j);
    if (j.i == j.n)
      return 0;
    fault(&j, "bytes after the value");
  }
  if (err_at)
    *err_at = j.i;
  if (err)
    *err = j.err;
  return -1;
}

int jc_decode_string(const char *s, size_t len, unsigned flags, uint32_t *out,
                     size_t cap, size_t *n) {
  jc_t j;
  memset(&j, 0, sizeof(j));
  j.s = (const unsigned char *)s;
  j.n = len;
  j.flags = flags;
  j.out = out;
  j.cap = cap;
  if (string(&j) != 0 || j.i != len)
    return -1;
  *n = j.outn;
  return 0;
}
