/* SPDX-License-Identifier: MIT */
/*
 * respcheck-proxy's connection engine: one client connection paired with one
 * upstream connection, requests read with llhttp (request mode) and
 * forwarded as they are, responses streamed through respcheck.
 *
 * Client bytes, by position in cli_buf:
 *
 *   [0, cli_out)          forwarded to the upstream (or being written)
 *   [cli_out, cli_fwd)    read and parsed, may go: they are not a partial head
 *   [cli_fwd, cli_pos)    parsed, held: a request head not yet complete
 *   [cli_pos, cli_len)    read, not parsed yet (the next request waits)
 *
 * A request head is held until it is complete (RFC 9112 2.2: a server reads
 * a whole head before acting on it), within --max-request-header-bytes and
 * --max-request-headers (431 beyond, 414 for a request line alone), and
 * within --header-timeout of the connection's start or of its first byte
 * (408). The upstream connection is opened only when a complete head is
 * there to send, so a client that never completes one costs the upstream
 * nothing. One request is sent at a time: the next is read only once the
 * response to the last one has ended, as nginx and HAProxy do. Any response
 * that arrives while no request is outstanding is therefore one nobody
 * asked for, whatever the pipelining: it is dropped, and the client
 * connection ends after the answers it is owed.
 *
 * Upstream bytes, by absolute stream offset (the library's numbering):
 *
 *   [0, decided)            forwarded to the client (or given up)
 *   [decided, up_base+up_len)  received, not yet decided: held in up_buf
 *
 * While a head is awaited (UP_HEAD) nothing past `decided` goes out; on_head
 * gives the verdict, and on accept `decided` jumps to the end of the head
 * (r->offset + r->head_length: empty lines before the status line and the
 * head go out together). While a body streams (UP_BODY) every byte read goes
 * out; on_message_end's end_offset is where the body stops and the next
 * response's undecided bytes start. After a 101 or a 2xx to CONNECT
 * (UP_TUNNEL), and in --report-only after a fatal error (UP_RAW), bytes are
 * relayed without parsing. A response head must be complete within
 * --timeout of its request (504), however it trickles; an upstream read
 * error inside a response resets the client connection (logged "cut",
 * message-truncated): a close-delimited body must not look complete.
 *
 * Each direction has one write in flight at most, and a direction is not
 * read while its write is in flight: the buffers are reused only once the
 * kernel has the bytes, and memory stays at the block proxy.h describes.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/socket.h>

#include <llhttp.h>

#include "proxy.h"

typedef enum up_mode {
  UP_HEAD,   /* the next bytes are a head: held until its verdict */
  UP_BODY,   /* the head went out; the body streams */
  UP_TUNNEL, /* after 101 / 2xx to CONNECT: relayed both ways */
  UP_RAW     /* --report-only after a fatal error: relayed unparsed */
} up_mode_t;

/* Where the client's request stream is. */
typedef enum req_phase {
  RQ_IDLE, /* between requests (empty lines may come) */
  RQ_HEAD, /* a request line or field section, not complete */
  RQ_BODY  /* the head is complete; its body (if any) is being read */
} req_phase_t;

/* What the session's timer guards (next_due). */
typedef enum due_kind {
  DUE_LINGER,    /* the lingering close is over */
  DUE_HEAD,      /* --header-timeout: the request head is late: 408 */
  DUE_KEEPALIVE, /* --keepalive-timeout: no next request: close */
  DUE_RESPONSE,  /* --timeout: the response head is late: 504 */
  DUE_IDLE       /* --timeout: nothing moved either way: close */
} due_kind_t;

#define RP_ANSWER_BODY 384
#define RP_ANSWER_MAX 768

/* The session's booleans, bits of rp_session_t.flags (one word, as libuv
 * keeps a handle's). */
/* session_close() called */
#define RP_F_CLOSING (1u << 0)
/* upstream connection established */
#define RP_F_UP_CONNECTED (1u << 1)
/* ... and failed */
#define RP_F_UP_FAILED (1u << 2)
/* upstream handle closed (or closing) */
#define RP_F_UP_CLOSED (1u << 3)
/* upstream sent FIN, or its connection failed */
#define RP_F_UP_EOF (1u << 4)
/* reading the upstream */
#define RP_F_UP_READING (1u << 5)
/* to_client in flight */
#define RP_F_TO_CLIENT_BUSY (1u << 6)
/* reading the client */
#define RP_F_CLI_READING (1u << 7)
/* to_upstream in flight */
#define RP_F_TO_UPSTREAM_BUSY (1u << 8)
/* client sent FIN */
#define RP_F_CLI_EOF (1u << 9)
/* FIN passed on to the upstream */
#define RP_F_UP_SHUT (1u << 10)
/* the upstream takes no more requests */
#define RP_F_UP_WRITE_FAILED (1u << 11)
/* the client connection ends after queued bytes */
#define RP_F_CLI_FINAL (1u << 12)
/* FIN sent to the client; draining its bytes */
#define RP_F_LINGERING (1u << 13)
/* upstream response given up: see up_flush() */
#define RP_F_STOP (1u << 14)
/* a request is out: the next one waits for its answer */
#define RP_F_REQ_WAIT_ANSWER (1u << 15)
/* CONNECT/Upgrade sent: wait for its answer */
#define RP_F_REQ_WAIT_UPGRADE (1u << 16)
/* the client's bytes were refused (refuse_code says how to answer) */
#define RP_F_REQ_BROKEN (1u << 17)
/* the response in progress opens a tunnel */
#define RP_F_CUR_TUNNEL (1u << 18)
/* the last response ended the connection */
#define RP_F_CLOSING_RESPONSE (1u << 19)
/* client side may go on: run cli_pump() */
#define RP_F_KICK_CLIENT (1u << 20)
/* the upstream connection is being opened */
#define RP_F_UP_CONNECTING (1u << 21)
/* the upstream's stream ended with an error (a reset), not a FIN */
#define RP_F_UP_ERROR (1u << 22)
/* the client connection ends with a reset, not a FIN */
#define RP_F_CLI_RESET (1u << 23)
/* in the server's list of connections waiting for a request head */
#define RP_F_WAITING (1u << 24)
/* the request line is complete (a head over the limit before: 414) */
#define RP_F_REQ_LINE_DONE (1u << 25)

struct rp_session {
  rp_server_t *srv;
  rp_session_t *prev, *next;
  rp_session_t *wait_prev, *wait_next; /* srv->waiting_head list */
  uint64_t id;

  uv_tcp_t client;
  uv_tcp_t upstream;
  uv_timer_t timer;
  uv_connect_t connect_req;
  uv_write_t to_client;   /* the one write in flight to the client */
  uv_write_t to_upstream; /* the one write in flight to the upstream */
  uv_shutdown_t client_shutdown, upstream_shutdown;
  unsigned open_handles;

  /* Times, uv_now() milliseconds. The loop's clock moves once per loop
   * iteration, and every callback that reads or writes starts with
   * touch(): inside one, last_active is the time. */
  uint64_t last_active;  /* the last read or write, either side */
  uint64_t head_since;   /* the request head awaited since */
  uint64_t idle_since;   /* the last response ended (keep-alive) */
  uint64_t resp_since;   /* the request was sent in full */
  uint64_t linger_since; /* the lingering close began */
  uint64_t wait_since;   /* entered srv's waiting list */
  uint64_t armed_due;    /* when the timer fires */

  unsigned flags; /* RP_F_* */

  /* Client side. */
  llhttp_t req;
  req_phase_t phase;
  const char *req_error; /* why the client's bytes were refused, static */
  int refuse_code;       /* and the answer: 400, 408, 414, 431 */
  size_t cli_out, cli_fwd, cli_pos, cli_len, cli_cap; /* see above */
  size_t cli_inflight; /* cli_out once the write in flight is done */
  size_t head_bytes;   /* bytes of the request head so far */
  size_t head_fields;  /* its field lines so far */
  uint64_t requests;   /* request heads completed */
  rp_request_t *ring;  /* requests waiting for their final response */
  unsigned ring_cap, ring_head, ring_count;

  /* Upstream side. */
  respcheck_parser_t *rc;
  uint64_t up_base; /* offset of up_data[0] */
  uint64_t decided;
  size_t up_len, up_cap, hold_max;
  up_mode_t mode;
  rp_record_t rec;

  size_t answer_len; /* our own last response (502, 504, 4xx) */
  char answer[RP_ANSWER_MAX];

  char *cli_buf, *up_buf;
  /* Where [up_base, up_base + up_len) is: up_buf, or the server's shared
   * read buffer during the read callback that filled it (see up_alloc). */
  char *up_data;
};

static void set_flag(rp_session_t *s, unsigned flag, int on) {
  if (on)
    s->flags |= flag;
  else
    s->flags &= ~flag;
}

static void session_close(rp_session_t *s);
static void cli_pump(rp_session_t *s);
static void up_drained(rp_session_t *s);
static void on_timer(uv_timer_t *t);
static void arm_timer(rp_session_t *s);
static void on_log_timer(uv_timer_t *t);
static void on_evict_timer(uv_timer_t *t);

/* ------------------------------------------------------------------------ */
/* Layout. */

static size_t align_up(size_t n) {
  const size_t a = _Alignof(max_align_t);
  return (n + a - 1) / a * a;
}

static size_t hold_max_for(const respcheck_options_t *opts) {
  return opts->max_header_bytes + RP_HOLD_SLACK;
}

/* A held head and one read of the connection's own, or whatever one read
 * into the shared buffer leaves (up_write_shared). */
static size_t up_cap_for(const respcheck_options_t *opts) {
  size_t cap = hold_max_for(opts) + RP_READ_SIZE;
  return cap > RP_SHARED_READ_SIZE ? cap : RP_SHARED_READ_SIZE;
}

static size_t cli_cap_for(const rp_config_t *cfg) {
  return cfg->max_request_header_bytes + RP_CLI_READ_SIZE;
}

size_t rp_session_size(const rp_config_t *cfg, size_t parser_size) {
  const respcheck_options_t *opts = &cfg->opts;
  size_t ring, hold;
  if (parser_size == 0 || opts->max_pending_requests == 0 ||
      opts->max_pending_requests > 65536 ||
      opts->max_header_bytes > SIZE_MAX / 4 ||
      cfg->max_request_header_bytes == 0 ||
      cfg->max_request_header_bytes > SIZE_MAX / 4)
    return 0;
  ring = opts->max_pending_requests * sizeof(rp_request_t);
  hold = up_cap_for(opts);
  return align_up(sizeof(rp_session_t)) + align_up(ring) +
         align_up(cli_cap_for(cfg)) + align_up(hold) + parser_size;
}

/* ------------------------------------------------------------------------ */
/* Small helpers. */

static const rp_config_t *cfg_of(const rp_session_t *s) { return s->srv->cfg; }

static uint64_t now_of(const rp_session_t *s) { return uv_now(s->srv->loop); }

static rp_request_t *ring_front(rp_session_t *s) {
  return s->ring_count > 0 ? &s->ring[s->ring_head] : NULL;
}

static rp_request_t *ring_tail(rp_session_t *s) {
  return &s->ring[(s->ring_head + s->ring_count) % s->ring_cap];
}

static void ring_pop(rp_session_t *s) {
  if (s->ring_count == 0)
    return;
  s->ring_head = (s->ring_head + 1) % s->ring_cap;
  s->ring_count--;
}

/* A line on stderr about one connection. At most RP_EVENTS_PER_SECOND a
 * second, then counted: an attacker must not be able to flood stderr. */
#define RP_EVENTS_PER_SECOND 10u
static void event(const rp_session_t *s, const char *what, const char *detail) {
  rp_server_t *srv = s->srv;
  uint64_t now = now_of(s);
  if (now - srv->event_window >= 1000u || srv->event_lines == 0) {
    if (srv->events_suppressed > 0)
      fprintf(stderr,
              "respcheck-proxy: %" PRIu64 " more connection events not "
              "shown\n",
              srv->events_suppressed);
    srv->event_window = now;
    srv->event_lines = 0;
    srv->events_suppressed = 0;
  }
  if (srv->event_lines >= RP_EVENTS_PER_SECOND) {
    srv->events_suppressed++;
    return;
  }
  srv->event_lines++;
  fprintf(stderr, "respcheck-proxy: connection %" PRIu64 ": %s%s%s\n", s->id,
          what, detail != NULL ? ": " : "", detail != NULL ? detail : "");
}

static void touch(rp_session_t *s) { s->last_active = now_of(s); }

/* The server's list of connections waiting for a request head (idle
 * keep-alive, a head on its way, a lingering close), oldest first: the
 * ones that give their slot up when --max-connections are open and another
 * connection waits (rp_server_on_connection). */
static void wait_leave(rp_session_t *s) {
  rp_server_t *srv = s->srv;
  if (!(s->flags & RP_F_WAITING))
    return;
  s->flags &= ~RP_F_WAITING;
  if (s->wait_prev != NULL)
    s->wait_prev->wait_next = s->wait_next;
  else
    srv->waiting_head = s->wait_next;
  if (s->wait_next != NULL)
    s->wait_next->wait_prev = s->wait_prev;
  else
    srv->waiting_tail = s->wait_prev;
  s->wait_prev = s->wait_next = NULL;
}

static void wait_enter(rp_session_t *s) {
  rp_server_t *srv = s->srv;
  if ((s->flags & (RP_F_WAITING | RP_F_CLOSING)))
    return;
  s->flags |= RP_F_WAITING;
  s->wait_since = now_of(s);
  s->wait_next = NULL;
  s->wait_prev = srv->waiting_tail;
  if (srv->waiting_tail != NULL)
    srv->waiting_tail->wait_next = s;
  else
    srv->waiting_head = s;
  srv->waiting_tail = s;
}

static void on_handle_closed(uv_handle_t *h) {
  rp_session_t *s = h->data;
  rp_server_t *srv = s->srv;
  if (--s->open_handles > 0 || !(s->flags & RP_F_CLOSING))
    return;
  free(s);
  srv->active--;
  if (srv->accept_waiting && !srv->stopping &&
      srv->active < srv->cfg->max_connections) {
    srv->accept_waiting = 0;
    rp_server_on_connection((uv_stream_t *)&srv->listener, 0);
  }
}

static void close_upstream(rp_session_t *s) {
  if (s->flags & RP_F_UP_CLOSED)
    return;
  s->flags |= RP_F_UP_CLOSED;
  s->flags &= ~RP_F_UP_READING;
  uv_close((uv_handle_t *)&s->upstream, on_handle_closed);
}

static void record_flush(rp_session_t *s) {
  rp_log_t *log = s->srv->log;
  s->rec.active = 0;
  /* Most responses are forwarded without findings: no line. */
  if (s->rec.nfindings == 0 && s->rec.findings_dropped == 0 &&
      s->rec.action == RP_ACTION_FORWARDED && !log->all)
    return;
  log->now = now_of(s);
  s->rec.active = 1;
  rp_log_write(log, s->id, ring_front(s), &s->rec);
  s->rec.active = 0;
  /* Lines held back by --log-rate: their count is written once their
   * window is over. */
  if (s->srv->log->rate.pending > 0 &&
      !uv_is_active((uv_handle_t *)&s->srv->log_timer))
    uv_timer_start(&s->srv->log_timer, on_log_timer, RP_RATE_WINDOW_MS, 0);
}

static void session_close(rp_session_t *s) {
  rp_server_t *srv = s->srv;
  if (s->flags & RP_F_CLOSING)
    return;
  s->flags |= RP_F_CLOSING;
  wait_leave(s);
  if (s->rec.active) {
    if (s->rec.action == RP_ACTION_FORWARDED && !s->rec.have_end)
      s->rec.action = RP_ACTION_ABORTED;
    record_flush(s);
  }
  if (s->prev != NULL)
    s->prev->next = s->next;
  else
    srv->sessions = s->next;
  if (s->next != NULL)
    s->next->prev = s->prev;
  s->prev = s->next = NULL;
  close_upstream(s);
  /* A reset tells the client that what it got is not whole (a cut
   * response); SO_LINGER 0 and close, which libuv refuses after a
   * shutdown: then a plain close. */
  if (!(s->flags & RP_F_CLI_RESET) ||
      uv_tcp_close_reset(&s->client, on_handle_closed) != 0)
    uv_close((uv_handle_t *)&s->client, on_handle_closed);
  uv_close((uv_handle_t *)&s->timer, on_handle_closed);
}

void rp_server_close_sessions(rp_server_t *srv) {
  while (srv->sessions != NULL)
    session_close(srv->sessions);
}

/* The proxy's own answer, written in place of a response: "Connection:
 * close", text body (none for HEAD, RFC 9110 9.3.2). */
static void build_answer(rp_session_t *s, int code, const char *phrase,
                         const char *text, const char *detail) {
  char body[RP_ANSWER_BODY];
  char date[64];
  const rp_request_t *req = ring_front(s);
  int head_only = req != NULL && req->ctx.method == RESPCHECK_METHOD_HEAD;
  int blen, n;
  time_t now = time(NULL);
  struct tm tm;
  blen = snprintf(body, sizeof body, "respcheck-proxy: %s%s%s\n", text,
                  detail != NULL ? ": " : "", detail != NULL ? detail : "");
  if (blen < 0)
    blen = 0;
  if ((size_t)blen >= sizeof body) {
    blen = (int)sizeof body - 1;
    body[blen - 1] = '\n';
  }
  if (gmtime_r(&now, &tm) == NULL ||
      strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0)
    date[0] = '\0';
  n = snprintf(s->answer, sizeof s->answer,
               "HTTP/1.1 %d %s\r\nDate: %s\r\nContent-Type: text/plain; "
               "charset=utf-8\r\nContent-Length: %d\r\nConnection: "
               "close\r\n\r\n%.*s",
               code, phrase, date, blen, head_only ? 0 : blen, body);
  s->answer_len = n < 0                           ? 0
                  : (size_t)n >= sizeof s->answer ? sizeof s->answer - 1
                                                  : (size_t)n;
}

/* The upstream response in progress is not forwarded: a 502 naming the rules
 * when a request waits for it, else nothing. */
static void reject_response(rp_session_t *s, const char *why) {
  char rules[RP_ANSWER_BODY / 2];
  s->flags |= RP_F_STOP;
  if (s->ring_count == 0 || (s->flags & RP_F_CLI_FINAL)) {
    s->rec.action = RP_ACTION_DROPPED;
    return;
  }
  s->rec.action = RP_ACTION_REJECTED;
  s->srv->rejected++;
  if (s->rec.active && rp_record_error_rules(&s->rec, rules, sizeof rules) > 0)
    build_answer(s, 502, "Bad Gateway", "upstream response rejected", rules);
  else
    build_answer(s, 502, "Bad Gateway", why, NULL);
}

/* The client's bytes are refused: nothing more is read or forwarded, and
 * once the answers owed before are out, `code` ends the connection. */
static void refuse_request(rp_session_t *s, int code, const char *why) {
  if (s->flags & RP_F_REQ_BROKEN)
    return;
  s->flags |= RP_F_REQ_BROKEN;
  s->refuse_code = code;
  s->req_error = why;
  s->srv->refused++;
}

/* ------------------------------------------------------------------------ */
/* Reading and writing. */

/* Room to read into cli_buf. With no write in flight, what is not forwarded
 * yet (a head being held, requests waiting for an answer) first moves to the
 * front. A lingering close drops what it reads. */
static size_t cli_room(rp_session_t *s) {
  if (s->flags & RP_F_LINGERING)
    s->cli_out = s->cli_fwd = s->cli_pos = s->cli_len;
  if (s->cli_out > 0 && !(s->flags & RP_F_TO_UPSTREAM_BUSY)) {
    size_t keep = s->cli_len - s->cli_out;
    if (keep > 0)
      memmove(s->cli_buf, s->cli_buf + s->cli_out, keep);
    s->cli_fwd -= s->cli_out;
    s->cli_pos -= s->cli_out;
    s->cli_len = keep;
    s->cli_out = 0;
  }
  return s->cli_cap - s->cli_len;
}

static void cli_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  rp_session_t *s = h->data;
  size_t room = cli_room(s);
  (void)suggested;
  buf->base = s->cli_buf + s->cli_len;
  buf->len = room < RP_CLI_READ_SIZE ? room : RP_CLI_READ_SIZE;
}

/* With nothing held, the upstream is read into the server's shared buffer
 * (one process, one thread: the read callback that follows at once is its
 * only user), RP_SHARED_READ_SIZE at a time: a 64 KiB body takes one read
 * and one write instead of four of each, and the connection's own pages
 * are not touched. What the client's socket does not take at once, and
 * any held head, moves to the connection's buffer before the callback
 * returns (up_write_shared). */
static void up_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  rp_session_t *s = h->data;
  size_t room = s->up_cap - s->up_len;
  (void)suggested;
  if (s->up_len == 0 && s->srv->shared_read != NULL) {
    s->up_data = s->srv->shared_read;
    buf->base = s->up_data;
    buf->len = RP_SHARED_READ_SIZE;
    return;
  }
  s->up_data = s->up_buf;
  buf->base = s->up_buf + s->up_len;
  buf->len = room < RP_READ_SIZE ? room : RP_READ_SIZE;
}

static void on_client_read(uv_stream_t *h, ssize_t nread, const uv_buf_t *b);
static void on_upstream_read(uv_stream_t *h, ssize_t nread, const uv_buf_t *b);

static void cli_read_start(rp_session_t *s) {
  if (s->flags & (RP_F_CLI_READING | RP_F_CLOSING))
    return;
  if (uv_read_start((uv_stream_t *)&s->client, cli_alloc, on_client_read) == 0)
    s->flags |= RP_F_CLI_READING;
}

static void cli_read_stop(rp_session_t *s) {
  if (!(s->flags & RP_F_CLI_READING))
    return;
  uv_read_stop((uv_stream_t *)&s->client);
  s->flags &= ~RP_F_CLI_READING;
}

static void up_read_start(rp_session_t *s) {
  if ((s->flags &
       (RP_F_UP_READING | RP_F_CLOSING | RP_F_UP_CLOSED | RP_F_UP_EOF)) ||
      !(s->flags & RP_F_UP_CONNECTED))
    return;
  if (uv_read_start((uv_stream_t *)&s->upstream, up_alloc, on_upstream_read) ==
      0)
    s->flags |= RP_F_UP_READING;
}

static void up_read_stop(rp_session_t *s) {
  if (!(s->flags & RP_F_UP_READING))
    return;
  uv_read_stop((uv_stream_t *)&s->upstream);
  s->flags &= ~RP_F_UP_READING;
}

static void on_client_shutdown(uv_shutdown_t *req, int status) {
  rp_session_t *s = req->data;
  if (s->flags & RP_F_CLOSING)
    return;
  /* A client that already sent FIN has nothing left to drain. */
  if (status < 0 || (s->flags & RP_F_CLI_EOF))
    session_close(s);
}

/* The client gets a FIN after its last bytes; what it still sends is read
 * and dropped until it closes or RP_LINGER_MS pass, so that a close with
 * unread bytes does not reset the connection before the client has read
 * the answer. */
static void client_linger(rp_session_t *s) {
  if (s->flags & (RP_F_LINGERING | RP_F_CLOSING))
    return;
  s->flags |= RP_F_LINGERING;
  s->linger_since = now_of(s);
  close_upstream(s);
  s->client_shutdown.data = s;
  if (uv_shutdown(&s->client_shutdown, (uv_stream_t *)&s->client,
                  on_client_shutdown) != 0) {
    session_close(s);
    return;
  }
  if (!(s->flags & RP_F_CLI_EOF))
    cli_read_start(s);
  /* A lingering connection has nothing more to give: it may be evicted. */
  wait_leave(s);
  wait_enter(s);
  arm_timer(s);
}

/* ------------------------------------------------------------------------ */
/* Upstream to client. */

/* Writes bufs: what the socket takes now directly, the rest as one queued
 * write (req, cb). Returns 0 when all is written, 1 when a write is queued,
 * -1 on error. Most writes complete at once, sparing the stop and restart
 * of reading that a queued write costs. */
static int write_some(uv_write_t *req, uv_stream_t *stream, uv_buf_t *bufs,
                      unsigned n, uv_write_cb cb) {
  int w = uv_try_write(stream, bufs, n);
  size_t done;
  if (w == UV_EAGAIN)
    w = 0;
  else if (w < 0)
    return -1;
  done = (size_t)w;
  while (n > 0 && done >= bufs[0].len) {
    done -= bufs[0].len;
    bufs++;
    n--;
  }
  if (n == 0)
    return 0;
  bufs[0].base += done;
  bufs[0].len -= done;
  return uv_write(req, stream, bufs, n, cb) == 0 ? 1 : -1;
}

static void on_client_written(uv_write_t *w, int status) {
  rp_session_t *s = w->data;
  s->flags &= ~RP_F_TO_CLIENT_BUSY;
  if (s->flags & RP_F_CLOSING)
    return;
  if (status < 0) {
    session_close(s);
    return;
  }
  touch(s);
  up_drained(s);
}

/*
 * up_flush's write when the bytes are in the shared read buffer: what the
 * socket takes now, then the rest of the decided bytes and the held ones
 * move to up_buf, and a write of what is left is queued from there.
 * bufs: the decided bytes (when has_data) and the proxy's answer. Returns
 * as write_some.
 */
static int up_write_shared(rp_session_t *s, uv_buf_t *bufs, unsigned n,
                           int has_data, uint64_t from) {
  uv_buf_t rest[2];
  unsigned m = 0, i = 0;
  uint64_t keep_from = s->decided;
  size_t w = 0, keep;
  if (n > 0) {
    int r = uv_try_write((uv_stream_t *)&s->client, bufs, n);
    if (r < 0 && r != UV_EAGAIN)
      return -1;
    w = r > 0 ? (size_t)r : 0;
  }
  if (has_data) {
    size_t took = w < bufs[0].len ? w : bufs[0].len;
    keep_from = from + took;
    w -= took;
    i = 1;
  }
  keep = (size_t)(s->up_base + s->up_len - keep_from);
  if (keep > 0)
    memcpy(s->up_buf, s->up_data + (size_t)(keep_from - s->up_base), keep);
  s->up_data = s->up_buf;
  s->up_base = keep_from;
  s->up_len = keep;
  if (s->decided > keep_from)
    rest[m++] = uv_buf_init(s->up_buf, (unsigned)(s->decided - keep_from));
  for (; i < n; i++) {
    if (w >= bufs[i].len) {
      w -= bufs[i].len;
      continue;
    }
    rest[m++] = uv_buf_init(bufs[i].base + w, (unsigned)(bufs[i].len - w));
    w = 0;
  }
  if (m == 0)
    return 0;
  return uv_write(&s->to_client, (uv_stream_t *)&s->client, rest, m,
                  on_client_written) == 0
             ? 1
             : -1;
}

/*
 * Writes the bytes decided since `from` and, when the response was given up
 * (RP_F_STOP), the proxy's answer; then closes the upstream and
 * ends the client connection after them. Runs after each read from the upstream
 * (and at its end), never while a write to the client is in flight.
 */
static void up_flush(rp_session_t *s, uint64_t from) {
  uv_buf_t bufs[2];
  unsigned n = 0;
  int has_data = s->decided > from;
  if (has_data)
    bufs[n++] = uv_buf_init(s->up_data + (size_t)(from - s->up_base),
                            (unsigned)(s->decided - from));
  if (s->flags & RP_F_STOP) {
    if (s->answer_len > 0)
      bufs[n++] = uv_buf_init(s->answer, (unsigned)s->answer_len);
    s->answer_len = 0;
    close_upstream(s);
    s->flags |= RP_F_CLI_FINAL;
    cli_read_stop(s);
  }
  if (n > 0 || s->up_data != s->up_buf) {
    int r;
    s->to_client.data = s;
    if (s->up_data != s->up_buf)
      r = up_write_shared(s, bufs, n, has_data, from);
    else
      r = write_some(&s->to_client, (uv_stream_t *)&s->client, bufs, n,
                     on_client_written);
    if (r < 0) {
      session_close(s);
      return;
    }
    if (r > 0) {
      s->flags |= RP_F_TO_CLIENT_BUSY;
      up_read_stop(s);
    } else {
      up_drained(s);
    }
  } else {
    up_drained(s);
  }
  if ((s->flags & RP_F_KICK_CLIENT) && !(s->flags & RP_F_CLOSING)) {
    s->flags &= ~RP_F_KICK_CLIENT;
    cli_pump(s);
  }
}

/* The write to the client is done (or there was none): keep the held bytes,
 * read on, or end the client connection. */
static void up_drained(rp_session_t *s) {
  uint64_t end = s->up_base + s->up_len;
  size_t keep = (size_t)(end - s->decided);
  if (s->flags & RP_F_CLOSING)
    return;
  if (s->flags & RP_F_CLI_FINAL) {
    if (s->flags & RP_F_CLI_RESET)
      session_close(s);
    else
      client_linger(s);
    return;
  }
  if (keep > 0 && s->decided > s->up_base)
    memmove(s->up_buf, s->up_buf + (size_t)(s->decided - s->up_base), keep);
  s->up_base = s->decided;
  s->up_len = keep;
  if (s->up_len > s->hold_max) {
    /* Only empty lines before a status line can get here: the library
     * bounds the head itself (header-section-too-large). */
    reject_response(s, "upstream sent too many bytes before a status line");
    up_flush(s, s->decided);
    return;
  }
  /* Every answer owed is out: the connection waits for a request. */
  if (s->ring_count == 0 && s->up_len == 0 && s->mode == UP_HEAD &&
      s->phase != RQ_BODY)
    wait_enter(s);
  up_read_start(s);
  cli_pump(s);
}

/* After respcheck_execute / respcheck_finish: a fatal error the callbacks
 * did not already act on, and how far the stream may go out. */
static void up_after_parse(rp_session_t *s, respcheck_errno_t err) {
  const rp_config_t *cfg = cfg_of(s);
  if (err != RESPCHECK_E_OK && err != RESPCHECK_E_CALLBACK &&
      !(s->flags & RP_F_STOP)) {
    if (cfg->report_only)
      s->mode = UP_RAW;
    else if (s->mode == UP_BODY)
      s->flags |= RP_F_STOP;
    else if (s->mode == UP_HEAD)
      reject_response(s, respcheck_parser_error_reason(s->rc));
  }
  if (s->flags & RP_F_STOP)
    return;
  if (s->mode == UP_BODY && err == RESPCHECK_E_OK)
    s->decided = respcheck_parser_offset(s->rc);
  else if (s->mode != UP_HEAD)
    s->decided = s->up_base + s->up_len;
}

static void up_feed(rp_session_t *s, size_t n) {
  uint64_t from = s->decided;
  const char *data = s->up_data + s->up_len;
  s->up_len += n;
  if (s->mode == UP_TUNNEL || s->mode == UP_RAW)
    s->decided = s->up_base + s->up_len;
  else
    up_after_parse(s, respcheck_execute(s->rc, data, n));
  up_flush(s, from);
}

static void up_on_eof(rp_session_t *s) {
  uint64_t from = s->decided;
  s->flags |= RP_F_UP_EOF;
  up_read_stop(s);
  /* A reset inside relayed bytes is passed on as a reset. */
  if ((s->flags & RP_F_UP_ERROR) && (s->mode == UP_TUNNEL || s->mode == UP_RAW))
    s->flags |= RP_F_CLI_RESET;
  if (!(s->flags & RP_F_STOP) && (s->mode == UP_HEAD || s->mode == UP_BODY))
    up_after_parse(s, respcheck_finish(s->rc));
  if (!(s->flags & RP_F_STOP) && s->mode == UP_HEAD) {
    if (cfg_of(s)->report_only)
      s->decided = s->up_base + s->up_len;
    else if (s->ring_count > 0 && !(s->flags & RP_F_CLOSING_RESPONSE))
      reject_response(s, "the upstream closed the connection before "
                         "responding");
  }
  close_upstream(s);
  s->flags |= RP_F_CLI_FINAL;
  up_flush(s, from);
}

/* libuv reports a reset as the end of the stream when it comes with the
 * last bytes (epoll's POLLHUP after a partial read: libuv does not read
 * again), and the socket's error is then still pending: it tells a reset
 * (ECONNRESET) from a FIN (no error). Returns UV_EOF or the error. */
static ssize_t pending_error(uv_tcp_t *h) {
  uv_os_fd_t fd;
  int err = 0;
  socklen_t len = sizeof err;
  if (uv_fileno((uv_handle_t *)h, &fd) != 0 ||
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err == 0)
    return UV_EOF;
  return -err; /* UV_E* are negated errno values on Unix */
}

static void on_upstream_read(uv_stream_t *h, ssize_t nread, const uv_buf_t *b) {
  rp_session_t *s = h->data;
  (void)b;
  if ((s->flags & (RP_F_CLOSING | RP_F_UP_CLOSED)) || nread == 0)
    return;
  touch(s);
  if (nread < 0) {
    s->flags &= ~RP_F_UP_READING;
    if (nread == UV_EOF)
      nread = pending_error(&s->upstream);
    if (nread != UV_EOF) {
      s->flags |= RP_F_UP_ERROR;
      event(s, "upstream read error", uv_strerror((int)nread));
    }
    up_on_eof(s);
    return;
  }
  up_feed(s, (size_t)nread);
}

/* ------------------------------------------------------------------------ */
/* respcheck's callbacks (from inside respcheck_execute / _finish). */

static rp_record_t *record_for(rp_session_t *s, uint64_t index) {
  if (s->rec.active && s->rec.index != index) {
    s->rec.head_valid = 0;
    record_flush(s);
  }
  if (!s->rec.active)
    rp_record_start(&s->rec, index);
  return &s->rec;
}

/* The response whose head went out cannot be answered otherwise: the
 * client connection is reset after what was forwarded. */
static void cut_response(rp_session_t *s, rp_record_t *rec) {
  s->flags |= RP_F_STOP | RP_F_CLI_RESET;
  rec->action = RP_ACTION_CUT;
  s->srv->cut++;
}

static void rc_on_finding(void *user, const respcheck_finding_t *f) {
  rp_session_t *s = user;
  rp_record_t *rec = record_for(s, f->response_index);
  rp_record_finding(rec, f);
  /* The head is out: an error now can only end the client connection,
   * which tells the client the response is broken. An upstream reset
   * does so in --report-only too: it is the transport, not a rule. */
  if (f->severity == RESPCHECK_SEVERITY_ERROR && s->mode == UP_BODY &&
      !(s->flags & RP_F_STOP) &&
      (!cfg_of(s)->report_only || (s->flags & RP_F_UP_ERROR)))
    cut_response(s, rec);
}

static int rc_on_head(void *user, const respcheck_response_t *r) {
  rp_session_t *s = user;
  rp_record_t *rec = record_for(s, r->index);
  rec->head = *r;
  rec->have_head = 1;
  rec->head_valid = 1;
  if (s->flags & RP_F_STOP)
    return 1;
  if (!cfg_of(s)->report_only) {
    if (s->ring_count == 0) {
      /* Nobody asked: requests go one at a time, so this is not the
       * answer to one still on its way. Forwarding it would answer the
       * client's next request with it (response queue poisoning, RFC 9112
       * 9.3.2: responses pair with requests in order). */
      s->flags |= RP_F_STOP;
      rec->action = RP_ACTION_DROPPED;
      s->srv->unsolicited++;
      event(s, "response without a request, dropped; closing", NULL);
      return 1;
    }
    if (r->verdict == RESPCHECK_REJECT) {
      reject_response(s, "upstream response rejected");
      return 1;
    }
  }
  s->decided = r->offset + r->head_length;
  s->mode = UP_BODY;
  set_flag(s, RP_F_CUR_TUNNEL,
           (r->framing &
            (RESPCHECK_FRAMING_UPGRADE | RESPCHECK_FRAMING_TUNNEL)) != 0);
  return 0;
}

/* The upstream's stream ended with an error inside this response: had it
 * a close-delimited body, the library saw a clean end, so the finding is
 * made here. */
static void truncated_by_error(rp_session_t *s, rp_record_t *rec,
                               const respcheck_message_end_t *e) {
  respcheck_finding_t f;
  unsigned i;
  for (i = 0; i < rec->nfindings; i++)
    if (rec->findings[i].rule == RESPCHECK_RULE_MESSAGE_TRUNCATED)
      return;
  memset(&f, 0, sizeof f);
  f.rule = RESPCHECK_RULE_MESSAGE_TRUNCATED;
  f.id = respcheck_rule_id(f.rule);
  f.severity = RESPCHECK_SEVERITY_ERROR;
  f.offset = e->end_offset;
  f.response_index = e->index;
  f.message = "the upstream connection failed (read error) inside the "
              "response";
  f.reference = respcheck_rule_reference(f.rule);
  rp_record_finding(rec, &f);
  if (!(s->flags & RP_F_STOP) || rec->action == RP_ACTION_FORWARDED)
    cut_response(s, rec);
}

static void rc_on_message_end(void *user, const respcheck_message_end_t *e) {
  rp_session_t *s = user;
  rp_record_t *rec = record_for(s, e->index);
  int final, pop = 0;
  rec->end = *e;
  rec->have_end = 1;
  /* 1xx responses share their final response's request (101 is final). */
  final =
      rec->have_head && !(rec->head.status >= 100 && rec->head.status < 200 &&
                          rec->head.status != 101);
  if ((s->flags & RP_F_UP_ERROR) && s->mode == UP_BODY &&
      (rec->action == RP_ACTION_FORWARDED || rec->action == RP_ACTION_CUT))
    truncated_by_error(s, rec, e);
  if (!(s->flags & RP_F_STOP)) {
    if (s->mode == UP_BODY) {
      s->decided = e->end_offset;
      s->mode = (s->flags & RP_F_CUR_TUNNEL) ? UP_TUNNEL : UP_HEAD;
      if (final) {
        pop = 1;
        set_flag(s, RP_F_CLOSING_RESPONSE,
                 (rec->head.framing & RESPCHECK_FRAMING_KEEP_ALIVE) == 0);
      }
    } else if (s->mode == UP_HEAD && !cfg_of(s)->report_only) {
      /* No verdict from on_head: a fatal error in the head, or the stream
       * ended inside it. */
      reject_response(s, "upstream response unreadable");
    }
  }
  record_flush(s);
  if (pop) {
    ring_pop(s);
    s->idle_since = s->last_active;
    s->flags |= RP_F_KICK_CLIENT;
  }
}

static const respcheck_callbacks_t rc_callbacks = {
    rc_on_finding, rc_on_head, NULL, rc_on_message_end, NULL};

/* ------------------------------------------------------------------------ */
/* Client requests (llhttp, request mode). */

static rp_session_t *req_session(llhttp_t *p) { return p->data; }

static int req_on_message_begin(llhttp_t *p) {
  rp_session_t *s = req_session(p);
  rp_request_t *r;
  if (s->ring_count >= s->ring_cap)
    return -1; /* cannot happen: one request at a time */
  s->phase = RQ_HEAD;
  s->head_fields = 0;
  s->flags &= ~RP_F_REQ_LINE_DONE;
  /* The first request's head is due --header-timeout after the accept;
   * a later one's after its first byte (before it, --keepalive-timeout).
   * The timer fires soon enough (arm_timer). */
  if (s->requests > 0)
    s->head_since = s->last_active;
  r = ring_tail(s);
  r->target_len = 0;
  r->target_cut = 0;
  r->method = NULL;
  return 0;
}

static int req_on_url(llhttp_t *p, const char *at, size_t len) {
  rp_session_t *s = req_session(p);
  rp_request_t *r = ring_tail(s);
  size_t room = RP_TARGET_MAX - r->target_len;
  if (len > room) {
    len = room;
    r->target_cut = 1;
  }
  memcpy(r->target + r->target_len, at, len);
  r->target_len += (unsigned)len;
  return 0;
}

static int req_on_version_complete(llhttp_t *p) {
  req_session(p)->flags |= RP_F_REQ_LINE_DONE;
  return 0;
}

static int req_on_header_field_complete(llhttp_t *p) {
  rp_session_t *s = req_session(p);
  if (++s->head_fields > cfg_of(s)->max_request_headers) {
    /* RFC 6585 5: 431 for a field section the server will not process. */
    refuse_request(s, 431, "more request header fields than the limit");
    return -1;
  }
  return 0;
}

static int req_on_headers_complete(llhttp_t *p) {
  rp_session_t *s = req_session(p);
  rp_request_t *r = ring_tail(s);
  r->method = llhttp_method_name((llhttp_method_t)llhttp_get_method(p));
  r->ctx.method = respcheck_method_from_name(r->method, strlen(r->method));
  r->ctx.version_major = llhttp_get_http_major(p);
  r->ctx.version_minor = llhttp_get_http_minor(p);
  /* Queued before the request's bytes go out, so before any answer can
   * come back. */
  if (respcheck_push_request(s->rc, &r->ctx) != RESPCHECK_E_OK)
    return -1;
  s->ring_count++;
  s->requests++;
  s->phase = RQ_BODY;
  s->head_bytes = 0;
  wait_leave(s);
  return 0;
}

/* Pausing at each request's end gives cli_process the request boundaries:
 * the next request is read once this one is answered. */
static int req_on_message_complete(llhttp_t *p) {
  rp_session_t *s = req_session(p);
  s->phase = RQ_IDLE;
  s->resp_since = s->last_active;
  return HPE_PAUSED;
}

static const llhttp_settings_t req_settings = {
    .on_message_begin = req_on_message_begin,
    .on_url = req_on_url,
    .on_headers_complete = req_on_headers_complete,
    .on_message_complete = req_on_message_complete,
    .on_version_complete = req_on_version_complete,
    .on_header_field_complete = req_on_header_field_complete};

/* The upstream stopped taking requests: the client is no longer read, and
 * the upstream's own end (EOF, reset) or the idle timeout ends the pair
 * once what it sent has gone out. */
static void upstream_write_failed(rp_session_t *s, int status) {
  event(s, "upstream write error", uv_strerror(status));
  s->flags |= RP_F_UP_WRITE_FAILED;
  cli_read_stop(s);
}

static void on_upstream_written(uv_write_t *w, int status) {
  rp_session_t *s = w->data;
  s->flags &= ~RP_F_TO_UPSTREAM_BUSY;
  if (s->flags & (RP_F_CLOSING | RP_F_UP_CLOSED))
    return;
  if (status < 0) {
    upstream_write_failed(s, status);
    return;
  }
  s->cli_out = s->cli_inflight;
  touch(s);
  cli_pump(s);
}

static void on_upstream_connect(uv_connect_t *req, int status);

/* A complete request head is there: the upstream connection is opened
 * (only now, so that a client that never completes one costs the upstream
 * nothing). */
static void up_connect(rp_session_t *s) {
  int err;
  s->flags |= RP_F_UP_CONNECTING;
  cli_read_stop(s);
  s->connect_req.data = s;
  err = uv_tcp_connect(&s->connect_req, &s->upstream,
                       (const struct sockaddr *)&cfg_of(s)->upstream_addr,
                       on_upstream_connect);
  if (err != 0) {
    event(s, "upstream unreachable", uv_strerror(err));
    s->flags &= ~RP_F_UP_CONNECTING;
    s->flags |= RP_F_UP_FAILED;
    close_upstream(s);
  }
}

/* Forwards cli_buf[cli_out, cli_fwd). Returns 1 when the client side must
 * wait (a write in flight, or the upstream failed), else 0. */
static int cli_forward(rp_session_t *s) {
  uv_buf_t buf;
  int r;
  if (s->cli_fwd <= s->cli_out || !(s->flags & RP_F_UP_CONNECTED) ||
      (s->flags & (RP_F_UP_CLOSED | RP_F_UP_WRITE_FAILED)))
    return 0;
  buf =
      uv_buf_init(s->cli_buf + s->cli_out, (unsigned)(s->cli_fwd - s->cli_out));
  s->to_upstream.data = s;
  r = write_some(&s->to_upstream, (uv_stream_t *)&s->upstream, &buf, 1,
                 on_upstream_written);
  if (r < 0) {
    upstream_write_failed(s, UV_EPIPE);
    return 1;
  }
  if (r > 0) {
    s->cli_inflight = s->cli_fwd;
    s->flags |= RP_F_TO_UPSTREAM_BUSY;
    cli_read_stop(s);
    return 1;
  }
  s->cli_out = s->cli_fwd;
  return 0;
}

/* Runs llhttp over cli_buf[cli_pos, cli_len) up to the end of the bytes, of
 * a request (the next waits for its answer), an upgrade, a refusal, or a
 * first complete head (the upstream connection is opened then). */
static void cli_process(rp_session_t *s) {
  const rp_config_t *cfg = cfg_of(s);
  while (s->cli_pos < s->cli_len &&
         !(s->flags & (RP_F_REQ_WAIT_ANSWER | RP_F_REQ_WAIT_UPGRADE |
                       RP_F_REQ_BROKEN | RP_F_UP_CONNECTING))) {
    const char *data = s->cli_buf + s->cli_pos;
    size_t n = s->cli_len - s->cli_pos, used;
    int in_head = s->phase != RQ_BODY;
    llhttp_errno_t err;
    if (s->mode == UP_TUNNEL || s->mode == UP_RAW) {
      s->cli_pos = s->cli_fwd = s->cli_len;
      break;
    }
    /* A head gets no more bytes than the limit: one that is still not
     * complete after them is too large. */
    if (in_head && n > cfg->max_request_header_bytes - s->head_bytes)
      n = cfg->max_request_header_bytes - s->head_bytes;
    err = llhttp_execute(&s->req, data, n);
    if (err == HPE_OK) {
      used = n;
    } else if (err == HPE_PAUSED || err == HPE_PAUSED_UPGRADE) {
      used = (size_t)(llhttp_get_error_pos(&s->req) - data);
    } else {
      /* Nothing of the broken request goes on: cli_fwd is still at the end
       * of what went before. */
      if (!(s->flags & RP_F_REQ_BROKEN))
        refuse_request(s, 400, llhttp_get_error_reason(&s->req));
      event(s, "request refused", s->req_error);
      break;
    }
    s->cli_pos += used;
    if (err == HPE_PAUSED) {
      /* The request is complete and goes on; the next one waits for the
       * answer to this one. */
      llhttp_resume(&s->req);
      s->cli_fwd = s->cli_pos;
      if (s->ring_count > 0)
        s->flags |= RP_F_REQ_WAIT_ANSWER;
      break;
    }
    if (err == HPE_PAUSED_UPGRADE) {
      s->cli_fwd = s->cli_pos;
      s->flags |= RP_F_REQ_WAIT_UPGRADE;
      break;
    }
    if (s->phase == RQ_BODY) {
      s->cli_fwd = s->cli_pos;
    } else if (in_head) {
      s->head_bytes += used;
      if (s->head_bytes >= cfg->max_request_header_bytes) {
        if (s->phase == RQ_IDLE)
          refuse_request(s, 400, "too many empty lines before a request");
        else if (!(s->flags & RP_F_REQ_LINE_DONE))
          refuse_request(s, 414, "request line longer than the limit");
        else
          refuse_request(s, 431,
                         "request header section larger than the "
                         "limit");
        event(s, "request refused", s->req_error);
        break;
      }
    }
  }
  if (s->ring_count > 0 &&
      !(s->flags & (RP_F_UP_CONNECTED | RP_F_UP_CONNECTING | RP_F_UP_FAILED |
                    RP_F_UP_CLOSED)))
    up_connect(s);
}

static void on_upstream_shutdown(uv_shutdown_t *req, int status) {
  (void)req;
  (void)status; /* the upstream's answer (or its FIN) says the rest */
}

/* The client side's state machine: called whenever something it waits for
 * may have changed (a write done, a response ended, a read, a connect). */
static void cli_pump(rp_session_t *s) {
  for (;;) {
    uint64_t held;
    if (s->flags & (RP_F_CLOSING | RP_F_TO_UPSTREAM_BUSY | RP_F_CLI_FINAL |
                    RP_F_LINGERING | RP_F_UP_CONNECTING))
      return;
    if (s->flags & RP_F_UP_WRITE_FAILED) {
      cli_read_stop(s);
      return;
    }
    if (s->mode == UP_TUNNEL || s->mode == UP_RAW) {
      /* Requests are relayed unparsed from here on. */
      s->flags &= ~(RP_F_REQ_WAIT_ANSWER | RP_F_REQ_WAIT_UPGRADE);
    }
    if ((s->flags & RP_F_REQ_WAIT_ANSWER) && s->ring_count == 0)
      s->flags &= ~RP_F_REQ_WAIT_ANSWER;
    if ((s->flags & RP_F_REQ_WAIT_UPGRADE) && s->ring_count == 0) {
      /* Its answer is in: a tunnel, or a refusal after which HTTP goes
       * on. */
      s->flags &= ~RP_F_REQ_WAIT_UPGRADE;
      if (s->mode != UP_TUNNEL)
        llhttp_resume_after_upgrade(&s->req);
    }
    held = s->up_base + s->up_len - s->decided;
    if (s->flags & RP_F_UP_FAILED) {
      if (s->ring_count > 0 && !(s->flags & RP_F_TO_CLIENT_BUSY)) {
        build_answer(s, 502, "Bad Gateway", "upstream unreachable", NULL);
        s->flags |= RP_F_STOP;
        up_flush(s, s->decided);
        return;
      }
      /* Nowhere to send it. */
      s->cli_out = s->cli_fwd = s->cli_pos = s->cli_len;
    }
    if (s->flags & RP_F_REQ_BROKEN) {
      /* Earlier requests are answered first; then the refusal ends it. */
      if (s->ring_count == 0 && s->mode == UP_HEAD && held == 0 &&
          !(s->flags & RP_F_TO_CLIENT_BUSY)) {
        static const char *const phrases[] = {
            "Bad Request", "Request Timeout", "URI Too Long",
            "Request Header Fields Too Large"};
        int c = s->refuse_code;
        build_answer(s, c,
                     phrases[c == 408   ? 1
                             : c == 414 ? 2
                             : c == 431 ? 3
                                        : 0],
                     c == 408 ? "request head not received in time"
                              : "request refused",
                     s->req_error);
        s->flags |= RP_F_STOP;
        up_flush(s, s->decided);
      }
      cli_read_stop(s);
      return;
    }
    if (cli_forward(s))
      return;
    if (s->cli_pos < s->cli_len &&
        !(s->flags & (RP_F_REQ_WAIT_ANSWER | RP_F_REQ_WAIT_UPGRADE))) {
      cli_process(s);
      continue;
    }
    /* Every byte read is parsed, or waits for an answer: read on while
     * there is room (a pipelining client's next requests wait here, and a
     * FIN or a reset from the client is seen). */
    if (!(s->flags & RP_F_CLI_EOF)) {
      if (cli_room(s) > 0)
        cli_read_start(s);
      else
        cli_read_stop(s);
      return;
    }
    if (s->cli_pos < s->cli_len)
      return; /* after the answer */
    /* The client sent FIN and everything it sent is out. */
    if ((s->flags & RP_F_UP_CONNECTED) && !(s->flags & RP_F_UP_CLOSED) &&
        !(s->flags & RP_F_UP_SHUT)) {
      s->flags |= RP_F_UP_SHUT;
      s->upstream_shutdown.data = s;
      if (uv_shutdown(&s->upstream_shutdown, (uv_stream_t *)&s->upstream,
                      on_upstream_shutdown) != 0)
        s->flags |= RP_F_UP_SHUT;
    }
    if (s->ring_count == 0 && s->mode == UP_HEAD && held == 0 &&
        !(s->flags & RP_F_TO_CLIENT_BUSY))
      session_close(s);
    return;
  }
}

static void on_client_read(uv_stream_t *h, ssize_t nread, const uv_buf_t *b) {
  rp_session_t *s = h->data;
  (void)b;
  if ((s->flags & RP_F_CLOSING) || nread == 0)
    return;
  touch(s);
  if (s->flags & RP_F_LINGERING) {
    if (nread < 0)
      session_close(s);
    return;
  }
  if (nread < 0) {
    cli_read_stop(s);
    if (nread != UV_EOF) {
      session_close(s);
      return;
    }
    s->flags |= RP_F_CLI_EOF;
    cli_pump(s);
    return;
  }
  s->cli_len += (size_t)nread;
  cli_pump(s);
}

/* ------------------------------------------------------------------------ */
/* Timer, connection set-up. */

/* When the session's timer is due next, and for what. */
static uint64_t next_due(const rp_session_t *s, due_kind_t *kind) {
  const rp_config_t *cfg = cfg_of(s);
  if (s->flags & RP_F_LINGERING) {
    *kind = DUE_LINGER;
    return s->linger_since +
           (cfg->timeout_ms < RP_LINGER_MS ? cfg->timeout_ms : RP_LINGER_MS);
  }
  if (s->ring_count == 0 && s->mode == UP_HEAD &&
      !(s->flags &
        (RP_F_CLI_FINAL | RP_F_REQ_BROKEN | RP_F_TO_CLIENT_BUSY | RP_F_STOP))) {
    /* Waiting for a request head. */
    if (s->requests == 0 || s->phase == RQ_HEAD) {
      *kind = DUE_HEAD;
      return s->head_since + cfg->header_timeout_ms;
    }
    if (s->phase == RQ_IDLE) {
      *kind = DUE_KEEPALIVE;
      return s->idle_since + cfg->keepalive_timeout_ms;
    }
  }
  if (s->ring_count > 0 && s->mode == UP_HEAD && s->phase == RQ_IDLE &&
      !(s->flags &
        (RP_F_STOP | RP_F_TO_CLIENT_BUSY | RP_F_CLI_FINAL | RP_F_UP_FAILED))) {
    /* The request is out whole; its answer's head is due, however it
     * trickles. */
    *kind = DUE_RESPONSE;
    return s->resp_since + cfg->timeout_ms;
  }
  *kind = DUE_IDLE;
  return s->last_active + cfg->timeout_ms;
}

/* Starts the timer for next_due(), or for the shortest of the timeouts if
 * that is sooner. Every deadline a state change starts (a request head, a
 * response head, keep-alive, idle) is then due no sooner than the timer
 * fires, so requests do not restart the timer: it fires, finds the
 * deadline not reached, and starts again. */
static void arm_timer(rp_session_t *s) {
  const rp_config_t *cfg = cfg_of(s);
  due_kind_t kind;
  uint64_t due = next_due(s, &kind), now = now_of(s), tick;
  if (s->flags & RP_F_CLOSING)
    return;
  tick = cfg->header_timeout_ms;
  if (cfg->timeout_ms < tick)
    tick = cfg->timeout_ms;
  if (cfg->keepalive_timeout_ms < tick)
    tick = cfg->keepalive_timeout_ms;
  if (due > now + tick)
    due = now + tick;
  if (uv_is_active((uv_handle_t *)&s->timer) && s->armed_due <= due)
    return;
  s->armed_due = due;
  uv_timer_start(&s->timer, on_timer, due > now ? due - now : 0, 0);
}

static void on_timer(uv_timer_t *t) {
  rp_session_t *s = t->data;
  due_kind_t kind;
  uint64_t now = now_of(s), due;
  if (s->flags & RP_F_CLOSING)
    return;
  due = next_due(s, &kind);
  if (due > now) {
    arm_timer(s);
    return;
  }
  switch (kind) {
  case DUE_HEAD:
    /* As nginx's client_header_timeout and HAProxy's timeout
     * http-request: a slow head does not hold a connection. A connection
     * that sent nothing is closed without a word (as nginx does: clients
     * open connections ahead of need). */
    s->srv->timed_out++;
    if (s->phase == RQ_IDLE && s->cli_len == s->cli_out)
      break;
    refuse_request(s, 408,
                   "no complete request head within "
                   "--header-timeout");
    cli_read_stop(s);
    cli_pump(s);
    arm_timer(s);
    return;
  case DUE_RESPONSE:
    event(s, "upstream timed out", NULL);
    s->srv->timed_out++;
    if (s->rec.active)
      s->rec.action = RP_ACTION_ABORTED;
    build_answer(s, 504, "Gateway Timeout", "upstream timed out", NULL);
    s->flags |= RP_F_STOP;
    up_flush(s, s->decided);
    arm_timer(s);
    return;
  case DUE_LINGER:
  case DUE_KEEPALIVE:
  case DUE_IDLE:
    break;
  }
  session_close(s);
}

static void on_upstream_connect(uv_connect_t *req, int status) {
  rp_session_t *s = req->data;
  s->flags &= ~RP_F_UP_CONNECTING;
  if (s->flags & (RP_F_CLOSING | RP_F_UP_CLOSED))
    return;
  touch(s);
  if (status < 0) {
    event(s, "upstream unreachable", uv_strerror(status));
    s->flags |= RP_F_UP_FAILED;
    close_upstream(s);
    cli_pump(s);
    return;
  }
  s->flags |= RP_F_UP_CONNECTED;
  s->resp_since = now_of(s);
  uv_tcp_nodelay(&s->upstream, 1);
  up_read_start(s);
  cli_pump(s);
}

static void free_handle(uv_handle_t *h) { free(h); }

static void accept_failed(rp_server_t *srv) {
  /* Take the connection off the listener and close it: there is no memory
   * for it. A handle of its own, freed on close. */
  uv_tcp_t *tmp = malloc(sizeof *tmp);
  if (tmp == NULL || uv_tcp_init(srv->loop, tmp) != 0) {
    free(tmp);
    srv->accept_waiting = 1;
    return;
  }
  (void)uv_accept((uv_stream_t *)&srv->listener, (uv_stream_t *)tmp);
  uv_close((uv_handle_t *)tmp, free_handle);
}

/* --max-connections are open and a connection waits in the backlog: the
 * connection that has waited longest for a request head gives its slot up,
 * once it has waited RP_EVICT_AFTER_MS (nginx likewise reuses idle
 * keep-alive connections when it runs out). A slow head gets 408 on its
 * way out. Without this, connections that send a head one byte at a time
 * keep every slot busy for --header-timeout, and the clients behind them
 * wait as long (slowloris). */
static void server_evict(rp_server_t *srv) {
  rp_session_t *s = srv->waiting_head;
  uint64_t now = uv_now(srv->loop);
  if (s == NULL || srv->stopping)
    return;
  if (now - s->wait_since < RP_EVICT_AFTER_MS) {
    uv_timer_start(&srv->evict_timer, on_evict_timer,
                   s->wait_since + RP_EVICT_AFTER_MS - now, 0);
    return;
  }
  srv->evicted++;
  if (!(s->flags & (RP_F_LINGERING | RP_F_TO_CLIENT_BUSY)) &&
      (s->phase == RQ_HEAD || s->cli_len > s->cli_out)) {
    uv_buf_t buf;
    build_answer(s, 408, "Request Timeout",
                 "request head not received in "
                 "time",
                 NULL);
    buf = uv_buf_init(s->answer, (unsigned)s->answer_len);
    (void)uv_try_write((uv_stream_t *)&s->client, &buf, 1);
  }
  session_close(s);
}

static void on_evict_timer(uv_timer_t *t) {
  rp_server_t *srv = t->data;
  if (srv->accept_waiting && srv->active >= srv->cfg->max_connections)
    server_evict(srv);
}

static void on_log_timer(uv_timer_t *t) {
  rp_server_t *srv = t->data;
  srv->log->now = uv_now(srv->loop);
  if (rp_log_flush_rate(srv->log, 0) > 0)
    uv_timer_start(&srv->log_timer, on_log_timer, RP_RATE_WINDOW_MS, 0);
}

void rp_server_init(rp_server_t *srv) {
  /* Without it (no memory), each connection reads into its own buffer. */
  srv->shared_read = malloc(RP_SHARED_READ_SIZE);
  uv_timer_init(srv->loop, &srv->evict_timer);
  uv_timer_init(srv->loop, &srv->log_timer);
  srv->evict_timer.data = srv->log_timer.data = srv;
}

void rp_server_stop(rp_server_t *srv) {
  if (srv->events_suppressed > 0)
    fprintf(stderr,
            "respcheck-proxy: %" PRIu64 " more connection events not shown\n",
            srv->events_suppressed);
  srv->events_suppressed = 0;
  uv_close((uv_handle_t *)&srv->evict_timer, NULL);
  uv_close((uv_handle_t *)&srv->log_timer, NULL);
  srv->log->now = uv_now(srv->loop);
  (void)rp_log_flush_rate(srv->log, 1);
}

void rp_server_on_connection(uv_stream_t *listener, int status) {
  rp_server_t *srv = listener->data;
  const rp_config_t *cfg = srv->cfg;
  rp_session_t *s;
  char *p;
  if (status < 0) {
    fprintf(stderr, "respcheck-proxy: accept: %s\n", uv_strerror(status));
    return;
  }
  if (srv->stopping)
    return;
  if (srv->active >= cfg->max_connections) {
    /* Not accepting stops libuv from polling the listener: the connection
     * waits in the kernel's backlog until a slot frees. */
    srv->accept_waiting = 1;
    server_evict(srv);
    return;
  }
  p = malloc(srv->session_size);
  if (p == NULL) {
    accept_failed(srv);
    return;
  }
  /* Only the struct is cleared: the buffers are written before they are
   * read, and pages never touched stay out of the resident set. */
  s = (rp_session_t *)(void *)p;
  memset(s, 0, sizeof *s);
  s->srv = srv;
  s->id = ++srv->next_id;
  p += align_up(sizeof *s);
  s->ring = (rp_request_t *)(void *)p;
  s->ring_cap = (unsigned)cfg->opts.max_pending_requests;
  p += align_up(s->ring_cap * sizeof(rp_request_t));
  s->cli_buf = p;
  s->cli_cap = cli_cap_for(cfg);
  p += align_up(s->cli_cap);
  s->up_buf = s->up_data = p;
  s->hold_max = hold_max_for(&cfg->opts);
  s->up_cap = up_cap_for(&cfg->opts);
  p += align_up(s->up_cap);
  s->rc =
      respcheck_parser_init(p, srv->parser_size, &cfg->opts, &rc_callbacks, s);
  s->mode = UP_HEAD;
  s->phase = RQ_IDLE;
  llhttp_init(&s->req, HTTP_REQUEST, &req_settings);
  s->req.data = s;

  uv_tcp_init(srv->loop, &s->client);
  uv_tcp_init(srv->loop, &s->upstream);
  uv_timer_init(srv->loop, &s->timer);
  s->client.data = s->upstream.data = s->timer.data = s;
  s->open_handles = 3;
  s->next = srv->sessions;
  if (s->next != NULL)
    s->next->prev = s;
  srv->sessions = s;
  srv->active++;
  touch(s);
  s->head_since = s->idle_since = s->last_active;
  if (s->rc == NULL || uv_accept(listener, (uv_stream_t *)&s->client) != 0) {
    session_close(s);
    return;
  }
  srv->accepted++;
  uv_tcp_nodelay(&s->client, 1);
  wait_enter(s);
  arm_timer(s);
  cli_read_start(s);
}
