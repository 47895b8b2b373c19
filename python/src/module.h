/* SPDX-License-Identifier: MIT */
/*
 * What the files of the Python extension module respcheck._respcheck share:
 * the engines (a parser, its line map and record collector, pooled), option
 * parsing, text decoding, and the types each file defines.
 */
#ifndef RESPCHECK_PY_MODULE_H
#define RESPCHECK_PY_MODULE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "collect.h"
#include "respcheck.h"

/* A parser with everything a stream needs beside it. The parser's user
 * pointer is &engine->col. */
typedef struct pyrc_engine {
  respcheck_options_t opts;
  respcheck_parser_t *parser;
  pyrc_collector_t col;
  struct pyrc_engine *next; /* in the pool */
} pyrc_engine_t;

/* A new engine (NULL with MemoryError or ValueError set). GIL held. */
pyrc_engine_t *pyrc_engine_new(const respcheck_options_t *opts);
void pyrc_engine_free(pyrc_engine_t *e);
/* Starts a new stream on the engine. */
void pyrc_engine_reset(pyrc_engine_t *e);

/* Options from keyword values (any may be NULL or None: the default).
 * Returns 0, or -1 with an exception set. is_default is set when nothing
 * differs from the defaults. */
int pyrc_options_from(respcheck_options_t *opts, PyObject *method,
                      PyObject *request_version, PyObject *rules,
                      PyObject *limits, int *is_default);
/* A request context from a method name and "1.0"/"1.1". */
int pyrc_request_from(respcheck_request_t *req, PyObject *method,
                      PyObject *version);

/* Text as the command's JSON writer shows it: well-formed UTF-8 as is,
 * every other byte as the code point of its value (U+0080-U+00FF). */
PyObject *pyrc_text(const char *s, size_t len);

/* Exceptions: respcheck.Error, respcheck.StreamError, respcheck.InputError.
 */
extern PyObject *pyrc_Error;
extern PyObject *pyrc_StreamError;
extern PyObject *pyrc_InputError;
/* InputError(reason) with .offset, .filename and .responses (the records
 * read before the input failed). */
void pyrc_raise_input_error(const char *reason, uint64_t offset,
                            PyObject *responses, PyObject *filename);

/* The keyword arguments of the check functions. */
typedef struct pyrc_call_args {
  PyObject *method, *request_version, *rules, *limits, *file;
} pyrc_call_args_t;
int pyrc_read_kwargs(const char *fn, PyObject *const *args, Py_ssize_t nargs,
                     PyObject *kwnames, pyrc_call_args_t *a);
/* A path argument: os.fspath(arg), its file system bytes, and the records'
 * "file" (file_kw when given, else the path as a str). 0, or -1 with an
 * exception (the references set so far are the caller's to drop). */
int pyrc_path_args(PyObject *arg, PyObject *file_kw, PyObject **fspath,
                   PyObject **pathbytes, PyObject **file);

/* Rules beyond the library's (capture.c): as respcheck_rule_*() for
 * numbers from PYRC_EXTRA_RULE_BASE; NULL, 0 or -1 for others. */
const char *pyrc_extra_rule_reference(int rule);
const char *pyrc_extra_rule_summary(int rule);
int pyrc_extra_rule_default(int rule);
int pyrc_extra_rule_from_id(const char *id, size_t len);
/* A rule's id and reference as interned str (borrowed): "unknown" and ""
 * for a number that is no rule. */
PyObject *pyrc_rule_id_obj(int rule);
PyObject *pyrc_rule_ref_obj(int rule);

#ifdef PYRC_HAVE_WARC
PyObject *pyrc_check_warc_file(PyObject *self, PyObject *const *args,
                               Py_ssize_t nargs, PyObject *kwnames);
int pyrc_is_warc(const void *head, size_t len);
PyObject *pyrc_check_warc_range(PyObject *self, PyObject *const *args,
                                Py_ssize_t nargs, PyObject *kwnames);
#endif
#ifdef PYRC_HAVE_HAR
PyObject *pyrc_check_har_file(PyObject *self, PyObject *const *args,
                              Py_ssize_t nargs, PyObject *kwnames);
int pyrc_is_har(const void *head, size_t len);
#endif
#ifdef PYRC_HAVE_CAPTURE
PyObject *pyrc_check_capture_file(PyObject *self, PyObject *const *args,
                                  Py_ssize_t nargs, PyObject *kwnames);
int pyrc_is_capture(const void *head, size_t len);
#endif
/* Raises exc with the library's error code, name, reason and offset. */
void pyrc_raise(PyObject *exc, respcheck_errno_t err, const char *reason,
                uint64_t offset);

/* objects.c: Response and Finding. */
extern PyTypeObject pyrc_ResponseType;
extern PyTypeObject pyrc_FindingType;
int pyrc_objects_ready(PyObject *module);
/* What records share: "file", "source" (a dict), "request" (the default
 * request's dict, or None), and the dicts of the requests pushed to a
 * Parser (a list whose item 0 is request number pushed_base; NULL for
 * none). The dicts are not changed afterwards: Response hands out copies. */
typedef struct pyrc_context {
  PyObject *file, *source, *request;
  PyObject *pushed;
  uint64_t pushed_base;
} pyrc_context_t;

/* Appends a Response per record in the collector's output to list, and
 * clears the output. -1 on error. */
int pyrc_records_to_list(pyrc_collector_t *col, const pyrc_context_t *ctx,
                         PyObject *list);
/* {"method": method, "target": target, "version": version}, target None
 * when NULL. */
PyObject *pyrc_request_dict(PyObject *method, PyObject *target,
                            PyObject *version);

/* status.c: the registry. */
extern PyTypeObject pyrc_StatusType;
int pyrc_status_ready(PyObject *module);
extern PyMethodDef pyrc_status_methods[];

/* parserobj.c: the streaming Parser. */
extern PyTypeObject pyrc_ParserType;
int pyrc_parser_ready(PyObject *module);

/* Interned strings used as keys and values. */
typedef struct pyrc_strings {
  PyObject *accept, *reject;
  PyObject *severity[4]; /* "off", "info", "warning", "error" */
  PyObject *rule_ids[RESPCHECK_RULE_COUNT];
  PyObject *rule_refs[RESPCHECK_RULE_COUNT];
  PyObject *unknown_rule, *empty;
  PyObject *extra_ids[PYRC_EXTRA_RULES];
  PyObject *extra_refs[PYRC_EXTRA_RULES];
  PyObject *dash;           /* "-" */
  PyObject *source_stream;  /* {"kind": "stream"} */
  PyObject *request_get;    /* {"method": "GET", "target": None, ...} */
  PyObject *versions[2][2]; /* "1.0", "1.1" by [major==1][minor] */
  /* Keys of the records' dictionaries. */
  PyObject *k_file, *k_source, *k_request, *k_method, *k_target, *k_kind,
      *k_target_truncated, *k_index, *k_offset, *k_end_offset, *k_version,
      *k_status, *k_reason, *k_effective_status, *k_registered, *k_headers,
      *k_verdict, *k_complete, *k_findings, *k_findings_dropped, *k_rule,
      *k_severity, *k_line, *k_column, *k_message, *k_reference;
  /* Keyword argument names. */
  PyObject *kw_method, *kw_request_version, *kw_rules, *kw_limits;
} pyrc_strings_t;
extern pyrc_strings_t pyrc_str;

#endif
