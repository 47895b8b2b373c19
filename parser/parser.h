/* SPDX-License-Identifier: MIT */
/*
 * The streaming parser's state, shared by its stage files, with the small
 * helpers of the hot path (static inline: a call across files costs more
 * than they do) and what each stage offers the others. Not installed.
 *
 * Two ways to read a head, with the same findings:
 *
 * - the fast path (llhttp compiled here in strict mode): llhttp reads the
 *   head where it lies and its span callbacks give the fields, checked in
 *   one pass at the empty line; it takes plain heads only and copies a head
 *   to buf only when the caller's buffer ends before the response does;
 * - the line pass (every other head, and every head with another llhttp
 *   build): the head is assembled in buf, checked line by line (RFC 9110,
 *   RFC 9112), then handed to llhttp in one piece.
 *
 * Neither the findings nor llhttp's reading depend on how the stream was
 * chunked. Content framed by Content-Length or by the close goes to llhttp
 * straight from the caller's buffer; chunked content is read here
 * (chunked.c, trailers.c), llhttp having been told the message ends with
 * its head.
 *
 * The stages, one file each:
 *   api.c        the public functions: respcheck_execute's loop over the
 *                phases, respcheck_finish, the parser's memory, accessors
 *   fast.c       the fast path, and its verification against the line pass
 *   assemble.c   the line pass: a head assembled in buf and given to llhttp
 *   lines.c      the line pass's checks: the status line, field lines,
 *                obs-folds, byte checks; the byte classes
 *   fields.c     the values the rules read: Content-Length,
 *                Transfer-Encoding, Connection, Content-Type
 *   semantics.c  once llhttp has read a head: status-specific rules, the
 *                framing decision (RFC 9112 6.3), on_head
 *   glue.c       llhttp: its settings, callbacks, results and refusals
 *   chunked.c    chunked content: chunk-size lines, extensions, data
 *   trailers.c   the trailer section, checked as a header section is
 *   message.c    findings, the sticky error, the end of each message
 *   parts.c      a head given as parts (respcheck_check_head): the same
 *                rules, without the bytes
 *
 * The field names the rules know, and how a name is told: known_fields.h.
 */
#ifndef RESPCHECK_PARSER_H
#define RESPCHECK_PARSER_H

#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "known_fields.h"
#include "llhttp.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Set by the build when llhttp is compiled here in strict mode. */
#ifndef RESPCHECK_LLHTTP_IS_STRICT
#define RESPCHECK_LLHTTP_IS_STRICT 0
#endif
/* Set by the build to have the line pass check every head the fast path
 * reads (fast.c). */
#ifndef RESPCHECK_VERIFY_FAST_PATH
#define RESPCHECK_VERIFY_FAST_PATH 0
#endif

enum fast_mode {
  FAST_OFF,     /* this head is read by the line pass */
  FAST_START,   /* the next head byte is the head's first */
  FAST_BUFFERED /* the head so far is in buf; llhttp reads on where it lies */
};

enum phase {
  PHASE_START,   /* between responses: skipping empty lines */
  PHASE_HEAD,    /* assembling a status line and header section */
  PHASE_BODY,    /* llhttp reads the content */
  PHASE_CHUNKED, /* chunked content, read here (chunked.c) */
  PHASE_TUNNEL,  /* after 101 or a CONNECT tunnel: not HTTP any more */
  PHASE_CLOSED,  /* after a response that closes the connection */
  PHASE_SKIP     /* content after a response to HEAD: to the next status line */
};

/* The parser's booleans: bits of its flags word, as libuv keeps a
 * handle's. */
/* The stream. */
#define PF_FINISHED (1u << 0)        /* respcheck_finish was called */
#define PF_CLOSED_REPORTED (1u << 1) /* data-after-close is said once */
#define PF_HAVE_EMPTY (1u << 2)      /* empty lines before a status line */
/* The current message, or the last one until the next opens; cleared as
 * a message opens. */
#define PF_MSG_OPEN (1u << 3)
#define PF_HEAD_DELIVERED (1u << 4) /* on_head was called */
#define PF_MSG_DONE (1u << 5)       /* llhttp completed the message */
#define PF_HEAD_DONE (1u << 6)      /* llhttp called on_headers_complete */
/* A 1xx (not 101): between messages, the final response is still to come
 * (RFC 9110 15.2). */
#define PF_INTERIM (1u << 7)
/* llhttp read the status line of a head the line pass handed it. */
#define PF_STATUS_READ (1u << 8)
/* llhttp refused the head after that: p->resp keeps what was read before
 * (respcheck__keep_refused_head), for the message end. */
#define PF_HEAD_KEPT (1u << 9)
#define PF_MESSAGE                                                             \
  (PF_MSG_OPEN | PF_HEAD_DELIVERED | PF_MSG_DONE | PF_HEAD_DONE | PF_INTERIM | \
   PF_STATUS_READ | PF_HEAD_KEPT)
/* The current head. */
#define PF_HEAD_WHOLE (1u << 10) /* assembled: llhttp is reading it */
/* respcheck__check_line_bytes has not run on it (strict llhttp: it runs
 * only to explain a refusal). */
#define PF_BYTES_PENDING (1u << 11)
/* The line pass checks a head strict llhttp accepted: a finding is a bug
 * (RESPCHECK_VERIFY_FAST_PATH). */
#define PF_VERIFYING (1u << 12)
/* The stream: strict-transport-security-plain-http is said once. */
#define PF_STS_NOTED (1u << 16)
/* Between messages: the last one was a final response to HEAD, so bytes
 * that are not a status line are its content (head-content). */
#define PF_AFTER_HEAD (1u << 17)
/* PHASE_SKIP: the next byte starts a line. */
#define PF_SKIP_LINE_START (1u << 18)
/* respcheck_check_head is checking a head given as parts: there are no
 * bytes to point into, so a finding about a field carries the field's
 * offset and one about the status line parts->offset (rv_at,
 * respcheck__part_at); set and cleared by parts.c. */
#define PF_PARTS (1u << 19)

/* Content-Range forms (RFC 9110 14.4). */
enum content_range_form {
  CR_NONE,       /* absent, or not valid */
  CR_RANGE,      /* range-resp: incl-range "/" ( complete-length / "*" ) */
  CR_UNSATISFIED /* unsatisfied-range: "*" "/" complete-length */
};

/* The stream ended inside the current head (respcheck_finish): its last
 * line is cut. */
#define PF_HEAD_CUT (1u << 13)

/* Where chunked.c is in chunked content (RFC 9112 7.1): a state a byte. */
enum chunk_state {
  CK_SIZE_FIRST,  /* the first byte of a chunk-size line */
  CK_SIZE,        /* HEXDIG of the chunk size */
  CK_BWS,         /* whitespace after the size or an extension: ";" next */
  CK_NAME_FIRST,  /* after ";": BWS, then an extension name */
  CK_NAME,        /* tchar of an extension name */
  CK_AFTER_NAME,  /* whitespace after a name: "=" or ";" next */
  CK_VALUE_FIRST, /* after "=": BWS, then a token or a quoted-string */
  CK_TOKEN,       /* tchar of a token value */
  CK_QUOTED,      /* inside a quoted-string value */
  CK_QUOTED_PAIR, /* after a backslash in it */
  CK_QUOTED_END,  /* after its closing DQUOTE */
  CK_SIZE_LF,     /* the LF of the chunk-size line */
  CK_DATA,        /* chunk data */
  CK_DATA_CR,     /* the CR LF after chunk data */
  CK_DATA_LF,
  CK_TRAILERS /* the trailer section, read by trailers.c */
};

/* Where trailers.c is in a trailer section's line. */
enum trailer_state {
  TR_LINE_START, /* a field line, or the empty line that ends the section */
  TR_END_LF,     /* CR at a line's start: the LF that ends the section */
  TR_NAME,       /* a field name */
  TR_VALUE,      /* a field value (or a line that is not processed) */
  TR_CR          /* a CR inside a line: LF ends it, anything else is bare */
};

/* The chunked content's booleans (ck_flags), for the current message. */
#define CKF_BWS_SAID (1u << 0)     /* chunk-extension-bws is said once */
#define CKF_LLHTTP_NO (1u << 1)    /* llhttp 8.1 refuses a byte read (verify) */
#define CKF_BARE_LF_SAID (1u << 2) /* in the trailer section, once */
#define CKF_FOLD_SAID (1u << 3)    /* obs-fold in the trailer section, once */
#define CKF_FIELD_SEEN (1u << 4)   /* a trailer field line was read */
#define CKF_FIELD_LINE (1u << 5)   /* the trailer line is a field line */
#define CKF_COLON (1u << 6)        /* its name ended with a colon */
#define CKF_IGNORED (1u << 7)      /* it is not processed (RFC 9112 2.2) */
#define CKF_NAME_BAD (1u << 8)     /* its name is not a token (said) */
#define CKF_VALUE_BAD (1u << 9)    /* a control byte in its value (said) */
#define CKF_CR_SAID (1u << 10)     /* a bare CR in it (said) */

/* What llhttp 8.1 refuses in a head the RFCs let a recipient read: the line
 * pass gives llhttp a copy with these changed (assemble.c, feed_normalised). */
enum llhttp_fix {
  FIX_BARE_LF = 1 << 0, /* a line ends with LF alone: CR LF (RFC 9112 2.2) */
  FIX_VERSION = 1 << 1, /* HTTP/1.x, x > 1: HTTP/1.1 (RFC 9110 6.2) */
  /* Content-Length with HTAB after its value (RFC 9110 5.6.3), or repeated
   * with the same value (RFC 9110 8.6): the first field line, its value
   * alone. */
  FIX_CONTENT_LENGTH = 1 << 2,
  /* Transfer-Encoding with Content-Length: "the Transfer-Encoding overrides
   * the Content-Length" (RFC 9112 6.3), so llhttp 8.1, which refuses the
   * two together, is given each Content-Length line under another name. */
  FIX_TE_OVERRIDES = 1 << 3
};

/* What the syntax pass learned of a head, for the semantic pass. */
/* Ways of the fast path's memo of status lines (16), and the way of a
 * code: the 18 commonest codes (100, 200, 201, 204, 206, 301-304, 307,
 * 308, 400, 401, 403, 404, 500, 502, 503) fall in 16 ways. */
#define STATUS_MEMO_WAYS 16
#define STATUS_MEMO_WAY(code) ((((code)*1717u) >> 10) & 15u)

typedef struct head_facts {
  unsigned seen; /* enum known_field */
  uint64_t content_length;
  int content_length_ok; /* every Content-Length valid and equal */
  int cl_repeated;       /* content-length-repeated was said */
  uint64_t cl_offset;    /* first Content-Length field line */
  uint64_t te_offset;    /* first Transfer-Encoding field line */
  unsigned te_codings;   /* transfer codings listed */
  int te_chunked_final;  /* chunked is the last coding */
  unsigned te_chunked_count;
  int conn_close, conn_keep_alive, conn_upgrade;
  int obs_fold;
  uint64_t code_offset; /* of the status code (or where it should be) */
  int code_misread;     /* bad spacing: llhttp's status is not the code */
  unsigned llhttp_fix;  /* enum llhttp_fix */
  int version_minor;    /* as sent */
  /* A head cut by the end of the stream: the status code of its status
   * line, once three digits were read (-1 before), and whether the status
   * line was read to its end. */
  int cut_status;
  int status_line_read;
  /* Whether the reason phrase is the code's registered one (or a former
   * one): 0 not known yet, 1 no, 2 yes (fast.c's status memo). */
  int phrase_known;
  /* Field values the semantic pass compares (values_*.c). */
  int date_ok, lm_ok; /* the first Date, Last-Modified are valid dates */
  int64_t date_secs, lm_secs;
  uint64_t lm_offset;
  int cr_form; /* enum content_range_form, of the first Content-Range */
  uint64_t cr_offset;
  unsigned cc_directives; /* Cache-Control directives seen (values_cache.c) */
  unsigned cc_repeated;   /* of them, those seen more than once */
  uint64_t cc_offset;     /* first Cache-Control field line */
  size_t cookie_count;    /* Set-Cookie lines (values_cookie.c) */
  /* The attributes of the last Set-Cookie line, when they were valid. */
  const char *cookie_attrs;
  size_t cookie_attrs_len;
} head_facts_t;

/* The Set-Cookie lines whose cookie names are compared (RFC 6265 4.1.1). */
#define RV_COOKIES_MAX 32

/* The last values of a field that were found valid, for the fields whose
 * values repeat from response to response on a connection (values_*.c):
 * the same bytes are valid again, with the same effect on the head's facts
 * (extra). RV_MEMO_WAYS values a field, the oldest replaced; values longer
 * than RV_MEMO_MAX are not kept. */
#define RV_MEMO_MAX 48
#define RV_MEMO_WAYS 4
typedef struct rv_memo_way {
  size_t len; /* 0: none */
  unsigned extra;
  char bytes[RV_MEMO_MAX];
} rv_memo_way_t;
typedef struct rv_memo {
  rv_memo_way_t way[RV_MEMO_WAYS];
  unsigned next; /* the way replaced next */
} rv_memo_t;

enum rv_memo_slot {
  MEMO_CONTENT_TYPE,
  MEMO_CACHE_CONTROL,
  MEMO_VARY,
  MEMO_STRICT_TRANSPORT_SECURITY,
  MEMO_CONTENT_ENCODING,
  MEMO_COUNT
};

struct rv_class; /* a byte class (values.h) */

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
  unsigned flags; /* PF_* */
  respcheck_errno_t error;
  const char *error_reason;
  uint64_t error_offset;

  /* Where the buffer llhttp is reading sits in the stream. */
  const char *feed_ptr;
  uint64_t feed_abs;

  /* The current response. */
  uint64_t msg_index;
  uint64_t msg_offset;
  uint64_t responses;
  unsigned counts[4];    /* findings by severity */
  uint64_t empty_offset; /* of the first empty line (PF_HAVE_EMPTY) */

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

  /* Chunked content (chunked.c, trailers.c), read a byte at a time but
   * for the data: each state holds across calls. */
  unsigned char ck_state;  /* enum chunk_state */
  unsigned char tr_state;  /* enum trailer_state */
  unsigned char tr_resume; /* the state a CR interrupted (TR_CR) */
  unsigned ck_flags;       /* CKF_* */
  uint64_t ck_size;        /* the chunk size being read, then what is left */
  size_t ck_digits;        /* its HEXDIG, leading zeros too */
  size_t ext_len;          /* chunk-extension bytes of the current chunk */
  uint64_t ck_bws_at;      /* where the current whitespace run began */
  size_t trailer_bytes;    /* bytes of the trailer section so far */
  size_t trailer_fields;   /* its field lines so far */
  uint64_t tline_offset;   /* the current trailer line's first byte */
  size_t tline_len;        /* its bytes so far, CR LF aside */
  size_t tname_len;        /* its field name's length so far */
  char tname[24];          /* the name's first bytes, lower-cased */
#if RESPCHECK_VERIFY_FAST_PATH
  /* A second llhttp reads the chunked content too: both must frame it
   * alike (chunked.c, verify_*). */
  llhttp_t vllh;
  llhttp_settings_t v_settings;
  int v_state;       /* 0 reading, 1 done, 2 refused, -1 off */
  uint64_t v_end;    /* where it ended the message */
  const char *v_ptr; /* the buffer it reads, at stream offset */
  uint64_t v_abs;
  int v_done;                    /* respcheck ended the message ... */
  uint64_t v_our_end;            /* ... there */
  uint64_t v_count[2], v_sum[2]; /* content bytes and their offsets: ours,
                                    llhttp's */
#endif
  /* Content after a response to HEAD (PHASE_SKIP, stream.c). */
  uint64_t head_cl_end;  /* where its Content-Length would end it, or ~0 */
  unsigned skip_matched; /* bytes of "HTTP/" matched at a line start */

  /* The fast path (strict llhttp only): llhttp reads the head straight
   * from the caller's buffer and its span callbacks give the fields; a head
   * whose shape is not the plain one, or that llhttp refuses, is read again
   * from its start by the line pass (feed_head_fast, stream.c). Offsets are
   * from the head's first byte. */
  llhttp_t llh_saved;  /* llhttp as the head began, for that re-reading */
  int fast;            /* enum fast_mode */
  const char *fdata;   /* the buffer llhttp reads */
  size_t fold;         /* the head offset of fdata[0] */
  size_t fvalid;       /* head bytes in buf (when fold > 0) */
  const char *hbase;   /* the head's first byte, where its spans point */
  uintptr_t f_delta;   /* hbase + fold - fdata, as a number (fast.c) */
  size_t f_avail;      /* bytes of the caller's buffer from the head on */
  size_t f_end;        /* offset of the end of the bytes llhttp was given */
  size_t f_reason_end; /* offset of the end of the reason phrase */
  size_t f_next;       /* offset where the next line must start, or 0 */
  respcheck_header_t *f_cur; /* the field being read */
  const char *f_name_end;    /* where its name would go on, before a value */
  int f_phrase;              /* head_facts.phrase_known of the status line */
  /* Status lines the fast path has read: the code and reason of one whose
   * reason was text, and head_facts.phrase_known for it; by code. The same
   * line again (most of a connection's) needs neither read again. */
  struct status_memo {
    unsigned code, len;
    int phrase;
    char reason[32];
  } status_memo[STATUS_MEMO_WAYS];

  /* Which known fields check_field is given (the fast path records only
   * those), and the check of each, by index: a field whose rules are all
   * off has none, and costs nothing (fields.c, respcheck__value_masks). */
  unsigned read_kf;
  void (*value_check[KFI_COUNT])(respcheck_parser_t *p,
                                 const respcheck_header_t *h);
  /* The way long values are read a byte class at a time, for this CPU
   * (values_scan.c). */
  size_t (*class_run)(const struct rv_class *c, const char *v, size_t i,
                      size_t n);

  uint32_t cookie_at[RV_COOKIES_MAX]; /* indexes of the Set-Cookie lines */
  rv_memo_t memo[MEMO_COUNT];

  /* The first 16 bytes of the last IMF-fixdate read ("Sun, 06 Nov 1994")
   * and the time of that day's start: for Date, for the other fields, for
   * cookie expiry dates. A date on the same day is read from its time of
   * day alone (values_date.c). Zero: none yet. */
  uint64_t date_day[3][2];
  int64_t date_day_secs[3];
  /* The same for the year: bytes 11-15 of the last IMF-fixdate read
   * (" 1994"), the time its first day starts, whether it is a leap year
   * and the weekday of its first day (Monday 0). A date in the same year
   * is read from its month, day and time of day. Zero: none yet. */
  uint64_t date_year[3];
  int64_t date_year_secs[3];
  unsigned char date_year_leap[3], date_year_wd[3];

  char errbuf[160];
  char msg[384];
};

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

/* ------------------------------------------------------------------------ */
/* Byte classes (lines.c). */

/* tchar (RFC 9110 5.6.2): the bytes of a token, such as a field name. */
extern const unsigned char respcheck__token_char[256];
/* HTAB / SP / VCHAR / obs-text: field-vchar, OWS and reason-phrase bytes. */
extern const unsigned char respcheck__text_char[256];

static inline int respcheck__is_ows(char c) { return c == ' ' || c == '\t'; }

/* ------------------------------------------------------------------------ */
/* Scanning heads (lines.c, assemble.c). */

/* The index of the first byte c in d[i, n), or n. Heads are scanned line by
 * line: inline and 16 bytes at a time, it costs a few instructions a line
 * where a call to memchr costs tens. */
static inline size_t respcheck__find_byte(const char *d, size_t i, size_t n,
                                          char c) {
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

/* ------------------------------------------------------------------------ */
/* Small accessors. */

static inline respcheck_parser_t *respcheck__from_llhttp(llhttp_t *l) {
  return (respcheck_parser_t *)l->data;
}

/* The stream offset of ptr, a byte of the buffer llhttp is reading. */
static inline uint64_t respcheck__feed_offset(const respcheck_parser_t *p,
                                              const char *ptr) {
  return p->feed_abs + (uint64_t)(ptr - p->feed_ptr);
}

/* The request context of the response being read. */
static inline const respcheck_request_t *
respcheck__current_request(const respcheck_parser_t *p) {
  return p->q_len ? &p->queue[p->q_first] : &p->opts.default_request;
}

/* p->resp for the head read at head_abs (buf_len bytes, its first nfields
 * field lines in headers): its version and status (for a stream, those
 * llhttp read, which the stream is framed by), the registry's entry, the
 * request context. The rest is the semantic pass's (semantics.c, parts.c). */
static inline void respcheck__response_head(respcheck_parser_t *p,
                                            unsigned major, unsigned minor,
                                            int status, size_t nfields) {
  respcheck_response_t *r = &p->resp;
  r->index = p->msg_index;
  r->offset = p->head_abs;
  r->head_length = p->buf_len;
  r->version_major = (unsigned char)major;
  r->version_minor = (unsigned char)minor;
  r->status = status;
  r->info = respcheck_status_lookup(status);
  r->effective_status = respcheck__status_effective(status, r->info);
  r->headers = p->headers;
  r->header_count = nfields;
  r->request = *respcheck__current_request(p);
}

/* ------------------------------------------------------------------------ */
/* A head read where it lay, by the fast path. */

/* The spans read so far (and the reason, once set) point into to, where a
 * copy of the head's bytes is, instead of hbase. */
static inline void respcheck__fast_rebase(respcheck_parser_t *p, const char *to,
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
static inline void respcheck__fast_keep_head(respcheck_parser_t *p) {
  if (p->hbase != p->buf) {
    memcpy(p->buf, p->hbase, p->buf_len);
    respcheck__fast_rebase(p, p->buf, 1);
  }
}

/* ------------------------------------------------------------------------ */
/* What each stage offers the others. */

/* message.c: findings, the sticky error, message ends. */

/* A finding of rule at offset (absolute), at the severity the options
 * give it, counted for the current message; fmt makes its message. */
void respcheck__emit(respcheck_parser_t *p, respcheck_rule_t rule,
                     uint64_t offset, const char *fmt, ...)
    RC_PRINTF(4, 5) RC_COLD;
/* A fatal finding: rule reported at offset as respcheck__emit does, then
 * err made the sticky error with reason, at the same offset. Every stop on
 * bad input goes through here, so that a finding and its error agree. */
void respcheck__fail(respcheck_parser_t *p, respcheck_rule_t rule,
                     uint64_t offset, respcheck_errno_t err, const char *reason,
                     const char *fmt, ...) RC_PRINTF(6, 7) RC_COLD;
/* The sticky error without a finding (a callback asked to stop, or the
 * finding came earlier); the first error stays. */
void respcheck__set_error(respcheck_parser_t *p, respcheck_errno_t err,
                          uint64_t offset, const char *reason);
/* Untrusted bytes s[0, n) quoted for a message into out[0, cap). */
const char *respcheck__quote(char *out, size_t cap, const char *s,
                             size_t n) RC_COLD;
/* The end of the current message (on_message_end), with flags
 * (enum respcheck_end_flags); nothing when no message is open. */
void respcheck__end_message(respcheck_parser_t *p, uint64_t end,
                            unsigned flags);
/* The same, for a message stopped by an error or the end of the stream. */
void respcheck__abort_message(respcheck_parser_t *p, uint64_t end);
/* A head past one of its limits (rule): the finding, RESPCHECK_E_LIMIT with
 * reason, and the message ends at off. */
void respcheck__fail_limit(respcheck_parser_t *p, respcheck_rule_t rule,
                           uint64_t off, const char *reason);

/* stream.c: bytes that are not a status line after a response to HEAD,
 * the message opened at head_abs with buf_len of them in buf: head-content,
 * then they are skipped to the next status line. */
void respcheck__head_content(respcheck_parser_t *p);

/* assemble.c: the line pass gathers a head in buf and gives it to llhttp;
 * a head cut by the end of the stream, its lines as far as they go; an
 * obs-fold shown as spaces. */
size_t respcheck__feed_head(respcheck_parser_t *p, const char *data,
                            size_t len);
void respcheck__check_cut_head(respcheck_parser_t *p);
void respcheck__unfold(respcheck_parser_t *p);
/* lines.c: the line pass's checks. */
void respcheck__check_head_lines(respcheck_parser_t *p);
void respcheck__check_line_bytes(respcheck_parser_t *p);
/* The HTTP-version's digits (RFC 9112 2.3, RFC 9110 6.2), the version at
 * off; and a reason phrase s[0, n) at off (RFC 9112 4): its bytes and its
 * length. cr_reported: a CR in it is bare-cr's, not reported here. Both
 * also serve heads given as parts (parts.c). */
void respcheck__check_version(respcheck_parser_t *p, unsigned major,
                              unsigned minor, uint64_t off);
void respcheck__check_reason(respcheck_parser_t *p, const char *s, size_t n,
                             uint64_t off, int cr_reported);

/* The offset of byte i of a status line part that starts at off: off + i,
 * or off alone for a head given as parts (PF_PARTS), whose status line
 * findings all carry parts->offset. */
static inline uint64_t respcheck__part_at(const respcheck_parser_t *p,
                                          uint64_t off, size_t i) {
  return (p->flags & PF_PARTS) ? off : off + i;
}

/* fields.c: the values the rules read. */
/* read_kf, value_check and class_run, from the options' severities and
 * the CPU. */
void respcheck__value_masks(respcheck_parser_t *p);
/* Every field of the head, classified again. */
void respcheck__check_known_fields(respcheck_parser_t *p);
/* The same for a head the fast path read. */
void respcheck__check_plain_fields(respcheck_parser_t *p);

/* fast.c: the fast path. */
/* The fast path's head callbacks (on_message_complete is glue.c's). */
void respcheck__fast_settings(llhttp_settings_t *s);

/* semantics.c: the head once llhttp has read it; a head cut by the end of
 * the stream. */
int respcheck__head_complete(respcheck_parser_t *p, llhttp_t *l);
void respcheck__head_cut(respcheck_parser_t *p);
/* Its two passes, also run on heads given as parts (parts.c): the rules
 * of p->resp's status, version and known fields (p->facts), and the
 * framing decision (enum respcheck_framing). */
void respcheck__check_head_semantics(respcheck_parser_t *p);
unsigned respcheck__decide_framing(respcheck_parser_t *p);

/* stream.c: a message begins at offset (its index is the next one). */
void respcheck__open_message(respcheck_parser_t *p, uint64_t offset);
/* llhttp refused a head the line pass handed it, at off, after reading its
 * status line: the record keeps what was read before (PF_HEAD_KEPT). */
void respcheck__keep_refused_head(respcheck_parser_t *p, uint64_t off);

/* chunked.c: chunked content, from the byte after the head. */
void respcheck__chunked_begin(respcheck_parser_t *p);
size_t respcheck__feed_chunked(respcheck_parser_t *p, const char *data,
                               size_t len, uint64_t abs);
/* The trailer section ended at end: so does the message. */
void respcheck__chunked_done(respcheck_parser_t *p, uint64_t end);
/* A fatal syntax error in chunked content (parse-error), at off. */
void respcheck__chunked_fail(respcheck_parser_t *p, uint64_t off,
                             const char *what);

/* trailers.c: the trailer section, after the last chunk; returns the bytes
 * it read (the message ends at its last LF). */
size_t respcheck__feed_trailers(respcheck_parser_t *p, const char *data,
                                size_t len, uint64_t abs);

/* glue.c: driving llhttp. */
extern const char respcheck__head_mismatch[];
void respcheck__init_llhttp(respcheck_parser_t *p);
/* The current message was read to its end at stream offset end: it ends,
 * and the stream goes on as its framing says. */
void respcheck__message_done(respcheck_parser_t *p, uint64_t end);
size_t respcheck__llhttp_stopped(respcheck_parser_t *p, llhttp_errno_t e,
                                 const char *ptr, size_t len, uint64_t abs);

/* What the field lines say of framing (fields.c read their values); once a
 * head, by either path. */
static inline void respcheck__check_framing_fields(respcheck_parser_t *p) {
  if ((p->facts.seen & KF_TRANSFER_ENCODING) && p->facts.te_codings == 0)
    respcheck__emit(p, RESPCHECK_RULE_TRANSFER_ENCODING_INVALID,
                    p->facts.te_offset,
                    "Transfer-Encoding lists no transfer coding");
  if ((p->facts.seen & KF_CONTENT_LENGTH) &&
      (p->facts.seen & KF_TRANSFER_ENCODING)) {
    if (p->facts.te_codings)
      p->facts.llhttp_fix |= FIX_TE_OVERRIDES;
    respcheck__emit(p, RESPCHECK_RULE_FRAMING_CONFLICT,
                    p->facts.cl_offset > p->facts.te_offset
                        ? p->facts.cl_offset
                        : p->facts.te_offset,
                    "Content-Length and Transfer-Encoding in one response");
  }
}

/* What llhttp_execute(ptr, len) returned: the bytes it consumed. */
static inline size_t respcheck__llhttp_result(respcheck_parser_t *p,
                                              llhttp_errno_t e, const char *ptr,
                                              size_t len, uint64_t abs) {
  return e == HPE_OK ? len : respcheck__llhttp_stopped(p, e, ptr, len, abs);
}

/* Feeds llhttp; returns the bytes it consumed. */
static inline size_t respcheck__run_llhttp(respcheck_parser_t *p,
                                           const char *ptr, size_t len,
                                           uint64_t abs) {
  p->feed_ptr = ptr;
  p->feed_abs = abs;
  return respcheck__llhttp_result(p, llhttp_execute(&p->llh, ptr, len), ptr,
                                  len, abs);
}

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
