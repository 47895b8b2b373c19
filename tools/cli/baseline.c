/* SPDX-License-Identifier: MIT */
/* The respcheck command's baseline (baseline.h). */
#define _POSIX_C_SOURCE 200809L

#include "baseline.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"

typedef struct entry {
  char *key; /* "RULE\tFILE\tCONTEXT", NUL-terminated */
  size_t key_len;
  char *excerpt;   /* escaped; NUL-terminated */
  uint64_t count;  /* read: still to leave out; recorded: seen */
  unsigned line;   /* read: where it was */
  size_t rule_len; /* the key's parts, for sorting */
  size_t file_len;
} entry_t;

/* Open addressing over entries; slots hold index + 1 (0: empty). */
typedef struct table {
  entry_t *v;
  size_t n, cap;
  size_t *slots;
  size_t nslots; /* a power of two, at least twice n */
} table_t;

struct rc_baseline {
  table_t known; /* read */
  table_t seen;  /* recorded */
  int recording;
  int oom;
};

static uint64_t fnv1a(uint64_t h, const void *data, size_t len) {
  const unsigned char *p = data;
  size_t i;
  for (i = 0; i < len; i++) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}
#define FNV_START 14695981039346656037ull

static entry_t *table_find(const table_t *t, const char *key, size_t len) {
  size_t i;
  if (t->nslots == 0)
    return NULL;
  i = (size_t)fnv1a(FNV_START, key, len) & (t->nslots - 1);
  for (; t->slots[i] != 0; i = (i + 1) & (t->nslots - 1)) {
    entry_t *e = &t->v[t->slots[i] - 1];
    if (e->key_len == len && memcmp(e->key, key, len) == 0)
      return e;
  }
  return NULL;
}

static int table_grow(table_t *t) {
  size_t ns = t->nslots ? t->nslots * 2 : 64, i;
  size_t *slots = calloc(ns, sizeof *slots);
  if (slots == NULL)
    return -1;
  for (i = 0; i < t->n; i++) {
    size_t h =
        (size_t)fnv1a(FNV_START, t->v[i].key, t->v[i].key_len) & (ns - 1);
    while (slots[h] != 0)
      h = (h + 1) & (ns - 1);
    slots[h] = i + 1;
  }
  free(t->slots);
  t->slots = slots;
  t->nslots = ns;
  return 0;
}

/* A new entry for key (not in t); NULL when out of memory or full. */
static entry_t *table_add(table_t *t, const char *key, size_t len,
                          const char *excerpt, size_t excerpt_len) {
  entry_t *e;
  size_t h;
  if (t->n >= RC_BASELINE_MAX_ENTRIES)
    return NULL;
  if ((t->n + 1) * 2 > t->nslots && table_grow(t) != 0)
    return NULL;
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 64;
    entry_t *nv = realloc(t->v, cap * sizeof *nv);
    if (nv == NULL)
      return NULL;
    t->v = nv;
    t->cap = cap;
  }
  e = &t->v[t->n];
  memset(e, 0, sizeof *e);
  e->key = malloc(len + 1);
  e->excerpt = malloc(excerpt_len + 1);
  if (e->key == NULL || e->excerpt == NULL) {
    free(e->key);
    free(e->excerpt);
    return NULL;
  }
  memcpy(e->key, key, len);
  e->key[len] = '\0';
  e->key_len = len;
  memcpy(e->excerpt, excerpt, excerpt_len);
  e->excerpt[excerpt_len] = '\0';
  {
    const char *tab = memchr(key, '\t', len);
    const char *tab2 =
        tab != NULL ? memchr(tab + 1, '\t', len - (size_t)(tab + 1 - key))
                    : NULL;
    e->rule_len = tab != NULL ? (size_t)(tab - key) : len;
    e->file_len = tab2 != NULL ? (size_t)(tab2 - tab - 1) : 0;
  }
  h = (size_t)fnv1a(FNV_START, key, len) & (t->nslots - 1);
  while (t->slots[h] != 0)
    h = (h + 1) & (t->nslots - 1);
  t->slots[h] = ++t->n;
  return e;
}

static void table_free(table_t *t) {
  size_t i;
  for (i = 0; i < t->n; i++) {
    free(t->v[i].key);
    free(t->v[i].excerpt);
  }
  free(t->v);
  free(t->slots);
  memset(t, 0, sizeof *t);
}

rc_baseline_t *rc_baseline_new(void) {
  return calloc(1, sizeof(rc_baseline_t));
}

void rc_baseline_free(rc_baseline_t *b) {
  if (b == NULL)
    return;
  table_free(&b->known);
  table_free(&b->seen);
  free(b);
}

void rc_baseline_record(rc_baseline_t *b) { b->recording = 1; }

/* ------------------------------------------------------------------------ */
/* A finding's key and excerpt. */

static void buf_text(rc_buf_t *b, const char *s, size_t len) {
  rc_sink_t sink = {NULL, b};
  rc_sink_text(&sink, s, len);
}

/* "RULE\tFILE\tCONTEXT" into key, the excerpt into excerpt. */
static void fingerprint(const rc_out_seen_t *seen, rc_buf_t *key,
                        rc_buf_t *excerpt) {
  uint64_t h = FNV_START;
  char hex[17];
  rc_buf_t file = {NULL, 0, 0, key->oom};
  const rc_snippet_t *sn = seen->snippet;
  if (sn != NULL) {
    char caret[48];
    int n = snprintf(caret, sizeof caret, "L%zu:%d%d", sn->caret,
                     sn->cut_before, sn->cut_after);
    h = fnv1a(h, caret, n > 0 ? (size_t)n : 0);
    h = fnv1a(h, sn->bytes, sn->len);
    if (sn->cut_before)
      rc_buf_str(excerpt, "...");
    buf_text(excerpt, sn->bytes, sn->len);
    if (sn->cut_after)
      rc_buf_str(excerpt, "...");
  } else {
    /* The label and the message, digits aside. */
    const char *m = seen->message;
    size_t i, len = strlen(m);
    h = fnv1a(h, "M", 1);
    if (seen->label != NULL)
      h = fnv1a(h, seen->label, strlen(seen->label));
    h = fnv1a(h, "", 1);
    for (i = 0; i < len; i++) {
      if (m[i] >= '0' && m[i] <= '9') {
        while (i + 1 < len && m[i + 1] >= '0' && m[i + 1] <= '9')
          i++;
        h = fnv1a(h, "#", 1);
      } else {
        h = fnv1a(h, &m[i], 1);
      }
    }
    buf_text(excerpt, m, len > 200 ? 200 : len);
  }
  snprintf(hex, sizeof hex, "%016" PRIx64, h);
  rc_buf_str(key, seen->rule);
  rc_buf_put(key, "\t", 1);
  if (strcmp(seen->path, "-") == 0)
    rc_buf_put(&file, "-", 1);
  else
    rc_path_clean(&file, NULL, seen->path);
  if (file.p != NULL)
    buf_text(key, file.p, file.len);
  rc_buf_free(&file);
  rc_buf_put(key, "\t", 1);
  rc_buf_put(key, hex, 16);
}

int rc_baseline_filter(void *ctx, const rc_out_seen_t *seen) {
  rc_baseline_t *b = ctx;
  rc_buf_t key = {NULL, 0, 0, &b->oom}, excerpt = {NULL, 0, 0, &b->oom};
  entry_t *e;
  int take = 1;
  fingerprint(seen, &key, &excerpt);
  if (key.p == NULL) {
    rc_buf_free(&excerpt);
    return 1;
  }
  if (b->recording) {
    e = table_find(&b->seen, key.p, key.len);
    if (e == NULL)
      e = table_add(&b->seen, key.p, key.len,
                    excerpt.p != NULL ? excerpt.p : "", excerpt.len);
    if (e != NULL)
      e->count++;
    else
      b->oom = 1;
    take = 0;
  } else {
    e = table_find(&b->known, key.p, key.len);
    if (e != NULL && e->count > 0) {
      e->count--;
      take = 0;
    }
  }
  rc_buf_free(&key);
  rc_buf_free(&excerpt);
  return take;
}

/* ------------------------------------------------------------------------ */
/* Reading. */

static int is_hex(const char *s, size_t n) {
  size_t i;
  if (n != 16)
    return 0;
  for (i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return 0;
  return 1;
}

/* A printable ASCII field without spaces (the escaper's output). */
static int is_field(const char *s, size_t n) {
  size_t i;
  if (n == 0)
    return 0;
  for (i = 0; i < n; i++)
    if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
      return 0;
  return 1;
}

static int read_line(rc_baseline_t *b, const char *path, unsigned lineno,
                     const char *p, size_t len, char *err, size_t errcap) {
  const char *f[5];
  size_t flen[5], nf = 0, i;
  uint64_t count = 0;
  entry_t *e;
  const char *s = p;
  for (i = 0; i <= len; i++) {
    if (i == len || p[i] == '\t') {
      if (nf == 5) {
        nf = 6;
        break;
      }
      f[nf] = s;
      flen[nf] = (size_t)(p + i - s);
      nf++;
      s = p + i + 1;
    }
  }
  if (nf < 4 || nf > 5 || !is_field(f[0], flen[0]) ||
      !is_field(f[1], flen[1])) {
    snprintf(err, errcap,
             "%s:%u: expected RULE, FILE, CONTEXT, COUNT and EXCERPT "
             "separated by tabs",
             path, lineno);
    return -1;
  }
  if (!is_hex(f[2], flen[2])) {
    snprintf(err, errcap, "%s:%u: CONTEXT is not 16 lowercase hex digits", path,
             lineno);
    return -1;
  }
  for (i = 0; i < flen[3]; i++) {
    if (f[3][i] < '0' || f[3][i] > '9' || count > UINT32_MAX) {
      count = 0;
      break;
    }
    count = count * 10 + (uint64_t)(f[3][i] - '0');
  }
  if (count == 0 || count > UINT32_MAX) {
    snprintf(err, errcap, "%s:%u: COUNT is not a number from 1 to %u", path,
             lineno, UINT32_MAX);
    return -1;
  }
  /* The key: the first three fields as they stand. */
  {
    size_t klen = (size_t)(f[2] + 16 - p);
    e = table_find(&b->known, p, klen);
    if (e != NULL) {
      snprintf(err, errcap, "%s:%u: this finding appears twice (line %u)", path,
               lineno, e->line);
      return -1;
    }
    e = table_add(&b->known, p, klen, nf == 5 ? f[4] : "",
                  nf == 5 ? flen[4] : 0);
    if (e == NULL) {
      snprintf(err, errcap, "%s:%u: out of memory (or more than %u entries)",
               path, lineno, RC_BASELINE_MAX_ENTRIES);
      return -1;
    }
    e->count = count;
    e->line = lineno;
  }
  return 0;
}

int rc_baseline_read(rc_baseline_t *b, const char *path, char *err,
                     size_t errcap) {
  FILE *fp = fopen(path, "rb");
  rc_buf_t data = {NULL, 0, 0, &b->oom};
  char chunk[65536];
  size_t n, hl = strlen(RC_BASELINE_HEADER);
  const char *p, *end;
  unsigned lineno;
  int rc = 0;
  if (fp == NULL) {
    snprintf(err, errcap, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
    if (data.len + n > RC_BASELINE_MAX_BYTES) {
      snprintf(err, errcap, "%s: larger than %u bytes", path,
               RC_BASELINE_MAX_BYTES);
      rc = -1;
      break;
    }
    rc_buf_put(&data, chunk, n);
  }
  if (rc == 0 && (ferror(fp) || b->oom)) {
    snprintf(err, errcap, "%s: %s", path,
             b->oom ? "out of memory" : "read error");
    rc = -1;
  }
  fclose(fp);
  if (rc == 0 &&
      (data.len < hl || memcmp(data.p, RC_BASELINE_HEADER, hl) != 0 ||
       (data.len > hl && data.p[hl] != '\n' && data.p[hl] != '\r'))) {
    snprintf(err, errcap, "%s:1: not a respcheck baseline (no \"%s\")", path,
             RC_BASELINE_HEADER);
    rc = -1;
  }
  for (p = data.p, lineno = 1; rc == 0 && p != NULL && p < data.p + data.len;
       p = end + 1, lineno++) {
    size_t len;
    end = memchr(p, '\n', (size_t)(data.p + data.len - p));
    if (end == NULL)
      end = data.p + data.len;
    len = (size_t)(end - p);
    if (len > 0 && p[len - 1] == '\r')
      len--;
    if (len == 0 || p[0] == '#')
      continue;
    rc = read_line(b, path, lineno, p, len, err, errcap);
  }
  rc_buf_free(&data);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Writing. */

static int cmp_part(const char *a, size_t an, const char *b, size_t bn) {
  int c = memcmp(a, b, an < bn ? an : bn);
  return c != 0 ? c : an < bn ? -1 : an > bn;
}

/* By file, rule, excerpt, context. */
static int cmp_entries(const void *x, const void *y) {
  const entry_t *a = *(const entry_t *const *)x,
                *b = *(const entry_t *const *)y;
  int c = cmp_part(a->key + a->rule_len + 1, a->file_len,
                   b->key + b->rule_len + 1, b->file_len);
  if (c == 0)
    c = cmp_part(a->key, a->rule_len, b->key, b->rule_len);
  if (c == 0)
    c = strcmp(a->excerpt, b->excerpt);
  if (c == 0)
    c = strcmp(a->key + a->key_len - 16, b->key + b->key_len - 16);
  return c;
}

int64_t rc_baseline_write(rc_baseline_t *b, const char *path, char *err,
                          size_t errcap) {
  entry_t **order;
  size_t i, plen = strlen(path);
  char *tmp;
  FILE *fp;
  int64_t total = 0;
  if (b->oom) {
    snprintf(err, errcap, "%s: out of memory (or more than %u entries)", path,
             RC_BASELINE_MAX_ENTRIES);
    return -1;
  }
  order = malloc((b->seen.n > 0 ? b->seen.n : 1) * sizeof *order);
  tmp = malloc(plen + 5);
  if (order == NULL || tmp == NULL) {
    free(order);
    free(tmp);
    snprintf(err, errcap, "%s: out of memory", path);
    return -1;
  }
  for (i = 0; i < b->seen.n; i++)
    order[i] = &b->seen.v[i];
  if (b->seen.n > 1)
    qsort(order, b->seen.n, sizeof *order, cmp_entries);
  memcpy(tmp, path, plen);
  memcpy(tmp + plen, ".tmp", 5);
  fp = fopen(tmp, "wb");
  if (fp == NULL) {
    snprintf(err, errcap, "%s: cannot write: %s", tmp, strerror(errno));
    free(order);
    free(tmp);
    return -1;
  }
  fputs(RC_BASELINE_HEADER "\n"
                           "# Findings left out by respcheck --baseline: "
                           "RULE, FILE, CONTEXT (a hash of the\n"
                           "# finding's line), COUNT, and the line for the "
                           "reader; written by --write-baseline.\n",
        fp);
  for (i = 0; i < b->seen.n; i++) {
    fprintf(fp, "%s\t%" PRIu64 "\t%s\n", order[i]->key, order[i]->count,
            order[i]->excerpt);
    total += (int64_t)order[i]->count;
  }
  free(order);
  if (fflush(fp) != 0 || ferror(fp)) {
    snprintf(err, errcap, "%s: write error: %s", tmp, strerror(errno));
    fclose(fp);
    remove(tmp);
    free(tmp);
    return -1;
  }
  fclose(fp);
  if (rename(tmp, path) != 0) {
    snprintf(err, errcap, "%s: cannot write: %s", path, strerror(errno));
    remove(tmp);
    free(tmp);
    return -1;
  }
  free(tmp);
  return total;
}
