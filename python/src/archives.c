/* SPDX-License-Identifier: MIT */
/*
 * check_warc_file() and check_har_file(): web archives (warc/, plain or
 * gzip) and browser exports (har/), with the records the respcheck command
 * writes for them. A WARC response record's HTTP block is one stream
 * ("source" {"kind": "warc", "record", "record_id", "target_uri"}, offsets
 * in the block, the paired request record's request or None); a HAR entry
 * is a response checked without its bytes ("source" {"kind": "har",
 * "entry", "url"}, offsets None). Each record or entry is a new stream to
 * the record collector, as to the command's writer (rc_out_next_stream):
 * what the last one left is written out, and a parse error there stops
 * nothing after it. Line and column are None: the offsets are not the
 * file's.
 *
 * The file is read in PYRC_CHUNK pieces with the GIL released. Compiled
 * with the readers present (PYRC_HAVE_WARC, PYRC_HAVE_HAR).
 */
#include "module.h"

#if defined(PYRC_HAVE_WARC) || defined(PYRC_HAVE_HAR)

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef PYRC_HAVE_WARC
#include "respcheck_warc.h"
#endif
#ifdef PYRC_HAVE_HAR
#include "respcheck_har.h"
#endif

/* Bytes of a method name and of a version text kept, as the command's. */
#define ARC_METHOD_MAX 39
#define ARC_VERSION_MAX 23

/* The end of one stream within the file (rc_out_next_stream). */
static void next_stream(pyrc_collector_t *c) {
  pyrc_end_stream(c);
  c->stopped = 0;
}

static void ctx_begin(pyrc_collector_t *c, const char *kind) {
  memset(&c->ctx, 0, sizeof c->ctx);
  c->ctx_strings.len = 0;
  c->ctx.kind = kind;
  c->ctx_set = 1;
}

static void ctx_string(pyrc_collector_t *c, const char *s, size_t len,
                       uint32_t *off, uint32_t *out_len) {
  *off = (uint32_t)c->ctx_strings.len;
  rc_buf_put(&c->ctx_strings, s, len);
  *out_len = (uint32_t)(c->ctx_strings.len - *off);
}

static void ctx_number(pyrc_collector_t *c, const char *key, uint64_t v) {
  pyrc_ctx_field_t *f = &c->ctx.fields[c->ctx.nfields++];
  memset(f, 0, sizeof *f);
  f->key = key;
  f->type = RC_VALUE_NUMBER;
  f->number = v;
}

static void ctx_span(pyrc_collector_t *c, const char *key, respcheck_span_t s) {
  pyrc_ctx_field_t *f = &c->ctx.fields[c->ctx.nfields++];
  memset(f, 0, sizeof *f);
  f->key = key;
  f->type = RC_VALUE_STRING;
  ctx_string(c, s.ptr != NULL ? s.ptr : "", s.ptr != NULL ? s.len : 0,
             &f->str_off, &f->str_len);
}

/* The request: method (cut as the command cuts it) and target. */
static void ctx_request(pyrc_collector_t *c, respcheck_span_t method,
                        respcheck_span_t target) {
  size_t n = method.len < ARC_METHOD_MAX ? method.len : ARC_METHOD_MAX;
  c->ctx.has_request = 1;
  ctx_string(c, method.ptr != NULL ? method.ptr : "",
             method.ptr != NULL ? n : 0, &c->ctx.method_off,
             &c->ctx.method_len);
  c->ctx.has_target = 1;
  ctx_string(c, target.ptr != NULL ? target.ptr : "",
             target.ptr != NULL ? target.len : 0, &c->ctx.target_off,
             &c->ctx.target_len);
}

/* Reading a file into a reader, as the command's rc_input_pump does. */
typedef int (*feed_fn)(void *reader, const void *data, size_t len);

/* A range of a file (a task of a distributed run): bytes [start, stop),
 * stop UINT64_MAX for the end, records numbered from first_record. */
typedef struct arc_range {
  uint64_t start, stop, first_record;
  int rewrite; /* respcheck_warc_rewrite_t */
} arc_range_t;

typedef struct arc_call {
  int fd;
  int read_err; /* errno of a read error */
  int stopped;  /* the reader refused the bytes */
  arc_range_t range;
  char buf[PYRC_CHUNK];
} arc_call_t;

static void pump(arc_call_t *call, feed_fn feed, void *reader) {
  uint64_t left = call->range.stop - call->range.start;
  if (call->range.start > 0 &&
      lseek(call->fd, (off_t)call->range.start, SEEK_SET) < 0) {
    call->read_err = errno;
    return;
  }
  for (;;) {
    size_t want = left < sizeof call->buf ? (size_t)left : sizeof call->buf;
    ssize_t n = want > 0 ? read(call->fd, call->buf, want) : 0;
    if (n < 0) {
      if (errno == EINTR)
        continue;
      call->read_err = errno;
      return;
    }
    if (n == 0)
      return;
    left -= (uint64_t)n;
    if (feed(reader, call->buf, (size_t)n) != 0) {
      call->stopped = 1;
      return;
    }
  }
}

/* The shared part of both: options, the path, the file, the records, the
 * errors. run() reads the open file into c, GIL released, and returns 0 or
 * -1 with *reason and *offset set. */
typedef int (*run_fn)(const respcheck_options_t *opts, pyrc_collector_t *c,
                      arc_call_t *call, char *reason, size_t reason_size,
                      uint64_t *offset);

/* args[0] is the path; the keyword arguments follow args[nargs - 1].
 * range NULL: the whole file. */
static PyObject *check_archive(const char *fn, PyObject *const *args,
                               Py_ssize_t nargs, PyObject *kwnames, run_fn run,
                               int no_offsets, const arc_range_t *range) {
  pyrc_call_args_t a;
  respcheck_options_t opts;
  int is_default, rc = 0;
  PyObject *fspath = NULL, *pathbytes = NULL, *file = NULL, *list = NULL;
  pyrc_collector_t col;
  arc_call_t *call;
  PyThreadState *ts;
  pyrc_context_t ctx;
  char reason[512];
  uint64_t offset = UINT64_MAX;
  if (nargs != (range != NULL ? 5 : 1)) {
    PyErr_Format(PyExc_TypeError,
                 "%s() takes %d positional arguments (%zd "
                 "given)",
                 fn, range != NULL ? 5 : 1, nargs);
    return NULL;
  }
  if (pyrc_read_kwargs(fn, args, nargs, kwnames, &a) != 0 ||
      pyrc_options_from(&opts, a.method, a.request_version, a.rules, a.limits,
                        &is_default) != 0)
    return NULL;
  call = PyMem_RawMalloc(sizeof *call);
  if (call == NULL)
    return PyErr_NoMemory();
  memset(&col, 0, sizeof col);
  if (pyrc_path_args(args[0], a.file, &fspath, &pathbytes, &file) != 0)
    goto out;
  if (pyrc_collector_init(&col, 0, NULL) != 0) {
    PyErr_NoMemory();
    goto out;
  }
  col.no_offsets = no_offsets;
  call->read_err = call->stopped = 0;
  if (range != NULL)
    call->range = *range;
  else {
    memset(&call->range, 0, sizeof call->range);
    call->range.stop = UINT64_MAX;
  }
  ts = PyEval_SaveThread();
  do
    call->fd = open(PyBytes_AS_STRING(pathbytes), O_RDONLY | O_CLOEXEC);
  while (call->fd < 0 && errno == EINTR);
  if (call->fd < 0)
    call->read_err = errno;
  else {
    reason[0] = '\0';
    rc = run(&opts, &col, call, reason, sizeof reason, &offset);
    close(call->fd);
  }
  PyEval_RestoreThread(ts);
  if (call->fd < 0 || (call->read_err != 0 && rc == 0)) {
    errno = call->read_err;
    PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, fspath);
    goto out;
  }
  if (col.oom) {
    PyErr_NoMemory();
    goto out;
  }
  list = PyList_New(0);
  ctx.file = file;
  ctx.source = pyrc_str.source_stream; /* every record has its own */
  ctx.request = Py_None;
  ctx.pushed = NULL;
  ctx.pushed_base = 0;
  if (list == NULL || pyrc_records_to_list(&col, &ctx, list) != 0) {
    Py_CLEAR(list);
    goto out;
  }
  if (rc != 0) {
    /* Bad input: the records read before it go with the exception, as
     * the command writes them before it reports the file. */
    pyrc_raise_input_error(reason, offset, list, fspath);
    Py_CLEAR(list);
  }
out:
  pyrc_collector_free(&col);
  PyMem_RawFree(call);
  Py_XDECREF(file);
  Py_XDECREF(pathbytes);
  Py_XDECREF(fspath);
  return list;
}

static void set_reason(char *reason, size_t size, const char *text) {
  size_t n = strlen(text);
  if (n >= size)
    n = size - 1;
  memcpy(reason, text, n);
  reason[n] = '\0';
}

/* ------------------------------------------------------------------------ */
/* WARC. */

#ifdef PYRC_HAVE_WARC

static void on_record(void *user, const respcheck_warc_record_t *rec) {
  pyrc_collector_t *c = user;
  next_stream(c);
  ctx_begin(c, "warc");
  ctx_number(c, "record", rec->number);
  ctx_span(c, "record_id", rec->record_id);
  ctx_span(c, "target_uri", rec->target_uri);
  if (rec->flags & RESPCHECK_WARC_PAIRED) {
    ctx_request(c, rec->method, rec->target);
    c->ctx.version_major = rec->request.version_major;
    c->ctx.version_minor = rec->request.version_minor;
  }
}

static int warc_feed(void *reader, const void *data, size_t len) {
  return respcheck_warc_feed(reader, data, len) != RESPCHECK_WARC_E_OK;
}

static int run_warc(const respcheck_options_t *opts, pyrc_collector_t *c,
                    arc_call_t *call, char *reason, size_t reason_size,
                    uint64_t *offset) {
  respcheck_warc_options_t o;
  respcheck_warc_callbacks_t cb;
  respcheck_warc_reader_t *r;
  respcheck_warc_errno_t e;
  respcheck_warc_options_init(&o);
  o.http = *opts;
  o.first_record = call->range.first_record;
  o.first_offset = call->range.start;
  o.crawler_rewrite = (respcheck_warc_rewrite_t)call->range.rewrite;
  memset(&cb, 0, sizeof cb);
  cb.on_record = on_record;
  pyrc_callbacks(&cb.http);
  r = respcheck_warc_reader_new(&o, &cb, c);
  if (r == NULL) {
    c->oom = 1;
    return 0;
  }
  ctx_begin(c, "warc");
  pump(call, warc_feed, r);
  /* After a read error the file has no known end: nothing more. */
  e = call->read_err == 0 ? respcheck_warc_finish(r) : respcheck_warc_error(r);
  pyrc_end_stream(c);
  if (e != RESPCHECK_WARC_E_OK && call->read_err == 0) {
    set_reason(reason, reason_size, respcheck_warc_error_reason(r));
    *offset = respcheck_warc_error_offset(r);
    respcheck_warc_reader_free(r);
    return -1;
  }
  respcheck_warc_reader_free(r);
  return 0;
}

PyObject *pyrc_check_warc_file(PyObject *self, PyObject *const *args,
                               Py_ssize_t nargs, PyObject *kwnames) {
  (void)self;
  return check_archive("check_warc_file", args, nargs, kwnames, run_warc, 0,
                       NULL);
}

PyObject *pyrc_check_warc_range(PyObject *self, PyObject *const *args,
                                Py_ssize_t nargs, PyObject *kwnames) {
  arc_range_t range;
  unsigned long long start, stop, first;
  int always;
  (void)self;
  /* (path, start, stop or None, first_record, rewrite_always), and the
   * keywords of check_warc_file. */
  if (nargs != 5) {
    PyErr_SetString(PyExc_TypeError,
                    "_check_warc_range(path, start, stop, first_record, "
                    "rewrite_always, **options)");
    return NULL;
  }
  start = PyLong_AsUnsignedLongLong(args[1]);
  stop = args[2] == Py_None ? UINT64_MAX : PyLong_AsUnsignedLongLong(args[2]);
  first = PyLong_AsUnsignedLongLong(args[3]);
  always = PyObject_IsTrue(args[4]);
  if (PyErr_Occurred() || always < 0)
    return NULL;
  if (stop < start) {
    PyErr_SetString(PyExc_ValueError, "stop is before start");
    return NULL;
  }
  range.start = start;
  range.stop = stop;
  range.first_record = first;
  range.rewrite =
      always ? RESPCHECK_WARC_REWRITE_ALWAYS : RESPCHECK_WARC_REWRITE_AUTO;
  return check_archive("_check_warc_range", args, nargs, kwnames, run_warc, 0,
                       &range);
}

int pyrc_is_warc(const void *head, size_t len) {
  return respcheck_warc_sniff(head, len);
}

#endif

/* ------------------------------------------------------------------------ */
/* HAR. */

#ifdef PYRC_HAVE_HAR

static void on_entry(void *user, const respcheck_har_entry_t *e) {
  pyrc_collector_t *c = user;
  next_stream(c);
  ctx_begin(c, "har");
  ctx_number(c, "entry", e->number);
  ctx_span(c, "url", e->url);
  if (!e->has_request)
    return;
  ctx_request(c, e->method, e->url);
  if (e->request.version_major == 1) {
    c->ctx.version_major = 1;
    c->ctx.version_minor = e->request.version_minor;
  } else {
    /* "h2", "HTTP/2.0", or nothing: as written (None when empty). */
    size_t n = e->request_version.len < ARC_VERSION_MAX ? e->request_version.len
                                                        : ARC_VERSION_MAX;
    c->ctx.version_text = n > 0 ? 1 : 2;
    ctx_string(c, e->request_version.ptr != NULL ? e->request_version.ptr : "",
               e->request_version.ptr != NULL ? n : 0, &c->ctx.version_off,
               &c->ctx.version_len);
  }
}

static int har_feed(void *reader, const void *data, size_t len) {
  return respcheck_har_feed(reader, data, len) != RESPCHECK_HAR_E_OK;
}

static int run_har(const respcheck_options_t *opts, pyrc_collector_t *c,
                   arc_call_t *call, char *reason, size_t reason_size,
                   uint64_t *offset) {
  respcheck_har_options_t o;
  respcheck_har_callbacks_t cb;
  respcheck_har_reader_t *r;
  respcheck_har_errno_t e;
  respcheck_har_options_init(&o);
  o.http = *opts;
  memset(&cb, 0, sizeof cb);
  cb.on_entry = on_entry;
  pyrc_callbacks(&cb.http);
  r = respcheck_har_reader_new(&o, &cb, c);
  if (r == NULL) {
    c->oom = 1;
    return 0;
  }
  ctx_begin(c, "har");
  pump(call, har_feed, r);
  e = call->read_err == 0 ? respcheck_har_finish(r) : respcheck_har_error(r);
  pyrc_end_stream(c);
  if (e != RESPCHECK_HAR_E_OK && call->read_err == 0) {
    set_reason(reason, reason_size, respcheck_har_error_reason(r));
    *offset = respcheck_har_error_offset(r);
    respcheck_har_reader_free(r);
    return -1;
  }
  respcheck_har_reader_free(r);
  return 0;
}

PyObject *pyrc_check_har_file(PyObject *self, PyObject *const *args,
                              Py_ssize_t nargs, PyObject *kwnames) {
  (void)self;
  return check_archive("check_har_file", args, nargs, kwnames, run_har, 1,
                       NULL);
}

int pyrc_is_har(const void *head, size_t len) {
  return respcheck_har_sniff(head, len);
}

#endif

#else

/* Neither reader is built: nothing here. */
extern int pyrc_archives_absent;

#endif
