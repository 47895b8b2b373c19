/* SPDX-License-Identifier: MIT */
/*
 * The status registry against an independent reading of RFC 9110 15 and the
 * IANA registry (2025-09-15): the expectations below are written out here,
 * not derived from parser/registry.def.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "respcheck.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Registered codes (any state but reserved), from the IANA registry. */
/* clang-format off */
static const int registered_codes[] = {
    100, 101, 102, 103, 104,                                    /* 1xx */
    200, 201, 202, 203, 204, 205, 206, 207, 208, 226,           /* 2xx */
    300, 301, 302, 303, 304, 305, 307, 308,                     /* 3xx */
    400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, /* 4xx */
    412, 413, 414, 415, 416, 417, 421, 422, 423, 424, 425, 426,
    428, 429, 431, 451,
    500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,      /* 5xx */
};
/* clang-format on */

/* Reserved "(Unused)": RFC 9110 15.4.7, 15.5.19. */
static const int reserved_codes[] = {306, 418};

static int in_list(const int *list, size_t n, int code) {
  size_t i;

  for (i = 0; i < n; i++)
    if (list[i] == code)
      return 1;
  return 0;
}

static int expect_registered(int code) {
  return in_list(registered_codes, COUNT_OF(registered_codes), code);
}

static int expect_reserved(int code) {
  return in_list(reserved_codes, COUNT_OF(reserved_codes), code);
}

/* RFC 9110 15: unknown in 100-599 -> x00 of the class; outside -> 500. */
static int expect_effective(int code) {
  if (code < 100 || code > 599)
    return 500;
  if (expect_registered(code))
    return code;
  return (code / 100) * 100;
}

/* First digit of a three-digit code in 100-599, else 0. */
static int expect_class(int code) {
  if (code < 100 || code > 599)
    return 0;
  return code / 100;
}

static int actual_class_count(int code, int *which) {
  int n = 0;

  *which = 0;
  if (respcheck_status_is_informational(code)) {
    n++;
    *which = 1;
  }
  if (respcheck_status_is_success(code)) {
    n++;
    *which = 2;
  }
  if (respcheck_status_is_redirection(code)) {
    n++;
    *which = 3;
  }
  if (respcheck_status_is_client_error(code)) {
    n++;
    *which = 4;
  }
  if (respcheck_status_is_server_error(code)) {
    n++;
    *which = 5;
  }
  return n;
}

/* Checks one code against every rule; returns the number of mismatches. */
static int check_code(int code) {
  const respcheck_status_info_t *info = respcheck_status_lookup(code);
  int want_entry = expect_registered(code) || expect_reserved(code);
  int bad = 0, which, n;

  if ((info != NULL) != want_entry) {
    cr_expect_fail("lookup(%d): entry %s, expected %s", code,
                   info ? "present" : "absent", want_entry ? "one" : "none");
    bad++;
  }
  if (info != NULL && info->code != code) {
    cr_expect_fail("lookup(%d) returned code %d", code, info->code);
    bad++;
  }
  if (info != NULL &&
      (info->state == RESPCHECK_STATUS_RESERVED) != expect_reserved(code)) {
    cr_expect_fail("lookup(%d): state %d", code, (int)info->state);
    bad++;
  }
  if (respcheck_status_is_registered(code) != expect_registered(code)) {
    cr_expect_fail("is_registered(%d) = %d", code,
                   respcheck_status_is_registered(code));
    bad++;
  }
  if (respcheck_status_effective(code) != expect_effective(code)) {
    cr_expect_fail("effective(%d) = %d, expected %d", code,
                   respcheck_status_effective(code), expect_effective(code));
    bad++;
  }
  n = actual_class_count(code, &which);
  if (n != (expect_class(code) ? 1 : 0) || which != expect_class(code)) {
    cr_expect_fail("class predicates of %d: %d true, class %d, expected %d",
                   code, n, which, expect_class(code));
    bad++;
  }
  return bad;
}

Test(registry, date) {
  const char *d = respcheck_registry_date();

  cr_assert_not_null(d);
  cr_expect_str_eq(d, "2025-09-15");
}

Test(registry, every_code_0_to_999) {
  int code, bad = 0;

  for (code = 0; code <= 999; code++)
    bad += check_code(code);
  cr_expect_eq(bad, 0, "%d mismatches", bad);
}

Test(registry, out_of_range_ints) {
  static const int codes[] = {
      INT_MIN, INT_MIN + 1, -100000, -599,        -500,   -404, -200,
      -100,    -99,         -1,      1000,        1099,   1100, 1200,
      1404,    65535 + 200, 100000,  INT_MAX - 1, INT_MAX};
  size_t i;
  int bad = 0;

  for (i = 0; i < COUNT_OF(codes); i++) {
    bad += check_code(codes[i]);
    cr_expect_null(respcheck_status_lookup(codes[i]), "lookup(%d)", codes[i]);
    cr_expect_eq(respcheck_status_effective(codes[i]), 500, "effective(%d)",
                 codes[i]);
  }
  /* Codes that wrap onto registered ones modulo 256 or 65536. */
  for (i = 0; i < COUNT_OF(registered_codes); i++) {
    bad += check_code(registered_codes[i] + 65536);
    bad += check_code(registered_codes[i] - 65536);
    bad += check_code(registered_codes[i] + 1000);
  }
  cr_expect_eq(bad, 0, "%d mismatches", bad);
}

struct boundary {
  int code;
  int effective;
  int registered;
  int class_digit;
};

static struct boundary boundaries[] = {
    {99, 500, 0, 0},  {100, 100, 1, 1}, {199, 100, 0, 1}, {200, 200, 1, 2},
    {299, 200, 0, 2}, {300, 300, 1, 3}, {399, 300, 0, 3}, {400, 400, 1, 4},
    {499, 400, 0, 4}, {500, 500, 1, 5}, {599, 500, 0, 5}, {600, 500, 0, 0},
    {0, 500, 0, 0},   {-1, 500, 0, 0},  {999, 500, 0, 0}, {1000, 500, 0, 0},
};

ParameterizedTestParameters(registry, boundaries) {
  return cr_make_param_array(struct boundary, boundaries, COUNT_OF(boundaries));
}

ParameterizedTest(struct boundary *b, registry, boundaries) {
  int which;

  cr_expect_eq(respcheck_status_effective(b->code), b->effective,
               "effective(%d)", b->code);
  cr_expect_eq(respcheck_status_is_registered(b->code), b->registered,
               "is_registered(%d)", b->code);
  cr_expect_eq((respcheck_status_lookup(b->code) != NULL), b->registered,
               "lookup(%d)", b->code);
  cr_expect_eq(actual_class_count(b->code, &which), b->class_digit ? 1 : 0,
               "class predicates of %d", b->code);
  cr_expect_eq(which, b->class_digit, "class of %d", b->code);
}

Test(registry, count_and_index) {
  size_t n = respcheck_status_count(), i;

  cr_expect_eq(n, COUNT_OF(registered_codes) + COUNT_OF(reserved_codes));
  for (i = 0; i < n; i++) {
    const respcheck_status_info_t *info = respcheck_status_at(i);

    cr_assert_not_null(info, "at(%zu)", i);
    cr_expect_eq(respcheck_status_lookup(info->code), info,
                 "lookup(%d) is not at(%zu)", info->code, i);
  }
  cr_expect_null(respcheck_status_at(n));
  cr_expect_null(respcheck_status_at(n + 1));
  cr_expect_null(respcheck_status_at(SIZE_MAX));
}

Test(registry, sorted_and_unique) {
  size_t n = respcheck_status_count(), i;

  for (i = 1; i < n; i++)
    cr_expect_lt(respcheck_status_at(i - 1)->code, respcheck_status_at(i)->code,
                 "entries %zu and %zu out of order", i - 1, i);
}

static int is_upper_identifier(const char *s) {
  size_t i;

  if (s == NULL || !(s[0] >= 'A' && s[0] <= 'Z'))
    return 0;
  for (i = 1; s[i] != '\0'; i++)
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
          s[i] == '_'))
      return 0;
  return s[i - 1] != '_';
}

static int is_digit_string(const char *s, size_t n) {
  size_t i;

  for (i = 0; i < n; i++)
    if (!(s[i] >= '0' && s[i] <= '9'))
      return 0;
  return 1;
}

/* "RFC n", "RFC n, Section a.b.c" or "draft-...". */
static int is_reference(const char *s) {
  size_t i = 4;

  if (strncmp(s, "draft-", 6) == 0)
    return s[6] != '\0';
  if (strncmp(s, "RFC ", 4) != 0 || !(s[i] >= '1' && s[i] <= '9'))
    return 0;
  while (s[i] >= '0' && s[i] <= '9')
    i++;
  if (s[i] == '\0')
    return 1;
  if (strncmp(s + i, ", Section ", 10) != 0)
    return 0;
  i += 10;
  if (!(s[i] >= '1' && s[i] <= '9'))
    return 0;
  for (; s[i] != '\0'; i++) {
    if (s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9')
      continue;
    if (!(s[i] >= '0' && s[i] <= '9'))
      return 0;
  }
  return 1;
}

/* Printable ASCII, no leading or trailing space: fits a reason-phrase. */
static int is_clean_text(const char *s) {
  size_t i, n = strlen(s);

  if (n == 0 || s[0] == ' ' || s[n - 1] == ' ')
    return 0;
  for (i = 0; i < n; i++)
    if (s[i] < 0x20 || s[i] > 0x7e)
      return 0;
  return 1;
}

Test(registry, entries_complete) {
  size_t n = respcheck_status_count(), i;

  for (i = 0; i < n; i++) {
    const respcheck_status_info_t *e = respcheck_status_at(i);
    const char *const *a;

    cr_assert_not_null(e->name, "%d name", e->code);
    cr_assert_not_null(e->phrase, "%d phrase", e->code);
    cr_assert_not_null(e->description, "%d description", e->code);
    cr_assert_not_null(e->reference, "%d reference", e->code);
    cr_assert_not_null(e->aliases, "%d aliases", e->code);
    cr_assert_not_null(e->name_aliases, "%d name_aliases", e->code);
    cr_expect(is_upper_identifier(e->name), "%d name \"%s\"", e->code, e->name);
    cr_expect(is_clean_text(e->phrase), "%d phrase \"%s\"", e->code, e->phrase);
    cr_expect(is_clean_text(e->description), "%d description", e->code);
    cr_expect(is_reference(e->reference), "%d reference \"%s\"", e->code,
              e->reference);
    for (a = e->aliases; *a != NULL; a++)
      cr_expect(is_clean_text(*a), "%d alias \"%s\"", e->code, *a);
    for (a = e->name_aliases; *a != NULL; a++)
      cr_expect(is_upper_identifier(*a), "%d name alias \"%s\"", e->code, *a);
    cr_expect_neq(e->state, RESPCHECK_STATUS_UNREGISTERED, "%d state", e->code);
    if (e->state == RESPCHECK_STATUS_TEMPORARY) {
      cr_assert_not_null(e->expires, "%d temporary without expiry", e->code);
      cr_expect(strlen(e->expires) == 10 && is_digit_string(e->expires, 4) &&
                    e->expires[4] == '-' &&
                    is_digit_string(e->expires + 5, 2) &&
                    e->expires[7] == '-' && is_digit_string(e->expires + 8, 2),
                "%d expires \"%s\"", e->code, e->expires);
    } else {
      cr_expect_null(e->expires, "%d expires but is not temporary", e->code);
    }
    if (e->state == RESPCHECK_STATUS_RESERVED)
      cr_expect_str_eq(e->phrase, "(Unused)", "%d reserved", e->code);
    else
      cr_expect_str_neq(e->phrase, "(Unused)", "%d", e->code);
  }
}

/* ASCII case-insensitive equality, written apart from the library's. */
static int same_text_icase(const char *a, const char *b) {
  for (; *a != '\0' && *b != '\0'; a++, b++) {
    char x = (*a >= 'a' && *a <= 'z') ? (char)(*a - 32) : *a;
    char y = (*b >= 'a' && *b <= 'z') ? (char)(*b - 32) : *b;
    if (x != y)
      return 0;
  }
  return *a == *b;
}

Test(registry, names_unique) {
  size_t n = respcheck_status_count(), i, j;

  for (i = 0; i < n; i++) {
    const respcheck_status_info_t *e = respcheck_status_at(i);
    const char *const *a;

    for (j = 0; j < n; j++) {
      const respcheck_status_info_t *f = respcheck_status_at(j);

      if (i != j)
        cr_expect_str_neq(e->name, f->name, "%d and %d", e->code, f->code);
      for (a = f->name_aliases; *a != NULL; a++)
        cr_expect_str_neq(e->name, *a, "%d name is an alias of %d", e->code,
                          f->code);
    }
  }
}

/* Phrases and aliases name one code each, "(Unused)" apart. */
Test(registry, phrases_unique) {
  size_t n = respcheck_status_count(), i, j;

  for (i = 0; i < n; i++) {
    const respcheck_status_info_t *e = respcheck_status_at(i);
    const char *const *a, *const *b;

    for (j = i + 1; j < n; j++) {
      const respcheck_status_info_t *f = respcheck_status_at(j);

      if (!(e->state == RESPCHECK_STATUS_RESERVED &&
            f->state == RESPCHECK_STATUS_RESERVED))
        cr_expect(!same_text_icase(e->phrase, f->phrase), "%d and %d", e->code,
                  f->code);
      for (b = f->aliases; *b != NULL; b++)
        cr_expect(!same_text_icase(e->phrase, *b), "%d vs alias of %d", e->code,
                  f->code);
      for (a = e->aliases; *a != NULL; a++) {
        cr_expect(!same_text_icase(*a, f->phrase), "alias of %d vs %d", e->code,
                  f->code);
        for (b = f->aliases; *b != NULL; b++)
          cr_expect(!same_text_icase(*a, *b), "aliases of %d and %d", e->code,
                    f->code);
      }
    }
    for (a = e->aliases; *a != NULL; a++)
      cr_expect(!same_text_icase(*a, e->phrase), "%d alias repeats its phrase",
                e->code);
  }
}

Test(registry, by_name_round_trip) {
  size_t n = respcheck_status_count(), i;

  for (i = 0; i < n; i++) {
    const respcheck_status_info_t *e = respcheck_status_at(i);
    const char *const *a;

    cr_expect_eq(respcheck_status_by_name(e->name), e, "by_name(%s)", e->name);
    for (a = e->name_aliases; *a != NULL; a++)
      cr_expect_eq(respcheck_status_by_name(*a), e, "by_name(%s)", *a);
  }
}

Test(registry, by_name_misses) {
  static const char *const misses[] = {"",
                                       "moved_permanently",
                                       "Moved_Permanently",
                                       "MOVED PERMANENTLY",
                                       "MOVED_PERMANENTLY ",
                                       " OK",
                                       "OK_",
                                       "UNUSED",
                                       "NOT_A_STATUS",
                                       "Moved Permanently",
                                       "301",
                                       "HTTP_301"};
  size_t i;

  cr_expect_null(respcheck_status_by_name(NULL));
  for (i = 0; i < COUNT_OF(misses); i++)
    cr_expect_null(respcheck_status_by_name(misses[i]), "by_name(\"%s\")",
                   misses[i]);
}

static void swap_case(char *s) {
  for (; *s != '\0'; s++) {
    if (*s >= 'a' && *s <= 'z')
      *s = (char)(*s - 32);
    else if (*s >= 'A' && *s <= 'Z')
      *s = (char)(*s + 32);
  }
}

/* Looks phrase up from inside a larger buffer, so a lookup reading past len
 * (or needing a NUL) shows. */
static const respcheck_status_info_t *by_phrase_embedded(const char *phrase,
                                                         int swap) {
  char buf[256];
  size_t len = strlen(phrase);

  cr_assert_lt(len + 8, sizeof buf);
  memcpy(buf, phrase, len);
  buf[len] = '\0';
  if (swap)
    swap_case(buf);
  memcpy(buf + len, "xyz\r\n", 6);
  return respcheck_status_by_phrase(buf, len);
}

Test(registry, by_phrase_round_trip) {
  size_t n = respcheck_status_count(), i;

  for (i = 0; i < n; i++) {
    const respcheck_status_info_t *e = respcheck_status_at(i);
    const respcheck_status_info_t *want =
        e->state == RESPCHECK_STATUS_RESERVED ? NULL : e;
    const char *const *a;
    int swap;

    for (swap = 0; swap <= 1; swap++) {
      /* "(Unused)" names both 306 and 418: no single answer. */
      cr_expect_eq(by_phrase_embedded(e->phrase, swap), want,
                   "by_phrase(%s) swap %d", e->phrase, swap);
      for (a = e->aliases; *a != NULL; a++)
        cr_expect_eq(by_phrase_embedded(*a, swap), e, "by_phrase(%s) swap %d",
                     *a, swap);
    }
  }
}

Test(registry, by_phrase_misses) {
  static const char *const misses[] = {"Not Foun",   "Not Found ",
                                       " Not Found", "NotFound",
                                       "Not  Found", "Not_Found",
                                       "404",        "Unused",
                                       "Moved",      "Bandwidth Limit Exceeded",
                                       "Teapot",     "Request Entity Too Larg"};
  size_t i;

  cr_expect_null(respcheck_status_by_phrase(NULL, 0));
  cr_expect_null(respcheck_status_by_phrase(NULL, 5));
  cr_expect_null(respcheck_status_by_phrase("", 0));
  cr_expect_null(respcheck_status_by_phrase("OK", 0));
  cr_expect_null(respcheck_status_by_phrase("(Unused)", 8));
  cr_expect_null(respcheck_status_by_phrase("OK\0K", 4), "embedded NUL");
  cr_expect_null(respcheck_status_by_phrase("O\0", 2), "NUL inside length");
  cr_expect_eq(respcheck_status_by_phrase("OKAY", 2),
               respcheck_status_lookup(200));
  for (i = 0; i < COUNT_OF(misses); i++)
    cr_expect_null(respcheck_status_by_phrase(misses[i], strlen(misses[i])),
                   "by_phrase(\"%s\")", misses[i]);
}

/* Only ASCII letters fold: bytes >= 0x80 and near-letters do not. */
Test(registry, by_phrase_ascii_only_folding) {
  cr_expect_null(respcheck_status_by_phrase("\xcfK", 2));
  cr_expect_null(respcheck_status_by_phrase("o\x8b", 2));
  cr_expect_null(respcheck_status_by_phrase("O[", 2));
  cr_expect_null(respcheck_status_by_phrase("O{", 2));
  /* Folding by OR-ing 0x20 would turn NUL into SP and CR into '-'. */
  cr_expect_null(respcheck_status_by_phrase("Not\0Found", 9));
  cr_expect_null(respcheck_status_by_phrase("Multi\rStatus", 12));
  cr_expect_null(respcheck_status_by_phrase("Request\rURI Too Long", 20));
  cr_expect_eq(respcheck_status_by_phrase("oK", 2),
               respcheck_status_lookup(200));
  cr_expect_eq(respcheck_status_by_phrase("nOT fOUND", 9),
               respcheck_status_lookup(404));
}

/* Parameters hold arrays, not pointers: Criterion may run each case in a
 * fresh process, where the parent's pointers mean nothing. */
struct named_status {
  int code;
  char name[40];
  char phrase[40];
  char reference[48];
};

/* RFC 9110's renamed phrases and the rest of the reserved/renamed set. */
static struct named_status current_names[] = {
    {413, "CONTENT_TOO_LARGE", "Content Too Large",
     "RFC 9110, Section 15.5.14"},
    {414, "URI_TOO_LONG", "URI Too Long", "RFC 9110, Section 15.5.15"},
    {416, "RANGE_NOT_SATISFIABLE", "Range Not Satisfiable",
     "RFC 9110, Section 15.5.17"},
    {422, "UNPROCESSABLE_CONTENT", "Unprocessable Content",
     "RFC 9110, Section 15.5.21"},
    {301, "MOVED_PERMANENTLY", "Moved Permanently", "RFC 9110, Section 15.4.2"},
    {302, "FOUND", "Found", "RFC 9110, Section 15.4.3"},
    {104, "UPLOAD_RESUMPTION_SUPPORTED", "Upload Resumption Supported",
     "draft-ietf-httpbis-resumable-upload-05"},
    {306, "UNUSED_306", "(Unused)", "RFC 9110, Section 15.4.7"},
    {418, "UNUSED_418", "(Unused)", "RFC 9110, Section 15.5.19"},
    {510, "NOT_EXTENDED", "Not Extended", "RFC 2774, Section 7"},
};

ParameterizedTestParameters(registry, current_names) {
  return cr_make_param_array(struct named_status, current_names,
                             COUNT_OF(current_names));
}

ParameterizedTest(struct named_status *s, registry, current_names) {
  const respcheck_status_info_t *e = respcheck_status_lookup(s->code);

  cr_assert_not_null(e, "lookup(%d)", s->code);
  cr_expect_str_eq(e->name, s->name);
  cr_expect_str_eq(e->phrase, s->phrase);
  cr_expect_str_eq(e->reference, s->reference);
  cr_expect_eq(respcheck_status_by_name(s->name), e);
}

struct former {
  int code;
  char what[40]; /* a former phrase or, when is_name, a former name */
  int is_name;
};

static struct former formers[] = {
    {413, "Payload Too Large", 0},
    {413, "Request Entity Too Large", 0},
    {413, "REQUEST_ENTITY_TOO_LARGE", 1},
    {414, "Request-URI Too Long", 0},
    {414, "REQUEST_URI_TOO_LONG", 1},
    {416, "Requested Range Not Satisfiable", 0},
    {416, "requested range not satisfiable", 0}, /* RFC 2616's casing */
    {416, "REQUESTED_RANGE_NOT_SATISFIABLE", 1},
    {422, "Unprocessable Entity", 0},
    {422, "UNPROCESSABLE_ENTITY", 1},
    {418, "I'm a teapot", 0},
    {418, "I'm a Teapot", 0}, /* Python's casing */
    {418, "IM_A_TEAPOT", 1},
    {306, "Switch Proxy", 0},
    {306, "SWITCH_PROXY", 1},
    {302, "Moved Temporarily", 0},
    {302, "MOVED_TEMPORARILY", 1},
    {408, "Request Time-out", 0},
    {504, "Gateway Time-out", 0},
    {505, "HTTP Version not supported", 0},
};

ParameterizedTestParameters(registry, former_names_and_phrases) {
  return cr_make_param_array(struct former, formers, COUNT_OF(formers));
}

ParameterizedTest(struct former *f, registry, former_names_and_phrases) {
  const respcheck_status_info_t *e = respcheck_status_lookup(f->code);
  const respcheck_status_info_t *got =
      f->is_name ? respcheck_status_by_name(f->what)
                 : respcheck_status_by_phrase(f->what, strlen(f->what));

  cr_assert_not_null(e);
  cr_expect_eq(got, e, "\"%s\" should find %d", f->what, f->code);
}

struct state_case {
  int code;
  respcheck_status_state_t state;
  char expires[11]; /* "" for none */
  int registered;
  int effective;
};

static struct state_case states[] = {
    {104, RESPCHECK_STATUS_TEMPORARY, "2026-11-13", 1, 104},
    {305, RESPCHECK_STATUS_DEPRECATED, "", 1, 305},
    {306, RESPCHECK_STATUS_RESERVED, "", 0, 300},
    {418, RESPCHECK_STATUS_RESERVED, "", 0, 400},
    {510, RESPCHECK_STATUS_OBSOLETED, "", 1, 510},
    {200, RESPCHECK_STATUS_PERMANENT, "", 1, 200},
    {511, RESPCHECK_STATUS_PERMANENT, "", 1, 511},
};

ParameterizedTestParameters(registry, states) {
  return cr_make_param_array(struct state_case, states, COUNT_OF(states));
}

ParameterizedTest(struct state_case *s, registry, states) {
  const respcheck_status_info_t *e = respcheck_status_lookup(s->code);

  cr_assert_not_null(e, "lookup(%d)", s->code);
  cr_expect_eq(e->state, s->state, "state of %d", s->code);
  if (s->expires[0] != '\0') {
    cr_assert_not_null(e->expires);
    cr_expect_str_eq(e->expires, s->expires);
  } else {
    cr_expect_null(e->expires);
  }
  cr_expect_eq(respcheck_status_is_registered(s->code), s->registered);
  cr_expect_eq(respcheck_status_effective(s->code), s->effective);
}

/* Every code not in states[] is permanent. */
Test(registry, states_complete) {
  size_t n = respcheck_status_count(), i;

  for (i = 0; i < n; i++) {
    const respcheck_status_info_t *e = respcheck_status_at(i);
    respcheck_status_state_t want = RESPCHECK_STATUS_PERMANENT;
    size_t k;

    for (k = 0; k < COUNT_OF(states); k++)
      if (states[k].code == e->code)
        want = states[k].state;
    cr_expect_eq(e->state, want, "state of %d", e->code);
  }
}
