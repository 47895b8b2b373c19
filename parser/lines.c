/* SPDX-License-Identifier: MIT */
/*
 * The line pass's checks (RFC 9112 2-5, RFC 9110 5): the status line, the
 * field lines, obs-folds and the bytes of a head assembled in buf
 * (assemble.c). The line pass reads every head the fast path does not take
 * (fast.c), and every head with an llhttp not compiled here in strict mode.
 * Also the byte classes.
 */
#include <stdio.h>
#include <string.h>

#include "parser.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* clang-format off */
const unsigned char respcheck__token_char[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* HTAB / SP / VCHAR / obs-text: field-vchar, OWS and reason-phrase bytes. */
const unsigned char respcheck__text_char[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};
/* clang-format on */

static uint64_t at(const respcheck_parser_t *p, size_t i) {
  return p->head_abs + i;
}

/* status-line = HTTP-version SP status-code SP [ reason-phrase ]
 * (RFC 9112 4). The shape llhttp itself refuses ("HTTP/" and the version
 * digits) is left to it. With cut, the stream ended after s[0, end): what
 * the missing bytes could still change is not reported. The status code,
 * once its three digits are read, goes to facts.cut_status. */
static void check_status_line(respcheck_parser_t *p, size_t end, int cut) {
  const char *s = p->buf;
  head_facts_t *f = &p->facts;
  size_t i = 8, nsp = 0, nd = 0, rs;
  char q[200];

  f->code_offset = at(p, 9);
  /* Cut inside "HTTP/D.D": the rest may still have come. */
  if (cut && end < 8 && (end < 7 || s[6] == '.'))
    return;
  if (end > 5 && memcmp(s, "HTTP/", 5) == 0 && s[5] >= '0' && s[5] <= '9' &&
      (end < 8 || s[6] != '.' || s[7] < '0' || s[7] > '9')) {
    /* HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 2.3). "HTTP/2 200"
     * is how curl -i and other tools print an HTTP/2 or HTTP/3 response,
     * whose status travels in a :status pseudo-header (RFC 9113 8.3.2),
     * never in a status line. */
    size_t k = 5;
    while (k < end && s[k] >= '0' && s[k] <= '9')
      k++;
    if (k == 6 && (s[5] == '2' || s[5] == '3') && k < end && s[k] == ' ')
      respcheck__emit(p, RESPCHECK_RULE_VERSION_INVALID, at(p, 5),
                      "\"HTTP/%c\" is not HTTP/1.x: HTTP/%c has no status "
                      "line; this is a tool's rendering of an HTTP/%c "
                      "response",
                      s[5], s[5], s[5]);
    else {
      while (k < end && s[k] != ' ')
        k++;
      respcheck__emit(p, RESPCHECK_RULE_VERSION_INVALID, at(p, 5),
                      "\"%s\" is not an HTTP-version (HTTP/DIGIT.DIGIT)",
                      respcheck__quote(q, sizeof(q), s, k));
    }
    return;
  }
  if (end < 8 || memcmp(s, "HTTP/", 5) != 0 || s[5] < '0' || s[5] > '9' ||
      s[6] != '.' || s[7] < '0' || s[7] > '9')
    return;
  /* HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 2.3); checked here on
   * the raw bytes, before llhttp accepts or refuses them. */
  respcheck__check_version(p, (unsigned)(s[5] - '0'), (unsigned)(s[7] - '0'),
                           at(p, 5));
  /* HTTP/1.x, x > 1, is read as HTTP/1.1 (RFC 9110 6.2); llhttp 8.1 refuses
   * it. */
  if (s[5] == '1' && s[7] > '1')
    f->llhttp_fix |= FIX_VERSION;
  f->version_minor = s[7] - '0';
  while (i < end && (s[i] == ' ' || s[i] == '\t')) {
    i++;
    nsp++;
  }
  if (cut && i == end)
    return;
  f->code_offset = at(p, i);
  if (nsp != 1 || s[8] != ' ') {
    respcheck__emit(p, RESPCHECK_RULE_STATUS_LINE_SYNTAX, at(p, 8),
                    "expected one SP between HTTP-version and status-code");
    f->code_misread = 1;
  }
  while (i + nd < end && s[i + nd] >= '0' && s[i + nd] <= '9')
    nd++;
  if (cut && i + nd == end && nd < 3)
    return;
  if (nd != 3)
    respcheck__emit(p, RESPCHECK_RULE_STATUS_CODE_SYNTAX, at(p, i),
                    "status code has %zu digits; it must be exactly 3", nd);
  else if (!f->code_misread)
    f->cut_status = (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 + s[i + 2] - '0';
  i += nd;
  if (i == end) {
    if (cut)
      return;
    /* "A server MUST send the space that separates the status-code from
     * the reason-phrase even when the reason-phrase is absent." */
    respcheck__emit(
        p, RESPCHECK_RULE_STATUS_LINE_SYNTAX, at(p, i),
        "no SP after the status code (required even without a reason)");
    p->resp.reason.ptr = s + i;
    p->resp.reason.len = 0;
    return;
  }
  if (s[i] != ' ') {
    respcheck__emit(p, RESPCHECK_RULE_STATUS_CODE_SYNTAX, at(p, i),
                    "byte \"%s\" after the status code where SP belongs",
                    respcheck__quote(q, sizeof(q), s + i, 1));
    f->cut_status = -1;
    return;
  }
  rs = i + 1;
  p->resp.reason.ptr = s + rs;
  p->resp.reason.len = end - rs;
  /* A CR here is bare, and bare-cr says so (check_bare_cr). */
  respcheck__check_reason(p, s + rs, end - rs, at(p, rs), 1);
}

void respcheck__check_version(respcheck_parser_t *p, unsigned major,
                              unsigned minor, uint64_t off) {
  if (major != 1)
    respcheck__emit(p, RESPCHECK_RULE_VERSION_INVALID, off,
                    "HTTP/%u.%u is not HTTP/1.x", major, minor);
  else if (minor > 1)
    respcheck__emit(p, RESPCHECK_RULE_VERSION_UNKNOWN_MINOR,
                    respcheck__part_at(p, off, 2),
                    "HTTP/1.%u: a recipient treats it as HTTP/1.1", minor);
}

/* reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ) (RFC 9112 4). */
void respcheck__check_reason(respcheck_parser_t *p, const char *s, size_t n,
                             uint64_t off, int cr_reported) {
  size_t i;
  char q[200];
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!respcheck__text_char[c] && !(c == '\r' && cr_reported)) {
      respcheck__emit(p, RESPCHECK_RULE_REASON_PHRASE_INVALID,
                      respcheck__part_at(p, off, i),
                      "control byte \"%s\" in the reason phrase",
                      respcheck__quote(q, sizeof(q), s + i, 1));
      break;
    }
  }
  if (n > p->opts.max_reason_length)
    respcheck__emit(p, RESPCHECK_RULE_REASON_PHRASE_TOO_LONG,
                    respcheck__part_at(p, off, p->opts.max_reason_length),
                    "reason phrase of %zu bytes exceeds the limit of %zu", n,
                    p->opts.max_reason_length);
}

/* 1 when one of the 8 bytes is a control (below 0x20, or 0x7f): the
 * "has less than" and "has zero" word tricks; bytes >= 0x80 never match. */
static int has_ctl8(uint64_t x) {
  const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  uint64_t del = x ^ (ones * 0x7f);
  return (((x - ones * 0x20) & ~x) | ((del - ones) & ~del)) & highs ? 1 : 0;
}

/* Validates a value's bytes (RFC 9110 5.5; a CR is bare here, RFC 9112
 * 2.2); reports the first of each kind. Eight bytes at a time: values are
 * most of a head, and almost never hold a control byte (HTAB aside). */
static void check_value_bytes(respcheck_parser_t *p, size_t s, size_t e) {
  const unsigned char *v = (const unsigned char *)p->buf;
  size_t i = s;
  int cr = 0, ctl = 0;
  char q[16];

  while (i < e) {
    size_t stop = i + 8;
    if (stop <= e) {
      uint64_t x;
      memcpy(&x, v + i, 8);
      if (!has_ctl8(x)) {
        i = stop;
        continue;
      }
    } else {
      stop = e;
    }
    for (; i < stop; i++) {
      unsigned char c = v[i];
      if (respcheck__text_char[c])
        continue;
      if (c == '\r') {
        if (!cr)
          respcheck__emit(p, RESPCHECK_RULE_BARE_CR, at(p, i),
                          "CR not followed by LF");
        cr = 1;
      } else if (!ctl) {
        respcheck__emit(p, RESPCHECK_RULE_HEADER_VALUE_INVALID, at(p, i),
                        "control byte \"%s\" in a field value",
                        respcheck__quote(q, sizeof(q), (const char *)v + i, 1));
        ctl = 1;
      }
    }
  }
}

/* A bare CR anywhere in [s, e), for the lines that are not field lines. */
static void check_bare_cr(respcheck_parser_t *p, size_t s, size_t e) {
  const char *cr = memchr(p->buf + s, '\r', e - s);
  if (cr)
    respcheck__emit(p, RESPCHECK_RULE_BARE_CR, at(p, (size_t)(cr - p->buf)),
                    "CR not followed by LF");
}

/* The rare field name that is not a plain token (RFC 9110 5.1): a bare
 * CR, whitespace before the colon, or another byte. c is the colon. */
static void check_odd_name(respcheck_parser_t *p, size_t s, size_t c) {
  char *b = p->buf;
  size_t i;
  char q[200];

  check_bare_cr(p, s, c);
  if (c > s && respcheck__is_ows(b[c - 1])) {
    /* "No whitespace is allowed between the field name and colon"
     * (RFC 9112 5.1): it has served request smuggling. */
    respcheck__emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, at(p, c - 1),
                    "whitespace between the field name \"%s\" and the colon",
                    respcheck__quote(q, sizeof(q), b + s, c - s));
    return;
  }
  for (i = s; i < c; i++) {
    if (!respcheck__token_char[(unsigned char)b[i]] && b[i] != '\r') {
      respcheck__emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, at(p, i),
                      "byte \"%s\" is not allowed in the field name \"%s\"",
                      respcheck__quote(q, 16, b + i, 1),
                      respcheck__quote(q + 16, sizeof(q) - 16, b + s, c - s));
      break;
    }
  }
}

/* The byte checks of one field line's content b[ls, ce). With cut, the
 * stream ended inside it: a name not yet followed by a colon is checked
 * as far as it goes. */
static void check_field_bytes(respcheck_parser_t *p, size_t ls, size_t ce,
                              int cut) {
  const char *b = p->buf;
  const char *colon;
  size_t c, i = ls, vs, ve;
  char q[200];

  if (respcheck__is_ows(b[ls])) {
    check_value_bytes(p, ls, ce); /* an obs-fold, or ignored whitespace */
    return;
  }
  colon = memchr(b + ls, ':', ce - ls);
  c = colon ? (size_t)(colon - b) : ce;
  while (i < c && respcheck__token_char[(unsigned char)b[i]])
    i++;
  if (colon == NULL) {
    check_bare_cr(p, ls, ce);
    while (cut && i < c && b[i] == '\r')
      i++;
    if (cut && i < c)
      respcheck__emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, at(p, i),
                      "byte \"%s\" is not allowed in a field name",
                      respcheck__quote(q, sizeof(q), b + i, 1));
    return;
  }
  if (i < c)
    check_odd_name(p, ls, c);
  vs = c + 1;
  ve = ce;
  while (vs < ve && respcheck__is_ows(b[vs]))
    vs++;
  while (ve > vs && respcheck__is_ows(b[ve - 1]))
    ve--;
  check_value_bytes(p, vs, ve);
}

/* The content end of the line cut by the end of the stream: a CR at its
 * end may be the first half of a line end. */
static size_t cut_line_end(const respcheck_parser_t *p) {
  size_t e = p->buf_len;
  return e > p->line_start && p->buf[e - 1] == '\r' ? e - 1 : e;
}

/*
 * The byte-level checks of the field lines: names are tokens, values hold
 * no control byte, no bare CR (RFC 9110 5.1, 5.5; RFC 9112 2.2). llhttp in
 * strict mode refuses every head where one of these fires, so with it they
 * run only to explain a refusal; otherwise they run on every head. With
 * PF_HEAD_CUT, also on the line the end of the stream cut.
 */
void respcheck__check_line_bytes(respcheck_parser_t *p) {
  const char *b = p->buf;
  size_t line, ls = p->nlines ? p->line_ends[0] : 0;
  for (line = 1; line < p->nlines; line++) {
    size_t e = p->line_ends[line] - 1, ce = e;
    if (ce > ls && b[ce - 1] == '\r')
      ce--;
    check_field_bytes(p, ls, ce, 0);
    ls = e + 1;
  }
  if ((p->flags & PF_HEAD_CUT) && p->nlines > 0 && cut_line_end(p) > ls)
    check_field_bytes(p, ls, cut_line_end(p), 1);
}

/* A field line's shape: name, colon, value without its surrounding
 * whitespace (RFC 9112 5). The bytes themselves are checked by
 * respcheck__check_line_bytes. */
static void check_field_line(respcheck_parser_t *p, size_t s, size_t e) {
  char *b = p->buf;
  size_t c = respcheck__find_byte(b, s, e, ':'), vs, ve;
  respcheck_header_t *h;
  char q[200];

  if (c == e) {
    respcheck__emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, at(p, s),
                    "field line \"%s\" has no colon",
                    respcheck__quote(q, sizeof(q), b + s, e - s));
    return;
  }
  if (c == s)
    respcheck__emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, at(p, s),
                    "empty field name");
  vs = c + 1;
  ve = e;
  while (vs < ve && respcheck__is_ows(b[vs]))
    vs++;
  while (ve > vs && respcheck__is_ows(b[ve - 1]))
    ve--;
  h = &p->headers[p->nheaders++];
  h->name.ptr = b + s;
  h->name.len = c - s;
  h->value.ptr = b + vs;
  h->value.len = ve - vs;
  h->offset = at(p, s);
  /* Whitespace after a Content-Length value: OWS (RFC 9110 5.6.3), which
   * llhttp 8.1 refuses when it holds HTAB; given the value alone (undone
   * by respcheck__check_known_fields if the value is not a number). */
  if (ve < e && respcheck__classify(b + s, c - s) == KF_CONTENT_LENGTH)
    p->facts.llhttp_fix |= FIX_CONTENT_LENGTH;
}

/* An obs-fold line continues the previous field's value (RFC 9112 5.2). */
static void check_fold_line(respcheck_parser_t *p, size_t s, size_t e) {
  respcheck_header_t *h = &p->headers[p->nheaders - 1];
  size_t ve = e;
  char q[200];
  if (!p->facts.obs_fold)
    respcheck__emit(p, RESPCHECK_RULE_OBS_FOLD, at(p, s),
                    "obsolete line folding continues the field \"%s\"",
                    respcheck__quote(q, sizeof(q), h->name.ptr, h->name.len));
  p->facts.obs_fold = 1;
  while (ve > s && respcheck__is_ows(p->buf[ve - 1]))
    ve--;
  if (ve > s) {
    size_t vs = s;
    while (vs < ve && respcheck__is_ows(p->buf[vs]))
      vs++;
    if (h->value.len == 0)
      h->value.ptr = p->buf + vs;
    h->value.len = (size_t)(p->buf + ve - h->value.ptr);
  }
}

/* The lines of an assembled head: status line, field lines, obs-folds.
 * With PF_HEAD_CUT the stream ended inside the head: its last line is the
 * one cut, [line_start, buf_len), checked as far as it goes and not kept as
 * a field (nor is a field that an obs-fold there continues). */
void respcheck__check_head_lines(respcheck_parser_t *p) {
  const char *b = p->buf;
  size_t n = p->buf_len, ls = 0, line;
  int bare_lf = 0, cut = (p->flags & PF_HEAD_CUT) != 0;
  char q[200];

  memset(&p->facts, 0, sizeof(p->facts));
  p->facts.cut_status = -1;
  p->nheaders = 0;
  p->resp.reason.ptr = b;
  p->resp.reason.len = 0;

  /* respcheck__feed_head found the line ends already; the head's last line is
   * the empty one. */
  for (line = 0; line <= p->nlines; line++) {
    int last_cut = cut && line == p->nlines;
    size_t e = line < p->nlines ? p->line_ends[line] - 1 : n - 1, ce = e;
    if (last_cut) {
      e = n;
      ce = cut_line_end(p);
      if (ce == ls)
        break;
    } else if (ce > ls && b[ce - 1] == '\r')
      ce--;
    else if (!bare_lf) {
      respcheck__emit(p, RESPCHECK_RULE_BARE_LF, at(p, e),
                      "line ends with LF without CR (first such line)");
      bare_lf = 1;
      /* RFC 9112 2.2: a recipient MAY read LF alone as a line end; llhttp
       * 8.1 refuses it after a field value. */
      p->facts.llhttp_fix |= FIX_BARE_LF;
    }
    /* "A sender MUST NOT generate a bare CR ... A recipient of such a bare
     * CR MUST consider that element to be invalid" (RFC 9112 2.2): field
     * lines are searched for one as their bytes are checked. */
    if (line == 0) {
      check_bare_cr(p, ls, ce);
      check_status_line(p, ce, last_cut);
      p->facts.status_line_read = !last_cut;
    } else if (ce == ls) {
      break; /* the empty line that ends the head */
    } else if (respcheck__is_ows(b[ls])) {
      if (p->nheaders == 0) {
        /* RFC 9112 2.2: such lines are consumed without processing. */
        respcheck__emit(
            p, RESPCHECK_RULE_WHITESPACE_BEFORE_FIELD, at(p, ls),
            "line \"%s\" starts with whitespace after the status line",
            respcheck__quote(q, sizeof(q), b + ls, ce - ls));
      } else {
        check_fold_line(p, ls, ce);
        if (last_cut)
          p->nheaders--; /* its value may go on */
      }
    } else if (last_cut) {
      size_t c = respcheck__find_byte(b, ls, ce, ':');
      if (c == ls)
        respcheck__emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, at(p, ls),
                        "empty field name");
    } else {
      check_field_line(p, ls, ce);
    }
    ls = e + 1;
  }
}
