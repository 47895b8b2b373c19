/* SPDX-License-Identifier: MIT */
/*
 * The capture tests' view of a run: every record the pairing layer hands
 * out, with its findings, collected in memory (records.c), plus checks of
 * the layer's promises (every finding's record comes, records of a flow in
 * index order from 0). Used by test_capture.c and capture_dump.c.
 */
#ifndef RESPCHECK_CAPTURE_TEST_RECORDS_H
#define RESPCHECK_CAPTURE_TEST_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "capture.h"

typedef struct tr_record {
  uint64_t flow, index, offset, end_offset, frame;
  char client[RESPCHECK_CAPTURE_ENDPOINT_MAX];
  char server[RESPCHECK_CAPTURE_ENDPOINT_MAX];
  int status; /* -1: no head */
  unsigned version_major, version_minor;
  int has_request;
  char method[24];
  char target[256];
  unsigned req_major, req_minor;
  unsigned flags; /* respcheck_end_flags */
  int reject;
  char findings[1024]; /* "id@offset id@offset ..." in arrival order */
  char messages[2048]; /* their messages, one a line */
  unsigned nfindings;
} tr_record_t;

typedef struct tr_run {
  tr_record_t *recs;
  size_t n, cap;
  int rc; /* of the read */
  char err[RESPCHECK_CAPTURE_ERRBUF];
  uint64_t err_offset;
  respcheck_capture_stats_t stats;
  char problem[512]; /* the first broken promise, or "" */
  /* Filled while running. */
  struct tr_pending *pend;
  size_t npend, cappend;
  /* Server bytes per flow, reassembled from the events (GAPs as zeros),
   * when keep_streams is set before the run. */
  int keep_streams;
  struct tr_stream *streams;
  size_t nstreams;
  /* Every DATA/GAP of both directions checked for tiling. */
} tr_run_t;

typedef struct tr_stream {
  uint64_t flow;
  unsigned char *bytes;
  size_t len, cap;
} tr_stream_t;

/* Reads path through the reader and the pairing layer. opts and copts may
 * be NULL. Returns run->rc. */
int tr_run_file(tr_run_t *run, const char *path, const respcheck_options_t *o,
                const respcheck_capture_options_t *co);
/* The same from memory. */
int tr_run_memory(tr_run_t *run, const void *data, size_t len,
                  const respcheck_options_t *o,
                  const respcheck_capture_options_t *co);
/* The same with packets given by feed (respcheck_capture_packet), then
 * respcheck_capture_end. */
int tr_run_packets(tr_run_t *run,
                   void (*feed)(respcheck_capture_t *cap, void *arg), void *arg,
                   const respcheck_options_t *o,
                   const respcheck_capture_options_t *co);
void tr_free(tr_run_t *run);
/* Records of one flow, in order; NULL past the last. */
const tr_record_t *tr_get(const tr_run_t *run, uint64_t flow, uint64_t index);
size_t tr_count(const tr_run_t *run, uint64_t flow);
/* 1 when the record has a finding with that id. */
int tr_has(const tr_record_t *r, const char *id);
/* All records, one line each, into a malloc'd string. */
char *tr_dump(const tr_run_t *run);

#endif
