/* SPDX-License-Identifier: MIT */
/*
 * A strict JSON checker for the output harness: RFC 8259 grammar, strings
 * of well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF) with no raw control character, \u escapes whose
 * surrogates pair up, no duplicate key in an object, nesting at most
 * JC_MAX_DEPTH deep.
 */
#ifndef RESPCHECK_FUZZ_JSON_CHECK_H
#define RESPCHECK_FUZZ_JSON_CHECK_H

#include <stddef.h>
#include <stdint.h>

#define JC_MAX_DEPTH 256

enum jc_flags {
  JC_NO_LINE_SEPARATORS = 1 /* U+2028 and U+2029 must be escaped */
};

/* 0 when s[0..len) is one JSON value with optional whitespace around it;
 * else -1, with the offset of the fault and what it is. */
int jc_check(const char *s, size_t len, unsigned flags, size_t *err_at,
             const char **err);

/* Decodes the JSON string s[0..len) (quotes included, nothing after) into
 * code points: out[0..*n). 0 on success, -1 when it is not exactly one
 * valid string or cap is too small. */
int jc_decode_string(const char *s, size_t len, unsigned flags, uint32_t *out,
                     size_t cap, size_t *n);

#endif
