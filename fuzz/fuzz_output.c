/* SPDX-License-Identifier: MIT */
/*
 * fuzz_output: the command's output writers (tools/cli/output.c) on arbitrary
 * bytes. The input (fuzz_common.h, RCF_OUT_*) picks the format and options
 * and a file path of arbitrary bytes; the rest is either a response stream,
 * which a parser reads into the writers exactly as the command does (line
 * map, pins and all), or a list of made-up records (RCF_OUT_SYNTHETIC):
 * findings with any rule, severity and message, heads with any reason and
 * fields, ends, files and unreadable files, in any order.
 *
 * Checks: JSON Lines output is one valid JSON object per line (json_check.h:
 * strict grammar, well-formed UTF-8, no raw U+2028/U+2029, no duplicate
 * key); SARIF output is one valid JSON document; text output without colour
 * holds printable ASCII and newlines only, and with colour nothing else but
 * SGR sequences; rc_json_string decodes back to the bytes given (each byte
 * outside well-formed UTF-8 as the code point of its value),
 * rc_text_escaped is printable and as long as its escapes say; the line map
 * places every finding where counting the newlines does; the statistics add
 * up. The rule list is checked the same way in each format.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "json_check.h"
#include "output.h"
#include "respcheck.h"

/* ------------------------------------------------------------------------ */
/* Output checks. */

static void show(const char *what, const char *s, size_t len, size_t at) {
  size_t from = at > 200 ? at - 200 : 0, to = at + 200 < len ? at + 200 : len;
  fprintf(stderr, "%s, around byte %zu:\n%.*s\n", what, at, (int)(to - from),
          s + from);
}

static void check_json_doc(const char *s, size_t len, const char *what) {
  size_t at = 0;
  const char *err = NULL;
  if (jc_check(s, len, JC_NO_LINE_SEPARATORS, &at, &err) != 0) {
    show(what, s, len, at);
    CHECK(0, "%s is not valid JSON: %s at byte %zu", what, err, at);
  }
}

static void check_json_lines(const char *s, size_t len, const char *what) {
  size_t i = 0;
  while (i < len) {
    const char *nl = memchr(s + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - s) : len;
    CHECK(nl != NULL, "%s: last line without a newline", what);
    CHECK(e > i && s[i] == '{', "%s: a line that is not an object", what);
    check_json_doc(s + i, e - i, what);
    i = e + 1;
  }
}

static void check_text(const char *s, size_t len, int color, const char *what) {
  size_t i;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == 0x1b && color && i + 1 < len && s[i + 1] == '[') {
      /* SGR: ESC [ digits/semicolons m */
      size_t k = i + 2;
      while (k < len && ((s[k] >= '0' && s[k] <= '9') || s[k] == ';'))
        k++;
      CHECK(k < len && s[k] == 'm', "%s: escape that is not SGR at %zu", what,
            i);
      i = k;
      continue;
    }
    if (!((c >= 0x20 && c < 0x7f) || c == '\n')) {
      show(what, s, len, i);
      CHECK(0, "%s: raw byte %#x at %zu", what, c, i);
    }
  }
}

static void check_output(const char *s, size_t len, rc_format_t fmt, int color,
                         const char *what) {
  switch (fmt) {
  case RC_FORMAT_JSON:
    check_json_lines(s, len, what);
    break;
  case RC_FORMAT_SARIF:
    check_json_doc(s, len, what);
    break;
  default:
    check_text(s, len, color, what);
    break;
  }
}

/* The code points rc_json_string must give back for the bytes: well-formed
 * UTF-8 decoded, every other byte as itself (output.h). */
static size_t expect_cps(const unsigned char *s, size_t n, uint32_t *out) {
  size_t i = 0, o = 0;
  while (i < n) {
    unsigned char c = s[i];
    size_t len = 0, k;
    unsigned char lo = 0x80, hi = 0xBF;
    uint32_t v = 0;
    if (c >= 0xC2 && c <= 0xDF)
      len = 2, v = c & 0x1Fu;
    else if (c >= 0xE0 && c <= 0xEF)
      len = 3, v = c & 0x0Fu, lo = c == 0xE0 ? 0xA0 : 0x80,
      hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
      len = 4, v = c & 0x07u, lo = c == 0xF0 ? 0x90 : 0x80,
      hi = c == 0xF4 ? 0x8F : 0xBF;
    if (len && n - i >= len && s[i + 1] >= lo && s[i + 1] <= hi) {
      for (k = 1; k < len; k++) {
        if (k > 1 && (s[i + k] < 0x80 || s[i + k] > 0xBF))
          break;
        v = v << 6 | (s[i + k] & 0x3Fu);
      }
      if (k == len) {
        out[o++] = v;
        i += len;
        continue;
      }
    }
    out[o++] = c;
    i++;
  }
  return o;
}

static void check_escapers(const char *s, size_t n) {
  char *buf = NULL;
  size_t len = 0, got = 0, want, i, esc = 0;
  uint32_t *a = malloc((n + 1) * sizeof(*a)), *b = malloc((n + 1) * sizeof(*b));
  FILE *fp = open_memstream(&buf, &len);
  CHECK(fp && a && b, "out of memory");
  rc_json_string(fp, s, n);
  CHECK(fclose(fp) == 0, "memstream");
  check_json_doc(buf, len, "rc_json_string");
  CHECK(jc_decode_string(buf, len, JC_NO_LINE_SEPARATORS, a, n + 1, &got) == 0,
        "rc_json_string output does not decode");
  want = expect_cps((const unsigned char *)s, n, b);
  CHECK(got == want && memcmp(a, b, got * sizeof(*a)) == 0,
        "rc_json_string does not decode to its input (%zu code points, "
        "expected %zu)",
        got, want);
  free(buf);
  buf = NULL;
  fp = open_memstream(&buf, &len);
  CHECK(fp != NULL, "out of memory");
  rc_text_escaped(fp, s, n);
  CHECK(fclose(fp) == 0, "memstream");
  check_text(buf, len, 0, "rc_text_escaped");
  for (i = 0; i < n; i++)
    if (!((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f))
      esc++;
  CHECK(len == n + 3 * esc, "rc_text_escaped wrote %zu bytes for %zu + %zu",
        len, n, esc);
  free(buf);
  free(a);
  free(b);
}

/* ------------------------------------------------------------------------ */
/* Parser mode: the command's wiring (tools/cli/stream.c). */

typedef struct app {
  rc_out_t *out;
  rc_linemap_t *map;
  const uint8_t *in;
  uint64_t fed;
  int locate;
} app_t;

static void naive_place(const uint8_t *in, uint64_t off, uint64_t *line,
                        uint64_t *col) {
  uint64_t i, l = 1, start = 0;
  for (i = 0; i < off; i++)
    if (in[i] == '\n')
      l++, start = i + 1;
  *line = l;
  *col = off - start + 1;
}

static void on_finding(void *u, const respcheck_finding_t *f) {
  app_t *a = u;
  if (a->locate) {
    uint64_t line = 0, col = 0, wl, wc;
    if (rc_linemap_locate(a->map, f->offset, &line, &col) == 0) {
      naive_place(a->in, f->offset, &wl, &wc);
      CHECK(line == wl && col == wc,
            "line map places %llu at %llu:%llu, counting says %llu:%llu",
            (unsigned long long)f->offset, (unsigned long long)line,
            (unsigned long long)col, (unsigned long long)wl,
            (unsigned long long)wc);
    }
  }
  rc_out_finding(a->out, f);
}

static int on_head(void *u, const respcheck_response_t *r) {
  app_t *a = u;
  rc_linemap_pin(a->map, r->offset);
  rc_out_response_head(a->out, r);
  return 0;
}

static void on_end(void *u, const respcheck_message_end_t *m) {
  app_t *a = u;
  rc_linemap_pin(a->map, m->end_offset);
  rc_out_response_end(a->out, m);
}

static void run_parser(rc_out_t *out, const respcheck_options_t *opts,
                       const char *path, size_t chunk, const uint8_t *in,
                       size_t len, int locate) {
  respcheck_callbacks_t cb = {on_finding, on_head, NULL, on_end, NULL};
  app_t a;
  size_t off = 0, window, i;
  respcheck_parser_t *p;

  memset(&a, 0, sizeof(a));
  a.out = out;
  a.in = in;
  a.locate = locate;
  window = rc_linemap_window(opts, chunk ? chunk : len);
  a.map = rc_linemap_new(window);
  p = respcheck_parser_new(opts, &cb, &a);
  CHECK(a.map && p, "out of memory");
  rc_out_begin_file(out, path, locate ? rc_linemap_locate : NULL, a.map);
  while (off < len) {
    size_t n = chunk && len - off > chunk ? chunk : len - off;
    rc_linemap_feed(a.map, (const char *)in + off, n);
    a.fed += n;
    off += n;
    if (respcheck_execute(p, (const char *)in + off - n, n) != RESPCHECK_E_OK ||
        respcheck_parser_in_tunnel(p))
      break;
  }
  (void)respcheck_finish(p);
  rc_out_end_file(out);

  /* The line map places every offset of the last window, and the end. */
  for (i = 0; i <= 16 && a.fed; i++) {
    uint64_t back = a.fed < window ? a.fed : window;
    uint64_t o = a.fed - back * i / 16, line, col, wl, wc;
    CHECK(rc_linemap_locate(a.map, o, &line, &col) == 0,
          "line map cannot place %llu, %llu bytes fed, window %zu",
          (unsigned long long)o, (unsigned long long)a.fed, window);
    naive_place(in, o, &wl, &wc);
    CHECK(line == wl && col == wc,
          "line map places %llu at %llu:%llu, counting says %llu:%llu",
          (unsigned long long)o, (unsigned long long)line,
          (unsigned long long)col, (unsigned long long)wl,
          (unsigned long long)wc);
  }
  CHECK(rc_linemap_locate(a.map, a.fed + 1, &a.fed, &a.fed) == -1,
        "line map placed an offset past the end");
  respcheck_parser_free(p);
  rc_linemap_free(a.map);
}

/* ------------------------------------------------------------------------ */
/* Synthetic mode: made-up records in any order. */

typedef struct rd {
  const uint8_t *p;
  size_t n, i;
} rd_t;

static unsigned u8(rd_t *r) { return r->i < r->n ? r->p[r->i++] : 0; }

static unsigned u16(rd_t *r) {
  unsigned lo = u8(r);
  return lo | u8(r) << 8;
}

/* A length byte, then that many bytes, into buf (NUL-terminated). */
static size_t str(rd_t *r, char *buf) {
  size_t n = u8(r);
  if (n > r->n - r->i)
    n = r->n - r->i;
  memcpy(buf, r->p + r->i, n);
  buf[n] = '\0';
  r->i += n;
  return n;
}

static void run_synthetic(rc_out_t *out, const uint8_t *in, size_t len,
                          int *in_file) {
  rd_t r = {in, len, 0};
  static char s1[256], s2[256], s3[256];
  static char names[8][256], values[8][256];
  respcheck_header_t hs[8];

  while (r.i < r.n) {
    switch (u8(&r) % 6) {
    case 0:
      str(&r, s1);
      rc_out_begin_file(out, s1, NULL, NULL);
      *in_file = 1;
      break;
    case 1: {
      respcheck_finding_t f;
      unsigned rule = u8(&r), how = u8(&r);
      f.rule = (respcheck_rule_t)(rule == 255 ? -1 : (int)rule);
      f.severity = (respcheck_severity_t)(u8(&r) % 6);
      f.offset = u16(&r);
      f.response_index = u8(&r) % 4;
      str(&r, s1);
      f.message = (how & 3) == 0 ? NULL : s1;
      str(&r, s2);
      f.id = (how >> 2 & 3) == 0   ? NULL
             : (how >> 2 & 3) == 1 ? respcheck_rule_id(f.rule)
                                   : s2;
      str(&r, s3);
      f.reference = (how >> 4 & 3) == 0   ? NULL
                    : (how >> 4 & 3) == 1 ? respcheck_rule_reference(f.rule)
                                          : s3;
      rc_out_finding(out, &f);
      break;
    }
    case 2: {
      respcheck_response_t h;
      unsigned v, k;
      memset(&h, 0, sizeof(h));
      h.index = u8(&r) % 4;
      h.offset = u16(&r);
      h.head_length = u16(&r);
      h.status = (int)(u16(&r) % 1000);
      h.effective_status = respcheck_status_effective(h.status);
      h.info = respcheck_status_lookup(h.status);
      v = u8(&r);
      h.version_major = (unsigned char)(v >> 4 & 7);
      h.version_minor = (unsigned char)(v & 15);
      h.reason.len = str(&r, s1);
      h.reason.ptr = s1;
      h.header_count = u8(&r) % 9;
      for (k = 0; k < h.header_count; k++) {
        hs[k].name.len = str(&r, names[k]);
        hs[k].name.ptr = names[k];
        hs[k].value.len = str(&r, values[k]);
        hs[k].value.ptr = values[k];
        hs[k].offset = h.offset + k;
      }
      h.headers = hs;
      h.verdict = (respcheck_verdict_t)(v >> 7);
      h.request.method = RESPCHECK_METHOD_GET;
      rc_out_response_head(out, &h);
      break;
    }
    case 3: {
      respcheck_message_end_t m;
      memset(&m, 0, sizeof(m)); /* m.response: NULL, no head read */
      m.index = u8(&r) % 4;
      m.offset = u16(&r);
      m.end_offset = m.offset + u16(&r);
      m.flags = u8(&r) & 7;
      m.verdict = (respcheck_verdict_t)(m.flags >> 2 & 1);
      m.error_count = u8(&r);
      m.warning_count = u8(&r);
      m.info_count = u8(&r);
      rc_out_response_end(out, &m);
      break;
    }
    case 4:
      rc_out_end_file(out);
      *in_file = 0;
      break;
    default:
      str(&r, s1);
      str(&r, s2);
      if (!*in_file)
        rc_out_file_error(out, s1, s2);
      break;
    }
  }
}

/* ------------------------------------------------------------------------ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static unsigned char severity[RESPCHECK_RULE_MAX];
  rc_out_config_t cfg;
  respcheck_options_t opts;
  rc_out_stats_t st;
  rc_out_t *out;
  unsigned flags = size > 0 ? data[0] : 0;
  size_t chunk = size > 1 ? data[1] : 0;
  size_t plen = size > 2 ? data[2] : 0, skip;
  char path[256];
  char *buf = NULL;
  size_t len = 0;
  FILE *fp;
  int in_file = 0, rc;

  if (plen > (size > 3 ? size - 3 : 0))
    plen = size > 3 ? size - 3 : 0;
  if (plen)
    memcpy(path, data + 3, plen);
  path[plen] = '\0';
  skip = size < 3 ? size : 3 + plen;

  check_escapers(path, plen);
  check_escapers((const char *)data + skip,
                 size - skip < 4096 ? size - skip : 4096);

  respcheck_options_init(&opts);
  if (flags & RCF_OUT_SEVERITIES) {
    uint32_t seed = (uint32_t)chunk * 2654435761u;
    size_t i;
    for (i = 0; i < RESPCHECK_RULE_COUNT; i++)
      opts.severity[i] = (unsigned char)(rcf_next(&seed) % 4);
  }
  memcpy(severity, opts.severity, sizeof(severity));
  memset(&cfg, 0, sizeof(cfg));
  cfg.format = (flags & RCF_OUT_FORMAT) == 2   ? RC_FORMAT_SARIF
               : (flags & RCF_OUT_FORMAT) == 0 ? RC_FORMAT_TEXT
                                               : RC_FORMAT_JSON;
  cfg.quiet = (flags & RCF_OUT_QUIET) != 0;
  cfg.summary = (flags & RCF_OUT_SUMMARY) != 0;
  cfg.color = (flags & RCF_OUT_COLOR) != 0;
  cfg.severity = (flags & RCF_OUT_SEVERITIES) ? severity : NULL;
  cfg.tool_version = (chunk & 0x80) ? path : NULL;

  fp = open_memstream(&buf, &len);
  CHECK(fp != NULL, "out of memory");
  out = rc_out_new(fp, &cfg);
  CHECK(out != NULL, "out of memory");
  if (flags & RCF_OUT_SYNTHETIC) {
    run_synthetic(out, data + skip, size - skip, &in_file);
  } else {
    run_parser(out, &opts, path, chunk, data + skip, size - skip,
               !(flags & RCF_OUT_NO_LOCATE));
    /* A second file that cannot be read. */
    rc_out_file_error(out, path, "Permission denied");
  }
  rc = rc_out_finish(out);
  rc_out_get_stats(out, &st);
  rc_out_free(out);
  CHECK(fclose(fp) == 0, "memstream");
  CHECK(rc == 0, "rc_out_finish failed without an allocation failure");
  CHECK(st.responses == st.accepted + st.rejected,
        "%llu responses, %llu accepted, %llu rejected",
        (unsigned long long)st.responses, (unsigned long long)st.accepted,
        (unsigned long long)st.rejected);
  check_output(buf, len, cfg.format, cfg.color, "output");
  free(buf);

  /* The rule list, in the same format (the synthetic mode has no use for
   * the locator flag: together they ask for it). */
  if ((flags & (RCF_OUT_SYNTHETIC | RCF_OUT_NO_LOCATE)) !=
      (RCF_OUT_SYNTHETIC | RCF_OUT_NO_LOCATE))
    return 0;
  buf = NULL;
  fp = open_memstream(&buf, &len);
  CHECK(fp != NULL, "out of memory");
  CHECK(rc_out_list_rules(fp, &cfg) == 0, "rc_out_list_rules failed");
  CHECK(fclose(fp) == 0, "memstream");
  check_output(buf, len, cfg.format, 0, "rule list");
  free(buf);
  return 0;
}
