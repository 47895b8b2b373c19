/* SPDX-License-Identifier: MIT */
/*
 * rss_probe CMD [ARG...]: runs CMD (stdin, stdout and stderr inherited),
 * then prints "rss_probe: maxrss_kib=N" on stderr and exits with CMD's
 * status (128 + signal number when it was killed).
 *
 * The CLI tests measure respcheck's peak memory with it. A child started
 * straight from Python would report Python's own RSS: Linux keeps the
 * larger of the pre-exec and post-exec high-water marks, and the pre-exec
 * one is the forking process's. This probe is small, so its fork is too.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  pid_t pid;
  int status;
  struct rusage ru;
  if (argc < 2) {
    fputs("usage: rss_probe CMD [ARG...]\n", stderr);
    return 2;
  }
  pid = fork();
  if (pid < 0) {
    perror("rss_probe: fork");
    return 2;
  }
  if (pid == 0) {
    execvp(argv[1], argv + 1);
    perror("rss_probe: exec");
    _exit(127);
  }
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      perror("rss_probe: waitpid");
      return 2;
    }
  }
  if (getrusage(RUSAGE_CHILDREN, &ru) != 0) {
    perror("rss_probe: getrusage");
    return 2;
  }
  /* ru_maxrss is in KiB on Linux (bytes on macOS). */
  fprintf(stderr, "rss_probe: maxrss_kib=%ld\n", (long)ru.ru_maxrss);
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 2;
}
