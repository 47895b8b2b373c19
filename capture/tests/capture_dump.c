/* SPDX-License-Identifier: MIT */
/*
 * capture_dump: prints every record the capture layers give for each file
 * named, one line each (records.c), then any broken promise. For looking
 * at a fixture while writing its test, and for the equivalence test.
 *
 *   capture_dump [--max-connections=N] [--max-held-bytes=N] FILE...
 *   capture_dump --streams DIR FILE   (also writes each flow's server bytes,
 *                                      gaps as zeros, to DIR/flow-N.http)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

static size_t num(const char *s) {
  size_t v = 0;
  for (; *s >= '0' && *s <= '9'; s++)
    v = v * 10 + (size_t)(*s - '0');
  return v;
}

int main(int argc, char **argv) {
  respcheck_capture_options_t co;
  const char *streams = NULL;
  int i, status = 0;
  respcheck_capture_options_init(&co);
  for (i = 1; i < argc; i++) {
    tr_run_t run;
    char *text;
    size_t k;
    if (strncmp(argv[i], "--max-connections=", 18) == 0) {
      co.max_connections = num(argv[i] + 18);
      continue;
    }
    if (strncmp(argv[i], "--max-held-bytes=", 17) == 0) {
      co.max_held_bytes = num(argv[i] + 17);
      continue;
    }
    if (strcmp(argv[i], "--streams") == 0 && i + 1 < argc) {
      streams = argv[++i];
      continue;
    }
    memset(&run, 0, sizeof run);
    run.keep_streams = streams != NULL;
    tr_run_file(&run, argv[i], NULL, &co);
    text = tr_dump(&run);
    printf("== %s\n%s", argv[i], text ? text : "");
    free(text);
    if (run.problem[0]) {
      printf("PROBLEM: %s\n", run.problem);
      status = 1;
    }
    for (k = 0; streams && k < run.nstreams; k++) {
      char path[4096];
      FILE *f;
      snprintf(path, sizeof path, "%s/flow-%llu.http", streams,
               (unsigned long long)run.streams[k].flow);
      f = fopen(path, "wb");
      if (f == NULL || fwrite(run.streams[k].bytes, 1, run.streams[k].len, f) !=
                           run.streams[k].len) {
        perror(path);
        status = 1;
      }
      if (f)
        fclose(f);
    }
    tr_free(&run);
  }
  return status;
}
