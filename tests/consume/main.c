/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "respcheck.h"

int main(void) {
  static const char r[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  respcheck_parser_t *p = respcheck_parser_new(NULL, NULL, NULL);
  if (p == NULL || respcheck_execute(p, r, strlen(r)) != RESPCHECK_E_OK)
    return 1;
  printf("%s\n", respcheck_version());
  respcheck_parser_free(p);
  return 0;
}
