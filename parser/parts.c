/* SPDX-License-Identifier: MIT */
/*
 * A response head given as parts rather than bytes (respcheck_check_head):
 * a browser's HAR export, a head another parser read. The rules that need
 * no bytes run through the same functions as a stream's head: the limits
 * as the line pass counts them (message.c), the version and the reason
 * phrase (lines.c), the field values (fields.c and values_*.c), the status
 * rules and the framing decision (semantics.c). Nothing here decides a rule
 * of its own. Those functions place a finding by PF_PARTS: a field's
 * finding at the field's offset, any other at parts->offset.
 */
#include <string.h>

#include "parser.h"

/* "HTTP/x.y SSS " before the reason phrase (RFC 9112 4), and CRLF. */
#define STATUS_LINE_FIXED 13u
#define CRLF 2u

/* The limits, measured on the head as it would be sent (RFC 9112 2.1):
 * a status line, field lines "name: value", an empty line. Returns 0, or
 * -1 once a limit stopped the message (respcheck__fail_limit). */
static int check_limits(respcheck_parser_t *p,
                        const respcheck_head_parts_t *h) {
  const respcheck_options_t *o = &p->opts;
  uint64_t line = STATUS_LINE_FIXED + (uint64_t)h->reason.len;
  uint64_t total = line + CRLF;
  size_t i;

  if (line > o->max_line_length) {
    respcheck__fail_limit(p, RESPCHECK_RULE_LINE_TOO_LONG, h->offset,
                          "status line longer than max_line_length");
    return -1;
  }
  for (i = 0; i < h->header_count; i++) {
    const respcheck_header_t *f = &h->headers[i];
    if (i == o->max_headers) {
      respcheck__fail_limit(p, RESPCHECK_RULE_TOO_MANY_HEADERS, f->offset,
                            "more field lines than max_headers");
      return -1;
    }
    line = (uint64_t)f->name.len + 2 + (uint64_t)f->value.len;
    if (line > o->max_line_length) {
      respcheck__fail_limit(p, RESPCHECK_RULE_LINE_TOO_LONG, f->offset,
                            "field line longer than max_line_length");
      return -1;
    }
    total += line + CRLF;
    if (total + CRLF > o->max_header_bytes) {
      respcheck__fail_limit(p, RESPCHECK_RULE_HEADER_SECTION_TOO_LARGE,
                            f->offset,
                            "header section larger than max_header_bytes");
      return -1;
    }
  }
  p->buf_len = (size_t)(total + CRLF);
  return 0;
}

static int span_ok(respcheck_span_t s) { return s.ptr != NULL || s.len == 0; }

/* The head h, checked arguments; with PF_PARTS set throughout. */
static respcheck_errno_t check_parts(respcheck_parser_t *p,
                                     const respcheck_head_parts_t *h) {
  respcheck_response_t *r;
  unsigned fr;

  /* One head on its own: no stream state, no error; the request queue and
   * the response count stay. */
  p->phase = PHASE_START;
  p->flags = PF_PARTS;
  p->error = RESPCHECK_E_OK;
  p->error_reason = NULL;
  p->error_offset = 0;
  p->offset = h->offset;
  p->buf_len = 0;
  p->nheaders = 0;
  memset(&p->facts, 0, sizeof(p->facts));
  p->facts.code_offset = h->offset;
  p->head_abs = h->offset;
  respcheck__open_message(p, h->offset);

  if (check_limits(p, h) != 0)
    return p->error;

  r = &p->resp;
  memset(r, 0, sizeof(*r));
  respcheck__check_version(p, h->version_major, h->version_minor, h->offset);
  respcheck__check_reason(p, h->reason.ptr, h->reason.len, h->offset, 0);
  r->reason = h->reason;
  /* The reason-phrase-mismatch offset is the reason's place in the head
   * (hbase): parts->offset here. */
  p->hbase = h->reason.ptr;

  /* The fields, in the parser's own table (check_limits kept their number
   * within max_headers); their spans stay the caller's. */
  if (h->header_count)
    memcpy(p->headers, h->headers, h->header_count * sizeof(*h->headers));
  p->nheaders = h->header_count;
  respcheck__check_known_fields(p);
  respcheck__check_framing_fields(p);

  respcheck__response_head(p, h->version_major, h->version_minor, h->status,
                           p->nheaders);
  respcheck__check_head_semantics(p);
  fr = respcheck__decide_framing(p);
  r->framing = fr;
  r->content_length =
      (fr & RESPCHECK_FRAMING_CONTENT_LENGTH) ? p->facts.content_length : 0;
  r->verdict =
      p->counts[RESPCHECK_SEVERITY_ERROR] ? RESPCHECK_REJECT : RESPCHECK_ACCEPT;
  /* RFC 9110 15.2: a 1xx other than 101 is interim, and leaves the request
   * for the final response. */
  if (h->status >= 100 && h->status <= 199 && h->status != 101)
    p->flags |= PF_INTERIM;
  p->flags |= PF_HEAD_DELIVERED | PF_HEAD_DONE | PF_MSG_DONE;
  if (p->cb.on_head && p->cb.on_head(p->user, r) != 0) {
    respcheck__set_error(p, RESPCHECK_E_CALLBACK, h->offset,
                         "on_head asked to stop");
    respcheck__abort_message(p, h->offset);
    return p->error;
  }
  respcheck__end_message(p, h->offset, RESPCHECK_END_COMPLETE);
  return RESPCHECK_E_OK;
}

respcheck_errno_t respcheck_check_head(respcheck_parser_t *p,
                                       const respcheck_head_parts_t *h) {
  respcheck_errno_t e;
  size_t i;

  if (p == NULL || h == NULL || !span_ok(h->reason) ||
      (h->header_count > 0 && h->headers == NULL))
    return RESPCHECK_E_INVAL;
  for (i = 0; i < h->header_count; i++) {
    if (!span_ok(h->headers[i].name) || !span_ok(h->headers[i].value))
      return RESPCHECK_E_INVAL;
  }
  e = check_parts(p, h);
  /* A stream fed to this parser next (after respcheck_parser_reset) has
   * bytes again. */
  p->flags &= ~PF_PARTS;
  return e;
}
