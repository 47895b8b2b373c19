/*
 * The respcheck command's output writers: text, JSON Lines and SARIF 2.1.0.
 *
 * The module knows nothing of files, options or main(): it is fed the
 * library's records (respcheck_response_t, respcheck_finding_t,
 * respcheck_message_end_t) in the order the parser's callbacks hand them
 * out, and writes to a FILE *. A fuzz harness can drive it with arbitrary
 * records; every byte that reaches the output is escaped first.
 *
 * Call sequence, for one run:
 *
 *   out = rc_out_new(stdout, &config);
 *   for each input file:
 *     rc_out_begin_file(out, path, locate, locate_ctx);
 *     ... from the parser's callbacks, any number of times, in any order:
 *         rc_out_finding(out, finding);         (on_finding)
 *         rc_out_response_head(out, response);  (on_head)
 *         rc_out_response_end(out, end);        (on_message_end)
 *     rc_out_end_file(out);
 *   (or rc_out_file_error(out, path, reason) for a file that cannot be read)
 *   rc_out_finish(out);  (closes the SARIF log, prints the --summary)
 *   rc_out_free(out);
 *
 * Formats:
 *
 * - Text: one finding a line, as soon as it arrives,
 *   "PATH:LINE:COLUMN: SEVERITY: MESSAGE [RULE-ID] (REFERENCE)". When the
 *   locator cannot place the offset, "PATH: SEVERITY: MESSAGE [RULE-ID]
 *   (REFERENCE) at byte OFFSET". Path, message, rule id and reference are
 *   printed with every byte outside printable ASCII (0x20-0x7E) escaped as
 *   \xHH, so no terminal control sequence, line break or invalid UTF-8 of
 *   the input gets out raw. (A backslash stays as is: the library's messages
 *   already quote bytes as \xHH, and doubling it would only hurt reading.)
 *
 * - JSON Lines: one object per response, written at rc_out_response_end:
 *     {"file","index","offset","end_offset","version","status","reason",
 *      "effective_status","registered","headers","verdict","complete",
 *      "findings":[{"rule","severity","offset","line","column","message",
 *                   "reference"}]}
 *   "version", "status", "reason" and "effective_status" are null when the
 *   response never got a head; "line"/"column" are null when the locator
 *   cannot place the offset. "findings_dropped" (an integer) appears only
 *   when more than RC_OUT_MAX_PENDING findings were buffered for one
 *   response (the rest are counted, not kept: memory stays bounded).
 *   The head is rendered to JSON when it arrives (the library's spans are
 *   not kept) and findings are copied; buffers grow to the largest response
 *   seen and are reused.
 *
 *   Escaping: the output is always valid JSON and valid UTF-8. Well-formed
 *   UTF-8 passes through, except the C1 controls U+0080-U+009F (U+0085 ends
 *   lines for some readers) and U+2028/U+2029 (line ends in JavaScript),
 *   written as \uXXXX; '"', '\\' and control bytes (0x00-0x1F, 0x7F) are
 *   escaped;
 *   every byte that is not part of a well-formed UTF-8 sequence (overlong
 *   forms, surrogates, code points above U+10FFFF, truncated sequences) is
 *   written as \u00HH, the code point with the byte's value. That is lossy
 *   in one way only: such a byte reads back as the Latin-1 character of the
 *   same value (the byte 0xFF and a well-formed "\xC3\xBF" both read back as
 *   U+00FF, the latter unescaped).
 *
 * - SARIF 2.1.0: one log with one run; tool.driver.rules is the whole rule
 *   catalogue (id, name, shortDescription, fullDescription, help,
 *   helpUri, defaultConfiguration with the severity in force, properties
 *   with the reference); each finding is one result (ruleId, ruleIndex,
 *   level, message.text, locations[0].physicalLocation with artifactLocation
 *   uri and a region with byteOffset and, when known, startLine and
 *   startColumn), written as it arrives. Severity "info" is SARIF level
 *   "note". Columns are counted in bytes. Files that cannot be read become
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

#include "respcheck.h"

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

typedef struct rc_out_config {
  rc_format_t format;
  int color;   /* text only: ANSI colours (the caller decides tty/NO_COLOR) */
  int quiet;   /* print errors only */
  int summary; /* write counts per rule and per verdict at rc_out_finish */
  /* RESPCHECK_RULE_MAX severities in force (respcheck_options_t.severity),
   * shown in the SARIF rules and --list-rules; NULL: the defaults. */
  const unsigned char *severity;
  /* Tool version for SARIF; NULL: respcheck_version(). */
  const char *tool_version;
} rc_out_config_t;

typedef struct rc_out rc_out_t;

/* Counts, for the caller's exit status and tests. */
typedef struct rc_out_stats {
  uint64_t files, unreadable_files;
  uint64_t responses, accepted, rejected;
  uint64_t errors, warnings, infos; /* findings by severity */
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

/* Closes the output (SARIF's closing, the summary) and flushes. Returns 0,
 * or -1 when memory ran out earlier or the stream has an error. Call once. */
int rc_out_finish(rc_out_t *out);
void rc_out_get_stats(const rc_out_t *out, rc_out_stats_t *stats);

/* Writes the rule catalogue (--list-rules) in the format of config.
 * Returns 0, or -1 on a write error. */
int rc_out_list_rules(FILE *fp, const rc_out_config_t *config);

/* ------------------------------------------------------------------------ */
/* Escapers, exposed for the fuzz harness and tests. Each writes to fp. */

/* JSON string with quotes, as described above. */
void rc_json_string(FILE *fp, const char *s, size_t len);
/* Text: printable ASCII as is, every other byte as \xHH. */
void rc_text_escaped(FILE *fp, const char *s, size_t len);

/* ------------------------------------------------------------------------ */
/* Line map: LINE:COLUMN of recent byte offsets while streaming.
 *
 * Feed it every chunk before handing the chunk to respcheck_execute. It
 * keeps a copy of the last `window` bytes of the stream in a ring buffer,
 * and a checkpoint every RC_LINEMAP_BLOCK bytes of stream offset (the
 * number of LF bytes before that offset and the offset of the last line
 * start before it). A lookup starts at the checkpoint (or the previous
 * lookup's answer, when it is nearer) below the offset and counts LF bytes
 * with memchr in the retained bytes up to the offset: at most one block's
 * scan, and findings usually arrive in increasing order.
 *
 * The window must cover the farthest back a finding can point: the start of
 * a header section the library is still assembling (max_header_bytes), or
 * of a line (max_line_length), plus one read chunk; rc_linemap_window()
 * computes it from the options. Offsets older than that can still be
 * placed when they were pinned while recent (rc_linemap_pin): the driver
 * pins each response's first byte when its head arrives (a finding may
 * point there after a long body) and each response's end when it ends (the
 * next response's empty-line-before-status points at its first empty line,
 * however many follow). Offset 0 is always 1:1. Anything else is reported
 * unplaceable (-1).
 *
 * Lines are counted by LF only; a bare CR does not start a line. Line and
 * column are 1-based; the column counts bytes. The offset one past the last
 * byte fed (end of stream) can be looked up too. */
#define RC_LINEMAP_BLOCK 4096u
#define RC_LINEMAP_PINS 8

typedef struct rc_linemap rc_linemap_t;

size_t rc_linemap_window(const respcheck_options_t *opts, size_t chunk_size);
/* NULL when out of memory. */
rc_linemap_t *rc_linemap_new(size_t window);
void rc_linemap_free(rc_linemap_t *map);
/* Starts a new stream at offset 0. */
void rc_linemap_reset(rc_linemap_t *map);
void rc_linemap_feed(rc_linemap_t *map, const char *data, size_t len);
/* Where the next bytes of the stream go in the map's own ring, and how many
 * fit there before it wraps (at least one block): reading into it and then
 * feeding that pointer saves the copy. */
char *rc_linemap_next(rc_linemap_t *map, size_t *room);
/* rc_locate_fn; ctx is the rc_linemap_t. */
int rc_linemap_locate(void *map, uint64_t offset, uint64_t *line,
                      uint64_t *column);
/* Remembers the place of a recent offset, to be found after it leaves the
 * window. Keeps the last RC_LINEMAP_PINS. */
void rc_linemap_pin(rc_linemap_t *map, uint64_t offset);

#ifdef __cplusplus
}
#endif
#endif /* RESPCHECK_TOOLS_OUTPUT_H */
