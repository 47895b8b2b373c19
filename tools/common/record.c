/* SPDX-License-Identifier: MIT */
/* The JSON record of one response, for both tools (record.h). */
#include "record.h"

#include <string.h>

const char *rc_severity_name(int s) {
  switch (s) {
  case RESPCHECK_SEVERITY_OFF:
    return "off";
  case RESPCHECK_SEVERITY_INFO:
    return "info";
  case RESPCHECK_SEVERITY_WARNING:
    return "warning";
  case RESPCHECK_SEVERITY_ERROR:
    return "error";
  default:
    return "unknown";
  }
}

int rc_response_registered(const respcheck_response_t *r) {
  return r->info != NULL && (r->info->state == RESPCHECK_STATUS_PERMANENT ||
                             r->info->state == RESPCHECK_STATUS_TEMPORARY ||
                             r->info->state == RESPCHECK_STATUS_DEPRECATED ||
                             r->info->state == RESPCHECK_STATUS_OBSOLETED);
}

static rc_source_field_t *source_add(rc_source_t *src, const char *key) {
  rc_source_field_t *f;
  if (src->nfields >= RC_SOURCE_MAX_FIELDS)
    return NULL;
  f = &src->fields[src->nfields++];
  memset(f, 0, sizeof *f);
  f->key = key;
  return f;
}

void rc_source_number(rc_source_t *src, const char *key, uint64_t value) {
  rc_source_field_t *f = source_add(src, key);
  if (f != NULL) {
    f->type = RC_VALUE_NUMBER;
    f->number = value;
  }
}

void rc_source_string(rc_source_t *src, const char *key, const char *value,
                      size_t len) {
  rc_source_field_t *f = source_add(src, key);
  if (f != NULL && value != NULL) {
    f->type = RC_VALUE_STRING;
    f->string = value;
    f->string_len = len;
  }
}

void rc_record_source(const rc_sink_t *out, const rc_source_t *src) {
  unsigned i;
  rc_sink_str(out, "{\"kind\":");
  rc_sink_json_cstr(out, src->kind);
  for (i = 0; i < src->nfields && i < RC_SOURCE_MAX_FIELDS; i++) {
    const rc_source_field_t *f = &src->fields[i];
    rc_sink_str(out, ",\"");
    rc_sink_str(out, f->key);
    rc_sink_str(out, "\":");
    switch (f->type) {
    case RC_VALUE_NUMBER:
      rc_sink_u64(out, f->number);
      break;
    case RC_VALUE_STRING:
      rc_sink_json(out, f->string != NULL ? f->string : "",
                   f->string != NULL ? f->string_len : 0);
      break;
    case RC_VALUE_NULL:
    default:
      rc_sink_str(out, "null");
      break;
    }
  }
  rc_sink_put(out, "}", 1);
}

void rc_record_request(const rc_sink_t *out, const rc_request_info_t *req) {
  if (req == NULL) {
    rc_sink_str(out, "null");
    return;
  }
  rc_sink_str(out, "{\"method\":");
  rc_sink_json_cstr(out, req->method);
  rc_sink_str(out, ",\"target\":");
  if (req->target != NULL)
    rc_sink_json(out, req->target, req->target_len);
  else
    rc_sink_str(out, "null");
  if (req->version_text != NULL && req->version_text[0] == '\0') {
    rc_sink_str(out, ",\"version\":null");
  } else if (req->version_text != NULL) {
    rc_sink_str(out, ",\"version\":");
    rc_sink_json_cstr(out, req->version_text);
  } else {
    rc_sink_str(out, ",\"version\":\"");
    rc_sink_u64(out, req->version_major);
    rc_sink_put(out, ".", 1);
    rc_sink_u64(out, req->version_minor);
    rc_sink_put(out, "\"", 1);
  }
  if (req->target_cut)
    rc_sink_str(out, ",\"target_truncated\":true");
  rc_sink_put(out, "}", 1);
}

static void put_span(const rc_sink_t *out, respcheck_span_t span) {
  rc_sink_json(out, span.ptr != NULL ? span.ptr : "",
               span.ptr != NULL ? span.len : 0);
}

void rc_record_head(const rc_sink_t *out, const respcheck_response_t *r,
                    int spans, int headers) {
  size_t i;
  rc_sink_str(out, ",\"version\":\"");
  rc_sink_u64(out, r->version_major);
  rc_sink_put(out, ".", 1);
  rc_sink_u64(out, r->version_minor);
  rc_sink_str(out, "\",\"status\":");
  rc_sink_i64(out, r->status);
  rc_sink_str(out, ",\"reason\":");
  if (spans)
    put_span(out, r->reason);
  else
    rc_sink_str(out, "null");
  rc_sink_str(out, ",\"effective_status\":");
  rc_sink_i64(out, r->effective_status);
  rc_sink_str(out, rc_response_registered(r) ? ",\"registered\":true"
                                             : ",\"registered\":false");
  if (!headers)
    return;
  rc_sink_str(out, ",\"headers\":[");
  for (i = 0; spans && r->headers != NULL && i < r->header_count; i++) {
    const respcheck_header_t *h = &r->headers[i];
    rc_sink_str(out, i > 0 ? ",[" : "[");
    put_span(out, h->name);
    rc_sink_put(out, ",", 1);
    put_span(out, h->value);
    rc_sink_put(out, "]", 1);
  }
  rc_sink_put(out, "]", 1);
}

void rc_record_open(const rc_sink_t *out, const rc_record_t *rec) {
  if (rec->file != NULL) {
    rc_sink_str(out, "{\"file\":");
    rc_sink_json(out, rec->file, rec->file_len);
  } else {
    rc_sink_str(out, "{\"connection\":");
    rc_sink_u64(out, rec->connection);
  }
  if (rec->source_json != NULL) {
    rc_sink_str(out, ",\"source\":");
    rc_sink_put(out, rec->source_json, rec->source_json_len);
  }
  rc_sink_str(out, ",\"request\":");
  if (rec->request_json != NULL)
    rc_sink_put(out, rec->request_json, rec->request_json_len);
  else
    rc_record_request(out, rec->request);
  rc_sink_str(out, ",\"index\":");
  rc_sink_u64(out, rec->index);
  rc_sink_str(out, ",\"offset\":");
  if (rec->no_offsets)
    rc_sink_str(out, "null");
  else
    rc_sink_u64(out, rec->offset);
  rc_sink_str(out, ",\"end_offset\":");
  if (rec->have_end && !rec->no_offsets)
    rc_sink_u64(out, rec->end_offset);
  else
    rc_sink_str(out, "null");
  if (rec->head_json != NULL) {
    rc_sink_put(out, rec->head_json, rec->head_json_len);
  } else if (rec->head != NULL) {
    rc_record_head(out, rec->head, rec->head_spans, rec->headers);
  } else {
    rc_sink_str(out, ",\"version\":null,\"status\":null,\"reason\":null,"
                     "\"effective_status\":null,\"registered\":false");
    if (rec->headers)
      rc_sink_str(out, ",\"headers\":[]");
  }
  rc_sink_str(out, rec->reject ? ",\"verdict\":\"reject\""
                               : ",\"verdict\":\"accept\"");
  rc_sink_str(out,
              rec->complete ? ",\"complete\":true" : ",\"complete\":false");
  if (rec->action != NULL) {
    rc_sink_str(out, ",\"action\":\"");
    rc_sink_str(out, rec->action);
    rc_sink_put(out, "\"", 1);
  }
  rc_sink_str(out, ",\"findings\":[");
}

void rc_record_finding(const rc_sink_t *out, const rc_record_finding_t *f,
                       size_t n) {
  rc_sink_str(out, n > 0 ? ",{\"rule\":" : "{\"rule\":");
  rc_sink_json(out, f->rule != NULL ? f->rule : "",
               f->rule != NULL ? f->rule_len : 0);
  rc_sink_str(out, ",\"severity\":\"");
  rc_sink_str(out, rc_severity_name(f->severity));
  rc_sink_str(out, "\",\"offset\":");
  if (f->no_offset)
    rc_sink_str(out, "null");
  else
    rc_sink_u64(out, f->offset);
  if (f->located) {
    rc_sink_str(out, ",\"line\":");
    rc_sink_u64(out, f->line);
    rc_sink_str(out, ",\"column\":");
    rc_sink_u64(out, f->column);
  } else {
    rc_sink_str(out, ",\"line\":null,\"column\":null");
  }
  rc_sink_str(out, ",\"message\":");
  rc_sink_json(out, f->message != NULL ? f->message : "",
               f->message != NULL ? f->message_len : 0);
  rc_sink_str(out, ",\"reference\":");
  rc_sink_json(out, f->reference != NULL ? f->reference : "",
               f->reference != NULL ? f->reference_len : 0);
  rc_sink_put(out, "}", 1);
}

void rc_record_close(const rc_sink_t *out, uint64_t findings_dropped) {
  rc_sink_put(out, "]", 1);
  if (findings_dropped > 0) {
    rc_sink_str(out, ",\"findings_dropped\":");
    rc_sink_u64(out, findings_dropped);
  }
  rc_sink_str(out, "}\n");
}
