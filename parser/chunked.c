/* SPDX-License-Identifier: MIT */
/*
 * Chunked content (RFC 9112 7.1), read here rather than by llhttp. llhttp
 * reads a chunked response's head and is told that its message ends there
 * (semantics.c); the chunk-size lines with their extensions, the data and
 * the CR LF after it are read below, a byte at a time but for the data,
 * and the trailer section by trailers.c. Each state holds across calls, so
 * that nothing depends on how the stream is chunked.
 *
 * What RFC 9112 7.1.1 allows and llhttp 8.1 refuses is read: extensions
 * with a value followed by another (llhttp's grammar bug, fixed in 9.1.3),
 * and BWS around ";" and "=", which a sender MUST NOT send and a recipient
 * MUST parse (RFC 9110 5.6.3): chunk-extension-bws, and reading goes on.
 * What no reading exists for (a chunk size that is not hex, a line that
 * does not end with CR LF, data not followed by CR LF) stops the stream
 * with parse-error.
 *
 * With RESPCHECK_VERIFY_FAST_PATH (the sanitizer builds and the fuzzers), a
 * second llhttp reads the same bytes after a chunked head of its own: where
 * it reads them (no form llhttp 8.1 refuses), it must deliver the same
 * content bytes and end the message at the same byte, or the process
 * stops.
 */
#include <stdio.h>
#include <stdlib.h>

#include "parser.h"

#if RESPCHECK_VERIFY_FAST_PATH && RESPCHECK_LLHTTP_IS_STRICT
#define CK_VERIFY 1
#else
#define CK_VERIFY 0
#endif

/* No whitespace run is open (ck_bws_at). */
#define NO_BWS UINT64_MAX

/* HEXDIG values, -1 for other bytes. */
/* clang-format off */
static const signed char hex_values[256] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
     0,  1,  2,  3,  4,  5,  6,  7,  8,  9, -1, -1, -1, -1, -1, -1,
    -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};
/* clang-format on */

static int hex_value(unsigned char c) { return hex_values[c]; }

void respcheck__chunked_fail(respcheck_parser_t *p, uint64_t off,
                             const char *what) {
  respcheck__fail(p, RESPCHECK_RULE_PARSE_ERROR, off, RESPCHECK_E_PARSE, what,
                  "chunked content: %s", what);
  respcheck__abort_message(p, off);
}

static void limit(respcheck_parser_t *p, respcheck_rule_t rule, uint64_t off,
                  const char *reason, const char *what, size_t max) {
  respcheck__fail(p, rule, off, RESPCHECK_E_LIMIT, reason,
                  "%s longer than the limit of %zu bytes", what, max);
  respcheck__abort_message(p, off);
}

/* BWS around ";" or "=" (RFC 9110 5.6.3), once a message: the whitespace
 * that began at ck_bws_at is followed by what makes it BWS. */
static void bws(respcheck_parser_t *p) {
  if (!(p->ck_flags & CKF_BWS_SAID))
    respcheck__emit(p, RESPCHECK_RULE_CHUNK_EXTENSION_BWS, p->ck_bws_at,
                    "whitespace around \";\" or \"=\" in a chunk extension "
                    "(BWS): read without it");
  p->ck_flags |= CKF_BWS_SAID;
}

/* A byte of chunk extensions (all of the chunk-size line after the size,
 * but its CR); 0, or -1 past the limit. */
static int ext_byte(respcheck_parser_t *p, uint64_t off) {
  if (++p->ext_len > p->opts.max_chunk_extension) {
    limit(p, RESPCHECK_RULE_CHUNK_EXTENSION_TOO_LONG, off,
          "chunk extension too long", "chunk extensions",
          p->opts.max_chunk_extension);
    return -1;
  }
  return 0;
}

/* Reads chunk-size lines and the CR LF after chunk data from data[i, len)
 * (RFC 9112 7.1, 7.1.1):
 *   chunk-size [ chunk-ext ] CRLF
 *   chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 *   chunk-ext-val = token / quoted-string
 * Returns where it stopped: at the first byte of data or of the trailer
 * section, at len, or at a refused byte (p->error set). */
static size_t chunk_lines(respcheck_parser_t *p, const char *data, size_t i,
                          size_t len, uint64_t abs) {
  unsigned st = p->ck_state;
  const char *why;
  for (; i < len; i++) {
    unsigned char c = (unsigned char)data[i];
    uint64_t off = abs + i;
    int ows = c == ' ' || c == '\t', h;
    if (st >= CK_BWS && st <= CK_QUOTED_END && c != '\r' &&
        ext_byte(p, off) != 0)
      return i;
    if (ows && st != CK_QUOTED && st != CK_QUOTED_PAIR)
      p->ck_flags |= CKF_LLHTTP_NO; /* llhttp 8.1 refuses BWS */
    switch (st) {
    case CK_SIZE_FIRST:
      if ((h = hex_value(c)) < 0) {
        why = "no chunk size where a chunk-size line begins";
        goto refuse;
      }
      p->ck_size = (uint64_t)h;
      p->ck_digits = 1;
      p->ext_len = 0;
      st = CK_SIZE;
      break;
    case CK_SIZE:
      if ((h = hex_value(c)) >= 0) {
        if (p->ck_size >> 60) {
          why = "the chunk size does not fit in 64 bits";
          goto refuse;
        }
        if (++p->ck_digits > p->opts.max_line_length) {
          limit(p, RESPCHECK_RULE_LINE_TOO_LONG, off, "line too long",
                "chunk-size line", p->opts.max_line_length);
          return i;
        }
        p->ck_size = p->ck_size << 4 | (uint64_t)h;
        break;
      }
      if (c == '\r') {
        st = CK_SIZE_LF;
        break;
      }
      if ((c == ';' || ows) && ext_byte(p, off) != 0)
        return i;
      if (c == ';') {
        st = CK_NAME_FIRST;
        p->ck_bws_at = NO_BWS;
      } else if (ows) {
        st = CK_BWS;
        p->ck_bws_at = off;
      } else {
        why = c == '\n' ? "the chunk-size line ends with LF without CR"
                        : "a byte that is not HEXDIG in the chunk size";
        goto refuse;
      }
      break;
    case CK_BWS: /* after the size, a value or a quoted value */
      if (ows)
        break;
      if (c != ';') {
        why = c == '\r' ? "whitespace at the end of the chunk-size line"
                        : "whitespace not followed by \";\" in the chunk "
                          "extensions";
        goto refuse;
      }
      bws(p);
      st = CK_NAME_FIRST;
      p->ck_bws_at = NO_BWS;
      break;
    case CK_NAME_FIRST:
      if (ows) {
        if (p->ck_bws_at == NO_BWS)
          p->ck_bws_at = off;
        break;
      }
      if (!respcheck__token_char[c]) {
        why = "a chunk extension without a name";
        goto refuse;
      }
      if (p->ck_bws_at != NO_BWS)
        bws(p);
      st = CK_NAME;
      break;
    case CK_NAME:
      if (respcheck__token_char[c])
        break;
      if (c == '=' || c == ';') {
        st = c == '=' ? CK_VALUE_FIRST : CK_NAME_FIRST;
        p->ck_bws_at = NO_BWS;
      } else if (ows) {
        st = CK_AFTER_NAME;
        p->ck_bws_at = off;
      } else if (c == '\r') {
        st = CK_SIZE_LF;
      } else {
        why = c == '\n' ? "the chunk-size line ends with LF without CR"
                        : "a byte that is not allowed in a chunk extension "
                          "name";
        goto refuse;
      }
      break;
    case CK_AFTER_NAME:
      if (ows)
        break;
      if (c != '=' && c != ';') {
        why = c == '\r' ? "whitespace at the end of the chunk-size line"
                        : "whitespace not followed by \"=\" or \";\" in the "
                          "chunk extensions";
        goto refuse;
      }
      bws(p);
      st = c == '=' ? CK_VALUE_FIRST : CK_NAME_FIRST;
      p->ck_bws_at = NO_BWS;
      break;
    case CK_VALUE_FIRST:
      if (ows) {
        if (p->ck_bws_at == NO_BWS)
          p->ck_bws_at = off;
        break;
      }
      if (!respcheck__token_char[c] && c != '"') {
        why = "a chunk extension with \"=\" and no value";
        goto refuse;
      }
      if (p->ck_bws_at != NO_BWS)
        bws(p);
      st = c == '"' ? CK_QUOTED : CK_TOKEN;
      break;
    case CK_TOKEN:
    case CK_QUOTED_END:
      if (st == CK_TOKEN && respcheck__token_char[c])
        break;
      if (c == ';') {
        /* llhttp 8.1 refuses a token value followed by another
         * extension. */
        if (st == CK_TOKEN)
          p->ck_flags |= CKF_LLHTTP_NO;
        st = CK_NAME_FIRST;
        p->ck_bws_at = NO_BWS;
      } else if (ows) {
        st = CK_BWS;
        p->ck_bws_at = off;
      } else if (c == '\r') {
        st = CK_SIZE_LF;
      } else {
        why = c == '\n' ? "the chunk-size line ends with LF without CR"
                        : "a byte that is not allowed after a chunk "
                          "extension value";
        goto refuse;
      }
      break;
    case CK_QUOTED:
      /* qdtext / quoted-pair (RFC 9110 5.6.4) */
      if (c == '"')
        st = CK_QUOTED_END;
      else if (c == '\\') {
        st = CK_QUOTED_PAIR;
        p->ck_flags |= CKF_LLHTTP_NO; /* llhttp 8.1 refuses quoted-pair */
      } else if (!respcheck__text_char[c]) {
        why = "a control byte in a quoted chunk extension value";
        goto refuse;
      }
      break;
    case CK_QUOTED_PAIR:
      if (!respcheck__text_char[c]) {
        why = "a control byte in a quoted chunk extension value";
        goto refuse;
      }
      st = CK_QUOTED;
      break;
    case CK_SIZE_LF:
      if (c != '\n') {
        why = "CR not followed by LF in the chunk-size line";
        goto refuse;
      }
      p->ck_state = p->ck_size ? CK_DATA : CK_TRAILERS;
      if (!p->ck_size) {
        p->tr_state = TR_LINE_START;
        p->trailer_bytes = 0;
        p->trailer_fields = 0;
      }
      return i + 1;
    case CK_DATA_CR:
      if (c != '\r') {
        why = c == '\n' ? "LF without CR after the chunk data"
                        : "no CR LF after the chunk data";
        goto refuse;
      }
      st = CK_DATA_LF;
      break;
    default: /* CK_DATA_LF */
      if (c != '\n') {
        why = "CR not followed by LF after the chunk data";
        goto refuse;
      }
      st = CK_SIZE_FIRST;
      break;
    }
  }
  p->ck_state = (unsigned char)st;
  return i;
refuse:
  respcheck__chunked_fail(p, abs + i, why);
  return i;
}

#if CK_VERIFY
/* The sum of the offsets of n bytes from off: with their count, what the
 * content bytes of both readers are compared by, whatever the pieces. */
static uint64_t span_sum(uint64_t off, uint64_t n) {
  return n * off + (n & 1 ? n * ((n - 1) / 2) : (n / 2) * (n - 1));
}

static int v_on_body(llhttp_t *l, const char *at, size_t n) {
  respcheck_parser_t *p = respcheck__from_llhttp(l);
  uint64_t off = p->v_abs + (uint64_t)(at - p->v_ptr);
  p->v_count[1] += n;
  p->v_sum[1] += span_sum(off, n);
  return 0;
}

static int v_on_message_complete(llhttp_t *l) {
  (void)l;
  return HPE_PAUSED;
}

static void verify_begin(respcheck_parser_t *p) {
  static const char head[] =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  llhttp_settings_init(&p->v_settings);
  p->v_settings.on_body = v_on_body;
  p->v_settings.on_message_complete = v_on_message_complete;
  llhttp_init(&p->vllh, HTTP_RESPONSE, &p->v_settings);
  p->vllh.data = p;
  p->v_state = 0;
  p->v_done = 0;
  p->v_count[0] = p->v_count[1] = p->v_sum[0] = p->v_sum[1] = 0;
  if (llhttp_execute(&p->vllh, head, sizeof(head) - 1) != HPE_OK)
    abort();
}

static void mismatch(const respcheck_parser_t *p, const char *what) {
  const char *reason = llhttp_get_error_reason(&p->vllh);
  fprintf(stderr,
          "respcheck: llhttp and respcheck read the chunked content of the "
          "response at %llu differently: %s (llhttp: %s %s, ended at %llu; "
          "respcheck ended at %llu)\n",
          (unsigned long long)p->head_abs, what,
          llhttp_errno_name(llhttp_get_errno(&p->vllh)), reason ? reason : "",
          (unsigned long long)p->v_end, (unsigned long long)p->v_our_end);
  abort();
}

/* llhttp reads what respcheck read, data[0, n) at abs: it must frame it
 * alike, unless respcheck saw a form llhttp 8.1 refuses. */
static void verify_feed(respcheck_parser_t *p, const char *data, size_t n,
                        uint64_t abs) {
  llhttp_errno_t e;
  if (p->error != RESPCHECK_E_OK)
    p->v_state = -1; /* respcheck stopped: nothing to compare */
  if (p->v_state == 0 && n > 0) {
    p->v_ptr = data;
    p->v_abs = abs;
    e = llhttp_execute(&p->vllh, data, n);
    if (e == HPE_PAUSED) {
      p->v_state = 1;
      p->v_end = abs + (uint64_t)(llhttp_get_error_pos(&p->vllh) - data);
    } else if (e != HPE_OK) {
      p->v_state = 2;
      p->v_end = abs + (uint64_t)(llhttp_get_error_pos(&p->vllh) - data);
    }
  }
  if (p->v_state < 0 || (p->ck_flags & CKF_LLHTTP_NO))
    return;
  if (p->v_state == 2)
    mismatch(p, "llhttp refused bytes respcheck reads");
  if (p->v_done) {
    if (p->v_state != 1 || p->v_end != p->v_our_end)
      mismatch(p, "the message ends at another byte");
    if (p->v_count[0] != p->v_count[1] || p->v_sum[0] != p->v_sum[1])
      mismatch(p, "other content bytes");
  } else if (p->v_state == 1) {
    mismatch(p, "llhttp ended the message first");
  }
}
#endif

void respcheck__chunked_begin(respcheck_parser_t *p) {
  p->ck_state = CK_SIZE_FIRST;
  p->ck_flags = 0;
  p->ck_size = 0;
  p->ck_digits = 0;
  p->ext_len = 0;
#if CK_VERIFY
  verify_begin(p);
#endif
}

void respcheck__chunked_done(respcheck_parser_t *p, uint64_t end) {
#if CK_VERIFY
  p->v_done = 1;
  p->v_our_end = end;
#endif
  respcheck__message_done(p, end);
}

/* Chunk data: up to ck_size bytes, handed to on_body where they lie. */
static size_t chunk_data(respcheck_parser_t *p, const char *data, size_t i,
                         size_t len, uint64_t abs) {
  size_t n = len - i;
  if (n > p->ck_size)
    n = (size_t)p->ck_size;
#if CK_VERIFY
  p->v_count[0] += n;
  p->v_sum[0] += span_sum(abs + i, n);
#endif
  if (p->cb.on_body && p->cb.on_body(p->user, data + i, n) != 0) {
    respcheck__set_error(p, RESPCHECK_E_CALLBACK, abs + i,
                         "on_body asked to stop");
    respcheck__abort_message(p, abs + i);
  }
  p->ck_size -= n;
  if (p->ck_size == 0)
    p->ck_state = CK_DATA_CR;
  return i + n;
}

/* The usual lines whole in data[i, len): a chunk-size line of HEXDIG
 * alone (sixteen at most: no overflow, within any line limit), the CR LF
 * after chunk data, an empty trailer section. Read at once, as chunk_lines
 * and trailers.c would read them; returns i unchanged for anything else. */
static size_t usual_lines(respcheck_parser_t *p, const char *data, size_t i,
                          size_t len, uint64_t abs) {
  size_t j = i;
  uint64_t v = 0;
  int h;
  if (len - i < 2)
    return i;
  switch (p->ck_state) {
  case CK_SIZE_FIRST:
    while (j < len && j - i < 16 &&
           (h = hex_values[(unsigned char)data[j]]) >= 0) {
      v = v << 4 | (uint64_t)h;
      j++;
    }
    if (j == i || len - j < 2 || data[j] != '\r' || data[j + 1] != '\n')
      return i;
    p->ck_digits = j - i;
    p->ext_len = 0;
    p->ck_size = v;
    if (v) {
      p->ck_state = CK_DATA;
    } else {
      p->ck_state = CK_TRAILERS;
      p->tr_state = TR_LINE_START;
      p->trailer_bytes = 0;
      p->trailer_fields = 0;
    }
    return j + 2;
  case CK_DATA_CR:
    if (data[i] != '\r' || data[i + 1] != '\n')
      return i;
    p->ck_state = CK_SIZE_FIRST;
    return i + 2;
  case CK_TRAILERS:
    /* The empty line counts against the section's limit like every other
     * byte of the section: one that does not fit is left to
     * respcheck__feed_trailers, which stops there, so that the limit does
     * not depend on where a call starts (fuzz bug 9). */
    if (p->tr_state != TR_LINE_START || data[i] != '\r' ||
        data[i + 1] != '\n' || p->opts.max_header_bytes - p->trailer_bytes < 2)
      return i;
    respcheck__chunked_done(p, abs + i + 2);
    return i + 2;
  default:
    return i;
  }
}

size_t respcheck__feed_chunked(respcheck_parser_t *p, const char *data,
                               size_t len, uint64_t abs) {
  size_t i = 0, j;
  while (i < len && p->error == RESPCHECK_E_OK && p->phase == PHASE_CHUNKED) {
    if (p->ck_state == CK_DATA)
      i = chunk_data(p, data, i, len, abs);
    else if ((j = usual_lines(p, data, i, len, abs)) != i)
      i = j;
    else if (p->ck_state == CK_TRAILERS)
      i += respcheck__feed_trailers(p, data + i, len - i, abs + i);
    else
      i = chunk_lines(p, data, i, len, abs);
  }
#if CK_VERIFY
  verify_feed(p, data, i, abs);
#endif
  return i;
}
