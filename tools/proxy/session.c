/*
 * respcheck-proxy's connection engine: one client connection paired with one
 * upstream connection, requests read with llhttp (request mode) and
 * forwarded as they are, responses streamed through respcheck.
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
 * relayed without parsing.
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

#include <llhttp.h>

#include "proxy.h"

typedef enum up_mode {
  UP_HEAD,   /* the next bytes are a head: held until its verdict */
  UP_BODY,   /* the head went out; the body streams */
  UP_TUNNEL, /* after 101 / 2xx to CONNECT: relayed both ways */
  UP_RAW     /* --report-only after a fatal error: relayed unparsed */
} up_mode_t;

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
/* upstream sent FIN */
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
/* request queue full: client bytes wait */
#define RP_F_REQ_WAIT_QUEUE (1u << 15)
/* CONNECT/Upgrade sent: wait for its answer */
#define RP_F_REQ_WAIT_UPGRADE (1u << 16)
/* llhttp refused the client's bytes */
#define RP_F_REQ_BROKEN (1u << 17)
/* the response in progress opens a tunnel */
#define RP_F_CUR_TUNNEL (1u << 18)
/* the last response ended the connection */
#define RP_F_CLOSING_RESPONSE (1u << 19)
/* client side may go on: run cli_pump() */
#define RP_F_KICK_CLIENT (1u << 20)

struct rp_session {
  rp_server_t *srv;
  rp_session_t *prev, *next;
  uint64_t id;

  uv_tcp_t client;
  uv_tcp_t upstream;
  uv_timer_t timer;
  uv_connect_t connect_req;
  uv_write_t to_client;   /* the one write in flight to the client */
  uv_write_t to_upstream; /* the one write in flight to the upstream */
  uv_shutdown_t client_shutdown, upstream_shutdown;
  unsigned open_handles;
  uint64_t last_active; /* uv_now() of the last read or write */

  unsigned flags; /* RP_F_* */

  /* Client side. */
  llhttp_t req;
  const char *req_error;   /* llhttp's reason, static */
  size_t cli_len, cli_pos; /* cli_buf[cli_pos, cli_len): not yet handled */
  rp_request_t *ring;      /* requests waiting for their final response */
  unsigned ring_cap, ring_head, ring_count;

  /* Upstream side. */
  respcheck_parser_t *rc;
  uint64_t up_base; /* offset of up_buf[0] */
  uint64_t decided;
  size_t up_len, up_cap, hold_max;
  up_mode_t mode;
  rp_record_t rec;

  size_t answer_len; /* our own last response (502, 504, 400) */
  char answer[RP_ANSWER_MAX];

  char *cli_buf, *up_buf;
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

/* ------------------------------------------------------------------------ */
/* Layout. */

static size_t align_up(size_t n) {
  const size_t a = _Alignof(max_align_t);
  return (n + a - 1) / a * a;
}

static size_t hold_max_for(const respcheck_options_t *opts) {
  return opts->max_header_bytes + RP_HOLD_SLACK;
}

size_t rp_session_size(const respcheck_options_t *opts, size_t parser_size) {
  size_t ring, hold;
  if (parser_size == 0 || opts->max_pending_requests == 0 ||
      opts->max_pending_requests > 65536 ||
      opts->max_header_bytes > SIZE_MAX / 4)
    return 0;
  ring = opts->max_pending_requests * sizeof(rp_request_t);
  hold = hold_max_for(opts) + RP_READ_SIZE;
  return align_up(sizeof(rp_session_t)) + align_up(ring) +
         align_up(RP_READ_SIZE) + align_up(hold) + parser_size;
}

/* ------------------------------------------------------------------------ */
/* Small helpers. */

static const rp_config_t *cfg_of(const rp_session_t *s) { return s->srv->cfg; }

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

static void event(const rp_session_t *s, const char *what, const char *detail) {
  fprintf(stderr, "respcheck-proxy: connection %" PRIu64 ": %s%s%s\n", s->id,
          what, detail != NULL ? ": " : "", detail != NULL ? detail : "");
}

static void touch(rp_session_t *s) { s->last_active = uv_now(s->srv->loop); }

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
  rp_log_write(s->srv->log, s->id, ring_front(s), &s->rec);
  s->rec.active = 0;
}

static void session_close(rp_session_t *s) {
  rp_server_t *srv = s->srv;
  if (s->flags & RP_F_CLOSING)
    return;
  s->flags |= RP_F_CLOSING;
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

/* ------------------------------------------------------------------------ */
/* Reading and writing. */

static void cli_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  rp_session_t *s = h->data;
  (void)suggested;
  /* Read only once the previous read is handled (see cli_pump). */
  buf->base = s->cli_buf;
  buf->len = RP_READ_SIZE;
}

static void up_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  rp_session_t *s = h->data;
  size_t room = s->up_cap - s->up_len;
  (void)suggested;
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
  uint64_t ms = RP_LINGER_MS;
  if (s->flags & (RP_F_LINGERING | RP_F_CLOSING))
    return;
  s->flags |= RP_F_LINGERING;
  close_upstream(s);
  s->client_shutdown.data = s;
  if (uv_shutdown(&s->client_shutdown, (uv_stream_t *)&s->client,
                  on_client_shutdown) != 0) {
    session_close(s);
    return;
  }
  if (!(s->flags & RP_F_CLI_EOF))
    cli_read_start(s);
  if (cfg_of(s)->timeout_ms < ms)
    ms = cfg_of(s)->timeout_ms;
  uv_timer_stop(&s->timer);
  uv_timer_start(&s->timer, on_timer, ms, 0);
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
 * Writes the bytes decided since `from` and, when the response was given up
 * (RP_F_STOP), the proxy's answer; then closes the upstream and
 * ends the client connection after them. Runs after each read from the upstream
 * (and at its end), never while a write to the client is in flight.
 */
static void up_flush(rp_session_t *s, uint64_t from) {
  uv_buf_t bufs[2];
  unsigned n = 0;
  if (s->decided > from)
    bufs[n++] = uv_buf_init(s->up_buf + (size_t)(from - s->up_base),
                            (unsigned)(s->decided - from));
  if (s->flags & RP_F_STOP) {
    if (s->answer_len > 0)
      bufs[n++] = uv_buf_init(s->answer, (unsigned)s->answer_len);
    s->answer_len = 0;
    close_upstream(s);
    s->flags |= RP_F_CLI_FINAL;
    cli_read_stop(s);
  }
  if (n > 0) {
    int r;
    s->to_client.data = s;
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
  const char *data = s->up_buf + s->up_len;
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

static void on_upstream_read(uv_stream_t *h, ssize_t nread, const uv_buf_t *b) {
  rp_session_t *s = h->data;
  (void)b;
  if ((s->flags & (RP_F_CLOSING | RP_F_UP_CLOSED)) || nread == 0)
    return;
  touch(s);
  if (nread < 0) {
    s->flags &= ~RP_F_UP_READING;
    if (nread != UV_EOF)
      event(s, "upstream read error", uv_strerror((int)nread));
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

static void rc_on_finding(void *user, const respcheck_finding_t *f) {
  rp_session_t *s = user;
  rp_record_t *rec = record_for(s, f->response_index);
  rp_record_finding(rec, f);
  /* The head is out: an error now can only end the client connection,
   * which tells the client the response is broken. */
  if (f->severity == RESPCHECK_SEVERITY_ERROR && s->mode == UP_BODY &&
      !(s->flags & RP_F_STOP) && !cfg_of(s)->report_only) {
    s->flags |= RP_F_STOP;
    rec->action = RP_ACTION_CUT;
    s->srv->cut++;
  }
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
      /* Nobody asked: forwarding it would answer the client's next
       * request with it (response queue poisoning). */
      s->flags |= RP_F_STOP;
      rec->action = RP_ACTION_DROPPED;
      event(s, "response without a request, dropped", NULL);
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
    return -1; /* cannot happen: cli_process waits for room first */
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
  return 0;
}

/* Pausing at each request's end gives cli_process the request boundaries:
 * it checks there that the queue has room for the next one. */
static int req_on_message_complete(llhttp_t *p) {
  (void)p;
  return HPE_PAUSED;
}

static const llhttp_settings_t req_settings = {
    .on_message_begin = req_on_message_begin,
    .on_url = req_on_url,
    .on_headers_complete = req_on_headers_complete,
    .on_message_complete = req_on_message_complete};

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
  touch(s);
  cli_pump(s);
}

/* Runs llhttp over cli_buf[cli_pos, cli_len) up to the end, a full queue, an
 * upgrade or an error, and forwards what it read. */
static void cli_process(rp_session_t *s) {
  size_t start = s->cli_pos;
  while (s->cli_pos < s->cli_len && !(s->flags & RP_F_REQ_WAIT_QUEUE) &&
         !(s->flags & RP_F_REQ_WAIT_UPGRADE) && !(s->flags & RP_F_REQ_BROKEN)) {
    const char *data = s->cli_buf + s->cli_pos;
    llhttp_errno_t err;
    if (s->mode == UP_TUNNEL || s->mode == UP_RAW) {
      s->cli_pos = s->cli_len;
      break;
    }
    err = llhttp_execute(&s->req, data, s->cli_len - s->cli_pos);
    if (err == HPE_OK) {
      s->cli_pos = s->cli_len;
    } else if (err == HPE_PAUSED) {
      s->cli_pos = (size_t)(llhttp_get_error_pos(&s->req) - s->cli_buf);
      llhttp_resume(&s->req);
      if (s->ring_count >= s->ring_cap)
        s->flags |= RP_F_REQ_WAIT_QUEUE;
    } else if (err == HPE_PAUSED_UPGRADE) {
      s->cli_pos = (size_t)(llhttp_get_error_pos(&s->req) - s->cli_buf);
      s->flags |= RP_F_REQ_WAIT_UPGRADE;
    } else {
      /* Nothing of the broken request goes on from this read: cli_pos is
       * still at the end of the last complete request (or the read's
       * start). */
      s->flags |= RP_F_REQ_BROKEN;
      s->req_error = llhttp_get_error_reason(&s->req);
      event(s, "request refused", s->req_error);
    }
  }
  if (s->cli_pos > start && (s->flags & RP_F_UP_CONNECTED) &&
      !(s->flags & RP_F_UP_CLOSED) && !(s->flags & RP_F_UP_WRITE_FAILED)) {
    uv_buf_t buf =
        uv_buf_init(s->cli_buf + start, (unsigned)(s->cli_pos - start));
    int r;
    s->to_upstream.data = s;
    r = write_some(&s->to_upstream, (uv_stream_t *)&s->upstream, &buf, 1,
                   on_upstream_written);
    if (r < 0) {
      upstream_write_failed(s, UV_EPIPE);
      return;
    }
    if (r > 0) {
      s->flags |= RP_F_TO_UPSTREAM_BUSY;
      cli_read_stop(s);
      return;
    }
  }
  cli_pump(s);
}

static void on_upstream_shutdown(uv_shutdown_t *req, int status) {
  (void)req;
  (void)status; /* the upstream's answer (or its FIN) says the rest */
}

/* The client side's state machine: called whenever something it waits for
 * may have changed (a write done, a response ended, a read). */
static void cli_pump(rp_session_t *s) {
  uint64_t held;
  if (s->flags &
      (RP_F_CLOSING | RP_F_TO_UPSTREAM_BUSY | RP_F_CLI_FINAL | RP_F_LINGERING))
    return;
  if (s->flags & RP_F_UP_WRITE_FAILED) {
    cli_read_stop(s);
    return;
  }
  if (s->mode == UP_TUNNEL || s->mode == UP_RAW) {
    /* Requests are relayed unparsed from here on. */
    s->flags &= ~RP_F_REQ_WAIT_QUEUE;
    s->flags &= ~RP_F_REQ_WAIT_UPGRADE;
  }
  if ((s->flags & RP_F_REQ_WAIT_QUEUE) && s->ring_count < s->ring_cap)
    s->flags &= ~RP_F_REQ_WAIT_QUEUE;
  if ((s->flags & RP_F_REQ_WAIT_UPGRADE) && s->ring_count == 0) {
    /* Its answer is in: a tunnel, or a refusal after which HTTP goes on. */
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
    s->cli_pos = s->cli_len; /* nowhere to send it */
  }
  if (s->flags & RP_F_REQ_BROKEN) {
    /* Earlier requests are answered first; then a 400 ends it. */
    if (s->ring_count == 0 && s->mode == UP_HEAD && held == 0 &&
        !(s->flags & RP_F_TO_CLIENT_BUSY)) {
      build_answer(s, 400, "Bad Request", "request refused", s->req_error);
      s->flags |= RP_F_STOP;
      up_flush(s, s->decided);
    }
    cli_read_stop(s);
    return;
  }
  if (s->cli_pos < s->cli_len) {
    if (!(s->flags & RP_F_REQ_WAIT_QUEUE) &&
        !(s->flags & RP_F_REQ_WAIT_UPGRADE)) {
      cli_process(s);
      return;
    }
    cli_read_stop(s);
    return;
  }
  if (s->flags & RP_F_REQ_WAIT_UPGRADE) {
    cli_read_stop(s);
    return;
  }
  if (!(s->flags & RP_F_CLI_EOF)) {
    if (s->flags & (RP_F_UP_CONNECTED | RP_F_UP_FAILED))
      cli_read_start(s);
    return;
  }
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
  s->cli_pos = 0;
  s->cli_len = (size_t)nread;
  cli_process(s);
}

/* ------------------------------------------------------------------------ */
/* Timer, connection set-up. */

static void on_timer(uv_timer_t *t) {
  rp_session_t *s = t->data;
  uint64_t now = uv_now(s->srv->loop), idle, limit = cfg_of(s)->timeout_ms;
  if (s->flags & RP_F_CLOSING)
    return;
  if (s->flags & RP_F_LINGERING) {
    session_close(s);
    return;
  }
  idle = now - s->last_active;
  if (idle < limit) {
    uv_timer_start(&s->timer, on_timer, limit - idle, 0);
    return;
  }
  if (!(s->flags & RP_F_STOP) && !(s->flags & RP_F_TO_CLIENT_BUSY) &&
      !(s->flags & RP_F_CLI_FINAL) && !(s->flags & RP_F_UP_FAILED) &&
      s->ring_count > 0 && s->mode == UP_HEAD) {
    event(s, "upstream timed out", NULL);
    if (s->rec.active)
      s->rec.action = RP_ACTION_ABORTED;
    build_answer(s, 504, "Gateway Timeout", "upstream timed out", NULL);
    s->flags |= RP_F_STOP;
    up_flush(s, s->decided);
    return;
  }
  session_close(s);
}

static void on_upstream_connect(uv_connect_t *req, int status) {
  rp_session_t *s = req->data;
  if (s->flags & (RP_F_CLOSING | RP_F_UP_CLOSED))
    return;
  touch(s);
  if (status < 0) {
    event(s, "upstream unreachable", uv_strerror(status));
    s->flags |= RP_F_UP_FAILED;
    close_upstream(s);
    cli_read_start(s);
    return;
  }
  s->flags |= RP_F_UP_CONNECTED;
  uv_tcp_nodelay(&s->upstream, 1);
  up_read_start(s);
  cli_read_start(s);
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

void rp_server_on_connection(uv_stream_t *listener, int status) {
  rp_server_t *srv = listener->data;
  const rp_config_t *cfg = srv->cfg;
  rp_session_t *s;
  char *p;
  int err;
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
  p += align_up(RP_READ_SIZE);
  s->up_buf = p;
  s->hold_max = hold_max_for(&cfg->opts);
  s->up_cap = s->hold_max + RP_READ_SIZE;
  p += align_up(s->up_cap);
  s->rc =
      respcheck_parser_init(p, srv->parser_size, &cfg->opts, &rc_callbacks, s);
  s->mode = UP_HEAD;
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
  if (s->rc == NULL || uv_accept(listener, (uv_stream_t *)&s->client) != 0) {
    session_close(s);
    return;
  }
  srv->accepted++;
  uv_tcp_nodelay(&s->client, 1);
  uv_timer_start(&s->timer, on_timer, cfg->timeout_ms, 0);
  s->connect_req.data = s;
  err = uv_tcp_connect(&s->connect_req, &s->upstream,
                       (const struct sockaddr *)&cfg->upstream_addr,
                       on_upstream_connect);
  if (err != 0) {
    event(s, "upstream unreachable", uv_strerror(err));
    s->flags |= RP_F_UP_FAILED;
    close_upstream(s);
    cli_read_start(s);
  }
}
