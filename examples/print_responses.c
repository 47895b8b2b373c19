/* SPDX-License-Identifier: MIT */
/* A minimal embedding example: prints each response and its findings.
 * Usage: print_responses [FILE...] (standard input without arguments). */
#include <stdio.h>

#include "respcheck.h"

static void on_finding(void *user, const respcheck_finding_t *f) {
  (void)user;
  printf("  %llu: %s: %s [%s] (%s)\n", (unsigned long long)f->offset,
         respcheck_severity_name(f->severity), f->message, f->id, f->reference);
}

static int on_head(void *user, const respcheck_response_t *r) {
  (void)user;
  printf("response %llu at %llu: HTTP/%u.%u %d (effective %d), %zu fields\n",
         (unsigned long long)r->index, (unsigned long long)r->offset,
         r->version_major, r->version_minor, r->status, r->effective_status,
         r->header_count);
  return 0;
}

static void on_end(void *user, const respcheck_message_end_t *m) {
  (void)user;
  printf("end of response %llu at %llu: %s\n", (unsigned long long)m->index,
         (unsigned long long)m->end_offset,
         m->verdict == RESPCHECK_REJECT ? "reject" : "accept");
}

static int lint(FILE *in, respcheck_parser_t *p) {
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
    if (respcheck_execute(p, buf, n) != RESPCHECK_E_OK)
      break;
  }
  respcheck_finish(p);
  return respcheck_parser_error(p) == RESPCHECK_E_OK ? 0 : 1;
}

int main(int argc, char **argv) {
  respcheck_callbacks_t cb = {0};
  respcheck_parser_t *p;
  int i, rc = 0;

  cb.on_finding = on_finding;
  cb.on_head = on_head;
  cb.on_message_end = on_end;
  p = respcheck_parser_new(NULL, &cb, NULL);
  if (p == NULL)
    return 2;
  if (argc < 2)
    rc = lint(stdin, p);
  for (i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (f == NULL) {
      perror(argv[i]);
      rc = 2;
      continue;
    }
    printf("== %s\n", argv[i]);
    respcheck_parser_reset(p);
    rc |= lint(f, p);
    fclose(f);
  }
  respcheck_parser_free(p);
  return rc;
}
