/* SPDX-License-Identifier: MIT */
/*
 * Writes the test vectors (the fixtures of tests/vectors/, read by
 * vectors.c), and any capture files named, as seed inputs of the fuzz
 * harnesses: OUTDIR/stream/, OUTDIR/split/ and OUTDIR/output/, each input
 * with the configuration bytes its harness reads first (fuzz/fuzz_common.h)
 * set to the vector's options.
 *
 *   respcheck_dump_vectors VECTORS OUTDIR [CAPTURE...]
 *
 * VECTORS is the fixtures' folder, tests/vectors.
 * A capture whose name ends in ".head" is a response to HEAD. The fuzz
 * replay tests run the vectors this way on every build; fuzz/README.md says
 * how the committed corpora were made from them.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"
#include "vectors.h"

static int make_dir(const char *path) {
  if (mkdir(path, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "dump_vectors: %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

static int write_file(const char *dir, const char *sub, const char *name,
                      const uint8_t *head, size_t head_len, const char *data,
                      size_t len) {
  char path[4096];
  FILE *f;
  int ok;
  snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
  f = fopen(path, "wb");
  if (f == NULL) {
    fprintf(stderr, "dump_vectors: %s: %s\n", path, strerror(errno));
    return -1;
  }
  ok = fwrite(head, 1, head_len, f) == head_len &&
       (len == 0 || fwrite(data, 1, len, f) == len);
  if (fclose(f) != 0 || !ok) {
    fprintf(stderr, "dump_vectors: %s: write error\n", path);
    return -1;
  }
  return 0;
}

/* One input for each harness. n picks the output format and the chunking,
 * so that the seeds spread over them. */
static int dump(const char *dir, const char *name, const char *data, size_t len,
                respcheck_method_t method, int request_10,
                const size_t limits[5], unsigned n) {
  static const uint8_t stream_chunks[4] = {15, 1, 2, 3};
  static const uint8_t split_chunks[4] = {7, 4, 5, 6};
  uint8_t cfg[RCF_CONFIG_SIZE], out[3 + 255];
  char file[300];
  size_t plen;

  snprintf(file, sizeof(file), "%s", name);
  rcf_encode_vector(cfg, method, request_10, limits, 3, stream_chunks);
  if (write_file(dir, "stream", file, cfg, sizeof(cfg), data, len))
    return -1;
  rcf_encode_vector(cfg, method, request_10, limits, 3, split_chunks);
  if (write_file(dir, "split", file, cfg, sizeof(cfg), data, len))
    return -1;
  /* fuzz_output reads with the default options: only the default method
   * counts there, so HEAD and CONNECT vectors keep their meaning. */
  if (method != RESPCHECK_METHOD_GET)
    return 0;
  plen = strlen(name) > 255 ? 255 : strlen(name);
  out[0] = (uint8_t)(n % 3);
  out[1] = (uint8_t)(n % 2 ? 0 : 7);
  out[2] = (uint8_t)plen;
  memcpy(out + 3, name, plen);
  return write_file(dir, "output", file, out, 3 + plen, data, len);
}

static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t cap = 0, n;
  *len = 0;
  if (f == NULL)
    return NULL;
  for (;;) {
    if (cap - *len < 4096) {
      char *nb = realloc(buf, cap * 2 + 4096);
      if (nb == NULL) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = nb;
      cap = cap * 2 + 4096;
    }
    n = fread(buf + *len, 1, cap - *len, f);
    *len += n;
    if (n == 0)
      break;
  }
  fclose(f);
  return buf;
}

int main(int argc, char **argv) {
  static const char *const subs[] = {"stream", "split", "output"};
  char path[4096], err[1024];
  rc_vectors_t set = {0};
  const char *out;
  size_t i;
  int a;

  if (argc < 3) {
    fprintf(stderr, "usage: %s VECTORS OUTDIR [CAPTURE...]\n", argv[0]);
    return 2;
  }
  if (rc_vectors_load(argv[1], &set, err, sizeof(err)) != 0) {
    fprintf(stderr, "dump_vectors: %s\n", err);
    rc_vectors_free(&set);
    return 1;
  }
  out = argv[2];
  if (make_dir(out))
    return 1;
  for (i = 0; i < 3; i++) {
    snprintf(path, sizeof(path), "%s/%s", out, subs[i]);
    if (make_dir(path))
      return 1;
  }
  for (i = 0; i < set.count; i++) {
    const rc_vector_t *v = &set.v[i];
    size_t limits[5] = {v->limits.header_bytes, v->limits.headers,
                        v->limits.line, v->limits.reason, v->limits.chunk_ext};
    char name[128];
    snprintf(name, sizeof(name), "v-%s", v->name);
    if (dump(out, name, v->data, v->len, v->method, v->request_10, limits,
             (unsigned)i))
      return 1;
  }
  for (a = 3; a < argc; a++) {
    static const size_t none[5] = {0, 0, 0, 0, 0};
    const char *base = strrchr(argv[a], '/');
    size_t len, bl;
    char *data = read_all(argv[a], &len);
    char name[300];
    if (data == NULL) {
      fprintf(stderr, "dump_vectors: %s: cannot read\n", argv[a]);
      return 1;
    }
    base = base ? base + 1 : argv[a];
    bl = strlen(base);
    snprintf(name, sizeof(name), "c-%s", base);
    if (dump(out, name, data, len,
             bl > 5 && strcmp(base + bl - 5, ".head") == 0
                 ? RESPCHECK_METHOD_HEAD
                 : RESPCHECK_METHOD_GET,
             0, none, (unsigned)(a - 1))) {
      free(data);
      return 1;
    }
    free(data);
  }
  printf("dump_vectors: %zu vectors and %d captures written to %s\n", set.count,
         argc - 3, out);
  rc_vectors_free(&set);
  return 0;
}
