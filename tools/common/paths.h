/* SPDX-License-Identifier: MIT */
/*
 * Paths written the same way whatever way they were given: dot segments
 * and repeated slashes removed as RFC 3986 5.2.4 removes them from a URI's
 * path, lexically (a symbolic link is not looked through). For SARIF's
 * file: URIs, the configuration file's search and the baseline's file
 * names.
 */
#ifndef RESPCHECK_TOOLS_PATHS_H
#define RESPCHECK_TOOLS_PATHS_H

#include "json.h"

/* Appends path to b, cleaned: "." and empty segments go, ".." takes the
 * segment before it back (above the root of an absolute path it goes; at
 * the start of a relative one it stays). A relative path is taken from
 * base when base is not NULL (an absolute directory, such as the working
 * directory). An absolute result starts with '/' ("/" for the root); a
 * relative one is never empty ("." for the current directory). Not
 * NUL-terminated. */
void rc_path_clean(rc_buf_t *b, const char *base, const char *path);

#endif /* RESPCHECK_TOOLS_PATHS_H */
