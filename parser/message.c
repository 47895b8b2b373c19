/* SPDX-License-Identifier: MIT */
/*
 * Findings, the sticky error, and the end of each message: what the parser
 * hands its caller, whatever stage found it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

/* Reports a finding of rule at offset, at the severity the options give
 * it; the message is fmt's. */
static void RC_PRINTF(4, 0)
    vemit(respcheck_parser_t *p, respcheck_rule_t rule, uint64_t offset,
          const char *fmt, va_list ap) {
  respcheck_finding_t f;
  respcheck_severity_t sev = (respcheck_severity_t)p->opts.severity[rule];

#if RESPCHECK_VERIFY_FAST_PATH
  if (p->flags & PF_VERIFYING) {
    fprintf(stderr, "respcheck: strict llhttp accepted a head where %s fires\n",
            respcheck_rule_id(rule));
    abort();
  }
#endif
  if (sev == RESPCHECK_SEVERITY_OFF)
    return;
  if (sev > RESPCHECK_SEVERITY_ERROR)
    sev = RESPCHECK_SEVERITY_ERROR;
  p->counts[sev]++;
  if (p->cb.on_finding == NULL)
    return;
  vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
  f.rule = rule;
  f.id = respcheck_rule_id(rule);
  f.severity = sev;
  f.offset = offset;
  f.response_index = p->msg_index;
  f.message = p->msg;
  f.reference = respcheck_rule_reference(rule);
  p->cb.on_finding(p->user, &f);
}

void respcheck__emit(respcheck_parser_t *p, respcheck_rule_t rule,
                     uint64_t offset, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vemit(p, rule, offset, fmt, ap);
  va_end(ap);
}

void respcheck__fail(respcheck_parser_t *p, respcheck_rule_t rule,
                     uint64_t offset, respcheck_errno_t err, const char *reason,
                     const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vemit(p, rule, offset, fmt, ap);
  va_end(ap);
  respcheck__set_error(p, err, offset, reason);
}

/* Quotes untrusted bytes for a message: printable ASCII as is, the rest as
 * \xNN, at most 40 input bytes. */
const char *respcheck__quote(char *out, size_t cap, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t i, o = 0;
  for (i = 0; i < n && i < 40 && o + 8 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
      out[o++] = (char)c;
    } else {
      out[o++] = '\\';
      out[o++] = 'x';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 15];
    }
  }
  if (i < n && o + 4 < cap) {
    memcpy(out + o, "...", 3);
    o += 3;
  }
  out[o] = '\0';
  return out;
}

void respcheck__set_error(respcheck_parser_t *p, respcheck_errno_t err,
                          uint64_t offset, const char *reason) {
  if (p->error != RESPCHECK_E_OK)
    return;
  p->error = err;
  p->error_offset = offset;
  p->error_reason = reason;
}

void respcheck__end_message(respcheck_parser_t *p, uint64_t end,
                            unsigned flags) {
  respcheck_message_end_t m;
  if (!(p->flags & PF_MSG_OPEN))
    return;
  m.index = p->msg_index;
  m.offset = p->msg_offset;
  m.end_offset = end;
  m.flags = flags | ((p->flags & PF_HEAD_DELIVERED) ? RESPCHECK_END_HEAD : 0u);
  m.verdict =
      p->counts[RESPCHECK_SEVERITY_ERROR] ? RESPCHECK_REJECT : RESPCHECK_ACCEPT;
  m.error_count = p->counts[RESPCHECK_SEVERITY_ERROR];
  m.warning_count = p->counts[RESPCHECK_SEVERITY_WARNING];
  m.info_count = p->counts[RESPCHECK_SEVERITY_INFO];
  m.response = p->flags & (PF_HEAD_DELIVERED | PF_HEAD_KEPT) ? &p->resp : NULL;
  /* A final response consumes its request context; a 1xx does not. */
  if ((p->flags & PF_HEAD_DELIVERED) && !(p->flags & PF_INTERIM) && p->q_len) {
    p->q_first = (p->q_first + 1) % p->opts.max_pending_requests;
    p->q_len--;
  }
  p->flags &= ~PF_MSG_OPEN;
  if (p->cb.on_message_end)
    p->cb.on_message_end(p->user, &m);
}

/* A fatal stop: the finding has been emitted; close the message. */
void respcheck__abort_message(respcheck_parser_t *p, uint64_t end) {
  respcheck__end_message(p, end, RESPCHECK_END_ABORTED);
}

void respcheck__fail_limit(respcheck_parser_t *p, respcheck_rule_t rule,
                           uint64_t off, const char *reason) {
  switch (rule) {
  case RESPCHECK_RULE_LINE_TOO_LONG:
    respcheck__fail(p, rule, off, RESPCHECK_E_LIMIT, reason,
                    "line longer than the limit of %zu bytes",
                    p->opts.max_line_length);
    break;
  case RESPCHECK_RULE_TOO_MANY_HEADERS:
    respcheck__fail(p, rule, off, RESPCHECK_E_LIMIT, reason,
                    "more than %zu field lines", p->opts.max_headers);
    break;
  default:
    respcheck__fail(p, rule, off, RESPCHECK_E_LIMIT, reason,
                    "status line and header section larger than %zu bytes",
                    p->opts.max_header_bytes);
    break;
  }
  respcheck__abort_message(p, off);
}
