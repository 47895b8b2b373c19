/* SPDX-License-Identifier: MIT */
/*
 * bench_gen_pcap: writes a synthetic capture for the capture benchmark
 * (bench/capture): CONNS HTTP/1.1 connections over Ethernet, CONCURRENT of
 * them interleaved packet by packet, each with a handshake, one to three
 * GET requests answered with 200s of varied sizes (some chunked) or 404s,
 * the client's ACK every two segments of 1448 bytes, and both FINs; about
 * BYTES bytes in all. Deterministic (a fixed seed). Optionally writes each
 * connection's server-to-client bytes to STREAMS/conn-N.http, the same
 * responses as a raw stream, for the command to lint either way.
 *
 *   bench_gen_pcap OUT.pcap BYTES CONNS CONCURRENT [STREAMS]
 *
 * Checksums are left zero (captures taken on the sending host carry the
 * same, and neither respcheck nor tshark checks them by default).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSS 1448
#define MAX_CONCURRENT 4096

typedef struct conn {
  int live;
  uint64_t id;
  uint32_t cip;
  uint16_t cport;
  uint32_t cseq, sseq;
  int step; /* what the next packet is */
  int left; /* responses still to send after the current one */
  unsigned char *resp;
  size_t resp_len, resp_sent, resp_cap;
  unsigned since_ack;
  char req[128];
  size_t req_len;
  FILE *stream;
} conn_t;

enum { SYN, SYNACK, ACK, REQUEST, RESPONSE, CLIENT_ACK, SFIN, CFIN, LASTACK };

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

static FILE *out;
static uint64_t written, packets, ts_us = 1764064800000000ull;
static size_t avg_body;
static const char *streams_dir;

static void put16(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}
static void put32(unsigned char *p, uint32_t v) {
  put16(p, v >> 16);
  put16(p + 2, v & 0xffff);
}
static void le32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16);
  p[3] = (unsigned char)(v >> 24);
}

static void packet(const conn_t *c, int from_client, unsigned flags,
                   const unsigned char *data, size_t len) {
  static unsigned char buf[16 + 54 + MSS + 200];
  unsigned char *e = buf + 16, *ip = e + 14, *tcp = ip + 20;
  size_t total = 54 + len;
  uint32_t a = c->cip, b = 0x0a000001u;
  memset(buf, 0, 16 + 54);
  le32(buf, (uint32_t)(ts_us / 1000000));
  le32(buf + 4, (uint32_t)(ts_us % 1000000));
  le32(buf + 8, (uint32_t)total);
  le32(buf + 12, (uint32_t)total);
  memcpy(e,
         from_client ? "\2\0\0\0\0\2\2\0\0\0\0\1" : "\2\0\0\0\0\1\2\0\0\0\0\2",
         12);
  put16(e + 12, 0x0800);
  ip[0] = 0x45;
  put16(ip + 2, (unsigned)(20 + 20 + len));
  put16(ip + 4, (unsigned)(packets & 0xffff));
  ip[8] = 64;
  ip[9] = 6;
  put32(ip + 12, from_client ? a : b);
  put32(ip + 16, from_client ? b : a);
  put16(tcp, from_client ? c->cport : 80);
  put16(tcp + 2, from_client ? 80 : c->cport);
  put32(tcp + 4, from_client ? c->cseq : c->sseq);
  put32(tcp + 8, (flags & 0x10) ? (from_client ? c->sseq : c->cseq) : 0);
  tcp[12] = 5 << 4;
  tcp[13] = (unsigned char)flags;
  put16(tcp + 14, 65535);
  if (len)
    memcpy(tcp + 20, data, len);
  fwrite(buf, 1, 16 + total, out);
  written += 16 + total;
  packets++;
  ts_us += 10;
}

static void reserve(conn_t *c, size_t n) {
  if (n > c->resp_cap) {
    c->resp = realloc(c->resp, n);
    if (c->resp == NULL) {
      perror("realloc");
      exit(2);
    }
    c->resp_cap = n;
  }
}

/* The next request and its response. */
static void next_exchange(conn_t *c) {
  unsigned kind = rnd() % 16;
  size_t body = avg_body / 5 + rnd() % (avg_body * 8 / 5 + 1), n, i;
  char head[512];
  int hl;
  c->req_len = (size_t)snprintf(c->req, sizeof c->req,
                                "GET /item/%u HTTP/1.1\r\nHost: bench\r\n"
                                "User-Agent: gen\r\n\r\n",
                                rnd() % 100000);
  if (kind == 0) {
    static const char nf[] = "<html>not found</html>\n";
    hl = snprintf(head, sizeof head,
                  "HTTP/1.1 404 Not Found\r\nDate: Tue, 25 Nov 2025 10:00:00 "
                  "GMT\r\nServer: gen\r\nContent-Type: text/html\r\n"
                  "Content-Length: %zu\r\n\r\n%s",
                  sizeof nf - 1, nf);
    reserve(c, (size_t)hl);
    memcpy(c->resp, head, (size_t)hl);
    c->resp_len = (size_t)hl;
  } else if (kind < 3) {
    /* Chunked, 4 KiB chunks. */
    hl = snprintf(head, sizeof head,
                  "HTTP/1.1 200 OK\r\nDate: Tue, 25 Nov 2025 10:00:00 GMT\r\n"
                  "Server: gen\r\nContent-Type: application/json\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n");
    reserve(c, (size_t)hl + body + body / 4096 * 16 + 64);
    memcpy(c->resp, head, (size_t)hl);
    n = (size_t)hl;
    for (i = 0; i < body; i += 4096) {
      size_t k = body - i < 4096 ? body - i : 4096;
      n += (size_t)sprintf((char *)c->resp + n, "%zx\r\n", k);
      memset(c->resp + n, 'j', k);
      n += k;
      memcpy(c->resp + n, "\r\n", 2);
      n += 2;
    }
    memcpy(c->resp + n, "0\r\n\r\n", 5);
    c->resp_len = n + 5;
  } else {
    hl = snprintf(head, sizeof head,
                  "HTTP/1.1 200 OK\r\nDate: Tue, 25 Nov 2025 10:00:00 GMT\r\n"
                  "Server: gen\r\nContent-Type: text/plain\r\nCache-Control: "
                  "max-age=60\r\nContent-Length: %zu\r\n\r\n",
                  body);
    reserve(c, (size_t)hl + body);
    memcpy(c->resp, head, (size_t)hl);
    memset(c->resp + hl, 'x', body);
    c->resp_len = (size_t)hl + body;
  }
  c->resp_sent = 0;
}

static void start(conn_t *c, uint64_t id) {
  c->live = 1;
  c->id = id;
  c->cip = 0x0a010000u | (uint32_t)(id / 50000 + 1) << 8 | (uint32_t)(id % 250);
  c->cport = (uint16_t)(10000 + id % 50000);
  c->cseq = rnd();
  c->sseq = rnd();
  c->step = SYN;
  c->left = (int)(rnd() % 3);
  c->since_ack = 0;
  c->stream = NULL;
  if (streams_dir != NULL) {
    char path[4096];
    snprintf(path, sizeof path, "%s/conn-%06llu.http", streams_dir,
             (unsigned long long)id);
    c->stream = fopen(path, "wb");
    if (c->stream == NULL) {
      perror(path);
      exit(2);
    }
  }
  next_exchange(c);
}

/* One packet of c; 0 when c is done. */
static int step(conn_t *c) {
  size_t n;
  switch (c->step) {
  case SYN:
    packet(c, 1, 0x02, NULL, 0);
    c->cseq++;
    c->step = SYNACK;
    return 1;
  case SYNACK:
    packet(c, 0, 0x12, NULL, 0);
    c->sseq++;
    c->step = ACK;
    return 1;
  case ACK:
    packet(c, 1, 0x10, NULL, 0);
    c->step = REQUEST;
    return 1;
  case REQUEST:
    packet(c, 1, 0x18, (const unsigned char *)c->req, c->req_len);
    c->cseq += (uint32_t)c->req_len;
    c->step = RESPONSE;
    return 1;
  case RESPONSE:
    n = c->resp_len - c->resp_sent < MSS ? c->resp_len - c->resp_sent : MSS;
    packet(c, 0, 0x18, c->resp + c->resp_sent, n);
    if (c->stream)
      fwrite(c->resp + c->resp_sent, 1, n, c->stream);
    c->sseq += (uint32_t)n;
    c->resp_sent += n;
    if (++c->since_ack == 2 || c->resp_sent == c->resp_len) {
      c->since_ack = 0;
      c->step = CLIENT_ACK;
    }
    return 1;
  case CLIENT_ACK:
    packet(c, 1, 0x10, NULL, 0);
    if (c->resp_sent < c->resp_len) {
      c->step = RESPONSE;
    } else if (c->left > 0) {
      c->left--;
      next_exchange(c);
      c->step = REQUEST;
    } else {
      c->step = SFIN;
    }
    return 1;
  case SFIN:
    packet(c, 0, 0x11, NULL, 0);
    c->sseq++;
    c->step = CFIN;
    return 1;
  case CFIN:
    packet(c, 1, 0x11, NULL, 0);
    c->cseq++;
    c->step = LASTACK;
    return 1;
  default:
    packet(c, 0, 0x10, NULL, 0);
    if (c->stream)
      fclose(c->stream);
    c->live = 0;
    return 0;
  }
}

int main(int argc, char **argv) {
  static conn_t conns[MAX_CONCURRENT];
  unsigned char hdr[24];
  uint64_t bytes, nconns, started = 0, finished = 0;
  size_t conc, i;
  if (argc < 5) {
    fprintf(stderr, "usage: bench_gen_pcap OUT.pcap BYTES CONNS CONCURRENT "
                    "[STREAMS_DIR]\n");
    return 2;
  }
  bytes = strtoull(argv[2], NULL, 10);
  nconns = strtoull(argv[3], NULL, 10);
  conc = (size_t)strtoul(argv[4], NULL, 10);
  streams_dir = argc > 5 ? argv[5] : NULL;
  if (nconns == 0 || conc == 0 || conc > MAX_CONCURRENT) {
    fprintf(stderr, "bench_gen_pcap: CONNS and CONCURRENT (<= %d) > 0\n",
            MAX_CONCURRENT);
    return 2;
  }
  /* Two responses per connection on average, plus headers and packets. */
  avg_body = (size_t)(bytes / nconns / 2);
  avg_body = avg_body > 600 ? avg_body - 600 : 100;
  out = fopen(argv[1], "wb");
  if (out == NULL) {
    perror(argv[1]);
    return 2;
  }
  memset(hdr, 0, sizeof hdr);
  le32(hdr, 0xa1b2c3d4u);
  hdr[4] = 2;
  hdr[6] = 4;
  le32(hdr + 16, 262144);
  le32(hdr + 20, 1); /* Ethernet */
  fwrite(hdr, 1, 24, out);
  written = 24;
  while (finished < nconns) {
    for (i = 0; i < conc; i++) {
      conn_t *c = &conns[i];
      if (!c->live) {
        if (started >= nconns)
          continue;
        start(c, started++);
      }
      if (!step(c))
        finished++;
    }
  }
  for (i = 0; i < conc; i++)
    free(conns[i].resp);
  if (fclose(out) != 0) {
    perror(argv[1]);
    return 2;
  }
  printf("%s: %llu bytes, %llu packets, %llu connections\n", argv[1],
         (unsigned long long)written, (unsigned long long)packets,
         (unsigned long long)nconns);
  return 0;
}
