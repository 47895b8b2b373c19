/*
 * respcheck: lint captured HTTP/1.x response streams.
 *
 * Each input file is one connection's response stream. It is read in
 * fixed-size chunks fed to the library one by one, so memory stays flat
 * whatever the file's size; a line map (output.h) keeps enough of the
 * recent bytes to turn each finding's offset into LINE:COLUMN.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "respcheck.h"

#define RC_READ_SIZE (64u * 1024u)
#define RC_MAX_DEPTH 128
/* Progress shows once a file has taken this long, then at this interval. */
#define RC_PROGRESS_DELAY_NS 1000000000LL
#define RC_PROGRESS_EVERY_NS 250000000LL

typedef struct app {
  /* Options. */
  rc_out_config_t config;
  respcheck_options_t opts;
  int color_mode; /* 0 auto, 1 always, 2 never */
  int list_rules;
  int progress; /* 0 never, 1 auto */
  const char *include;
  size_t read_size;

  /* Run state. */
  respcheck_parser_t *parser;
  rc_out_t *out;
  rc_linemap_t *linemap;
  int io_error;
  int any_reject;

  /* Progress on stderr. */
  int progress_tty;
  int stdout_tty; /* progress is cleared before output to the same screen */
  int progress_shown;
  const char *progress_path;
  uint64_t progress_size; /* 0 when unknown */
  int64_t progress_start, progress_last;
} app_t;

static const char usage_text[] =
    "Usage: respcheck [OPTIONS] PATH...\n"
    "Lint captured HTTP/1.x response streams: each PATH is a file holding one\n"
    "connection's responses, '-' for standard input, or a directory (walked\n"
    "recursively in sorted order; files matching --include).\n"
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
    "Request context (for every response in the input):\n"
    "      --method=METHOD           request method (default GET; HEAD and\n"
    "                                CONNECT change the framing)\n"
    "      --request-version=1.0|1.1 request's HTTP version (default 1.1)\n"
    "\n"
    "Rules and limits:\n"
    "      --rule=ID=off|info|warning|error  set a rule's severity "
    "(repeatable)\n"
    "      --max-header-bytes=N      status line + header section (65536)\n"
    "      --max-headers=N           field lines in a section (128)\n"
    "      --max-line-length=N       one status or field line (8192)\n"
    "      --max-reason-length=N     reason phrase (512)\n"
    "      --max-chunk-extension=N   extensions of one chunk (4096)\n"
    "\n"
    "Inputs:\n"
    "      --include=GLOB            files taken from directories (default\n"
    "                                '*.http'; '*' for all); files named on "
    "the\n"
    "                                command line are always read\n"
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

/* Prints "respcheck: BEFORE ARG AFTER" (ARG escaped) and exits with 2. */
static void usage_error(const char *before, const char *arg,
                        const char *after) {
  fputs("respcheck: ", stderr);
  fputs(before, stderr);
  rc_text_escaped(stderr, arg, strlen(arg));
  fputs(after, stderr);
  fputs("\nTry 'respcheck --help' for more information.\n", stderr);
  exit(2);
}

/* "respcheck: NAME: 'VALUE' WHY", exit 2. */
static void value_error(const char *name, const char *value, const char *why) {
  fputs("respcheck: ", stderr);
  fputs(name, stderr);
  fputs(": '", stderr);
  rc_text_escaped(stderr, value, strlen(value));
  fputs(why, stderr);
  fputs("\nTry 'respcheck --help' for more information.\n", stderr);
  exit(2);
}

/* ------------------------------------------------------------------------ */
/* Option values. */

static size_t parse_size(const char *name, const char *value) {
  size_t v = 0;
  const char *p = value;
  if (*p == '\0')
    value_error(name, value, "' is empty; a number is needed");
  for (; *p; p++) {
    unsigned d;
    if (*p < '0' || *p > '9')
      value_error(name, value, "' is not a positive decimal number");
    d = (unsigned)(*p - '0');
    if (v > (SIZE_MAX - d) / 10)
      value_error(name, value, "' is too large");
    v = v * 10 + d;
  }
  if (v == 0)
    value_error(name, value, "' is zero; it must be at least 1");
  return v;
}

static int is_tchar(unsigned char c) {
  /* RFC 9110 5.6.2 */
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

static void set_method(app_t *app, const char *value) {
  const char *p;
  respcheck_method_t m;
  if (*value == '\0')
    usage_error("--method needs a value", "", "");
  for (p = value; *p; p++)
    if (!is_tchar((unsigned char)*p))
      usage_error("--method: '", value, "' is not a method token");
  m = respcheck_method_from_name(value, strlen(value));
  if (m == RESPCHECK_METHOD_UNKNOWN)
    fprintf(stderr,
            "respcheck: note: method '%s' has no special framing; responses "
            "are read as answers to GET\n",
            value); /* a token: printable ASCII only */
  app->opts.default_request.method = m;
}

static void set_request_version(app_t *app, const char *value) {
  if (strcmp(value, "1.0") == 0) {
    app->opts.default_request.version_major = 1;
    app->opts.default_request.version_minor = 0;
  } else if (strcmp(value, "1.1") == 0) {
    app->opts.default_request.version_major = 1;
    app->opts.default_request.version_minor = 1;
  } else {
    usage_error("--request-version: '", value, "' is not 1.0 or 1.1");
  }
}

static void set_rule(app_t *app, const char *value) {
  const char *eq = strrchr(value, '=');
  int rule, sev;
  if (eq == NULL || eq == value)
    usage_error("--rule: '", value, "' is not ID=off|info|warning|error");
  rule = respcheck_rule_from_id(value, (size_t)(eq - value));
  if (rule < 0) {
    fputs("respcheck: --rule: unknown rule '", stderr);
    rc_text_escaped(stderr, value, (size_t)(eq - value));
    fputs("' (see --list-rules)\nTry 'respcheck --help' for more "
          "information.\n",
          stderr);
    exit(2);
  }
  sev = respcheck_severity_from_name(eq + 1);
  if (sev < 0)
    usage_error("--rule: severity '", eq + 1,
                "' is not off, info, warning or error");
  if (respcheck_options_set_severity(&app->opts, (respcheck_rule_t)rule,
                                     (respcheck_severity_t)sev) !=
      RESPCHECK_E_OK)
    usage_error("--rule: cannot set '", value, "'");
}

static void set_format(app_t *app, const char *value) {
  if (strcmp(value, "text") == 0)
    app->config.format = RC_FORMAT_TEXT;
  else if (strcmp(value, "json") == 0)
    app->config.format = RC_FORMAT_JSON;
  else if (strcmp(value, "sarif") == 0)
    app->config.format = RC_FORMAT_SARIF;
  else
    usage_error("--format: '", value, "' is not text, json or sarif");
}

static void set_color(app_t *app, const char *value) {
  if (strcmp(value, "auto") == 0)
    app->color_mode = 0;
  else if (strcmp(value, "always") == 0)
    app->color_mode = 1;
  else if (strcmp(value, "never") == 0)
    app->color_mode = 2;
  else
    usage_error("--color: '", value, "' is not auto, always or never");
}

enum opt_id {
  OPT_FORMAT,
  OPT_QUIET,
  OPT_SUMMARY,
  OPT_COLOR,
  OPT_NO_PROGRESS,
  OPT_METHOD,
  OPT_REQUEST_VERSION,
  OPT_RULE,
  OPT_MAX_HEADER_BYTES,
  OPT_MAX_HEADERS,
  OPT_MAX_LINE_LENGTH,
  OPT_MAX_REASON_LENGTH,
  OPT_MAX_CHUNK_EXTENSION,
  OPT_INCLUDE,
  OPT_READ_SIZE,
  OPT_LIST_RULES,
  OPT_VERSION,
  OPT_HELP
};

typedef struct opt_def {
  const char *name; /* without "--" */
  char short_name;
  int has_value;
  enum opt_id id;
} opt_def_t;

static const opt_def_t opt_defs[] = {
    {"format", 'f', 1, OPT_FORMAT},
    {"quiet", 'q', 0, OPT_QUIET},
    {"summary", 's', 0, OPT_SUMMARY},
    {"color", 0, 1, OPT_COLOR},
    {"colour", 0, 1, OPT_COLOR},
    {"no-progress", 0, 0, OPT_NO_PROGRESS},
    {"method", 0, 1, OPT_METHOD},
    {"request-version", 0, 1, OPT_REQUEST_VERSION},
    {"rule", 0, 1, OPT_RULE},
    {"max-header-bytes", 0, 1, OPT_MAX_HEADER_BYTES},
    {"max-headers", 0, 1, OPT_MAX_HEADERS},
    {"max-line-length", 0, 1, OPT_MAX_LINE_LENGTH},
    {"max-reason-length", 0, 1, OPT_MAX_REASON_LENGTH},
    {"max-chunk-extension", 0, 1, OPT_MAX_CHUNK_EXTENSION},
    {"include", 0, 1, OPT_INCLUDE},
    {"read-size", 0, 1, OPT_READ_SIZE},
    {"list-rules", 0, 0, OPT_LIST_RULES},
    {"version", 'V', 0, OPT_VERSION},
    {"help", 'h', 0, OPT_HELP},
};

static void apply_option(app_t *app, enum opt_id id, const char *value) {
  switch (id) {
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
    set_color(app, value);
    break;
  case OPT_NO_PROGRESS:
    app->progress = 0;
    break;
  case OPT_METHOD:
    set_method(app, value);
    break;
  case OPT_REQUEST_VERSION:
    set_request_version(app, value);
    break;
  case OPT_RULE:
    set_rule(app, value);
    break;
  case OPT_MAX_HEADER_BYTES:
    app->opts.max_header_bytes = parse_size("--max-header-bytes", value);
    break;
  case OPT_MAX_HEADERS:
    app->opts.max_headers = parse_size("--max-headers", value);
    break;
  case OPT_MAX_LINE_LENGTH:
    app->opts.max_line_length = parse_size("--max-line-length", value);
    break;
  case OPT_MAX_REASON_LENGTH:
    app->opts.max_reason_length = parse_size("--max-reason-length", value);
    break;
  case OPT_MAX_CHUNK_EXTENSION:
    app->opts.max_chunk_extension = parse_size("--max-chunk-extension", value);
    break;
  case OPT_INCLUDE:
    if (*value == '\0')
      usage_error("--include needs a pattern", "", "");
    app->include = value;
    break;
  case OPT_READ_SIZE:
    app->read_size = parse_size("--read-size", value);
    if (app->read_size > (64u << 20))
      usage_error("--read-size: '", value, "' is above 64 MiB");
    break;
  case OPT_LIST_RULES:
    app->list_rules = 1;
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

/* Parses argv in place: options are applied, operands are moved to the
 * front. Returns the number of operands. Options and operands may mix;
 * "--" ends the options. */
static int parse_args(app_t *app, int argc, char **argv) {
  int i, nops = 0, only_operands = 0;
  size_t k, ndefs = sizeof opt_defs / sizeof opt_defs[0];
  for (i = 1; i < argc; i++) {
    char *arg = argv[i];
    const opt_def_t *def = NULL;
    const char *value = NULL;
    if (only_operands || arg[0] != '-' || arg[1] == '\0') {
      argv[nops++] = arg;
      continue;
    }
    if (strcmp(arg, "--") == 0) {
      only_operands = 1;
      continue;
    }
    if (arg[1] == '-') {
      const char *name = arg + 2, *eq = strchr(name, '=');
      size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
      for (k = 0; k < ndefs; k++)
        if (strlen(opt_defs[k].name) == len &&
            strncmp(opt_defs[k].name, name, len) == 0)
          def = &opt_defs[k];
      if (def == NULL)
        usage_error("unknown option '", arg, "'");
      if (eq != NULL) {
        if (!def->has_value)
          usage_error("option '", arg, "' takes no value");
        value = eq + 1;
      } else if (def->has_value) {
        if (i + 1 >= argc)
          usage_error("option '", arg, "' needs a value");
        value = argv[++i];
      }
      apply_option(app, def->id, value);
      continue;
    }
    /* Short options: flags may be grouped ("-qs"); -f takes a value, glued
     * ("-fjson") or as the next argument. */
    for (k = 1; arg[k] != '\0'; k++) {
      size_t d;
      char one[3] = {'-', arg[k], '\0'};
      def = NULL;
      for (d = 0; d < ndefs; d++)
        if (opt_defs[d].short_name != 0 && opt_defs[d].short_name == arg[k])
          def = &opt_defs[d];
      if (def == NULL)
        usage_error("unknown option '", one, "'");
      if (!def->has_value) {
        apply_option(app, def->id, NULL);
        continue;
      }
      if (arg[k + 1] != '\0') {
        value = arg + k + 1;
      } else {
        if (i + 1 >= argc)
          usage_error("option '", one, "' needs a value");
        value = argv[++i];
      }
      apply_option(app, def->id, value);
      break;
    }
  }
  return nops;
}

/* ------------------------------------------------------------------------ */
/* Progress on stderr (a terminal only). */

static int64_t now_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
    return 0;
  return (int64_t)ts.tv_sec * 1000000000LL + (int64_t)ts.tv_nsec;
}

static void progress_clear(app_t *app) {
  if (app->progress_shown) {
    fputs("\r\033[K", stderr);
    app->progress_shown = 0;
  }
}

static void progress_update(app_t *app, uint64_t done) {
  int64_t t = now_ns();
  double secs, mib = (double)done / (1024.0 * 1024.0);
  if (t - app->progress_start < RC_PROGRESS_DELAY_NS ||
      t - app->progress_last < RC_PROGRESS_EVERY_NS)
    return;
  app->progress_last = t;
  secs = (double)(t - app->progress_start) / 1e9;
  fputs("\rrespcheck: ", stderr);
  rc_text_escaped(stderr, app->progress_path, strlen(app->progress_path));
  fprintf(stderr, ": %.1f MiB", mib);
  if (app->progress_size > 0)
    fprintf(stderr, " of %.1f MiB (%.0f%%)",
            (double)app->progress_size / (1024.0 * 1024.0),
            100.0 * (double)done / (double)app->progress_size);
  fprintf(stderr, ", %.1f MiB/s\033[K", secs > 0 ? mib / secs : 0.0);
  fflush(stderr);
  app->progress_shown = 1;
}

/* ------------------------------------------------------------------------ */
/* Parser callbacks. */

static void on_finding(void *user, const respcheck_finding_t *f) {
  app_t *app = user;
  if (app->stdout_tty)
    progress_clear(app);
  if (f->severity == RESPCHECK_SEVERITY_ERROR)
    app->any_reject = 1;
  rc_out_finding(app->out, f);
}

static int on_head(void *user, const respcheck_response_t *r) {
  app_t *app = user;
  /* A finding may point at the response's first byte after a long body. */
  rc_linemap_pin(app->linemap, r->offset);
  rc_out_response_head(app->out, r);
  return 0;
}

static void on_message_end(void *user, const respcheck_message_end_t *end) {
  app_t *app = user;
  if (end->verdict == RESPCHECK_REJECT)
    app->any_reject = 1;
  if (app->stdout_tty && app->config.format == RC_FORMAT_JSON)
    progress_clear(app);
  /* The next response's findings may point back here: empty lines before
   * its status line are reported from their first one. */
  rc_linemap_pin(app->linemap, end->end_offset);
  rc_out_response_end(app->out, end);
}

/* ------------------------------------------------------------------------ */
/* Files. */

static void report_io(app_t *app, const char *path, const char *what, int err) {
  progress_clear(app);
  fputs("respcheck: ", stderr);
  rc_text_escaped(stderr, path, strlen(path));
  fprintf(stderr, ": %s: %s\n", what, strerror(err));
  app->io_error = 1;
  rc_out_file_error(app->out, path, strerror(err));
}

/* Lints one stream; display is the path as given ("-" for stdin). */
static void lint_fd(app_t *app, const char *display, int fd, uint64_t size) {
  respcheck_errno_t err = RESPCHECK_E_OK;
  uint64_t done = 0;
  int read_failed = 0;
  unsigned n_reads = 0;

  respcheck_parser_reset(app->parser);
  rc_linemap_reset(app->linemap);
  rc_out_begin_file(app->out, display, rc_linemap_locate, app->linemap);
  app->progress_path = strcmp(display, "-") == 0 ? "<stdin>" : display;
  app->progress_size = size;
  app->progress_start = app->progress_last = now_ns();

  for (;;) {
    size_t room;
    char *dst = rc_linemap_next(app->linemap, &room);
    ssize_t n = read(fd, dst, room < app->read_size ? room : app->read_size);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      report_io(app, display, "read error", errno);
      read_failed = 1;
      break;
    }
    if (n == 0)
      break;
    rc_linemap_feed(app->linemap, dst, (size_t)n);
    err = respcheck_execute(app->parser, dst, (size_t)n);
    done += (uint64_t)n;
    /* After a fatal finding the parser reads nothing more; after a 101 or a
     * CONNECT tunnel the rest is not HTTP. */
    if (err != RESPCHECK_E_OK || respcheck_parser_in_tunnel(app->parser))
      break;
    if (app->progress_tty && (++n_reads & 15) == 0)
      progress_update(app, done);
  }
  /* A read error is not the end of the stream: no message-truncated. */
  if (!read_failed)
    (void)respcheck_finish(app->parser);
  progress_clear(app);
  rc_out_end_file(app->out);
}

static void lint_file(app_t *app, const char *path) {
  int fd;
  struct stat st;
  if (strcmp(path, "-") == 0) {
    uint64_t size = 0;
    if (fstat(0, &st) == 0 && S_ISREG(st.st_mode))
      size = (uint64_t)st.st_size;
    lint_fd(app, "-", 0, size);
    return;
  }
  do
    fd = open(path, O_RDONLY);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    report_io(app, path, "cannot open", errno);
    return;
  }
  lint_fd(app, path, fd,
          fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size
                                                     : 0);
  close(fd);
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join_path(const char *dir, const char *name) {
  size_t dl = strlen(dir), nl = strlen(name);
  int slash = dl > 0 && dir[dl - 1] == '/';
  char *p = malloc(dl + nl + 2);
  if (p == NULL)
    return NULL;
  memcpy(p, dir, dl);
  if (!slash)
    p[dl++] = '/';
  memcpy(p + dl, name, nl + 1);
  return p;
}

/* Walks a directory: entries in strcmp order, depth first. Names starting
 * with '.' are skipped; symbolic links to directories are not followed (no
 * loops); regular files (or links to them) matching --include are read. */
static void walk_dir(app_t *app, const char *dir, int depth) {
  DIR *d;
  struct dirent *e;
  char **names = NULL;
  size_t n = 0, cap = 0, i;
  if (depth > RC_MAX_DEPTH) {
    report_io(app, dir, "not walked", ELOOP);
    return;
  }
  d = opendir(dir);
  if (d == NULL) {
    report_io(app, dir, "cannot open directory", errno);
    return;
  }
  for (;;) {
    errno = 0;
    e = readdir(d);
    if (e == NULL) {
      if (errno != 0)
        report_io(app, dir, "cannot read directory", errno);
      break;
    }
    if (e->d_name[0] == '.')
      continue;
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 32;
      char **nn = realloc(names, ncap * sizeof *nn);
      if (nn == NULL) {
        report_io(app, dir, "cannot read directory", ENOMEM);
        break;
      }
      names = nn;
      cap = ncap;
    }
    names[n] = malloc(strlen(e->d_name) + 1);
    if (names[n] == NULL) {
      report_io(app, dir, "cannot read directory", ENOMEM);
      break;
    }
    memcpy(names[n], e->d_name, strlen(e->d_name) + 1);
    n++;
  }
  closedir(d);
  if (n > 1)
    qsort(names, n, sizeof *names, cmp_names);
  for (i = 0; i < n; i++) {
    struct stat st;
    char *full = join_path(dir, names[i]);
    if (full == NULL) {
      report_io(app, dir, "cannot read directory", ENOMEM);
    } else if (lstat(full, &st) != 0) {
      report_io(app, full, "cannot stat", errno);
    } else if (S_ISDIR(st.st_mode)) {
      walk_dir(app, full, depth + 1);
    } else if (fnmatch(app->include, names[i], 0) == 0) {
      if (S_ISLNK(st.st_mode)) {
        if (stat(full, &st) != 0)
          report_io(app, full, "cannot open", errno);
        else if (S_ISREG(st.st_mode))
          lint_file(app, full);
      } else if (S_ISREG(st.st_mode)) {
        lint_file(app, full);
      }
    }
    free(full);
    free(names[i]);
  }
  free(names);
}

static void lint_path(app_t *app, const char *path) {
  struct stat st;
  if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    walk_dir(app, path, 0);
  else
    lint_file(app, path);
}

/* ------------------------------------------------------------------------ */

int main(int argc, char **argv) {
  app_t app;
  respcheck_callbacks_t cb;
  const char *no_color;
  int nops, i, status;

  memset(&app, 0, sizeof app);
  respcheck_options_init(&app.opts);
  app.config.format = RC_FORMAT_TEXT;
  app.progress = 1;
  app.include = "*.http";
  app.read_size = RC_READ_SIZE;

  nops = parse_args(&app, argc, argv);
  app.config.severity = app.opts.severity;
  no_color = getenv("NO_COLOR");
  app.config.color =
      app.config.format == RC_FORMAT_TEXT &&
      (app.color_mode == 1 || (app.color_mode == 0 && isatty(STDOUT_FILENO) &&
                               (no_color == NULL || no_color[0] == '\0')));

  if (app.list_rules) {
    if (rc_out_list_rules(stdout, &app.config) != 0) {
      fprintf(stderr, "respcheck: cannot write the output\n");
      return 2;
    }
    return 0;
  }
  if (nops == 0)
    usage_error("no input: give files, directories or '-'", "", "");
  if (respcheck_parser_size(&app.opts) == 0) {
    fprintf(stderr, "respcheck: the limits are invalid (too large)\n");
    return 2;
  }

  memset(&cb, 0, sizeof cb);
  cb.on_finding = on_finding;
  cb.on_head = on_head;
  cb.on_message_end = on_message_end;
  app.parser = respcheck_parser_new(&app.opts, &cb, &app);
  app.linemap = rc_linemap_new(rc_linemap_window(&app.opts, app.read_size));
  app.out = rc_out_new(stdout, &app.config);
  if (app.parser == NULL || app.linemap == NULL ||
      app.out == NULL) {
    fprintf(stderr, "respcheck: out of memory\n");
    return 2;
  }
  app.progress_tty = app.progress && isatty(STDERR_FILENO);
  app.stdout_tty = isatty(STDOUT_FILENO);

  for (i = 0; i < nops; i++)
    lint_path(&app, argv[i]);

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
