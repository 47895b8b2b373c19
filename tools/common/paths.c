/* SPDX-License-Identifier: MIT */
/* Paths cleaned of dot segments (paths.h). */
#include "paths.h"

#include <string.h>

/* Appends the segments of path to b, which holds a clean path so far
 * (root: 1 when it is absolute, its first byte the root's '/'). */
static void put_segments(rc_buf_t *b, size_t root, const char *path) {
  while (*path != '\0') {
    const char *end = strchr(path, '/');
    size_t n = end != NULL ? (size_t)(end - path) : strlen(path);
    size_t last = b->len; /* where b's last segment starts */
    while (last > root && b->p[last - 1] != '/')
      last--;
    if (n == 0 || (n == 1 && path[0] == '.')) {
      /* nothing */
    } else if (n == 2 && path[0] == '.' && path[1] == '.' && b->len > root &&
               !(b->len - last == 2 && b->p[last] == '.' &&
                 b->p[last + 1] == '.')) {
      b->len = last > root ? last - 1 : root; /* the segment and its '/' */
    } else if (n == 2 && path[0] == '.' && path[1] == '.' && root == 1) {
      /* above the root: nothing to take back */
    } else {
      if (b->len > root)
        rc_buf_put(b, "/", 1);
      rc_buf_put(b, path, n);
    }
    path += n;
    if (*path == '/')
      path++;
  }
}

void rc_path_clean(rc_buf_t *b, const char *base, const char *path) {
  rc_buf_t tmp = {NULL, 0, 0, b->oom};
  int absolute = path[0] == '/' || (base != NULL && base[0] == '/');
  if (absolute)
    rc_buf_put(&tmp, "/", 1);
  if (path[0] != '/' && base != NULL)
    put_segments(&tmp, absolute ? 1 : 0, base);
  put_segments(&tmp, absolute ? 1 : 0, path);
  if (tmp.len == 0)
    rc_buf_put(&tmp, ".", 1);
  if (tmp.p != NULL)
    rc_buf_put(b, tmp.p, tmp.len);
  rc_buf_free(&tmp);
}
