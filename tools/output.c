/*
 * Output writers of the respcheck command; see output.h for the contract.
 */
#include "output.h"
#include "count.h" /* the library's own, header only */

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* A growable byte buffer. On allocation failure it stops growing and sets
 * *oom; what it holds stays consistent (the write is dropped). */

typedef struct rc_buf {
  char *p;
  size_t len, cap;
  int *oom;
} rc_buf_t;

static int buf_reserve(rc_buf_t *b, size_t more) {
  size_t need, cap;
  char *p;
  if (more <= b->cap - b->len)
    return 0;
  if (more > SIZE_MAX / 2 - b->len) {
    *b->oom = 1;
    return -1;
  }
  need = b->len + more;
  cap = b->cap ? b->cap : 256;
  while (cap < need)
    cap *= 2;
  p = realloc(b->p, cap);
  if (p == NULL) {
    *b->oom = 1;
    return -1;
  }
  b->p = p;
  b->cap = cap;
  return 0;
}

static void buf_put(rc_buf_t *b, const void *s, size_t n) {
  if (n == 0 || buf_reserve(b, n) != 0)
    return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

static void buf_str(rc_buf_t *b, const char *s) { buf_put(b, s, strlen(s)); }

static void buf_u64(rc_buf_t *b, uint64_t v) {
  char tmp[24];
  int n = snprintf(tmp, sizeof tmp, "%" PRIu64, v);
  if (n > 0)
    buf_put(b, tmp, (size_t)n);
}

static void buf_i64(rc_buf_t *b, int64_t v) {
  char tmp[24];
  int n = snprintf(tmp, sizeof tmp, "%" PRId64, v);
  if (n > 0)
    buf_put(b, tmp, (size_t)n);
}

static void buf_free(rc_buf_t *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

/* A sink is either a FILE or a buffer: the escapers serve both. */
typedef struct rc_sink {
  FILE *fp;
  rc_buf_t *buf;
} rc_sink_t;

static void sink_put(const rc_sink_t *s, const char *p, size_t n) {
  if (n == 0)
    return;
  if (s->buf != NULL)
    buf_put(s->buf, p, n);
  else
    (void)fwrite(p, 1, n, s->fp);
}

/* ------------------------------------------------------------------------ */
/* Escaping. */

/* Length of the well-formed UTF-8 sequence at s (Unicode 15, table 3-7:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t n) {
  unsigned char c = s[0], lo = 0x80, hi = 0xBF;
  size_t len, i;
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    len = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else
    return 0;
  if (n < len)
    return 0;
  if (s[1] < lo || s[1] > hi)
    return 0;
  for (i = 2; i < len; i++)
    if (s[i] < 0x80 || s[i] > 0xBF)
      return 0;
  return len;
}

static const char hexdigits[] = "0123456789abcdef";

static void json_escape(const rc_sink_t *sink, const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0, run = 0; /* run: bytes from i - run to i that pass as is */
  char esc[8];
  sink_put(sink, "\"", 1);
  while (i < len) {
    unsigned char c = s[i];
    size_t seq;
    const char *rep = NULL;
    size_t replen = 0;
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      i++;
      run++;
      continue;
    }
    seq = c >= 0x80 ? utf8_seq_len(s + i, len - i) : 1;
    /* Passed through: well-formed UTF-8, except the C1 controls
     * (U+0080-U+009F: U+0085 ends lines for many readers, U+009B is a
     * terminal's CSI) and U+2028/U+2029 (line ends in JavaScript). */
    if (seq > 1 && !(seq == 2 && c == 0xC2 && s[i + 1] < 0xA0) &&
        !(seq == 3 && c == 0xE2 && s[i + 1] == 0x80 &&
          (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))) {
      i += seq;
      run += seq;
      continue;
    }
    sink_put(sink, (const char *)s + i - run, run);
    run = 0;
    switch (c) {
    case '"':
      rep = "\\\"";
      break;
    case '\\':
      rep = "\\\\";
      break;
    case '\n':
      rep = "\\n";
      break;
    case '\r':
      rep = "\\r";
      break;
    case '\t':
      rep = "\\t";
      break;
    default:
      break;
    }
    if (rep != NULL) {
      replen = 2;
      i++;
    } else if (seq == 3) { /* U+2028 / U+2029 */
      memcpy(esc, "\\u202", 5);
      esc[5] = s[i + 2] == 0xA8 ? '8' : '9';
      rep = esc;
      replen = 6;
      i += 3;
    } else if (seq == 2) { /* a C1 control: its code point */
      memcpy(esc, "\\u00", 4);
      esc[4] = hexdigits[s[i + 1] >> 4];
      esc[5] = hexdigits[s[i + 1] & 15];
      rep = esc;
      replen = 6;
      i += 2;
    } else { /* a control byte, or a byte outside well-formed UTF-8 */
      memcpy(esc, "\\u00", 4);
      esc[4] = hexdigits[c >> 4];
      esc[5] = hexdigits[c & 15];
      rep = esc;
      replen = 6;
      i++;
    }
    sink_put(sink, rep, replen);
  }
  sink_put(sink, (const char *)s + i - run, run);
  sink_put(sink, "\"", 1);
}

static void text_escape(const rc_sink_t *sink, const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i, start = 0;
  char esc[4] = {'\\', 'x', 0, 0};
  for (i = 0; i < len; i++) {
    unsigned char c = s[i];
    if (c >= 0x20 && c < 0x7F)
      continue;
    sink_put(sink, str + start, i - start);
    start = i + 1;
    esc[2] = hexdigits[c >> 4];
    esc[3] = hexdigits[c & 15];
    sink_put(sink, esc, 4);
  }
  sink_put(sink, str + start, len - start);
}

void rc_json_string(FILE *fp, const char *s, size_t len) {
  rc_sink_t sink = {fp, NULL};
  json_escape(&sink, s, len);
}

void rc_text_escaped(FILE *fp, const char *s, size_t len) {
  rc_sink_t sink = {fp, NULL};
  text_escape(&sink, s, len);
}

static void buf_json(rc_buf_t *b, const char *s, size_t len) {
  rc_sink_t sink = {NULL, b};
  json_escape(&sink, s, len);
}

static void fp_json_cstr(FILE *fp, const char *s) {
  if (s == NULL)
    fputs("null", fp);
  else
    rc_json_string(fp, s, strlen(s));
}

/* SARIF's artifactLocation.uri is a URI reference (RFC 3986): percent-encode
 * every byte outside the unreserved set and '/'. */
static void fp_uri_json(FILE *fp, const char *path) {
  const unsigned char *s = (const unsigned char *)path;
  char esc[3] = {'%', 0, 0};
  fputc('"', fp);
  for (; *s; s++) {
    unsigned char c = *s;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~' || c == '/') {
      fputc(c, fp);
    } else {
      esc[1] = "0123456789ABCDEF"[c >> 4];
      esc[2] = "0123456789ABCDEF"[c & 15];
      (void)fwrite(esc, 1, 3, fp);
    }
  }
  fputc('"', fp);
}

/* ------------------------------------------------------------------------ */
/* Rule catalogue helpers, defensive about values a fuzzer may invent. */

static const char *severity_name(int s) {
  switch (s) {
  case RESPCHECK_SEVERITY_OFF:
    return "off";
  case RESPCHECK_SEVERITY_INFO:
    return "info";
  case RESPCHECK_SEVERITY_WARNING:
    return "warning";
  case RESPCHECK_SEVERITY_ERROR:
    return "error";
  default:
    return "unknown";
  }
}

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

static int rule_severity(const rc_out_config_t *cfg, int rule) {
  if (cfg->severity != NULL)
    return cfg->severity[rule];
  return (int)respcheck_rule_default_severity((respcheck_rule_t)rule);
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
  const char *id = str_or(respcheck_rule_id((respcheck_rule_t)r), "unknown");
  const char *ref = str_or(respcheck_rule_reference((respcheck_rule_t)r), "");
  const char *summary = str_or(respcheck_rule_summary((respcheck_rule_t)r), "");
  int sev = rule_severity(cfg, r);
  int dflt = (int)respcheck_rule_default_severity((respcheck_rule_t)r);
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
    buf_str(&tmp, summary);
    buf_str(&tmp, ". See ");
    buf_str(&tmp, ref);
    buf_str(&tmp, ". Default severity: ");
    buf_str(&tmp, severity_name(dflt));
    buf_str(&tmp, ".");
    rc_json_string(fp, oom || tmp.p == NULL ? "" : tmp.p, oom ? 0 : tmp.len);
    buf_free(&tmp);
  }
  fputs("}", fp);
  if (strstr(ref, "RFC ") != NULL) {
    fputs(",\n             \"helpUri\": ", fp);
    fp_help_uri(fp, ref);
  }
  fprintf(fp,
          ",\n             \"defaultConfiguration\": {\"enabled\": %s, "
          "\"level\": \"%s\"},\n",
          sev != RESPCHECK_SEVERITY_OFF ? "true" : "false", sarif_level(sev));
  fputs("             \"properties\": {\"reference\": ", fp);
  fp_json_cstr(fp, ref);
  fprintf(fp, ", \"severity\": \"%s\", \"defaultSeverity\": \"%s\"}}",
          severity_name(sev), severity_name(dflt));
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
  for (r = 0; r < (int)RESPCHECK_RULE_COUNT; r++) {
    fp_sarif_rule(fp, cfg, r);
    fputs(r + 1 < (int)RESPCHECK_RULE_COUNT ? ",\n" : "\n", fp);
  }
  fputs("          ]\n"
        "        }\n"
        "      },\n"
        "      \"results\": [",
        fp);
}

/* ------------------------------------------------------------------------ */
/* The writer. */

typedef struct rc_pending {
  uint64_t index;
  uint64_t offset, line, column;
  int located;
  int rule; /* -1 when out of the catalogue */
  int severity;
  size_t id_off, id_len, ref_off, ref_len, msg_off, msg_len; /* in arena */
} rc_pending_t;

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
  rc_locate_fn locate;
  void *locate_ctx;
  int in_file;
  int stopped;         /* a parse-error was reported */
  uint64_t stop_index; /* ... for this response */

  /* JSON: the head of the response in progress, rendered. */
  int have_head;
  uint64_t head_index;
  rc_buf_t head;
  /* JSON: findings not yet written, in arrival order. */
  rc_pending_t *pend;
  size_t npend, pend_cap;
  rc_buf_t arena;
  rc_drop_t drops[4];
  /* Scratch for one object. */
  rc_buf_t line;

  /* SARIF: toolExecutionNotifications, rendered. */
  rc_buf_t notes;
  size_t nnotes;

  rc_out_stats_t stats;
  uint64_t rule_counts[RESPCHECK_RULE_COUNT];
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
  if (out->cfg.format == RC_FORMAT_SARIF)
    fp_sarif_open(fp, &out->cfg);
  return out;
}

void rc_out_free(rc_out_t *out) {
  if (out == NULL)
    return;
  free(out->path);
  buf_free(&out->head);
  buf_free(&out->arena);
  buf_free(&out->line);
  buf_free(&out->notes);
  free(out->pend);
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
  out->in_file = 0;
  out->stopped = 0;
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
  out->stats.files++;
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
  if (severity == RESPCHECK_SEVERITY_ERROR)
    out->stats.errors++;
  else if (severity == RESPCHECK_SEVERITY_WARNING)
    out->stats.warnings++;
  else
    out->stats.infos++;
}

static void text_finding(rc_out_t *out, const respcheck_finding_t *f,
                         int located, uint64_t line, uint64_t column) {
  FILE *fp = out->fp;
  int color = out->cfg.color;
  const char *sev = severity_name((int)f->severity);
  const char *sevcolor =
      (int)f->severity == RESPCHECK_SEVERITY_ERROR     ? "\033[1;31m"
      : (int)f->severity == RESPCHECK_SEVERITY_WARNING ? "\033[1;35m"
                                                       : "\033[1;36m";
  const char *path = display_path(out);
  const char *msg = str_or(f->message, "");
  const char *id = str_or(f->id, "unknown");
  const char *ref = str_or(f->reference, "");
  if (color)
    fputs("\033[1m", fp);
  rc_text_escaped(fp, path, strlen(path));
  if (located)
    fprintf(fp, ":%" PRIu64 ":%" PRIu64, line, column);
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
  rc_text_escaped(fp, msg, strlen(msg));
  fputs(color ? " \033[2m[" : " [", fp);
  rc_text_escaped(fp, id, strlen(id));
  fputc(']', fp);
  if (*ref != '\0') {
    fputs(" (", fp);
    rc_text_escaped(fp, ref, strlen(ref));
    fputc(')', fp);
  }
  if (color)
    fputs("\033[0m", fp);
  if (!located)
    fprintf(fp, " at byte %" PRIu64, f->offset);
  fputc('\n', fp);
}

static void sarif_result(rc_out_t *out, const respcheck_finding_t *f, int rule,
                         int located, uint64_t line, uint64_t column) {
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
  fputs("         \"message\": {\"text\": ", fp);
  fp_json_cstr(fp, msg);
  fputs("},\n         \"locations\": [{\"physicalLocation\": "
        "{\"artifactLocation\": {\"uri\": ",
        fp);
  fp_uri_json(fp, strcmp(path, "-") == 0 ? "stdin" : path);
  fprintf(fp, "}, \"region\": {\"byteOffset\": %" PRIu64, f->offset);
  if (located)
    fprintf(fp, ", \"startLine\": %" PRIu64 ", \"startColumn\": %" PRIu64, line,
            column);
  fputs("}}}],\n         \"properties\": {\"responseIndex\": ", fp);
  fprintf(fp, "%" PRIu64 ", \"severity\": \"%s\", \"reference\": ",
          f->response_index, severity_name((int)f->severity));
  fp_json_cstr(fp, str_or(f->reference, ""));
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
  buf_put(&out->arena, s, n);
  if (cut)
    buf_put(&out->arena, "...", 3);
  *len = out->arena.len - *off;
}

/* Bytes at off in the arena; "" while it holds nothing (never NULL + 0). */
static const char *arena_at(const rc_out_t *out, size_t off) {
  return out->arena.p != NULL ? out->arena.p + off : "";
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

static void json_pend(rc_out_t *out, const respcheck_finding_t *f, int rule,
                      int located, uint64_t line, uint64_t column) {
  rc_pending_t *p;
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
  p->index = f->response_index;
  p->offset = f->offset;
  p->line = line;
  p->column = column;
  p->located = located;
  p->rule = rule;
  p->severity = (int)f->severity;
  arena_copy(out, f->id, 128, &p->id_off, &p->id_len);
  arena_copy(out, f->reference, 256, &p->ref_off, &p->ref_len);
  arena_copy(out, f->message, RC_OUT_MAX_MESSAGE, &p->msg_off, &p->msg_len);
}

void rc_out_finding(rc_out_t *out, const respcheck_finding_t *f) {
  int rule = (int)f->rule;
  int located = 0;
  uint64_t line = 0, column = 0;
  if (!out->in_file || out->stopped)
    return;
  if (rule < 0 || rule >= (int)RESPCHECK_RULE_COUNT || f->id == NULL ||
      respcheck_rule_id(f->rule) == NULL ||
      strcmp(f->id, respcheck_rule_id(f->rule)) != 0)
    rule = -1;
  if (rule == RESPCHECK_RULE_PARSE_ERROR) {
    out->stopped = 1;
    out->stop_index = f->response_index;
  }
  if (out->locate != NULL &&
      out->locate(out->locate_ctx, f->offset, &line, &column) == 0)
    located = 1;
  count_finding(out, rule, (int)f->severity);
  if (out->cfg.quiet && (int)f->severity != RESPCHECK_SEVERITY_ERROR)
    return;
  switch (out->cfg.format) {
  case RC_FORMAT_TEXT:
    text_finding(out, f, located, line, column);
    break;
  case RC_FORMAT_SARIF:
    sarif_result(out, f, rule, located, line, column);
    break;
  case RC_FORMAT_JSON:
    json_pend(out, f, rule, located, line, column);
    break;
  }
}

/* JSON object of one response: {"file":..., "index":..., then the head (or
 * nulls), then the end's fields, then its pending findings. */
static void json_write_object(rc_out_t *out, uint64_t index, uint64_t offset,
                              int have_end, const respcheck_message_end_t *end,
                              int use_head) {
  rc_buf_t *b = &out->line;
  size_t i, keep = 0, nfind = 0;
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

  b->len = 0;
  buf_str(b, "{\"file\":");
  buf_json(b, cur_path(out), strlen(cur_path(out)));
  buf_str(b, ",\"index\":");
  buf_u64(b, index);
  buf_str(b, ",\"offset\":");
  buf_u64(b, offset);
  buf_str(b, ",\"end_offset\":");
  if (have_end)
    buf_u64(b, end->end_offset);
  else
    buf_str(b, "null");
  if (use_head)
    buf_put(b, out->head.p, out->head.len);
  else
    buf_str(b, ",\"version\":null,\"status\":null,\"reason\":null,"
               "\"effective_status\":null,\"registered\":false,"
               "\"headers\":[]");
  buf_str(b, reject ? ",\"verdict\":\"reject\"" : ",\"verdict\":\"accept\"");
  buf_str(b, have_end && (end->flags & RESPCHECK_END_COMPLETE)
                 ? ",\"complete\":true"
                 : ",\"complete\":false");
  buf_str(b, ",\"findings\":[");
  for (i = 0; i < out->npend; i++) {
    rc_pending_t *p = &out->pend[i];
    if (p->index != index) {
      if (keep != i) {
        /* Move the kept finding's strings to the front of the arena; they
         * were appended in order, so the front never overtakes them. */
        out->pend[keep] = *p;
      }
      keep++;
      continue;
    }
    if (nfind++ > 0)
      buf_put(b, ",", 1);
    buf_str(b, "{\"rule\":");
    buf_json(b, arena_at(out, p->id_off), p->id_len);
    buf_str(b, ",\"severity\":\"");
    buf_str(b, severity_name(p->severity));
    buf_str(b, "\",\"offset\":");
    buf_u64(b, p->offset);
    if (p->located) {
      buf_str(b, ",\"line\":");
      buf_u64(b, p->line);
      buf_str(b, ",\"column\":");
      buf_u64(b, p->column);
    } else {
      buf_str(b, ",\"line\":null,\"column\":null");
    }
    buf_str(b, ",\"message\":");
    buf_json(b, arena_at(out, p->msg_off), p->msg_len);
    buf_str(b, ",\"reference\":");
    buf_json(b, arena_at(out, p->ref_off), p->ref_len);
    buf_put(b, "}", 1);
  }
  buf_put(b, "]", 1);
  if (dropped > 0) {
    buf_str(b, ",\"findings_dropped\":");
    buf_u64(b, dropped);
  }
  buf_str(b, "}\n");
  out->npend = keep;
  /* Compact the arena behind the findings still pending. */
  if (keep == 0 || out->arena.p == NULL) {
    out->arena.len = 0;
  } else {
    size_t w = 0;
    for (i = 0; i < keep; i++) {
      rc_pending_t *p = &out->pend[i];
      size_t start = p->id_off, end_off = p->msg_off + p->msg_len;
      memmove(out->arena.p + w, out->arena.p + start, end_off - start);
      p->id_off = p->id_off - start + w;
      p->ref_off = p->ref_off - start + w;
      p->msg_off = p->msg_off - start + w;
      w += end_off - start;
    }
    out->arena.len = w;
  }
  if (out->cfg.quiet && !reject)
    return;
  if (!out->oom)
    (void)fwrite(b->p, 1, b->len, out->fp);
}

/* Renders the head's fields, from ",\"version\"" to the headers' "]". */
static void json_render_head(rc_out_t *out, const respcheck_response_t *r) {
  rc_buf_t *b = &out->head;
  size_t i;
  int registered =
      r->info != NULL && (r->info->state == RESPCHECK_STATUS_PERMANENT ||
                          r->info->state == RESPCHECK_STATUS_TEMPORARY ||
                          r->info->state == RESPCHECK_STATUS_DEPRECATED ||
                          r->info->state == RESPCHECK_STATUS_OBSOLETED);
  b->len = 0;
  buf_str(b, ",\"version\":\"");
  buf_u64(b, r->version_major);
  buf_put(b, ".", 1);
  buf_u64(b, r->version_minor);
  buf_str(b, "\",\"status\":");
  buf_i64(b, r->status);
  buf_str(b, ",\"reason\":");
  buf_json(b, r->reason.ptr != NULL ? r->reason.ptr : "",
           r->reason.ptr != NULL ? r->reason.len : 0);
  buf_str(b, ",\"effective_status\":");
  buf_i64(b, r->effective_status);
  buf_str(b, registered ? ",\"registered\":true" : ",\"registered\":false");
  buf_str(b, ",\"headers\":[");
  for (i = 0; r->headers != NULL && i < r->header_count; i++) {
    const respcheck_header_t *h = &r->headers[i];
    if (i > 0)
      buf_put(b, ",", 1);
    buf_put(b, "[", 1);
    buf_json(b, h->name.ptr != NULL ? h->name.ptr : "",
             h->name.ptr != NULL ? h->name.len : 0);
    buf_put(b, ",", 1);
    buf_json(b, h->value.ptr != NULL ? h->value.ptr : "",
             h->value.ptr != NULL ? h->value.len : 0);
    buf_put(b, "]", 1);
  }
  buf_put(b, "]", 1);
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

void rc_out_end_file(rc_out_t *out) {
  if (!out->in_file)
    return;
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
  reset_file_state(out);
}

void rc_out_file_error(rc_out_t *out, const char *path, const char *reason) {
  rc_buf_t *b = &out->notes;
  out->stats.unreadable_files++;
  if (out->cfg.format != RC_FORMAT_SARIF)
    return;
  if (out->nnotes++ > 0)
    buf_str(b, ",\n");
  buf_str(b, "            {\"level\": \"error\", \"message\": {\"text\": ");
  {
    rc_buf_t tmp = {NULL, 0, 0, NULL};
    tmp.oom = &out->oom;
    buf_str(&tmp, path);
    buf_str(&tmp, ": ");
    buf_str(&tmp, reason);
    buf_json(b, tmp.p != NULL ? tmp.p : "", tmp.len);
    buf_free(&tmp);
  }
  buf_str(b, "}}");
}

/* The --summary, in text. */
static void text_summary(rc_out_t *out) {
  FILE *fp = out->fp;
  const rc_out_stats_t *s = &out->stats;
  int r;
  fprintf(fp, "summary: %" PRIu64 " file%s", s->files,
          s->files == 1 ? "" : "s");
  if (s->unreadable_files > 0)
    fprintf(fp, " (%" PRIu64 " unreadable)", s->unreadable_files);
  fprintf(fp,
          ", %" PRIu64 " response%s: %" PRIu64 " accepted, %" PRIu64
          " rejected; %" PRIu64 " error%s, %" PRIu64 " warning%s, %" PRIu64
          " info\n",
          s->responses, s->responses == 1 ? "" : "s", s->accepted, s->rejected,
          s->errors, s->errors == 1 ? "" : "s", s->warnings,
          s->warnings == 1 ? "" : "s", s->infos);
  for (r = 0; r < (int)RESPCHECK_RULE_COUNT; r++) {
    if (out->rule_counts[r] == 0)
      continue;
    fprintf(fp, "  %-28s %8" PRIu64 "\n",
            str_or(respcheck_rule_id((respcheck_rule_t)r), "?"),
            out->rule_counts[r]);
  }
  if (out->other_rule_count > 0)
    fprintf(fp, "  %-28s %8" PRIu64 "\n", "(other)", out->other_rule_count);
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
          ",\"warnings\":%" PRIu64 ",\"infos\":%" PRIu64 ",\"rules\":{",
          s->files, s->unreadable_files, s->responses, s->accepted, s->rejected,
          s->errors, s->warnings, s->infos);
  for (r = 0; r < (int)RESPCHECK_RULE_COUNT; r++) {
    if (out->rule_counts[r] == 0)
      continue;
    if (n++ > 0)
      fputc(',', fp);
    fp_json_cstr(fp, str_or(respcheck_rule_id((respcheck_rule_t)r), "?"));
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
    for (r = 0; r < (int)RESPCHECK_RULE_COUNT; r++) {
      size_t n = strlen(str_or(respcheck_rule_id((respcheck_rule_t)r), ""));
      size_t m =
          strlen(str_or(respcheck_rule_reference((respcheck_rule_t)r), ""));
      if (n > w)
        w = n;
      if (m > wr)
        wr = m;
    }
    for (r = 0; r < (int)RESPCHECK_RULE_COUNT; r++) {
      int sev = rule_severity(cfg, r);
      int dflt = (int)respcheck_rule_default_severity((respcheck_rule_t)r);
      fprintf(fp, "%-*s  %-7s  %-*s  %s", (int)w,
              str_or(respcheck_rule_id((respcheck_rule_t)r), ""),
              severity_name(sev), (int)wr,
              str_or(respcheck_rule_reference((respcheck_rule_t)r), ""),
              str_or(respcheck_rule_summary((respcheck_rule_t)r), ""));
      if (sev != dflt)
        fprintf(fp, " (default: %s)", severity_name(dflt));
      fputc('\n', fp);
    }
    break;
  case RC_FORMAT_JSON:
    for (r = 0; r < (int)RESPCHECK_RULE_COUNT; r++) {
      fputs("{\"rule\":", fp);
      fp_json_cstr(fp, respcheck_rule_id((respcheck_rule_t)r));
      fprintf(fp, ",\"severity\":\"%s\",\"default_severity\":\"%s\"",
              severity_name(rule_severity(cfg, r)),
              severity_name(
                  (int)respcheck_rule_default_severity((respcheck_rule_t)r)));
      fputs(",\"reference\":", fp);
      fp_json_cstr(fp, respcheck_rule_reference((respcheck_rule_t)r));
      fputs(",\"summary\":", fp);
      fp_json_cstr(fp, respcheck_rule_summary((respcheck_rule_t)r));
      fputs("}\n", fp);
    }
    break;
  case RC_FORMAT_SARIF:
    fp_sarif_open(fp, cfg);
    fputs("],\n      \"invocations\": [{\"executionSuccessful\": true}]\n"
          "    }\n  ]\n}\n",
          fp);
    break;
  }
  if (fflush(fp) != 0 || ferror(fp))
    return -1;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Line map. */

typedef struct rc_checkpoint {
  uint64_t offset;     /* a multiple of RC_LINEMAP_BLOCK */
  uint64_t lines;      /* LF bytes before it */
  uint64_t line_start; /* offset of the last line start at or before it */
  int valid;
} rc_checkpoint_t;

typedef struct rc_pin {
  uint64_t offset, line, column;
  int valid;
  int located; /* line and column are known */
} rc_pin_t;

struct rc_linemap {
  char *ring;     /* the last cap bytes: offset x lives at ring[x % cap] */
  size_t cap;     /* a multiple of RC_LINEMAP_BLOCK */
  uint64_t total; /* bytes fed */
  uint64_t lines; /* LF bytes fed */
  uint64_t line_start;
  rc_checkpoint_t *cps; /* checkpoint of block b at cps[b % ncps] */
  size_t ncps;
  rc_checkpoint_t memo; /* the last lookup's answer (offset need not be
                           aligned) */
  rc_pin_t pins[RC_LINEMAP_PINS];
  unsigned next_pin;
};

size_t rc_linemap_window(const respcheck_options_t *opts, size_t chunk_size) {
  respcheck_options_t dflt;
  size_t m;
  if (opts == NULL) {
    respcheck_options_init(&dflt);
    opts = &dflt;
  }
  m = opts->max_header_bytes;
  if (opts->max_line_length > m)
    m = opts->max_line_length;
  /* A chunk header: size digits, extensions, CRLF. */
  if (opts->max_chunk_extension >= SIZE_MAX / 4)
    m = SIZE_MAX / 4;
  else if (opts->max_chunk_extension + 256 > m)
    m = opts->max_chunk_extension + 256;
  if (m > SIZE_MAX / 4)
    m = SIZE_MAX / 4;
  if (chunk_size > SIZE_MAX / 4)
    chunk_size = SIZE_MAX / 4;
  return m + chunk_size + RC_LINEMAP_BLOCK;
}

rc_linemap_t *rc_linemap_new(size_t window) {
  rc_linemap_t *map = calloc(1, sizeof *map);
  size_t blocks;
  if (map == NULL)
    return NULL;
  if (window > SIZE_MAX / 2)
    goto fail;
  blocks = window / RC_LINEMAP_BLOCK + 2;
  map->cap = blocks * RC_LINEMAP_BLOCK;
  map->ring = malloc(map->cap);
  map->ncps = blocks + 1;
  map->cps = calloc(map->ncps, sizeof *map->cps);
  if (map->ring == NULL || map->cps == NULL)
    goto fail;
  return map;
fail:
  rc_linemap_free(map);
  return NULL;
}

void rc_linemap_free(rc_linemap_t *map) {
  if (map == NULL)
    return;
  free(map->ring);
  free(map->cps);
  free(map);
}

void rc_linemap_reset(rc_linemap_t *map) {
  size_t i;
  map->total = 0;
  map->lines = 0;
  map->line_start = 0;
  for (i = 0; i < map->ncps; i++)
    map->cps[i].valid = 0;
  map->memo.valid = 0;
  for (i = 0; i < RC_LINEMAP_PINS; i++)
    map->pins[i].valid = 0;
  map->next_pin = 0;
}

static int linemap_find(rc_linemap_t *map, uint64_t offset, uint64_t *line,
                        uint64_t *column);

/* The next n bytes written to the ring overwrite the offsets before
 * total + n - cap: the pins there are located now, while their bytes are
 * still here. */
static void keep_pins(rc_linemap_t *map, size_t n) {
  unsigned i;
  for (i = 0; i < RC_LINEMAP_PINS; i++) {
    rc_pin_t *pin = &map->pins[i];
    if (pin->valid && !pin->located &&
        pin->offset + map->cap < map->total + n) {
      pin->located =
          linemap_find(map, pin->offset, &pin->line, &pin->column) == 0;
      pin->valid = pin->located;
    }
  }
}

void rc_linemap_feed(rc_linemap_t *map, const char *data, size_t len) {
  while (len > 0) {
    size_t in_block = (size_t)(map->total % RC_LINEMAP_BLOCK);
    size_t n = RC_LINEMAP_BLOCK - in_block;
    const char *p, *end;
    if (in_block == 0) {
      rc_checkpoint_t *cp =
          &map->cps[(size_t)((map->total / RC_LINEMAP_BLOCK) % map->ncps)];
      cp->offset = map->total;
      cp->lines = map->lines;
      cp->line_start = map->line_start;
      cp->valid = 1;
    }
    if (n > len)
      n = len;
    /* cap is a multiple of the block size: a piece never wraps. Data read
     * in place (rc_linemap_next) is already there. */
    if (data != map->ring + (size_t)(map->total % map->cap)) {
      keep_pins(map, n);
      memcpy(map->ring + (size_t)(map->total % map->cap), data, n);
    }
    /* Count the LFs, then find the last one: a call per line would cost
     * more than the parsing itself on short lines. */
    end = data + n;
    map->lines += respcheck__count_byte(data, 0, n, '\n');
    for (p = end; p > data && p[-1] != '\n'; p--)
      ;
    if (p > data)
      map->line_start = map->total + (uint64_t)(p - data);
    map->total += n;
    data += n;
    len -= n;
  }
}

char *rc_linemap_next(rc_linemap_t *map, size_t *room) {
  size_t pos = (size_t)(map->total % map->cap);
  *room = map->cap - pos;
  keep_pins(map, *room);
  return map->ring + pos;
}

int rc_linemap_locate(void *ctx, uint64_t offset, uint64_t *line,
                      uint64_t *column) {
  rc_linemap_t *map = ctx;
  unsigned i;
  if (offset == 0) {
    *line = 1;
    *column = 1;
    return 0;
  }
  if (offset <= map->total && offset >= map->line_start) {
    *line = map->lines + 1;
    *column = offset - map->line_start + 1;
    return 0;
  }
  for (i = 0; i < RC_LINEMAP_PINS; i++) {
    rc_pin_t *pin = &map->pins[i];
    if (pin->valid && pin->offset == offset) {
      if (!pin->located) {
        if (linemap_find(map, offset, &pin->line, &pin->column) != 0)
          return -1;
        pin->located = 1;
      }
      *line = pin->line;
      *column = pin->column;
      return 0;
    }
  }
  return linemap_find(map, offset, line, column);
}

/* Counts the lines up to offset from the checkpoint of its block (or the
 * last answer, when nearer), in the bytes the ring still holds. */
static int linemap_find(rc_linemap_t *map, uint64_t offset, uint64_t *line,
                        uint64_t *column) {
  uint64_t block, from, lines, line_start;
  const char *p, *end, *base;
  rc_checkpoint_t *cp;
  if (offset > map->total)
    return -1;
  block = offset - offset % RC_LINEMAP_BLOCK;
  if (map->total > map->cap && block < map->total - map->cap)
    return -1;
  cp = &map->cps[(size_t)((block / RC_LINEMAP_BLOCK) % map->ncps)];
  if (!cp->valid || cp->offset != block)
    return -1;
  from = cp->offset;
  lines = cp->lines;
  line_start = cp->line_start;
  if (map->memo.valid && map->memo.offset <= offset &&
      map->memo.offset >= block) {
    from = map->memo.offset;
    lines = map->memo.lines;
    line_start = map->memo.line_start;
  }
  base = map->ring + (size_t)(block % map->cap);
  p = base + (size_t)(from - block);
  end = base + (size_t)(offset - block);
  for (; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) {
    lines++;
    line_start = block + (uint64_t)(p - base) + 1;
  }
  map->memo.offset = offset;
  map->memo.lines = lines;
  map->memo.line_start = line_start;
  map->memo.valid = 1;
  *line = lines + 1;
  *column = offset - line_start + 1;
  return 0;
}

/* Lines are counted only when a finding asks, or before the pinned bytes
 * leave the ring (rc_linemap_next): most pins are never asked for. */
void rc_linemap_pin(rc_linemap_t *map, uint64_t offset) {
  rc_pin_t *pin = &map->pins[(map->next_pin - 1) % RC_LINEMAP_PINS];
  /* Pins come in stream order: a response's end is often the next one's
   * start. */
  if ((map->next_pin > 0 && pin->valid && pin->offset == offset) ||
      offset > map->total)
    return;
  pin = &map->pins[map->next_pin % RC_LINEMAP_PINS];
  map->next_pin++;
  pin->offset = offset;
  pin->valid = 1;
  pin->located = 0;
}
