/* SPDX-License-Identifier: MIT */
/*
 * The respcheck command's inputs: paths and directories, each input's kind
 * told by its first bytes and handed to that kind's reader (cli.h), read
 * errors, and progress on stderr.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define RC_MAX_DEPTH 128
/* Progress shows once a file has taken this long, then at this interval. */
#define RC_PROGRESS_DELAY_NS 1000000000LL
#define RC_PROGRESS_EVERY_NS 250000000LL

/* The input kinds, in the order they are asked; raw streams take anything,
 * so they come last. */
static const rc_input_kind_t *const kinds[] = {&rc_kind_pcap, &rc_kind_stream};
#define NKINDS (sizeof kinds / sizeof kinds[0])

/* ------------------------------------------------------------------------ */
/* Progress on stderr (a terminal only). */

static int64_t now_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
    return 0;
  return (int64_t)ts.tv_sec * 1000000000LL + (int64_t)ts.tv_nsec;
}

void rc_progress_clear(rc_cli_t *app) {
  if (app->progress_shown) {
    fputs("\r\033[K", stderr);
    app->progress_shown = 0;
  }
}

void rc_progress_start(rc_cli_t *app, const rc_input_t *in) {
  app->progress_path = strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
  app->progress_size = in->size;
  app->progress_start = app->progress_last = now_ns();
}

void rc_progress_update(rc_cli_t *app, uint64_t done) {
  int64_t t;
  double secs, mib = (double)done / (1024.0 * 1024.0);
  if (!app->progress_tty)
    return;
  t = now_ns();
  if (t - app->progress_start < RC_PROGRESS_DELAY_NS ||
      t - app->progress_last < RC_PROGRESS_EVERY_NS)
    return;
  app->progress_last = t;
  secs = (double)(t - app->progress_start) / 1e9;
  fputs("\rrespcheck: ", stderr);
  rc_text_escaped(stderr, app->progress_path, strlen(app->progress_path));
  fprintf(stderr, ": %.1f MiB", mib);
  if (app->progress_size > 0)
    fprintf(stderr, " of %.1f MiB (%.0f%%)",
            (double)app->progress_size / (1024.0 * 1024.0),
            100.0 * (double)done / (double)app->progress_size);
  fprintf(stderr, ", %.1f MiB/s\033[K", secs > 0 ? mib / secs : 0.0);
  fflush(stderr);
  app->progress_shown = 1;
}

/* ------------------------------------------------------------------------ */
/* Reading. */

void rc_cli_io_error(rc_cli_t *app, const char *path, const char *what,
                     int err) {
  rc_progress_clear(app);
  fputs("respcheck: ", stderr);
  rc_text_escaped(stderr, path, strlen(path));
  fprintf(stderr, ": %s: %s\n", what, strerror(err));
  app->io_error = 1;
  rc_out_file_error(app->out, path, strerror(err));
}

static ssize_t read_fd(int fd, void *buf, size_t n) {
  ssize_t r;
  do
    r = read(fd, buf, n);
  while (r < 0 && errno == EINTR);
  return r;
}

ssize_t rc_input_read(rc_input_t *in, void *buf, size_t n) {
  if (in->head_pos < in->head_len) {
    size_t k = in->head_len - in->head_pos;
    if (k > n)
      k = n;
    memcpy(buf, in->head + in->head_pos, k);
    in->head_pos += k;
    return (ssize_t)k;
  }
  return read_fd(in->fd, buf, n);
}

/* Reads the input's head (all of it: a pipe may give it in pieces) and
 * hands the input to the first kind that takes it. */
static void lint_input(rc_cli_t *app, rc_input_t *in) {
  size_t i;
  in->head_len = in->head_pos = 0;
  while (in->head_len < RC_INPUT_HEAD) {
    ssize_t n =
        read_fd(in->fd, in->head + in->head_len, RC_INPUT_HEAD - in->head_len);
    if (n < 0) {
      rc_cli_io_error(app, in->path, "read error", errno);
      return;
    }
    if (n == 0)
      break;
    in->head_len += (size_t)n;
  }
  if (in->head_len == 0) {
    /* Not an error (exit 0), but worth saying: an empty capture is most
     * often a recording that went wrong. */
    rc_progress_clear(app);
    if (strcmp(in->path, "-") == 0) {
      fputs("respcheck: <stdin>: note: the input is empty\n", stderr);
    } else {
      fputs("respcheck: ", stderr);
      rc_text_escaped(stderr, in->path, strlen(in->path));
      fputs(": note: the file is empty\n", stderr);
    }
  }
  for (i = 0; i < NKINDS; i++) {
    if (kinds[i]->sniff == NULL || kinds[i]->sniff(in->head, in->head_len)) {
      kinds[i]->lint(app, in);
      return;
    }
  }
}

static void lint_file(rc_cli_t *app, const char *path) {
  rc_input_t in;
  struct stat st;
  app->inputs_taken++;
  memset(&in, 0, sizeof in);
  in.path = path;
  if (strcmp(path, "-") == 0) {
    in.fd = 0;
  } else {
    do
      in.fd = open(path, O_RDONLY);
    while (in.fd < 0 && errno == EINTR);
    if (in.fd < 0) {
      rc_cli_io_error(app, path, "cannot open", errno);
      return;
    }
  }
  if (fstat(in.fd, &st) == 0 && S_ISREG(st.st_mode))
    in.size = (uint64_t)st.st_size;
  lint_input(app, &in);
  if (in.fd != 0)
    close(in.fd);
}

/* ------------------------------------------------------------------------ */
/* Directories. */

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join_path(const char *dir, const char *name) {
  size_t dl = strlen(dir), nl = strlen(name);
  int slash = dl > 0 && dir[dl - 1] == '/';
  char *p = malloc(dl + nl + 2);
  if (p == NULL)
    return NULL;
  memcpy(p, dir, dl);
  if (!slash)
    p[dl++] = '/';
  memcpy(p + dl, name, nl + 1);
  return p;
}

/* A file in a directory is read when it matches --include or, without it,
 * one of the kinds' patterns. */
static int wanted(const rc_cli_t *app, const char *name) {
  size_t i;
  const char *const *p;
  if (app->include != NULL)
    return fnmatch(app->include, name, 0) == 0;
  for (i = 0; i < NKINDS; i++)
    for (p = kinds[i]->patterns; p != NULL && *p != NULL; p++)
      if (fnmatch(*p, name, 0) == 0)
        return 1;
  return 0;
}

/* Walks a directory: entries in strcmp order, depth first. Names starting
 * with '.' are skipped; symbolic links to directories are not followed (no
 * loops); regular files (or links to them) that are wanted() are read. */
static void walk_dir(rc_cli_t *app, const char *dir, int depth) {
  DIR *d;
  struct dirent *e;
  char **names = NULL;
  size_t n = 0, cap = 0, i;
  if (depth > RC_MAX_DEPTH) {
    rc_cli_io_error(app, dir, "not walked", ELOOP);
    return;
  }
  d = opendir(dir);
  if (d == NULL) {
    rc_cli_io_error(app, dir, "cannot open directory", errno);
    return;
  }
  for (;;) {
    errno = 0;
    e = readdir(d);
    if (e == NULL) {
      if (errno != 0)
        rc_cli_io_error(app, dir, "cannot read directory", errno);
      break;
    }
    if (e->d_name[0] == '.')
      continue;
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 32;
      char **nn = realloc(names, ncap * sizeof *nn);
      if (nn == NULL) {
        rc_cli_io_error(app, dir, "cannot read directory", ENOMEM);
        break;
      }
      names = nn;
      cap = ncap;
    }
    names[n] = malloc(strlen(e->d_name) + 1);
    if (names[n] == NULL) {
      rc_cli_io_error(app, dir, "cannot read directory", ENOMEM);
      break;
    }
    memcpy(names[n], e->d_name, strlen(e->d_name) + 1);
    n++;
  }
  closedir(d);
  if (n > 1)
    qsort(names, n, sizeof *names, cmp_names);
  for (i = 0; i < n; i++) {
    struct stat st;
    char *full = join_path(dir, names[i]);
    if (full == NULL) {
      rc_cli_io_error(app, dir, "cannot read directory", ENOMEM);
    } else if (lstat(full, &st) != 0) {
      rc_cli_io_error(app, full, "cannot stat", errno);
    } else if (S_ISDIR(st.st_mode)) {
      walk_dir(app, full, depth + 1);
    } else if (wanted(app, names[i])) {
      if (S_ISLNK(st.st_mode)) {
        if (stat(full, &st) != 0)
          rc_cli_io_error(app, full, "cannot open", errno);
        else if (S_ISREG(st.st_mode))
          lint_file(app, full);
      } else if (S_ISREG(st.st_mode)) {
        lint_file(app, full);
      }
    }
    free(full);
    free(names[i]);
  }
  free(names);
}

/* "respcheck: DIR: no file to lint (...)" on stderr and in SARIF's
 * notifications, exit status 2: a directory that yields nothing is most
 * often a wrong path or a wrong --include, never what was meant. */
static void no_file_to_lint(rc_cli_t *app, const char *dir) {
  rc_buf_t why = {NULL, 0, 0, NULL};
  int oom = 0;
  size_t i, n = 0;
  const char *const *p;
  why.oom = &oom;
  rc_buf_str(&why, "no file to lint (");
  if (app->include != NULL) {
    rc_buf_str(&why, "none matches --include '");
    rc_buf_str(&why, app->include);
    rc_buf_str(&why, "'");
  } else {
    rc_buf_str(&why, "none is named like ");
    for (i = 0; i < NKINDS; i++)
      for (p = kinds[i]->patterns; p != NULL && *p != NULL; p++) {
        rc_buf_str(&why, n++ > 0 ? ", '" : "'");
        rc_buf_str(&why, *p);
        rc_buf_str(&why, "'");
      }
    rc_buf_str(&why, "; --include takes others");
  }
  rc_buf_str(&why, ")");
  rc_buf_put(&why, "", 1); /* rc_out_notification takes a C string */
  if (!oom)
    why.len--;
  rc_progress_clear(app);
  fputs("respcheck: ", stderr);
  rc_text_escaped(stderr, dir, strlen(dir));
  fputs(": ", stderr);
  rc_text_escaped(stderr, oom ? "no file to lint" : why.p,
                  oom ? strlen("no file to lint") : why.len);
  fputc('\n', stderr);
  app->io_error = 1;
  rc_out_notification(app->out, dir, oom ? "no file to lint" : why.p);
  rc_buf_free(&why);
}

void rc_lint_path(rc_cli_t *app, const char *path) {
  struct stat st;
  if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    uint64_t before = app->inputs_taken;
    rc_out_stats_t st0, st1;
    rc_out_get_stats(app->out, &st0);
    walk_dir(app, path, 0);
    rc_out_get_stats(app->out, &st1);
    /* A directory that could not be read has said so already. */
    if (app->inputs_taken == before &&
        st1.unreadable_files == st0.unreadable_files)
      no_file_to_lint(app, path);
  } else {
    lint_file(app, path);
  }
}
