/* SPDX-License-Identifier: MIT */
/* respcheck --explain RULE (explain.h). */
#include "explain.h"

#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "record.h"
#include "respcheck.h"

/* Lines of an example shown; the rest is counted. */
#define RC_EXAMPLE_LINES 40
/* Findings of the explained rule kept from one example. */
#define RC_EXAMPLE_FINDINGS 8

const rc_explain_t *rc_explain_find(const char *id) {
  size_t i;
  for (i = 0; i < rc_explanation_count; i++)
    if (strcmp(rc_explanations[i].id, id) == 0)
      return &rc_explanations[i];
  return NULL;
}

/* What the catalogue says of a rule. */
typedef struct rule_info {
  const char *id, *reference, *summary;
  int severity, default_severity;
  int library; /* the library's rule number, or -1 */
  /* The test vectors have examples for it: a rule of the library's about
   * bytes, not a capture-* rule (captures, archives and exports are not
   * byte streams; tests/vectors/README.md). */
  int examples;
} rule_info_t;

static int find_rule(const char *id, const rc_out_config_t *cfg,
                     rule_info_t *ri) {
  int r = respcheck_rule_from_id(id, strlen(id));
  size_t i;
  if (r >= 0) {
    ri->id = respcheck_rule_id((respcheck_rule_t)r);
    ri->reference = respcheck_rule_reference((respcheck_rule_t)r);
    ri->summary = respcheck_rule_summary((respcheck_rule_t)r);
    ri->default_severity =
        (int)respcheck_rule_default_severity((respcheck_rule_t)r);
    ri->severity =
        cfg->severity != NULL ? cfg->severity[r] : ri->default_severity;
    ri->library = r;
    ri->examples = strncmp(ri->id, "capture-", 8) != 0;
    return 0;
  }
  for (i = 0; cfg->extra_rules != NULL && i < cfg->nextra_rules; i++) {
    const rc_out_rule_t *x = &cfg->extra_rules[i];
    if (x->id != NULL && strcmp(x->id, id) == 0) {
      ri->id = x->id;
      ri->reference = x->reference != NULL ? x->reference : "";
      ri->summary = x->summary != NULL ? x->summary : "";
      ri->default_severity = x->default_severity;
      ri->severity = x->severity;
      ri->library = -1;
      ri->examples = 0;
      return 0;
    }
  }
  return -1;
}

/* ------------------------------------------------------------------------ */
/* Running an example. */

typedef struct run {
  int rule;
  size_t n;
  struct {
    uint64_t offset;
    int severity;
    char message[256];
  } f[RC_EXAMPLE_FINDINGS];
  uint64_t more;
} run_t;

static void on_finding(void *user, const respcheck_finding_t *f) {
  run_t *run = user;
  size_t len;
  if ((int)f->rule != run->rule)
    return;
  if (run->n == RC_EXAMPLE_FINDINGS) {
    run->more++;
    return;
  }
  run->f[run->n].offset = f->offset;
  run->f[run->n].severity = (int)f->severity;
  len = f->message != NULL ? strlen(f->message) : 0;
  if (len >= sizeof run->f[0].message)
    len = sizeof run->f[0].message - 1;
  if (len > 0)
    memcpy(run->f[run->n].message, f->message, len);
  run->f[run->n].message[len] = '\0';
  run->n++;
}

/* The example read with its case's request, limits and severities, every
 * other rule at its default (so that it fires whatever the configuration
 * says). Returns -1 when a parser cannot be had. */
static int run_example(const rc_explain_case_t *c, int rule, run_t *run) {
  respcheck_options_t opts;
  respcheck_callbacks_t cb;
  respcheck_parser_t *p;
  size_t i;
  memset(run, 0, sizeof *run);
  run->rule = rule;
  memset(&cb, 0, sizeof cb);
  cb.on_finding = on_finding;
  respcheck_options_init(&opts);
  opts.default_request.method = (respcheck_method_t)c->method;
  if (c->request_10)
    opts.default_request.version_minor = 0;
  opts.default_request.transport = (unsigned char)c->transport;
  if (c->max_header_bytes)
    opts.max_header_bytes = c->max_header_bytes;
  if (c->max_headers)
    opts.max_headers = c->max_headers;
  if (c->max_line_length)
    opts.max_line_length = c->max_line_length;
  if (c->max_reason_length)
    opts.max_reason_length = c->max_reason_length;
  if (c->max_chunk_extension)
    opts.max_chunk_extension = c->max_chunk_extension;
  for (i = 0; i < c->nseverity; i++)
    if (respcheck_options_set_severity(
            &opts, (respcheck_rule_t)c->severity[i].rule,
            (respcheck_severity_t)c->severity[i].severity) != 0)
      return -1;
  p = respcheck_parser_new(&opts, &cb, run);
  if (p == NULL)
    return -1;
  (void)respcheck_execute(p, c->data, c->len);
  (void)respcheck_finish(p);
  respcheck_parser_free(p);
  return 0;
}

/* 1-based line and byte column of offset in the example. */
static void place(const rc_explain_case_t *c, uint64_t offset, uint64_t *line,
                  uint64_t *col) {
  uint64_t i, start = 0;
  *line = 1;
  for (i = 0; i < offset && i < c->len; i++)
    if (c->data[i] == '\n') {
      (*line)++;
      start = i + 1;
    }
  *col = offset - start + 1;
}

/* "(the response to a HEAD request, --max-line-length=20)": what differs
 * from a GET over HTTP/1.1 with the default limits and severities; ""
 * when nothing. */
static void context(const rc_explain_case_t *c, char *buf, size_t cap) {
  size_t n = 0, i;
  int k;
#define RC_ADD(...)                                                            \
  do {                                                                         \
    k = snprintf(buf + n, cap - n, __VA_ARGS__);                               \
    if (k > 0 && (size_t)k < cap - n)                                          \
      n += (size_t)k;                                                          \
  } while (0)
  buf[0] = '\0';
  if (c->method != (int)RESPCHECK_METHOD_GET || c->request_10)
    RC_ADD("the response to a %s request%s",
           respcheck_method_name((respcheck_method_t)c->method),
           c->request_10 ? " in HTTP/1.0" : "");
  if (c->transport != RESPCHECK_TRANSPORT_UNKNOWN)
    RC_ADD("%scame over %s", n ? ", " : "",
           c->transport == RESPCHECK_TRANSPORT_TLS ? "TLS" : "plain HTTP");
  if (c->max_header_bytes)
    RC_ADD("%s--max-header-bytes=%zu", n ? ", " : "", c->max_header_bytes);
  if (c->max_headers)
    RC_ADD("%s--max-headers=%zu", n ? ", " : "", c->max_headers);
  if (c->max_line_length)
    RC_ADD("%s--max-line-length=%zu", n ? ", " : "", c->max_line_length);
  if (c->max_reason_length)
    RC_ADD("%s--max-reason-length=%zu", n ? ", " : "", c->max_reason_length);
  if (c->max_chunk_extension)
    RC_ADD("%s--max-chunk-extension=%zu", n ? ", " : "",
           c->max_chunk_extension);
  for (i = 0; i < c->nseverity; i++)
    RC_ADD("%s--rule=%s=%s", n ? ", " : "",
           respcheck_rule_id((respcheck_rule_t)c->severity[i].rule),
           rc_severity_name(c->severity[i].severity));
#undef RC_ADD
}

/* ------------------------------------------------------------------------ */
/* Text. */

/* Words of s, wrapped at width, each line after indent spaces. */
static void wrap(FILE *fp, const char *s, size_t len, int indent, int width) {
  size_t i = 0;
  int col = 0;
  while (i < len) {
    size_t w = i;
    while (w < len && s[w] != ' ' && s[w] != '\n')
      w++;
    if (w > i) {
      if (col > 0 && col + 1 + (int)(w - i) > width) {
        fputc('\n', fp);
        col = 0;
      }
      if (col == 0) {
        fprintf(fp, "%*s", indent, "");
        col = indent;
      } else {
        fputc(' ', fp);
        col++;
      }
      rc_text_escaped(fp, s + i, w - i);
      col += (int)(w - i);
    }
    if (w < len && s[w] == '\n' && w + 1 < len && s[w + 1] == '\n') {
      /* A new paragraph. */
      fputs("\n\n", fp);
      col = 0;
      w++;
    }
    i = w + 1;
  }
  if (col > 0)
    fputc('\n', fp);
}

/* The example's bytes as the vectors write them: CRLF as "\r\n" and a line
 * break, every other byte outside printable ASCII escaped. */
static void show_bytes(FILE *fp, const rc_explain_case_t *c) {
  size_t i, lines = 0;
  int at_start = 1;
  for (i = 0; i < c->len; i++) {
    unsigned char b = (unsigned char)c->data[i];
    if (at_start) {
      if (lines == RC_EXAMPLE_LINES) {
        fprintf(fp, "    ... (%zu more bytes)\n", c->len - i);
        return;
      }
      fputs("    ", fp);
      at_start = 0;
    }
    if (b == '\r')
      fputs("\\r", fp);
    else if (b == '\n')
      fputs("\\n\n", fp);
    else if (b == '\t')
      fputs("\\t", fp);
    else if (b == '\\')
      fputs("\\\\", fp);
    else if (b == ' ' && (i + 1 == c->len || c->data[i + 1] == '\r' ||
                          c->data[i + 1] == '\n'))
      fputs("\\x20", fp); /* a space at a line's end, made visible */
    else if (b >= 0x20 && b < 0x7f)
      fputc(b, fp);
    else
      fprintf(fp, "\\x%02X", b);
    if (b == '\n') {
      lines++;
      at_start = 1;
    }
  }
  if (!at_start)
    fputc('\n', fp);
}

static int text_example(FILE *fp, const rule_info_t *ri,
                        const rc_explain_case_t *c, int should_fire) {
  run_t run;
  char ctx[320];
  size_t i;
  context(c, ctx, sizeof ctx);
  fprintf(fp, "\n%s (tests/vectors/%s, case %s%s%s):\n",
          should_fire ? "Fires" : "Does not fire", c->file, c->name,
          ctx[0] ? "; " : "", ctx);
  show_bytes(fp, c);
  if (run_example(c, ri->library, &run) != 0)
    return 2;
  if (!should_fire) {
    if (run.n > 0) {
      fprintf(fp, "  -> %s fires here, which the case says it must not\n",
              ri->id);
      return 2;
    }
    fprintf(fp, "  -> no %s\n", ri->id);
    return 0;
  }
  if (run.n == 0) {
    fprintf(fp, "  -> %s does not fire here, which the case says it must\n",
            ri->id);
    return 2;
  }
  for (i = 0; i < run.n; i++) {
    uint64_t line, col;
    place(c, run.f[i].offset, &line, &col);
    fprintf(fp, "  -> %" PRIu64 ":%" PRIu64 ": %s: ", line, col,
            rc_severity_name(run.f[i].severity));
    rc_text_escaped(fp, run.f[i].message, strlen(run.f[i].message));
    fprintf(fp, " [%s]\n", ri->id);
  }
  if (run.more > 0)
    fprintf(fp, "  -> and %" PRIu64 " more\n", run.more);
  return 0;
}

static int explain_text(FILE *fp, const rule_info_t *ri,
                        const rc_explain_t *e) {
  int rc = 0, r;
  fprintf(fp, "%s: ", ri->id);
  rc_text_escaped(fp, ri->summary, strlen(ri->summary));
  fprintf(fp, "\n  severity: %s", rc_severity_name(ri->severity));
  if (ri->severity != ri->default_severity)
    fprintf(fp, " (default: %s)", rc_severity_name(ri->default_severity));
  fputs("\n  reference: ", fp);
  rc_text_escaped(fp, ri->reference, strlen(ri->reference));
  fputc('\n', fp);
  if (e != NULL && e->text != NULL) {
    fputc('\n', fp);
    wrap(fp, e->text, strlen(e->text), 0, 76);
  }
  if (e != NULL && e->quote != NULL) {
    fputc('\n', fp);
    wrap(fp, e->quote, strlen(e->quote), 2, 76);
  }
  if (e != NULL && e->fires != NULL && ri->examples) {
    r = text_example(fp, ri, e->fires, 1);
    rc = r > rc ? r : rc;
  }
  if (e != NULL && e->near != NULL && ri->examples) {
    r = text_example(fp, ri, e->near, 0);
    rc = r > rc ? r : rc;
  }
  return rc;
}

/* ------------------------------------------------------------------------ */
/* JSON. */

static int json_example(FILE *fp, const rule_info_t *ri,
                        const rc_explain_case_t *c, int should_fire) {
  run_t run;
  char ctx[320];
  size_t i;
  int rc = 0;
  context(c, ctx, sizeof ctx);
  fputs("{\"file\":", fp);
  rc_json_string(fp, c->file, strlen(c->file));
  fputs(",\"case\":", fp);
  rc_json_string(fp, c->name, strlen(c->name));
  fputs(",\"context\":", fp);
  rc_json_string(fp, ctx, strlen(ctx));
  fputs(",\"bytes\":", fp);
  rc_json_string(fp, c->data, c->len);
  fputs(",\"findings\":[", fp);
  if (run_example(c, ri->library, &run) != 0)
    rc = 2;
  else if ((run.n > 0) != should_fire)
    rc = 2;
  for (i = 0; rc == 0 && i < run.n; i++) {
    uint64_t line, col;
    place(c, run.f[i].offset, &line, &col);
    fprintf(fp,
            "%s{\"severity\":\"%s\",\"offset\":%" PRIu64 ",\"line\":%" PRIu64
            ",\"column\":%" PRIu64 ",\"message\":",
            i ? "," : "", rc_severity_name(run.f[i].severity), run.f[i].offset,
            line, col);
    rc_json_string(fp, run.f[i].message, strlen(run.f[i].message));
    fputc('}', fp);
  }
  fputs("]}", fp);
  return rc;
}

static void json_cstr(FILE *fp, const char *s) {
  if (s == NULL)
    fputs("null", fp);
  else
    rc_json_string(fp, s, strlen(s));
}

static int explain_json(FILE *fp, const rule_info_t *ri,
                        const rc_explain_t *e) {
  int rc = 0, r;
  fputs("{\"rule\":", fp);
  json_cstr(fp, ri->id);
  fprintf(fp, ",\"severity\":\"%s\",\"default_severity\":\"%s\"",
          rc_severity_name(ri->severity),
          rc_severity_name(ri->default_severity));
  fputs(",\"reference\":", fp);
  json_cstr(fp, ri->reference);
  fputs(",\"summary\":", fp);
  json_cstr(fp, ri->summary);
  fputs(",\"explanation\":", fp);
  json_cstr(fp, e != NULL ? e->text : NULL);
  fputs(",\"quote\":", fp);
  json_cstr(fp, e != NULL ? e->quote : NULL);
  fputs(",\"fires\":", fp);
  if (e != NULL && e->fires != NULL && ri->examples) {
    r = json_example(fp, ri, e->fires, 1);
    rc = r > rc ? r : rc;
  } else {
    fputs("null", fp);
  }
  fputs(",\"near_miss\":", fp);
  if (e != NULL && e->near != NULL && ri->examples) {
    r = json_example(fp, ri, e->near, 0);
    rc = r > rc ? r : rc;
  } else {
    fputs("null", fp);
  }
  fputs("}\n", fp);
  return rc;
}

/* ------------------------------------------------------------------------ */

int rc_explain(FILE *fp, const char *id, const rc_out_config_t *cfg) {
  rule_info_t ri;
  const rc_explain_t *e;
  int rc;
  if (find_rule(id, cfg, &ri) != 0) {
    fputs("respcheck: --explain: unknown rule '", stderr);
    rc_text_escaped(stderr, id, strlen(id));
    fputs("' (see 'respcheck --list-rules')\n", stderr);
    return 2;
  }
  e = rc_explain_find(ri.id);
  rc = cfg->format == RC_FORMAT_JSON ? explain_json(fp, &ri, e)
                                     : explain_text(fp, &ri, e);
  if (fflush(fp) != 0 || ferror(fp)) {
    fputs("respcheck: cannot write the output\n", stderr);
    return 2;
  }
  if (rc == 2) {
    fprintf(stderr,
            "respcheck: --explain %s: an example does not behave as its "
            "test vector says\n",
            ri.id);
    return 2;
  }
  if (e == NULL || e->text == NULL || e->quote == NULL) {
    fprintf(stderr,
            "respcheck: --explain %s: no explanation yet (docs/rules.md)\n",
            ri.id);
    return 1;
  }
  if (ri.examples && (e->fires == NULL || e->near == NULL)) {
    fprintf(stderr, "respcheck: --explain %s: no %s in the test vectors yet\n",
            ri.id, e->fires == NULL ? "example that fires" : "near miss");
    return 1;
  }
  return 0;
}
