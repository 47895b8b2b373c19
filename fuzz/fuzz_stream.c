/* SPDX-License-Identifier: MIT */
/*
 * fuzz_stream: arbitrary bytes fed to one parser in chunks, with options,
 * request contexts and callbacks chosen by the configuration block
 * (fuzz_common.h). After every callback and every call it checks what the
 * header promises:
 *
 * - every finding: a known rule with its id and reference, the severity in
 *   force (an out-of-range severity counts as error), an offset no larger
 *   than the bytes fed, inside its message's [offset, end_offset], and the
 *   index of the response being read;
 * - responses are sequential: findings, head, body and end of response i
 *   all carry index i, one head at most, ends in increasing index order,
 *   end of i <= start of i + 1, start <= end <= bytes fed;
 * - a head: status 0-999, effective_status = respcheck_status_effective()
 *   and the RFC 9110 15 rule, info = respcheck_status_lookup(), the request
 *   context the queue says, consistent framing flags, verdict = reject iff
 *   an error finding came before it; every byte of its spans is read (ASan
 *   catches a bad span), names and values equal the input bytes at their
 *   offsets, offsets inside [offset, offset + head_length); the spans are
 *   unchanged when the message ends;
 * - a message end: verdict = (error_count > 0), counts equal what
 *   on_finding delivered, a complete Content-Length body has its length;
 * - body and tunnel bytes lie inside the caller's current buffer (each
 *   chunk is its own allocation: a pointer kept past the call is a
 *   use-after-free), tunnel bytes are contiguous after the message end;
 * - fatal findings (parse-error, limits) come with a sticky error; after it
 *   every call returns the same error and no callback runs; after finish,
 *   every message has ended.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "respcheck.h"

typedef struct state {
  const rcf_config_t *cfg;
  respcheck_parser_t *p;
  const uint8_t *in;
  size_t in_len;

  uint64_t fed; /* bytes handed to respcheck_execute, the current call's too */
  const char *chunk;
  size_t chunk_len;
  uint64_t chunk_abs;
  int in_call;
  int in_finish; /* in respcheck_finish */
  int dead;      /* a sticky error or finish: no callback may run */
  int fatal; /* a fatal finding in this call: only its message end follows */
  int fatal_end_seen;
  int parse_error_seen, limit_seen, te_invalid_seen;
  uint64_t fatal_offset; /* of the fatal finding in this call */
  int end_in_call;       /* a message ended in this call ... */
  uint64_t last_end;     /* ... at this offset */

  /* Responses. */
  uint64_t ends;
  uint64_t prev_end;
  unsigned heads;
  int tunnel;
  uint64_t tunnel_next;
  unsigned body_calls;
  int stop_requested;

  /* The response being read (index == ends). */
  unsigned counts[4];
  int errors_before_head;
  int head_seen;
  int head_status;
  int head_interim;
  uint64_t head_offset, head_len;
  unsigned framing;
  uint64_t content_length;
  uint64_t body_bytes;
  int body_stopped;
  uint64_t min_finding, max_finding;
  int have_finding;
  const respcheck_response_t *resp;
  respcheck_response_t resp_copy;
  respcheck_header_t *hdr_copy;
  unsigned char *span_copy;
  size_t span_len;

  /* The request queue as the header describes it. */
  respcheck_request_t q[32]; /* max_pending_requests is at most 32 */
  size_t q_first, q_len, q_cap;
} state_t;

static volatile unsigned char sink;

static void touch(const char *p, size_t n) {
  size_t i;
  unsigned char acc = 0;
  CHECK(n == 0 || p != NULL, "span with NULL pointer and length %zu", n);
  for (i = 0; i < n; i++)
    acc ^= (unsigned char)p[i];
  sink ^= acc;
}

static int same_request(const respcheck_request_t *a,
                        const respcheck_request_t *b) {
  return a->method == b->method && a->version_major == b->version_major &&
         a->version_minor == b->version_minor;
}

static const respcheck_request_t *expected_request(const state_t *s) {
  return s->q_len ? &s->q[s->q_first] : &s->cfg->opts.default_request;
}

static int is_fatal_rule(respcheck_rule_t r) {
  return r == RESPCHECK_RULE_PARSE_ERROR ||
         r == RESPCHECK_RULE_HEADER_SECTION_TOO_LARGE ||
         r == RESPCHECK_RULE_TOO_MANY_HEADERS ||
         r == RESPCHECK_RULE_LINE_TOO_LONG ||
         r == RESPCHECK_RULE_CHUNK_EXTENSION_TOO_LONG;
}

static void reset_response(state_t *s) {
  memset(s->counts, 0, sizeof(s->counts));
  s->errors_before_head = 0;
  s->head_seen = 0;
  s->head_status = 0;
  s->head_interim = 0;
  s->framing = 0;
  s->content_length = 0;
  s->body_bytes = 0;
  s->body_stopped = 0;
  s->have_finding = 0;
  s->resp = NULL;
  free(s->hdr_copy);
  s->hdr_copy = NULL;
  free(s->span_copy);
  s->span_copy = NULL;
  s->span_len = 0;
}

static void common_checks(state_t *s, const char *what) {
  CHECK(s->in_call, "%s outside respcheck_execute/finish", what);
  CHECK(!s->dead, "%s after a sticky error or finish", what);
  CHECK(!s->tunnel, "%s after the stream entered a tunnel", what);
}

static void on_finding(void *u, const respcheck_finding_t *f) {
  state_t *s = u;
  unsigned char want;
  size_t mlen;

  common_checks(s, "on_finding");
  CHECK(!s->fatal, "finding %d after a fatal finding", (int)f->rule);
  CHECK((unsigned)f->rule < RESPCHECK_RULE_COUNT, "rule %d", (int)f->rule);
  CHECK(f->id != NULL && strcmp(f->id, respcheck_rule_id(f->rule)) == 0,
        "id of rule %d", (int)f->rule);
  CHECK(f->reference != NULL &&
            strcmp(f->reference, respcheck_rule_reference(f->rule)) == 0,
        "reference of rule %s", f->id);
  CHECK(f->message != NULL, "message of %s", f->id);
  mlen = strlen(f->message);
  CHECK(mlen > 0 && mlen < 384, "message length %zu of %s", mlen, f->id);
  want = s->cfg->opts.severity[f->rule];
  if (want > RESPCHECK_SEVERITY_ERROR)
    want = RESPCHECK_SEVERITY_ERROR;
  CHECK(want != RESPCHECK_SEVERITY_OFF, "%s reported while off", f->id);
  CHECK((unsigned)f->severity == want, "%s severity %d, configured %d", f->id,
        (int)f->severity, (int)want);
  CHECK(f->offset <= s->fed && f->offset <= s->in_len,
        "%s offset %llu past the %llu bytes fed", f->id,
        (unsigned long long)f->offset, (unsigned long long)s->fed);
  CHECK(f->offset >= s->prev_end,
        "%s offset %llu before the end %llu of the previous message", f->id,
        (unsigned long long)f->offset, (unsigned long long)s->prev_end);
  CHECK(f->response_index == s->ends, "%s for response %llu while %llu is read",
        f->id, (unsigned long long)f->response_index,
        (unsigned long long)s->ends);
  CHECK(respcheck_parser_response_count(s->p) == s->ends + 1,
        "response count %llu during response %llu",
        (unsigned long long)respcheck_parser_response_count(s->p),
        (unsigned long long)s->ends);
  s->counts[f->severity]++;
  if (!s->head_seen && f->severity == RESPCHECK_SEVERITY_ERROR)
    s->errors_before_head++;
  if (!s->have_finding || f->offset < s->min_finding)
    s->min_finding = f->offset;
  if (!s->have_finding || f->offset > s->max_finding)
    s->max_finding = f->offset;
  s->have_finding = 1;
  if (f->rule == RESPCHECK_RULE_MESSAGE_TRUNCATED)
    CHECK(s->in_finish, "message-truncated before the end of the stream");
  if (f->rule == RESPCHECK_RULE_TRANSFER_ENCODING_INVALID ||
      f->rule == RESPCHECK_RULE_TRAILER_FIELD_FORBIDDEN)
    s->te_invalid_seen = 1;
  if (is_fatal_rule(f->rule)) {
    s->fatal = 1;
    s->fatal_offset = f->offset;
    if (f->rule == RESPCHECK_RULE_PARSE_ERROR)
      s->parse_error_seen = 1;
    else
      s->limit_seen = 1;
  }
}

/* RFC 9110 15, spelled out again: a registered code is itself; 100-599
 * otherwise is the x00 of its class; anything else is 500. */
static int rfc_effective(int code) {
  const respcheck_status_info_t *info;
  if (code < 100 || code > 599)
    return 500;
  info = respcheck_status_lookup(code);
  if (info && info->state != RESPCHECK_STATUS_RESERVED)
    return code;
  return code / 100 * 100;
}

static void check_framing(const respcheck_response_t *r) {
  unsigned fr = r->framing;
  unsigned kind =
      fr & (RESPCHECK_FRAMING_CONTENT_LENGTH | RESPCHECK_FRAMING_CHUNKED |
            RESPCHECK_FRAMING_CLOSE_DELIMITED | RESPCHECK_FRAMING_NO_BODY);
  int st = r->status;
  int connect_2xx =
      r->request.method == RESPCHECK_METHOD_CONNECT && st >= 200 && st <= 299;

  CHECK((fr & ~0x7fu) == 0, "framing %#x has unknown bits", fr);
  CHECK(kind && (kind & (kind - 1)) == 0,
        "framing %#x is not exactly one of content-length, chunked, "
        "close-delimited, no body",
        fr);
  CHECK(!!(fr & RESPCHECK_FRAMING_UPGRADE) == (st == 101),
        "status %d framing %#x: upgrade iff 101", st, fr);
  CHECK(!!(fr & RESPCHECK_FRAMING_TUNNEL) == (connect_2xx && st != 101),
        "status %d to %s framing %#x: tunnel iff 2xx to CONNECT", st,
        respcheck_method_name(r->request.method), fr);
  if (fr & (RESPCHECK_FRAMING_UPGRADE | RESPCHECK_FRAMING_TUNNEL))
    CHECK(fr == (RESPCHECK_FRAMING_NO_BODY |
                 (fr & (RESPCHECK_FRAMING_UPGRADE | RESPCHECK_FRAMING_TUNNEL))),
          "tunnel framing %#x", fr);
  if (st >= 100 && st <= 199 && st != 101)
    CHECK(fr == (RESPCHECK_FRAMING_NO_BODY | RESPCHECK_FRAMING_KEEP_ALIVE),
          "1xx framing %#x", fr);
  if (st == 204 || st == 304 || r->request.method == RESPCHECK_METHOD_HEAD ||
      (st >= 100 && st <= 199))
    CHECK(fr & RESPCHECK_FRAMING_NO_BODY, "status %d to %s has a body (%#x)",
          st, respcheck_method_name(r->request.method), fr);
  CHECK(!((fr & RESPCHECK_FRAMING_CLOSE_DELIMITED) &&
          (fr & RESPCHECK_FRAMING_KEEP_ALIVE)),
        "close-delimited and keep-alive (%#x)", fr);
  if (!(fr & RESPCHECK_FRAMING_CONTENT_LENGTH))
    CHECK(r->content_length == 0, "content_length %llu without the flag",
          (unsigned long long)r->content_length);
}

/* The head's spans, copied so that the message end can see them unchanged;
 * and compared with the input bytes they were read from. */
static void check_spans(state_t *s, const respcheck_response_t *r) {
  size_t i, total = r->reason.len, o = 0;
  const char *base = NULL;

  touch(r->reason.ptr, r->reason.len);
  CHECK(r->header_count == 0 || r->headers != NULL, "headers NULL");
  CHECK(r->header_count <= s->cfg->opts.max_headers, "%zu fields, limit %zu",
        r->header_count, s->cfg->opts.max_headers);
  for (i = 0; i < r->header_count; i++) {
    const respcheck_header_t *h = &r->headers[i];
    touch(h->name.ptr, h->name.len);
    touch(h->value.ptr, h->value.len);
    total += h->name.len + h->value.len;
    CHECK(h->offset >= r->offset && h->offset < r->offset + r->head_length,
          "field %zu at %llu outside the head [%llu, +%llu)", i,
          (unsigned long long)h->offset, (unsigned long long)r->offset,
          (unsigned long long)r->head_length);
    CHECK(h->offset + h->name.len <= r->offset + r->head_length,
          "field %zu name runs past the head", i);
    /* The name as sent. */
    CHECK(h->offset + h->name.len <= s->in_len &&
              memcmp(h->name.ptr, s->in + h->offset, h->name.len) == 0,
          "field %zu name differs from the input at %llu", i,
          (unsigned long long)h->offset);
  }
  if (r->header_count) {
    /* Every span points into one copy of the head: find its start. */
    base = r->headers[0].name.ptr - (r->headers[0].offset - r->offset);
    for (i = 0; i < r->header_count; i++) {
      const respcheck_header_t *h = &r->headers[i];
      size_t k;
      uint64_t at;
      CHECK(h->name.ptr - base == (ptrdiff_t)(h->offset - r->offset),
            "field %zu name is not where its offset says", i);
      CHECK(h->value.ptr >= base &&
                (uint64_t)(h->value.ptr - base) + h->value.len <=
                    r->head_length,
            "field %zu value outside the head", i);
      at = r->offset + (uint64_t)(h->value.ptr - base);
      for (k = 0; k < h->value.len; k++) {
        unsigned char v = (unsigned char)h->value.ptr[k];
        unsigned char b = s->in[at + k];
        /* An obs-fold is shown as spaces (respcheck.h). */
        CHECK(v == b || (v == ' ' && (b == '\r' || b == '\n')),
              "field %zu value byte %zu is %#x, the input has %#x", i, k, v, b);
      }
    }
    if (r->reason.len) {
      uint64_t at;
      CHECK(r->reason.ptr >= base &&
                (uint64_t)(r->reason.ptr - base) + r->reason.len <=
                    r->head_length,
            "reason outside the head");
      at = r->offset + (uint64_t)(r->reason.ptr - base);
      CHECK(memcmp(r->reason.ptr, s->in + at, r->reason.len) == 0,
            "reason differs from the input");
    }
  }

  s->resp = r;
  s->resp_copy = *r;
  if (r->header_count) {
    s->hdr_copy = malloc(r->header_count * sizeof(*s->hdr_copy));
    CHECK(s->hdr_copy != NULL, "out of memory");
    memcpy(s->hdr_copy, r->headers, r->header_count * sizeof(*s->hdr_copy));
  }
  s->span_copy = malloc(total ? total : 1);
  CHECK(s->span_copy != NULL, "out of memory");
  if (r->reason.len)
    memcpy(s->span_copy, r->reason.ptr, r->reason.len);
  o = r->reason.len;
  for (i = 0; i < r->header_count; i++) {
    const respcheck_header_t *h = &r->headers[i];
    if (h->name.len)
      memcpy(s->span_copy + o, h->name.ptr, h->name.len);
    o += h->name.len;
    if (h->value.len)
      memcpy(s->span_copy + o, h->value.ptr, h->value.len);
    o += h->value.len;
  }
  s->span_len = total;
}

/* respcheck.h: the head's pointers stay valid until on_message_end of the
 * same response returns. */
static void check_spans_unchanged(const state_t *s) {
  const respcheck_response_t *c = &s->resp_copy;
  size_t i, o;
  CHECK(memcmp(&s->resp->reason, &c->reason, sizeof(c->reason)) == 0 &&
            s->resp->headers == c->headers &&
            s->resp->header_count == c->header_count,
        "the head changed before its message ended");
  if (c->header_count)
    CHECK(memcmp(c->headers, s->hdr_copy,
                 c->header_count * sizeof(*s->hdr_copy)) == 0,
          "the header array changed before the message ended");
  if (c->reason.len)
    CHECK(memcmp(c->reason.ptr, s->span_copy, c->reason.len) == 0,
          "the reason bytes changed before the message ended");
  o = c->reason.len;
  for (i = 0; i < c->header_count; i++) {
    const respcheck_header_t *h = &c->headers[i];
    if (h->name.len)
      CHECK(memcmp(h->name.ptr, s->span_copy + o, h->name.len) == 0,
            "field %zu name changed before the message ended", i);
    o += h->name.len;
    if (h->value.len)
      CHECK(memcmp(h->value.ptr, s->span_copy + o, h->value.len) == 0,
            "field %zu value changed before the message ended", i);
    o += h->value.len;
  }
}

static int on_head(void *u, const respcheck_response_t *r) {
  state_t *s = u;
  const respcheck_request_t *req = expected_request(s);
  int stop;

  common_checks(s, "on_head");
  CHECK(!s->fatal, "head after a fatal finding");
  CHECK(!s->head_seen, "second head for response %llu",
        (unsigned long long)r->index);
  CHECK(r->index == s->ends, "head #%llu while response %llu is read",
        (unsigned long long)r->index, (unsigned long long)s->ends);
  CHECK(respcheck_parser_response_count(s->p) == s->ends + 1,
        "response count %llu at head %llu",
        (unsigned long long)respcheck_parser_response_count(s->p),
        (unsigned long long)r->index);
  CHECK(r->offset >= s->prev_end, "head at %llu before the previous end %llu",
        (unsigned long long)r->offset, (unsigned long long)s->prev_end);
  CHECK(r->head_length > 0 && r->offset + r->head_length <= s->fed,
        "head [%llu, +%llu) past the %llu bytes fed",
        (unsigned long long)r->offset, (unsigned long long)r->head_length,
        (unsigned long long)s->fed);
  CHECK(r->head_length <= s->cfg->opts.max_header_bytes,
        "head of %llu bytes, limit %zu", (unsigned long long)r->head_length,
        s->cfg->opts.max_header_bytes);
  CHECK(r->version_major <= 9 && r->version_minor <= 9, "version %u.%u",
        r->version_major, r->version_minor);
  CHECK(r->status >= 0 && r->status <= 999, "status %d", r->status);
  CHECK(r->effective_status == respcheck_status_effective(r->status) &&
            r->effective_status == rfc_effective(r->status),
        "status %d effective %d, RFC 9110 15 says %d", r->status,
        r->effective_status, rfc_effective(r->status));
  CHECK(r->info == respcheck_status_lookup(r->status), "info of %d", r->status);
  CHECK(same_request(&r->request, req),
        "response %llu read with request %s %u.%u; the queue says %s %u.%u",
        (unsigned long long)r->index, respcheck_method_name(r->request.method),
        r->request.version_major, r->request.version_minor,
        respcheck_method_name(req->method), req->version_major,
        req->version_minor);
  CHECK(r->verdict ==
            (s->errors_before_head ? RESPCHECK_REJECT : RESPCHECK_ACCEPT),
        "head verdict %d after %d error findings", (int)r->verdict,
        s->errors_before_head);
  check_framing(r);
  check_spans(s, r);
  s->head_seen = 1;
  s->head_status = r->status;
  s->head_interim = r->status >= 100 && r->status <= 199 && r->status != 101;
  s->head_offset = r->offset;
  s->head_len = r->head_length;
  s->framing = r->framing;
  s->content_length = r->content_length;
  stop = (s->cfg->flags & RCF_F_HEAD_STOP) && s->heads == s->cfg->head_stop;
  s->heads++;
  if (stop)
    s->stop_requested = 1;
  return stop ? 1 : 0;
}

static int in_chunk(const state_t *s, const char *at, size_t len) {
  return at >= s->chunk && len <= s->chunk_len &&
         (size_t)(at - s->chunk) <= s->chunk_len - len;
}

static void check_in_chunk(const state_t *s, const char *at, size_t len,
                           const char *what) {
  CHECK(in_chunk(s, at, len),
        "%s bytes [%p, +%zu) outside the caller's buffer [%p, +%zu)", what,
        (const void *)at, len, (const void *)s->chunk, s->chunk_len);
}

static int on_body(void *u, const char *at, size_t len) {
  state_t *s = u;
  int stop;
  common_checks(s, "on_body");
  CHECK(!s->fatal, "body after a fatal finding");
  CHECK(s->head_seen, "body before the head of response %llu",
        (unsigned long long)s->ends);
  CHECK(!(s->framing & RESPCHECK_FRAMING_NO_BODY),
        "body for a response without one (status %d, framing %#x)",
        s->head_status, s->framing);
  CHECK(!s->body_stopped, "body after on_body asked to stop");
  check_in_chunk(s, at, len, "body");
  touch(at, len);
  s->body_bytes += len;
  if (s->framing & RESPCHECK_FRAMING_CONTENT_LENGTH)
    CHECK(s->body_bytes <= s->content_length,
          "%llu body bytes for Content-Length %llu",
          (unsigned long long)s->body_bytes,
          (unsigned long long)s->content_length);
  stop =
      (s->cfg->flags & RCF_F_BODY_STOP) && s->body_calls == s->cfg->body_stop;
  s->body_calls++;
  if (stop) {
    s->stop_requested = 1;
    s->body_stopped = 1;
  }
  return stop ? 1 : 0;
}

static void on_end(void *u, const respcheck_message_end_t *m) {
  state_t *s = u;
  unsigned known =
      RESPCHECK_END_COMPLETE | RESPCHECK_END_HEAD | RESPCHECK_END_ABORTED;
  unsigned how = m->flags & (RESPCHECK_END_COMPLETE | RESPCHECK_END_ABORTED);

  common_checks(s, "on_message_end");
  CHECK(!s->fatal_end_seen, "two message ends after a fatal finding");
  if (s->fatal)
    s->fatal_end_seen = 1;
  CHECK(m->index == s->ends, "end #%llu, expected #%llu",
        (unsigned long long)m->index, (unsigned long long)s->ends);
  CHECK(respcheck_parser_response_count(s->p) == s->ends + 1,
        "response count %llu at end %llu",
        (unsigned long long)respcheck_parser_response_count(s->p),
        (unsigned long long)m->index);
  CHECK((m->flags & ~known) == 0, "end flags %#x", m->flags);
  CHECK(how == RESPCHECK_END_COMPLETE || how == RESPCHECK_END_ABORTED,
        "end flags %#x: not exactly one of complete, aborted", m->flags);
  CHECK(!!(m->flags & RESPCHECK_END_HEAD) == s->head_seen,
        "end flags %#x, head %s", m->flags, s->head_seen ? "seen" : "not seen");
  CHECK(!(m->flags & RESPCHECK_END_COMPLETE) || s->head_seen,
        "complete without a head");
  CHECK(m->offset >= s->prev_end, "message %llu starts at %llu, before %llu",
        (unsigned long long)m->index, (unsigned long long)m->offset,
        (unsigned long long)s->prev_end);
  CHECK(m->offset <= m->end_offset && m->end_offset <= s->fed,
        "message %llu [%llu, %llu) with %llu bytes fed",
        (unsigned long long)m->index, (unsigned long long)m->offset,
        (unsigned long long)m->end_offset, (unsigned long long)s->fed);
  if (s->head_seen)
    CHECK(s->head_offset >= m->offset &&
              s->head_offset + s->head_len <= m->end_offset,
          "head [%llu, +%llu) outside its message [%llu, %llu)",
          (unsigned long long)s->head_offset, (unsigned long long)s->head_len,
          (unsigned long long)m->offset, (unsigned long long)m->end_offset);
  if (s->have_finding)
    CHECK(s->min_finding >= m->offset && s->max_finding <= m->end_offset,
          "findings at [%llu, %llu] outside message %llu [%llu, %llu]",
          (unsigned long long)s->min_finding,
          (unsigned long long)s->max_finding, (unsigned long long)m->index,
          (unsigned long long)m->offset, (unsigned long long)m->end_offset);
  CHECK(m->verdict == (m->error_count ? RESPCHECK_REJECT : RESPCHECK_ACCEPT),
        "end verdict %d with %u errors", (int)m->verdict, m->error_count);
  if (s->p && !(s->cfg->flags & RCF_F_NULL_ALL))
    CHECK(m->error_count == s->counts[RESPCHECK_SEVERITY_ERROR] &&
              m->warning_count == s->counts[RESPCHECK_SEVERITY_WARNING] &&
              m->info_count == s->counts[RESPCHECK_SEVERITY_INFO],
          "end counts %u/%u/%u, on_finding delivered %u/%u/%u", m->error_count,
          m->warning_count, m->info_count, s->counts[RESPCHECK_SEVERITY_ERROR],
          s->counts[RESPCHECK_SEVERITY_WARNING],
          s->counts[RESPCHECK_SEVERITY_INFO]);
  if ((m->flags & RESPCHECK_END_COMPLETE) &&
      (s->framing & RESPCHECK_FRAMING_CONTENT_LENGTH) &&
      !(s->cfg->flags & RCF_F_NULL_OPTIONAL))
    CHECK(s->body_bytes == s->content_length,
          "complete with %llu body bytes for Content-Length %llu",
          (unsigned long long)s->body_bytes,
          (unsigned long long)s->content_length);
  if (s->head_seen) {
    CHECK(m->response == s->resp,
          "the end's record is not the head on_head had");
  } else if (m->response != NULL) {
    /* A head refused after its status line: what was read of it. */
    const respcheck_response_t *r = m->response;
    CHECK(m->flags & RESPCHECK_END_ABORTED, "a kept head in a complete end");
    CHECK(r->index == m->index && r->offset >= m->offset &&
              r->offset + r->head_length <= m->end_offset,
          "kept head #%llu [%llu, +%llu) outside its message",
          (unsigned long long)r->index, (unsigned long long)r->offset,
          (unsigned long long)r->head_length);
    CHECK(r->version_major <= 9 && r->version_minor <= 9 && r->status >= 0 &&
              r->status <= 999,
          "kept head %u.%u %d", r->version_major, r->version_minor, r->status);
    CHECK(r->effective_status == rfc_effective(r->status) &&
              r->info == respcheck_status_lookup(r->status),
          "kept head: status %d effective %d", r->status, r->effective_status);
    CHECK(r->framing == 0 && r->content_length == 0, "kept head framing %#x",
          r->framing);
    CHECK(r->verdict == m->verdict, "kept head verdict %d, end %d",
          (int)r->verdict, (int)m->verdict);
    CHECK(same_request(&r->request, expected_request(s)),
          "kept head read with another request context");
    check_spans(s, r); /* its spans are the input's bytes */
  }
  if (s->head_seen) {
    check_spans_unchanged(s);
    /* A final response consumes its request context; a 1xx does not. */
    if (!s->head_interim && s->q_len) {
      s->q_first = (s->q_first + 1) % s->q_cap;
      s->q_len--;
    }
    if ((m->flags & RESPCHECK_END_COMPLETE) &&
        (s->framing & (RESPCHECK_FRAMING_UPGRADE | RESPCHECK_FRAMING_TUNNEL))) {
      s->tunnel = 1;
      s->tunnel_next = m->end_offset;
    }
  }
  s->prev_end = m->end_offset;
  s->end_in_call = 1;
  s->last_end = m->end_offset;
  s->ends++;
  reset_response(s);
}

static void on_tunnel(void *u, const char *at, size_t len, uint64_t off) {
  state_t *s = u;
  CHECK(s->in_call && !s->dead, "on_tunnel outside a call or after an error");
  CHECK(s->tunnel, "tunnel bytes before a 101 or CONNECT tunnel ended");
  CHECK(len > 0, "empty tunnel piece");
  CHECK(off == s->tunnel_next, "tunnel piece at %llu, expected %llu",
        (unsigned long long)off, (unsigned long long)s->tunnel_next);
  CHECK(off + len <= s->fed, "tunnel piece past the bytes fed");
  check_in_chunk(s, at, len, "tunnel");
  CHECK(off == s->chunk_abs + (uint64_t)(at - s->chunk),
        "tunnel offset %llu is not where its bytes are in the stream",
        (unsigned long long)off);
  touch(at, len);
  s->tunnel_next = off + len;
}

/* After each call: the error is sticky and consistent. */
static void after_call(state_t *s, respcheck_errno_t ret, respcheck_errno_t was,
                       const char *what) {
  const char *reason = respcheck_parser_error_reason(s->p);
  uint64_t offset = respcheck_parser_offset(s->p);

  CHECK(reason != NULL, "error reason NULL");
  touch(reason, strlen(reason));
  if (was != RESPCHECK_E_OK) {
    CHECK(ret == was, "%s returned %s after the sticky error %s", what,
          respcheck_errno_name(ret), respcheck_errno_name(was));
  }
  if (ret == RESPCHECK_E_FINISHED || ret == RESPCHECK_E_INVAL)
    return;
  CHECK(ret == respcheck_parser_error(s->p), "%s returned %s, parser says %s",
        what, respcheck_errno_name(ret),
        respcheck_errno_name(respcheck_parser_error(s->p)));
  if (ret == RESPCHECK_E_OK) {
    CHECK(offset == s->fed, "offset %llu after %llu bytes fed",
          (unsigned long long)offset, (unsigned long long)s->fed);
    CHECK(!s->fatal, "a fatal finding without an error");
    CHECK(!s->stop_requested, "a callback asked to stop; %s returned OK", what);
  } else {
    uint64_t eo = respcheck_parser_error_offset(s->p);
    CHECK(offset <= s->fed && eo <= offset,
          "error at %llu, offset %llu, %llu bytes fed", (unsigned long long)eo,
          (unsigned long long)offset, (unsigned long long)s->fed);
    CHECK(respcheck_parser_response_count(s->p) == s->ends ||
              (s->cfg->flags & RCF_F_NULL_ALL),
          "%llu responses begun, %llu ended after the error %s",
          (unsigned long long)respcheck_parser_response_count(s->p),
          (unsigned long long)s->ends, respcheck_errno_name(ret));
    if (was == RESPCHECK_E_OK && !(s->cfg->flags & RCF_F_NULL_ALL)) {
      const unsigned char *sev = s->cfg->opts.severity;
      switch (ret) {
      case RESPCHECK_E_PARSE:
        CHECK(s->parse_error_seen || !sev[RESPCHECK_RULE_PARSE_ERROR],
              "RESPCHECK_E_PARSE without a parse-error finding");
        break;
      case RESPCHECK_E_LIMIT:
        CHECK(s->limit_seen || !sev[RESPCHECK_RULE_HEADER_SECTION_TOO_LARGE] ||
                  !sev[RESPCHECK_RULE_TOO_MANY_HEADERS] ||
                  !sev[RESPCHECK_RULE_LINE_TOO_LONG] ||
                  !sev[RESPCHECK_RULE_CHUNK_EXTENSION_TOO_LONG],
              "RESPCHECK_E_LIMIT without a limit finding");
        break;
      case RESPCHECK_E_CALLBACK:
        CHECK(s->stop_requested, "RESPCHECK_E_CALLBACK without a stop");
        break;
      case RESPCHECK_E_FRAMING:
        /* llhttp frames a body otherwise than RFC 9112 6.3: the head had
         * its transfer-encoding-invalid finding (unless turned off), and
         * its message ends where the error is. */
        CHECK(s->te_invalid_seen ||
                  !sev[RESPCHECK_RULE_TRANSFER_ENCODING_INVALID] ||
                  !sev[RESPCHECK_RULE_TRAILER_FIELD_FORBIDDEN],
              "RESPCHECK_E_FRAMING without transfer-encoding-invalid or "
              "trailer-field-forbidden");
        CHECK(s->end_in_call && s->last_end == eo,
              "RESPCHECK_E_FRAMING: the message did not end at the error");
        break;
      default:
        CHECK(0, "%s returned %s", what, respcheck_errno_name(ret));
      }
    }
    if (s->fatal)
      CHECK(s->fatal_end_seen, "a fatal finding without its message end");
    /* The sticky error, its finding and the aborted message agree on
     * where it happened. */
    if (was == RESPCHECK_E_OK && s->fatal)
      CHECK(eo == s->fatal_offset, "error offset %llu, its finding at %llu",
            (unsigned long long)eo, (unsigned long long)s->fatal_offset);
    if (was == RESPCHECK_E_OK && s->end_in_call &&
        !(s->cfg->flags & RCF_F_NULL_ALL))
      /* A head llhttp refuses was read whole first: its message ends after
       * it, at or past llhttp's stop. */
      CHECK(s->last_end >= eo, "error offset %llu, the message ended at %llu",
            (unsigned long long)eo, (unsigned long long)s->last_end);
    s->dead = 1;
  }
  CHECK(!!respcheck_parser_in_tunnel(s->p) == s->tunnel ||
            (s->cfg->flags & RCF_F_NULL_ALL),
        "in_tunnel %d, the callbacks say %d", respcheck_parser_in_tunnel(s->p),
        s->tunnel);
  s->fatal = 0;
  s->fatal_end_seen = 0;
  s->end_in_call = 0;
  s->stop_requested = 0;
  s->parse_error_seen = s->limit_seen = s->te_invalid_seen = 0;
}

static void push(state_t *s, const respcheck_request_t *r) {
  respcheck_errno_t e = respcheck_push_request(s->p, r);
  if (s->cfg->flags & RCF_F_NULL_ALL) {
    /* No message ends to follow the queue by. */
    CHECK(e == RESPCHECK_E_OK || e == RESPCHECK_E_FULL, "push returned %s",
          respcheck_errno_name(e));
    return;
  }
  if (s->q_len == s->q_cap) {
    CHECK(e == RESPCHECK_E_FULL, "push into a full queue returned %s",
          respcheck_errno_name(e));
    return;
  }
  CHECK(e == RESPCHECK_E_OK, "push returned %s", respcheck_errno_name(e));
  s->q[(s->q_first + s->q_len) % s->q_cap] = *r;
  s->q_len++;
}

static void begin_stream(state_t *s) {
  respcheck_parser_t *p = s->p;
  const rcf_config_t *c = s->cfg;
  memset(s, 0, sizeof(*s));
  s->p = p;
  s->cfg = c;
  s->q_cap = c->opts.max_pending_requests;
}

static void run_stream(state_t *s, const uint8_t *data, size_t len) {
  const rcf_config_t *c = s->cfg;
  rcf_chunker_t k;
  respcheck_errno_t ret, was = RESPCHECK_E_OK;
  size_t off = 0, pushed = 0;

  s->in = data;
  s->in_len = len;
  if (!(c->flags & RCF_F_INTERLEAVE))
    for (; pushed < c->npush; pushed++)
      push(s, &c->push[pushed]);
  rcf_chunker_init(&k, c);
  while (off < len) {
    size_t n = rcf_chunk_next(&k, len - off);
    char *copy = malloc(n);
    CHECK(copy != NULL, "out of memory");
    memcpy(copy, data + off, n);
    if ((c->flags & RCF_F_INTERLEAVE) && pushed < c->npush)
      push(s, &c->push[pushed++]);
    if (c->extras & RCF_X_EMPTY_CALLS) {
      /* in_call stays 0: no callback may run. */
      ret = respcheck_execute(s->p, copy, 0);
      after_call(s, ret, was, "execute(0 bytes)");
      ret = respcheck_execute(s->p, NULL, 0);
      after_call(s, ret, was, "execute(NULL, 0)");
      CHECK(respcheck_execute(s->p, NULL, 1) == RESPCHECK_E_INVAL,
            "execute(NULL, 1) is not INVAL");
    }
    s->chunk = copy;
    s->chunk_len = n;
    s->chunk_abs = off;
    s->fed = off + n;
    s->in_call = 1;
    ret = respcheck_execute(s->p, copy, n);
    s->in_call = 0;
    after_call(s, ret, was, "execute");
    if (ret != RESPCHECK_E_OK)
      was = ret;
    free(copy);
    s->chunk = NULL;
    s->chunk_len = 0;
    off += n;
    if ((c->extras & RCF_X_ACCESSORS) && !(c->flags & RCF_F_NULL_ALL)) {
      CHECK(respcheck_parser_response_count(s->p) >= s->ends &&
                respcheck_parser_response_count(s->p) <= s->ends + 1,
            "response count %llu with %llu ends",
            (unsigned long long)respcheck_parser_response_count(s->p),
            (unsigned long long)s->ends);
    }
  }
  if (!(c->flags & RCF_F_NO_FINISH)) {
    s->in_call = s->in_finish = 1;
    ret = respcheck_finish(s->p);
    s->in_call = s->in_finish = 0;
    after_call(s, ret, was, "finish");
    CHECK(respcheck_parser_response_count(s->p) == s->ends ||
              (c->flags & RCF_F_NULL_ALL),
          "%llu responses begun, %llu ended after finish",
          (unsigned long long)respcheck_parser_response_count(s->p),
          (unsigned long long)s->ends);
    if (ret != RESPCHECK_E_OK)
      was = ret;
    s->dead = 1;
    if (c->extras & RCF_X_AFTER_END) {
      static const char more[] = "HTTP/1.1 200 OK\r\n\r\n";
      ret = respcheck_finish(s->p);
      CHECK(ret == (was ? was : RESPCHECK_E_FINISHED),
            "second finish returned %s", respcheck_errno_name(ret));
      ret = respcheck_execute(s->p, more, sizeof(more) - 1);
      CHECK(ret == (was ? was : RESPCHECK_E_FINISHED),
            "execute after finish returned %s", respcheck_errno_name(ret));
    }
  }
}

/* Once: the documented answers to NULL arguments and default options. */
static void check_api_edges(void) {
  respcheck_options_t d;
  respcheck_request_t req = {RESPCHECK_METHOD_GET, 1, 1,
                             RESPCHECK_TRANSPORT_UNKNOWN};
  size_t n;
  void *mem;
  respcheck_parser_t *p;

  respcheck_options_init(&d);
  n = respcheck_parser_size(NULL);
  CHECK(n > 0 && n == respcheck_parser_size(&d), "size of the defaults");
  mem = malloc(n);
  CHECK(mem != NULL, "out of memory");
  CHECK(respcheck_parser_init(NULL, n, NULL, NULL, NULL) == NULL,
        "init without memory");
  p = respcheck_parser_init(mem, n, NULL, NULL, NULL);
  CHECK(p != NULL, "init with the defaults");
  CHECK(respcheck_execute(NULL, "x", 1) == RESPCHECK_E_INVAL &&
            respcheck_execute(p, NULL, 1) == RESPCHECK_E_INVAL &&
            respcheck_finish(NULL) == RESPCHECK_E_INVAL &&
            respcheck_push_request(NULL, &req) == RESPCHECK_E_INVAL &&
            respcheck_push_request(p, NULL) == RESPCHECK_E_INVAL,
        "NULL arguments are not RESPCHECK_E_INVAL");
  respcheck_parser_reset(NULL);
  respcheck_parser_free(NULL);
  CHECK(respcheck_parser_error(NULL) == RESPCHECK_E_INVAL &&
            respcheck_parser_error_reason(NULL) != NULL &&
            respcheck_parser_error_offset(NULL) == 0 &&
            respcheck_parser_offset(NULL) == 0 &&
            !respcheck_parser_in_tunnel(NULL) &&
            respcheck_parser_response_count(NULL) == 0,
        "accessors on NULL");
  CHECK(respcheck_execute(p, "HTTP/1.1 204 No Content\r\n\r\n", 27) ==
                RESPCHECK_E_OK &&
            respcheck_finish(p) == RESPCHECK_E_OK &&
            respcheck_parser_response_count(p) == 1,
        "a parser without callbacks");
  free(mem);
  p = respcheck_parser_new(NULL, NULL, NULL);
  CHECK(p != NULL, "new with the defaults");
  respcheck_parser_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static rcf_config_t cfg;
  static int edges_done;
  respcheck_callbacks_t cb = {on_finding, on_head, on_body, on_end, on_tunnel};
  state_t s;
  size_t skip = rcf_decode(data, size, &cfg);
  size_t need = respcheck_parser_size(&cfg.opts);
  void *mem = NULL;
  respcheck_parser_t *p;

  if (!edges_done) {
    check_api_edges();
    edges_done = 1;
  }
  if (cfg.flags & RCF_F_NULL_OPTIONAL) {
    cb.on_body = NULL;
    cb.on_tunnel = NULL;
  }
  memset(&s, 0, sizeof(s));
  s.cfg = &cfg;
  if (cfg.extras & RCF_X_NEW) {
    p = respcheck_parser_new(&cfg.opts,
                             (cfg.flags & RCF_F_NULL_ALL) ? NULL : &cb, &s);
  } else {
    mem = need ? malloc(need) : NULL;
    if (need)
      CHECK(respcheck_parser_init(mem, need - 1, &cfg.opts, &cb, &s) == NULL,
            "init accepted %zu bytes, size says %zu", need - 1, need);
    p = respcheck_parser_init(mem, need, &cfg.opts,
                              (cfg.flags & RCF_F_NULL_ALL) ? NULL : &cb, &s);
  }
  CHECK((p != NULL) == (need != 0), "parser %p with size %zu", (void *)p, need);
  if (p == NULL) {
    free(mem);
    return 0;
  }
  s.p = p;
  begin_stream(&s);
  run_stream(&s, data + skip, size - skip);
  reset_response(&s);
  if (cfg.extras & RCF_X_RESET) {
    respcheck_parser_reset(p);
    CHECK(respcheck_parser_error(p) == RESPCHECK_E_OK &&
              respcheck_parser_offset(p) == 0 &&
              respcheck_parser_response_count(p) == 0 &&
              !respcheck_parser_in_tunnel(p),
          "reset left state behind");
    begin_stream(&s);
    run_stream(&s, data + skip, size - skip);
    reset_response(&s);
  }
  if (cfg.extras & RCF_X_NEW)
    respcheck_parser_free(p);
  else
    free(mem);
  return 0;
}
