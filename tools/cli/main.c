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

#include "cli.h"
#include "options.h"

#define PROG "respcheck"

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
    "Information:\n"
    "      --list-rules              the rule catalogue, in the chosen format\n"
    "  -V, --version                 version and IANA registry date\n"
    "  -h, --help                    this help\n"
    "\n"
    "Exit status: 0 every response accepted, 1 a response rejected, 2 usage "
    "or\n"
    "I/O error.\n";

enum opt_id {
  OPT_FORMAT,
  OPT_QUIET,
  OPT_SUMMARY,
  OPT_COLOR,
  OPT_NO_PROGRESS,
  OPT_METHOD,
  OPT_REQUEST_VERSION,
  OPT_INCLUDE,
  OPT_READ_SIZE,
  OPT_MAX_CONNECTIONS,
  OPT_MAX_HELD_BYTES,
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
    {"no-progress", 0, 0, OPT_NO_PROGRESS},
    {"method", 0, 1, OPT_METHOD},
    {"request-version", 0, 1, OPT_REQUEST_VERSION},
    {"include", 0, 1, OPT_INCLUDE},
    {"read-size", 0, 1, OPT_READ_SIZE},
    {"max-connections", 0, 1, OPT_MAX_CONNECTIONS},
    {"max-held-bytes", 0, 1, OPT_MAX_HELD_BYTES},
    {"list-rules", 0, 0, OPT_LIST_RULES},
    {"version", 'V', 0, OPT_VERSION},
    {"help", 'h', 0, OPT_HELP},
};

typedef struct args {
  rc_cli_t *app;
  int color_mode; /* 0 auto, 1 always, 2 never */
  int list_rules;
  int progress; /* 0 never, 1 on a terminal */
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

/* --rule=capture-...=SEVERITY: a capture rule (capture.h); 0 when the id
 * is another (the library's options read it). */
static int set_capture_rule(rc_cli_t *app, const char *value) {
  const char *eq = strrchr(value, '=');
  int rule, sev;
  if (eq == NULL)
    return 0;
  rule = respcheck_capture_rule_from_id(value, (size_t)(eq - value));
  if (rule < 0)
    return 0;
  sev = respcheck_severity_from_name(eq + 1);
  if (sev < 0)
    rc_usage_error(PROG, "--rule: severity '", eq + 1,
                   "' is not off, info, warning or error");
  (void)respcheck_capture_options_set_severity(&app->copts, rule,
                                               (respcheck_severity_t)sev);
  return 1;
}

static void apply_option(void *ctx, int id, const char *value) {
  args_t *a = ctx;
  rc_cli_t *app = a->app;
  if (id == RC_OPT_RULE && set_capture_rule(app, value))
    return;
  if (rc_library_option(PROG, &app->opts, id, value))
    return;
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
    app->copts.max_connections = (size_t)rc_parse_number(
        PROG, "--max-connections", value, (uint64_t)1 << 24);
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

int main(int argc, char **argv) {
  rc_cli_t app;
  args_t args;
  rc_out_rule_t capture_rules[RESPCHECK_CAPTURE_RULE_COUNT];
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
  cl.ctx = &args;

  nops = rc_parse_args(&cl, argc, argv);
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

  app.out = rc_out_new(stdout, &app.config);
  if (app.out == NULL) {
    fprintf(stderr, "respcheck: out of memory\n");
    return 2;
  }
  app.progress_tty = args.progress && isatty(STDERR_FILENO);
  app.stdout_tty = isatty(STDOUT_FILENO);

  for (i = 0; i < nops; i++)
    rc_lint_path(&app, argv[i]);

  status = app.io_error ? 2 : app.any_reject ? 1 : 0;
  if (rc_out_finish(app.out) != 0) {
    fprintf(stderr, "respcheck: cannot write the output (or out of memory)\n");
    status = 2;
  }
  rc_out_free(app.out);
  rc_linemap_free(app.linemap);
  respcheck_parser_free(app.parser);
  return status;
}
