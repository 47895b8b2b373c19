/* SPDX-License-Identifier: MIT */
/*
 * respcheck --explain RULE: a rule's id, severity and reference from the
 * catalogue, its explanation and RFC quote from docs/rules.md, and two
 * examples from the test vectors (the *.md files of tests/vectors), one
 * that fires and one that does not, run through the library as they are
 * printed.
 *
 * The explanations and examples are compiled in from a file generated when
 * the command is built (explain_data.c, by gen_explain.c), so they are
 * never out of step with the catalogue, the docs or the vectors.
 */
#ifndef RESPCHECK_TOOLS_EXPLAIN_H
#define RESPCHECK_TOOLS_EXPLAIN_H

#include <stddef.h>
#include <stdio.h>

#include "output.h"

/* A severity a case sets: respcheck_rule_t, respcheck_severity_t. */
typedef struct rc_explain_severity {
  int rule, severity;
} rc_explain_severity_t;

/* A test vector's case, as an example. */
typedef struct rc_explain_case {
  const char *file; /* the fixture, "status-fields.md" */
  const char *name; /* the case, "401-no-challenge" */
  const char *data; /* its bytes */
  size_t len;
  int method;     /* respcheck_method_t of the request answered */
  int request_10; /* the request was HTTP/1.0 */
  int transport;  /* respcheck_transport_t: how the response came */
  /* Limits (respcheck_options_t's names); 0: the default. */
  size_t max_header_bytes, max_headers, max_line_length, max_reason_length,
      max_chunk_extension;
  /* Its "severity RULE LEVEL" lines, nseverity of them (a rule off by
   * default fires only where a case turns it on). */
  const rc_explain_severity_t *severity;
  size_t nseverity;
} rc_explain_case_t;

typedef struct rc_explain {
  const char *id;
  const char *text;  /* paragraphs separated by "\n\n"; NULL: none yet */
  const char *quote; /* "RFC 9110 15.5.2: \"...\""; NULL: none yet */
  const rc_explain_case_t *fires, *near; /* NULL: no example */
} rc_explain_t;

/* explain_data.c (generated). */
extern const rc_explain_t rc_explanations[];
extern const size_t rc_explanation_count;

/* The entry for id, or NULL. */
const rc_explain_t *rc_explain_find(const char *id);

/* Prints the explanation of rule id (the library's catalogue or
 * cfg->extra_rules) in cfg->format (text, or JSON: one object). Returns 0;
 * 1 when the rule has no explanation or examples yet (what is known is
 * printed, and what is missing said on stderr); 2 for an unknown rule
 * (said on stderr), an example that does not behave as its case says, or
 * a write error. */
int rc_explain(FILE *fp, const char *id, const rc_out_config_t *cfg);

#endif /* RESPCHECK_TOOLS_EXPLAIN_H */
