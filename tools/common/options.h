/* SPDX-License-Identifier: MIT */
/*
 * Command lines of the respcheck command and respcheck-proxy: one argv
 * parser, one way to report a usage error, one number parser, and the
 * options both tools pass to the library (--rule and the limits), with
 * their help text, written once.
 *
 * Syntax (as GNU getopt_long, without abbreviations): "--name=VALUE" or
 * "--name VALUE" for an option with a value, "--name" for a flag; short
 * flags may be grouped ("-qs"); a short option's value is glued ("-fjson")
 * or the next argument; "--" ends the options; "-" alone is an operand.
 * Options and operands may mix.
 *
 * Every error exits with status 2 after
 *   PROG: WHAT
 *   Try 'PROG --help' for more information.
 * on stderr, with the user's bytes escaped as text (json.h).
 */
#ifndef RESPCHECK_TOOLS_OPTIONS_H
#define RESPCHECK_TOOLS_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "respcheck.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rc_opt_def {
  const char *name; /* without "--" */
  char short_name;  /* 0: none */
  int has_value;
  int id;
} rc_opt_def_t;

/* The library's options, shared by both tools: their ids (which a tool's
 * own ids must not take), and their lines of the help text. */
enum rc_library_opt {
  RC_OPT_RULE = 1000,
  RC_OPT_MAX_HEADER_BYTES,
  RC_OPT_MAX_HEADERS,
  RC_OPT_MAX_LINE_LENGTH,
  RC_OPT_MAX_REASON_LENGTH,
  RC_OPT_MAX_CHUNK_EXTENSION
};

#define RC_LIBRARY_OPT_HELP                                                    \
  "      --rule=ID=off|info|warning|error[,...]  set rules' severities "       \
  "(repeatable)\n"                                                             \
  "      --max-header-bytes=N      status line + header section (65536)\n"     \
  "      --max-headers=N           field lines in a section (128)\n"           \
  "      --max-line-length=N       one status or field line (8192)\n"          \
  "      --max-reason-length=N     reason phrase (512)\n"                      \
  "      --max-chunk-extension=N   extensions of one chunk (4096)\n"

/* The largest value each limit takes: beyond them a parser (and the
 * command's line map, the proxy's held head) would take gigabytes. */
#define RC_MAX_LIMIT_BYTES (1u << 30)
#define RC_MAX_LIMIT_HEADERS (1u << 20)

/* A tool's command line: its own options, and with library_options the
 * library's too. apply is called for each option in order, with its id and
 * value (NULL for a flag); for a library option it passes them on to
 * rc_library_option. */
typedef struct rc_cmdline {
  const char *prog;
  const rc_opt_def_t *defs;
  size_t ndefs;
  int library_options;
  void (*apply)(void *ctx, int id, const char *value);
  void *ctx;
} rc_cmdline_t;

/* Parses argv in place: options are applied, operands moved to the front.
 * Returns the number of operands. */
int rc_parse_args(const rc_cmdline_t *cl, int argc, char **argv);

/* Prints "PROG: BEFORE" ARG (escaped) "AFTER" and the hint, exits 2. */
_Noreturn void rc_usage_error(const char *prog, const char *before,
                              const char *arg, const char *after);

/* A decimal number from 1 to max, or a usage error naming the option
 * ("--max-headers: '0' is zero; it must be at least 1"). */
uint64_t rc_parse_number(const char *prog, const char *option,
                         const char *value, uint64_t max);

/* Sets a rule's severity (a respcheck_severity_t) by id; returns -1 when
 * the id is unknown. */
typedef int (*rc_rule_setter_fn)(void *ctx, const char *id, size_t len,
                                 int severity);
/* A --rule value, ID=SEVERITY[,ID=SEVERITY...]: set() for each item in
 * turn. A malformed item, an unknown severity or an id set() does not
 * know is a usage error. */
void rc_rule_list(const char *prog, const char *value, rc_rule_setter_fn set,
                  void *ctx);

/* Applies one of the library's options (enum rc_library_opt) to opts.
 * Returns 1 when id is one of them, 0 otherwise; a bad value is a usage
 * error. */
int rc_library_option(const char *prog, respcheck_options_t *opts, int id,
                      const char *value);

#ifdef __cplusplus
}
#endif
#endif /* RESPCHECK_TOOLS_OPTIONS_H */
