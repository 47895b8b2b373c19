/* SPDX-License-Identifier: MIT */
/*
 * The lint layer: what each record becomes. Response blocks go to a
 * respcheck parser with the request their request record gives
 * (WARC-Concurrent-To, WARC/1.1 5.7, in either direction); revisit records
 * become one capture-revisit finding; request records are kept for pairing;
 * a warcinfo block is read for its publisher; the rest is skipped.
 *
 * Crawler-rewritten records (respcheck_warc.h) are read by a second parser,
 * pb, whose options turn off the rules that would judge the crawler's
 * Content-Length; a third, pc, with only those rules on, is given the head
 * as parts (respcheck_check_head): the status and the server's framing
 * fields renamed back (X-Crawler-Content-Length -> Content-Length ...), each
 * at its place in the block. So every rule keeps its one definition in the
 * library; this file only chooses what each parser sees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "warc_internal.h"

/* The rules a crawler's Content-Length would trip, or the server's renamed
 * framing fields must be judged by (RFC 9110 8.6, RFC 9112 6.1-6.3). */
static const respcheck_rule_t framing_rules[] = {
    RESPCHECK_RULE_CONTENT_LENGTH_FORBIDDEN,
    RESPCHECK_RULE_TRANSFER_ENCODING_FORBIDDEN,
    RESPCHECK_RULE_TRANSFER_ENCODING_HTTP10,
    RESPCHECK_RULE_FRAMING_CONFLICT,
    RESPCHECK_RULE_CONTENT_LENGTH_INVALID,
    RESPCHECK_RULE_CONTENT_FORBIDDEN,
};
#define N_FRAMING (sizeof(framing_rules) / sizeof(framing_rules[0]))

static const char crawler_prefix[] = "x-crawler-";
#define CRAWLER_PREFIX_LEN 10u

/* clang-format off */
/* tchar (RFC 9110 5.6.2), for request methods. */
static const unsigned char tchar[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0,
};
/* clang-format on */

static unsigned char lower(unsigned char c) {
  return (unsigned char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

/* s[0, n) starts with the lower-case literal lit, ASCII case-insensitively. */
static int has_iprefix(const char *s, size_t n, const char *lit, size_t k) {
  size_t i;
  if (n < k)
    return 0;
  for (i = 0; i < k; i++) {
    if (lower((unsigned char)s[i]) != (unsigned char)lit[i])
      return 0;
  }
  return 1;
}

static size_t copy_cut(char *dst, size_t cap, const char *src, size_t n) {
  if (n > cap)
    n = cap;
  if (n)
    memcpy(dst, src, n);
  return n;
}

/* ------------------------------------------------------------------------ */
/* Set-up. */

void warc__lint_setup_options(const respcheck_warc_options_t *o,
                              respcheck_options_t *b, respcheck_options_t *c);
int warc__lint_init(respcheck_warc_reader_t *r);
void warc__lint_free(respcheck_warc_reader_t *r);
void warc__lint_reset(respcheck_warc_reader_t *r);

void warc__lint_setup_options(const respcheck_warc_options_t *o,
                              respcheck_options_t *b, respcheck_options_t *c) {
  size_t i;
  *b = o->http;
  *c = o->http;
  memset(c->severity, RESPCHECK_SEVERITY_OFF, sizeof(c->severity));
  for (i = 0; i < N_FRAMING; i++) {
    b->severity[framing_rules[i]] = RESPCHECK_SEVERITY_OFF;
    c->severity[framing_rules[i]] = o->http.severity[framing_rules[i]];
  }
  /* How the renamed Transfer-Encoding reads as a list. */
  c->severity[RESPCHECK_RULE_TRANSFER_ENCODING_INVALID] =
      o->http.severity[RESPCHECK_RULE_TRANSFER_ENCODING_INVALID];
}

static void fwd_finding(void *u, const respcheck_finding_t *f);
static int fwd_head(void *u, const respcheck_response_t *resp);
static int fwd_body(void *u, const char *at, size_t len);
static void fwd_end(void *u, const respcheck_message_end_t *end);
static void fwd_tunnel(void *u, const char *at, size_t len, uint64_t off);
static int b_head(void *u, const respcheck_response_t *resp);
static void b_end(void *u, const respcheck_message_end_t *end);
static void c_finding(void *u, const respcheck_finding_t *f);

int warc__lint_init(respcheck_warc_reader_t *r) {
  const respcheck_callbacks_t *u = &r->cb.http;
  respcheck_callbacks_t a, b, c;
  respcheck_options_t ob, oc;
  size_t t = r->opts.max_target_length, i;

  memset(&a, 0, sizeof(a));
  a.on_finding = u->on_finding ? fwd_finding : NULL;
  a.on_head = u->on_head ? fwd_head : NULL;
  a.on_body = u->on_body ? fwd_body : NULL;
  a.on_message_end = u->on_message_end ? fwd_end : NULL;
  a.on_tunnel = u->on_tunnel ? fwd_tunnel : NULL;
  b = a;
  b.on_head = b_head;
  b.on_message_end = b_end;
  memset(&c, 0, sizeof(c));
  c.on_finding = c_finding;
  warc__lint_setup_options(&r->opts, &ob, &oc);

  r->pa = respcheck_parser_new(&r->opts.http, &a, r);
  r->pb = respcheck_parser_new(&ob, &b, r);
  r->pc = respcheck_parser_new(&oc, &c, r);
  for (i = 0; i < 2; i++) {
    r->info[i].record_id = malloc(t);
    r->info[i].target_uri = malloc(t);
    r->info[i].req_target = malloc(t);
    if (!r->info[i].record_id || !r->info[i].target_uri ||
        !r->info[i].req_target)
      return -1;
  }
  r->requests = calloc(r->opts.max_requests, sizeof(*r->requests));
  r->targets = malloc(r->opts.max_requests * t);
  r->scan_cap = r->opts.http.max_header_bytes;
  r->scan = malloc(r->scan_cap);
  r->line_cap = r->opts.http.max_line_length > WARC_INFO_SCAN
                    ? r->opts.http.max_line_length
                    : WARC_INFO_SCAN;
  r->line = malloc(r->line_cap);
  if (!r->pa || !r->pb || !r->pc || !r->requests || !r->targets || !r->scan ||
      !r->line)
    return -1;
  for (i = 0; i < r->opts.max_requests; i++)
    r->requests[i].target = r->targets + i * t;
  return 0;
}

void warc__lint_free(respcheck_warc_reader_t *r) {
  size_t i;
  respcheck_parser_free(r->pa);
  respcheck_parser_free(r->pb);
  respcheck_parser_free(r->pc);
  for (i = 0; i < 2; i++) {
    free(r->info[i].record_id);
    free(r->info[i].target_uri);
    free(r->info[i].req_target);
  }
  free(r->requests);
  free(r->targets);
  free(r->scan);
  free(r->line);
  free(r->hold);
}

void warc__lint_reset(respcheck_warc_reader_t *r) {
  size_t i;
  r->sink = WARC_SINK_SKIP;
  r->kind = WARC_KIND_OTHER;
  r->cc_file = 0;
  r->order = WARC_ORDER_UNKNOWN;
  r->misses = 0;
  r->cur = &r->info[0];
  r->held = NULL;
  r->held_done = 0;
  r->hold_len = 0;
  r->line_len = 0;
  for (i = 0; i < r->opts.max_requests; i++)
    r->requests[i].used = 0;
  r->nrequests_next = 0;
  r->lrec = NULL;
  r->lscan = 0;
  r->lp = NULL;
  r->c_valid = 0;
}

/* ------------------------------------------------------------------------ */
/* The parsers' callbacks, passed on to the user's. */

static void fwd_finding(void *u, const respcheck_finding_t *f) {
  respcheck_warc_reader_t *r = u;
  const warc_info_t *in = r->lrec;
  respcheck_finding_t g;

  if (f->rule != RESPCHECK_RULE_MESSAGE_TRUNCATED || in == NULL ||
      !(in->pub.flags & (RESPCHECK_WARC_TRUNCATED | RESPCHECK_WARC_CUT))) {
    r->cb.http.on_finding(r->user, f);
    return;
  }
  /* The archive ended the response, not the server (WARC/1.1 5.13). */
  g = *f;
  if (in->pub.flags & RESPCHECK_WARC_CUT)
    snprintf(r->msg, sizeof(r->msg),
             "%s: the archive file ends inside this record, so the response "
             "is cut by the file, not by the server",
             f->message);
  else
    snprintf(r->msg, sizeof(r->msg),
             "%s: the crawler truncated this record (WARC-Truncated: %s), so "
             "the response ends in the archive, not necessarily on the wire; "
             "not the server's doing",
             f->message, in->pub.truncated.len ? in->truncated : "segment");
  g.message = r->msg;
  r->cb.http.on_finding(r->user, &g);
}

static int fwd_head(void *u, const respcheck_response_t *resp) {
  respcheck_warc_reader_t *r = u;
  return r->cb.http.on_head(r->user, resp);
}

static int fwd_body(void *u, const char *at, size_t len) {
  respcheck_warc_reader_t *r = u;
  return r->cb.http.on_body(r->user, at, len);
}

static void fwd_end(void *u, const respcheck_message_end_t *end) {
  respcheck_warc_reader_t *r = u;
  r->cb.http.on_message_end(r->user, end);
}

static void fwd_tunnel(void *u, const char *at, size_t len, uint64_t off) {
  respcheck_warc_reader_t *r = u;
  r->cb.http.on_tunnel(r->user, at, len, off);
}

/* ------------------------------------------------------------------------ */
/* Crawler-rewritten records. */

/* The head holds a framing field the crawler renamed (X-Crawler-...). */
static int has_renamed_fields(const char *s, size_t n) {
  static const char *const names[] = {
      "content-length:", "transfer-encoding:", "content-encoding:"};
  size_t ls = 0, k;
  while (ls < n) {
    const char *nl;
    if (has_iprefix(s + ls, n - ls, crawler_prefix, CRAWLER_PREFIX_LEN)) {
      const char *rest = s + ls + CRAWLER_PREFIX_LEN;
      size_t rn = n - ls - CRAWLER_PREFIX_LEN;
      for (k = 0; k < 3; k++) {
        if (has_iprefix(rest, rn, names[k], strlen(names[k])))
          return 1;
      }
    }
    nl = memchr(s + ls, '\n', n - ls);
    if (nl == NULL)
      break;
    ls = (size_t)(nl - s) + 1;
  }
  return 0;
}

/* A renamed framing field: the name it had ("Transfer-Encoding"), or a
 * zero span when h is not one. */
static respcheck_span_t renamed_framing(const respcheck_header_t *h) {
  respcheck_span_t rest = {NULL, 0};
  respcheck_span_t n;
  if (!has_iprefix(h->name.ptr, h->name.len, crawler_prefix,
                   CRAWLER_PREFIX_LEN))
    return rest;
  n.ptr = h->name.ptr + CRAWLER_PREFIX_LEN;
  n.len = h->name.len - CRAWLER_PREFIX_LEN;
  if (warc__span_ieq(n, "content-length") ||
      warc__span_ieq(n, "transfer-encoding"))
    rest = n;
  return rest;
}

/*
 * The server's framing, judged by pc from parts (respcheck_check_head):
 * the status, and each renamed field under its own name at the offset of
 * that name in the block; the Content-Length the crawler wrote is left out.
 */
static void check_server_framing(respcheck_warc_reader_t *r,
                                 const respcheck_response_t *resp) {
  respcheck_head_parts_t parts;
  size_t i, n = 0;

  for (i = 0; i < resp->header_count && n < WARC_MAX_RENAMED; i++) {
    const respcheck_header_t *h = &resp->headers[i];
    respcheck_span_t name = renamed_framing(h);
    if (name.len == 0)
      continue;
    r->renamed[n].name = name;
    r->renamed[n].value = h->value;
    r->renamed[n].offset = h->offset + CRAWLER_PREFIX_LEN;
    n++;
  }
  if (n == 0)
    return;
  memset(&parts, 0, sizeof(parts));
  parts.version_major = resp->version_major;
  parts.version_minor = resp->version_minor;
  parts.status = resp->status;
  parts.headers = r->renamed;
  parts.header_count = n;
  parts.offset = resp->offset + 9; /* the status code, in "HTTP/1.1 200" */
  r->c_index = resp->index;
  memset(r->c_counts, 0, sizeof(r->c_counts));
  r->c_valid = 1;
  respcheck_parser_reset(r->pc);
  if (r->lrec && (r->lrec->pub.flags & RESPCHECK_WARC_PAIRED))
    respcheck_push_request(r->pc, &r->lrec->pub.request);
  respcheck_check_head(r->pc, &parts);
}

static void c_finding(void *u, const respcheck_finding_t *f) {
  respcheck_warc_reader_t *r = u;
  respcheck_finding_t g = *f;

  r->c_counts[f->severity]++;
  if (r->cb.http.on_finding == NULL)
    return;
  g.response_index = r->c_index;
  snprintf(r->msg, sizeof(r->msg),
           "%s (from the server's framing fields, which the crawler renamed "
           "with the prefix X-Crawler-)",
           f->message);
  g.message = r->msg;
  r->cb.http.on_finding(r->user, &g);
}

static int b_head(void *u, const respcheck_response_t *resp) {
  respcheck_warc_reader_t *r = u;
  respcheck_response_t copy;
  r->c_valid = 0;
  check_server_framing(r, resp);
  if (r->cb.http.on_head == NULL)
    return 0;
  if (r->c_valid && r->c_counts[RESPCHECK_SEVERITY_ERROR]) {
    copy = *resp;
    copy.verdict = RESPCHECK_REJECT;
    return r->cb.http.on_head(r->user, &copy);
  }
  return r->cb.http.on_head(r->user, resp);
}

static void b_end(void *u, const respcheck_message_end_t *end) {
  respcheck_warc_reader_t *r = u;
  respcheck_message_end_t copy;
  if (r->cb.http.on_message_end == NULL)
    return;
  if (!r->c_valid || end->index != r->c_index) {
    r->cb.http.on_message_end(r->user, end);
    return;
  }
  copy = *end;
  copy.error_count += r->c_counts[RESPCHECK_SEVERITY_ERROR];
  copy.warning_count += r->c_counts[RESPCHECK_SEVERITY_WARNING];
  copy.info_count += r->c_counts[RESPCHECK_SEVERITY_INFO];
  if (copy.error_count)
    copy.verdict = RESPCHECK_REJECT;
  r->c_valid = 0;
  r->cb.http.on_message_end(r->user, &copy);
}

/* ------------------------------------------------------------------------ */
/* Linting one response record: its head is looked at first (is it
 * rewritten?), then everything goes to the chosen parser. */

/* One past the empty line that ends the first head in s[0, n), looking
 * from `from`; 0 when it is not there. */
static size_t head_end(const char *s, size_t n, size_t from) {
  const char *p = from < n ? memchr(s + from, '\n', n - from) : NULL;
  while (p) {
    size_t k = (size_t)(p - s) + 1;
    if (k < n && s[k] == '\n')
      return k + 1;
    if (k + 1 < n && s[k] == '\r' && s[k + 1] == '\n')
      return k + 2;
    p = k < n ? memchr(s + k, '\n', n - k) : NULL;
  }
  return 0;
}

static void lint_exec(respcheck_warc_reader_t *r, const char *d, size_t n) {
  if (n == 0 || r->error == RESPCHECK_WARC_E_CALLBACK)
    return;
  /* The parser's own errors (parse-error, limits) are findings; only a
   * callback's stop ends the file. */
  if (respcheck_execute(r->lp, d, n) == RESPCHECK_E_CALLBACK)
    warc__fail(r, RESPCHECK_WARC_E_CALLBACK, r->lrec->pub.offset,
               "record %llu: a callback asked to stop",
               (unsigned long long)r->lrec->pub.number);
}

/* The head is in h[0, n): choose the parser, tell the user. */
static void lint_start(respcheck_warc_reader_t *r, const char *h, size_t n) {
  warc_info_t *in = r->lrec;
  respcheck_request_t req;
  int rewritten;
  switch (r->opts.crawler_rewrite) {
  case RESPCHECK_WARC_REWRITE_ALWAYS:
    rewritten = 1;
    break;
  case RESPCHECK_WARC_REWRITE_NEVER:
    rewritten = 0;
    break;
  default:
    rewritten = r->cc_file || has_renamed_fields(h, n);
    break;
  }
  if (rewritten)
    in->pub.flags |= RESPCHECK_WARC_REWRITTEN;
  r->lp = rewritten ? r->pb : r->pa;
  r->lscan = 0;
  r->c_valid = 0;
  respcheck_parser_reset(r->lp);
  /* The request the response answers, or the options' default, with the
   * transport the record's URI says (when it says one). */
  req = (in->pub.flags & RESPCHECK_WARC_PAIRED) ? in->pub.request
                                                : r->opts.http.default_request;
  if (in->transport != RESPCHECK_TRANSPORT_UNKNOWN)
    req.transport = in->transport;
  respcheck_push_request(r->lp, &req);
  if (r->cb.on_record)
    r->cb.on_record(r->user, &in->pub);
}

static void lint_begin(respcheck_warc_reader_t *r, warc_info_t *in) {
  r->lrec = in;
  r->lscan = 1;
  r->scan_len = 0;
  r->lp = NULL;
}

static void lint_feed(respcheck_warc_reader_t *r, const char *d, size_t n) {
  size_t take, from, e;
  if (n == 0)
    return;
  if (!r->lscan) {
    lint_exec(r, d, n);
    return;
  }
  if (r->scan_len == 0 && (e = head_end(d, n, 0)) != 0) {
    lint_start(r, d, e); /* the usual case: the head is in one piece */
    lint_exec(r, d, n);
    return;
  }
  take = r->scan_cap - r->scan_len < n ? r->scan_cap - r->scan_len : n;
  from = r->scan_len > 2 ? r->scan_len - 2 : 0;
  memcpy(r->scan + r->scan_len, d, take);
  r->scan_len += take;
  e = head_end(r->scan, r->scan_len, from);
  if (e == 0 && r->scan_len < r->scan_cap)
    return;
  lint_start(r, r->scan, e ? e : r->scan_len);
  lint_exec(r, r->scan, r->scan_len);
  lint_exec(r, d + take, n - take);
}

static void lint_end(respcheck_warc_reader_t *r) {
  warc_info_t *in = r->lrec;
  if (in == NULL)
    return;
  if (r->lscan) {
    lint_start(r, r->scan, r->scan_len);
    lint_exec(r, r->scan, r->scan_len);
  }
  if (r->error == RESPCHECK_WARC_E_CALLBACK) {
    r->lrec = NULL;
    return;
  }
  if (respcheck_finish(r->lp) == RESPCHECK_E_CALLBACK) {
    r->lrec = NULL;
    warc__fail(r, RESPCHECK_WARC_E_CALLBACK, in->pub.offset,
               "record %llu: a callback asked to stop",
               (unsigned long long)in->pub.number);
    return;
  }
  if (r->cb.on_record_end)
    r->cb.on_record_end(r->user, &in->pub);
  r->lrec = NULL;
}

/* ------------------------------------------------------------------------ */
/* Records. */

/* application/http, with msgtype `want` or none (WARC/1.1 6.3.2). */
static int is_http(respcheck_span_t ct, const char *want) {
  static const char mt[] = "application/http";
  size_t k = sizeof(mt) - 1, i, w = strlen(want);
  if (!has_iprefix(ct.ptr, ct.len, mt, k))
    return 0;
  if (ct.len > k && ct.ptr[k] != ';' && ct.ptr[k] != ' ' && ct.ptr[k] != '\t')
    return 0;
  for (i = k; i + 8 <= ct.len; i++) {
    if (has_iprefix(ct.ptr + i, ct.len - i, "msgtype", 7)) {
      size_t v = i + 7;
      while (v < ct.len && (ct.ptr[v] == ' ' || ct.ptr[v] == '\t'))
        v++;
      if (v >= ct.len || ct.ptr[v] != '=')
        continue;
      v++;
      while (v < ct.len && (ct.ptr[v] == ' ' || ct.ptr[v] == '\t'))
        v++;
      if (v < ct.len && ct.ptr[v] == '"')
        v++;
      return has_iprefix(ct.ptr + v, ct.len - v, want, w) &&
             (v + w == ct.len || !tchar[(unsigned char)ct.ptr[v + w]]);
    }
  }
  return 1;
}

static int record_kind(const warc_header_t *h) {
  if (warc__span_ieq(h->type, "response"))
    return is_http(h->content_type, "response") ? WARC_KIND_RESPONSE
                                                : WARC_KIND_OTHER;
  if (warc__span_ieq(h->type, "request"))
    return is_http(h->content_type, "request") ? WARC_KIND_REQUEST
                                               : WARC_KIND_OTHER;
  if (warc__span_ieq(h->type, "revisit"))
    return WARC_KIND_REVISIT;
  if (warc__span_ieq(h->type, "warcinfo"))
    return WARC_KIND_WARCINFO;
  return WARC_KIND_OTHER;
}

/* The URI starts with the scheme lit (lower-case, with its ':'), in any
 * case (RFC 3986 3.1). */
static int scheme_is(respcheck_span_t uri, const char *lit) {
  respcheck_span_t head = uri;
  size_t n = strlen(lit);
  if (uri.len < n)
    return 0;
  head.len = n;
  return warc__span_ieq(head, lit);
}

static void info_fill(respcheck_warc_reader_t *r, warc_info_t *in, int kind) {
  const warc_header_t *h = &r->h;
  respcheck_warc_record_t *p = &in->pub;
  size_t t = r->opts.max_target_length, n;
  respcheck_span_t uri = h->target_uri;
  size_t i;

  memset(p, 0, sizeof(*p));
  in->kind = kind;
  p->number = r->rec_number;
  p->offset = r->rec_offset;
  p->data_offset = r->rec_doff;
  p->block_length = h->length;
  n = copy_cut(in->type, sizeof(in->type), h->type.ptr, h->type.len);
  p->type.ptr = in->type;
  p->type.len = n;
  /* A token ("length", "time", "disconnect", "unspecified"; WARC/1.1
   * 5.13): other bytes are dropped, the value goes into messages. */
  for (n = 0, i = 0; i < h->truncated.len && n + 1 < sizeof(in->truncated);
       i++) {
    if (tchar[(unsigned char)h->truncated.ptr[i]])
      in->truncated[n++] = h->truncated.ptr[i];
  }
  in->truncated[n] = '\0';
  p->truncated.ptr = in->truncated;
  p->truncated.len = n;
  p->record_id.ptr = in->record_id;
  p->record_id.len =
      copy_cut(in->record_id, t, h->record_id.ptr, h->record_id.len);
  /* WARC/1.0 writers (wget among them) put <> around the URI. */
  if (uri.len >= 2 && uri.ptr[0] == '<' && uri.ptr[uri.len - 1] == '>') {
    uri.ptr++;
    uri.len -= 2;
  }
  p->target_uri.ptr = in->target_uri;
  p->target_uri.len = copy_cut(in->target_uri, t, uri.ptr, uri.len);
  /* The scheme says how the crawler fetched it (RFC 9110 4.2.1, 4.2.2):
   * what strict-transport-security-plain-http needs. */
  in->transport = RESPCHECK_TRANSPORT_UNKNOWN;
  if (scheme_is(uri, "https:"))
    in->transport = RESPCHECK_TRANSPORT_TLS;
  else if (scheme_is(uri, "http:"))
    in->transport = RESPCHECK_TRANSPORT_PLAIN;
  if (kind == WARC_KIND_REVISIT)
    p->flags |= RESPCHECK_WARC_REVISIT;
  if (h->truncated.len || h->segmented)
    p->flags |= RESPCHECK_WARC_TRUNCATED;
  in->id_hash = warc__id_hash(h->record_id);
  in->nconcurrent = h->nconcurrent;
  for (i = 0; i < h->nconcurrent; i++)
    in->concurrent[i] = warc__id_hash(h->concurrent[i]);
}

/* The request record q and the response record in are tied by
 * WARC-Concurrent-To, one way or the other. */
static int tied(const warc_request_t *q, const warc_info_t *in) {
  unsigned i;
  /* 0 is the hash of a missing id: it ties nothing. */
  for (i = 0; i < in->nconcurrent; i++) {
    if (in->concurrent[i] != 0 && in->concurrent[i] == q->id_hash)
      return 1;
  }
  for (i = 0; i < q->nconcurrent; i++) {
    if (q->concurrent[i] != 0 && q->concurrent[i] == in->id_hash)
      return 1;
  }
  return 0;
}

static void pair(respcheck_warc_reader_t *r, warc_info_t *in,
                 warc_request_t *q) {
  respcheck_warc_record_t *p = &in->pub;
  size_t t = r->opts.max_target_length;
  p->flags |= RESPCHECK_WARC_PAIRED;
  p->request = q->req;
  memcpy(in->method, q->method, q->method_len);
  p->method.ptr = in->method;
  p->method.len = q->method_len;
  memcpy(in->version, q->version, q->version_len);
  p->version.ptr = in->version;
  p->version.len = q->version_len;
  p->target.ptr = in->req_target;
  p->target.len = copy_cut(in->req_target, t, q->target, q->target_len);
  p->request_record = q->record;
  q->used = 0;
}

/* A held response is linted now: with the request q (NULL: none). */
static void release_held(respcheck_warc_reader_t *r, warc_request_t *q) {
  warc_info_t *in = r->held;
  r->held = NULL;
  if (q) {
    pair(r, in, q);
    r->order = WARC_ORDER_RESPONSE_FIRST;
    r->misses = 0;
  } else if (r->order == WARC_ORDER_UNKNOWN &&
             ++r->misses >= WARC_HOLD_MISSES) {
    r->order = WARC_ORDER_NONE;
  }
  lint_begin(r, in);
  lint_feed(r, r->hold, r->hold_len);
  r->hold_len = 0;
  if (r->held_done)
    lint_end(r);
}

/* request-line = method SP request-target SP HTTP-version (RFC 9112 3),
 * from the request record's block, into the ring's next slot. */
static warc_request_t *parse_request(respcheck_warc_reader_t *r) {
  warc_request_t *q = &r->requests[r->nrequests_next];
  const warc_info_t *in = r->cur;
  const char *s = r->line, *sp;
  size_t n = r->line_len, m = 0, e;
  unsigned i;
  const char *nl = memchr(s, '\n', n);

  if (nl)
    n = (size_t)(nl - s);
  if (n > 0 && s[n - 1] == '\r')
    n--;
  while (m < n && tchar[(unsigned char)s[m]])
    m++;
  if (m == 0 || m >= n || s[m] != ' ')
    return NULL;
  sp = memchr(s + m + 1, ' ', n - m - 1);
  if (sp == NULL)
    return NULL;
  e = (size_t)(sp - s);
  if (n - e != 9 || memcmp(sp + 1, "HTTP/", 5) != 0 || sp[6] < '0' ||
      sp[6] > '9' || sp[7] != '.' || sp[8] < '0' || sp[8] > '9')
    return NULL;
  q->used = 0;
  q->record = in->pub.number;
  q->id_hash = in->id_hash;
  q->nconcurrent = in->nconcurrent;
  for (i = 0; i < in->nconcurrent; i++)
    q->concurrent[i] = in->concurrent[i];
  q->method_len = copy_cut(q->method, sizeof(q->method), s, m);
  q->req.method = respcheck_method_from_name(s, m);
  q->req.version_major = (unsigned char)(sp[6] - '0');
  q->req.version_minor = (unsigned char)(sp[8] - '0');
  q->req.transport = r->opts.http.default_request.transport;
  q->version_len = copy_cut(q->version, sizeof(q->version), sp + 6, 3);
  q->target_len =
      copy_cut(q->target, r->opts.max_target_length, s + m + 1, e - m - 1);
  return q;
}

static void request_done(respcheck_warc_reader_t *r) {
  warc_request_t *q = parse_request(r);
  if (r->held) {
    if (q && tied(q, r->held)) {
      release_held(r, q);
      return;
    }
    release_held(r, NULL);
  }
  if (q) {
    q->used = 1;
    r->nrequests_next = (r->nrequests_next + 1) % r->opts.max_requests;
  }
}

/* A warcinfo block's fields (WARC/1.1 6.2; application/warc-fields): the
 * file is Common Crawl's when its publisher says so. */
static void warcinfo_done(respcheck_warc_reader_t *r) {
  const char *s = r->line;
  size_t n = r->line_len, ls = 0;
  while (ls < n) {
    const char *nl = memchr(s + ls, '\n', n - ls);
    size_t le = nl ? (size_t)(nl - s) : n, i;
    if (has_iprefix(s + ls, le - ls, "publisher:", 10)) {
      for (i = ls + 10; i + 12 <= le; i++) {
        if (has_iprefix(s + i, le - i, "common crawl", 12))
          r->cc_file = 1;
      }
    }
    ls = le + 1;
  }
}

static void report_revisit(respcheck_warc_reader_t *r, warc_info_t *in) {
  respcheck_severity_t sev =
      (respcheck_severity_t)
          r->opts.http.severity[RESPCHECK_RULE_CAPTURE_REVISIT];
  respcheck_finding_t f;
  respcheck_message_end_t m;
  respcheck_span_t p = r->h.profile;
  const char *why = "";

  if (sev == RESPCHECK_SEVERITY_OFF)
    return;
  if (sev > RESPCHECK_SEVERITY_ERROR)
    sev = RESPCHECK_SEVERITY_ERROR;
  /* WARC/1.1 6.7.2 and 6.7.3 name the two profiles. */
  if (p.len >= 24 &&
      has_iprefix(p.ptr + p.len - 24, 24, "identical-payload-digest", 24))
    why = " (identical payload digest: the content was archived before)";
  else if (p.len >= 19 &&
           has_iprefix(p.ptr + p.len - 19, 19, "server-not-modified", 19))
    why = " (server not modified)";
  r->lrec = in;
  if (r->cb.on_record)
    r->cb.on_record(r->user, &in->pub);
  snprintf(r->msg, sizeof(r->msg),
           "revisit record%s: the response was not archived again, so it is "
           "not linted",
           why);
  f.rule = RESPCHECK_RULE_CAPTURE_REVISIT;
  f.id = respcheck_rule_id(f.rule);
  f.severity = sev;
  f.offset = 0;
  f.response_index = 0;
  f.message = r->msg;
  f.reference = respcheck_rule_reference(f.rule);
  if (r->cb.http.on_finding)
    r->cb.http.on_finding(r->user, &f);
  memset(&m, 0, sizeof(m));
  m.end_offset = 0;
  m.verdict =
      sev == RESPCHECK_SEVERITY_ERROR ? RESPCHECK_REJECT : RESPCHECK_ACCEPT;
  m.error_count = sev == RESPCHECK_SEVERITY_ERROR;
  m.warning_count = sev == RESPCHECK_SEVERITY_WARNING;
  m.info_count = sev == RESPCHECK_SEVERITY_INFO;
  if (r->cb.http.on_message_end)
    r->cb.http.on_message_end(r->user, &m);
  if (r->cb.on_record_end)
    r->cb.on_record_end(r->user, &in->pub);
  r->lrec = NULL;
}

void warc__record_begin(respcheck_warc_reader_t *r) {
  int kind = record_kind(&r->h);
  warc_info_t *in;
  size_t i;

  /* A held response waits only for the record right after it. */
  if (r->held && kind != WARC_KIND_REQUEST)
    release_held(r, NULL);
  if (r->error != RESPCHECK_WARC_E_OK)
    return;
  in = r->cur = r->held == &r->info[0] ? &r->info[1] : &r->info[0];
  info_fill(r, in, kind);
  r->kind = kind;
  r->sink = WARC_SINK_SKIP;
  switch (kind) {
  case WARC_KIND_WARCINFO:
    r->cc_file = 0;
    if (r->opts.crawler_rewrite == RESPCHECK_WARC_REWRITE_AUTO) {
      r->sink = WARC_SINK_LINE;
      r->line_len = 0;
    }
    break;
  case WARC_KIND_REQUEST:
    r->sink = WARC_SINK_LINE;
    r->line_len = 0;
    break;
  case WARC_KIND_RESPONSE:
    for (i = 0; i < r->opts.max_requests; i++) {
      warc_request_t *q = &r->requests[i];
      if (q->used && tied(q, in)) {
        pair(r, in, q);
        r->order = WARC_ORDER_REQUEST_FIRST;
        break;
      }
    }
    if (!(in->pub.flags & RESPCHECK_WARC_PAIRED) &&
        (r->order == WARC_ORDER_UNKNOWN ||
         r->order == WARC_ORDER_RESPONSE_FIRST)) {
      r->held = in;
      r->held_done = 0;
      r->hold_len = 0;
      r->sink = WARC_SINK_HOLD;
      break;
    }
    lint_begin(r, in);
    r->sink = WARC_SINK_LINT;
    break;
  case WARC_KIND_REVISIT:
    report_revisit(r, in);
    break;
  default:
    break;
  }
}

/* Keeps a held block; past max_held_bytes it is linted without waiting. */
static void hold(respcheck_warc_reader_t *r, const char *d, size_t n) {
  size_t need = r->hold_len + n;
  if (need > r->opts.max_held_bytes) {
    warc_info_t *in = r->held;
    r->held = NULL;
    lint_begin(r, in);
    lint_feed(r, r->hold, r->hold_len);
    r->hold_len = 0;
    lint_feed(r, d, n);
    r->sink = WARC_SINK_LINT;
    return;
  }
  if (need > r->hold_cap) {
    size_t cap = r->hold_cap ? r->hold_cap : 64u * 1024u;
    if (cap > r->opts.max_held_bytes)
      cap = r->opts.max_held_bytes;
    char *nb;
    while (cap < need)
      cap = cap > r->opts.max_held_bytes / 2 ? r->opts.max_held_bytes : cap * 2;
    nb = realloc(r->hold, cap);
    if (nb == NULL) {
      warc__fail(r, RESPCHECK_WARC_E_NOMEM, r->held->pub.offset,
                 "record %llu: out of memory holding its block",
                 (unsigned long long)r->held->pub.number);
      return;
    }
    r->hold = nb;
    r->hold_cap = cap;
  }
  memcpy(r->hold + r->hold_len, d, n);
  r->hold_len = need;
}

void warc__block(respcheck_warc_reader_t *r, const char *d, size_t n) {
  size_t take;
  switch (r->sink) {
  case WARC_SINK_LINT:
    lint_feed(r, d, n);
    break;
  case WARC_SINK_HOLD:
    hold(r, d, n);
    break;
  case WARC_SINK_LINE:
    take = r->line_cap - r->line_len < n ? r->line_cap - r->line_len : n;
    memcpy(r->line + r->line_len, d, take);
    r->line_len += take;
    break;
  default:
    break;
  }
}

void warc__record_end(respcheck_warc_reader_t *r) {
  int sink = r->sink;
  r->sink = WARC_SINK_SKIP;
  switch (sink) {
  case WARC_SINK_LINT:
    lint_end(r);
    break;
  case WARC_SINK_HOLD:
    r->held_done = 1;
    break;
  case WARC_SINK_LINE:
    if (r->kind == WARC_KIND_REQUEST)
      request_done(r);
    else
      warcinfo_done(r);
    break;
  default:
    break;
  }
}

void warc__lint_eof(respcheck_warc_reader_t *r) {
  if (r->held)
    release_held(r, NULL);
}

void warc__lint_abort(respcheck_warc_reader_t *r) {
  if (r->error == RESPCHECK_WARC_E_CALLBACK) {
    r->held = NULL;
    r->lrec = NULL;
    r->sink = WARC_SINK_SKIP;
    return;
  }
  if (r->held) {
    /* Held and complete: the record after it never came. Held and still
     * being read: cut by the error. */
    if (r->sink == WARC_SINK_HOLD) {
      r->held->pub.flags |= RESPCHECK_WARC_CUT;
      r->held_done = 1;
    }
    r->sink = WARC_SINK_SKIP;
    release_held(r, NULL);
  }
  if (r->sink == WARC_SINK_LINT && r->lrec) {
    r->lrec->pub.flags |= RESPCHECK_WARC_CUT;
    r->sink = WARC_SINK_SKIP;
    lint_end(r);
  }
  r->sink = WARC_SINK_SKIP;
}
