/* SPDX-License-Identifier: MIT */
/*
 * The fast path (strict llhttp only): a plain head's fields from llhttp's
 * span callbacks, read where the head lies in the caller's buffer.
 *
 * Strict llhttp has checked every byte of a head by the time it calls
 * on_headers_complete (respcheck__check_line_bytes then finds nothing).
 * What it lets through is in the shape of the lines, so these callbacks
 * accept one shape only: "HTTP/1.0" or "HTTP/1.1", SP, three digits, SP, a
 * reason of text bytes; "name:" OWS value lines; every line ending with
 * CR LF where the next one starts; all within the limits. Anything else (a
 * bare LF, an obs-fold, whitespace before a field, an odd status line, a
 * limit, or a refusal by llhttp) stops llhttp (NOT_PLAIN), and stream.c has
 * the head read again from its first byte by the line pass (lines.c), which
 * reports it exactly. Nothing is reported before the head is known to be
 * plain, so the two paths give the same findings;
 * RESPCHECK_VERIFY_FAST_PATH runs both on every plain head and stops the
 * process if they differ.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "values.h"

/* What a callback returns when the head is not plain: llhttp stops
 * (HPE_USER), and the line pass takes the head. */
enum { NOT_PLAIN = -1 };

static size_t fast_off(const respcheck_parser_t *p, const char *at) {
  return p->fold + (size_t)(at - p->fdata);
}

/* Where the span byte at lies in the head, as a place in buf (hbase +
 * fast_off), in one addition: llhttp's buffer and buf are different
 * arrays, so the difference is taken as numbers (feed_head_fast). */
static const char *fast_place(const respcheck_parser_t *p, const char *at) {
  return (const char *)((uintptr_t)at + p->f_delta);
}

/* The head's bytes [0, upto) in one piece: in the buffer llhttp reads when
 * the head starts there; else in buf, copied there as they are needed. */
static const char *fast_view(respcheck_parser_t *p, size_t upto) {
  if (p->fold == 0)
    return p->fdata;
  if (upto > p->fvalid) {
    memcpy(p->buf + p->fvalid, p->fdata + (p->fvalid - p->fold),
           upto - p->fvalid);
    p->fvalid = upto;
  }
  return p->buf;
}

/* The head byte at offset i < f_end. */
static char fast_byte(const respcheck_parser_t *p, size_t i) {
  return i < p->fold ? p->buf[i] : p->fdata[i - p->fold];
}

static int fast_status(llhttp_t *l, const char *at, size_t len) {
  respcheck_parser_t *p = respcheck__from_llhttp(l);
  if (len == 0)
    return 0;
  if (fast_off(p, at) != p->f_reason_end)
    return NOT_PLAIN;
  p->f_reason_end += len;
  return 0;
}

/* Called once the status line's LF is read. */
static int fast_status_complete(llhttp_t *l) {
  respcheck_parser_t *p = respcheck__from_llhttp(l);
  size_t e = p->f_reason_end, i;
  const unsigned char *b;
  const respcheck_status_info_t *info;
  struct status_memo *m;
  unsigned code;
  if (e + 2 > p->f_end)
    return NOT_PLAIN;
  b = (const unsigned char *)fast_view(p, e + 2);
  if (memcmp(b, "HTTP/1.", 7) != 0 || (b[7] != '0' && b[7] != '1') ||
      b[8] != ' ' || (unsigned)(b[9] - '0') > 9 ||
      (unsigned)(b[10] - '0') > 9 || (unsigned)(b[11] - '0') > 9 ||
      b[12] != ' ' || b[e] != '\r' || b[e + 1] != '\n' ||
      e > p->opts.max_line_length || e - 13 > p->opts.max_reason_length)
    return NOT_PLAIN;
  code = (unsigned)(b[9] - '0') * 100 + (unsigned)(b[10] - '0') * 10 +
         (unsigned)(b[11] - '0');
  m = &p->status_memo[STATUS_MEMO_WAY(code)];
  p->f_next = e + 2;
  if (m->code == code && m->len == e - 13 &&
      rv_same(m->reason, (const char *)b + 13, e - 13)) {
    p->f_phrase = m->phrase;
    return 0;
  }
  for (i = 13; i < e; i++) {
    if (!respcheck__text_char[b[i]])
      return NOT_PLAIN;
  }
  /* What check_head_semantics asks of the phrase (registry.c). */
  info = respcheck_status_lookup((int)code);
  p->f_phrase =
      info != NULL && e > 13 &&
              respcheck__phrase_matches(info, (const char *)b + 13, e - 13)
          ? 2
          : 1;
  if (e - 13 <= sizeof(m->reason)) {
    m->code = code;
    m->len = (unsigned)(e - 13);
    memcpy(m->reason, b + 13, e - 13);
    m->phrase = p->f_phrase;
  }
  return 0;
}

/* A name: a new field, or the rest of one cut by a chunk boundary (no
 * name starts where another ends: a colon is there). The field keeps
 * llhttp's spans, as places in buf, until fast_fields checks them. */
static int fast_field(llhttp_t *l, const char *at, size_t len) {
  respcheck_parser_t *p = respcheck__from_llhttp(l);
  const char *bp = fast_place(p, at);
  respcheck_header_t *h;
  if (bp == p->f_name_end) {
    p->f_cur->name.len += len;
    p->f_name_end += len;
    return 0;
  }
  if (p->nheaders == p->opts.max_headers)
    return NOT_PLAIN;
  h = &p->headers[p->nheaders++];
  h->name.ptr = bp;
  h->name.len = len;
  h->value.ptr = NULL;
  p->f_cur = h;
  p->f_name_end = bp + len;
  return 0;
}

/* A value (llhttp calls with nothing for an empty one), or the rest of one
 * cut by a chunk boundary; any other second part is an obs-fold. */
static int fast_value(llhttp_t *l, const char *at, size_t len) {
  respcheck_parser_t *p = respcheck__from_llhttp(l);
  respcheck_header_t *h = p->f_cur;
  const char *bp;
  if (len == 0)
    return 0;
  if (h == NULL)
    return NOT_PLAIN;
  bp = fast_place(p, at);
  if (h->value.ptr == NULL) {
    h->value.ptr = bp;
    h->value.len = len;
    p->f_name_end = NULL;
  } else if (bp == h->value.ptr + h->value.len) {
    h->value.len += len;
  } else {
    return NOT_PLAIN;
  }
  return 0;
}

/* The field lines llhttp has read, in b[0, fe): each "name:" OWS value
 * CR LF, starting where the previous line ends, within the line limit.
 * llhttp's value ends at the CR: trailing whitespace is trimmed here.
 * Returns the offset of the empty line, or 0. */
static size_t fast_fields(respcheck_parser_t *p, const char *b, size_t fe) {
  const char *buf = p->hbase;
  size_t ls = p->f_next, max_line = p->opts.max_line_length;
  uint64_t abs = p->head_abs;
  respcheck_header_t *h = p->headers, *last = h + p->nheaders;
  for (; h < last; h++) {
    size_t ne = ls + h->name.len, vs, ve, le, k;
    if (h->name.ptr != buf + ls || ne == ls || ne >= fe || b[ne] != ':')
      return 0;
    if (h->value.ptr != NULL) {
      vs = (size_t)(h->value.ptr - buf);
      le = vs + h->value.len;
      if (vs != ne + 2 || b[ne + 1] != ' ') {
        /* Not ": ": whitespace only, but for an obs-fold after an empty
         * value. */
        if (vs <= ne)
          return 0;
        for (k = ne + 1; k < vs; k++) {
          if (!respcheck__is_ows(b[k]))
            return 0;
        }
      }
    } else {
      vs = ne + 1;
      while (vs < fe && respcheck__is_ows(b[vs]))
        vs++;
      le = vs;
    }
    if (le + 2 > fe || memcmp(b + le, "\r\n", 2) != 0 || le - ls > max_line)
      return 0;
    ve = le;
    if (ve > vs && (unsigned char)b[ve - 1] <= ' ') {
      while (ve > vs && respcheck__is_ows(b[ve - 1]))
        ve--;
    }
    h->value.ptr = buf + vs;
    h->value.len = ve - vs;
    h->offset = abs + ls;
    ls = le + 2;
  }
  return ls;
}

#if RESPCHECK_VERIFY_FAST_PATH
static uint64_t fast_fingerprint(const respcheck_parser_t *p,
                                 const char *base) {
  uint64_t h = 14695981039346656037u;
  size_t i;
#define RC_MIX(x) (h = (h ^ (uint64_t)(x)) * 1099511628211u)
  RC_MIX(p->nheaders);
  RC_MIX(p->resp.reason.ptr - base);
  RC_MIX(p->resp.reason.len);
  for (i = 0; i < p->nheaders; i++) {
    const respcheck_header_t *x = &p->headers[i];
    RC_MIX(x->name.ptr - base);
    RC_MIX(x->name.len);
    RC_MIX(x->value.ptr - base);
    RC_MIX(x->value.len);
    RC_MIX(x->offset);
  }
#undef RC_MIX
  return h;
}

/* The line pass over the same head (a copy in buf) must find the same lines
 * and fields, within the limits, and report nothing. The spans are left
 * where the fast path put them. */
static void fast_verify(respcheck_parser_t *p) {
  const char *base = p->hbase;
  uint64_t fp = fast_fingerprint(p, base);
  size_t i, ls = 0;
  int bad = 0;
  if (base != p->buf)
    memcpy(p->buf, base, p->buf_len);
  p->nlines = 0;
  for (i = 0; i + 1 < p->buf_len; i++) {
    if (p->buf[i] == '\n') {
      bad |= i - ls - 1 > p->opts.max_line_length;
      bad |= p->nlines > p->opts.max_headers;
      if (!bad)
        p->line_ends[p->nlines++] = (uint32_t)(i + 1);
      ls = i + 1;
    }
  }
  if (!bad) {
    p->flags |= PF_VERIFYING;
    respcheck__check_head_lines(p);
    respcheck__check_line_bytes(p);
    p->flags &= ~PF_VERIFYING;
  }
  if (bad || fast_fingerprint(p, p->buf) != fp || p->facts.obs_fold ||
      p->facts.code_misread || p->facts.code_offset != p->head_abs + 9) {
    fprintf(stderr,
            "respcheck: the fast path and the line pass disagree "
            "on the head at offset %llu\n",
            (unsigned long long)p->head_abs);
    abort();
  }
  if (base !=
      p->buf) { /* respcheck__check_head_lines pointed the spans into buf */
    p->hbase = p->buf;
    respcheck__fast_rebase(p, base, 1);
  }
}
#endif

/* The empty line: the head is plain. Its bytes go to buf (the spans point
 * there already), then the checks run as for any head. */
static int fast_headers_complete(llhttp_t *l) {
  respcheck_parser_t *p = respcheck__from_llhttp(l);
  const char *b;
  size_t end = p->f_next + 2, e;
  if (p->f_next == 0)
    return NOT_PLAIN;
  if (p->nheaders > 0) {
    /* The head ends two bytes after the last field line's CR. */
    const respcheck_header_t *h = &p->headers[p->nheaders - 1];
    if (h->value.ptr != NULL) {
      end = (size_t)(h->value.ptr - p->hbase) + h->value.len + 4;
    } else {
      end = (size_t)(h->name.ptr - p->hbase) + h->name.len + 1;
      while (end < p->f_end && respcheck__is_ows(fast_byte(p, end)))
        end++;
      end += 4;
    }
  }
  if (end > p->f_end)
    return NOT_PLAIN;
  b = fast_view(p, end);
  e = fast_fields(p, b, end);
  if (e + 2 != end || b[e] != '\r' || b[e + 1] != '\n')
    return NOT_PLAIN;
  p->buf_len = e + 2;
  p->flags |= PF_HEAD_WHOLE;
  p->resp.reason.ptr = p->hbase + 13;
  p->resp.reason.len = p->f_reason_end - 13;
  memset(&p->facts, 0, sizeof(p->facts));
  p->facts.code_offset = p->head_abs + 9;
#if RESPCHECK_VERIFY_FAST_PATH
  fast_verify(p);
#endif
  p->facts.phrase_known = p->f_phrase;
  respcheck__check_plain_fields(p);
  respcheck__check_framing_fields(p);
  p->phase = PHASE_BODY;
  return respcheck__head_complete(p, l);
}

void respcheck__fast_settings(llhttp_settings_t *s) {
  s->on_status = fast_status;
  s->on_status_complete = fast_status_complete;
  s->on_header_field = fast_field;
  s->on_header_value = fast_value;
  s->on_headers_complete = fast_headers_complete;
}
