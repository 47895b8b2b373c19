/* SPDX-License-Identifier: MIT */
/*
 * The IANA HTTP Status Code Registry (RFC 9110 16.2.1), from registry.def.
 * Every table is const and laid out by the compiler: no initialisation at
 * run time, no mutable state.
 */
#include "internal.h"

#include <limits.h>
#include <stddef.h>
#include <string.h>

/* Each entry's former phrases and names, as NULL-terminated arrays. */
#define RESPCHECK_ALIASES(...)                                                 \
  { __VA_ARGS__, NULL }
#define RESPCHECK_NAME_ALIASES(...)                                            \
  { __VA_ARGS__, NULL }
#define RESPCHECK_NONE                                                         \
  { NULL }

#define RESPCHECK_STATUS(code, name, phrase, description, reference, state,    \
                         expires, aliases, name_aliases)                       \
  static const char *const status_aliases_##code[] = aliases;                  \
  static const char *const status_name_aliases_##code[] = name_aliases;        \
  _Static_assert(sizeof(phrase) > 1, "empty phrase for " #code);               \
  _Static_assert(sizeof(description) > 1, "empty description for " #code);     \
  _Static_assert(sizeof(reference) > 1, "empty reference for " #code);
#include "registry.def"
#undef RESPCHECK_STATUS

/* Position of each entry; a name used twice does not compile. */
enum status_position {
#define RESPCHECK_STATUS(code, name, ...) STATUS_POS_##name,
#include "registry.def"
#undef RESPCHECK_STATUS
  STATUS_COUNT
};

static const respcheck_status_info_t status_table[STATUS_COUNT] = {
#define RESPCHECK_STATUS(code, name, phrase, description, reference, state,    \
                         expires, aliases, name_aliases)                       \
  {code,                                                                       \
   #name,                                                                      \
   phrase,                                                                     \
   description,                                                                \
   reference,                                                                  \
   RESPCHECK_STATUS_##state,                                                   \
   expires,                                                                    \
   status_aliases_##code,                                                      \
   status_name_aliases_##code},
#include "registry.def"
#undef RESPCHECK_STATUS
};

#define STATUS_FIRST 100
#define STATUS_LAST 599

_Static_assert(STATUS_COUNT < UCHAR_MAX, "status_by_code holds positions + 1");

/*
 * Code -> position + 1, 0 for no entry. A code outside 100-599 is an
 * out-of-bounds designator and does not compile; a code listed twice
 * redefines its alias arrays above. Ascending order is checked by the tests.
 */
static const unsigned char status_by_code[STATUS_LAST - STATUS_FIRST + 1] = {
#define RESPCHECK_STATUS(code, name, ...)                                      \
  [(code)-STATUS_FIRST] = STATUS_POS_##name + 1,
#include "registry.def"
#undef RESPCHECK_STATUS
};

/* RESPCHECK_REGISTRY_DATE (internal.h) dates the copy registry.def is from. */
static const char registry_date[] = RESPCHECK_REGISTRY_DATE;

const char *respcheck_registry_date(void) { return registry_date; }

const respcheck_status_info_t *respcheck_status_lookup(int code) {
  unsigned pos;

  if (code < STATUS_FIRST || code > STATUS_LAST)
    return NULL;
  pos = status_by_code[code - STATUS_FIRST];
  return pos == 0 ? NULL : &status_table[pos - 1];
}

static int name_matches(const respcheck_status_info_t *info, const char *name) {
  const char *const *alias;

  if (strcmp(info->name, name) == 0)
    return 1;
  for (alias = info->name_aliases; *alias != NULL; alias++)
    if (strcmp(*alias, name) == 0)
      return 1;
  return 0;
}

const respcheck_status_info_t *respcheck_status_by_name(const char *name) {
  size_t i;

  if (name == NULL)
    return NULL;
  for (i = 0; i < STATUS_COUNT; i++)
    if (name_matches(&status_table[i], name))
      return &status_table[i];
  return NULL;
}

/* s[0..len) against a NUL-terminated phrase, ASCII case-insensitively: a
 * reason phrase is bytes (RFC 9112 4), not locale text. */
static int phrase_equals(const char *s, size_t len, const char *phrase) {
  size_t i;

  for (i = 0; i < len; i++) {
    if (phrase[i] == '\0')
      return 0;
    if (s[i] != phrase[i] && respcheck__lower((unsigned char)s[i]) !=
                                 respcheck__lower((unsigned char)phrase[i]))
      return 0;
  }
  return phrase[len] == '\0';
}

int respcheck__phrase_matches(const respcheck_status_info_t *info,
                              const char *s, size_t len) {
  const char *const *alias;

  if (phrase_equals(s, len, info->phrase))
    return 1;
  for (alias = info->aliases; *alias != NULL; alias++)
    if (phrase_equals(s, len, *alias))
      return 1;
  return 0;
}

/*
 * A phrase that names more than one code identifies none: "(Unused)" is the
 * phrase of both 306 and 418 (RFC 9110 15.4.7, 15.5.19), so it gives NULL.
 */
const respcheck_status_info_t *respcheck_status_by_phrase(const char *phrase,
                                                          size_t len) {
  const respcheck_status_info_t *found = NULL;
  size_t i;

  if (phrase == NULL || len == 0)
    return NULL;
  for (i = 0; i < STATUS_COUNT; i++) {
    if (!respcheck__phrase_matches(&status_table[i], phrase, len))
      continue;
    if (found != NULL)
      return NULL;
    found = &status_table[i];
  }
  return found;
}

size_t respcheck_status_count(void) { return STATUS_COUNT; }

const respcheck_status_info_t *respcheck_status_at(size_t i) {
  return i < STATUS_COUNT ? &status_table[i] : NULL;
}

int respcheck_status_is_registered(int code) {
  const respcheck_status_info_t *info = respcheck_status_lookup(code);

  return info != NULL && info->state != RESPCHECK_STATUS_RESERVED;
}

int respcheck__status_effective(int code, const respcheck_status_info_t *info) {
  if (code < STATUS_FIRST || code > STATUS_LAST)
    return 500;
  if (info != NULL && info->state != RESPCHECK_STATUS_RESERVED)
    return code;
  return code - code % 100;
}

/*
 * RFC 9110 15: a recipient treats an unrecognized code as the x00 of its
 * class (RFC 1945 9.3 gives 300 for an unknown 3xx) and a code outside
 * 100-599 as 5xx. A reserved code is one nobody may send, so it is unknown.
 */
int respcheck_status_effective(int code) {
  return respcheck__status_effective(code, respcheck_status_lookup(code));
}

int respcheck_status_is_informational(int code) {
  return code >= 100 && code <= 199;
}

int respcheck_status_is_success(int code) { return code >= 200 && code <= 299; }

int respcheck_status_is_redirection(int code) {
  return code >= 300 && code <= 399;
}

int respcheck_status_is_client_error(int code) {
  return code >= 400 && code <= 499;
}

int respcheck_status_is_server_error(int code) {
  return code >= 500 && code <= 599;
}
