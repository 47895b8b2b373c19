/* SPDX-License-Identifier: MIT */
/*
 * The client's side of an HTTP/1.x connection read with llhttp's request
 * parser: each request's method, target and version, and where its head
 * lies in the client's stream. For whatever has the client's bytes of a
 * connection: the command's --requests (a file written by tcpflow, a
 * proxy log or a test harness), and a capture's reassembled client stream
 * (capture/http.c reads the same things its own way today; this is the
 * piece to share).
 *
 * Bytes go in as they come (rc_requests_feed, any chunking); each request
 * comes out through the callback once its head is read (the body, framed
 * by Content-Length or chunked as llhttp frames it, is skipped). After a
 * CONNECT or Upgrade request the client's bytes may be another protocol's:
 * the reader stops there until the caller knows from the response
 * (rc_requests_resume_after_upgrade when the switch was refused). Bytes
 * that are not a request stop it for good (rc_requests_error).
 *
 * Memory: one llhttp parser and the target being read, at most max_target
 * bytes (a longer target is cut and marked so).
 */
#ifndef RESPCHECK_TOOLS_REQUESTS_H
#define RESPCHECK_TOOLS_REQUESTS_H

#include <stddef.h>
#include <stdint.h>

#include "respcheck.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rc_http_request {
  respcheck_method_t method; /* UNKNOWN for methods without special framing */
  char method_name[24];      /* as sent (llhttp's list), NUL-terminated */
  unsigned char version_major, version_minor;
  const char *target; /* as sent, NUL-terminated; valid during the call */
  size_t target_length;
  int target_cut;  /* longer than max_target: the rest is not kept */
  uint64_t offset; /* of its first byte in the client's stream */
  uint64_t end;    /* one past the head's last byte */
  int upgrade;     /* CONNECT, or an Upgrade request */
} rc_http_request_t;

/* Called for each request, in order. */
typedef void (*rc_request_fn)(void *user, const rc_http_request_t *request);

typedef enum rc_requests_status {
  RC_REQUESTS_OK = 0,  /* every byte given was read */
  RC_REQUESTS_UPGRADE, /* stopped after an upgrade request (see above) */
  RC_REQUESTS_ERROR    /* not a request: nothing more is read */
} rc_requests_status_t;

typedef struct rc_requests rc_requests_t;

/* NULL when out of memory. max_target: bytes of a target kept. */
rc_requests_t *rc_requests_new(size_t max_target, rc_request_fn cb, void *user);
void rc_requests_free(rc_requests_t *r);
/* A new client stream, at offset 0. */
void rc_requests_reset(rc_requests_t *r);

/* Reads the next len bytes of the client's stream. *used (may be NULL)
 * is how many were read: all of them with RC_REQUESTS_OK; with
 * RC_REQUESTS_UPGRADE, up to the end of the upgrade request's head (the
 * rest waits for rc_requests_resume_after_upgrade, and must be given
 * again); with RC_REQUESTS_ERROR, up to the bad byte. Once stopped, a call
 * reads nothing and returns the same status. */
rc_requests_status_t rc_requests_feed(rc_requests_t *r, const char *data,
                                      size_t len, size_t *used);
/* The upgrade was refused (the response did not switch protocols): the
 * client's bytes are requests again. */
void rc_requests_resume_after_upgrade(rc_requests_t *r);
/* The client's stream ended. RC_REQUESTS_ERROR when it ended inside a
 * request's head (a request whose body is cut was delivered already). */
rc_requests_status_t rc_requests_finish(rc_requests_t *r);

/* After RC_REQUESTS_ERROR: llhttp's reason (static) and the stream offset
 * of the byte refused. */
const char *rc_requests_error(const rc_requests_t *r, uint64_t *offset);
/* Bytes of the client's stream read so far. */
uint64_t rc_requests_offset(const rc_requests_t *r);

#ifdef __cplusplus
}
#endif
#endif /* RESPCHECK_TOOLS_REQUESTS_H */
