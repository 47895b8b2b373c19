/* SPDX-License-Identifier: MIT */
/*
 * The reader's life (new, end, free, counts) and capture files read with
 * libpcap: pcap and pcapng, from a path, a stream or memory. Every packet
 * goes to respcheck_capture_packet; at the end, or at an error, what is
 * held is delivered, so a truncated file still gives everything before its
 * cut.
 */
#define _GNU_SOURCE /* fmemopen in older C libraries */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

respcheck_capture_t *
respcheck_capture_new(const respcheck_capture_options_t *opts,
                      respcheck_capture_event_cb cb, void *user) {
  respcheck_capture_t *cap = calloc(1, sizeof *cap);
  if (cap == NULL)
    return NULL;
  if (opts)
    cap->opts = *opts;
  else
    respcheck_capture_options_init(&cap->opts);
  if (respcheck__capture_options_valid(&cap->opts) != 0 ||
      respcheck__tcp_init(cap) != 0) {
    free(cap);
    return NULL;
  }
  cap->cb = cb;
  cap->user = user;
  return cap;
}

void respcheck_capture_free(respcheck_capture_t *cap) {
  if (cap == NULL)
    return;
  respcheck__frag_clear(cap);
  respcheck__tcp_free(cap);
  free(cap);
}

void respcheck_capture_end(respcheck_capture_t *cap) {
  if (cap == NULL)
    return;
  /* Datagrams still missing fragments never came: their bytes are gaps. */
  respcheck__frag_clear(cap);
  respcheck__tcp_end(cap);
}

void respcheck_capture_get_stats(const respcheck_capture_t *cap,
                                 respcheck_capture_stats_t *stats) {
  if (cap && stats)
    *stats = cap->stats;
}

int respcheck_capture_is_capture(const void *data, size_t len) {
  const unsigned char *p = data;
  uint32_t be, le;
  if (p == NULL || len < 4)
    return 0;
  be = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
  le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
  /* pcapng's Section Header Block type reads the same both ways. */
  if (be == 0x0a0d0d0au)
    return 1;
  /* pcap: microseconds, nanoseconds, and Kuznetzov's modified format. */
  return be == 0xa1b2c3d4u || le == 0xa1b2c3d4u || be == 0xa1b23c4du ||
         le == 0xa1b23c4du || be == 0xa1b2cd34u || le == 0xa1b2cd34u;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
set_err(char *err, const char *fmt, ...);
static void set_err(char *err, const char *fmt, ...) {
  va_list ap;
  if (err == NULL)
    return;
  va_start(ap, fmt);
  vsnprintf(err, RESPCHECK_CAPTURE_ERRBUF, fmt, ap);
  va_end(ap);
}

static void set_off(uint64_t *err_offset, uint64_t v) {
  if (err_offset)
    *err_offset = v;
}

/* Reads every packet of an opened capture. fp is its stream (for offsets).
 * Closes p. */
static int read_all(respcheck_capture_t *cap, pcap_t *p, char *err,
                    uint64_t *err_offset) {
  FILE *fp = pcap_file(p);
  int dlt = pcap_datalink(p), rc = 0;
  long pos = fp ? ftell(fp) : -1;
  /* A pcap file's records are a 16-byte header and the bytes captured:
   * where the next one starts is known without asking the stream (an ftell
   * a packet costs a few per cent). pcapng's blocks vary: ftell. */
  int plain = pos == 24 && pcap_major_version(p) == 2;

  if (!respcheck_capture_linktype_supported(dlt)) {
    const char *name = pcap_datalink_val_to_name(dlt);
    set_err(err,
            "link type %d (%s) is not read: Ethernet, Linux cooked v1/v2, "
            "BSD loopback and raw IP are",
            dlt, name ? name : "unknown");
    set_off(err_offset, pos >= 0 ? (uint64_t)pos : UINT64_MAX);
    pcap_close(p);
    respcheck_capture_end(cap);
    return -1;
  }
  for (;;) {
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int n = pcap_next_ex(p, &hdr, &data);
    if (n == 1) {
      respcheck_capture_packet(cap, dlt, data, hdr->caplen, hdr->len);
      if (plain)
        pos += 16 + (long)hdr->caplen;
      else if (fp)
        pos = ftell(fp);
      continue;
    }
    if (n == PCAP_ERROR_BREAK)
      break; /* the end of the file */
    if (n == 0)
      continue;
    /* A record cut short (a killed tcpdump), a pcapng interface of another
     * link type, or a malformed block. */
    set_err(err, "reading stopped at byte %ld, after %llu packets: %s", pos,
            (unsigned long long)cap->stats.frames, pcap_geterr(p));
    set_off(err_offset, pos >= 0 ? (uint64_t)pos : UINT64_MAX);
    rc = -1;
    break;
  }
  pcap_close(p);
  respcheck_capture_end(cap);
  return rc;
}

int respcheck_capture_read_stream(respcheck_capture_t *cap, FILE *fp, char *err,
                                  uint64_t *err_offset) {
  char perr[PCAP_ERRBUF_SIZE];
  pcap_t *p;
  if (cap == NULL || fp == NULL) {
    set_err(err, "invalid argument");
    set_off(err_offset, UINT64_MAX);
    if (fp)
      fclose(fp);
    return -1;
  }
  perr[0] = '\0';
  p = pcap_fopen_offline(fp, perr);
  if (p == NULL) {
    set_err(err, "not a readable pcap or pcapng file: %s", perr);
    set_off(err_offset, 0);
    fclose(fp);
    respcheck_capture_end(cap);
    return -1;
  }
  return read_all(cap, p, err, err_offset);
}

int respcheck_capture_read_file(respcheck_capture_t *cap, const char *path,
                                char *err, uint64_t *err_offset) {
  FILE *fp;
  if (cap == NULL || path == NULL) {
    set_err(err, "invalid argument");
    set_off(err_offset, UINT64_MAX);
    return -1;
  }
  fp = fopen(path, "rb");
  if (fp == NULL) {
    set_err(err, "cannot open: %s", strerror(errno));
    set_off(err_offset, UINT64_MAX);
    return -1;
  }
  return respcheck_capture_read_stream(cap, fp, err, err_offset);
}

int respcheck_capture_read_memory(respcheck_capture_t *cap, const void *data,
                                  size_t len, char *err, uint64_t *err_offset) {
  FILE *fp;
  if (cap == NULL || (data == NULL && len > 0)) {
    set_err(err, "invalid argument");
    set_off(err_offset, UINT64_MAX);
    return -1;
  }
  if (len == 0) {
    set_err(err, "not a readable pcap or pcapng file: it is empty");
    set_off(err_offset, 0);
    respcheck_capture_end(cap);
    return -1;
  }
  fp = fmemopen((void *)(uintptr_t)data, len, "rb");
  if (fp == NULL) {
    set_err(err, "cannot read from memory: %s", strerror(errno));
    set_off(err_offset, UINT64_MAX);
    return -1;
  }
  return respcheck_capture_read_stream(cap, fp, err, err_offset);
}
