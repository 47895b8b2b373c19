/*
 * respcheck-proxy: an HTTP/1.1 reverse proxy that checks every upstream
 * response with respcheck before its client sees it.
 *
 * This file: options, the listener, signals. The connection engine is
 * session.c, the log log.c; proxy.h describes the memory of a connection.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "log.h"
#include "output.h"
#include "proxy.h"
#include "respcheck.h"

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
    "      --report-only             forward everything; only log\n"
    "      --rule=ID=off|info|warning|error  set a rule's severity "
    "(repeatable)\n"
    "      --max-header-bytes=N      status line + header section (65536)\n"
    "      --max-headers=N           field lines in a section (128)\n"
    "      --max-line-length=N       one status or field line (8192)\n"
    "      --max-reason-length=N     reason phrase (512)\n"
    "      --max-chunk-extension=N   extensions of one chunk (4096)\n"
    "      --max-pending-requests=N  pipelined requests awaiting answers (32)\n"
    "\n"
    "Log (JSON Lines; the fields of 'respcheck --format=json' with\n"
    "\"connection\" and \"request\" in place of \"file\"):\n"
    "      --log=PATH                append to PATH (default: standard error)\n"
    "      --log-all                 a line for every response, not only\n"
    "                                those with findings\n"
    "      --log-headers             include the responses' header fields\n"
    "\n"
    "Connections:\n"
    "      --max-connections=N       client connections at once (default "
    "256);\n"
    "                                more wait in the listen backlog\n"
    "      --timeout=SECONDS         idle timeout of a connection pair "
    "(default\n"
    "                                60); a request unanswered that long "
    "gets\n"
    "                                504 Gateway Timeout\n"
    "\n"
    "  -V, --version                 version\n"
    "  -h, --help                    this help\n"
    "\n"
    "SIGTERM or SIGINT: stop accepting, close every connection, flush the\n"
    "log, exit 0. Exit status 1: cannot listen or write the log; 2: usage.\n";

static void usage_error(const char *before, const char *arg,
                        const char *after) {
  fputs("respcheck-proxy: ", stderr);
  fputs(before, stderr);
  rc_text_escaped(stderr, arg, strlen(arg));
  fputs(after, stderr);
  fputs("\nTry 'respcheck-proxy --help' for more information.\n", stderr);
  exit(2);
}

static uint64_t parse_number(const char *name, const char *value,
                             uint64_t max) {
  uint64_t v = 0;
  const char *p = value;
  if (*p == '\0')
    usage_error(name, value, "': a number is needed");
  for (; *p; p++) {
    unsigned d;
    if (*p < '0' || *p > '9')
      usage_error(name, value, "' is not a positive decimal number");
    d = (unsigned)(*p - '0');
    if (v > (max - d) / 10)
      usage_error(name, value, "' is too large");
    v = v * 10 + d;
  }
  if (v == 0)
    usage_error(name, value, "' is zero; it must be at least 1");
  return v;
}

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
      usage_error(name, value, "' is not [IPV6]:PORT");
    h = value + 1;
    hlen = (size_t)(close - h);
    colon = close + 1;
  } else {
    colon = strrchr(value, ':');
    if (colon == NULL)
      usage_error(name, value, "' is not HOST:PORT");
    hlen = (size_t)(colon - value);
  }
  if (hlen == 0 || hlen >= sizeof host)
    usage_error(name, value, "': no host, or too long a host");
  memcpy(host, h, hlen);
  host[hlen] = '\0';
  port_str = colon + 1;
  if (*port_str == '\0')
    usage_error(name, value, "': no port");
  for (p = port_str; *p; p++) {
    if (*p < '0' || *p > '9' || port > 65535)
      usage_error(name, value, "': the port is not a number up to 65535");
    port = port * 10 + (unsigned long)(*p - '0');
  }
  if (port > 65535 || (port == 0 && !allow_zero))
    usage_error(name, value, "': the port is not a number from 1 to 65535");
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
      usage_error(name, value, "': the host cannot be resolved");
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

static void set_rule(respcheck_options_t *opts, const char *value) {
  const char *eq = strrchr(value, '=');
  int rule, sev;
  if (eq == NULL || eq == value)
    usage_error("--rule: '", value, "' is not ID=off|info|warning|error");
  rule = respcheck_rule_from_id(value, (size_t)(eq - value));
  if (rule < 0)
    usage_error("--rule: unknown rule in '", value,
                "' (see respcheck --list-rules)");
  sev = respcheck_severity_from_name(eq + 1);
  if (sev < 0)
    usage_error("--rule: '", value,
                "': the severity is not "
                "off, info, warning or error");
  respcheck_options_set_severity(opts, (respcheck_rule_t)rule,
                                 (respcheck_severity_t)sev);
}

static const char *option_value(const char *arg, const char *name) {
  size_t n = strlen(name);
  if (strncmp(arg, name, n) == 0 && arg[n] == '=')
    return arg + n + 1;
  return NULL;
}

typedef struct app {
  rp_config_t cfg;
  rp_log_t log;
  rp_server_t srv;
  const char *log_path;
  int have_upstream;
} app_t;

static void parse_args(app_t *app, uv_loop_t *loop, int argc, char **argv) {
  rp_config_t *cfg = &app->cfg;
  int i;
  const char *v;
  respcheck_options_init(&cfg->opts);
  cfg->max_connections = 256;
  cfg->timeout_ms = 60000;
  parse_address(loop, "--listen: '", "127.0.0.1:8080", 1, &cfg->listen_addr);
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(usage_text, stdout);
      exit(0);
    } else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
      printf("respcheck-proxy %s\n", respcheck_version());
      exit(0);
    } else if ((v = option_value(a, "--listen")) != NULL) {
      parse_address(loop, "--listen: '", v, 1, &cfg->listen_addr);
    } else if ((v = option_value(a, "--upstream")) != NULL) {
      parse_address(loop, "--upstream: '", v, 0, &cfg->upstream_addr);
      app->have_upstream = 1;
    } else if ((v = option_value(a, "--log")) != NULL) {
      if (*v == '\0')
        usage_error("--log needs a path", "", "");
      app->log_path = v;
    } else if (strcmp(a, "--log-all") == 0) {
      app->log.all = 1;
    } else if (strcmp(a, "--log-headers") == 0) {
      app->log.headers = 1;
    } else if (strcmp(a, "--report-only") == 0) {
      cfg->report_only = 1;
    } else if ((v = option_value(a, "--rule")) != NULL) {
      set_rule(&cfg->opts, v);
    } else if ((v = option_value(a, "--max-header-bytes")) != NULL) {
      cfg->opts.max_header_bytes =
          (size_t)parse_number("--max-header-bytes: '", v, 1u << 30);
    } else if ((v = option_value(a, "--max-headers")) != NULL) {
      cfg->opts.max_headers =
          (size_t)parse_number("--max-headers: '", v, 1u << 20);
    } else if ((v = option_value(a, "--max-line-length")) != NULL) {
      cfg->opts.max_line_length =
          (size_t)parse_number("--max-line-length: '", v, 1u << 30);
    } else if ((v = option_value(a, "--max-reason-length")) != NULL) {
      cfg->opts.max_reason_length =
          (size_t)parse_number("--max-reason-length: '", v, 1u << 30);
    } else if ((v = option_value(a, "--max-chunk-extension")) != NULL) {
      cfg->opts.max_chunk_extension =
          (size_t)parse_number("--max-chunk-extension: '", v, 1u << 30);
    } else if ((v = option_value(a, "--max-pending-requests")) != NULL) {
      cfg->opts.max_pending_requests =
          (size_t)parse_number("--max-pending-requests: '", v, 65536);
    } else if ((v = option_value(a, "--max-connections")) != NULL) {
      cfg->max_connections =
          (unsigned)parse_number("--max-connections: '", v, 1u << 20);
    } else if ((v = option_value(a, "--timeout")) != NULL) {
      cfg->timeout_ms = parse_number("--timeout: '", v, 7u * 86400u) * 1000u;
    } else {
      usage_error("unknown option '", a, "'");
    }
  }
  if (!app->have_upstream)
    usage_error("--upstream=HOST:PORT is required", "", "");
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
}

int main(int argc, char **argv) {
  static app_t app; /* zeroed */
  rp_server_t *srv = &app.srv;
  uv_loop_t *loop = uv_default_loop();
  struct sockaddr_storage bound;
  int namelen = (int)sizeof bound, err, status = 0;
  char listen_name[96], upstream_name[96];

  parse_args(&app, loop, argc, argv);
  srv->loop = loop;
  srv->cfg = &app.cfg;
  srv->log = &app.log;
  srv->parser_size = respcheck_parser_size(&app.cfg.opts);
  srv->session_size = rp_session_size(&app.cfg.opts, srv->parser_size);
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
          " responses rejected, %" PRIu64 " cut\n",
          srv->accepted, srv->rejected, srv->cut);
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
