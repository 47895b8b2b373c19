/* SPDX-License-Identifier: MIT */
/* respcheck-proxy's JSON Lines log (log.h). */
#include "log.h"

#include <string.h>

#include "json.h"
#include "record.h"

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

static void log_flushed(rp_log_t *log) {
  /* One line per response, flushed: a reader tailing the log sees whole
   * lines, and a crash loses nothing written. */
  if (fflush(log->fp) != 0 || ferror(log->fp))
    log->failed = 1;
}

static void write_summary(void *user, unsigned key, uint64_t suppressed,
                          uint64_t since) {
  rp_log_t *log = user;
  rc_sink_t out = {log->fp, NULL};
  unsigned rule = rp_rate_key_rule(key), action = rp_rate_key_action(key);
  (void)since;
  rc_sink_str(&out, "{\"suppressed\":");
  rc_sink_u64(&out, suppressed);
  rc_sink_str(&out, ",\"rule\":");
  rc_sink_json_cstr(&out, rule < RESPCHECK_RULE_COUNT
                              ? respcheck_rule_id((respcheck_rule_t)rule)
                              : NULL);
  rc_sink_str(&out, ",\"action\":");
  rc_sink_json_cstr(&out, action < sizeof action_names / sizeof action_names[0]
                              ? action_names[action]
                              : NULL);
  rc_sink_str(&out, ",\"window_ms\":");
  rc_sink_u64(&out, RP_RATE_WINDOW_MS);
  rc_sink_str(&out, "}\n");
  log_flushed(log);
}

unsigned rp_log_flush_rate(rp_log_t *log, int all) {
  return rp_rate_flush(&log->rate, log->now, all, write_summary, log);
}

/* The rate-limit key of a record: its first error finding's rule (else its
 * first finding's), and its action. */
static unsigned rate_key(const rp_record_t *rec) {
  unsigned i, rule = RP_RATE_NO_RULE;
  for (i = 0; i < rec->nfindings; i++)
    if (rec->findings[i].severity == RESPCHECK_SEVERITY_ERROR) {
      rule = (unsigned)rec->findings[i].rule;
      break;
    }
  if (rule == RP_RATE_NO_RULE && rec->nfindings > 0)
    rule = (unsigned)rec->findings[0].rule;
  return rp_rate_key(rule, (unsigned)rec->action);
}

void rp_log_write(rp_log_t *log, uint64_t connection, const rp_request_t *req,
                  const rp_record_t *rec) {
  rc_sink_t out = {log->fp, NULL};
  rc_record_t r;
  rc_request_info_t ri;
  unsigned i;
  int plain;
  if (!rec->active)
    return;
  plain = rec->nfindings == 0 && rec->findings_dropped == 0 &&
          rec->action == RP_ACTION_FORWARDED;
  if (plain && !log->all)
    return;
  /* What --log-all asks for (responses passed on without findings) is not
   * limited: those lines are the point of the option. */
  if (!plain &&
      !rp_rate_allow(&log->rate, rate_key(rec), log->now, write_summary, log))
    return;
  memset(&r, 0, sizeof r);
  r.connection = connection;
  if (req != NULL) {
    ri.method = req->method;
    ri.target = req->target;
    ri.target_len = req->target_len;
    ri.target_cut = req->target_cut;
    ri.version_major = req->ctx.version_major;
    ri.version_minor = req->ctx.version_minor;
    r.request = &ri;
  }
  r.index = rec->index;
  r.offset = rec->have_end    ? rec->end.offset
             : rec->have_head ? rec->head.offset
             : rec->nfindings ? rec->findings[0].offset
                              : 0;
  r.have_end = rec->have_end;
  r.end_offset = rec->end.end_offset;
  r.head = rec->have_head ? &rec->head : NULL;
  r.head_spans = rec->head_valid;
  r.headers = log->headers;
  r.reject =
      rec->have_end ? rec->end.verdict == RESPCHECK_REJECT : rec->has_error;
  r.complete = rec->have_end && (rec->end.flags & RESPCHECK_END_COMPLETE);
  r.action = action_names[rec->action];
  rc_record_open(&out, &r);
  for (i = 0; i < rec->nfindings; i++) {
    const rp_log_finding_t *f = &rec->findings[i];
    rc_record_finding_t rf;
    memset(&rf, 0, sizeof rf);
    rf.rule = f->id;
    rf.rule_len = f->id != NULL ? strlen(f->id) : 0;
    rf.severity = (int)f->severity;
    rf.offset = f->offset;
    rf.message = f->message;
    rf.message_len = f->message_len;
    rf.reference = f->reference;
    rf.reference_len = f->reference != NULL ? strlen(f->reference) : 0;
    rc_record_finding(&out, &rf, i);
  }
  rc_record_close(&out, rec->findings_dropped);
  log_flushed(log);
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
