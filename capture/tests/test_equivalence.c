/* SPDX-License-Identifier: MIT */
/*
 * Equivalence: for every fixture, the findings other than capture-* equal
 * those of the reassembled server stream linted as a raw stream, in one
 * call, with the paired requests. The stream is what the reader delivered
 * (gaps as zeros); it starts where reading started (the capture-midstream
 * offset, else 0) and ends where a gap stopped the reading (then the raw
 * stream is not finished either), else at its end. Requests are pushed as
 * the pipeline paired them: each final response's request before it.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

#ifndef FIXTURES
#error "FIXTURES must name capture/tests/fixtures"
#endif

typedef struct raw {
  const tr_record_t **finals; /* the pipeline's final responses, in order */
  size_t nfinals, next_final;
  uint64_t start;
  char got[8192];
  int status;
} raw_t;

static void push_final(respcheck_parser_t *p, raw_t *r) {
  const tr_record_t *f;
  respcheck_request_t q;
  if (r->next_final >= r->nfinals)
    return;
  f = r->finals[r->next_final];
  if (!f->has_request)
    return;
  q.method = respcheck_method_from_name(f->method, strlen(f->method));
  q.version_major = (unsigned char)f->req_major;
  q.version_minor = (unsigned char)f->req_minor;
  q.transport = RESPCHECK_TRANSPORT_PLAIN;
  cr_assert_eq(respcheck_push_request(p, &q), RESPCHECK_E_OK);
}

static respcheck_parser_t *parser;

static void raw_finding(void *u, const respcheck_finding_t *f) {
  raw_t *r = u;
  size_t l = strlen(r->got);
  snprintf(r->got + l, sizeof r->got - l, "%s%s@%llu", l ? " " : "", f->id,
           (unsigned long long)(f->offset + r->start));
}

static int raw_head(void *u, const respcheck_response_t *resp) {
  raw_t *r = u;
  r->status = resp->status;
  return 0;
}

static int is_final(int status) {
  return status >= 0 && !(status >= 100 && status <= 199 && status != 101);
}

static void raw_end(void *u, const respcheck_message_end_t *e) {
  raw_t *r = u;
  if ((e->flags & RESPCHECK_END_HEAD) && is_final(r->status)) {
    r->next_final++;
    push_final(parser, r);
  }
  r->status = -1;
}

static int is_capture_rule(const char *id, size_t n) {
  return n >= 8 && memcmp(id, "capture-", 8) == 0;
}

/* Appends the non-capture "id@offset" words of s to out. */
static void keep_core(char *out, size_t size, const char *s) {
  while (*s) {
    const char *end = strchr(s, ' ');
    size_t n = end ? (size_t)(end - s) : strlen(s);
    if (!is_capture_rule(s, n)) {
      size_t l = strlen(out);
      snprintf(out + l, size - l, "%s%.*s", l ? " " : "", (int)n, s);
    }
    s += n;
    while (*s == ' ')
      s++;
  }
}

/* The offset of a capture finding with this id in the record, or -1. */
static long long finding_at(const tr_record_t *rec, const char *id) {
  const char *s = rec->findings;
  size_t n = strlen(id);
  while ((s = strstr(s, id)) != NULL) {
    if ((s == rec->findings || s[-1] == ' ') && s[n] == '@')
      return atoll(s + n + 1);
    s += n;
  }
  return -1;
}

static int compared;

static void check_flow(const char *name, const tr_run_t *run,
                       const tr_stream_t *st) {
  raw_t r;
  respcheck_callbacks_t cb;
  char want[8192] = "";
  uint64_t end = st->len;
  int finish = 1;
  size_t i;
  memset(&r, 0, sizeof r);
  r.status = -1;
  r.finals = calloc(run->n + 1, sizeof *r.finals);
  cr_assert_not_null(r.finals);
  for (i = 0; i < run->n; i++) {
    const tr_record_t *rec = &run->recs[i];
    long long at;
    if (rec->flow != st->flow)
      continue;
    keep_core(want, sizeof want, rec->findings);
    if (is_final(rec->status))
      r.finals[r.nfinals++] = rec;
    if ((at = finding_at(rec, "capture-midstream")) >= 0)
      r.start = (uint64_t)at;
    at = finding_at(rec, "capture-gap");
    if (at < 0)
      at = finding_at(rec, "capture-limit");
    if (at >= 0 && (uint64_t)at == rec->end_offset &&
        !(rec->flags & RESPCHECK_END_COMPLETE)) {
      end = (uint64_t)at; /* reading stopped here */
      finish = 0;
    }
  }
  {
    /* A gap found at the end from the client's acknowledgement may count
     * the server's uncaptured FIN as a byte: zeros past the last record are
     * not the server's. */
    uint64_t last = 0, k;
    for (i = 0; i < run->n; i++)
      if (run->recs[i].flow == st->flow && run->recs[i].end_offset > last)
        last = run->recs[i].end_offset;
    for (k = last; k < end && st->bytes[k] == 0; k++)
      ;
    if (k == end && last < end)
      end = last;
  }
  if (r.nfinals == 0 && want[0] == '\0') {
    free(r.finals);
    return; /* not read as HTTP */
  }
  memset(&cb, 0, sizeof cb);
  cb.on_finding = raw_finding;
  cb.on_head = raw_head;
  cb.on_message_end = raw_end;
  parser = respcheck_parser_new(NULL, &cb, &r);
  cr_assert_not_null(parser);
  push_final(parser, &r);
  if (end > r.start)
    respcheck_execute(parser, (const char *)st->bytes + r.start,
                      (size_t)(end - r.start));
  if (finish)
    respcheck_finish(parser);
  respcheck_parser_free(parser);
  cr_expect_str_eq(r.got, want, "%s flow %llu: raw [%s], capture [%s]", name,
                   (unsigned long long)st->flow, r.got, want);
  compared++;
  free(r.finals);
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void every_capture_in(const char *dir, int min_files, int min_flows) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char *names[256];
  size_t n = 0, i, k;
  cr_assert_not_null(d);
  while ((e = readdir(d)) != NULL && n < 256)
    if (strstr(e->d_name, ".pcap") != NULL)
      names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof *names, cmp_names);
  cr_assert_geq(n, (size_t)min_files, "only %zu captures in %s", n, dir);
  compared = 0;
  for (i = 0; i < n; i++) {
    char path[1024];
    tr_run_t run;
    memset(&run, 0, sizeof run);
    run.keep_streams = 1;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    tr_run_file(&run, path, NULL, NULL);
    cr_expect_str_empty(run.problem, "%s: %s", names[i], run.problem);
    for (k = 0; k < run.nstreams; k++)
      check_flow(names[i], &run, &run.streams[k]);
    tr_free(&run);
    free(names[i]);
  }
  cr_expect_geq(compared, min_flows, "only %d flows compared", compared);
}

Test(equivalence, every_fixture) { every_capture_in(FIXTURES, 25, 30); }

/* The real captures (record-captures.sh): over a hundred connections. */
Test(equivalence, every_real_capture) {
  every_capture_in(FIXTURES "/../real", 3, 100);
}
