/* SPDX-License-Identifier: MIT */
/*
 * Writes every test vector (the fixtures of tests/vectors/, read by
 * tests/vectors.c) to a folder, for the differential test
 * (fuzz/diff/run.py): DIR/NAME.http holds the stream's bytes, DIR/index.json
 * one entry per vector with its fixture file, and the request context and
 * limits it was written for.
 *
 * Usage: dump_vectors VECTORS DIR   (VECTORS: tests/vectors; DIR must exist)
 */
#include <stdio.h>
#include <string.h>

#include "../../tests/vectors.h"

static void put_str(FILE *f, const char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20 || c >= 0x7f)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
}

int main(int argc, char **argv) {
  char path[4096], err[1024];
  rc_vectors_t set = {0};
  const char *dir;
  FILE *idx, *out;
  size_t i;

  if (argc != 3) {
    fputs("usage: dump_vectors VECTORS DIR\n", stderr);
    return 2;
  }
  if (rc_vectors_load(argv[1], &set, err, sizeof(err)) != 0) {
    fprintf(stderr, "dump_vectors: %s\n", err);
    rc_vectors_free(&set);
    return 2;
  }
  dir = argv[2];
  if ((size_t)snprintf(path, sizeof(path), "%s/index.json", dir) >=
      sizeof(path))
    return 2;
  if ((idx = fopen(path, "w")) == NULL) {
    perror(path);
    return 2;
  }
  fputs("[\n", idx);
  for (i = 0; i < set.count; i++) {
    const rc_vector_t *v = &set.v[i];
    const rc_limits_t *l = &v->limits;
    int custom =
        l->header_bytes || l->headers || l->line || l->reason || l->chunk_ext;
    if ((size_t)snprintf(path, sizeof(path), "%s/%s.http", dir, v->name) >=
        sizeof(path))
      return 2;
    if ((out = fopen(path, "wb")) == NULL) {
      perror(path);
      return 2;
    }
    if (fwrite(v->data, 1, v->len, out) != v->len || fclose(out) != 0) {
      perror(path);
      return 2;
    }
    fputs(i ? ",\n {\"name\": \"" : " {\"name\": \"", idx);
    put_str(idx, v->name);
    fprintf(idx,
            "\", \"file\": \"%s.http\", \"fixture\": \"%s\", \"line\": %u, "
            "\"method\": \"%s\", \"request_10\": %s, \"custom_limits\": %s}",
            v->name, v->file, v->line, respcheck_method_name(v->method),
            v->request_10 ? "true" : "false", custom ? "true" : "false");
  }
  fputs("\n]\n", idx);
  if (fclose(idx) != 0)
    return 2;
  printf("%zu vectors written to %s\n", set.count, dir);
  rc_vectors_free(&set);
  return 0;
}
