/* SPDX-License-Identifier: MIT */
/* The parser's contract beyond the rules: memory, errors, request contexts,
 * tunnels, spans. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "respcheck.h"

/* Allocation counting: the test binary is linked with --wrap for these. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t a, size_t b);
void *__real_realloc(void *p, size_t n);
static volatile long allocations;
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t a, size_t b);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n) {
  allocations++;
  return __real_malloc(n);
}
void *__wrap_calloc(size_t a, size_t b) {
  allocations++;
  return __real_calloc(a, b);
}
void *__wrap_realloc(void *p, size_t n) {
  allocations++;
  return __real_realloc(p, n);
}

typedef struct counts {
  int heads, ends, findings, errors, tunnel_bytes, body_bytes;
  int stop_at_head;
  int last_status;
  respcheck_method_t methods[8];
  char first_header[64];
} counts_t;

static void on_finding(void *u, const respcheck_finding_t *f) {
  counts_t *c = u;
  c->findings++;
  if (f->severity == RESPCHECK_SEVERITY_ERROR)
    c->errors++;
}
static int on_head(void *u, const respcheck_response_t *r) {
  counts_t *c = u;
  if (c->heads < 8)
    c->methods[c->heads] = r->request.method;
  c->heads++;
  c->last_status = r->status;
  if (r->header_count)
    snprintf(c->first_header, sizeof(c->first_header), "%.*s: %.*s",
             (int)r->headers[0].name.len, r->headers[0].name.ptr,
             (int)r->headers[0].value.len, r->headers[0].value.ptr);
  return c->stop_at_head;
}
static int on_body(void *u, const char *at, size_t len) {
  (void)at;
  ((counts_t *)u)->body_bytes += (int)len;
  return 0;
}
static void on_end(void *u, const respcheck_message_end_t *m) {
  (void)m;
  ((counts_t *)u)->ends++;
}
static void on_tunnel(void *u, const char *at, size_t len, uint64_t off) {
  (void)at;
  (void)off;
  ((counts_t *)u)->tunnel_bytes += (int)len;
}
static const respcheck_callbacks_t callbacks = {on_finding, on_head, on_body,
                                                on_end, on_tunnel};

static const char mix[] =
    "HTTP/1.1 100 Continue\r\n\r\n"
    "HTTP/1.1 200 OK\r\nDate: Thu, 26 Nov 2026 10:00:00 GMT\r\n"
    "Content-Type: text/html\r\nContent-Length: 11\r\n\r\nhello world"
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    "HTTP/1.1 204 No Content\r\n\r\n"
    "HTTP/1.1 301 Moved Permanently\r\nLocation: /x\r\nContent-Length: "
    "0\r\n\r\n"
    "HTTP/1.1 999 Bad\r\nContent-Length: 0\r\n\r\n";

Test(memory, no_allocation_after_setup) {
  counts_t c = {0};
  respcheck_parser_t *p = respcheck_parser_new(NULL, &callbacks, &c);
  long before;
  int i;
  cr_assert(p != NULL);
  before = allocations;
  for (i = 0; i < 2000; i++) {
    size_t off;
    for (off = 0; off < sizeof(mix) - 1; off += 7) {
      size_t n = sizeof(mix) - 1 - off < 7 ? sizeof(mix) - 1 - off : 7;
      cr_assert_eq(respcheck_execute(p, mix + off, n), RESPCHECK_E_OK);
    }
  }
  respcheck_finish(p);
  cr_assert_eq(allocations, before, "%ld allocations while parsing",
               allocations - before);
  cr_assert_eq(c.heads, 2000 * 6);
  cr_assert_eq(c.ends, 2000 * 6);
  respcheck_parser_free(p);
}

Test(memory, the_counter_counts) {
  long before = allocations;
  free(malloc(16));
  cr_assert_eq(allocations, before + 1, "--wrap is not in effect");
}

Test(memory, caller_provided_block) {
  respcheck_options_t o;
  size_t n;
  void *mem;
  counts_t c = {0};
  respcheck_parser_t *p;

  respcheck_options_init(&o);
  o.max_header_bytes = 1024;
  o.max_headers = 8;
  n = respcheck_parser_size(&o);
  cr_assert(n > 1024 && n < 1024 + 8192, "size %zu", n);
  cr_assert(respcheck_parser_size(NULL) > 64 * 1024);
  mem = malloc(n);
  cr_assert_null(respcheck_parser_init(mem, n - 1, &o, &callbacks, &c));
  cr_assert_null(respcheck_parser_init(NULL, n, &o, &callbacks, &c));
  p = respcheck_parser_init(mem, n, &o, &callbacks, &c);
  cr_assert_not_null(p);
  cr_assert_eq(respcheck_execute(p, mix, sizeof(mix) - 1), RESPCHECK_E_OK);
  cr_assert_eq(c.heads, 6);
  free(mem);
}

Test(options, invalid_limits_are_refused) {
  respcheck_options_t o;
  respcheck_options_init(&o);
  o.max_headers = 0;
  cr_assert_eq(respcheck_parser_size(&o), 0);
  cr_assert_null(respcheck_parser_new(&o, NULL, NULL));
  respcheck_options_init(&o);
  o.max_header_bytes = (size_t)-1;
  cr_assert_eq(respcheck_parser_size(&o), 0);
}

Test(options, severities) {
  respcheck_options_t o;
  counts_t c = {0};
  respcheck_parser_t *p;
  static const char r[] =
      "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n";
  respcheck_options_init(&o);
  cr_assert_eq(o.severity[RESPCHECK_RULE_LOCATION_MISSING],
               RESPCHECK_SEVERITY_WARNING);
  cr_assert_eq(
      respcheck_options_set_severity(
          &o, RESPCHECK_RULE_WWW_AUTHENTICATE_MISSING, RESPCHECK_SEVERITY_OFF),
      RESPCHECK_E_OK);
  cr_assert_eq(respcheck_options_set_severity(&o, RESPCHECK_RULE_COUNT,
                                              RESPCHECK_SEVERITY_OFF),
               RESPCHECK_E_INVAL);
  respcheck_options_set_severity(&o, RESPCHECK_RULE_DATE_MISSING,
                                 RESPCHECK_SEVERITY_OFF);
  p = respcheck_parser_new(&o, &callbacks, &c);
  respcheck_execute(p, r, sizeof(r) - 1);
  cr_assert_eq(c.findings, 0);
  respcheck_parser_free(p);
}

Test(errors, sticky_with_offset) {
  counts_t c = {0};
  respcheck_parser_t *p = respcheck_parser_new(NULL, &callbacks, &c);
  static const char bad[] =
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 2x0 OK\r\n\r\n";
  cr_assert_eq(respcheck_execute(p, bad, sizeof(bad) - 1), RESPCHECK_E_PARSE);
  cr_assert_eq(respcheck_parser_error(p), RESPCHECK_E_PARSE);
  cr_assert_eq(respcheck_parser_error_offset(p), 38 + 10);
  cr_assert(strstr(respcheck_parser_error_reason(p), "HPE_") != NULL);
  cr_assert_eq(respcheck_execute(p, mix, sizeof(mix) - 1), RESPCHECK_E_PARSE);
  cr_assert_eq(respcheck_finish(p), RESPCHECK_E_PARSE);
  cr_assert_eq(c.heads, 1);
  respcheck_parser_reset(p);
  cr_assert_eq(respcheck_parser_error(p), RESPCHECK_E_OK);
  cr_assert_eq(respcheck_execute(p, mix, sizeof(mix) - 1), RESPCHECK_E_OK);
  cr_assert_eq(respcheck_finish(p), RESPCHECK_E_OK);
  cr_assert_eq(respcheck_finish(p), RESPCHECK_E_FINISHED);
  cr_assert_eq(respcheck_execute(p, "x", 1), RESPCHECK_E_FINISHED);
  respcheck_parser_free(p);
}

Test(errors, callback_stops) {
  counts_t c = {0};
  respcheck_parser_t *p;
  c.stop_at_head = 1;
  p = respcheck_parser_new(NULL, &callbacks, &c);
  cr_assert_eq(respcheck_execute(p, mix, sizeof(mix) - 1),
               RESPCHECK_E_CALLBACK);
  cr_assert_eq(c.heads, 1);
  cr_assert_eq(respcheck_execute(p, mix, 1), RESPCHECK_E_CALLBACK);
  respcheck_parser_free(p);
}

Test(errors, bad_arguments) {
  cr_assert_eq(respcheck_execute(NULL, "x", 1), RESPCHECK_E_INVAL);
  cr_assert_eq(respcheck_finish(NULL), RESPCHECK_E_INVAL);
  cr_assert_eq(respcheck_push_request(NULL, NULL), RESPCHECK_E_INVAL);
  cr_assert_str_eq(respcheck_errno_name(RESPCHECK_E_LIMIT),
                   "RESPCHECK_E_LIMIT");
  cr_assert_str_eq(respcheck_strerror((respcheck_errno_t)99), "unknown error");
}

Test(requests, pipelined_contexts_pair_in_order) {
  counts_t c = {0};
  respcheck_options_t o;
  respcheck_parser_t *p;
  respcheck_request_t head = {RESPCHECK_METHOD_HEAD, 1, 1,
                              RESPCHECK_TRANSPORT_UNKNOWN};
  respcheck_request_t get = {RESPCHECK_METHOD_GET, 1, 1,
                             RESPCHECK_TRANSPORT_UNKNOWN};
  /* 100 + 200 answer the HEAD (no body despite Content-Length); the next
   * 200 answers the GET and has a body. */
  static const char s[] = "HTTP/1.1 100 Continue\r\n\r\n"
                          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
                          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  respcheck_options_init(&o);
  o.max_pending_requests = 2;
  p = respcheck_parser_new(&o, &callbacks, &c);
  cr_assert_eq(respcheck_push_request(p, &head), RESPCHECK_E_OK);
  cr_assert_eq(respcheck_push_request(p, &get), RESPCHECK_E_OK);
  cr_assert_eq(respcheck_push_request(p, &get), RESPCHECK_E_FULL);
  cr_assert_eq(respcheck_execute(p, s, sizeof(s) - 1), RESPCHECK_E_OK);
  cr_assert_eq(c.heads, 3);
  cr_assert_eq(c.methods[0], RESPCHECK_METHOD_HEAD);
  cr_assert_eq(c.methods[1], RESPCHECK_METHOD_HEAD);
  cr_assert_eq(c.methods[2], RESPCHECK_METHOD_GET);
  cr_assert_eq(c.body_bytes, 5);
  cr_assert_eq(c.errors, 0);
  respcheck_parser_free(p);
}

Test(tunnel, bytes_after_101_are_handed_back) {
  counts_t c = {0};
  respcheck_parser_t *p = respcheck_parser_new(NULL, &callbacks, &c);
  static const char s[] =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\n\r\n\x81\x05hello HTTP/1.1 600 x\r\n\r\n";
  cr_assert_eq(respcheck_execute(p, s, sizeof(s) - 1), RESPCHECK_E_OK);
  cr_assert(respcheck_parser_in_tunnel(p));
  cr_assert_eq(c.tunnel_bytes, 26);
  cr_assert_eq(c.heads, 1);
  cr_assert_eq(c.findings, 0);
  cr_assert_eq(respcheck_finish(p), RESPCHECK_E_OK);
  respcheck_parser_free(p);
}

Test(spans, obs_fold_shown_as_spaces) {
  counts_t c = {0};
  respcheck_parser_t *p = respcheck_parser_new(NULL, &callbacks, &c);
  static const char s[] =
      "HTTP/1.1 200 OK\r\nX-A:  one\r\n\ttwo  \r\nContent-Length: 0\r\n\r\n";
  respcheck_execute(p, s, sizeof(s) - 1);
  cr_assert_str_eq(c.first_header, "X-A: one  \ttwo");
  respcheck_parser_free(p);
}

/* respcheck.h: a head's spans stay valid until on_message_end of the same
 * response, even when the caller reuses its buffer meanwhile. */
typedef struct keep {
  const respcheck_response_t *r;
  char at_head[512];
  int heads, ends, mismatches;
} keep_t;

static void head_text(const respcheck_response_t *r, char *out, size_t cap) {
  size_t i;
  int o = snprintf(out, cap, "%d %.*s|", r->status, (int)r->reason.len,
                   r->reason.ptr);
  for (i = 0; i < r->header_count && o > 0 && (size_t)o < cap; i++)
    o += snprintf(out + o, cap - (size_t)o, "%.*s=%.*s|",
                  (int)r->headers[i].name.len, r->headers[i].name.ptr,
                  (int)r->headers[i].value.len, r->headers[i].value.ptr);
}
static int keep_head(void *u, const respcheck_response_t *r) {
  keep_t *k = u;
  k->r = r;
  head_text(r, k->at_head, sizeof(k->at_head));
  k->heads++;
  return 0;
}
static void keep_end(void *u, const respcheck_message_end_t *m) {
  keep_t *k = u;
  char now[512];
  k->ends++;
  if (!(m->flags & RESPCHECK_END_HEAD))
    return;
  head_text(k->r, now, sizeof(now));
  if (strcmp(now, k->at_head) != 0)
    k->mismatches++;
}

Test(spans, head_outlives_the_callers_buffer) {
  static const respcheck_callbacks_t cb = {NULL, keep_head, NULL, keep_end,
                                           NULL};
  size_t n = sizeof(mix) - 1, cut;
  for (cut = 0; cut <= n; cut++) {
    keep_t k = {0};
    char a[sizeof(mix)], b[sizeof(mix)];
    respcheck_parser_t *p = respcheck_parser_new(NULL, &cb, &k);
    memcpy(a, mix, cut);
    cr_assert_eq(respcheck_execute(p, a, cut), RESPCHECK_E_OK);
    memset(a, 'X', sizeof(a)); /* the caller reuses its buffer */
    memcpy(b, mix + cut, n - cut);
    cr_assert_eq(respcheck_execute(p, b, n - cut), RESPCHECK_E_OK);
    memset(b, 'Y', sizeof(b));
    cr_assert_eq(respcheck_finish(p), RESPCHECK_E_OK);
    cr_assert_eq(k.heads, 6, "cut at %zu: %d heads", cut, k.heads);
    cr_assert_eq(k.ends, 6, "cut at %zu: %d ends", cut, k.ends);
    cr_assert_eq(k.mismatches, 0, "cut at %zu: a head changed before its end",
                 cut);
    respcheck_parser_free(p);
  }
}

Test(catalogue, contract_ids) {
  static const char *const ids[] = {"parse-error",
                                    "status-class-invalid",
                                    "status-unregistered",
                                    "status-reserved",
                                    "status-1xx-http10",
                                    "version-invalid",
                                    "content-length-forbidden",
                                    "transfer-encoding-forbidden",
                                    "transfer-encoding-http10",
                                    "framing-conflict",
                                    "content-length-invalid",
                                    "location-missing",
                                    "www-authenticate-missing",
                                    "proxy-authenticate-missing",
                                    "allow-missing",
                                    "content-range-missing",
                                    "upgrade-missing"};
  static const respcheck_severity_t sev[] = {
      RESPCHECK_SEVERITY_ERROR,   RESPCHECK_SEVERITY_ERROR,
      RESPCHECK_SEVERITY_WARNING, RESPCHECK_SEVERITY_WARNING,
      RESPCHECK_SEVERITY_ERROR,   RESPCHECK_SEVERITY_ERROR,
      RESPCHECK_SEVERITY_ERROR,   RESPCHECK_SEVERITY_ERROR,
      RESPCHECK_SEVERITY_ERROR,   RESPCHECK_SEVERITY_ERROR,
      RESPCHECK_SEVERITY_ERROR,   RESPCHECK_SEVERITY_WARNING,
      RESPCHECK_SEVERITY_ERROR,   RESPCHECK_SEVERITY_ERROR,
      RESPCHECK_SEVERITY_ERROR,   RESPCHECK_SEVERITY_ERROR,
      RESPCHECK_SEVERITY_ERROR};
  size_t i, j;
  for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
    int r = respcheck_rule_from_id(ids[i], strlen(ids[i]));
    cr_assert(r >= 0, "rule %s missing", ids[i]);
    cr_assert_eq(respcheck_rule_default_severity((respcheck_rule_t)r), sev[i],
                 "%s", ids[i]);
  }
  for (i = 0; i < RESPCHECK_RULE_COUNT; i++) {
    const char *ref = respcheck_rule_reference((respcheck_rule_t)i);
    const char *id = respcheck_rule_id((respcheck_rule_t)i);
    /* The capture-* rules are about the archive or export the responses
     * were read from, and cite its format. */
    if (strncmp(id, "capture-", 8) == 0)
      cr_assert(
          ref && (strncmp(ref, "ISO ", 4) == 0 || strncmp(ref, "HAR ", 4) == 0),
          "rule %s cites no format", id);
    else
      cr_assert(ref && strncmp(ref, "RFC ", 4) == 0, "rule %zu cites no RFC",
                i);
    cr_assert(respcheck_rule_summary((respcheck_rule_t)i)[0] != '\0');
    for (j = i + 1; j < RESPCHECK_RULE_COUNT; j++)
      cr_assert_str_neq(respcheck_rule_id((respcheck_rule_t)i),
                        respcheck_rule_id((respcheck_rule_t)j));
  }
  cr_assert_eq(respcheck_rule_from_id("nope", 4), -1);
  cr_assert_null(respcheck_rule_id(RESPCHECK_RULE_COUNT));
}

Test(catalogue, version_names_registry_date) {
  cr_assert(strstr(respcheck_version(), "2025-09-15") != NULL, "%s",
            respcheck_version());
  cr_assert(strstr(respcheck_version(), "0.1.0") == respcheck_version());
  cr_assert_eq(respcheck_version_number(), RESPCHECK_VERSION_HEX);
  cr_assert_eq(respcheck_severity_from_name("warning"),
               RESPCHECK_SEVERITY_WARNING);
  cr_assert_eq(respcheck_severity_from_name("fatal"), -1);
  cr_assert_eq(respcheck_method_from_name("HEAD", 4), RESPCHECK_METHOD_HEAD);
  cr_assert_eq(respcheck_method_from_name("head", 4), RESPCHECK_METHOD_UNKNOWN);
  cr_assert_str_eq(respcheck_method_name(RESPCHECK_METHOD_CONNECT), "CONNECT");
}

Test(errors, framing_disagreement_stops_the_stream) {
  /* RFC 9110 5.6.1 reads "chunked," as chunked; llhttp 8.1 reads the body
   * to the close. Reading on would put the 404 inside the first body. */
  counts_t c = {0};
  respcheck_parser_t *p = respcheck_parser_new(NULL, &callbacks, &c);
  static const char s[] =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked,\r\n\r\n"
      "5\r\nhello\r\n0\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: "
      "2\r\n\r\nNF";
  cr_assert_eq(respcheck_execute(p, s, sizeof(s) - 1), RESPCHECK_E_FRAMING);
  cr_assert_eq(respcheck_parser_error_offset(p), 48);
  cr_assert_eq(c.heads, 1);
  cr_assert_eq(c.body_bytes, 0);
  cr_assert_eq(c.ends, 1);
  respcheck_parser_free(p);
}

/* The record a message end carries (issue 11): for a head llhttp refuses
 * after a status line it read fine, what was read before the refusal. */
typedef struct end_record {
  int heads, ends;
  const respcheck_response_t *head_seen; /* on_head's pointer */
  int have_response, same_as_head;
  unsigned flags;
  int status, effective_status, version_major, version_minor;
  char reason[32];
  size_t header_count;
  char first_header[64];
  respcheck_verdict_t verdict;
  unsigned framing;
} end_record_t;

static int rec_head(void *u, const respcheck_response_t *r) {
  end_record_t *e = u;
  e->heads++;
  e->head_seen = r;
  return 0;
}

static void rec_end(void *u, const respcheck_message_end_t *m) {
  end_record_t *e = u;
  const respcheck_response_t *r = m->response;
  e->ends++;
  e->flags = m->flags;
  e->have_response = r != NULL;
  e->same_as_head = r != NULL && r == e->head_seen;
  e->head_seen = NULL;
  if (r == NULL)
    return;
  e->status = r->status;
  e->effective_status = r->effective_status;
  e->version_major = r->version_major;
  e->version_minor = r->version_minor;
  snprintf(e->reason, sizeof(e->reason), "%.*s", (int)r->reason.len,
           r->reason.ptr);
  e->header_count = r->header_count;
  e->first_header[0] = '\0';
  if (r->header_count)
    snprintf(e->first_header, sizeof(e->first_header), "%.*s: %.*s",
             (int)r->headers[0].name.len, r->headers[0].name.ptr,
             (int)r->headers[0].value.len, r->headers[0].value.ptr);
  e->verdict = r->verdict;
  e->framing = r->framing;
}

static const respcheck_callbacks_t record_callbacks = {NULL, rec_head, NULL,
                                                       rec_end, NULL};

static const char refused_field_line[] =
    "HTTP/1.1 404 Not Found\r\n"
    "Date: Thu, 26 Nov 2026 10:00:00 GMT\r\n"
    "no colon on this line\r\n"
    "Content-Length: 0\r\n\r\n";

/* Feeds s in pieces of step bytes; returns what the last call returned. */
static respcheck_errno_t feed_pieces(respcheck_parser_t *p, const char *s,
                                     size_t n, size_t step) {
  respcheck_errno_t e = RESPCHECK_E_OK;
  size_t off;
  for (off = 0; off < n && e == RESPCHECK_E_OK; off += step)
    e = respcheck_execute(p, s + off, n - off < step ? n - off : step);
  return e;
}

Test(message_end, refused_head_keeps_its_status_line) {
  static const size_t steps[] = {sizeof(refused_field_line), 1, 7, 30};
  size_t i;
  for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
    end_record_t e = {0};
    respcheck_parser_t *p = respcheck_parser_new(NULL, &record_callbacks, &e);
    cr_assert_eq(feed_pieces(p, refused_field_line,
                             sizeof(refused_field_line) - 1, steps[i]),
                 RESPCHECK_E_PARSE, "pieces of %zu", steps[i]);
    cr_assert_eq(e.heads, 0, "a refused head is not delivered to on_head");
    cr_assert_eq(e.ends, 1);
    cr_assert_eq(e.flags, RESPCHECK_END_ABORTED, "flags %#x", e.flags);
    cr_assert(e.have_response, "pieces of %zu: no record of the status line",
              steps[i]);
    cr_assert_eq(e.status, 404);
    cr_assert_eq(e.effective_status, 404);
    cr_assert_eq(e.version_major, 1);
    cr_assert_eq(e.version_minor, 1);
    cr_assert_str_eq(e.reason, "Not Found");
    /* The field lines wholly before the refusal. */
    cr_assert_eq(e.header_count, 1, "%zu fields", e.header_count);
    cr_assert_str_eq(e.first_header, "Date: Thu, 26 Nov 2026 10:00:00 GMT");
    cr_assert_eq(e.verdict, RESPCHECK_REJECT);
    cr_assert_eq(e.framing, 0u);
    respcheck_parser_free(p);
  }
}

Test(message_end, record_is_the_head_or_null) {
  end_record_t e = {0};
  static const char bad_status[] = "HTTP/1.1 2x0 OK\r\n\r\n";
  respcheck_parser_t *p = respcheck_parser_new(NULL, &record_callbacks, &e);
  cr_assert_eq(respcheck_execute(p, mix, sizeof(mix) - 1), RESPCHECK_E_OK);
  cr_assert_eq(e.ends, 6);
  cr_assert(e.same_as_head, "a delivered head is the end's record");
  cr_assert_eq(e.status, 999);
  cr_assert_eq(respcheck_execute(p, bad_status, sizeof(bad_status) - 1),
               RESPCHECK_E_PARSE);
  cr_assert_eq(e.ends, 7);
  cr_assert_not(e.have_response, "no status line was read: no record");
  respcheck_parser_free(p);
}
