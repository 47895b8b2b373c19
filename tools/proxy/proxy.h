/* SPDX-License-Identifier: MIT */
/*
 * respcheck-proxy: shared between main (respcheck-proxy.c) and the
 * connection engine (session.c).
 *
 * One client connection is paired with one upstream connection, opened when
 * the client's first request head is complete, for the rest of its life.
 * Both live in one session, one malloc'd block sized at start-up:
 *
 *   rp_session_t | request queue | client buffer | upstream buffer | parser
 *
 * - request queue: max_pending_requests rp_request_t (method, version and
 *   the first RP_TARGET_MAX bytes of the target of each request sent on and
 *   not yet answered; one at a time is sent, see session.c);
 * - client buffer: a request head being held until it is complete (up to
 *   max_request_header_bytes) plus one read of RP_CLI_READ_SIZE;
 * - upstream buffer: the bytes of a response head being held for its verdict
 *   (up to max_header_bytes + RP_HOLD_SLACK) plus one read of RP_READ_SIZE;
 * - the respcheck parser, respcheck_parser_size(&opts) bytes.
 *
 * Nothing else is allocated per connection (libuv allocates nothing per
 * read or write here: the buffers are ours, and each direction has at most
 * one write in flight, during which that direction is not read: the
 * reader waits for the writer, so a slow client slows the upstream down
 * instead of filling memory). Pages of the block never written are never
 * resident: an idle connection or a slow head costs a few pages.
 */
#ifndef RESPCHECK_PROXY_H
#define RESPCHECK_PROXY_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "log.h"
#include "respcheck.h"

/* One read from the upstream into the connection's buffer (while a head is
 * held). */
#define RP_READ_SIZE (16u * 1024u)
/* One read from the upstream into the server's shared buffer (nothing
 * held: the usual case). */
#ifndef RP_SHARED_READ_SIZE
#define RP_SHARED_READ_SIZE (256u * 1024u)
#endif
/* One read from the client (requests). */
#define RP_CLI_READ_SIZE (16u * 1024u)
/* Held bytes allowed beyond max_header_bytes: empty lines before a status
 * line, which the library does not count in the head (it reports them as
 * empty-line-before-status). */
#define RP_HOLD_SLACK 4096u
/* After a last answer (502, 504, 400) or a cut, how long the client is given
 * to read it before its connection is closed (lingering close). */
#define RP_LINGER_MS 2000u
/* With --max-connections open and more waiting in the backlog, a connection
 * that has waited this long for a request head (idle keep-alive, a slow
 * head, a lingering close) gives its slot up: see rp_server_on_connection. */
#define RP_EVICT_AFTER_MS 1000u

typedef struct rp_config {
  struct sockaddr_storage listen_addr;
  struct sockaddr_storage upstream_addr;
  respcheck_options_t opts;
  int report_only;
  unsigned max_connections;
  uint64_t timeout_ms;           /* --timeout: a response head, idle bodies */
  uint64_t header_timeout_ms;    /* --header-timeout: a request head */
  uint64_t keepalive_timeout_ms; /* --keepalive-timeout: between requests */
  size_t max_request_header_bytes;
  size_t max_request_headers;
} rp_config_t;

typedef struct rp_session rp_session_t;

typedef struct rp_server {
  uv_loop_t *loop;
  uv_tcp_t listener;
  uv_signal_t sigterm, sigint;
  const rp_config_t *cfg;
  rp_log_t *log;
  size_t parser_size;
  size_t session_size; /* bytes per connection, all included */
  unsigned active;
  int accept_waiting; /* a connection is waiting for a free slot */
  int stopping;
  uint64_t next_id;
  rp_session_t *sessions; /* doubly linked, for shutdown */
  /* Connections waiting for a request head, oldest first (eviction). */
  rp_session_t *waiting_head, *waiting_tail;
  uv_timer_t evict_timer; /* retries an eviction (accept_waiting) */
  uv_timer_t log_timer;   /* writes the log's rate-limit summaries */
  char *shared_read;      /* RP_SHARED_READ_SIZE bytes, or NULL */
  /* stderr's connection events: at most a few a second (session.c). */
  uint64_t event_window, event_lines, events_suppressed;
  uint64_t accepted, rejected, cut, timed_out, evicted, refused, unsolicited;
} rp_server_t;

/* Bytes one connection takes (the block described above). */
size_t rp_session_size(const rp_config_t *cfg, size_t parser_size);

/* Sets up the server's timers (after srv->loop and srv->log are set). */
void rp_server_init(rp_server_t *srv);

/* Closes the server's timers and writes the log's pending summaries
 * (shutdown). */
void rp_server_stop(rp_server_t *srv);

/* The listener's connection callback (listener.data is the rp_server_t).
 * Defers accepting while max_connections are open. */
void rp_server_on_connection(uv_stream_t *listener, int status);

/* Closes every connection (shutdown). */
void rp_server_close_sessions(rp_server_t *srv);

#endif /* RESPCHECK_PROXY_H */
