/* SPDX-License-Identifier: MIT */
/*
 * A rule turned off skips its work, not just its finding: the parser's
 * table of field-value checks (parser/fields.c, respcheck__value_masks)
 * has no check for a field whose rules are all off, and the fast path does
 * not record such a field for the checks at all. White-box: reads the
 * parser's private state (parser/parser.h).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "values.h"

/* The rules of issue 15 that read field values (include/respcheck.h). */
static const char *const value_rules[] = {
    "date-invalid",
    "last-modified-invalid",
    "expires-invalid",
    "retry-after-invalid",
    "http-date-obsolete",
    "last-modified-future",
    "singleton-field-repeated",
    "cache-control-invalid",
    "cache-control-argument-invalid",
    "cache-control-conflict",
    "etag-invalid",
    "vary-invalid",
    "age-invalid",
    "content-type-invalid",
    "content-encoding-unknown",
    "transfer-encoding-unknown",
    "content-range-invalid",
    "content-range-missing-416",
    "location-invalid",
    "set-cookie-invalid",
    "strict-transport-security-invalid",
    "strict-transport-security-plain-http",
};
#define NVALUE_RULES (sizeof(value_rules) / sizeof(value_rules[0]))

/* The known fields whose values only those rules read. */
static const unsigned value_fields[] = {KFI_DATE,
                                        KFI_LAST_MODIFIED,
                                        KFI_EXPIRES,
                                        KFI_RETRY_AFTER,
                                        KFI_CACHE_CONTROL,
                                        KFI_ETAG,
                                        KFI_VARY,
                                        KFI_AGE,
                                        KFI_CONTENT_ENCODING,
                                        KFI_CONTENT_RANGE,
                                        KFI_LOCATION,
                                        KFI_SET_COOKIE,
                                        KFI_STRICT_TRANSPORT_SECURITY};
#define NVALUE_FIELDS (sizeof(value_fields) / sizeof(value_fields[0]))

static void off(respcheck_options_t *o, const char *id) {
  int r = respcheck_rule_from_id(id, strlen(id));
  cr_assert(r >= 0, "rule %s", id);
  cr_assert_eq(respcheck_options_set_severity(o, (respcheck_rule_t)r,
                                              RESPCHECK_SEVERITY_OFF),
               RESPCHECK_E_OK);
}

/* A field with no rule (Allow) has the no-op check: the reference. */
static int has_check(const respcheck_parser_t *p, unsigned kfi) {
  return p->value_check[kfi] != p->value_check[KFI_ALLOW];
}

Test(value_masks, defaults_check_every_value) {
  respcheck_parser_t *p = respcheck_parser_new(NULL, NULL, NULL);
  size_t i;
  cr_assert_not_null(p);
  for (i = 0; i < NVALUE_FIELDS; i++) {
    cr_expect(has_check(p, value_fields[i]), "field %u", value_fields[i]);
    cr_expect(p->read_kf & (1u << value_fields[i]), "field %u",
              value_fields[i]);
  }
  respcheck_parser_free(p);
}

Test(value_masks, a_field_with_its_rules_off_has_no_check) {
  respcheck_options_t o;
  respcheck_parser_t *p;
  respcheck_options_init(&o);
  /* Date feeds date-invalid, http-date-obsolete and last-modified-future;
   * Last-Modified also last-modified-invalid, which stays on. */
  off(&o, "date-invalid");
  off(&o, "http-date-obsolete");
  off(&o, "last-modified-future");
  off(&o, "etag-invalid");
  p = respcheck_parser_new(&o, NULL, NULL);
  cr_assert_not_null(p);
  cr_expect(!has_check(p, KFI_DATE));
  cr_expect(!has_check(p, KFI_ETAG));
  cr_expect(has_check(p, KFI_LAST_MODIFIED));
  cr_expect(has_check(p, KFI_CACHE_CONTROL));
  /* Singletons are still given to check_field for their own rule. */
  cr_expect(p->read_kf & KF_DATE);
  respcheck_parser_free(p);
}

Test(value_masks, all_value_rules_off) {
  static const char head[] = "HTTP/1.1 200 OK\r\n"
                             "Date: Wed, 08 Oct 2025 09:00:02 GMT\r\n"
                             "ETag: \"x\"\r\n"
                             "Cache-Control: max-age=60\r\n"
                             "Set-Cookie: a=b; Path=/\r\n"
                             "Content-Length: 0\r\n"
                             "\r\n";
  respcheck_options_t o;
  respcheck_parser_t *p;
  size_t i;
  respcheck_options_init(&o);
  for (i = 0; i < NVALUE_RULES; i++)
    off(&o, value_rules[i]);
  p = respcheck_parser_new(&o, NULL, NULL);
  cr_assert_not_null(p);
  for (i = 0; i < NVALUE_FIELDS; i++) {
    cr_expect(!has_check(p, value_fields[i]), "field %u", value_fields[i]);
    cr_expect(!(p->read_kf & (1u << value_fields[i])), "field %u",
              value_fields[i]);
  }
  /* Framing is read whatever the options. */
  cr_expect(has_check(p, KFI_CONTENT_LENGTH));
  cr_expect(has_check(p, KFI_TRANSFER_ENCODING));
  cr_expect(has_check(p, KFI_CONNECTION));
  cr_expect(has_check(p, KFI_CONTENT_TYPE));
  cr_assert_eq(respcheck_execute(p, head, sizeof(head) - 1), RESPCHECK_E_OK);
  cr_expect(p->facts.seen & KF_DATE, "a field is still seen");
  respcheck_parser_free(p);
}

/* ------------------------------------------------------------------------ */
/* Byte classes read with SIMD (parser/values_scan.c): every way this CPU
 * can run gives the scalar reading's run, for every byte value at every
 * place of values of every length up to 200. */

#define TEST_CLASS(c)                                                          \
  ((c) == 0x21 || ((c) >= 0x23 && (c) <= 0x2b) ||                              \
   ((c) >= 0x2d && (c) <= 0x3a) || ((c) >= 0x3c && (c) <= 0x5b) ||             \
   ((c) >= 0x5d && (c) <= 0x7e))
static const rv_class_t test_class = RV_CLASS(TEST_CLASS);

static size_t reference_run(const char *v, size_t i, size_t n) {
  while (i < n && TEST_CLASS((unsigned char)v[i]))
    i++;
  return i;
}

Test(class_run, tables_match_the_predicate) {
  unsigned b;
  for (b = 0; b < 256; b++)
    cr_expect_eq(rv_in_class(&test_class, (char)b), b < 0x80 && TEST_CLASS(b),
                 "byte 0x%02x", b);
}

/* Lengths around the 16- and 32-byte steps and their tails, and two long
 * ones. */
static int tested_length(size_t n) { return n <= 70 || n == 100 || n == 200; }

Test(class_run, every_level_agrees_with_the_reference) {
  static const size_t starts[] = {0, 1, 13, 31, 33};
  char v[200];
  size_t n, at, i, k;
  unsigned b;
  int level;
  for (i = 0; i < sizeof(v); i++)
    v[i] = (char)('a' + i % 26);
  for (level = 0; level <= 2; level++) {
    rv_class_run_t run = respcheck__class_runner(level);
    for (n = 0; n <= sizeof(v); n++) {
      if (!tested_length(n))
        continue;
      /* A run to the end, from every start. */
      for (i = 0; i <= n; i++)
        cr_assert_eq(run(&test_class, v, i, n), n, "level %d n %zu i %zu",
                     level, n, i);
      /* One byte of every value at every place, read from places before
       * it. */
      for (at = 0; at < n; at++) {
        for (b = 0; b < 256; b++) {
          char keep = v[at];
          v[at] = (char)b;
          for (k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
            i = starts[k];
            if (i <= at && run(&test_class, v, i, n) != reference_run(v, i, n))
              cr_assert_fail("level %d n %zu at %zu byte 0x%02x from %zu: %zu, "
                             "not %zu",
                             level, n, at, b, i, run(&test_class, v, i, n),
                             reference_run(v, i, n));
          }
          v[at] = keep;
        }
      }
    }
  }
}
