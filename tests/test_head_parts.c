/* SPDX-License-Identifier: MIT */
/*
 * respcheck_check_head: a response head given as parts. Each rule that
 * needs no bytes (the field-value rules among them) fires from parts, and
 * has a near miss; no rule about bytes ever fires; the request context,
 * the limits, the offsets, the callbacks and the errors behave as the
 * header says; and on every test vector whose head is well-formed, the
 * parts of the head a stream read give the same findings as the stream
 * did, about the same field (the .md files of tests/vectors/,
 * RESPCHECK_TEST_VECTORS).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "respcheck.h"
#include "vectors.h"

typedef struct got {
  respcheck_rule_t rules[64];
  uint64_t offsets[64];
  size_t n;
  int heads, ends;
  unsigned end_flags;
  respcheck_response_t head;
  respcheck_verdict_t end_verdict;
  int stop;
} got_t;

static void on_finding(void *u, const respcheck_finding_t *f) {
  got_t *g = u;
  cr_assert_lt(g->n, 64);
  cr_assert_str_eq(f->id, respcheck_rule_id(f->rule));
  g->rules[g->n] = f->rule;
  g->offsets[g->n++] = f->offset;
}

static int on_head(void *u, const respcheck_response_t *r) {
  got_t *g = u;
  g->heads++;
  g->head = *r;
  return g->stop;
}

static void on_end(void *u, const respcheck_message_end_t *m) {
  got_t *g = u;
  g->ends++;
  g->end_flags = m->flags;
  g->end_verdict = m->verdict;
}

static int fired(const got_t *g, respcheck_rule_t rule) {
  size_t i;
  for (i = 0; i < g->n; i++)
    if (g->rules[i] == rule)
      return 1;
  return 0;
}

#define MAXF 8

/* A head from text: "STATUS REASON|Name: value|Name: value". */
typedef struct head {
  respcheck_head_parts_t parts;
  respcheck_header_t h[MAXF];
  char text[512];
} head_t;

static void make(head_t *hd, int major, int minor, const char *spec) {
  char *p, *bar;
  size_t n = 0;
  memset(hd, 0, sizeof(*hd));
  snprintf(hd->text, sizeof(hd->text), "%s", spec);
  hd->parts.version_major = (unsigned char)major;
  hd->parts.version_minor = (unsigned char)minor;
  hd->parts.status = atoi(hd->text);
  p = strchr(hd->text, ' ');
  bar = strchr(hd->text, '|');
  if (p && (!bar || p < bar)) {
    hd->parts.reason.ptr = p + 1;
    hd->parts.reason.len = (size_t)((bar ? bar : p + strlen(p)) - (p + 1));
  }
  while (bar) {
    char *name = bar + 1, *colon = strchr(name, ':');
    bar = strchr(name, '|');
    cr_assert(colon && n < MAXF);
    hd->h[n].name.ptr = name;
    hd->h[n].name.len = (size_t)(colon - name);
    hd->h[n].value.ptr = colon + 2;
    hd->h[n].value.len =
        (size_t)((bar ? bar : colon + strlen(colon)) - (colon + 2));
    hd->h[n].offset = 100 + n;
    n++;
  }
  hd->parts.headers = hd->h;
  hd->parts.header_count = n;
}

static respcheck_errno_t check(got_t *g, const respcheck_options_t *o,
                               const respcheck_request_t *req, int major,
                               int minor, const char *spec) {
  respcheck_callbacks_t cb = {0};
  respcheck_parser_t *p;
  respcheck_errno_t e;
  head_t hd;
  memset(g, 0, sizeof(*g));
  cb.on_finding = on_finding;
  cb.on_head = on_head;
  cb.on_message_end = on_end;
  p = respcheck_parser_new(o, &cb, g);
  cr_assert_not_null(p);
  if (req)
    cr_assert_eq(respcheck_push_request(p, req), RESPCHECK_E_OK);
  make(&hd, major, minor, spec);
  e = respcheck_check_head(p, &hd.parts);
  respcheck_parser_free(p);
  return e;
}

/* One rule fires from parts; its near miss does not. */
typedef struct rule_case {
  respcheck_rule_t rule;
  int major, minor, req10; /* the head that fires, its request HTTP/1.0 */
  const char *fires;
  int nmajor, nminor, nreq10; /* the near miss */
  const char *near;
} rule_case_t;

/* A valid Date (RFC 9110 5.6.7), where a case wants none of the date
 * rules. */
#define DATE "Sun, 06 Nov 1994 08:49:37 GMT"

Test(parts, each_rule_without_bytes) {
#define D "|Date: " DATE
  static const rule_case_t cases[] = {
      {RESPCHECK_RULE_STATUS_CLASS_INVALID, 1, 1, 0, "99 X" D, 1, 1, 0,
       "100 Continue"},
      {RESPCHECK_RULE_STATUS_CLASS_INVALID, 1, 1, 0, "600 X", 1, 1, 0, "599 X"},
      {RESPCHECK_RULE_STATUS_UNREGISTERED, 1, 1, 0, "299 X" D, 1, 1, 0,
       "200 OK" D},
      {RESPCHECK_RULE_STATUS_RESERVED, 1, 1, 0, "418 X" D, 1, 1, 0,
       "417 Expectation Failed" D},
      {RESPCHECK_RULE_STATUS_TEMPORARY, 1, 1, 0,
       "104 Upload Resumption Supported", 1, 1, 0, "103 Early Hints"},
      {RESPCHECK_RULE_STATUS_DEPRECATED, 1, 1, 0, "305 Use Proxy|Location: /" D,
       1, 1, 0, "304 Not Modified" D},
      {RESPCHECK_RULE_STATUS_OBSOLETED, 1, 1, 0, "510 Not Extended", 1, 1, 0,
       "511 X"},
      {RESPCHECK_RULE_STATUS_1XX_HTTP10, 1, 0, 0, "100 Continue", 1, 1, 0,
       "100 Continue"},
      {RESPCHECK_RULE_STATUS_1XX_HTTP10, 1, 1, 1, "103 Early Hints", 1, 0, 1,
       "200 OK" D},
      {RESPCHECK_RULE_VERSION_INVALID, 2, 0, 0, "200 OK" D, 1, 1, 0,
       "200 OK" D},
      {RESPCHECK_RULE_VERSION_INVALID, 0, 9, 0, "200 OK" D, 1, 0, 0,
       "200 OK" D},
      {RESPCHECK_RULE_VERSION_UNKNOWN_MINOR, 1, 2, 0, "200 OK" D, 1, 1, 0,
       "200 OK" D},
      {RESPCHECK_RULE_CONTENT_LENGTH_FORBIDDEN, 1, 1, 0,
       "204 No Content|Content-Length: 0" D, 1, 1, 0,
       "200 OK|Content-Length: 0" D},
      {RESPCHECK_RULE_TRANSFER_ENCODING_FORBIDDEN, 1, 1, 0,
       "204 No Content|Transfer-Encoding: chunked" D, 1, 1, 0,
       "200 OK|Transfer-Encoding: chunked" D},
      {RESPCHECK_RULE_TRANSFER_ENCODING_HTTP10, 1, 0, 0,
       "200 OK|Transfer-Encoding: chunked" D, 1, 1, 0,
       "200 OK|Transfer-Encoding: chunked" D},
      {RESPCHECK_RULE_TRANSFER_ENCODING_HTTP10, 1, 1, 1,
       "200 OK|Transfer-Encoding: chunked" D, 1, 0, 1,
       "200 OK|Content-Length: 1" D},
      {RESPCHECK_RULE_FRAMING_CONFLICT, 1, 1, 0,
       "200 OK|Content-Length: 1|Transfer-Encoding: chunked" D, 1, 1, 0,
       "200 OK|Content-Length: 1" D},
      {RESPCHECK_RULE_CONTENT_LENGTH_INVALID, 1, 1, 0,
       "200 OK|Content-Length: 1x" D, 1, 1, 0, "200 OK|Content-Length: 10" D},
      {RESPCHECK_RULE_CONTENT_LENGTH_INVALID, 1, 1, 0,
       "200 OK|Content-Length: 1|Content-Length: 2" D, 1, 1, 0,
       "200 OK|Content-Length: 2|Content-Length: 2" D},
      {RESPCHECK_RULE_TRANSFER_ENCODING_INVALID, 1, 1, 0,
       "200 OK|Transfer-Encoding: chunked, chunked" D, 1, 1, 0,
       "200 OK|Transfer-Encoding: gzip, chunked" D},
      {RESPCHECK_RULE_CONTENT_FORBIDDEN, 1, 1, 0,
       "205 Reset Content|Content-Length: 3" D, 1, 1, 0,
       "205 Reset Content|Content-Length: 0" D},
      {RESPCHECK_RULE_LOCATION_MISSING, 1, 1, 0, "302 Found" D, 1, 1, 0,
       "302 Found|Location: /" D},
      {RESPCHECK_RULE_WWW_AUTHENTICATE_MISSING, 1, 1, 0, "401 Unauthorized" D,
       1, 1, 0, "401 Unauthorized|WWW-Authenticate: Basic" D},
      {RESPCHECK_RULE_PROXY_AUTHENTICATE_MISSING, 1, 1, 0, "407 X" D, 1, 1, 0,
       "407 X|Proxy-Authenticate: B" D},
      {RESPCHECK_RULE_ALLOW_MISSING, 1, 1, 0, "405 Method Not Allowed" D, 1, 1,
       0, "405 Method Not Allowed|Allow: GET" D},
      {RESPCHECK_RULE_CONTENT_RANGE_MISSING, 1, 1, 0, "206 Partial Content" D,
       1, 1, 0,
       "206 Partial Content|Content-Type: multipart/byteranges; boundary=x" D},
      {RESPCHECK_RULE_UPGRADE_MISSING, 1, 1, 0, "101 Switching Protocols", 1, 1,
       0, "101 Switching Protocols|Upgrade: websocket"},
      {RESPCHECK_RULE_REASON_PHRASE_MISMATCH, 1, 1, 0, "404 OK" D, 1, 1, 0,
       "404 not found" D},
      {RESPCHECK_RULE_REASON_PHRASE_MISMATCH, 1, 1, 0, "200 Not Found" D, 1, 1,
       0, "200 Fine" D},
      {RESPCHECK_RULE_REASON_PHRASE_INVALID, 1, 1, 0, "200 O\x01K" D, 1, 1, 0,
       "200 O\x80K" D},
      {RESPCHECK_RULE_REASON_PHRASE_INVALID, 1, 1, 0, "200 O\rK" D, 1, 1, 0,
       "200 O\tK" D},
      {RESPCHECK_RULE_DATE_MISSING, 1, 1, 0, "200 OK", 1, 1, 0, "200 OK" D},
      {RESPCHECK_RULE_DATE_MISSING, 1, 1, 0, "404 Not Found", 1, 1, 0,
       "500 Internal Server Error"},
      /* The field values (values_*.c): the same checks as a stream's. */
      {RESPCHECK_RULE_CONTENT_RANGE_MISSING_416, 1, 1, 0,
       "416 Range Not Satisfiable" D, 1, 1, 0,
       "416 Range Not Satisfiable|Content-Range: bytes */10" D},
      {RESPCHECK_RULE_CONTENT_RANGE_MISSING_416, 1, 1, 0,
       "416 Range Not Satisfiable|Content-Range: bytes 0-1/10" D, 1, 1, 0,
       "206 Partial Content|Content-Range: bytes 0-1/10" D},
      {RESPCHECK_RULE_CONTENT_RANGE_INVALID, 1, 1, 0,
       "206 Partial Content|Content-Range: bytes 5-1/10" D, 1, 1, 0,
       "206 Partial Content|Content-Range: bytes 1-5/10" D},
      {RESPCHECK_RULE_DATE_INVALID, 1, 1, 0, "200 OK|Date: yesterday", 1, 1, 0,
       "200 OK" D},
      {RESPCHECK_RULE_DATE_INVALID, 1, 1, 0,
       "200 OK|Date: Mon, 06 Nov 1994 08:49:37 GMT", 1, 1, 0, "200 OK" D},
      {RESPCHECK_RULE_HTTP_DATE_OBSOLETE, 1, 1, 0,
       "200 OK|Date: Sunday, 06-Nov-94 08:49:37 GMT", 1, 1, 0, "200 OK" D},
      {RESPCHECK_RULE_LAST_MODIFIED_INVALID, 1, 1, 0,
       "200 OK|Last-Modified: soon" D, 1, 1, 0,
       "200 OK|Last-Modified: " DATE D},
      {RESPCHECK_RULE_LAST_MODIFIED_FUTURE, 1, 1, 0,
       "200 OK|Last-Modified: Sun, 06 Nov 1994 08:49:38 GMT" D, 1, 1, 0,
       "200 OK|Last-Modified: " DATE D},
      {RESPCHECK_RULE_EXPIRES_INVALID, 1, 1, 0, "200 OK|Expires: 0" D, 1, 1, 0,
       "200 OK|Expires: " DATE D},
      {RESPCHECK_RULE_RETRY_AFTER_INVALID, 1, 1, 0,
       "503 Service Unavailable|Retry-After: -1" D, 1, 1, 0,
       "503 Service Unavailable|Retry-After: 120" D},
      {RESPCHECK_RULE_SINGLETON_FIELD_REPEATED, 1, 1, 0,
       "200 OK|Content-Type: text/html|Content-Type: text/html" D, 1, 1, 0,
       "200 OK|Content-Type: text/html|Vary: a|Vary: b" D},
      {RESPCHECK_RULE_CACHE_CONTROL_INVALID, 1, 1, 0,
       "200 OK|Cache-Control: no-cache;private" D, 1, 1, 0,
       "200 OK|Cache-Control: no-cache, private" D},
      {RESPCHECK_RULE_CACHE_CONTROL_ARGUMENT_INVALID, 1, 1, 0,
       "200 OK|Cache-Control: max-age=soon" D, 1, 1, 0,
       "200 OK|Cache-Control: max-age=60" D},
      {RESPCHECK_RULE_CACHE_CONTROL_CONFLICT, 1, 1, 0,
       "200 OK|Cache-Control: public|Cache-Control: private" D, 1, 1, 0,
       "200 OK|Cache-Control: public|Cache-Control: max-age=60" D},
      {RESPCHECK_RULE_ETAG_INVALID, 1, 1, 0, "200 OK|ETag: abc" D, 1, 1, 0,
       "200 OK|ETag: W/\"abc\"" D},
      {RESPCHECK_RULE_VARY_INVALID, 1, 1, 0, "200 OK|Vary: a/b" D, 1, 1, 0,
       "200 OK|Vary: accept, *" D},
      {RESPCHECK_RULE_AGE_INVALID, 1, 1, 0, "200 OK|Age: -1" D, 1, 1, 0,
       "200 OK|Age: 0" D},
      {RESPCHECK_RULE_CONTENT_TYPE_INVALID, 1, 1, 0,
       "200 OK|Content-Type: text" D, 1, 1, 0,
       "200 OK|Content-Type: text/html; charset=\"utf-8\"" D},
      {RESPCHECK_RULE_CONTENT_ENCODING_UNKNOWN, 1, 1, 0,
       "200 OK|Content-Encoding: utf-8" D, 1, 1, 0,
       "200 OK|Content-Encoding: gzip, br" D},
      {RESPCHECK_RULE_TRANSFER_ENCODING_UNKNOWN, 1, 1, 0,
       "200 OK|Transfer-Encoding: zip, chunked" D, 1, 1, 0,
       "200 OK|Transfer-Encoding: gzip, chunked" D},
      {RESPCHECK_RULE_LOCATION_INVALID, 1, 1, 0, "302 Found|Location: /a b" D,
       1, 1, 0, "302 Found|Location: /a%20b" D},
      {RESPCHECK_RULE_SET_COOKIE_INVALID, 1, 1, 0, "200 OK|Set-Cookie: a b=c" D,
       1, 1, 0, "200 OK|Set-Cookie: a=b; Path=/; HttpOnly" D},
      {RESPCHECK_RULE_STRICT_TRANSPORT_SECURITY_INVALID, 1, 1, 0,
       "200 OK|Strict-Transport-Security: includeSubDomains" D, 1, 1, 0,
       "200 OK|Strict-Transport-Security: max-age=60; includeSubDomains" D},
  };
#undef D
  size_t i;
  respcheck_options_t o;
  got_t g;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const rule_case_t *c = &cases[i];
    respcheck_request_t r10 = {RESPCHECK_METHOD_GET, 1, 0,
                               RESPCHECK_TRANSPORT_UNKNOWN};
    check(&g, NULL, c->req10 ? &r10 : NULL, c->major, c->minor, c->fires);
    cr_expect(fired(&g, c->rule), "%s does not fire for \"%s\"",
              respcheck_rule_id(c->rule), c->fires);
    check(&g, NULL, c->nreq10 ? &r10 : NULL, c->nmajor, c->nminor, c->near);
    cr_expect(!fired(&g, c->rule), "%s fires for the near miss \"%s\"",
              respcheck_rule_id(c->rule), c->near);
  }
  /* reason-phrase-nonstandard is off by default (a server's own wording):
   * on, it fires from parts too. */
  respcheck_options_init(&o);
  o.severity[RESPCHECK_RULE_REASON_PHRASE_NONSTANDARD] =
      RESPCHECK_SEVERITY_INFO;
  check(&g, &o, NULL, 1, 1, "405 Not Allowed|Allow: GET|Date: " DATE);
  cr_expect(fired(&g, RESPCHECK_RULE_REASON_PHRASE_NONSTANDARD));
  cr_expect(!fired(&g, RESPCHECK_RULE_REASON_PHRASE_MISMATCH));
  check(&g, &o, NULL, 1, 1, "405 Method Not Allowed|Allow: GET|Date: " DATE);
  cr_expect_eq(g.n, 0);
  check(&g, NULL, NULL, 1, 1, "405 Not Allowed|Allow: GET|Date: " DATE);
  cr_expect_eq(g.n, 0);
}

/* Bytes a stream would be judged by: none of those rules fires here. */
Test(parts, no_rule_about_bytes) {
  static const respcheck_rule_t byte_rules[] = {
      RESPCHECK_RULE_PARSE_ERROR,
      RESPCHECK_RULE_STATUS_CODE_SYNTAX,
      RESPCHECK_RULE_STATUS_LINE_SYNTAX,
      RESPCHECK_RULE_HEADER_NAME_INVALID,
      RESPCHECK_RULE_HEADER_VALUE_INVALID,
      RESPCHECK_RULE_OBS_FOLD,
      RESPCHECK_RULE_WHITESPACE_BEFORE_FIELD,
      RESPCHECK_RULE_BARE_CR,
      RESPCHECK_RULE_BARE_LF,
      RESPCHECK_RULE_EMPTY_LINE_BEFORE_STATUS,
      RESPCHECK_RULE_TRAILER_FIELD_FORBIDDEN,
      RESPCHECK_RULE_DATA_AFTER_CLOSE,
      RESPCHECK_RULE_MESSAGE_TRUNCATED,
      RESPCHECK_RULE_CHUNK_EXTENSION_TOO_LONG,
      RESPCHECK_RULE_HEAD_CONTENT,
      /* About the transport of a stream, which parts do not have. */
      RESPCHECK_RULE_STRICT_TRANSPORT_SECURITY_PLAIN_HTTP,
  };
  static const char *const heads[] = {
      "200 OK|Bad Name: x|Date: " DATE,
      "200 OK|X: a\r\n b|Date: " DATE,
      "200 OK|X: nul\x01|Date: " DATE,
      "200 OK|Content-Length: 10|Date: " DATE,
      "200 OK|Connection: close|Date: " DATE,
      "200 OK|Transfer-Encoding: chunked|Trailer: Content-Length|Date: " DATE,
      "200 OK|Strict-Transport-Security: max-age=60|Date: " DATE,
      "1000 Big",
  };
  size_t i, k;
  for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
    got_t g;
    cr_expect_eq(check(&g, NULL, NULL, 1, 1, heads[i]), RESPCHECK_E_OK);
    for (k = 0; k < sizeof(byte_rules) / sizeof(byte_rules[0]); k++)
      cr_expect(!fired(&g, byte_rules[k]), "%s fires for \"%s\"",
                respcheck_rule_id(byte_rules[k]), heads[i]);
    cr_expect_eq(g.heads, 1);
    cr_expect_eq(g.ends, 1);
  }
}

/* strict-transport-security-plain-http from parts: said when the caller
 * says the response came over plain HTTP (a HAR entry's http:// URL), not
 * when it came over TLS nor when the transport is unknown. */
Test(parts, sts_plain_http_by_transport) {
  static const char head[] =
      "200 OK|Strict-Transport-Security: max-age=60|Date: " DATE;
  respcheck_request_t req = {RESPCHECK_METHOD_GET, 1, 1,
                             RESPCHECK_TRANSPORT_UNKNOWN};
  got_t g;
  req.transport = RESPCHECK_TRANSPORT_PLAIN;
  cr_expect_eq(check(&g, NULL, &req, 1, 1, head), RESPCHECK_E_OK);
  cr_expect(fired(&g, RESPCHECK_RULE_STRICT_TRANSPORT_SECURITY_PLAIN_HTTP));
  req.transport = RESPCHECK_TRANSPORT_TLS;
  cr_expect_eq(check(&g, NULL, &req, 1, 1, head), RESPCHECK_E_OK);
  cr_expect(!fired(&g, RESPCHECK_RULE_STRICT_TRANSPORT_SECURITY_PLAIN_HTTP));
  req.transport = RESPCHECK_TRANSPORT_UNKNOWN;
  cr_expect_eq(check(&g, NULL, &req, 1, 1, head), RESPCHECK_E_OK);
  cr_expect(!fired(&g, RESPCHECK_RULE_STRICT_TRANSPORT_SECURITY_PLAIN_HTTP));
}

Test(parts, offsets_and_callbacks) {
  got_t g;
  head_t hd;
  respcheck_callbacks_t cb = {0};
  respcheck_parser_t *p;
  cb.on_finding = on_finding;
  cb.on_head = on_head;
  cb.on_message_end = on_end;
  p = respcheck_parser_new(NULL, &cb, &g);
  make(&hd, 1, 1, "204 Not Found|Content-Length: 0|Date: " DATE);
  hd.parts.offset = 7;
  memset(&g, 0, sizeof(g));
  cr_assert_eq(respcheck_check_head(p, &hd.parts), RESPCHECK_E_OK);
  /* Findings about a field carry its offset; the rest parts->offset. */
  cr_assert_eq(g.n, 2);
  cr_expect_eq(g.rules[0], RESPCHECK_RULE_REASON_PHRASE_MISMATCH);
  cr_expect_eq(g.offsets[0], 7);
  cr_expect_eq(g.rules[1], RESPCHECK_RULE_CONTENT_LENGTH_FORBIDDEN);
  cr_expect_eq(g.offsets[1], 100);
  cr_expect_eq(g.head.status, 204);
  cr_expect_eq(g.head.effective_status, 204);
  cr_expect_not_null(g.head.info);
  cr_expect_eq(g.head.offset, 7);
  cr_expect_eq(g.head.index, 0);
  cr_expect_eq(g.head.header_count, 2);
  cr_expect_eq(g.head.reason.ptr, hd.parts.reason.ptr);
  cr_expect(g.head.framing & RESPCHECK_FRAMING_NO_BODY);
  cr_expect_eq(g.head.verdict, RESPCHECK_REJECT);
  cr_expect_eq(g.end_verdict, RESPCHECK_REJECT);
  cr_expect_eq(g.end_flags, RESPCHECK_END_COMPLETE | RESPCHECK_END_HEAD);
  /* The next head is the next response. */
  make(&hd, 1, 1, "200 OK|Content-Length: 5|Date: " DATE);
  memset(&g, 0, sizeof(g));
  cr_assert_eq(respcheck_check_head(p, &hd.parts), RESPCHECK_E_OK);
  cr_expect_eq(g.n, 0);
  cr_expect_eq(g.head.index, 1);
  cr_expect(g.head.framing & RESPCHECK_FRAMING_CONTENT_LENGTH);
  cr_expect_eq(g.head.content_length, 5);
  cr_expect(g.head.framing & RESPCHECK_FRAMING_KEEP_ALIVE);
  cr_expect_eq(g.head.verdict, RESPCHECK_ACCEPT);
  cr_expect_eq(respcheck_parser_response_count(p), 2);

  /* A field value's finding carries its field's offset, whatever byte of
   * the value it is about (the value is the caller's memory, not bytes of
   * a head); so do the findings read from values once the status is known
   * (cache-control-conflict, content-range-missing-416,
   * last-modified-future). */
  make(&hd, 1, 1,
       "416 OK|Date: yesterday|Cache-Control: public|Cache-Control: private, "
       "max-age=x|ETag: \"a\" b|Content-Range: bytes 0-1/10|Set-Cookie: a b|"
       "Last-Modified: Sun, 06 Nov 1994 08:49:38 GMT");
  hd.parts.offset = 7;
  memset(&g, 0, sizeof(g));
  cr_assert_eq(respcheck_check_head(p, &hd.parts), RESPCHECK_E_OK);
  {
    static const struct {
      respcheck_rule_t rule;
      uint64_t offset;
    } want[] = {
        {RESPCHECK_RULE_DATE_INVALID, 100},
        {RESPCHECK_RULE_CACHE_CONTROL_ARGUMENT_INVALID, 102},
        {RESPCHECK_RULE_ETAG_INVALID, 103},
        {RESPCHECK_RULE_SET_COOKIE_INVALID, 105},
        {RESPCHECK_RULE_CACHE_CONTROL_CONFLICT, 101},
        {RESPCHECK_RULE_CONTENT_RANGE_MISSING_416, 104},
        {RESPCHECK_RULE_REASON_PHRASE_MISMATCH, 7},
    };
    size_t i, k;
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
      for (k = 0; k < g.n && g.rules[k] != want[i].rule; k++)
        ;
      cr_expect_lt(k, g.n, "%s does not fire", respcheck_rule_id(want[i].rule));
      if (k < g.n)
        cr_expect_eq(g.offsets[k], want[i].offset, "%s at %llu, not %llu",
                     respcheck_rule_id(want[i].rule),
                     (unsigned long long)g.offsets[k],
                     (unsigned long long)want[i].offset);
    }
    /* last-modified-future needs a valid Date: this one is not. */
    cr_expect(!fired(&g, RESPCHECK_RULE_LAST_MODIFIED_FUTURE));
  }
  make(&hd, 1, 1,
       "200 OK|Date: " DATE "|Last-Modified: Sun, 06 Nov 1994 08:49:38 GMT");
  memset(&g, 0, sizeof(g));
  cr_assert_eq(respcheck_check_head(p, &hd.parts), RESPCHECK_E_OK);
  cr_assert_eq(g.n, 1);
  cr_expect_eq(g.rules[0], RESPCHECK_RULE_LAST_MODIFIED_FUTURE);
  cr_expect_eq(g.offsets[0], 101);

  /* Findings about the status line carry parts->offset, whichever byte of
   * the version or the reason they are about. */
  make(&hd, 1, 7, "200 O\x01K|Date: " DATE);
  hd.parts.offset = 7;
  memset(&g, 0, sizeof(g));
  cr_assert_eq(respcheck_check_head(p, &hd.parts), RESPCHECK_E_OK);
  cr_assert_eq(g.n, 2);
  cr_expect_eq(g.rules[0], RESPCHECK_RULE_VERSION_UNKNOWN_MINOR);
  cr_expect_eq(g.offsets[0], 7);
  cr_expect_eq(g.rules[1], RESPCHECK_RULE_REASON_PHRASE_INVALID);
  cr_expect_eq(g.offsets[1], 7);
  respcheck_parser_free(p);
}

/* After heads given as parts, the same parser reads a stream (reset
 * between, as the header asks) with byte offsets again. */
Test(parts, then_a_stream) {
  static const char resp[] = "HTTP/1.1 200 OK\r\nDate: yesterday\r\n"
                             "Content-Length: 0\r\n\r\n";
  got_t g;
  head_t hd;
  respcheck_callbacks_t cb = {0};
  respcheck_parser_t *p;
  cb.on_finding = on_finding;
  p = respcheck_parser_new(NULL, &cb, &g);
  make(&hd, 1, 1, "200 OK|Date: yesterday");
  memset(&g, 0, sizeof(g));
  cr_assert_eq(respcheck_check_head(p, &hd.parts), RESPCHECK_E_OK);
  cr_assert_eq(g.n, 1);
  cr_expect_eq(g.offsets[0], 100);
  respcheck_parser_reset(p);
  memset(&g, 0, sizeof(g));
  cr_assert_eq(respcheck_execute(p, resp, sizeof(resp) - 1), RESPCHECK_E_OK);
  cr_assert_eq(g.n, 1);
  cr_expect_eq(g.rules[0], RESPCHECK_RULE_DATE_INVALID);
  cr_expect_eq(g.offsets[0], 23); /* the value's first byte */
  respcheck_parser_free(p);
}

Test(parts, request_context_as_for_a_stream) {
  got_t g;
  head_t hd;
  respcheck_callbacks_t cb = {0};
  respcheck_parser_t *p;
  respcheck_request_t head = {RESPCHECK_METHOD_HEAD, 1, 1,
                              RESPCHECK_TRANSPORT_UNKNOWN};
  respcheck_request_t get10 = {RESPCHECK_METHOD_GET, 1, 0,
                               RESPCHECK_TRANSPORT_UNKNOWN};
  cb.on_finding = on_finding;
  cb.on_head = on_head;
  p = respcheck_parser_new(NULL, &cb, &g);
  respcheck_push_request(p, &head);
  respcheck_push_request(p, &get10);
  /* A 1xx keeps the request for the final response. */
  make(&hd, 1, 1, "103 Early Hints");
  memset(&g, 0, sizeof(g));
  respcheck_check_head(p, &hd.parts);
  cr_expect_eq(g.head.request.method, RESPCHECK_METHOD_HEAD);
  make(&hd, 1, 1, "200 OK|Content-Length: 1000|Date: x");
  memset(&g, 0, sizeof(g));
  respcheck_check_head(p, &hd.parts);
  cr_expect_eq(g.head.request.method, RESPCHECK_METHOD_HEAD);
  cr_expect(g.head.framing & RESPCHECK_FRAMING_NO_BODY);
  make(&hd, 1, 1, "200 OK|Transfer-Encoding: chunked|Date: x");
  memset(&g, 0, sizeof(g));
  respcheck_check_head(p, &hd.parts);
  cr_expect_eq(g.head.request.version_minor, 0);
  cr_expect(fired(&g, RESPCHECK_RULE_TRANSFER_ENCODING_HTTP10));
  /* The queue is empty: the default request. */
  memset(&g, 0, sizeof(g));
  respcheck_check_head(p, &hd.parts);
  cr_expect(!fired(&g, RESPCHECK_RULE_TRANSFER_ENCODING_HTTP10));
  respcheck_parser_free(p);
}

Test(parts, limits_stop_the_head_but_are_not_sticky) {
  respcheck_options_t o;
  got_t g;
  head_t hd;
  respcheck_callbacks_t cb = {0};
  respcheck_parser_t *p;
  respcheck_options_init(&o);
  o.max_headers = 2;
  o.max_line_length = 40;
  o.max_header_bytes = 80;
  o.max_reason_length = 5;
  cb.on_finding = on_finding;
  cb.on_head = on_head;
  cb.on_message_end = on_end;
  p = respcheck_parser_new(&o, &cb, &g);

  make(&hd, 1, 1, "200 OK|A: 1|B: 2|C: 3");
  memset(&g, 0, sizeof(g));
  cr_expect_eq(respcheck_check_head(p, &hd.parts), RESPCHECK_E_LIMIT);
  cr_expect(fired(&g, RESPCHECK_RULE_TOO_MANY_HEADERS));
  cr_expect_eq(g.offsets[0], 102);
  cr_expect_eq(g.heads, 0);
  cr_expect_eq(g.ends, 1);
  cr_expect_eq(g.end_flags, RESPCHECK_END_ABORTED);

  make(&hd, 1, 1, "200 OK|A: 0123456789012345678901234567890123456789");
  memset(&g, 0, sizeof(g));
  cr_expect_eq(respcheck_check_head(p, &hd.parts), RESPCHECK_E_LIMIT);
  cr_expect(fired(&g, RESPCHECK_RULE_LINE_TOO_LONG));

  make(&hd, 1, 1,
       "200 OK|A: 012345678901234567890123456789|B: "
       "012345678901234567890123456789");
  memset(&g, 0, sizeof(g));
  cr_expect_eq(respcheck_check_head(p, &hd.parts), RESPCHECK_E_LIMIT);
  cr_expect(fired(&g, RESPCHECK_RULE_HEADER_SECTION_TOO_LARGE));
  cr_expect_eq(g.offsets[0], 101);

  /* Not sticky; and a long reason is a finding, not a stop. */
  make(&hd, 1, 1, "200 Okay dokey|Date: x");
  memset(&g, 0, sizeof(g));
  cr_expect_eq(respcheck_check_head(p, &hd.parts), RESPCHECK_E_OK);
  cr_expect(fired(&g, RESPCHECK_RULE_REASON_PHRASE_TOO_LONG));
  cr_expect_eq(g.heads, 1);
  cr_expect_eq(respcheck_parser_error(p), RESPCHECK_E_OK);
  respcheck_parser_free(p);
}

Test(parts, errors) {
  got_t g;
  head_t hd;
  respcheck_callbacks_t cb = {0};
  respcheck_parser_t *p;
  cb.on_head = on_head;
  cb.on_message_end = on_end;
  p = respcheck_parser_new(NULL, &cb, &g);
  make(&hd, 1, 1, "200 OK");
  cr_expect_eq(respcheck_check_head(NULL, &hd.parts), RESPCHECK_E_INVAL);
  cr_expect_eq(respcheck_check_head(p, NULL), RESPCHECK_E_INVAL);
  hd.parts.headers = NULL;
  hd.parts.header_count = 1;
  cr_expect_eq(respcheck_check_head(p, &hd.parts), RESPCHECK_E_INVAL);
  make(&hd, 1, 1, "200 OK");
  memset(&g, 0, sizeof(g));
  g.stop = 1;
  cr_expect_eq(respcheck_check_head(p, &hd.parts), RESPCHECK_E_CALLBACK);
  cr_expect_eq(g.end_flags & RESPCHECK_END_ABORTED, RESPCHECK_END_ABORTED);
  /* Nor does a stream's sticky error. */
  respcheck_parser_reset(p);
  cr_expect_eq(respcheck_execute(p, "HTTP/1.1 2000 X\r\n\r\n", 19),
               RESPCHECK_E_PARSE);
  memset(&g, 0, sizeof(g));
  cr_expect_eq(respcheck_check_head(p, &hd.parts), RESPCHECK_E_OK);
  respcheck_parser_free(p);
}

/* ------------------------------------------------------------------------ */
/* The test vectors: what a stream reported of a well-formed head, its parts
 * report too. */

typedef struct vlog {
  got_t stream;
  size_t first[16]; /* stream findings of response #i start here */
  head_t heads[16];
  respcheck_request_t reqs[16];
  uint64_t head_offset[16];
  uint64_t first_field[16];
  uint64_t head_end[16];
  unsigned framing[16];
  int nheads;
  int bytes_bad;
  char store[16][2048];
} vlog_t;

static int byte_rule(respcheck_rule_t r) {
  switch (r) {
  case RESPCHECK_RULE_PARSE_ERROR:
  case RESPCHECK_RULE_STATUS_CODE_SYNTAX:
  case RESPCHECK_RULE_STATUS_LINE_SYNTAX:
  case RESPCHECK_RULE_HEADER_NAME_INVALID:
  case RESPCHECK_RULE_HEADER_VALUE_INVALID:
  case RESPCHECK_RULE_OBS_FOLD:
  case RESPCHECK_RULE_WHITESPACE_BEFORE_FIELD:
  case RESPCHECK_RULE_BARE_CR:
  case RESPCHECK_RULE_BARE_LF:
  case RESPCHECK_RULE_EMPTY_LINE_BEFORE_STATUS:
  case RESPCHECK_RULE_TRAILER_FIELD_FORBIDDEN:
  case RESPCHECK_RULE_DATA_AFTER_CLOSE:
  case RESPCHECK_RULE_MESSAGE_TRUNCATED:
  case RESPCHECK_RULE_CHUNK_EXTENSION_TOO_LONG:
  case RESPCHECK_RULE_CHUNK_EXTENSION_BWS:
  case RESPCHECK_RULE_HEADER_SECTION_TOO_LARGE:
  case RESPCHECK_RULE_TOO_MANY_HEADERS:
  case RESPCHECK_RULE_LINE_TOO_LONG:
    return 1;
  default:
    return 0;
  }
}

/* Rules about the stream a head came in, not about the head: a head given
 * as parts has none. */
static int stream_rule(respcheck_rule_t r) {
  return r == RESPCHECK_RULE_HEAD_CONTENT ||
         r == RESPCHECK_RULE_STRICT_TRANSPORT_SECURITY_PLAIN_HTTP;
}

static void v_finding(void *u, const respcheck_finding_t *f) {
  vlog_t *v = u;
  if (byte_rule(f->rule) ||
      (f->rule == RESPCHECK_RULE_TRANSFER_ENCODING_INVALID &&
       strncmp(f->message, "llhttp frames", 13) == 0))
    v->bytes_bad = 1;
  on_finding(&v->stream, f);
}

static int v_head(void *u, const respcheck_response_t *r) {
  vlog_t *v = u;
  head_t *hd;
  size_t i, used = 0;
  if (v->nheads == 16)
    return 0;
  hd = &v->heads[v->nheads];
  memset(hd, 0, sizeof(*hd));
  hd->parts.version_major = r->version_major;
  hd->parts.version_minor = r->version_minor;
  hd->parts.status = r->status;
  hd->parts.offset = r->offset;
  /* Copies: the spans die with the response. */
  cr_assert_lt(r->reason.len + used, sizeof(v->store[0]));
  memcpy(v->store[v->nheads], r->reason.ptr, r->reason.len);
  hd->parts.reason.ptr = v->store[v->nheads];
  hd->parts.reason.len = r->reason.len;
  used = r->reason.len;
  for (i = 0; i < r->header_count && i < MAXF; i++) {
    const respcheck_header_t *h = &r->headers[i];
    cr_assert_lt(used + h->name.len + h->value.len, sizeof(v->store[0]));
    memcpy(v->store[v->nheads] + used, h->name.ptr, h->name.len);
    hd->h[i].name.ptr = v->store[v->nheads] + used;
    hd->h[i].name.len = h->name.len;
    used += h->name.len;
    memcpy(v->store[v->nheads] + used, h->value.ptr, h->value.len);
    hd->h[i].value.ptr = v->store[v->nheads] + used;
    hd->h[i].value.len = h->value.len;
    used += h->value.len;
    hd->h[i].offset = h->offset;
  }
  if (r->header_count > MAXF)
    v->bytes_bad = 1; /* not comparable here */
  hd->parts.headers = hd->h;
  hd->parts.header_count = i;
  v->reqs[v->nheads] = r->request;
  v->framing[v->nheads] = r->framing;
  v->head_offset[v->nheads] = r->offset;
  v->first_field[v->nheads] =
      r->header_count ? r->headers[0].offset : r->offset + r->head_length;
  v->head_end[v->nheads] = r->offset + r->head_length;
  v->nheads++;
  return 0;
}

/* Findings of a head, as "rule@S" for the status line, "rule@F<i>" for
 * field line i (a stream's finding points at a byte of the line, a part's
 * at the field: the same field either way), "rule@offset" for the rest,
 * sorted into a string. */
static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void describe(char *out, size_t cap, const got_t *g, size_t from,
                     size_t to, const head_t *hd, uint64_t head,
                     uint64_t first_field, uint64_t head_end) {
  char items[64][64];
  char *ptrs[64];
  size_t i, n = 0, o = 0;
  for (i = from; i < to && n < 64; i++) {
    uint64_t at = g->offsets[i];
    if (byte_rule(g->rules[i]) || stream_rule(g->rules[i]))
      continue;
    if (at >= head && at < first_field)
      snprintf(items[n], 64, "%s@S", respcheck_rule_id(g->rules[i]));
    else if (at >= first_field && at < head_end) {
      size_t k = 0;
      while (k + 1 < hd->parts.header_count && hd->h[k + 1].offset <= at)
        k++;
      snprintf(items[n], 64, "%s@F%zu", respcheck_rule_id(g->rules[i]), k);
    } else
      snprintf(items[n], 64, "%s@%llu", respcheck_rule_id(g->rules[i]),
               (unsigned long long)g->offsets[i]);
    ptrs[n] = items[n];
    n++;
  }
  qsort(ptrs, n, sizeof(ptrs[0]), cmp_str);
  out[0] = '\0';
  for (i = 0; i < n; i++)
    o += (size_t)snprintf(out + o, cap - o, "%s ", ptrs[i]);
}

Test(parts, same_findings_as_the_stream_on_every_vector) {
  const char *dir = getenv("RESPCHECK_TEST_VECTORS");
  rc_vectors_t set = {0};
  char err[1024];
  size_t i, compared = 0;
  cr_assert(dir != NULL, "RESPCHECK_TEST_VECTORS is not set");
  cr_assert_eq(rc_vectors_load(dir, &set, err, sizeof(err)), 0, "%s", err);
  for (i = 0; i < set.count; i++) {
    const rc_vector_t *vec = &set.v[i];
    static vlog_t v;
    respcheck_options_t o;
    respcheck_callbacks_t cb = {0};
    respcheck_parser_t *p;
    int k;
    size_t f;

    memset(&v, 0, sizeof(v));
    respcheck_options_init(&o);
    if (vec->limits.header_bytes)
      o.max_header_bytes = vec->limits.header_bytes;
    if (vec->limits.headers)
      o.max_headers = vec->limits.headers;
    if (vec->limits.line)
      o.max_line_length = vec->limits.line;
    if (vec->limits.reason)
      o.max_reason_length = vec->limits.reason;
    for (k = 0; k < RESPCHECK_RULE_COUNT; k++)
      if (vec->severity_set[k])
        o.severity[k] = vec->severity[k];
    o.default_request.method = vec->method;
    if (vec->request_10)
      o.default_request.version_minor = 0;
    o.default_request.transport = vec->transport;
    cb.on_finding = v_finding;
    cb.on_head = v_head;
    p = respcheck_parser_new(&o, &cb, &v);
    respcheck_execute(p, vec->data, vec->len);
    respcheck_finish(p);
    respcheck_parser_free(p);
    /* Only heads without a byte-level finding compare: the others were
     * read from bytes parts cannot hold. One head at a time. */
    if (v.bytes_bad || v.nheads != 1)
      continue;
    f = v.stream.n;
    for (k = 0; k < v.nheads; k++) {
      got_t g;
      respcheck_callbacks_t pcb = {0};
      respcheck_parser_t *pp;
      char a[2048], b[2048];
      pcb.on_finding = on_finding;
      pcb.on_head = on_head;
      pcb.on_message_end = on_end;
      memset(&g, 0, sizeof(g));
      pp = respcheck_parser_new(&o, &pcb, &g);
      respcheck_push_request(pp, &v.reqs[k]);
      cr_assert_eq(respcheck_check_head(pp, &v.heads[k].parts), RESPCHECK_E_OK,
                   "%s:%u", vec->file, vec->line);
      respcheck_parser_free(pp);
      describe(a, sizeof(a), &v.stream, 0, f, &v.heads[k], v.head_offset[k],
               v.first_field[k], v.head_end[k]);
      describe(b, sizeof(b), &g, 0, g.n, &v.heads[k], v.head_offset[k],
               v.first_field[k], v.head_end[k]);
      cr_expect_str_eq(b, a, "%s:%u (%s): parts [%s], stream [%s]", vec->file,
                       vec->line, vec->name, b, a);
      cr_expect_eq(g.head.framing, v.framing[k], "%s:%u: framing %x, stream %x",
                   vec->file, vec->line, g.head.framing, v.framing[k]);
      compared++;
    }
  }
  cr_expect_gt(compared, 40, "only %zu vectors compared", compared);
  rc_vectors_free(&set);
}
