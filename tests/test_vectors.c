#define _POSIX_C_SOURCE 200809L
/*
 * Every vector: its findings and responses as expected, and the same event
 * log whether the bytes are fed whole, byte by byte, or split in two at
 * every offset.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectors.h"

/* An event log: one line per callback, everything the caller can see. */
typedef struct log {
  char *s;
  size_t len, cap;
  const char *data;
  size_t data_len;
} log_t;

__attribute__((format(printf, 2, 3))) static void add(log_t *l, const char *fmt, ...) {
  va_list ap;
  int n;
  if (l->cap - l->len < 512) {
    l->cap = l->cap * 2 + 4096;
    l->s = realloc(l->s, l->cap);
    cr_assert(l->s != NULL);
  }
  va_start(ap, fmt);
  n = vsnprintf(l->s + l->len, l->cap - l->len, fmt, ap);
  va_end(ap);
  cr_assert(n >= 0 && (size_t)n < l->cap - l->len, "log line too long");
  l->len += (size_t)n;
}

static void on_finding(void *u, const respcheck_finding_t *f) {
  log_t *l = u;
  cr_assert(f->offset <= l->data_len, "finding offset %llu past the input",
            (unsigned long long)f->offset);
  add(l, "F %s %s @%llu #%llu %s\n", f->id, respcheck_severity_name(f->severity),
      (unsigned long long)f->offset, (unsigned long long)f->response_index,
      f->message);
}

static void add_span(log_t *l, respcheck_span_t s) {
  size_t i;
  for (i = 0; i < s.len; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    if (c >= 0x20 && c < 0x7f)
      add(l, "%c", c);
    else
      add(l, "\\x%02x", c);
  }
}

static int on_head(void *u, const respcheck_response_t *r) {
  log_t *l = u;
  size_t i;
  add(l, "H #%llu @%llu+%llu %u.%u %d>%d fr=%x cl=%llu %s [", (unsigned long long)r->index,
      (unsigned long long)r->offset, (unsigned long long)r->head_length,
      r->version_major, r->version_minor, r->status, r->effective_status,
      r->framing, (unsigned long long)r->content_length,
      r->verdict == RESPCHECK_REJECT ? "reject" : "accept");
  add_span(l, r->reason);
  add(l, "]");
  for (i = 0; i < r->header_count; i++) {
    add(l, " {");
    add_span(l, r->headers[i].name);
    add(l, "=");
    add_span(l, r->headers[i].value);
    add(l, "@%llu}", (unsigned long long)r->headers[i].offset);
  }
  add(l, "\n");
  return 0;
}

static int on_body(void *u, const char *at, size_t len) {
  log_t *l = u;
  respcheck_span_t s = {at, len};
  add(l, "B ");
  add_span(l, s);
  add(l, "\n");
  return 0;
}

static void on_end(void *u, const respcheck_message_end_t *m) {
  log_t *l = u;
  add(l, "E #%llu @%llu-%llu f=%x %s %u/%u/%u\n", (unsigned long long)m->index,
      (unsigned long long)m->offset, (unsigned long long)m->end_offset, m->flags,
      m->verdict == RESPCHECK_REJECT ? "reject" : "accept", m->error_count,
      m->warning_count, m->info_count);
}

static void on_tunnel(void *u, const char *at, size_t len, uint64_t off) {
  log_t *l = u;
  respcheck_span_t s = {at, len};
  add(l, "T @%llu ", (unsigned long long)off);
  add_span(l, s);
  add(l, "\n");
}

static void options_for(const rc_vector_t *v, respcheck_options_t *o) {
  respcheck_options_init(o);
  if (v->limits.header_bytes)
    o->max_header_bytes = v->limits.header_bytes;
  if (v->limits.headers)
    o->max_headers = v->limits.headers;
  if (v->limits.line)
    o->max_line_length = v->limits.line;
  if (v->limits.reason)
    o->max_reason_length = v->limits.reason;
  if (v->limits.chunk_ext)
    o->max_chunk_extension = v->limits.chunk_ext;
  o->default_request.method = v->method ? v->method : RESPCHECK_METHOD_GET;
  if (v->request_10)
    o->default_request.version_minor = 0;
}

/* Feeds the vector in pieces of the given sizes (0: the rest). The tunnel
 * bytes are merged so that their chunking does not show. */
static char *run(const rc_vector_t *v, size_t split, size_t step) {
  respcheck_options_t o;
  respcheck_callbacks_t cb = {on_finding, on_head, on_body, on_end, on_tunnel};
  log_t l = {0};
  respcheck_parser_t *p;
  size_t off = 0;

  l.data = v->data;
  l.data_len = v->len;
  options_for(v, &o);
  p = respcheck_parser_new(&o, &cb, &l);
  cr_assert(p != NULL);
  add(&l, "%s", "");
  while (off < v->len) {
    size_t n = v->len - off;
    if (step && n > step)
      n = step;
    if (split && off < split && off + n > split)
      n = split - off;
    respcheck_execute(p, v->data + off, n);
    off += n;
  }
  respcheck_finish(p);
  add(&l, "X %s @%llu\n", respcheck_errno_name(respcheck_parser_error(p)),
      (unsigned long long)respcheck_parser_error_offset(p));
  respcheck_parser_free(p);
  return l.s;
}

/* Body and tunnel bytes come in pieces that follow the chunking: join
 * consecutive B and T lines before comparing. */
static void normalise(char *s) {
  char *r = s, *w = s;
  char last = 0;
  while (*r) {
    char *eol = strchr(r, '\n');
    size_t n = eol ? (size_t)(eol - r) + 1 : strlen(r);
    char kind = r[0];
    if ((kind == 'B' || kind == 'T') && kind == last && w > s) {
      size_t skip = kind == 'B' ? 2 : (size_t)(strchr(r + 2, ' ') - r) + 1;
      w--; /* over the previous newline */
      memmove(w, r + skip, n - skip);
      w += n - skip;
    } else {
      memmove(w, r, n);
      w += n;
    }
    last = kind;
    r += n;
  }
  *w = '\0';
}

/* The warnings and errors of a log, as "rule@offset" words. */
__attribute__((unused)) static int expect_matches(const char *log, const char *expect, char *got,
                          size_t cap) {
  const char *line = log;
  const char *e = expect;
  int ok = 1;
  got[0] = '\0';
  while ((line = strstr(line, "F ")) != NULL) {
    char id[64], sev[16];
    unsigned long long off;
    if (line != log && line[-1] != '\n') {
      line += 2;
      continue;
    }
    if (sscanf(line, "F %63s %15s @%llu", id, sev, &off) != 3)
      break;
    line += 2;
    if (strcmp(sev, "info") == 0)
      continue;
    snprintf(got + strlen(got), cap - strlen(got), "%s%s@%llu", got[0] ? " " : "", id, off);
    /* Compare with the next expected word. */
    while (*e == ' ')
      e++;
    if (*e == '\0') {
      ok = 0;
      continue;
    }
    {
      const char *end = strchr(e, ' ');
      size_t wl = end ? (size_t)(end - e) : strlen(e);
      char word[96], full[96];
      snprintf(word, sizeof(word), "%.*s", (int)wl, e);
      snprintf(full, sizeof(full), "%s@%llu", id, off);
      if (strcmp(word, id) != 0 && strcmp(word, full) != 0)
        ok = 0;
      e += wl;
    }
  }
  while (*e == ' ')
    e++;
  return ok && *e == '\0';
}

static int has_rule(const char *log, const char *rule) {
  char pat[80];
  snprintf(pat, sizeof(pat), "F %s ", rule);
  return strncmp(log, pat, strlen(pat)) == 0 ||
         (snprintf(pat, sizeof(pat), "\nF %s ", rule), strstr(log, pat) != NULL);
}

static void check_words(const char *log, const char *words, int want,
                        const char *name) {
  char buf[512];
  char *tok, *save = NULL;
  snprintf(buf, sizeof(buf), "%s", words);
  for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
    cr_expect(has_rule(log, tok) == want, "%s: rule %s should %s\n%s", name, tok,
              want ? "fire" : "not fire", log);
}

/* The message ends as "status>effective:A" words. */
__attribute__((unused)) static void check_responses(const char *log, const char *want, const char *name) {
  char got[1024] = "";
  const char *line = log;
  int last_status = -1, last_eff = -1;
  while (line && *line) {
    if (line[0] == 'H') {
      sscanf(line, "H #%*u @%*u+%*u %*u.%*u %d>%d", &last_status, &last_eff);
    } else if (line[0] == 'E') {
      unsigned flags = 0;
      char verdict_word[16] = "";
      const char *verdict;
      int has_head;
      sscanf(line, "E #%*u @%*u-%*u f=%x %15s", &flags, verdict_word);
      verdict = strcmp(verdict_word, "reject") == 0 ? "R" : "A";
      has_head = (flags & RESPCHECK_END_HEAD) != 0;
      size_t n = strlen(got);
      if (has_head)
        snprintf(got + n, sizeof(got) - n, "%s%d>%d:%s", n ? " " : "", last_status, last_eff, verdict);
      else
        snprintf(got + n, sizeof(got) - n, "%s-:%s", n ? " " : "", verdict);
    }
    line = strchr(line, '\n');
    if (line)
      line++;
  }
  /* Compare word by word; ">effective" is optional in the expectation. */
  {
    char wbuf[1024], gbuf[1024];
    char *ws = NULL, *gs = NULL, *w, *g;
    snprintf(wbuf, sizeof(wbuf), "%s", want);
    snprintf(gbuf, sizeof(gbuf), "%s", got);
    w = strtok_r(wbuf, " ", &ws);
    g = strtok_r(gbuf, " ", &gs);
    while (w && g) {
      if (strcmp(w, g) != 0) {
        /* "200:A" against "200>200:A" */
        const char *gt = strchr(g, '>');
        const char *colon = strchr(g, ':');
        char shortg[64];
        if (gt && colon && !strchr(w, '>')) {
          snprintf(shortg, sizeof(shortg), "%.*s%s", (int)(gt - g), g, colon);
          cr_expect_str_eq(w, shortg, "%s: responses want \"%s\" got \"%s\"\n%s", name, want, got, log);
        } else {
          cr_expect_str_eq(w, g, "%s: responses want \"%s\" got \"%s\"\n%s", name, want, got, log);
        }
      }
      w = strtok_r(NULL, " ", &ws);
      g = strtok_r(NULL, " ", &gs);
    }
    cr_expect(w == NULL && g == NULL, "%s: responses want \"%s\" got \"%s\"\n%s", name, want, got, log);
  }
}

Test(vectors, expected_findings_and_responses) {
  size_t i;
  for (i = 0; i < RC_VECTOR_COUNT; i++) {
    const rc_vector_t *v = &rc_vectors[i];
    char *log = run(v, 0, 0);
#ifndef RC_LLHTTP_LOOSE
    char got[2048];
    cr_expect(expect_matches(log, v->expect, got, sizeof(got)),
              "%s: expected \"%s\", got \"%s\"\n%s", v->name, v->expect, got, log);
    check_words(log, v->absent, 0, v->name);
    if (v->responses)
      check_responses(log, v->responses, v->name);
#else
    /* llhttp's loose mode refuses less, so parse-error may not come and
     * what follows may differ; the layer's own findings, and the rejection,
     * must not depend on it. */
    char want[512], *tok, *save = NULL;
    snprintf(want, sizeof(want), "%s", v->expect);
    for (tok = strtok_r(want, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
      char *at = strchr(tok, '@');
      if (at)
        *at = '\0';
      if (strcmp(tok, "parse-error") != 0)
        cr_expect(has_rule(log, tok), "%s: %s missing in loose mode\n%s", v->name, tok, log);
    }
    if (v->responses && strstr(v->responses, ":R"))
      cr_expect(strstr(log, " reject") != NULL, "%s: not rejected in loose mode\n%s", v->name, log);
#endif
    check_words(log, v->info, 1, v->name);
    free(log);
  }
}

Test(vectors, same_events_for_every_chunking) {
  size_t i, k;
  for (i = 0; i < RC_VECTOR_COUNT; i++) {
    const rc_vector_t *v = &rc_vectors[i];
    char *whole = run(v, 0, 0);
    char *bytes = run(v, 0, 1);
    normalise(whole);
    normalise(bytes);
    cr_expect(strcmp(bytes, whole) == 0, "%s: byte by byte differs\nwhole:\n%s\nbytes:\n%s", v->name, whole, bytes);
    free(bytes);
    for (k = 1; k < v->len; k++) {
      char *split = run(v, k, 0);
      normalise(split);
      if (strcmp(split, whole) != 0) {
        cr_expect(strcmp(split, whole) == 0, "%s: split at %zu differs\nwhole:\n%s\nsplit:\n%s", v->name, k, whole, split);
        free(split);
        break;
      }
      free(split);
    }
    free(whole);
  }
}

Test(vectors, names_are_unique) {
  size_t i, j;
  for (i = 0; i < RC_VECTOR_COUNT; i++)
    for (j = i + 1; j < RC_VECTOR_COUNT; j++)
      cr_assert_str_neq(rc_vectors[i].name, rc_vectors[j].name);
}

static int word_in(const char *list, const char *id) {
  size_t n = strlen(id);
  const char *s = list;
  while (s && (s = strstr(s, id)) != NULL) {
    int start = s == list || s[-1] == ' ';
    int end = s[n] == '\0' || s[n] == ' ' || s[n] == '@';
    if (start && end)
      return 1;
    s += n;
  }
  return 0;
}

/* Every rule of the catalogue fires in some vector and is a near miss in
 * another. The capture-* rules are reported by the input readers (warc/,
 * har/), not by the parser: their tests are there. */
Test(vectors, every_rule_fires_and_has_a_near_miss) {
  size_t r, i;
  for (r = 0; r < RESPCHECK_RULE_COUNT; r++) {
    const char *id = respcheck_rule_id((respcheck_rule_t)r);
    int fires = 0, near = 0;
    if (strncmp(id, "capture-", 8) == 0)
      continue;
    for (i = 0; i < RC_VECTOR_COUNT; i++) {
      fires |= word_in(rc_vectors[i].expect, id) || word_in(rc_vectors[i].info, id);
      near |= word_in(rc_vectors[i].absent, id);
    }
    cr_expect(fires, "no vector makes %s fire", id);
    cr_expect(near, "no vector is a near miss for %s", id);
  }
}
