/* SPDX-License-Identifier: MIT */
/*
 * respcheck's reading of one response stream, as one JSON object: the oracle
 * of the differential test (fuzz/diff/run.py, docs/differential.md).
 *
 * Usage: oracle [--method=NAME] [--request-10] [--no-finish] [FILE]
 *   FILE, or standard input when absent or "-", is one connection's bytes.
 *   --method=NAME   the method of every request on the connection (default
 *                   GET; HEAD and CONNECT change framing).
 *   --request-10    the requests were HTTP/1.0.
 *   --no-finish     the connection is still open after the bytes:
 *                   respcheck_finish is not called (fuzz/peers/run.py, for
 *                   peer tests that feed a parser without ending the stream).
 * Options are respcheck's defaults otherwise. The stream is fed in one piece
 * (respcheck's reading does not depend on the chunking).
 *
 * Strings in the output are the raw bytes, one JSON character per byte:
 * bytes 0x80-0xff become \u0080-\u00ff, so a reader gets the bytes back with
 * str.encode("latin-1"). Body bytes are given as ranges of the input
 * ("body_ranges": [[offset, length], ...]), so the reader can hash them.
 *
 * Exit status: 0 when the JSON was written (whatever the verdict), 2 on a
 * usage or I/O error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "respcheck.h"

typedef struct finding {
  const char *id;
  respcheck_severity_t severity;
  uint64_t offset;
  uint64_t response;
  char *message;
} finding_t;

typedef struct field {
  char *name, *value;
  size_t name_len, value_len;
  uint64_t offset;
} field_t;

typedef struct range {
  uint64_t start, len;
} range_t;

typedef struct response {
  int seen_head, ended;
  uint64_t offset, head_length, end_offset;
  unsigned version_major, version_minor;
  int status, effective_status;
  char *reason;
  size_t reason_len;
  field_t *fields;
  size_t field_count;
  unsigned framing;
  uint64_t content_length, body_length;
  range_t *ranges;
  size_t range_count;
  int body_outside; /* a body piece did not point into the input */
  respcheck_verdict_t head_verdict, verdict;
  unsigned end_flags;
} response_t;

typedef struct state {
  const char *input;
  size_t input_len;
  response_t *resp;
  size_t resp_count, resp_cap;
  finding_t *findings;
  size_t finding_count, finding_cap;
  int cur; /* response whose body is being read, -1 before any head */
  uint64_t tunnel_bytes, tunnel_offset;
} state_t;

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (q == NULL) {
    fputs("oracle: out of memory\n", stderr);
    exit(2);
  }
  return q;
}

static char *dup_bytes(const char *s, size_t n) {
  char *d = xrealloc(NULL, n + 1);
  if (n)
    memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static response_t *resp_at(state_t *st, uint64_t index) {
  while (st->resp_count <= index) {
    if (st->resp_count == st->resp_cap) {
      st->resp_cap = st->resp_cap ? st->resp_cap * 2 : 8;
      st->resp = xrealloc(st->resp, st->resp_cap * sizeof(*st->resp));
    }
    memset(&st->resp[st->resp_count], 0, sizeof(*st->resp));
    st->resp_count++;
  }
  return &st->resp[index];
}

static void on_finding(void *user, const respcheck_finding_t *f) {
  state_t *st = user;
  finding_t *d;
  if (st->finding_count == st->finding_cap) {
    st->finding_cap = st->finding_cap ? st->finding_cap * 2 : 16;
    st->findings =
        xrealloc(st->findings, st->finding_cap * sizeof(*st->findings));
  }
  d = &st->findings[st->finding_count++];
  d->id = f->id;
  d->severity = f->severity;
  d->offset = f->offset;
  d->response = f->response_index;
  d->message = dup_bytes(f->message, strlen(f->message));
  resp_at(st, f->response_index);
}

static int on_head(void *user, const respcheck_response_t *r) {
  state_t *st = user;
  response_t *d = resp_at(st, r->index);
  size_t i;
  d->seen_head = 1;
  d->offset = r->offset;
  d->head_length = r->head_length;
  d->version_major = r->version_major;
  d->version_minor = r->version_minor;
  d->status = r->status;
  d->effective_status = r->effective_status;
  d->reason = dup_bytes(r->reason.ptr, r->reason.len);
  d->reason_len = r->reason.len;
  d->field_count = r->header_count;
  d->fields = xrealloc(NULL, r->header_count * sizeof(*d->fields));
  for (i = 0; i < r->header_count; i++) {
    const respcheck_header_t *h = &r->headers[i];
    d->fields[i].name = dup_bytes(h->name.ptr, h->name.len);
    d->fields[i].name_len = h->name.len;
    d->fields[i].value = dup_bytes(h->value.ptr, h->value.len);
    d->fields[i].value_len = h->value.len;
    d->fields[i].offset = h->offset;
  }
  d->framing = r->framing;
  d->content_length = r->content_length;
  d->head_verdict = r->verdict;
  st->cur = (int)r->index;
  return 0;
}

static int on_body(void *user, const char *at, size_t len) {
  state_t *st = user;
  response_t *d;
  uint64_t start;
  if (st->cur < 0 || len == 0)
    return 0;
  d = &st->resp[st->cur];
  d->body_length += len;
  if (at < st->input || at + len > st->input + st->input_len) {
    d->body_outside = 1;
    return 0;
  }
  start = (uint64_t)(at - st->input);
  if (d->range_count &&
      d->ranges[d->range_count - 1].start + d->ranges[d->range_count - 1].len ==
          start) {
    d->ranges[d->range_count - 1].len += len;
    return 0;
  }
  d->ranges = xrealloc(d->ranges, (d->range_count + 1) * sizeof(*d->ranges));
  d->ranges[d->range_count].start = start;
  d->ranges[d->range_count].len = len;
  d->range_count++;
  return 0;
}

static void on_message_end(void *user, const respcheck_message_end_t *m) {
  state_t *st = user;
  response_t *d = resp_at(st, m->index);
  d->ended = 1;
  d->end_flags = m->flags;
  d->verdict = m->verdict;
  d->end_offset = m->end_offset;
  if (!d->seen_head)
    d->offset = m->offset;
}

static void on_tunnel(void *user, const char *at, size_t len, uint64_t offset) {
  state_t *st = user;
  (void)at;
  if (st->tunnel_bytes == 0)
    st->tunnel_offset = offset;
  st->tunnel_bytes += len;
}

/* ------------------------------------------------------------------------ */
/* JSON output. */

static void put_str(const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t i;
  putchar('"');
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      putchar('\\');
      putchar(c);
    } else if (c >= 0x20 && c < 0x7f) {
      putchar(c);
    } else {
      /* One JSON character per byte (latin-1), so the bytes come back. */
      fputs("\\u00", stdout);
      putchar(hex[c >> 4]);
      putchar(hex[c & 15]);
    }
  }
  putchar('"');
}

static void put_cstr(const char *s) { put_str(s, strlen(s)); }

static const char *verdict_name(respcheck_verdict_t v) {
  return v == RESPCHECK_REJECT ? "reject" : "accept";
}

static void put_response(const state_t *st, size_t index) {
  const response_t *r = &st->resp[index];
  size_t i;
  int first;
  printf("{\"index\": %zu, \"has_head\": %s, \"offset\": %llu", index,
         r->seen_head ? "true" : "false", (unsigned long long)r->offset);
  if (r->seen_head) {
    printf(", \"head_length\": %llu, \"version\": \"%u.%u\", \"status\": %d,"
           " \"effective_status\": %d, \"reason\": ",
           (unsigned long long)r->head_length, r->version_major,
           r->version_minor, r->status, r->effective_status);
    put_str(r->reason, r->reason_len);
    fputs(", \"headers\": [", stdout);
    for (i = 0; i < r->field_count; i++) {
      fputs(i ? ", [" : "[", stdout);
      put_str(r->fields[i].name, r->fields[i].name_len);
      fputs(", ", stdout);
      put_str(r->fields[i].value, r->fields[i].value_len);
      putchar(']');
    }
    printf("], \"framing\": {\"content_length\": %s, \"chunked\": %s,"
           " \"close_delimited\": %s, \"no_body\": %s, \"keep_alive\": %s,"
           " \"upgrade\": %s, \"tunnel\": %s}",
           r->framing & RESPCHECK_FRAMING_CONTENT_LENGTH ? "true" : "false",
           r->framing & RESPCHECK_FRAMING_CHUNKED ? "true" : "false",
           r->framing & RESPCHECK_FRAMING_CLOSE_DELIMITED ? "true" : "false",
           r->framing & RESPCHECK_FRAMING_NO_BODY ? "true" : "false",
           r->framing & RESPCHECK_FRAMING_KEEP_ALIVE ? "true" : "false",
           r->framing & RESPCHECK_FRAMING_UPGRADE ? "true" : "false",
           r->framing & RESPCHECK_FRAMING_TUNNEL ? "true" : "false");
    if (r->framing & RESPCHECK_FRAMING_CONTENT_LENGTH)
      printf(", \"content_length\": %llu",
             (unsigned long long)r->content_length);
    else
      fputs(", \"content_length\": null", stdout);
    printf(", \"head_verdict\": \"%s\"", verdict_name(r->head_verdict));
  }
  printf(", \"body_length\": %llu, \"body_ranges\": [",
         (unsigned long long)r->body_length);
  for (i = 0; i < r->range_count; i++)
    printf("%s[%llu, %llu]", i ? ", " : "",
           (unsigned long long)r->ranges[i].start,
           (unsigned long long)r->ranges[i].len);
  printf("], \"body_outside_input\": %s", r->body_outside ? "true" : "false");
  if (r->ended)
    printf(", \"end_offset\": %llu, \"complete\": %s, \"aborted\": %s,"
           " \"verdict\": \"%s\"",
           (unsigned long long)r->end_offset,
           r->end_flags & RESPCHECK_END_COMPLETE ? "true" : "false",
           r->end_flags & RESPCHECK_END_ABORTED ? "true" : "false",
           verdict_name(r->verdict));
  else
    fputs(", \"end_offset\": null, \"complete\": false, \"aborted\": false,"
          " \"verdict\": null",
          stdout);
  fputs(", \"findings\": [", stdout);
  first = 1;
  for (i = 0; i < st->finding_count; i++) {
    if (st->findings[i].response != index)
      continue;
    fputs(first ? "" : ", ", stdout);
    put_cstr(st->findings[i].id);
    first = 0;
  }
  fputs("]}", stdout);
}

static int read_all(FILE *in, char **out, size_t *out_len) {
  size_t cap = 65536, len = 0, n;
  char *buf = xrealloc(NULL, cap);
  while ((n = fread(buf + len, 1, cap - len, in)) > 0) {
    len += n;
    if (len == cap) {
      cap *= 2;
      buf = xrealloc(buf, cap);
    }
  }
  if (ferror(in)) {
    free(buf);
    return -1;
  }
  *out = buf;
  *out_len = len;
  return 0;
}

static void usage(FILE *to) {
  fputs("usage: oracle [--method=NAME] [--request-10] [--no-finish] [FILE]\n",
        to);
}

int main(int argc, char **argv) {
  respcheck_options_t opts;
  respcheck_callbacks_t cb;
  respcheck_parser_t *p;
  state_t st;
  const char *path = NULL, *method = "GET";
  int request_10 = 0, no_finish = 0, i, errors = 0;
  char *buf = NULL;
  size_t len = 0, k;
  FILE *in;
  respcheck_errno_t err;

  for (i = 1; i < argc; i++) {
    if (strncmp(argv[i], "--method=", 9) == 0) {
      method = argv[i] + 9;
    } else if (strcmp(argv[i], "--request-10") == 0) {
      request_10 = 1;
    } else if (strcmp(argv[i], "--no-finish") == 0) {
      no_finish = 1;
    } else if (strcmp(argv[i], "--help") == 0) {
      usage(stdout);
      return 0;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      usage(stderr);
      return 2;
    } else if (path == NULL) {
      path = argv[i];
    } else {
      usage(stderr);
      return 2;
    }
  }

  respcheck_options_init(&opts);
  opts.default_request.method =
      respcheck_method_from_name(method, strlen(method));
  if (opts.default_request.method == RESPCHECK_METHOD_UNKNOWN) {
    fprintf(stderr, "oracle: unknown method %s\n", method);
    return 2;
  }
  if (request_10) {
    opts.default_request.version_major = 1;
    opts.default_request.version_minor = 0;
  }

  if (path == NULL || strcmp(path, "-") == 0) {
    in = stdin;
    path = "-";
  } else if ((in = fopen(path, "rb")) == NULL) {
    perror(path);
    return 2;
  }
  if (read_all(in, &buf, &len) != 0) {
    perror(path);
    return 2;
  }
  if (in != stdin)
    fclose(in);

  memset(&st, 0, sizeof(st));
  st.input = buf;
  st.input_len = len;
  st.cur = -1;
  memset(&cb, 0, sizeof(cb));
  cb.on_finding = on_finding;
  cb.on_head = on_head;
  cb.on_body = on_body;
  cb.on_message_end = on_message_end;
  cb.on_tunnel = on_tunnel;
  p = respcheck_parser_new(&opts, &cb, &st);
  if (p == NULL) {
    fputs("oracle: respcheck_parser_new failed\n", stderr);
    return 2;
  }
  respcheck_execute(p, buf, len);
  if (!no_finish)
    respcheck_finish(p);
  err = respcheck_parser_error(p);

  for (k = 0; k < st.finding_count; k++)
    if (st.findings[k].severity == RESPCHECK_SEVERITY_ERROR)
      errors++;

  fputs("{\"oracle\": ", stdout);
  put_cstr(respcheck_version());
  fputs(", \"input\": ", stdout);
  put_cstr(path);
  printf(", \"bytes\": %zu, \"method\": ", len);
  put_cstr(respcheck_method_name(opts.default_request.method));
  printf(", \"request_version\": \"%s\", \"verdict\": \"%s\", \"error\": ",
         request_10 ? "1.0" : "1.1", errors ? "reject" : "accept");
  if (err == RESPCHECK_E_OK) {
    fputs("null", stdout);
  } else {
    fputs("{\"errno\": ", stdout);
    put_cstr(respcheck_errno_name(err));
    fputs(", \"reason\": ", stdout);
    put_cstr(respcheck_parser_error_reason(p));
    printf(", \"offset\": %llu}",
           (unsigned long long)respcheck_parser_error_offset(p));
  }
  printf(", \"response_count\": %llu, \"in_tunnel\": %s, \"tunnel_bytes\": "
         "%llu",
         (unsigned long long)respcheck_parser_response_count(p),
         respcheck_parser_in_tunnel(p) ? "true" : "false",
         (unsigned long long)st.tunnel_bytes);
  if (st.tunnel_bytes)
    printf(", \"tunnel_offset\": %llu", (unsigned long long)st.tunnel_offset);
  fputs(",\n \"responses\": [", stdout);
  for (k = 0; k < st.resp_count; k++) {
    fputs(k ? ",\n  " : "\n  ", stdout);
    put_response(&st, k);
  }
  fputs("],\n \"findings\": [", stdout);
  for (k = 0; k < st.finding_count; k++) {
    const finding_t *f = &st.findings[k];
    fputs(k ? ",\n  " : "\n  ", stdout);
    fputs("{\"id\": ", stdout);
    put_cstr(f->id);
    printf(", \"severity\": \"%s\", \"offset\": %llu, \"response\": %llu,"
           " \"message\": ",
           respcheck_severity_name(f->severity), (unsigned long long)f->offset,
           (unsigned long long)f->response);
    put_cstr(f->message);
    putchar('}');
  }
  fputs("]}\n", stdout);

  respcheck_parser_free(p);
  for (k = 0; k < st.resp_count; k++) {
    response_t *r = &st.resp[k];
    size_t j;
    for (j = 0; j < r->field_count; j++) {
      free(r->fields[j].name);
      free(r->fields[j].value);
    }
    free(r->fields);
    free(r->reason);
    free(r->ranges);
  }
  for (k = 0; k < st.finding_count; k++)
    free(st.findings[k].message);
  free(st.resp);
  free(st.findings);
  free(buf);
  return fflush(stdout) == 0 ? 0 : 2;
}
