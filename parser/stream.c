/* SPDX-License-Identifier: MIT */
/*
 * Feeding the stream: respcheck_execute's loop over the phases of a stream
 * (between responses, head, content, tunnel, after close), how a head is
 * fed (by the fast path, fast.c, and by the line pass, lines.c, when it is
 * not plain), and respcheck_finish. The hot path of every response runs
 * through here: what it calls in other files is a callback or a function
 * called once a head.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"
#include "parser.h"

void respcheck__open_message(respcheck_parser_t *p, uint64_t offset) {
  if (p->flags & PF_MSG_OPEN)
    return;
  p->flags = (p->flags & ~PF_MESSAGE) | PF_MSG_OPEN;
  p->msg_index = p->responses++;
  p->msg_offset = offset;
  memset(p->counts, 0, sizeof(p->counts));
}

/* A head starts at offset, in a message opened there. */
static void begin_head(respcheck_parser_t *p, uint64_t offset, int fast) {
  respcheck__open_message(p, offset);
  p->phase = PHASE_HEAD;
  p->flags &= ~PF_HEAD_WHOLE;
  p->head_abs = offset;
  p->buf_len = 0;
  p->line_start = 0;
  p->nlines = 0;
  p->fast = fast;
}

/* Between responses: llhttp skips CR and LF there; so do we, and say so. */
static size_t feed_start(respcheck_parser_t *p, const char *data, size_t len,
                         uint64_t abs) {
  size_t i = 0;
  while (i < len && (data[i] == '\r' || data[i] == '\n'))
    i++;
  if (i > 0 && !(p->flags & PF_HAVE_EMPTY)) {
    p->flags |= PF_HAVE_EMPTY;
    p->empty_offset = abs;
  }
  if ((p->flags & PF_HAVE_EMPTY) &&
      abs + i - p->empty_offset > p->opts.max_header_bytes) {
    /* They count against the head's limit: a peer cannot make a reader
     * wait on them without end. */
    uint64_t off = p->empty_offset + p->opts.max_header_bytes;
    respcheck__open_message(p, p->empty_offset);
    respcheck__emit(p, RESPCHECK_RULE_EMPTY_LINE_BEFORE_STATUS, p->empty_offset,
                    "empty line before the status line");
    respcheck__fail_limit(p, RESPCHECK_RULE_HEADER_SECTION_TOO_LARGE, off,
                          "empty lines before the status line");
    return (size_t)(off - abs);
  }
  if (i == len)
    return i;
  respcheck__open_message(p, (p->flags & PF_HAVE_EMPTY) ? p->empty_offset
                                                        : abs + i);
  if (p->flags & PF_HAVE_EMPTY) {
    respcheck__emit(p, RESPCHECK_RULE_EMPTY_LINE_BEFORE_STATUS, p->empty_offset,
                    "empty line before the status line");
    p->flags &= ~PF_HAVE_EMPTY;
  }
  begin_head(p, abs + i, RESPCHECK_LLHTTP_IS_STRICT ? FAST_START : FAST_OFF);
  return i;
}

static const char head_content[] =
    "bytes that are not a status line after a response to HEAD: content, "
    "which a server MUST NOT send in answer to HEAD";

static size_t feed_closed(respcheck_parser_t *p, const char *data, size_t len,
                          uint64_t abs) {
  size_t i = 0;
  if (p->flags & PF_CLOSED_REPORTED)
    return len;
  while (i < len && (data[i] == '\r' || data[i] == '\n'))
    i++;
  if (i == len)
    return len;
  respcheck__open_message(p, abs + i);
  if ((p->flags & PF_AFTER_HEAD) && data[i] != 'H')
    /* RFC 9110 9.3.2: "the server MUST NOT send content in the response"
     * to HEAD; what it sent instead of closing is that content. */
    respcheck__emit(p, RESPCHECK_RULE_HEAD_CONTENT, abs + i, "%s (ignored)",
                    head_content);
  else
    /* RFC 9112 9.6: a server that sends "close" (or a response that is
     * not persistent) closes the connection after it. */
    respcheck__emit(
        p, RESPCHECK_RULE_DATA_AFTER_CLOSE, abs + i,
        "bytes after a response that ends the connection (ignored)");
  p->flags |= PF_CLOSED_REPORTED; /* the message ends with the stream */
  return len;
}

/* Reads d[0, len), at stream offset abs, of content after a response to
 * HEAD, for the next status line: "HTTP/" at the start of a line, or where
 * the HEAD response's Content-Length would have ended its content (a body
 * need not end with a line end). Returns the index one past the "/" when
 * it completes in d, else 0. Byte by byte, so that the chunking does not
 * matter. */
static size_t skip_scan(respcheck_parser_t *p, const char *d, size_t len,
                        uint64_t abs) {
  unsigned m = p->skip_matched;
  int ls = (p->flags & PF_SKIP_LINE_START) != 0;
  size_t i;
  for (i = 0; i < len; i++) {
    char c = d[i];
    if (m > 0 && c == "HTTP/"[m]) {
      ls = 0;
      if (++m == 5) {
        p->skip_matched = 0;
        return i + 1;
      }
      continue;
    }
    m = c == 'H' && (ls || abs + i == p->head_cl_end) ? 1u : 0u;
    ls = c == '\n';
  }
  p->skip_matched = m;
  p->flags =
      ls ? p->flags | PF_SKIP_LINE_START : p->flags & ~PF_SKIP_LINE_START;
  return 0;
}

void respcheck__head_content(respcheck_parser_t *p) {
  respcheck__emit(p, RESPCHECK_RULE_HEAD_CONTENT, p->head_abs,
                  "%s; skipped to the next status line", head_content);
  p->flags &= ~(PF_AFTER_HEAD | PF_SKIP_LINE_START);
  p->phase = PHASE_SKIP;
  p->skip_matched = 0;
  /* The bytes read so far hold no whole "HTTP/": their first is not one. */
  skip_scan(p, p->buf, p->buf_len, p->head_abs);
}

/* PHASE_SKIP: the content's message ends where the next status line
 * starts, and that head begins. */
static size_t feed_skip(respcheck_parser_t *p, const char *data, size_t len,
                        uint64_t abs) {
  size_t j = skip_scan(p, data, len, abs), k;
  uint64_t h;
  if (j == 0)
    return len;
  h = abs + j - 5;
  respcheck__end_message(p, h, RESPCHECK_END_ABORTED);
  if (h >= abs) {
    p->phase = PHASE_START;
    return (size_t)(h - abs);
  }
  /* "HTTP/" began in an earlier piece: the head starts with those bytes,
   * and the line pass reads on from data[0]. */
  begin_head(p, h, FAST_OFF);
  for (k = 0; k < abs - h; k++)
    p->buf[k] = "HTTP/"[k];
  p->buf_len = k;
  return 0;
}

/* The value of h starts on the line of its name: after the colon, only
 * whitespace. */
static int value_after_colon(const respcheck_parser_t *p,
                             const respcheck_header_t *h) {
  size_t i = (size_t)(h->name.ptr - p->hbase) + h->name.len;
  size_t vs = (size_t)(h->value.ptr - p->hbase);
  if (vs == i + 2 && p->hbase[i] == ':' && p->hbase[i + 1] == ' ')
    return 1; /* the usual ": " */
  if (vs <= i || p->hbase[i] != ':')
    return 0;
  for (i++; i < vs; i++) {
    if (!respcheck__is_ows(p->hbase[i]))
      return 0;
  }
  return 1;
}

/* Whether the line pass, had it read the head cut at f_end, would go on
 * reading: the "HTTP/" prefix, the line limit, the count of lines. */
static int fast_may_go_on(respcheck_parser_t *p) {
  const respcheck_header_t *h = p->headers, *cur = p->f_cur;
  size_t e = p->f_end, from = 0, lines = 0;
  /* Past the line limit, the line pass reads the head (it knows which line
   * is too long); within it, no line can be, and counting the lines that
   * have ended is enough (strict llhttp ends the head at an empty line, so
   * there is none). */
  if (e > p->opts.max_line_length ||
      memcmp(p->buf, "HTTP/", e < 5 ? e : 5) != 0)
    return 0;
  /* Before the current field's line, every line is a field line when every
   * field there has a value on its own line: fast_value sees an obs-fold
   * after a value, but llhttp reports none of whitespace after an empty
   * one, and one of text as the value. */
  while (h < cur && h->value.ptr != NULL && value_after_colon(p, h))
    h++;
  if (cur != NULL && h == cur) {
    from = (size_t)(cur->name.ptr - p->hbase);
    lines = p->nheaders;
  }
  return lines + respcheck__count_byte(p->buf, from, e, '\n') <=
         p->opts.max_headers + 1;
}

/*
 * Reads head bytes by the fast path (the fast_* callbacks): llhttp reads
 * them where they are; when data ends inside the head, the head so far is
 * copied to buf (and its spans with it), and llhttp reads on in the next
 * data. When the head turns out not to be plain, llhttp is put back as it
 * was at the head's first byte and the line pass (respcheck__feed_head) reads
 * the head from there. Returns the bytes of data consumed.
 */
static size_t feed_head_fast(respcheck_parser_t *p, const char *data,
                             size_t len) {
  size_t old = p->buf_len, room = p->opts.max_header_bytes - old;
  size_t n = len < room ? len : room;
  llhttp_errno_t e;

  if (p->fast == FAST_START) {
    p->llh_saved = p->llh;
    p->llh.settings = &p->fast_settings;
    p->hbase = data;
    p->f_avail = len;
    p->nheaders = 0;
    p->f_reason_end = 13;
    p->f_next = 0;
    p->f_cur = NULL;
    p->f_name_end = NULL;
  }
  p->fdata = data;
  p->fold = old;
  p->fvalid = old;
  p->f_end = old + n;
  p->feed_ptr = data;
  p->feed_abs = p->offset;
  p->f_delta = (uintptr_t)p->hbase + old - (uintptr_t)data;
  e = llhttp_execute(&p->llh, data, n);
  if (p->flags & PF_HEAD_DONE)
    return respcheck__llhttp_result(p, e, data, n, p->offset);
  if (e == HPE_OK && n == len) {
    /* The head goes on past data, which the caller may reuse: keep it. */
    memcpy(p->buf + p->fvalid, data + (p->fvalid - old), old + n - p->fvalid);
    if (p->hbase != p->buf)
      respcheck__fast_rebase(p, p->buf, 0);
    p->buf_len = old + n;
    p->fast = FAST_BUFFERED;
    if (fast_may_go_on(p))
      return n;
  }
  /* Not plain (or refused, or too large): the line pass reads it all. */
  p->llh = p->llh_saved;
  p->fast = FAST_OFF;
  p->buf_len = 0;
  if (old > 0) {
    size_t replayed = respcheck__feed_head(p, p->buf, old);
    (void)replayed;
#if RESPCHECK_VERIFY_FAST_PATH
    if (replayed != old || p->phase != PHASE_HEAD ||
        p->error != RESPCHECK_E_OK) {
      fprintf(stderr,
              "respcheck: the line pass stopped inside the part of a head "
              "the fast path read (%zu of %zu bytes: %s)\n",
              replayed, old, p->error_reason ? p->error_reason : "no error");
      abort();
    }
#endif
    if (p->phase != PHASE_HEAD || p->error != RESPCHECK_E_OK)
      return 0; /* not reached: fast_may_go_on said it would go on */
  }
  return respcheck__feed_head(p, data, len);
}

respcheck_errno_t respcheck_execute(respcheck_parser_t *p, const char *data,
                                    size_t len) {
  if (p == NULL || (data == NULL && len > 0))
    return RESPCHECK_E_INVAL;
  if (p->error != RESPCHECK_E_OK)
    return p->error;
  if (p->flags & PF_FINISHED)
    return RESPCHECK_E_FINISHED;

  while (len > 0 && p->error == RESPCHECK_E_OK) {
    size_t used;
    uint64_t abs = p->offset;
    switch (p->phase) {
    case PHASE_START:
      used = feed_start(p, data, len, abs);
      break;
    case PHASE_HEAD:
      used = p->fast != FAST_OFF ? feed_head_fast(p, data, len)
                                 : respcheck__feed_head(p, data, len);
      break;
    case PHASE_BODY:
      used = respcheck__run_llhttp(p, data, len, abs);
      break;
    case PHASE_CHUNKED:
      used = respcheck__feed_chunked(p, data, len, abs);
      break;
    case PHASE_SKIP:
      used = feed_skip(p, data, len, abs);
      break;
    case PHASE_TUNNEL:
      if (p->cb.on_tunnel)
        p->cb.on_tunnel(p->user, data, len, abs);
      used = len;
      break;
    default:
      used = feed_closed(p, data, len, abs);
      break;
    }
    p->offset += used;
    data += used;
    len -= used;
  }
  return p->error;
}

respcheck_errno_t respcheck_finish(respcheck_parser_t *p) {
  llhttp_errno_t e;
  if (p == NULL)
    return RESPCHECK_E_INVAL;
  if (p->error != RESPCHECK_E_OK)
    return p->error;
  if (p->flags & PF_FINISHED)
    return RESPCHECK_E_FINISHED;
  p->flags |= PF_FINISHED;
  switch (p->phase) {
  case PHASE_START:
    if (p->flags & PF_INTERIM) { /* the last response was a 1xx */
      /* RFC 9110 15.2: a 1xx is interim; the final response never came. */
      respcheck__open_message(p, p->offset);
      respcheck__emit(
          p, RESPCHECK_RULE_MESSAGE_TRUNCATED, p->offset,
          "the stream ended after an interim (1xx) response, before the "
          "final response");
      respcheck__abort_message(p, p->offset);
    }
    break;
  case PHASE_HEAD:
    /* What the head's bytes show, its status line, then message-truncated
     * (RFC 9112 8). */
    respcheck__check_cut_head(p);
    break;
  case PHASE_CLOSED:
  case PHASE_SKIP:
    respcheck__end_message(p, p->offset, RESPCHECK_END_ABORTED);
    break;
  case PHASE_CHUNKED:
    respcheck__emit(p, RESPCHECK_RULE_MESSAGE_TRUNCATED, p->offset,
                    "the stream ended inside the content");
    respcheck__abort_message(p, p->offset);
    p->phase = PHASE_CLOSED;
    break;
  case PHASE_BODY:
    p->feed_ptr = NULL;
    p->feed_abs = p->offset;
    e = llhttp_finish(&p->llh);
    if ((p->flags & PF_MSG_DONE) && (e == HPE_OK || e == HPE_PAUSED)) {
      respcheck__end_message(p, p->offset, RESPCHECK_END_COMPLETE);
    } else if (p->error == RESPCHECK_E_OK) {
      respcheck__emit(p, RESPCHECK_RULE_MESSAGE_TRUNCATED, p->offset,
                      "the stream ended inside the content");
      respcheck__abort_message(p, p->offset);
    } else {
      respcheck__abort_message(p, p->offset);
    }
    p->phase = PHASE_CLOSED;
    break;
  default:
    break;
  }
  return p->error;
}
