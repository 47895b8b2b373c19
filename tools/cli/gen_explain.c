/* SPDX-License-Identifier: MIT */
/*
 * Writes explain_data.c, the table respcheck --explain prints (explain.h),
 * when the command is built:
 *
 *   gen_explain docs/rules.md tests/vectors OUT.c
 *
 * From docs/rules.md, each "## RULE-ID" section's explanation (its
 * paragraphs) and RFC quote (its "> " lines). From the test vectors, read
 * with the vectors' own strict reader (tests/vectors.c), for each rule of
 * the library's catalogue: the shortest case where it fires (an error,
 * warning or info line names it; not a "-near" case when there is another)
 * and the near miss most like it (a case that lists the rule as absent:
 * the one whose bytes start like the firing case's for longest, then a
 * "-near" one, then the shortest; not one whose context turns the rule
 * off); cases of cut-heads.md and peer-suites.md only when no other has
 * the rule, so that the two differ in what makes the rule fire. The examples
 * carry their case's severity lines, which --explain applies. A malformed page
 * (a section without an explanation or a quote, a section twice, a bad id)
 * stops the build, naming the line; a rule with no section yet, or a section
 * that names no rule, is left to the tests (cli-explain), which fail on it.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "respcheck.h"
#include "vectors.h"

#define MAX_SECTIONS 512

typedef struct section {
  char id[64];
  char *text, *quote;
  size_t text_len, quote_len, text_cap, quote_cap;
  unsigned line;
} section_t;

static void append(char **buf, size_t *len, size_t *cap, const char *s,
                   size_t n) {
  if (*len + n + 1 > *cap) {
    size_t c = *cap ? *cap : 256;
    char *p;
    while (c < *len + n + 1)
      c *= 2;
    p = realloc(*buf, c);
    if (p == NULL) {
      fprintf(stderr, "gen_explain: out of memory\n");
      exit(1);
    }
    *buf = p;
    *cap = c;
  }
  memcpy(*buf + *len, s, n);
  *len += n;
  (*buf)[*len] = '\0';
}

static char *read_file(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  char *data = NULL;
  size_t cap = 0;
  char chunk[8192];
  size_t n;
  *len = 0;
  if (fp == NULL) {
    fprintf(stderr, "gen_explain: %s: %s\n", path, strerror(errno));
    exit(1);
  }
  while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
    append(&data, len, &cap, chunk, n);
  fclose(fp);
  if (data == NULL)
    append(&data, len, &cap, "", 0);
  return data;
}

static int is_id(const char *s, size_t n) {
  size_t i;
  if (n == 0 || n >= 64)
    return 0;
  for (i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
          s[i] == '-'))
      return 0;
  return 1;
}

/* Reads docs/rules.md's sections into secs; returns how many. */
static size_t read_docs(const char *path, section_t *secs) {
  size_t len, n = 0, i;
  char *data = read_file(path, &len);
  const char *p = data, *end = data + len;
  unsigned line = 0;
  int blank = 0;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    size_t l;
    section_t *s = n > 0 ? &secs[n - 1] : NULL;
    if (eol == NULL)
      eol = end;
    l = (size_t)(eol - p);
    if (l > 0 && p[l - 1] == '\r')
      l--;
    line++;
    if (l >= 3 && memcmp(p, "## ", 3) == 0) {
      if (!is_id(p + 3, l - 3)) {
        fprintf(stderr, "%s:%u: '## ' must be followed by a rule id\n", path,
                line);
        exit(1);
      }
      if (n == MAX_SECTIONS) {
        fprintf(stderr, "%s:%u: more than %d sections\n", path, line,
                MAX_SECTIONS);
        exit(1);
      }
      for (i = 0; i < n; i++)
        if (strlen(secs[i].id) == l - 3 &&
            memcmp(secs[i].id, p + 3, l - 3) == 0) {
          fprintf(stderr, "%s:%u: '%s' has a section already (line %u)\n", path,
                  line, secs[i].id, secs[i].line);
          exit(1);
        }
      s = &secs[n++];
      memset(s, 0, sizeof *s);
      memcpy(s->id, p + 3, l - 3);
      s->line = line;
      blank = 0;
    } else if (s == NULL) {
      /* The page's introduction. */
    } else if (l >= 2 && p[0] == '>' && p[1] == ' ') {
      if (s->quote_len > 0)
        append(&s->quote, &s->quote_len, &s->quote_cap, " ", 1);
      append(&s->quote, &s->quote_len, &s->quote_cap, p + 2, l - 2);
    } else if (l == 0) {
      blank = 1;
    } else {
      if (s->quote_len > 0) {
        fprintf(stderr, "%s:%u: text after the quote of '%s'\n", path, line,
                s->id);
        exit(1);
      }
      if (s->text_len > 0)
        append(&s->text, &s->text_len, &s->text_cap, blank ? "\n\n" : " ",
               blank ? 2 : 1);
      append(&s->text, &s->text_len, &s->text_cap, p, l);
      blank = 0;
    }
    p = eol < end ? eol + 1 : end;
  }
  for (i = 0; i < n; i++) {
    if (secs[i].text_len == 0 || secs[i].quote_len == 0) {
      fprintf(stderr, "%s:%u: '%s' needs an explanation and a quote\n", path,
              secs[i].line, secs[i].id);
      exit(1);
    }
  }
  free(data);
  return n;
}

/* A C string literal of n bytes. */
static void put_literal(FILE *out, const char *s, size_t n) {
  size_t i, col = 0;
  fputc('"', out);
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (col > 70) {
      fputs("\"\n    \"", out);
      col = 0;
    }
    if (c == '"' || c == '\\') {
      fprintf(out, "\\%c", c);
      col += 2;
    } else if (c >= 0x20 && c < 0x7f && c != '?') {
      fputc(c, out); /* '?' escaped: no trigraphs */
      col++;
    } else {
      fprintf(out, "\\%03o", c);
      col += 4;
    }
  }
  fputc('"', out);
}

static int name_is_near(const rc_vector_t *v) {
  size_t n = strlen(v->name);
  return n >= 5 && strcmp(v->name + n - 5, "-near") == 0;
}

/* A case of a file written for one concern (a rule's own cases), not of
 * the files that replay heads cut by the end of the stream or other
 * projects' cases: those make poor examples (a cut head that fires and its
 * near miss can be the same bytes but for the end). */
static int teaching(const rc_vector_t *v) {
  return strcmp(v->file, "cut-heads.md") != 0 &&
         strcmp(v->file, "peer-suites.md") != 0;
}

static int fires(const rc_vector_t *v, int rule) {
  size_t i;
  for (i = 0; i < v->expect_count; i++)
    if ((int)v->expect[i].rule == rule)
      return 1;
  for (i = 0; i < v->info_count; i++)
    if ((int)v->info[i].rule == rule)
      return 1;
  return 0;
}

/* Better example: preferred kind first, then fewer bytes. */
static int better(const rc_vector_t *a, int a_pref, const rc_vector_t *b,
                  int b_pref) {
  if (b == NULL)
    return 1;
  if (a_pref != b_pref)
    return a_pref > b_pref;
  return a->len < b->len;
}

/* Bytes a and b have in common from their start. */
static size_t common_prefix(const rc_vector_t *a, const rc_vector_t *b) {
  size_t i = 0;
  while (i < a->len && i < b->len && a->data[i] == b->data[i])
    i++;
  return i;
}

static void put_case(FILE *out, const char *var, const rc_vector_t *v) {
  size_t r, nsev = 0;
  for (r = 0; r < RESPCHECK_RULE_COUNT; r++)
    if (v->severity_set[r]) {
      if (nsev == 0)
        fprintf(out, "static const rc_explain_severity_t %s_severity[] = {",
                var);
      fprintf(out, "%s{%zu, %d}", nsev ? ", " : "", r, (int)v->severity[r]);
      nsev++;
    }
  if (nsev > 0)
    fputs("};\n", out);
  fprintf(out, "static const rc_explain_case_t %s = {\n    ", var);
  put_literal(out, v->file, strlen(v->file));
  fputs(", ", out);
  put_literal(out, v->name, strlen(v->name));
  fputs(",\n    ", out);
  put_literal(out, v->data, v->len);
  fprintf(out, ",\n    %zu, %d, %d, %d, %zu, %zu, %zu, %zu, %zu, ", v->len,
          (int)v->method, v->request_10, (int)v->transport,
          v->limits.header_bytes, v->limits.headers, v->limits.line,
          v->limits.reason, v->limits.chunk_ext);
  if (nsev > 0)
    fprintf(out, "%s_severity, %zu};\n", var, nsev);
  else
    fputs("NULL, 0};\n", out);
}

/* The rule is on in the case: its context sets it to a severity other than
 * off, or leaves it at a default that is not off. A near miss where the
 * context turns the rule off says nothing about the bytes. */
static int rule_on(const rc_vector_t *v, int rule) {
  if (v->severity_set[rule])
    return v->severity[rule] != (unsigned char)RESPCHECK_SEVERITY_OFF;
  return respcheck_rule_default_severity((respcheck_rule_t)rule) !=
         RESPCHECK_SEVERITY_OFF;
}

int main(int argc, char **argv) {
  static section_t secs[MAX_SECTIONS];
  rc_vectors_t set;
  char err[512];
  size_t nsec, i, k;
  int r;
  FILE *out;
  const char *ids[MAX_SECTIONS + RESPCHECK_RULE_COUNT];
  size_t nids = 0;
  if (argc != 4) {
    fprintf(stderr, "usage: gen_explain docs/rules.md tests/vectors OUT.c\n");
    return 2;
  }
  nsec = read_docs(argv[1], secs);
  memset(&set, 0, sizeof set);
  if (rc_vectors_load(argv[2], &set, err, sizeof err) != 0) {
    fprintf(stderr, "gen_explain: %s\n", err);
    return 1;
  }
  out = fopen(argv[3], "wb");
  if (out == NULL) {
    fprintf(stderr, "gen_explain: %s: %s\n", argv[3], strerror(errno));
    return 1;
  }
  fputs("/* Generated by tools/cli/gen_explain.c from docs/rules.md and\n"
        " * tests/vectors/: do not edit. */\n"
        "#include \"explain.h\"\n\n",
        out);
  /* The examples, for every rule of the library's catalogue. */
  for (r = 0; r < (int)RESPCHECK_RULE_COUNT; r++) {
    const rc_vector_t *f = NULL, *nm = NULL;
    size_t best_common = 0;
    for (k = 0; k < set.count; k++) {
      const rc_vector_t *v = &set.v[k];
      if (fires(v, r) && better(v, 2 * teaching(v) + !name_is_near(v), f,
                                f ? 2 * teaching(f) + !name_is_near(f) : 0))
        f = v;
    }
    for (k = 0; k < set.count; k++) {
      const rc_vector_t *v = &set.v[k];
      size_t c = f != NULL ? common_prefix(v, f) : 0;
      if (!v->absent[r] || !rule_on(v, r))
        continue;
      if (nm != NULL && teaching(v) != teaching(nm)) {
        if (!teaching(v))
          continue;
      } else if (nm != NULL &&
                 (c < best_common ||
                  (c == best_common &&
                   !better(v, name_is_near(v), nm, name_is_near(nm))))) {
        continue;
      }
      nm = v;
      best_common = c;
    }
    if (f != NULL) {
      char var[32];
      snprintf(var, sizeof var, "fires_%d", r);
      put_case(out, var, f);
    }
    if (nm != NULL) {
      char var[32];
      snprintf(var, sizeof var, "near_%d", r);
      put_case(out, var, nm);
    }
    ids[nids++] = respcheck_rule_id((respcheck_rule_t)r);
    (void)fputc('\n', out);
  }
  /* Sections of rules outside the library's catalogue (an input kind's
   * own) come after. */
  for (i = 0; i < nsec; i++) {
    if (respcheck_rule_from_id(secs[i].id, strlen(secs[i].id)) < 0)
      ids[nids++] = secs[i].id;
  }
  fputs("const rc_explain_t rc_explanations[] = {\n", out);
  for (k = 0; k < nids; k++) {
    const section_t *s = NULL;
    int rule = respcheck_rule_from_id(ids[k], strlen(ids[k]));
    for (i = 0; i < nsec; i++)
      if (strcmp(secs[i].id, ids[k]) == 0)
        s = &secs[i];
    fputs("    {", out);
    put_literal(out, ids[k], strlen(ids[k]));
    fputs(",\n     ", out);
    if (s != NULL)
      put_literal(out, s->text, s->text_len);
    else
      fputs("NULL", out);
    fputs(",\n     ", out);
    if (s != NULL)
      put_literal(out, s->quote, s->quote_len);
    else
      fputs("NULL", out);
    if (rule >= 0) {
      int has_f = 0, has_n = 0;
      for (i = 0; i < set.count; i++) {
        has_f |= fires(&set.v[i], rule);
        has_n |= set.v[i].absent[rule] != 0 && rule_on(&set.v[i], rule);
      }
      fprintf(out, ",\n     ");
      if (has_f)
        fprintf(out, "&fires_%d, ", rule);
      else
        fputs("NULL, ", out);
      if (has_n)
        fprintf(out, "&near_%d},\n", rule);
      else
        fputs("NULL},\n", out);
    } else {
      fputs(", NULL, NULL},\n", out);
    }
  }
  fprintf(out, "};\nconst size_t rc_explanation_count = %zu;\n", nids);
  for (i = 0; i < nsec; i++) {
    free(secs[i].text);
    free(secs[i].quote);
  }
  rc_vectors_free(&set);
  if (fflush(out) != 0 || ferror(out)) {
    fprintf(stderr, "gen_explain: %s: write error\n", argv[3]);
    fclose(out);
    return 1;
  }
  fclose(out);
  return 0;
}
