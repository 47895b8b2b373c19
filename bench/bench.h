/* SPDX-License-Identifier: MIT */
/* Shared by the benchmark's files: the allocation counter. */
#ifndef RESPCHECK_BENCH_H
#define RESPCHECK_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct bench_alloc_stats {
  uint64_t allocs; /* malloc, calloc, realloc, posix_memalign, aligned_alloc */
  uint64_t bytes;  /* requested */
  uint64_t frees;
} bench_alloc_stats_t;

/* 1 when allocations are counted (glibc, no sanitizer). */
int bench_alloc_counting(void);
bench_alloc_stats_t bench_alloc_stats(void);

#endif
