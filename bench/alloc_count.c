/* SPDX-License-Identifier: MIT */
/*
 * Counts the allocations the whole process makes, the shared libraries'
 * (libhtp) included: malloc, calloc and realloc defined here interpose the C
 * library's for every caller, and hand the work to glibc's own entry points.
 * glibc documents this replacement (its manual, "Replacing malloc"); where it
 * is not available, or under a sanitizer that brings its own allocator, the
 * counters stay at zero and bench_alloc_counting() says so.
 */
#include "bench.h"

#if defined(__GLIBC__) && !defined(BENCH_NO_ALLOC_COUNT)

/* glibc's own allocator, exported for replacements like this one. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t align, size_t size);

static bench_alloc_stats_t stats;

void *malloc(size_t size) {
  stats.allocs++;
  stats.bytes += size;
  return __libc_malloc(size);
}

void *calloc(size_t n, size_t size) {
  stats.allocs++;
  stats.bytes += n * size;
  return __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t size) {
  stats.allocs++;
  stats.bytes += size;
  return __libc_realloc(ptr, size);
}

void free(void *ptr) {
  if (ptr != NULL)
    stats.frees++;
  __libc_free(ptr);
}

/* The aligned forms too, so nothing slips past the count. */
int posix_memalign(void **out, size_t align, size_t size) {
  if (align < sizeof(void *) || (align & (align - 1)) != 0)
    return 22; /* EINVAL */
  void *p = __libc_memalign(align, size);
  if (p == NULL)
    return 12; /* ENOMEM */
  stats.allocs++;
  stats.bytes += size;
  *out = p;
  return 0;
}

void *aligned_alloc(size_t align, size_t size) {
  stats.allocs++;
  stats.bytes += size;
  return __libc_memalign(align, size);
}

int bench_alloc_counting(void) { return 1; }

bench_alloc_stats_t bench_alloc_stats(void) { return stats; }

#else

int bench_alloc_counting(void) { return 0; }

bench_alloc_stats_t bench_alloc_stats(void) {
  bench_alloc_stats_t none = {0, 0, 0};
  return none;
}

#endif
