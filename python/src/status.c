/* SPDX-License-Identifier: MIT */
/*
 * respcheck.Status and the registry functions: status(code),
 * status_by_name(name), status_by_phrase(phrase), statuses(). A Status is
 * the library's IANA registry entry (or an unregistered code) with what
 * http.HTTPStatus offers and more: state, reference, expiry, former phrases
 * and names, the effective status. Status objects are made once per code.
 */
#include "module.h"

#define PYRC_MAX_CODE 999

typedef struct status_object {
  PyObject_HEAD int code;
  const respcheck_status_info_t *info; /* NULL when unregistered */
} status_object_t;

/* Made on first use, kept for the module's life. */
static PyObject *status_cache[PYRC_MAX_CODE + 1];
static PyObject *state_names[6];

static PyObject *status_get(int code) {
  status_object_t *s;
  if (code < 0 || code > PYRC_MAX_CODE) {
    PyErr_Format(PyExc_ValueError, "status code %d is outside 0-999", code);
    return NULL;
  }
  if (status_cache[code] == NULL) {
    s = PyObject_New(status_object_t, &pyrc_StatusType);
    if (s == NULL)
      return NULL;
    s->code = code;
    s->info = respcheck_status_lookup(code);
    status_cache[code] = (PyObject *)s;
  }
  Py_INCREF(status_cache[code]);
  return status_cache[code];
}

#define INFO(self) (((status_object_t *)(self))->info)
#define CODE(self) (((status_object_t *)(self))->code)

static PyObject *str_or_none(const char *s) {
  if (s == NULL)
    Py_RETURN_NONE;
  return PyUnicode_FromString(s);
}

static PyObject *status_code(PyObject *self, void *closure) {
  (void)closure;
  return PyLong_FromLong(CODE(self));
}

static PyObject *status_name(PyObject *self, void *closure) {
  (void)closure;
  return str_or_none(INFO(self) ? INFO(self)->name : NULL);
}

static PyObject *status_phrase(PyObject *self, void *closure) {
  (void)closure;
  return str_or_none(INFO(self) ? INFO(self)->phrase : NULL);
}

static PyObject *status_description(PyObject *self, void *closure) {
  (void)closure;
  return str_or_none(INFO(self) ? INFO(self)->description : NULL);
}

static PyObject *status_reference(PyObject *self, void *closure) {
  (void)closure;
  return str_or_none(INFO(self) ? INFO(self)->reference : NULL);
}

static PyObject *status_expires(PyObject *self, void *closure) {
  (void)closure;
  return str_or_none(INFO(self) ? INFO(self)->expires : NULL);
}

static PyObject *status_state(PyObject *self, void *closure) {
  unsigned st = INFO(self) ? (unsigned)INFO(self)->state
                           : (unsigned)RESPCHECK_STATUS_UNREGISTERED;
  PyObject *v = state_names[st < 6 ? st : 0];
  (void)closure;
  Py_INCREF(v);
  return v;
}

static PyObject *str_tuple(const char *const *list) {
  Py_ssize_t n = 0, i;
  PyObject *t;
  while (list != NULL && list[n] != NULL)
    n++;
  t = PyTuple_New(n);
  for (i = 0; t != NULL && i < n; i++) {
    PyObject *s = PyUnicode_FromString(list[i]);
    if (s == NULL) {
      Py_CLEAR(t);
      break;
    }
    PyTuple_SET_ITEM(t, i, s);
  }
  return t;
}

static PyObject *status_aliases(PyObject *self, void *closure) {
  (void)closure;
  return str_tuple(INFO(self) ? INFO(self)->aliases : NULL);
}

static PyObject *status_name_aliases(PyObject *self, void *closure) {
  (void)closure;
  return str_tuple(INFO(self) ? INFO(self)->name_aliases : NULL);
}

static PyObject *status_is_registered(PyObject *self, void *closure) {
  (void)closure;
  return PyBool_FromLong(respcheck_status_is_registered(CODE(self)));
}

static PyObject *status_effective(PyObject *self, void *closure) {
  (void)closure;
  return PyLong_FromLong(respcheck_status_effective(CODE(self)));
}

static PyObject *status_is_informational(PyObject *self, void *closure) {
  (void)closure;
  return PyBool_FromLong(respcheck_status_is_informational(CODE(self)));
}

static PyObject *status_is_success(PyObject *self, void *closure) {
  (void)closure;
  return PyBool_FromLong(respcheck_status_is_success(CODE(self)));
}

static PyObject *status_is_redirection(PyObject *self, void *closure) {
  (void)closure;
  return PyBool_FromLong(respcheck_status_is_redirection(CODE(self)));
}

static PyObject *status_is_client_error(PyObject *self, void *closure) {
  (void)closure;
  return PyBool_FromLong(respcheck_status_is_client_error(CODE(self)));
}

static PyObject *status_is_server_error(PyObject *self, void *closure) {
  (void)closure;
  return PyBool_FromLong(respcheck_status_is_server_error(CODE(self)));
}

static PyObject *status_repr(PyObject *self) {
  const respcheck_status_info_t *info = INFO(self);
  if (info == NULL)
    return PyUnicode_FromFormat("<Status %d (unregistered)>", CODE(self));
  return PyUnicode_FromFormat("<Status %d %s '%s'>", CODE(self), info->name,
                              info->phrase);
}

static PyObject *status_int(PyObject *self) {
  return PyLong_FromLong(CODE(self));
}

static Py_hash_t status_hash(PyObject *self) {
  /* Equal to the int it compares equal to. */
  return (Py_hash_t)CODE(self);
}

static PyObject *status_richcompare(PyObject *a, PyObject *b, int op) {
  long x, y;
  if (!PyObject_TypeCheck(a, &pyrc_StatusType))
    Py_RETURN_NOTIMPLEMENTED;
  x = CODE(a);
  if (PyObject_TypeCheck(b, &pyrc_StatusType))
    y = CODE(b);
  else if (PyLong_Check(b) && !PyBool_Check(b)) {
    int overflow;
    y = PyLong_AsLongAndOverflow(b, &overflow);
    if (overflow)
      y = overflow > 0 ? PYRC_MAX_CODE + 1 : -1;
    else if (y == -1 && PyErr_Occurred())
      return NULL;
  } else
    Py_RETURN_NOTIMPLEMENTED;
  Py_RETURN_RICHCOMPARE(x, y, op);
}

static PyGetSetDef status_getset[] = {
    {"code", status_code, NULL, "The status code.", NULL},
    {"value", status_code, NULL, "The status code (as http.HTTPStatus).", NULL},
    {"name", status_name, NULL,
     "Enum-style name ('NOT_FOUND'), or None when unregistered.", NULL},
    {"phrase", status_phrase, NULL,
     "The registered reason phrase, or None when unregistered.", NULL},
    {"description", status_description, NULL,
     "One line saying what it means, or None when unregistered.", NULL},
    {"reference", status_reference, NULL,
     "Where it is defined ('RFC 9110, Section 15.5.5'), or None.", NULL},
    {"state", status_state, NULL,
     "'permanent', 'temporary', 'deprecated', 'obsoleted', 'reserved' or "
     "'unregistered'.",
     NULL},
    {"expires", status_expires, NULL,
     "Expiry date 'YYYY-MM-DD' of a temporary registration, else None.", NULL},
    {"aliases", status_aliases, NULL, "Former reason phrases, a tuple of str.",
     NULL},
    {"name_aliases", status_name_aliases, NULL,
     "Former enum-style names, a tuple of str.", NULL},
    {"is_registered", status_is_registered, NULL,
     "Registered (permanent, temporary, deprecated or obsoleted); reserved "
     "and unknown codes are not.",
     NULL},
    {"effective", status_effective, NULL,
     "How a recipient must process the code: itself when registered, the x00 "
     "of its class when\nunregistered or reserved (RFC 9110 15), 500 outside "
     "100-599.",
     NULL},
    {"is_informational", status_is_informational, NULL, "1xx.", NULL},
    {"is_success", status_is_success, NULL, "2xx.", NULL},
    {"is_redirection", status_is_redirection, NULL, "3xx.", NULL},
    {"is_client_error", status_is_client_error, NULL, "4xx.", NULL},
    {"is_server_error", status_is_server_error, NULL, "5xx.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyNumberMethods status_as_number = {
    .nb_int = status_int,
    .nb_index = status_int,
};

PyTypeObject pyrc_StatusType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "respcheck.Status",
    .tp_basicsize = sizeof(status_object_t),
    .tp_repr = status_repr,
    .tp_as_number = &status_as_number,
    .tp_hash = status_hash,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A status code and its IANA registry entry. Compares and "
              "hashes as its int.",
    .tp_richcompare = status_richcompare,
    .tp_getset = status_getset,
};

/* ------------------------------------------------------------------------ */
/* Functions. */

static PyObject *fn_status(PyObject *self, PyObject *arg) {
  long code;
  int overflow;
  (void)self;
  if (PyObject_TypeCheck(arg, &pyrc_StatusType)) {
    Py_INCREF(arg);
    return arg;
  }
  if (!PyLong_Check(arg) || PyBool_Check(arg)) {
    PyErr_SetString(PyExc_TypeError, "status() takes an int");
    return NULL;
  }
  code = PyLong_AsLongAndOverflow(arg, &overflow);
  if (code == -1 && PyErr_Occurred())
    return NULL;
  if (overflow || code < 0 || code > PYRC_MAX_CODE) {
    PyErr_Format(PyExc_ValueError, "status code %R is outside 0-999", arg);
    return NULL;
  }
  return status_get((int)code);
}

static PyObject *fn_status_by_name(PyObject *self, PyObject *arg) {
  const char *s;
  const respcheck_status_info_t *info;
  (void)self;
  if (!PyUnicode_Check(arg)) {
    PyErr_SetString(PyExc_TypeError, "status_by_name() takes a str");
    return NULL;
  }
  s = PyUnicode_AsUTF8(arg);
  if (s == NULL)
    return NULL;
  info = respcheck_status_by_name(s);
  if (info == NULL) {
    PyErr_SetObject(PyExc_KeyError, arg);
    return NULL;
  }
  return status_get(info->code);
}

static PyObject *fn_status_by_phrase(PyObject *self, PyObject *arg) {
  const char *s;
  Py_ssize_t n;
  const respcheck_status_info_t *info;
  (void)self;
  if (!PyUnicode_Check(arg)) {
    PyErr_SetString(PyExc_TypeError, "status_by_phrase() takes a str");
    return NULL;
  }
  s = PyUnicode_AsUTF8AndSize(arg, &n);
  if (s == NULL)
    return NULL;
  info = respcheck_status_by_phrase(s, (size_t)n);
  if (info == NULL) {
    PyErr_SetObject(PyExc_KeyError, arg);
    return NULL;
  }
  return status_get(info->code);
}

static PyObject *fn_statuses(PyObject *self, PyObject *unused) {
  size_t i, n = respcheck_status_count();
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  (void)self;
  (void)unused;
  for (i = 0; t != NULL && i < n; i++) {
    PyObject *s = status_get(respcheck_status_at(i)->code);
    if (s == NULL) {
      Py_CLEAR(t);
      break;
    }
    PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
  }
  return t;
}

PyMethodDef pyrc_status_methods[] = {
    {"status", fn_status, METH_O,
     "status(code)\n--\n\nThe Status of a code 0-999, registered or not "
     "(state 'unregistered')."},
    {"status_by_name", fn_status_by_name, METH_O,
     "status_by_name(name)\n--\n\nThe Status by enum-style name, current or "
     "former ('IM_A_TEAPOT');\nKeyError when unknown."},
    {"status_by_phrase", fn_status_by_phrase, METH_O,
     "status_by_phrase(phrase)\n--\n\nThe Status by reason phrase, current or "
     "former, ASCII case-insensitive;\nKeyError when unknown."},
    {"statuses", fn_statuses, METH_NOARGS,
     "statuses()\n--\n\nEvery registry entry (reserved codes included), in "
     "code order, as a tuple."},
    {NULL, NULL, 0, NULL},
};

int pyrc_status_ready(PyObject *module) {
  static const char *const names[6] = {"unregistered", "permanent", "temporary",
                                       "deprecated",   "obsoleted", "reserved"};
  int i;
  for (i = 0; i < 6; i++) {
    state_names[i] = PyUnicode_InternFromString(names[i]);
    if (state_names[i] == NULL)
      return -1;
  }
  if (PyType_Ready(&pyrc_StatusType) < 0)
    return -1;
  Py_INCREF(&pyrc_StatusType);
  if (PyModule_AddObject(module, "Status", (PyObject *)&pyrc_StatusType) < 0)
    return -1;
  return 0;
}
