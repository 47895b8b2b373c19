/* SPDX-License-Identifier: MIT */
/*
 * A main() for the harnesses without libFuzzer: runs LLVMFuzzerTestOneInput
 * once on every file named, and on every file of every folder named (in name
 * order, skipping dot files), so that any compiler builds the harnesses and
 * CTest replays their corpora. A harness reports a failure by aborting.
 *
 *   fuzz_stream_replay fuzz/corpus/stream crash-1234
 * --if-exists=fuzz/regressions/stream
 *
 * "--if-exists=PATH" names a file or folder that may be missing; arguments
 * starting with '-' otherwise are libFuzzer flags and are ignored, so the
 * same command line serves both. Each input is copied into a buffer of its
 * exact size, as libFuzzer does, so that AddressSanitizer sees an over-read.
 *
 * "--expect-crash" (first) turns it round, for the reproducers of open bugs
 * (fuzz/pending/): each input runs in a child process that must fail; one
 * that passes means the bug is fixed and the input belongs in
 * fuzz/regressions/.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long long runs;
static int expect_crash;

/* Runs the input in a child; 0 when the child failed, as expected. */
static int run_expecting_crash(const char *path, const unsigned char *data,
                               size_t len) {
  int st;
  pid_t pid;
  fflush(NULL);
  pid = fork();
  if (pid < 0) {
    perror("standalone: fork");
    return -1;
  }
  if (pid == 0) {
    LLVMFuzzerTestOneInput(data, len);
    _exit(0);
  }
  if (waitpid(pid, &st, 0) != pid) {
    perror("standalone: waitpid");
    return -1;
  }
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
    fprintf(stderr,
            "standalone: %s no longer fails: the bug is fixed; move the file "
            "to fuzz/regressions/ (fuzz/README.md)\n",
            path);
    return -1;
  }
  fprintf(stderr, "standalone: %s fails, as expected\n", path);
  return 0;
}

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL, *copy;
  size_t len = 0, cap = 0, n;

  if (f == NULL) {
    fprintf(stderr, "standalone: %s: %s\n", path, strerror(errno));
    return -1;
  }
  for (;;) {
    if (cap - len < 65536) {
      unsigned char *nb = realloc(buf, cap * 2 + 65536);
      if (nb == NULL) {
        fprintf(stderr, "standalone: %s: out of memory\n", path);
        free(buf);
        fclose(f);
        return -1;
      }
      buf = nb;
      cap = cap * 2 + 65536;
    }
    n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0)
      break;
  }
  if (ferror(f)) {
    fprintf(stderr, "standalone: %s: read error\n", path);
    free(buf);
    fclose(f);
    return -1;
  }
  fclose(f);
  copy = malloc(len ? len : 1);
  if (copy == NULL) {
    free(buf);
    return -1;
  }
  memcpy(copy, buf, len);
  free(buf);
  fprintf(stderr, "standalone: running %s (%zu bytes)\n", path, len);
  if (expect_crash) {
    int rc = run_expecting_crash(path, copy, len);
    free(copy);
    runs++;
    return rc;
  }
  LLVMFuzzerTestOneInput(copy, len);
  free(copy);
  runs++;
  return 0;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char **names = NULL;
  size_t count = 0, cap = 0, i;
  int rc = 0;

  if (d == NULL) {
    fprintf(stderr, "standalone: %s: %s\n", dir, strerror(errno));
    return -1;
  }
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(dir) + strlen(e->d_name) + 2;
    char *path;
    struct stat st;
    if (e->d_name[0] == '.')
      continue;
    path = malloc(n);
    if (path == NULL) {
      rc = -1;
      break;
    }
    snprintf(path, n, "%s/%s", dir, e->d_name);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
      free(path);
      continue;
    }
    if (count == cap) {
      char **nn = realloc(names, (cap * 2 + 64) * sizeof(*names));
      if (nn == NULL) {
        free(path);
        rc = -1;
        break;
      }
      names = nn;
      cap = cap * 2 + 64;
    }
    names[count++] = path;
  }
  closedir(d);
  if (count)
    qsort(names, count, sizeof(*names), cmp_names);
  for (i = 0; i < count; i++) {
    if (run_file(names[i]) != 0)
      rc = -1;
    free(names[i]);
  }
  free(names);
  return rc;
}

static int run_path(const char *path, int optional) {
  struct stat st;
  if (stat(path, &st) != 0) {
    if (optional)
      return 0;
    fprintf(stderr, "standalone: %s: %s\n", path, strerror(errno));
    return -1;
  }
  return S_ISDIR(st.st_mode) ? run_dir(path) : run_file(path);
}

int main(int argc, char **argv) {
  static const char opt[] = "--if-exists=";
  int i, rc = 0;

  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--expect-crash") == 0) {
      expect_crash = 1;
    } else if (strncmp(argv[i], opt, sizeof(opt) - 1) == 0) {
      if (run_path(argv[i] + sizeof(opt) - 1, 1) != 0)
        rc = 1;
    } else if (argv[i][0] == '-') {
      continue;
    } else if (run_path(argv[i], 0) != 0) {
      rc = 1;
    }
  }
  fprintf(stderr, "standalone: %llu input%s replayed%s\n", runs,
          runs == 1 ? "" : "s", rc ? ", with errors" : "");
  return rc;
}
