/* SPDX-License-Identifier: MIT */
/*
 * The pairing layer: the reader's events in, the library's records out,
 * each response with the request it answers.
 *
 * Per connection, the client's bytes go to llhttp's request parser; each
 * request head read is queued with the client offset where its packet
 * ends. The server's bytes go to a respcheck parser; before a server
 * packet is fed, every queued request that ends at or below the client
 * offset that packet acknowledges is pushed with respcheck_push_request
 * (the server cannot answer what it has not received, RFC 9293 3.4; and
 * without a handshake this keeps responses to requests sent before the
 * capture started from taking the first request seen). A response whose
 * request is not there gets the parser's default_request, and the record
 * says so (request NULL).
 *
 * The library's records are passed on with the flow, the frame of the
 * response's first byte, and the request; their offsets are rebased when
 * reading started after byte 0 (no handshake), and their indexes shifted
 * past records this layer adds for capture findings that concern no
 * response. Capture findings: capture-gap (a gap inside content of known
 * length, or of a body read to the end of the connection, is skipped by
 * feeding the parser zeros for it, and reading goes on; anywhere else the
 * connection's reading stops), capture-overlap-conflict, capture-midstream
 * and capture-limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llhttp.h>

#include "internal.h"

#define RC_FREE_PARSERS 32
#define RC_BEGUN 4
#define RC_CONFLICTS 8
#define RC_DEFERRED 8
#define RC_MSG 320
#define RC_REST 200 /* the part after "bytes A-B of the ... stream" */

/* Gaps inside content are fed as zeros, this many at a time. */
#define RC_ZEROS (1u << 20)

typedef struct rc_req {
  respcheck_capture_request_t pub;
  uint64_t end; /* the client offset at which its head is complete */
  int upgrade;  /* CONNECT, or an Upgrade request */
} rc_req_t;

/* A ring that grows up to max entries. */
typedef struct rc_reqq {
  rc_req_t *v;
  size_t cap, max, first, len;
} rc_reqq_t;

typedef struct rc_note {
  int rule; /* capture rule index */
  uint64_t offset, frame;
  char msg[RC_MSG];
} rc_note_t;

enum server_state {
  S_WAIT, /* no server byte yet */
  S_SCAN, /* no handshake: looking for the first status line */
  S_RUN,  /* feeding the parser */
  S_STOP, /* stopped by a gap, an error or a tunnel: nothing more read */
  S_SKIP  /* not HTTP/1.x */
};

enum client_state { C_WAIT, C_SCAN, C_RUN, C_UPGRADE, C_STOP };

typedef struct rc_flow {
  respcheck_capture_http_t *http;
  respcheck_capture_flow_t *flow;
  respcheck_capture_context_t ctx; /* handed out with every record */
  void *flow_user;                 /* on_flow_open's */

  /* The server's side. */
  enum server_state s;
  respcheck_parser_t *rp;
  void *rp_mem;
  uint64_t base; /* stream offset of the parser's offset 0 */
  uint64_t ack;  /* of the packet being fed */
  int scan_ls;   /* scanning: the next byte starts a line */
  size_t scan_n; /* bytes of "HTTP/1." matched */
  uint64_t scan_at, scan_frame;
  uint64_t cur_frame, count_before;
  struct {
    uint64_t index, frame;
  } begun[RC_BEGUN];
  uint64_t ended;     /* messages the parser ended */
  uint64_t shift;     /* records added before the parser's next one */
  uint64_t msg_start; /* parser offset where the open (or next) one starts */
  int head_seen, status;
  unsigned framing;
  uint64_t content_length, body;
  unsigned counts[4];
  int promised; /* a capture finding waits for the parser's next message */
  uint64_t promised_index, promised_offset, promised_frame;
  int midstream_note;
  struct {
    uint64_t offset, length, frame, first_frame;
  } conflicts[RC_CONFLICTS];
  size_t nconflicts;
  rc_note_t *deferred; /* RC_DEFERRED, allocated when first needed */
  size_t ndeferred;
  respcheck_header_t *hdrs; /* rebased copies */

  /* The client's side. */
  enum client_state c;
  llhttp_t req;
  int c_ls;
  const char *chunk;
  uint64_t chunk_off, chunk_frame;
  size_t chunk_len;
  int in_req;
  rc_req_t cur;
  char *tbuf;
  size_t tlen, tcap;
  unsigned char *ubuf; /* bytes after an upgrade request */
  size_t ulen;
  rc_reqq_t pending; /* read, not yet pushed */
  rc_reqq_t pushed;  /* pushed, not yet answered */
  int unpaired;      /* pairing given up */
  int client_http;   /* -1 unknown, 0 no, 1 yes */
} rc_flow_t;

struct respcheck_capture_http {
  respcheck_options_t opts;
  respcheck_capture_options_t copts;
  respcheck_capture_callbacks_t cb;
  void *user;
  respcheck_callbacks_t core_cb;
  llhttp_settings_t req_settings;
  size_t parser_size;
  void *free_parsers[RC_FREE_PARSERS];
  size_t nfree;
  char *zeros; /* RC_ZEROS bytes, allocated at the first gap skipped */
};

/* ------------------------------------------------------------------------ */
/* Request queues. */

static void req_free(rc_req_t *r) {
  free((char *)(uintptr_t)r->pub.target);
  r->pub.target = NULL;
}

static void q_init(rc_reqq_t *q, size_t max) {
  q->v = NULL;
  q->cap = 0;
  q->max = max;
  q->first = q->len = 0;
}

static rc_req_t *q_front(rc_reqq_t *q) {
  return q->len ? &q->v[q->first] : NULL;
}

static void q_pop(rc_reqq_t *q, int free_it) {
  if (q->len == 0)
    return;
  if (free_it)
    req_free(&q->v[q->first]);
  q->first = (q->first + 1) % q->cap;
  q->len--;
}

static int q_push(rc_reqq_t *q, const rc_req_t *r) {
  if (q->len == q->cap) {
    size_t ncap = q->cap ? q->cap * 2 : 4, i;
    rc_req_t *nv;
    if (q->cap >= q->max)
      return -1;
    if (ncap > q->max)
      ncap = q->max;
    nv = malloc(ncap * sizeof *nv);
    if (nv == NULL)
      return -1;
    for (i = 0; i < q->len; i++)
      nv[i] = q->v[(q->first + i) % q->cap];
    free(q->v);
    q->v = nv;
    q->cap = ncap;
    q->first = 0;
  }
  q->v[(q->first + q->len) % q->cap] = *r;
  q->len++;
  return 0;
}

static void q_clear(rc_reqq_t *q) {
  while (q->len)
    q_pop(q, 1);
  free(q->v);
  q->v = NULL;
}

/* ------------------------------------------------------------------------ */
/* Records out. */

static uint64_t begun(const rc_flow_t *fs) {
  return fs->rp ? respcheck_parser_response_count(fs->rp) : 0;
}

static int msg_open(const rc_flow_t *fs) { return begun(fs) > fs->ended; }

static uint64_t frame_of(const rc_flow_t *fs, uint64_t index) {
  size_t i;
  if (index >= fs->count_before)
    return fs->cur_frame;
  for (i = 0; i < RC_BEGUN; i++)
    if (fs->begun[i].frame != 0 && fs->begun[i].index == index)
      return fs->begun[i].frame;
  return 0;
}

static const respcheck_capture_request_t *front_request(rc_flow_t *fs) {
  rc_req_t *r = q_front(&fs->pushed);
  return r ? &r->pub : NULL;
}

static void set_ctx(rc_flow_t *fs, uint64_t frame,
                    const respcheck_capture_request_t *req) {
  fs->ctx.flow = fs->flow;
  fs->ctx.flow_user = fs->flow_user;
  fs->ctx.frame = frame;
  fs->ctx.request = req;
}

static void out_finding(rc_flow_t *fs, int rule_index, uint64_t index,
                        uint64_t offset, const char *msg) {
  respcheck_capture_http_t *http = fs->http;
  respcheck_finding_t f;
  int rule = RESPCHECK_CAPTURE_RULE_BASE + rule_index;
  f.rule = (respcheck_rule_t)rule;
  f.id = respcheck_capture_rule_id(rule);
  f.severity = (respcheck_severity_t)http->copts.severity[rule_index];
  f.offset = offset;
  f.response_index = index;
  f.message = msg;
  f.reference = respcheck_capture_rule_reference(rule);
  if (http->cb.on_finding)
    http->cb.on_finding(http->user, &fs->ctx, &f);
}

/* A record without a head, for findings that concern no response. */
static void out_bare_end(rc_flow_t *fs, uint64_t index, uint64_t offset,
                         uint64_t frame) {
  respcheck_capture_http_t *http = fs->http;
  respcheck_message_end_t m;
  memset(&m, 0, sizeof m);
  m.index = index;
  m.offset = offset;
  m.end_offset = offset;
  m.flags = RESPCHECK_END_ABORTED;
  m.verdict = RESPCHECK_ACCEPT;
  set_ctx(fs, frame, NULL);
  if (http->cb.on_message_end)
    http->cb.on_message_end(http->user, &fs->ctx, &m);
}

/* The promised record never came from the parser: end it here. */
static void settle_promise(rc_flow_t *fs) {
  if (!fs->promised)
    return;
  fs->promised = 0;
  out_bare_end(fs, fs->promised_index + fs->shift, fs->promised_offset,
               fs->promised_frame);
  fs->shift++;
}

static void flush_deferred(rc_flow_t *fs);

enum attach { AT_OPEN, AT_NEXT, AT_ALONE };

static int severity_on(const rc_flow_t *fs, int rule_index) {
  return fs->http->copts.severity[rule_index] != RESPCHECK_SEVERITY_OFF;
}

/* A finding about the capture, attached to the open response (AT_OPEN), to
 * the parser's next response (AT_NEXT), or to a record of its own
 * (AT_ALONE; deferred while a response is open, so that records stay in
 * order). Offsets are in the server's stream. */
static void capture_finding(rc_flow_t *fs, int rule_index, uint64_t offset,
                            uint64_t frame, enum attach at, const char *msg) {
  uint64_t b;
  /* Only connections being read as HTTP get findings, and any connection
   * a limit cut short. */
  if (!severity_on(fs, rule_index) ||
      (fs->rp == NULL && rule_index != RESPCHECK_CAPTURE_RULE_LIMIT_INDEX))
    return;
  b = begun(fs);
  if (at == AT_OPEN && !msg_open(fs))
    at = AT_ALONE;
  if (at == AT_OPEN) {
    set_ctx(fs, frame_of(fs, b - 1), front_request(fs));
    out_finding(fs, rule_index, b - 1 + fs->shift, offset, msg);
    return;
  }
  if (at == AT_ALONE && msg_open(fs)) {
    if (fs->deferred == NULL)
      fs->deferred = malloc(RC_DEFERRED * sizeof *fs->deferred);
    if (fs->deferred != NULL && fs->ndeferred < RC_DEFERRED) {
      rc_note_t *n = &fs->deferred[fs->ndeferred++];
      n->rule = rule_index;
      n->offset = offset;
      n->frame = frame;
      snprintf(n->msg, sizeof n->msg, "%s", msg);
    }
    return;
  }
  if (at == AT_NEXT || fs->promised) {
    if (!fs->promised) {
      fs->promised = 1;
      fs->promised_index = b;
      fs->promised_offset = offset;
      fs->promised_frame = frame;
    }
    set_ctx(fs, frame, NULL);
    out_finding(fs, rule_index, fs->promised_index + fs->shift, offset, msg);
    if (at == AT_ALONE)
      settle_promise(fs);
    return;
  }
  set_ctx(fs, frame, NULL);
  out_finding(fs, rule_index, b + fs->shift, offset, msg);
  out_bare_end(fs, b + fs->shift, offset, frame);
  fs->shift++;
}

static void flush_deferred(rc_flow_t *fs) {
  size_t i, n = fs->ndeferred;
  fs->ndeferred = 0;
  for (i = 0; i < n; i++) {
    rc_note_t note = fs->deferred[i];
    capture_finding(fs, note.rule, note.offset, note.frame, AT_ALONE, note.msg);
  }
}

/* The open response's reading stops here (a gap, an eviction): its record
 * ends without the parser. */
static void end_open(rc_flow_t *fs, uint64_t at) {
  respcheck_capture_http_t *http = fs->http;
  respcheck_message_end_t m;
  uint64_t b = begun(fs);
  if (!msg_open(fs))
    return;
  memset(&m, 0, sizeof m);
  m.index = b - 1 + fs->shift;
  m.offset = fs->msg_start + fs->base;
  m.end_offset = at;
  m.flags = RESPCHECK_END_ABORTED | (fs->head_seen ? RESPCHECK_END_HEAD : 0u);
  m.verdict = fs->counts[RESPCHECK_SEVERITY_ERROR] ? RESPCHECK_REJECT
                                                   : RESPCHECK_ACCEPT;
  m.error_count = fs->counts[RESPCHECK_SEVERITY_ERROR];
  m.warning_count = fs->counts[RESPCHECK_SEVERITY_WARNING];
  m.info_count = fs->counts[RESPCHECK_SEVERITY_INFO];
  set_ctx(fs, frame_of(fs, b - 1), front_request(fs));
  fs->ended = b;
  if (fs->promised && fs->promised_index == b - 1)
    fs->promised = 0; /* this is the record it waited for */
  if (http->cb.on_message_end)
    http->cb.on_message_end(http->user, &fs->ctx, &m);
}

/* Reading of the server's side stops for good. */
static void stop_server(rc_flow_t *fs) {
  fs->s = S_STOP;
  flush_deferred(fs);
  settle_promise(fs);
}

/* ------------------------------------------------------------------------ */
/* Pushing requests. */

static void push_ready(rc_flow_t *fs) {
  rc_req_t *r;
  while (fs->rp && !fs->unpaired && (r = q_front(&fs->pending)) != NULL) {
    respcheck_request_t rq;
    if (fs->ack != RESPCHECK_CAPTURE_NO_ACK && r->end > fs->ack)
      break;
    if (fs->pushed.len == fs->pushed.max)
      break; /* pushed when an answer makes room */
    rq.method = r->pub.method;
    rq.version_major = r->pub.version_major;
    rq.version_minor = r->pub.version_minor;
    /* A capture holds plain TCP only: what it reads came over plain HTTP
     * (strict-transport-security-plain-http). */
    rq.transport = RESPCHECK_TRANSPORT_PLAIN;
    if (respcheck_push_request(fs->rp, &rq) != RESPCHECK_E_OK)
      break;
    q_push(&fs->pushed, r);
    q_pop(&fs->pending, 0);
  }
}

/* ------------------------------------------------------------------------ */
/* The library's callbacks. */

static void core_finding(void *user, const respcheck_finding_t *f) {
  rc_flow_t *fs = user;
  respcheck_capture_http_t *http = fs->http;
  respcheck_finding_t g = *f;
  if ((unsigned)f->severity < 4 && f->response_index + 1 == begun(fs))
    fs->counts[f->severity]++;
  g.offset += fs->base;
  g.response_index += fs->shift;
  set_ctx(fs, frame_of(fs, f->response_index), front_request(fs));
  if (http->cb.on_finding)
    http->cb.on_finding(http->user, &fs->ctx, &g);
}

static int core_head(void *user, const respcheck_response_t *r) {
  rc_flow_t *fs = user;
  respcheck_capture_http_t *http = fs->http;
  respcheck_response_t g = *r;
  fs->head_seen = 1;
  fs->status = r->status;
  fs->framing = r->framing;
  fs->content_length = r->content_length;
  fs->body = 0;
  g.index += fs->shift;
  if (fs->base != 0) {
    size_t i;
    g.offset += fs->base;
    if (r->header_count > 0 && fs->hdrs != NULL) {
      for (i = 0; i < r->header_count; i++) {
        fs->hdrs[i] = r->headers[i];
        fs->hdrs[i].offset += fs->base;
      }
      g.headers = fs->hdrs;
    }
  }
  set_ctx(fs, frame_of(fs, r->index), front_request(fs));
  if (http->cb.on_head)
    http->cb.on_head(http->user, &fs->ctx, &g);
  return 0;
}

static int core_body(void *user, const char *at, size_t len) {
  rc_flow_t *fs = user;
  (void)at;
  fs->body += len;
  return 0;
}

static void client_feed(rc_flow_t *fs, const char *data, size_t len,
                        uint64_t off, uint64_t frame);

static void core_end(void *user, const respcheck_message_end_t *e) {
  rc_flow_t *fs = user;
  respcheck_capture_http_t *http = fs->http;
  respcheck_message_end_t g = *e;
  rc_req_t *r = q_front(&fs->pushed);
  int head = (e->flags & RESPCHECK_END_HEAD) != 0;
  /* The library takes a request off its queue at the end of every final
   * response with a head; a 1xx other than 101 leaves it there. */
  int final =
      head && !(fs->status >= 100 && fs->status <= 199 && fs->status != 101);
  int leaves = head && (fs->framing & (RESPCHECK_FRAMING_UPGRADE |
                                       RESPCHECK_FRAMING_TUNNEL)) != 0;

  g.index += fs->shift;
  g.offset += fs->base;
  g.end_offset += fs->base;
  set_ctx(fs, frame_of(fs, e->index), r ? &r->pub : NULL);
  fs->ended = e->index + 1;
  fs->msg_start = e->end_offset;
  fs->head_seen = 0;
  memset(fs->counts, 0, sizeof fs->counts);
  if (fs->promised && fs->promised_index == e->index)
    fs->promised = 0;
  if (http->cb.on_message_end)
    http->cb.on_message_end(http->user, &fs->ctx, &g);
  if (final && r != NULL) {
    int upgrade = r->upgrade;
    q_pop(&fs->pushed, 1);
    if (upgrade && fs->c == C_UPGRADE) {
      if (leaves) {
        fs->c = C_STOP; /* the client's bytes are no longer HTTP */
      } else {
        /* Refused: the connection stays HTTP, and what the client sent
         * meanwhile is read now. */
        unsigned char *ub = fs->ubuf;
        size_t ul = fs->ulen;
        fs->ubuf = NULL;
        fs->ulen = 0;
        fs->c = C_RUN;
        llhttp_resume_after_upgrade(&fs->req);
        if (ul > 0)
          client_feed(fs, (const char *)ub, ul, fs->chunk_off, fs->chunk_frame);
        free(ub);
      }
    }
  }
  flush_deferred(fs);
  push_ready(fs);
}

/* ------------------------------------------------------------------------ */
/* The client's side. */

static int req_begin(llhttp_t *p) {
  rc_flow_t *fs = p->data;
  fs->in_req = 0;
  return 0;
}

static int req_method(llhttp_t *p, const char *at, size_t len) {
  rc_flow_t *fs = p->data;
  (void)len;
  if (!fs->in_req) {
    fs->in_req = 1;
    memset(&fs->cur, 0, sizeof fs->cur);
    fs->cur.pub.offset = fs->chunk_off + (uint64_t)(at - fs->chunk);
    fs->cur.pub.frame = fs->chunk_frame;
    fs->tlen = 0;
  }
  return 0;
}

static int req_url(llhttp_t *p, const char *at, size_t len) {
  rc_flow_t *fs = p->data;
  size_t max = fs->http->copts.max_target_length, take;
  if (fs->tlen >= max) {
    fs->cur.pub.target_cut = 1;
    return 0;
  }
  take = max - fs->tlen < len ? max - fs->tlen : len;
  if (take < len)
    fs->cur.pub.target_cut = 1;
  if (fs->tlen + take + 1 > fs->tcap) {
    size_t ncap = fs->tcap ? fs->tcap : 128;
    char *nb;
    while (ncap < fs->tlen + take + 1)
      ncap *= 2;
    nb = realloc(fs->tbuf, ncap);
    if (nb == NULL) {
      fs->cur.pub.target_cut = 1;
      return 0;
    }
    fs->tbuf = nb;
    fs->tcap = ncap;
  }
  memcpy(fs->tbuf + fs->tlen, at, take);
  fs->tlen += take;
  return 0;
}

static int req_headers_complete(llhttp_t *p) {
  rc_flow_t *fs = p->data;
  rc_req_t r = fs->cur;
  const char *name = llhttp_method_name((llhttp_method_t)llhttp_get_method(p));
  char *t;
  size_t n = strlen(name);
  if (n >= sizeof r.pub.method_name)
    n = sizeof r.pub.method_name - 1;
  memcpy(r.pub.method_name, name, n);
  r.pub.method_name[n] = '\0';
  r.pub.method = respcheck_method_from_name(name, strlen(name));
  r.pub.version_major = llhttp_get_http_major(p);
  r.pub.version_minor = llhttp_get_http_minor(p);
  r.upgrade = llhttp_get_upgrade(p) || r.pub.method == RESPCHECK_METHOD_CONNECT;
  r.end = fs->chunk_off + fs->chunk_len;
  fs->in_req = 0;
  if (fs->unpaired)
    return 0;
  t = malloc(fs->tlen + 1);
  if (t == NULL) {
    fs->unpaired = 1;
    return 0;
  }
  if (fs->tlen)
    memcpy(t, fs->tbuf, fs->tlen);
  t[fs->tlen] = '\0';
  r.pub.target = t;
  r.pub.target_length = fs->tlen;
  if (q_push(&fs->pending, &r) != 0) {
    free(t);
    fs->unpaired = 1;
    capture_finding(fs, RESPCHECK_CAPTURE_RULE_LIMIT_INDEX,
                    fs->base + respcheck_parser_offset(fs->rp), fs->chunk_frame,
                    AT_ALONE,
                    "more requests waiting for their responses than "
                    "max_pending_requests: responses from here on are not "
                    "paired with requests");
  }
  return 0;
}

/* A request line starts here: a method token in capitals, then a space. */
static int looks_like_request(const unsigned char *p, size_t n) {
  size_t i;
  for (i = 0; i < n && i < 24 && p[i] >= 'A' && p[i] <= 'Z'; i++)
    ;
  return i > 0 && i < n && p[i] == ' ';
}

static void client_feed(rc_flow_t *fs, const char *data, size_t len,
                        uint64_t off, uint64_t frame) {
  llhttp_errno_t e;
  if (fs->c == C_UPGRADE) {
    size_t room = fs->http->copts.max_upgrade_bytes - fs->ulen;
    unsigned char *nb;
    if (len > room) {
      fs->c = C_STOP;
      free(fs->ubuf);
      fs->ubuf = NULL;
      fs->ulen = 0;
      return;
    }
    nb = realloc(fs->ubuf, fs->ulen + len);
    if (nb == NULL) {
      fs->c = C_STOP;
      return;
    }
    memcpy(nb + fs->ulen, data, len);
    fs->ubuf = nb;
    fs->ulen += len;
    return;
  }
  if (fs->c != C_RUN)
    return;
  fs->chunk = data;
  fs->chunk_len = len;
  fs->chunk_off = off;
  fs->chunk_frame = frame;
  e = llhttp_execute(&fs->req, data, len);
  if (e == HPE_PAUSED_UPGRADE) {
    const char *pos = llhttp_get_error_pos(&fs->req);
    size_t used =
        pos && pos >= data && pos <= data + len ? (size_t)(pos - data) : len;
    fs->c = C_UPGRADE;
    if (used < len)
      client_feed(fs, data + used, len - used, off + used, frame);
  } else if (e != HPE_OK) {
    fs->c = C_STOP; /* requests from here on are not known */
  }
}

static void client_data(rc_flow_t *fs, const respcheck_capture_event_t *ev) {
  const unsigned char *d = ev->data;
  size_t n = (size_t)ev->length, i = 0;
  if (fs->c == C_WAIT) {
    fs->client_http =
        looks_like_request(d, n) && !(n >= 4 && memcmp(d, "PRI ", 4) == 0);
    fs->c =
        (fs->flow->flags & RESPCHECK_CAPTURE_FLOW_MIDSTREAM) ? C_SCAN : C_RUN;
    fs->c_ls = 1;
  }
  if (fs->c == C_SCAN) {
    /* No handshake: requests are read from the first request line. */
    for (i = 0; i < n; i++) {
      if (fs->c_ls && looks_like_request(d + i, n - i))
        break;
      fs->c_ls = d[i] == '\n';
    }
    if (i == n)
      return;
    fs->c = C_RUN;
  }
  client_feed(fs, (const char *)d + i, n - i, ev->offset + i, ev->frame);
}

/* ------------------------------------------------------------------------ */
/* The server's side. */

/* Parsers' memory is reused from closed connections (up to
 * RC_FREE_PARSERS blocks kept). Sets fs->rp; 0 on success. */
static int parser_get(rc_flow_t *fs) {
  respcheck_capture_http_t *http = fs->http;
  void *mem = http->nfree ? http->free_parsers[--http->nfree]
                          : malloc(http->parser_size);
  if (mem == NULL)
    return -1;
  fs->rp = respcheck_parser_init(mem, http->parser_size, &http->opts,
                                 &http->core_cb, fs);
  if (fs->rp == NULL) {
    free(mem);
    return -1;
  }
  fs->rp_mem = mem;
  return 0;
}

static void parser_put(rc_flow_t *fs) {
  respcheck_capture_http_t *http = fs->http;
  if (fs->rp_mem == NULL)
    return;
  if (http->nfree < RC_FREE_PARSERS)
    http->free_parsers[http->nfree++] = fs->rp_mem;
  else
    free(fs->rp_mem);
  fs->rp = NULL;
  fs->rp_mem = NULL;
}

/* Feeds the parser, noting in which packet each response begins. */
static void execute(rc_flow_t *fs, const char *data, size_t len,
                    uint64_t frame) {
  uint64_t b, i;
  if (len == 0 || fs->s != S_RUN)
    return;
  fs->cur_frame = frame;
  fs->count_before = begun(fs);
  respcheck_execute(fs->rp, data, len);
  b = begun(fs);
  for (i = fs->count_before; i < b; i++) {
    fs->begun[i % RC_BEGUN].index = i;
    fs->begun[i % RC_BEGUN].frame = frame;
  }
  fs->count_before = b;
  if (respcheck_parser_error(fs->rp) != RESPCHECK_E_OK ||
      respcheck_parser_in_tunnel(fs->rp))
    stop_server(fs);
}

/* Stream offset of the next byte the parser reads. */
static uint64_t server_pos(const rc_flow_t *fs) {
  return fs->base + (fs->rp ? respcheck_parser_offset(fs->rp) : 0);
}

static const char *gap_why(int reason) {
  switch (reason) {
  case RESPCHECK_CAPTURE_GAP_SNAPLEN:
    return "cut by the snap length";
  case RESPCHECK_CAPTURE_GAP_ACKED:
    return "acknowledged by the client, never captured";
  case RESPCHECK_CAPTURE_GAP_LIMIT:
    return "skipped: more bytes held than max_held_bytes";
  default:
    return "never captured";
  }
}

/* "bytes A-B of the server's stream REST" into msg (RC_MSG bytes). */
static void span_msg(char *msg, int server, uint64_t off, uint64_t len,
                     const char *rest) {
  snprintf(msg, RC_MSG, "bytes %llu-%llu of the %s %s", (unsigned long long)off,
           (unsigned long long)(off + len - 1),
           server ? "server's stream" : "client's stream (its requests)", rest);
}

static void conflict_msg(char *msg, int server, uint64_t off, uint64_t len,
                         uint64_t frame, uint64_t first_frame,
                         const char *tail) {
  char rest[RC_REST];
  if (first_frame != 0)
    snprintf(rest, sizeof rest,
             "were sent again with other content (frame %llu; the first "
             "copy, read here, came in frame %llu)%s",
             (unsigned long long)frame, (unsigned long long)first_frame, tail);
  else
    snprintf(rest, sizeof rest,
             "were sent again with other content (frame %llu; the first "
             "copy is read)%s",
             (unsigned long long)frame, tail);
  span_msg(msg, server, off, len, rest);
}

static void gap_msg(char *msg, int server, uint64_t off, uint64_t len,
                    int reason, const char *tail) {
  char rest[RC_REST];
  snprintf(rest, sizeof rest, "are missing (%s)%s", gap_why(reason), tail);
  span_msg(msg, server, off, len, rest);
}

static void conflict_note(rc_flow_t *fs, size_t k) {
  char msg[RC_MSG];
  conflict_msg(msg, 1, fs->conflicts[k].offset, fs->conflicts[k].length,
               fs->conflicts[k].frame, fs->conflicts[k].first_frame, "");
  capture_finding(fs, RESPCHECK_CAPTURE_RULE_OVERLAP_CONFLICT_INDEX,
                  fs->conflicts[k].offset, fs->conflicts[k].frame,
                  msg_open(fs) ? AT_OPEN : AT_NEXT, msg);
}

/* Feeds [off, off + len), stopping at each noted conflict to attach it to
 * the response its bytes belong to. */
static void server_feed(rc_flow_t *fs, const char *data, size_t len,
                        uint64_t off, uint64_t frame) {
  while (len > 0 && fs->s == S_RUN) {
    size_t k, best = RC_CONFLICTS, upto = len;
    for (k = 0; k < fs->nconflicts; k++)
      if (fs->conflicts[k].offset < off + len &&
          (best == RC_CONFLICTS ||
           fs->conflicts[k].offset < fs->conflicts[best].offset))
        best = k;
    if (best != RC_CONFLICTS && fs->conflicts[best].offset > off)
      upto = (size_t)(fs->conflicts[best].offset - off);
    if (best != RC_CONFLICTS && fs->conflicts[best].offset <= off) {
      conflict_note(fs, best);
      fs->conflicts[best] = fs->conflicts[--fs->nconflicts];
      continue;
    }
    execute(fs, data, upto, frame);
    data += upto;
    off += upto;
    len -= upto;
  }
}

static const char http1[] = "HTTP/1.";

/* No handshake: the first "HTTP/1." at a line start begins the reading. */
static void server_scan(rc_flow_t *fs, const unsigned char *d, size_t n,
                        uint64_t off, uint64_t frame) {
  size_t i;
  char msg[RC_MSG];
  for (i = 0; i < n; i++) {
    if (fs->scan_n > 0) {
      if (d[i] == (unsigned char)http1[fs->scan_n]) {
        if (++fs->scan_n == sizeof http1 - 1)
          break;
        continue;
      }
      fs->scan_n = 0;
    }
    if (fs->scan_ls && d[i] == 'H') {
      fs->scan_n = 1;
      fs->scan_at = off + i;
      fs->scan_frame = frame;
    }
    fs->scan_ls = d[i] == '\n';
  }
  if (i == n)
    return;
  /* Found: the parser starts at scan_at; the pattern's bytes before this
   * packet are fed from the pattern itself. */
  if (parser_get(fs) != 0) {
    fs->s = S_STOP;
    return;
  }
  fs->base = fs->scan_at;
  fs->s = S_RUN;
  /* Offsets are rebased: the heads' fields get copies. */
  if (fs->http->opts.max_headers > 0)
    fs->hdrs = malloc(fs->http->opts.max_headers * sizeof *fs->hdrs);
  {
    size_t k = 0;
    while (k < fs->nconflicts) { /* in bytes that are not read */
      if (fs->conflicts[k].offset < fs->scan_at)
        fs->conflicts[k] = fs->conflicts[--fs->nconflicts];
      else
        k++;
    }
  }
  push_ready(fs);
  snprintf(msg, sizeof msg,
           "the capture has no handshake for this connection: reading starts "
           "at its first status line, byte %llu of the server's stream",
           (unsigned long long)fs->scan_at);
  capture_finding(fs, RESPCHECK_CAPTURE_RULE_MIDSTREAM_INDEX, fs->scan_at,
                  fs->scan_frame, AT_NEXT, msg);
  {
    size_t in_here = i + 1 > sizeof http1 - 1 ? sizeof http1 - 1 : i + 1;
    size_t before = sizeof http1 - 1 - in_here;
    size_t start = i + 1 - in_here;
    if (before > 0)
      execute(fs, http1, before, fs->scan_frame);
    server_feed(fs, (const char *)d + start, n - start, off + start, frame);
  }
}

static void server_data(rc_flow_t *fs, const respcheck_capture_event_t *ev) {
  const unsigned char *d = ev->data;
  size_t n = (size_t)ev->length;
  fs->ack = ev->ack;
  if (fs->s == S_WAIT) {
    if (fs->flow->flags & RESPCHECK_CAPTURE_FLOW_MIDSTREAM) {
      fs->s = S_SCAN;
      fs->scan_ls = 1;
    } else if (fs->client_http == 1 || (n >= 5 && memcmp(d, "HTTP/", 5) == 0)) {
      fs->s = parser_get(fs) == 0 ? S_RUN : S_STOP;
    } else {
      fs->s = S_SKIP;
    }
  }
  if (fs->s == S_SCAN) {
    server_scan(fs, d, n, ev->offset, ev->frame);
    return;
  }
  if (fs->s != S_RUN)
    return;
  push_ready(fs);
  server_feed(fs, (const char *)d, n, ev->offset, ev->frame);
}

static void server_gap(rc_flow_t *fs, const respcheck_capture_event_t *ev) {
  char msg[RC_MSG];
  int rule = ev->reason == RESPCHECK_CAPTURE_GAP_LIMIT
                 ? RESPCHECK_CAPTURE_RULE_LIMIT_INDEX
                 : RESPCHECK_CAPTURE_RULE_GAP_INDEX;
  int skip = 0;
  uint64_t fill = ev->length;
  if (fs->s == S_WAIT) {
    if (fs->flow->flags & RESPCHECK_CAPTURE_FLOW_MIDSTREAM) {
      fs->s = S_SCAN;
    } else if (fs->client_http == 1) {
      /* The first bytes are missing: nothing after them can be placed. */
      fs->s = parser_get(fs) == 0 ? S_RUN : S_STOP;
    } else {
      fs->s = S_SKIP;
    }
  }
  if (fs->s == S_SCAN) {
    fs->scan_n = 0;
    fs->scan_ls = 1; /* what follows a gap may start a line */
    return;
  }
  if (fs->s != S_RUN)
    return;
  if (msg_open(fs) && fs->head_seen) {
    uint64_t left =
        fs->body <= fs->content_length ? fs->content_length - fs->body : 0;
    /* A gap found from the client's last acknowledgement may count the
     * server's FIN, which takes a sequence number of its own (RFC 9293
     * 3.5) and was not captured either: one past the content is that. */
    uint64_t slack = ev->reason == RESPCHECK_CAPTURE_GAP_ACKED ? 1 : 0;
    if ((fs->framing & RESPCHECK_FRAMING_CONTENT_LENGTH) &&
        !(fs->framing & RESPCHECK_FRAMING_NO_BODY) &&
        ev->length <= left + slack) {
      skip = 1;
      fill = ev->length <= left ? ev->length : left;
    }
    if (fs->framing & RESPCHECK_FRAMING_CLOSE_DELIMITED)
      skip = 1;
  }
  gap_msg(msg, 1, ev->offset, ev->length, ev->reason,
          skip ? "; they lie inside the content, which is read on"
               : "; the connection is not read further");
  capture_finding(fs, rule, ev->offset, ev->frame, AT_OPEN, msg);
  if (skip) {
    uint64_t left = fill;
    if (fs->http->zeros == NULL)
      fs->http->zeros = calloc(1, RC_ZEROS);
    while (left > 0 && fs->s == S_RUN && fs->http->zeros != NULL) {
      size_t k = left < RC_ZEROS ? (size_t)left : RC_ZEROS;
      execute(fs, fs->http->zeros, k, ev->frame);
      left -= k;
    }
    if (left == 0)
      return;
  }
  end_open(fs, ev->offset);
  stop_server(fs);
}

static void client_gap(rc_flow_t *fs, const respcheck_capture_event_t *ev) {
  char msg[RC_MSG];
  int rule = ev->reason == RESPCHECK_CAPTURE_GAP_LIMIT
                 ? RESPCHECK_CAPTURE_RULE_LIMIT_INDEX
                 : RESPCHECK_CAPTURE_RULE_GAP_INDEX;
  if (fs->c == C_STOP)
    return;
  fs->c = C_STOP;
  if (fs->s != S_RUN)
    return;
  gap_msg(msg, 0, ev->offset, ev->length, ev->reason,
          ": responses to later requests are not paired with them");
  capture_finding(fs, rule, server_pos(fs), ev->frame, AT_ALONE, msg);
}

static void on_conflict(rc_flow_t *fs, const respcheck_capture_event_t *ev) {
  char msg[RC_MSG];
  if (ev->dir == RESPCHECK_CAPTURE_TO_SERVER) {
    if (fs->s != S_RUN)
      return;
    conflict_msg(msg, 0, ev->offset, ev->length, ev->frame, ev->first_frame,
                 "");
    capture_finding(fs, RESPCHECK_CAPTURE_RULE_OVERLAP_CONFLICT_INDEX,
                    server_pos(fs), ev->frame, AT_ALONE, msg);
    return;
  }
  if (fs->s == S_SKIP || fs->s == S_STOP)
    return;
  if (fs->s == S_RUN && ev->offset < server_pos(fs)) {
    /* Bytes already read: the open response's, or an earlier one's. */
    int open = msg_open(fs) && ev->offset >= fs->msg_start + fs->base;
    conflict_msg(msg, 1, ev->offset, ev->length, ev->frame, ev->first_frame,
                 open ? "" : "; they belong to an earlier response");
    capture_finding(fs, RESPCHECK_CAPTURE_RULE_OVERLAP_CONFLICT_INDEX,
                    ev->offset, ev->frame, open ? AT_OPEN : AT_ALONE, msg);
    return;
  }
  /* Bytes not read yet: noted until the parser gets there. */
  if (fs->nconflicts < RC_CONFLICTS) {
    size_t k = fs->nconflicts++;
    fs->conflicts[k].offset = ev->offset;
    fs->conflicts[k].length = ev->length;
    fs->conflicts[k].frame = ev->frame;
    fs->conflicts[k].first_frame = ev->first_frame;
  }
}

static void server_end(rc_flow_t *fs, const respcheck_capture_event_t *ev) {
  if (ev->reason == RESPCHECK_CAPTURE_END_EVICTED) {
    if (fs->s != S_STOP && fs->s != S_SKIP) {
      capture_finding(fs, RESPCHECK_CAPTURE_RULE_LIMIT_INDEX, server_pos(fs),
                      ev->frame, AT_OPEN,
                      "more connections open than max_connections: this one, "
                      "the least recently active, is not read further");
      end_open(fs, server_pos(fs));
      stop_server(fs);
    }
    return;
  }
  if (fs->s != S_RUN)
    return;
  /* The server's stream ends here (FIN, reset, or the end of the
   * capture): as for a raw stream, a response cut short is truncated. */
  fs->cur_frame = ev->frame;
  fs->count_before = begun(fs);
  respcheck_finish(fs->rp);
  stop_server(fs);
}

/* ------------------------------------------------------------------------ */
/* Flows. */

static void flow_free(rc_flow_t *fs) {
  if (fs->cur.pub.target)
    req_free(&fs->cur);
  q_clear(&fs->pending);
  q_clear(&fs->pushed);
  parser_put(fs);
  free(fs->hdrs);
  free(fs->deferred);
  free(fs->tbuf);
  free(fs->ubuf);
  free(fs);
}

static void flow_open(respcheck_capture_http_t *http,
                      respcheck_capture_flow_t *flow) {
  rc_flow_t *fs = calloc(1, sizeof *fs);
  flow->user = fs;
  if (fs == NULL)
    return;
  fs->http = http;
  fs->flow = flow;
  fs->client_http = -1;
  q_init(&fs->pending, http->copts.max_pending_requests);
  q_init(&fs->pushed, http->opts.max_pending_requests);
  llhttp_init(&fs->req, HTTP_REQUEST, &http->req_settings);
  fs->req.data = fs;
  if (http->cb.on_flow_open)
    fs->flow_user = http->cb.on_flow_open(http->user, flow);
}

static void flow_close(respcheck_capture_http_t *http, rc_flow_t *fs) {
  if (fs->s == S_RUN)
    stop_server(fs);
  flush_deferred(fs);
  settle_promise(fs);
  if (http->cb.on_flow_close)
    http->cb.on_flow_close(http->user, fs->flow, fs->flow_user);
  fs->flow->user = NULL;
  flow_free(fs);
}

void respcheck_capture_http_event(void *user,
                                  const respcheck_capture_event_t *ev) {
  respcheck_capture_http_t *http = user;
  rc_flow_t *fs;
  if (http == NULL || ev == NULL || ev->flow == NULL)
    return;
  if (ev->type == RESPCHECK_CAPTURE_OPEN) {
    flow_open(http, ev->flow);
    return;
  }
  fs = ev->flow->user;
  if (fs == NULL)
    return;
  switch (ev->type) {
  case RESPCHECK_CAPTURE_DATA:
    if (ev->dir == RESPCHECK_CAPTURE_TO_SERVER)
      client_data(fs, ev);
    else
      server_data(fs, ev);
    break;
  case RESPCHECK_CAPTURE_GAP:
    if (ev->dir == RESPCHECK_CAPTURE_TO_SERVER)
      client_gap(fs, ev);
    else
      server_gap(fs, ev);
    break;
  case RESPCHECK_CAPTURE_CONFLICT:
    on_conflict(fs, ev);
    break;
  case RESPCHECK_CAPTURE_END:
    if (ev->dir == RESPCHECK_CAPTURE_TO_CLIENT)
      server_end(fs, ev);
    break;
  case RESPCHECK_CAPTURE_CLOSE:
    flow_close(http, fs);
    break;
  default:
    break;
  }
}

respcheck_capture_http_t *respcheck_capture_http_new(
    const respcheck_options_t *opts, const respcheck_capture_options_t *copts,
    const respcheck_capture_callbacks_t *cb, void *user) {
  respcheck_capture_http_t *http = calloc(1, sizeof *http);
  if (http == NULL)
    return NULL;
  if (opts)
    http->opts = *opts;
  else
    respcheck_options_init(&http->opts);
  if (copts)
    http->copts = *copts;
  else
    respcheck_capture_options_init(&http->copts);
  /* A response whose request is not in the capture came over plain TCP
   * too. */
  http->opts.default_request.transport = RESPCHECK_TRANSPORT_PLAIN;
  http->parser_size = respcheck_parser_size(&http->opts);
  if (http->parser_size == 0 ||
      respcheck__capture_options_valid(&http->copts) != 0) {
    free(http);
    return NULL;
  }
  if (cb)
    http->cb = *cb;
  http->user = user;
  http->core_cb.on_finding = core_finding;
  http->core_cb.on_head = core_head;
  http->core_cb.on_body = core_body;
  http->core_cb.on_message_end = core_end;
  llhttp_settings_init(&http->req_settings);
  http->req_settings.on_message_begin = req_begin;
  http->req_settings.on_method = req_method;
  http->req_settings.on_url = req_url;
  http->req_settings.on_headers_complete = req_headers_complete;
  return http;
}

void respcheck_capture_http_free(respcheck_capture_http_t *http) {
  size_t i;
  if (http == NULL)
    return;
  for (i = 0; i < http->nfree; i++)
    free(http->free_parsers[i]);
  free(http->zeros);
  free(http);
}

int respcheck_capture_lint_file(const char *path,
                                const respcheck_options_t *opts,
                                const respcheck_capture_options_t *copts,
                                const respcheck_capture_callbacks_t *cb,
                                void *user, char *err, uint64_t *err_offset) {
  respcheck_capture_http_t *http;
  respcheck_capture_t *cap;
  int rc;
  http = respcheck_capture_http_new(opts, copts, cb, user);
  cap = http ? respcheck_capture_new(copts, respcheck_capture_http_event, http)
             : NULL;
  if (cap == NULL) {
    if (err)
      snprintf(err, RESPCHECK_CAPTURE_ERRBUF,
               "out of memory, or invalid options");
    if (err_offset)
      *err_offset = UINT64_MAX;
    respcheck_capture_http_free(http);
    return -1;
  }
  rc = respcheck_capture_read_file(cap, path, err, err_offset);
  respcheck_capture_free(cap);
  respcheck_capture_http_free(http);
  return rc;
}
