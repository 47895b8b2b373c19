/* SPDX-License-Identifier: MIT */
/*
 * The respcheck command's reader of captures: pcap and pcapng files (told
 * by their magic number), read through capture/ (libpcap, TCP reassembly,
 * each response paired with its request), one JSON record per response
 * with "source": {"kind": "pcap", "flow", "client", "server", "frame"} and
 * the request the capture shows, or null.
 *
 * Connections interleave in a capture while the output writer takes one
 * response at a time; so each connection's response in progress (its
 * findings, and its head, copied) is kept here, and handed to the writer
 * whole when it ends. A kept head is bounded by the library's limits, the
 * findings by RC_OUT_MAX_PENDING.
 *
 * libpcap reads a FILE: the input (whose first bytes inputs.c already
 * read) is given to it as a stream of our own (fopencookie), which also
 * knows how far the file has been read, for progress and for the offset a
 * truncated file names.
 */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "cli.h"

typedef struct kept_finding {
  respcheck_finding_t f;
  size_t msg_off, msg_len;
} kept_finding_t;

/* A connection's response in progress. Spans are kept as offsets into
 * bytes (which may move as it grows). */
typedef struct flow_out {
  char client[RESPCHECK_CAPTURE_ENDPOINT_MAX];
  char server[RESPCHECK_CAPTURE_ENDPOINT_MAX];
  int have_head;
  respcheck_response_t head;
  size_t reason_off;
  respcheck_header_t *hdrs;
  size_t *hdr_off; /* name and value offsets, two per field */
  size_t hdr_cap;
  kept_finding_t *finds;
  size_t nfinds, finds_cap;
  rc_buf_t bytes;
  int oom;
} flow_out_t;

typedef struct cap_run {
  rc_cli_t *app;
  rc_input_t *in;
  uint64_t done; /* bytes of the file read so far */
  unsigned reads;
} cap_run_t;

/* ------------------------------------------------------------------------ */
/* The file as a stream. */

static ssize_t cookie_read(void *c, char *buf, size_t n) {
  cap_run_t *run = c;
  ssize_t r = rc_input_read(run->in, buf, n);
  if (r > 0) {
    run->done += (uint64_t)r;
    if ((++run->reads & 15) == 0)
      rc_progress_update(run->app, run->done);
  }
  return r;
}

/* Only where the stream stands is asked (ftell): the bytes read so far. */
static int cookie_seek(void *c, off64_t *pos, int whence) {
  cap_run_t *run = c;
  if (whence != SEEK_CUR || *pos != 0)
    return -1;
  *pos = (off64_t)run->done;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Keeping a response. */

static size_t keep_bytes(flow_out_t *fo, const char *p, size_t n) {
  size_t off = fo->bytes.len;
  rc_buf_put(&fo->bytes, p, n);
  return off;
}

static void *on_flow_open(void *user, const respcheck_capture_flow_t *flow) {
  flow_out_t *fo = calloc(1, sizeof *fo);
  (void)user;
  if (fo != NULL) {
    fo->bytes.oom = &fo->oom;
    respcheck_capture_endpoint(flow, 0, fo->client, sizeof fo->client);
    respcheck_capture_endpoint(flow, 1, fo->server, sizeof fo->server);
  }
  return fo;
}

static void on_flow_close(void *user, const respcheck_capture_flow_t *flow,
                          void *flow_user) {
  flow_out_t *fo = flow_user;
  (void)user;
  (void)flow;
  if (fo == NULL)
    return;
  rc_buf_free(&fo->bytes);
  free(fo->hdrs);
  free(fo->hdr_off);
  free(fo->finds);
  free(fo);
}

static void on_finding(void *user, const respcheck_capture_context_t *ctx,
                       const respcheck_finding_t *f) {
  flow_out_t *fo = ctx->flow_user;
  kept_finding_t *k;
  (void)user;
  if (fo == NULL || fo->nfinds >= RC_OUT_MAX_PENDING)
    return;
  if (fo->nfinds == fo->finds_cap) {
    size_t cap = fo->finds_cap ? fo->finds_cap * 2 : 8;
    kept_finding_t *nk = realloc(fo->finds, cap * sizeof *nk);
    if (nk == NULL)
      return;
    fo->finds = nk;
    fo->finds_cap = cap;
  }
  k = &fo->finds[fo->nfinds++];
  k->f = *f;
  k->msg_len = f->message ? strlen(f->message) : 0;
  if (k->msg_len > RC_OUT_MAX_MESSAGE)
    k->msg_len = RC_OUT_MAX_MESSAGE;
  k->msg_off = keep_bytes(fo, f->message ? f->message : "", k->msg_len);
}

static void on_head(void *user, const respcheck_capture_context_t *ctx,
                    const respcheck_response_t *r) {
  flow_out_t *fo = ctx->flow_user;
  size_t i;
  (void)user;
  if (fo == NULL)
    return;
  if (r->header_count > fo->hdr_cap) {
    respcheck_header_t *nh = realloc(fo->hdrs, r->header_count * sizeof *nh);
    size_t *no;
    if (nh == NULL)
      return;
    fo->hdrs = nh;
    no = realloc(fo->hdr_off, r->header_count * 2 * sizeof *no);
    if (no == NULL)
      return;
    fo->hdr_off = no;
    fo->hdr_cap = r->header_count;
  }
  fo->head = *r;
  fo->reason_off = keep_bytes(fo, r->reason.ptr, r->reason.len);
  for (i = 0; i < r->header_count; i++) {
    fo->hdrs[i] = r->headers[i];
    fo->hdr_off[2 * i] =
        keep_bytes(fo, r->headers[i].name.ptr, r->headers[i].name.len);
    fo->hdr_off[2 * i + 1] =
        keep_bytes(fo, r->headers[i].value.ptr, r->headers[i].value.len);
  }
  fo->have_head = 1;
}

static const char *at(const flow_out_t *fo, size_t off) {
  return fo->bytes.p != NULL ? fo->bytes.p + off : "";
}

/* The response is over: its findings, head and end go to the writer, with
 * its flow's source and label and its request. */
static void on_message_end(void *user, const respcheck_capture_context_t *ctx,
                           const respcheck_message_end_t *e) {
  rc_cli_t *app = user;
  flow_out_t *fo = ctx->flow_user;
  const respcheck_capture_flow_t *flow = ctx->flow;
  char label[3 * RESPCHECK_CAPTURE_ENDPOINT_MAX];
  rc_source_t src;
  rc_request_info_t req;
  size_t i;

  if (fo == NULL)
    return;
  if (app->stdout_tty)
    rc_progress_clear(app);
  if (ctx->frame != 0)
    snprintf(label, sizeof label, "flow %" PRIu64 " (%s -> %s) frame %" PRIu64,
             flow->id, fo->client, fo->server, ctx->frame);
  else
    snprintf(label, sizeof label, "flow %" PRIu64 " (%s -> %s)", flow->id,
             fo->client, fo->server);
  memset(&src, 0, sizeof src);
  src.kind = "pcap";
  rc_source_number(&src, "flow", flow->id);
  rc_source_string(&src, "client", fo->client, strlen(fo->client));
  rc_source_string(&src, "server", fo->server, strlen(fo->server));
  if (ctx->frame != 0)
    rc_source_number(&src, "frame", ctx->frame);
  else
    src.fields[src.nfields++].key = "frame"; /* null: no packet known */
  rc_out_set_source(app->out, &src, label);
  if (ctx->request != NULL) {
    memset(&req, 0, sizeof req);
    req.method = ctx->request->method_name;
    req.target = ctx->request->target;
    req.target_len = ctx->request->target_length;
    req.target_cut = ctx->request->target_cut;
    req.version_major = ctx->request->version_major;
    req.version_minor = ctx->request->version_minor;
    rc_out_set_request(app->out, &req);
  } else {
    rc_out_set_request(app->out, NULL);
  }

  for (i = 0; i < fo->nfinds; i++) {
    respcheck_finding_t f = fo->finds[i].f;
    char msg[RC_OUT_MAX_MESSAGE + 1];
    memcpy(msg, at(fo, fo->finds[i].msg_off), fo->finds[i].msg_len);
    msg[fo->finds[i].msg_len] = '\0';
    f.message = msg;
    /* Findings about the capture never reject a response on their own. */
    if (f.severity == RESPCHECK_SEVERITY_ERROR &&
        !respcheck_capture_rule_valid((int)f.rule))
      app->any_reject = 1;
    rc_out_finding(app->out, &f);
  }
  if (fo->have_head && fo->head.index == e->index) {
    respcheck_response_t h = fo->head;
    h.reason.ptr = at(fo, fo->reason_off);
    for (i = 0; i < h.header_count; i++) {
      fo->hdrs[i].name.ptr = at(fo, fo->hdr_off[2 * i]);
      fo->hdrs[i].value.ptr = at(fo, fo->hdr_off[2 * i + 1]);
    }
    h.headers = fo->hdrs;
    rc_out_response_head(app->out, &h);
  }
  rc_out_response_end(app->out, e);
  if (e->verdict == RESPCHECK_REJECT)
    app->any_reject = 1;
  fo->have_head = 0;
  fo->nfinds = 0;
  fo->bytes.len = 0;
}

/* ------------------------------------------------------------------------ */

static void lint_capture(rc_cli_t *app, rc_input_t *in) {
  static const cookie_io_functions_t io = {cookie_read, NULL, cookie_seek,
                                           NULL};
  respcheck_capture_callbacks_t cb;
  respcheck_capture_http_t *http;
  respcheck_capture_t *cap = NULL;
  cap_run_t run;
  char err[RESPCHECK_CAPTURE_ERRBUF];
  FILE *fp;
  int rc;

  memset(&cb, 0, sizeof cb);
  cb.on_flow_open = on_flow_open;
  cb.on_flow_close = on_flow_close;
  cb.on_finding = on_finding;
  cb.on_head = on_head;
  cb.on_message_end = on_message_end;
  memset(&run, 0, sizeof run);
  run.app = app;
  run.in = in;
  http = respcheck_capture_http_new(&app->opts, &app->copts, &cb, app);
  if (http != NULL)
    cap =
        respcheck_capture_new(&app->copts, respcheck_capture_http_event, http);
  fp = cap != NULL ? fopencookie(&run, "r", io) : NULL;
  if (fp == NULL) {
    respcheck_capture_free(cap);
    respcheck_capture_http_free(http);
    rc_cli_io_error(app, in->path, "cannot be read", ENOMEM);
    return;
  }
  rc_out_begin_file(app->out, in->path, NULL, NULL);
  rc_progress_start(app, in);
  rc = respcheck_capture_read_stream(cap, fp, err, NULL);
  respcheck_capture_free(cap);
  respcheck_capture_http_free(http);
  rc_progress_clear(app);
  rc_out_end_file(app->out);
  if (rc != 0) {
    /* After what was read: a truncated file still gives its responses. */
    fputs("respcheck: ", stderr);
    rc_text_escaped(stderr, in->path, strlen(in->path));
    fputs(": ", stderr);
    rc_text_escaped(stderr, err, strlen(err));
    fputc('\n', stderr);
    app->io_error = 1;
    rc_out_file_error(app->out, in->path, err);
  }
}

static int sniff_capture(const unsigned char *head, size_t len) {
  return respcheck_capture_is_capture(head, len);
}

static const char *const capture_patterns[] = {"*.pcap", "*.pcapng", NULL};

const rc_input_kind_t rc_kind_pcap = {"pcap", capture_patterns, sniff_capture,
                                      lint_capture};
