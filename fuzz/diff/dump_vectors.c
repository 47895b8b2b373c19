/*
 * Writes every test vector of tests/vectors.h to a folder, for the
 * differential test (fuzz/diff/run.py): DIR/NAME.http holds the stream's
 * bytes, DIR/index.json one entry per vector with the request context and
 * limits it was written for.
 *
 * Usage: dump_vectors DIR   (DIR must exist)
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
  char path[4096];
  FILE *idx, *out;
  size_t i;

  if (argc != 2) {
    fputs("usage: dump_vectors DIR\n", stderr);
    return 2;
  }
  if ((size_t)snprintf(path, sizeof(path), "%s/index.json", argv[1]) >=
      sizeof(path))
    return 2;
  if ((idx = fopen(path, "w")) == NULL) {
    perror(path);
    return 2;
  }
  fputs("[\n", idx);
  for (i = 0; i < RC_VECTOR_COUNT; i++) {
    const rc_vector_t *v = &rc_vectors[i];
    const rc_limits_t *l = &v->limits;
    int custom = l->header_bytes || l->headers || l->line || l->reason ||
                 l->chunk_ext;
    respcheck_method_t m = v->method ? v->method : RESPCHECK_METHOD_GET;
    if ((size_t)snprintf(path, sizeof(path), "%s/%s.http", argv[1], v->name) >=
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
            "\", \"file\": \"%s.http\", \"method\": \"%s\", "
            "\"request_10\": %s, \"custom_limits\": %s, \"responses\": ",
            v->name, respcheck_method_name(m), v->request_10 ? "true" : "false",
            custom ? "true" : "false");
    if (v->responses) {
      fputc('"', idx);
      put_str(idx, v->responses);
      fputc('"', idx);
    } else {
      fputs("null", idx);
    }
    fputc('}', idx);
  }
  fputs("\n]\n", idx);
  if (fclose(idx) != 0)
    return 2;
  printf("%zu vectors written to %s\n", (size_t)RC_VECTOR_COUNT, argv[1]);
  return 0;
}
