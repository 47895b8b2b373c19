/* SPDX-License-Identifier: MIT */
/*
 * respcheck.Parser: one connection's response stream fed in any chunks.
 * Each Response goes to the on_response callback as soon as its record is
 * complete, or waits in a queue that iterating the parser empties. feed()
 * parses with the GIL released; the callbacks run after it is taken back,
 * in stream order.
 */
#include "module.h"

typedef struct parser_object {
  PyObject_HEAD pyrc_engine_t *engine;
  PyObject *on_response; /* callable, or NULL */
  PyObject *file;        /* the records' "file" */
  PyObject *request;     /* the default request's dict */
  PyObject *pushed;      /* dicts of the requests pushed, not yet consumed */
  uint64_t pushed_base;  /* the number of pushed[0] */
  PyObject *queue;       /* Responses not yet delivered */
  Py_ssize_t qhead;      /* the next one to deliver */
  PyObject *error;       /* the StreamError raised, or NULL */
  int busy;              /* a call is running (another thread, a callback) */
  int finished;
} parser_object_t;

static int parser_init(PyObject *self, PyObject *args, PyObject *kwds) {
  /* Python 3.11 takes char *: -Wwrite-strings wants arrays. */
  static char k_method[] = "method", k_version[] = "request_version",
              k_rules[] = "rules", k_limits[] = "limits",
              k_on_response[] = "on_response", k_file[] = "file";
  static char *kwlist[] = {k_method,      k_version, k_rules, k_limits,
                           k_on_response, k_file,    NULL};
  parser_object_t *p = (parser_object_t *)self;
  PyObject *method = NULL, *version = NULL, *rules = NULL, *limits = NULL,
           *on_response = NULL, *file = NULL;
  respcheck_options_t opts;
  int is_default;
  pyrc_engine_t *e;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "|$OOOOOO:Parser", kwlist,
                                   &method, &version, &rules, &limits,
                                   &on_response, &file))
    return -1;
  if (p->busy) {
    PyErr_SetString(PyExc_RuntimeError, "Parser is in use");
    return -1;
  }
  if (on_response == Py_None)
    on_response = NULL;
  if (on_response != NULL && !PyCallable_Check(on_response)) {
    PyErr_SetString(PyExc_TypeError, "on_response must be callable");
    return -1;
  }
  if (file == Py_None)
    file = NULL;
  if (file != NULL && !PyUnicode_Check(file)) {
    PyErr_SetString(PyExc_TypeError, "file must be a str");
    return -1;
  }
  if (pyrc_options_from(&opts, method, version, rules, limits, &is_default) !=
      0)
    return -1;
  e = pyrc_engine_new(&opts);
  if (e == NULL)
    return -1;
  pyrc_engine_reset(e);
  pyrc_engine_free(p->engine);
  p->engine = e;
  Py_XINCREF(on_response);
  Py_XSETREF(p->on_response, on_response);
  file = file != NULL ? file : pyrc_str.dash;
  Py_INCREF(file);
  Py_XSETREF(p->file, file);
  {
    PyObject *m = method != NULL && method != Py_None
                      ? method
                      : PyDict_GetItem(pyrc_str.request_get, pyrc_str.k_method);
    PyObject *v =
        version != NULL && version != Py_None
            ? version
            : PyDict_GetItem(pyrc_str.request_get, pyrc_str.k_version);
    Py_XSETREF(p->request, pyrc_request_dict(m, NULL, v));
    if (p->request == NULL)
      return -1;
  }
  Py_XSETREF(p->pushed, PyList_New(0));
  if (p->pushed == NULL)
    return -1;
  p->pushed_base = 0;
  Py_XSETREF(p->queue, PyList_New(0));
  if (p->queue == NULL)
    return -1;
  p->qhead = 0;
  Py_CLEAR(p->error);
  p->finished = 0;
  return 0;
}

static int parser_traverse(PyObject *self, visitproc visit, void *arg) {
  parser_object_t *p = (parser_object_t *)self;
  Py_VISIT(p->on_response);
  Py_VISIT(p->queue);
  Py_VISIT(p->request);
  Py_VISIT(p->pushed);
  Py_VISIT(p->error);
  return 0;
}

static int parser_clear(PyObject *self) {
  parser_object_t *p = (parser_object_t *)self;
  Py_CLEAR(p->on_response);
  Py_CLEAR(p->queue);
  Py_CLEAR(p->error);
  Py_CLEAR(p->file);
  Py_CLEAR(p->request);
  Py_CLEAR(p->pushed);
  return 0;
}

static void parser_dealloc(PyObject *self) {
  parser_object_t *p = (parser_object_t *)self;
  PyObject_GC_UnTrack(self);
  parser_clear(self);
  pyrc_engine_free(p->engine);
  Py_TYPE(self)->tp_free(self);
}

static int ready(parser_object_t *p) {
  if (p->engine == NULL || p->queue == NULL || p->pushed == NULL) {
    PyErr_SetString(PyExc_RuntimeError, "Parser.__init__ was not called");
    return -1;
  }
  if (p->busy) {
    PyErr_SetString(PyExc_RuntimeError,
                    "Parser is in use (by another thread, or a callback "
                    "called it)");
    return -1;
  }
  return 0;
}

/* Moves the collector's records to the queue, then hands the queue to the
 * callback, if any. When the callback raises, the responses after the one
 * it raised for stay queued: the next call delivers them first. */
static int deliver(parser_object_t *p) {
  Py_ssize_t n;
  pyrc_collector_t *col = &p->engine->col;
  pyrc_context_t ctx;
  if (col->oom) {
    pyrc_collector_clear_out(col);
    col->oom = 0;
    PyErr_NoMemory();
    return -1;
  }
  ctx.file = p->file;
  ctx.source = pyrc_str.source_stream;
  ctx.request = p->request;
  ctx.pushed = p->pushed;
  ctx.pushed_base = p->pushed_base;
  if (pyrc_records_to_list(col, &ctx, p->queue) != 0)
    return -1;
  /* The requests consumed are not needed any more. */
  if (col->req_consumed > p->pushed_base) {
    Py_ssize_t k = (Py_ssize_t)(col->req_consumed - p->pushed_base);
    if (k > PyList_GET_SIZE(p->pushed))
      k = PyList_GET_SIZE(p->pushed);
    if (PyList_SetSlice(p->pushed, 0, k, NULL) != 0)
      return -1;
    p->pushed_base += (uint64_t)k;
  }
  if (p->on_response == NULL)
    return 0;
  while (p->qhead < (n = PyList_GET_SIZE(p->queue))) {
    PyObject *r = PyList_GET_ITEM(p->queue, p->qhead), *res;
    Py_INCREF(r);
    p->qhead++;
    res = PyObject_CallOneArg(p->on_response, r);
    Py_DECREF(r);
    if (res == NULL) {
      /* Drop what was delivered. */
      if (PyList_SetSlice(p->queue, 0, p->qhead, NULL) == 0)
        p->qhead = 0;
      return -1;
    }
    Py_DECREF(res);
  }
  if (PyList_SetSlice(p->queue, 0, n, NULL) != 0)
    return -1;
  p->qhead = 0;
  return 0;
}

static PyObject *raise_stream_error(parser_object_t *p, respcheck_errno_t err) {
  respcheck_parser_t *ps = p->engine->parser;
  if (p->error == NULL) {
    PyObject *type, *value, *tb;
    pyrc_raise(pyrc_StreamError, err, respcheck_parser_error_reason(ps),
               respcheck_parser_error_offset(ps));
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (value != NULL) {
      Py_INCREF(value);
      p->error = value;
    }
    PyErr_Restore(type, value, tb);
    return NULL;
  }
  PyErr_SetObject(pyrc_StreamError, p->error);
  return NULL;
}

static PyObject *parser_feed(PyObject *self, PyObject *arg) {
  parser_object_t *p = (parser_object_t *)self;
  Py_buffer view;
  respcheck_errno_t err;
  PyThreadState *ts;
  int rc;
  if (ready(p) != 0)
    return NULL;
  if (p->finished) {
    pyrc_raise(pyrc_Error, RESPCHECK_E_FINISHED,
               "feed() after finish(): reset() starts a new stream",
               respcheck_parser_offset(p->engine->parser));
    return NULL;
  }
  if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) != 0)
    return NULL;
  p->busy = 1;
  ts = PyEval_SaveThread();
  err =
      pyrc_feed(&p->engine->col, p->engine->parser, view.buf, (size_t)view.len);
  /* The buffer goes: the line map reads what it has not seen yet. */
  pyrc_release_data(&p->engine->col);
  PyEval_RestoreThread(ts);
  PyBuffer_Release(&view);
  rc = deliver(p);
  p->busy = 0;
  if (rc != 0)
    return NULL;
  if (err != RESPCHECK_E_OK)
    return raise_stream_error(p, err);
  Py_RETURN_NONE;
}

static PyObject *parser_finish(PyObject *self, PyObject *unused) {
  parser_object_t *p = (parser_object_t *)self;
  int rc;
  (void)unused;
  if (ready(p) != 0)
    return NULL;
  if (p->finished) {
    pyrc_raise(pyrc_Error, RESPCHECK_E_FINISHED, "finish() was called already",
               respcheck_parser_offset(p->engine->parser));
    return NULL;
  }
  p->finished = 1;
  p->busy = 1;
  (void)respcheck_finish(p->engine->parser);
  pyrc_end_stream(&p->engine->col);
  rc = deliver(p);
  p->busy = 0;
  if (rc != 0)
    return NULL;
  Py_RETURN_NONE;
}

static PyObject *parser_push_request(PyObject *self, PyObject *args,
                                     PyObject *kwds) {
  static char k_method[] = "method", k_version[] = "version",
              k_target[] = "target";
  static char *kwlist[] = {k_method, k_version, k_target, NULL};
  parser_object_t *p = (parser_object_t *)self;
  PyObject *method, *version = NULL, *target = NULL, *d;
  respcheck_request_t req = {RESPCHECK_METHOD_GET, 1, 1,
                             RESPCHECK_TRANSPORT_UNKNOWN};
  respcheck_errno_t err;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OO:push_request", kwlist,
                                   &method, &version, &target))
    return NULL;
  if (ready(p) != 0)
    return NULL;
  if (method == Py_None) {
    PyErr_SetString(PyExc_TypeError, "method must be a str");
    return NULL;
  }
  if (pyrc_request_from(&req, method, version) != 0)
    return NULL;
  if (target != NULL && target != Py_None && !PyUnicode_Check(target)) {
    PyErr_SetString(PyExc_TypeError, "target must be a str or None");
    return NULL;
  }
  if (version == NULL || version == Py_None)
    version = PyDict_GetItem(pyrc_str.request_get, pyrc_str.k_version);
  d = pyrc_request_dict(method, target, version);
  if (d == NULL)
    return NULL;
  err = respcheck_push_request(p->engine->parser, &req);
  if (err != RESPCHECK_E_OK) {
    pyrc_raise(
        pyrc_Error, err,
        err == RESPCHECK_E_FULL
            ? "the request queue is full (limits['max_pending_requests'])"
            : NULL,
        respcheck_parser_offset(p->engine->parser));
    Py_DECREF(d);
    return NULL;
  }
  pyrc_note_request(&p->engine->col);
  if (PyList_Append(p->pushed, d) != 0) {
    Py_DECREF(d);
    return NULL;
  }
  Py_DECREF(d);
  Py_RETURN_NONE;
}

static PyObject *parser_reset(PyObject *self, PyObject *unused) {
  parser_object_t *p = (parser_object_t *)self;
  (void)unused;
  if (ready(p) != 0)
    return NULL;
  pyrc_engine_reset(p->engine);
  if (PyList_SetSlice(p->queue, 0, PyList_GET_SIZE(p->queue), NULL) != 0)
    return NULL;
  p->qhead = 0;
  if (PyList_SetSlice(p->pushed, 0, PyList_GET_SIZE(p->pushed), NULL) != 0)
    return NULL;
  p->pushed_base = 0;
  Py_CLEAR(p->error);
  p->finished = 0;
  Py_RETURN_NONE;
}

static PyObject *parser_iter(PyObject *self) {
  Py_INCREF(self);
  return self;
}

static PyObject *parser_next(PyObject *self) {
  parser_object_t *p = (parser_object_t *)self;
  PyObject *r;
  Py_ssize_t n;
  if (p->queue == NULL || p->qhead >= (n = PyList_GET_SIZE(p->queue)))
    return NULL; /* StopIteration */
  r = PyList_GET_ITEM(p->queue, p->qhead);
  Py_INCREF(r);
  p->qhead++;
  /* Drop the delivered ones now and then (amortised O(1)). */
  if (p->qhead == n || p->qhead > 64) {
    if (PyList_SetSlice(p->queue, 0, p->qhead, NULL) != 0) {
      Py_DECREF(r);
      return NULL;
    }
    p->qhead = 0;
  }
  return r;
}

static PyObject *parser_get_offset(PyObject *self, void *closure) {
  parser_object_t *p = (parser_object_t *)self;
  (void)closure;
  if (p->engine == NULL)
    return PyLong_FromLong(0);
  return PyLong_FromUnsignedLongLong(
      respcheck_parser_offset(p->engine->parser));
}

static PyObject *parser_get_response_count(PyObject *self, void *closure) {
  parser_object_t *p = (parser_object_t *)self;
  (void)closure;
  if (p->engine == NULL)
    return PyLong_FromLong(0);
  return PyLong_FromUnsignedLongLong(
      respcheck_parser_response_count(p->engine->parser));
}

static PyObject *parser_get_in_tunnel(PyObject *self, void *closure) {
  parser_object_t *p = (parser_object_t *)self;
  (void)closure;
  return PyBool_FromLong(p->engine != NULL &&
                         respcheck_parser_in_tunnel(p->engine->parser));
}

static PyObject *parser_get_error(PyObject *self, void *closure) {
  parser_object_t *p = (parser_object_t *)self;
  (void)closure;
  if (p->error == NULL)
    Py_RETURN_NONE;
  Py_INCREF(p->error);
  return p->error;
}

static PyObject *parser_get_finished(PyObject *self, void *closure) {
  (void)closure;
  return PyBool_FromLong(((parser_object_t *)self)->finished);
}

static PyObject *parser_get_pending(PyObject *self, void *closure) {
  parser_object_t *p = (parser_object_t *)self;
  (void)closure;
  return PyLong_FromSsize_t(
      p->queue != NULL ? PyList_GET_SIZE(p->queue) - p->qhead : 0);
}

static PyMethodDef parser_methods[] = {
    {"feed", parser_feed, METH_O,
     "feed(data)\n--\n\nThe next bytes of the stream (bytes-like), in any "
     "chunking. Completed\nresponses go to on_response, or to the queue. "
     "Raises StreamError (with\n.offset) once the parser cannot read on; the "
     "responses up to there are\ndelivered first."},
    {"finish", parser_finish, METH_NOARGS,
     "finish()\n--\n\nThe stream has ended: a read-to-close body completes, "
     "a response cut short\ngets message-truncated, and every response still "
     "pending is delivered."},
    {"push_request", (PyCFunction)(void (*)(void))parser_push_request,
     METH_VARARGS | METH_KEYWORDS,
     "push_request(method, version='1.1', target=None)\n--\n\nQueues the "
     "request context of the next response that has none yet\n(pipelining): "
     "its method and version decide the framing; all three are\nthe records' "
     "'request'. Raises Error (name 'FULL') when max_pending_requests\nare "
     "queued."},
    {"reset", parser_reset, METH_NOARGS,
     "reset()\n--\n\nStarts a new stream with the same options; queued "
     "responses are dropped."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef parser_getset[] = {
    {"offset", parser_get_offset, NULL,
     "Absolute offset of the next byte the parser reads.", NULL},
    {"response_count", parser_get_response_count, NULL,
     "Responses begun so far.", NULL},
    {"in_tunnel", parser_get_in_tunnel, NULL,
     "The stream has left HTTP (after a 101 or a CONNECT tunnel).", NULL},
    {"error", parser_get_error, NULL, "The StreamError feed() raised, or None.",
     NULL},
    {"finished", parser_get_finished, NULL, "finish() was called.", NULL},
    {"pending", parser_get_pending, NULL,
     "Responses in the queue, not yet taken.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject pyrc_ParserType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "respcheck.Parser",
    .tp_basicsize = sizeof(parser_object_t),
    .tp_dealloc = parser_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc =
        "Parser(*, method='GET', request_version='1.1', rules=None, "
        "limits=None,\n       on_response=None, file='-')\n\n"
        "A streaming parser for one connection's responses. feed() the bytes "
        "in\nany chunks, push_request() the request contexts when known, "
        "finish() at\nthe end. Each Response goes to on_response(response) "
        "when given, else\nwaits in a queue: iterating the parser takes them "
        "(and stops when the\nqueue is empty; iterate again after the next "
        "feed).",
    .tp_traverse = parser_traverse,
    .tp_clear = parser_clear,
    .tp_iter = parser_iter,
    .tp_iternext = parser_next,
    .tp_methods = parser_methods,
    .tp_getset = parser_getset,
    .tp_init = parser_init,
    .tp_new = PyType_GenericNew,
};

int pyrc_parser_ready(PyObject *module) {
  if (PyType_Ready(&pyrc_ParserType) < 0)
    return -1;
  Py_INCREF(&pyrc_ParserType);
  if (PyModule_AddObject(module, "Parser", (PyObject *)&pyrc_ParserType) < 0)
    return -1;
  return 0;
}
