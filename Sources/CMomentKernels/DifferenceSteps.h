// The pieces both difference loops share (DifferenceKernelAVX2.c, DifferenceKernelAVX512.c):
// four-value loads of each kind widened to double, the scalar tail, the lane finish, and the
// four-lane steps. Element i sits in lane i % 4 and the lanes are summed as (l0 + l1) + (l2 + l3),
// then the tail in order, without fused multiply-add (contraction is off in both files), so
// every loop built from these gives the portable Swift loop's bits.
#ifndef CMK_DIFFERENCE_STEPS_H
#define CMK_DIFFERENCE_STEPS_H

#include "CMomentKernels.h"
#include "HalfFloat.h"

#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

#define CMK_DIFF __attribute__((target("avx2,f16c")))

// Four values from element i as doubles (exact for every kind).
CMK_DIFF static inline __m256d load_f64(const unsigned char *p, size_t i) {
    return _mm256_loadu_pd((const double *)(p + i * 8));
}
CMK_DIFF static inline __m256d load_f32(const unsigned char *p, size_t i) {
    return _mm256_cvtps_pd(_mm_loadu_ps((const float *)(p + i * 4)));
}
CMK_DIFF static inline __m256d load_bf16(const unsigned char *p, size_t i) {
    __m128i h = _mm_loadl_epi64((const __m128i *)(p + i * 2));
    __m128i w = _mm_slli_epi32(_mm_cvtepu16_epi32(h), 16);
    return _mm256_cvtps_pd(_mm_castsi128_ps(w));
}
CMK_DIFF static inline __m256d load_f16(const unsigned char *p, size_t i) {
    __m128i h = _mm_loadl_epi64((const __m128i *)(p + i * 2));
    return _mm256_cvtps_pd(_mm_cvtph_ps(h));
}

CMK_DIFF static inline __m256d load_q8_0(const unsigned char *p, size_t i) {
    const unsigned char *block = p + (i >> 5) * 34;
    int32_t codes;
    memcpy(&codes, block + 2 + (i & 31), 4);
    __m128 q = _mm_cvtepi32_ps(_mm_cvtepi8_epi32(_mm_cvtsi32_si128(codes)));
    return _mm256_cvtps_pd(_mm_mul_ps(q, _mm_set1_ps(half_float(block))));
}

// One scalar element of the tail, the same way.
CMK_DIFF static inline double scalar_value(const unsigned char *p, size_t i, int kind) {
    switch (kind) {
    case CMK_KIND_F64: { double v; memcpy(&v, p + i * 8, 8); return v; }
    case CMK_KIND_F32: { float v; memcpy(&v, p + i * 4, 4); return (double)v; }
    case CMK_KIND_BF16: {
        uint16_t h; memcpy(&h, p + i * 2, 2);
        uint32_t bits = (uint32_t)h << 16; float v; memcpy(&v, &bits, 4); return (double)v;
    }
    case CMK_KIND_Q8_0: {
        const unsigned char *block = p + (i >> 5) * 34;
        return (double)((float)(int8_t)block[2 + (i & 31)] * half_float(block));
    }
    default: {
        uint16_t h; memcpy(&h, p + i * 2, 2);
        return (double)_cvtsh_ss(h);
    }
    }
}

CMK_DIFF static inline void tail(const unsigned char *a, int ka, const unsigned char *b, int kb, size_t i,
                                 size_t count, cmk_difference_sums *s) {
    for (; i < count; i++) {
        double x = scalar_value(a, i, ka), y = scalar_value(b, i, kb);
        if (isfinite(x)) s->reference_squares += x * x;
        if (x == y || (isnan(x) && isnan(y))) continue;
        s->differing += 1;
        if (isnan(x) || isnan(y)) { s->nan_mismatches += 1; continue; }
        double d = fabs(x - y);
        if (d > s->max_abs) s->max_abs = d;
        s->difference_squares += d * d;
    }
}

// The lane sums combined as (l0 + l1) + (l2 + l3), the largest lane difference.
CMK_DIFF static inline void finish(__m256d ref, __m256d dif, __m256d mx, cmk_difference_sums *s) {
    double r[4], q[4], m[4];
    _mm256_storeu_pd(r, ref);
    _mm256_storeu_pd(q, dif);
    _mm256_storeu_pd(m, mx);
    s->reference_squares = (r[0] + r[1]) + (r[2] + r[3]);
    s->difference_squares = (q[0] + q[1]) + (q[2] + q[3]);
    double top = m[0];
    for (int k = 1; k < 4; k++) if (m[k] > top) top = m[k];
    s->max_abs = top;
}

// One step of the full loop: four pairs (x, y), NaN and infinities handled by lane masks.
#define FULL_STEP(x, y)                                                                                  \
    do {                                                                                                 \
        __m256d finite = _mm256_cmp_pd(_mm256_andnot_pd(sign, x), inf, _CMP_LT_OQ);                     \
        ref = _mm256_add_pd(ref, _mm256_and_pd(finite, _mm256_mul_pd(x, x)));                           \
        __m256d numeric = _mm256_cmp_pd(x, y, _CMP_NEQ_OQ);                                             \
        __m256d nan_x = _mm256_cmp_pd(x, x, _CMP_UNORD_Q), nan_y = _mm256_cmp_pd(y, y, _CMP_UNORD_Q);   \
        __m256d one_nan = _mm256_xor_pd(nan_x, nan_y);                                                  \
        __m256d d = _mm256_and_pd(numeric, _mm256_andnot_pd(sign, _mm256_sub_pd(x, y)));                 \
        dif = _mm256_add_pd(dif, _mm256_mul_pd(d, d));                                                  \
        mx = _mm256_max_pd(mx, d);                                                                      \
        differing += (uint64_t)__builtin_popcount(_mm256_movemask_pd(_mm256_or_pd(numeric, one_nan)));  \
        nans += (uint64_t)__builtin_popcount(_mm256_movemask_pd(one_nan));                              \
    } while (0)

// One step of the fast loop (see DEFINE_FAST_DIFFERENCE).
#define FAST_STEP(x, y)                                                                                  \
    do {                                                                                                 \
        ref = _mm256_add_pd(ref, _mm256_mul_pd(x, x));                                                  \
        __m256d d = _mm256_andnot_pd(sign, _mm256_sub_pd(x, y));                                        \
        dif = _mm256_add_pd(dif, _mm256_mul_pd(d, d));                                                  \
        mx = _mm256_max_pd(mx, d);                                                                      \
        differing += (uint64_t)__builtin_popcount(_mm256_movemask_pd(_mm256_cmp_pd(x, y, _CMP_NEQ_OQ))); \
    } while (0)

// The loops over whole steps, leaving `i` at the first element of the tail. Elements: four
// values per side per step. Q8_0 on a side (34-byte blocks: f16 d, then 32 int8 codes q): each
// value float(q)·d, rounded to float32 as `cmk_q8_0_dequantize_avx2` and `Q8_0Kernel.decode`
// round it, then widened; whole blocks eight values at a time with d read once, the steps of a
// last partial block four at a time. The steps still take elements 4k … 4k + 3 in lanes 0 … 3,
// in element order, and the tail is the same `count % 4` elements, so the sums are bit for bit
// those of the row dequantized first (what `diff` did before; Q8_0DifferenceKernelTests compare).
#define ELEMENT_LOOP(LOAD_A, LOAD_B, STEP)                                                               \
    for (; i + 4 <= count; i += 4) {                                                                     \
        __m256d x = LOAD_A(a, i), y = LOAD_B(b, i);                                                      \
        STEP(x, y);                                                                                      \
    }

// Eight values of a Q8_0 block (codes 8k … 8k + 7) as two steps of doubles.
CMK_DIFF static inline void q8_0_octet(const unsigned char *block, __m256 d, int k, __m256d *low, __m256d *high) {
    __m128i q = _mm_loadl_epi64((const __m128i *)(block + 2 + 8 * k));
    __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q)), d);
    *low = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
    *high = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
}

// The 5 × 5 table of one loop's functions PREFIX##A##_##B, A's kind by row and B's by column
// (CMK_KIND_F64, F32, BF16, F16, Q8_0).
#define CMK_DIFFERENCE_TABLE(P)                                                                      \
    {                                                                                                \
        {P##f64_f64, P##f64_f32, P##f64_bf16, P##f64_f16, P##f64_q8_0},                              \
        {P##f32_f64, P##f32_f32, P##f32_bf16, P##f32_f16, P##f32_q8_0},                              \
        {P##bf16_f64, P##bf16_f32, P##bf16_bf16, P##bf16_f16, P##bf16_q8_0},                         \
        {P##f16_f64, P##f16_f32, P##f16_bf16, P##f16_f16, P##f16_q8_0},                              \
        {P##q8_0_f64, P##q8_0_f32, P##q8_0_bf16, P##q8_0_f16, P##q8_0_q8_0},                         \
    }

#endif
