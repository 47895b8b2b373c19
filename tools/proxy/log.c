/* respcheck-proxy's JSON Lines log (log.h). */
#include "log.h"

#include <inttypes.h>
#include <string.h>

#include "output.h"

static const char *const action_names[] = {"forwarded", "rejected", "cut",
                                           "dropped", "aborted"};

void rp_record_start(rp_record_t *rec, uint64_t index) {
  rec->active = 1;
  rec->index = index;
  rec->have_head = 0;
  rec->head_valid = 0;
  rec->have_end = 0;
  rec->has_error = 0;
  rec->action = RP_ACTION_FORWARDED;
  rec->nfindings = 0;
  rec->findings_dropped = 0;
}

void rp_record_finding(rp_record_t *rec, const respcheck_finding_t *f) {
  rp_log_finding_t *lf;
  size_t len;
  if (f->severity == RESPCHECK_SEVERITY_ERROR)
    rec->has_error = 1;
  if (rec->nfindings >= RP_LOG_MAX_FINDINGS) {
    rec->findings_dropped++;
    return;
  }
  lf = &rec->findings[rec->nfindings++];
  lf->rule = f->rule;
  lf->id = f->id;
  lf->reference = f->reference;
  lf->severity = f->severity;
  lf->offset = f->offset;
  len = f->message != NULL ? strlen(f->message) : 0;
  if (len > RP_LOG_MAX_MESSAGE) {
    /* Cut where a UTF-8 sequence starts, and mark the cut as the command
     * does. */
    len = RP_LOG_MAX_MESSAGE - 3;
    while (len > 0 && ((unsigned char)f->message[len] & 0xC0) == 0x80)
      len--;
    memcpy(lf->message, f->message, len);
    memcpy(lf->message + len, "...", 3);
    len += 3;
  } else if (len > 0) {
    memcpy(lf->message, f->message, len);
  }
  lf->message_len = (unsigned)len;
}

static void put_str(FILE *fp, const char *s) {
  if (s == NULL)
    fputs("null", fp);
  else
    rc_json_string(fp, s, strlen(s));
}

static void put_span(FILE *fp, respcheck_span_t span) {
  rc_json_string(fp, span.ptr != NULL ? span.ptr : "",
                 span.ptr != NULL ? span.len : 0);
}

static int is_registered(const respcheck_response_t *r) {
  return r->info != NULL && (r->info->state == RESPCHECK_STATUS_PERMANENT ||
                             r->info->state == RESPCHECK_STATUS_TEMPORARY ||
                             r->info->state == RESPCHECK_STATUS_DEPRECATED ||
                             r->info->state == RESPCHECK_STATUS_OBSOLETED);
}

void rp_log_write(rp_log_t *log, uint64_t connection, const rp_request_t *req,
                  const rp_record_t *rec) {
  FILE *fp = log->fp;
  unsigned i;
  int reject;
  if (!rec->active)
    return;
  if (!log->all && rec->nfindings == 0 && rec->findings_dropped == 0 &&
      rec->action == RP_ACTION_FORWARDED)
    return;
  reject =
      rec->have_end ? rec->end.verdict == RESPCHECK_REJECT : rec->has_error;

  fprintf(fp, "{\"connection\":%" PRIu64 ",\"request\":", connection);
  if (req == NULL) {
    fputs("null", fp);
  } else {
    fputs("{\"method\":", fp);
    put_str(fp, req->method);
    fputs(",\"target\":", fp);
    rc_json_string(fp, req->target, req->target_len);
    fprintf(fp, ",\"version\":\"%u.%u\"", (unsigned)req->ctx.version_major,
            (unsigned)req->ctx.version_minor);
    if (req->target_cut)
      fputs(",\"target_truncated\":true", fp);
    fputs("}", fp);
  }
  fprintf(fp, ",\"index\":%" PRIu64 ",\"offset\":%" PRIu64, rec->index,
          rec->have_end    ? rec->end.offset
          : rec->have_head ? rec->head.offset
          : rec->nfindings ? rec->findings[0].offset
                           : 0);
  if (rec->have_end)
    fprintf(fp, ",\"end_offset\":%" PRIu64, rec->end.end_offset);
  else
    fputs(",\"end_offset\":null", fp);
  if (rec->have_head) {
    const respcheck_response_t *r = &rec->head;
    fprintf(fp, ",\"version\":\"%u.%u\",\"status\":%d,\"reason\":",
            (unsigned)r->version_major, (unsigned)r->version_minor, r->status);
    if (rec->head_valid)
      put_span(fp, r->reason);
    else
      fputs("null", fp);
    fprintf(fp, ",\"effective_status\":%d,\"registered\":%s",
            r->effective_status, is_registered(r) ? "true" : "false");
    if (log->headers) {
      size_t h;
      fputs(",\"headers\":[", fp);
      for (h = 0; rec->head_valid && r->headers != NULL && h < r->header_count;
           h++) {
        fputs(h > 0 ? ",[" : "[", fp);
        put_span(fp, r->headers[h].name);
        fputs(",", fp);
        put_span(fp, r->headers[h].value);
        fputs("]", fp);
      }
      fputs("]", fp);
    }
  } else {
    fputs(",\"version\":null,\"status\":null,\"reason\":null,"
          "\"effective_status\":null,\"registered\":false",
          fp);
    if (log->headers)
      fputs(",\"headers\":[]", fp);
  }
  fprintf(fp, ",\"verdict\":\"%s\",\"complete\":%s,\"action\":\"%s\"",
          reject ? "reject" : "accept",
          rec->have_end && (rec->end.flags & RESPCHECK_END_COMPLETE) ? "true"
                                                                     : "false",
          action_names[rec->action]);
  fputs(",\"findings\":[", fp);
  for (i = 0; i < rec->nfindings; i++) {
    const rp_log_finding_t *f = &rec->findings[i];
    fputs(i > 0 ? ",{\"rule\":" : "{\"rule\":", fp);
    put_str(fp, f->id);
    fprintf(fp,
            ",\"severity\":\"%s\",\"offset\":%" PRIu64
            ",\"line\":null,\"column\":null,\"message\":",
            respcheck_severity_name(f->severity), f->offset);
    rc_json_string(fp, f->message, f->message_len);
    fputs(",\"reference\":", fp);
    put_str(fp, f->reference);
    fputs("}", fp);
  }
  fputs("]", fp);
  if (rec->findings_dropped > 0)
    fprintf(fp, ",\"findings_dropped\":%" PRIu64, rec->findings_dropped);
  fputs("}\n", fp);
  /* One line per response, flushed: a reader tailing the log sees whole
   * lines, and a crash loses nothing written. */
  if (fflush(fp) != 0 || ferror(fp))
    log->failed = 1;
}

size_t rp_record_error_rules(const rp_record_t *rec, char *buf, size_t size) {
  size_t len = 0;
  unsigned i, j;
  if (size == 0)
    return 0;
  buf[0] = '\0';
  for (i = 0; i < rec->nfindings; i++) {
    const rp_log_finding_t *f = &rec->findings[i];
    size_t n;
    int seen = 0;
    if (f->severity != RESPCHECK_SEVERITY_ERROR || f->id == NULL)
      continue;
    for (j = 0; j < i; j++)
      if (rec->findings[j].rule == f->rule &&
          rec->findings[j].severity == RESPCHECK_SEVERITY_ERROR)
        seen = 1;
    if (seen)
      continue;
    n = strlen(f->id);
    if (len + n + 3 >= size)
      break;
    if (len > 0) {
      memcpy(buf + len, ", ", 2);
      len += 2;
    }
    memcpy(buf + len, f->id, n);
    len += n;
    buf[len] = '\0';
  }
  return len;
}
