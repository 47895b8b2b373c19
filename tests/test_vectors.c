/* SPDX-License-Identifier: MIT */
/*
 * Every test vector of tests/vectors/ (the folder is in RESPCHECK_TEST_VECTORS,
 * set by CTest): its findings and responses as expected, and the same event
 * log whether the bytes are fed whole, byte by byte, or split in two at
 * every offset. Also the fixture reader's own tests: a malformed fixture is
 * an error naming file and line.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vectors.h"

/* An event log: one line per callback, everything the caller can see; and
 * the findings and message ends, to compare with the expectations. */
typedef struct log {
  char *s;
  size_t len, cap;
  const char *data;
  size_t data_len;
  rc_finding_t *found;
  size_t found_count, found_cap;
  rc_response_t *ends;
  size_t end_count, end_cap;
  int status, effective; /* of the last head */
  int any_reject;        /* a head or a message end was rejected */
} log_t;

static void free_log(log_t *l) {
  free(l->s);
  free(l->found);
  free(l->ends);
}

__attribute__((format(printf, 2, 3))) static void add(log_t *l, const char *fmt,
                                                      ...) {
  va_list ap;
  int n;
  if (l->cap - l->len < 512) {
    l->cap = l->cap * 2 + 4096;
    l->s = realloc(l->s, l->cap);
    cr_assert(l->s != NULL);
  }
  va_start(ap, fmt);
  n = vsnprintf(l->s + l->len, l->cap - l->len, fmt, ap);
  va_end(ap);
  cr_assert(n >= 0 && (size_t)n < l->cap - l->len, "log line too long");
  l->len += (size_t)n;
}

static void on_finding(void *u, const respcheck_finding_t *f) {
  log_t *l = u;
  cr_assert(f->offset <= l->data_len, "finding offset %llu past the input",
            (unsigned long long)f->offset);
  if (l->found_count == l->found_cap) {
    l->found_cap = l->found_cap * 2 + 16;
    l->found = realloc(l->found, l->found_cap * sizeof(*l->found));
    cr_assert(l->found != NULL);
  }
  l->found[l->found_count].rule = f->rule;
  l->found[l->found_count].severity = f->severity;
  l->found[l->found_count].has_offset = 1;
  l->found[l->found_count++].offset = f->offset;
  add(l, "F %s %s @%llu #%llu %s\n", f->id,
      respcheck_severity_name(f->severity), (unsigned long long)f->offset,
      (unsigned long long)f->response_index, f->message);
}

static void add_span(log_t *l, respcheck_span_t s) {
  size_t i;
  for (i = 0; i < s.len; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    if (c >= 0x20 && c < 0x7f)
      add(l, "%c", c);
    else
      add(l, "\\x%02x", c);
  }
}

static int on_head(void *u, const respcheck_response_t *r) {
  log_t *l = u;
  size_t i;
  add(l, "H #%llu @%llu+%llu %u.%u %d>%d fr=%x cl=%llu %s [",
      (unsigned long long)r->index, (unsigned long long)r->offset,
      (unsigned long long)r->head_length, r->version_major, r->version_minor,
      r->status, r->effective_status, r->framing,
      (unsigned long long)r->content_length,
      r->verdict == RESPCHECK_REJECT ? "reject" : "accept");
  l->status = r->status;
  l->effective = r->effective_status;
  l->any_reject |= r->verdict == RESPCHECK_REJECT;
  add_span(l, r->reason);
  add(l, "]");
  for (i = 0; i < r->header_count; i++) {
    add(l, " {");
    add_span(l, r->headers[i].name);
    add(l, "=");
    add_span(l, r->headers[i].value);
    add(l, "@%llu}", (unsigned long long)r->headers[i].offset);
  }
  add(l, "\n");
  return 0;
}

static int on_body(void *u, const char *at, size_t len) {
  log_t *l = u;
  respcheck_span_t s = {at, len};
  add(l, "B ");
  add_span(l, s);
  add(l, "\n");
  return 0;
}

static void on_end(void *u, const respcheck_message_end_t *m) {
  log_t *l = u;
  rc_response_t *e;
  if (l->end_count == l->end_cap) {
    l->end_cap = l->end_cap * 2 + 8;
    l->ends = realloc(l->ends, l->end_cap * sizeof(*l->ends));
    cr_assert(l->ends != NULL);
  }
  e = &l->ends[l->end_count++];
  e->has_head = (m->flags & RESPCHECK_END_HEAD) != 0;
  e->kept = !e->has_head && m->response != NULL;
  e->status = e->has_head ? l->status : e->kept ? m->response->status : 0;
  e->effective = e->has_head ? l->effective : -1;
  e->verdict = m->verdict;
  l->any_reject |= m->verdict == RESPCHECK_REJECT;
  add(l, "E #%llu @%llu-%llu f=%x %s %u/%u/%u", (unsigned long long)m->index,
      (unsigned long long)m->offset, (unsigned long long)m->end_offset,
      m->flags, m->verdict == RESPCHECK_REJECT ? "reject" : "accept",
      m->error_count, m->warning_count, m->info_count);
  if (e->kept) {
    /* What was read of a head that never reached on_head. */
    const respcheck_response_t *r = m->response;
    size_t i;
    add(l, " K @%llu+%llu %u.%u %d>%d [", (unsigned long long)r->offset,
        (unsigned long long)r->head_length, r->version_major, r->version_minor,
        r->status, r->effective_status);
    add_span(l, r->reason);
    add(l, "]");
    for (i = 0; i < r->header_count; i++) {
      add(l, " {");
      add_span(l, r->headers[i].name);
      add(l, "=");
      add_span(l, r->headers[i].value);
      add(l, "@%llu}", (unsigned long long)r->headers[i].offset);
    }
  }
  add(l, "\n");
}

static void on_tunnel(void *u, const char *at, size_t len, uint64_t off) {
  log_t *l = u;
  respcheck_span_t s = {at, len};
  add(l, "T @%llu ", (unsigned long long)off);
  add_span(l, s);
  add(l, "\n");
}

static void options_for(const rc_vector_t *v, respcheck_options_t *o) {
  respcheck_options_init(o);
  if (v->limits.header_bytes)
    o->max_header_bytes = v->limits.header_bytes;
  if (v->limits.headers)
    o->max_headers = v->limits.headers;
  if (v->limits.line)
    o->max_line_length = v->limits.line;
  if (v->limits.reason)
    o->max_reason_length = v->limits.reason;
  if (v->limits.chunk_ext)
    o->max_chunk_extension = v->limits.chunk_ext;
  for (size_t r = 0; r < RESPCHECK_RULE_COUNT; r++)
    if (v->severity_set[r])
      o->severity[r] = v->severity[r];
  o->default_request.method = v->method;
  if (v->request_10)
    o->default_request.version_minor = 0;
  o->default_request.transport = v->transport;
}

/* Feeds the vector in pieces of the given sizes (0: the rest) and logs
 * what comes out; free_log() frees it. */
static log_t run_log(const rc_vector_t *v, size_t split, size_t step) {
  respcheck_options_t o;
  respcheck_callbacks_t cb = {on_finding, on_head, on_body, on_end, on_tunnel};
  log_t l = {0};
  respcheck_parser_t *p;
  size_t off = 0;

  l.data = v->data;
  l.data_len = v->len;
  options_for(v, &o);
  p = respcheck_parser_new(&o, &cb, &l);
  cr_assert(p != NULL);
  add(&l, "%s", "");
  while (off < v->len) {
    size_t n = v->len - off;
    if (step && n > step)
      n = step;
    if (split && off < split && off + n > split)
      n = split - off;
    respcheck_execute(p, v->data + off, n);
    off += n;
  }
  respcheck_finish(p);
  add(&l, "X %s @%llu\n", respcheck_errno_name(respcheck_parser_error(p)),
      (unsigned long long)respcheck_parser_error_offset(p));
  respcheck_parser_free(p);
  return l;
}

/* The log text alone. */
static char *run(const rc_vector_t *v, size_t split, size_t step) {
  log_t l = run_log(v, split, step);
  free(l.found);
  free(l.ends);
  return l.s;
}

/* Body and tunnel bytes come in pieces that follow the chunking: join
 * consecutive B and T lines before comparing. */
static void normalise(char *s) {
  char *r = s, *w = s;
  char last = 0;
  while (*r) {
    char *eol = strchr(r, '\n');
    size_t n = eol ? (size_t)(eol - r) + 1 : strlen(r);
    char kind = r[0];
    if ((kind == 'B' || kind == 'T') && kind == last && w > s) {
      size_t skip = kind == 'B' ? 2 : (size_t)(strchr(r + 2, ' ') - r) + 1;
      w--; /* over the previous newline */
      memmove(w, r + skip, n - skip);
      w += n - skip;
    } else {
      memmove(w, r, n);
      w += n;
    }
    last = kind;
    r += n;
  }
  *w = '\0';
}

/* ------------------------------------------------------------------------ */
/* The fixtures. */

static void load(rc_vectors_t *set) {
  const char *dir = getenv("RESPCHECK_TEST_VECTORS");
  char err[1024];
  cr_assert(dir != NULL && dir[0] != '\0',
            "RESPCHECK_TEST_VECTORS is not set: CTest sets it to the "
            "fixtures' folder, tests/vectors");
  if (rc_vectors_load(dir, set, err, sizeof(err)) != 0)
    cr_assert_fail("test vectors: %s", err);
}

/* "error rule @9, warning rule" */
static const char *describe(const rc_finding_t *f, size_t n, int all, char *buf,
                            size_t cap) {
  size_t i, k = 0;
  buf[0] = '\0';
  for (i = 0; i < n && k < cap; i++) {
    int w;
    if (!all && f[i].severity == RESPCHECK_SEVERITY_INFO)
      continue;
    w = snprintf(buf + k, cap - k, "%s%s %s", k ? ", " : "",
                 respcheck_severity_name(f[i].severity),
                 respcheck_rule_id(f[i].rule));
    k += w > 0 ? (size_t)w : 0;
    if (f[i].has_offset && k < cap) {
      w = snprintf(buf + k, cap - k, " @%llu", (unsigned long long)f[i].offset);
      k += w > 0 ? (size_t)w : 0;
    }
  }
  return k ? buf : "(none)";
}

static int finding_matches(const rc_finding_t *want, const rc_finding_t *got,
                           int with_offset) {
  return want->rule == got->rule && want->severity == got->severity &&
         (!with_offset || !want->has_offset || want->offset == got->offset);
}

static int found(const log_t *l, const rc_finding_t *want, int with_offset) {
  size_t i;
  for (i = 0; i < l->found_count; i++)
    if (finding_matches(want, &l->found[i], with_offset))
      return 1;
  return 0;
}

static int fired(const log_t *l, respcheck_rule_t rule) {
  size_t i;
  for (i = 0; i < l->found_count; i++)
    if (l->found[i].rule == rule)
      return 1;
  return 0;
}

/* The errors and warnings, in order, against the expect list. */
static int findings_as_expected(const rc_vector_t *v, const log_t *l) {
  size_t i, k = 0;
  for (i = 0; i < l->found_count; i++) {
    if (l->found[i].severity == RESPCHECK_SEVERITY_INFO)
      continue;
    if (k == v->expect_count ||
        !finding_matches(&v->expect[k], &l->found[i], 1))
      return 0;
    k++;
  }
  return k == v->expect_count;
}

/* "200>200 accept, - reject" */
static const char *describe_ends(const rc_response_t *e, size_t n, char *buf,
                                 size_t cap) {
  size_t i, k = 0;
  buf[0] = '\0';
  for (i = 0; i < n && k < cap; i++) {
    int w;
    if (e[i].kept)
      w = snprintf(buf + k, cap - k, "%s(%d)", i ? ", " : "", e[i].status);
    else if (!e[i].has_head)
      w = snprintf(buf + k, cap - k, "%s-", i ? ", " : "");
    else if (e[i].effective < 0)
      w = snprintf(buf + k, cap - k, "%s%d", i ? ", " : "", e[i].status);
    else
      w = snprintf(buf + k, cap - k, "%s%d>%d", i ? ", " : "", e[i].status,
                   e[i].effective);
    k += w > 0 ? (size_t)w : 0;
    if (k < cap) {
      w = snprintf(buf + k, cap - k, " %s",
                   e[i].verdict == RESPCHECK_REJECT ? "reject" : "accept");
      k += w > 0 ? (size_t)w : 0;
    }
  }
  return k ? buf : "(none)";
}

static int ends_as_expected(const rc_vector_t *v, const log_t *l) {
  size_t i;
  if (l->end_count != v->response_count)
    return 0;
  for (i = 0; i < v->response_count; i++) {
    const rc_response_t *w = &v->responses[i], *g = &l->ends[i];
    if (w->has_head != g->has_head || w->verdict != g->verdict)
      return 0;
    /* "(STATUS)": the record kept of a head that never reached on_head. */
    if (w->kept && (!g->kept || w->status != g->status))
      return 0;
    if (w->has_head && (w->status != g->status ||
                        (w->effective >= 0 && w->effective != g->effective)))
      return 0;
  }
  return 1;
}

/* With llhttp in loose mode (RC_LLHTTP_LOOSE), which refuses less,
 * parse-error may not come and what follows may differ: the layer's own
 * findings, and the rejection, must not depend on it. */
#ifdef RC_LLHTTP_LOOSE
static const int llhttp_loose = 1;
#else
static const int llhttp_loose = 0;
#endif

static void check_vector(const rc_vector_t *v, const log_t *l) {
  char want[1024], got[1024];
  size_t i;
  if (!llhttp_loose) {
    cr_expect(findings_as_expected(v, l),
              "%s:%u: %s: errors and warnings\n  want: %s\n  got:  %s\n%s",
              v->file, v->line, v->name,
              describe(v->expect, v->expect_count, 1, want, sizeof(want)),
              describe(l->found, l->found_count, 0, got, sizeof(got)), l->s);
    for (i = 0; i < RESPCHECK_RULE_COUNT; i++)
      if (v->absent[i])
        cr_expect(!fired(l, (respcheck_rule_t)i),
                  "%s:%u: %s: %s fired, listed as absent\n%s", v->file, v->line,
                  v->name, respcheck_rule_id((respcheck_rule_t)i), l->s);
    cr_expect(
        ends_as_expected(v, l),
        "%s:%u: %s: message ends\n  want: %s\n  got:  %s\n%s", v->file, v->line,
        v->name,
        describe_ends(v->responses, v->response_count, want, sizeof(want)),
        describe_ends(l->ends, l->end_count, got, sizeof(got)), l->s);
  } else {
    for (i = 0; i < v->expect_count; i++)
      if (v->expect[i].rule != RESPCHECK_RULE_PARSE_ERROR)
        cr_expect(found(l, &v->expect[i], 0),
                  "%s:%u: %s: %s missing in loose mode\n%s", v->file, v->line,
                  v->name, respcheck_rule_id(v->expect[i].rule), l->s);
    for (i = 0; i < v->response_count; i++)
      if (v->responses[i].verdict == RESPCHECK_REJECT)
        cr_expect(l->any_reject, "%s:%u: %s: not rejected in loose mode\n%s",
                  v->file, v->line, v->name, l->s);
  }
  for (i = 0; i < v->info_count; i++)
    cr_expect(found(l, &v->info[i], 1),
              "%s:%u: %s: info %s missing\n  got: %s\n%s", v->file, v->line,
              v->name, respcheck_rule_id(v->info[i].rule),
              describe(l->found, l->found_count, 1, got, sizeof(got)), l->s);
}

Test(vectors, expected_findings_and_responses) {
  rc_vectors_t set = {0};
  size_t i;
  load(&set);
  for (i = 0; i < set.count; i++) {
    log_t l = run_log(&set.v[i], 0, 0);
    check_vector(&set.v[i], &l);
    free_log(&l);
  }
  rc_vectors_free(&set);
}

Test(vectors, same_events_for_every_chunking) {
  rc_vectors_t set = {0};
  size_t i, k;
  load(&set);
  for (i = 0; i < set.count; i++) {
    const rc_vector_t *v = &set.v[i];
    char *whole = run(v, 0, 0);
    char *bytes = run(v, 0, 1);
    normalise(whole);
    normalise(bytes);
    cr_expect(strcmp(bytes, whole) == 0,
              "%s:%u: %s: byte by byte differs\nwhole:\n%s\nbytes:\n%s",
              v->file, v->line, v->name, whole, bytes);
    free(bytes);
    for (k = 1; k < v->len; k++) {
      char *split = run(v, k, 0);
      normalise(split);
      if (strcmp(split, whole) != 0) {
        cr_expect(strcmp(split, whole) == 0,
                  "%s:%u: %s: split at %zu differs\nwhole:\n%s\nsplit:\n%s",
                  v->file, v->line, v->name, k, whole, split);
        free(split);
        break;
      }
      free(split);
    }
    free(whole);
  }
  rc_vectors_free(&set);
}

/* Every rule of the catalogue fires in some vector and is a near miss in
 * another. The capture-* rules are reported by the input readers (warc/,
 * har/), not by the parser: their tests are there. */
Test(vectors, every_rule_fires_and_has_a_near_miss) {
  rc_vectors_t set = {0};
  size_t r, i, k;
  load(&set);
  for (r = 0; r < RESPCHECK_RULE_COUNT; r++) {
    int fires = 0, near = 0;
    if (strncmp(respcheck_rule_id((respcheck_rule_t)r), "capture-", 8) == 0)
      continue;
    for (i = 0; i < set.count; i++) {
      const rc_vector_t *v = &set.v[i];
      for (k = 0; k < v->expect_count; k++)
        fires |= v->expect[k].rule == r;
      for (k = 0; k < v->info_count; k++)
        fires |= v->info[k].rule == r;
      near |= v->absent[r];
    }
    cr_expect(fires, "no vector makes %s fire",
              respcheck_rule_id((respcheck_rule_t)r));
    cr_expect(near, "no vector is a near miss for %s",
              respcheck_rule_id((respcheck_rule_t)r));
  }
  rc_vectors_free(&set);
}

/* ------------------------------------------------------------------------ */
/* The fixture reader. */

Test(fixtures, a_case_reads_as_written) {
  static const char text[] = "# Title\n"
                             "\n"
                             "Prose, ignored.\n"
                             "\n"
                             "## one\n"
                             "\n"
                             "```context\n"
                             "request HEAD HTTP/1.0\n"
                             "max_headers 3\n"
                             "max_chunk_extension 9\n"
                             "```\n"
                             "\n"
                             "```http\n"
                             "HTTP/1.1 200 OK\\r\\n\n"
                             "X: a\\tb\\x00\\\\\\xC3\\r\\n\n"
                             "\\r\\n\n"
                             "```\n"
                             "\n"
                             "```expect\n"
                             "error parse-error @5\n"
                             "warning bare-lf\n"
                             "info date-missing\n"
                             "response 200>200 accept\n"
                             "response 103 reject\n"
                             "response - reject\n"
                             "absent obs-fold  bare-cr\n"
                             "```\n"
                             "## two\n"
                             "```http\n"
                             "A\n"
                             "```\n"
                             "```expect\n"
                             "response - reject\n"
                             "```";
  static const char data[] = "HTTP/1.1 200 OK\r\nX: a\tb\0\\\xc3\r\n\r\n";
  rc_vectors_t set = {0};
  char err[512];
  const rc_vector_t *v;
  size_t i, absent = 0;

  cr_assert_eq(
      rc_vectors_parse("t.md", text, sizeof(text) - 1, &set, err, sizeof(err)),
      0, "%s", err);
  cr_assert_eq(set.count, 2);
  v = &set.v[0];
  cr_expect_str_eq(v->name, "one");
  cr_expect_str_eq(v->file, "t.md");
  cr_expect_eq(v->line, 5);
  cr_assert_eq(v->len, sizeof(data) - 1);
  cr_expect(memcmp(v->data, data, v->len) == 0);
  cr_expect_eq(v->method, RESPCHECK_METHOD_HEAD);
  cr_expect_eq(v->request_10, 1);
  cr_expect_eq(v->limits.headers, 3);
  cr_expect_eq(v->limits.chunk_ext, 9);
  cr_expect_eq(v->limits.header_bytes + v->limits.line + v->limits.reason, 0);
  cr_assert_eq(v->expect_count, 2);
  cr_expect_eq(v->expect[0].rule, RESPCHECK_RULE_PARSE_ERROR);
  cr_expect_eq(v->expect[0].severity, RESPCHECK_SEVERITY_ERROR);
  cr_expect(v->expect[0].has_offset && v->expect[0].offset == 5);
  cr_expect_eq(v->expect[1].rule, RESPCHECK_RULE_BARE_LF);
  cr_expect_eq(v->expect[1].severity, RESPCHECK_SEVERITY_WARNING);
  cr_expect(!v->expect[1].has_offset);
  cr_assert_eq(v->info_count, 1);
  cr_expect_eq(v->info[0].rule, RESPCHECK_RULE_DATE_MISSING);
  cr_expect_eq(v->info[0].severity, RESPCHECK_SEVERITY_INFO);
  cr_assert_eq(v->response_count, 3);
  cr_expect(v->responses[0].has_head && v->responses[0].status == 200 &&
            v->responses[0].effective == 200 &&
            v->responses[0].verdict == RESPCHECK_ACCEPT);
  cr_expect(v->responses[1].has_head && v->responses[1].status == 103 &&
            v->responses[1].effective == -1 &&
            v->responses[1].verdict == RESPCHECK_REJECT);
  cr_expect(!v->responses[2].has_head &&
            v->responses[2].verdict == RESPCHECK_REJECT);
  for (i = 0; i < RESPCHECK_RULE_COUNT; i++)
    absent += v->absent[i];
  cr_expect_eq(absent, 2);
  cr_expect(v->absent[RESPCHECK_RULE_OBS_FOLD] &&
            v->absent[RESPCHECK_RULE_BARE_CR]);
  v = &set.v[1];
  cr_expect_str_eq(v->name, "two");
  cr_expect_eq(v->line, 28);
  cr_expect(v->len == 1 && v->data[0] == 'A');
  cr_expect_eq(v->method, RESPCHECK_METHOD_GET);
  cr_expect_eq(v->request_10, 0);
  cr_expect(v->response_count == 1 && !v->responses[0].has_head);
  rc_vectors_free(&set);
}

/* Each malformed fixture: the error names the file and the line. */
Test(fixtures, malformed_fixtures_are_errors) {
#define CASE "## a\n"
#define HTTP "```http\nX\n```\n"
#define OK "```expect\nresponse 200 accept\n```\n"
  static const struct {
    const char *text, *want;
  } bad[] = {
      {"# T\n\nno case here\n", "bad.md:1: no case"},
      {"```http\nX\n```\n", "bad.md:1: a http block before the first case"},
      {CASE "```htttp\n", "bad.md:2: unknown block \"htttp\""},
      {CASE "```\nX\n```\n", "bad.md:2: unknown block \"\""},
      {CASE "```http\nX\n", "bad.md:2: block not closed"},
      {CASE "```http\nX\n``` \n",
       "bad.md:4: a block ends with a line of ``` alone"},
      {CASE "```http\nX\n\nY\n```\n" OK,
       "bad.md:4: empty line in an http block"},
      {CASE "```http\nX \n```\n" OK, "bad.md:3: space at the end of a line"},
      {CASE "```http\nX\tY\n```\n" OK, "bad.md:3: raw byte 0x09"},
      {CASE "```http\nX\r\n```\n" OK, "bad.md:3: raw byte 0x0d"},
      {CASE "```http\nX\xc3\xa9\n```\n" OK, "bad.md:3: raw byte 0xc3"},
      {CASE "```http\nX\\q\n```\n" OK, "bad.md:3: unknown escape \\q"},
      {CASE "```http\nX\\x4\n```\n" OK, "bad.md:3: \\x needs two hex digits"},
      {CASE "```http\nX\\\n```\n" OK, "bad.md:3: \\ at the end of a line"},
      {CASE OK, "bad.md:1: case a has no http block"},
      {CASE "```http\n```\n" OK, "bad.md:1: case a has no http block"},
      {CASE HTTP, "bad.md:1: case a has no expect block"},
      {CASE HTTP "```expect\nerror parse-error\n```\n",
       "bad.md:1: case a has no response line"},
      {CASE HTTP HTTP OK, "bad.md:5: a second http block in case a"},
      {CASE HTTP OK "```context\nmax_headers 2\n```\n",
       "bad.md:8: the context block comes before"},
      {CASE OK HTTP, "bad.md:5: the http block comes before the expect block"},
      {CASE HTTP "```expect\nerror no-such-rule\n",
       "bad.md:6: unknown rule \"no-such-rule\""},
      {CASE HTTP "```expect\nerrors parse-error\n",
       "bad.md:6: unknown expect line \"errors\""},
      {CASE HTTP "```expect\nerror\n", "bad.md:6: error needs a rule id"},
      {CASE HTTP "```expect\nerror parse-error 12\n",
       "bad.md:6: an offset is @ and a number"},
      {CASE HTTP "```expect\nerror parse-error @1x\n",
       "bad.md:6: an offset is @ and a number"},
      {CASE HTTP "```expect\nerror parse-error @1 x\n",
       "bad.md:6: unexpected \"x\""},
      {CASE HTTP "```expect\nresponse 200 ok\n",
       "bad.md:6: a response is accept or reject"},
      {CASE HTTP "```expect\nresponse 200\n",
       "bad.md:6: response needs accept or reject"},
      {CASE HTTP "```expect\nresponse abc accept\n",
       "bad.md:6: a response's status is a number"},
      {CASE HTTP "```expect\nresponse 200> accept\n",
       "bad.md:6: the effective status"},
      {CASE HTTP "```expect\nresponses unchecked\n",
       "bad.md:6: unknown expect line \"responses\""},
      {CASE HTTP "```expect\nabsent\n",
       "bad.md:6: absent needs one or more rule ids"},
      {CASE HTTP "```expect\nerror parse-error\nresponse - reject\nabsent "
                 "parse-error\n```\n",
       "bad.md:1: case a expects parse-error and lists it as absent"},
      {CASE "```context\nmax_foo 3\n",
       "bad.md:3: unknown context line \"max_foo\""},
      {CASE "```context\nmax_headers 0\n",
       "bad.md:3: max_headers needs a number above 0"},
      {CASE "```context\nmax_headers -1\n",
       "bad.md:3: max_headers needs a number above 0"},
      {CASE "```context\nmax_headers 2\nmax_headers 3\n",
       "bad.md:4: max_headers given twice"},
      {CASE "```context\nrequest FOO\n", "bad.md:3: unknown method \"FOO\""},
      {CASE "```context\nrequest get\n", "bad.md:3: unknown method \"get\""},
      {CASE "```context\nrequest GET HTTP/2\n",
       "bad.md:3: the request's version is HTTP/1.0 or HTTP/1.1"},
      {CASE "```context\nrequest GET\nrequest HEAD\n",
       "bad.md:4: a second request line"},
      {CASE "```context\nrequest GET HTTP/1.1 x\n",
       "bad.md:3: unexpected \"x\""},
      {CASE "```context\nseverity no-such-rule info\n",
       "bad.md:3: unknown rule \"no-such-rule\""},
      {CASE "```context\nseverity date-missing loud\n",
       "bad.md:3: unknown severity \"loud\""},
      {CASE "```context\nseverity date-missing\n",
       "bad.md:3: severity date-missing needs a level"},
      {CASE "```context\nseverity date-missing off\nseverity date-missing "
            "info\n",
       "bad.md:4: the severity of date-missing given twice"},
      {CASE "```context\nseverity date-missing off x\n",
       "bad.md:3: unexpected \"x\""},
      {CASE HTTP OK CASE HTTP OK, "bad.md:8: case a is already in bad.md:1"},
      {"## A\n", "bad.md:1: a case name is"},
      {"## a b\n", "bad.md:1: a case name is"},
      {"## \n", "bad.md:1: a case name is"},
      {CASE HTTP "```expect\n"
                 "error parse-error\nerror parse-error\nerror parse-error\n"
                 "error parse-error\nerror parse-error\nerror parse-error\n"
                 "error parse-error\nerror parse-error\nerror parse-error\n"
                 "error parse-error\nerror parse-error\nerror parse-error\n"
                 "error parse-error\nerror parse-error\nerror parse-error\n"
                 "error parse-error\nerror parse-error\n",
       "bad.md:22: more than 16 error and warning lines"},
  };
#undef CASE
#undef HTTP
#undef OK
  size_t i;
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    rc_vectors_t set = {0};
    char err[512] = "";
    int rc = rc_vectors_parse("bad.md", bad[i].text, strlen(bad[i].text), &set,
                              err, sizeof(err));
    cr_expect_eq(rc, -1, "case %zu read without error:\n%s", i, bad[i].text);
    cr_expect(strncmp(err, bad[i].want, strlen(bad[i].want)) == 0,
              "case %zu: want \"%s...\", got \"%s\"", i, bad[i].want, err);
    rc_vectors_free(&set);
  }
}

static void write_file(const char *dir, const char *name, const char *text) {
  char path[512];
  FILE *f;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  f = fopen(path, "w");
  cr_assert(f != NULL, "%s", path);
  fputs(text, f);
  cr_assert_eq(fclose(f), 0);
}

static void remove_file(const char *dir, const char *name) {
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  unlink(path);
}

/* A folder: every *.md but README.md, in name order; any other file, a
 * folder without fixtures and a name used twice are errors. */
Test(fixtures, folder) {
  static const char one[] =
      "## x\n```http\nX\n```\n```expect\nresponse - reject\n```\n";
  static const char two[] =
      "## y\n```http\nY\n```\n```expect\nresponse - reject\n```\n";
  char dir[] = "/tmp/respcheck-fixtures-XXXXXX";
  char err[1024];
  rc_vectors_t set = {0};

  cr_assert(mkdtemp(dir) != NULL);
  write_file(dir, "README.md", "# About\n");
  cr_expect_eq(rc_vectors_load(dir, &set, err, sizeof(err)), -1);
  cr_expect(strstr(err, "no fixture files") != NULL, "%s", err);
  rc_vectors_free(&set);

  write_file(dir, "b.md", one);
  write_file(dir, "a.md", two);
  cr_assert_eq(rc_vectors_load(dir, &set, err, sizeof(err)), 0, "%s", err);
  cr_assert_eq(set.count, 2);
  cr_expect_str_eq(set.v[0].name, "y");
  cr_expect_str_eq(set.v[0].file, "a.md");
  cr_expect_str_eq(set.v[1].name, "x");
  rc_vectors_free(&set);

  write_file(dir, "c.md", one);
  cr_expect_eq(rc_vectors_load(dir, &set, err, sizeof(err)), -1);
  cr_expect(strstr(err, "/c.md:1: case x is already in b.md:1") != NULL, "%s",
            err);
  rc_vectors_free(&set);
  remove_file(dir, "c.md");

  write_file(dir, "notes.txt", "x\n");
  cr_expect_eq(rc_vectors_load(dir, &set, err, sizeof(err)), -1);
  cr_expect(strstr(err, "/notes.txt: not a fixture file") != NULL, "%s", err);
  rc_vectors_free(&set);

  remove_file(dir, "notes.txt");
  remove_file(dir, "a.md");
  remove_file(dir, "b.md");
  remove_file(dir, "README.md");
  cr_expect_eq(rmdir(dir), 0);
}
