/* SPDX-License-Identifier: MIT */
/*
 * The respcheck command's run, shared by its files: main.c (options),
 * inputs.c (paths, directories, telling an input's kind, progress) and one
 * reader per input kind (stream.c: raw response streams; warc.c: web
 * archives, with warc/; har.c: browser exports, with har/).
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
  /* What a raw stream's responses answer in turn, besides `request`
   * (pairing.c): --methods (methods[0..nmethods), the last repeating;
   * --method is a list of one) or --requests (the client's bytes of the
   * same connection). */
  const char **methods;
  size_t nmethods;
  const char *requests_path;
  struct rc_pairing *pairing; /* of the stream being read, or NULL */
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
  /* The readers of the other kinds, made at their first input and reused;
   * and the buffer they read into. */
  struct respcheck_warc_reader *warc;
  struct respcheck_har_reader *har;
  unsigned char *read_buf;
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
extern const rc_input_kind_t rc_kind_warc;   /* warc.c */
extern const rc_input_kind_t rc_kind_har;    /* har.c */

/* The parser callbacks of kinds without a line map (web archives, browser
 * exports): findings, heads and ends to the output, a rejected response
 * noted for the exit status; the user pointer is the rc_cli_t. */
extern const respcheck_callbacks_t rc_cli_callbacks;
/* What those callbacks do with a finding and a message end, for readers
 * that do more (stream.c pins offsets for the line map). */
void rc_cli_finding(rc_cli_t *app, const respcheck_finding_t *f);
void rc_cli_message_end(rc_cli_t *app, const respcheck_message_end_t *end);

/* Reads the input to its end in app->read_size pieces, handing each to
 * feed(ctx, ...), which returns 0 to go on; shows progress. Returns 0 at
 * the end of the input, 1 when feed stopped, -1 after a read error (said
 * on stderr: rc_cli_io_error). */
int rc_input_pump(rc_cli_t *app, rc_input_t *in,
                  int (*feed)(void *ctx, const void *data, size_t len),
                  void *ctx);
/* Frees the readers and the buffer of rc_input_pump (main, at the end). */
void rc_cli_free_readers(rc_cli_t *app);
/* "respcheck: PATH: byte OFFSET: REASON" on stderr, the file in SARIF's
 * notifications, exit status 2: an input that is not what its kind
 * expects (bad input). */
void rc_cli_input_error(rc_cli_t *app, const char *path, uint64_t offset,
                        const char *reason);

/* pairing.c: the requests a raw stream's responses answer (--methods,
 * --requests), pushed to app->parser and set as the records' "request".
 * rc_pairing_begin after the parser's reset and rc_out_begin_file (-1: an
 * error, said; the input is not read); rc_pairing_head from on_head;
 * rc_pairing_end from on_message_end, after rc_out_response_end;
 * rc_pairing_finish at the end (whole: the stream was read to its end, so
 * requests left without a response are said). */
typedef struct rc_pairing rc_pairing_t;
int rc_pairing_begin(rc_cli_t *app, const rc_input_t *in);
void rc_pairing_head(rc_cli_t *app, const respcheck_response_t *r);
void rc_pairing_end(rc_cli_t *app, const respcheck_message_end_t *end);
void rc_pairing_finish(rc_cli_t *app, int whole);

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
