/* SPDX-License-Identifier: MIT */
/* Output writers of the respcheck command; see output.h for the contract. */
#define _POSIX_C_SOURCE 200809L /* getcwd */

#include "output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "record.h"

static void buf_json(rc_buf_t *b, const char *s, size_t len) {
  rc_sink_t sink = {NULL, b};
  rc_sink_json(&sink, s, len);
}

static void fp_json_cstr(FILE *fp, const char *s) {
  if (s == NULL)
    fputs("null", fp);
  else
    rc_json_string(fp, s, strlen(s));
}

/* SARIF's artifactLocation.uri for a path: a file: URI (RFC 8089) of the
 * absolute path (relative ones are taken from cwd), without dot segments,
 * with every byte outside RFC 3986's unreserved set and '/'
 * percent-encoded. */
static void buf_file_uri(rc_buf_t *b, const char *cwd, const char *path) {
  rc_buf_t abs = {NULL, 0, 0, b->oom};
  size_t i;
  rc_path_clean(&abs, cwd, path);
  rc_buf_str(b, "file://");
  if (abs.len == 0 || abs.p[0] != '/')
    rc_buf_put(b, "/", 1); /* no working directory: as if at the root */
  for (i = 0; i < abs.len; i++) {
    unsigned char c = (unsigned char)abs.p[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~' || c == '/') {
      rc_buf_put(b, &abs.p[i], 1);
    } else {
      char esc[3] = {'%', 0, 0};
      esc[1] = "0123456789ABCDEF"[c >> 4];
      esc[2] = "0123456789ABCDEF"[c & 15];
      rc_buf_put(b, esc, 3);
    }
  }
  rc_buf_free(&abs);
}

/* ------------------------------------------------------------------------ */
/* Rule catalogue helpers, defensive about values a fuzzer may invent. */

static const char *sarif_level(int s) {
  switch (s) {
  case RESPCHECK_SEVERITY_INFO:
    return "note";
  case RESPCHECK_SEVERITY_WARNING:
    return "warning";
  case RESPCHECK_SEVERITY_ERROR:
    return "error";
  default:
    return "none";
  }
}

/* The catalogue: the library's rules, then the config's extra rules (a
 * reader's own, numbered from RESPCHECK_RULE_COUNT). */
static size_t nextra(const rc_out_config_t *cfg) {
  return cfg->extra_rules == NULL                     ? 0
         : cfg->nextra_rules > RC_OUT_MAX_EXTRA_RULES ? RC_OUT_MAX_EXTRA_RULES
                                                      : cfg->nextra_rules;
}

static int nrules(const rc_out_config_t *cfg) {
  return (int)RESPCHECK_RULE_COUNT + (int)nextra(cfg);
}

static const rc_out_rule_t *extra(const rc_out_config_t *cfg, int rule) {
  return &cfg->extra_rules[rule - (int)RESPCHECK_RULE_COUNT];
}

static int rule_severity(const rc_out_config_t *cfg, int rule) {
  if (rule >= (int)RESPCHECK_RULE_COUNT)
    return extra(cfg, rule)->severity;
  if (cfg->severity != NULL)
    return cfg->severity[rule];
  return (int)respcheck_rule_default_severity((respcheck_rule_t)rule);
}

static int rule_default(const rc_out_config_t *cfg, int rule) {
  if (rule >= (int)RESPCHECK_RULE_COUNT)
    return extra(cfg, rule)->default_severity;
  return (int)respcheck_rule_default_severity((respcheck_rule_t)rule);
}

static const char *rule_id(const rc_out_config_t *cfg, int rule) {
  if (rule >= (int)RESPCHECK_RULE_COUNT)
    return extra(cfg, rule)->id;
  return respcheck_rule_id((respcheck_rule_t)rule);
}

static const char *rule_reference(const rc_out_config_t *cfg, int rule) {
  if (rule >= (int)RESPCHECK_RULE_COUNT)
    return extra(cfg, rule)->reference;
  return respcheck_rule_reference((respcheck_rule_t)rule);
}

static const char *rule_summary(const rc_out_config_t *cfg, int rule) {
  if (rule >= (int)RESPCHECK_RULE_COUNT)
    return extra(cfg, rule)->summary;
  return respcheck_rule_summary((respcheck_rule_t)rule);
}

static const char *str_or(const char *s, const char *dflt) {
  return s != NULL ? s : dflt;
}

/* "RFC 9110 15.4.7, 15.5.19; ..." -> the RFC editor's page of the first RFC
 * named, at its first section. Writes a JSON string, or nothing (returns 0)
 * when the reference names no RFC. */
static int fp_help_uri(FILE *fp, const char *ref) {
  const char *p = ref != NULL ? strstr(ref, "RFC ") : NULL;
  const char *num, *sec;
  size_t numlen, seclen;
  if (p == NULL)
    return 0;
  num = p + 4;
  for (numlen = 0; num[numlen] >= '0' && num[numlen] <= '9'; numlen++)
    ;
  if (numlen == 0)
    return 0;
  sec = num + numlen;
  while (*sec == ' ')
    sec++;
  for (seclen = 0;
       (sec[seclen] >= '0' && sec[seclen] <= '9') ||
       (sec[seclen] == '.' && sec[seclen + 1] >= '0' && sec[seclen + 1] <= '9');
       seclen++)
    ;
  fprintf(fp, "\"https://www.rfc-editor.org/rfc/rfc%.*s.html", (int)numlen,
          num);
  if (seclen > 0)
    fprintf(fp, "#section-%.*s", (int)seclen, sec);
  fputc('"', fp);
  return 1;
}

/* One tool.driver.rules entry. */
static void fp_sarif_rule(FILE *fp, const rc_out_config_t *cfg, int r) {
  const char *id = str_or(rule_id(cfg, r), "unknown");
  const char *ref = str_or(rule_reference(cfg, r), "");
  const char *summary = str_or(rule_summary(cfg, r), "");
  int sev = rule_severity(cfg, r);
  int dflt = rule_default(cfg, r);
  fputs("            {\"id\": ", fp);
  fp_json_cstr(fp, id);
  fputs(", \"name\": ", fp);
  fp_json_cstr(fp, id);
  fputs(",\n             \"shortDescription\": {\"text\": ", fp);
  fp_json_cstr(fp, summary);
  fputs("},\n             \"fullDescription\": {\"text\": ", fp);
  fp_json_cstr(fp, summary);
  fputs("},\n             \"help\": {\"text\": ", fp);
  {
    rc_buf_t tmp = {NULL, 0, 0, NULL};
    int oom = 0;
    tmp.oom = &oom;
    rc_buf_str(&tmp, summary);
    rc_buf_str(&tmp, ". See ");
    rc_buf_str(&tmp, ref);
    rc_buf_str(&tmp, ". Default severity: ");
    rc_buf_str(&tmp, rc_severity_name(dflt));
    rc_buf_str(&tmp, ".");
    rc_json_string(fp, oom || tmp.p == NULL ? "" : tmp.p, oom ? 0 : tmp.len);
    rc_buf_free(&tmp);
  }
  fputs("}", fp);
  if (strstr(ref, "RFC ") != NULL) {
    fputs(",\n             \"helpUri\": ", fp);
    fp_help_uri(fp, ref);
  }
  /* The rule's own default: what this run changes is in the invocation's
   * ruleConfigurationOverrides (SARIF 3.20.5). */
  fprintf(fp,
          ",\n             \"defaultConfiguration\": {\"enabled\": %s, "
          "\"level\": \"%s\"},\n",
          dflt != RESPCHECK_SEVERITY_OFF ? "true" : "false", sarif_level(dflt));
  fputs("             \"properties\": {\"reference\": ", fp);
  fp_json_cstr(fp, ref);
  fprintf(fp, ", \"severity\": \"%s\", \"defaultSeverity\": \"%s\"}}",
          rc_severity_name(sev), rc_severity_name(dflt));
}

static void fp_sarif_open(FILE *fp, const rc_out_config_t *cfg) {
  int r;
  fputs("{\n"
        "  \"$schema\": \"https://docs.oasis-open.org/sarif/sarif/v2.1.0/"
        "errata01/os/schemas/sarif-schema-2.1.0.json\",\n"
        "  \"version\": \"2.1.0\",\n"
        "  \"runs\": [\n"
        "    {\n"
        "      \"tool\": {\n"
        "        \"driver\": {\n"
        "          \"name\": \"respcheck\",\n"
        "          \"version\": ",
        fp);
  fp_json_cstr(fp, cfg->tool_version != NULL ? cfg->tool_version
                                             : respcheck_version());
  fprintf(fp, ",\n          \"semanticVersion\": \"%d.%d.%d\",\n",
          RESPCHECK_VERSION_MAJOR, RESPCHECK_VERSION_MINOR,
          RESPCHECK_VERSION_PATCH);
  fputs("          \"rules\": [\n", fp);
  for (r = 0; r < nrules(cfg); r++) {
    fp_sarif_rule(fp, cfg, r);
    fputs(r + 1 < nrules(cfg) ? ",\n" : "\n", fp);
  }
  fputs("          ]\n"
        "        }\n"
        "      },\n"
        "      \"columnKind\": \"unicodeCodePoints\",\n"
        "      \"results\": [",
        fp);
}

/* The invocation's ruleConfigurationOverrides: every rule whose severity
 * in force is not its default (--rule, a configuration file). */
static void fp_sarif_overrides(FILE *fp, const rc_out_config_t *cfg) {
  int r, n = 0;
  for (r = 0; r < nrules(cfg); r++) {
    int sev = rule_severity(cfg, r);
    if (sev == rule_default(cfg, r))
      continue;
    fputs(n++ > 0 ? ",\n" : ",\n         \"ruleConfigurationOverrides\": [\n",
          fp);
    fputs("           {\"descriptor\": {\"id\": ", fp);
    fp_json_cstr(fp, str_or(rule_id(cfg, r), "unknown"));
    fprintf(fp, ", \"index\": %d}, \"configuration\": ", r);
    if (sev == RESPCHECK_SEVERITY_OFF)
      fputs("{\"enabled\": false}}", fp);
    else
      fprintf(fp, "{\"level\": \"%s\"}}", sarif_level(sev));
  }
  if (n > 0)
    fputs("\n         ]", fp);
}

/* ------------------------------------------------------------------------ */
/* The writer. */

typedef struct rc_pending {
  uint64_t index;
  uint64_t offset, line, column;
  uint64_t seq; /* arrival order, among equal offsets */
  int located;
  int rule; /* -1 when out of the catalogue */
  int severity;
  size_t id_off, id_len, ref_off, ref_len, msg_off, msg_len; /* in arena */
  size_t end_off; /* one past its last byte in arena */
  /* Text with show_source: the line, as it was when the finding came. */
  int have_snip, cut_before, cut_after;
  size_t snip_off, snip_len, caret;
} rc_pending_t;

/* A pending finding's place in the order it is written. */
typedef struct rc_order {
  uint64_t offset, seq;
  size_t i;
} rc_order_t;

typedef struct rc_drop {
  uint64_t index, count;
} rc_drop_t;

struct rc_out {
  FILE *fp;
  rc_out_config_t cfg;
  int oom;
  int finished;
  int sarif_results; /* results written so far (for the commas) */

  /* The current file. */
  char *path;
  size_t path_len;
  char *cwd;    /* relative paths' directory, for SARIF's file: URIs */
  rc_buf_t uri; /* SARIF: the current file's URI, as a JSON string */
  rc_locate_fn locate;
  void *locate_ctx;
  int in_file;
  int stopped;         /* a parse-error was reported */
  uint64_t stop_index; /* ... for this response */
  /* The records' context (rc_out_set_source, rc_out_set_request): "source"
   * and "request" rendered to JSON, and the text label. */
  rc_buf_t source, request, label;
  rc_offsets_t offsets; /* rc_out_set_offsets */

  /* JSON: the head of the response in progress, rendered. */
  int have_head;
  uint64_t head_index;
  rc_buf_t head;
  /* Findings not yet written (JSON and text), in arrival order. */
  rc_pending_t *pend;
  size_t npend, pend_cap;
  uint64_t seq;
  rc_order_t *order; /* scratch: the findings being written, sorted */
  size_t order_cap;
  rc_buf_t arena;
  /* Text: the bytes of a finding's line (rc_out_set_snippets). */
  rc_snippet_fn snippet;
  void *snippet_ctx;
  rc_drop_t drops[4];
  /* Scratch for one object. */
  rc_buf_t line;

  /* SARIF: toolExecutionNotifications, rendered. */
  rc_buf_t notes;
  size_t nnotes;

  rc_out_stats_t stats;
  uint64_t rule_counts[RESPCHECK_RULE_COUNT + RC_OUT_MAX_EXTRA_RULES];
  uint64_t other_rule_count;
};

rc_out_t *rc_out_new(FILE *fp, const rc_out_config_t *config) {
  rc_out_t *out = calloc(1, sizeof *out);
  if (out == NULL)
    return NULL;
  out->fp = fp;
  out->cfg = *config;
  out->head.oom = &out->oom;
  out->arena.oom = &out->oom;
  out->line.oom = &out->oom;
  out->notes.oom = &out->oom;
  out->source.oom = &out->oom;
  out->request.oom = &out->oom;
  out->label.oom = &out->oom;
  out->uri.oom = &out->oom;
  if (out->cfg.format == RC_FORMAT_SARIF) {
    /* Without a working directory, relative paths stay relative. */
    size_t cap = 256;
    while (out->cwd == NULL && cap <= ((size_t)1 << 20)) {
      out->cwd = malloc(cap);
      if (out->cwd == NULL || getcwd(out->cwd, cap) != NULL)
        break;
      free(out->cwd);
      out->cwd = NULL;
      cap *= 2;
    }
    fp_sarif_open(fp, &out->cfg);
  }
  return out;
}

void rc_out_free(rc_out_t *out) {
  if (out == NULL)
    return;
  free(out->path);
  free(out->cwd);
  rc_buf_free(&out->uri);
  rc_buf_free(&out->head);
  rc_buf_free(&out->arena);
  rc_buf_free(&out->line);
  rc_buf_free(&out->notes);
  rc_buf_free(&out->source);
  rc_buf_free(&out->request);
  rc_buf_free(&out->label);
  free(out->pend);
  free(out->order);
  free(out);
}

void rc_out_get_stats(const rc_out_t *out, rc_out_stats_t *stats) {
  *stats = out->stats;
}

static void reset_file_state(rc_out_t *out) {
  free(out->path);
  out->path = NULL;
  out->path_len = 0;
  out->locate = NULL;
  out->locate_ctx = NULL;
  out->snippet = NULL;
  out->snippet_ctx = NULL;
  out->in_file = 0;
  out->stopped = 0;
  out->source.len = 0;
  out->request.len = 0;
  out->label.len = 0;
  out->offsets = RC_OFFSETS_FILE;
  out->have_head = 0;
  out->head.len = 0;
  out->npend = 0;
  out->arena.len = 0;
  memset(out->drops, 0, sizeof out->drops);
}

void rc_out_begin_file(rc_out_t *out, const char *path, rc_locate_fn locate,
                       void *locate_ctx) {
  size_t n = strlen(path);
  if (out->in_file)
    rc_out_end_file(out);
  reset_file_state(out);
  out->path = malloc(n + 1);
  if (out->path == NULL) {
    out->oom = 1;
  } else {
    memcpy(out->path, path, n + 1);
    out->path_len = n;
  }
  out->locate = locate;
  out->locate_ctx = locate_ctx;
  out->in_file = 1;
  out->uri.len = 0;
  if (out->cfg.format == RC_FORMAT_SARIF && strcmp(path, "-") != 0) {
    rc_buf_t tmp = {NULL, 0, 0, &out->oom};
    rc_sink_t sink = {NULL, &out->uri};
    buf_file_uri(&tmp, out->cwd, path);
    rc_sink_json(&sink, tmp.p != NULL ? tmp.p : "", tmp.len);
    rc_buf_free(&tmp);
  }
  out->stats.files++;
  {
    rc_source_t stream = {"stream", 0, {{0}}};
    rc_out_set_source(out, &stream, NULL);
  }
  rc_out_set_request(out, NULL);
}

void rc_out_set_snippets(rc_out_t *out, rc_snippet_fn snippet, void *ctx) {
  out->snippet = snippet;
  out->snippet_ctx = ctx;
}

static void text_flush(rc_out_t *out, int all, uint64_t upto);

void rc_out_set_source(rc_out_t *out, const rc_source_t *src,
                       const char *label) {
  rc_sink_t sink = {NULL, &out->source};
  /* Text lines carry the label in force: those waiting are written with
   * the old one. */
  if (out->in_file && out->cfg.format == RC_FORMAT_TEXT)
    text_flush(out, 1, 0);
  /* Another stream: a parse error of the previous one stops nothing here. */
  out->stopped = 0;
  out->source.len = 0;
  rc_record_source(&sink, src);
  out->label.len = 0;
  if (label != NULL)
    rc_buf_put(&out->label, label, strlen(label) + 1);
}

void rc_out_set_request(rc_out_t *out, const rc_request_info_t *req) {
  rc_sink_t sink = {NULL, &out->request};
  out->request.len = 0;
  rc_record_request(&sink, req);
}

void rc_out_set_offsets(rc_out_t *out, rc_offsets_t offsets) {
  out->offsets = offsets;
}

static const char *cur_path(const rc_out_t *out) {
  return out->path != NULL ? out->path : "?";
}

/* What text and SARIF show as the file: "-" is standard input. */
static const char *display_path(const rc_out_t *out) {
  const char *p = cur_path(out);
  return strcmp(p, "-") == 0 ? "<stdin>" : p;
}

static void count_finding(rc_out_t *out, int rule, int severity) {
  if (rule >= 0)
    out->rule_counts[rule]++;
  else
    out->other_rule_count++;
  if (severity == RESPCHECK_SEVERITY_ERROR && rule < (int)RESPCHECK_RULE_COUNT)
    out->stats.rejecting++;
  if (severity == RESPCHECK_SEVERITY_ERROR)
    out->stats.errors++;
  else if (severity == RESPCHECK_SEVERITY_WARNING)
    out->stats.warnings++;
  else
    out->stats.infos++;
}

/* Bytes at off in the arena; "" while it holds nothing (never NULL + 0). */
static const char *arena_at(const rc_out_t *out, size_t off) {
  return out->arena.p != NULL ? out->arena.p + off : "";
}

/* The width of bytes as rc_text_escaped prints them. */
static size_t text_width(const char *s, size_t len) {
  size_t i, w = 0;
  for (i = 0; i < len; i++)
    w += (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f ? 1 : 4;
  return w;
}

/* The finding's line and a caret under its column, as gcc shows them:
 * "   12 | HTTP/1.1 401 Unauthorized" and "      |          ^". */
static void text_source(rc_out_t *out, const rc_pending_t *p) {
  FILE *fp = out->fp;
  const char *bytes = arena_at(out, p->snip_off);
  size_t len = p->snip_len, caret = p->caret, pad;
  int cut_before = p->cut_before, cut_after = p->cut_after, width;
  char num[24];
  width = snprintf(num, sizeof num, "%" PRIu64, p->line);
  if (width < 5)
    width = 5;
  fprintf(fp, "%*s | ", width, num);
  if (cut_before)
    fputs("...", fp);
  rc_text_escaped(fp, bytes, len);
  if (cut_after)
    fputs("...", fp);
  fprintf(fp, "\n%*s | ", width, "");
  pad = (cut_before ? 3 : 0) + text_width(bytes, caret);
  while (pad-- > 0)
    fputc(' ', fp);
  fputs(out->cfg.color ? "\033[1;32m^\033[0m\n" : "^\n", fp);
}

static void text_finding(rc_out_t *out, const rc_pending_t *p) {
  FILE *fp = out->fp;
  int color = out->cfg.color;
  const char *sev = rc_severity_name(p->severity);
  const char *sevcolor = p->severity == RESPCHECK_SEVERITY_ERROR ? "\033[1;31m"
                         : p->severity == RESPCHECK_SEVERITY_WARNING
                             ? "\033[1;35m"
                             : "\033[1;36m";
  const char *path = display_path(out);
  if (color)
    fputs("\033[1m", fp);
  rc_text_escaped(fp, path, strlen(path));
  if (p->located)
    fprintf(fp, ":%" PRIu64 ":%" PRIu64, p->line, p->column);
  if (out->label.len > 1) {
    fputs(": ", fp);
    rc_text_escaped(fp, out->label.p, out->label.len - 1);
  }
  fputc(':', fp);
  if (color)
    fputs("\033[0m", fp);
  fputc(' ', fp);
  if (color)
    fputs(sevcolor, fp);
  fputs(sev, fp);
  fputc(':', fp);
  if (color)
    fputs("\033[0m", fp);
  fputc(' ', fp);
  rc_text_escaped(fp, arena_at(out, p->msg_off), p->msg_len);
  fputs(color ? " \033[2m[" : " [", fp);
  if (p->id_len > 0)
    rc_text_escaped(fp, arena_at(out, p->id_off), p->id_len);
  else
    fputs("unknown", fp);
  fputc(']', fp);
  if (p->ref_len > 0) {
    fputs(" (", fp);
    rc_text_escaped(fp, arena_at(out, p->ref_off), p->ref_len);
    fputc(')', fp);
  }
  if (color)
    fputs("\033[0m", fp);
  if (!p->located && out->offsets == RC_OFFSETS_FILE)
    fprintf(fp, " at byte %" PRIu64, p->offset);
  else if (out->offsets == RC_OFFSETS_BLOCK)
    fprintf(fp, " at byte %" PRIu64 " of the record's block", p->offset);
  fputc('\n', fp);
  if (p->have_snip && p->located)
    text_source(out, p);
}

/* JSON rendered into b, or null when memory ran out. */
static void fp_rendered(FILE *fp, const rc_buf_t *b) {
  if (b->len > 0)
    (void)fwrite(b->p, 1, b->len, fp);
  else
    fputs("null", fp);
}

static void sarif_result(rc_out_t *out, const respcheck_finding_t *f, int rule,
                         int located, uint64_t line, uint64_t column,
                         const rc_snippet_t *sn) {
  FILE *fp = out->fp;
  const char *msg = str_or(f->message, "");
  const char *path = cur_path(out);
  fputs(out->sarif_results > 0 ? ",\n" : "\n", fp);
  out->sarif_results++;
  fputs("        {\"ruleId\": ", fp);
  fp_json_cstr(fp, str_or(f->id, "unknown"));
  if (rule >= 0)
    fprintf(fp, ", \"ruleIndex\": %d", rule);
  fprintf(fp, ", \"level\": \"%s\",\n", sarif_level((int)f->severity));
  if (out->cfg.baseline_state)
    fputs("         \"baselineState\": \"new\",\n", fp);
  fputs("         \"message\": {\"text\": ", fp);
  fp_json_cstr(fp, msg);
  fputs("},\n         \"locations\": [{\"physicalLocation\": "
        "{\"artifactLocation\": {",
        fp);
  if (strcmp(path, "-") == 0 || out->uri.len == 0)
    fputs("\"description\": {\"text\": \"standard input\"}", fp);
  else {
    fputs("\"uri\": ", fp);
    (void)fwrite(out->uri.p, 1, out->uri.len, fp);
  }
  if (out->label.len > 1) {
    /* The offset is in a stream inside the file (a capture's connection),
     * not in the file: the label names the stream as a logical location,
     * and the offset goes to the properties. */
    fputs("}},\n          \"logicalLocations\": [{\"fullyQualifiedName\": ",
          fp);
    rc_json_string(fp, out->label.p, out->label.len - 1);
    fputs(", \"kind\": \"object\"}]}],\n         \"properties\": {", fp);
    /* A browser export has no bytes: no offset at all. */
    if (out->offsets != RC_OFFSETS_NONE)
      fprintf(fp, "\"streamOffset\": %" PRIu64 ", ", f->offset);
    fputs("\"responseIndex\": ", fp);
  } else {
    fprintf(fp, "}, \"region\": {\"byteOffset\": %" PRIu64, f->offset);
    /* columnKind is unicodeCodePoints: the column in characters, each byte
     * outside well-formed UTF-8 one (as the JSON output reads it). Where
     * the line's bytes are gone, the byte offset alone says where. */
    uint64_t chars = column == 1 ? 1 : sn != NULL ? sn->char_column : 0;
    if (located && chars > 0)
      fprintf(fp, ", \"startLine\": %" PRIu64 ", \"startColumn\": %" PRIu64,
              line, chars);
    fputs("}}}],\n         \"properties\": {\"responseIndex\": ", fp);
  }
  fprintf(fp, "%" PRIu64 ", \"severity\": \"%s\", \"reference\": ",
          f->response_index, rc_severity_name((int)f->severity));
  fp_json_cstr(fp, str_or(f->reference, ""));
  fputs(", \"source\": ", fp);
  fp_rendered(fp, &out->source);
  fputs(", \"request\": ", fp);
  fp_rendered(fp, &out->request);
  fputs("}}", fp);
}

/* Appends at most max bytes of s to the arena; records where. */
static void arena_copy(rc_out_t *out, const char *s, size_t max, size_t *off,
                       size_t *len) {
  size_t n = s != NULL ? strlen(s) : 0;
  int cut = n > max;
  if (cut)
    n = max;
  *off = out->arena.len;
  rc_buf_put(&out->arena, s, n);
  if (cut)
    rc_buf_put(&out->arena, "...", 3);
  *len = out->arena.len - *off;
}

static void note_drop(rc_out_t *out, uint64_t index) {
  size_t i;
  for (i = 0; i < 4; i++) {
    if (out->drops[i].count == 0 || out->drops[i].index == index) {
      out->drops[i].index = index;
      out->drops[i].count++;
      return;
    }
  }
  out->drops[3].count++;
}

static void pend_add(rc_out_t *out, const respcheck_finding_t *f, int rule,
                     int located, uint64_t line, uint64_t column,
                     const rc_snippet_t *sn) {
  rc_pending_t *p;
  if (out->npend >= RC_OUT_MAX_PENDING && out->cfg.format == RC_FORMAT_TEXT) {
    /* Text drops nothing: the order is kept within each batch. */
    text_flush(out, 1, 0);
  }
  if (out->npend >= RC_OUT_MAX_PENDING) {
    note_drop(out, f->response_index);
    return;
  }
  if (out->npend == out->pend_cap) {
    size_t cap = out->pend_cap ? out->pend_cap * 2 : 16;
    rc_pending_t *np = realloc(out->pend, cap * sizeof *np);
    if (np == NULL) {
      out->oom = 1;
      note_drop(out, f->response_index);
      return;
    }
    out->pend = np;
    out->pend_cap = cap;
  }
  p = &out->pend[out->npend++];
  memset(p, 0, sizeof *p);
  p->index = f->response_index;
  p->offset = f->offset;
  p->line = line;
  p->column = column;
  p->seq = out->seq++;
  p->located = located;
  p->rule = rule;
  p->severity = (int)f->severity;
  arena_copy(out, f->id, 128, &p->id_off, &p->id_len);
  arena_copy(out, f->reference, 256, &p->ref_off, &p->ref_len);
  arena_copy(out, f->message, RC_OUT_MAX_MESSAGE, &p->msg_off, &p->msg_len);
  if (out->cfg.format == RC_FORMAT_TEXT && out->cfg.show_source && sn != NULL) {
    p->have_snip = 1;
    p->cut_before = sn->cut_before;
    p->cut_after = sn->cut_after;
    p->caret = sn->caret;
    p->snip_off = out->arena.len;
    rc_buf_put(&out->arena, sn->bytes, sn->len);
    p->snip_len = out->arena.len - p->snip_off;
    if (p->snip_len != sn->len)
      p->have_snip = 0; /* out of memory */
  }
  p->end_off = out->arena.len;
}

static int cmp_order(const void *a, const void *b) {
  const rc_order_t *x = a, *y = b;
  if (x->offset != y->offset)
    return x->offset < y->offset ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Puts the pending findings that take() in out->order, sorted by offset
 * (then arrival). Returns how many, or 0 when memory runs out (then the
 * arrival order is used: take() and the arena stay as they are). */
static size_t pend_order(rc_out_t *out, int all, uint64_t index, int upto) {
  size_t i, n = 0;
  if (out->npend > out->order_cap) {
    size_t cap = out->pend_cap;
    rc_order_t *no = realloc(out->order, cap * sizeof *no);
    if (no == NULL) {
      out->oom = 1;
    } else {
      out->order = no;
      out->order_cap = cap;
    }
  }
  for (i = 0; i < out->npend; i++) {
    const rc_pending_t *p = &out->pend[i];
    if (!(all || p->index == index || (upto && p->index < index)))
      continue;
    if (n < out->order_cap) {
      out->order[n].offset = p->offset;
      out->order[n].seq = p->seq;
      out->order[n].i = i;
    }
    n++;
  }
  if (n > out->order_cap)
    return 0;
  if (n > 1)
    qsort(out->order, n, sizeof *out->order, cmp_order);
  return n;
}

/* Drops the pending findings that were written (done[i]), moving the
 * others' strings to the front of the arena; they were appended in order,
 * so the front never overtakes them. */
static void pend_compact(rc_out_t *out, const unsigned char *done) {
  size_t i, keep = 0, w = 0;
  for (i = 0; i < out->npend; i++) {
    rc_pending_t p = out->pend[i];
    size_t start = p.id_off, delta;
    if (done[i])
      continue;
    if (out->arena.p != NULL && start != w)
      memmove(out->arena.p + w, out->arena.p + start, p.end_off - start);
    delta = start - w;
    p.id_off -= delta;
    p.ref_off -= delta;
    p.msg_off -= delta;
    p.snip_off -= p.have_snip ? delta : 0;
    p.end_off -= delta;
    w = p.end_off;
    out->pend[keep++] = p;
  }
  out->npend = keep;
  out->arena.len = w;
}

/* Writes the pending text findings (all, or those of the responses up to
 * index upto), in offset order. */
static void text_flush(rc_out_t *out, int all, uint64_t upto) {
  size_t n, k, i;
  unsigned char *done;
  if (out->npend == 0)
    return;
  done = calloc(out->npend, 1);
  n = pend_order(out, all, upto, 1);
  if (done == NULL) {
    /* No memory to sort and keep the rest: write them all as they came. */
    out->oom = 1;
    for (i = 0; i < out->npend; i++)
      text_finding(out, &out->pend[i]);
    out->npend = 0;
    out->arena.len = 0;
    return;
  }
  if (n > 0) {
    for (k = 0; k < n; k++) {
      text_finding(out, &out->pend[out->order[k].i]);
      done[out->order[k].i] = 1;
    }
  } else {
    for (i = 0; i < out->npend; i++) {
      const rc_pending_t *p = &out->pend[i];
      if (all || p->index <= upto) {
        text_finding(out, p);
        done[i] = 1;
      }
    }
  }
  pend_compact(out, done);
  free(done);
}

void rc_out_finding(rc_out_t *out, const respcheck_finding_t *f) {
  int rule = (int)f->rule;
  int located = 0, have_sn = 0;
  uint64_t line = 0, column = 0;
  rc_snippet_t sn;
  if (!out->in_file || out->stopped)
    return;
  if (rule < 0 || rule >= (int)RESPCHECK_RULE_COUNT || f->id == NULL ||
      respcheck_rule_id(f->rule) == NULL ||
      strcmp(f->id, respcheck_rule_id(f->rule)) != 0) {
    int r;
    rule = -1;
    for (r = (int)RESPCHECK_RULE_COUNT; f->id != NULL && r < nrules(&out->cfg);
         r++)
      if (extra(&out->cfg, r)->id != NULL &&
          strcmp(f->id, extra(&out->cfg, r)->id) == 0)
        rule = r;
  }
  if (rule == RESPCHECK_RULE_PARSE_ERROR) {
    out->stopped = 1;
    out->stop_index = f->response_index;
  }
  if (out->locate != NULL &&
      out->locate(out->locate_ctx, f->offset, &line, &column) == 0)
    located = 1;
  /* The finding's line, while it is at hand: under the finding in text,
   * for SARIF's column in characters, for the filter's fingerprint. */
  if (located && out->snippet != NULL &&
      ((out->cfg.format == RC_FORMAT_TEXT && out->cfg.show_source) ||
       out->cfg.format == RC_FORMAT_SARIF || out->cfg.filter != NULL) &&
      out->snippet(out->snippet_ctx, f->offset, &sn) == 0)
    have_sn = 1;
  if (out->cfg.filter != NULL) {
    rc_out_seen_t seen;
    seen.path = cur_path(out);
    seen.label = out->label.len > 1 ? out->label.p : NULL;
    seen.rule = str_or(f->id, "unknown");
    seen.severity = (int)f->severity;
    seen.offset = f->offset;
    seen.response_index = f->response_index;
    seen.message = str_or(f->message, "");
    seen.snippet = have_sn ? &sn : NULL;
    if (!out->cfg.filter(out->cfg.filter_ctx, &seen)) {
      out->stats.baselined++;
      return;
    }
  }
  count_finding(out, rule, (int)f->severity);
  if (out->cfg.quiet && (int)f->severity != RESPCHECK_SEVERITY_ERROR)
    return;
  switch (out->cfg.format) {
  case RC_FORMAT_SARIF:
    sarif_result(out, f, rule, located, line, column, have_sn ? &sn : NULL);
    break;
  case RC_FORMAT_TEXT:
  case RC_FORMAT_JSON:
    pend_add(out, f, rule, located, line, column, have_sn ? &sn : NULL);
    break;
  }
}

/* The JSON record of one response (record.h), with its pending findings. */
static void json_write_object(rc_out_t *out, uint64_t index, uint64_t offset,
                              int have_end, const respcheck_message_end_t *end,
                              int use_head) {
  rc_buf_t *b = &out->line;
  rc_sink_t sink = {NULL, &out->line};
  rc_record_t rec;
  size_t i, k, norder, nfind = 0;
  unsigned char *done;
  uint64_t dropped = 0;
  int reject = 0;
  /* An object without an end decides its verdict from its findings. */
  for (i = 0; i < out->npend; i++)
    if (out->pend[i].index == index &&
        out->pend[i].severity == RESPCHECK_SEVERITY_ERROR)
      reject = 1;
  if (have_end)
    reject = end->verdict == RESPCHECK_REJECT;
  for (i = 0; i < 4; i++) {
    if (out->drops[i].count > 0 && out->drops[i].index == index) {
      dropped += out->drops[i].count;
      out->drops[i].count = 0;
    }
  }
  out->stats.responses++;
  if (reject)
    out->stats.rejected++;
  else
    out->stats.accepted++;

  memset(&rec, 0, sizeof rec);
  rec.file = cur_path(out);
  rec.file_len = strlen(rec.file);
  rec.source_json = out->source.p;
  rec.source_json_len = out->source.len;
  rec.request_json = out->request.p;
  rec.request_json_len = out->request.len;
  rec.index = index;
  rec.offset = offset;
  rec.no_offsets = out->offsets == RC_OFFSETS_NONE;
  rec.have_end = have_end;
  rec.end_offset = have_end ? end->end_offset : 0;
  if (use_head) {
    rec.head_json = out->head.p;
    rec.head_json_len = out->head.len;
  }
  rec.headers = 1;
  rec.reject = reject;
  rec.complete = have_end && (end->flags & RESPCHECK_END_COMPLETE);
  b->len = 0;
  rc_record_open(&sink, &rec);
  done = calloc(out->npend > 0 ? out->npend : 1, 1);
  norder = pend_order(out, 0, index, 0);
  for (k = 0; k < out->npend; k++) {
    /* In offset order; in arrival order when memory ran out. order[] has
     * norder entries: past them, at would be an unset index. */
    size_t at;
    rc_pending_t *p;
    rc_record_finding_t f;
    if (norder > 0 && k >= norder)
      break;
    at = norder > 0 ? out->order[k].i : k;
    p = &out->pend[at];
    if (p->index != index)
      continue;
    if (done != NULL)
      done[at] = 1;
    f.rule = arena_at(out, p->id_off);
    f.rule_len = p->id_len;
    f.severity = p->severity;
    f.offset = p->offset;
    f.no_offset = out->offsets == RC_OFFSETS_NONE;
    f.located = p->located;
    f.line = p->line;
    f.column = p->column;
    f.message = arena_at(out, p->msg_off);
    f.message_len = p->msg_len;
    f.reference = arena_at(out, p->ref_off);
    f.reference_len = p->ref_len;
    rc_record_finding(&sink, &f, nfind++);
  }
  rc_record_close(&sink, dropped);
  if (done != NULL) {
    pend_compact(out, done);
    free(done);
  } else {
    out->oom = 1;
    out->npend = 0;
    out->arena.len = 0;
  }
  if (out->cfg.quiet && !reject)
    return;
  if (!out->oom)
    (void)fwrite(b->p, 1, b->len, out->fp);
}

/* Renders the head's fields, from ",\"version\"" to the headers' "]". */
static void json_render_head(rc_out_t *out, const respcheck_response_t *r) {
  rc_sink_t sink = {NULL, &out->head};
  out->head.len = 0;
  rc_record_head(&sink, r, 1, 1);
}

void rc_out_response_head(rc_out_t *out, const respcheck_response_t *r) {
  if (!out->in_file || out->cfg.format != RC_FORMAT_JSON)
    return;
  if (out->stopped && r->index != out->stop_index)
    return;
  if (out->have_head && out->head_index != r->index) {
    /* The previous head never got its end: write it as it stands. */
    json_write_object(out, out->head_index, 0, 0, NULL, 1);
  }
  json_render_head(out, r);
  out->have_head = 1;
  out->head_index = r->index;
}

void rc_out_response_end(rc_out_t *out, const respcheck_message_end_t *end) {
  int use_head;
  if (!out->in_file)
    return;
  if (out->stopped && end->index != out->stop_index)
    return;
  if (out->cfg.format != RC_FORMAT_JSON) {
    out->stats.responses++;
    if (end->verdict == RESPCHECK_REJECT)
      out->stats.rejected++;
    else
      out->stats.accepted++;
    if (out->cfg.format == RC_FORMAT_TEXT)
      text_flush(out, 0, end->index);
    return;
  }
  use_head = out->have_head && out->head_index == end->index;
  if (!use_head && end->response != NULL) {
    /* A head refused after its status line: what was read of it. */
    json_render_head(out, end->response);
    use_head = 1;
  }
  json_write_object(out, end->index, end->offset, 1, end, use_head);
  if (use_head) {
    out->have_head = 0;
    out->head.len = 0;
  }
}

/* What a stream left: text lines waiting, a head without an end, findings
 * of a response that never ended (JSON). */
static void flush_leftovers(rc_out_t *out) {
  if (out->cfg.format == RC_FORMAT_TEXT)
    text_flush(out, 1, 0);
  if (out->cfg.format == RC_FORMAT_JSON) {
    /* Leftovers, in index order: a head without an end, findings of a
     * response that never ended. */
    for (;;) {
      size_t i;
      int found = 0;
      uint64_t index = 0, offset = 0;
      if (out->have_head) {
        found = 1;
        index = out->head_index;
      }
      for (i = 0; i < out->npend; i++) {
        if (!found || out->pend[i].index < index) {
          found = 1;
          index = out->pend[i].index;
        }
      }
      if (!found)
        break;
      for (i = 0; i < out->npend; i++) {
        if (out->pend[i].index == index) {
          offset = out->pend[i].offset;
          break;
        }
      }
      if (out->have_head && out->head_index == index) {
        json_write_object(out, index, offset, 0, NULL, 1);
        out->have_head = 0;
      } else {
        json_write_object(out, index, offset, 0, NULL, 0);
      }
    }
  }
}

void rc_out_end_file(rc_out_t *out) {
  if (!out->in_file)
    return;
  flush_leftovers(out);
  reset_file_state(out);
}

void rc_out_next_stream(rc_out_t *out) {
  if (!out->in_file)
    return;
  flush_leftovers(out);
  out->have_head = 0;
  out->head.len = 0;
  out->npend = 0;
  out->arena.len = 0;
  out->stopped = 0;
  memset(out->drops, 0, sizeof out->drops);
}

void rc_out_file_error(rc_out_t *out, const char *path, const char *reason) {
  out->stats.unreadable_files++;
  rc_out_notification(out, path, reason);
}

void rc_out_notification(rc_out_t *out, const char *path, const char *reason) {
  rc_buf_t *b = &out->notes;
  if (out->cfg.format != RC_FORMAT_SARIF)
    return;
  if (out->nnotes++ > 0)
    rc_buf_str(b, ",\n");
  rc_buf_str(b, "            {\"level\": \"error\", \"message\": {\"text\": ");
  {
    rc_buf_t tmp = {NULL, 0, 0, NULL};
    tmp.oom = &out->oom;
    rc_buf_str(&tmp, path);
    rc_buf_str(&tmp, ": ");
    rc_buf_str(&tmp, reason);
    buf_json(b, tmp.p != NULL ? tmp.p : "", tmp.len);
    rc_buf_free(&tmp);
  }
  rc_buf_str(b, "}}");
}

/* The --summary, in text. */
static void text_summary(rc_out_t *out) {
  FILE *fp = out->fp;
  const rc_out_stats_t *s = &out->stats;
  int r;
  size_t width = 28;
  fprintf(fp, "summary: %" PRIu64 " file%s", s->files,
          s->files == 1 ? "" : "s");
  if (s->unreadable_files > 0)
    fprintf(fp, " (%" PRIu64 " unreadable)", s->unreadable_files);
  fprintf(fp,
          ", %" PRIu64 " response%s: %" PRIu64 " accepted, %" PRIu64
          " rejected; %" PRIu64 " error%s, %" PRIu64 " warning%s, %" PRIu64
          " info",
          s->responses, s->responses == 1 ? "" : "s", s->accepted, s->rejected,
          s->errors, s->errors == 1 ? "" : "s", s->warnings,
          s->warnings == 1 ? "" : "s", s->infos);
  if (s->baselined > 0)
    fprintf(fp, "; %" PRIu64 " baselined", s->baselined);
  fputc('\n', fp);
  /* The counts in one column: as wide as the longest id listed (28 at
   * least, as it always was). */
  for (r = 0; r < nrules(&out->cfg); r++) {
    if (out->rule_counts[r] > 0) {
      size_t n = strlen(str_or(rule_id(&out->cfg, r), "?"));
      if (n > width)
        width = n;
    }
  }
  for (r = 0; r < nrules(&out->cfg); r++) {
    if (out->rule_counts[r] == 0)
      continue;
    fprintf(fp, "  %-*s %8" PRIu64 "\n", (int)width,
            str_or(rule_id(&out->cfg, r), "?"), out->rule_counts[r]);
  }
  if (out->other_rule_count > 0)
    fprintf(fp, "  %-*s %8" PRIu64 "\n", (int)width, "(other)",
            out->other_rule_count);
}

/* The --summary as a JSON object (no newline). */
static void json_summary(rc_out_t *out) {
  FILE *fp = out->fp;
  const rc_out_stats_t *s = &out->stats;
  int r, n = 0;
  fprintf(fp,
          "{\"files\":%" PRIu64 ",\"unreadable_files\":%" PRIu64
          ",\"responses\":%" PRIu64 ",\"accepted\":%" PRIu64
          ",\"rejected\":%" PRIu64 ",\"errors\":%" PRIu64
          ",\"warnings\":%" PRIu64 ",\"infos\":%" PRIu64
          ",\"baselined\":%" PRIu64 ",\"rules\":{",
          s->files, s->unreadable_files, s->responses, s->accepted, s->rejected,
          s->errors, s->warnings, s->infos, s->baselined);
  for (r = 0; r < nrules(&out->cfg); r++) {
    if (out->rule_counts[r] == 0)
      continue;
    if (n++ > 0)
      fputc(',', fp);
    fp_json_cstr(fp, str_or(rule_id(&out->cfg, r), "?"));
    fprintf(fp, ":%" PRIu64, out->rule_counts[r]);
  }
  if (out->other_rule_count > 0)
    fprintf(fp, "%s\"(other)\":%" PRIu64, n > 0 ? "," : "",
            out->other_rule_count);
  fputs("}}", fp);
}

int rc_out_finish(rc_out_t *out) {
  FILE *fp = out->fp;
  if (out->finished)
    return -1;
  out->finished = 1;
  if (out->in_file)
    rc_out_end_file(out);
  switch (out->cfg.format) {
  case RC_FORMAT_TEXT:
    if (out->cfg.summary)
      text_summary(out);
    break;
  case RC_FORMAT_JSON:
    if (out->cfg.summary) {
      fputs("{\"summary\":", fp);
      json_summary(out);
      fputs("}\n", fp);
    }
    break;
  case RC_FORMAT_SARIF:
    fputs(out->sarif_results > 0 ? "\n      ],\n" : "],\n", fp);
    fprintf(fp,
            "      \"invocations\": [\n"
            "        {\"executionSuccessful\": %s",
            out->nnotes == 0 && !out->oom ? "true" : "false");
    if (out->nnotes > 0) {
      fputs(",\n         \"toolExecutionNotifications\": [\n", fp);
      (void)fwrite(out->notes.p, 1, out->notes.len, fp);
      fputs("\n         ]", fp);
    }
    fp_sarif_overrides(fp, &out->cfg);
    fputs("}\n      ]", fp);
    if (out->cfg.summary) {
      fputs(",\n      \"properties\": {\"summary\": ", fp);
      json_summary(out);
      fputs("}", fp);
    }
    fputs("\n    }\n  ]\n}\n", fp);
    break;
  }
  if (fflush(fp) != 0 || ferror(fp))
    return -1;
  return out->oom ? -1 : 0;
}

int rc_out_list_rules(FILE *fp, const rc_out_config_t *cfg) {
  int r;
  size_t w = 0, wr = 0;
  switch (cfg->format) {
  case RC_FORMAT_TEXT:
    for (r = 0; r < nrules(cfg); r++) {
      size_t n = strlen(str_or(rule_id(cfg, r), ""));
      size_t m = strlen(str_or(rule_reference(cfg, r), ""));
      if (n > w)
        w = n;
      if (m > wr)
        wr = m;
    }
    for (r = 0; r < nrules(cfg); r++) {
      int sev = rule_severity(cfg, r);
      int dflt = rule_default(cfg, r);
      fprintf(fp, "%-*s  %-7s  %-*s  %s", (int)w, str_or(rule_id(cfg, r), ""),
              rc_severity_name(sev), (int)wr,
              str_or(rule_reference(cfg, r), ""),
              str_or(rule_summary(cfg, r), ""));
      if (sev != dflt)
        fprintf(fp, " (default: %s)", rc_severity_name(dflt));
      fputc('\n', fp);
    }
    break;
  case RC_FORMAT_JSON:
    for (r = 0; r < nrules(cfg); r++) {
      fputs("{\"rule\":", fp);
      fp_json_cstr(fp, rule_id(cfg, r));
      fprintf(fp, ",\"severity\":\"%s\",\"default_severity\":\"%s\"",
              rc_severity_name(rule_severity(cfg, r)),
              rc_severity_name(rule_default(cfg, r)));
      fputs(",\"reference\":", fp);
      fp_json_cstr(fp, rule_reference(cfg, r));
      fputs(",\"summary\":", fp);
      fp_json_cstr(fp, rule_summary(cfg, r));
      fputs("}\n", fp);
    }
    break;
  case RC_FORMAT_SARIF:
    fp_sarif_open(fp, cfg);
    fputs("],\n      \"invocations\": [{\"executionSuccessful\": true", fp);
    fp_sarif_overrides(fp, cfg);
    fputs("}]\n    }\n  ]\n}\n", fp);
    break;
  }
  if (fflush(fp) != 0 || ferror(fp))
    return -1;
  return 0;
}
