/* SPDX-License-Identifier: MIT */
/* Command lines of both tools (options.h). */
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static const rc_opt_def_t library_defs[] = {
    {"rule", 0, 1, RC_OPT_RULE},
    {"max-header-bytes", 0, 1, RC_OPT_MAX_HEADER_BYTES},
    {"max-headers", 0, 1, RC_OPT_MAX_HEADERS},
    {"max-line-length", 0, 1, RC_OPT_MAX_LINE_LENGTH},
    {"max-reason-length", 0, 1, RC_OPT_MAX_REASON_LENGTH},
    {"max-chunk-extension", 0, 1, RC_OPT_MAX_CHUNK_EXTENSION},
};

_Noreturn void rc_usage_error(const char *prog, const char *before,
                              const char *arg, const char *after) {
  fputs(prog, stderr);
  fputs(": ", stderr);
  fputs(before, stderr);
  rc_text_escaped(stderr, arg, strlen(arg));
  fputs(after, stderr);
  fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
  exit(2);
}

/* "PROG: OPTION: 'VALUE' WHY", exit 2. */
static _Noreturn void value_error(const char *prog, const char *option,
                                  const char *value, const char *why) {
  char before[64];
  snprintf(before, sizeof before, "%s: '", option);
  rc_usage_error(prog, before, value, why);
}

uint64_t rc_parse_number(const char *prog, const char *option,
                         const char *value, uint64_t max) {
  uint64_t v = 0;
  const char *p = value;
  char why[64];
  if (*p == '\0')
    value_error(prog, option, value, "' is empty; a number is needed");
  for (; *p; p++) {
    unsigned d;
    if (*p < '0' || *p > '9')
      value_error(prog, option, value, "' is not a positive decimal number");
    d = (unsigned)(*p - '0');
    if (v > (max - d) / 10) {
      snprintf(why, sizeof why, "' is too large (at most %llu)",
               (unsigned long long)max);
      value_error(prog, option, value, why);
    }
    v = v * 10 + d;
  }
  if (v == 0)
    value_error(prog, option, value, "' is zero; it must be at least 1");
  return v;
}

static void set_rule(const char *prog, respcheck_options_t *opts,
                     const char *value) {
  const char *eq = strrchr(value, '=');
  int rule, sev;
  if (eq == NULL || eq == value)
    rc_usage_error(prog, "--rule: '", value,
                   "' is not ID=off|info|warning|error");
  rule = respcheck_rule_from_id(value, (size_t)(eq - value));
  if (rule < 0) {
    fprintf(stderr, "%s: --rule: unknown rule '", prog);
    rc_text_escaped(stderr, value, (size_t)(eq - value));
    fprintf(stderr,
            "' (see 'respcheck --list-rules')\nTry '%s --help' for more "
            "information.\n",
            prog);
    exit(2);
  }
  sev = respcheck_severity_from_name(eq + 1);
  if (sev < 0)
    rc_usage_error(prog, "--rule: severity '", eq + 1,
                   "' is not off, info, warning or error");
  if (respcheck_options_set_severity(opts, (respcheck_rule_t)rule,
                                     (respcheck_severity_t)sev) !=
      RESPCHECK_E_OK)
    rc_usage_error(prog, "--rule: cannot set '", value, "'");
}

int rc_library_option(const char *prog, respcheck_options_t *opts, int id,
                      const char *value) {
  switch (id) {
  case RC_OPT_RULE:
    set_rule(prog, opts, value);
    return 1;
  case RC_OPT_MAX_HEADER_BYTES:
    opts->max_header_bytes = (size_t)rc_parse_number(prog, "--max-header-bytes",
                                                     value, RC_MAX_LIMIT_BYTES);
    return 1;
  case RC_OPT_MAX_HEADERS:
    opts->max_headers = (size_t)rc_parse_number(prog, "--max-headers", value,
                                                RC_MAX_LIMIT_HEADERS);
    return 1;
  case RC_OPT_MAX_LINE_LENGTH:
    opts->max_line_length = (size_t)rc_parse_number(prog, "--max-line-length",
                                                    value, RC_MAX_LIMIT_BYTES);
    return 1;
  case RC_OPT_MAX_REASON_LENGTH:
    opts->max_reason_length = (size_t)rc_parse_number(
        prog, "--max-reason-length", value, RC_MAX_LIMIT_BYTES);
    return 1;
  case RC_OPT_MAX_CHUNK_EXTENSION:
    opts->max_chunk_extension = (size_t)rc_parse_number(
        prog, "--max-chunk-extension", value, RC_MAX_LIMIT_BYTES);
    return 1;
  default:
    return 0;
  }
}

/* The definition of a long option (name of len bytes), or NULL. */
static const rc_opt_def_t *find_long(const rc_cmdline_t *cl, const char *name,
                                     size_t len) {
  size_t k, nlib = sizeof library_defs / sizeof library_defs[0];
  for (k = 0; k < cl->ndefs; k++)
    if (strlen(cl->defs[k].name) == len &&
        strncmp(cl->defs[k].name, name, len) == 0)
      return &cl->defs[k];
  for (k = 0; cl->library_options && k < nlib; k++)
    if (strlen(library_defs[k].name) == len &&
        strncmp(library_defs[k].name, name, len) == 0)
      return &library_defs[k];
  return NULL;
}

static const rc_opt_def_t *find_short(const rc_cmdline_t *cl, char c) {
  size_t k;
  for (k = 0; k < cl->ndefs; k++)
    if (cl->defs[k].short_name != 0 && cl->defs[k].short_name == c)
      return &cl->defs[k];
  return NULL;
}

int rc_parse_args(const rc_cmdline_t *cl, int argc, char **argv) {
  int i, nops = 0, only_operands = 0;
  for (i = 1; i < argc; i++) {
    char *arg = argv[i];
    const rc_opt_def_t *def;
    const char *value = NULL;
    size_t k;
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
      def = find_long(cl, name, len);
      if (def == NULL)
        rc_usage_error(cl->prog, "unknown option '", arg, "'");
      if (eq != NULL) {
        if (!def->has_value)
          rc_usage_error(cl->prog, "option '", arg, "' takes no value");
        value = eq + 1;
      } else if (def->has_value) {
        if (i + 1 >= argc)
          rc_usage_error(cl->prog, "option '", arg, "' needs a value");
        value = argv[++i];
      }
      cl->apply(cl->ctx, def->id, value);
      continue;
    }
    /* Short options: flags may be grouped ("-qs"); one with a value takes
     * the rest of the argument ("-fjson") or the next one. */
    for (k = 1; arg[k] != '\0'; k++) {
      char one[3] = {'-', arg[k], '\0'};
      def = find_short(cl, arg[k]);
      if (def == NULL)
        rc_usage_error(cl->prog, "unknown option '", one, "'");
      if (!def->has_value) {
        cl->apply(cl->ctx, def->id, NULL);
        continue;
      }
      if (arg[k + 1] != '\0') {
        value = arg + k + 1;
      } else {
        if (i + 1 >= argc)
          rc_usage_error(cl->prog, "option '", one, "' needs a value");
        value = argv[++i];
      }
      cl->apply(cl->ctx, def->id, value);
      break;
    }
  }
  return nops;
}
