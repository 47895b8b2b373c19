/* SPDX-License-Identifier: MIT */
/*
 * The respcheck command's reader of browser exports: HAR files
 * (har/respcheck_har.h; told by content: JSON, which no HTTP stream looks
 * like; JSON that is not a HAR is an error). A HAR holds parsed responses, not
 * bytes: each entry's response is checked by the rules that need no bytes, and
 * its record carries
 *
 *   "source": {"kind":"har","entry":N,"url":"http://..."}
 *   "request": {"method", "target" (the request's URL), "version"}
 *   "offset", "end_offset" and the findings' "offset": null
 *
 * Text lines name the entry: "session.har: entry 3 (http://...): error:
 * ...". Invalid JSON or a file that is not a HAR is reported after the
 * entries read, exit status 2.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "respcheck_har.h"

/* Bytes of a URL shown in a text line's label. */
#define RC_LABEL_URL 200

static void on_entry(void *user, const respcheck_har_entry_t *e) {
  rc_cli_t *app = user;
  rc_source_t src = {"har", 0, {{0}}};
  rc_request_info_t req;
  char label[64 + RC_LABEL_URL + 4];
  char method[40], version[24];
  size_t n, u;

  rc_out_next_stream(app->out);
  rc_source_number(&src, "entry", e->number);
  rc_source_string(&src, "url", e->url.ptr, e->url.len);
  n = (size_t)snprintf(label, sizeof label, "entry %llu",
                       (unsigned long long)e->number);
  if (e->url.len > 0) {
    u = e->url.len < RC_LABEL_URL ? e->url.len : RC_LABEL_URL;
    memcpy(label + n, " (", 2);
    memcpy(label + n + 2, e->url.ptr, u);
    memcpy(label + n + 2 + u, ")", 2);
  }
  rc_out_set_source(app->out, &src, label);
  if (!e->has_request) {
    rc_out_set_request(app->out, NULL);
    return;
  }
  memset(&req, 0, sizeof req);
  n = e->method.len < sizeof method - 1 ? e->method.len : sizeof method - 1;
  memcpy(method, e->method.ptr, n);
  method[n] = '\0';
  req.method = method;
  req.target = e->url.ptr;
  req.target_len = e->url.len;
  if (e->request.version_major == 1) {
    req.version_major = 1;
    req.version_minor = e->request.version_minor;
  } else {
    /* "h2", "HTTP/2.0", or nothing: as written (null when empty). */
    n = e->request_version.len < sizeof version - 1 ? e->request_version.len
                                                    : sizeof version - 1;
    memcpy(version, e->request_version.ptr, n);
    version[n] = '\0';
    req.version_text = version;
  }
  rc_out_set_request(app->out, &req);
}

static int feed(void *ctx, const void *data, size_t len) {
  return respcheck_har_feed(ctx, data, len) != RESPCHECK_HAR_E_OK;
}

static void lint_har(rc_cli_t *app, rc_input_t *in) {
  static const rc_source_t source = {"har", 0, {{0}}};
  respcheck_har_reader_t *r = app->har;
  respcheck_har_errno_t e;
  int rc;

  if (r == NULL) {
    respcheck_har_options_t o;
    respcheck_har_callbacks_t cb;
    respcheck_har_options_init(&o);
    o.http = app->opts;
    memset(&cb, 0, sizeof cb);
    cb.on_entry = on_entry;
    cb.http = rc_cli_callbacks;
    r = app->har = respcheck_har_reader_new(&o, &cb, app);
    if (r == NULL) {
      rc_cli_io_error(app, in->path, "cannot be read", ENOMEM);
      return;
    }
  }
  respcheck_har_reader_reset(r);
  rc_out_begin_file(app->out, in->path, NULL, NULL);
  rc_out_set_source(app->out, &source, NULL);
  rc_out_set_offsets(app->out, RC_OFFSETS_NONE);
  rc = rc_input_pump(app, in, feed, r);
  e = rc == 0 ? respcheck_har_finish(r) : respcheck_har_error(r);
  rc_progress_clear(app);
  rc_out_end_file(app->out);
  if (rc >= 0 && e != RESPCHECK_HAR_E_OK)
    rc_cli_input_error(app, in->path, respcheck_har_error_offset(r),
                       respcheck_har_error_reason(r));
}

static int sniff(const unsigned char *head, size_t len) {
  return respcheck_har_sniff(head, len);
}

static const char *const har_patterns[] = {"*.har", NULL};

const rc_input_kind_t rc_kind_har = {"har", har_patterns, sniff, lint_har};
