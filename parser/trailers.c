/* SPDX-License-Identifier: MIT */
/*
 * The trailer section of chunked content (RFC 9112 7.1.2, RFC 9110 6.5),
 * read a byte at a time as it streams by (nothing of it is kept but the
 * first bytes of a field name) and checked as a header section is (RFC
 * 9112 2.2, 5; RFC 9110 5): LF alone read as a line end (bare-lf), bare CR
 * (read as SP), obs-fold, whitespace before the first field (the line is
 * not processed), field names that are not tokens or lack a colon, control
 * bytes in values; and the fields that cannot be trailers. Every line ends
 * where the RFC says, so a recipient can read past a bad one: only a limit
 * stops the stream.
 */
#include <string.h>

#include "parser.h"

/* RFC 9110 6.5.1: framing, routing, authentication, response control and
 * content-processing fields cannot be trailers. */
static const char *const forbidden_trailers[] = {"content-length",
                                                 "transfer-encoding",
                                                 "host",
                                                 "trailer",
                                                 "content-type",
                                                 "content-encoding",
                                                 "content-range",
                                                 "connection",
                                                 "keep-alive",
                                                 "upgrade",
                                                 "te",
                                                 "www-authenticate",
                                                 "proxy-authenticate",
                                                 "authorization",
                                                 "proxy-authorization",
                                                 "location",
                                                 "cache-control",
                                                 "expires",
                                                 "age",
                                                 "date",
                                                 "retry-after",
                                                 "vary"};

/* A limit: the finding, the sticky error, the end of the message. */
#define FAIL_LIMIT(p, rule, off, reason, ...)                                  \
  do {                                                                         \
    respcheck__fail(p, rule, off, RESPCHECK_E_LIMIT, reason, __VA_ARGS__);     \
    respcheck__abort_message(p, off);                                          \
  } while (0)

static void bare_lf(respcheck_parser_t *p, uint64_t off) {
  if (!(p->ck_flags & CKF_BARE_LF_SAID))
    respcheck__emit(p, RESPCHECK_RULE_BARE_LF, off,
                    "line ends with LF without CR (first such line)");
  p->ck_flags |= CKF_BARE_LF_SAID | CKF_LLHTTP_NO;
}

/* "A recipient of such a bare CR MUST consider that element to be invalid
 * or replace each bare CR with SP" (RFC 9112 2.2): the latter. */
static void bare_cr(respcheck_parser_t *p, uint64_t off) {
  if (!(p->ck_flags & CKF_CR_SAID))
    respcheck__emit(p, RESPCHECK_RULE_BARE_CR, off, "CR not followed by LF");
  p->ck_flags |= CKF_CR_SAID | CKF_LLHTTP_NO;
}

/* A line that begins with whitespace: an obs-fold continuing the field
 * before it (RFC 9112 5.2), or, before any field, a line a recipient
 * consumes without processing (RFC 9112 2.2). */
static void whitespace_line(respcheck_parser_t *p, uint64_t off) {
  if (!(p->ck_flags & CKF_FIELD_SEEN)) {
    respcheck__emit(p, RESPCHECK_RULE_WHITESPACE_BEFORE_FIELD, off,
                    "trailer line starts with whitespace before the first "
                    "trailer field");
    p->ck_flags |= CKF_IGNORED | CKF_LLHTTP_NO;
  } else {
    if (!(p->ck_flags & CKF_FOLD_SAID))
      respcheck__emit(p, RESPCHECK_RULE_OBS_FOLD, off,
                      "obsolete line folding continues a trailer field");
    p->ck_flags |= CKF_FOLD_SAID;
  }
}

static void bad_name_byte(respcheck_parser_t *p, uint64_t off,
                          unsigned char c) {
  char q[16];
  if (!(p->ck_flags & CKF_NAME_BAD)) {
    if (respcheck__is_ows((char)c))
      /* RFC 9112 5.1: no whitespace between the field name and the colon
       * (a proxy removes it from a response); none inside a name. */
      respcheck__emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, off,
                      "whitespace in a trailer field name or before its "
                      "colon");
    else
      respcheck__emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, off,
                      "byte \"%s\" is not allowed in a trailer field name",
                      respcheck__quote(q, sizeof(q), (const char *)&c, 1));
  }
  p->ck_flags |= CKF_NAME_BAD | CKF_LLHTTP_NO;
}

/* The colon: the name is complete. */
static void name_done(respcheck_parser_t *p) {
  size_t i, n = p->tname_len;
  char q[64];
  p->ck_flags |= CKF_COLON;
  if (p->ck_flags & CKF_NAME_BAD)
    return;
  if (n == 0) {
    respcheck__emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, p->tline_offset,
                    "empty trailer field name");
    return;
  }
  if (n > sizeof(p->tname))
    return;
  for (i = 0; i < sizeof(forbidden_trailers) / sizeof(*forbidden_trailers);
       i++) {
    if (strlen(forbidden_trailers[i]) == n &&
        memcmp(forbidden_trailers[i], p->tname, n) == 0) {
      respcheck__emit(p, RESPCHECK_RULE_TRAILER_FIELD_FORBIDDEN,
                      p->tline_offset, "%s sent as a trailer field",
                      respcheck__quote(q, sizeof(q), p->tname, n));
      /* llhttp 8.1 applies framing trailers to its own state. */
      if (i < 2)
        p->ck_flags |= CKF_LLHTTP_NO;
      break;
    }
  }
}

/* The LF at off ends the current line (crlf: after a CR). Returns -1 when
 * the line is over the limit. */
static int line_end(respcheck_parser_t *p, uint64_t off, int crlf) {
  size_t max = p->opts.max_line_length;
  if (p->tline_len - (crlf ? 1u : 0u) > max) {
    FAIL_LIMIT(p, RESPCHECK_RULE_LINE_TOO_LONG, p->tline_offset + max,
               "line too long", "line longer than the limit of %zu bytes", max);
    return -1;
  }
  if (!crlf)
    bare_lf(p, off);
  if ((p->ck_flags & (CKF_FIELD_LINE | CKF_COLON)) == CKF_FIELD_LINE) {
    respcheck__emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, p->tline_offset,
                    "trailer field line has no colon");
    p->ck_flags |= CKF_LLHTTP_NO;
  }
  p->tr_state = TR_LINE_START;
  return 0;
}

size_t respcheck__feed_trailers(respcheck_parser_t *p, const char *data,
                                size_t len, uint64_t abs) {
  size_t i, max_line = p->opts.max_line_length;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)data[i];
    uint64_t off = abs + i;
    /* Every byte of the section counts against the head's limit, its empty
     * line too. */
    if (p->trailer_bytes == p->opts.max_header_bytes) {
      FAIL_LIMIT(p, RESPCHECK_RULE_HEADER_SECTION_TOO_LARGE, off,
                 "trailer section too large",
                 "trailer section larger than the limit of %zu bytes",
                 p->opts.max_header_bytes);
      return i;
    }
    p->trailer_bytes++;
    if (p->tr_state == TR_LINE_START) {
      p->tline_offset = off;
      p->tline_len = 0;
      p->tname_len = 0;
      p->ck_flags &= ~(unsigned)(CKF_FIELD_LINE | CKF_COLON | CKF_IGNORED |
                                 CKF_NAME_BAD | CKF_VALUE_BAD | CKF_CR_SAID);
      if (c == '\n') { /* the empty line, LF alone */
        bare_lf(p, off);
        respcheck__chunked_done(p, off + 1);
        return i + 1;
      }
    }
    if (c != '\n' && ++p->tline_len > max_line + 1) {
      /* One byte past the limit may still be a CR. */
      FAIL_LIMIT(p, RESPCHECK_RULE_LINE_TOO_LONG, p->tline_offset + max_line,
                 "line too long", "line longer than the limit of %zu bytes",
                 max_line);
      return i;
    }
    switch (p->tr_state) {
    case TR_LINE_START:
      if (c == '\r') {
        p->tr_state = TR_END_LF;
        break;
      }
      if (respcheck__is_ows((char)c)) {
        whitespace_line(p, off);
        p->tr_state = TR_VALUE;
        break;
      }
      if (++p->trailer_fields > p->opts.max_headers) {
        FAIL_LIMIT(p, RESPCHECK_RULE_TOO_MANY_HEADERS, off,
                   "too many trailer fields", "more than %zu trailer fields",
                   p->opts.max_headers);
        return i;
      }
      p->ck_flags |= CKF_FIELD_SEEN | CKF_FIELD_LINE;
      p->tr_state = TR_NAME;
      goto name;
    case TR_END_LF:
      if (c == '\n') { /* the empty line that ends the section */
        respcheck__chunked_done(p, off + 1);
        return i + 1;
      }
      /* A line that begins with a bare CR, read as SP. */
      bare_cr(p, off - 1);
      whitespace_line(p, off - 1);
      p->tr_state = TR_VALUE;
      goto value;
    case TR_CR:
      if (c == '\n') {
        if (line_end(p, off, 1) != 0)
          return i;
        break;
      }
      bare_cr(p, off - 1);
      p->tr_state = p->tr_resume;
      if (p->tr_state == TR_VALUE)
        goto value;
      /* In a name, as SP: not a token, said as bare-cr alone. */
      p->ck_flags |= CKF_NAME_BAD;
      goto name;
    case TR_NAME:
    name:
      if (respcheck__token_char[c]) {
        if (p->tname_len < sizeof(p->tname))
          p->tname[p->tname_len] = (char)respcheck__lower(c);
        p->tname_len++;
      } else if (c == ':') {
        name_done(p);
        p->tr_state = TR_VALUE;
      } else if (c == '\r' || c == '\n') {
        /* A line without a colon: llhttp 8.1 refuses its end. */
        p->ck_flags |= CKF_LLHTTP_NO;
        if (c == '\r') {
          p->tr_resume = TR_NAME;
          p->tr_state = TR_CR;
        } else if (line_end(p, off, 0) != 0) {
          return i;
        }
      } else {
        bad_name_byte(p, off, c);
      }
      break;
    default: /* TR_VALUE */
    value:
      if (c == '\r') {
        p->tr_resume = TR_VALUE;
        p->tr_state = TR_CR;
      } else if (c == '\n') {
        if (line_end(p, off, 0) != 0)
          return i;
      } else if (!respcheck__text_char[c] && !(p->ck_flags & CKF_VALUE_BAD)) {
        char q[16];
        respcheck__emit(p, RESPCHECK_RULE_HEADER_VALUE_INVALID, off,
                        "control byte \"%s\" in a trailer field value",
                        respcheck__quote(q, sizeof(q), (const char *)&c, 1));
        p->ck_flags |= CKF_VALUE_BAD | CKF_LLHTTP_NO;
      }
      break;
    }
  }
  return i;
}
