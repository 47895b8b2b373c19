/* SPDX-License-Identifier: MIT */
/*
 * Reads the fixture files of tests/vectors/ (tests/vectors/README.md has the
 * format) into rc_vector_t entries. Test code, but strict: whatever it does
 * not understand is an error naming file and line, so that a typo can never
 * drop a case or weaken what it checks.
 */
#define _POSIX_C_SOURCE 200809L
#include "vectors.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
  const char *path; /* for messages */
  const char *file; /* stored in the cases */
  unsigned line;
  rc_vectors_t *set;
  char *err;
  size_t err_cap;
  /* The case being read: set->v[cur] when have_case. */
  int have_case;
  size_t cur;
  int have_context, have_http, have_expect;
  /* The block being read: 0 when outside one. */
  char block;
  unsigned block_line;
  size_t data_cap;
} reader_t;

__attribute__((format(printf, 2, 3))) static int fail(reader_t *r,
                                                      const char *fmt, ...) {
  va_list ap;
  size_t n;
  int k = snprintf(r->err, r->err_cap, "%s:%u: ", r->path, r->line);
  n = k < 0 ? 0 : (size_t)k;
  if (n < r->err_cap) {
    va_start(ap, fmt);
    vsnprintf(r->err + n, r->err_cap - n, fmt, ap);
    va_end(ap);
  }
  return -1;
}

static int is_word(const char *s, size_t n, const char *w) {
  return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* The next space-separated word of [*p, end); 0 when there is none. */
static int next_word(const char **p, const char *end, const char **w,
                     size_t *n) {
  const char *s = *p;
  while (s < end && *s == ' ')
    s++;
  *w = s;
  while (s < end && *s != ' ')
    s++;
  *n = (size_t)(s - *w);
  *p = s;
  return *n > 0;
}

/* Decimal digits only, at most max. */
static int parse_uint(const char *s, size_t n, uint64_t max, uint64_t *out) {
  uint64_t v = 0;
  size_t i;
  if (n == 0)
    return -1;
  for (i = 0; i < n; i++) {
    unsigned d = (unsigned)(unsigned char)s[i] - '0';
    if (d > 9 || v > (max - d) / 10)
      return -1;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static rc_vector_t *cur(reader_t *r) { return &r->set->v[r->cur]; }

static int rule_of(reader_t *r, const char *w, size_t n,
                   respcheck_rule_t *out) {
  int id = respcheck_rule_from_id(w, n);
  if (id < 0)
    return fail(r, "unknown rule \"%.*s\"", (int)n, w);
  *out = (respcheck_rule_t)id;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Blocks. */

/* One line of an http block: the bytes it shows, its line break not among
 * them. */
static int http_line(reader_t *r, const char *s, size_t n) {
  rc_vector_t *v = cur(r);
  size_t i;
  if (n == 0)
    return fail(r, "empty line in an http block: line breaks there are "
                   "layout, not data; write \\r\\n");
  if (s[n - 1] == ' ')
    return fail(r, "space at the end of a line: write it as \\x20");
  if (v->len + n > r->data_cap) {
    size_t cap = (v->len + n) * 2;
    char *d = realloc(v->data, cap);
    if (d == NULL)
      return fail(r, "out of memory");
    v->data = d;
    r->data_cap = cap;
  }
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c >= 0x7f)
      return fail(r,
                  "raw byte 0x%02x in an http block: write it as an "
                  "escape (\\r \\n \\t \\xHH)",
                  c);
    if (c != '\\') {
      v->data[v->len++] = (char)c;
      continue;
    }
    if (++i == n)
      return fail(r, "\\ at the end of a line: write \\\\ for a backslash");
    switch (s[i]) {
    case 'r':
      v->data[v->len++] = '\r';
      break;
    case 'n':
      v->data[v->len++] = '\n';
      break;
    case 't':
      v->data[v->len++] = '\t';
      break;
    case '\\':
      v->data[v->len++] = '\\';
      break;
    case 'x': {
      int hi = i + 2 < n ? hex_digit(s[i + 1]) : -1;
      int lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
      if (lo < 0)
        return fail(r, "\\x needs two hex digits");
      v->data[v->len++] = (char)(hi * 16 + lo);
      i += 2;
      break;
    }
    default:
      return fail(r,
                  "unknown escape \\%c: the escapes are \\r \\n \\t \\\\ \\xHH",
                  s[i]);
    }
  }
  return 0;
}

static const struct {
  const char *key;
  size_t offset;
} limit_keys[] = {
    {"max_header_bytes", offsetof(rc_limits_t, header_bytes)},
    {"max_headers", offsetof(rc_limits_t, headers)},
    {"max_line_length", offsetof(rc_limits_t, line)},
    {"max_reason_length", offsetof(rc_limits_t, reason)},
    {"max_chunk_extension", offsetof(rc_limits_t, chunk_ext)},
};

static int context_line(reader_t *r, const char *s, size_t n) {
  rc_vector_t *v = cur(r);
  const char *p = s, *end = s + n, *w, *x;
  size_t wl, xl, k;
  if (!next_word(&p, end, &w, &wl))
    return 0;
  if (is_word(w, wl, "request")) {
    if (v->method != RESPCHECK_METHOD_UNKNOWN)
      return fail(r, "a second request line");
    if (!next_word(&p, end, &x, &xl))
      return fail(r, "request needs a method: request HEAD [HTTP/1.0]");
    v->method = respcheck_method_from_name(x, xl);
    if (v->method == RESPCHECK_METHOD_UNKNOWN)
      return fail(r, "unknown method \"%.*s\"", (int)xl, x);
    if (next_word(&p, end, &x, &xl)) {
      if (is_word(x, xl, "HTTP/1.0"))
        v->request_10 = 1;
      else if (!is_word(x, xl, "HTTP/1.1"))
        return fail(r,
                    "the request's version is HTTP/1.0 or HTTP/1.1, not "
                    "\"%.*s\"",
                    (int)xl, x);
    }
  } else if (is_word(w, wl, "transport")) {
    if (v->transport != RESPCHECK_TRANSPORT_UNKNOWN)
      return fail(r, "a second transport line");
    if (!next_word(&p, end, &x, &xl))
      return fail(r, "transport needs tls or plain");
    if (is_word(x, xl, "tls"))
      v->transport = RESPCHECK_TRANSPORT_TLS;
    else if (is_word(x, xl, "plain"))
      v->transport = RESPCHECK_TRANSPORT_PLAIN;
    else
      return fail(r, "transport is tls or plain, not \"%.*s\"", (int)xl, x);
  } else if (is_word(w, wl, "severity")) {
    char id[64], level[16];
    int rule, sev;
    if (!next_word(&p, end, &x, &xl) || xl >= sizeof(id))
      return fail(r, "severity needs a rule and a level: severity RULE "
                     "off|info|warning|error");
    memcpy(id, x, xl);
    id[xl] = '\0';
    rule = respcheck_rule_from_id(id, xl);
    if (rule < 0)
      return fail(r, "unknown rule \"%s\"", id);
    if (v->severity_set[rule])
      return fail(r, "the severity of %s given twice", id);
    if (!next_word(&p, end, &x, &xl) || xl >= sizeof(level))
      return fail(r,
                  "severity %s needs a level: off, info, warning or "
                  "error",
                  id);
    memcpy(level, x, xl);
    level[xl] = '\0';
    sev = respcheck_severity_from_name(level);
    if (sev < 0)
      return fail(r, "unknown severity \"%s\"", level);
    v->severity[rule] = (unsigned char)sev;
    v->severity_set[rule] = 1;
  } else {
    for (k = 0; k < sizeof(limit_keys) / sizeof(limit_keys[0]); k++)
      if (is_word(w, wl, limit_keys[k].key))
        break;
    if (k == sizeof(limit_keys) / sizeof(limit_keys[0]))
      return fail(r,
                  "unknown context line \"%.*s\": request, severity, "
                  "max_header_bytes, max_headers, max_line_length, "
                  "max_reason_length or max_chunk_extension",
                  (int)wl, w);
    {
      size_t *field = (size_t *)((char *)&v->limits + limit_keys[k].offset);
      uint64_t val;
      if (*field)
        return fail(r, "%s given twice", limit_keys[k].key);
      if (!next_word(&p, end, &x, &xl) ||
          parse_uint(x, xl, SIZE_MAX, &val) != 0 || val == 0)
        return fail(r,
                    "%s needs a number above 0 (0 is the default: leave "
                    "the line out)",
                    limit_keys[k].key);
      *field = (size_t)val;
    }
  }
  if (next_word(&p, end, &x, &xl))
    return fail(r, "unexpected \"%.*s\" at the end of the line", (int)xl, x);
  return 0;
}

static int finding_line(reader_t *r, respcheck_severity_t sev, const char *p,
                        const char *end) {
  rc_vector_t *v = cur(r);
  rc_finding_t f;
  const char *w;
  size_t wl;
  memset(&f, 0, sizeof(f));
  f.severity = sev;
  if (!next_word(&p, end, &w, &wl))
    return fail(r, "%s needs a rule id", respcheck_severity_name(sev));
  if (rule_of(r, w, wl, &f.rule))
    return -1;
  if (next_word(&p, end, &w, &wl)) {
    if (w[0] != '@' || parse_uint(w + 1, wl - 1, UINT64_MAX, &f.offset))
      return fail(r, "an offset is @ and a number, not \"%.*s\"", (int)wl, w);
    f.has_offset = 1;
    if (next_word(&p, end, &w, &wl))
      return fail(r, "unexpected \"%.*s\" at the end of the line", (int)wl, w);
  }
  if (sev == RESPCHECK_SEVERITY_INFO) {
    if (v->info_count == RC_INFO_MAX)
      return fail(r, "more than %d info lines", RC_INFO_MAX);
    v->info[v->info_count++] = f;
  } else {
    if (v->expect_count == RC_FINDINGS_MAX)
      return fail(r, "more than %d error and warning lines", RC_FINDINGS_MAX);
    v->expect[v->expect_count++] = f;
  }
  return 0;
}

static int response_line(reader_t *r, const char *p, const char *end) {
  rc_vector_t *v = cur(r);
  rc_response_t e = {0, 0, 0, -1, RESPCHECK_ACCEPT};
  const char *w, *gt;
  size_t wl;
  uint64_t n;
  if (!next_word(&p, end, &w, &wl))
    return fail(r, "response needs a status (or -, or (STATUS)) and accept or "
                   "reject");
  if (wl > 2 && w[0] == '(' && w[wl - 1] == ')') {
    if (parse_uint(w + 1, wl - 2, 999, &n))
      return fail(r, "a kept head's status is a number, not \"%.*s\"", (int)wl,
                  w);
    e.kept = 1;
    e.status = (int)n;
  } else if (!is_word(w, wl, "-")) {
    gt = memchr(w, '>', wl);
    if (parse_uint(w, gt ? (size_t)(gt - w) : wl, 99999, &n))
      return fail(r, "a response's status is a number, not \"%.*s\"", (int)wl,
                  w);
    e.has_head = 1;
    e.status = (int)n;
    if (gt) {
      if (parse_uint(gt + 1, (size_t)(w + wl - gt - 1), 999, &n))
        return fail(r,
                    "the effective status after > is a number, in "
                    "\"%.*s\"",
                    (int)wl, w);
      e.effective = (int)n;
    }
  }
  if (!next_word(&p, end, &w, &wl))
    return fail(r, "response needs accept or reject after the status");
  if (is_word(w, wl, "reject"))
    e.verdict = RESPCHECK_REJECT;
  else if (!is_word(w, wl, "accept"))
    return fail(r, "a response is accept or reject, not \"%.*s\"", (int)wl, w);
  if (next_word(&p, end, &w, &wl))
    return fail(r, "unexpected \"%.*s\" at the end of the line", (int)wl, w);
  if (v->response_count == RC_RESPONSES_MAX)
    return fail(r, "more than %d response lines", RC_RESPONSES_MAX);
  v->responses[v->response_count++] = e;
  return 0;
}

static int expect_line(reader_t *r, const char *s, size_t n) {
  rc_vector_t *v = cur(r);
  const char *p = s, *end = s + n, *w;
  size_t wl;
  if (!next_word(&p, end, &w, &wl))
    return 0;
  if (is_word(w, wl, "error"))
    return finding_line(r, RESPCHECK_SEVERITY_ERROR, p, end);
  if (is_word(w, wl, "warning"))
    return finding_line(r, RESPCHECK_SEVERITY_WARNING, p, end);
  if (is_word(w, wl, "info"))
    return finding_line(r, RESPCHECK_SEVERITY_INFO, p, end);
  if (is_word(w, wl, "response"))
    return response_line(r, p, end);
  if (is_word(w, wl, "absent")) {
    int any = 0;
    respcheck_rule_t rule = (respcheck_rule_t)0;
    while (next_word(&p, end, &w, &wl)) {
      if (rule_of(r, w, wl, &rule))
        return -1;
      v->absent[rule] = 1;
      any = 1;
    }
    return any ? 0 : fail(r, "absent needs one or more rule ids");
  }
  return fail(r,
              "unknown expect line \"%.*s\": error, warning, info, "
              "response or absent",
              (int)wl, w);
}

/* ------------------------------------------------------------------------ */
/* Cases. */

/* Checks the case as a whole; its errors name its heading's line. */
static int check_case(reader_t *r) {
  rc_vector_t *v = cur(r);
  size_t i;
  if (!r->have_http || v->len == 0)
    return fail(r, "case %s has no http block (the input bytes)", v->name);
  if (!r->have_expect)
    return fail(r, "case %s has no expect block", v->name);
  if (v->response_count == 0)
    return fail(r, "case %s has no response line (one per message end)",
                v->name);
  for (i = 0; i < v->expect_count + v->info_count; i++) {
    const rc_finding_t *f =
        i < v->expect_count ? &v->expect[i] : &v->info[i - v->expect_count];
    if (v->absent[f->rule])
      return fail(r, "case %s expects %s and lists it as absent", v->name,
                  respcheck_rule_id(f->rule));
  }
  if (v->method == RESPCHECK_METHOD_UNKNOWN)
    v->method = RESPCHECK_METHOD_GET;
  return 0;
}

static int end_case(reader_t *r) {
  unsigned line = r->line;
  if (!r->have_case)
    return 0;
  r->line = cur(r)->line;
  if (check_case(r))
    return -1;
  r->line = line;
  r->have_case = 0;
  return 0;
}

static int valid_name(const char *s, size_t n) {
  size_t i;
  if (n == 0 || n >= RC_NAME_MAX || s[0] == '.' || s[0] == '-')
    return 0;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '.'))
      return 0;
  }
  return 1;
}

static int begin_case(reader_t *r, const char *s, size_t n) {
  rc_vector_t *v;
  size_t i;
  if (end_case(r))
    return -1;
  if (!valid_name(s, n))
    return fail(r,
                "a case name is 1 to %d of a-z 0-9 - . (it names files), "
                "not \"%.*s\"",
                RC_NAME_MAX - 1, (int)n, s);
  for (i = 0; i < r->set->count; i++) {
    const rc_vector_t *o = &r->set->v[i];
    if (is_word(s, n, o->name))
      return fail(r, "case %s is already in %s:%u", o->name, o->file, o->line);
  }
  if (r->set->count == r->set->cap) {
    size_t cap = r->set->cap * 2 + 64;
    rc_vector_t *nv = realloc(r->set->v, cap * sizeof(*nv));
    if (nv == NULL)
      return fail(r, "out of memory");
    r->set->v = nv;
    r->set->cap = cap;
  }
  r->cur = r->set->count++;
  v = cur(r);
  memset(v, 0, sizeof(*v));
  memcpy(v->name, s, n);
  snprintf(v->file, sizeof(v->file), "%s", r->file);
  v->line = r->line;
  r->have_case = 1;
  r->have_context = r->have_http = r->have_expect = 0;
  r->data_cap = 0;
  return 0;
}

static int fence(reader_t *r, const char *s, size_t n) {
  int *have;
  if (r->block) {
    if (n != 3)
      return fail(r, "a block ends with a line of ``` alone");
    r->block = 0;
    return 0;
  }
  s += 3;
  n -= 3;
  if (is_word(s, n, "http")) {
    have = &r->have_http;
  } else if (is_word(s, n, "context")) {
    have = &r->have_context;
  } else if (is_word(s, n, "expect")) {
    have = &r->have_expect;
  } else {
    return fail(r, "unknown block \"%.*s\": context, http or expect", (int)n,
                s);
  }
  if (!r->have_case)
    return fail(r, "a %.*s block before the first case (## name)", (int)n, s);
  if (*have)
    return fail(r, "a second %.*s block in case %s", (int)n, s, cur(r)->name);
  if (have == &r->have_context && (r->have_http || r->have_expect))
    return fail(r, "the context block comes before the http block");
  if (have == &r->have_http && r->have_expect)
    return fail(r, "the http block comes before the expect block");
  *have = 1;
  r->block = s[0];
  r->block_line = r->line;
  return 0;
}

static int parse(reader_t *r, const char *text, size_t len) {
  const char *p = text, *end = text + len;
  size_t first = r->set->count;
  r->line = 0;
  r->have_case = 0;
  r->block = 0;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
    int rc = 0;
    r->line++;
    if (n >= 3 && memcmp(p, "```", 3) == 0)
      rc = fence(r, p, n);
    else if (r->block == 'h')
      rc = http_line(r, p, n);
    else if (r->block == 'c')
      rc = context_line(r, p, n);
    else if (r->block == 'e')
      rc = expect_line(r, p, n);
    else if (n >= 3 && memcmp(p, "## ", 3) == 0)
      rc = begin_case(r, p + 3, n - 3);
    /* Anything else outside a block is prose for the reader. */
    if (rc)
      return rc;
    p += n + (eol != NULL);
  }
  if (r->block) {
    r->line = r->block_line;
    return fail(r, "block not closed (```)");
  }
  if (end_case(r))
    return -1;
  if (r->set->count == first) {
    r->line = 1;
    return fail(r, "no case (## name) in the file");
  }
  return 0;
}

static int parse_text(const char *path, const char *file, const char *text,
                      size_t len, rc_vectors_t *set, char *err,
                      size_t err_cap) {
  reader_t r;
  memset(&r, 0, sizeof(r));
  r.path = path;
  r.file = file;
  r.set = set;
  r.err = err;
  r.err_cap = err_cap;
  if (strlen(file) >= RC_FILE_MAX)
    return fail(&r, "file name longer than %d bytes", RC_FILE_MAX - 1);
  return parse(&r, text, len);
}

int rc_vectors_parse(const char *file, const char *text, size_t len,
                     rc_vectors_t *set, char *err, size_t err_cap) {
  return parse_text(file, file, text, len, set, err, err_cap);
}

/* ------------------------------------------------------------------------ */
/* Folders. */

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_file(const char *dir, const char *name, rc_vectors_t *set,
                     char *err, size_t err_cap) {
  char path[4096];
  char *text = NULL;
  size_t len = 0, cap = 0, got;
  FILE *f;
  int rc;

  snprintf(path, sizeof(path), "%s/%s", dir, name);
  if ((f = fopen(path, "rb")) == NULL) {
    snprintf(err, err_cap, "%s: %s", path, strerror(errno));
    return -1;
  }
  do {
    if (cap - len < 4096) {
      char *nt = realloc(text, cap * 2 + 4096);
      if (nt == NULL) {
        free(text);
        fclose(f);
        snprintf(err, err_cap, "%s: out of memory", path);
        return -1;
      }
      text = nt;
      cap = cap * 2 + 4096;
    }
    got = fread(text + len, 1, cap - len, f);
    len += got;
  } while (got > 0);
  rc = ferror(f);
  fclose(f);
  if (rc) {
    free(text);
    snprintf(err, err_cap, "%s: read error", path);
    return -1;
  }
  rc = parse_text(path, name, text, len, set, err, err_cap);
  free(text);
  return rc;
}

int rc_vectors_load(const char *dir, rc_vectors_t *set, char *err,
                    size_t err_cap) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char **names = NULL;
  size_t count = 0, cap = 0, i;
  int rc = 0, stray = 0;

  if (d == NULL) {
    snprintf(err, err_cap, "%s: %s", dir, strerror(errno));
    return -1;
  }
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name);
    if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
      continue;
    rc = -1;
    if (n < 4 || strcmp(e->d_name + n - 3, ".md") != 0) {
      snprintf(err, err_cap, "%s/%s: not a fixture file (*.md)", dir,
               e->d_name);
      stray = 1;
      break;
    }
    if (count == cap) {
      char **nn = realloc(names, (cap * 2 + 16) * sizeof(*nn));
      if (nn == NULL)
        break;
      names = nn;
      cap = cap * 2 + 16;
    }
    if ((names[count] = strdup(e->d_name)) == NULL)
      break;
    count++;
    rc = 0;
  }
  if (rc && !stray)
    snprintf(err, err_cap, "%s: out of memory", dir);
  closedir(d);
  if (rc == 0 && count == 0) {
    snprintf(err, err_cap, "%s: no fixture files (*.md)", dir);
    rc = -1;
  }
  if (rc == 0)
    qsort(names, count, sizeof(*names), by_name);
  for (i = 0; i < count; i++) {
    if (rc == 0)
      rc = load_file(dir, names[i], set, err, err_cap);
    free(names[i]);
  }
  free(names);
  return rc;
}

void rc_vectors_free(rc_vectors_t *set) {
  size_t i;
  for (i = 0; i < set->count; i++)
    free(set->v[i].data);
  free(set->v);
  set->v = NULL;
  set->count = set->cap = 0;
}
