/* SPDX-License-Identifier: MIT */
/*
 * Collects a capture run's records for the tests (records.h), and checks
 * what the event stream and the pairing layer promise: DATA and GAP events
 * of a direction tile its stream from 0 without holes or overlaps; every
 * flow opens before its events and closes once; every finding's record
 * comes; records of a flow come in index order from 0.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

typedef struct tr_pending {
  uint64_t flow, index;
  char text[96];
  char msg[320];
} tr_pending_t;

typedef struct tr_flowstate {
  uint64_t next[2]; /* next offset per direction */
  int ended[2];
  uint64_t next_index;
  tr_record_t cur; /* the record being built */
  int have_cur;
} tr_flowstate_t;

typedef struct tr_ctx {
  tr_run_t *run;
  respcheck_capture_http_t *http;
} tr_ctx_t;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
problem(tr_run_t *run, const char *fmt, ...);
static void problem(tr_run_t *run, const char *fmt, ...) {
  va_list ap;
  if (run->problem[0] != '\0')
    return;
  va_start(ap, fmt);
  vsnprintf(run->problem, sizeof run->problem, fmt, ap);
  va_end(ap);
}

static tr_stream_t *stream_of(tr_run_t *run, uint64_t flow) {
  size_t i;
  tr_stream_t *ns;
  for (i = 0; i < run->nstreams; i++)
    if (run->streams[i].flow == flow)
      return &run->streams[i];
  ns = realloc(run->streams, (run->nstreams + 1) * sizeof *ns);
  if (ns == NULL)
    abort();
  run->streams = ns;
  memset(&ns[run->nstreams], 0, sizeof *ns);
  ns[run->nstreams].flow = flow;
  return &ns[run->nstreams++];
}

static void stream_add(tr_stream_t *s, const unsigned char *d, size_t n) {
  if (s->len + n > s->cap) {
    size_t ncap = s->cap ? s->cap : 4096;
    while (ncap < s->len + n)
      ncap *= 2;
    s->bytes = realloc(s->bytes, ncap);
    if (s->bytes == NULL)
      abort();
    s->cap = ncap;
  }
  if (d)
    memcpy(s->bytes + s->len, d, n);
  else
    memset(s->bytes + s->len, 0, n);
  s->len += n;
}

/* Flow states live beside the pairing layer's, in a side table by id. */
typedef struct tr_table {
  tr_flowstate_t **v;
  size_t n;
} tr_table_t;

static tr_table_t table;

static tr_flowstate_t *fstate(uint64_t id) {
  if (id >= table.n) {
    size_t n = table.n ? table.n : 16;
    tr_flowstate_t **nv;
    while (n <= id)
      n *= 2;
    nv = realloc(table.v, n * sizeof *nv);
    if (nv == NULL)
      abort();
    memset(nv + table.n, 0, (n - table.n) * sizeof *nv);
    table.v = nv;
    table.n = n;
  }
  if (table.v[id] == NULL) {
    table.v[id] = calloc(1, sizeof **table.v);
    if (table.v[id] == NULL)
      abort();
  }
  return table.v[id];
}

static void on_event(void *user, const respcheck_capture_event_t *ev) {
  tr_ctx_t *c = user;
  tr_run_t *run = c->run;
  tr_flowstate_t *fs = fstate(ev->flow->id);
  int d = ev->dir == RESPCHECK_CAPTURE_TO_CLIENT;
  switch (ev->type) {
  case RESPCHECK_CAPTURE_DATA:
  case RESPCHECK_CAPTURE_GAP:
    if (ev->offset != fs->next[d])
      problem(run, "flow %llu dir %d: event at %llu, expected %llu",
              (unsigned long long)ev->flow->id, d,
              (unsigned long long)ev->offset, (unsigned long long)fs->next[d]);
    if (fs->ended[d])
      problem(run, "flow %llu dir %d: bytes after END",
              (unsigned long long)ev->flow->id, d);
    if (ev->length == 0)
      problem(run, "flow %llu: empty event", (unsigned long long)ev->flow->id);
    fs->next[d] = ev->offset + ev->length;
    if (run->keep_streams && d == 1)
      stream_add(stream_of(run, ev->flow->id),
                 ev->type == RESPCHECK_CAPTURE_DATA ? ev->data : NULL,
                 (size_t)ev->length);
    break;
  case RESPCHECK_CAPTURE_END:
    if (fs->ended[d])
      problem(run, "flow %llu dir %d: END twice",
              (unsigned long long)ev->flow->id, d);
    fs->ended[d] = 1;
    break;
  case RESPCHECK_CAPTURE_CLOSE:
    if (!fs->ended[0] || !fs->ended[1])
      problem(run, "flow %llu: CLOSE before both ENDs",
              (unsigned long long)ev->flow->id);
    break;
  default:
    break;
  }
  respcheck_capture_http_event(c->http, ev);
}

static void pend(tr_run_t *run, uint64_t flow, uint64_t index, const char *text,
                 const char *msg) {
  tr_pending_t *p;
  if (run->npend == run->cappend) {
    size_t n = run->cappend ? run->cappend * 2 : 64;
    tr_pending_t *np = realloc(run->pend, n * sizeof *np);
    if (np == NULL)
      abort();
    run->pend = np;
    run->cappend = n;
  }
  p = &run->pend[run->npend++];
  p->flow = flow;
  p->index = index;
  snprintf(p->text, sizeof p->text, "%s", text);
  snprintf(p->msg, sizeof p->msg, "%s", msg);
}

static void fill_flow(tr_record_t *r, const respcheck_capture_context_t *ctx) {
  r->flow = ctx->flow->id;
  respcheck_capture_endpoint(ctx->flow, 0, r->client, sizeof r->client);
  respcheck_capture_endpoint(ctx->flow, 1, r->server, sizeof r->server);
}

static void on_finding(void *user, const respcheck_capture_context_t *ctx,
                       const respcheck_finding_t *f) {
  tr_ctx_t *c = user;
  char t[96];
  tr_flowstate_t *fs = fstate(ctx->flow->id);
  if (f->response_index < fs->next_index)
    problem(c->run, "flow %llu: finding %s for record %llu, already ended",
            (unsigned long long)ctx->flow->id, f->id,
            (unsigned long long)f->response_index);
  snprintf(t, sizeof t, "%s@%llu", f->id, (unsigned long long)f->offset);
  pend(c->run, ctx->flow->id, f->response_index, t, f->message);
}

static void on_head(void *user, const respcheck_capture_context_t *ctx,
                    const respcheck_response_t *r) {
  tr_ctx_t *c = user;
  tr_flowstate_t *fs = fstate(ctx->flow->id);
  memset(&fs->cur, 0, sizeof fs->cur);
  fs->have_cur = 1;
  fs->cur.index = r->index;
  fs->cur.status = r->status;
  fs->cur.version_major = r->version_major;
  fs->cur.version_minor = r->version_minor;
  (void)c;
}

static void on_end(void *user, const respcheck_capture_context_t *ctx,
                   const respcheck_message_end_t *e) {
  tr_ctx_t *c = user;
  tr_run_t *run = c->run;
  tr_flowstate_t *fs = fstate(ctx->flow->id);
  tr_record_t r;
  size_t i, keep = 0;
  if (fs->have_cur && fs->cur.index == e->index &&
      (e->flags & RESPCHECK_END_HEAD))
    r = fs->cur;
  else {
    memset(&r, 0, sizeof r);
    r.status = -1;
  }
  fs->have_cur = 0;
  fill_flow(&r, ctx);
  r.index = e->index;
  r.offset = e->offset;
  r.end_offset = e->end_offset;
  r.frame = ctx->frame;
  r.flags = e->flags;
  r.reject = e->verdict == RESPCHECK_REJECT;
  if (ctx->request) {
    r.has_request = 1;
    snprintf(r.method, sizeof r.method, "%s", ctx->request->method_name);
    snprintf(r.target, sizeof r.target, "%s", ctx->request->target);
    r.req_major = ctx->request->version_major;
    r.req_minor = ctx->request->version_minor;
  }
  if (e->index != fs->next_index)
    problem(run, "flow %llu: record %llu ended, expected %llu",
            (unsigned long long)r.flow, (unsigned long long)e->index,
            (unsigned long long)fs->next_index);
  fs->next_index = e->index + 1;
  for (i = 0; i < run->npend; i++) {
    tr_pending_t *p = &run->pend[i];
    if (p->flow == r.flow && p->index == e->index) {
      size_t l = strlen(r.findings);
      snprintf(r.findings + l, sizeof r.findings - l, "%s%s", l ? " " : "",
               p->text);
      l = strlen(r.messages);
      snprintf(r.messages + l, sizeof r.messages - l, "%s\n", p->msg);
      r.nfindings++;
    } else {
      run->pend[keep++] = *p;
    }
  }
  run->npend = keep;
  if (run->n == run->cap) {
    size_t n = run->cap ? run->cap * 2 : 32;
    tr_record_t *nr = realloc(run->recs, n * sizeof *nr);
    if (nr == NULL)
      abort();
    run->recs = nr;
    run->cap = n;
  }
  run->recs[run->n++] = r;
}

static void on_close(void *user, const respcheck_capture_flow_t *flow,
                     void *flow_user) {
  tr_ctx_t *c = user;
  size_t i;
  (void)flow_user;
  for (i = 0; i < c->run->npend; i++)
    if (c->run->pend[i].flow == flow->id)
      problem(c->run,
              "flow %llu closed with finding %s of record %llu "
              "never ended",
              (unsigned long long)flow->id, c->run->pend[i].text,
              (unsigned long long)c->run->pend[i].index);
}

typedef struct tr_source {
  const char *path;
  const void *data;
  size_t len;
  void (*feed)(respcheck_capture_t *cap, void *arg);
  void *arg;
} tr_source_t;

static int run_any(tr_run_t *run, const tr_source_t *src,
                   const respcheck_options_t *o,
                   const respcheck_capture_options_t *co) {
  respcheck_capture_callbacks_t cb;
  tr_ctx_t c;
  respcheck_capture_t *cap;
  size_t i;
  int keep = run->keep_streams;
  memset(run, 0, sizeof *run);
  run->keep_streams = keep;
  memset(&cb, 0, sizeof cb);
  cb.on_finding = on_finding;
  cb.on_head = on_head;
  cb.on_message_end = on_end;
  cb.on_flow_close = on_close;
  c.run = run;
  c.http = respcheck_capture_http_new(o, co, &cb, &c);
  cap = c.http ? respcheck_capture_new(co, on_event, &c) : NULL;
  if (cap == NULL) {
    respcheck_capture_http_free(c.http);
    snprintf(run->err, sizeof run->err, "cannot set up");
    return run->rc = -2;
  }
  if (src->feed) {
    src->feed(cap, src->arg);
    respcheck_capture_end(cap);
    run->rc = 0;
  } else if (src->path) {
    run->rc =
        respcheck_capture_read_file(cap, src->path, run->err, &run->err_offset);
  } else {
    run->rc = respcheck_capture_read_memory(cap, src->data, src->len, run->err,
                                            &run->err_offset);
  }
  respcheck_capture_get_stats(cap, &run->stats);
  respcheck_capture_free(cap);
  respcheck_capture_http_free(c.http);
  if (run->npend > 0)
    problem(run, "%zu findings without a record", run->npend);
  for (i = 0; i < table.n; i++)
    free(table.v[i]);
  free(table.v);
  table.v = NULL;
  table.n = 0;
  return run->rc;
}

int tr_run_file(tr_run_t *run, const char *path, const respcheck_options_t *o,
                const respcheck_capture_options_t *co) {
  tr_source_t src = {path, NULL, 0, NULL, NULL};
  return run_any(run, &src, o, co);
}

int tr_run_memory(tr_run_t *run, const void *data, size_t len,
                  const respcheck_options_t *o,
                  const respcheck_capture_options_t *co) {
  tr_source_t src = {NULL, data, len, NULL, NULL};
  return run_any(run, &src, o, co);
}

int tr_run_packets(tr_run_t *run,
                   void (*feed)(respcheck_capture_t *cap, void *arg), void *arg,
                   const respcheck_options_t *o,
                   const respcheck_capture_options_t *co) {
  tr_source_t src = {NULL, NULL, 0, feed, arg};
  return run_any(run, &src, o, co);
}

void tr_free(tr_run_t *run) {
  size_t i;
  free(run->recs);
  free(run->pend);
  for (i = 0; i < run->nstreams; i++)
    free(run->streams[i].bytes);
  free(run->streams);
  memset(run, 0, sizeof *run);
}

const tr_record_t *tr_get(const tr_run_t *run, uint64_t flow, uint64_t index) {
  size_t i;
  for (i = 0; i < run->n; i++)
    if (run->recs[i].flow == flow && run->recs[i].index == index)
      return &run->recs[i];
  return NULL;
}

size_t tr_count(const tr_run_t *run, uint64_t flow) {
  size_t i, n = 0;
  for (i = 0; i < run->n; i++)
    n += run->recs[i].flow == flow;
  return n;
}

int tr_has(const tr_record_t *r, const char *id) {
  size_t n = strlen(id);
  const char *s = r ? r->findings : "";
  while ((s = strstr(s, id)) != NULL) {
    if ((s == r->findings || s[-1] == ' ') && s[n] == '@')
      return 1;
    s += n;
  }
  return 0;
}

char *tr_dump(const tr_run_t *run) {
  size_t i, cap = 256 + run->n * 1600, len = 0;
  char *out = malloc(cap);
  if (out == NULL)
    return NULL;
  out[0] = '\0';
  for (i = 0; i < run->n; i++) {
    const tr_record_t *r = &run->recs[i];
    char status[16], req[300];
    if (r->status < 0)
      snprintf(status, sizeof status, "-");
    else
      snprintf(status, sizeof status, "%d", r->status);
    if (r->has_request)
      snprintf(req, sizeof req, "%s %s %u.%u", r->method, r->target,
               r->req_major, r->req_minor);
    else
      snprintf(req, sizeof req, "null");
    len += (size_t)snprintf(
        out + len, cap - len,
        "flow %llu %s -> %s #%llu @%llu-%llu frame %llu status %s request "
        "[%s]%s%s findings [%s]\n",
        (unsigned long long)r->flow, r->client, r->server,
        (unsigned long long)r->index, (unsigned long long)r->offset,
        (unsigned long long)r->end_offset, (unsigned long long)r->frame, status,
        req, (r->flags & RESPCHECK_END_COMPLETE) ? " complete" : "",
        r->reject ? " reject" : "", r->findings);
  }
  if (run->rc != 0)
    snprintf(out + len, cap - len, "error at %llu: %s\n",
             (unsigned long long)run->err_offset, run->err);
  return out;
}
