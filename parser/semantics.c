/* SPDX-License-Identifier: MIT */
/*
 * The semantic pass, once llhttp has read a head (its status and version
 * are the ones the stream will be framed by): the rules of each status
 * code (RFC 9110 15), the framing decision (RFC 9112 6.3) and persistence
 * (RFC 9112 9.3), the check that llhttp frames the content the same way,
 * and the head handed to on_head.
 */
#include "values.h"

static int is_1xx(int status) { return status >= 100 && status <= 199; }

/* The fields a status code requires (RFC 9110 15): a response with that
 * status and none of the fields in any gets rule. In order of status. */
static const struct required_field {
  int status;
  respcheck_rule_t rule;
  unsigned any; /* enum known_field */
  const char *what;
} required_fields[] = {
    /* 15.2.2: "The server MUST generate an Upgrade header field". */
    {101, RESPCHECK_RULE_UPGRADE_MISSING, KF_UPGRADE, "Upgrade"},
    /* 15.3.7: a single part has Content-Range, several are sent as
     * multipart/byteranges. */
    {206, RESPCHECK_RULE_CONTENT_RANGE_MISSING,
     KF_CONTENT_RANGE | KF_MULTIPART_BYTERANGES,
     "Content-Range or multipart/byteranges"},
    /* 15.4: a redirect names its target in Location (15.4.2-15.4.4,
     * 15.4.8, 15.4.9). */
    {301, RESPCHECK_RULE_LOCATION_MISSING, KF_LOCATION, "Location"},
    {302, RESPCHECK_RULE_LOCATION_MISSING, KF_LOCATION, "Location"},
    {303, RESPCHECK_RULE_LOCATION_MISSING, KF_LOCATION, "Location"},
    {307, RESPCHECK_RULE_LOCATION_MISSING, KF_LOCATION, "Location"},
    {308, RESPCHECK_RULE_LOCATION_MISSING, KF_LOCATION, "Location"},
    /* 15.5.2: "The server generating a 401 response MUST send a
     * WWW-Authenticate header field". */
    {401, RESPCHECK_RULE_WWW_AUTHENTICATE_MISSING, KF_WWW_AUTHENTICATE,
     "WWW-Authenticate"},
    /* 15.5.6: "The origin server MUST generate an Allow header field". */
    {405, RESPCHECK_RULE_ALLOW_MISSING, KF_ALLOW, "Allow"},
    /* 15.5.8: "The proxy MUST send a Proxy-Authenticate header field". */
    {407, RESPCHECK_RULE_PROXY_AUTHENTICATE_MISSING, KF_PROXY_AUTHENTICATE,
     "Proxy-Authenticate"},
    /* 15.5.17, 14.4: "A server generating a 416 (Range Not Satisfiable)
     * response to a byte-range request SHOULD send a Content-Range header
     * field with an unsatisfied-range value". */
    {416, RESPCHECK_RULE_CONTENT_RANGE_MISSING_416, KF_CONTENT_RANGE,
     "Content-Range"},
    /* 15.5.22: "The server MUST send an Upgrade header field". */
    {426, RESPCHECK_RULE_UPGRADE_MISSING, KF_UPGRADE, "Upgrade"},
};
static const struct required_field *const required_end =
    required_fields + sizeof(required_fields) / sizeof(required_fields[0]);

/* The status classes (a bit per first digit) a reason phrase names by its
 * words, ASCII case-insensitively: "Informational", "OK" or "Success",
 * "Redirect", "Client Error", "Server Error" (RFC 9110 15.2-15.6), and
 * "Error" alone for either error class. */
static unsigned phrase_classes(const char *s, size_t n) {
  unsigned cls = 0;
  int error = 0, client = 0, server = 0;
  size_t i = 0;
  while (i < n) {
    size_t w;
    while (i < n && (unsigned)(((unsigned char)s[i] | 0x20) - 'a') > 25u)
      i++;
    for (w = i; i < n && (unsigned)(((unsigned char)s[i] | 0x20) - 'a') <= 25u;
         i++)
      ;
#define RC_WORD(l)                                                             \
  (i - w == sizeof(l) - 1 && respcheck__lit_is(s + w, l, i - w))
    if (RC_WORD("informational"))
      cls |= 1u << 1;
    else if (RC_WORD("ok") || RC_WORD("success") || RC_WORD("successful"))
      cls |= 1u << 2;
    else if (RC_WORD("redirect") || RC_WORD("redirection"))
      cls |= 1u << 3;
    else if (RC_WORD("error"))
      error = 1;
    else if (RC_WORD("client"))
      client = 1;
    else if (RC_WORD("server"))
      server = 1;
#undef RC_WORD
  }
  if (error)
    cls |= client ? 1u << 4 : server ? 1u << 5 : (1u << 4) | (1u << 5);
  return cls;
}

/* A reason phrase that is not the registered one of info's code. "A
 * client SHOULD ignore the reason-phrase content" (RFC 9112 4), so most
 * servers' own wording ("Not Allowed", "File not found") is only
 * reason-phrase-nonstandard (off by default); a phrase that misleads
 * (another code's registered phrase, or words of another class: "200 Not
 * Found", "404 OK") is reason-phrase-mismatch. */
static void check_reason(respcheck_parser_t *p,
                         const respcheck_status_info_t *info) {
  const respcheck_response_t *r = &p->resp;
  const respcheck_status_info_t *other =
      respcheck_status_by_phrase(r->reason.ptr, r->reason.len);
  uint64_t at = (uint64_t)(r->reason.ptr - p->hbase) + p->head_abs;
  unsigned cls;
  char q[200];

  respcheck__quote(q, sizeof(q), r->reason.ptr, r->reason.len);
  if (other != NULL && other->code != r->status) {
    respcheck__emit(p, RESPCHECK_RULE_REASON_PHRASE_MISMATCH, at,
                    "reason \"%s\" is the phrase of %d, not of %d (\"%s\")", q,
                    other->code, r->status, info->phrase);
    return;
  }
  cls = phrase_classes(r->reason.ptr, r->reason.len);
  if (cls != 0 && !(cls & (1u << (r->status / 100)))) {
    respcheck__emit(p, RESPCHECK_RULE_REASON_PHRASE_MISMATCH, at,
                    "reason \"%s\" names another class than %dxx; the "
                    "registered phrase of %d is \"%s\"",
                    q, r->status / 100, r->status, info->phrase);
    return;
  }
  respcheck__emit(p, RESPCHECK_RULE_REASON_PHRASE_NONSTANDARD, at,
                  "reason \"%s\" for %d; the registered phrase is \"%s\"", q,
                  r->status, info->phrase);
}

/* The rules of the status code (RFC 9110 15), of the fields the status
 * forbids, and of the fields it requires. With cut (the stream ended inside
 * the head), only what the bytes read already show: a reason phrase
 * compared only once its line ended, no field missing. */
static RC_INLINE void check_head_semantics(respcheck_parser_t *p, int cut) {
  const head_facts_t *f = &p->facts;
  const respcheck_request_t *req = respcheck__current_request(p);
  respcheck_response_t *r = &p->resp;
  int st = r->status;
  const respcheck_status_info_t *info = r->info;
  const struct required_field *need;

  if (f->code_misread) {
    /* status-line-syntax said it: llhttp's number is not the code sent. */
  } else if (st < 100 || st > 599) {
    respcheck__emit(p, RESPCHECK_RULE_STATUS_CLASS_INVALID, f->code_offset,
                    "status code %d is outside 100-599; handled as 500", st);
  } else if (info == NULL) {
    if (st / 100 == 3)
      respcheck__emit(
          p, RESPCHECK_RULE_STATUS_UNREGISTERED, f->code_offset,
          "status code %d is not registered; handled as 300 Multiple "
          "Choices (RFC 1945 9.3)",
          st);
    else
      respcheck__emit(p, RESPCHECK_RULE_STATUS_UNREGISTERED, f->code_offset,
                      "status code %d is not registered; handled as %d", st,
                      r->effective_status);
  } else {
    switch (info->state) {
    case RESPCHECK_STATUS_RESERVED:
      respcheck__emit(p, RESPCHECK_RULE_STATUS_RESERVED, f->code_offset,
                      "status code %d is reserved (unused); handled as %d", st,
                      r->effective_status);
      break;
    case RESPCHECK_STATUS_TEMPORARY:
      respcheck__emit(p, RESPCHECK_RULE_STATUS_TEMPORARY, f->code_offset,
                      "status code %d is a temporary registration expiring %s",
                      st, info->expires ? info->expires : "(unknown)");
      break;
    case RESPCHECK_STATUS_DEPRECATED:
      respcheck__emit(p, RESPCHECK_RULE_STATUS_DEPRECATED, f->code_offset,
                      "status code %d is deprecated", st);
      break;
    case RESPCHECK_STATUS_OBSOLETED:
      respcheck__emit(p, RESPCHECK_RULE_STATUS_OBSOLETED, f->code_offset,
                      "status code %d is marked obsoleted", st);
      break;
    default:
      break;
    }
    if (r->reason.len && info->state != RESPCHECK_STATUS_RESERVED &&
        (!cut || f->status_line_read) &&
        (f->phrase_known
             ? f->phrase_known == 1
             : !respcheck__phrase_matches(info, r->reason.ptr, r->reason.len)))
      check_reason(p, info);
  }

  if (is_1xx(st)) {
    /* RFC 1945 9.1: HTTP/1.0 defines no 1xx; RFC 9110 15.2: "a server
     * MUST NOT send a 1xx response to an HTTP/1.0 client". */
    int v10 = r->version_major == 1 && r->version_minor == 0;
    int req10 = req->version_major == 1 && req->version_minor == 0;
    if (v10 || req10)
      respcheck__emit(p, RESPCHECK_RULE_STATUS_1XX_HTTP10, f->code_offset,
                      "%d response %s", st,
                      v10 ? "in HTTP/1.0" : "to an HTTP/1.0 request");
  }
  /* RFC 9110 8.6 and RFC 9112 6.1: neither field in a 1xx, a 204, or a
   * 2xx to CONNECT. */
  if (is_1xx(st) || st == 204 ||
      (req->method == RESPCHECK_METHOD_CONNECT && st >= 200 && st <= 299)) {
    const char *to = st >= 200 && st != 204 ? " to CONNECT" : "";
    if (f->seen & KF_CONTENT_LENGTH)
      respcheck__emit(p, RESPCHECK_RULE_CONTENT_LENGTH_FORBIDDEN, f->cl_offset,
                      "Content-Length in a %d response%s", st, to);
    if (f->seen & KF_TRANSFER_ENCODING)
      respcheck__emit(p, RESPCHECK_RULE_TRANSFER_ENCODING_FORBIDDEN,
                      f->te_offset, "Transfer-Encoding in a %d response%s", st,
                      to);
  }
  if (f->seen & KF_TRANSFER_ENCODING) {
    /* RFC 9112 6.1: a recipient of an HTTP/1.0 message with
     * Transfer-Encoding "MUST treat the message as if the framing is
     * faulty"; a server MUST NOT send it unless the request was HTTP/1.1. */
    if (r->version_major == 1 && r->version_minor == 0)
      respcheck__emit(
          p, RESPCHECK_RULE_TRANSFER_ENCODING_HTTP10, f->te_offset,
          "Transfer-Encoding in an HTTP/1.0 response: framing is faulty");
    else if (req->version_major == 1 && req->version_minor == 0)
      respcheck__emit(p, RESPCHECK_RULE_TRANSFER_ENCODING_HTTP10, f->te_offset,
                      "Transfer-Encoding in a response to an HTTP/1.0 request");
  }
  if (st == 205 && ((f->seen & KF_TRANSFER_ENCODING) ||
                    (f->content_length_ok && f->content_length > 0)))
    respcheck__emit(p, RESPCHECK_RULE_CONTENT_FORBIDDEN, f->code_offset,
                    "205 response with content");

  if (cut)
    return;
  for (need = required_fields; need < required_end && need->status <= st;
       need++) {
    if (need->status == st && !(f->seen & need->any))
      respcheck__emit(p, need->rule, f->code_offset, "%d response without %s",
                      st, need->what);
  }
  if (st >= 200 && st <= 499 && !(f->seen & KF_DATE))
    respcheck__emit(p, RESPCHECK_RULE_DATE_MISSING, f->code_offset,
                    "%d response without Date", st);
  /* "An origin server with a clock ... MUST NOT generate a Last-Modified
   * date that is later than the server's time of message origination
   * (Date)" (RFC 9110 8.8.2.1). */
  if (f->cc_directives)
    respcheck__check_cache_directives(p);
  if (f->cr_form != CR_NONE)
    respcheck__check_content_range_status(p, st);
  if (f->lm_ok && f->date_ok && f->lm_secs > f->date_secs)
    respcheck__emit(p, RESPCHECK_RULE_LAST_MODIFIED_FUTURE, f->lm_offset,
                    "Last-Modified is %lld s later than Date",
                    (long long)(f->lm_secs - f->date_secs));
}

/* How the response is framed (RFC 9112 6.3), and whether the connection
 * persists after it (RFC 9112 9.3). */
static RC_INLINE unsigned decide_framing(respcheck_parser_t *p) {
  const head_facts_t *f = &p->facts;
  const respcheck_request_t *req = respcheck__current_request(p);
  const respcheck_response_t *r = &p->resp;
  int st = r->status;
  unsigned fr = 0;
  int v10 = r->version_major == 1 && r->version_minor == 0;

  if (st == 101)
    return RESPCHECK_FRAMING_UPGRADE | RESPCHECK_FRAMING_NO_BODY;
  if (req->method == RESPCHECK_METHOD_CONNECT && st >= 200 && st <= 299)
    return RESPCHECK_FRAMING_TUNNEL | RESPCHECK_FRAMING_NO_BODY;
  if (is_1xx(st))
    return RESPCHECK_FRAMING_NO_BODY | RESPCHECK_FRAMING_KEEP_ALIVE;
  if (st == 204 || st == 304 || req->method == RESPCHECK_METHOD_HEAD)
    fr = RESPCHECK_FRAMING_NO_BODY;
  else if ((f->seen & KF_TRANSFER_ENCODING) && f->te_codings)
    fr = f->te_chunked_final ? RESPCHECK_FRAMING_CHUNKED
                             : RESPCHECK_FRAMING_CLOSE_DELIMITED;
  else if ((f->seen & KF_CONTENT_LENGTH) && f->content_length_ok)
    fr = RESPCHECK_FRAMING_CONTENT_LENGTH;
  else
    fr = RESPCHECK_FRAMING_CLOSE_DELIMITED;

  if (!(fr & RESPCHECK_FRAMING_CLOSE_DELIMITED) && !f->conn_close &&
      (v10 ? f->conn_keep_alive : r->version_major == 1) &&
      !(v10 && (f->seen & KF_TRANSFER_ENCODING)))
    fr |= RESPCHECK_FRAMING_KEEP_ALIVE;
  return fr;
}

/* The same two passes for a head given as parts (parts.c). The stream's
 * head calls the static ones, which the compiler keeps inline there: once a
 * head, the hot path does not pay for a call across files. */
void respcheck__check_head_semantics(respcheck_parser_t *p) {
  check_head_semantics(p, 0);
}

unsigned respcheck__decide_framing(respcheck_parser_t *p) {
  return decide_framing(p);
}

/* Where llhttp frames the content otherwise than RFC 9112 6.3 does, the
 * two would read different responses from the rest of the stream. */
static int check_tokenizer_framing(respcheck_parser_t *p, unsigned fr) {
  unsigned flags = p->llh.flags;
  int ll_chunked = (flags & F_CHUNKED) != 0;
  int ll_cl = (flags & F_CONTENT_LENGTH) != 0;
  int ours_chunked = (fr & RESPCHECK_FRAMING_CHUNKED) != 0;
  int ours_cl = (fr & RESPCHECK_FRAMING_CONTENT_LENGTH) != 0;

  if (fr & RESPCHECK_FRAMING_NO_BODY)
    return 0;
  if (ll_chunked == ours_chunked && (ll_chunked || ll_cl == ours_cl))
    return 0;
  respcheck__emit(p, RESPCHECK_RULE_TRANSFER_ENCODING_INVALID,
                  p->facts.seen & KF_TRANSFER_ENCODING ? p->facts.te_offset
                                                       : p->head_abs,
                  "llhttp frames this body as %s but RFC 9112 6.3 reads %s",
                  ll_chunked ? "chunked"
                  : ll_cl    ? "Content-Length"
                             : "close-delimited",
                  ours_chunked ? "chunked"
                  : ours_cl    ? "Content-Length"
                               : "close-delimited");
  return 1;
}

void respcheck__keep_refused_head(respcheck_parser_t *p, uint64_t off) {
  respcheck_response_t *r = &p->resp;
  size_t n = 0;
  /* The field lines before the one llhttp stopped in (the line pass found
   * them, in order, with their values' ends). */
  while (n < p->nheaders &&
         p->head_abs + (uint64_t)(p->headers[n].value.ptr - p->buf) +
                 p->headers[n].value.len <
             off)
    n++;
  respcheck__response_head(p, p->llh.http_major, p->llh.http_minor,
                           p->llh.status_code, n);
  if (p->facts.obs_fold)
    respcheck__unfold(p);
  r->framing = 0;
  r->content_length = 0;
  r->verdict =
      p->counts[RESPCHECK_SEVERITY_ERROR] ? RESPCHECK_REJECT : RESPCHECK_ACCEPT;
  p->flags |= PF_HEAD_KEPT;
}

/* The head is read, and its lines checked: the semantic checks, the
 * framing decision, and on_head. Returns what on_headers_complete does. */
int respcheck__head_complete(respcheck_parser_t *p, llhttp_t *l) {
  respcheck_response_t *r = &p->resp;
  unsigned fr;
  int desync;

  p->flags |= PF_HEAD_DONE;
  if (p->flags & PF_BYTES_PENDING) {
    p->flags &= ~PF_BYTES_PENDING;
#if RESPCHECK_VERIFY_FAST_PATH
    /* Strict llhttp accepted the head, so the byte checks must find
     * nothing: a finding here is a bug, and stops the process. */
    p->flags |= PF_VERIFYING;
    respcheck__check_line_bytes(p);
    p->flags &= ~PF_VERIFYING;
#endif
  }
  respcheck__response_head(p, l->http_major,
                           /* An HTTP/1.x with x > 1 was read as HTTP/1.1
                            * (RFC 9110 6.2); the head says what was sent. */
                           (p->facts.llhttp_fix & FIX_VERSION)
                               ? (unsigned)p->facts.version_minor
                               : l->http_minor,
                           l->status_code, p->nheaders);
  check_head_semantics(p, 0);
  fr = decide_framing(p);
  /* A head read where it lay stays there only if the response ends in the
   * same call: its spans must outlive on_head, up to on_message_end. */
  if (p->hbase != p->buf &&
      !((fr & RESPCHECK_FRAMING_NO_BODY) ||
        ((fr & RESPCHECK_FRAMING_CONTENT_LENGTH) &&
         p->facts.content_length <= p->f_avail - p->buf_len)))
    respcheck__fast_keep_head(p);
  desync = check_tokenizer_framing(p, fr);
  if (p->facts.obs_fold)
    respcheck__unfold(p);
  r->framing = fr;
  r->content_length =
      (fr & RESPCHECK_FRAMING_CONTENT_LENGTH) ? p->facts.content_length : 0;
  r->verdict =
      p->counts[RESPCHECK_SEVERITY_ERROR] ? RESPCHECK_REJECT : RESPCHECK_ACCEPT;
  if (is_1xx(r->status) && r->status != 101)
    p->flags |= PF_INTERIM;
  p->flags |= PF_HEAD_DELIVERED;
  l->settings = &p->body_settings;
  if (p->cb.on_head && p->cb.on_head(p->user, r) != 0) {
    respcheck__set_error(p, RESPCHECK_E_CALLBACK, p->head_abs + p->buf_len,
                         "on_head asked to stop");
    return -1;
  }
  if (desync) {
    /* llhttp would read the content, and every response after it, in
     * another place than the RFC: nothing after this head can be read. */
    respcheck__set_error(
        p, RESPCHECK_E_FRAMING, p->head_abs + p->buf_len,
        "llhttp frames the content otherwise than RFC 9112 6.3");
    return -1;
  }
  if (fr & (RESPCHECK_FRAMING_UPGRADE | RESPCHECK_FRAMING_TUNNEL))
    return 2;
  /* Chunked content is read by chunked.c: for llhttp the message ends with
   * its head (which it has read to the same end, and framed as chunked
   * too: check_tokenizer_framing). */
  return (fr & (RESPCHECK_FRAMING_NO_BODY | RESPCHECK_FRAMING_CHUNKED)) ? 1 : 0;
}

/* The stream ended inside a head whose lines lines.c has checked as far as
 * they go (respcheck__check_cut_head): what the status line says, then
 * message-truncated, and the message's end, whose record keeps the status
 * line and the complete field lines once the version and code were read
 * (PF_HEAD_KEPT, as for a head llhttp refuses; on_head is not called:
 * there is no head to act on). */
void respcheck__head_cut(respcheck_parser_t *p) {
  respcheck_response_t *r = &p->resp;
  int known = p->facts.cut_status >= 0;
  if (known) {
    respcheck__response_head(p, (unsigned)(p->buf[5] - '0'),
                             (unsigned)p->facts.version_minor,
                             p->facts.cut_status, p->nheaders);
    check_head_semantics(p, 1);
  }
  respcheck__emit(p, RESPCHECK_RULE_MESSAGE_TRUNCATED, p->offset,
                  "the stream ended inside the header section");
  if (known) {
    if (p->facts.obs_fold)
      respcheck__unfold(p);
    r->framing = 0;
    r->content_length = 0;
    r->verdict = p->counts[RESPCHECK_SEVERITY_ERROR] ? RESPCHECK_REJECT
                                                     : RESPCHECK_ACCEPT;
    p->flags |= PF_HEAD_KEPT;
  }
  respcheck__abort_message(p, p->offset);
}
