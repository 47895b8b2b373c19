/* SPDX-License-Identifier: MIT */
/*
 * Tests of the HAR reader on the fixtures make_fixtures.py writes. Each run
 * is written as an event log, one line per event:
 *
 *   E<n> @<offset of its '{'> <1 or 2> url=<url> req=<method> <version>
 *     F <rule> @<offset> #<response> <severity>
 *     H #<response> <status> <verdict>
 *     X #<response> <verdict>
 *   /E<n>
 *   ERR <error name> @<file offset>
 *
 * (1: the response is HTTP/1.x and was checked; 2: it is not.) Messages
 * are logged apart. Every fixture gives the same log fed whole, a byte at
 * a time and in 7-byte pieces.
 */
#define _GNU_SOURCE /* memmem, strndup, mallinfo2 */
#include "respcheck_har.h"
#include "test_log.h"

#ifndef FIXTURES
#error "FIXTURES must name the fixtures folder"
#endif

typedef struct run {
  rc_text_t log, msgs;
  respcheck_har_reader_t *r;
  respcheck_har_errno_t err;
  const char *reason;
  uint64_t err_offset;
  uint64_t offsets[64];
  size_t noffsets;
  size_t max_url;
} run_t;

static void on_entry(void *u, const respcheck_har_entry_t *e) {
  run_t *t = u;
  rc_text_add(&t->log, "E%llu @%llu %d url=%.*s req=%.*s %.*s\n",
              (unsigned long long)e->number, (unsigned long long)e->offset,
              e->http1 ? 1 : 2, (int)(e->url.len > 60 ? 60 : e->url.len),
              e->url.ptr, (int)e->method.len, e->method.ptr,
              (int)e->request_version.len, e->request_version.ptr);
  if (t->noffsets < 64)
    t->offsets[t->noffsets++] = e->offset;
  if (e->url.len > t->max_url)
    t->max_url = e->url.len;
  cr_assert_eq(respcheck_har_entry(t->r), e);
}

static void on_entry_end(void *u, const respcheck_har_entry_t *e) {
  run_t *t = u;
  rc_text_add(&t->log, "/E%llu\n", (unsigned long long)e->number);
}

static void on_finding(void *u, const respcheck_finding_t *f) {
  run_t *t = u;
  cr_assert_not_null(respcheck_har_entry(t->r));
  rc_text_add(&t->log, "  F %s @%llu #%llu %s\n", f->id,
              (unsigned long long)f->offset,
              (unsigned long long)f->response_index,
              respcheck_severity_name(f->severity));
  rc_text_add(&t->msgs, "%s: %s\n", f->id, f->message);
}

static int on_head(void *u, const respcheck_response_t *r) {
  run_t *t = u;
  rc_text_add(&t->log, "  H #%llu %d %s\n", (unsigned long long)r->index,
              r->status, r->verdict == RESPCHECK_REJECT ? "reject" : "accept");
  return 0;
}

static void on_end(void *u, const respcheck_message_end_t *m) {
  run_t *t = u;
  rc_text_add(&t->log, "  X #%llu %s\n", (unsigned long long)m->index,
              m->verdict == RESPCHECK_REJECT ? "reject" : "accept");
}

static unsigned char *slurp(const char *name, size_t *len) {
  return rc_slurp(FIXTURES, name, len);
}

static void run_data(run_t *t, const unsigned char *d, size_t n, size_t chunk,
                     const respcheck_har_options_t *opts) {
  respcheck_har_callbacks_t cb;
  size_t i;
  memset(t, 0, sizeof(*t));
  memset(&cb, 0, sizeof(cb));
  cb.on_entry = on_entry;
  cb.on_entry_end = on_entry_end;
  cb.http.on_finding = on_finding;
  cb.http.on_head = on_head;
  cb.http.on_message_end = on_end;
  t->r = respcheck_har_reader_new(opts, &cb, t);
  cr_assert_not_null(t->r);
  rc_text_add(&t->log, "%s", "");
  rc_text_add(&t->msgs, "%s", "");
  if (chunk == 0)
    chunk = n ? n : 1;
  for (i = 0; i < n; i += chunk) {
    size_t k = n - i < chunk ? n - i : chunk;
    if (respcheck_har_feed(t->r, d + i, k) != RESPCHECK_HAR_E_OK)
      break;
  }
  respcheck_har_finish(t->r);
  t->err = respcheck_har_error(t->r);
  t->reason = respcheck_har_error_reason(t->r);
  t->err_offset = respcheck_har_error_offset(t->r);
  if (t->err != RESPCHECK_HAR_E_OK)
    rc_text_add(&t->log, "ERR %s @%llu\n", respcheck_har_errno_name(t->err),
                (unsigned long long)t->err_offset);
}

static void run_file(run_t *t, const char *name, size_t chunk,
                     const respcheck_har_options_t *opts) {
  size_t n;
  unsigned char *d = slurp(name, &n);
  run_data(t, d, n, chunk, opts);
  free(d);
}

static void done(run_t *t) {
  respcheck_har_reader_free(t->r);
  free(t->log.p);
  free(t->msgs.p);
}

/* The lines of entry n, from "E<n> " to "/E<n>". */
static char *entry_log(const run_t *t, unsigned n) {
  char a[32], b[32];
  const char *s, *e;
  char *out;
  snprintf(a, sizeof(a), "E%u @", n);
  snprintf(b, sizeof(b), "/E%u\n", n);
  s = strstr(t->log.p, a);
  cr_assert_not_null(s, "no entry %u in\n%s", n, t->log.p);
  e = strstr(s, b);
  cr_assert_not_null(e);
  out = strndup(s, (size_t)(e - s));
  return out;
}

static void expect_entry(const run_t *t, unsigned n, const char *const *has,
                         const char *const *hasnt) {
  char *l = entry_log(t, n);
  for (; has && *has; has++)
    cr_expect(strstr(l, *has) != NULL, "entry %u: missing %s in\n%s", n, *has,
              l);
  for (; hasnt && *hasnt; hasnt++)
    cr_expect(strstr(l, *hasnt) == NULL, "entry %u: unexpected %s in\n%s", n,
              *hasnt, l);
  free(l);
}

static const char *const all_fixtures[] = {
    "chrome.har",       "chrome-compact.har",
    "firefox.har",      "big-strings.har",
    "bad-syntax.har",   "bad-cut.har",
    "bad-trailing.har", "bad-not-har.json",
    "bad-array.json",   "bad-entries-object.har",
    "bad-deep.har",     "bad-utf8.har",
    "bad-empty.har",
};

Test(har, same_events_in_any_chunking) {
  size_t i, c;
  static const size_t chunks[] = {1, 7, 4096};
  for (i = 0; i < sizeof(all_fixtures) / sizeof(all_fixtures[0]); i++) {
    run_t whole;
    run_file(&whole, all_fixtures[i], 0, NULL);
    for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
      run_t t;
      run_file(&t, all_fixtures[i], chunks[c], NULL);
      cr_expect_str_eq(t.log.p, whole.log.p, "%s in %zu-byte pieces",
                       all_fixtures[i], chunks[c]);
      cr_expect_str_eq(t.msgs.p, whole.msgs.p, "%s in %zu-byte pieces",
                       all_fixtures[i], chunks[c]);
      done(&t);
    }
    done(&whole);
  }
}

static void check_chrome(const char *name) {
  run_t t;
  static const char *const clean[] = {"  H #0 200 accept\n", NULL};
  static const char *const none[] = {"  F ", NULL};
  static const char *const h2[] = {
      " 2 url=https://example.test/h2 req=GET h2\n",
      "  F capture-not-http1 @0 #0 info\n  H #0 404 accept\n", NULL};
  static const char *const h2_not[] = {"date-missing", "reason-phrase", NULL};
  static const char *const allow[] = {"  F allow-missing @0 #0 error\n",
                                      " req=POST http/1.1\n", NULL};
  static const char *const head[] = {" req=HEAD http/1.1\n",
                                     "  H #0 200 accept\n", NULL};
  static const char *const failed[] = {
      " 2 url=http://unreachable.test/ req=GET \n",
      "  F capture-not-http1 @0 #0 info\n  H #0 0 accept\n", NULL};
  static const char *const failed_not[] = {"status-class-invalid", NULL};
  static const char *const moved[] = {"  F location-missing @0 #0 warning\n",
                                      NULL};
  static const char *const old[] = {
      " req=GET HTTP/1.0\n", "  F transfer-encoding-http10 @2 #0 error\n",
      NULL};
  static const char *const empty[] = {
      "  F content-length-forbidden @2 #0 error\n", NULL};
  static const char *const odd_not[] = {"header-name-invalid",
                                        "header-value-invalid",
                                        "obs-fold",
                                        "bare-cr",
                                        "bare-lf",
                                        "parse-error",
                                        NULL};
  static const char *const teapot[] = {
      "  F status-unregistered @0 #0 warning\n", NULL};
  static const char *const order[] = {
      " 1 url=http://example.test/order req=GET \n",
      "  F www-authenticate-missing @0 #0 error\n", NULL};

  run_file(&t, name, 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_HAR_E_OK, "%s: %s", name, t.reason);
  cr_expect_eq(rc_occurrences(t.log.p, "\nE") + (t.log.p[0] == 'E'), 11, "%s",
               t.log.p);
  cr_expect_eq(respcheck_har_entry_count(t.r), 11);
  expect_entry(&t, 0, clean, none);
  expect_entry(&t, 1, h2, h2_not);
  expect_entry(&t, 2, allow, NULL);
  expect_entry(&t, 3, head, none);
  expect_entry(&t, 4, failed, failed_not);
  expect_entry(&t, 5, moved, NULL);
  expect_entry(&t, 6, old, NULL);
  expect_entry(&t, 7, empty, NULL);
  expect_entry(&t, 8, clean, odd_not);
  expect_entry(&t, 9, teapot, NULL);
  expect_entry(&t, 10, order, NULL);
  MSG(&t, "capture-not-http1: the response came over \"h2\", not HTTP/1.x: "
          "not linted");
  done(&t);
}

Test(har, chrome_export) { check_chrome("chrome.har"); }
Test(har, chrome_export_on_one_line) { check_chrome("chrome-compact.har"); }

/* An entry's offset is that of its '{'. */
Test(har, entry_offsets) {
  run_t t;
  size_t n, i;
  unsigned char *d = slurp("chrome.har", &n);
  run_data(&t, d, n, 0, NULL);
  cr_assert_eq(t.noffsets, 11);
  for (i = 0; i < t.noffsets; i++) {
    cr_assert_lt(t.offsets[i], n);
    cr_expect_eq(d[t.offsets[i]], '{', "entry %zu at %llu", i,
                 (unsigned long long)t.offsets[i]);
    cr_expect(i == 0 || t.offsets[i] > t.offsets[i - 1]);
  }
  done(&t);
  free(d);
}

Test(har, firefox_export) {
  run_t t;
  static const char *const clean[] = {"  H #0 200 accept\n", NULL};
  static const char *const none[] = {"  F ", NULL};
  static const char *const h2[] = {
      " 2 url=https://example.test/b req=GET HTTP/2\n",
      "  F capture-not-http1 @0 #0 info\n", NULL};
  static const char *const ws[] = {"  F upgrade-missing @0 #0 error\n", NULL};
  static const char *const cl[] = {"  F content-length-invalid @3 #0 error\n",
                                   NULL};
  /* The field-value rules apply to parts: each finding at 1 + the field's
   * index. */
  static const char *const values[] = {
      "  F cache-control-argument-invalid @2 #0 warning\n",
      "  F etag-invalid @3 #0 warning\n",
      "  F set-cookie-invalid @4 #0 warning\n",
      "  F singleton-field-repeated @6 #0 error\n", NULL};
  static const char *const not_values[] = {"strict-transport-security",
                                           "date-invalid", NULL};
  static const char *const range[] = {
      "  F content-range-missing-416 @0 #0 warning\n", NULL};
  run_file(&t, "firefox.har", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_HAR_E_OK, "%s", t.reason);
  expect_entry(&t, 0, clean, none);
  expect_entry(&t, 1, h2, NULL);
  expect_entry(&t, 2, ws, NULL);
  expect_entry(&t, 3, cl, NULL);
  MSG(&t, "Content-Length 6 differs from the earlier 5");
  expect_entry(&t, 4, values, not_values);
  expect_entry(&t, 5, range, NULL);
  done(&t);
}

/* Strings past max_string are cut before yajl sees them: the limits still
 * fire, the URL is kept up to max_url_length, and the JSON stays valid
 * across escapes and two-byte characters. */
/* The entry's URL says how the response came: over TLS (https://),
 * strict-transport-security-plain-http is not said; over plain HTTP it
 * is; without a URL scheme, not (a head given as parts has no stream). */
Test(har, sts_plain_http_follows_the_url_scheme) {
  static const char entry[] =
      "{\"request\": {\"method\": \"GET\", \"url\": \"%s\", \"httpVersion\": "
      "\"HTTP/1.1\", \"headers\": []}, \"response\": {\"status\": 200, "
      "\"statusText\": \"OK\", \"httpVersion\": \"HTTP/1.1\", \"headers\": "
      "[{\"name\": \"Date\", \"value\": \"Tue, 15 Jul 2025 08:12:31 GMT\"}, "
      "{\"name\": \"Strict-Transport-Security\", \"value\": \"max-age=60\"}]}}";
  static const char *const urls[] = {"https://example.test/",
                                     "HTTP://example.test/", "/relative"};
  char har[4096];
  size_t n = 0, i;
  n += (size_t)snprintf(har, sizeof(har),
                        "{\"log\": {\"version\": \"1.2\", \"entries\": [");
  for (i = 0; i < 3; i++) {
    if (i)
      n += (size_t)snprintf(har + n, sizeof(har) - n, ", ");
    n += (size_t)snprintf(har + n, sizeof(har) - n, entry, urls[i]);
  }
  n += (size_t)snprintf(har + n, sizeof(har) - n, "]}}");
  cr_assert(n < sizeof(har));
  static const char *const said[] = {
      "  F strict-transport-security-plain-http @2 #0", NULL};
  static const char *const not_said[] = {"strict-transport-security-plain-http",
                                         NULL};
  run_t t;
  run_data(&t, (const unsigned char *)har, n, 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_HAR_E_OK, "%s", t.reason);
  expect_entry(&t, 0, NULL, not_said);
  expect_entry(&t, 1, said, NULL);
  expect_entry(&t, 2, NULL, not_said);
  done(&t);
  /* A URL without a scheme keeps the transport the options give. */
  {
    respcheck_har_options_t o;
    respcheck_har_options_init(&o);
    o.http.default_request.transport = RESPCHECK_TRANSPORT_PLAIN;
    run_data(&t, (const unsigned char *)har, n, 0, &o);
    expect_entry(&t, 0, NULL, not_said);
    expect_entry(&t, 2, said, NULL);
    done(&t);
  }
}

Test(har, long_strings_are_cut) {
  run_t t;
  respcheck_har_options_t o;
  static const char *const first[] = {"  F line-too-long @2 #0 error\n",
                                      " url=data:text/plain;base64,QUFBQUFB",
                                      NULL};
  static const char *const second[] = {"  H #0 200 accept\n", NULL};
  size_t c;
  respcheck_har_options_init(&o);
  o.http.max_header_bytes = 4096;
  o.http.max_line_length = 1024;
  o.max_string = 8192;
  o.max_url_length = 100;
  for (c = 0; c < 3; c++) {
    static const size_t chunks[] = {0, 1, 4093};
    run_file(&t, "big-strings.har", chunks[c], &o);
    cr_expect_eq(t.err, RESPCHECK_HAR_E_OK, "%s", t.reason);
    expect_entry(&t, 0, first, NULL);
    expect_entry(&t, 1, second, NULL);
    cr_expect_eq(t.max_url, 100);
    done(&t);
  }
  /* With the defaults nothing is cut; the 2000-byte value fits. */
  run_file(&t, "big-strings.har", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_HAR_E_OK, "%s", t.reason);
  HASNT(&t, "line-too-long");
  done(&t);
}

/* Bad inputs: entries before are reported, then the error and where. */
Test(har, bad_json) {
  run_t t;
  size_t n;
  unsigned char *d = slurp("bad-syntax.har", &n);
  run_data(&t, d, n, 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_HAR_E_JSON);
  cr_expect(strstr(t.reason, "invalid JSON (yajl: ") != NULL, "%s", t.reason);
  HAS(&t, "/E4\n"); /* the entries before the bad bytes */
  HASNT(&t, "E5 @");
  cr_expect_lt(t.err_offset, n);
  /* The error is where the missing comma should be. */
  cr_expect(t.err_offset > 0 && t.err_offset < n);
  cr_expect(memmem(d + (t.err_offset > 40 ? t.err_offset - 40 : 0), 80,
                   "\"Found\"\n", 8) != NULL,
            "offset %llu", (unsigned long long)t.err_offset);
  done(&t);
  free(d);

  run_file(&t, "bad-cut.har", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_HAR_E_JSON);
  cr_expect(strstr(t.reason, "ends before it is complete") != NULL, "%s",
            t.reason);
  HAS(&t, "/E3\n");
  done(&t);

  run_file(&t, "bad-trailing.har", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_HAR_E_JSON);
  HAS(&t, "/E10\n");
  done(&t);

  run_file(&t, "bad-utf8.har", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_HAR_E_JSON);
  cr_expect(strstr(t.reason, "UTF8") != NULL ||
                strstr(t.reason, "utf8") != NULL,
            "%s", t.reason);
  done(&t);
}

Test(har, not_a_har) {
  run_t t;
  run_file(&t, "bad-not-har.json", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_HAR_E_NOT_HAR);
  cr_expect(strstr(t.reason, "not a HAR file: no \"log.entries\" array") !=
                NULL,
            "%s", t.reason);
  done(&t);
  run_file(&t, "bad-array.json", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_HAR_E_NOT_HAR);
  cr_expect_eq(t.err_offset, 1);
  cr_expect(strstr(t.reason, "not an object") != NULL, "%s", t.reason);
  done(&t);
  run_file(&t, "bad-entries-object.har", 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_HAR_E_NOT_HAR);
  cr_expect(strstr(t.reason, "is not an array") != NULL, "%s", t.reason);
  done(&t);
  run_file(&t, "bad-empty.har", 0, NULL);
  cr_expect_neq(t.err, RESPCHECK_HAR_E_OK);
  cr_expect(strstr(t.reason, "empty") != NULL, "%s", t.reason);
  done(&t);
}

Test(har, limits) {
  run_t t;
  size_t n;
  unsigned char *d = slurp("bad-deep.har", &n);
  run_data(&t, d, n, 0, NULL);
  cr_expect_eq(t.err, RESPCHECK_HAR_E_LIMIT);
  cr_expect(strstr(t.reason, "nested deeper than 64 levels") != NULL, "%s",
            t.reason);
  cr_expect_eq(d[t.err_offset], '[');
  done(&t);
  free(d);
}

Test(har, sticky_errors_and_options) {
  run_t t;
  respcheck_har_options_t o;
  run_file(&t, "bad-not-har.json", 0, NULL);
  cr_expect_eq(respcheck_har_feed(t.r, "{", 1), RESPCHECK_HAR_E_NOT_HAR);
  cr_expect_eq(respcheck_har_finish(t.r), RESPCHECK_HAR_E_NOT_HAR);
  done(&t);
  run_file(&t, "chrome.har", 0, NULL);
  cr_expect_eq(respcheck_har_feed(t.r, " ", 1), RESPCHECK_HAR_E_FINISHED);
  done(&t);
  respcheck_har_options_init(&o);
  o.max_string = 1000; /* not above max_header_bytes */
  cr_expect_null(respcheck_har_reader_new(&o, NULL, NULL));
  cr_expect_eq(respcheck_har_feed(NULL, "", 0), RESPCHECK_HAR_E_INVAL);
  /* capture-not-http1 off: the entry is still a record, with no finding. */
  respcheck_har_options_init(&o);
  o.http.severity[RESPCHECK_RULE_CAPTURE_NOT_HTTP1] = RESPCHECK_SEVERITY_OFF;
  run_file(&t, "chrome.har", 0, &o);
  HASNT(&t, "capture-not-http1");
  HAS(&t, "  H #0 404 accept\n");
  done(&t);
}

Test(har, sniff) {
  size_t n;
  unsigned char *d = slurp("chrome.har", &n);
  cr_expect(respcheck_har_sniff(d, n));
  free(d);
  d = slurp("chrome-compact.har", &n);
  cr_expect(respcheck_har_sniff(d, 16));
  free(d);
  cr_expect(respcheck_har_sniff("\xef\xbb\xbf \n{ \"log\": {", 18));
  /* JSON that is no HAR goes to the reader too, which says so. */
  cr_expect(respcheck_har_sniff("{\"file\":\"x\"}", 12));
  cr_expect(respcheck_har_sniff("[{\"log\":1}]", 11));
  cr_expect_not(respcheck_har_sniff("HTTP/1.1 200 OK\r\n", 17));
  cr_expect_not(respcheck_har_sniff("\r\n\r\nHTTP/1.1 200 OK\r\n", 21));
  cr_expect_not(respcheck_har_sniff("", 0));
}

/* ------------------------------------------------------------------------ */
/* Bounded memory: a HAR of 96 MiB, each entry with a 4 MiB body, streamed
 * in 64 KiB pieces; the heap never grows by more than the cut strings. */

Test(har, bounded_memory_for_a_large_file) {
  static char chunk[65536];
  static const char head[] = "{\"log\":{\"version\":\"1.2\",\"entries\":[";
  static const char entry_head[] =
      "{\"request\":{\"method\":\"GET\",\"url\":\"http://x/\",\"httpVersion\":"
      "\"HTTP/1.1\"},\"response\":{\"status\":200,\"statusText\":\"OK\","
      "\"httpVersion\":\"HTTP/1.1\",\"headers\":[{\"name\":\"Date\",\"value\":"
      "\"x\"}],\"content\":{\"text\":\"";
  static const char entry_tail[] = "\"}}}";
  respcheck_har_callbacks_t cb;
  respcheck_har_reader_t *r;
  run_t t;
  size_t base, peak = 0, e, k;
  const size_t entries = 24, body = 4u << 20;

#ifdef RC_ASAN
  cr_skip_test("heap measured by glibc's mallinfo2: not under ASan");
#endif
  memset(&t, 0, sizeof(t));
  memset(&cb, 0, sizeof(cb));
  cb.http.on_head = on_head;
  cb.on_entry = on_entry;
  memset(chunk, 'A', sizeof(chunk));
  base = rc_heap_in_use();
  r = respcheck_har_reader_new(NULL, &cb, &t);
  t.r = r;
  cr_assert_eq(respcheck_har_feed(r, head, sizeof(head) - 1), 0);
  for (e = 0; e < entries; e++) {
    if (e)
      respcheck_har_feed(r, ",", 1);
    respcheck_har_feed(r, entry_head, sizeof(entry_head) - 1);
    for (k = 0; k < body; k += sizeof(chunk)) {
      cr_assert_eq(respcheck_har_feed(r, chunk, sizeof(chunk)),
                   RESPCHECK_HAR_E_OK);
      if (rc_heap_in_use() - base > peak)
        peak = rc_heap_in_use() - base;
    }
    respcheck_har_feed(r, entry_tail, sizeof(entry_tail) - 1);
  }
  respcheck_har_feed(r, "]}}", 3);
  cr_assert_eq(respcheck_har_finish(r), RESPCHECK_HAR_E_OK, "%s",
               respcheck_har_error_reason(r));
  cr_expect_eq(rc_occurrences(t.log.p, "  H #0 200 accept\n"), (int)entries);
  /* The reader, its parser, yajl holding at most one cut string (256 KiB,
   * and yajl's buffer doubling): far below one body. */
  cr_expect_lt(peak, 2u << 20, "peak %zu bytes", peak);
  respcheck_har_reader_free(r);
  free(t.log.p);
  free(t.msgs.p);
}
