/*
 * respcheck-proxy: shared between main (respcheck-proxy.c) and the
 * connection engine (session.c).
 *
 * One client connection is paired with one upstream connection, for life.
 * Both live in one session, one malloc'd block sized at start-up:
 *
 *   rp_session_t | request queue | client buffer | upstream buffer | parser
 *
 * - request queue: max_pending_requests rp_request_t (method, version and
 *   the first RP_TARGET_MAX bytes of the target of each request sent on and
 *   not yet answered);
 * - client buffer: RP_READ_SIZE bytes, the last read from the client;
 * - upstream buffer: the bytes of a response head being held for its verdict
 *   (up to max_header_bytes + RP_HOLD_SLACK) plus one read of RP_READ_SIZE;
 * - the respcheck parser, respcheck_parser_size(&opts) bytes.
 *
 * Nothing else is allocated per connection (libuv allocates nothing per
 * read or write here: the buffers are ours, and each direction has at most
 * one write in flight, during which that direction is not read: the
 * reader waits for the writer, so a slow client slows the upstream down
 * instead of filling memory).
 */
#ifndef RESPCHECK_PROXY_H
#define RESPCHECK_PROXY_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "log.h"
#include "respcheck.h"

#define RP_READ_SIZE (16u * 1024u)
/* Held bytes allowed beyond max_header_bytes: empty lines before a status
 * line, which the library does not count in the head (it reports them as
 * empty-line-before-status). */
#define RP_HOLD_SLACK 4096u
/* After a last answer (502, 504, 400) or a cut, how long the client is given
 * to read it before its connection is closed (lingering close). */
#define RP_LINGER_MS 2000u

typedef struct rp_config {
  struct sockaddr_storage listen_addr;
  struct sockaddr_storage upstream_addr;
  respcheck_options_t opts;
  int report_only;
  unsigned max_connections;
  uint64_t timeout_ms;
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
  uint64_t accepted, rejected, cut;
} rp_server_t;

/* Bytes one connection takes (the block described above). */
size_t rp_session_size(const respcheck_options_t *opts, size_t parser_size);

/* The listener's connection callback (listener.data is the rp_server_t).
 * Defers accepting while max_connections are open. */
void rp_server_on_connection(uv_stream_t *listener, int status);

/* Closes every connection (shutdown). */
void rp_server_close_sessions(rp_server_t *srv);

#endif /* RESPCHECK_PROXY_H */
