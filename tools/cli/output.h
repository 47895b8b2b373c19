/* SPDX-License-Identifier: MIT */
/*
 * The respcheck command's output writers: text, JSON Lines and SARIF 2.1.0.
 *
 * The module knows nothing of files, options or main(): it is fed the
 * library's records (respcheck_response_t, respcheck_finding_t,
 * respcheck_message_end_t) in the order the parser's callbacks hand them
 * out, and writes to a FILE *. A fuzz harness can drive it with arbitrary
 * records; every byte that reaches the output is escaped first (json.h).
 *
 * Call sequence, for one run:
 *
 *   out = rc_out_new(stdout, &config);
 *   for each input file:
 *     rc_out_begin_file(out, path, locate, locate_ctx);
 *     rc_out_set_source(out, source, label);  (optional: the default is
 *                                              {"kind":"stream"})
 *     rc_out_set_request(out, request);       (optional: the default null)
 *     ... from the parser's callbacks, any number of times, in any order:
 *         rc_out_finding(out, finding);         (on_finding)
 *         rc_out_response_head(out, response);  (on_head)
 *         rc_out_response_end(out, end);        (on_message_end)
 *     rc_out_end_file(out);
 *   (or rc_out_file_error(out, path, reason) for a file that cannot be read)
 *   rc_out_finish(out);  (closes the SARIF log, prints the --summary)
 *   rc_out_free(out);
 *
 * Source and request may change within a file (an input kind whose
 * responses come from different places or answer known requests): each
 * record carries those in force when it is written (at rc_out_response_end,
 * or rc_out_end_file for a response that never ended), and each text line
 * the label in force when its finding arrives.
 *
 * Formats:
 *
 * - Text: one finding a line,
 *   "PATH:LINE:COLUMN: SEVERITY: MESSAGE [RULE-ID] (REFERENCE)"; with a
 *   source label, "PATH:LINE:COLUMN: LABEL: SEVERITY: ...". When the
 *   locator cannot place the offset, "PATH: SEVERITY: MESSAGE [RULE-ID]
 *   (REFERENCE) at byte OFFSET". Path, label, message, rule id and
 *   reference are escaped as text (json.h). A response's findings are
 *   written when it ends (rc_out_response_end: those of every response up
 *   to it), in offset order (arrival order among equal offsets); those
 *   left at rc_out_end_file or a new source then. With show_source, each
 *   is followed by its line, as gcc shows one:
 *       "   12 | HTTP/1.1 401 Unauthorized"
 *       "      |          ^"
 *   (escaped as text; a long line cut around the column, marked "...").
 *
 * - JSON Lines: one object per response, written at rc_out_response_end,
 *   with the members record.h describes ("file", "source", "request",
 *   "index", "offset", "end_offset", the head's, "headers", "verdict",
 *   "complete", "findings" (in offset order), "findings_dropped").
 *   "findings_dropped" appears only when more than RC_OUT_MAX_PENDING
 *   findings were buffered for one response (the rest are counted, not kept:
 * memory stays bounded). The head is rendered to JSON when it arrives (the
 * library's spans are not kept) and findings are copied; buffers grow to the
 * largest response seen and are reused.
 *
 * - SARIF 2.1.0: one log with one run; tool.driver.rules is the whole rule
 *   catalogue (id, name, shortDescription, fullDescription, help,
 *   helpUri, defaultConfiguration with the rule's default severity,
 *   properties with the reference); each finding is one result (ruleId,
 *   ruleIndex, level, message.text, locations[0].physicalLocation with
 *   artifactLocation uri, the file: URI of the absolute path (a
 *   description for standard input), and a region with byteOffset and,
 *   when known, startLine and startColumn, and properties with the
 *   response's index, the severity, the reference, and the JSON record's
 *   "source" and "request"), written as it arrives (a finding in a stream
 *   inside the file: see rc_out_set_source). Extra rules
 *   (rc_out_config_t.extra_rules) follow the library's in the catalogue.
 *   Severity "info" is SARIF level "note". The run's columnKind is
 *   unicodeCodePoints: the column is found from the snippet
 *   (rc_out_set_snippets; without one, only column 1 is known).
 *   Severities that differ from the rules' defaults are the invocation's
 *   ruleConfigurationOverrides. Files that cannot be read, and
 *   rc_out_notification's, become
 *   toolExecutionNotifications of the run's invocation.
 *
 * --quiet (config.quiet): findings below "error" are not printed; in JSON
 * only the objects of rejected responses are written, with their error
 * findings. The summary still counts everything.
 *
 * After a parse-error finding, nothing more of that file is written: later
 * findings are dropped, and only the response the parse error belongs to
 * is still written out (JSON).
 *
 * Errors: when memory runs out, the module drops what it cannot hold and
 * remembers it; rc_out_finish returns -1 then, or when the stream had a
 * write error.
 */
#ifndef RESPCHECK_TOOLS_OUTPUT_H
#define RESPCHECK_TOOLS_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "linemap.h"
#include "record.h"
#include "respcheck.h"
#include "snippet.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rc_format {
  RC_FORMAT_TEXT = 0,
  RC_FORMAT_JSON,
  RC_FORMAT_SARIF
} rc_format_t;

/* Findings kept for JSON per response before the rest are only counted. */
#define RC_OUT_MAX_PENDING 4096
/* Bytes of one finding message kept (longer ones are cut, marked "..."). */
#define RC_OUT_MAX_MESSAGE 2048

/* Maps an absolute byte offset of the current file to a 1-based line and
 * 1-based byte column. Returns 0 on success, -1 when it cannot (the offset
 * is out of the range it remembers). */
typedef int (*rc_locate_fn)(void *ctx, uint64_t offset, uint64_t *line,
                            uint64_t *column);

/* A rule outside the library's catalogue (an input kind's own, such as the
 * capture rules), listed after the library's in --list-rules, the SARIF
 * catalogue and the summary. Findings are matched to it by id. */
typedef struct rc_out_rule {
  const char *id, *reference, *summary;
  int default_severity, severity; /* respcheck_severity_t; in force */
} rc_out_rule_t;
#define RC_OUT_MAX_EXTRA_RULES 16

/* A finding as the writer is about to take it, for a filter (the
 * baseline, baseline.h). Valid during the call only. */
typedef struct rc_out_seen {
  const char *path;  /* as given to rc_out_begin_file ("-": stdin) */
  const char *label; /* the source's label, or NULL */
  const char *rule;  /* the finding's id */
  int severity;
  uint64_t offset, response_index;
  const char *message;
  const rc_snippet_t *snippet; /* its line, or NULL when not at hand */
} rc_out_seen_t;
/* Returns 1 to take the finding, 0 to leave it out (counted as
 * "baselined", neither written nor counted otherwise). */
typedef int (*rc_out_filter_fn)(void *ctx, const rc_out_seen_t *seen);

typedef struct rc_out_config {
  rc_format_t format;
  int color;   /* text only: ANSI colours (the caller decides tty/NO_COLOR) */
  int quiet;   /* print errors only */
  int summary; /* write counts per rule and per verdict at rc_out_finish */
  /* text only: under each finding, its line and a caret under its column
   * (when rc_out_set_snippets gave a way to the bytes). */
  int show_source;
  /* RESPCHECK_RULE_MAX severities in force (respcheck_options_t.severity),
   * shown in the SARIF rules and --list-rules; NULL: the defaults. */
  const unsigned char *severity;
  /* Tool version for SARIF; NULL: respcheck_version(). */
  const char *tool_version;
  /* Extra rules (at most RC_OUT_MAX_EXTRA_RULES are used); NULL: none. */
  const rc_out_rule_t *extra_rules;
  size_t nextra_rules;
  /* Asked for every finding before anything else is done with it, but a
   * parse-error still stops the file; NULL: every finding is taken. */
  rc_out_filter_fn filter;
  void *filter_ctx;
  /* SARIF: results carry "baselineState": "new" (a baseline was read). */
  int baseline_state;
} rc_out_config_t;

typedef struct rc_out rc_out_t;

/* Counts, for the caller's exit status and tests. */
typedef struct rc_out_stats {
  uint64_t files, unreadable_files;
  uint64_t responses, accepted, rejected;
  uint64_t errors, warnings, infos; /* findings by severity */
  /* Of the errors, those of the library's rules (the others, an input
   * kind's own, never reject a response). */
  uint64_t rejecting;
  uint64_t baselined; /* left out by the filter */
} rc_out_stats_t;

/* A writer to fp (not closed by the module). The config is copied; the
 * severity array it points to must outlive the writer. NULL when out of
 * memory. For SARIF the log's opening is written here. */
rc_out_t *rc_out_new(FILE *fp, const rc_out_config_t *config);
/* Frees the writer; NULL is accepted. Does not write anything. */
void rc_out_free(rc_out_t *out);

/* Starts a file. path is copied. locate may be NULL (no line/column). */
void rc_out_begin_file(rc_out_t *out, const char *path, rc_locate_fn locate,
                       void *locate_ctx);
/* How to get the bytes of a finding's line (--show-source); NULL: none,
 * as rc_out_begin_file sets it. */
void rc_out_set_snippets(rc_out_t *out, rc_snippet_fn snippet, void *ctx);
/* The "source" of the records from now on, and the label of text lines
 * (NULL: none); both are copied. rc_out_begin_file sets {"kind":"stream"}
 * and no label. A new source is a new stream: a parse error before it
 * stops nothing after it. With a label, findings' offsets are in a stream
 * inside the file (a capture's connection): SARIF names it as a logical
 * location (the label) and gives the offset as the result's
 * "streamOffset" property instead of a region. */
void rc_out_set_source(rc_out_t *out, const rc_source_t *src,
                       const char *label);
/* The "request" of the records from now on (copied); NULL: null, as
 * rc_out_begin_file sets it. */
void rc_out_set_request(rc_out_t *out, const rc_request_info_t *req);
/* A finding (on_finding). Its strings are copied when they must be kept. */
void rc_out_finding(rc_out_t *out, const respcheck_finding_t *finding);
/* A response head (on_head). Its spans are read during the call only. */
void rc_out_response_head(rc_out_t *out, const respcheck_response_t *response);
/* The end of a response (on_message_end): writes its JSON object. */
void rc_out_response_end(rc_out_t *out, const respcheck_message_end_t *end);
/* Ends the file: anything still pending (findings of a response that never
 * got an end) is written out as responses without a head. */
void rc_out_end_file(rc_out_t *out);
/* A file that could not be read (outside begin/end_file): counted, and
 * recorded in SARIF; the caller prints the message on stderr. */
void rc_out_file_error(rc_out_t *out, const char *path, const char *reason);
/* Something about a path that is not an unreadable file (a directory with
 * nothing to lint): recorded in SARIF like rc_out_file_error, not counted
 * as unreadable; the caller prints the message on stderr. */
void rc_out_notification(rc_out_t *out, const char *path, const char *text);

/* Closes the output (SARIF's closing, the summary) and flushes. Returns 0,
 * or -1 when memory ran out earlier or the stream has an error. Call once. */
int rc_out_finish(rc_out_t *out);
void rc_out_get_stats(const rc_out_t *out, rc_out_stats_t *stats);

/* Writes the rule catalogue (--list-rules) in the format of config.
 * Returns 0, or -1 on a write error. */
int rc_out_list_rules(FILE *fp, const rc_out_config_t *config);

#ifdef __cplusplus
}
#endif
#endif /* RESPCHECK_TOOLS_OUTPUT_H */
