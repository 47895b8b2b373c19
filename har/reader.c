/* SPDX-License-Identifier: MIT */
/*
 * The HAR reader (respcheck_har.h), in three layers:
 *
 *   feed      a byte filter before the JSON parser: it tracks strings and
 *             escapes (RFC 8259 7) and cuts every string after max_string
 *             bytes (at a character boundary, outside an escape), so that
 *             yajl, which holds a whole token in memory when it spans two
 *             calls, never holds more; it also bounds nesting and the
 *             length of other tokens. The bytes kept go to yajl in
 *             unmodified runs, so yajl's error offsets map back to the file.
 *   yajl      its callbacks follow the HAR 1.2 structure: log.entries[],
 *             each entry's request (method, url, httpVersion) and response
 *             (status, statusText, httpVersion, headers[] of name/value),
 *             kept in bounded buffers; everything else is skipped.
 *   entries   as an entry's object closes, its response is checked with
 *             respcheck_check_head (HTTP/1.x), or reported with
 *             capture-not-http1 (anything else).
 */
#include "har_internal.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HAR_DEFAULT_STRING (256u * 1024u)
#define HAR_DEFAULT_DEPTH 64u
#define HAR_DEFAULT_URL (8u * 1024u)

/* Where a JSON value sits in the HAR structure (HAR 1.2). */
enum slot {
  S_OTHER = 0, /* anything respcheck does not read */
  S_ROOT,      /* the top-level object */
  S_LOG,       /* log */
  S_ENTRIES,   /* log.entries */
  S_ENTRY,     /* log.entries[i] */
  S_REQUEST,   /* .request */
  S_RESPONSE,  /* .response */
  S_HEADERS,   /* .response.headers */
  S_HEADER     /* .response.headers[j] */
};

/* The keys that lead somewhere. */
enum key {
  K_NONE = 0,
  K_OTHER,
  K_LOG,
  K_ENTRIES,
  K_REQUEST,
  K_RESPONSE,
  K_HEADERS,
  K_METHOD,
  K_URL,
  K_HTTP_VERSION,
  K_STATUS,
  K_STATUS_TEXT,
  K_NAME,
  K_VALUE
};

void respcheck_har_options_init(respcheck_har_options_t *o) {
  if (o == NULL)
    return;
  memset(o, 0, sizeof(*o));
  respcheck_options_init(&o->http);
  o->max_string = HAR_DEFAULT_STRING;
  o->max_depth = HAR_DEFAULT_DEPTH;
  o->max_url_length = HAR_DEFAULT_URL;
}

const char *respcheck_har_errno_name(respcheck_har_errno_t err) {
  switch (err) {
  case RESPCHECK_HAR_E_OK:
    return "RESPCHECK_HAR_E_OK";
  case RESPCHECK_HAR_E_JSON:
    return "RESPCHECK_HAR_E_JSON";
  case RESPCHECK_HAR_E_NOT_HAR:
    return "RESPCHECK_HAR_E_NOT_HAR";
  case RESPCHECK_HAR_E_LIMIT:
    return "RESPCHECK_HAR_E_LIMIT";
  case RESPCHECK_HAR_E_CALLBACK:
    return "RESPCHECK_HAR_E_CALLBACK";
  case RESPCHECK_HAR_E_NOMEM:
    return "RESPCHECK_HAR_E_NOMEM";
  case RESPCHECK_HAR_E_INVAL:
    return "RESPCHECK_HAR_E_INVAL";
  case RESPCHECK_HAR_E_FINISHED:
    return "RESPCHECK_HAR_E_FINISHED";
  }
  return NULL;
}

const char *respcheck_har_strerror(respcheck_har_errno_t err) {
  switch (err) {
  case RESPCHECK_HAR_E_OK:
    return "success";
  case RESPCHECK_HAR_E_JSON:
    return "not valid JSON";
  case RESPCHECK_HAR_E_NOT_HAR:
    return "not a HAR file (no log.entries)";
  case RESPCHECK_HAR_E_LIMIT:
    return "JSON nested too deep, or a number too long";
  case RESPCHECK_HAR_E_CALLBACK:
    return "a callback asked to stop";
  case RESPCHECK_HAR_E_NOMEM:
    return "out of memory";
  case RESPCHECK_HAR_E_INVAL:
    return "invalid argument";
  case RESPCHECK_HAR_E_FINISHED:
    return "the file was already finished";
  }
  return NULL;
}

void har__fail(respcheck_har_reader_t *r, respcheck_har_errno_t err,
               uint64_t offset, const char *fmt, ...) {
  va_list ap;
  if (r->error != RESPCHECK_HAR_E_OK)
    return;
  r->error = err;
  r->error_offset = offset;
  va_start(ap, fmt);
  vsnprintf(r->errbuf, sizeof(r->errbuf), fmt, ap);
  va_end(ap);
}

const char *har__printable(char *out, size_t cap, const char *s, size_t n) {
  size_t i, o = 0;
  for (i = 0; i < n && o + 1 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
      out[o++] = (char)c;
  }
  out[o] = '\0';
  return out;
}

static size_t copy_cut(char *dst, size_t cap, const void *src, size_t n) {
  if (n > cap)
    n = cap;
  if (n)
    memcpy(dst, src, n);
  return n;
}

static unsigned char lower(unsigned char c) {
  return (unsigned char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

static int ieq(const unsigned char *s, size_t n, const char *lit) {
  size_t i, k = strlen(lit);
  if (n != k)
    return 0;
  for (i = 0; i < k; i++) {
    if (lower(s[i]) != (unsigned char)lit[i])
      return 0;
  }
  return 1;
}

/* ------------------------------------------------------------------------ */
/* Entries. */

/* "HTTP/1.1", "http/1.0" (Chrome writes it lower-case): 1 and the minor
 * version; 0 for anything else ("h2", "h3", "HTTP/2.0", ""). */
static int http1_version(const char *v, unsigned *minor) {
  size_t n = strlen(v);
  if (n != 8 || !ieq((const unsigned char *)v, 5, "http/") || v[5] != '1' ||
      v[6] != '.' || v[7] < '0' || v[7] > '9')
    return 0;
  *minor = (unsigned)(v[7] - '0');
  return 1;
}

static void entry_begin(respcheck_har_reader_t *r, uint64_t offset) {
  r->in_entry = 1;
  memset(&r->entry, 0, sizeof(r->entry));
  r->entry.offset = offset;
  r->method[0] = r->req_version[0] = r->resp_version[0] = '\0';
  r->entry.url.ptr = r->url;
  r->has_status = 0;
  r->status = 0;
  r->reason_len = 0;
  r->hbuf_len = 0;
  r->nfields = 0;
}

static void report_not_http1(respcheck_har_reader_t *r) {
  respcheck_severity_t sev =
      (respcheck_severity_t)
          r->opts.http.severity[RESPCHECK_RULE_CAPTURE_NOT_HTTP1];
  const respcheck_callbacks_t *cb = &r->cb.http;
  respcheck_response_t resp;
  respcheck_message_end_t m;
  unsigned counts[4] = {0, 0, 0, 0};
  char q[200];

  if (sev > RESPCHECK_SEVERITY_ERROR)
    sev = RESPCHECK_SEVERITY_ERROR;
  if (sev != RESPCHECK_SEVERITY_OFF) {
    respcheck_finding_t f;
    counts[sev]++;
    if (r->resp_version[0] == '\0')
      snprintf(r->msg, sizeof(r->msg),
               "the entry has no HTTP version (a request that failed or was "
               "blocked?): not linted");
    else
      snprintf(r->msg, sizeof(r->msg),
               "the response came over \"%s\", not HTTP/1.x: not linted",
               har__printable(q, sizeof(q), r->resp_version,
                              strlen(r->resp_version)));
    f.rule = RESPCHECK_RULE_CAPTURE_NOT_HTTP1;
    f.id = respcheck_rule_id(f.rule);
    f.severity = sev;
    f.offset = 0;
    f.response_index = 0;
    f.message = r->msg;
    f.reference = respcheck_rule_reference(f.rule);
    if (cb->on_finding)
      cb->on_finding(r->user, &f);
  }
  memset(&resp, 0, sizeof(resp));
  /* "h2", "HTTP/2.0", "h3": the major version where it says one. */
  if (r->resp_version[0] == 'h' || r->resp_version[0] == 'H') {
    const char *v = r->resp_version + 1;
    if (strlen(r->resp_version) > 5 &&
        ieq((const unsigned char *)r->resp_version, 5, "http/"))
      v = r->resp_version + 5;
    if (*v >= '2' && *v <= '9')
      resp.version_major = (unsigned char)(*v - '0');
  }
  resp.status = r->status;
  resp.info = respcheck_status_lookup(r->status);
  resp.effective_status = respcheck_status_effective(r->status);
  resp.reason.ptr = r->reason;
  resp.reason.len = r->reason_len;
  resp.headers = r->heads;
  resp.header_count = r->nfields;
  resp.request = r->entry.request;
  resp.verdict =
      counts[RESPCHECK_SEVERITY_ERROR] ? RESPCHECK_REJECT : RESPCHECK_ACCEPT;
  if (cb->on_head && cb->on_head(r->user, &resp) != 0) {
    har__fail(r, RESPCHECK_HAR_E_CALLBACK, r->entry.offset,
              "entry %llu: a callback asked to stop",
              (unsigned long long)r->entry.number);
    return;
  }
  memset(&m, 0, sizeof(m));
  m.flags = RESPCHECK_END_COMPLETE | RESPCHECK_END_HEAD;
  m.verdict = resp.verdict;
  m.error_count = counts[RESPCHECK_SEVERITY_ERROR];
  m.warning_count = counts[RESPCHECK_SEVERITY_WARNING];
  m.info_count = counts[RESPCHECK_SEVERITY_INFO];
  if (cb->on_message_end)
    cb->on_message_end(r->user, &m);
}

/* The entry's object closed: its response is checked. */

/* s[0, n) starts with the scheme lit (lower-case, with its ':'), in any
 * case (RFC 3986 3.1). */
static int scheme_is(const char *s, size_t n, const char *lit) {
  size_t i, k = strlen(lit);
  if (n < k)
    return 0;
  for (i = 0; i < k; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c) != (unsigned char)lit[i])
      return 0;
  }
  return 1;
}

static void entry_end(respcheck_har_reader_t *r) {
  respcheck_har_entry_t *e = &r->entry;
  respcheck_head_parts_t parts;
  unsigned minor = 1;
  size_t i;

  r->in_entry = 0;
  e->number = r->entries++;
  e->method.ptr = r->method;
  e->method.len = strlen(r->method);
  e->request_version.ptr = r->req_version;
  e->request_version.len = strlen(r->req_version);
  e->response_version.ptr = r->resp_version;
  e->response_version.len = strlen(r->resp_version);
  e->request = r->opts.http.default_request;
  if (e->has_request) {
    e->request.method = respcheck_method_from_name(r->method, e->method.len);
    if (http1_version(r->req_version, &minor)) {
      e->request.version_major = 1;
      e->request.version_minor = (unsigned char)minor;
    } else {
      e->request.version_major = 0; /* unknown: read as HTTP/1.1 */
      e->request.version_minor = 0;
    }
  }
  /* How the response came, by the URL's scheme (RFC 9110 4.2): what
   * strict-transport-security-plain-http needs. */
  if (scheme_is(r->url, e->url.len, "https:"))
    e->request.transport = RESPCHECK_TRANSPORT_TLS;
  else if (scheme_is(r->url, e->url.len, "http:"))
    e->request.transport = RESPCHECK_TRANSPORT_PLAIN; /* else the options' */
  e->http1 = http1_version(r->resp_version, &minor);
  for (i = 0; i < r->nfields; i++) {
    const field_t *f = &r->fields[i];
    r->heads[i].name.ptr = r->hbuf + f->name_at;
    r->heads[i].name.len = f->name_len;
    r->heads[i].value.ptr = r->hbuf + f->value_at;
    r->heads[i].value.len = f->value_len;
    r->heads[i].offset = 1 + i;
  }
  r->current = e;
  if (r->cb.on_entry)
    r->cb.on_entry(r->user, e);
  if (!e->http1) {
    report_not_http1(r);
  } else {
    memset(&parts, 0, sizeof(parts));
    parts.version_major = 1;
    parts.version_minor = (unsigned char)minor;
    parts.status = r->status;
    parts.reason.ptr = r->reason;
    parts.reason.len = r->reason_len;
    parts.headers = r->heads;
    parts.header_count = r->nfields;
    respcheck_parser_reset(r->p);
    respcheck_push_request(r->p, &e->request);
    if (respcheck_check_head(r->p, &parts) == RESPCHECK_E_CALLBACK)
      har__fail(r, RESPCHECK_HAR_E_CALLBACK, e->offset,
                "entry %llu: a callback asked to stop",
                (unsigned long long)e->number);
  }
  if (r->error == RESPCHECK_HAR_E_OK && r->cb.on_entry_end)
    r->cb.on_entry_end(r->user, e);
  r->current = NULL;
}

/* A header object closed: its name and value join the entry's fields,
 * as far as the buffers go (past them, the check's limits fire anyway:
 * they hold more than max_headers fields and max_header_bytes bytes). */
static void header_end(respcheck_har_reader_t *r) {
  if (r->nfields < r->fields_cap) {
    if (!r->cur_name)
      r->cur.name_len = 0;
    if (!r->cur_value)
      r->cur.value_len = 0;
    r->fields[r->nfields++] = r->cur;
  }
}

/* Keeps a header name or value in hbuf; cut where hbuf ends. */
static void keep(respcheck_har_reader_t *r, size_t *at, size_t *len,
                 const unsigned char *s, size_t n) {
  *at = r->hbuf_len;
  *len = copy_cut(r->hbuf + r->hbuf_len, r->hbuf_cap - r->hbuf_len, s, n);
  r->hbuf_len += *len;
}

/* ------------------------------------------------------------------------ */
/* yajl's callbacks. */

static int parent(const respcheck_har_reader_t *r) {
  return r->level ? r->slots[r->level - 1] : -1;
}

static int not_har(respcheck_har_reader_t *r, const char *what) {
  har__fail(r, RESPCHECK_HAR_E_NOT_HAR, har__json_offset(r),
            "not a HAR file: %s (HAR 1.2: an object with log.entries)", what);
  return 0;
}

/* A value begins (a container or a scalar): where it goes. */
static int value_slot(respcheck_har_reader_t *r, int container_is_map) {
  int par = parent(r), key = r->key;
  r->key = K_NONE;
  switch (par) {
  case -1:
    if (!container_is_map)
      return not_har(r, "the JSON text is not an object") ? S_OTHER : -1;
    r->seen_root = 1;
    return S_ROOT;
  case S_ROOT:
    if (key == K_LOG) {
      if (container_is_map != 1)
        return not_har(r, "\"log\" is not an object") ? S_OTHER : -1;
      return S_LOG;
    }
    return S_OTHER;
  case S_LOG:
    if (key == K_ENTRIES) {
      if (container_is_map != 0)
        return not_har(r, "\"log.entries\" is not an array") ? S_OTHER : -1;
      r->seen_entries = 1;
      return S_ENTRIES;
    }
    return S_OTHER;
  case S_ENTRIES:
    return container_is_map == 1 ? S_ENTRY : S_OTHER;
  case S_ENTRY:
    if (key == K_REQUEST && container_is_map == 1)
      return S_REQUEST;
    if (key == K_RESPONSE && container_is_map == 1)
      return S_RESPONSE;
    return S_OTHER;
  case S_RESPONSE:
    return key == K_HEADERS && container_is_map == 0 ? S_HEADERS : S_OTHER;
  case S_HEADERS:
    return container_is_map == 1 ? S_HEADER : S_OTHER;
  default:
    return S_OTHER;
  }
}

static int push(respcheck_har_reader_t *r, int is_map) {
  int slot = value_slot(r, is_map);
  if (slot < 0)
    return 0;
  /* The filter bounds the depth; this cannot overflow. */
  r->slots[r->level++] = (unsigned char)slot;
  if (slot == S_ENTRY)
    entry_begin(r, har__json_offset(r) - 1);
  else if (slot == S_REQUEST && r->in_entry)
    r->entry.has_request = 1;
  else if (slot == S_HEADER) {
    memset(&r->cur, 0, sizeof(r->cur));
    r->cur_name = r->cur_value = 0;
  }
  return 1;
}

static int pop(respcheck_har_reader_t *r) {
  int slot = r->slots[--r->level];
  r->key = K_NONE;
  if (slot == S_ENTRY && r->in_entry)
    entry_end(r);
  else if (slot == S_HEADER)
    header_end(r);
  else if (slot == S_ROOT) {
    r->done = 1;
    if (!r->seen_entries)
      return not_har(r, "no \"log.entries\" array");
  }
  return r->error == RESPCHECK_HAR_E_OK;
}

static int y_start_map(void *u) { return push(u, 1); }
static int y_end_map(void *u) { return pop(u); }
static int y_start_array(void *u) { return push(u, 0); }
static int y_end_array(void *u) { return pop(u); }

static int y_map_key(void *u, const unsigned char *k, size_t n) {
  respcheck_har_reader_t *r = u;
  switch (parent(r)) {
  case S_ROOT:
    r->key = n == 3 && memcmp(k, "log", 3) == 0 ? K_LOG : K_OTHER;
    break;
  case S_LOG:
    r->key = n == 7 && memcmp(k, "entries", 7) == 0 ? K_ENTRIES : K_OTHER;
    break;
  case S_ENTRY:
    r->key = n == 7 && memcmp(k, "request", 7) == 0    ? K_REQUEST
             : n == 8 && memcmp(k, "response", 8) == 0 ? K_RESPONSE
                                                       : K_OTHER;
    break;
  case S_REQUEST:
    r->key = n == 6 && memcmp(k, "method", 6) == 0          ? K_METHOD
             : n == 3 && memcmp(k, "url", 3) == 0           ? K_URL
             : n == 11 && memcmp(k, "httpVersion", 11) == 0 ? K_HTTP_VERSION
                                                            : K_OTHER;
    break;
  case S_RESPONSE:
    r->key = n == 6 && memcmp(k, "status", 6) == 0          ? K_STATUS
             : n == 10 && memcmp(k, "statusText", 10) == 0  ? K_STATUS_TEXT
             : n == 11 && memcmp(k, "httpVersion", 11) == 0 ? K_HTTP_VERSION
             : n == 7 && memcmp(k, "headers", 7) == 0       ? K_HEADERS
                                                            : K_OTHER;
    break;
  case S_HEADER:
    r->key = n == 4 && memcmp(k, "name", 4) == 0    ? K_NAME
             : n == 5 && memcmp(k, "value", 5) == 0 ? K_VALUE
                                                    : K_OTHER;
    break;
  default:
    r->key = K_OTHER;
    break;
  }
  return 1;
}

static void cstr(char *dst, size_t cap, const unsigned char *s, size_t n) {
  n = copy_cut(dst, cap - 1, s, n);
  dst[n] = '\0';
}

static int y_string(void *u, const unsigned char *s, size_t n) {
  respcheck_har_reader_t *r = u;
  int par = parent(r), key = r->key;
  size_t len;
  r->key = K_NONE;
  if (par < 0)
    return not_har(r, "the JSON text is not an object");
  if (!r->in_entry)
    return 1;
  switch (par) {
  case S_REQUEST:
    if (key == K_METHOD)
      cstr(r->method, sizeof(r->method), s, n);
    else if (key == K_HTTP_VERSION)
      cstr(r->req_version, sizeof(r->req_version), s, n);
    else if (key == K_URL) {
      len = copy_cut(r->url, r->opts.max_url_length, s, n);
      r->entry.url.len = len;
    }
    break;
  case S_RESPONSE:
    if (key == K_HTTP_VERSION)
      cstr(r->resp_version, sizeof(r->resp_version), s, n);
    else if (key == K_STATUS_TEXT)
      r->reason_len = copy_cut(r->reason, r->reason_cap, s, n);
    break;
  case S_HEADER:
    if (key == K_NAME && !r->cur_name) {
      keep(r, &r->cur.name_at, &r->cur.name_len, s, n);
      r->cur_name = 1;
    } else if (key == K_VALUE && !r->cur_value) {
      keep(r, &r->cur.value_at, &r->cur.value_len, s, n);
      r->cur_value = 1;
    }
    break;
  default:
    break;
  }
  return 1;
}

/* response.status: a JSON number (RFC 8259 6); an integer in int's range
 * is the status, anything else reads as 0. */
static int y_number(void *u, const char *s, size_t n) {
  respcheck_har_reader_t *r = u;
  int par = parent(r), key = r->key;
  r->key = K_NONE;
  if (par < 0)
    return not_har(r, "the JSON text is not an object");
  if (r->in_entry && par == S_RESPONSE && key == K_STATUS) {
    long v = 0;
    size_t neg = n > 0 && s[0] == '-', i;
    int ok = 1;
    for (i = neg; i < n && ok; i++) {
      unsigned d = (unsigned)((unsigned char)s[i] - '0');
      if (d > 9 || v > 100000000L)
        ok = 0;
      else
        v = v * 10 + (long)d;
    }
    r->status = ok && i > neg ? (int)(neg ? -v : v) : 0;
    r->has_status = 1;
  }
  return 1;
}

static int y_scalar(respcheck_har_reader_t *r) {
  r->key = K_NONE;
  if (parent(r) < 0)
    return not_har(r, "the JSON text is not an object");
  return 1;
}

static int y_null(void *u) { return y_scalar(u); }
static int y_boolean(void *u, int b) {
  (void)b;
  return y_scalar(u);
}

const yajl_callbacks har__callbacks = {
    y_null,      y_boolean, NULL,      NULL,          y_number,   y_string,
    y_start_map, y_map_key, y_end_map, y_start_array, y_end_array};

/* ------------------------------------------------------------------------ */
/* Set-up. */

respcheck_har_reader_t *
respcheck_har_reader_new(const respcheck_har_options_t *opts,
                         const respcheck_har_callbacks_t *callbacks,
                         void *user) {
  respcheck_har_options_t d;
  respcheck_har_reader_t *r;
  const respcheck_options_t *h;

  if (opts == NULL) {
    respcheck_har_options_init(&d);
    opts = &d;
  }
  h = &opts->http;
  if (opts->max_depth == 0 || opts->max_depth > 4096 ||
      opts->max_url_length == 0 || opts->max_string <= h->max_header_bytes ||
      opts->max_string <= h->max_line_length || respcheck_parser_size(h) == 0)
    return NULL;
  r = calloc(1, sizeof(*r));
  if (r == NULL)
    return NULL;
  r->opts = *opts;
  if (callbacks)
    r->cb = *callbacks;
  r->user = user;
  r->p = respcheck_parser_new(h, &r->cb.http, user);
  r->slots = malloc(opts->max_depth + 2);
  r->url = malloc(opts->max_url_length);
  /* Room for one more of each than the limits allow, so that the check
   * sees them crossed. */
  r->reason_cap = h->max_line_length + 1;
  r->reason = malloc(r->reason_cap);
  r->hbuf_cap = h->max_header_bytes + 1;
  r->hbuf = malloc(r->hbuf_cap);
  r->fields_cap = h->max_headers + 1;
  r->fields = malloc(r->fields_cap * sizeof(*r->fields));
  r->heads = malloc(r->fields_cap * sizeof(*r->heads));
  /* A token held back until it ends: at most a cut string (max_string,
   * an escape or character in progress, the quotes) or a scalar. */
  r->pend_cap = opts->max_string + 16;
  r->pend = malloc(r->pend_cap);
  if (!r->p || !r->slots || !r->url || !r->reason || !r->hbuf || !r->fields ||
      !r->heads || !r->pend) {
    respcheck_har_reader_free(r);
    return NULL;
  }
  respcheck_har_reader_reset(r);
  if (r->y == NULL) {
    respcheck_har_reader_free(r);
    return NULL;
  }
  return r;
}

void respcheck_har_reader_free(respcheck_har_reader_t *r) {
  if (r == NULL)
    return;
  if (r->y)
    yajl_free(r->y);
  respcheck_parser_free(r->p);
  free(r->slots);
  free(r->url);
  free(r->reason);
  free(r->hbuf);
  free(r->fields);
  free(r->heads);
  free(r->pend);
  free(r);
}

void respcheck_har_reader_reset(respcheck_har_reader_t *r) {
  if (r == NULL)
    return;
  if (r->y)
    yajl_free(r->y);
  r->y = yajl_alloc(&har__callbacks, NULL, r);
  r->error = RESPCHECK_HAR_E_OK;
  r->error_offset = 0;
  r->errbuf[0] = '\0';
  r->finished = 0;
  har__json_reset(r);
  r->level = 0;
  r->key = K_NONE;
  r->seen_root = r->seen_entries = r->done = 0;
  r->entries = 0;
  r->in_entry = 0;
  r->current = NULL;
}

respcheck_har_errno_t respcheck_har_feed(respcheck_har_reader_t *r,
                                         const void *data, size_t len) {
  if (r == NULL || (data == NULL && len > 0))
    return RESPCHECK_HAR_E_INVAL;
  if (r->error != RESPCHECK_HAR_E_OK)
    return r->error;
  if (r->finished)
    return RESPCHECK_HAR_E_FINISHED;
  return har__json_feed(r, data, len);
}

respcheck_har_errno_t respcheck_har_finish(respcheck_har_reader_t *r) {
  if (r == NULL)
    return RESPCHECK_HAR_E_INVAL;
  if (r->error != RESPCHECK_HAR_E_OK)
    return r->error;
  if (r->finished)
    return RESPCHECK_HAR_E_FINISHED;
  r->finished = 1;
  if (har__json_finish(r) == RESPCHECK_HAR_E_OK && !r->seen_entries)
    not_har(r, "no \"log.entries\" array");
  return r->error;
}

respcheck_har_errno_t respcheck_har_error(const respcheck_har_reader_t *r) {
  return r ? r->error : RESPCHECK_HAR_E_INVAL;
}

const char *respcheck_har_error_reason(const respcheck_har_reader_t *r) {
  if (r == NULL)
    return "invalid argument";
  return r->error == RESPCHECK_HAR_E_OK ? "" : r->errbuf;
}

uint64_t respcheck_har_error_offset(const respcheck_har_reader_t *r) {
  return r ? r->error_offset : 0;
}

const respcheck_har_entry_t *
respcheck_har_entry(const respcheck_har_reader_t *r) {
  return r ? r->current : NULL;
}

uint64_t respcheck_har_entry_count(const respcheck_har_reader_t *r) {
  return r ? r->entries : 0;
}

static int is_ws(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int respcheck_har_sniff(const void *data, size_t len) {
  const unsigned char *d = data;
  size_t i = 0;
  if (data == NULL)
    return 0;
  if (len >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
    i = 3;
  while (i < len && is_ws(d[i]))
    i++;
  /* A JSON text (RFC 8259 2): an HTTP stream never starts so. */
  return i < len && (d[i] == '{' || d[i] == '[');
}
