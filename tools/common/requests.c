/* SPDX-License-Identifier: MIT */
/* The client's side of a connection, read with llhttp (requests.h). */
#include "requests.h"

#include <stdlib.h>
#include <string.h>

#include <llhttp.h>

typedef enum state { ST_RUN, ST_UPGRADE, ST_ERROR } state_t;

struct rc_requests {
  llhttp_t p;
  llhttp_settings_t settings; /* lives as long as p */
  rc_request_fn cb;
  void *user;
  size_t max_target;
  state_t state;
  /* The bytes being read: their stream offset, for the callbacks. */
  const char *chunk;
  size_t chunk_len;
  uint64_t chunk_off;
  uint64_t total; /* bytes read */
  /* The request being read. */
  int in_head;
  rc_http_request_t cur;
  char *target;
  size_t target_len, target_cap;
  /* ST_ERROR */
  const char *reason;
  uint64_t error_offset;
};

static int on_message_begin(llhttp_t *p) {
  rc_requests_t *r = p->data;
  r->in_head = 0;
  return 0;
}

static int on_method(llhttp_t *p, const char *at, size_t len) {
  rc_requests_t *r = p->data;
  (void)len;
  if (!r->in_head) {
    r->in_head = 1;
    memset(&r->cur, 0, sizeof r->cur);
    r->cur.offset = r->chunk_off + (uint64_t)(at - r->chunk);
    r->target_len = 0;
  }
  return 0;
}

static int on_url(llhttp_t *p, const char *at, size_t len) {
  rc_requests_t *r = p->data;
  size_t take;
  if (r->target_len >= r->max_target) {
    r->cur.target_cut = r->cur.target_cut || len > 0;
    return 0;
  }
  take =
      r->max_target - r->target_len < len ? r->max_target - r->target_len : len;
  if (take < len)
    r->cur.target_cut = 1;
  if (r->target_len + take + 1 > r->target_cap) {
    size_t cap = r->target_cap ? r->target_cap : 128;
    char *nb;
    while (cap < r->target_len + take + 1)
      cap *= 2;
    nb = realloc(r->target, cap);
    if (nb == NULL) {
      r->cur.target_cut = 1; /* what fits stays */
      return 0;
    }
    r->target = nb;
    r->target_cap = cap;
  }
  memcpy(r->target + r->target_len, at, take);
  r->target_len += take;
  return 0;
}

static int on_headers_complete(llhttp_t *p) {
  rc_requests_t *r = p->data;
  const char *name = llhttp_method_name((llhttp_method_t)llhttp_get_method(p));
  size_t n = strlen(name);
  if (n >= sizeof r->cur.method_name)
    n = sizeof r->cur.method_name - 1;
  memcpy(r->cur.method_name, name, n);
  r->cur.method_name[n] = '\0';
  r->cur.method = respcheck_method_from_name(name, strlen(name));
  r->cur.version_major = llhttp_get_http_major(p);
  r->cur.version_minor = llhttp_get_http_minor(p);
  r->cur.target = r->target != NULL ? r->target : "";
  if (r->target != NULL)
    r->target[r->target_len] = '\0';
  r->cur.target_length = r->target_len;
  r->cur.upgrade =
      llhttp_get_upgrade(p) || r->cur.method == RESPCHECK_METHOD_CONNECT;
  /* The head ends somewhere in these bytes: llhttp does not say where. */
  r->cur.end = r->chunk_off + r->chunk_len;
  r->in_head = 0;
  if (r->cb != NULL)
    r->cb(r->user, &r->cur);
  return 0;
}

rc_requests_t *rc_requests_new(size_t max_target, rc_request_fn cb,
                               void *user) {
  rc_requests_t *r = calloc(1, sizeof *r);
  if (r == NULL)
    return NULL;
  r->cb = cb;
  r->user = user;
  r->max_target = max_target;
  llhttp_settings_init(&r->settings);
  r->settings.on_message_begin = on_message_begin;
  r->settings.on_method = on_method;
  r->settings.on_url = on_url;
  r->settings.on_headers_complete = on_headers_complete;
  rc_requests_reset(r);
  return r;
}

void rc_requests_free(rc_requests_t *r) {
  if (r == NULL)
    return;
  free(r->target);
  free(r);
}

void rc_requests_reset(rc_requests_t *r) {
  llhttp_init(&r->p, HTTP_REQUEST, &r->settings);
  r->p.data = r;
  r->state = ST_RUN;
  r->total = 0;
  r->in_head = 0;
  r->target_len = 0;
  r->reason = NULL;
  r->error_offset = 0;
}

rc_requests_status_t rc_requests_feed(rc_requests_t *r, const char *data,
                                      size_t len, size_t *used) {
  llhttp_errno_t e;
  size_t n = len;
  if (used != NULL)
    *used = 0;
  if (r->state == ST_UPGRADE)
    return RC_REQUESTS_UPGRADE;
  if (r->state == ST_ERROR)
    return RC_REQUESTS_ERROR;
  if (len == 0)
    return RC_REQUESTS_OK;
  r->chunk = data;
  r->chunk_len = len;
  r->chunk_off = r->total;
  e = llhttp_execute(&r->p, data, len);
  if (e != HPE_OK) {
    const char *pos = llhttp_get_error_pos(&r->p);
    n = pos != NULL && pos >= data && pos <= data + len ? (size_t)(pos - data)
                                                        : len;
  }
  r->total += n;
  if (used != NULL)
    *used = n;
  if (e == HPE_OK)
    return RC_REQUESTS_OK;
  if (e == HPE_PAUSED_UPGRADE) {
    r->state = ST_UPGRADE;
    return RC_REQUESTS_UPGRADE;
  }
  r->state = ST_ERROR;
  r->reason = llhttp_get_error_reason(&r->p);
  if (r->reason == NULL)
    r->reason = llhttp_errno_name(e);
  r->error_offset = r->chunk_off + n;
  return RC_REQUESTS_ERROR;
}

void rc_requests_resume_after_upgrade(rc_requests_t *r) {
  if (r->state != ST_UPGRADE)
    return;
  llhttp_resume_after_upgrade(&r->p);
  r->state = ST_RUN;
}

rc_requests_status_t rc_requests_finish(rc_requests_t *r) {
  if (r->state == ST_ERROR)
    return RC_REQUESTS_ERROR;
  if (r->state == ST_RUN && r->in_head) {
    r->state = ST_ERROR;
    r->reason = "the stream ends inside a request's head";
    r->error_offset = r->total;
    return RC_REQUESTS_ERROR;
  }
  return RC_REQUESTS_OK;
}

const char *rc_requests_error(const rc_requests_t *r, uint64_t *offset) {
  if (offset != NULL)
    *offset = r->error_offset;
  return r->reason != NULL ? r->reason : "";
}

uint64_t rc_requests_offset(const rc_requests_t *r) { return r->total; }
