/* SPDX-License-Identifier: MIT */
/*
 * fuzz_registry: every registry, rule-catalogue and name function over
 * arbitrary integers and strings, each checked against the others and
 * against a second copy of the IANA table built here from the same
 * parser/registry.def (so an indexing mistake in registry.c shows).
 *
 * The input is a list of operations, each a byte followed by its
 * arguments (fuzz/README.md):
 *   0  a 32-bit code            3  registry entry number (16 bits)
 *   1  a code in -100..1099     4  a registered phrase, case-flipped
 *   2  a string (length byte)   5  the enum-to-name functions on an int
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "respcheck.h"

/* The second copy of the table. */
typedef struct entry {
  int code;
  const char *name, *phrase;
  respcheck_status_state_t state;
  const char *expires;
  const char *const *aliases, *const *name_aliases;
} entry_t;

#define RESPCHECK_ALIASES(...)                                                 \
  (const char *const[]) { __VA_ARGS__, NULL }
#define RESPCHECK_NAME_ALIASES(...)                                            \
  (const char *const[]) { __VA_ARGS__, NULL }
#define RESPCHECK_NONE                                                         \
  (const char *const[]) { NULL }
static const entry_t table[] = {
#define RESPCHECK_STATUS(code, name, phrase, description, reference, state,    \
                         expires, aliases, name_aliases)                       \
  {code,    #name,   phrase,      RESPCHECK_STATUS_##state,                    \
   expires, aliases, name_aliases},
#include "registry.def"
#undef RESPCHECK_STATUS
};
#define TABLE_SIZE (sizeof(table) / sizeof(table[0]))

static const char *const method_names[] = {"GET",     "HEAD",   "POST",
                                           "PUT",     "DELETE", "CONNECT",
                                           "OPTIONS", "TRACE",  "PATCH"};
static const char *const severity_names[] = {"off", "info", "warning", "error"};

static const entry_t *mine(int code) {
  size_t i;
  for (i = 0; i < TABLE_SIZE; i++)
    if (table[i].code == code)
      return &table[i];
  return NULL;
}

static unsigned char lower(unsigned char c) {
  return (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

static int ieq(const char *a, size_t alen, const char *b) {
  size_t i, blen = strlen(b);
  if (alen != blen)
    return 0;
  for (i = 0; i < alen; i++)
    if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
      return 0;
  return 1;
}

static int phrase_of(const entry_t *e, const char *s, size_t len) {
  const char *const *a;
  if (ieq(s, len, e->phrase))
    return 1;
  for (a = e->aliases; *a; a++)
    if (ieq(s, len, *a))
      return 1;
  return 0;
}

/* What respcheck_status_by_phrase must return: the one entry that has the
 * phrase, current or former; none when no entry or several have it. */
static const entry_t *by_phrase(const char *s, size_t len) {
  const entry_t *found = NULL;
  size_t i;
  if (len == 0)
    return NULL;
  for (i = 0; i < TABLE_SIZE; i++) {
    if (!phrase_of(&table[i], s, len))
      continue;
    if (found)
      return NULL;
    found = &table[i];
  }
  return found;
}

static const entry_t *by_name(const char *s) {
  size_t i;
  for (i = 0; i < TABLE_SIZE; i++) {
    const char *const *a;
    if (strcmp(table[i].name, s) == 0)
      return &table[i];
    for (a = table[i].name_aliases; *a; a++)
      if (strcmp(*a, s) == 0)
        return &table[i];
  }
  return NULL;
}

static void check_same(const respcheck_status_info_t *info, const entry_t *e,
                       const char *what) {
  if (e == NULL) {
    CHECK(info == NULL, "%s: %d, expected none", what, info->code);
    return;
  }
  CHECK(info != NULL, "%s: none, expected %d", what, e->code);
  CHECK(info->code == e->code, "%s: %d, expected %d", what, info->code,
        e->code);
  CHECK(info == respcheck_status_lookup(e->code),
        "%s: entry for %d is not lookup's", what, e->code);
}

static void check_info(const respcheck_status_info_t *info, const entry_t *e) {
  const char *const *a, *const *b;
  CHECK(info->code == e->code && strcmp(info->name, e->name) == 0 &&
            strcmp(info->phrase, e->phrase) == 0 && info->state == e->state,
        "entry %d differs from registry.def", e->code);
  CHECK(info->description && info->description[0] && info->reference &&
            info->reference[0],
        "entry %d without description or reference", e->code);
  CHECK((info->state == RESPCHECK_STATUS_TEMPORARY) == (info->expires != NULL),
        "entry %d: expires %s with state %d", e->code,
        info->expires ? info->expires : "NULL", (int)info->state);
  if (info->expires) {
    const char *x = info->expires;
    CHECK(e->expires && strcmp(x, e->expires) == 0 && strlen(x) == 10 &&
              x[4] == '-' && x[7] == '-',
          "entry %d expires \"%s\"", e->code, x);
  }
  CHECK(info->aliases != NULL && info->name_aliases != NULL,
        "entry %d alias lists NULL", e->code);
  for (a = info->aliases, b = e->aliases; *a && *b; a++, b++)
    CHECK(strcmp(*a, *b) == 0, "entry %d alias %s", e->code, *a);
  CHECK(*a == NULL && *b == NULL, "entry %d alias count", e->code);
  for (a = info->name_aliases, b = e->name_aliases; *a && *b; a++, b++)
    CHECK(strcmp(*a, *b) == 0, "entry %d name alias %s", e->code, *a);
  CHECK(*a == NULL && *b == NULL, "entry %d name alias count", e->code);
}

static void check_code(int c) {
  const respcheck_status_info_t *info = respcheck_status_lookup(c);
  const entry_t *e = mine(c);
  int in_range = c >= 100 && c <= 599;
  int registered = e && e->state != RESPCHECK_STATUS_RESERVED;
  int eff = respcheck_status_effective(c);
  int classes;

  check_same(info, e, "lookup");
  if (info) {
    const char *const *a;
    check_info(info, e);
    CHECK(respcheck_status_by_name(info->name) == info, "by_name(%s)",
          info->name);
    for (a = info->name_aliases; *a; a++)
      CHECK(respcheck_status_by_name(*a) == info, "by_name(%s)", *a);
    check_same(respcheck_status_by_phrase(info->phrase, strlen(info->phrase)),
               by_phrase(info->phrase, strlen(info->phrase)), info->phrase);
    for (a = info->aliases; *a; a++)
      check_same(respcheck_status_by_phrase(*a, strlen(*a)),
                 by_phrase(*a, strlen(*a)), *a);
  }
  CHECK(respcheck_status_is_registered(c) == registered,
        "is_registered(%d) = %d", c, respcheck_status_is_registered(c));
  /* RFC 9110 15; RFC 1945 9.3. */
  if (!in_range)
    CHECK(eff == 500, "effective(%d) = %d, expected 500", c, eff);
  else if (registered)
    CHECK(eff == c, "effective(%d) = %d", c, eff);
  else
    CHECK(eff == c / 100 * 100, "effective(%d) = %d", c, eff);
  CHECK(respcheck_status_is_registered(eff) &&
            respcheck_status_effective(eff) == eff,
        "effective(%d) = %d is not a registered fixed point", c, eff);
  CHECK(eff / 100 == (in_range ? c / 100 : 5), "effective(%d) = %d class", c,
        eff);
  classes =
      respcheck_status_is_informational(c) + respcheck_status_is_success(c) +
      respcheck_status_is_redirection(c) + respcheck_status_is_client_error(c) +
      respcheck_status_is_server_error(c);
  CHECK(classes == in_range, "%d class predicates true for %d", classes, c);
  if (in_range) {
    static int (*const pred[5])(int) = {
        respcheck_status_is_informational, respcheck_status_is_success,
        respcheck_status_is_redirection, respcheck_status_is_client_error,
        respcheck_status_is_server_error};
    CHECK(pred[c / 100 - 1](c), "class predicate of %d", c);
  }
}

static void check_string(const uint8_t *s, size_t len) {
  char z[257];
  const char *cs = (const char *)s;
  int r, i;
  respcheck_method_t m;
  const entry_t *want;

  memcpy(z, s, len);
  z[len] = '\0';
  /* by_phrase over the raw bytes, NULs included. */
  check_same(respcheck_status_by_phrase(cs, len), by_phrase(cs, len),
             "by_phrase");
  want = by_name(z);
  check_same(respcheck_status_by_name(z), want, "by_name");

  r = respcheck_rule_from_id(cs, len);
  if (r >= 0) {
    CHECK(r < (int)RESPCHECK_RULE_COUNT, "rule_from_id = %d", r);
    CHECK(strlen(respcheck_rule_id((respcheck_rule_t)r)) == len &&
              memcmp(respcheck_rule_id((respcheck_rule_t)r), s, len) == 0,
          "rule_from_id gave %s", respcheck_rule_id((respcheck_rule_t)r));
  } else {
    for (i = 0; i < (int)RESPCHECK_RULE_COUNT; i++) {
      const char *id = respcheck_rule_id((respcheck_rule_t)i);
      CHECK(!(strlen(id) == len && memcmp(id, s, len) == 0),
            "rule_from_id missed %s", id);
    }
  }

  r = respcheck_severity_from_name(z);
  for (i = 0; i < 4; i++)
    if (strcmp(z, severity_names[i]) == 0)
      break;
  CHECK(r == (i < 4 ? i : -1), "severity_from_name(%s) = %d", z, r);

  m = respcheck_method_from_name(cs, len);
  for (i = 0; i < 9; i++)
    if (strlen(method_names[i]) == len && memcmp(method_names[i], s, len) == 0)
      break;
  CHECK((int)m == (i < 9 ? i + 1 : 0), "method_from_name = %d", (int)m);
  if (m != RESPCHECK_METHOD_UNKNOWN)
    CHECK(strcmp(respcheck_method_name(m), z) == 0, "method round trip");
}

static void check_enums(int v) {
  const char *s;
  s = respcheck_errno_name((respcheck_errno_t)v);
  CHECK(s && strncmp(s, "RESPCHECK_E_", 12) == 0, "errno_name(%d)", v);
  s = respcheck_strerror((respcheck_errno_t)v);
  CHECK(s && s[0], "strerror(%d)", v);
  if (v >= 0 && v <= 7)
    CHECK(strcmp(respcheck_errno_name((respcheck_errno_t)v),
                 "RESPCHECK_E_UNKNOWN") != 0,
          "errno %d unnamed", v);
  if (v >= 0 && v < (int)RESPCHECK_RULE_COUNT) {
    respcheck_rule_t r = (respcheck_rule_t)v;
    const char *id = respcheck_rule_id(r);
    CHECK(id && respcheck_rule_reference(r) && respcheck_rule_summary(r),
          "rule %d strings", v);
    CHECK(respcheck_rule_from_id(id, strlen(id)) == v, "rule %s round trip",
          id);
    /* Off by default too: a rule a user turns on (the noisy variant of
     * another, such as reason-phrase-nonstandard). */
    CHECK(respcheck_rule_default_severity(r) <= RESPCHECK_SEVERITY_ERROR,
          "rule %s default severity", id);
  } else {
    respcheck_rule_t r = (respcheck_rule_t)v;
    CHECK(!respcheck_rule_id(r) && !respcheck_rule_reference(r) &&
              !respcheck_rule_summary(r) &&
              respcheck_rule_default_severity(r) == RESPCHECK_SEVERITY_OFF,
          "rule %d out of the catalogue", v);
  }
  s = respcheck_severity_name((respcheck_severity_t)v);
  if (v >= 0 && v <= 3)
    CHECK(s && strcmp(s, severity_names[v]) == 0 &&
              respcheck_severity_from_name(s) == v,
          "severity %d", v);
  else
    CHECK(s == NULL, "severity_name(%d)", v);
  s = respcheck_method_name((respcheck_method_t)v);
  CHECK(s != NULL, "method_name(%d)", v);
  if (v >= 1 && v <= 9)
    CHECK(strcmp(s, method_names[v - 1]) == 0, "method_name(%d)", v);
  else
    CHECK(strcmp(s, "UNKNOWN") == 0, "method_name(%d) = %s", v, s);
}

/* Once: the tables as a whole. */
static void check_tables(void) {
  size_t i, n = respcheck_status_count();
  int c;
  respcheck_options_t o;
  CHECK(n == TABLE_SIZE, "count %zu, registry.def has %zu", n, TABLE_SIZE);
  for (i = 0; i < n; i++) {
    const respcheck_status_info_t *info = respcheck_status_at(i);
    CHECK(info != NULL, "status_at(%zu)", i);
    CHECK(i == 0 || respcheck_status_at(i - 1)->code < info->code,
          "status_at not ascending at %zu", i);
    CHECK(respcheck_status_lookup(info->code) == info, "lookup(at(%zu))", i);
    check_info(info, &table[i]);
  }
  CHECK(respcheck_status_at(n) == NULL, "status_at(count)");
  CHECK(respcheck_status_at((size_t)-1) == NULL, "status_at(SIZE_MAX)");
  for (c = -1100; c <= 1100; c++)
    check_code(c);
  for (c = -2; c <= (int)RESPCHECK_RULE_MAX + 2; c++)
    check_enums(c);
  check_code(INT_MIN);
  check_code(INT_MAX);
  CHECK(respcheck_status_by_name(NULL) == NULL, "by_name(NULL)");
  CHECK(respcheck_status_by_phrase(NULL, 3) == NULL, "by_phrase(NULL)");
  CHECK(respcheck_rule_from_id(NULL, 0) == -1, "rule_from_id(NULL)");
  CHECK(respcheck_severity_from_name(NULL) == -1, "severity_from_name(NULL)");
  CHECK(respcheck_method_from_name(NULL, 3) == RESPCHECK_METHOD_UNKNOWN,
        "method_from_name(NULL)");
  respcheck_options_init(&o);
  for (i = 0; i < RESPCHECK_RULE_COUNT; i++)
    CHECK(o.severity[i] == respcheck_rule_default_severity((respcheck_rule_t)i),
          "default severity of rule %zu", i);
  for (; i < RESPCHECK_RULE_MAX; i++)
    CHECK(o.severity[i] == 0, "severity of unused rule slot %zu", i);
  CHECK(respcheck_options_set_severity(&o, RESPCHECK_RULE_COUNT,
                                       RESPCHECK_SEVERITY_ERROR) ==
                RESPCHECK_E_INVAL &&
            respcheck_options_set_severity(&o, RESPCHECK_RULE_PARSE_ERROR,
                                           (respcheck_severity_t)4) ==
                RESPCHECK_E_INVAL &&
            respcheck_options_set_severity(NULL, RESPCHECK_RULE_PARSE_ERROR,
                                           RESPCHECK_SEVERITY_OFF) ==
                RESPCHECK_E_INVAL &&
            respcheck_options_set_severity(&o, RESPCHECK_RULE_PARSE_ERROR,
                                           RESPCHECK_SEVERITY_OFF) ==
                RESPCHECK_E_OK &&
            o.severity[RESPCHECK_RULE_PARSE_ERROR] == 0,
        "options_set_severity");
  respcheck_options_init(NULL);
  CHECK(respcheck_version() &&
            respcheck_version_number() == (unsigned)RESPCHECK_VERSION_HEX,
        "version");
  CHECK(strlen(respcheck_registry_date()) == 10, "registry date");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int tables_done;
  size_t i = 0;

  if (!tables_done) {
    check_tables();
    tables_done = 1;
  }
  while (i < size) {
    uint8_t op = data[i++] % 6;
    size_t left = size - i;
    switch (op) {
    case 0: {
      uint32_t v = 0;
      size_t k, n = left < 4 ? left : 4;
      for (k = 0; k < n; k++)
        v |= (uint32_t)data[i + k] << (8 * k);
      i += n;
      check_code((int)(int32_t)v);
      break;
    }
    case 1: {
      unsigned v = left >= 2 ? data[i] | (unsigned)data[i + 1] << 8 : 0;
      i += left >= 2 ? 2 : left;
      check_code((int)(v % 1200) - 100);
      break;
    }
    case 2: {
      size_t n = left ? data[i] : 0;
      if (left)
        i++;
      if (n > size - i)
        n = size - i;
      check_string(data + i, n);
      i += n;
      break;
    }
    case 3: {
      size_t v = left >= 2 ? data[i] | (size_t)data[i + 1] << 8 : 0;
      const respcheck_status_info_t *info = respcheck_status_at(v);
      i += left >= 2 ? 2 : left;
      CHECK((info != NULL) == (v < TABLE_SIZE), "status_at(%zu)", v);
      if (info)
        check_code(info->code);
      break;
    }
    case 4: {
      /* A registered phrase or alias with its case flipped by the bits
       * that follow, and maybe cut or extended by a byte. */
      char buf[80];
      const entry_t *e = &table[(left ? data[i] : 0) % TABLE_SIZE];
      const char *src = e->phrase;
      size_t k, n;
      uint32_t bits = 0;
      if (left)
        i++;
      if (e->aliases[0] && i < size && (data[i] & 1))
        src = e->aliases[0];
      for (k = 0; k < 4 && i < size; k++)
        bits |= (uint32_t)data[i++] << (8 * k);
      n = strlen(src);
      memcpy(buf, src, n);
      for (k = 0; k < n && k < 32; k++)
        if (bits >> k & 1)
          buf[k] = (char)(buf[k] ^ 0x20);
      if (i < size && (data[i] & 3) == 1 && n)
        n--;
      else if (i < size && (data[i] & 3) == 2)
        buf[n++] = (char)(data[i] >> 2);
      if (i < size)
        i++;
      check_same(respcheck_status_by_phrase(buf, n), by_phrase(buf, n),
                 "by_phrase(flipped)");
      break;
    }
    default: {
      int32_t v = 0;
      size_t k, n = left < 4 ? left : 4;
      for (k = 0; k < n; k++)
        v = (int32_t)((uint32_t)v | (uint32_t)data[i + k] << (8 * k));
      i += n;
      check_enums(n == 1 ? (int)(int8_t)v : (int)v);
      break;
    }
    }
  }
  return 0;
}
