/*
 * The streaming parser. Two ways to read a head, with the same findings:
 *
 * - the fast path (llhttp compiled here in strict mode): llhttp reads the
 *   head where it lies and its span callbacks give the fields, checked in
 *   one pass at the empty line; it takes plain heads only (see the fast_*
 *   callbacks) and copies a head to buf only when the caller's buffer ends
 *   before the response does;
 * - the line pass (every other head, and every head with another llhttp
 *   build): the head is assembled in buf, checked line by line (RFC 9110,
 *   RFC 9112), then handed to llhttp in one piece.
 *
 * Neither the findings nor llhttp's reading depend on how the stream was
 * chunked. Bodies go to llhttp straight from the caller's buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"
#include "internal.h"
#include "llhttp.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Set by the build when llhttp is compiled here in strict mode. */
#ifndef RESPCHECK_LLHTTP_IS_STRICT
#define RESPCHECK_LLHTTP_IS_STRICT 0
#endif
#ifndef RESPCHECK_VERIFY_FAST_PATH
#define RESPCHECK_VERIFY_FAST_PATH 0
#endif

#if defined(__GNUC__)
#define RC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define RC_INLINE inline __attribute__((always_inline))
#else
#define RC_PRINTF(f, a)
#define RC_INLINE inline
#endif

/* clang-format off */
static const unsigned char token_char[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* HTAB / SP / VCHAR / obs-text: field-vchar, OWS and reason-phrase bytes. */
static const unsigned char text_char[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};
/* clang-format on */

enum fast_mode {
  FAST_OFF,     /* this head is read by the line pass */
  FAST_START,   /* the next head byte is the head's first */
  FAST_BUFFERED /* the head so far is in buf; llhttp reads on where it lies */
};

enum phase {
  PHASE_START,  /* between responses: skipping empty lines */
  PHASE_HEAD,   /* assembling a status line and header section */
  PHASE_BODY,   /* llhttp reads the content */
  PHASE_TUNNEL, /* after 101 or a CONNECT tunnel: not HTTP any more */
  PHASE_CLOSED  /* after a response that closes the connection */
};

/* Fields whose presence or value the rules need. */
enum known_field {
  KF_CONTENT_LENGTH = 1 << 0,
  KF_TRANSFER_ENCODING = 1 << 1,
  KF_CONNECTION = 1 << 2,
  KF_LOCATION = 1 << 3,
  KF_WWW_AUTHENTICATE = 1 << 4,
  KF_PROXY_AUTHENTICATE = 1 << 5,
  KF_ALLOW = 1 << 6,
  KF_CONTENT_RANGE = 1 << 7,
  KF_CONTENT_TYPE = 1 << 8,
  KF_UPGRADE = 1 << 9,
  KF_DATE = 1 << 10
};

/* The fields whose values check_field reads. */
#define KF_VALUE_READ                                                          \
  (KF_CONTENT_LENGTH | KF_TRANSFER_ENCODING | KF_CONNECTION | KF_CONTENT_TYPE)

/* The fast path keeps the indexes of that many of them; past it, it looks
 * at every field again. */
#define FAST_READ_MAX 8

/* What the syntax pass learned of a head, for the semantic pass. */
typedef struct head_facts {
  unsigned seen; /* enum known_field */
  uint64_t content_length;
  int content_length_ok; /* every Content-Length valid and equal */
  uint64_t cl_offset;    /* first Content-Length field line */
  uint64_t te_offset;    /* first Transfer-Encoding field line */
  unsigned te_codings;   /* transfer codings listed */
  int te_chunked_final;  /* chunked is the last coding */
  unsigned te_chunked_count;
  int conn_close, conn_keep_alive, conn_upgrade;
  int multipart_byteranges;
  int obs_fold;
  uint64_t code_offset; /* of the status code (or where it should be) */
  int code_misread;     /* bad spacing: llhttp's status is not the code */
} head_facts_t;

struct respcheck_parser {
  llhttp_t llh;
  llhttp_settings_t head_settings; /* while a head is fed */
  llhttp_settings_t body_settings; /* while content is fed */
  llhttp_settings_t fast_settings; /* while a head is read by the fast path */
  respcheck_options_t opts;
  respcheck_callbacks_t cb;
  void *user;
  void *owned; /* the block to free, for respcheck_parser_new */

  uint64_t offset; /* bytes fed so far */
  int phase;
  int finished;
  int closed_reported;
  respcheck_errno_t error;
  const char *error_reason;
  uint64_t error_offset;

  /* Where the buffer llhttp is reading sits in the stream. */
  const char *feed_ptr;
  uint64_t feed_abs;

  /* The current response. */
  int msg_open;
  uint64_t msg_index;
  uint64_t msg_offset;
  uint64_t responses;
  unsigned counts[4]; /* findings by severity */
  int head_delivered;
  int msg_done;       /* llhttp completed the message */
  int head_done;      /* llhttp called on_headers_complete */
  int interim;        /* the current response is a 1xx (not 101) */
  int awaiting_final; /* the last response was a 1xx */
  int have_empty;
  uint64_t empty_offset;
  int bytes_pending; /* check_line_bytes has not run on this head */
  int head_whole;    /* the head is assembled: llhttp is reading it */
  int verifying;

  /* Head assembly. */
  char *buf;
  size_t buf_len;
  size_t line_start;
  size_t nlines;
  uint64_t head_abs;
  uint32_t *line_ends; /* one past each line's LF, for nlines lines */
  respcheck_header_t *headers;
  size_t nheaders;
  head_facts_t facts;
  respcheck_response_t resp;

  /* Request contexts, a ring. */
  respcheck_request_t *queue;
  size_t q_first;
  size_t q_len;

  /* Content. */
  size_t ext_len;       /* chunk-extension bytes of the current chunk */
  size_t trailer_bytes; /* bytes of trailer fields so far */
  size_t trailer_fields;
  int tfield_started;
  int tname_bad;
  uint64_t tfield_offset;
  size_t tname_len;
  char tname[24];
  int tvalue_started;
  uint64_t tvalue_offset;
  size_t tvalue_len;

  /* The fast path (strict llhttp only): llhttp reads the head straight
   * from the caller's buffer and its span callbacks give the fields; a head
   * whose shape is not the plain one, or that llhttp refuses, is read again
   * from its start by the path above (see feed_head_fast). Offsets are from
   * the head's first byte. */
  llhttp_t llh_saved;  /* llhttp as the head began, for that re-reading */
  int fast;            /* enum fast_mode */
  int fast_bad;        /* a callback found the head's shape irregular */
  const char *fdata;   /* the buffer llhttp reads */
  size_t fold;         /* the head offset of fdata[0] */
  size_t fvalid;       /* head bytes in buf (when fold > 0) */
  const char *hbase;   /* the head's first byte, where its spans point */
  size_t f_avail;      /* bytes of the caller's buffer from the head on */
  size_t f_end;        /* offset of the end of the bytes llhttp was given */
  size_t f_reason_end; /* offset of the end of the reason phrase */
  size_t f_next;       /* offset where the next line must start, or 0 */
  respcheck_header_t *f_cur; /* the field being read */
  const char *f_name_end;    /* where its name would go on, before a value */
  unsigned f_seen;           /* enum known_field, of the fields kept */
  size_t f_nread;            /* fields whose values the rules read */
  uint32_t f_read[FAST_READ_MAX]; /* their indexes, up to FAST_READ_MAX */

  char errbuf[160];
  char msg[384];
};

/* ------------------------------------------------------------------------ */
/* Findings. */

static void RC_PRINTF(4, 5) emit(respcheck_parser_t *p, respcheck_rule_t rule,
                                 uint64_t offset, const char *fmt, ...) {
  respcheck_finding_t f;
  va_list ap;
  respcheck_severity_t sev = (respcheck_severity_t)p->opts.severity[rule];

#if RESPCHECK_VERIFY_FAST_PATH
  if (p->verifying) {
    fprintf(stderr, "respcheck: strict llhttp accepted a head where %s fires\n",
            respcheck_rule_id(rule));
    abort();
  }
#endif
  if (sev == RESPCHECK_SEVERITY_OFF)
    return;
  if (sev > RESPCHECK_SEVERITY_ERROR)
    sev = RESPCHECK_SEVERITY_ERROR;
  p->counts[sev]++;
  if (p->cb.on_finding == NULL)
    return;
  va_start(ap, fmt);
  vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
  va_end(ap);
  f.rule = rule;
  f.id = respcheck_rule_id(rule);
  f.severity = sev;
  f.offset = offset;
  f.response_index = p->msg_index;
  f.message = p->msg;
  f.reference = respcheck_rule_reference(rule);
  p->cb.on_finding(p->user, &f);
}

/* Quotes untrusted bytes for a message: printable ASCII as is, the rest as
 * \xNN, at most 40 input bytes. */
static const char *quote(char *out, size_t cap, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t i, o = 0;
  for (i = 0; i < n && i < 40 && o + 8 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
      out[o++] = (char)c;
    } else {
      out[o++] = '\\';
      out[o++] = 'x';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 15];
    }
  }
  if (i < n && o + 4 < cap) {
    memcpy(out + o, "...", 3);
    o += 3;
  }
  out[o] = '\0';
  return out;
}

static void set_error(respcheck_parser_t *p, respcheck_errno_t err,
                      uint64_t offset, const char *reason) {
  if (p->error != RESPCHECK_E_OK)
    return;
  p->error = err;
  p->error_offset = offset;
  p->error_reason = reason;
}

/* ------------------------------------------------------------------------ */
/* Message bookkeeping. */

static void open_message(respcheck_parser_t *p, uint64_t offset) {
  if (p->msg_open)
    return;
  p->msg_open = 1;
  p->msg_index = p->responses++;
  p->msg_offset = offset;
  memset(p->counts, 0, sizeof(p->counts));
  p->head_delivered = 0;
  p->msg_done = 0;
  p->head_done = 0;
  p->interim = 0;
}

static const respcheck_request_t *current_request(const respcheck_parser_t *p) {
  return p->q_len ? &p->queue[p->q_first] : &p->opts.default_request;
}

static void end_message(respcheck_parser_t *p, uint64_t end, unsigned flags) {
  respcheck_message_end_t m;
  if (!p->msg_open)
    return;
  m.index = p->msg_index;
  m.offset = p->msg_offset;
  m.end_offset = end;
  m.flags = flags | (p->head_delivered ? RESPCHECK_END_HEAD : 0u);
  m.verdict =
      p->counts[RESPCHECK_SEVERITY_ERROR] ? RESPCHECK_REJECT : RESPCHECK_ACCEPT;
  m.error_count = p->counts[RESPCHECK_SEVERITY_ERROR];
  m.warning_count = p->counts[RESPCHECK_SEVERITY_WARNING];
  m.info_count = p->counts[RESPCHECK_SEVERITY_INFO];
  /* A final response consumes its request context; a 1xx does not. */
  if (p->head_delivered && !p->interim && p->q_len) {
    p->q_first = (p->q_first + 1) % p->opts.max_pending_requests;
    p->q_len--;
  }
  p->msg_open = 0;
  if (p->cb.on_message_end)
    p->cb.on_message_end(p->user, &m);
}

/* A fatal stop: the finding has been emitted; close the message. */
static void abort_message(respcheck_parser_t *p, uint64_t end) {
  end_message(p, end, RESPCHECK_END_ABORTED);
}

/* ------------------------------------------------------------------------ */
/* The syntax pass over an assembled head (RFC 9112 2-5, RFC 9110 5). */

static uint64_t at(const respcheck_parser_t *p, size_t i) {
  return p->head_abs + i;
}

static int is_ows(char c) { return c == ' ' || c == '\t'; }

/* The index of the first byte c in d[i, n), or n. Heads are scanned line by
 * line: inline and 16 bytes at a time, it costs a few instructions a line
 * where a call to memchr costs tens. */
static inline size_t find_byte(const char *d, size_t i, size_t n, char c) {
#if defined(__SSE2__)
  const __m128i want = _mm_set1_epi8(c);
  while (i + 16 <= n) {
    __m128i block = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
    unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(block, want));
    if (m)
      return i + (size_t)__builtin_ctz(m);
    i += 16;
  }
#endif
  while (i < n && d[i] != c)
    i++;
  return i;
}

/* Inside a list value, an obs-fold's CR LF counts as whitespace too: it is
 * read as SP (RFC 9112 5.2). A bare CR is reported on its own. */
static int is_lws(char c) { return is_ows(c) || c == '\r' || c == '\n'; }

/* 0x20 in the bytes of the word that are lower-case letters (any byte from
 * 0x61 to 0x7f, so the literals below hold none of "{|}~"). */
static uint64_t letter_bits(uint64_t lit) {
  return ((lit + 0x1f1f1f1f1f1f1f1fu) & 0x8080808080808080u) >> 2;
}

/* s[0, len) equals the literal l (lower-case letters, digits and
 * punctuation), ignoring the case of letters: a word at a time, OR-ing
 * 0x20 into the bytes where l has a letter (which maps exactly the two
 * cases of that letter to it). */
static int lit_is(const char *s, const char *l, size_t len) {
  uint64_t a = 0, b = 0;
  size_t i;
  if (len < 8) {
    memcpy(&a, s, len);
    memcpy(&b, l, len);
    return (a | letter_bits(b)) == b;
  }
  for (i = 0; i + 8 < len; i += 8) {
    memcpy(&a, s + i, 8);
    memcpy(&b, l + i, 8);
    if ((a | letter_bits(b)) != b)
      return 0;
  }
  memcpy(&a, s + len - 8, 8);
  memcpy(&b, l + len - 8, 8);
  return (a | letter_bits(b)) == b;
}

/* The same, with the lengths compared first. */
static int span_is(const char *s, size_t n, const char *l, size_t len) {
  return n == len && lit_is(s, l, len);
}

static RC_INLINE enum known_field classify(const char *n, size_t len) {
  switch (len) {
  case 4:
    return lit_is(n, "date", len) ? KF_DATE : 0;
  case 5:
    return lit_is(n, "allow", len) ? KF_ALLOW : 0;
  case 7:
    return lit_is(n, "upgrade", len) ? KF_UPGRADE : 0;
  case 8:
    return lit_is(n, "location", len) ? KF_LOCATION : 0;
  case 10:
    return lit_is(n, "connection", len) ? KF_CONNECTION : 0;
  case 12:
    return lit_is(n, "content-type", len) ? KF_CONTENT_TYPE : 0;
  case 13:
    return lit_is(n, "content-range", len) ? KF_CONTENT_RANGE : 0;
  case 14:
    return lit_is(n, "content-length", len) ? KF_CONTENT_LENGTH : 0;
  case 16:
    return lit_is(n, "www-authenticate", len) ? KF_WWW_AUTHENTICATE : 0;
  case 17:
    return lit_is(n, "transfer-encoding", len) ? KF_TRANSFER_ENCODING : 0;
  case 18:
    return lit_is(n, "proxy-authenticate", len) ? KF_PROXY_AUTHENTICATE : 0;
  default:
    return 0;
  }
}

/* Content-Length = 1*DIGIT (RFC 9110 8.6). */
static void check_content_length(respcheck_parser_t *p, const char *v, size_t n,
                                 uint64_t off) {
  head_facts_t *f = &p->facts;
  uint64_t value = 0;
  size_t i;
  char q[200];
  int ok = n > 0;

  for (i = 0; ok && i < n; i++) {
    unsigned d = (unsigned)((unsigned char)v[i] - '0');
    if (d > 9 || value > (UINT64_MAX - d) / 10)
      ok = 0;
    else
      value = value * 10 + d;
  }
  if (!ok) {
    emit(p, RESPCHECK_RULE_CONTENT_LENGTH_INVALID, off,
         "Content-Length \"%s\" is not a decimal number",
         quote(q, sizeof(q), v, n));
    f->content_length_ok = 0;
  } else if (f->seen & KF_CONTENT_LENGTH) {
    if (f->content_length_ok && value != f->content_length) {
      emit(p, RESPCHECK_RULE_CONTENT_LENGTH_INVALID, off,
           "Content-Length %llu differs from the earlier %llu",
           (unsigned long long)value, (unsigned long long)f->content_length);
      f->content_length_ok = 0;
    }
  } else {
    f->content_length = value;
    f->content_length_ok = 1;
    f->cl_offset = off;
  }
}

/* Transfer-Encoding = #transfer-coding (RFC 9112 6.1, RFC 9110 5.6.1):
 * empty list elements are allowed and ignored. */
static void check_transfer_encoding(respcheck_parser_t *p, const char *v,
                                    size_t n, uint64_t off) {
  head_facts_t *f = &p->facts;
  size_t i = 0;
  char q[200];
  int bad = 0, twice = 0;

  if (!(f->seen & KF_TRANSFER_ENCODING))
    f->te_offset = off;
  while (i <= n) {
    size_t s, e, name_end;
    while (i < n && is_lws(v[i]))
      i++;
    s = i;
    while (i < n && v[i] != ',')
      i++;
    e = i;
    while (e > s && is_lws(v[e - 1]))
      e--;
    i++; /* past the comma */
    if (e == s)
      continue;
    name_end = s;
    while (name_end < e && token_char[(unsigned char)v[name_end]])
      name_end++;
    if (name_end == s) {
      bad = 1;
      continue;
    }
    if (name_end < e) {
      size_t k = name_end;
      while (k < e && is_lws(v[k]))
        k++;
      if (k == e || v[k] != ';')
        bad = 1;
      else if (span_is(v + s, name_end - s, "chunked", 7))
        bad = 1; /* chunked takes no parameters (RFC 9112 7) */
    }
    f->te_codings++;
    if (span_is(v + s, name_end - s, "chunked", 7)) {
      /* "A sender MUST NOT apply the chunked transfer coding more than
       * once to a message body" (RFC 9112 6.1). */
      if (++f->te_chunked_count == 2)
        twice = 1;
      f->te_chunked_final = 1;
    } else {
      f->te_chunked_final = 0;
    }
  }
  if (bad)
    emit(p, RESPCHECK_RULE_TRANSFER_ENCODING_INVALID, off,
         "Transfer-Encoding \"%s\" is not a list of transfer codings",
         quote(q, sizeof(q), v, n));
  if (twice)
    emit(p, RESPCHECK_RULE_TRANSFER_ENCODING_INVALID, off,
         "chunked is applied more than once");
}

/* Connection = #connection-option (RFC 9110 7.6.1). */
static void check_connection(respcheck_parser_t *p, const char *v, size_t n) {
  size_t i = 0;
  if (span_is(v, n, "keep-alive", 10)) { /* the usual value, alone */
    p->facts.conn_keep_alive = 1;
    return;
  }
  while (i < n) {
    size_t s, e;
    while (i < n && (is_lws(v[i]) || v[i] == ','))
      i++;
    s = i;
    while (i < n && v[i] != ',')
      i++;
    e = i;
    while (e > s && is_lws(v[e - 1]))
      e--;
    if (span_is(v + s, e - s, "close", 5))
      p->facts.conn_close = 1;
    else if (span_is(v + s, e - s, "keep-alive", 10))
      p->facts.conn_keep_alive = 1;
    else if (span_is(v + s, e - s, "upgrade", 7))
      p->facts.conn_upgrade = 1;
  }
}

static void check_content_type(respcheck_parser_t *p, const char *v, size_t n) {
  static const char mb[] = "multipart/byteranges";
  size_t k = sizeof(mb) - 1;
  if (n >= k && lit_is(v, mb, k) && (n == k || is_ows(v[k]) || v[k] == ';'))
    p->facts.multipart_byteranges = 1;
}

/* status-line = HTTP-version SP status-code SP [ reason-phrase ]
 * (RFC 9112 4). The shape llhttp itself refuses ("HTTP/" and the version
 * digits) is left to it. */
static void check_status_line(respcheck_parser_t *p, size_t end) {
  const char *s = p->buf;
  head_facts_t *f = &p->facts;
  size_t i = 8, nsp = 0, nd = 0, rs;
  char q[200];

  f->code_offset = at(p, 9);
  if (end < 8 || memcmp(s, "HTTP/", 5) != 0 || s[5] < '0' || s[5] > '9' ||
      s[6] != '.' || s[7] < '0' || s[7] > '9')
    return;
  /* HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 2.3); checked here on
   * the raw bytes, before llhttp accepts or refuses them. */
  if (s[5] != '1')
    emit(p, RESPCHECK_RULE_VERSION_INVALID, at(p, 5),
         "HTTP/%c.%c is not HTTP/1.x", s[5], s[7]);
  else if (s[7] > '1')
    emit(p, RESPCHECK_RULE_VERSION_UNKNOWN_MINOR, at(p, 7),
         "HTTP/1.%c: a recipient treats it as HTTP/1.1", s[7]);
  while (i < end && (s[i] == ' ' || s[i] == '\t')) {
    i++;
    nsp++;
  }
  f->code_offset = at(p, i);
  if (nsp != 1 || s[8] != ' ') {
    emit(p, RESPCHECK_RULE_STATUS_LINE_SYNTAX, at(p, 8),
         "expected one SP between HTTP-version and status-code");
    f->code_misread = 1;
  }
  while (i + nd < end && s[i + nd] >= '0' && s[i + nd] <= '9')
    nd++;
  if (nd != 3)
    emit(p, RESPCHECK_RULE_STATUS_CODE_SYNTAX, at(p, i),
         "status code has %zu digits; it must be exactly 3", nd);
  i += nd;
  if (i == end) {
    /* "A server MUST send the space that separates the status-code from
     * the reason-phrase even when the reason-phrase is absent." */
    emit(p, RESPCHECK_RULE_STATUS_LINE_SYNTAX, at(p, i),
         "no SP after the status code (required even without a reason)");
    p->resp.reason.ptr = s + i;
    p->resp.reason.len = 0;
    return;
  }
  if (s[i] != ' ') {
    emit(p, RESPCHECK_RULE_STATUS_CODE_SYNTAX, at(p, i),
         "byte \"%s\" after the status code where SP belongs",
         quote(q, sizeof(q), s + i, 1));
    return;
  }
  rs = ++i;
  for (; i < end; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!text_char[c] && c != '\r') {
      emit(p, RESPCHECK_RULE_REASON_PHRASE_INVALID, at(p, i),
           "control byte \"%s\" in the reason phrase",
           quote(q, sizeof(q), s + i, 1));
      break;
    }
  }
  p->resp.reason.ptr = s + rs;
  p->resp.reason.len = end - rs;
  if (end - rs > p->opts.max_reason_length)
    emit(p, RESPCHECK_RULE_REASON_PHRASE_TOO_LONG,
         at(p, rs + p->opts.max_reason_length),
         "reason phrase of %zu bytes exceeds the limit of %zu", end - rs,
         p->opts.max_reason_length);
}

/* Validates one value's bytes; reports the first bad one. */
/* 1 when one of the 8 bytes is a control (below 0x20, or 0x7f): the
 * "has less than" and "has zero" word tricks; bytes >= 0x80 never match. */
static int has_ctl8(uint64_t x) {
  const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  uint64_t del = x ^ (ones * 0x7f);
  return (((x - ones * 0x20) & ~x) | ((del - ones) & ~del)) & highs ? 1 : 0;
}

/* Validates a value's bytes (RFC 9110 5.5; a CR is bare here, RFC 9112
 * 2.2); reports the first of each kind. Eight bytes at a time: values are
 * most of a head, and almost never hold a control byte (HTAB aside). */
static void check_value_bytes(respcheck_parser_t *p, size_t s, size_t e) {
  const unsigned char *v = (const unsigned char *)p->buf;
  size_t i = s;
  int cr = 0, ctl = 0;
  char q[16];

  while (i < e) {
    size_t stop = i + 8;
    if (stop <= e) {
      uint64_t x;
      memcpy(&x, v + i, 8);
      if (!has_ctl8(x)) {
        i = stop;
        continue;
      }
    } else {
      stop = e;
    }
    for (; i < stop; i++) {
      unsigned char c = v[i];
      if (text_char[c])
        continue;
      if (c == '\r') {
        if (!cr)
          emit(p, RESPCHECK_RULE_BARE_CR, at(p, i), "CR not followed by LF");
        cr = 1;
      } else if (!ctl) {
        emit(p, RESPCHECK_RULE_HEADER_VALUE_INVALID, at(p, i),
             "control byte \"%s\" in a field value",
             quote(q, sizeof(q), (const char *)v + i, 1));
        ctl = 1;
      }
    }
  }
}

/* A bare CR anywhere in [s, e), for the lines that are not field lines. */
static void check_bare_cr(respcheck_parser_t *p, size_t s, size_t e) {
  const char *cr = memchr(p->buf + s, '\r', e - s);
  if (cr)
    emit(p, RESPCHECK_RULE_BARE_CR, at(p, (size_t)(cr - p->buf)),
         "CR not followed by LF");
}

/* The rare field name that is not a plain token (RFC 9110 5.1): a bare
 * CR, whitespace before the colon, or another byte. c is the colon. */
static void check_odd_name(respcheck_parser_t *p, size_t s, size_t c) {
  char *b = p->buf;
  size_t i;
  char q[200];

  check_bare_cr(p, s, c);
  if (c > s && is_ows(b[c - 1])) {
    /* "No whitespace is allowed between the field name and colon"
     * (RFC 9112 5.1): it has served request smuggling. */
    emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, at(p, c - 1),
         "whitespace between the field name \"%s\" and the colon",
         quote(q, sizeof(q), b + s, c - s));
    return;
  }
  for (i = s; i < c; i++) {
    if (!token_char[(unsigned char)b[i]] && b[i] != '\r') {
      emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, at(p, i),
           "byte \"%s\" is not allowed in the field name \"%s\"",
           quote(q, 16, b + i, 1), quote(q + 16, sizeof(q) - 16, b + s, c - s));
      break;
    }
  }
}

/*
 * The byte-level checks of the field lines: names are tokens, values hold
 * no control byte, no bare CR (RFC 9110 5.1, 5.5; RFC 9112 2.2). llhttp in
 * strict mode refuses every head where one of these fires, so with it they
 * run only to explain a refusal; otherwise they run on every head.
 */
static void check_line_bytes(respcheck_parser_t *p) {
  const char *b = p->buf;
  size_t line, ls = p->line_ends[0];
  for (line = 1; line < p->nlines; line++) {
    size_t e = p->line_ends[line] - 1, ce = e;
    if (ce > ls && b[ce - 1] == '\r')
      ce--;
    if (is_ows(b[ls])) {
      check_value_bytes(p, ls, ce); /* an obs-fold, or ignored whitespace */
    } else {
      const char *colon = memchr(b + ls, ':', ce - ls);
      size_t c = colon ? (size_t)(colon - b) : ce, i = ls, vs, ve;
      while (i < c && token_char[(unsigned char)b[i]])
        i++;
      if (colon == NULL) {
        check_bare_cr(p, ls, ce);
      } else {
        if (i < c)
          check_odd_name(p, ls, c);
        vs = c + 1;
        ve = ce;
        while (vs < ve && is_ows(b[vs]))
          vs++;
        while (ve > vs && is_ows(b[ve - 1]))
          ve--;
        check_value_bytes(p, vs, ve);
      }
    }
    ls = e + 1;
  }
}

/* A field line's shape: name, colon, value without its surrounding
 * whitespace (RFC 9112 5). The bytes themselves are checked by
 * check_line_bytes. */
static void check_field_line(respcheck_parser_t *p, size_t s, size_t e) {
  char *b = p->buf;
  size_t c = find_byte(b, s, e, ':'), vs, ve;
  respcheck_header_t *h;
  char q[200];

  if (c == e) {
    emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, at(p, s),
         "field line \"%s\" has no colon", quote(q, sizeof(q), b + s, e - s));
    return;
  }
  if (c == s)
    emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, at(p, s), "empty field name");
  vs = c + 1;
  ve = e;
  while (vs < ve && is_ows(b[vs]))
    vs++;
  while (ve > vs && is_ows(b[ve - 1]))
    ve--;
  h = &p->headers[p->nheaders++];
  h->name.ptr = b + s;
  h->name.len = c - s;
  h->value.ptr = b + vs;
  h->value.len = ve - vs;
  h->offset = at(p, s);
}

/* An obs-fold line continues the previous field's value (RFC 9112 5.2). */
static void check_fold_line(respcheck_parser_t *p, size_t s, size_t e) {
  respcheck_header_t *h = &p->headers[p->nheaders - 1];
  size_t ve = e;
  char q[200];
  if (!p->facts.obs_fold)
    emit(p, RESPCHECK_RULE_OBS_FOLD, at(p, s),
         "obsolete line folding continues the field \"%s\"",
         quote(q, sizeof(q), h->name.ptr, h->name.len));
  p->facts.obs_fold = 1;
  while (ve > s && is_ows(p->buf[ve - 1]))
    ve--;
  if (ve > s) {
    size_t vs = s;
    while (vs < ve && is_ows(p->buf[vs]))
      vs++;
    if (h->value.len == 0)
      h->value.ptr = p->buf + vs;
    h->value.len = (size_t)(p->buf + ve - h->value.ptr);
  }
}

/* One field whose value the rules read. */
static void check_field(respcheck_parser_t *p, const respcheck_header_t *h,
                        enum known_field kf) {
  switch (kf) {
  case KF_CONTENT_LENGTH:
    check_content_length(p, h->value.ptr, h->value.len, h->offset);
    break;
  case KF_TRANSFER_ENCODING:
    check_transfer_encoding(p, h->value.ptr, h->value.len, h->offset);
    break;
  case KF_CONNECTION:
    check_connection(p, h->value.ptr, h->value.len);
    break;
  case KF_CONTENT_TYPE:
    check_content_type(p, h->value.ptr, h->value.len);
    break;
  default:
    break;
  }
}

/* The fields the rules read, once obs-folds have joined their lines. */
static void check_known_fields(respcheck_parser_t *p) {
  size_t i;
  for (i = 0; i < p->nheaders; i++) {
    const respcheck_header_t *h = &p->headers[i];
    enum known_field kf = classify(h->name.ptr, h->name.len);
    check_field(p, h, kf);
    p->facts.seen |= (unsigned)kf;
  }
}

/* The lines of an assembled head: status line, field lines, obs-folds. */
static void check_head_lines(respcheck_parser_t *p) {
  const char *b = p->buf;
  size_t n = p->buf_len, ls = 0, line;
  int bare_lf = 0;
  char q[200];

  memset(&p->facts, 0, sizeof(p->facts));
  p->nheaders = 0;
  p->resp.reason.ptr = b;
  p->resp.reason.len = 0;

  /* feed_head found the line ends already; the head's last line is the
   * empty one. */
  for (line = 0; line <= p->nlines; line++) {
    size_t e = line < p->nlines ? p->line_ends[line] - 1 : n - 1, ce = e;
    if (ce > ls && b[ce - 1] == '\r')
      ce--;
    else if (!bare_lf) {
      emit(p, RESPCHECK_RULE_BARE_LF, at(p, e),
           "line ends with LF without CR (first such line)");
      bare_lf = 1;
    }
    /* "A sender MUST NOT generate a bare CR ... A recipient of such a bare
     * CR MUST consider that element to be invalid" (RFC 9112 2.2): field
     * lines are searched for one as their bytes are checked. */
    if (line == 0) {
      check_bare_cr(p, ls, ce);
      check_status_line(p, ce);
    } else if (ce == ls) {
      break; /* the empty line that ends the head */
    } else if (is_ows(b[ls])) {
      if (p->nheaders == 0) {
        /* RFC 9112 2.2: such lines are consumed without processing. */
        emit(p, RESPCHECK_RULE_WHITESPACE_BEFORE_FIELD, at(p, ls),
             "line \"%s\" starts with whitespace after the status line",
             quote(q, sizeof(q), b + ls, ce - ls));
      } else {
        check_fold_line(p, ls, ce);
      }
    } else {
      check_field_line(p, ls, ce);
    }
    ls = e + 1;
  }
}

/* What the field lines say of framing. */
static void check_framing_fields(respcheck_parser_t *p) {
  if ((p->facts.seen & KF_TRANSFER_ENCODING) && p->facts.te_codings == 0)
    emit(p, RESPCHECK_RULE_TRANSFER_ENCODING_INVALID, p->facts.te_offset,
         "Transfer-Encoding lists no transfer coding");
  if ((p->facts.seen & KF_CONTENT_LENGTH) &&
      (p->facts.seen & KF_TRANSFER_ENCODING))
    emit(p, RESPCHECK_RULE_FRAMING_CONFLICT,
         p->facts.cl_offset > p->facts.te_offset ? p->facts.cl_offset
                                                 : p->facts.te_offset,
         "Content-Length and Transfer-Encoding in one response");
}

/* ------------------------------------------------------------------------ */
/* The semantic pass, once llhttp has read the head (its status and version
 * are the ones the stream will be framed by). */

static int is_1xx(int status) { return status >= 100 && status <= 199; }

static void check_head_semantics(respcheck_parser_t *p) {
  const head_facts_t *f = &p->facts;
  const respcheck_request_t *req = current_request(p);
  respcheck_response_t *r = &p->resp;
  int st = r->status;
  uint64_t head = p->head_abs;
  const respcheck_status_info_t *info = r->info;
  char q[200];

  if (f->code_misread) {
    /* status-line-syntax said it: llhttp's number is not the code sent. */
  } else if (st < 100 || st > 599) {
    emit(p, RESPCHECK_RULE_STATUS_CLASS_INVALID, f->code_offset,
         "status code %d is outside 100-599; handled as 500", st);
  } else if (info == NULL) {
    if (st / 100 == 3)
      emit(p, RESPCHECK_RULE_STATUS_UNREGISTERED, f->code_offset,
           "status code %d is not registered; handled as 300 Multiple "
           "Choices (RFC 1945 9.3)",
           st);
    else
      emit(p, RESPCHECK_RULE_STATUS_UNREGISTERED, f->code_offset,
           "status code %d is not registered; handled as %d", st,
           r->effective_status);
  } else {
    switch (info->state) {
    case RESPCHECK_STATUS_RESERVED:
      emit(p, RESPCHECK_RULE_STATUS_RESERVED, f->code_offset,
           "status code %d is reserved (unused); handled as %d", st,
           r->effective_status);
      break;
    case RESPCHECK_STATUS_TEMPORARY:
      emit(p, RESPCHECK_RULE_STATUS_TEMPORARY, f->code_offset,
           "status code %d is a temporary registration expiring %s", st,
           info->expires ? info->expires : "(unknown)");
      break;
    case RESPCHECK_STATUS_DEPRECATED:
      emit(p, RESPCHECK_RULE_STATUS_DEPRECATED, f->code_offset,
           "status code %d is deprecated", st);
      break;
    case RESPCHECK_STATUS_OBSOLETED:
      emit(p, RESPCHECK_RULE_STATUS_OBSOLETED, f->code_offset,
           "status code %d is marked obsoleted", st);
      break;
    default:
      break;
    }
    if (r->reason.len && info->state != RESPCHECK_STATUS_RESERVED &&
        !respcheck__phrase_matches(info, r->reason.ptr, r->reason.len))
      emit(p, RESPCHECK_RULE_REASON_PHRASE_MISMATCH,
           (uint64_t)(r->reason.ptr - p->hbase) + head,
           "reason \"%s\" for %d; the registered phrase is \"%s\"",
           quote(q, sizeof(q), r->reason.ptr, r->reason.len), st, info->phrase);
  }

  if (is_1xx(st)) {
    /* RFC 1945 9.1: HTTP/1.0 defines no 1xx; RFC 9110 15.2: "a server
     * MUST NOT send a 1xx response to an HTTP/1.0 client". */
    int v10 = r->version_major == 1 && r->version_minor == 0;
    int req10 = req->version_major == 1 && req->version_minor == 0;
    if (v10 || req10)
      emit(p, RESPCHECK_RULE_STATUS_1XX_HTTP10, f->code_offset,
           "%d response %s", st,
           v10 ? "in HTTP/1.0" : "to an HTTP/1.0 request");
  }
  /* RFC 9110 8.6 and RFC 9112 6.1: neither field in a 1xx, a 204, or a
   * 2xx to CONNECT. */
  if (is_1xx(st) || st == 204 ||
      (req->method == RESPCHECK_METHOD_CONNECT && st >= 200 && st <= 299)) {
    const char *to = st >= 200 && st != 204 ? " to CONNECT" : "";
    if (f->seen & KF_CONTENT_LENGTH)
      emit(p, RESPCHECK_RULE_CONTENT_LENGTH_FORBIDDEN, f->cl_offset,
           "Content-Length in a %d response%s", st, to);
    if (f->seen & KF_TRANSFER_ENCODING)
      emit(p, RESPCHECK_RULE_TRANSFER_ENCODING_FORBIDDEN, f->te_offset,
           "Transfer-Encoding in a %d response%s", st, to);
  }
  if (f->seen & KF_TRANSFER_ENCODING) {
    /* RFC 9112 6.1: a recipient of an HTTP/1.0 message with
     * Transfer-Encoding "MUST treat the message as if the framing is
     * faulty"; a server MUST NOT send it unless the request was HTTP/1.1. */
    if (r->version_major == 1 && r->version_minor == 0)
      emit(p, RESPCHECK_RULE_TRANSFER_ENCODING_HTTP10, f->te_offset,
           "Transfer-Encoding in an HTTP/1.0 response: framing is faulty");
    else if (req->version_major == 1 && req->version_minor == 0)
      emit(p, RESPCHECK_RULE_TRANSFER_ENCODING_HTTP10, f->te_offset,
           "Transfer-Encoding in a response to an HTTP/1.0 request");
  }
  if (st == 205 && ((f->seen & KF_TRANSFER_ENCODING) ||
                    (f->content_length_ok && f->content_length > 0)))
    emit(p, RESPCHECK_RULE_CONTENT_FORBIDDEN, f->code_offset,
         "205 response with content");

  switch (st) {
  case 301:
  case 302:
  case 303:
  case 307:
  case 308:
    if (!(f->seen & KF_LOCATION))
      emit(p, RESPCHECK_RULE_LOCATION_MISSING, f->code_offset,
           "%d response without Location", st);
    break;
  case 401:
    if (!(f->seen & KF_WWW_AUTHENTICATE))
      emit(p, RESPCHECK_RULE_WWW_AUTHENTICATE_MISSING, f->code_offset,
           "401 response without WWW-Authenticate");
    break;
  case 407:
    if (!(f->seen & KF_PROXY_AUTHENTICATE))
      emit(p, RESPCHECK_RULE_PROXY_AUTHENTICATE_MISSING, f->code_offset,
           "407 response without Proxy-Authenticate");
    break;
  case 405:
    if (!(f->seen & KF_ALLOW))
      emit(p, RESPCHECK_RULE_ALLOW_MISSING, f->code_offset,
           "405 response without Allow");
    break;
  case 206:
    if (!(f->seen & KF_CONTENT_RANGE) && !f->multipart_byteranges)
      emit(p, RESPCHECK_RULE_CONTENT_RANGE_MISSING, f->code_offset,
           "206 response without Content-Range or multipart/byteranges");
    break;
  case 101:
  case 426:
    if (!(f->seen & KF_UPGRADE))
      emit(p, RESPCHECK_RULE_UPGRADE_MISSING, f->code_offset,
           "%d response without Upgrade", st);
    break;
  default:
    break;
  }
  if (st >= 200 && st <= 499 && !(f->seen & KF_DATE))
    emit(p, RESPCHECK_RULE_DATE_MISSING, f->code_offset,
         "%d response without Date", st);
}

/* How the response is framed (RFC 9112 6.3), and whether the connection
 * persists after it (RFC 9112 9.3). */
static unsigned decide_framing(respcheck_parser_t *p) {
  const head_facts_t *f = &p->facts;
  const respcheck_request_t *req = current_request(p);
  const respcheck_response_t *r = &p->resp;
  int st = r->status;
  unsigned fr = 0;
  int v10 = r->version_major == 1 && r->version_minor == 0;

  if (st == 101)
    return RESPCHECK_FRAMING_UPGRADE | RESPCHECK_FRAMING_NO_BODY;
  if (req->method == RESPCHECK_METHOD_CONNECT && st >= 200 && st <= 299)
    return RESPCHECK_FRAMING_TUNNEL | RESPCHECK_FRAMING_NO_BODY;
  if (is_1xx(st))
    return RESPCHECK_FRAMING_NO_BODY | RESPCHECK_FRAMING_KEEP_ALIVE;
  if (st == 204 || st == 304 || req->method == RESPCHECK_METHOD_HEAD)
    fr = RESPCHECK_FRAMING_NO_BODY;
  else if ((f->seen & KF_TRANSFER_ENCODING) && f->te_codings)
    fr = f->te_chunked_final ? RESPCHECK_FRAMING_CHUNKED
                             : RESPCHECK_FRAMING_CLOSE_DELIMITED;
  else if ((f->seen & KF_CONTENT_LENGTH) && f->content_length_ok)
    fr = RESPCHECK_FRAMING_CONTENT_LENGTH;
  else
    fr = RESPCHECK_FRAMING_CLOSE_DELIMITED;

  if (!(fr & RESPCHECK_FRAMING_CLOSE_DELIMITED) && !f->conn_close &&
      (v10 ? f->conn_keep_alive : r->version_major == 1) &&
      !(v10 && (f->seen & KF_TRANSFER_ENCODING)))
    fr |= RESPCHECK_FRAMING_KEEP_ALIVE;
  return fr;
}

/* Where llhttp frames the content otherwise than RFC 9112 6.3 does, the
 * two would read different responses from the rest of the stream. */
static int check_tokenizer_framing(respcheck_parser_t *p, unsigned fr) {
  unsigned flags = p->llh.flags;
  int ll_chunked = (flags & F_CHUNKED) != 0;
  int ll_cl = (flags & F_CONTENT_LENGTH) != 0;
  int ours_chunked = (fr & RESPCHECK_FRAMING_CHUNKED) != 0;
  int ours_cl = (fr & RESPCHECK_FRAMING_CONTENT_LENGTH) != 0;

  if (fr & RESPCHECK_FRAMING_NO_BODY)
    return 0;
  if (ll_chunked == ours_chunked && (ll_chunked || ll_cl == ours_cl))
    return 0;
  emit(p, RESPCHECK_RULE_TRANSFER_ENCODING_INVALID,
       p->facts.seen & KF_TRANSFER_ENCODING ? p->facts.te_offset : p->head_abs,
       "llhttp frames this body as %s but RFC 9112 6.3 reads %s",
       ll_chunked ? "chunked"
       : ll_cl    ? "Content-Length"
                  : "close-delimited",
       ours_chunked ? "chunked"
       : ours_cl    ? "Content-Length"
                    : "close-delimited");
  return 1;
}

/* Shows an obs-fold as spaces, as a recipient must (RFC 9112 5.2); done
 * after llhttp has read the bytes. */
static void unfold(respcheck_parser_t *p) {
  size_t i;
  for (i = 0; i < p->nheaders; i++) {
    char *v = p->buf + (p->headers[i].value.ptr - p->buf);
    size_t k;
    for (k = 0; k < p->headers[i].value.len; k++) {
      if (v[k] == '\r' || v[k] == '\n')
        v[k] = ' ';
    }
  }
}

/* ------------------------------------------------------------------------ */
/* llhttp callbacks. */

static const char head_mismatch[] =
    "llhttp ended the header section at another place than the empty line";

static respcheck_parser_t *from_llhttp(llhttp_t *l) {
  return (respcheck_parser_t *)l->data;
}

static uint64_t feed_offset(const respcheck_parser_t *p, const char *ptr) {
  return p->feed_abs + (uint64_t)(ptr - p->feed_ptr);
}

/* The spans read so far (and the reason, once set) point into to, where a
 * copy of the head's bytes is, instead of hbase. */
static void fast_rebase(respcheck_parser_t *p, const char *to,
                        int with_reason) {
  const char *from = p->hbase;
  respcheck_header_t *h = p->headers, *last = h + p->nheaders;
  for (; h < last; h++) {
    h->name.ptr = to + (h->name.ptr - from);
    if (h->value.ptr != NULL)
      h->value.ptr = to + (h->value.ptr - from);
  }
  if (p->f_name_end != NULL)
    p->f_name_end = to + (p->f_name_end - from);
  if (with_reason)
    p->resp.reason.ptr = to + (p->resp.reason.ptr - from);
  p->hbase = to;
}

/* The head, read where it lay, goes to buf with its spans: the caller's
 * buffer may not outlive the response. */
static void fast_keep_head(respcheck_parser_t *p) {
  if (p->hbase != p->buf) {
    memcpy(p->buf, p->hbase, p->buf_len);
    fast_rebase(p, p->buf, 1);
  }
}

/* The head is read, and its lines checked: the semantic checks, the
 * framing decision, and on_head. Returns what on_headers_complete does. */
static int head_complete(respcheck_parser_t *p, llhttp_t *l) {
  respcheck_response_t *r = &p->resp;
  unsigned fr;
  int desync;

  p->head_done = 1;
  if (p->bytes_pending) {
    p->bytes_pending = 0;
#if RESPCHECK_VERIFY_FAST_PATH
    /* Strict llhttp accepted the head, so the byte checks must find
     * nothing: a finding here is a bug, and stops the process. */
    p->verifying = 1;
    check_line_bytes(p);
    p->verifying = 0;
#endif
  }
  r->index = p->msg_index;
  r->offset = p->head_abs;
  r->head_length = p->buf_len;
  r->version_major = l->http_major;
  r->version_minor = l->http_minor;
  r->status = l->status_code;
  r->info = respcheck_status_lookup(r->status);
  r->effective_status = respcheck__status_effective(r->status, r->info);
  r->headers = p->headers;
  r->header_count = p->nheaders;
  r->request = *current_request(p);

  check_head_semantics(p);
  fr = decide_framing(p);
  /* A head read where it lay stays there only if the response ends in the
   * same call: its spans must outlive on_head, up to on_message_end. */
  if (p->hbase != p->buf &&
      !((fr & RESPCHECK_FRAMING_NO_BODY) ||
        ((fr & RESPCHECK_FRAMING_CONTENT_LENGTH) &&
         p->facts.content_length <= p->f_avail - p->buf_len)))
    fast_keep_head(p);
  desync = check_tokenizer_framing(p, fr);
  if (p->facts.obs_fold)
    unfold(p);
  r->framing = fr;
  r->content_length =
      (fr & RESPCHECK_FRAMING_CONTENT_LENGTH) ? p->facts.content_length : 0;
  r->verdict =
      p->counts[RESPCHECK_SEVERITY_ERROR] ? RESPCHECK_REJECT : RESPCHECK_ACCEPT;
  p->interim = is_1xx(r->status) && r->status != 101;
  p->head_delivered = 1;
  p->ext_len = 0;
  p->trailer_bytes = 0;
  p->trailer_fields = 0;
  p->tfield_started = 0;
  p->tvalue_started = 0;
  p->tvalue_len = 0;
  l->settings = &p->body_settings;
  if (p->cb.on_head && p->cb.on_head(p->user, r) != 0) {
    set_error(p, RESPCHECK_E_CALLBACK, p->head_abs + p->buf_len,
              "on_head asked to stop");
    return -1;
  }
  if (desync) {
    /* llhttp would read the content, and every response after it, in
     * another place than the RFC: nothing after this head can be read. */
    set_error(p, RESPCHECK_E_FRAMING, p->head_abs + p->buf_len,
              "llhttp frames the content otherwise than RFC 9112 6.3");
    return -1;
  }
  if (fr & (RESPCHECK_FRAMING_UPGRADE | RESPCHECK_FRAMING_TUNNEL))
    return 2;
  return (fr & RESPCHECK_FRAMING_NO_BODY) ? 1 : 0;
}

static int on_headers_complete(llhttp_t *l) {
  return head_complete(from_llhttp(l), l);
}

static int on_message_complete(llhttp_t *l) {
  respcheck_parser_t *p = from_llhttp(l);
  p->msg_done = 1;
  /* Pause so that the message's end offset is known (the error position);
   * an upgrade pauses by itself. */
  return l->upgrade ? 0 : HPE_PAUSED;
}

/* llhttp in loose mode can end a head before its empty line (after a bare
 * CR): the rest of the head would then be read as content. */
static int head_overrun(respcheck_parser_t *p, const char *at) {
  if (p->phase != PHASE_HEAD)
    return 0;
  set_error(p, RESPCHECK_E_PARSE, feed_offset(p, at), head_mismatch);
  emit(p, RESPCHECK_RULE_PARSE_ERROR, p->error_offset, "%s", head_mismatch);
  return 1;
}

static int on_body(llhttp_t *l, const char *data, size_t len) {
  respcheck_parser_t *p = from_llhttp(l);
  if (head_overrun(p, data))
    return -1;
  if (p->cb.on_body && p->cb.on_body(p->user, data, len) != 0) {
    set_error(p, RESPCHECK_E_CALLBACK, feed_offset(p, data),
              "on_body asked to stop");
    return -1;
  }
  return 0;
}

static int on_chunk_extension(llhttp_t *l, const char *data, size_t len) {
  respcheck_parser_t *p = from_llhttp(l);
  size_t max = p->opts.max_chunk_extension;
  if (len > max - p->ext_len) {
    uint64_t off = feed_offset(p, data) + (max - p->ext_len);
    emit(p, RESPCHECK_RULE_CHUNK_EXTENSION_TOO_LONG, off,
         "chunk extensions longer than the limit of %zu bytes", max);
    set_error(p, RESPCHECK_E_LIMIT, off, "chunk extension too long");
    return -1;
  }
  p->ext_len += len;
  return 0;
}

static int on_chunk_header(llhttp_t *l) {
  respcheck_parser_t *p = from_llhttp(l);
  if (p->phase == PHASE_HEAD) {
    set_error(p, RESPCHECK_E_PARSE, p->head_abs, head_mismatch);
    emit(p, RESPCHECK_RULE_PARSE_ERROR, p->head_abs, "%s", head_mismatch);
    return -1;
  }
  p->ext_len = 0;
  return 0;
}

/* Trailer limits are checked once a name or a value is complete: llhttp
 * hands over the part of a span read before an error only when a chunk
 * boundary fell inside it, so checking partial spans would depend on the
 * chunking. Nothing of a trailer is kept, so nothing grows meanwhile. */
static int trailer_too_large(respcheck_parser_t *p, uint64_t start,
                             size_t len) {
  size_t max = p->opts.max_header_bytes;
  if (len > max - p->trailer_bytes) {
    uint64_t off = start + (max - p->trailer_bytes);
    emit(p, RESPCHECK_RULE_HEADER_SECTION_TOO_LARGE, off,
         "trailer section larger than the limit of %zu bytes", max);
    set_error(p, RESPCHECK_E_LIMIT, off, "trailer section too large");
    return 1;
  }
  p->trailer_bytes += len;
  return 0;
}

static int on_trailer_name(llhttp_t *l, const char *data, size_t len) {
  respcheck_parser_t *p = from_llhttp(l);
  size_t i;
  if (!p->tfield_started) {
    p->tfield_started = 1;
    p->tfield_offset = feed_offset(p, data);
    p->tname_len = 0;
    p->tname_bad = 0;
  }
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)data[i];
    if (!token_char[c])
      p->tname_bad = 1;
    if (p->tname_len < sizeof(p->tname))
      p->tname[p->tname_len] = (char)respcheck__lower(c);
    p->tname_len++;
  }
  return 0;
}

/* RFC 9110 6.5.1: framing, routing, authentication, response control and
 * content-processing fields cannot be trailers. */
static const char *const forbidden_trailers[] = {"content-length",
                                                 "transfer-encoding",
                                                 "host",
                                                 "trailer",
                                                 "content-type",
                                                 "content-encoding",
                                                 "content-range",
                                                 "connection",
                                                 "keep-alive",
                                                 "upgrade",
                                                 "te",
                                                 "www-authenticate",
                                                 "proxy-authenticate",
                                                 "authorization",
                                                 "proxy-authorization",
                                                 "location",
                                                 "cache-control",
                                                 "expires",
                                                 "age",
                                                 "date",
                                                 "retry-after",
                                                 "vary"};

static int on_trailer_name_complete(llhttp_t *l) {
  respcheck_parser_t *p = from_llhttp(l);
  size_t i, n = p->tfield_started ? p->tname_len : 0;
  uint64_t start = p->tfield_started ? p->tfield_offset : p->offset;
  char q[64];
  p->tfield_started = 0;
  p->tvalue_started = 0;
  p->tvalue_len = 0;
  if (++p->trailer_fields > p->opts.max_headers) {
    emit(p, RESPCHECK_RULE_TOO_MANY_HEADERS, start,
         "more than %zu trailer fields", p->opts.max_headers);
    set_error(p, RESPCHECK_E_LIMIT, start, "too many trailer fields");
    return -1;
  }
  if (trailer_too_large(p, start, n))
    return -1;
  if (p->tname_bad || n == 0) {
    emit(p, RESPCHECK_RULE_HEADER_NAME_INVALID, p->tfield_offset,
         "trailer field name is not a token");
    return 0;
  }
  if (n > sizeof(p->tname))
    return 0;
  for (i = 0; i < sizeof(forbidden_trailers) / sizeof(*forbidden_trailers);
       i++) {
    if (strlen(forbidden_trailers[i]) == n &&
        memcmp(forbidden_trailers[i], p->tname, n) == 0) {
      emit(p, RESPCHECK_RULE_TRAILER_FIELD_FORBIDDEN, p->tfield_offset,
           "%s sent as a trailer field", quote(q, sizeof(q), p->tname, n));
      /* llhttp applies Content-Length and Transfer-Encoding trailers to its
       * framing state: what follows cannot be read reliably. */
      if (i < 2) {
        set_error(p, RESPCHECK_E_FRAMING, p->tfield_offset,
                  "framing field in the trailer section");
        return -1;
      }
      break;
    }
  }
  return 0;
}

static int on_trailer_value(llhttp_t *l, const char *data, size_t len) {
  respcheck_parser_t *p = from_llhttp(l);
  size_t i;
  char q[16];
  if (!p->tvalue_started) {
    p->tvalue_started = 1;
    p->tvalue_offset = feed_offset(p, data);
  }
  p->tvalue_len += len;
  for (i = 0; i < len; i++) {
    if (!text_char[(unsigned char)data[i]]) {
      emit(p, RESPCHECK_RULE_HEADER_VALUE_INVALID, feed_offset(p, data + i),
           "control byte \"%s\" in a trailer field value",
           quote(q, sizeof(q), data + i, 1));
      break;
    }
  }
  return 0;
}

static int on_trailer_value_complete(llhttp_t *l) {
  respcheck_parser_t *p = from_llhttp(l);
  int over = p->tvalue_started &&
             trailer_too_large(p, p->tvalue_offset, p->tvalue_len);
  p->tvalue_started = 0;
  p->tvalue_len = 0;
  return over ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* The fast path: a head's fields from llhttp's span callbacks.
 *
 * Strict llhttp has checked every byte of a head by the time it calls
 * on_headers_complete (check_line_bytes then finds nothing). What it lets
 * through is in the shape of the lines, so these callbacks accept one shape
 * only: "HTTP/1.0" or "HTTP/1.1", SP, three digits, SP, a reason of text
 * bytes; "name:" OWS value lines; every line ending with CR LF where the
 * next one starts; all within the limits. Anything else (a bare LF, an
 * obs-fold, whitespace before a field, an odd status line, a limit, or a
 * refusal by llhttp) sets fast_bad and stops llhttp, and feed_head_fast has
 * the head read again from its first byte by the line pass, which reports
 * it exactly. Nothing is reported before the head is known to be plain, so
 * the two paths give the same findings; RESPCHECK_VERIFY_FAST_PATH runs
 * both on every plain head and stops the process if they differ.
 */

static int fast_fail(respcheck_parser_t *p) {
  p->fast_bad = 1;
  return -1;
}

static size_t fast_off(const respcheck_parser_t *p, const char *at) {
  return p->fold + (size_t)(at - p->fdata);
}

/* The head's bytes [0, upto) in one piece: in the buffer llhttp reads when
 * the head starts there; else in buf, copied there as they are needed. */
static const char *fast_view(respcheck_parser_t *p, size_t upto) {
  if (p->fold == 0)
    return p->fdata;
  if (upto > p->fvalid) {
    memcpy(p->buf + p->fvalid, p->fdata + (p->fvalid - p->fold),
           upto - p->fvalid);
    p->fvalid = upto;
  }
  return p->buf;
}

/* The head byte at offset i < f_end. */
static char fast_byte(const respcheck_parser_t *p, size_t i) {
  return i < p->fold ? p->buf[i] : p->fdata[i - p->fold];
}

static int fast_status(llhttp_t *l, const char *at, size_t len) {
  respcheck_parser_t *p = from_llhttp(l);
  if (len == 0)
    return 0;
  if (fast_off(p, at) != p->f_reason_end)
    return fast_fail(p);
  p->f_reason_end += len;
  return 0;
}

/* Called once the status line's LF is read. */
static int fast_status_complete(llhttp_t *l) {
  respcheck_parser_t *p = from_llhttp(l);
  size_t e = p->f_reason_end, i;
  const unsigned char *b;
  if (e + 2 > p->f_end)
    return fast_fail(p);
  b = (const unsigned char *)fast_view(p, e + 2);
  if (memcmp(b, "HTTP/1.", 7) != 0 || (b[7] != '0' && b[7] != '1') ||
      b[8] != ' ' || (unsigned)(b[9] - '0') > 9 ||
      (unsigned)(b[10] - '0') > 9 || (unsigned)(b[11] - '0') > 9 ||
      b[12] != ' ' || b[e] != '\r' || b[e + 1] != '\n' ||
      e > p->opts.max_line_length || e - 13 > p->opts.max_reason_length)
    return fast_fail(p);
  for (i = 13; i < e; i++) {
    if (!text_char[b[i]])
      return fast_fail(p);
  }
  p->f_next = e + 2;
  return 0;
}

/* A name: a new field, or the rest of one cut by a chunk boundary (no
 * name starts where another ends: a colon is there). The field keeps
 * llhttp's spans, as places in buf, until fast_fields checks them. */
static int fast_field(llhttp_t *l, const char *at, size_t len) {
  respcheck_parser_t *p = from_llhttp(l);
  const char *bp = p->hbase + fast_off(p, at);
  respcheck_header_t *h;
  if (bp == p->f_name_end) {
    p->f_cur->name.len += len;
    p->f_name_end += len;
    return 0;
  }
  if (p->nheaders == p->opts.max_headers)
    return fast_fail(p);
  h = &p->headers[p->nheaders++];
  h->name.ptr = bp;
  h->name.len = len;
  h->value.ptr = NULL;
  p->f_cur = h;
  p->f_name_end = bp + len;
  return 0;
}

/* A value (llhttp calls with nothing for an empty one), or the rest of one
 * cut by a chunk boundary; any other second part is an obs-fold. */
static int fast_value(llhttp_t *l, const char *at, size_t len) {
  respcheck_parser_t *p = from_llhttp(l);
  respcheck_header_t *h = p->f_cur;
  const char *bp;
  if (len == 0)
    return 0;
  if (h == NULL)
    return fast_fail(p);
  bp = p->hbase + fast_off(p, at);
  if (h->value.ptr == NULL) {
    h->value.ptr = bp;
    h->value.len = len;
    p->f_name_end = NULL;
  } else if (bp == h->value.ptr + h->value.len) {
    h->value.len += len;
  } else {
    return fast_fail(p);
  }
  return 0;
}

/* The field lines llhttp has read, in b[0, fe): each "name:" OWS value
 * CR LF, starting where the previous line ends, within the line limit.
 * llhttp's value ends at the CR: trailing whitespace is trimmed here.
 * Returns the offset of the empty line, or 0. */
static size_t fast_fields(respcheck_parser_t *p, const char *b, size_t fe) {
  const char *buf = p->hbase;
  size_t ls = p->f_next, max_line = p->opts.max_line_length;
  uint64_t abs = p->head_abs;
  respcheck_header_t *h = p->headers, *last = h + p->nheaders;
  unsigned seen = 0;
  size_t nread = 0;
  for (; h < last; h++) {
    size_t ne = ls + h->name.len, vs, ve, le, k;
    enum known_field kf;
    if (h->name.ptr != buf + ls || ne == ls || ne >= fe || b[ne] != ':')
      return 0;
    if (h->value.ptr != NULL) {
      vs = (size_t)(h->value.ptr - buf);
      le = vs + h->value.len;
      if (vs != ne + 2 || b[ne + 1] != ' ') {
        /* Not ": ": whitespace only, but for an obs-fold after an empty
         * value. */
        if (vs <= ne)
          return 0;
        for (k = ne + 1; k < vs; k++) {
          if (!is_ows(b[k]))
            return 0;
        }
      }
    } else {
      vs = ne + 1;
      while (vs < fe && is_ows(b[vs]))
        vs++;
      le = vs;
    }
    if (le + 2 > fe || memcmp(b + le, "\r\n", 2) != 0 || le - ls > max_line)
      return 0;
    ve = le;
    if (ve > vs && (unsigned char)b[ve - 1] <= ' ') {
      while (ve > vs && is_ows(b[ve - 1]))
        ve--;
    }
    h->value.ptr = buf + vs;
    h->value.len = ve - vs;
    h->offset = abs + ls;
    kf = classify(b + ls, h->name.len);
    if (kf) {
      seen |= (unsigned)kf;
      if (kf & KF_VALUE_READ) {
        if (nread < FAST_READ_MAX)
          p->f_read[nread] = (uint32_t)(h - p->headers);
        nread++;
      }
    }
    ls = le + 2;
  }
  p->f_seen = seen;
  p->f_nread = nread;
  return ls;
}

#if RESPCHECK_VERIFY_FAST_PATH
static uint64_t fast_fingerprint(const respcheck_parser_t *p,
                                 const char *base) {
  uint64_t h = 14695981039346656037u;
  size_t i;
#define RC_MIX(x) (h = (h ^ (uint64_t)(x)) * 1099511628211u)
  RC_MIX(p->nheaders);
  RC_MIX(p->resp.reason.ptr - base);
  RC_MIX(p->resp.reason.len);
  for (i = 0; i < p->nheaders; i++) {
    const respcheck_header_t *x = &p->headers[i];
    RC_MIX(x->name.ptr - base);
    RC_MIX(x->name.len);
    RC_MIX(x->value.ptr - base);
    RC_MIX(x->value.len);
    RC_MIX(x->offset);
  }
#undef RC_MIX
  return h;
}

/* The line pass over the same head (a copy in buf) must find the same lines
 * and fields, within the limits, and report nothing. The spans are left
 * where the fast path put them. */
static void fast_verify(respcheck_parser_t *p) {
  const char *base = p->hbase;
  uint64_t fp = fast_fingerprint(p, base);
  size_t i, ls = 0;
  int bad = 0;
  if (base != p->buf)
    memcpy(p->buf, base, p->buf_len);
  p->nlines = 0;
  for (i = 0; i + 1 < p->buf_len; i++) {
    if (p->buf[i] == '\n') {
      bad |= i - ls - 1 > p->opts.max_line_length;
      bad |= p->nlines > p->opts.max_headers;
      if (!bad)
        p->line_ends[p->nlines++] = (uint32_t)(i + 1);
      ls = i + 1;
    }
  }
  if (!bad) {
    p->verifying = 1;
    check_head_lines(p);
    check_line_bytes(p);
    p->verifying = 0;
  }
  if (bad || fast_fingerprint(p, p->buf) != fp || p->facts.obs_fold ||
      p->facts.code_misread || p->facts.code_offset != p->head_abs + 9) {
    fprintf(stderr,
            "respcheck: the fast path and the line pass disagree "
            "on the head at offset %llu\n",
            (unsigned long long)p->head_abs);
    abort();
  }
  if (base != p->buf) { /* check_head_lines pointed the spans into buf */
    p->hbase = p->buf;
    fast_rebase(p, base, 1);
  }
}
#endif

/* The fields the rules read, in order, as check_known_fields does. */
static void fast_known_fields(respcheck_parser_t *p) {
  size_t i, n = p->f_nread <= FAST_READ_MAX ? p->f_nread : p->nheaders;
  for (i = 0; i < n; i++) {
    const respcheck_header_t *h =
        &p->headers[p->f_nread <= FAST_READ_MAX ? p->f_read[i] : i];
    enum known_field kf = classify(h->name.ptr, h->name.len);
    check_field(p, h, kf);
    p->facts.seen |= (unsigned)kf;
  }
  p->facts.seen |= p->f_seen;
}

/* The empty line: the head is plain. Its bytes go to buf (the spans point
 * there already), then the checks run as for any head. */
static int fast_headers_complete(llhttp_t *l) {
  respcheck_parser_t *p = from_llhttp(l);
  const char *b;
  size_t end = p->f_next + 2, e;
  if (p->f_next == 0)
    return fast_fail(p);
  if (p->nheaders > 0) {
    /* The head ends two bytes after the last field line's CR. */
    const respcheck_header_t *h = &p->headers[p->nheaders - 1];
    if (h->value.ptr != NULL) {
      end = (size_t)(h->value.ptr - p->hbase) + h->value.len + 4;
    } else {
      end = (size_t)(h->name.ptr - p->hbase) + h->name.len + 1;
      while (end < p->f_end && is_ows(fast_byte(p, end)))
        end++;
      end += 4;
    }
  }
  if (end > p->f_end)
    return fast_fail(p);
  b = fast_view(p, end);
  e = fast_fields(p, b, end);
  if (e + 2 != end || b[e] != '\r' || b[e + 1] != '\n')
    return fast_fail(p);
  p->buf_len = e + 2;
  p->head_whole = 1;
  p->resp.reason.ptr = p->hbase + 13;
  p->resp.reason.len = p->f_reason_end - 13;
  memset(&p->facts, 0, sizeof(p->facts));
  p->facts.code_offset = p->head_abs + 9;
#if RESPCHECK_VERIFY_FAST_PATH
  fast_verify(p);
#endif
  fast_known_fields(p);
  check_framing_fields(p);
  p->phase = PHASE_BODY;
  return head_complete(p, l);
}

/* ------------------------------------------------------------------------ */
/* Driving llhttp. */

static void after_message(respcheck_parser_t *p, uint64_t end) {
  unsigned fr = p->resp.framing;
  int interim = p->interim;
  p->awaiting_final = interim;
  end_message(p, end, RESPCHECK_END_COMPLETE);
  if (fr & (RESPCHECK_FRAMING_UPGRADE | RESPCHECK_FRAMING_TUNNEL))
    p->phase = PHASE_TUNNEL;
  else if (interim || (fr & RESPCHECK_FRAMING_KEEP_ALIVE))
    p->phase = PHASE_START;
  else
    p->phase = PHASE_CLOSED;
  p->llh.settings = &p->head_settings;
}

/* Reports llhttp's refusal (unless one of our callbacks caused it). */
static void llhttp_failed(respcheck_parser_t *p, llhttp_errno_t e,
                          uint64_t off) {
  if (p->bytes_pending) {
    /* Strict llhttp refused the head: say what in its bytes is wrong. */
    p->bytes_pending = 0;
    if (p->error == RESPCHECK_E_OK)
      check_line_bytes(p);
  }
  if (p->error == RESPCHECK_E_OK) {
    const char *reason = llhttp_get_error_reason(&p->llh);
    snprintf(p->errbuf, sizeof(p->errbuf), "%s: %s", llhttp_errno_name(e),
             reason ? reason : "");
    emit(p, RESPCHECK_RULE_PARSE_ERROR, off, "llhttp %s", p->errbuf);
    set_error(p, RESPCHECK_E_PARSE, off, p->errbuf);
  }
  /* Our own callbacks stop llhttp at the end of a span; the error they set
   * has the exact offset. A head refused by llhttp was read whole first
   * (its findings may lie past llhttp's stop): the message ends after it. */
  if (p->phase == PHASE_HEAD && p->head_whole &&
      p->head_abs + p->buf_len > p->error_offset)
    abort_message(p, p->head_abs + p->buf_len);
  else
    abort_message(p, p->error_offset);
}

/* What llhttp_execute(ptr, len) returned: returns the bytes it consumed. A
 * message end pauses it. */
static size_t llhttp_result(respcheck_parser_t *p, llhttp_errno_t e,
                            const char *ptr, size_t len, uint64_t abs) {
  const char *ep;
  size_t used;

  if (e == HPE_OK)
    return len;
  ep = llhttp_get_error_pos(&p->llh);
  used = (ep >= ptr && ep <= ptr + len) ? (size_t)(ep - ptr) : len;
  if ((e == HPE_PAUSED || e == HPE_PAUSED_UPGRADE) && p->msg_done &&
      p->phase == PHASE_HEAD && used != len) {
    /* The message ended inside its own head: see head_overrun. */
    set_error(p, RESPCHECK_E_PARSE, abs + used, head_mismatch);
    emit(p, RESPCHECK_RULE_PARSE_ERROR, abs + used, "%s", head_mismatch);
    abort_message(p, p->head_abs + p->buf_len);
    return used;
  }
  if (e == HPE_PAUSED && p->msg_done) {
    llhttp_resume(&p->llh);
    after_message(p, abs + used);
    return used;
  }
  if (e == HPE_PAUSED_UPGRADE && p->msg_done) {
    llhttp_resume_after_upgrade(&p->llh);
    after_message(p, abs + used);
    return used;
  }
  llhttp_failed(p, e, abs + used);
  return used;
}

/* Feeds llhttp; returns the bytes it consumed. */
static size_t run_llhttp(respcheck_parser_t *p, const char *ptr, size_t len,
                         uint64_t abs) {
  p->feed_ptr = ptr;
  p->feed_abs = abs;
  return llhttp_result(p, llhttp_execute(&p->llh, ptr, len), ptr, len, abs);
}

static void fail_limit(respcheck_parser_t *p, respcheck_rule_t rule,
                       uint64_t off, const char *reason) {
  switch (rule) {
  case RESPCHECK_RULE_LINE_TOO_LONG:
    emit(p, rule, off, "line longer than the limit of %zu bytes",
         p->opts.max_line_length);
    break;
  case RESPCHECK_RULE_TOO_MANY_HEADERS:
    emit(p, rule, off, "more than %zu field lines", p->opts.max_headers);
    break;
  default:
    emit(p, rule, off, "status line and header section larger than %zu bytes",
         p->opts.max_header_bytes);
    break;
  }
  set_error(p, RESPCHECK_E_LIMIT, off, reason);
  abort_message(p, off);
}

/* The head is complete in buf: check it, then let llhttp read it whole. */
static void finish_head(respcheck_parser_t *p) {
  size_t used;
  p->head_whole = 1;
  p->hbase = p->buf;
  check_head_lines(p);
  check_known_fields(p);
  check_framing_fields(p);
#if RESPCHECK_LLHTTP_IS_STRICT
  p->bytes_pending = 1;
#else
  check_line_bytes(p);
#endif
  p->llh.settings = &p->head_settings;
  used = run_llhttp(p, p->buf, p->buf_len, p->head_abs);
  if (p->error != RESPCHECK_E_OK)
    return;
  if (!p->head_done || used != p->buf_len) {
    /* llhttp and RFC 9112 disagree on where the head ends: what follows
     * cannot be read reliably. */
    uint64_t off = p->head_abs + used;
    emit(p, RESPCHECK_RULE_PARSE_ERROR, off, "%s", head_mismatch);
    set_error(p, RESPCHECK_E_PARSE, off, head_mismatch);
    abort_message(p, p->head_abs + p->buf_len);
    return;
  }
  if (!p->msg_done)
    p->phase = PHASE_BODY;
}

/* A response starts with "HTTP/" (RFC 9112 2.3): anything else is refused
 * at once rather than buffered up to a limit. */
static void reject_not_http(respcheck_parser_t *p) {
  p->llh.settings = &p->head_settings;
  run_llhttp(p, p->buf, p->buf_len, p->head_abs);
  if (p->error == RESPCHECK_E_OK) {
    /* A tokenizer that takes it (another llhttp build) is overruled. */
    snprintf(p->errbuf, sizeof(p->errbuf), "not an HTTP/1.x status line");
    emit(p, RESPCHECK_RULE_PARSE_ERROR, p->head_abs, "%s", p->errbuf);
    set_error(p, RESPCHECK_E_PARSE, p->head_abs, p->errbuf);
    abort_message(p, p->head_abs);
  }
}

/* Reads head bytes, line by line, up to the empty line that ends the head,
 * enforcing the limits; then copies what it read into buf in one piece.
 * Returns the bytes consumed. */
static size_t feed_head(respcheck_parser_t *p, const char *data, size_t len) {
  size_t base = p->buf_len; /* head offset of data[0] */
  size_t room = p->opts.max_header_bytes - base;
  size_t n = len < room ? len : room, i = 0, used = n;
  size_t max_line = p->opts.max_line_length;
  respcheck_rule_t limit = RESPCHECK_RULE_COUNT;
  uint64_t limit_at = 0;
  int done = 0;

  if (base < 5 && n > 0) {
    size_t k = n < 5 - base ? n : 5 - base;
    if (memcmp(data, &"HTTP/"[base], k) != 0) {
      memcpy(p->buf + base, data, k);
      p->buf_len = base + k;
      reject_not_http(p);
      return k;
    }
  }
  while (i < n) {
    size_t j = find_byte(data, i, n, '\n'), content;
    if (j == n) {
      /* A partial line: one byte more than the limit may still be a CR. */
      if (base + n - p->line_start > max_line + 1) {
        limit = RESPCHECK_RULE_LINE_TOO_LONG;
        limit_at = p->head_abs + p->line_start + max_line;
      }
      break;
    }
    content = base + j - p->line_start;
    if (content && (j > 0 ? data[j - 1] : p->buf[base - 1]) == '\r')
      content--;
    if (content == 0 && p->nlines > 0) {
      used = j + 1;
      done = 1;
      break;
    }
    if (content > max_line) {
      limit = RESPCHECK_RULE_LINE_TOO_LONG;
      limit_at = p->head_abs + p->line_start + max_line;
      used = j + 1;
      break;
    }
    if (p->nlines > p->opts.max_headers) {
      limit = RESPCHECK_RULE_TOO_MANY_HEADERS;
      limit_at = p->head_abs + p->line_start;
      used = j + 1;
      break;
    }
    i = j + 1;
    p->line_ends[p->nlines++] = (uint32_t)(base + i);
    p->line_start = base + i;
  }
  if (data != p->buf + base) /* not a head read again from buf */
    memcpy(p->buf + base, data, used);
  p->buf_len = base + used;
  if (done) {
    finish_head(p);
  } else if (limit != RESPCHECK_RULE_COUNT) {
    fail_limit(p, limit, limit_at,
               limit == RESPCHECK_RULE_LINE_TOO_LONG
                   ? "line too long"
                   : "too many header fields");
  } else if (n < len) {
    fail_limit(p, RESPCHECK_RULE_HEADER_SECTION_TOO_LARGE,
               p->head_abs + p->opts.max_header_bytes,
               "header section too large");
  }
  return used;
}

/* The value of h starts on the line of its name: after the colon, only
 * whitespace. */
static int value_after_colon(const respcheck_parser_t *p,
                             const respcheck_header_t *h) {
  size_t i = (size_t)(h->name.ptr - p->hbase) + h->name.len;
  size_t vs = (size_t)(h->value.ptr - p->hbase);
  if (vs <= i || p->hbase[i] != ':')
    return 0;
  for (i++; i < vs; i++) {
    if (!is_ows(p->hbase[i]))
      return 0;
  }
  return 1;
}

/* Whether the line pass, had it read the head cut at f_end, would go on
 * reading: the "HTTP/" prefix, the line limit, the count of lines. */
static int fast_may_go_on(respcheck_parser_t *p) {
  const respcheck_header_t *h = p->headers, *cur = p->f_cur;
  size_t e = p->f_end, from = 0, lines = 0;
  /* Past the line limit, the line pass reads the head (it knows which line
   * is too long); within it, no line can be, and counting the lines that
   * have ended is enough (strict llhttp ends the head at an empty line, so
   * there is none). */
  if (e > p->opts.max_line_length ||
      memcmp(p->buf, "HTTP/", e < 5 ? e : 5) != 0)
    return 0;
  /* Before the current field's line, every line is a field line when every
   * field there has a value on its own line: fast_value sees an obs-fold
   * after a value, but llhttp reports none of whitespace after an empty
   * one, and one of text as the value. */
  while (h < cur && h->value.ptr != NULL && value_after_colon(p, h))
    h++;
  if (cur != NULL && h == cur) {
    from = (size_t)(cur->name.ptr - p->hbase);
    lines = p->nheaders;
  }
  return lines + respcheck__count_byte(p->buf, from, e, '\n') <=
         p->opts.max_headers + 1;
}

/*
 * Reads head bytes by the fast path (the fast_* callbacks): llhttp reads
 * them where they are; when data ends inside the head, the head so far is
 * copied to buf (and its spans with it), and llhttp reads on in the next
 * data. When the head turns out not to be plain, llhttp is put back as it
 * was at the head's first byte and the line pass (feed_head) reads the head
 * from there. Returns the bytes of data consumed.
 */
static size_t feed_head_fast(respcheck_parser_t *p, const char *data,
                             size_t len) {
  size_t old = p->buf_len, room = p->opts.max_header_bytes - old;
  size_t n = len < room ? len : room;
  llhttp_errno_t e;

  if (p->fast == FAST_START) {
    p->llh_saved = p->llh;
    p->llh.settings = &p->fast_settings;
    p->hbase = data;
    p->f_avail = len;
    p->fast_bad = 0;
    p->nheaders = 0;
    p->f_reason_end = 13;
    p->f_next = 0;
    p->f_cur = NULL;
    p->f_name_end = NULL;
  }
  p->fdata = data;
  p->fold = old;
  p->fvalid = old;
  p->f_end = old + n;
  p->feed_ptr = data;
  p->feed_abs = p->offset;
  e = llhttp_execute(&p->llh, data, n);
  if (p->head_done)
    return llhttp_result(p, e, data, n, p->offset);
  if (e == HPE_OK && n == len) {
    /* The head goes on past data, which the caller may reuse: keep it. */
    memcpy(p->buf + p->fvalid, data + (p->fvalid - old), old + n - p->fvalid);
    if (p->hbase != p->buf)
      fast_rebase(p, p->buf, 0);
    p->buf_len = old + n;
    p->fast = FAST_BUFFERED;
    if (fast_may_go_on(p))
      return n;
  }
  /* Not plain (or refused, or too large): the line pass reads it all. */
  p->llh = p->llh_saved;
  p->fast = FAST_OFF;
  p->buf_len = 0;
  if (old > 0) {
    size_t replayed = feed_head(p, p->buf, old);
    (void)replayed;
#if RESPCHECK_VERIFY_FAST_PATH
    if (replayed != old || p->phase != PHASE_HEAD ||
        p->error != RESPCHECK_E_OK) {
      fprintf(stderr,
              "respcheck: the line pass stopped inside the part of a head "
              "the fast path read (%zu of %zu bytes: %s)\n",
              replayed, old, p->error_reason ? p->error_reason : "no error");
      abort();
    }
#endif
    if (p->phase != PHASE_HEAD || p->error != RESPCHECK_E_OK)
      return 0; /* not reached: fast_may_go_on said it would go on */
  }
  return feed_head(p, data, len);
}

/* Between responses: llhttp skips CR and LF there; so do we, and say so. */
static size_t feed_start(respcheck_parser_t *p, const char *data, size_t len,
                         uint64_t abs) {
  size_t i = 0;
  while (i < len && (data[i] == '\r' || data[i] == '\n'))
    i++;
  if (i > 0 && !p->have_empty) {
    p->have_empty = 1;
    p->empty_offset = abs;
  }
  if (p->have_empty && abs + i - p->empty_offset > p->opts.max_header_bytes) {
    /* They count against the head's limit: a peer cannot make a reader
     * wait on them without end. */
    uint64_t off = p->empty_offset + p->opts.max_header_bytes;
    open_message(p, p->empty_offset);
    emit(p, RESPCHECK_RULE_EMPTY_LINE_BEFORE_STATUS, p->empty_offset,
         "empty line before the status line");
    fail_limit(p, RESPCHECK_RULE_HEADER_SECTION_TOO_LARGE, off,
               "empty lines before the status line");
    return (size_t)(off - abs);
  }
  if (i == len)
    return i;
  open_message(p, p->have_empty ? p->empty_offset : abs + i);
  if (p->have_empty) {
    emit(p, RESPCHECK_RULE_EMPTY_LINE_BEFORE_STATUS, p->empty_offset,
         "empty line before the status line");
    p->have_empty = 0;
  }
  p->phase = PHASE_HEAD;
  p->head_whole = 0;
  p->head_abs = abs + i;
  p->buf_len = 0;
  p->line_start = 0;
  p->nlines = 0;
  p->fast = RESPCHECK_LLHTTP_IS_STRICT ? FAST_START : FAST_OFF;
  return i;
}

static size_t feed_closed(respcheck_parser_t *p, const char *data, size_t len,
                          uint64_t abs) {
  size_t i = 0;
  if (p->closed_reported)
    return len;
  while (i < len && (data[i] == '\r' || data[i] == '\n'))
    i++;
  if (i == len)
    return len;
  /* RFC 9112 9.6: a server that sends "close" (or a response that is
   * not persistent) closes the connection after it. */
  open_message(p, abs + i);
  emit(p, RESPCHECK_RULE_DATA_AFTER_CLOSE, abs + i,
       "bytes after a response that ends the connection (ignored)");
  p->closed_reported = 1; /* the message ends with the stream */
  return len;
}

respcheck_errno_t respcheck_execute(respcheck_parser_t *p, const char *data,
                                    size_t len) {
  if (p == NULL || (data == NULL && len > 0))
    return RESPCHECK_E_INVAL;
  if (p->error != RESPCHECK_E_OK)
    return p->error;
  if (p->finished)
    return RESPCHECK_E_FINISHED;

  while (len > 0 && p->error == RESPCHECK_E_OK) {
    size_t used;
    uint64_t abs = p->offset;
    switch (p->phase) {
    case PHASE_START:
      used = feed_start(p, data, len, abs);
      break;
    case PHASE_HEAD:
      used = p->fast != FAST_OFF ? feed_head_fast(p, data, len)
                                 : feed_head(p, data, len);
      break;
    case PHASE_BODY:
      used = run_llhttp(p, data, len, abs);
      break;
    case PHASE_TUNNEL:
      if (p->cb.on_tunnel)
        p->cb.on_tunnel(p->user, data, len, abs);
      used = len;
      break;
    default:
      used = feed_closed(p, data, len, abs);
      break;
    }
    p->offset += used;
    data += used;
    len -= used;
  }
  return p->error;
}

respcheck_errno_t respcheck_finish(respcheck_parser_t *p) {
  llhttp_errno_t e;
  if (p == NULL)
    return RESPCHECK_E_INVAL;
  if (p->error != RESPCHECK_E_OK)
    return p->error;
  if (p->finished)
    return RESPCHECK_E_FINISHED;
  p->finished = 1;
  switch (p->phase) {
  case PHASE_START:
    if (p->awaiting_final) {
      /* RFC 9110 15.2: a 1xx is interim; the final response never came. */
      open_message(p, p->offset);
      emit(p, RESPCHECK_RULE_MESSAGE_TRUNCATED, p->offset,
           "the stream ended after an interim (1xx) response, before the "
           "final response");
      abort_message(p, p->offset);
    }
    break;
  case PHASE_HEAD:
    emit(p, RESPCHECK_RULE_MESSAGE_TRUNCATED, p->offset,
         "the stream ended inside the header section");
    abort_message(p, p->offset);
    break;
  case PHASE_CLOSED:
    end_message(p, p->offset, RESPCHECK_END_ABORTED);
    break;
  case PHASE_BODY:
    p->feed_ptr = NULL;
    p->feed_abs = p->offset;
    e = llhttp_finish(&p->llh);
    if (p->msg_done && (e == HPE_OK || e == HPE_PAUSED)) {
      end_message(p, p->offset, RESPCHECK_END_COMPLETE);
    } else if (p->error == RESPCHECK_E_OK) {
      emit(p, RESPCHECK_RULE_MESSAGE_TRUNCATED, p->offset,
           "the stream ended inside the content");
      abort_message(p, p->offset);
    } else {
      abort_message(p, p->offset);
    }
    p->phase = PHASE_CLOSED;
    break;
  default:
    break;
  }
  return p->error;
}

/* ------------------------------------------------------------------------ */
/* Set-up. */

static size_t align_up(size_t n) {
  size_t a =
      sizeof(void *) > sizeof(uint64_t) ? sizeof(void *) : sizeof(uint64_t);
  return (n + a - 1) / a * a;
}

/* Offsets of the parts of a parser's block; 0 when the options are bad. */
static size_t layout(const respcheck_options_t *o, size_t *headers_at,
                     size_t *lines_at, size_t *queue_at) {
  /* Limits past these are mistakes, and keep the sums below from
   * overflowing on any platform. */
  const size_t big = (size_t)1 << 28;
  size_t n;
  if (o->max_header_bytes < 16 || o->max_header_bytes > big ||
      o->max_headers == 0 || o->max_headers > big / 64 ||
      o->max_line_length < 16 || o->max_reason_length == 0 ||
      o->max_chunk_extension == 0 || o->max_pending_requests == 0 ||
      o->max_pending_requests > big / 64)
    return 0;
  n = align_up(sizeof(respcheck_parser_t)) + align_up(o->max_header_bytes);
  *headers_at = n;
  n += align_up(o->max_headers * sizeof(respcheck_header_t));
  *lines_at = n;
  n += align_up((o->max_headers + 1) * sizeof(uint32_t));
  *queue_at = n;
  n += align_up(o->max_pending_requests * sizeof(respcheck_request_t));
  return n;
}

size_t respcheck_parser_size(const respcheck_options_t *opts) {
  respcheck_options_t d;
  size_t h, l, q;
  if (opts == NULL) {
    respcheck_options_init(&d);
    opts = &d;
  }
  return layout(opts, &h, &l, &q);
}

static void init_llhttp(respcheck_parser_t *p) {
  llhttp_settings_init(&p->head_settings);
  p->head_settings.on_headers_complete = on_headers_complete;
  p->head_settings.on_message_complete = on_message_complete;

  llhttp_settings_init(&p->body_settings);
  p->body_settings.on_headers_complete = on_headers_complete;
  p->body_settings.on_message_complete = on_message_complete;
  p->body_settings.on_body = on_body;
  p->body_settings.on_chunk_header = on_chunk_header;
  p->body_settings.on_chunk_extension_name = on_chunk_extension;
  p->body_settings.on_chunk_extension_value = on_chunk_extension;
  p->body_settings.on_header_field = on_trailer_name;
  p->body_settings.on_header_field_complete = on_trailer_name_complete;
  p->body_settings.on_header_value = on_trailer_value;
  p->body_settings.on_header_value_complete = on_trailer_value_complete;

  llhttp_settings_init(&p->fast_settings);
  p->fast_settings.on_status = fast_status;
  p->fast_settings.on_status_complete = fast_status_complete;
  p->fast_settings.on_header_field = fast_field;
  p->fast_settings.on_header_value = fast_value;
  p->fast_settings.on_headers_complete = fast_headers_complete;
  p->fast_settings.on_message_complete = on_message_complete;

  llhttp_init(&p->llh, HTTP_RESPONSE, &p->head_settings);
  p->llh.data = p;
  /* Persistence is decided here (RFC 9112 9.3), not by llhttp, which would
   * otherwise drop what follows a 1xx with "Connection: close". */
  llhttp_set_lenient_keep_alive(&p->llh, 1);
}

respcheck_parser_t *respcheck_parser_init(void *mem, size_t size,
                                          const respcheck_options_t *opts,
                                          const respcheck_callbacks_t *cb,
                                          void *user) {
  respcheck_options_t d;
  respcheck_parser_t *p = mem;
  size_t need, h = 0, l = 0, q = 0;
  if (opts == NULL) {
    respcheck_options_init(&d);
    opts = &d;
  }
  need = layout(opts, &h, &l, &q);
  if (mem == NULL || need == 0 || size < need)
    return NULL;
  memset(p, 0, sizeof(*p));
  p->opts = *opts;
  if (cb)
    p->cb = *cb;
  p->user = user;
  p->buf = (char *)mem + align_up(sizeof(respcheck_parser_t));
  p->headers = (respcheck_header_t *)(void *)((char *)mem + h);
  p->line_ends = (uint32_t *)(void *)((char *)mem + l);
  p->queue = (respcheck_request_t *)(void *)((char *)mem + q);
  respcheck_parser_reset(p);
  return p;
}

respcheck_parser_t *respcheck_parser_new(const respcheck_options_t *opts,
                                         const respcheck_callbacks_t *cb,
                                         void *user) {
  size_t n = respcheck_parser_size(opts);
  void *mem;
  respcheck_parser_t *p;
  if (n == 0 || (mem = malloc(n)) == NULL)
    return NULL;
  p = respcheck_parser_init(mem, n, opts, cb, user);
  if (p == NULL) {
    free(mem);
    return NULL;
  }
  p->owned = mem;
  return p;
}

void respcheck_parser_free(respcheck_parser_t *p) {
  if (p != NULL)
    free(p->owned);
}

void respcheck_parser_reset(respcheck_parser_t *p) {
  if (p == NULL)
    return;
  init_llhttp(p);
  p->offset = 0;
  p->phase = PHASE_START;
  p->finished = 0;
  p->closed_reported = 0;
  p->error = RESPCHECK_E_OK;
  p->error_reason = NULL;
  p->error_offset = 0;
  p->msg_open = 0;
  p->responses = 0;
  p->have_empty = 0;
  p->awaiting_final = 0;
  p->buf_len = 0;
  p->q_first = 0;
  p->q_len = 0;
}

respcheck_errno_t respcheck_push_request(respcheck_parser_t *p,
                                         const respcheck_request_t *req) {
  if (p == NULL || req == NULL)
    return RESPCHECK_E_INVAL;
  if (p->q_len == p->opts.max_pending_requests)
    return RESPCHECK_E_FULL;
  p->queue[(p->q_first + p->q_len) % p->opts.max_pending_requests] = *req;
  p->q_len++;
  return RESPCHECK_E_OK;
}

respcheck_errno_t respcheck_parser_error(const respcheck_parser_t *p) {
  return p ? p->error : RESPCHECK_E_INVAL;
}

const char *respcheck_parser_error_reason(const respcheck_parser_t *p) {
  return p && p->error_reason ? p->error_reason : "";
}

uint64_t respcheck_parser_error_offset(const respcheck_parser_t *p) {
  return p ? p->error_offset : 0;
}

uint64_t respcheck_parser_offset(const respcheck_parser_t *p) {
  return p ? p->offset : 0;
}

int respcheck_parser_in_tunnel(const respcheck_parser_t *p) {
  return p != NULL && p->phase == PHASE_TUNNEL;
}

uint64_t respcheck_parser_response_count(const respcheck_parser_t *p) {
  return p ? p->responses : 0;
}
