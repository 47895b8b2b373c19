/* SPDX-License-Identifier: MIT */
/*
 * The respcheck command's run, shared by its files: main.c (options),
 * inputs.c (paths, directories, telling an input's kind, progress) and one
 * reader per input kind (stream.c: raw response streams).
 *
 * An input's kind is told by its first bytes, never by its name: inputs.c
 * reads up to RC_INPUT_HEAD bytes, asks each kind in turn whether they are
 * its own (rc_input_kind_t.sniff), and hands the input to the first that
 * says yes; raw streams come last and take anything. Kinds: pcap
 * (capture.c: pcap and pcapng captures), stream. Adding a kind:
 *
 *   1. a reader, tools/cli/KIND.c, defining `const rc_input_kind_t
 *      rc_kind_KIND` (name, file patterns for directories, sniff, lint);
 *   2. its line in the kinds table of inputs.c, before rc_kind_stream;
 *   3. its file (and library) in tools/CMakeLists.txt.
 *
 * A reader's lint() calls rc_out_begin_file, sets the records' source
 * (rc_out_set_source: {"kind":"KIND", ...}) and request
 * (rc_out_set_request) as it learns them, feeds respcheck parsers, and ends
 * with rc_out_end_file; it reports read errors with rc_cli_io_error and a
 * rejected response through app->any_reject.
 */
#ifndef RESPCHECK_TOOLS_CLI_H
#define RESPCHECK_TOOLS_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "capture.h"
#include "output.h"
#include "respcheck.h"

/* Bytes read before the kind is told (fewer when the input is shorter). */
#define RC_INPUT_HEAD 512
/* Bytes per read by default, and at most (--read-size). */
#define RC_READ_SIZE (64u * 1024u)
#define RC_READ_SIZE_MAX (64u << 20)

typedef struct rc_cli {
  /* Options. */
  rc_out_config_t config;
  respcheck_options_t opts;
  /* The request every response of a raw stream answers (--method,
   * --request-version): target null. */
  rc_request_info_t request;
  /* Captures' options (--max-connections, --max-held-bytes, --rule for the
   * capture-* rules). */
  respcheck_capture_options_t copts;
  const char *include; /* --include; NULL: each kind's own patterns */
  size_t read_size;

  /* Run state. */
  rc_out_t *out;
  /* The parser and line map raw streams reuse from file to file. */
  respcheck_parser_t *parser;
  rc_linemap_t *linemap;
  uint64_t inputs_taken; /* files and standard inputs opened, or tried */
  int io_error;          /* exit status 2 */
  int any_reject;        /* exit status 1 */

  /* Progress on stderr (inputs.c). */
  int progress_tty;
  int stdout_tty; /* progress is cleared before output to the same screen */
  int progress_shown;
  const char *progress_path;
  uint64_t progress_size; /* 0 when unknown */
  int64_t progress_start, progress_last;
} rc_cli_t;

/* One input being read: a file or standard input, its first bytes already
 * read to tell its kind. */
typedef struct rc_input {
  const char *path; /* as given: "-" for standard input */
  int fd;
  uint64_t size; /* 0 when unknown (not a regular file) */
  unsigned char head[RC_INPUT_HEAD];
  size_t head_len; /* bytes in head (all there were, when fewer) */
  size_t head_pos; /* ... of which rc_input_read has returned these */
} rc_input_t;

/* Reads up to n bytes of the input from where the last read stopped: the
 * head's bytes first, then the file's. Returns the count, 0 at the end,
 * -1 with errno on an error (EINTR is retried). */
ssize_t rc_input_read(rc_input_t *in, void *buf, size_t n);

typedef struct rc_input_kind {
  const char *name; /* the source's "kind" */
  /* File names taken from directories unless --include is given
   * (fnmatch patterns), NULL-terminated. */
  const char *const *patterns;
  /* 1 when an input starting with these bytes is of this kind (len is less
   * than RC_INPUT_HEAD only for a shorter input). NULL: any input. */
  int (*sniff)(const unsigned char *head, size_t len);
  /* Lints the whole input (see above). */
  void (*lint)(rc_cli_t *app, rc_input_t *in);
} rc_input_kind_t;

extern const rc_input_kind_t rc_kind_pcap;   /* capture.c */
extern const rc_input_kind_t rc_kind_stream; /* stream.c */

/* Lints a file, a directory (walked) or "-" (inputs.c). */
void rc_lint_path(rc_cli_t *app, const char *path);
/* "respcheck: PATH: WHAT: strerror(err)" on stderr, the file in SARIF's
 * notifications, exit status 2. */
void rc_cli_io_error(rc_cli_t *app, const char *path, const char *what,
                     int err);

/* Progress of the input being read, on stderr when it is a terminal. */
void rc_progress_start(rc_cli_t *app, const rc_input_t *in);
void rc_progress_update(rc_cli_t *app, uint64_t done);
void rc_progress_clear(rc_cli_t *app);

#endif /* RESPCHECK_TOOLS_CLI_H */
