/* SPDX-License-Identifier: MIT */
/*
 * The record layer: splits the decompressed stream into WARC records
 * (ISO 28500:2017, WARC/1.1 section 4; WARC/1.0 is the same grammar):
 *
 *   warc-record  = header CRLF block CRLF CRLF
 *   header       = version warc-fields
 *   version      = "WARC/1.1" CRLF   (or "WARC/1.0")
 *   warc-fields  = *named-field CRLF
 *   block        = *OCTET            (exactly Content-Length octets)
 *
 * The header section is gathered in a buffer of max_header_bytes; the block
 * is streamed to lint.c as it arrives and never held here. Between records
 * any run of CR and LF is skipped (writers differ in what they put after a
 * block); anything else must be the next "WARC/1.x" line.
 */
#include <string.h>

#include "warc_internal.h"

int warc__span_ieq(respcheck_span_t s, const char *lit) {
  size_t i, n = strlen(lit);
  if (s.len != n)
    return 0;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    if (c >= 'A' && c <= 'Z')
      c = (unsigned char)(c + ('a' - 'A'));
    if (c != (unsigned char)lit[i])
      return 0;
  }
  return 1;
}

uint64_t warc__id_hash(respcheck_span_t id) {
  uint64_t h = 14695981039346656037u;
  size_t s = 0, e = id.len;
  while (s < e && (id.ptr[s] == ' ' || id.ptr[s] == '\t'))
    s++;
  while (e > s && (id.ptr[e - 1] == ' ' || id.ptr[e - 1] == '\t'))
    e--;
  if (e - s >= 2 && id.ptr[s] == '<' && id.ptr[e - 1] == '>') {
    s++;
    e--;
  }
  if (s == e)
    return 0; /* no id: ties nothing */
  for (; s < e; s++) {
    h ^= (unsigned char)id.ptr[s];
    h *= 1099511628211u;
  }
  return h ? h : 1;
}

static int is_ws(char c) { return c == ' ' || c == '\t'; }

static respcheck_span_t trimmed(const char *s, size_t n) {
  respcheck_span_t v;
  while (n > 0 && (is_ws(*s) || *s == '\r' || *s == '\n')) {
    s++;
    n--;
  }
  while (n > 0 && (is_ws(s[n - 1]) || s[n - 1] == '\r' || s[n - 1] == '\n'))
    n--;
  v.ptr = s;
  v.len = n;
  return v;
}

/* Content-Length = 1*DIGIT (WARC/1.1 5.3). */
static int parse_length(respcheck_span_t v, uint64_t *out) {
  uint64_t n = 0;
  size_t i;
  if (v.len == 0)
    return -1;
  for (i = 0; i < v.len; i++) {
    unsigned d = (unsigned)((unsigned char)v.ptr[i] - '0');
    if (d > 9 || n > (UINT64_MAX - d) / 10)
      return -1;
    n = n * 10 + d;
  }
  *out = n;
  return 0;
}

/* One named field; folded continuation lines extend the last one read. */
static respcheck_span_t *field_slot(warc_header_t *h, respcheck_span_t name) {
  switch (name.len) {
  case 9:
    return warc__span_ieq(name, "warc-type") ? &h->type : NULL;
  case 12:
    if (warc__span_ieq(name, "content-type"))
      return &h->content_type;
    return warc__span_ieq(name, "warc-profile") ? &h->profile : NULL;
  case 14:
    if (warc__span_ieq(name, "warc-record-id"))
      return &h->record_id;
    return warc__span_ieq(name, "warc-truncated") ? &h->truncated : NULL;
  case 15:
    return warc__span_ieq(name, "warc-target-uri") ? &h->target_uri : NULL;
  case 18:
    if (warc__span_ieq(name, "warc-concurrent-to") &&
        h->nconcurrent < WARC_MAX_CONCURRENT)
      return &h->concurrent[h->nconcurrent++];
    return NULL;
  default:
    return NULL;
  }
}

/* Parses the header section in r->hdr[0, hdr_len): the version line was
 * checked already. Returns 0, or -1 after warc__fail. */
static int parse_header(respcheck_warc_reader_t *r) {
  warc_header_t *h = &r->h;
  const char *b = r->hdr;
  size_t n = r->hdr_len, ls;
  respcheck_span_t *last = NULL;
  const char *nl = memchr(b, '\n', n);

  memset(h, 0, sizeof(*h));
  ls = (size_t)(nl - b) + 1; /* past the version line */
  while (ls < n) {
    const char *e = memchr(b + ls, '\n', n - ls);
    size_t le = (size_t)(e - b), ce = le;
    const char *colon;
    respcheck_span_t name;
    if (ce > ls && b[ce - 1] == '\r')
      ce--;
    if (ce == ls)
      break; /* the empty line */
    if (is_ws(b[ls])) {
      /* A folded line (LWS, WARC/1.1 4): the value goes on. */
      if (last && last->len > 0)
        last->len = (size_t)(b + ce - last->ptr);
      ls = le + 1;
      continue;
    }
    colon = memchr(b + ls, ':', ce - ls);
    if (colon == NULL || colon == b + ls) {
      warc__fail(r, RESPCHECK_WARC_E_FORMAT,
                 warc__file_offset(r, r->rec_doff + ls),
                 "record %llu: WARC header line %s (decompressed byte %llu)",
                 (unsigned long long)r->rec_number,
                 colon ? "with an empty field name" : "without a colon",
                 (unsigned long long)(r->rec_doff + ls));
      return -1;
    }
    name.ptr = b + ls;
    name.len = (size_t)(colon - name.ptr);
    if (name.len == 14 && warc__span_ieq(name, "content-length")) {
      respcheck_span_t v = trimmed(colon + 1, (size_t)(b + ce - colon - 1));
      if (parse_length(v, &h->length) != 0) {
        warc__fail(r, RESPCHECK_WARC_E_FORMAT, r->rec_offset,
                   "record %llu: its Content-Length is not a decimal number",
                   (unsigned long long)r->rec_number);
        return -1;
      }
      h->has_length = 1;
      last = NULL;
    } else if (name.len == 19 && warc__span_ieq(name, "warc-segment-number")) {
      h->segmented = 1;
      last = NULL;
    } else {
      last = field_slot(h, name);
      if (last)
        *last = trimmed(colon + 1, (size_t)(b + ce - colon - 1));
    }
    ls = le + 1;
  }
  if (!h->has_length) {
    warc__fail(r, RESPCHECK_WARC_E_FORMAT, r->rec_offset,
               "record %llu: no Content-Length in its WARC header",
               (unsigned long long)r->rec_number);
    return -1;
  }
  return 0;
}

/* The version line, as far as it has arrived: "WARC/1.0" or "WARC/1.1"
 * (WARC/1.1 4 and 5.1). Returns 0 while it may still be right. */
static int check_version(respcheck_warc_reader_t *r, int complete) {
  static const char v[] = "WARC/";
  const char *b = r->hdr;
  size_t n = r->hdr_len, k = n < 5 ? n : 5, e;
  uint64_t at = r->rec_doff;

  if (memcmp(b, v, k) != 0) {
    warc__fail(r, RESPCHECK_WARC_E_FORMAT, warc__file_offset(r, at),
               "%s: no WARC/1.x line where a record must begin "
               "(decompressed byte %llu)",
               r->seen_record ? "after the block of the previous record"
                              : "not a WARC file",
               (unsigned long long)at);
    return -1;
  }
  if (!complete)
    return 0;
  e = n;
  while (e > 0 && (b[e - 1] == '\n' || b[e - 1] == '\r'))
    e--;
  if (e != 8 || memcmp(b, "WARC/1.", 7) != 0 || (b[7] != '0' && b[7] != '1')) {
    warc__fail(r, RESPCHECK_WARC_E_FORMAT, warc__file_offset(r, at),
               "record %llu: unsupported version line (WARC/1.0 and "
               "WARC/1.1 are read; decompressed byte %llu)",
               (unsigned long long)r->records, (unsigned long long)at);
    return -1;
  }
  r->version_ok = 1;
  return 0;
}

static void end_block(respcheck_warc_reader_t *r) {
  r->rstate = WARC_RS_GAP;
  warc__record_end(r);
}

void warc__records_feed(respcheck_warc_reader_t *r, const char *d, size_t n) {
  size_t i = 0;
  while (i < n && r->error == RESPCHECK_WARC_E_OK) {
    switch (r->rstate) {
    case WARC_RS_GAP:
      while (i < n && (d[i] == '\r' || d[i] == '\n'))
        i++;
      if (i == n)
        break;
      r->rec_doff = r->doff + i;
      r->rec_offset = warc__file_offset(r, r->rec_doff);
      r->rec_number = r->records;
      r->hdr_len = 0;
      r->line_start = 0;
      r->version_ok = 0;
      r->rstate = WARC_RS_HEADER;
      break;
    case WARC_RS_HEADER: {
      const char *lf = memchr(d + i, '\n', n - i);
      size_t take = lf ? (size_t)(lf - (d + i)) + 1 : n - i;
      size_t ll;
      if (take > r->hdr_cap - r->hdr_len) {
        if (!r->version_ok) {
          /* Too long for a version line: say what is wrong with it. */
          size_t fit = r->hdr_cap - r->hdr_len;
          memcpy(r->hdr + r->hdr_len, d + i, fit);
          r->hdr_len += fit;
          if (check_version(r, 1) != 0)
            return;
        }
        warc__fail(r, RESPCHECK_WARC_E_LIMIT, r->rec_offset,
                   "record %llu: WARC header section larger than the limit "
                   "of %zu bytes",
                   (unsigned long long)r->rec_number, r->hdr_cap);
        return;
      }
      memcpy(r->hdr + r->hdr_len, d + i, take);
      r->hdr_len += take;
      i += take;
      if (!r->version_ok && check_version(r, lf != NULL) != 0)
        return;
      if (lf == NULL)
        break;
      ll = r->hdr_len - r->line_start;
      r->line_start = r->hdr_len;
      if (r->hdr_len == ll ||
          !(ll == 1 || (ll == 2 && r->hdr[r->hdr_len - 2] == '\r')))
        break; /* the version line, or a field line */
      /* The empty line: the header section is complete. */
      r->records++;
      r->seen_record = 1;
      if (parse_header(r) != 0)
        return;
      r->remaining = r->h.length;
      r->block_seen = 0;
      r->rstate = WARC_RS_BLOCK;
      r->doff += i; /* lint.c reads the offset of the block's start */
      d += i;
      n -= i;
      i = 0;
      warc__record_begin(r);
      if (r->error == RESPCHECK_WARC_E_OK && r->remaining == 0)
        end_block(r);
      break;
    }
    case WARC_RS_BLOCK: {
      size_t take = n - i;
      if ((uint64_t)take > r->remaining)
        take = (size_t)r->remaining;
      warc__block(r, d + i, take);
      i += take;
      r->remaining -= take;
      r->block_seen += take;
      if (r->remaining == 0 && r->error == RESPCHECK_WARC_E_OK)
        end_block(r);
      break;
    }
    default:
      return;
    }
  }
  r->doff += n;
}

int warc__records_finish(respcheck_warc_reader_t *r) {
  switch (r->rstate) {
  case WARC_RS_HEADER:
    if (!r->version_ok && check_version(r, 1) != 0)
      return -1;
    warc__fail(r, RESPCHECK_WARC_E_TRUNCATED, r->rec_offset,
               "record %llu: the file ends inside its WARC header",
               (unsigned long long)r->rec_number);
    return -1;
  case WARC_RS_BLOCK:
    warc__fail(
        r, RESPCHECK_WARC_E_TRUNCATED, r->rec_offset,
        "record %llu: its Content-Length of %llu bytes runs past the end "
        "of the file (%llu bytes of its block are there)",
        (unsigned long long)r->rec_number, (unsigned long long)r->h.length,
        (unsigned long long)r->block_seen);
    return -1;
  default:
    break;
  }
  if (!r->seen_record) {
    warc__fail(r, RESPCHECK_WARC_E_FORMAT, r->opts.first_offset,
               "not a WARC file: %s",
               r->doff ? "no WARC record in it" : "it is empty");
    return -1;
  }
  return 0;
}
