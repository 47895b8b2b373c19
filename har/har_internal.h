/* SPDX-License-Identifier: MIT */
/*
 * The HAR reader's state, shared by its two files (not installed):
 *
 *   json.c    the file's bytes -> yajl, in whole tokens and bounded memory
 *   reader.c  yajl's events -> the HAR structure -> entries checked
 */
#ifndef RESPCHECK_HAR_INTERNAL_H
#define RESPCHECK_HAR_INTERNAL_H

#include <stdint.h>
#include <yajl/yajl_parse.h>

#include "respcheck.h"
#include "respcheck_har.h"

#if defined(__GNUC__)
#define HAR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define HAR_PRINTF(f, a)
#endif

#define HAR_METHOD_MAX 32u
#define HAR_VERSION_MAX 16u
/* No offset (pend_cut, seg_cut). */
#define HAR_NONE ((size_t)-1)

typedef struct field {
  size_t name_at, name_len, value_at, value_len;
} field_t;

struct respcheck_har_reader {
  respcheck_har_options_t opts;
  respcheck_har_callbacks_t cb;
  void *user;
  respcheck_parser_t *p;
  yajl_handle y;

  respcheck_har_errno_t error;
  uint64_t error_offset;
  int finished;
  char errbuf[320];
  char msg[400];

  /* json.c: the feed before yajl. */
  uint64_t in_offset; /* file bytes consumed so far */
  unsigned bom;       /* bytes of a byte order mark seen; 3: past it */
  int in_string, cutting, escape;
  size_t str_len, tok_len, depth;
  /* A token (string or scalar) begun in an earlier call: its bytes so far,
   * handed to yajl in one call once it ends. A cut string's skipped bytes
   * sit between pend[pend_cut - 1] and pend[pend_cut] in the file. */
  int tok_open;
  unsigned char *pend;
  size_t pend_len, pend_cap, pend_cut;
  uint64_t pend_base, pend_skip;
  /* What yajl is reading now: file offset of its first byte, and a gap. */
  uint64_t seg_base, seg_skip;
  size_t seg_cut;

  /* The structure. */
  unsigned char *slots; /* per nesting level, max_depth + 2 */
  size_t level;         /* slots[level - 1] is the current container */
  int key;              /* enum key: the value that comes next */
  int seen_root, seen_entries, done;

  /* The entry being read. */
  uint64_t entries;
  respcheck_har_entry_t entry;
  int in_entry;
  char method[HAR_METHOD_MAX];
  char req_version[HAR_VERSION_MAX];
  char resp_version[HAR_VERSION_MAX];
  char *url;
  int has_status;
  int status;
  char *reason;
  size_t reason_len, reason_cap;
  char *hbuf; /* header names and values */
  size_t hbuf_len, hbuf_cap;
  field_t *fields;
  size_t nfields, fields_cap;
  field_t cur; /* the header object being read */
  int cur_name, cur_value;
  respcheck_header_t *heads; /* the parts handed to the check */
  const respcheck_har_entry_t *current;
};

/* reader.c: the callbacks that follow the HAR structure. */
extern const yajl_callbacks har__callbacks;

/* Sets the sticky error (the first one wins). */
void har__fail(respcheck_har_reader_t *r, respcheck_har_errno_t err,
               uint64_t offset, const char *fmt, ...) HAR_PRINTF(4, 5);
/* The printable ASCII of s[0, n) but '"' and '\\', for a message (a
 * version string, yajl's message); other bytes are dropped. */
const char *har__printable(char *out, size_t cap, const char *s, size_t n);

/* json.c. */
void har__json_reset(respcheck_har_reader_t *r);
respcheck_har_errno_t har__json_feed(respcheck_har_reader_t *r,
                                     const unsigned char *d, size_t len);
respcheck_har_errno_t har__json_finish(respcheck_har_reader_t *r);
/* The file offset of the byte yajl has read up to (in a callback: just
 * past the token it reports). */
uint64_t har__json_offset(const respcheck_har_reader_t *r);

#endif
