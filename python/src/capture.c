/* SPDX-License-Identifier: MIT */
/*
 * check_capture_file(): pcap and pcapng captures through capture/ (libpcap,
 * TCP reassembly, each response paired with its request), with the records
 * the respcheck command writes for them: "source" {"kind": "pcap", "flow",
 * "client", "server", "frame"}, the request the capture shows (or None),
 * line and column None (offsets are in a connection's stream, not in the
 * file), records in the order their responses end.
 *
 * Each connection has a record collector of its own (collect.c, without a
 * line map) writing to one shared output, so records of connections that
 * interleave come out whole and in order. The command hands a response's
 * findings, head and end to its writer at the response's end, with the
 * flow's source set anew, so a parse error stops nothing past its own
 * response: each connection's collector forgets it at every end.
 *
 * Compiled only with the capture component (PYRC_HAVE_CAPTURE); without
 * it the module has no check_capture_file and respcheck.input_kinds()
 * says so.
 */
#include "module.h"

#ifdef PYRC_HAVE_CAPTURE

#include <stdlib.h>
#include <string.h>

#include "capture.h"

typedef struct cap_run {
  pyrc_collector_t out; /* the records of every connection */
} cap_run_t;

static void *on_flow_open(void *user, const respcheck_capture_flow_t *flow) {
  cap_run_t *run = user;
  pyrc_collector_t *c = malloc(sizeof *c);
  (void)flow;
  if (c == NULL || pyrc_collector_init(c, 0, &run->out) != 0) {
    free(c);
    run->out.oom = 1;
    return NULL;
  }
  return c;
}

static void on_flow_close(void *user, const respcheck_capture_flow_t *flow,
                          void *flow_user) {
  pyrc_collector_t *c = flow_user;
  cap_run_t *run = user;
  (void)flow;
  if (c == NULL)
    return;
  /* A response that never ended is not written (the command drops it). */
  if (c->oom)
    run->out.oom = 1;
  pyrc_collector_free(c);
  free(c);
}

static void on_finding(void *user, const respcheck_capture_context_t *ctx,
                       const respcheck_finding_t *f) {
  (void)user;
  if (ctx->flow_user != NULL)
    pyrc_on_finding(ctx->flow_user, f);
}

static void on_head(void *user, const respcheck_capture_context_t *ctx,
                    const respcheck_response_t *r) {
  (void)user;
  if (ctx->flow_user != NULL)
    (void)pyrc_on_head(ctx->flow_user, r);
}

/* A string of the record's context, appended to c->ctx_strings. */
static void ctx_string(pyrc_collector_t *c, const char *s, size_t len,
                       uint32_t *off, uint32_t *out_len) {
  *off = (uint32_t)c->ctx_strings.len;
  rc_buf_put(&c->ctx_strings, s, len);
  *out_len = (uint32_t)(c->ctx_strings.len - *off);
}

static void ctx_field(pyrc_collector_t *c, const char *key, int type,
                      uint64_t number, const char *s) {
  pyrc_ctx_field_t *f = &c->ctx.fields[c->ctx.nfields++];
  memset(f, 0, sizeof *f);
  f->key = key;
  f->type = type;
  f->number = number;
  if (s != NULL)
    ctx_string(c, s, strlen(s), &f->str_off, &f->str_len);
}

static void on_message_end(void *user, const respcheck_capture_context_t *ctx,
                           const respcheck_message_end_t *e) {
  pyrc_collector_t *c = ctx->flow_user;
  const respcheck_capture_flow_t *flow = ctx->flow;
  const respcheck_capture_request_t *req = ctx->request;
  char client[RESPCHECK_CAPTURE_ENDPOINT_MAX];
  char server[RESPCHECK_CAPTURE_ENDPOINT_MAX];
  (void)user;
  if (c == NULL)
    return;
  respcheck_capture_endpoint(flow, 0, client, sizeof client);
  respcheck_capture_endpoint(flow, 1, server, sizeof server);
  memset(&c->ctx, 0, sizeof c->ctx);
  c->ctx_strings.len = 0;
  c->ctx.kind = "pcap";
  ctx_field(c, "flow", RC_VALUE_NUMBER, flow->id, NULL);
  ctx_field(c, "client", RC_VALUE_STRING, 0, client);
  ctx_field(c, "server", RC_VALUE_STRING, 0, server);
  ctx_field(c, "frame", ctx->frame != 0 ? RC_VALUE_NUMBER : RC_VALUE_NULL,
            ctx->frame, NULL);
  if (req != NULL) {
    c->ctx.has_request = 1;
    ctx_string(c, req->method_name, strlen(req->method_name),
               &c->ctx.method_off, &c->ctx.method_len);
    c->ctx.has_target = req->target != NULL;
    if (req->target != NULL)
      ctx_string(c, req->target, req->target_length, &c->ctx.target_off,
                 &c->ctx.target_len);
    c->ctx.target_cut = req->target_cut;
    c->ctx.version_major = req->version_major;
    c->ctx.version_minor = req->version_minor;
  }
  c->ctx_set = 1;
  pyrc_on_message_end(c, e);
  /* The next response is another stream to the command's writer. */
  c->stopped = 0;
}

typedef struct cap_call {
  const char *path;
  respcheck_options_t opts;
  respcheck_capture_options_t copts;
  cap_run_t run;
  int rc;
  char err[RESPCHECK_CAPTURE_ERRBUF];
  uint64_t err_offset;
} cap_call_t;

static void read_capture(cap_call_t *call) {
  respcheck_capture_callbacks_t cb;
  memset(&cb, 0, sizeof cb);
  cb.on_flow_open = on_flow_open;
  cb.on_flow_close = on_flow_close;
  cb.on_finding = on_finding;
  cb.on_head = on_head;
  cb.on_message_end = on_message_end;
  call->rc =
      respcheck_capture_lint_file(call->path, &call->opts, &call->copts, &cb,
                                  &call->run, call->err, &call->err_offset);
}

/* The capture rules' severities from a rules dict (the library's ids are
 * set elsewhere, and skipped here). */
static int capture_rules(respcheck_capture_options_t *copts, PyObject *rules) {
  PyObject *key, *value;
  Py_ssize_t pos = 0;
  if (rules == NULL || rules == Py_None)
    return 0;
  while (PyDict_Next(rules, &pos, &key, &value)) {
    Py_ssize_t n;
    const char *id = PyUnicode_AsUTF8AndSize(key, &n);
    int rule, sev;
    if (id == NULL)
      return -1;
    rule = respcheck_capture_rule_from_id(id, (size_t)n);
    if (rule < 0)
      continue;
    sev = respcheck_severity_from_name(PyUnicode_AsUTF8(value));
    if (respcheck_capture_options_set_severity(
            copts, rule, (respcheck_severity_t)sev) != RESPCHECK_E_OK) {
      PyErr_Format(PyExc_ValueError, "cannot set rule %R", key);
      return -1;
    }
  }
  return 0;
}

PyObject *pyrc_check_capture_file(PyObject *self, PyObject *const *args,
                                  Py_ssize_t nargs, PyObject *kwnames) {
  pyrc_call_args_t a;
  cap_call_t *call;
  int is_default;
  PyObject *fspath = NULL, *pathbytes = NULL, *file = NULL, *list = NULL;
  PyThreadState *ts;
  pyrc_context_t ctx;
  (void)self;
  if (nargs != 1) {
    PyErr_Format(PyExc_TypeError,
                 "check_capture_file() takes 1 positional argument (%zd "
                 "given)",
                 nargs);
    return NULL;
  }
  if (pyrc_read_kwargs("check_capture_file", args, nargs, kwnames, &a) != 0)
    return NULL;
  call = PyMem_RawCalloc(1, sizeof *call);
  if (call == NULL)
    return PyErr_NoMemory();
  if (pyrc_options_from(&call->opts, a.method, a.request_version, a.rules,
                        a.limits, &is_default) != 0)
    goto out;
  respcheck_capture_options_init(&call->copts);
  if (capture_rules(&call->copts, a.rules) != 0)
    goto out;
  if (pyrc_path_args(args[0], a.file, &fspath, &pathbytes, &file) != 0)
    goto out;
  if (pyrc_collector_init(&call->run.out, 0, NULL) != 0) {
    PyErr_NoMemory();
    goto out;
  }
  call->path = PyBytes_AS_STRING(pathbytes);
  call->err_offset = UINT64_MAX;
  ts = PyEval_SaveThread();
  read_capture(call);
  PyEval_RestoreThread(ts);
  if (call->run.out.oom) {
    PyErr_NoMemory();
    goto out;
  }
  list = PyList_New(0);
  ctx.file = file;
  ctx.source = pyrc_str.source_stream; /* every record has its own */
  ctx.request = Py_None;
  ctx.pushed = NULL;
  ctx.pushed_base = 0;
  if (list == NULL || pyrc_records_to_list(&call->run.out, &ctx, list) != 0) {
    Py_CLEAR(list);
    goto out;
  }
  if (call->rc != 0) {
    /* The records read before the error go with the exception, as the
     * command writes them before it reports the file. */
    pyrc_raise_input_error(call->err, call->err_offset, list, fspath);
    Py_CLEAR(list);
  }
out:
  pyrc_collector_free(&call->run.out);
  PyMem_RawFree(call);
  Py_XDECREF(file);
  Py_XDECREF(pathbytes);
  Py_XDECREF(fspath);
  return list;
}

int pyrc_is_capture(const void *head, size_t len) {
  return respcheck_capture_is_capture(head, len);
}

const char *pyrc_extra_rule_id(int rule) {
  return respcheck_capture_rule_id(rule);
}

const char *pyrc_extra_rule_reference(int rule) {
  return respcheck_capture_rule_reference(rule);
}

const char *pyrc_extra_rule_summary(int rule) {
  return respcheck_capture_rule_summary(rule);
}

int pyrc_extra_rule_default(int rule) {
  return (int)respcheck_capture_rule_default_severity(rule);
}

int pyrc_extra_rule_from_id(const char *id, size_t len) {
  return respcheck_capture_rule_from_id(id, len);
}

#else /* no capture component */

const char *pyrc_extra_rule_id(int rule) {
  (void)rule;
  return NULL;
}

const char *pyrc_extra_rule_reference(int rule) {
  (void)rule;
  return NULL;
}

const char *pyrc_extra_rule_summary(int rule) {
  (void)rule;
  return NULL;
}

int pyrc_extra_rule_default(int rule) {
  (void)rule;
  return 0;
}

int pyrc_extra_rule_from_id(const char *id, size_t len) {
  (void)id;
  (void)len;
  return -1;
}

#endif
