/* SPDX-License-Identifier: MIT */
/*
 * The respcheck command's reader of raw response streams: each input is one
 * connection's server-to-client bytes (1xx, keep-alive and pipelined
 * responses back to back), every response answering the request of the
 * options (--method, --request-version). The input kind that takes any
 * bytes, asked last.
 *
 * The input is read in fixed-size chunks fed to the parser one by one, so
 * memory stays flat whatever its size; the line map keeps enough of the
 * recent bytes to turn each finding's offset into LINE:COLUMN.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

/* ------------------------------------------------------------------------ */
/* Parser callbacks. */

static void on_finding(void *user, const respcheck_finding_t *f) {
  rc_cli_t *app = user;
  if (app->stdout_tty)
    rc_progress_clear(app);
  if (f->severity == RESPCHECK_SEVERITY_ERROR)
    app->any_reject = 1;
  rc_out_finding(app->out, f);
}

static int on_head(void *user, const respcheck_response_t *r) {
  rc_cli_t *app = user;
  /* A finding may point at the response's first byte after a long body. */
  rc_linemap_pin(app->linemap, r->offset);
  rc_out_response_head(app->out, r);
  return 0;
}

static void on_message_end(void *user, const respcheck_message_end_t *end) {
  rc_cli_t *app = user;
  if (end->verdict == RESPCHECK_REJECT)
    app->any_reject = 1;
  /* JSON and text are written when a response ends. */
  if (app->stdout_tty && app->config.format != RC_FORMAT_SARIF)
    rc_progress_clear(app);
  /* The next response's findings may point back here: empty lines before
   * its status line are reported from their first one. */
  rc_linemap_pin(app->linemap, end->end_offset);
  rc_out_response_end(app->out, end);
}

static const respcheck_callbacks_t callbacks = {on_finding, on_head, NULL,
                                                on_message_end, NULL};

/* ------------------------------------------------------------------------ */

/* The parser reads RC_AHEAD bytes behind the line map (all of them at the
 * end of the input), so that a finding's line, up to RC_SNIPPET_AFTER
 * bytes past its offset, is there when the finding comes, whatever the
 * read size: the snippets under --show-source and the baseline's
 * fingerprints (baseline.h) must not depend on where a read ended. */
#define RC_AHEAD (RC_SNIPPET_AFTER + 1)
/* Reads waiting for the parser: each at least a byte, so RC_AHEAD + 1
 * always suffice. */
#define RC_AHEAD_READS (RC_AHEAD + 1)

typedef struct ahead {
  struct {
    char *p;
    size_t n;
    uint64_t end; /* stream offset one past it */
  } q[RC_AHEAD_READS];
  size_t first, len;
} ahead_t;

/* Parses the oldest waiting read; 0 to go on, -1 when nothing more of the
 * stream is to be parsed: after a fatal finding the parser reads nothing
 * more; after a 101 or a CONNECT tunnel the rest is not HTTP. */
static int parse_oldest(rc_cli_t *app, ahead_t *a) {
  char *p = a->q[a->first].p;
  size_t n = a->q[a->first].n;
  a->first = (a->first + 1) % RC_AHEAD_READS;
  a->len--;
  if (respcheck_execute(app->parser, p, n) != RESPCHECK_E_OK ||
      respcheck_parser_in_tunnel(app->parser))
    return -1;
  return 0;
}

static void lint_stream(rc_cli_t *app, rc_input_t *in) {
  static const rc_source_t source = {"stream", 0, {{0}}};
  uint64_t done = 0;
  int read_failed = 0, stopped = 0;
  unsigned n_reads = 0;
  ahead_t a;

  if (app->parser == NULL) {
    /* One parser and line map for every raw stream of the run. The map
     * holds the reads the parser has not had yet, and the next one. */
    app->parser = respcheck_parser_new(&app->opts, &callbacks, app);
    app->linemap = rc_linemap_new(
        rc_linemap_window(&app->opts, 2 * app->read_size + RC_AHEAD));
    if (app->parser == NULL || app->linemap == NULL) {
      rc_cli_io_error(app, in->path, "cannot be read", ENOMEM);
      return;
    }
  }
  respcheck_parser_reset(app->parser);
  rc_linemap_reset(app->linemap);
  rc_out_begin_file(app->out, in->path, rc_linemap_locate, app->linemap);
  rc_out_set_snippets(app->out, rc_linemap_snippet, app->linemap);
  rc_out_set_source(app->out, &source, NULL);
  rc_out_set_request(app->out, &app->request);
  rc_progress_start(app, in);

  a.first = a.len = 0;
  while (!stopped) {
    size_t room;
    char *dst = rc_linemap_next(app->linemap, &room);
    ssize_t n =
        rc_input_read(in, dst, room < app->read_size ? room : app->read_size);
    if (n < 0) {
      rc_cli_io_error(app, in->path, "read error", errno);
      read_failed = 1;
    } else if (n > 0) {
      size_t k = (a.first + a.len++) % RC_AHEAD_READS;
      rc_linemap_feed(app->linemap, dst, (size_t)n);
      done += (uint64_t)n;
      a.q[k].p = dst;
      a.q[k].n = (size_t)n;
      a.q[k].end = done;
    }
    /* What was read is parsed, up to RC_AHEAD bytes behind; at the end
     * (or a read error), all of it. */
    while (!stopped && a.len > 0 &&
           (n <= 0 || a.q[a.first].end + RC_AHEAD <= done ||
            a.len == RC_AHEAD_READS))
      stopped = parse_oldest(app, &a) != 0;
    if (n <= 0)
      break;
    if ((++n_reads & 15) == 0)
      rc_progress_update(app, done);
  }
  /* A read error is not the end of the stream: no message-truncated. */
  if (!read_failed)
    (void)respcheck_finish(app->parser);
  rc_progress_clear(app);
  rc_out_end_file(app->out);
}

static const char *const stream_patterns[] = {"*.http", NULL};

const rc_input_kind_t rc_kind_stream = {"stream", stream_patterns, NULL,
                                        lint_stream};
