/* SPDX-License-Identifier: MIT */
/*
 * bench_parse: times bare llhttp, respcheck and libhtp on one corpus, in one
 * run, whole buffer and in 1460-byte pieces (one TCP segment's payload).
 *
 *   bench_parse [--head] [--passes=N] [--engines=a,b] CORPUS   the table
 *   bench_parse [--head] --once=ENGINE CORPUS                   one pass
 *   bench_parse --list                                          engine names
 *
 * --head: every response answers a HEAD request (bench_gen --heads).
 *
 * The table: after one warm-up round, N rounds (default 7) each run every
 * engine once, in turn, so that a noisy neighbour slows all of them alike;
 * each figure is the median of its N passes. Every pass is checked: the same
 * number of responses (1xx included) as the bare llhttp pass, no parse error,
 * and for respcheck no error or warning finding.
 *
 * --once runs one pass of one engine inside a function named bench_pass_*,
 * for `valgrind --tool=callgrind --toggle-collect='bench_pass_*'`: the
 * instructions it counts are those of the parsing alone.
 *
 * Fairness of the baseline: llhttp is the same build respcheck uses (strict
 * mode, same flags), with callbacks that count; it is told about HEAD by
 * on_headers_complete returning 1, and llhttp_set_lenient_keep_alive(1)
 * lets it go on after any response. libhtp is driven as Suricata drives it
 * (IDS personality, transactions destroyed once complete); it pairs
 * responses with requests, so each pass first feeds it one synthetic request
 * per response (GET or HEAD, untimed) and then times only the responses.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <llhttp.h>
#ifdef BENCH_HAVE_LIBHTP
#include <htp/htp.h>
#endif

#include "bench.h"
#include "respcheck.h"

#define BENCH_PIECE 1460u
#define BENCH_DEFAULT_PASSES 7
#define BENCH_MAX_PASSES 101

#if defined(__GNUC__) && !defined(__clang__)
#define BENCH_PASS __attribute__((noinline, noclone))
#elif defined(__GNUC__)
#define BENCH_PASS __attribute__((noinline))
#else
#define BENCH_PASS
#endif

/* ------------------------------------------------------------------------ */
/* What every engine reports for one pass. */

typedef struct counts {
  uint64_t responses; /* messages, 1xx included */
  uint64_t finals;    /* status >= 200 */
  uint64_t incomplete;
  uint64_t body_bytes;
  uint64_t fields;
  uint64_t findings[4]; /* by respcheck_severity_t */
  char first_finding[4][160];
  char error[256]; /* empty when the pass went through */
} counts_t;

typedef struct corpus {
  char *data;
  size_t len;
  int head;       /* responses answer HEAD requests */
  char *requests; /* one synthetic request per final response, for libhtp */
  size_t requests_len;
} corpus_t;

/* ------------------------------------------------------------------------ */
/* Bare llhttp. */

static int ll_on_status(llhttp_t *p, const char *at, size_t len) {
  (void)p;
  (void)at;
  (void)len;
  return 0;
}

static int ll_on_header_field(llhttp_t *p, const char *at, size_t len) {
  (void)at;
  (void)len;
  ((counts_t *)p->data)->fields++;
  return 0;
}

static int ll_on_header_value(llhttp_t *p, const char *at, size_t len) {
  (void)p;
  (void)at;
  (void)len;
  return 0;
}

static int ll_head; /* set once per run: the corpus answers HEAD */

static int ll_on_headers_complete(llhttp_t *p) {
  counts_t *c = p->data;
  if (p->status_code >= 200)
    c->finals++;
  /* 1: no body follows (the response to HEAD, RFC 9110 9.3.2). */
  return ll_head ? 1 : 0;
}

static int ll_on_body(llhttp_t *p, const char *at, size_t len) {
  (void)at;
  ((counts_t *)p->data)->body_bytes += len;
  return 0;
}

static int ll_on_message_complete(llhttp_t *p) {
  ((counts_t *)p->data)->responses++;
  return 0;
}

static llhttp_settings_t ll_settings;

static void ll_setup(llhttp_t *p, counts_t *c) {
  llhttp_init(p, HTTP_RESPONSE, &ll_settings);
  llhttp_set_lenient_keep_alive(p, 1);
  p->data = c;
}

BENCH_PASS static llhttp_errno_t
bench_pass_llhttp(llhttp_t *p, const char *data, size_t len, size_t piece) {
  for (size_t off = 0; off < len;) {
    size_t n = len - off < piece ? len - off : piece;
    llhttp_errno_t e = llhttp_execute(p, data + off, n);
    if (e != HPE_OK)
      return e;
    off += n;
  }
  return llhttp_finish(p);
}

static void ll_check(llhttp_t *p, llhttp_errno_t e, const char *data,
                     counts_t *c) {
  if (e != HPE_OK) {
    const char *pos = llhttp_get_error_pos(p);
    snprintf(c->error, sizeof(c->error),
             "llhttp: %s (%s) at byte %lld of its piece", llhttp_errno_name(e),
             llhttp_get_error_reason(p) ? llhttp_get_error_reason(p) : "",
             pos ? (long long)(pos - data) : -1LL);
  }
}

/* The reference counts: one bare llhttp pass over the whole buffer, outside
 * the bench_pass_* functions so that callgrind does not count it. */
static void reference_counts(const corpus_t *corpus, counts_t *c) {
  llhttp_t p;
  memset(c, 0, sizeof(*c));
  ll_setup(&p, c);
  llhttp_errno_t e = llhttp_execute(&p, corpus->data, corpus->len);
  if (e == HPE_OK)
    e = llhttp_finish(&p);
  ll_check(&p, e, corpus->data, c);
}

/* ------------------------------------------------------------------------ */
/* respcheck, default options. */

static void rc_on_finding(void *user, const respcheck_finding_t *f) {
  counts_t *c = user;
  unsigned s = (unsigned)f->severity & 3u;
  if (c->findings[s]++ == 0)
    snprintf(c->first_finding[s], sizeof(c->first_finding[s]),
             "%s at offset %llu: %s", f->id ? f->id : "?",
             (unsigned long long)f->offset, f->message ? f->message : "");
}

static int rc_on_head(void *user, const respcheck_response_t *r) {
  counts_t *c = user;
  if (r->status >= 200)
    c->finals++;
  c->fields += r->header_count;
  return 0;
}

static void rc_on_message_end(void *user, const respcheck_message_end_t *end) {
  counts_t *c = user;
  c->responses++;
  if (!(end->flags & RESPCHECK_END_COMPLETE))
    c->incomplete++;
}

BENCH_PASS static respcheck_errno_t bench_pass_respcheck(respcheck_parser_t *p,
                                                         const char *data,
                                                         size_t len,
                                                         size_t piece) {
  for (size_t off = 0; off < len;) {
    size_t n = len - off < piece ? len - off : piece;
    respcheck_errno_t e = respcheck_execute(p, data + off, n);
    if (e != RESPCHECK_E_OK)
      return e;
    off += n;
  }
  return respcheck_finish(p);
}

static void rc_check(respcheck_parser_t *p, respcheck_errno_t e, counts_t *c) {
  if (e != RESPCHECK_E_OK)
    snprintf(c->error, sizeof(c->error), "respcheck: %s (%s) at offset %llu",
             respcheck_errno_name(e), respcheck_parser_error_reason(p),
             (unsigned long long)respcheck_parser_error_offset(p));
  else if (c->findings[RESPCHECK_SEVERITY_ERROR] ||
           c->findings[RESPCHECK_SEVERITY_WARNING])
    snprintf(c->error, sizeof(c->error),
             "respcheck: %llu error and %llu warning findings on a valid "
             "corpus; first: %s",
             (unsigned long long)c->findings[RESPCHECK_SEVERITY_ERROR],
             (unsigned long long)c->findings[RESPCHECK_SEVERITY_WARNING],
             c->findings[RESPCHECK_SEVERITY_ERROR]
                 ? c->first_finding[RESPCHECK_SEVERITY_ERROR]
                 : c->first_finding[RESPCHECK_SEVERITY_WARNING]);
  else if (c->incomplete)
    snprintf(c->error, sizeof(c->error),
             "respcheck: %llu messages ended incomplete",
             (unsigned long long)c->incomplete);
}

/* ------------------------------------------------------------------------ */
/* libhtp, as Suricata drives it. */
#ifdef BENCH_HAVE_LIBHTP

static int htp_on_response_complete(htp_tx_t *tx) {
  counts_t *c = htp_connp_get_user_data(tx->connp);
  c->finals++;
  /* libhtp folds a 100 Continue into the transaction of its final response. */
  c->responses += 1u + (uint64_t)tx->seen_100continue;
  c->fields += htp_table_size(tx->response_headers);
  return HTP_OK;
}

static int htp_on_response_body(htp_tx_data_t *d) {
  counts_t *c = htp_connp_get_user_data(d->tx->connp);
  c->body_bytes += d->len;
  return HTP_OK;
}

/* The raw header bytes, which Suricata keeps for its header keywords. */
static int htp_on_response_header_data(htp_tx_data_t *d) {
  (void)d;
  return HTP_OK;
}

static htp_cfg_t *htp_cfg;

static int htp_global_setup(void) {
  htp_cfg = htp_config_create();
  if (htp_cfg == NULL)
    return -1;
  /* Suricata's defaults (HTPConfigSetDefaultsPhase1), response side. */
  htp_config_set_server_personality(htp_cfg, HTP_SERVER_IDS);
  htp_config_register_response_header_data(htp_cfg,
                                           htp_on_response_header_data);
  htp_config_register_response_trailer_data(htp_cfg,
                                            htp_on_response_header_data);
  htp_config_register_response_body_data(htp_cfg, htp_on_response_body);
  htp_config_register_response_complete(htp_cfg, htp_on_response_complete);
  htp_config_set_parse_request_cookies(htp_cfg, 0);
  /* Suricata frees each transaction once it is done with it. */
  htp_config_set_tx_auto_destroy(htp_cfg, 1);
  return 0;
}

static const char *htp_last_error(htp_connp_t *connp) {
  htp_log_t *log = htp_connp_get_last_error(connp);
  return log != NULL && log->msg != NULL ? log->msg : "no message";
}

/* A fresh connection with every request already read: untimed. */
static htp_connp_t *htp_setup(const corpus_t *corpus, counts_t *c) {
  htp_connp_t *connp = htp_connp_create(htp_cfg);
  if (connp == NULL) {
    snprintf(c->error, sizeof(c->error), "libhtp: htp_connp_create failed");
    return NULL;
  }
  htp_connp_set_user_data(connp, c);
  htp_connp_open(connp, "192.0.2.1", 49152, "192.0.2.80", 80, NULL);
  int rc =
      htp_connp_req_data(connp, NULL, corpus->requests, corpus->requests_len);
  if (rc != HTP_STREAM_DATA)
    snprintf(c->error, sizeof(c->error),
             "libhtp: requests: stream state %d (%s)", rc,
             htp_last_error(connp));
  return connp;
}

BENCH_PASS static int bench_pass_libhtp(htp_connp_t *connp, const char *data,
                                        size_t len, size_t piece) {
  for (size_t off = 0; off < len;) {
    size_t n = len - off < piece ? len - off : piece;
    int rc = htp_connp_res_data(connp, NULL, data + off, n);
    if (rc != HTP_STREAM_DATA)
      return rc;
    off += n;
  }
  return HTP_STREAM_DATA;
}

static void htp_check(htp_connp_t *connp, int rc, counts_t *c) {
  if (rc != HTP_STREAM_DATA && c->error[0] == '\0')
    snprintf(c->error, sizeof(c->error),
             "libhtp: responses: stream state %d (%s)", rc,
             htp_last_error(connp));
}
#endif /* BENCH_HAVE_LIBHTP */

/* ------------------------------------------------------------------------ */
/* Engines. */

enum kind { KIND_LLHTTP, KIND_RESPCHECK, KIND_LIBHTP };

typedef struct engine {
  const char *name;
  enum kind kind;
  size_t piece; /* 0: the whole corpus in one call */
} engine_t;

static const engine_t engines[] = {
    {"llhttp-whole", KIND_LLHTTP, 0},
    {"llhttp-1460", KIND_LLHTTP, BENCH_PIECE},
    {"respcheck-whole", KIND_RESPCHECK, 0},
    {"respcheck-1460", KIND_RESPCHECK, BENCH_PIECE},
    {"libhtp-whole", KIND_LIBHTP, 0},
    {"libhtp-1460", KIND_LIBHTP, BENCH_PIECE},
};
#define ENGINE_COUNT (sizeof(engines) / sizeof(engines[0]))

static respcheck_parser_t *rc_parser;
static counts_t rc_counts; /* the parser's user pointer */
static bench_alloc_stats_t rc_setup_allocs;

typedef struct pass_result {
  double seconds;
  uint64_t allocs, alloc_bytes;
  counts_t counts;
} pass_result_t;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One pass of one engine: setup (untimed), the timed parse, the checks. */
static void run_pass(const engine_t *e, const corpus_t *corpus,
                     pass_result_t *out) {
  size_t piece = e->piece ? e->piece : corpus->len;
  bench_alloc_stats_t a0, a1;
  double t0, t1;
  memset(out, 0, sizeof(*out));
  counts_t *c = &out->counts;

  switch (e->kind) {
  case KIND_LLHTTP: {
    llhttp_t p;
    ll_setup(&p, c);
    a0 = bench_alloc_stats();
    t0 = now();
    llhttp_errno_t err =
        bench_pass_llhttp(&p, corpus->data, corpus->len, piece);
    t1 = now();
    a1 = bench_alloc_stats();
    ll_check(&p, err, corpus->data, c);
    break;
  }
  case KIND_RESPCHECK: {
    respcheck_parser_reset(rc_parser);
    memset(&rc_counts, 0, sizeof(rc_counts));
    a0 = bench_alloc_stats();
    t0 = now();
    respcheck_errno_t err =
        bench_pass_respcheck(rc_parser, corpus->data, corpus->len, piece);
    t1 = now();
    a1 = bench_alloc_stats();
    *c = rc_counts;
    rc_check(rc_parser, err, c);
    break;
  }
#ifdef BENCH_HAVE_LIBHTP
  case KIND_LIBHTP: {
    htp_connp_t *connp = htp_setup(corpus, c);
    if (connp == NULL)
      return;
    a0 = bench_alloc_stats();
    t0 = now();
    int rc = bench_pass_libhtp(connp, corpus->data, corpus->len, piece);
    t1 = now();
    a1 = bench_alloc_stats();
    htp_check(connp, rc, c);
    htp_connp_destroy_all(connp);
    break;
  }
#endif
  default:
    return;
  }
  out->seconds = t1 - t0;
  out->allocs = a1.allocs - a0.allocs;
  out->alloc_bytes = a1.bytes - a0.bytes;
}

/* ------------------------------------------------------------------------ */
/* Setup and the table. */

static int load_corpus(const char *path, corpus_t *corpus) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "bench_parse: %s: %s\n", path, strerror(errno));
    return -1;
  }
  size_t cap = 1u << 20, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (buf == NULL) {
      fputs("bench_parse: out of memory\n", stderr);
      fclose(f);
      return -1;
    }
    len += fread(buf + len, 1, cap - len, f);
    if (len < cap)
      break;
    cap *= 2;
    char *nb = realloc(buf, cap);
    if (nb == NULL)
      free(buf);
    buf = nb;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad || len == 0) {
    fprintf(stderr, "bench_parse: %s: %s\n", path,
            bad ? "read error" : "empty");
    free(buf);
    return -1;
  }
  corpus->data = buf;
  corpus->len = len;
  return 0;
}

/* libhtp needs the requests: one per final response, counted by a bare
 * llhttp pass over the corpus. */
static int make_requests(corpus_t *corpus, uint64_t finals) {
  static const char get[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  static const char head[] = "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n";
  const char *req = corpus->head ? head : get;
  size_t n = corpus->head ? sizeof(head) - 1 : sizeof(get) - 1;
  corpus->requests_len = n * (size_t)finals;
  corpus->requests = malloc(corpus->requests_len ? corpus->requests_len : 1);
  if (corpus->requests == NULL)
    return -1;
  for (uint64_t i = 0; i < finals; i++)
    memcpy(corpus->requests + i * n, req, n);
  return 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, size_t n) {
  qsort(v, n, sizeof(*v), cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int parse_int(const char *s, int lo, int hi, int *out) {
  long v = 0;
  if (*s == '\0')
    return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9')
      return -1;
    v = v * 10 + (*s - '0');
    if (v > hi)
      return -1;
  }
  if (v < lo)
    return -1;
  *out = (int)v;
  return 0;
}

static const engine_t *find_engine(const char *name, size_t len) {
  for (size_t i = 0; i < ENGINE_COUNT; i++)
    if (strlen(engines[i].name) == len &&
        memcmp(engines[i].name, name, len) == 0)
      return &engines[i];
  return NULL;
}

static void usage(void) {
  fputs("usage: bench_parse [--head] [--passes=N] [--engines=NAME,...] "
        "[--rule=ID=LEVEL...] CORPUS\n"
        "       bench_parse [--head] [--rule=ID=LEVEL...] --once=NAME CORPUS\n"
        "       bench_parse --list\n",
        stderr);
}

/* --rule=ID=LEVEL: respcheck's severity of one rule, as the command's
 * option; the table says which were changed (not the default options). */
#define BENCH_MAX_RULES 64
static struct {
  int rule;
  int severity;
} bench_rules[BENCH_MAX_RULES];
static size_t bench_nrules;

static int parse_rule(const char *s) {
  const char *eq = strrchr(s, '=');
  int rule, sev;
  if (eq == NULL || bench_nrules == BENCH_MAX_RULES)
    return -1;
  rule = respcheck_rule_from_id(s, (size_t)(eq - s));
  sev = respcheck_severity_from_name(eq + 1);
  if (rule < 0 || sev < 0)
    return -1;
  bench_rules[bench_nrules].rule = rule;
  bench_rules[bench_nrules].severity = sev;
  bench_nrules++;
  return 0;
}

/* Compares a pass with the reference (the first bare llhttp pass). */
static int verify(const engine_t *e, const pass_result_t *r,
                  const counts_t *ref) {
  if (r->counts.error[0]) {
    fprintf(stderr, "bench_parse: %s: %s\n", e->name, r->counts.error);
    return -1;
  }
  if (r->counts.responses != ref->responses ||
      r->counts.finals != ref->finals) {
    fprintf(stderr,
            "bench_parse: %s: %llu responses (%llu final), bare llhttp %llu "
            "(%llu final)\n",
            e->name, (unsigned long long)r->counts.responses,
            (unsigned long long)r->counts.finals,
            (unsigned long long)ref->responses,
            (unsigned long long)ref->finals);
    return -1;
  }
  return 0;
}

/* --once: one pass of the selected engine. */
static int run_once(const corpus_t *corpus, const int *selected,
                    const counts_t *ref) {
  for (size_t k = 0; k < ENGINE_COUNT; k++) {
    if (!selected[k])
      continue;
    pass_result_t r;
    run_pass(&engines[k], corpus, &r);
    if (verify(&engines[k], &r, ref) != 0)
      return 1;
    printf("%s: %zu bytes, %llu responses, %.3f ms, %llu allocations\n",
           engines[k].name, corpus->len, (unsigned long long)r.counts.responses,
           r.seconds * 1e3, (unsigned long long)r.allocs);
  }
  return 0;
}

/* The table: a warm-up round, then the timed rounds, engines in turn. */
static int run_table(const char *path, const corpus_t *corpus, int *selected,
                     int passes, const counts_t *ref) {
  static double secs[ENGINE_COUNT][BENCH_MAX_PASSES];
  static pass_result_t last[ENGINE_COUNT];
  uint64_t max_allocs[ENGINE_COUNT] = {0}, max_alloc_bytes[ENGINE_COUNT] = {0};
  int failed = 0;
  for (int round = -1; round < passes; round++) {
    for (size_t k = 0; k < ENGINE_COUNT; k++) {
      if (!selected[k])
        continue;
      pass_result_t *r = &last[k];
      run_pass(&engines[k], corpus, r);
      if (verify(&engines[k], r, ref) != 0) {
        failed = 1;
        selected[k] = 0; /* no figures for an engine that did not read it all */
        continue;
      }
      if (r->allocs > max_allocs[k]) {
        max_allocs[k] = r->allocs;
        max_alloc_bytes[k] = r->alloc_bytes;
      }
      if (round >= 0)
        secs[k][round] = r->seconds;
    }
  }

  uint64_t responses = ref->responses;
  printf("corpus     %s: %.1f MB, %llu responses (%llu final, %llu 1xx), %.0f "
         "bytes/response, "
         "answers to %s\n",
         path, (double)corpus->len / 1e6, (unsigned long long)responses,
         (unsigned long long)ref->finals,
         (unsigned long long)(responses - ref->finals),
         (double)corpus->len / (double)responses,
         corpus->head ? "HEAD" : "GET");
  printf("build      %s; llhttp %d.%d.%d strict=%d, SSE4.2 path %s; libhtp %s; "
         "cc %s\n",
         respcheck_version(), LLHTTP_VERSION_MAJOR, LLHTTP_VERSION_MINOR,
         LLHTTP_VERSION_PATCH, LLHTTP_STRICT_MODE,
#ifdef __SSE4_2__
         "on",
#else
         "off",
#endif
#ifdef BENCH_HAVE_LIBHTP
         htp_get_version(),
#else
         "not built",
#endif
         __VERSION__);
  if (bench_nrules > 0) {
    printf("options    NOT THE DEFAULTS: respcheck with");
    for (size_t k = 0; k < bench_nrules; k++)
      printf(" %s=%s", respcheck_rule_id((respcheck_rule_t)bench_rules[k].rule),
             respcheck_severity_name(
                 (respcheck_severity_t)bench_rules[k].severity));
    printf("\n");
  }
  printf("method     median of %d passes after 1 warm-up; MB = 10^6 bytes; "
         "pieces of %u bytes\n\n",
         passes, BENCH_PIECE);
  printf("%-16s %9s %9s %10s %8s %12s\n", "engine", "MB/s", "ns/resp",
         "responses", "spread", "allocs/resp");

  double mbps[ENGINE_COUNT] = {0};
  for (size_t k = 0; k < ENGINE_COUNT; k++) {
    if (!selected[k])
      continue;
    double v[BENCH_MAX_PASSES];
    memcpy(v, secs[k], sizeof(double) * (size_t)passes);
    double med = median(v, (size_t)passes);
    double spread = (v[passes - 1] - v[0]) / med * 100.0;
    mbps[k] = (double)corpus->len / med / 1e6;
    char allocs[32];
    if (bench_alloc_counting())
      snprintf(allocs, sizeof(allocs), "%.3f",
               (double)max_allocs[k] / (double)responses);
    else
      snprintf(allocs, sizeof(allocs), "n/a");
    printf("%-16s %9.1f %9.1f %10llu %7.1f%% %12s\n", engines[k].name, mbps[k],
           med * 1e9 / (double)responses,
           (unsigned long long)last[k].counts.responses, spread, allocs);
  }

  printf("\n");
  static const struct {
    size_t num, den;
    const char *label;
    double target;
  } ratios[] = {
      {2, 0, "respcheck/llhttp  whole", 0.85},
      {3, 1, "respcheck/llhttp  1460 ", 0.85},
      {2, 4, "respcheck/libhtp  whole", 6.0},
      {3, 5, "respcheck/libhtp  1460 ", 6.0},
  };
  for (size_t i = 0; i < sizeof(ratios) / sizeof(ratios[0]); i++) {
    size_t a = ratios[i].num, b = ratios[i].den;
    if (mbps[a] == 0 || mbps[b] == 0)
      continue;
    double q = mbps[a] / mbps[b];
    /* The same ratio within each round, where both ran seconds apart. */
    double per[BENCH_MAX_PASSES];
    for (int r = 0; r < passes; r++)
      per[r] = secs[b][r] / secs[a][r];
    double pm = median(per, (size_t)passes);
    printf("ratio      %s %6.2f  (per round: median %.2f, %.2f-%.2f)  target "
           ">= %.2f: %s\n",
           ratios[i].label, q, pm, per[0], per[passes - 1], ratios[i].target,
           q >= ratios[i].target ? "met" : "BELOW");
  }

  printf("\nmemory     respcheck_parser_size(NULL) = %zu bytes per parser "
         "(sizeof(llhttp_t) = "
         "%zu)\n",
         respcheck_parser_size(NULL), sizeof(llhttp_t));
  if (bench_alloc_counting()) {
    printf("allocs     respcheck setup: %llu allocation(s), %llu bytes; while "
           "parsing: ",
           (unsigned long long)rc_setup_allocs.allocs,
           (unsigned long long)rc_setup_allocs.bytes);
    const char *sep = "";
    for (size_t k = 2; k <= 3; k++)
      if (selected[k]) {
        printf("%s%s %llu (%.3f per response)", sep, engines[k].name,
               (unsigned long long)max_allocs[k],
               (double)max_allocs[k] / (double)responses);
        sep = ", ";
      }
    printf("\n");
    for (size_t k = 4; k <= 5; k++)
      if (selected[k])
        printf("allocs     %s while parsing: %.1f per response, %.0f bytes per "
               "response\n",
               engines[k].name, (double)max_allocs[k] / (double)responses,
               (double)max_alloc_bytes[k] / (double)responses);
  } else {
    printf("allocs     not counted in this build (no glibc, or a sanitizer)\n");
  }
  for (size_t k = 2; k <= 3; k++) {
    if (!selected[k])
      continue;
    const counts_t *c = &last[k].counts;
    printf("findings   %s: %llu error, %llu warning, %llu info%s%s\n",
           engines[k].name,
           (unsigned long long)c->findings[RESPCHECK_SEVERITY_ERROR],
           (unsigned long long)c->findings[RESPCHECK_SEVERITY_WARNING],
           (unsigned long long)c->findings[RESPCHECK_SEVERITY_INFO],
           c->findings[RESPCHECK_SEVERITY_INFO] ? "; first info: " : "",
           c->findings[RESPCHECK_SEVERITY_INFO]
               ? c->first_finding[RESPCHECK_SEVERITY_INFO]
               : "");
  }
  if (failed)
    printf("\nFAILED: at least one engine did not read the corpus as expected "
           "(see stderr)\n");
  return failed;
}

int main(int argc, char **argv) {
  corpus_t corpus;
  memset(&corpus, 0, sizeof(corpus));
  int passes = BENCH_DEFAULT_PASSES;
  const char *path = NULL, *once = NULL, *only = NULL;
  int status = 1;

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--head") == 0) {
      corpus.head = 1;
    } else if (strncmp(a, "--passes=", 9) == 0) {
      if (parse_int(a + 9, 1, BENCH_MAX_PASSES, &passes) != 0) {
        usage();
        return 2;
      }
    } else if (strncmp(a, "--once=", 7) == 0) {
      once = a + 7;
    } else if (strncmp(a, "--engines=", 10) == 0) {
      only = a + 10;
    } else if (strncmp(a, "--rule=", 7) == 0) {
      if (parse_rule(a + 7) != 0) {
        fprintf(stderr,
                "bench_parse: bad --rule=%s (ID=off|info|warning|"
                "error, ID from respcheck --list-rules)\n",
                a + 7);
        return 2;
      }
    } else if (strcmp(a, "--list") == 0) {
      for (size_t k = 0; k < ENGINE_COUNT; k++)
        puts(engines[k].name);
      return 0;
    } else if (a[0] == '-' || path != NULL) {
      usage();
      return 2;
    } else {
      path = a;
    }
  }
  if (path == NULL) {
    usage();
    return 2;
  }

  /* Which engines run. */
  int selected[ENGINE_COUNT] = {0};
  if (once != NULL || only != NULL) {
    const char *s = once != NULL ? once : only;
    while (*s) {
      const char *comma = strchr(s, ',');
      size_t n = comma ? (size_t)(comma - s) : strlen(s);
      const engine_t *e = find_engine(s, n);
      if (e == NULL || (once != NULL && comma != NULL)) {
        fprintf(stderr, "bench_parse: unknown engine '%.*s' (see --list)\n",
                (int)n, s);
        return 2;
      }
      selected[e - engines] = 1;
      s += n + (comma != NULL);
    }
  } else {
    for (size_t k = 0; k < ENGINE_COUNT; k++)
      selected[k] = 1;
  }

  if (load_corpus(path, &corpus) != 0)
    goto out;

  /* Setup, all outside the timed and counted regions. */
  llhttp_settings_init(&ll_settings);
  ll_settings.on_status = ll_on_status;
  ll_settings.on_header_field = ll_on_header_field;
  ll_settings.on_header_value = ll_on_header_value;
  ll_settings.on_headers_complete = ll_on_headers_complete;
  ll_settings.on_body = ll_on_body;
  ll_settings.on_message_complete = ll_on_message_complete;
  ll_head = corpus.head;

  respcheck_options_t opts;
  respcheck_options_init(&opts);
  if (corpus.head)
    opts.default_request.method = RESPCHECK_METHOD_HEAD;
  for (size_t k = 0; k < bench_nrules; k++)
    respcheck_options_set_severity(
        &opts, (respcheck_rule_t)bench_rules[k].rule,
        (respcheck_severity_t)bench_rules[k].severity);
  respcheck_callbacks_t cbs;
  memset(&cbs, 0, sizeof(cbs));
  cbs.on_finding = rc_on_finding;
  cbs.on_head = rc_on_head;
  cbs.on_message_end = rc_on_message_end;
  bench_alloc_stats_t s0 = bench_alloc_stats();
  rc_parser = respcheck_parser_new(&opts, &cbs, &rc_counts);
  bench_alloc_stats_t s1 = bench_alloc_stats();
  rc_setup_allocs.allocs = s1.allocs - s0.allocs;
  rc_setup_allocs.bytes = s1.bytes - s0.bytes;
  if (rc_parser == NULL) {
    fputs("bench_parse: respcheck_parser_new failed\n", stderr);
    goto out;
  }
#ifdef BENCH_HAVE_LIBHTP
  if (htp_global_setup() != 0) {
    fputs("bench_parse: htp_config_create failed\n", stderr);
    goto out;
  }
#else
  for (size_t k = 0; k < ENGINE_COUNT; k++)
    if (engines[k].kind == KIND_LIBHTP && selected[k]) {
      fprintf(stderr,
              "bench_parse: %s: built without libhtp (install libhtp-dev)\n",
              engines[k].name);
      selected[k] = 0;
      if (once != NULL) {
        status = 2;
        goto out;
      }
    }
#endif

  /* The reference counts, and the requests libhtp needs. */
  pass_result_t ref;
  reference_counts(&corpus, &ref.counts);
  if (ref.counts.error[0]) {
    fprintf(stderr, "bench_parse: reference pass: %s%s\n", ref.counts.error,
            corpus.head ? "" : " (a corpus of answers to HEAD needs --head)");
    goto out;
  }
  if (make_requests(&corpus, ref.counts.finals) != 0) {
    fputs("bench_parse: out of memory\n", stderr);
    goto out;
  }

  status = once != NULL
               ? run_once(&corpus, selected, &ref.counts)
               : run_table(path, &corpus, selected, passes, &ref.counts);

out:
  respcheck_parser_free(rc_parser);
#ifdef BENCH_HAVE_LIBHTP
  if (htp_cfg != NULL)
    htp_config_destroy(htp_cfg);
#endif
  free(corpus.requests);
  free(corpus.data);
  return status;
}
