/* SPDX-License-Identifier: MIT */
/*
 * The record collector: the library's callbacks in, the command's JSON
 * records out, as packed structures (collect.h says how they are grouped).
 * No Python object is touched here: it runs with the GIL released.
 */
#include "collect.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Life cycle. */

int pyrc_collector_init(pyrc_collector_t *c, size_t window,
                        pyrc_collector_t *sink) {
  memset(c, 0, sizeof *c);
  c->head_fields.oom = c->head_blob.oom = c->arena.oom = c->out.oom =
      c->ctx_strings.oom = &c->oom;
  c->sink = sink != NULL ? sink : c;
  if (window == 0)
    return 0;
  c->linemap = rc_linemap_new(window);
  return c->linemap != NULL ? 0 : -1;
}

void pyrc_collector_free(pyrc_collector_t *c) {
  rc_linemap_free(c->linemap);
  rc_buf_free(&c->head_fields);
  rc_buf_free(&c->head_blob);
  rc_buf_free(&c->arena);
  rc_buf_free(&c->out);
  rc_buf_free(&c->ctx_strings);
  free(c->pend);
  memset(c, 0, sizeof *c);
}

void pyrc_collector_reset(pyrc_collector_t *c) {
  if (c->linemap_dirty && c->linemap != NULL)
    rc_linemap_reset(c->linemap);
  c->linemap_dirty = 0;
  c->lz_data = NULL;
  c->lz_fed = c->lz_exec = 0;
  c->lz_npins = 0;
  c->oom = 0;
  c->stopped = 0;
  c->stop_index = 0;
  c->have_head = 0;
  c->head_fields.len = 0;
  c->head_blob.len = 0;
  c->npend = 0;
  c->arena.len = 0;
  memset(c->drops, 0, sizeof c->drops);
  c->req_pushed = c->req_consumed = 0;
  c->last_head_index = 0;
  c->last_head_interim = 0;
  pyrc_collector_clear_out(c);
}

void pyrc_collector_clear_out(pyrc_collector_t *c) {
  c->out.len = 0;
  c->nrecords = 0;
}

void pyrc_note_request(pyrc_collector_t *c) { c->req_pushed++; }

/* The request the response in progress answers. */
static uint64_t request_slot(const pyrc_collector_t *c) {
  return c->req_consumed < c->req_pushed ? c->req_consumed
                                         : PYRC_DEFAULT_REQUEST;
}

void pyrc_callbacks(respcheck_callbacks_t *cb) {
  memset(cb, 0, sizeof *cb);
  cb->on_finding = pyrc_on_finding;
  cb->on_head = pyrc_on_head;
  cb->on_message_end = pyrc_on_message_end;
}

/* ------------------------------------------------------------------------ */
/* The line map, fed late (collect.h). */

/* Feeds the pieces parsed so far, each followed by the pins made while it
 * was parsed. */
static void catch_up(pyrc_collector_t *c) {
  size_t i = 0;
  if (c->linemap == NULL)
    return;
  while (c->lz_fed < c->lz_exec) {
    size_t end = c->lz_exec - c->lz_fed > PYRC_CHUNK ? c->lz_fed + PYRC_CHUNK
                                                     : c->lz_exec;
    rc_linemap_feed(c->linemap, c->lz_data + c->lz_fed, end - c->lz_fed);
    c->lz_fed = end;
    c->linemap_dirty = 1;
    for (; i < c->lz_npins && c->lz_pins[i].piece_end <= end; i++)
      rc_linemap_pin(c->linemap, c->lz_pins[i].offset);
  }
  if (i < c->lz_npins)
    c->linemap_dirty = 1;
  for (; i < c->lz_npins; i++)
    rc_linemap_pin(c->linemap, c->lz_pins[i].offset);
  c->lz_npins = 0;
}

static void pin(pyrc_collector_t *c, uint64_t offset) {
  if (c->linemap == NULL)
    return;
  if (c->lz_fed < c->lz_exec) {
    if (c->lz_npins < PYRC_LAZY_PINS) {
      c->lz_pins[c->lz_npins].piece_end = c->lz_exec;
      c->lz_pins[c->lz_npins].offset = offset;
      c->lz_npins++;
      return;
    }
    catch_up(c);
  }
  rc_linemap_pin(c->linemap, offset);
  c->linemap_dirty = 1;
}

void pyrc_release_data(pyrc_collector_t *c) {
  catch_up(c);
  c->lz_data = NULL;
  c->lz_fed = c->lz_exec = 0;
}

rc_linemap_t *pyrc_linemap(pyrc_collector_t *c) {
  pyrc_release_data(c);
  c->linemap_dirty = 1;
  return c->linemap;
}

/* ------------------------------------------------------------------------ */
/* Findings. */

static void note_drop(pyrc_collector_t *c, uint64_t index) {
  size_t i;
  for (i = 0; i < 4; i++) {
    if (c->drops[i].count == 0 || c->drops[i].index == index) {
      c->drops[i].index = index;
      c->drops[i].count++;
      return;
    }
  }
  c->drops[3].count++;
}

void pyrc_on_finding(void *user, const respcheck_finding_t *f) {
  pyrc_collector_t *c = user;
  pyrc_pending_t *p;
  const char *msg = f->message != NULL ? f->message : "";
  size_t n = strlen(msg);
  int rule = (int)f->rule;
  if (c->stopped)
    return;
  if (rule < 0 || rule >= (int)RESPCHECK_RULE_COUNT || f->id == NULL ||
      strcmp(f->id, respcheck_rule_id(f->rule)) != 0) {
    /* A reader's own rule (a capture's) keeps its number. */
    const char *extra = pyrc_extra_rule_id(rule);
    if (extra == NULL || f->id == NULL || strcmp(f->id, extra) != 0)
      rule = -1;
  }
  if (rule == RESPCHECK_RULE_PARSE_ERROR) {
    c->stopped = 1;
    c->stop_index = f->response_index;
  }
  if (c->npend >= PYRC_MAX_PENDING) {
    note_drop(c, f->response_index);
    return;
  }
  if (c->npend == c->pend_cap) {
    size_t cap = c->pend_cap ? c->pend_cap * 2 : 16;
    pyrc_pending_t *np = realloc(c->pend, cap * sizeof *np);
    if (np == NULL) {
      c->oom = 1;
      note_drop(c, f->response_index);
      return;
    }
    c->pend = np;
    c->pend_cap = cap;
  }
  p = &c->pend[c->npend++];
  p->index = f->response_index;
  p->offset = f->offset;
  p->rule = rule;
  p->severity = (int)f->severity;
  catch_up(c);
  c->linemap_dirty = 1; /* locating moves its memo */
  p->located =
      c->linemap != NULL &&
      rc_linemap_locate(c->linemap, f->offset, &p->line, &p->column) == 0;
  if (!p->located)
    p->line = p->column = 0;
  /* Cut as the command cuts: the first PYRC_MAX_MESSAGE bytes, then "...".
   */
  p->msg_off = c->arena.len;
  rc_buf_put(&c->arena, msg, n > PYRC_MAX_MESSAGE ? PYRC_MAX_MESSAGE : n);
  if (n > PYRC_MAX_MESSAGE)
    rc_buf_put(&c->arena, "...", 3);
  p->msg_len = c->arena.len - p->msg_off;
}

/* ------------------------------------------------------------------------ */
/* Records. */

static size_t round8(size_t n) { return (n + 7) & ~(size_t)7; }

/* By offset, then arrival: qsort is not stable, seq makes it so. */
static int cmp_finding(const void *a, const void *b) {
  const pyrc_rfinding_t *x = a, *y = b;
  if (x->offset != y->offset)
    return x->offset < y->offset ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Writes the record of response index: the head when use_head, the end
 * when end is not NULL, and the findings pending for it. */
static void emit(pyrc_collector_t *c, uint64_t index, uint64_t offset,
                 const respcheck_message_end_t *end, int use_head) {
  size_t i, keep = 0, nfind = 0, msg_bytes = 0, nfields, head_blob, size;
  size_t ctx_bytes = c->ctx_set ? sizeof(pyrc_ctx_t) : 0;
  size_t ctx_strings = c->ctx_set ? c->ctx_strings.len : 0;
  rc_buf_t *out = &c->sink->out;
  uint64_t dropped = 0;
  int reject = 0;
  pyrc_record_t *r;
  pyrc_field_t *fields;
  pyrc_rfinding_t *finds;
  char *blob;
  size_t blob_at;

  for (i = 0; i < c->npend; i++) {
    if (c->pend[i].index != index)
      continue;
    nfind++;
    msg_bytes += c->pend[i].msg_len;
    /* An object without an end decides its verdict from its findings. */
    if (c->pend[i].severity == RESPCHECK_SEVERITY_ERROR)
      reject = 1;
  }
  if (end != NULL)
    reject = end->verdict == RESPCHECK_REJECT;
  for (i = 0; i < 4; i++) {
    if (c->drops[i].count > 0 && c->drops[i].index == index) {
      dropped += c->drops[i].count;
      c->drops[i].count = 0;
    }
  }
  nfields = use_head ? c->head.field_count : 0;
  head_blob = use_head ? c->head_blob.len : 0;
  size = round8(sizeof *r + nfields * sizeof *fields + nfind * sizeof *finds +
                ctx_bytes + head_blob + msg_bytes + ctx_strings);

  if (head_blob + msg_bytes + ctx_strings > UINT32_MAX ||
      rc_buf_reserve(out, size) != 0) {
    /* The record is lost; the caller sees oom and raises MemoryError. */
    c->oom = c->sink->oom = 1;
    goto compact;
  }
  r = (pyrc_record_t *)(void *)(out->p + out->len);
  if (use_head) {
    *r = c->head;
  } else {
    memset(r, 0, sizeof *r);
    r->request_slot = request_slot(c);
  }
  r->size = size;
  r->index = index;
  r->offset = offset;
  r->has_end = end != NULL;
  r->end_offset = end != NULL ? end->end_offset : 0;
  r->complete = end != NULL && (end->flags & RESPCHECK_END_COMPLETE) != 0;
  r->reject = (uint8_t)reject;
  r->findings_dropped = dropped;
  r->finding_count = (uint32_t)nfind;
  r->has_ctx = (uint8_t)(ctx_bytes > 0);
  r->no_offsets = (uint8_t)(c->no_offsets != 0);
  fields = (pyrc_field_t *)(void *)(r + 1);
  finds = (pyrc_rfinding_t *)(void *)(fields + nfields);
  blob = (char *)(void *)(finds + nfind) + ctx_bytes;
  if (use_head) {
    if (nfields > 0)
      memcpy(fields, c->head_fields.p, nfields * sizeof *fields);
    if (head_blob > 0)
      memcpy(blob, c->head_blob.p, head_blob);
  }
  blob_at = head_blob;
  nfind = 0;
  for (i = 0; i < c->npend; i++) {
    const pyrc_pending_t *p = &c->pend[i];
    pyrc_rfinding_t *f;
    if (p->index != index)
      continue;
    f = &finds[nfind++];
    memset(f, 0, sizeof *f);
    f->offset = p->offset;
    f->line = p->line;
    f->column = p->column;
    f->rule = p->rule;
    f->severity = (uint8_t)p->severity;
    f->located = (uint8_t)p->located;
    f->seq = (uint16_t)(nfind - 1);
    f->msg_off = (uint32_t)blob_at;
    f->msg_len = (uint32_t)p->msg_len;
    if (p->msg_len > 0)
      memcpy(blob + blob_at, c->arena.p + p->msg_off, p->msg_len);
    blob_at += p->msg_len;
  }
  /* The command writes a record's findings in offset order. */
  if (nfind > 1)
    qsort(finds, nfind, sizeof *finds, cmp_finding);
  if (ctx_bytes > 0) {
    /* The context's string offsets move behind the record's own. */
    pyrc_ctx_t *x = (pyrc_ctx_t *)(void *)(finds + nfind);
    *x = c->ctx;
    for (i = 0; i < x->nfields && i < PYRC_CTX_FIELDS; i++)
      x->fields[i].str_off += (uint32_t)blob_at;
    x->method_off += (uint32_t)blob_at;
    x->target_off += (uint32_t)blob_at;
    x->version_off += (uint32_t)blob_at;
    if (ctx_strings > 0)
      memcpy(blob + blob_at, c->ctx_strings.p, ctx_strings);
    blob_at += ctx_strings;
  }
  r->blob_len = (uint32_t)blob_at;
  memset(blob + blob_at, 0, size - (size_t)(blob + blob_at - (char *)r));
  out->len += size;
  c->sink->nrecords++;

compact:
  /* Keep the findings of other responses, their messages moved to the
   * front of the arena (they were appended in order). */
  {
    size_t w = 0;
    for (i = 0; i < c->npend; i++) {
      pyrc_pending_t p = c->pend[i];
      if (p.index == index)
        continue;
      if (p.msg_len > 0 && p.msg_off != w)
        memmove(c->arena.p + w, c->arena.p + p.msg_off, p.msg_len);
      p.msg_off = w;
      w += p.msg_len;
      c->pend[keep++] = p;
    }
    c->npend = keep;
    c->arena.len = w;
  }
}

/* Copies a head (its spans die with the callback) into c->head. */
static void copy_head(pyrc_collector_t *c, const respcheck_response_t *r) {
  pyrc_record_t *h = &c->head;
  size_t i;
  const respcheck_status_info_t *info = r->info;
  memset(h, 0, sizeof *h);
  c->head_fields.len = 0;
  c->head_blob.len = 0;
  h->has_head = 1;
  h->version_major = r->version_major;
  h->version_minor = r->version_minor;
  h->status = r->status;
  h->effective_status = r->effective_status;
  h->registered = info != NULL && (info->state == RESPCHECK_STATUS_PERMANENT ||
                                   info->state == RESPCHECK_STATUS_TEMPORARY ||
                                   info->state == RESPCHECK_STATUS_DEPRECATED ||
                                   info->state == RESPCHECK_STATUS_OBSOLETED);
  h->request_slot = request_slot(c);
  /* One reservation for the strings, one for the fields: a head has
   * tens of them, and this runs for every response. */
  {
    size_t need = r->reason.ptr != NULL ? r->reason.len : 0, at;
    size_t n = r->headers != NULL ? r->header_count : 0;
    pyrc_field_t *f;
    char *blob;
    for (i = 0; i < n; i++)
      need += (r->headers[i].name.ptr != NULL ? r->headers[i].name.len : 0) +
              (r->headers[i].value.ptr != NULL ? r->headers[i].value.len : 0);
    if (need > UINT32_MAX || rc_buf_reserve(&c->head_blob, need) != 0 ||
        rc_buf_reserve(&c->head_fields, n * sizeof *f) != 0) {
      c->oom = 1;
      n = 0;
      need = 0;
    }
    blob = c->head_blob.p;
    f = (pyrc_field_t *)(void *)c->head_fields.p;
    at = 0;
    if (need > 0 && r->reason.ptr != NULL) {
      memcpy(blob, r->reason.ptr, r->reason.len);
      at = r->reason.len;
    }
    h->reason_off = 0;
    h->reason_len = (uint32_t)at;
    for (i = 0; i < n; i++, f++) {
      const respcheck_header_t *hd = &r->headers[i];
      size_t nl = hd->name.ptr != NULL ? hd->name.len : 0;
      size_t vl = hd->value.ptr != NULL ? hd->value.len : 0;
      f->name_off = (uint32_t)at;
      f->name_len = (uint32_t)nl;
      if (nl > 0)
        memcpy(blob + at, hd->name.ptr, nl);
      at += nl;
      f->value_off = (uint32_t)at;
      f->value_len = (uint32_t)vl;
      if (vl > 0)
        memcpy(blob + at, hd->value.ptr, vl);
      at += vl;
    }
    c->head_blob.len = at;
    c->head_fields.len = n * sizeof *f;
    h->field_count = (uint32_t)n;
  }
}

int pyrc_on_head(void *user, const respcheck_response_t *r) {
  pyrc_collector_t *c = user;
  /* A finding may point at the response's first byte after a long body. */
  pin(c, r->offset);
  c->last_head_index = r->index;
  c->last_head_interim =
      r->status >= 100 && r->status <= 199 && r->status != 101;
  if (c->stopped && r->index != c->stop_index)
    return 0;
  if (c->have_head && c->head_index != r->index) {
    /* The previous head never got its end: write it as it stands. */
    emit(c, c->head_index, 0, NULL, 1);
  }
  copy_head(c, r);
  c->have_head = 1;
  c->head_index = r->index;
  return 0;
}

void pyrc_on_message_end(void *user, const respcheck_message_end_t *end) {
  pyrc_collector_t *c = user;
  int use_head;
  /* The next response's findings may point back here: empty lines before
   * its status line are reported from their first one. */
  pin(c, end->end_offset);
  /* As the library does: a final response consumes its request context. */
  if ((end->flags & RESPCHECK_END_HEAD) &&
      !(c->last_head_index == end->index && c->last_head_interim) &&
      c->req_consumed < c->req_pushed)
    c->req_consumed++;
  if (c->stopped && end->index != c->stop_index)
    return;
  use_head = c->have_head && c->head_index == end->index;
  if (!use_head && end->response != NULL) {
    /* A head refused after its status line: what was read of it. */
    copy_head(c, end->response);
    use_head = 1;
  }
  emit(c, end->index, end->offset, end, use_head);
  if (use_head) {
    c->have_head = 0;
    c->head_fields.len = 0;
    c->head_blob.len = 0;
  }
}

void pyrc_end_stream(pyrc_collector_t *c) {
  /* Leftovers, in index order: a head without an end, findings of a
   * response that never ended. */
  for (;;) {
    size_t i;
    int found = 0;
    uint64_t index = 0, offset = 0;
    if (c->have_head) {
      found = 1;
      index = c->head_index;
    }
    for (i = 0; i < c->npend; i++) {
      if (!found || c->pend[i].index < index) {
        found = 1;
        index = c->pend[i].index;
      }
    }
    if (!found)
      break;
    for (i = 0; i < c->npend; i++) {
      if (c->pend[i].index == index) {
        offset = c->pend[i].offset;
        break;
      }
    }
    if (c->have_head && c->head_index == index) {
      emit(c, index, offset, NULL, 1);
      c->have_head = 0;
    } else {
      emit(c, index, offset, NULL, 0);
    }
  }
}

respcheck_errno_t pyrc_feed(pyrc_collector_t *c, respcheck_parser_t *p,
                            const char *data, size_t len) {
  respcheck_errno_t err = respcheck_parser_error(p);
  size_t at = 0;
  pyrc_release_data(c); /* a previous call's bytes, if any */
  c->lz_data = data;
  while (err == RESPCHECK_E_OK && at < len && !respcheck_parser_in_tunnel(p)) {
    size_t n = len - at < PYRC_CHUNK ? len - at : PYRC_CHUNK;
    /* The command feeds the line map this piece now: it is noted. */
    c->lz_exec = at + n;
    err = respcheck_execute(p, data + at, n);
    at += n;
  }
  return err;
}
