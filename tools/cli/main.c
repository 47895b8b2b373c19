/* SPDX-License-Identifier: MIT */
/*
 * respcheck: lint captured HTTP/1.x responses. This file: the command
 * line and the run; inputs.c reads the paths and hands each input to the
 * reader of its kind (cli.h), output.c writes the findings.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "cli.h"
#include "config.h"
#include "options.h"

#define PROG "respcheck"
/* --max-connections at most. */
#define RC_MAX_CONNECTIONS ((uint64_t)1 << 24)

static const char usage_text[] =
    "Usage: respcheck [OPTIONS] PATH...\n"
    "Lint captured HTTP/1.x responses. Each PATH is a file, '-' for standard\n"
    "input, or a directory (walked recursively in sorted order). A file's\n"
    "kind is told by its content: a pcap or pcapng capture (every HTTP\n"
    "connection in it reassembled, each response paired with its request),\n"
    "or a raw stream, one connection's responses as the server sent them.\n"
    "\n"
    "Output:\n"
    "  -f, --format=text|json|sarif  text (default): PATH:LINE:COLUMN: "
    "SEVERITY:\n"
    "                                MESSAGE [RULE-ID] (REFERENCE); json: one "
    "JSON\n"
    "                                object per response; sarif: SARIF 2.1.0\n"
    "  -q, --quiet                   print errors only\n"
    "  -s, --summary                 counts per rule and per verdict at the "
    "end\n"
    "      --color=auto|always|never colour in text output (auto: stdout is a\n"
    "                                terminal and NO_COLOR is unset)\n"
    "      --show-source             under each finding, its line and a caret\n"
    "                                (default when stdout is a terminal)\n"
    "      --no-show-source          never\n"
    "      --no-progress             no progress on stderr for large inputs\n"
    "\n"
    "Request context (for every response of a raw stream):\n"
    "      --method=METHOD           request method (default GET; HEAD and\n"
    "                                CONNECT change the framing)\n"
    "      --request-version=1.0|1.1 request's HTTP version (default 1.1)\n"
    "\n"
    "Rules and limits:\n" RC_LIBRARY_OPT_HELP
    "      --max-connections=N       captures: connections open at once "
    "(4096)\n"
    "      --max-held-bytes=N        captures: bytes held per connection, out\n"
    "                                of order or waiting for their request\n"
    "                                (1048576)\n"
    "\n"
    "Inputs:\n"
    "      --include=GLOB            files taken from directories (default\n"
    "                                those of a known kind: '*.http', "
    "'*.pcap',\n"
    "                                '*.pcapng'; '*' for all); files named on\n"
    "                                the command line are always read\n"
    "      --read-size=N             bytes per read (default 65536)\n"
    "\n"
    "Configuration and baseline:\n"
    "      --config=FILE             settings from FILE (default: the first\n"
    "                                .respcheck.toml upward from the inputs,\n"
    "                                up to the project's root)\n"
    "      --no-config               no configuration file\n"
    "      --error-on=error|warning|info  the least severity that makes the\n"
    "                                exit status 1 (default error)\n"
    "      --baseline=FILE           leave out the findings FILE records\n"
    "      --write-baseline=FILE     record every finding in FILE (and report\n"
    "                                none)\n"
    "\n"
    "Information:\n"
    "      --list-rules              the rule catalogue, in the chosen format\n"
    "  -V, --version                 version and IANA registry date\n"
    "  -h, --help                    this help\n"
    "\n"
    "Exit status: 0 every response accepted, 1 a response rejected (or a\n"
    "finding at --error-on's severity), 2 usage or I/O error.\n";

enum opt_id {
  OPT_FORMAT,
  OPT_QUIET,
  OPT_SUMMARY,
  OPT_COLOR,
  OPT_SHOW_SOURCE,
  OPT_NO_SHOW_SOURCE,
  OPT_NO_PROGRESS,
  OPT_METHOD,
  OPT_REQUEST_VERSION,
  OPT_INCLUDE,
  OPT_READ_SIZE,
  OPT_MAX_CONNECTIONS,
  OPT_MAX_HELD_BYTES,
  OPT_CONFIG,
  OPT_NO_CONFIG,
  OPT_ERROR_ON,
  OPT_BASELINE,
  OPT_WRITE_BASELINE,
  OPT_LIST_RULES,
  OPT_VERSION,
  OPT_HELP
};

static const rc_opt_def_t opt_defs[] = {
    {"format", 'f', 1, OPT_FORMAT},
    {"quiet", 'q', 0, OPT_QUIET},
    {"summary", 's', 0, OPT_SUMMARY},
    {"color", 0, 1, OPT_COLOR},
    {"colour", 0, 1, OPT_COLOR},
    {"show-source", 0, 0, OPT_SHOW_SOURCE},
    {"no-show-source", 0, 0, OPT_NO_SHOW_SOURCE},
    {"no-progress", 0, 0, OPT_NO_PROGRESS},
    {"method", 0, 1, OPT_METHOD},
    {"request-version", 0, 1, OPT_REQUEST_VERSION},
    {"include", 0, 1, OPT_INCLUDE},
    {"read-size", 0, 1, OPT_READ_SIZE},
    {"max-connections", 0, 1, OPT_MAX_CONNECTIONS},
    {"max-held-bytes", 0, 1, OPT_MAX_HELD_BYTES},
    {"config", 0, 1, OPT_CONFIG},
    {"no-config", 0, 0, OPT_NO_CONFIG},
    {"error-on", 0, 1, OPT_ERROR_ON},
    {"baseline", 0, 1, OPT_BASELINE},
    {"write-baseline", 0, 1, OPT_WRITE_BASELINE},
    {"list-rules", 0, 0, OPT_LIST_RULES},
    {"version", 'V', 0, OPT_VERSION},
    {"help", 'h', 0, OPT_HELP},
};

/* An option whose value is applied after the configuration file, so that
 * the command line wins over it whatever their order: --rule and the
 * limits. It is checked when it is read (on a scratch copy). */
typedef struct deferred {
  int id;
  const char *value; /* argv's */
} deferred_t;

typedef struct args {
  rc_cli_t *app;
  int color_mode; /* 0 auto, 1 always, 2 never */
  int list_rules;
  int progress;       /* 0 never, 1 on a terminal */
  int show_source;    /* -1 when stdout is a terminal, 0 never, 1 always */
  const char *config; /* --config */
  int no_config;
  int error_on; /* --error-on (a severity); 0 when not given */
  const char *baseline, *write_baseline;
  deferred_t *deferred;
  size_t ndeferred, deferred_cap;
  rc_cli_t scratch; /* where deferred options are checked */
} args_t;

static int is_tchar(unsigned char c) {
  /* RFC 9110 5.6.2 */
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

static void set_method(rc_cli_t *app, const char *value) {
  const char *p;
  respcheck_method_t m;
  if (*value == '\0')
    rc_usage_error(PROG, "--method needs a value", "", "");
  for (p = value; *p; p++)
    if (!is_tchar((unsigned char)*p))
      rc_usage_error(PROG, "--method: '", value, "' is not a method token");
  m = respcheck_method_from_name(value, strlen(value));
  if (m == RESPCHECK_METHOD_UNKNOWN)
    fprintf(stderr,
            "respcheck: note: method '%s' has no special framing; responses "
            "are read as answers to GET\n",
            value); /* a token: printable ASCII only */
  app->opts.default_request.method = m;
  app->request.method = value;
}

static void set_request_version(rc_cli_t *app, const char *value) {
  if (strcmp(value, "1.0") == 0)
    app->opts.default_request.version_minor = 0;
  else if (strcmp(value, "1.1") == 0)
    app->opts.default_request.version_minor = 1;
  else
    rc_usage_error(PROG, "--request-version: '", value, "' is not 1.0 or 1.1");
  app->opts.default_request.version_major = 1;
  app->request.version_major = 1;
  app->request.version_minor = app->opts.default_request.version_minor;
}

static void set_format(rc_cli_t *app, const char *value) {
  if (strcmp(value, "text") == 0)
    app->config.format = RC_FORMAT_TEXT;
  else if (strcmp(value, "json") == 0)
    app->config.format = RC_FORMAT_JSON;
  else if (strcmp(value, "sarif") == 0)
    app->config.format = RC_FORMAT_SARIF;
  else
    rc_usage_error(PROG, "--format: '", value, "' is not text, json or sarif");
}

static void set_color(args_t *a, const char *value) {
  if (strcmp(value, "auto") == 0)
    a->color_mode = 0;
  else if (strcmp(value, "always") == 0)
    a->color_mode = 1;
  else if (strcmp(value, "never") == 0)
    a->color_mode = 2;
  else
    rc_usage_error(PROG, "--color: '", value, "' is not auto, always or never");
}

/* Sets a rule's severity (rc_rule_setter_fn; ctx: the rc_cli_t): one of
 * the library's, or a capture rule (capture.h). */
static int set_rule(void *ctx, const char *id, size_t len, int sev) {
  rc_cli_t *app = ctx;
  int rule = respcheck_rule_from_id(id, len);
  if (rule >= 0)
    return respcheck_options_set_severity(&app->opts, (respcheck_rule_t)rule,
                                          (respcheck_severity_t)sev) ==
                   RESPCHECK_E_OK
               ? 0
               : -1;
  rule = respcheck_capture_rule_from_id(id, len);
  if (rule >= 0)
    return respcheck_capture_options_set_severity(
               &app->copts, rule, (respcheck_severity_t)sev) == RESPCHECK_E_OK
               ? 0
               : -1;
  return -1;
}

/* The options applied after the configuration file (deferred_t). */
static void set_deferred(rc_cli_t *app, int id, const char *value) {
  if (id == RC_OPT_RULE) {
    rc_rule_list(PROG, value, set_rule, app);
    return;
  }
  if (rc_library_option(PROG, &app->opts, id, value))
    return;
  switch (id) {
  case OPT_MAX_CONNECTIONS:
    app->copts.max_connections = (size_t)rc_parse_number(
        PROG, "--max-connections", value, RC_MAX_CONNECTIONS);
    break;
  case OPT_MAX_HELD_BYTES:
    app->copts.max_held_bytes = (size_t)rc_parse_number(
        PROG, "--max-held-bytes", value, RC_MAX_LIMIT_BYTES);
    if (app->copts.max_held_bytes < 65536)
      rc_usage_error(PROG, "--max-held-bytes: '", value,
                     "' is below 65536 (a segment must fit)");
    if (app->copts.max_held_total < app->copts.max_held_bytes)
      app->copts.max_held_total = app->copts.max_held_bytes;
    break;
  default:
    break;
  }
}

static int is_deferred(int id) {
  return id == RC_OPT_RULE || id == RC_OPT_MAX_HEADER_BYTES ||
         id == RC_OPT_MAX_HEADERS || id == RC_OPT_MAX_LINE_LENGTH ||
         id == RC_OPT_MAX_REASON_LENGTH || id == RC_OPT_MAX_CHUNK_EXTENSION ||
         id == OPT_MAX_CONNECTIONS || id == OPT_MAX_HELD_BYTES;
}

static void defer(args_t *a, int id, const char *value) {
  set_deferred(&a->scratch, id, value); /* a bad value stops here */
  if (a->ndeferred == a->deferred_cap) {
    size_t cap = a->deferred_cap ? a->deferred_cap * 2 : 8;
    deferred_t *nd = realloc(a->deferred, cap * sizeof *nd);
    if (nd == NULL) {
      fprintf(stderr, "respcheck: out of memory\n");
      exit(2);
    }
    a->deferred = nd;
    a->deferred_cap = cap;
  }
  a->deferred[a->ndeferred].id = id;
  a->deferred[a->ndeferred].value = value;
  a->ndeferred++;
}

static int parse_error_on(const char *value) {
  int sev = respcheck_severity_from_name(value);
  if (sev <= 0)
    rc_usage_error(PROG, "--error-on: '", value,
                   "' is not error, warning or info");
  return sev;
}

static void apply_option(void *ctx, int id, const char *value) {
  args_t *a = ctx;
  rc_cli_t *app = a->app;
  if (is_deferred(id)) {
    defer(a, id, value);
    return;
  }
  switch ((enum opt_id)id) {
  case OPT_FORMAT:
    set_format(app, value);
    break;
  case OPT_QUIET:
    app->config.quiet = 1;
    break;
  case OPT_SUMMARY:
    app->config.summary = 1;
    break;
  case OPT_COLOR:
    set_color(a, value);
    break;
  case OPT_SHOW_SOURCE:
    a->show_source = 1;
    break;
  case OPT_NO_SHOW_SOURCE:
    a->show_source = 0;
    break;
  case OPT_NO_PROGRESS:
    a->progress = 0;
    break;
  case OPT_METHOD:
    set_method(app, value);
    break;
  case OPT_REQUEST_VERSION:
    set_request_version(app, value);
    break;
  case OPT_INCLUDE:
    if (*value == '\0')
      rc_usage_error(PROG, "--include needs a pattern", "", "");
    app->include = value;
    break;
  case OPT_READ_SIZE:
    app->read_size =
        (size_t)rc_parse_number(PROG, "--read-size", value, RC_READ_SIZE_MAX);
    break;
  case OPT_MAX_CONNECTIONS:
  case OPT_MAX_HELD_BYTES:
    break; /* deferred */
  case OPT_CONFIG:
    if (*value == '\0')
      rc_usage_error(PROG, "--config needs a file", "", "");
    a->config = value;
    a->no_config = 0;
    break;
  case OPT_NO_CONFIG:
    a->no_config = 1;
    a->config = NULL;
    break;
  case OPT_ERROR_ON:
    a->error_on = parse_error_on(value);
    break;
  case OPT_BASELINE:
    if (*value == '\0')
      rc_usage_error(PROG, "--baseline needs a file", "", "");
    a->baseline = value;
    break;
  case OPT_WRITE_BASELINE:
    if (*value == '\0')
      rc_usage_error(PROG, "--write-baseline needs a file", "", "");
    a->write_baseline = value;
    break;
  case OPT_LIST_RULES:
    a->list_rules = 1;
    break;
  case OPT_VERSION:
    printf("respcheck %s\nIANA HTTP Status Code Registry: %s\n",
           respcheck_version(), respcheck_registry_date());
    exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2);
  case OPT_HELP:
    fputs(usage_text, stdout);
    exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2);
  }
}

/* "respcheck: WHAT" (escaped), exit 2: a configuration or baseline file
 * that cannot be used. */
static _Noreturn void file_error(const char *what) {
  fputs("respcheck: ", stderr);
  rc_text_escaped(stderr, what, strlen(what));
  fputc('\n', stderr);
  exit(2);
}

/* The configuration file's settings, then the command line's over them.
 * Returns --error-on's severity in force. */
static int configure(args_t *a, char **inputs, int ninputs) {
  static const rc_config_limit_t limits[] = {
      {"max-header-bytes", 1, RC_MAX_LIMIT_BYTES, RC_OPT_MAX_HEADER_BYTES},
      {"max-headers", 1, RC_MAX_LIMIT_HEADERS, RC_OPT_MAX_HEADERS},
      {"max-line-length", 1, RC_MAX_LIMIT_BYTES, RC_OPT_MAX_LINE_LENGTH},
      {"max-reason-length", 1, RC_MAX_LIMIT_BYTES, RC_OPT_MAX_REASON_LENGTH},
      {"max-chunk-extension", 1, RC_MAX_LIMIT_BYTES,
       RC_OPT_MAX_CHUNK_EXTENSION},
      {"max-connections", 1, RC_MAX_CONNECTIONS, OPT_MAX_CONNECTIONS},
      {"max-held-bytes", 65536, RC_MAX_LIMIT_BYTES, OPT_MAX_HELD_BYTES},
  };
  rc_cli_t *app = a->app;
  rc_config_t cfg;
  char err[RC_CONFIG_ERR];
  char *found = NULL;
  const char *path = a->config;
  int error_on = RESPCHECK_SEVERITY_ERROR;
  size_t i;
  if (path == NULL && !a->no_config) {
    int r =
        rc_config_find((const char *const *)inputs, (size_t)ninputs, &found);
    if (r < 0)
      file_error("out of memory");
    path = found;
  }
  if (path != NULL) {
    if (rc_config_load(path, limits, sizeof limits / sizeof limits[0], &cfg,
                       err, sizeof err) != 0)
      file_error(err);
    for (i = 0; i < cfg.n; i++) {
      const rc_config_item_t *it = &cfg.items[i];
      char num[24];
      switch (it->kind) {
      case RC_CONFIG_RULE:
        if (set_rule(app, it->key, strlen(it->key), it->severity) != 0) {
          snprintf(err, sizeof err,
                   "%s:%u: unknown rule '%s' (see 'respcheck --list-rules')",
                   cfg.path, it->line, it->key);
          rc_config_free(&cfg);
          file_error(err);
        }
        break;
      case RC_CONFIG_LIMIT:
        snprintf(num, sizeof num, "%llu", (unsigned long long)it->number);
        set_deferred(app, it->id, num);
        break;
      case RC_CONFIG_ERROR_ON:
        error_on = it->severity;
        break;
      }
    }
    rc_config_free(&cfg);
  }
  free(found);
  for (i = 0; i < a->ndeferred; i++)
    set_deferred(app, a->deferred[i].id, a->deferred[i].value);
  free(a->deferred);
  a->deferred = NULL;
  return a->error_on != 0 ? a->error_on : error_on;
}

int main(int argc, char **argv) {
  rc_cli_t app;
  args_t args;
  rc_out_rule_t capture_rules[RESPCHECK_CAPTURE_RULE_COUNT];
  rc_baseline_t *baseline = NULL;
  rc_out_stats_t st;
  int error_on, rejected;
  rc_cmdline_t cl = {PROG, opt_defs,     sizeof opt_defs / sizeof opt_defs[0],
                     1,    apply_option, NULL};
  const char *no_color;
  int nops, i, status;

  memset(&app, 0, sizeof app);
  memset(&args, 0, sizeof args);
  respcheck_options_init(&app.opts);
  respcheck_capture_options_init(&app.copts);
  app.config.format = RC_FORMAT_TEXT;
  app.read_size = RC_READ_SIZE;
  app.request.method = "GET";
  app.request.version_major = 1;
  app.request.version_minor = 1;
  args.app = &app;
  args.progress = 1;
  args.show_source = -1;
  args.scratch = app;
  cl.ctx = &args;

  nops = rc_parse_args(&cl, argc, argv);
  error_on = configure(&args, argv, nops);
  app.config.severity = app.opts.severity;
  /* The capture rules follow the library's in the catalogue. */
  for (i = 0; i < RESPCHECK_CAPTURE_RULE_COUNT; i++) {
    int r = RESPCHECK_CAPTURE_RULE_BASE + i;
    capture_rules[i].id = respcheck_capture_rule_id(r);
    capture_rules[i].reference = respcheck_capture_rule_reference(r);
    capture_rules[i].summary = respcheck_capture_rule_summary(r);
    capture_rules[i].default_severity =
        (int)respcheck_capture_rule_default_severity(r);
    capture_rules[i].severity = app.copts.severity[i];
  }
  app.config.extra_rules = capture_rules;
  app.config.nextra_rules = RESPCHECK_CAPTURE_RULE_COUNT;
  no_color = getenv("NO_COLOR");
  app.config.color =
      app.config.format == RC_FORMAT_TEXT &&
      (args.color_mode == 1 || (args.color_mode == 0 && isatty(STDOUT_FILENO) &&
                                (no_color == NULL || no_color[0] == '\0')));

  /* The caret is for a reader at a terminal, as gcc and rustc show it. */
  app.config.show_source = app.config.format == RC_FORMAT_TEXT &&
                           (args.show_source == 1 ||
                            (args.show_source == -1 && isatty(STDOUT_FILENO)));

  if (args.list_rules) {
    if (rc_out_list_rules(stdout, &app.config) != 0) {
      fprintf(stderr, "respcheck: cannot write the output\n");
      return 2;
    }
    return 0;
  }
  if (nops == 0)
    rc_usage_error(PROG, "no input: give files, directories or '-'", "", "");
  if (respcheck_parser_size(&app.opts) == 0) {
    fprintf(stderr, "respcheck: the limits are invalid (too large)\n");
    return 2;
  }

  if (args.baseline != NULL || args.write_baseline != NULL) {
    char err[RC_BASELINE_ERR];
    baseline = rc_baseline_new();
    if (baseline == NULL)
      file_error("out of memory");
    if (args.baseline != NULL &&
        rc_baseline_read(baseline, args.baseline, err, sizeof err) != 0) {
      rc_baseline_free(baseline);
      file_error(err);
    }
    if (args.write_baseline != NULL)
      rc_baseline_record(baseline);
    app.config.filter = rc_baseline_filter;
    app.config.filter_ctx = baseline;
    app.config.baseline_state =
        args.baseline != NULL && args.write_baseline == NULL;
  }

  app.out = rc_out_new(stdout, &app.config);
  if (app.out == NULL) {
    fprintf(stderr, "respcheck: out of memory\n");
    return 2;
  }
  app.progress_tty = args.progress && isatty(STDERR_FILENO);
  app.stdout_tty = isatty(STDOUT_FILENO);

  for (i = 0; i < nops; i++)
    rc_lint_path(&app, argv[i]);

  /* Rejected: a response has an error finding; with a baseline, one that
   * is not left out. --error-on=warning (info) adds any finding of that
   * severity reported. */
  rc_out_get_stats(app.out, &st);
  rejected = baseline != NULL ? st.rejecting > 0 : app.any_reject;
  if (error_on <= RESPCHECK_SEVERITY_WARNING && st.errors + st.warnings > 0)
    rejected = 1;
  if (error_on <= RESPCHECK_SEVERITY_INFO && st.infos > 0)
    rejected = 1;
  status = app.io_error ? 2 : rejected ? 1 : 0;
  if (rc_out_finish(app.out) != 0) {
    fprintf(stderr, "respcheck: cannot write the output (or out of memory)\n");
    status = 2;
  }
  if (args.write_baseline != NULL) {
    char err[RC_BASELINE_ERR];
    int64_t n =
        rc_baseline_write(baseline, args.write_baseline, err, sizeof err);
    if (n < 0) {
      fputs("respcheck: ", stderr);
      rc_text_escaped(stderr, err, strlen(err));
      fputc('\n', stderr);
      status = 2;
    } else {
      fputs("respcheck: ", stderr);
      rc_text_escaped(stderr, args.write_baseline, strlen(args.write_baseline));
      fprintf(stderr, ": %lld finding%s written\n", (long long)n,
              n == 1 ? "" : "s");
    }
  }
  rc_baseline_free(baseline);
  rc_out_free(app.out);
  rc_linemap_free(app.linemap);
  respcheck_parser_free(app.parser);
  return status;
}
