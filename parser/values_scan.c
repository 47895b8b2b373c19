/* SPDX-License-Identifier: MIT */
/*
 * The run of bytes of one class (rv_class_t, values.h) at the start of a
 * value: 32 bytes a step with AVX2, 16 with SSSE3, chosen once per parser
 * from what the CPU has (respcheck__class_runner); 4 a step through the
 * class's nibble tables anywhere else. The long values of a head (cookies,
 * URIs) are read this way.
 *
 * A SIMD step looks every byte up in the two nibble tables with PSHUFB
 * (the low nibble selects an entry of lo, the high one of hi) and ANDs the
 * two: no bit left means the byte is not in the class. A byte from 0x80
 * up has its index's high bit set, for which PSHUFB gives 0: it is in no
 * class, as the tables say too.
 */
#include "values.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define RV_X86 1
#include <immintrin.h>
#else
#define RV_X86 0
#endif

/* Four bytes a step while they are all in the class, then one. */
static size_t run_scalar(const rv_class_t *c, const char *v, size_t i,
                         size_t n) {
  while (i + 4 <= n && rv_in_class(c, v[i]) && rv_in_class(c, v[i + 1]) &&
         rv_in_class(c, v[i + 2]) && rv_in_class(c, v[i + 3]))
    i += 4;
  while (i < n && rv_in_class(c, v[i]))
    i++;
  return i;
}

#if RV_X86
/* The bytes of x not in the class, as bits of a mask (bit k: byte k). */
__attribute__((target("ssse3"))) static inline unsigned
out16(__m128i x, __m128i lo, __m128i hi) {
  __m128i nib = _mm_and_si128(_mm_srli_epi16(x, 4), _mm_set1_epi8(0x0f));
  __m128i in =
      _mm_and_si128(_mm_shuffle_epi8(lo, x), _mm_shuffle_epi8(hi, nib));
  return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(in, _mm_setzero_si128()));
}

__attribute__((target("ssse3"))) static size_t
run_ssse3(const rv_class_t *c, const char *v, size_t i, size_t n) {
  const __m128i lo = _mm_loadu_si128((const __m128i *)(const void *)c->lo);
  const __m128i hi = _mm_loadu_si128((const __m128i *)(const void *)c->hi);
  unsigned m;
  if (n < 16)
    return run_scalar(c, v, i, n);
  for (; i + 16 <= n; i += 16) {
    m = out16(_mm_loadu_si128((const __m128i *)(const void *)(v + i)), lo, hi);
    if (m)
      return i + (size_t)__builtin_ctz(m);
  }
  if (i == n)
    return n;
  /* The last 16 bytes, of which the first 16 - (n - i) were read. */
  m = out16(_mm_loadu_si128((const __m128i *)(const void *)(v + n - 16)), lo,
            hi) >>
      (16 - (n - i));
  return m ? i + (size_t)__builtin_ctz(m) : n;
}

__attribute__((target("avx2"))) static size_t
run_avx2(const rv_class_t *c, const char *v, size_t i, size_t n) {
  const __m128i lo = _mm_loadu_si128((const __m128i *)(const void *)c->lo);
  const __m128i hi = _mm_loadu_si128((const __m128i *)(const void *)c->hi);
  const __m256i lo2 = _mm256_broadcastsi128_si256(lo);
  const __m256i hi2 = _mm256_broadcastsi128_si256(hi);
  const __m256i low4 = _mm256_set1_epi8(0x0f);
  unsigned m;
  if (n < 32)
    return run_ssse3(c, v, i, n);
  for (; i + 32 <= n; i += 32) {
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(v + i));
    __m256i nib = _mm256_and_si256(_mm256_srli_epi16(x, 4), low4);
    __m256i in = _mm256_and_si256(_mm256_shuffle_epi8(lo2, x),
                                  _mm256_shuffle_epi8(hi2, nib));
    m = (unsigned)_mm256_movemask_epi8(
        _mm256_cmpeq_epi8(in, _mm256_setzero_si256()));
    if (m)
      return i + (size_t)__builtin_ctz(m);
  }
  if (i == n)
    return n;
  {
    /* The last 32 bytes, of which the first 32 - (n - i) were read. */
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(v + n - 32));
    __m256i nib = _mm256_and_si256(_mm256_srli_epi16(x, 4), low4);
    __m256i in = _mm256_and_si256(_mm256_shuffle_epi8(lo2, x),
                                  _mm256_shuffle_epi8(hi2, nib));
    m = (unsigned)_mm256_movemask_epi8(
            _mm256_cmpeq_epi8(in, _mm256_setzero_si256())) >>
        (32 - (n - i));
  }
  return m ? i + (size_t)__builtin_ctz(m) : n;
}
#endif

rv_class_run_t respcheck__class_runner(int level) {
  int best = 0;
#if RV_X86
  __builtin_cpu_init();
  best = __builtin_cpu_supports("avx2")    ? 2
         : __builtin_cpu_supports("ssse3") ? 1
                                           : 0;
#endif
  if (level < 0 || level > best)
    level = best;
#if RV_X86
  if (level == 2)
    return run_avx2;
  if (level == 1)
    return run_ssse3;
#endif
  return run_scalar;
}
