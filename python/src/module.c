/* SPDX-License-Identifier: MIT */
/*
 * respcheck._respcheck: the module's functions (check, check_raw_file, the
 * rule catalogue, versions), option parsing, the pool of engines, the
 * exceptions and the text decoding shared by the other files.
 *
 * A call parses with the GIL released: the parser's callbacks only fill
 * the record collector (collect.c), and the Python objects are made after
 * the GIL is taken back.
 */
#include "module.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

pyrc_strings_t pyrc_str;
PyObject *pyrc_Error;
PyObject *pyrc_StreamError;
PyObject *pyrc_InputError;

/* Name of the codec error handler that maps each byte outside well-formed
 * UTF-8 to the code point of its value, as the command's JSON does. */
#define PYRC_BYTES_HANDLER "respcheck.bytes"

/* Below this many bytes a call keeps the GIL: dropping and taking it back
 * costs more than the parse of a small input (bench/python.py measures
 * both). */
#define PYRC_GIL_MIN_BYTES 0

/* Idle engines with the default options, and with other options. */
#define PYRC_POOL_DEFAULT 8
#define PYRC_POOL_OTHER 4

static respcheck_options_t default_opts;
static pyrc_engine_t *pool_default, *pool_other;
static size_t n_pool_default, n_pool_other;

/* ------------------------------------------------------------------------ */
/* Exceptions. */

void pyrc_raise(PyObject *exc, respcheck_errno_t err, const char *reason,
                uint64_t offset) {
  PyObject *inst, *v;
  const char *name = respcheck_errno_name(err);
  /* "RESPCHECK_E_PARSE" is "PARSE" here: the exception says whose it is. */
  if (name != NULL && strncmp(name, "RESPCHECK_E_", 12) == 0)
    name += 12;
  if (reason == NULL || *reason == '\0')
    reason = respcheck_strerror(err);
  inst = PyObject_CallFunction(exc, "s", reason);
  if (inst == NULL)
    return;
#define PYRC_SET(attr, expr)                                                   \
  do {                                                                         \
    v = (expr);                                                                \
    if (v == NULL || PyObject_SetAttrString(inst, attr, v) != 0) {             \
      Py_XDECREF(v);                                                           \
      Py_DECREF(inst);                                                         \
      return;                                                                  \
    }                                                                          \
    Py_DECREF(v);                                                              \
  } while (0)
  PYRC_SET("code", PyLong_FromLong((long)err));
  PYRC_SET("name", PyUnicode_FromString(name != NULL ? name : "?"));
  PYRC_SET("reason", PyUnicode_FromString(reason));
  PYRC_SET("offset", PyLong_FromUnsignedLongLong(offset));
#undef PYRC_SET
  PyErr_SetObject(exc, inst);
  Py_DECREF(inst);
}

void pyrc_raise_input_error(const char *reason, uint64_t offset,
                            PyObject *responses, PyObject *filename) {
  PyObject *inst = PyObject_CallFunction(pyrc_InputError, "s", reason), *off;
  if (inst == NULL)
    return;
  off = offset == UINT64_MAX ? (Py_INCREF(Py_None), Py_None)
                             : PyLong_FromUnsignedLongLong(offset);
  if (off == NULL || PyObject_SetAttrString(inst, "offset", off) != 0 ||
      PyObject_SetAttrString(
          inst, "reason",
          PyTuple_GET_ITEM(((PyBaseExceptionObject *)inst)->args, 0)) != 0 ||
      PyObject_SetAttrString(inst, "responses", responses) != 0 ||
      PyObject_SetAttrString(inst, "filename", filename) != 0) {
    Py_XDECREF(off);
    Py_DECREF(inst);
    return;
  }
  Py_DECREF(off);
  PyErr_SetObject(pyrc_InputError, inst);
  Py_DECREF(inst);
}

/* ------------------------------------------------------------------------ */
/* Text. */

PyObject *pyrc_text(const char *s, size_t len) {
  size_t i;
  PyObject *str;
  for (i = 0; i < len; i++)
    if ((unsigned char)s[i] >= 0x80)
      return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, PYRC_BYTES_HANDLER);
  str = PyUnicode_New((Py_ssize_t)len, 127);
  if (str != NULL && len > 0)
    memcpy(PyUnicode_1BYTE_DATA(str), s, len);
  return str;
}

/* The error handler: (the bytes of the bad range as U+00XX, where to go
 * on). Python's UTF-8 decoder takes exactly the well-formed sequences of
 * Unicode's table 3-7, as the command's escaper does, and the bytes it
 * refuses are each their own code point there. */
static PyObject *bytes_handler(PyObject *self, PyObject *exc) {
  Py_ssize_t start, end;
  PyObject *obj, *text;
  (void)self;
  if (!PyObject_TypeCheck(exc, (PyTypeObject *)PyExc_UnicodeDecodeError)) {
    PyErr_SetString(PyExc_TypeError, "respcheck.bytes decodes only");
    return NULL;
  }
  if (PyUnicodeDecodeError_GetStart(exc, &start) != 0 ||
      PyUnicodeDecodeError_GetEnd(exc, &end) != 0)
    return NULL;
  obj = PyUnicodeDecodeError_GetObject(exc);
  if (obj == NULL)
    return NULL;
  text =
      PyUnicode_DecodeLatin1(PyBytes_AS_STRING(obj) + start, end - start, NULL);
  Py_DECREF(obj);
  if (text == NULL)
    return NULL;
  return Py_BuildValue("(Nn)", text, end);
}

static PyMethodDef bytes_handler_def = {"respcheck_bytes", bytes_handler,
                                        METH_O, NULL};

/* ------------------------------------------------------------------------ */
/* Options. */

/* RFC 9110 5.6.2 tchar. */
static int is_tchar(unsigned char c) {
  static const char extra[] = "!#$%&'*+-.^_`|~";
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
      (c >= 'A' && c <= 'Z'))
    return 1;
  return c != '\0' && memchr(extra, c, sizeof extra - 1) != NULL;
}

int pyrc_request_from(respcheck_request_t *req, PyObject *method,
                      PyObject *version) {
  if (method != NULL && method != Py_None) {
    Py_ssize_t n, i;
    const char *s;
    if (!PyUnicode_Check(method)) {
      PyErr_SetString(PyExc_TypeError, "method must be a str");
      return -1;
    }
    s = PyUnicode_AsUTF8AndSize(method, &n);
    if (s == NULL)
      return -1;
    if (n == 0) {
      PyErr_SetString(PyExc_ValueError, "method is empty");
      return -1;
    }
    for (i = 0; i < n; i++) {
      if (!is_tchar((unsigned char)s[i])) {
        PyErr_Format(PyExc_ValueError, "method %R is not a token", method);
        return -1;
      }
    }
    /* Methods without special framing are read as GET, as the command
     * does. */
    req->method = respcheck_method_from_name(s, (size_t)n);
  }
  if (version != NULL && version != Py_None) {
    if (!PyUnicode_Check(version)) {
      PyErr_SetString(PyExc_TypeError, "request_version must be a str");
      return -1;
    }
    if (PyUnicode_CompareWithASCIIString(version, "1.1") == 0) {
      req->version_major = 1;
      req->version_minor = 1;
    } else if (PyUnicode_CompareWithASCIIString(version, "1.0") == 0) {
      req->version_major = 1;
      req->version_minor = 0;
    } else {
      PyErr_Format(PyExc_ValueError, "request version %R is not 1.0 or 1.1",
                   version);
      return -1;
    }
  }
  return 0;
}

static int set_rules(respcheck_options_t *opts, PyObject *rules) {
  PyObject *key, *value;
  Py_ssize_t pos = 0;
  if (!PyDict_Check(rules)) {
    PyErr_SetString(PyExc_TypeError,
                    "rules must be a dict of rule id to severity name");
    return -1;
  }
  while (PyDict_Next(rules, &pos, &key, &value)) {
    const char *id, *sev;
    Py_ssize_t n;
    int rule, severity;
    if (!PyUnicode_Check(key) || !PyUnicode_Check(value)) {
      PyErr_SetString(PyExc_TypeError,
                      "rules must map rule ids (str) to severities (str)");
      return -1;
    }
    id = PyUnicode_AsUTF8AndSize(key, &n);
    if (id == NULL)
      return -1;
    rule = respcheck_rule_from_id(id, (size_t)n);
    sev = PyUnicode_AsUTF8(value);
    if (sev == NULL)
      return -1;
    severity = respcheck_severity_from_name(sev);
    if (rule < 0 && pyrc_extra_rule_from_id(id, (size_t)n) < 0) {
      PyErr_Format(PyExc_ValueError, "unknown rule %R", key);
      return -1;
    }
    if (severity < 0) {
      PyErr_Format(PyExc_ValueError,
                   "severity %R of %R is not off, info, warning or error",
                   value, key);
      return -1;
    }
    if (rule < 0) /* a reader's own rule: set where that reader runs */
      continue;
    if (respcheck_options_set_severity(opts, (respcheck_rule_t)rule,
                                       (respcheck_severity_t)severity) !=
        RESPCHECK_E_OK) {
      PyErr_Format(PyExc_ValueError, "cannot set rule %R", key);
      return -1;
    }
  }
  return 0;
}

static int set_limits(respcheck_options_t *opts, PyObject *limits) {
  static const struct {
    const char *name;
    size_t offset;
  } names[] = {
      {"max_header_bytes", offsetof(respcheck_options_t, max_header_bytes)},
      {"max_headers", offsetof(respcheck_options_t, max_headers)},
      {"max_line_length", offsetof(respcheck_options_t, max_line_length)},
      {"max_reason_length", offsetof(respcheck_options_t, max_reason_length)},
      {"max_chunk_extension",
       offsetof(respcheck_options_t, max_chunk_extension)},
      {"max_pending_requests",
       offsetof(respcheck_options_t, max_pending_requests)},
  };
  PyObject *key, *value;
  Py_ssize_t pos = 0;
  if (!PyDict_Check(limits)) {
    PyErr_SetString(PyExc_TypeError,
                    "limits must be a dict of limit name to int");
    return -1;
  }
  while (PyDict_Next(limits, &pos, &key, &value)) {
    size_t i, v;
    int found = 0;
    if (!PyUnicode_Check(key)) {
      PyErr_SetString(PyExc_TypeError, "limit names must be str");
      return -1;
    }
    if (!PyLong_Check(value) || PyBool_Check(value)) {
      PyErr_Format(PyExc_TypeError, "limit %R must be an int", key);
      return -1;
    }
    v = PyLong_AsSize_t(value);
    if (v == (size_t)-1 && PyErr_Occurred()) {
      PyErr_Clear();
      PyErr_Format(PyExc_ValueError, "limit %R is out of range", key);
      return -1;
    }
    if (v == 0) {
      PyErr_Format(PyExc_ValueError, "limit %R must be at least 1", key);
      return -1;
    }
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
      if (PyUnicode_CompareWithASCIIString(key, names[i].name) == 0) {
        memcpy((char *)opts + names[i].offset, &v, sizeof v);
        found = 1;
        break;
      }
    }
    if (!found) {
      PyErr_Format(PyExc_ValueError,
                   "unknown limit %R (max_header_bytes, max_headers, "
                   "max_line_length, max_reason_length, max_chunk_extension, "
                   "max_pending_requests)",
                   key);
      return -1;
    }
  }
  return 0;
}

int pyrc_options_from(respcheck_options_t *opts, PyObject *method,
                      PyObject *request_version, PyObject *rules,
                      PyObject *limits, int *is_default) {
  memcpy(opts, &default_opts, sizeof *opts);
  if (pyrc_request_from(&opts->default_request, method, request_version) != 0)
    return -1;
  if (rules != NULL && rules != Py_None && set_rules(opts, rules) != 0)
    return -1;
  if (limits != NULL && limits != Py_None && set_limits(opts, limits) != 0)
    return -1;
  if (respcheck_parser_size(opts) == 0) {
    PyErr_SetString(PyExc_ValueError,
                    "the limits are invalid (max_header_bytes and "
                    "max_line_length at least 16, and not too large)");
    return -1;
  }
  *is_default = memcmp(opts, &default_opts, sizeof *opts) == 0;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Engines. */

pyrc_engine_t *pyrc_engine_new(const respcheck_options_t *opts) {
  respcheck_callbacks_t cb;
  pyrc_engine_t *e = PyMem_RawCalloc(1, sizeof *e);
  if (e == NULL) {
    PyErr_NoMemory();
    return NULL;
  }
  memcpy(&e->opts, opts, sizeof *opts);
  if (pyrc_collector_init(&e->col, rc_linemap_window(opts, PYRC_CHUNK), NULL) !=
      0) {
    pyrc_engine_free(e);
    PyErr_NoMemory();
    return NULL;
  }
  pyrc_callbacks(&cb);
  e->parser = respcheck_parser_new(opts, &cb, &e->col);
  if (e->parser == NULL) {
    pyrc_engine_free(e);
    PyErr_NoMemory();
    return NULL;
  }
  return e;
}

void pyrc_engine_free(pyrc_engine_t *e) {
  if (e == NULL)
    return;
  respcheck_parser_free(e->parser);
  pyrc_collector_free(&e->col);
  PyMem_RawFree(e);
}

void pyrc_engine_reset(pyrc_engine_t *e) {
  respcheck_parser_reset(e->parser);
  pyrc_collector_reset(&e->col);
}

/* An engine for opts, from the pool or new. GIL held. */
static pyrc_engine_t *engine_take(const respcheck_options_t *opts,
                                  int is_default) {
  pyrc_engine_t *e, **link;
  if (is_default && pool_default != NULL) {
    e = pool_default;
    pool_default = e->next;
    n_pool_default--;
    return e;
  }
  if (!is_default) {
    for (link = &pool_other; (e = *link) != NULL; link = &e->next) {
      if (memcmp(&e->opts, opts, sizeof *opts) == 0) {
        *link = e->next;
        n_pool_other--;
        return e;
      }
    }
  }
  return pyrc_engine_new(opts);
}

/* Back to the pool (the newest first), or freed when the pool is full. */
static void engine_give(pyrc_engine_t *e, int is_default) {
  pyrc_engine_t **link;
  size_t n;
  /* Records of a large input are not kept for the next call. */
  if (e->col.out.cap > ((size_t)1 << 20)) {
    free(e->col.out.p);
    e->col.out.p = NULL;
    e->col.out.cap = 0;
  }
  pyrc_collector_clear_out(&e->col);
  if (is_default) {
    if (n_pool_default >= PYRC_POOL_DEFAULT) {
      pyrc_engine_free(e);
      return;
    }
    e->next = pool_default;
    pool_default = e;
    n_pool_default++;
    return;
  }
  e->next = pool_other;
  pool_other = e;
  n_pool_other++;
  /* Drop the oldest beyond the limit. */
  for (link = &pool_other, n = 0; *link != NULL; n++) {
    if (n >= PYRC_POOL_OTHER) {
      pyrc_engine_t *old = *link;
      *link = old->next;
      pyrc_engine_free(old);
      n_pool_other--;
    } else {
      link = &(*link)->next;
    }
  }
}

/* ------------------------------------------------------------------------ */
/* Keyword arguments. */

static int kw_is(PyObject *name, PyObject *interned, const char *s) {
  return name == interned || PyUnicode_CompareWithASCIIString(name, s) == 0;
}

/* Reads the keyword arguments of check() and check_raw_file(). */
int pyrc_read_kwargs(const char *fn, PyObject *const *args, Py_ssize_t nargs,
                     PyObject *kwnames, pyrc_call_args_t *a) {
  Py_ssize_t i, nkw = kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0;
  memset(a, 0, sizeof *a);
  for (i = 0; i < nkw; i++) {
    PyObject *name = PyTuple_GET_ITEM(kwnames, i);
    PyObject *value = args[nargs + i];
    if (kw_is(name, pyrc_str.kw_method, "method"))
      a->method = value;
    else if (kw_is(name, pyrc_str.kw_request_version, "request_version"))
      a->request_version = value;
    else if (kw_is(name, pyrc_str.kw_rules, "rules"))
      a->rules = value;
    else if (kw_is(name, pyrc_str.kw_limits, "limits"))
      a->limits = value;
    else if (kw_is(name, pyrc_str.k_file, "file"))
      a->file = value;
    else {
      PyErr_Format(PyExc_TypeError,
                   "%s() got an unexpected keyword argument %R", fn, name);
      return -1;
    }
  }
  if (a->file != NULL && a->file != Py_None && !PyUnicode_Check(a->file)) {
    PyErr_Format(PyExc_TypeError, "%s(): file must be a str", fn);
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* check(). */

static void run_stream(pyrc_engine_t *e, const char *data, size_t len) {
  pyrc_engine_reset(e);
  (void)pyrc_feed(&e->col, e->parser, data, len);
  (void)respcheck_finish(e->parser);
  pyrc_end_stream(&e->col);
}

/* The records' "request" for a call's method and request_version (new
 * reference). */
static PyObject *call_request(const pyrc_call_args_t *a) {
  PyObject *method = a->method, *version = a->request_version;
  if ((method == NULL || method == Py_None) &&
      (version == NULL || version == Py_None)) {
    Py_INCREF(pyrc_str.request_get);
    return pyrc_str.request_get;
  }
  if (method == NULL || method == Py_None)
    method = PyDict_GetItem(pyrc_str.request_get, pyrc_str.k_method);
  if (version == NULL || version == Py_None)
    version = PyDict_GetItem(pyrc_str.request_get, pyrc_str.k_version);
  return pyrc_request_dict(method, NULL, version);
}

static PyObject *finish_call(pyrc_engine_t *e, int is_default, PyObject *file,
                             PyObject *request) {
  PyObject *list = NULL;
  pyrc_context_t ctx;
  ctx.file = file;
  ctx.source = pyrc_str.source_stream;
  ctx.request = request;
  ctx.pushed = NULL;
  ctx.pushed_base = 0;
  if (e->col.oom)
    PyErr_NoMemory();
  else
    list = PyList_New(0);
  if (list != NULL && pyrc_records_to_list(&e->col, &ctx, list) != 0)
    Py_CLEAR(list);
  engine_give(e, is_default);
  return list;
}

static PyObject *check(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                       PyObject *kwnames) {
  pyrc_call_args_t a;
  respcheck_options_t opts, *use = &default_opts;
  int is_default = 1;
  Py_buffer view;
  pyrc_engine_t *e;
  PyObject *file, *request, *list;
  (void)self;
  if (nargs != 1) {
    PyErr_Format(PyExc_TypeError,
                 "check() takes 1 positional argument (%zd given)", nargs);
    return NULL;
  }
  if (kwnames != NULL) {
    if (pyrc_read_kwargs("check", args, nargs, kwnames, &a) != 0)
      return NULL;
    if (pyrc_options_from(&opts, a.method, a.request_version, a.rules, a.limits,
                          &is_default) != 0)
      return NULL;
    use = &opts;
    file = a.file != NULL && a.file != Py_None ? a.file : pyrc_str.dash;
  } else {
    file = pyrc_str.dash;
  }
  if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) != 0)
    return NULL;
  e = engine_take(use, is_default);
  if (e == NULL) {
    PyBuffer_Release(&view);
    return NULL;
  }
  if (view.len >= PYRC_GIL_MIN_BYTES) {
    PyThreadState *ts = PyEval_SaveThread();
    run_stream(e, view.buf, (size_t)view.len);
    PyEval_RestoreThread(ts);
  } else {
    run_stream(e, view.buf, (size_t)view.len);
  }
  PyBuffer_Release(&view);
  if (kwnames == NULL)
    return finish_call(e, is_default, file, pyrc_str.request_get);
  request = call_request(&a);
  if (request == NULL) {
    engine_give(e, is_default);
    return NULL;
  }
  list = finish_call(e, is_default, file, request);
  Py_DECREF(request);
  return list;
}

/* ------------------------------------------------------------------------ */
/* check_raw_file(): one file as one response stream, read as the command
 * reads it (PYRC_CHUNK at a time, into the line map's ring). */

typedef struct file_run {
  int fd;
  int err; /* errno of a read error, or 0 */
} file_run_t;

int pyrc_path_args(PyObject *arg, PyObject *file_kw, PyObject **fspath,
                   PyObject **pathbytes, PyObject **file) {
  *fspath = PyOS_FSPath(arg);
  if (*fspath == NULL)
    return -1;
  if (!PyUnicode_FSConverter(*fspath, pathbytes))
    return -1;
  if (file_kw != NULL && file_kw != Py_None) {
    *file = file_kw;
    Py_INCREF(file_kw);
  } else if (PyBytes_Check(*fspath)) {
    *file = PyUnicode_DecodeFSDefaultAndSize(PyBytes_AS_STRING(*fspath),
                                             PyBytes_GET_SIZE(*fspath));
    if (*file == NULL)
      return -1;
  } else {
    *file = *fspath;
    Py_INCREF(*file);
  }
  return 0;
}

static void run_file(pyrc_engine_t *e, file_run_t *fr) {
  rc_linemap_t *map;
  respcheck_errno_t err = RESPCHECK_E_OK;
  pyrc_engine_reset(e);
  map = pyrc_linemap(&e->col);
  for (;;) {
    size_t room;
    char *dst = rc_linemap_next(map, &room);
    ssize_t n = read(fr->fd, dst, room < PYRC_CHUNK ? room : PYRC_CHUNK);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      fr->err = errno;
      break;
    }
    if (n == 0)
      break;
    rc_linemap_feed(map, dst, (size_t)n);
    err = respcheck_execute(e->parser, dst, (size_t)n);
    if (err != RESPCHECK_E_OK || respcheck_parser_in_tunnel(e->parser))
      break;
  }
  /* A read error is not the end of the stream: no message-truncated. */
  if (fr->err == 0)
    (void)respcheck_finish(e->parser);
  pyrc_end_stream(&e->col);
}

static PyObject *check_raw_file(PyObject *self, PyObject *const *args,
                                Py_ssize_t nargs, PyObject *kwnames) {
  pyrc_call_args_t a;
  respcheck_options_t opts;
  int is_default = 1;
  pyrc_engine_t *e;
  PyObject *fspath = NULL, *pathbytes = NULL, *file = NULL, *result = NULL,
           *request;
  file_run_t fr = {-1, 0};
  PyThreadState *ts;
  (void)self;
  if (nargs != 1) {
    PyErr_Format(PyExc_TypeError,
                 "check_raw_file() takes 1 positional argument (%zd given)",
                 nargs);
    return NULL;
  }
  if (pyrc_read_kwargs("check_raw_file", args, nargs, kwnames, &a) != 0)
    return NULL;
  if (pyrc_options_from(&opts, a.method, a.request_version, a.rules, a.limits,
                        &is_default) != 0)
    return NULL;
  if (pyrc_path_args(args[0], a.file, &fspath, &pathbytes, &file) != 0)
    goto out;
  ts = PyEval_SaveThread();
  do
    fr.fd = open(PyBytes_AS_STRING(pathbytes), O_RDONLY | O_CLOEXEC);
  while (fr.fd < 0 && errno == EINTR);
  if (fr.fd < 0)
    fr.err = errno;
  PyEval_RestoreThread(ts);
  if (fr.fd < 0) {
    errno = fr.err;
    PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, fspath);
    goto out;
  }
  e = engine_take(&opts, is_default);
  if (e == NULL) {
    close(fr.fd);
    goto out;
  }
  ts = PyEval_SaveThread();
  run_file(e, &fr);
  close(fr.fd);
  PyEval_RestoreThread(ts);
  if (fr.err != 0) {
    engine_give(e, is_default);
    errno = fr.err;
    PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, fspath);
    goto out;
  }
  request = call_request(&a);
  if (request == NULL) {
    engine_give(e, is_default);
    goto out;
  }
  result = finish_call(e, is_default, file, request);
  Py_DECREF(request);
out:
  Py_XDECREF(file);
  Py_XDECREF(pathbytes);
  Py_XDECREF(fspath);
  return result;
}

/* ------------------------------------------------------------------------ */
/* The rule catalogue, versions. */

/* One --list-rules entry. */
static PyObject *rule_entry(PyObject *id, int sev, PyObject *ref,
                            const char *summary) {
  PyObject *sv = pyrc_str.severity[sev >= 0 && sev < 4 ? sev : 0];
  return Py_BuildValue("{s:O,s:O,s:O,s:O,s:s}", "rule", id, "severity", sv,
                       "default_severity", sv, "reference", ref, "summary",
                       summary != NULL ? summary : "");
}

static PyObject *rules(PyObject *self, PyObject *unused) {
  PyObject *list = PyList_New(0);
  int r;
  (void)self;
  (void)unused;
  if (list == NULL)
    return NULL;
  /* The library's catalogue, then the readers' own rules (captures'), as
   * the command lists them. */
  for (r = 0; r < (int)RESPCHECK_RULE_COUNT + PYRC_EXTRA_RULES; r++) {
    int rule = r < (int)RESPCHECK_RULE_COUNT
                   ? r
                   : PYRC_EXTRA_RULE_BASE + r - (int)RESPCHECK_RULE_COUNT;
    PyObject *d;
    if (rule >= PYRC_EXTRA_RULE_BASE && pyrc_extra_rule_id(rule) == NULL)
      break;
    d = rule_entry(
        pyrc_rule_id_obj(rule),
        rule < PYRC_EXTRA_RULE_BASE
            ? (int)respcheck_rule_default_severity((respcheck_rule_t)rule)
            : pyrc_extra_rule_default(rule),
        pyrc_rule_ref_obj(rule),
        rule < PYRC_EXTRA_RULE_BASE
            ? respcheck_rule_summary((respcheck_rule_t)rule)
            : pyrc_extra_rule_summary(rule));
    if (d == NULL || PyList_Append(list, d) != 0) {
      Py_XDECREF(d);
      Py_DECREF(list);
      return NULL;
    }
    Py_DECREF(d);
  }
  return list;
}

PyObject *pyrc_rule_id_obj(int rule) {
  if (rule >= 0 && rule < (int)RESPCHECK_RULE_COUNT)
    return pyrc_str.rule_ids[rule];
  if (rule >= PYRC_EXTRA_RULE_BASE &&
      rule < PYRC_EXTRA_RULE_BASE + PYRC_EXTRA_RULES &&
      pyrc_str.extra_ids[rule - PYRC_EXTRA_RULE_BASE] != NULL)
    return pyrc_str.extra_ids[rule - PYRC_EXTRA_RULE_BASE];
  return pyrc_str.unknown_rule;
}

PyObject *pyrc_rule_ref_obj(int rule) {
  if (rule >= 0 && rule < (int)RESPCHECK_RULE_COUNT)
    return pyrc_str.rule_refs[rule];
  if (rule >= PYRC_EXTRA_RULE_BASE &&
      rule < PYRC_EXTRA_RULE_BASE + PYRC_EXTRA_RULES &&
      pyrc_str.extra_refs[rule - PYRC_EXTRA_RULE_BASE] != NULL)
    return pyrc_str.extra_refs[rule - PYRC_EXTRA_RULE_BASE];
  return pyrc_str.empty;
}

/* An input kind's sniff on a file's first bytes. */
static PyObject *sniff(PyObject *arg, int (*fn)(const void *, size_t)) {
  Py_buffer view;
  int yes;
  if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) != 0)
    return NULL;
  yes = fn(view.buf, (size_t)view.len);
  PyBuffer_Release(&view);
  return PyBool_FromLong(yes);
}

#ifdef PYRC_HAVE_CAPTURE
static PyObject *is_capture(PyObject *self, PyObject *arg) {
  (void)self;
  return sniff(arg, pyrc_is_capture);
}
#endif
#ifdef PYRC_HAVE_WARC
static PyObject *is_warc(PyObject *self, PyObject *arg) {
  (void)self;
  return sniff(arg, pyrc_is_warc);
}
#endif
#ifdef PYRC_HAVE_HAR
static PyObject *is_har(PyObject *self, PyObject *arg) {
  (void)self;
  return sniff(arg, pyrc_is_har);
}
#endif

static PyObject *version(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  return PyUnicode_FromString(respcheck_version());
}

static PyObject *registry_date(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  return PyUnicode_FromString(respcheck_registry_date());
}

/* The C library alone, for bench/python.py: n times parser reset, execute
 * and finish on data, with callbacks that only count, in the same process
 * and the same library build as check(). Returns (seconds, responses). */
static int bench_on_head(void *user, const respcheck_response_t *r) {
  (void)r;
  ++*(uint64_t *)user;
  return 0;
}

static PyObject *bench_c_loop(PyObject *self, PyObject *args) {
  Py_buffer view;
  Py_ssize_t n, i;
  uint64_t responses = 0;
  respcheck_callbacks_t cb;
  respcheck_parser_t *p;
  struct timespec t0, t1;
  PyThreadState *ts;
  (void)self;
  if (!PyArg_ParseTuple(args, "y*n", &view, &n))
    return NULL;
  memset(&cb, 0, sizeof cb);
  cb.on_head = bench_on_head;
  p = respcheck_parser_new(&default_opts, &cb, &responses);
  if (p == NULL) {
    PyBuffer_Release(&view);
    return PyErr_NoMemory();
  }
  ts = PyEval_SaveThread();
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (i = 0; i < n; i++) {
    respcheck_parser_reset(p);
    (void)respcheck_execute(p, view.buf, (size_t)view.len);
    (void)respcheck_finish(p);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  PyEval_RestoreThread(ts);
  respcheck_parser_free(p);
  PyBuffer_Release(&view);
  return Py_BuildValue("(dK)",
                       (double)(t1.tv_sec - t0.tv_sec) +
                           (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                       (unsigned long long)responses);
}

/* ------------------------------------------------------------------------ */
/* The module. */

PyDoc_STRVAR(check_doc,
             "check(data, *, method='GET', request_version='1.1', rules=None, "
             "limits=None, file='-')\n--\n\n"
             "Check one connection's response stream (bytes-like) and return "
             "a list of\nResponse, one per response, as the respcheck command "
             "reads it.\n\n"
             "method and request_version are the request context of every "
             "response\n(HEAD and CONNECT change the framing; '1.0' makes any "
             "1xx an error).\nrules maps rule ids to 'off', 'info', 'warning' "
             "or 'error'; limits maps\nmax_header_bytes, max_headers, "
             "max_line_length, max_reason_length,\nmax_chunk_extension, "
             "max_pending_requests to ints. file is the records'\n'file' value "
             "('-', as the command names standard input).\n\n"
             "Bytes the parser refuses are a 'parse-error' finding in the "
             "records, not\nan exception. The GIL is released while C parses.");

PyDoc_STRVAR(check_raw_file_doc,
             "check_raw_file(path, *, method='GET', request_version='1.1', "
             "rules=None, limits=None, file=None)\n--\n\n"
             "Check a file holding one connection's raw response stream, read "
             "as the\ncommand reads it. file defaults to the path as given. "
             "Raises OSError when\nthe file cannot be read.");

static PyMethodDef module_methods[] = {
    {"check", (PyCFunction)(void (*)(void))check, METH_FASTCALL | METH_KEYWORDS,
     check_doc},
    {"check_raw_file", (PyCFunction)(void (*)(void))check_raw_file,
     METH_FASTCALL | METH_KEYWORDS, check_raw_file_doc},
#ifdef PYRC_HAVE_CAPTURE
    {"check_capture_file", (PyCFunction)(void (*)(void))pyrc_check_capture_file,
     METH_FASTCALL | METH_KEYWORDS,
     "check_capture_file(path, *, method='GET', request_version='1.1', "
     "rules=None, limits=None, file=None)\n--\n\nCheck a pcap or pcapng "
     "capture: TCP reassembled, each response with the\nrequest it answers, "
     "the records the command writes for it. method and\nrequest_version "
     "are used for responses whose request is not in the capture.\nRaises "
     "OSError when it cannot be opened, InputError (with the records read\n"
     "before) when it is cut short or unreadable."},
    {"_is_capture", is_capture, METH_O,
     "_is_capture(head)\n--\n\nThe first bytes of a file are a pcap or "
     "pcapng capture's."},
#endif
#ifdef PYRC_HAVE_WARC
    {"check_warc_file", (PyCFunction)(void (*)(void))pyrc_check_warc_file,
     METH_FASTCALL | METH_KEYWORDS,
     "check_warc_file(path, *, method='GET', request_version='1.1', "
     "rules=None, limits=None, file=None)\n--\n\nCheck a WARC file (plain "
     "or gzip): each response record's HTTP block, with\nthe request record "
     "paired to it, the records the command writes. method and\n"
     "request_version serve responses without a request record. Raises "
     "OSError\nwhen it cannot be opened, InputError (with the records read "
     "before) for\nbad input."},
    {"_check_warc_range", (PyCFunction)(void (*)(void))pyrc_check_warc_range,
     METH_FASTCALL | METH_KEYWORDS,
     "_check_warc_range(path, start, stop, first_record, rewrite_always, "
     "**options)\n--\n\nFor respcheck.dask: the records of a plain WARC "
     "file's bytes [start, stop)\n(stop None: the end), a range of whole "
     "records numbered from first_record\n(respcheck/dask/warcsplit.py "
     "says where ranges may start)."},
    {"_is_warc", is_warc, METH_O,
     "_is_warc(head)\n--\n\nThe first bytes of a file are a WARC file's."},
#endif
#ifdef PYRC_HAVE_HAR
    {"check_har_file", (PyCFunction)(void (*)(void))pyrc_check_har_file,
     METH_FASTCALL | METH_KEYWORDS,
     "check_har_file(path, *, method='GET', request_version='1.1', "
     "rules=None, limits=None, file=None)\n--\n\nCheck a HAR file (a "
     "browser export): each entry's response checked by\nthe rules that "
     "need no bytes (offsets None), the records the command writes.\n"
     "Raises OSError when it cannot be opened, InputError (with the records\n"
     "read before) for invalid JSON or a file that is not a HAR."},
    {"_is_har", is_har, METH_O,
     "_is_har(head)\n--\n\nThe first bytes of a file look like JSON (a "
     "HAR, or an error)."},
#endif
    {"rules", rules, METH_NOARGS,
     "rules()\n--\n\nThe rule catalogue, in catalogue order: a list of dicts "
     "with rule (the id),\nseverity, default_severity, reference and summary, "
     "as the command's\n--list-rules --format=json writes them."},
    {"version", version, METH_NOARGS,
     "version()\n--\n\nThe library's version string, with the registry date "
     "and llhttp's version."},
    {"registry_date", registry_date, METH_NOARGS,
     "registry_date()\n--\n\nDate of the IANA HTTP Status Code Registry the "
     "table was taken from."},
    {"_bench_c_loop", bench_c_loop, METH_VARARGS,
     "_bench_c_loop(data, n)\n--\n\nFor bench/python.py: the C library alone, "
     "n streams; (seconds, responses)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "respcheck._respcheck",
    "The C part of the respcheck package (import respcheck instead).",
    -1,
    module_methods,
    NULL,
    NULL,
    NULL,
    NULL};

static int intern_strings(void) {
  int r;
#define PYRC_I(field, s)                                                       \
  do {                                                                         \
    if ((pyrc_str.field = PyUnicode_InternFromString(s)) == NULL)              \
      return -1;                                                               \
  } while (0)
  PYRC_I(accept, "accept");
  PYRC_I(reject, "reject");
  PYRC_I(severity[0], "off");
  PYRC_I(severity[1], "info");
  PYRC_I(severity[2], "warning");
  PYRC_I(severity[3], "error");
  PYRC_I(unknown_rule, "unknown");
  PYRC_I(empty, "");
  PYRC_I(k_target_truncated, "target_truncated");
  PYRC_I(dash, "-");
  PYRC_I(versions[0][0], "0.0");
  PYRC_I(versions[0][1], "0.1");
  PYRC_I(versions[1][0], "1.0");
  PYRC_I(versions[1][1], "1.1");
  PYRC_I(k_file, "file");
  PYRC_I(k_source, "source");
  PYRC_I(k_request, "request");
  PYRC_I(k_method, "method");
  PYRC_I(k_target, "target");
  PYRC_I(k_kind, "kind");
  PYRC_I(k_index, "index");
  PYRC_I(k_offset, "offset");
  PYRC_I(k_end_offset, "end_offset");
  PYRC_I(k_version, "version");
  PYRC_I(k_status, "status");
  PYRC_I(k_reason, "reason");
  PYRC_I(k_effective_status, "effective_status");
  PYRC_I(k_registered, "registered");
  PYRC_I(k_headers, "headers");
  PYRC_I(k_verdict, "verdict");
  PYRC_I(k_complete, "complete");
  PYRC_I(k_findings, "findings");
  PYRC_I(k_findings_dropped, "findings_dropped");
  PYRC_I(k_rule, "rule");
  PYRC_I(k_severity, "severity");
  PYRC_I(k_line, "line");
  PYRC_I(k_column, "column");
  PYRC_I(k_message, "message");
  PYRC_I(k_reference, "reference");
  PYRC_I(kw_method, "method");
  PYRC_I(kw_request_version, "request_version");
  PYRC_I(kw_rules, "rules");
  PYRC_I(kw_limits, "limits");
  for (r = 0; r < (int)RESPCHECK_RULE_COUNT; r++) {
    PYRC_I(rule_ids[r], respcheck_rule_id((respcheck_rule_t)r));
    PYRC_I(rule_refs[r], respcheck_rule_reference((respcheck_rule_t)r));
  }
  for (r = 0; r < PYRC_EXTRA_RULES; r++) {
    const char *id = pyrc_extra_rule_id(PYRC_EXTRA_RULE_BASE + r);
    const char *ref = pyrc_extra_rule_reference(PYRC_EXTRA_RULE_BASE + r);
    if (id == NULL)
      break;
    PYRC_I(extra_ids[r], id);
    PYRC_I(extra_refs[r], ref != NULL ? ref : "");
  }
#undef PYRC_I
  pyrc_str.source_stream = Py_BuildValue("{s:s}", "kind", "stream");
  pyrc_str.request_get = Py_BuildValue("{s:s,s:O,s:s}", "method", "GET",
                                       "target", Py_None, "version", "1.1");
  if (pyrc_str.source_stream == NULL || pyrc_str.request_get == NULL)
    return -1;
  return 0;
}

static int add_exceptions(PyObject *m) {
  pyrc_Error = PyErr_NewExceptionWithDoc(
      "respcheck.Error",
      "A call the parser refused. Attributes: code (the library's "
      "RESPCHECK_E_* number),\nname ('PARSE', 'LIMIT', 'FULL', 'FINISHED'...), "
      "reason, and offset (the\nabsolute stream offset where it happened).",
      NULL, NULL);
  if (pyrc_Error == NULL)
    return -1;
  pyrc_StreamError = PyErr_NewExceptionWithDoc(
      "respcheck.StreamError",
      "The stream cannot be read on (Parser.feed): llhttp refused the bytes "
      "(name 'PARSE'),\na limit was exceeded ('LIMIT') or the framing is read "
      "two ways ('FRAMING').\nThe responses up to that point have been "
      "delivered; offset is where\nthe parser stopped.",
      pyrc_Error, NULL);
  if (pyrc_StreamError == NULL)
    return -1;
  Py_INCREF(pyrc_Error);
  if (PyModule_AddObject(m, "Error", pyrc_Error) != 0)
    return -1;
  Py_INCREF(pyrc_StreamError);
  if (PyModule_AddObject(m, "StreamError", pyrc_StreamError) != 0)
    return -1;
  pyrc_InputError = PyErr_NewExceptionWithDoc(
      "respcheck.InputError",
      "An input could not be read to its end (a capture cut short, a "
      "broken file).\nAttributes: reason, offset (in the file, or None), "
      "filename, and responses:\nthe records read before, as the command "
      "writes them before it reports\nthe file.",
      pyrc_Error, NULL);
  if (pyrc_InputError == NULL)
    return -1;
  Py_INCREF(pyrc_InputError);
  if (PyModule_AddObject(m, "InputError", pyrc_InputError) != 0)
    return -1;
  return 0;
}

PyMODINIT_FUNC PyInit__respcheck(void);
PyMODINIT_FUNC PyInit__respcheck(void) {
  PyObject *m, *handler;
  memset(&default_opts, 0, sizeof default_opts);
  respcheck_options_init(&default_opts);
  if (intern_strings() != 0)
    return NULL;
  handler = PyCFunction_New(&bytes_handler_def, NULL);
  if (handler == NULL)
    return NULL;
  if (PyCodec_RegisterError(PYRC_BYTES_HANDLER, handler) != 0) {
    Py_DECREF(handler);
    return NULL;
  }
  Py_DECREF(handler);
  m = PyModule_Create(&module_def);
  if (m == NULL)
    return NULL;
  if (add_exceptions(m) != 0 || pyrc_objects_ready(m) != 0 ||
      pyrc_status_ready(m) != 0 || pyrc_parser_ready(m) != 0 ||
      PyModule_AddFunctions(m, pyrc_status_methods) != 0 ||
      PyModule_AddStringConstant(m, "REGISTRY_DATE",
                                 respcheck_registry_date()) != 0 ||
      PyModule_AddIntConstant(m, "CHUNK_SIZE", PYRC_CHUNK) != 0) {
    Py_DECREF(m);
    return NULL;
  }
  return m;
}
