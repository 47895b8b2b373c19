/* SPDX-License-Identifier: MIT */
/*
 * llhttp, as the parser drives it: its three sets of callbacks (a head read
 * by the line pass, a head read by the fast path, content and trailers),
 * the callbacks of message and content events, feeding it, and what its
 * results and refusals mean for the stream.
 */
#include <stdio.h>

#include "parser.h"

const char respcheck__head_mismatch[] =
    "llhttp ended the header section at another place than the empty line";

static int on_headers_complete(llhttp_t *l) {
  return respcheck__head_complete(respcheck__from_llhttp(l), l);
}

/* A head the line pass handed llhttp: its status line is read, so the
 * version and status are llhttp's should it refuse the rest. */
static int on_status_complete(llhttp_t *l) {
  respcheck__from_llhttp(l)->flags |= PF_STATUS_READ;
  return 0;
}

static int on_message_complete(llhttp_t *l) {
  respcheck_parser_t *p = respcheck__from_llhttp(l);
  p->flags |= PF_MSG_DONE;
  /* Pause so that the message's end offset is known (the error position);
   * an upgrade pauses by itself. */
  return l->upgrade ? 0 : HPE_PAUSED;
}

/* llhttp in loose mode can end a head before its empty line (after a bare
 * CR): the rest of the head would then be read as content. */
static int head_overrun(respcheck_parser_t *p, const char *at) {
  if (p->phase != PHASE_HEAD)
    return 0;
  respcheck__fail(p, RESPCHECK_RULE_PARSE_ERROR, respcheck__feed_offset(p, at),
                  RESPCHECK_E_PARSE, respcheck__head_mismatch, "%s",
                  respcheck__head_mismatch);
  return 1;
}

static int on_body(llhttp_t *l, const char *data, size_t len) {
  respcheck_parser_t *p = respcheck__from_llhttp(l);
  if (head_overrun(p, data))
    return -1;
  if (p->cb.on_body && p->cb.on_body(p->user, data, len) != 0) {
    respcheck__set_error(p, RESPCHECK_E_CALLBACK,
                         respcheck__feed_offset(p, data),
                         "on_body asked to stop");
    return -1;
  }
  return 0;
}

static RC_INLINE void message_done(respcheck_parser_t *p, uint64_t end) {
  unsigned fr = p->resp.framing;
  unsigned interim = p->flags & PF_INTERIM;
  /* A final response to HEAD has no content (RFC 9110 9.3.2): what
   * follows it should be a status line, or content sent by mistake, which
   * its Content-Length would end. */
  p->flags &= ~PF_AFTER_HEAD;
  if (!interim && p->resp.request.method == RESPCHECK_METHOD_HEAD &&
      !(fr & (RESPCHECK_FRAMING_UPGRADE | RESPCHECK_FRAMING_TUNNEL))) {
    p->flags |= PF_AFTER_HEAD;
    p->head_cl_end = (p->facts.seen & KF_CONTENT_LENGTH) &&
                             p->facts.content_length_ok &&
                             p->facts.content_length <= UINT64_MAX - end
                         ? end + p->facts.content_length
                         : UINT64_MAX;
  }
  respcheck__end_message(p, end, RESPCHECK_END_COMPLETE);
  if (fr & (RESPCHECK_FRAMING_UPGRADE | RESPCHECK_FRAMING_TUNNEL))
    p->phase = PHASE_TUNNEL;
  else if (interim || (fr & RESPCHECK_FRAMING_KEEP_ALIVE))
    p->phase = PHASE_START;
  else
    p->phase = PHASE_CLOSED;
  p->llh.settings = &p->head_settings;
}

void respcheck__message_done(respcheck_parser_t *p, uint64_t end) {
  message_done(p, end);
}

/* llhttp completed a message at end. A chunked response's is its head
 * alone (on_headers_complete told llhttp it has no body): its content is
 * read by chunked.c, and the message goes on. */
static void after_message(respcheck_parser_t *p, uint64_t end) {
  if ((p->flags & PF_HEAD_DELIVERED) &&
      (p->resp.framing & RESPCHECK_FRAMING_CHUNKED)) {
    p->llh.settings = &p->head_settings;
    p->phase = PHASE_CHUNKED;
    respcheck__chunked_begin(p);
    return;
  }
  message_done(p, end);
}

/* Reports llhttp's refusal (unless one of our callbacks caused it). */
static void llhttp_failed(respcheck_parser_t *p, llhttp_errno_t e,
                          uint64_t off) {
  if (p->flags & PF_BYTES_PENDING) {
    /* Strict llhttp refused the head: say what in its bytes is wrong. */
    p->flags &= ~PF_BYTES_PENDING;
    if (p->error == RESPCHECK_E_OK)
      respcheck__check_line_bytes(p);
  }
  if (p->error == RESPCHECK_E_OK) {
    const char *reason = llhttp_get_error_reason(&p->llh);
    snprintf(p->errbuf, sizeof(p->errbuf), "%s: %s", llhttp_errno_name(e),
             reason ? reason : "");
    respcheck__fail(p, RESPCHECK_RULE_PARSE_ERROR, off, RESPCHECK_E_PARSE,
                    p->errbuf, "llhttp %s", p->errbuf);
  }
  /* Refused after its status line: keep what was read (issue 11). */
  if (p->phase == PHASE_HEAD &&
      (p->flags & (PF_HEAD_WHOLE | PF_STATUS_READ | PF_HEAD_DELIVERED)) ==
          (PF_HEAD_WHOLE | PF_STATUS_READ))
    respcheck__keep_refused_head(p, off);
  /* Our own callbacks stop llhttp at the end of a span; the error they set
   * has the exact offset. A head refused by llhttp was read whole first
   * (its findings may lie past llhttp's stop): the message ends after it. */
  if (p->phase == PHASE_HEAD && (p->flags & PF_HEAD_WHOLE) &&
      p->head_abs + p->buf_len > p->error_offset)
    respcheck__abort_message(p, p->head_abs + p->buf_len);
  else
    respcheck__abort_message(p, p->error_offset);
}

/* llhttp stopped before the end of ptr[0, len) (an error, or the pause at
 * a message end): returns the bytes it consumed. */
size_t respcheck__llhttp_stopped(respcheck_parser_t *p, llhttp_errno_t e,
                                 const char *ptr, size_t len, uint64_t abs) {
  const char *ep = llhttp_get_error_pos(&p->llh);
  size_t used = (ep >= ptr && ep <= ptr + len) ? (size_t)(ep - ptr) : len;

  if ((e == HPE_PAUSED || e == HPE_PAUSED_UPGRADE) &&
      (p->flags & PF_MSG_DONE) && p->phase == PHASE_HEAD && used != len) {
    /* The message ended inside its own head: see head_overrun. */
    respcheck__fail(p, RESPCHECK_RULE_PARSE_ERROR, abs + used,
                    RESPCHECK_E_PARSE, respcheck__head_mismatch, "%s",
                    respcheck__head_mismatch);
    respcheck__abort_message(p, p->head_abs + p->buf_len);
    return used;
  }
  if (e == HPE_PAUSED && (p->flags & PF_MSG_DONE)) {
    llhttp_resume(&p->llh);
    after_message(p, abs + used);
    return used;
  }
  if (e == HPE_PAUSED_UPGRADE && (p->flags & PF_MSG_DONE)) {
    llhttp_resume_after_upgrade(&p->llh);
    after_message(p, abs + used);
    return used;
  }
  llhttp_failed(p, e, abs + used);
  return used;
}

void respcheck__init_llhttp(respcheck_parser_t *p) {
  llhttp_settings_init(&p->head_settings);
  p->head_settings.on_status_complete = on_status_complete;
  p->head_settings.on_headers_complete = on_headers_complete;
  p->head_settings.on_message_complete = on_message_complete;

  /* Content framed by Content-Length or by the close; chunked content is
   * chunked.c's. */
  llhttp_settings_init(&p->body_settings);
  p->body_settings.on_headers_complete = on_headers_complete;
  p->body_settings.on_message_complete = on_message_complete;
  p->body_settings.on_body = on_body;

  llhttp_settings_init(&p->fast_settings);
  respcheck__fast_settings(&p->fast_settings);
  p->fast_settings.on_message_complete = on_message_complete;

  llhttp_init(&p->llh, HTTP_RESPONSE, &p->head_settings);
  p->llh.data = p;
  /* Persistence is decided here (RFC 9112 9.3), not by llhttp, which would
   * otherwise drop what follows a 1xx with "Connection: close". */
  llhttp_set_lenient_keep_alive(&p->llh, 1);
}
