/* SPDX-License-Identifier: MIT */
/*
 * The capture rules' catalogue, the capture options and their defaults, and
 * the flow's endpoints written as text.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

typedef struct rule_def {
  const char *id;
  respcheck_severity_t severity;
  const char *reference;
  const char *summary;
} rule_def_t;

static const rule_def_t rules[RESPCHECK_CAPTURE_RULE_COUNT] = {
#define RESPCHECK_XX(name, id, sev, ref, summary)                              \
  {id, RESPCHECK_SEVERITY_##sev, ref, summary},
    RESPCHECK_CAPTURE_RULE_MAP(RESPCHECK_XX)
#undef RESPCHECK_XX
};

int respcheck_capture_rule_valid(int rule) {
  return rule >= RESPCHECK_CAPTURE_RULE_BASE &&
         rule < RESPCHECK_CAPTURE_RULE_BASE + RESPCHECK_CAPTURE_RULE_COUNT;
}

static const rule_def_t *def(int rule) {
  return respcheck_capture_rule_valid(rule)
             ? &rules[rule - RESPCHECK_CAPTURE_RULE_BASE]
             : NULL;
}

const char *respcheck_capture_rule_id(int rule) {
  const rule_def_t *d = def(rule);
  return d ? d->id : NULL;
}

const char *respcheck_capture_rule_reference(int rule) {
  const rule_def_t *d = def(rule);
  return d ? d->reference : NULL;
}

const char *respcheck_capture_rule_summary(int rule) {
  const rule_def_t *d = def(rule);
  return d ? d->summary : NULL;
}

respcheck_severity_t respcheck_capture_rule_default_severity(int rule) {
  const rule_def_t *d = def(rule);
  return d ? d->severity : RESPCHECK_SEVERITY_OFF;
}

int respcheck_capture_rule_from_id(const char *id, size_t len) {
  int i;
  if (id == NULL)
    return -1;
  for (i = 0; i < RESPCHECK_CAPTURE_RULE_COUNT; i++)
    if (strlen(rules[i].id) == len && memcmp(rules[i].id, id, len) == 0)
      return RESPCHECK_CAPTURE_RULE_BASE + i;
  return -1;
}

void respcheck_capture_options_init(respcheck_capture_options_t *o) {
  int i;
  if (o == NULL)
    return;
  memset(o, 0, sizeof *o);
  o->max_connections = 4096;
  o->max_held_bytes = 1u << 20;
  o->max_held_total = 64u << 20;
  o->retain_bytes = 16384;
  o->max_fragment_datagrams = 256;
  o->max_fragment_bytes = 4u << 20;
  o->max_pending_requests = 64;
  o->max_target_length = 8192;
  o->max_upgrade_bytes = 65536;
  for (i = 0; i < RESPCHECK_CAPTURE_RULE_COUNT; i++)
    o->severity[i] = (unsigned char)rules[i].severity;
}

respcheck_errno_t
respcheck_capture_options_set_severity(respcheck_capture_options_t *o, int rule,
                                       respcheck_severity_t sev) {
  if (o == NULL || !respcheck_capture_rule_valid(rule) ||
      (unsigned)sev > RESPCHECK_SEVERITY_ERROR)
    return RESPCHECK_E_INVAL;
  o->severity[rule - RESPCHECK_CAPTURE_RULE_BASE] = (unsigned char)sev;
  return RESPCHECK_E_OK;
}

int respcheck__capture_options_valid(const respcheck_capture_options_t *o) {
  int i;
  /* Segments of up to 64 KiB must fit in what one connection may hold. */
  if (o->max_connections == 0 || o->max_held_bytes < 65536 ||
      o->max_held_total < o->max_held_bytes || o->max_fragment_datagrams == 0 ||
      o->max_fragment_bytes < 65536 || o->max_pending_requests == 0 ||
      o->max_target_length == 0 || o->max_connections > ((size_t)1 << 24) ||
      o->retain_bytes > ((size_t)1 << 30))
    return -1;
  for (i = 0; i < RESPCHECK_CAPTURE_RULE_COUNT; i++)
    if (o->severity[i] > RESPCHECK_SEVERITY_ERROR)
      return -1;
  return 0;
}

size_t respcheck_capture_endpoint(const respcheck_capture_flow_t *flow,
                                  int server, char *buf, size_t size) {
  char ip[INET6_ADDRSTRLEN];
  const unsigned char *a = server ? flow->server_addr : flow->client_addr;
  unsigned port = server ? flow->server_port : flow->client_port;
  int n;
  if (size == 0)
    return 0;
  if (inet_ntop(flow->family == 6 ? AF_INET6 : AF_INET, a, ip, sizeof ip) ==
      NULL)
    memcpy(ip, "?", 2);
  n = snprintf(buf, size, flow->family == 6 ? "[%s]:%u" : "%s:%u", ip, port);
  if (n < 0) {
    buf[0] = '\0';
    return 0;
  }
  return (size_t)n < size ? (size_t)n : size - 1;
}
