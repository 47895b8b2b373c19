/* SPDX-License-Identifier: MIT */
/*
 * bench_gen: writes the benchmark corpus, one HTTP/1.1 response stream.
 *
 * The stream is what a proxy reads from one upstream keep-alive connection:
 * a fixed-seed mix of small 204s, typical 200s with a dozen fields and a
 * body, header-heavy responses with long cookies, 100-continue followed by
 * a final response, chunked bodies and redirects. Every response is valid
 * (RFC 9110, RFC 9112) and keeps the connection open, so respcheck reports
 * no error or warning and every engine reads the stream to its end.
 *
 * --heads writes the same heads as answers to HEAD requests: Content-Length
 * and Transfer-Encoding stay (RFC 9110 9.3.2, 8.6; RFC 9112 6.1) and no
 * content follows, so the stream is all status lines and header sections.
 *
 * Usage: bench_gen [--heads] [--responses=N] [--seed=N] OUT
 * Prints the counts to stderr. The same arguments give the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEN_DEFAULT_RESPONSES 24000u
#define GEN_DEFAULT_SEED 0x5eedc0ffee5eedULL

typedef struct gen_buf {
  char *ptr;
  size_t len;
  size_t cap;
} gen_buf_t;

typedef struct gen {
  uint64_t rng;      /* heads */
  uint64_t rng_body; /* content, so --heads gives the same heads */
  int heads;         /* answers to HEAD: no content */
  gen_buf_t out;
  uint64_t clock; /* seconds, for Date and Last-Modified */
  uint64_t messages, finals, interim, content_bytes;
  uint64_t shape_count[6];
} gen_t;

enum shape {
  SHAPE_204,
  SHAPE_200,
  SHAPE_COOKIES,
  SHAPE_CONTINUE,
  SHAPE_CHUNKED,
  SHAPE_REDIRECT
};

static const char *const shape_names[6] = {"204 small",   "200 typical",
                                           "200 cookies", "100 + final",
                                           "200 chunked", "3xx redirect"};

/* splitmix64: small, fast, and the same on every platform. */
static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t gen_next(gen_t *g) { return splitmix64(&g->rng); }

/* Uniform in [lo, hi]. */
static size_t gen_range(gen_t *g, size_t lo, size_t hi) {
  return lo + (size_t)(gen_next(g) % (uint64_t)(hi - lo + 1));
}

static size_t body_range(gen_t *g, size_t lo, size_t hi) {
  return lo + (size_t)(splitmix64(&g->rng_body) % (uint64_t)(hi - lo + 1));
}

static void buf_reserve(gen_buf_t *b, size_t more) {
  if (b->len + more <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 1u << 20;
  while (cap < b->len + more)
    cap *= 2;
  char *p = realloc(b->ptr, cap);
  if (p == NULL) {
    fputs("bench_gen: out of memory\n", stderr);
    exit(1);
  }
  b->ptr = p;
  b->cap = cap;
}

static void put(gen_t *g, const char *s, size_t n) {
  buf_reserve(&g->out, n);
  memcpy(g->out.ptr + g->out.len, s, n);
  g->out.len += n;
}

static void puts_(gen_t *g, const char *s) { put(g, s, strlen(s)); }

static void put_u64(gen_t *g, uint64_t v) {
  char tmp[24];
  size_t i = sizeof(tmp);
  do {
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  put(g, tmp + i, sizeof(tmp) - i);
}

static void put_u2(gen_t *g, unsigned v) {
  char tmp[2] = {(char)('0' + v / 10 % 10), (char)('0' + v % 10)};
  put(g, tmp, 2);
}

static void put_hex(gen_t *g, uint64_t v, int upper) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[16];
  size_t i = sizeof(tmp);
  do {
    tmp[--i] = digits[v & 15];
    v >>= 4;
  } while (v != 0);
  put(g, tmp + i, sizeof(tmp) - i);
}

static void put_hex_fixed(gen_t *g, size_t n) {
  static const char digits[] = "0123456789abcdef";
  buf_reserve(&g->out, n);
  for (size_t i = 0; i < n; i++)
    g->out.ptr[g->out.len++] = digits[gen_next(g) & 15];
}

/* Token-safe characters for cookie values (RFC 6265 cookie-octet). */
static void put_cookie_octets(gen_t *g, size_t n) {
  static const char set[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
  buf_reserve(&g->out, n);
  for (size_t i = 0; i < n; i++)
    g->out.ptr[g->out.len++] = set[gen_next(g) % (sizeof(set) - 1)];
}

static void crlf(gen_t *g) { put(g, "\r\n", 2); }

/* IMF-fixdate (RFC 9110 5.6.7) from seconds since 2025-01-01T00:00:00Z, a
 * Wednesday. The corpus stays inside 2025, which is not a leap year. */
static void put_date(gen_t *g, uint64_t t) {
  static const char *const days[7] = {"Wed", "Thu", "Fri", "Sat",
                                      "Sun", "Mon", "Tue"};
  static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
  static const unsigned month_days[12] = {31, 28, 31, 30, 31, 30,
                                          31, 31, 30, 31, 30, 31};
  uint64_t day = t / 86400, sec = t % 86400;
  unsigned yday = (unsigned)(day % 365), month = 0;
  while (yday >= month_days[month]) {
    yday -= month_days[month];
    month++;
  }
  puts_(g, days[day % 7]);
  puts_(g, ", ");
  put_u2(g, yday + 1);
  puts_(g, " ");
  puts_(g, months[month]);
  puts_(g, " 2025 ");
  put_u2(g, (unsigned)(sec / 3600));
  puts_(g, ":");
  put_u2(g, (unsigned)(sec / 60 % 60));
  puts_(g, ":");
  put_u2(g, (unsigned)(sec % 60));
  puts_(g, " GMT");
}

static void field(gen_t *g, const char *name, const char *value) {
  puts_(g, name);
  puts_(g, ": ");
  puts_(g, value);
  crlf(g);
}

static void field_date(gen_t *g) {
  puts_(g, "Date: ");
  put_date(g, g->clock);
  crlf(g);
}

static void field_server(gen_t *g) {
  static const char *const servers[4] = {
      "nginx/1.24.0", "Apache/2.4.57 (Debian)", "envoy", "cloudflare"};
  field(g, "Server", servers[gen_next(g) % 4]);
}

static void field_request_id(gen_t *g) {
  puts_(g, "X-Request-Id: ");
  put_hex_fixed(g, 8);
  puts_(g, "-");
  put_hex_fixed(g, 4);
  puts_(g, "-4");
  put_hex_fixed(g, 3);
  puts_(g, "-a");
  put_hex_fixed(g, 3);
  puts_(g, "-");
  put_hex_fixed(g, 12);
  crlf(g);
}

static void field_content_length(gen_t *g, size_t n) {
  puts_(g, "Content-Length: ");
  put_u64(g, n);
  crlf(g);
}

static void field_keep_alive(gen_t *g) {
  /* HTTP/1.1 persists by default (RFC 9112 9.3); many servers say so anyway. */
  if (gen_next(g) % 2)
    field(g, "Connection", "keep-alive");
  if (gen_next(g) % 4 == 0)
    field(g, "Keep-Alive", "timeout=5, max=1000");
}

static void status_line(gen_t *g, const char *line) {
  puts_(g, line);
  crlf(g);
  g->messages++;
  if (line[9] == '1')
    g->interim++;
  else
    g->finals++;
}

/* Content: HTML-ish text, cut from a fixed block at a random place. */
static const char lorem[] =
    "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do "
    "eiusmod "
    "tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim "
    "veniam, "
    "quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo "
    "consequat.</p>\n<div class=\"item\"><a "
    "href=\"/catalog/item?id=1234\">Duis aute "
    "irure dolor in reprehenderit in voluptate velit esse cillum dolore eu "
    "fugiat "
    "nulla pariatur.</a></div>\n<script>window.dataLayer=window.dataLayer||[];"
    "</script>\n{\"id\":42,\"name\":\"excepteur sint "
    "occaecat\",\"tags\":[\"a\",\"b\"]}\n";

static void content(gen_t *g, size_t n) {
  g->content_bytes += n;
  if (g->heads)
    return;
  buf_reserve(&g->out, n);
  size_t pos = body_range(g, 0, sizeof(lorem) - 2);
  while (n > 0) {
    size_t take = sizeof(lorem) - 1 - pos;
    if (take > n)
      take = n;
    memcpy(g->out.ptr + g->out.len, lorem + pos, take);
    g->out.len += take;
    n -= take;
    pos = 0;
  }
}

static void end_head(gen_t *g) { crlf(g); }

static void shape_204(gen_t *g) {
  status_line(g, "HTTP/1.1 204 No Content");
  field_date(g);
  field_server(g);
  if (gen_next(g) % 2)
    field(g, "Access-Control-Allow-Origin", "*");
  if (gen_next(g) % 2)
    field_request_id(g);
  field_keep_alive(g);
  end_head(g);
}

static void common_200(gen_t *g, const char *type) {
  field_date(g);
  field_server(g);
  field(g, "Content-Type", type);
  field_keep_alive(g);
  puts_(g, "Cache-Control: max-age=");
  put_u64(g, gen_range(g, 0, 86400));
  crlf(g);
  puts_(g, "ETag: \"");
  put_hex_fixed(g, 16);
  puts_(g, "\"");
  crlf(g);
  puts_(g, "Last-Modified: ");
  put_date(g, g->clock - gen_range(g, 0, g->clock));
  crlf(g);
  field(g, "Vary", "Accept-Encoding");
  field_request_id(g);
  field(g, "Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  field(g, "X-Content-Type-Options", "nosniff");
  if (gen_next(g) % 2)
    field(g, "Accept-Ranges", "bytes");
}

static const char *const content_types[4] = {"text/html; charset=utf-8",
                                             "application/json", "text/css",
                                             "application/javascript"};

static void shape_200(gen_t *g) {
  size_t n = gen_range(g, 100, 2500);
  status_line(g, "HTTP/1.1 200 OK");
  common_200(g, content_types[gen_next(g) % 4]);
  field_content_length(g, n);
  end_head(g);
  content(g, n);
}

static void shape_cookies(gen_t *g) {
  size_t n = gen_range(g, 0, 1200);
  status_line(g, "HTTP/1.1 200 OK");
  common_200(g, "text/html; charset=utf-8");
  field(g, "X-Frame-Options", "SAMEORIGIN");
  field(g, "Referrer-Policy", "strict-origin-when-cross-origin");
  field(g, "Content-Security-Policy",
        "default-src 'self'; script-src 'self' 'unsafe-inline' "
        "https://cdn.example.com "
        "https://www.googletagmanager.com; img-src 'self' data: https:; "
        "style-src 'self' "
        "'unsafe-inline'; frame-ancestors 'none'; upgrade-insecure-requests");
  field(g, "Permissions-Policy", "geolocation=(), microphone=(), camera=()");
  field(g, "Cross-Origin-Opener-Policy", "same-origin");
  puts_(g, "Age: ");
  put_u64(g, gen_range(g, 0, 3600));
  crlf(g);
  field(g, "Via", "1.1 varnish, 1.1 cache-fra1234-FRA");
  field(g, "X-Cache", "MISS, HIT");
  field(g, "X-Served-By", "cache-fra1234-FRA, cache-ams21012-AMS");
  field(g, "Alt-Svc", "h3=\":443\"; ma=86400");
  size_t cookies = gen_range(g, 4, 9);
  for (size_t i = 0; i < cookies; i++) {
    puts_(g, "Set-Cookie: c");
    put_u64(g, i);
    puts_(g, "=");
    put_cookie_octets(g, gen_range(g, 60, 600));
    puts_(g, "; Path=/; Expires=");
    put_date(g, g->clock + 86400 * 30);
    puts_(g, "; Max-Age=2592000; Secure; HttpOnly; SameSite=Lax");
    crlf(g);
  }
  field_content_length(g, n);
  end_head(g);
  content(g, n);
}

static void shape_continue(gen_t *g) {
  status_line(g, "HTTP/1.1 100 Continue");
  end_head(g);
  size_t n = gen_range(g, 20, 400);
  if (gen_next(g) % 2) {
    status_line(g, "HTTP/1.1 201 Created");
    field_date(g);
    field_server(g);
    puts_(g, "Location: /api/v2/uploads/");
    put_hex_fixed(g, 24);
    crlf(g);
  } else {
    status_line(g, "HTTP/1.1 200 OK");
    field_date(g);
    field_server(g);
  }
  field(g, "Content-Type", "application/json");
  field_request_id(g);
  field_keep_alive(g);
  field_content_length(g, n);
  end_head(g);
  content(g, n);
}

static void shape_chunked(gen_t *g) {
  status_line(g, "HTTP/1.1 200 OK");
  field_date(g);
  field_server(g);
  field(g, "Content-Type", content_types[gen_next(g) % 4]);
  field(g, "Transfer-Encoding", "chunked");
  field_keep_alive(g);
  field(g, "Cache-Control", "no-store");
  field(g, "Vary", "Accept-Encoding");
  field_request_id(g);
  field(g, "X-Content-Type-Options", "nosniff");
  end_head(g);
  if (g->heads)
    return;
  size_t chunks = body_range(g, 1, 4);
  int upper = (int)(body_range(g, 0, 1));
  for (size_t i = 0; i < chunks; i++) {
    size_t n = body_range(g, 16, 1024);
    put_hex(g, n, upper);
    crlf(g);
    content(g, n);
    crlf(g);
  }
  put(g, "0\r\n\r\n", 5);
}

static void shape_redirect(gen_t *g) {
  static const char *const lines[5] = {
      "HTTP/1.1 301 Moved Permanently", "HTTP/1.1 302 Found",
      "HTTP/1.1 303 See Other", "HTTP/1.1 307 Temporary Redirect",
      "HTTP/1.1 308 Permanent Redirect"};
  status_line(g, lines[gen_next(g) % 5]);
  field_date(g);
  field_server(g);
  puts_(g, "Location: https://www.example.com/");
  put_cookie_octets(g, gen_range(g, 5, 60));
  puts_(g, "?utm_source=bench&ref=");
  put_hex_fixed(g, 8);
  crlf(g);
  field_keep_alive(g);
  field(g, "Cache-Control", "private, max-age=0");
  if (gen_next(g) % 2) {
    field(g, "Content-Type", "text/html");
    size_t n = gen_range(g, 100, 300);
    field_content_length(g, n);
    end_head(g);
    content(g, n);
  } else {
    field_content_length(g, 0);
    end_head(g);
  }
}

/* Share of each shape, in percent. */
static enum shape pick_shape(gen_t *g) {
  unsigned r = (unsigned)(gen_next(g) % 100);
  if (r < 20)
    return SHAPE_204;
  if (r < 55)
    return SHAPE_200;
  if (r < 65)
    return SHAPE_COOKIES;
  if (r < 70)
    return SHAPE_CONTINUE;
  if (r < 85)
    return SHAPE_CHUNKED;
  return SHAPE_REDIRECT;
}

/* Parses a decimal (or 0x hex) number; 0 on success. */
static int parse_u64(const char *s, uint64_t *out) {
  uint64_t v = 0;
  unsigned base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
  }
  if (*s == '\0')
    return -1;
  for (; *s; s++) {
    unsigned d;
    if (*s >= '0' && *s <= '9')
      d = (unsigned)(*s - '0');
    else if (base == 16 && *s >= 'a' && *s <= 'f')
      d = (unsigned)(*s - 'a' + 10);
    else if (base == 16 && *s >= 'A' && *s <= 'F')
      d = (unsigned)(*s - 'A' + 10);
    else
      return -1;
    if (v > (UINT64_MAX - d) / base)
      return -1;
    v = v * base + d;
  }
  *out = v;
  return 0;
}

static void usage(void) {
  fputs("usage: bench_gen [--heads] [--responses=N] [--seed=N] OUT\n"
        "  N responses (requests) of the fixed mix; --heads: answers to HEAD\n",
        stderr);
}

int main(int argc, char **argv) {
  gen_t g;
  memset(&g, 0, sizeof(g));
  uint64_t count = GEN_DEFAULT_RESPONSES, seed = GEN_DEFAULT_SEED;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--heads") == 0) {
      g.heads = 1;
    } else if (strncmp(a, "--responses=", 12) == 0) {
      if (parse_u64(a + 12, &count) != 0 || count == 0) {
        usage();
        return 2;
      }
    } else if (strncmp(a, "--seed=", 7) == 0) {
      if (parse_u64(a + 7, &seed) != 0) {
        usage();
        return 2;
      }
    } else if (a[0] == '-' && a[1] != '\0') {
      usage();
      return 2;
    } else if (path == NULL) {
      path = a;
    } else {
      usage();
      return 2;
    }
  }
  if (path == NULL) {
    usage();
    return 2;
  }

  g.rng = seed;
  g.rng_body = ~seed;
  g.clock = 280u * 86400u + 9u * 3600u; /* early October, 09:00 */
  for (uint64_t i = 0; i < count; i++) {
    g.clock += gen_range(&g, 0, 2);
    enum shape s = pick_shape(&g);
    g.shape_count[s]++;
    switch (s) {
    case SHAPE_204:
      shape_204(&g);
      break;
    case SHAPE_200:
      shape_200(&g);
      break;
    case SHAPE_COOKIES:
      shape_cookies(&g);
      break;
    case SHAPE_CONTINUE:
      shape_continue(&g);
      break;
    case SHAPE_CHUNKED:
      shape_chunked(&g);
      break;
    case SHAPE_REDIRECT:
      shape_redirect(&g);
      break;
    }
  }

  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(g.out.ptr, 1, g.out.len, f) != g.out.len ||
      fclose(f) != 0) {
    perror(path);
    return 1;
  }
  fprintf(stderr,
          "bench_gen: %s: %zu bytes, %llu requests (%s), %llu responses = %llu "
          "final + "
          "%llu interim, %.0f bytes per response\n",
          path, g.out.len, (unsigned long long)count, g.heads ? "HEAD" : "GET",
          (unsigned long long)g.messages, (unsigned long long)g.finals,
          (unsigned long long)g.interim,
          (double)g.out.len / (double)g.messages);
  fputs("bench_gen: mix:", stderr);
  for (int i = 0; i < 6; i++)
    fprintf(stderr, " %s %llu%s", shape_names[i],
            (unsigned long long)g.shape_count[i], i < 5 ? "," : "\n");
  free(g.out.ptr);
  return 0;
}
