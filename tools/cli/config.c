/* SPDX-License-Identifier: MIT */
/* The respcheck command's configuration file (config.h). */
#define _POSIX_C_SOURCE 200809L

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "paths.h"
#include "respcheck.h"

/* ------------------------------------------------------------------------ */
/* Finding the file. */

/* The working directory, malloc'd; NULL when it cannot be had. */
static char *working_dir(void) {
  size_t cap;
  for (cap = 256; cap <= ((size_t)1 << 20); cap *= 2) {
    char *p = malloc(cap);
    if (p == NULL)
      return NULL;
    if (getcwd(p, cap) != NULL)
      return p;
    free(p);
    if (errno != ERANGE)
      return NULL;
  }
  return NULL;
}

/* The folder an input stands for, absolute and clean, into b. */
static void input_dir(rc_buf_t *b, const char *cwd, const char *input) {
  struct stat st;
  const char *slash;
  if (strcmp(input, "-") == 0) {
    rc_path_clean(b, NULL, cwd);
    return;
  }
  if (stat(input, &st) == 0 && S_ISDIR(st.st_mode)) {
    rc_path_clean(b, cwd, input);
    return;
  }
  /* A file: its folder ("a/b.http" -> "a/b.http/.."). */
  slash = strrchr(input, '/');
  if (slash == NULL) {
    rc_path_clean(b, NULL, cwd);
  } else {
    rc_buf_t tmp = {NULL, 0, 0, b->oom};
    rc_buf_put(&tmp, input, (size_t)(slash - input) + 1);
    rc_buf_put(&tmp, "", 1);
    if (tmp.p != NULL)
      rc_path_clean(b, cwd, tmp.p);
    rc_buf_free(&tmp);
  }
}

/* 1 when dir/name exists (as a regular file when regular is set). */
static int exists_in(rc_buf_t *dir, const char *name, int regular) {
  size_t keep = dir->len;
  struct stat st;
  int yes;
  if (dir->len > 1)
    rc_buf_put(dir, "/", 1);
  rc_buf_str(dir, name);
  rc_buf_put(dir, "", 1);
  yes = dir->p != NULL && stat(dir->p, &st) == 0 &&
        (!regular || S_ISREG(st.st_mode));
  dir->len = keep;
  return yes;
}

int rc_config_find(const char *const *inputs, size_t n, char **path) {
  int oom = 0, found = 0;
  rc_buf_t base = {NULL, 0, 0, &oom}, one = {NULL, 0, 0, &oom};
  char *cwd = working_dir();
  size_t i;
  *path = NULL;
  if (cwd == NULL)
    return 0; /* nowhere to start from */
  /* The folder every input is in. */
  for (i = 0; i == 0 || i < n; i++) {
    size_t k = 0;
    one.len = 0;
    input_dir(&one, cwd, n > 0 ? inputs[i] : "-");
    if (i == 0) {
      rc_buf_put(&base, one.p, one.len);
      continue;
    }
    /* The common part, up to a whole segment. */
    while (k < base.len && k < one.len && base.p[k] == one.p[k])
      k++;
    if (!((k == base.len || base.p[k] == '/') &&
          (k == one.len || one.p[k] == '/')))
      while (k > 0 && base.p[k - 1] != '/')
        k--;
    while (k > 1 && base.p[k - 1] == '/')
      k--;
    base.len = k > 0 ? k : 1;
  }
  /* Upward: the first file found, not above the project's root. */
  while (!oom && base.len > 0) {
    if (exists_in(&base, RC_CONFIG_NAME, 1)) {
      if (base.len > 1)
        rc_buf_put(&base, "/", 1);
      rc_buf_str(&base, RC_CONFIG_NAME);
      rc_buf_put(&base, "", 1);
      found = 1;
      break;
    }
    if (exists_in(&base, ".git", 0) || base.len == 1)
      break;
    while (base.len > 1 && base.p[base.len - 1] != '/')
      base.len--;
    if (base.len > 1)
      base.len--;
  }
  free(cwd);
  rc_buf_free(&one);
  if (oom) {
    rc_buf_free(&base);
    return -1;
  }
  if (!found) {
    rc_buf_free(&base);
    return 0;
  }
  *path = base.p;
  return 1;
}

/* ------------------------------------------------------------------------ */
/* Reading it. */

typedef struct reader {
  const char *path;
  const char *p, *end; /* the line being read, without its line end */
  unsigned line;
  char *err;
  size_t errcap;
  rc_config_t *cfg;
  const rc_config_limit_t *limits;
  size_t nlimits;
  int table; /* 0: top level, 1: [rules], 2: [limits] */
  unsigned table_line[3];
} reader_t;

static const char *const table_names[] = {"", "rules", "limits"};

/* "PATH:LINE: what" into err; returns -1. */
__attribute__((format(printf, 2, 3))) static int fail(reader_t *r,
                                                      const char *fmt, ...) {
  va_list ap;
  int n = snprintf(r->err, r->errcap, "%s:%u: ", r->path, r->line);
  va_start(ap, fmt);
  if (n >= 0 && (size_t)n < r->errcap)
    vsnprintf(r->err + n, r->errcap - (size_t)n, fmt, ap);
  va_end(ap);
  return -1;
}

static int is_bare(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static void skip_ws(reader_t *r) {
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t'))
    r->p++;
}

/* The end of a line: nothing, or a comment. */
static int at_end(reader_t *r, const char *after) {
  skip_ws(r);
  if (r->p == r->end || *r->p == '#')
    return 0;
  return fail(r, "unexpected '%c' after %s", *r->p, after);
}

/* A quoted string without escapes (the quote at r->p) into out, at most
 * cap - 1 bytes; its length in *len. */
static int quoted(reader_t *r, char *out, size_t cap, size_t *len) {
  char q = *r->p;
  const char *s = ++r->p;
  if (r->end - s >= 2 && s[0] == q && s[1] == q)
    return fail(r, "multi-line strings are not supported");
  while (r->p < r->end && *r->p != q) {
    if (*r->p == '\\' && q == '"')
      return fail(r, "escape sequences are not supported");
    r->p++;
  }
  if (r->p == r->end)
    return fail(r, "unterminated string");
  *len = (size_t)(r->p - s);
  r->p++;
  if (*len >= cap)
    return fail(r, "a string longer than %zu bytes", cap - 1);
  memcpy(out, s, *len);
  out[*len] = '\0';
  return 0;
}

static int add_item(reader_t *r, rc_config_kind_t kind, const char *key,
                    int severity, int id, uint64_t number) {
  rc_config_t *cfg = r->cfg;
  rc_config_item_t *it;
  size_t i, klen = strlen(key);
  int table = r->table;
  for (i = 0; i < cfg->n; i++) {
    rc_config_item_t *o = &cfg->items[i];
    int otable = o->kind == RC_CONFIG_RULE    ? 1
                 : o->kind == RC_CONFIG_LIMIT ? 2
                                              : 0;
    if (otable == table && strcmp(o->key, key) == 0)
      return fail(r, "'%s' is set twice (line %u)", key, o->line);
  }
  if (cfg->n == cfg->cap) {
    size_t cap = cfg->cap ? cfg->cap * 2 : 16;
    rc_config_item_t *ni = realloc(cfg->items, cap * sizeof *ni);
    if (ni == NULL)
      return fail(r, "out of memory");
    cfg->items = ni;
    cfg->cap = cap;
  }
  it = &cfg->items[cfg->n];
  it->key = malloc(klen + 1);
  if (it->key == NULL)
    return fail(r, "out of memory");
  memcpy(it->key, key, klen + 1);
  it->kind = kind;
  it->severity = severity;
  it->id = id;
  it->number = number;
  it->line = r->line;
  cfg->n++;
  return 0;
}

/* "[name]" */
static int table_header(reader_t *r) {
  const char *s;
  int t;
  r->p++;
  if (r->p < r->end && *r->p == '[')
    return fail(r, "arrays of tables are not supported");
  skip_ws(r);
  s = r->p;
  while (r->p < r->end && is_bare((unsigned char)*r->p))
    r->p++;
  if (r->p < r->end && *r->p == '.')
    return fail(r, "dotted table names are not supported");
  for (t = 1; t <= 2; t++)
    if ((size_t)(r->p - s) == strlen(table_names[t]) &&
        memcmp(s, table_names[t], (size_t)(r->p - s)) == 0)
      break;
  skip_ws(r);
  if (r->p == r->end || *r->p != ']')
    return fail(r, "expected ']'");
  if (t > 2)
    return fail(r, "unknown table [%.*s] (known: [rules], [limits])",
                (int)(r->p - s), s);
  r->p++;
  if (r->table_line[t] != 0)
    return fail(r, "table [%s] appears twice (line %u)", table_names[t],
                r->table_line[t]);
  r->table_line[t] = r->line;
  r->table = t;
  return at_end(r, "the table's name");
}

/* A TOML integer: [+-]digits, single underscores between digits, no
 * leading zero. *neg for a minus sign; -2 when it is too large. */
static int integer(reader_t *r, uint64_t *v, int *neg) {
  const char *s = r->p;
  int digits = 0, big = 0;
  *v = 0;
  *neg = 0;
  if (*r->p == '+' || *r->p == '-') {
    *neg = *r->p == '-';
    r->p++;
  }
  if (r->p < r->end && *r->p == '0' && r->end - r->p > 1 &&
      ((r->p[1] >= '0' && r->p[1] <= '9') || r->p[1] == '_'))
    return fail(r, "a number with a leading zero");
  while (r->p < r->end) {
    if (*r->p >= '0' && *r->p <= '9') {
      unsigned d = (unsigned)(*r->p - '0');
      if (*v > (UINT64_MAX - d) / 10)
        big = 1;
      else
        *v = *v * 10 + d;
      digits++;
    } else if (*r->p == '_' && digits > 0 && r->end - r->p > 1 &&
               r->p[1] >= '0' && r->p[1] <= '9') {
      /* between digits */
    } else {
      break;
    }
    r->p++;
  }
  if (digits == 0 ||
      (r->p < r->end &&
       (*r->p == '.' || *r->p == 'e' || *r->p == 'E' || *r->p == '_' ||
        *r->p == ':' || *r->p == 'x' || *r->p == 'o' || *r->p == 'b')))
    return fail(r, "'%.*s...' is not a number this file takes",
                (int)(r->p - s + 1 > 24 ? 24 : r->p - s + 1), s);
  return big ? -2 : 0;
}

static int severity_value(reader_t *r, const char *key, const char *v) {
  int sev = respcheck_severity_from_name(v);
  if (sev < 0)
    return fail(r, "%s: severity '%s' is not off, info, warning or error", key,
                v);
  return sev;
}

/* "key = value" */
static int key_value(reader_t *r) {
  char key[128], sval[128];
  size_t klen, slen;
  int is_str = 0, neg = 0, e;
  uint64_t num = 0;
  if (*r->p == '"' || *r->p == '\'') {
    if (quoted(r, key, sizeof key, &klen) != 0)
      return -1;
  } else {
    const char *s = r->p;
    while (r->p < r->end && is_bare((unsigned char)*r->p))
      r->p++;
    klen = (size_t)(r->p - s);
    if (klen == 0)
      return fail(r, "expected a key, a table or a comment");
    if (klen >= sizeof key)
      return fail(r, "a key longer than %zu bytes", sizeof key - 1);
    memcpy(key, s, klen);
    key[klen] = '\0';
  }
  skip_ws(r);
  if (r->p < r->end && *r->p == '.')
    return fail(r, "dotted keys are not supported");
  if (r->p == r->end || *r->p != '=')
    return fail(r, "expected '=' after the key");
  r->p++;
  skip_ws(r);
  if (r->p == r->end)
    return fail(r, "expected a value");
  if (*r->p == '"' || *r->p == '\'') {
    if (quoted(r, sval, sizeof sval, &slen) != 0)
      return -1;
    is_str = 1;
  } else if (*r->p == '[' || *r->p == '{') {
    return fail(r, "arrays and inline tables are not supported");
  } else if ((*r->p >= '0' && *r->p <= '9') || *r->p == '+' || *r->p == '-') {
    e = integer(r, &num, &neg);
    if (e == -1)
      return -1;
    if (e == -2)
      num = UINT64_MAX; /* too large, whatever the limit */
  } else {
    return fail(r, "expected a value (a \"string\" or a number)");
  }
  if (at_end(r, "the value") != 0)
    return -1;

  switch (r->table) {
  case 0:
    if (strcmp(key, "error-on") == 0) {
      int sev = is_str ? respcheck_severity_from_name(sval) : -1;
      if (sev <= 0)
        return fail(r, "error-on: '%s' is not error, warning or info",
                    is_str ? sval : "(a number)");
      return add_item(r, RC_CONFIG_ERROR_ON, key, sev, 0, 0);
    }
    return fail(r, "unknown key '%s' (rules go in [rules], limits in [limits])",
                key);
  case 1: {
    int sev;
    if (!is_str)
      return fail(r,
                  "%s: a severity is needed (\"off\", \"info\", "
                  "\"warning\" or \"error\")",
                  key);
    sev = severity_value(r, key, sval);
    if (sev < 0)
      return -1;
    return add_item(r, RC_CONFIG_RULE, key, sev, 0, 0);
  }
  default: {
    size_t i;
    const rc_config_limit_t *l = NULL;
    for (i = 0; i < r->nlimits; i++)
      if (strcmp(r->limits[i].name, key) == 0)
        l = &r->limits[i];
    if (l == NULL)
      return fail(r, "unknown key '%s' in [limits]", key);
    if (is_str)
      return fail(r, "%s: a number is needed", key);
    if (neg && num > 0)
      return fail(r, "%s: -%llu is below %llu", key, (unsigned long long)num,
                  (unsigned long long)l->min);
    if (num < l->min)
      return fail(r, "%s: %llu is below %llu", key, (unsigned long long)num,
                  (unsigned long long)l->min);
    if (num > l->max)
      return fail(r, "%s: too large (at most %llu)", key,
                  (unsigned long long)l->max);
    return add_item(r, RC_CONFIG_LIMIT, key, 0, l->id, num);
  }
  }
}

/* Whole-file checks: UTF-8 (RFC 3629), no control character but tab, CR
 * only before LF. */
static int check_bytes(reader_t *r, const char *data, size_t len) {
  size_t i = 0;
  r->line = 1;
  while (i < len) {
    unsigned char c = (unsigned char)data[i];
    size_t n = c < 0x80
                   ? 1
                   : rc_utf8_seq_len((const unsigned char *)data + i, len - i);
    if (n == 0)
      return fail(r, "not UTF-8 text (byte 0x%02x)", c);
    if (i == 0 && n == 3 && c == 0xEF && (unsigned char)data[1] == 0xBB)
      return fail(r, "a byte order mark (not taken: save without it)");
    if (c == '\n') {
      r->line++;
    } else if (c == '\r' ? !(i + 1 < len && data[i + 1] == '\n')
                         : (c < 0x20 && c != '\t') || c == 0x7F) {
      return fail(r, "a control character (0x%02x)", c);
    }
    i += n;
  }
  return 0;
}

int rc_config_load(const char *path, const rc_config_limit_t *limits,
                   size_t nlimits, rc_config_t *cfg, char *err, size_t errcap) {
  reader_t r;
  FILE *fp;
  char *data;
  size_t len = 0;
  const char *p, *end;
  memset(cfg, 0, sizeof *cfg);
  memset(&r, 0, sizeof r);
  r.path = path;
  r.err = err;
  r.errcap = errcap;
  r.cfg = cfg;
  r.limits = limits;
  r.nlimits = nlimits;
  fp = fopen(path, "rb");
  if (fp == NULL) {
    snprintf(err, errcap, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  data = malloc(RC_CONFIG_MAX_BYTES + 1);
  if (data == NULL) {
    fclose(fp);
    snprintf(err, errcap, "%s: out of memory", path);
    return -1;
  }
  len = fread(data, 1, RC_CONFIG_MAX_BYTES + 1, fp);
  if (ferror(fp)) {
    snprintf(err, errcap, "%s: read error", path);
    goto fail;
  }
  if (len > RC_CONFIG_MAX_BYTES) {
    snprintf(err, errcap, "%s: larger than %u bytes", path,
             RC_CONFIG_MAX_BYTES);
    goto fail;
  }
  cfg->path = malloc(strlen(path) + 1);
  if (cfg->path == NULL) {
    snprintf(err, errcap, "%s: out of memory", path);
    goto fail;
  }
  memcpy(cfg->path, path, strlen(path) + 1);
  if (check_bytes(&r, data, len) != 0)
    goto fail;
  for (p = data, r.line = 1; p < data + len; p = end + 1, r.line++) {
    end = memchr(p, '\n', (size_t)(data + len - p));
    if (end == NULL)
      end = data + len;
    r.p = p;
    r.end = end > p && end[-1] == '\r' ? end - 1 : end;
    skip_ws(&r);
    if (r.p == r.end || *r.p == '#')
      continue;
    if ((*r.p == '[' ? table_header(&r) : key_value(&r)) != 0)
      goto fail;
  }
  fclose(fp);
  free(data);
  return 0;
fail:
  fclose(fp);
  free(data);
  rc_config_free(cfg);
  return -1;
}

void rc_config_free(rc_config_t *cfg) {
  size_t i;
  for (i = 0; i < cfg->n; i++)
    free(cfg->items[i].key);
  free(cfg->items);
  free(cfg->path);
  memset(cfg, 0, sizeof *cfg);
}
