/* SPDX-License-Identifier: MIT */
/*
 * The catalogue: every rule's id, default severity, RFC reference and
 * summary (from RESPCHECK_RULE_MAP in respcheck.h), the names of errors,
 * severities and methods, the options' defaults, and the version string.
 */
#include <string.h>

#include "internal.h"
#include "llhttp.h"

typedef struct rule_def {
  const char *id;
  respcheck_severity_t severity;
  const char *reference;
  const char *summary;
} rule_def_t;

static const rule_def_t rules[RESPCHECK_RULE_COUNT] = {
#define RESPCHECK_XX(name, id, sev, ref, summary)                              \
  {id, RESPCHECK_SEVERITY_##sev, ref, summary},
    RESPCHECK_RULE_MAP(RESPCHECK_XX)
#undef RESPCHECK_XX
};

/* The options reserve room for rules added later. */
_Static_assert(RESPCHECK_RULE_COUNT <= RESPCHECK_RULE_MAX,
               "raise RESPCHECK_RULE_MAX (an ABI change)");

static int rule_ok(respcheck_rule_t rule) {
  return (unsigned)rule < (unsigned)RESPCHECK_RULE_COUNT;
}

const char *respcheck_rule_id(respcheck_rule_t rule) {
  return rule_ok(rule) ? rules[rule].id : NULL;
}

const char *respcheck_rule_reference(respcheck_rule_t rule) {
  return rule_ok(rule) ? rules[rule].reference : NULL;
}

const char *respcheck_rule_summary(respcheck_rule_t rule) {
  return rule_ok(rule) ? rules[rule].summary : NULL;
}

respcheck_severity_t respcheck_rule_default_severity(respcheck_rule_t rule) {
  return rule_ok(rule) ? rules[rule].severity : RESPCHECK_SEVERITY_OFF;
}

int respcheck_rule_from_id(const char *id, size_t len) {
  size_t i;
  if (id == NULL)
    return -1;
  for (i = 0; i < RESPCHECK_RULE_COUNT; i++) {
    if (strlen(rules[i].id) == len && memcmp(rules[i].id, id, len) == 0)
      return (int)i;
  }
  return -1;
}

static const char *const severity_names[] = {"off", "info", "warning", "error"};

const char *respcheck_severity_name(respcheck_severity_t s) {
  return (unsigned)s <= RESPCHECK_SEVERITY_ERROR ? severity_names[s] : NULL;
}

int respcheck_severity_from_name(const char *name) {
  int i;
  if (name == NULL)
    return -1;
  for (i = 0; i <= (int)RESPCHECK_SEVERITY_ERROR; i++) {
    if (strcmp(severity_names[i], name) == 0)
      return i;
  }
  return -1;
}

const char *respcheck_errno_name(respcheck_errno_t err) {
  switch (err) {
#define RESPCHECK_XX(num, name, msg)                                           \
  case RESPCHECK_E_##name:                                                     \
    return "RESPCHECK_E_" #name;
    RESPCHECK_ERRNO_MAP(RESPCHECK_XX)
#undef RESPCHECK_XX
  }
  return "RESPCHECK_E_UNKNOWN";
}

const char *respcheck_strerror(respcheck_errno_t err) {
  switch (err) {
#define RESPCHECK_XX(num, name, msg)                                           \
  case RESPCHECK_E_##name:                                                     \
    return msg;
    RESPCHECK_ERRNO_MAP(RESPCHECK_XX)
#undef RESPCHECK_XX
  }
  return "unknown error";
}

void respcheck_options_init(respcheck_options_t *opts) {
  size_t i;
  if (opts == NULL)
    return;
  memset(opts, 0, sizeof(*opts));
  /* nginx's large_client_header_buffers and HAProxy's tune.bufsize sit at
   * 8-64 KiB; 64 KiB accepts every real response head we have seen. */
  opts->max_header_bytes = 64 * 1024;
  opts->max_headers = 128;
  opts->max_line_length = 8 * 1024;
  opts->max_reason_length = 512;
  opts->max_chunk_extension = 4 * 1024;
  opts->max_pending_requests = 32;
  opts->default_request.method = RESPCHECK_METHOD_GET;
  opts->default_request.version_major = 1;
  opts->default_request.version_minor = 1;
  for (i = 0; i < RESPCHECK_RULE_COUNT; i++)
    opts->severity[i] = (unsigned char)rules[i].severity;
}

respcheck_errno_t
respcheck_options_set_severity(respcheck_options_t *opts, respcheck_rule_t rule,
                               respcheck_severity_t severity) {
  if (opts == NULL || !rule_ok(rule) ||
      (unsigned)severity > RESPCHECK_SEVERITY_ERROR)
    return RESPCHECK_E_INVAL;
  opts->severity[rule] = (unsigned char)severity;
  return RESPCHECK_E_OK;
}

static const char *const method_names[] = {
    NULL,     "GET",     "HEAD",    "POST",  "PUT",
    "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};

respcheck_method_t respcheck_method_from_name(const char *s, size_t len) {
  size_t i;
  if (s == NULL)
    return RESPCHECK_METHOD_UNKNOWN;
  /* Method names are case-sensitive (RFC 9110 9.1). */
  for (i = 1; i < sizeof(method_names) / sizeof(method_names[0]); i++) {
    if (strlen(method_names[i]) == len && memcmp(method_names[i], s, len) == 0)
      return (respcheck_method_t)i;
  }
  return RESPCHECK_METHOD_UNKNOWN;
}

const char *respcheck_method_name(respcheck_method_t m) {
  if ((unsigned)m >= sizeof(method_names) / sizeof(method_names[0]) ||
      m == RESPCHECK_METHOD_UNKNOWN)
    return "UNKNOWN";
  return method_names[m];
}

#define RESPCHECK_STR2(x) #x
#define RESPCHECK_STR(x) RESPCHECK_STR2(x)

const char *respcheck_version(void) {
  return RESPCHECK_STR(RESPCHECK_VERSION_MAJOR) "." RESPCHECK_STR(RESPCHECK_VERSION_MINOR) "." RESPCHECK_STR(
      RESPCHECK_VERSION_PATCH) " (IANA HTTP Status Code "
                               "Registry " RESPCHECK_REGISTRY_DATE
                               "; llhttp " RESPCHECK_STR(LLHTTP_VERSION_MAJOR) "." RESPCHECK_STR(
                                   LLHTTP_VERSION_MINOR) "." RESPCHECK_STR(LLHTTP_VERSION_PATCH) ")";
}

unsigned respcheck_version_number(void) { return RESPCHECK_VERSION_HEX; }
