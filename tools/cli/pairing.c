/* SPDX-License-Identifier: MIT */
/*
 * The requests a raw stream's responses answer, one per final response in
 * order (a 1xx answers the request of the final response after it, RFC
 * 9110 15.2): --methods (a list of methods, the last repeating, each with
 * --request-version's version) or --requests (the client's bytes of the
 * same connection, read with llhttp's request parser: requests.h).
 *
 * The library takes each response's request from its queue
 * (respcheck_push_request) and drops it when a final response with a head
 * ends; so one request is pushed at the start and the next one each time a
 * final response ends, and the queue never holds more than the one being
 * answered. The requests file is read only as far as that needs: a chunk
 * at a time (RC_PAIR_CHUNK), its requests queued here. After a CONNECT or
 * Upgrade request, its client bytes are read on only if the response did
 * not switch protocols.
 *
 * Each record's "request" is the request its response answers (target
 * null for --methods), or null when the requests ran out: those responses
 * are read as answers to --method's, and how many is said on stderr, as
 * are requests left without a response.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "requests.h"

/* Bytes of the requests file read at a time: the requests queued here at
 * once are fewer than RC_PAIR_CHUNK / 16 (the shortest request head,
 * "GET / HTTP/1.1\r\n\r\n", is 18 bytes). */
#define RC_PAIR_CHUNK 4096
/* Bytes of a target kept (a longer one is cut: "target_truncated"). */
#define RC_PAIR_MAX_TARGET 8192

typedef struct pending {
  char method[24];
  unsigned char version_major, version_minor;
  char *target; /* NULL for --methods */
  size_t target_len;
  int target_cut;
  int upgrade;
} pending_t;

struct rc_pairing {
  rc_cli_t *app;
  const char *input; /* the response stream's path, for notes */
  /* The response being read. */
  int interim; /* its head is a 1xx other than 101 */
  int leaves;  /* its head leaves HTTP (101, 2xx to CONNECT) */
  /* The request in force (answered by the next final response). */
  int have_cur;
  pending_t cur;
  uint64_t finals;     /* final responses ended */
  uint64_t unanswered; /* ... that answered no request */
  /* --requests */
  int fd;
  rc_requests_t *reader;
  char buf[RC_PAIR_CHUNK];
  size_t pos, len;
  int eof, failed, upgrade_wait, finished;
  pending_t *q;
  size_t qfirst, qlen, qcap;
  int oom;
};

static void pending_free(pending_t *p) {
  free(p->target);
  p->target = NULL;
}

/* The reader's callback: a request read, queued. */
static void on_request(void *user, const rc_http_request_t *r) {
  rc_pairing_t *pr = user;
  pending_t *p;
  if (pr->qlen == pr->qcap) {
    size_t cap = pr->qcap ? pr->qcap * 2 : 8, i;
    pending_t *nq = malloc(cap * sizeof *nq);
    if (nq == NULL) {
      pr->oom = 1;
      return;
    }
    for (i = 0; i < pr->qlen; i++)
      nq[i] = pr->q[(pr->qfirst + i) % pr->qcap];
    free(pr->q);
    pr->q = nq;
    pr->qcap = cap;
    pr->qfirst = 0;
  }
  p = &pr->q[(pr->qfirst + pr->qlen) % pr->qcap];
  memset(p, 0, sizeof *p);
  memcpy(p->method, r->method_name, sizeof p->method);
  p->method[sizeof p->method - 1] = '\0';
  p->version_major = r->version_major;
  p->version_minor = r->version_minor;
  p->target = malloc(r->target_length + 1);
  if (p->target == NULL) {
    pr->oom = 1;
    return;
  }
  memcpy(p->target, r->target, r->target_length + 1);
  p->target_len = r->target_length;
  p->target_cut = r->target_cut;
  p->upgrade = r->upgrade;
  pr->qlen++;
}

/* "respcheck: REQS: byte N: not an HTTP request (REASON); ..." */
static void reader_failed(rc_pairing_t *pr) {
  rc_cli_t *app = pr->app;
  uint64_t off;
  const char *why = rc_requests_error(pr->reader, &off);
  pr->failed = 1;
  rc_progress_clear(app);
  fputs("respcheck: ", stderr);
  rc_text_escaped(stderr, app->requests_path, strlen(app->requests_path));
  fprintf(stderr, ": byte %llu: not an HTTP request (",
          (unsigned long long)off);
  rc_text_escaped(stderr, why, strlen(why));
  fputs("); responses from there on answer no request\n", stderr);
  app->io_error = 1;
}

/* Reads the requests file until a request is queued, or it cannot be. */
static int fill(rc_pairing_t *pr) {
  while (pr->qlen == 0 && !pr->failed && !pr->upgrade_wait && !pr->oom) {
    size_t used;
    rc_requests_status_t st;
    if (pr->pos == pr->len) {
      ssize_t n;
      if (pr->eof) {
        if (!pr->finished) {
          pr->finished = 1;
          if (rc_requests_finish(pr->reader) == RC_REQUESTS_ERROR)
            reader_failed(pr);
        }
        return 0;
      }
      do
        n = read(pr->fd, pr->buf, sizeof pr->buf);
      while (n < 0 && errno == EINTR);
      if (n < 0) {
        rc_cli_io_error(pr->app, pr->app->requests_path, "read error", errno);
        pr->failed = 1;
        return 0;
      }
      pr->pos = 0;
      pr->len = (size_t)n;
      pr->eof = n == 0;
      continue;
    }
    st = rc_requests_feed(pr->reader, pr->buf + pr->pos, pr->len - pr->pos,
                          &used);
    pr->pos += used;
    if (st == RC_REQUESTS_UPGRADE)
      pr->upgrade_wait = 1;
    else if (st == RC_REQUESTS_ERROR)
      reader_failed(pr);
  }
  if (pr->oom && pr->qlen == 0 && !pr->failed) {
    rc_cli_io_error(pr->app, pr->app->requests_path, "cannot be read", ENOMEM);
    pr->failed = 1;
  }
  return pr->qlen > 0;
}

/* The next request: of --methods (the last repeating), or of the file. */
static int next_request(rc_pairing_t *pr, pending_t *out) {
  rc_cli_t *app = pr->app;
  memset(out, 0, sizeof *out);
  if (app->requests_path == NULL) {
    size_t i =
        pr->finals < app->nmethods ? (size_t)pr->finals : app->nmethods - 1;
    size_t n = strlen(app->methods[i]);
    if (n >= sizeof out->method)
      n = sizeof out->method - 1;
    memcpy(out->method, app->methods[i], n);
    out->version_major = 1;
    out->version_minor = (unsigned char)app->request.version_minor;
    return 1;
  }
  if (!fill(pr))
    return 0;
  *out = pr->q[pr->qfirst];
  pr->qfirst = (pr->qfirst + 1) % pr->qcap;
  pr->qlen--;
  return 1;
}

/* Makes the next request the one in force: pushed to the parser, and the
 * records' "request". */
static void advance(rc_pairing_t *pr) {
  rc_cli_t *app = pr->app;
  if (pr->have_cur)
    pending_free(&pr->cur);
  pr->have_cur = next_request(pr, &pr->cur);
  if (pr->have_cur) {
    respcheck_request_t rq;
    rc_request_info_t info;
    rq.method =
        respcheck_method_from_name(pr->cur.method, strlen(pr->cur.method));
    rq.version_major = pr->cur.version_major;
    rq.version_minor = pr->cur.version_minor;
    rq.transport = app->opts.default_request.transport;
    (void)respcheck_push_request(app->parser, &rq);
    memset(&info, 0, sizeof info);
    info.method = pr->cur.method;
    info.target = pr->cur.target;
    info.target_len = pr->cur.target_len;
    info.target_cut = pr->cur.target_cut;
    info.version_major = pr->cur.version_major;
    info.version_minor = pr->cur.version_minor;
    rc_out_set_request(app->out, &info);
  } else {
    /* The parser's default request (--method) answers; no request is
     * known. */
    rc_out_set_request(app->out, NULL);
  }
}

int rc_pairing_begin(rc_cli_t *app, const rc_input_t *in) {
  rc_pairing_t *pr;
  app->pairing = NULL;
  if (app->requests_path == NULL && app->nmethods <= 1)
    return 0; /* --method's request answers every response */
  pr = calloc(1, sizeof *pr);
  if (pr == NULL) {
    rc_cli_io_error(app, in->path, "cannot be read", ENOMEM);
    return -1;
  }
  pr->app = app;
  pr->input = strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
  pr->fd = -1;
  if (app->requests_path != NULL) {
    do
      pr->fd = open(app->requests_path, O_RDONLY);
    while (pr->fd < 0 && errno == EINTR);
    if (pr->fd < 0) {
      rc_cli_io_error(app, app->requests_path, "cannot open", errno);
      free(pr);
      return -1;
    }
    pr->reader = rc_requests_new(RC_PAIR_MAX_TARGET, on_request, pr);
    if (pr->reader == NULL) {
      close(pr->fd);
      free(pr);
      rc_cli_io_error(app, in->path, "cannot be read", ENOMEM);
      return -1;
    }
  }
  app->pairing = pr;
  advance(pr);
  return 0;
}

void rc_pairing_head(rc_cli_t *app, const respcheck_response_t *r) {
  rc_pairing_t *pr = app->pairing;
  if (pr == NULL)
    return;
  pr->interim = r->status >= 100 && r->status <= 199 && r->status != 101;
  pr->leaves = (r->framing &
                (RESPCHECK_FRAMING_UPGRADE | RESPCHECK_FRAMING_TUNNEL)) != 0;
}

void rc_pairing_end(rc_cli_t *app, const respcheck_message_end_t *end) {
  rc_pairing_t *pr = app->pairing;
  if (pr == NULL)
    return;
  /* The library drops a request at the end of a final response with a
   * head, as here. */
  if (!(end->flags & RESPCHECK_END_HEAD) || pr->interim)
    return;
  pr->finals++;
  if (!pr->have_cur)
    pr->unanswered++;
  else if (pr->cur.upgrade && pr->upgrade_wait && !pr->leaves) {
    /* The switch was refused: the client's next bytes are requests. */
    rc_requests_resume_after_upgrade(pr->reader);
    pr->upgrade_wait = 0;
  }
  advance(pr);
}

/* Requests of the file left without a response: the one in force, those
 * queued, and those the rest of the file holds. */
static uint64_t left_over(rc_pairing_t *pr) {
  uint64_t n = pr->have_cur ? 1 : 0;
  while (pr->qlen > 0) {
    pending_free(&pr->q[pr->qfirst]);
    pr->qfirst = (pr->qfirst + 1) % pr->qcap;
    pr->qlen--;
    n++;
  }
  while (fill(pr)) {
    n += pr->qlen;
    while (pr->qlen > 0) {
      pending_free(&pr->q[pr->qfirst]);
      pr->qfirst = (pr->qfirst + 1) % pr->qcap;
      pr->qlen--;
    }
  }
  return n;
}

void rc_pairing_finish(rc_cli_t *app, int whole) {
  rc_pairing_t *pr = app->pairing;
  if (pr == NULL)
    return;
  if (pr->unanswered > 0) {
    rc_progress_clear(app);
    fputs("respcheck: ", stderr);
    rc_text_escaped(stderr, pr->input, strlen(pr->input));
    fprintf(stderr, ": %llu response%s answer%s no request of ",
            (unsigned long long)pr->unanswered, pr->unanswered == 1 ? "" : "s",
            pr->unanswered == 1 ? "s" : "");
    rc_text_escaped(stderr, app->requests_path, strlen(app->requests_path));
    fputs(" (read as answers to ", stderr);
    rc_text_escaped(stderr, app->request.method, strlen(app->request.method));
    fputs(")\n", stderr);
  }
  if (whole && pr->reader != NULL && !pr->failed) {
    uint64_t n = left_over(pr);
    if (n > 0) {
      rc_progress_clear(app);
      fputs("respcheck: ", stderr);
      rc_text_escaped(stderr, pr->input, strlen(pr->input));
      fprintf(stderr, ": %llu request%s of ", (unsigned long long)n,
              n == 1 ? "" : "s");
      rc_text_escaped(stderr, app->requests_path, strlen(app->requests_path));
      fputs(" got no response\n", stderr);
    }
  }
  if (pr->have_cur)
    pending_free(&pr->cur);
  while (pr->qlen > 0) {
    pending_free(&pr->q[pr->qfirst]);
    pr->qfirst = (pr->qfirst + 1) % pr->qcap;
    pr->qlen--;
  }
  free(pr->q);
  rc_requests_free(pr->reader);
  if (pr->fd >= 0)
    close(pr->fd);
  free(pr);
  app->pairing = NULL;
}
