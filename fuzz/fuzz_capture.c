/* SPDX-License-Identifier: MIT */
/*
 * fuzz_capture: the capture reader (capture/) on arbitrary bytes. An input
 * that starts like a pcap or pcapng file is read from memory with libpcap,
 * through the reassembler and the pairing layer; any other input is cut
 * into packets handed to respcheck_capture_packet directly (byte 0 picks
 * the link type, then each packet is a 2-byte length and its bytes), which
 * reaches TCP reassembly without libpcap's header checks in the way.
 *
 * Checked on every input (capture/tests/records.c): the events of each
 * direction tile its stream from offset 0, nothing after a direction's END,
 * a CLOSE after both ENDs, every finding's record comes, records of a flow
 * in index order from 0; and nothing leaks (AddressSanitizer). Inputs
 * whose length is a multiple of 3 run with small limits (two connections,
 * 64 KiB held, a short retention, few fragments and requests) so that the
 * limit paths are fuzzed too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "fuzz_common.h"
#include "records.h"

typedef struct packets {
  const uint8_t *data;
  size_t size;
} packets_t;

static const int dlts[] = {
    RESPCHECK_CAPTURE_DLT_EN10MB,    RESPCHECK_CAPTURE_DLT_RAW,
    RESPCHECK_CAPTURE_DLT_LINUX_SLL, RESPCHECK_CAPTURE_DLT_LINUX_SLL2,
    RESPCHECK_CAPTURE_DLT_NULL,      RESPCHECK_CAPTURE_DLT_LOOP,
    RESPCHECK_CAPTURE_DLT_IPV4,      RESPCHECK_CAPTURE_DLT_IPV6};

static void feed(respcheck_capture_t *cap, void *arg) {
  const packets_t *p = arg;
  size_t at = 1;
  int dlt;
  if (p->size == 0)
    return;
  dlt = dlts[p->data[0] % (sizeof dlts / sizeof dlts[0])];
  while (at + 2 <= p->size) {
    size_t len = (size_t)p->data[at] << 8 | p->data[at + 1];
    at += 2;
    if (len > p->size - at)
      len = p->size - at;
    respcheck_capture_packet(cap, dlt, p->data + at, len, len);
    at += len;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  respcheck_capture_options_t co;
  tr_run_t run;
  packets_t p = {data, size};

  respcheck_capture_options_init(&co);
  if (size % 3 == 0) {
    co.max_connections = 2;
    co.max_held_bytes = 65536;
    co.max_held_total = 65536;
    co.retain_bytes = 64;
    co.max_fragment_datagrams = 2;
    co.max_fragment_bytes = 65536;
    co.max_pending_requests = 2;
    co.max_target_length = 16;
    co.max_upgrade_bytes = 16;
  }
  memset(&run, 0, sizeof run);
  if (respcheck_capture_is_capture(data, size))
    tr_run_memory(&run, data, size, NULL, &co);
  else
    tr_run_packets(&run, feed, &p, NULL, &co);
  CHECK(run.rc != -2, "the reader could not be set up");
  CHECK(run.problem[0] == '\0', "%s", run.problem);
  CHECK(run.stats.open_flows == 0, "%llu flows open after the end",
        (unsigned long long)run.stats.open_flows);
  CHECK(run.stats.held_bytes == 0, "%llu bytes held after the end",
        (unsigned long long)run.stats.held_bytes);
  CHECK(run.stats.peak_held_bytes <= co.max_held_total,
        "%llu bytes held at once",
        (unsigned long long)run.stats.peak_held_bytes);
  tr_free(&run);
  return 0;
}
