/* SPDX-License-Identifier: MIT */
/*
 * Bytes out, for the respcheck command and respcheck-proxy: a sink (a FILE
 * or a growable buffer) and the two escapers every byte of input passes
 * through before it is written, so that both tools obey one set of rules.
 *
 * JSON strings (rc_sink_json): the output is always valid JSON and valid
 * UTF-8. Well-formed UTF-8 passes through, except the C1 controls
 * U+0080-U+009F (U+0085 ends lines for some readers, U+009B is a terminal's
 * CSI) and U+2028/U+2029 (line ends in JavaScript), written as \uXXXX; '"',
 * '\\' and control bytes (0x00-0x1F, 0x7F) are escaped; every byte that is
 * not part of a well-formed UTF-8 sequence (overlong forms, surrogates, code
 * points above U+10FFFF, truncated sequences) is written as \u00HH, the code
 * point with the byte's value. That is lossy in one way only: such a byte
 * reads back as the Latin-1 character of the same value (the byte 0xFF and a
 * well-formed "\xC3\xBF" both read back as U+00FF, the latter unescaped).
 *
 * Text (rc_sink_text): printable ASCII (0x20-0x7E) as is, every other byte
 * as \xHH, so no terminal control sequence, line break or invalid UTF-8 of
 * the input gets out raw. A backslash stays as is: the library's messages
 * already quote bytes as \xHH, and doubling it would only hurt reading.
 */
#ifndef RESPCHECK_TOOLS_JSON_H
#define RESPCHECK_TOOLS_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A growable byte buffer. On allocation failure it stops growing and sets
 * *oom (which must point somewhere); what it holds stays consistent: the
 * write is dropped. */
typedef struct rc_buf {
  char *p;
  size_t len, cap;
  int *oom;
} rc_buf_t;

/* Room for more bytes after len: 0, or -1 with *oom set. */
int rc_buf_reserve(rc_buf_t *b, size_t more);
void rc_buf_put(rc_buf_t *b, const void *s, size_t n);
void rc_buf_str(rc_buf_t *b, const char *s);
void rc_buf_free(rc_buf_t *b);

/* Where bytes go: fp when buf is NULL. A FILE's write errors are left to
 * ferror(). */
typedef struct rc_sink {
  FILE *fp;
  rc_buf_t *buf;
} rc_sink_t;

void rc_sink_put(const rc_sink_t *s, const char *p, size_t n);
void rc_sink_str(const rc_sink_t *s, const char *str);
void rc_sink_u64(const rc_sink_t *s, uint64_t v);
void rc_sink_i64(const rc_sink_t *s, int64_t v);
/* A JSON string with its quotes, escaped as above. */
void rc_sink_json(const rc_sink_t *s, const char *str, size_t len);
/* The same for a NUL-terminated string; NULL is written as null. */
void rc_sink_json_cstr(const rc_sink_t *s, const char *str);
/* Text, escaped as above. */
void rc_sink_text(const rc_sink_t *s, const char *str, size_t len);

/* Length of the well-formed UTF-8 sequence at s, n > 0 bytes there
 * (Unicode 15, table 3-7: no overlong forms, no surrogates, nothing above
 * U+10FFFF), or 0: the unit both escapers read bytes in. */
size_t rc_utf8_seq_len(const unsigned char *s, size_t n);

/* The escapers on a FILE (the fuzz harness and the tests call these). */
void rc_json_string(FILE *fp, const char *s, size_t len);
void rc_text_escaped(FILE *fp, const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* RESPCHECK_TOOLS_JSON_H */
