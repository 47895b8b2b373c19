/* SPDX-License-Identifier: MIT */
/*
 * respcheck.Response and respcheck.Finding: read-only views of one packed
 * record (collect.h), copied whole into the Response object. Attributes are
 * named like the command's JSON Lines fields and made on first access;
 * to_dict() gives the command's JSON object for the response, key for key.
 */
#include "module.h"
#include "record.h"

#include <stddef.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Finding. */

typedef struct finding_object {
  PyObject_HEAD PyObject *message;
  uint64_t offset, line, column;
  int rule;
  unsigned char severity, located, no_offset;
} finding_object_t;

static void finding_dealloc(PyObject *self) {
  finding_object_t *f = (finding_object_t *)self;
  Py_XDECREF(f->message);
  PyObject_Free(self);
}

static PyObject *finding_rule(PyObject *self, void *closure) {
  finding_object_t *f = (finding_object_t *)self;
  PyObject *v = pyrc_rule_id_obj(f->rule);
  (void)closure;
  Py_INCREF(v);
  return v;
}

static PyObject *severity_str(unsigned sev) {
  PyObject *v = pyrc_str.severity[sev < 4 ? sev : 0];
  Py_INCREF(v);
  return v;
}

static PyObject *finding_severity(PyObject *self, void *closure) {
  (void)closure;
  return severity_str(((finding_object_t *)self)->severity);
}

static PyObject *finding_offset(PyObject *self, void *closure) {
  (void)closure;
  if (((finding_object_t *)self)->no_offset)
    Py_RETURN_NONE;
  return PyLong_FromUnsignedLongLong(((finding_object_t *)self)->offset);
}

static PyObject *finding_line(PyObject *self, void *closure) {
  finding_object_t *f = (finding_object_t *)self;
  (void)closure;
  if (!f->located)
    Py_RETURN_NONE;
  return PyLong_FromUnsignedLongLong(f->line);
}

static PyObject *finding_column(PyObject *self, void *closure) {
  finding_object_t *f = (finding_object_t *)self;
  (void)closure;
  if (!f->located)
    Py_RETURN_NONE;
  return PyLong_FromUnsignedLongLong(f->column);
}

static PyObject *finding_message(PyObject *self, void *closure) {
  finding_object_t *f = (finding_object_t *)self;
  (void)closure;
  Py_INCREF(f->message);
  return f->message;
}

static PyObject *finding_reference(PyObject *self, void *closure) {
  finding_object_t *f = (finding_object_t *)self;
  PyObject *v;
  (void)closure;
  v = pyrc_rule_ref_obj(f->rule);
  Py_INCREF(v);
  return v;
}

/* Sets key to a new reference, which it consumes. */
static int dict_set_new(PyObject *d, PyObject *key, PyObject *value) {
  int rc;
  if (value == NULL)
    return -1;
  rc = PyDict_SetItem(d, key, value);
  Py_DECREF(value);
  return rc;
}

static PyObject *finding_to_dict(PyObject *self, PyObject *unused) {
  PyObject *d = PyDict_New();
  (void)unused;
  if (d == NULL)
    return NULL;
  if (dict_set_new(d, pyrc_str.k_rule, finding_rule(self, NULL)) != 0 ||
      dict_set_new(d, pyrc_str.k_severity, finding_severity(self, NULL)) != 0 ||
      dict_set_new(d, pyrc_str.k_offset, finding_offset(self, NULL)) != 0 ||
      dict_set_new(d, pyrc_str.k_line, finding_line(self, NULL)) != 0 ||
      dict_set_new(d, pyrc_str.k_column, finding_column(self, NULL)) != 0 ||
      dict_set_new(d, pyrc_str.k_message, finding_message(self, NULL)) != 0 ||
      dict_set_new(d, pyrc_str.k_reference, finding_reference(self, NULL)) !=
          0) {
    Py_DECREF(d);
    return NULL;
  }
  return d;
}

static PyObject *finding_repr(PyObject *self) {
  finding_object_t *f = (finding_object_t *)self;
  return PyUnicode_FromFormat(
      "<Finding %U %U at %llu: %R>", pyrc_rule_id_obj(f->rule),
      pyrc_str.severity[f->severity < 4 ? f->severity : 0],
      (unsigned long long)f->offset, f->message);
}

static PyGetSetDef finding_getset[] = {
    {"rule", finding_rule, NULL, "Rule id ('allow-missing', ...).", NULL},
    {"severity", finding_severity, NULL, "'info', 'warning' or 'error'.", NULL},
    {"offset", finding_offset, NULL, "Absolute byte offset in the stream.",
     NULL},
    {"line", finding_line, NULL,
     "1-based line of the offset (LF-counted), or None when it cannot be "
     "placed.",
     NULL},
    {"column", finding_column, NULL,
     "1-based byte column of the offset, or None.", NULL},
    {"message", finding_message, NULL, "What is wrong, in words.", NULL},
    {"reference", finding_reference, NULL, "The RFC section(s) of the rule.",
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef finding_methods[] = {
    {"to_dict", finding_to_dict, METH_NOARGS,
     "to_dict()\n--\n\nThe finding as the command's JSON object: rule, "
     "severity, offset, line,\ncolumn, message, reference."},
    {NULL, NULL, 0, NULL},
};

PyTypeObject pyrc_FindingType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "respcheck.Finding",
    .tp_basicsize = sizeof(finding_object_t),
    .tp_dealloc = finding_dealloc,
    .tp_repr = finding_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A finding: one rule that fired on one response, at one offset.",
    .tp_methods = finding_methods,
    .tp_getset = finding_getset,
};

/* ------------------------------------------------------------------------ */
/* Response. */

typedef struct response_object {
  PyObject_VAR_HEAD PyObject *file;
  PyObject *source;  /* a dict, shared: handed out as copies */
  PyObject *request; /* a dict or None, shared likewise */
  /* Made on first access. */
  PyObject *reason, *headers, *findings;
  /* The record, with its fields, findings and strings after it. */
  pyrc_record_t rec;
} response_object_t;

static void response_dealloc(PyObject *self) {
  response_object_t *r = (response_object_t *)self;
  Py_XDECREF(r->file);
  Py_XDECREF(r->source);
  Py_XDECREF(r->request);
  Py_XDECREF(r->reason);
  Py_XDECREF(r->headers);
  Py_XDECREF(r->findings);
  PyObject_Free(self);
}

#define REC(self) (&((response_object_t *)(self))->rec)

static PyObject *response_file(PyObject *self, void *closure) {
  PyObject *v = ((response_object_t *)self)->file;
  (void)closure;
  Py_INCREF(v);
  return v;
}

/* source and request are shared by the records of a stream: read-only
 * views of them are handed out (to_dict() copies). */
static PyObject *response_source(PyObject *self, void *closure) {
  (void)closure;
  return PyDictProxy_New(((response_object_t *)self)->source);
}

static PyObject *response_request(PyObject *self, void *closure) {
  PyObject *v = ((response_object_t *)self)->request;
  (void)closure;
  if (v == Py_None) {
    Py_INCREF(v);
    return v;
  }
  return PyDictProxy_New(v);
}

static PyObject *copy_or_none(PyObject *v) {
  if (v == Py_None) {
    Py_INCREF(v);
    return v;
  }
  return PyDict_Copy(v);
}

static PyObject *response_index(PyObject *self, void *closure) {
  (void)closure;
  return PyLong_FromUnsignedLongLong(REC(self)->index);
}

static PyObject *response_offset(PyObject *self, void *closure) {
  (void)closure;
  if (REC(self)->no_offsets)
    Py_RETURN_NONE;
  return PyLong_FromUnsignedLongLong(REC(self)->offset);
}

static PyObject *response_end_offset(PyObject *self, void *closure) {
  (void)closure;
  if (!REC(self)->has_end || REC(self)->no_offsets)
    Py_RETURN_NONE;
  return PyLong_FromUnsignedLongLong(REC(self)->end_offset);
}

static PyObject *response_version(PyObject *self, void *closure) {
  const pyrc_record_t *r = REC(self);
  (void)closure;
  if (!r->has_head)
    Py_RETURN_NONE;
  if (r->version_major <= 1 && r->version_minor <= 1) {
    PyObject *v = pyrc_str.versions[r->version_major][r->version_minor];
    Py_INCREF(v);
    return v;
  }
  return PyUnicode_FromFormat("%u.%u", (unsigned)r->version_major,
                              (unsigned)r->version_minor);
}

static PyObject *response_status(PyObject *self, void *closure) {
  (void)closure;
  if (!REC(self)->has_head)
    Py_RETURN_NONE;
  return PyLong_FromLong(REC(self)->status);
}

static PyObject *response_effective_status(PyObject *self, void *closure) {
  (void)closure;
  if (!REC(self)->has_head)
    Py_RETURN_NONE;
  return PyLong_FromLong(REC(self)->effective_status);
}

static PyObject *response_reason(PyObject *self, void *closure) {
  response_object_t *o = (response_object_t *)self;
  const pyrc_record_t *r = &o->rec;
  (void)closure;
  if (!r->has_head)
    Py_RETURN_NONE;
  if (o->reason == NULL) {
    o->reason = pyrc_text(pyrc_record_blob(r) + r->reason_off, r->reason_len);
    if (o->reason == NULL)
      return NULL;
  }
  Py_INCREF(o->reason);
  return o->reason;
}

static PyObject *response_registered(PyObject *self, void *closure) {
  (void)closure;
  return PyBool_FromLong(REC(self)->registered);
}

/* A tuple of (name, value) tuples. */
static PyObject *response_headers(PyObject *self, void *closure) {
  response_object_t *o = (response_object_t *)self;
  const pyrc_record_t *r = &o->rec;
  (void)closure;
  if (o->headers == NULL) {
    const pyrc_field_t *f = pyrc_record_fields(r);
    const char *blob = pyrc_record_blob(r);
    Py_ssize_t i, n = (Py_ssize_t)r->field_count;
    PyObject *t = PyTuple_New(n);
    if (t == NULL)
      return NULL;
    for (i = 0; i < n; i++) {
      PyObject *pair = PyTuple_New(2), *name, *value;
      if (pair == NULL) {
        Py_DECREF(t);
        return NULL;
      }
      PyTuple_SET_ITEM(t, i, pair);
      name = pyrc_text(blob + f[i].name_off, f[i].name_len);
      if (name == NULL) {
        Py_DECREF(t);
        return NULL;
      }
      PyTuple_SET_ITEM(pair, 0, name);
      value = pyrc_text(blob + f[i].value_off, f[i].value_len);
      if (value == NULL) {
        Py_DECREF(t);
        return NULL;
      }
      PyTuple_SET_ITEM(pair, 1, value);
    }
    o->headers = t;
  }
  Py_INCREF(o->headers);
  return o->headers;
}

static PyObject *response_verdict(PyObject *self, void *closure) {
  PyObject *v = REC(self)->reject ? pyrc_str.reject : pyrc_str.accept;
  (void)closure;
  Py_INCREF(v);
  return v;
}

static PyObject *response_complete(PyObject *self, void *closure) {
  (void)closure;
  return PyBool_FromLong(REC(self)->complete);
}

/* A tuple of Finding. */
static PyObject *response_findings(PyObject *self, void *closure) {
  response_object_t *o = (response_object_t *)self;
  const pyrc_record_t *r = &o->rec;
  (void)closure;
  if (o->findings == NULL) {
    const pyrc_rfinding_t *rf = pyrc_record_findings(r);
    const char *blob = pyrc_record_blob(r);
    Py_ssize_t i, n = (Py_ssize_t)r->finding_count;
    PyObject *t = PyTuple_New(n);
    if (t == NULL)
      return NULL;
    for (i = 0; i < n; i++) {
      finding_object_t *f = PyObject_New(finding_object_t, &pyrc_FindingType);
      if (f == NULL) {
        Py_DECREF(t);
        return NULL;
      }
      f->message = NULL;
      f->offset = rf[i].offset;
      f->line = rf[i].line;
      f->column = rf[i].column;
      f->rule = rf[i].rule;
      f->severity = rf[i].severity;
      f->located = rf[i].located;
      f->no_offset = r->no_offsets;
      PyTuple_SET_ITEM(t, i, (PyObject *)f);
      f->message = pyrc_text(blob + rf[i].msg_off, rf[i].msg_len);
      if (f->message == NULL) {
        Py_DECREF(t);
        return NULL;
      }
    }
    o->findings = t;
  }
  Py_INCREF(o->findings);
  return o->findings;
}

static PyObject *response_findings_dropped(PyObject *self, void *closure) {
  (void)closure;
  return PyLong_FromUnsignedLongLong(REC(self)->findings_dropped);
}

static PyObject *headers_as_lists(PyObject *self) {
  PyObject *t = response_headers(self, NULL), *list;
  Py_ssize_t i, n;
  if (t == NULL)
    return NULL;
  n = PyTuple_GET_SIZE(t);
  list = PyList_New(n);
  for (i = 0; list != NULL && i < n; i++) {
    PyObject *pair = PyTuple_GET_ITEM(t, i);
    PyObject *l = PyList_New(2);
    if (l == NULL) {
      Py_CLEAR(list);
      break;
    }
    Py_INCREF(PyTuple_GET_ITEM(pair, 0));
    Py_INCREF(PyTuple_GET_ITEM(pair, 1));
    PyList_SET_ITEM(l, 0, PyTuple_GET_ITEM(pair, 0));
    PyList_SET_ITEM(l, 1, PyTuple_GET_ITEM(pair, 1));
    PyList_SET_ITEM(list, i, l);
  }
  Py_DECREF(t);
  return list;
}

static PyObject *findings_as_dicts(PyObject *self) {
  PyObject *t = response_findings(self, NULL), *list;
  Py_ssize_t i, n;
  if (t == NULL)
    return NULL;
  n = PyTuple_GET_SIZE(t);
  list = PyList_New(n);
  for (i = 0; list != NULL && i < n; i++) {
    PyObject *d = finding_to_dict(PyTuple_GET_ITEM(t, i), NULL);
    if (d == NULL) {
      Py_CLEAR(list);
      break;
    }
    PyList_SET_ITEM(list, i, d);
  }
  Py_DECREF(t);
  return list;
}

static PyObject *response_to_dict(PyObject *self, PyObject *unused) {
  PyObject *d = PyDict_New();
  (void)unused;
  if (d == NULL)
    return NULL;
  if (dict_set_new(d, pyrc_str.k_file, response_file(self, NULL)) != 0 ||
      dict_set_new(d, pyrc_str.k_source,
                   PyDict_Copy(((response_object_t *)self)->source)) != 0 ||
      dict_set_new(d, pyrc_str.k_request,
                   copy_or_none(((response_object_t *)self)->request)) != 0 ||
      dict_set_new(d, pyrc_str.k_index, response_index(self, NULL)) != 0 ||
      dict_set_new(d, pyrc_str.k_offset, response_offset(self, NULL)) != 0 ||
      dict_set_new(d, pyrc_str.k_end_offset, response_end_offset(self, NULL)) !=
          0 ||
      dict_set_new(d, pyrc_str.k_version, response_version(self, NULL)) != 0 ||
      dict_set_new(d, pyrc_str.k_status, response_status(self, NULL)) != 0 ||
      dict_set_new(d, pyrc_str.k_reason, response_reason(self, NULL)) != 0 ||
      dict_set_new(d, pyrc_str.k_effective_status,
                   response_effective_status(self, NULL)) != 0 ||
      dict_set_new(d, pyrc_str.k_registered, response_registered(self, NULL)) !=
          0 ||
      dict_set_new(d, pyrc_str.k_headers, headers_as_lists(self)) != 0 ||
      dict_set_new(d, pyrc_str.k_verdict, response_verdict(self, NULL)) != 0 ||
      dict_set_new(d, pyrc_str.k_complete, response_complete(self, NULL)) !=
          0 ||
      dict_set_new(d, pyrc_str.k_findings, findings_as_dicts(self)) != 0 ||
      (REC(self)->findings_dropped > 0 &&
       dict_set_new(d, pyrc_str.k_findings_dropped,
                    response_findings_dropped(self, NULL)) != 0)) {
    Py_DECREF(d);
    return NULL;
  }
  return d;
}

/* ------------------------------------------------------------------------ */
/* to_json(): the command's own record writer (tools/common/record.c), fed
 * from the packed record, so the line is the command's byte for byte. */

/* UTF-8 of a str, or its file system bytes for a str that is not text (a
 * path with undecodable bytes, as os.fsdecode gives). New reference. */
static PyObject *str_bytes(PyObject *s) {
  PyObject *b = PyUnicode_AsUTF8String(s);
  if (b == NULL && PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
    PyErr_Clear();
    b = PyUnicode_EncodeFSDefault(s);
  }
  return b;
}

/* The strings to_json keeps alive while it writes. */
#define JSON_KEEP 24

typedef struct json_ctx {
  PyObject *keep[JSON_KEEP];
  int nkeep;
} json_ctx_t;

/* Bytes of a str value, kept in ctx; NULL with an exception set. */
static const char *keep_bytes(json_ctx_t *ctx, PyObject *s, size_t *len) {
  PyObject *b;
  if (ctx->nkeep == JSON_KEEP) {
    PyErr_SetString(PyExc_ValueError, "to_json: too many strings");
    return NULL;
  }
  b = str_bytes(s);
  if (b == NULL)
    return NULL;
  ctx->keep[ctx->nkeep++] = b;
  *len = (size_t)PyBytes_GET_SIZE(b);
  return PyBytes_AS_STRING(b);
}

/* "source": {"kind": ..., members} from the dict (str, int or None). */
static int render_source(json_ctx_t *ctx, PyObject *dict, rc_buf_t *out) {
  rc_source_t src;
  rc_sink_t sink = {NULL, out};
  PyObject *key, *value;
  Py_ssize_t pos = 0;
  size_t len;
  memset(&src, 0, sizeof src);
  src.kind = "?";
  while (PyDict_Next(dict, &pos, &key, &value)) {
    const char *k = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
    if (k == NULL) {
      PyErr_SetString(PyExc_TypeError, "to_json: source keys must be str");
      return -1;
    }
    if (strcmp(k, "kind") == 0) {
      if (!PyUnicode_Check(value) ||
          (src.kind = keep_bytes(ctx, value, &len)) == NULL) {
        if (!PyErr_Occurred())
          PyErr_SetString(PyExc_TypeError, "to_json: kind must be str");
        return -1;
      }
    } else if (value == Py_None) {
      if (src.nfields < RC_SOURCE_MAX_FIELDS)
        src.fields[src.nfields++].key = k;
    } else if (PyLong_Check(value)) {
      unsigned long long v = PyLong_AsUnsignedLongLong(value);
      if (v == (unsigned long long)-1 && PyErr_Occurred())
        return -1;
      rc_source_number(&src, k, (uint64_t)v);
    } else if (PyUnicode_Check(value)) {
      const char *v = keep_bytes(ctx, value, &len);
      if (v == NULL)
        return -1;
      rc_source_string(&src, k, v, len);
    } else {
      PyErr_SetString(PyExc_TypeError,
                      "to_json: source values must be str, int or None");
      return -1;
    }
  }
  rc_record_source(&sink, &src);
  return 0;
}

/* "request" from the dict (or None). */
static int render_request(json_ctx_t *ctx, PyObject *dict, rc_buf_t *out) {
  rc_request_info_t req;
  rc_sink_t sink = {NULL, out};
  PyObject *m, *t, *v;
  size_t len;
  const char *vs;
  if (dict == Py_None) {
    rc_record_request(&sink, NULL);
    return 0;
  }
  memset(&req, 0, sizeof req);
  m = PyDict_GetItem(dict, pyrc_str.k_method);
  t = PyDict_GetItem(dict, pyrc_str.k_target);
  v = PyDict_GetItem(dict, pyrc_str.k_version);
  if (m != NULL && m != Py_None &&
      (req.method = keep_bytes(ctx, m, &len)) == NULL)
    return -1;
  if (t != NULL && t != Py_None &&
      (req.target = keep_bytes(ctx, t, &req.target_len)) == NULL)
    return -1;
  if (v == NULL || v == Py_None) {
    req.version_text = ""; /* null */
  } else {
    const char *p;
    vs = keep_bytes(ctx, v, &len);
    if (vs == NULL)
      return -1;
    /* "M.N" as numbers, as the records write them; any other text (a
     * browser export's "h2") as it is. */
    for (p = vs; *p >= '0' && *p <= '9' && req.version_major < 100; p++)
      req.version_major = req.version_major * 10 + (unsigned)(*p - '0');
    if (p > vs && *p == '.' && p[1] >= '0' && p[1] <= '9') {
      for (p++; *p >= '0' && *p <= '9' && req.version_minor < 100; p++)
        req.version_minor = req.version_minor * 10 + (unsigned)(*p - '0');
    }
    if (*p != '\0' || p == vs)
      req.version_text = vs;
  }
  req.target_cut = PyDict_GetItem(dict, pyrc_str.k_target_truncated) != NULL;
  rc_record_request(&sink, &req);
  return 0;
}

/* What the records of one stream share, rendered once: the last file,
 * source and request seen (held, so their identity stays meaningful; the
 * dicts are never changed once records hold them), and the output buffer.
 * Used with the GIL held only. */
static struct {
  int oom;
  PyObject *file, *file_bytes;
  PyObject *source, *request;
  rc_buf_t source_json, request_json, out;
  respcheck_header_t *fields;
  size_t fields_cap;
} jc;

/* Renders obj into buf unless *slot already is obj. */
static int cache_render(PyObject **slot, rc_buf_t *buf, PyObject *obj,
                        int (*render)(json_ctx_t *, PyObject *, rc_buf_t *)) {
  json_ctx_t ctx;
  int i, rc;
  if (*slot == obj)
    return 0;
  ctx.nkeep = 0;
  buf->len = 0;
  rc = render(&ctx, obj, buf);
  for (i = 0; i < ctx.nkeep; i++)
    Py_DECREF(ctx.keep[i]);
  if (rc != 0) {
    Py_CLEAR(*slot);
    return -1;
  }
  Py_INCREF(obj);
  Py_XSETREF(*slot, obj);
  return 0;
}

static int json_cache_shared(PyObject *file, PyObject *source,
                             PyObject *request) {
  if (jc.file != file) {
    PyObject *b = str_bytes(file);
    if (b == NULL)
      return -1;
    Py_INCREF(file);
    Py_XSETREF(jc.file, file);
    Py_XSETREF(jc.file_bytes, b);
  }
  if (cache_render(&jc.source, &jc.source_json, source, render_source) != 0 ||
      cache_render(&jc.request, &jc.request_json, request, render_request) != 0)
    return -1;
  return 0;
}

static PyObject *response_to_json(PyObject *self, PyObject *unused) {
  response_object_t *o = (response_object_t *)self;
  const pyrc_record_t *r = &o->rec;
  const char *blob = pyrc_record_blob(r);
  const pyrc_rfinding_t *rf = pyrc_record_findings(r);
  rc_sink_t sink = {NULL, &jc.out};
  rc_record_t rec;
  respcheck_response_t head;
  PyObject *result;
  uint32_t k;
  Py_ssize_t n;
  int i;
  (void)unused;
  jc.out.oom = jc.source_json.oom = jc.request_json.oom = &jc.oom;
  jc.oom = 0;
  if (json_cache_shared(o->file, o->source, o->request) != 0)
    return NULL;
  memset(&rec, 0, sizeof rec);
  rec.file = PyBytes_AS_STRING(jc.file_bytes);
  rec.file_len = (size_t)PyBytes_GET_SIZE(jc.file_bytes);
  rec.source_json = jc.source_json.p;
  rec.source_json_len = jc.source_json.len;
  rec.request_json = jc.request_json.p;
  rec.request_json_len = jc.request_json.len;
  rec.index = r->index;
  rec.offset = r->offset;
  rec.have_end = r->has_end;
  rec.end_offset = r->end_offset;
  rec.no_offsets = r->no_offsets;
  rec.headers = 1;
  rec.reject = r->reject;
  rec.complete = r->complete;
  if (r->has_head) {
    const pyrc_field_t *f = pyrc_record_fields(r);
    memset(&head, 0, sizeof head);
    head.version_major = r->version_major;
    head.version_minor = r->version_minor;
    head.status = r->status;
    head.effective_status = r->effective_status;
    head.info = respcheck_status_lookup(r->status);
    head.reason.ptr = blob + r->reason_off;
    head.reason.len = r->reason_len;
    if (r->field_count > jc.fields_cap) {
      respcheck_header_t *nf =
          PyMem_Realloc(jc.fields, r->field_count * sizeof *nf);
      if (nf == NULL)
        return PyErr_NoMemory();
      jc.fields = nf;
      jc.fields_cap = r->field_count;
    }
    for (k = 0; k < r->field_count; k++) {
      jc.fields[k].name.ptr = blob + f[k].name_off;
      jc.fields[k].name.len = f[k].name_len;
      jc.fields[k].value.ptr = blob + f[k].value_off;
      jc.fields[k].value.len = f[k].value_len;
      jc.fields[k].offset = 0;
    }
    head.headers = jc.fields;
    head.header_count = r->field_count;
    rec.head = &head;
    rec.head_spans = 1;
  }
  jc.out.len = 0;
  rc_record_open(&sink, &rec);
  for (k = 0; k < r->finding_count; k++) {
    rc_record_finding_t f;
    i = rf[k].rule;
    f.rule = PyUnicode_AsUTF8AndSize(pyrc_rule_id_obj(i), &n);
    f.rule_len = (size_t)n;
    f.severity = rf[k].severity;
    f.offset = rf[k].offset;
    f.located = rf[k].located;
    f.no_offset = r->no_offsets;
    f.line = rf[k].line;
    f.column = rf[k].column;
    f.message = blob + rf[k].msg_off;
    f.message_len = rf[k].msg_len;
    f.reference = PyUnicode_AsUTF8AndSize(pyrc_rule_ref_obj(i), &n);
    f.reference_len = (size_t)n;
    rc_record_finding(&sink, &f, k);
  }
  rc_record_close(&sink, r->findings_dropped);
  if (jc.oom)
    result = PyErr_NoMemory();
  else /* without the newline the writer ends with */
    result =
        PyUnicode_DecodeUTF8(jc.out.p, (Py_ssize_t)jc.out.len - 1, "strict");
  /* A huge record's buffer is not kept. */
  if (jc.out.cap > ((size_t)1 << 20))
    rc_buf_free(&jc.out);
  return result;
}

static PyObject *response_repr(PyObject *self) {
  const pyrc_record_t *r = REC(self);
  PyObject *reason, *out;
  if (!r->has_head)
    return PyUnicode_FromFormat(
        "<Response %llu at %llu: no head, %s, %u "
        "finding%s>",
        (unsigned long long)r->index, (unsigned long long)r->offset,
        r->reject ? "reject" : "accept", (unsigned)r->finding_count,
        r->finding_count == 1 ? "" : "s");
  reason = response_reason(self, NULL);
  if (reason == NULL)
    return NULL;
  out = PyUnicode_FromFormat(
      "<Response %llu at %llu: HTTP/%u.%u %d %R, %s, %u finding%s>",
      (unsigned long long)r->index, (unsigned long long)r->offset,
      (unsigned)r->version_major, (unsigned)r->version_minor, r->status, reason,
      r->reject ? "reject" : "accept", (unsigned)r->finding_count,
      r->finding_count == 1 ? "" : "s");
  Py_DECREF(reason);
  return out;
}

static PyGetSetDef response_getset[] = {
    {"file", response_file, NULL,
     "The input's name: the path as given, or '-' for bytes.", NULL},
    {"source", response_source, NULL,
     "Where the response comes from, a read-only mapping: {'kind': "
     "'stream'} for a raw stream;\nother input kinds add members (a "
     "capture's flow, an archive's record).",
     NULL},
    {"request", response_request, NULL,
     "The request it answers, a read-only mapping {'method', 'target', "
     "'version'} (target\nNone when not known), or None.",
     NULL},
    {"index", response_index, NULL, "0-based response number in the stream.",
     NULL},
    {"offset", response_offset, NULL,
     "Absolute offset of the response's first byte.", NULL},
    {"end_offset", response_end_offset, NULL,
     "One past its last byte, or None when the response never ended.", NULL},
    {"version", response_version, NULL,
     "HTTP version as '1.1', or None without a head.", NULL},
    {"status", response_status, NULL,
     "Status code as read (0-999), or None without a head.", NULL},
    {"reason", response_reason, NULL, "Reason phrase, or None without a head.",
     NULL},
    {"effective_status", response_effective_status, NULL,
     "How a recipient must process the code (respcheck.status(c).effective), "
     "or None.",
     NULL},
    {"registered", response_registered, NULL,
     "The status code is registered with IANA.", NULL},
    {"headers", response_headers, NULL,
     "The header fields, a tuple of (name, value), in order.", NULL},
    {"verdict", response_verdict, NULL,
     "'reject' when the response has an error finding, else 'accept'.", NULL},
    {"complete", response_complete, NULL, "The response was read to its end.",
     NULL},
    {"findings", response_findings, NULL, "A tuple of Finding, in order.",
     NULL},
    {"findings_dropped", response_findings_dropped, NULL,
     "Findings beyond the kept maximum (counted, not kept); usually 0.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef response_methods[] = {
    {"to_json", response_to_json, METH_NOARGS,
     "to_json()\n--\n\nThe response as the respcheck command's JSON line "
     "(--format=json), written by\nthe command's own record writer: the same "
     "bytes, without the newline."},
    {"to_dict", response_to_dict, METH_NOARGS,
     "to_dict()\n--\n\nThe response as the respcheck command's JSON record "
     "(--format=json):\nthe same keys and values, headers as [name, value] "
     "lists and findings as\ndicts; findings_dropped only when non-zero."},
    {NULL, NULL, 0, NULL},
};

PyTypeObject pyrc_ResponseType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "respcheck.Response",
    .tp_basicsize = sizeof(response_object_t),
    .tp_itemsize = 1,
    .tp_dealloc = response_dealloc,
    .tp_repr = response_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One response of a stream, as the respcheck command's JSON "
              "record.\nAttributes are named like its fields; to_dict() "
              "gives the record.",
    .tp_methods = response_methods,
    .tp_getset = response_getset,
};

PyObject *pyrc_request_dict(PyObject *method, PyObject *target,
                            PyObject *version) {
  PyObject *d = PyDict_New();
  if (d == NULL)
    return NULL;
  if (PyDict_SetItem(d, pyrc_str.k_method, method) != 0 ||
      PyDict_SetItem(d, pyrc_str.k_target, target != NULL ? target : Py_None) !=
          0 ||
      PyDict_SetItem(d, pyrc_str.k_version, version) != 0) {
    Py_DECREF(d);
    return NULL;
  }
  return d;
}

/* A record's own source and request (pyrc_ctx_t), as dicts. */
static int ctx_dicts(const pyrc_record_t *rec, PyObject **source,
                     PyObject **request) {
  const pyrc_ctx_t *x = pyrc_record_ctx(rec);
  const char *blob = pyrc_record_blob(rec);
  PyObject *d, *v;
  uint32_t i;
  *source = *request = NULL;
  d = PyDict_New();
  if (d == NULL)
    return -1;
  *source = d;
  v = PyUnicode_FromString(x->kind);
  if (v == NULL || PyDict_SetItem(d, pyrc_str.k_kind, v) != 0)
    goto fail_v;
  Py_DECREF(v);
  for (i = 0; i < x->nfields && i < PYRC_CTX_FIELDS; i++) {
    const pyrc_ctx_field_t *f = &x->fields[i];
    if (f->type == RC_VALUE_NUMBER)
      v = PyLong_FromUnsignedLongLong(f->number);
    else if (f->type == RC_VALUE_STRING)
      v = pyrc_text(blob + f->str_off, f->str_len);
    else {
      v = Py_None;
      Py_INCREF(v);
    }
    if (v == NULL || PyDict_SetItemString(d, f->key, v) != 0)
      goto fail_v;
    Py_DECREF(v);
  }
  if (!x->has_request) {
    Py_INCREF(Py_None);
    *request = Py_None;
    return 0;
  }
  {
    PyObject *method = pyrc_text(blob + x->method_off, x->method_len);
    PyObject *target = x->has_target
                           ? pyrc_text(blob + x->target_off, x->target_len)
                           : (Py_INCREF(Py_None), Py_None);
    PyObject *version =
        x->version_text == 2 ? (Py_INCREF(Py_None), Py_None)
        : x->version_text == 1
            ? pyrc_text(blob + x->version_off, x->version_len)
            : PyUnicode_FromFormat("%u.%u", x->version_major, x->version_minor);
    if (method != NULL && target != NULL && version != NULL)
      *request = pyrc_request_dict(method, target, version);
    Py_XDECREF(method);
    Py_XDECREF(target);
    Py_XDECREF(version);
    if (*request == NULL)
      return -1;
    if (x->target_cut &&
        PyDict_SetItem(*request, pyrc_str.k_target_truncated, Py_True) != 0)
      return -1;
  }
  return 0;
fail_v:
  Py_XDECREF(v);
  return -1;
}

int pyrc_records_to_list(pyrc_collector_t *col, const pyrc_context_t *ctx,
                         PyObject *list) {
  size_t at = 0, i;
  for (i = 0; i < col->nrecords; i++) {
    const pyrc_record_t *rec =
        (const pyrc_record_t *)(const void *)(col->out.p + at);
    size_t extra = (size_t)rec->size - sizeof *rec;
    PyObject *request = ctx->request;
    response_object_t *o;
    int rc;
    if (rec->request_slot != PYRC_DEFAULT_REQUEST && ctx->pushed != NULL &&
        rec->request_slot >= ctx->pushed_base &&
        rec->request_slot - ctx->pushed_base <
            (uint64_t)PyList_GET_SIZE(ctx->pushed))
      request = PyList_GET_ITEM(
          ctx->pushed, (Py_ssize_t)(rec->request_slot - ctx->pushed_base));
    PyObject *own_source = NULL, *own_request = NULL;
    if (rec->has_ctx && ctx_dicts(rec, &own_source, &own_request) != 0) {
      Py_XDECREF(own_source);
      Py_XDECREF(own_request);
      return -1;
    }
    o = PyObject_NewVar(response_object_t, &pyrc_ResponseType,
                        (Py_ssize_t)extra);
    if (o == NULL) {
      Py_XDECREF(own_source);
      Py_XDECREF(own_request);
      return -1;
    }
    Py_INCREF(ctx->file);
    o->file = ctx->file;
    if (own_source != NULL) {
      o->source = own_source;
      o->request = own_request;
    } else {
      Py_INCREF(ctx->source);
      o->source = ctx->source;
      Py_INCREF(request);
      o->request = request;
    }
    o->reason = o->headers = o->findings = NULL;
    memcpy(&o->rec, rec, (size_t)rec->size);
    rc = PyList_Append(list, (PyObject *)o);
    Py_DECREF(o);
    if (rc != 0)
      return -1;
    at += (size_t)rec->size;
  }
  pyrc_collector_clear_out(col);
  return 0;
}

int pyrc_objects_ready(PyObject *module) {
  if (PyType_Ready(&pyrc_FindingType) < 0 ||
      PyType_Ready(&pyrc_ResponseType) < 0)
    return -1;
  Py_INCREF(&pyrc_FindingType);
  if (PyModule_AddObject(module, "Finding", (PyObject *)&pyrc_FindingType) < 0)
    return -1;
  Py_INCREF(&pyrc_ResponseType);
  if (PyModule_AddObject(module, "Response", (PyObject *)&pyrc_ResponseType) <
      0)
    return -1;
  return 0;
}
