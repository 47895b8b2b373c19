/* SPDX-License-Identifier: MIT */
/*
 * The line pass's assembly of a head (RFC 9112 2-5): the bytes of a head
 * the fast path does not take are gathered in buf line by line within the
 * limits (a head that does not start as HTTP/ is refused at once), checked
 * (lines.c), then given to llhttp in one piece, with what llhttp 8.1 refuses
 * and the RFCs let a recipient read changed (enum llhttp_fix); a head cut by
 * the end of the stream is checked as far as it goes.
 */
#include <stdio.h>
#include <string.h>

#include "parser.h"

/* Shows an obs-fold as spaces, as a recipient must (RFC 9112 5.2); done
 * after llhttp has read the bytes. */
void respcheck__unfold(respcheck_parser_t *p) {
  size_t i;
  for (i = 0; i < p->nheaders; i++) {
    char *v = p->buf + (p->headers[i].value.ptr - p->buf);
    size_t k;
    for (k = 0; k < p->headers[i].value.len; k++) {
      if (v[k] == '\r' || v[k] == '\n')
        v[k] = ' ';
    }
  }
}

/* Feeds llhttp s[0, n), which stands for the head bytes ending at stream
 * offset end; returns 0 when llhttp read it all and goes on, -1 otherwise
 * (the head ended early, or llhttp stopped: p->error says which). */
static int feed_piece(respcheck_parser_t *p, const char *s, size_t n,
                      uint64_t end, uint64_t *stop) {
  size_t used = respcheck__run_llhttp(p, s, n, end - n);
  *stop = end - n + used;
  if (p->error != RESPCHECK_E_OK || used != n)
    return -1;
  return 0;
}

/*
 * Gives llhttp the head in buf with what llhttp 8.1 refuses and the RFCs
 * let a recipient read (enum llhttp_fix) changed: every line ends with
 * CR LF, HTTP/1.x (x > 1) reads HTTP/1.1, the first Content-Length line
 * has its value alone and the others (digits alone, as they were read) are
 * left out, or, where Transfer-Encoding overrides it, each Content-Length
 * field gets another name. Nothing is left out that llhttp would refuse:
 * everything else is the bytes of buf, in the pieces between, and llhttp
 * checks them as it would the head itself. Each piece is fed with the stream
 * offset of the bytes it stands for, so that where llhttp ends the head, or
 * refuses a byte, maps to the stream. Returns where llhttp stopped; p->flags
 * says whether it read the head to its end.
 */
static uint64_t feed_normalised(respcheck_parser_t *p) {
  const char *b = p->buf;
  uint64_t h = p->head_abs, stop = h;
  unsigned fix = p->facts.llhttp_fix;
  size_t line, ls = 0;
  for (line = 0; line <= p->nlines; line++) {
    size_t e = line < p->nlines ? p->line_ends[line] - 1 : p->buf_len - 1;
    size_t ce = e > ls && b[e - 1] == '\r' ? e - 1 : e, from = ls;
    if (line == 0 && (fix & FIX_VERSION)) {
      if (feed_piece(p, "HTTP/1.1", 8, h + 8, &stop) != 0)
        return stop;
      from = 8;
    } else if (line > 0 && (fix & (FIX_CONTENT_LENGTH | FIX_TE_OVERRIDES)) &&
               !respcheck__is_ows(b[ls])) {
      size_t c = ls;
      while (c < ce && b[c] != ':')
        c++;
      if (c < ce && respcheck__classify(b + ls, c - ls) == KF_CONTENT_LENGTH) {
        if (fix & FIX_TE_OVERRIDES) {
          /* Another name of the same length: llhttp still checks the
           * value's bytes, as those of a field it does not know. */
          if (feed_piece(p, "xxxxxxxxxxxxxx", c - ls, h + c, &stop) != 0)
            return stop;
          from = c;
        } else if (h + ls != p->facts.cl_offset) {
          ls = e + 1; /* a repetition (of digits alone), read as one */
          continue;
        } else {
          /* name ":" OWS, then the digits of the value. */
          ce = c + 1;
          while (ce < e && respcheck__is_ows(b[ce]))
            ce++;
          while (ce < e && b[ce] >= '0' && b[ce] <= '9')
            ce++;
        }
      }
    }
    if (feed_piece(p, b + from, ce - from, h + ce, &stop) != 0 ||
        feed_piece(p, "\r\n", 2, h + e + 1, &stop) != 0)
      return stop;
    ls = e + 1;
  }
  return stop;
}

/* The head is complete in buf: check it, then let llhttp read it whole. */
static void finish_head(respcheck_parser_t *p) {
  size_t used;
  p->flags |= PF_HEAD_WHOLE;
  p->hbase = p->buf;
  respcheck__check_head_lines(p);
  respcheck__check_known_fields(p);
  respcheck__check_framing_fields(p);
#if RESPCHECK_LLHTTP_IS_STRICT
  p->flags |= PF_BYTES_PENDING;
#else
  respcheck__check_line_bytes(p);
#endif
  p->llh.settings = &p->head_settings;
  if (p->facts.llhttp_fix)
    used = (size_t)(feed_normalised(p) - p->head_abs);
  else
    used = respcheck__run_llhttp(p, p->buf, p->buf_len, p->head_abs);
  if (p->error != RESPCHECK_E_OK)
    return;
  if (!(p->flags & PF_HEAD_DONE) || used != p->buf_len) {
    /* llhttp and RFC 9112 disagree on where the head ends: what follows
     * cannot be read reliably. */
    uint64_t off = p->head_abs + used;
    respcheck__fail(p, RESPCHECK_RULE_PARSE_ERROR, off, RESPCHECK_E_PARSE,
                    respcheck__head_mismatch, "%s", respcheck__head_mismatch);
    respcheck__abort_message(p, p->head_abs + p->buf_len);
    return;
  }
  if (!(p->flags & PF_MSG_DONE))
    p->phase = PHASE_BODY;
}

/* The stream ended inside the head: buf holds it so far, every line ended
 * within the limits (the fast path has not looked for the line ends: they
 * are found here). Reports what the bytes read already show, as a whole
 * head would be checked, then respcheck__head_cut says the rest. */
void respcheck__check_cut_head(respcheck_parser_t *p) {
  if (p->fast != FAST_OFF) {
    size_t i;
    p->nlines = 0;
    p->line_start = 0;
    for (i = 0; i < p->buf_len; i++) {
      if (p->buf[i] == '\n') {
        p->line_ends[p->nlines++] = (uint32_t)(i + 1);
        p->line_start = i + 1;
      }
    }
    p->fast = FAST_OFF;
  }
  p->flags |= PF_HEAD_CUT;
  p->hbase = p->buf;
  respcheck__check_head_lines(p);
  respcheck__check_known_fields(p);
  respcheck__check_framing_fields(p);
  respcheck__check_line_bytes(p);
  p->flags &= ~PF_HEAD_CUT;
  respcheck__head_cut(p);
}

/* A response starts with "HTTP/" (RFC 9112 2.3): anything else is refused
 * at once rather than buffered up to a limit. */
static void reject_not_http(respcheck_parser_t *p) {
  if (p->flags & PF_AFTER_HEAD) {
    respcheck__head_content(p);
    return;
  }
  p->llh.settings = &p->head_settings;
  respcheck__run_llhttp(p, p->buf, p->buf_len, p->head_abs);
  if (p->error == RESPCHECK_E_OK) {
    /* A tokenizer that takes it (another llhttp build) is overruled. */
    static const char not_http[] = "not an HTTP/1.x status line";
    respcheck__fail(p, RESPCHECK_RULE_PARSE_ERROR, p->head_abs,
                    RESPCHECK_E_PARSE, not_http, "%s", not_http);
    respcheck__abort_message(p, p->head_abs);
  }
}

/* Reads head bytes, line by line, up to the empty line that ends the head,
 * enforcing the limits; then copies what it read into buf in one piece.
 * Returns the bytes consumed. */
size_t respcheck__feed_head(respcheck_parser_t *p, const char *data,
                            size_t len) {
  size_t base = p->buf_len; /* head offset of data[0] */
  size_t room = p->opts.max_header_bytes - base;
  size_t n = len < room ? len : room, i = 0, used = n;
  size_t max_line = p->opts.max_line_length;
  respcheck_rule_t limit = RESPCHECK_RULE_COUNT;
  uint64_t limit_at = 0;
  int done = 0;

  if (base < 5 && n > 0) {
    size_t k = n < 5 - base ? n : 5 - base;
    if (memcmp(data, &"HTTP/"[base], k) != 0) {
      memcpy(p->buf + base, data, k);
      p->buf_len = base + k;
      reject_not_http(p);
      return k;
    }
  }
  while (i < n) {
    size_t j = respcheck__find_byte(data, i, n, '\n'), content;
    if (j == n) {
      /* A partial line: one byte more than the limit may still be a CR. */
      if (base + n - p->line_start > max_line + 1) {
        limit = RESPCHECK_RULE_LINE_TOO_LONG;
        limit_at = p->head_abs + p->line_start + max_line;
      }
      break;
    }
    content = base + j - p->line_start;
    if (content && (j > 0 ? data[j - 1] : p->buf[base - 1]) == '\r')
      content--;
    if (content == 0 && p->nlines > 0) {
      used = j + 1;
      done = 1;
      break;
    }
    if (content > max_line) {
      limit = RESPCHECK_RULE_LINE_TOO_LONG;
      limit_at = p->head_abs + p->line_start + max_line;
      used = j + 1;
      break;
    }
    if (p->nlines > p->opts.max_headers) {
      limit = RESPCHECK_RULE_TOO_MANY_HEADERS;
      limit_at = p->head_abs + p->line_start;
      used = j + 1;
      break;
    }
    i = j + 1;
    p->line_ends[p->nlines++] = (uint32_t)(base + i);
    p->line_start = base + i;
  }
  if (data != p->buf + base) /* not a head read again from buf */
    memcpy(p->buf + base, data, used);
  p->buf_len = base + used;
  if (done) {
    finish_head(p);
  } else if (limit != RESPCHECK_RULE_COUNT) {
    respcheck__fail_limit(p, limit, limit_at,
                          limit == RESPCHECK_RULE_LINE_TOO_LONG
                              ? "line too long"
                              : "too many header fields");
  } else if (n < len) {
    respcheck__fail_limit(p, RESPCHECK_RULE_HEADER_SECTION_TOO_LARGE,
                          p->head_abs + p->opts.max_header_bytes,
                          "header section too large");
  }
  return used;
}
