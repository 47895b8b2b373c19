/* SPDX-License-Identifier: MIT */
/* Counting one byte value in a buffer, shared by the library and the
 * respcheck command (which counts line ends over whole captures). Header
 * only; not installed. */
#ifndef RESPCHECK_COUNT_H
#define RESPCHECK_COUNT_H

#include <stddef.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* How many bytes c are in d[i, n): 16 bytes at a time, each match adding
 * one to a byte counter, the counters summed every 255 blocks (no popcount
 * instruction needed). */
static inline size_t respcheck__count_byte(const char *d, size_t i, size_t n,
                                           char c) {
  size_t k = 0;
#if defined(__SSE2__)
  const __m128i want = _mm_set1_epi8(c), zero = _mm_setzero_si128();
  while (i + 16 <= n) {
    __m128i acc = zero, sum;
    size_t stop = n - i >= 255 * 16 ? i + 255 * 16 : i + (n - i) / 16 * 16;
    for (; i < stop; i += 16) {
      __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(b, want));
    }
    sum = _mm_sad_epu8(acc, zero);
    k += (size_t)_mm_cvtsi128_si32(sum) + (size_t)_mm_extract_epi16(sum, 4);
  }
#endif
  for (; i < n; i++)
    k += d[i] == c;
  return k;
}

#endif
