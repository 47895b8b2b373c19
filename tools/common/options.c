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

/* "PROG: --rule: BEFORE" the bytes (escaped) AFTER and the hint, exit 2. */
static _Noreturn void rule_error(const char *prog, const char *before,
                                 const char *bytes, size_t len,
                                 const char *after) {
  fprintf(stderr, "%s: --rule: %s", prog, before);
  rc_text_escaped(stderr, bytes, len);
  fprintf(stderr, "%s\nTry '%s --help' for more information.\n", after, prog);
  exit(2);
}

/* One item of a --rule list (ID=SEVERITY, len bytes at item, no comma):
 * the severity, and the id's bytes in *id, *id_len. */
static int rule_item(const char *prog, const char *item, size_t len,
                     const char **id, size_t *id_len) {
  const char *eq = NULL;
  char sev_name[16];
  size_t i, n;
  int sev = -1;
  for (i = len; i > 0 && eq == NULL; i--)
    if (item[i - 1] == '=')
      eq = item + i - 1;
  if (eq == NULL || eq == item)
    rule_error(prog, "'", item, len, "' is not ID=off|info|warning|error");
  n = len - (size_t)(eq + 1 - item);
  if (n < sizeof sev_name) {
    memcpy(sev_name, eq + 1, n);
    sev_name[n] = '\0';
    sev = respcheck_severity_from_name(sev_name);
  }
  if (sev < 0)
    rule_error(prog, "severity '", eq + 1, n,
               "' is not off, info, warning or error");
  *id = item;
  *id_len = (size_t)(eq - item);
  return sev;
}

void rc_rule_list(const char *prog, const char *value, rc_rule_setter_fn set,
                  void *ctx) {
  const char *item = value;
  for (;;) {
    const char *comma = strchr(item, ',');
    size_t len = comma != NULL ? (size_t)(comma - item) : strlen(item);
    const char *id;
    size_t id_len;
    int sev = rule_item(prog, item, len, &id, &id_len);
    if (set(ctx, id, id_len, sev) != 0)
      rule_error(prog, "unknown rule '", id, id_len,
                 "' (see 'respcheck --list-rules')");
    if (comma == NULL)
      break;
    item = comma + 1;
  }
}

/* A rule of the library's catalogue (rc_rule_setter_fn; ctx: options). */
static int set_library_rule(void *ctx, const char *id, size_t len, int sev) {
  int rule = respcheck_rule_from_id(id, len);
  if (rule < 0)
    return -1;
  return respcheck_options_set_severity(ctx, (respcheck_rule_t)rule,
                                        (respcheck_severity_t)sev) ==
                 RESPCHECK_E_OK
             ? 0
             : -1;
}

int rc_library_option(const char *prog, respcheck_options_t *opts, int id,
                      const char *value) {
  switch (id) {
  case RC_OPT_RULE:
    rc_rule_list(prog, value, set_library_rule, opts);
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
