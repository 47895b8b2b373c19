/* SPDX-License-Identifier: MIT */
/*
 * The respcheck command's configuration file: where it is, and a strict
 * reader of the small part of TOML (https://toml.io/en/v1.0.0) it takes.
 *
 *   # .respcheck.toml
 *   error-on = "warning"          # as --error-on
 *
 *   [rules]                       # as --rule: ID = "off|info|warning|error"
 *   date-missing = "off"
 *   reason-phrase-mismatch = "warning"
 *
 *   [limits]                      # as the --max-* options
 *   max-header-bytes = 65_536
 *
 * Found (rc_config_find) as black finds pyproject.toml: from the folder the
 * inputs have in common (a file's folder, a directory itself, the working
 * directory for standard input or no input) upward, the first
 * .respcheck.toml; the search stops after a folder holding .git (the
 * project's root), so a file above the project is never read.
 *
 * What it takes, and nothing else (anything else is an error naming the
 * file and line, never ignored): UTF-8 text without control characters
 * but tab, lines ended by LF or CRLF, at most RC_CONFIG_MAX_BYTES; comments
 * (#); the tables [rules] and [limits], each at most once; keys bare
 * (A-Z a-z 0-9 - _) or quoted ("..." or '...'), each at most once in its
 * table; values that are strings without escapes ("..." or '...') or
 * decimal integers (underscores between digits, no leading zero). Rule ids
 * are checked by the caller (the command knows more rules than the
 * library); severities, limit names and ranges here.
 */
#ifndef RESPCHECK_TOOLS_CONFIG_H
#define RESPCHECK_TOOLS_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define RC_CONFIG_NAME ".respcheck.toml"
#define RC_CONFIG_MAX_BYTES (1u << 20)
/* Room for "PATH:LINE: what is wrong". */
#define RC_CONFIG_ERR 512

/* A limit the [limits] table takes: its key (the option's name without
 * "--"), range, and the caller's id for it. */
typedef struct rc_config_limit {
  const char *name;
  uint64_t min, max;
  int id;
} rc_config_limit_t;

typedef enum rc_config_kind {
  RC_CONFIG_RULE,    /* key: a rule id; severity */
  RC_CONFIG_LIMIT,   /* id, number */
  RC_CONFIG_ERROR_ON /* severity */
} rc_config_kind_t;

typedef struct rc_config_item {
  rc_config_kind_t kind;
  char *key;    /* as written (unquoted), NUL-terminated */
  int severity; /* RULE, ERROR_ON: respcheck_severity_t */
  int id;       /* LIMIT: rc_config_limit_t.id */
  uint64_t number;
  unsigned line;
} rc_config_item_t;

typedef struct rc_config {
  char *path; /* as read */
  rc_config_item_t *items;
  size_t n, cap;
} rc_config_t;

/* The configuration file for these inputs ("-": standard input), found as
 * said above. Returns 1 with the path (malloc'd) in *path, 0 when there is
 * none, -1 when memory runs out. */
int rc_config_find(const char *const *inputs, size_t n, char **path);

/* Reads the file into cfg (zeroed first), in the file's order. Returns 0,
 * or -1 with "PATH:LINE: what" (or "PATH: what") in err. */
int rc_config_load(const char *path, const rc_config_limit_t *limits,
                   size_t nlimits, rc_config_t *cfg, char *err, size_t errcap);
void rc_config_free(rc_config_t *cfg);

#endif /* RESPCHECK_TOOLS_CONFIG_H */
