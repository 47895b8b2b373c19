/* SPDX-License-Identifier: MIT */
/*
 * bench_warc_blocks: the baseline of bench/warc.sh. Reads a decompressed
 * WARC on standard input (zcat crawl.warc.gz | bench_warc_blocks) and
 * lints the raw HTTP block of every response record with a respcheck
 * parser, and nothing else: no gzip, no pairing, no request context, no
 * crawler-rewritten records. What `respcheck crawl.warc.gz` does beyond
 * this (and decompression, which zcat does here in another process) is
 * what the benchmark measures.
 *
 * Trusted input only (the benchmark's own corpus): a header line over the
 * buffer or a missing Content-Length ends the run with exit status 2.
 * Prints "responses N rejected N records N".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "respcheck.h"

static uint64_t responses, rejected;

static void on_end(void *user, const respcheck_message_end_t *m) {
  (void)user;
  responses++;
  if (m->verdict == RESPCHECK_REJECT)
    rejected++;
}

int main(void) {
  static char buf[1 << 16];
  char head[8192];
  size_t hlen = 0, n, i = 0;
  uint64_t left = 0, records = 0;
  int in_block = 0, lint = 0;
  respcheck_callbacks_t cb = {0};
  respcheck_parser_t *p;

  cb.on_message_end = on_end;
  p = respcheck_parser_new(NULL, &cb, NULL);
  if (p == NULL)
    return 2;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
    i = 0;
    while (i < n) {
      if (in_block) {
        size_t k = n - i < left ? n - i : (size_t)left;
        if (lint)
          respcheck_execute(p, buf + i, k);
        i += k;
        left -= k;
        if (left == 0) {
          if (lint)
            respcheck_finish(p);
          in_block = 0;
        }
        continue;
      }
      /* The header section, up to its empty line; CR LF between records
       * is skipped. */
      if (hlen == 0 && (buf[i] == '\r' || buf[i] == '\n')) {
        i++;
        continue;
      }
      if (hlen == sizeof head)
        return 2;
      head[hlen++] = buf[i++];
      if (hlen >= 4 && memcmp(head + hlen - 4, "\r\n\r\n", 4) == 0) {
        const char *cl = strstr(head, "\r\nContent-Length: ");
        head[hlen] = '\0';
        if (cl == NULL)
          return 2;
        left = strtoull(cl + 18, NULL, 10); /* trusted: the bench's own */
        lint = strstr(head, "\r\nWARC-Type: response\r\n") != NULL;
        if (lint)
          respcheck_parser_reset(p);
        records++;
        hlen = 0;
        in_block = 1;
        if (left == 0) {
          if (lint)
            respcheck_finish(p);
          in_block = 0;
        }
      }
    }
  }
  printf("responses %llu rejected %llu records %llu\n",
         (unsigned long long)responses, (unsigned long long)rejected,
         (unsigned long long)records);
  respcheck_parser_free(p);
  return 0;
}
