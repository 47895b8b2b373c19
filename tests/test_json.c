/* SPDX-License-Identifier: MIT */
/* The tools' number writers (tools/common/json.c): every digit, both
 * signs, the extremes, against the C library's own formatting. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

/* One number written with rc_sink_u64 (is_signed 0) or rc_sink_i64. */
static void expect(int is_signed, uint64_t u, int64_t i) {
  int oom = 0;
  rc_buf_t b = {NULL, 0, 0, &oom};
  rc_sink_t s = {NULL, &b};
  char want[32];
  if (is_signed) {
    snprintf(want, sizeof want, "%" PRId64, i);
    rc_sink_i64(&s, i);
  } else {
    snprintf(want, sizeof want, "%" PRIu64, u);
    rc_sink_u64(&s, u);
  }
  cr_assert_eq(b.len, strlen(want), "%s", want);
  cr_assert(memcmp(b.p, want, b.len) == 0, "%s", want);
  rc_buf_free(&b);
}

static void expect_u64(uint64_t v) { expect(0, v, 0); }
static void expect_i64(int64_t v) { expect(1, 0, v); }

Test(json, numbers) {
  uint64_t p = 1;
  int i;
  expect_u64(0);
  expect_u64(UINT64_MAX);
  expect_i64(0);
  expect_i64(INT64_MAX);
  expect_i64(INT64_MIN);
  expect_i64(-1);
  for (i = 0; i < 20; i++, p *= 10) {
    expect_u64(p);
    expect_u64(p - 1);
    expect_u64(p * 7 + 3);
    if (p <= (uint64_t)INT64_MAX) {
      expect_i64((int64_t)p);
      expect_i64(-(int64_t)p);
      expect_i64((int64_t)p - 1);
    }
  }
}
