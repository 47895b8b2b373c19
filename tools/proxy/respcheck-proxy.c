/* SPDX-License-Identifier: MIT */
/*
 * respcheck-proxy: an HTTP/1.1 reverse proxy that checks every upstream
 * response with respcheck before its client sees it.
 *
 * This file: options, the listener, signals. The connection engine is
 * session.c, the log log.c; proxy.h describes the memory of a connection.
 * The options it shares with the respcheck command (--rule, the limits) and
 * its usage errors come from tools/common/options.c.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "json.h"
#include "log.h"
#include "options.h"
#include "proxy.h"
#include "respcheck.h"

#define PROG "respcheck-proxy"

static const char usage_text[] =
    "Usage: respcheck-proxy --upstream=HOST:PORT [OPTIONS]\n"
    "An HTTP/1.1 reverse proxy that checks each upstream response with\n"
    "respcheck: a response whose head breaks a rule at severity error is\n"
    "replaced by 502 Bad Gateway (naming the rules) and its upstream\n"
    "connection closed; an error found in a body already on its way ends the\n"
    "client connection. Every response with findings is logged as one JSON\n"
    "line.\n"
    "\n"
    "Addresses:\n"
    "      --listen=HOST:PORT        where to listen (default 127.0.0.1:8080;\n"
    "                                port 0: a free port, printed on stdout)\n"
    "      --upstream=HOST:PORT      the server requests go to (required)\n"
    "\n"
    "Checking:\n"
    "      --report-only             forward everything; only "
    "log\n" RC_LIBRARY_OPT_HELP
    "      --max-pending-requests=N  the library's request queue (32); the\n"
    "                                proxy sends one request at a time\n"
    "  Here bare-lf is an error by default (a client that reads only CR LF\n"
    "  would see other fields than were checked); --rule=bare-lf=warning.\n"
    "\n"
    "Requests (a head is read whole before anything is sent on):\n"
    "      --max-request-header-bytes=N  request line + header section\n"
    "                                (65536; beyond: 431, or 414 for the\n"
    "                                request line alone)\n"
    "      --max-request-headers=N   field lines in a request head (100;\n"
    "                                beyond: 431)\n"
    "\n"
    "Log (JSON Lines; the fields of 'respcheck --format=json' with\n"
    "\"connection\" and \"request\" in place of \"file\"):\n"
    "      --log=PATH                append to PATH (default: standard error)\n"
    "      --log-all                 a line for every response, not only\n"
    "                                those with findings\n"
    "      --log-headers             include the responses' header fields\n"
    "      --log-rate=N              lines per second for each rule and\n"
    "                                action (10); beyond, one line a second\n"
    "                                counts them; 0: no limit\n"
    "\n"
    "Connections:\n"
    "      --max-connections=N       client connections at once (default "
    "256);\n"
    "                                more wait in the listen backlog, and\n"
    "                                one waiting for a request head the\n"
    "                                longest (1 s at least) gives its slot "
    "up\n"
    "      --header-timeout=SECONDS  a request head must arrive whole "
    "within\n"
    "                                this of the connection's start, or of\n"
    "                                its first byte (10); else 408\n"
    "      --keepalive-timeout=SECONDS  idle time between requests (60)\n"
    "      --timeout=SECONDS         a response head must arrive whole "
    "within\n"
    "                                this of its request (60), else 504\n"
    "                                Gateway Timeout; and a body that "
    "moves\n"
    "                                no byte for this long is cut\n"
    "\n"
    "  -V, --version                 version\n"
    "  -h, --help                    this help\n"
    "\n"
    "SIGTERM or SIGINT: stop accepting, close every connection, flush the\n"
    "log, exit 0. Exit status 1: cannot listen or write the log; 2: usage.\n";

/* HOST:PORT, HOST an IPv4 or IPv6 ("[::1]") address or a name resolved
 * once, now. Port 0 is accepted when allow_zero. */
static void parse_address(uv_loop_t *loop, const char *name, const char *value,
                          int allow_zero, struct sockaddr_storage *out) {
  char host[256];
  const char *colon, *h = value, *port_str;
  size_t hlen;
  unsigned long port = 0;
  const char *p;
  if (value[0] == '[') {
    const char *close = strchr(value, ']');
    if (close == NULL || close[1] != ':')
      rc_usage_error(PROG, name, value, "' is not [IPV6]:PORT");
    h = value + 1;
    hlen = (size_t)(close - h);
    colon = close + 1;
  } else {
    colon = strrchr(value, ':');
    if (colon == NULL)
      rc_usage_error(PROG, name, value, "' is not HOST:PORT");
    hlen = (size_t)(colon - value);
  }
  if (hlen == 0 || hlen >= sizeof host)
    rc_usage_error(PROG, name, value, "': no host, or too long a host");
  memcpy(host, h, hlen);
  host[hlen] = '\0';
  port_str = colon + 1;
  if (*port_str == '\0')
    rc_usage_error(PROG, name, value, "': no port");
  for (p = port_str; *p; p++) {
    if (*p < '0' || *p > '9' || port > 65535)
      rc_usage_error(PROG, name, value,
                     "': the port is not a number up to 65535");
    port = port * 10 + (unsigned long)(*p - '0');
  }
  if (port > 65535 || (port == 0 && !allow_zero))
    rc_usage_error(PROG, name, value,
                   "': the port is not a number from 1 to 65535");
  memset(out, 0, sizeof *out);
  if (uv_ip4_addr(host, (int)port, (struct sockaddr_in *)out) == 0 ||
      uv_ip6_addr(host, (int)port, (struct sockaddr_in6 *)out) == 0)
    return;
  {
    uv_getaddrinfo_t req;
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (uv_getaddrinfo(loop, &req, NULL, host, NULL, &hints) != 0 ||
        req.addrinfo == NULL)
      rc_usage_error(PROG, name, value, "': the host cannot be resolved");
    memcpy(out, req.addrinfo->ai_addr, req.addrinfo->ai_addrlen);
    uv_freeaddrinfo(req.addrinfo);
    if (out->ss_family == AF_INET)
      ((struct sockaddr_in *)out)->sin_port = htons((uint16_t)port);
    else
      ((struct sockaddr_in6 *)out)->sin6_port = htons((uint16_t)port);
  }
}

/* "HOST:PORT" ("[HOST]:PORT" for IPv6) into buf. */
static void format_address(const struct sockaddr_storage *a, char *buf,
                           size_t size) {
  char host[64] = "?";
  unsigned port = 0;
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)a;
    uv_ip4_name(v4, host, sizeof host);
    port = ntohs(v4->sin_port);
    snprintf(buf, size, "%s:%u", host, port);
  } else {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)a;
    uv_ip6_name(v6, host, sizeof host);
    port = ntohs(v6->sin6_port);
    snprintf(buf, size, "[%s]:%u", host, port);
  }
}

typedef struct app {
  uv_loop_t *loop;
  rp_config_t cfg;
  rp_log_t log;
  rp_server_t srv;
  const char *log_path;
  int have_upstream;
} app_t;

enum opt_id {
  OPT_LISTEN,
  OPT_UPSTREAM,
  OPT_LOG,
  OPT_LOG_ALL,
  OPT_LOG_HEADERS,
  OPT_REPORT_ONLY,
  OPT_MAX_PENDING_REQUESTS,
  OPT_MAX_CONNECTIONS,
  OPT_TIMEOUT,
  OPT_HEADER_TIMEOUT,
  OPT_KEEPALIVE_TIMEOUT,
  OPT_MAX_REQUEST_HEADER_BYTES,
  OPT_MAX_REQUEST_HEADERS,
  OPT_LOG_RATE,
  OPT_VERSION,
  OPT_HELP
};

static const rc_opt_def_t opt_defs[] = {
    {"listen", 0, 1, OPT_LISTEN},
    {"upstream", 0, 1, OPT_UPSTREAM},
    {"log", 0, 1, OPT_LOG},
    {"log-all", 0, 0, OPT_LOG_ALL},
    {"log-headers", 0, 0, OPT_LOG_HEADERS},
    {"report-only", 0, 0, OPT_REPORT_ONLY},
    {"max-pending-requests", 0, 1, OPT_MAX_PENDING_REQUESTS},
    {"max-connections", 0, 1, OPT_MAX_CONNECTIONS},
    {"timeout", 0, 1, OPT_TIMEOUT},
    {"header-timeout", 0, 1, OPT_HEADER_TIMEOUT},
    {"keepalive-timeout", 0, 1, OPT_KEEPALIVE_TIMEOUT},
    {"max-request-header-bytes", 0, 1, OPT_MAX_REQUEST_HEADER_BYTES},
    {"max-request-headers", 0, 1, OPT_MAX_REQUEST_HEADERS},
    {"log-rate", 0, 1, OPT_LOG_RATE},
    {"version", 'V', 0, OPT_VERSION},
    {"help", 'h', 0, OPT_HELP},
};

/* A timeout option: 1 s to a week, in milliseconds. */
static uint64_t seconds_ms(const char *option, const char *v) {
  return rc_parse_number(PROG, option, v, 7u * 86400u) * 1000u;
}

static void apply_option(void *ctx, int id, const char *v) {
  app_t *app = ctx;
  rp_config_t *cfg = &app->cfg;
  if (rc_library_option(PROG, &cfg->opts, id, v))
    return;
  switch ((enum opt_id)id) {
  case OPT_LISTEN:
    parse_address(app->loop, "--listen: '", v, 1, &cfg->listen_addr);
    break;
  case OPT_UPSTREAM:
    parse_address(app->loop, "--upstream: '", v, 0, &cfg->upstream_addr);
    app->have_upstream = 1;
    break;
  case OPT_LOG:
    if (*v == '\0')
      rc_usage_error(PROG, "--log needs a path", "", "");
    app->log_path = v;
    break;
  case OPT_LOG_ALL:
    app->log.all = 1;
    break;
  case OPT_LOG_HEADERS:
    app->log.headers = 1;
    break;
  case OPT_REPORT_ONLY:
    cfg->report_only = 1;
    break;
  case OPT_MAX_PENDING_REQUESTS:
    cfg->opts.max_pending_requests =
        (size_t)rc_parse_number(PROG, "--max-pending-requests", v, 65536);
    break;
  case OPT_MAX_CONNECTIONS:
    cfg->max_connections =
        (unsigned)rc_parse_number(PROG, "--max-connections", v, 1u << 20);
    break;
  case OPT_TIMEOUT:
    cfg->timeout_ms = seconds_ms("--timeout", v);
    break;
  case OPT_HEADER_TIMEOUT:
    cfg->header_timeout_ms = seconds_ms("--header-timeout", v);
    break;
  case OPT_KEEPALIVE_TIMEOUT:
    cfg->keepalive_timeout_ms = seconds_ms("--keepalive-timeout", v);
    break;
  case OPT_MAX_REQUEST_HEADER_BYTES:
    cfg->max_request_header_bytes = (size_t)rc_parse_number(
        PROG, "--max-request-header-bytes", v, RC_MAX_LIMIT_BYTES);
    break;
  case OPT_MAX_REQUEST_HEADERS:
    cfg->max_request_headers = (size_t)rc_parse_number(
        PROG, "--max-request-headers", v, RC_MAX_LIMIT_HEADERS);
    break;
  case OPT_LOG_RATE:
    /* 0 turns the limit off. */
    app->log.rate.per_second =
        strcmp(v, "0") == 0
            ? 0
            : rc_parse_number(PROG, "--log-rate", v, 1000000000u);
    break;
  case OPT_VERSION:
    printf("respcheck-proxy %s\n", respcheck_version());
    exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2);
  case OPT_HELP:
    fputs(usage_text, stdout);
    exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2);
  }
}

static void parse_args(app_t *app, int argc, char **argv) {
  rp_config_t *cfg = &app->cfg;
  rc_cmdline_t cl = {PROG, opt_defs,     sizeof opt_defs / sizeof opt_defs[0],
                     1,    apply_option, NULL};
  int nops;
  cl.ctx = app;
  respcheck_options_init(&cfg->opts);
  /* A linter may read LF-only line ends (RFC 9112 2.2 lets a recipient),
   * but a proxy forwards the head as it came to clients that may not: one
   * that reads only CR LF sees other fields, and other framing, than the
   * proxy checked. So bare-lf rejects here unless --rule says otherwise. */
  (void)respcheck_options_set_severity(&cfg->opts, RESPCHECK_RULE_BARE_LF,
                                       RESPCHECK_SEVERITY_ERROR);
  cfg->max_connections = 256;
  /* nginx's client_header_timeout and HAProxy's "timeout http-request" are
   * in the same range; keep-alive as nginx's keepalive_timeout (75 s). */
  cfg->timeout_ms = 60000;
  cfg->header_timeout_ms = 10000;
  cfg->keepalive_timeout_ms = 60000;
  /* HAProxy refuses heads beyond its 16 KiB buffer and 101 fields, nginx
   * beyond 4 x 8 KiB; a response head may take 64 KiB here, a request as
   * much. */
  cfg->max_request_header_bytes = 65536;
  cfg->max_request_headers = 100;
  app->log.rate.per_second = 10;
  parse_address(app->loop, "--listen: '", "127.0.0.1:8080", 1,
                &cfg->listen_addr);
  nops = rc_parse_args(&cl, argc, argv);
  if (nops > 0)
    rc_usage_error(PROG, "unexpected argument '", argv[0],
                   "': every setting is an option");
  if (!app->have_upstream)
    rc_usage_error(PROG, "--upstream=HOST:PORT is required", "", "");
}

static void on_signal(uv_signal_t *h, int signum) {
  rp_server_t *srv = h->data;
  if (srv->stopping)
    return;
  fprintf(stderr, "respcheck-proxy: %s: stopping\n",
          signum == SIGTERM ? "SIGTERM" : "SIGINT");
  srv->stopping = 1;
  uv_close((uv_handle_t *)&srv->listener, NULL);
  uv_close((uv_handle_t *)&srv->sigterm, NULL);
  uv_close((uv_handle_t *)&srv->sigint, NULL);
  rp_server_close_sessions(srv);
  rp_server_stop(srv);
}

int main(int argc, char **argv) {
  static app_t app; /* zeroed */
  rp_server_t *srv = &app.srv;
  uv_loop_t *loop = uv_default_loop();
  struct sockaddr_storage bound;
  int namelen = (int)sizeof bound, err, status = 0;
  char listen_name[96], upstream_name[96];

  app.loop = loop;
  parse_args(&app, argc, argv);
  srv->loop = loop;
  srv->cfg = &app.cfg;
  srv->log = &app.log;
  srv->parser_size = respcheck_parser_size(&app.cfg.opts);
  srv->session_size = rp_session_size(&app.cfg, srv->parser_size);
  if (srv->session_size == 0) {
    fputs("respcheck-proxy: the limits are too large\n", stderr);
    return 2;
  }
  if (app.log_path != NULL) {
    app.log.fp = fopen(app.log_path, "a");
    if (app.log.fp == NULL) {
      perror(app.log_path);
      return 1;
    }
  } else {
    app.log.fp = stderr;
  }
  /* A client or upstream that goes away mid-write is an error return, not
   * a signal. */
  signal(SIGPIPE, SIG_IGN);

  rp_server_init(srv);
  uv_tcp_init(loop, &srv->listener);
  srv->listener.data = srv;
  err = uv_tcp_bind(&srv->listener,
                    (const struct sockaddr *)&app.cfg.listen_addr, 0);
  if (err == 0)
    err =
        uv_listen((uv_stream_t *)&srv->listener, 511, rp_server_on_connection);
  if (err == 0)
    err =
        uv_tcp_getsockname(&srv->listener, (struct sockaddr *)&bound, &namelen);
  if (err != 0) {
    format_address(&app.cfg.listen_addr, listen_name, sizeof listen_name);
    fprintf(stderr, "respcheck-proxy: cannot listen on %s: %s\n", listen_name,
            uv_strerror(err));
    return 1;
  }
  uv_signal_init(loop, &srv->sigterm);
  uv_signal_init(loop, &srv->sigint);
  srv->sigterm.data = srv->sigint.data = srv;
  uv_signal_start(&srv->sigterm, on_signal, SIGTERM);
  uv_signal_start(&srv->sigint, on_signal, SIGINT);

  format_address(&bound, listen_name, sizeof listen_name);
  format_address(&app.cfg.upstream_addr, upstream_name, sizeof upstream_name);
  /* Scripts wait for this line (and read the port from it). */
  printf("respcheck-proxy: listening on %s, upstream %s, %zu bytes per "
         "connection%s\n",
         listen_name, upstream_name, srv->session_size,
         app.cfg.report_only ? ", report-only" : "");
  fflush(stdout);

  uv_run(loop, UV_RUN_DEFAULT);

  fprintf(stderr,
          "respcheck-proxy: stopped: %" PRIu64 " connections, %" PRIu64
          " responses rejected, %" PRIu64 " cut, %" PRIu64
          " unsolicited dropped, %" PRIu64 " requests refused, %" PRIu64
          " timed out, %" PRIu64 " connections evicted\n",
          srv->accepted, srv->rejected, srv->cut, srv->unsolicited,
          srv->refused, srv->timed_out, srv->evicted);
  free(srv->shared_read);
  if (uv_loop_close(loop) != 0)
    fputs("respcheck-proxy: handles left open at exit\n", stderr);
  if (fflush(app.log.fp) != 0 || app.log.failed) {
    fputs("respcheck-proxy: writing the log failed\n", stderr);
    status = 1;
  }
  if (app.log.fp != stderr && fclose(app.log.fp) != 0)
    status = 1;
  return status;
}
