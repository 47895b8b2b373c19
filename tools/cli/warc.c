/* SPDX-License-Identifier: MIT */
/*
 * The respcheck command's reader of web archives: WARC files, plain or
 * gzip (warc/respcheck_warc.h tells them apart by their first bytes, as
 * the sniff here does). Each response record's HTTP block is linted as one
 * stream; its records carry
 *
 *   "source": {"kind":"warc","record":N,"record_id":"<urn:uuid:...>",
 *              "target_uri":"http://..."}
 *   "request": the paired request record's method, target and version, or
 *              null (the defaults of --method and --request-version apply)
 *
 * and "offset"/"index" count within the record's block. Text lines name
 * the record: "crawl.warc.gz: record 4 (http://...): error: ... at byte 9
 * of the record's block". Bad input (not WARC, corrupt gzip, a record past
 * the end of the file) is reported after what was read, exit status 2.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "respcheck_warc.h"

/* Bytes of a target URI shown in a text line's label. */
#define RC_LABEL_URI 200

static void on_record(void *user, const respcheck_warc_record_t *rec) {
  rc_cli_t *app = user;
  rc_source_t src = {"warc", 0, {{0}}};
  char label[64 + RC_LABEL_URI + 4];
  size_t n, u;
  char method[40];

  rc_out_next_stream(app->out);
  rc_source_number(&src, "record", rec->number);
  rc_source_string(&src, "record_id", rec->record_id.ptr, rec->record_id.len);
  rc_source_string(&src, "target_uri", rec->target_uri.ptr,
                   rec->target_uri.len);
  n = (size_t)snprintf(label, sizeof label, "record %llu",
                       (unsigned long long)rec->number);
  if (rec->target_uri.len > 0) {
    /* Any bytes: the output escapes the label; a NUL ends it. */
    u = rec->target_uri.len < RC_LABEL_URI ? rec->target_uri.len : RC_LABEL_URI;
    memcpy(label + n, " (", 2);
    memcpy(label + n + 2, rec->target_uri.ptr, u);
    memcpy(label + n + 2 + u, ")", 2);
  }
  rc_out_set_source(app->out, &src, label);
  if (rec->flags & RESPCHECK_WARC_PAIRED) {
    rc_request_info_t req;
    memset(&req, 0, sizeof req);
    n = rec->method.len < sizeof method - 1 ? rec->method.len
                                            : sizeof method - 1;
    memcpy(method, rec->method.ptr, n);
    method[n] = '\0';
    req.method = method;
    req.target = rec->target.ptr;
    req.target_len = rec->target.len;
    req.version_major = rec->request.version_major;
    req.version_minor = rec->request.version_minor;
    rc_out_set_request(app->out, &req);
  } else {
    rc_out_set_request(app->out, NULL);
  }
}

static int feed(void *ctx, const void *data, size_t len) {
  return respcheck_warc_feed(ctx, data, len) != RESPCHECK_WARC_E_OK;
}

static void lint_warc(rc_cli_t *app, rc_input_t *in) {
  static const rc_source_t source = {"warc", 0, {{0}}};
  respcheck_warc_reader_t *r = app->warc;
  respcheck_warc_errno_t e;
  int rc;

  if (r == NULL) {
    respcheck_warc_options_t o;
    respcheck_warc_callbacks_t cb;
    respcheck_warc_options_init(&o);
    o.http = app->opts;
    memset(&cb, 0, sizeof cb);
    cb.on_record = on_record;
    cb.http = rc_cli_callbacks;
    r = app->warc = respcheck_warc_reader_new(&o, &cb, app);
    if (r == NULL) {
      rc_cli_io_error(app, in->path, "cannot be read", ENOMEM);
      return;
    }
  }
  respcheck_warc_reader_reset(r);
  rc_out_begin_file(app->out, in->path, NULL, NULL);
  rc_out_set_source(app->out, &source, NULL);
  rc_out_set_offsets(app->out, RC_OFFSETS_BLOCK);
  rc = rc_input_pump(app, in, feed, r);
  /* After a read error the file has no known end: nothing more. */
  e = rc == 0 ? respcheck_warc_finish(r) : respcheck_warc_error(r);
  rc_progress_clear(app);
  rc_out_end_file(app->out);
  if (rc >= 0 && e != RESPCHECK_WARC_E_OK)
    rc_cli_input_error(app, in->path, respcheck_warc_error_offset(r),
                       respcheck_warc_error_reason(r));
}

static int sniff(const unsigned char *head, size_t len) {
  return respcheck_warc_sniff(head, len);
}

static const char *const warc_patterns[] = {"*.warc", "*.warc.gz", NULL};

const rc_input_kind_t rc_kind_warc = {"warc", warc_patterns, sniff, lint_warc};
