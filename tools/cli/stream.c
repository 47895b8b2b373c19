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
  if (app->stdout_tty && app->config.format == RC_FORMAT_JSON)
    rc_progress_clear(app);
  /* The next response's findings may point back here: empty lines before
   * its status line are reported from their first one. */
  rc_linemap_pin(app->linemap, end->end_offset);
  rc_out_response_end(app->out, end);
}

static const respcheck_callbacks_t callbacks = {on_finding, on_head, NULL,
                                                on_message_end, NULL};

/* ------------------------------------------------------------------------ */

static void lint_stream(rc_cli_t *app, rc_input_t *in) {
  static const rc_source_t source = {"stream", 0, {{0}}};
  uint64_t done = 0;
  int read_failed = 0;
  unsigned n_reads = 0;

  if (app->parser == NULL) {
    /* One parser and line map for every raw stream of the run. */
    app->parser = respcheck_parser_new(&app->opts, &callbacks, app);
    app->linemap =
        rc_linemap_new(rc_linemap_window(&app->opts, app->read_size));
    if (app->parser == NULL || app->linemap == NULL) {
      rc_cli_io_error(app, in->path, "cannot be read", ENOMEM);
      return;
    }
  }
  respcheck_parser_reset(app->parser);
  rc_linemap_reset(app->linemap);
  rc_out_begin_file(app->out, in->path, rc_linemap_locate, app->linemap);
  rc_out_set_source(app->out, &source, NULL);
  rc_out_set_request(app->out, &app->request);
  rc_progress_start(app, in);

  for (;;) {
    size_t room;
    char *dst = rc_linemap_next(app->linemap, &room);
    ssize_t n =
        rc_input_read(in, dst, room < app->read_size ? room : app->read_size);
    if (n < 0) {
      rc_cli_io_error(app, in->path, "read error", errno);
      read_failed = 1;
      break;
    }
    if (n == 0)
      break;
    rc_linemap_feed(app->linemap, dst, (size_t)n);
    done += (uint64_t)n;
    /* After a fatal finding the parser reads nothing more; after a 101 or a
     * CONNECT tunnel the rest is not HTTP. */
    if (respcheck_execute(app->parser, dst, (size_t)n) != RESPCHECK_E_OK ||
        respcheck_parser_in_tunnel(app->parser))
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
