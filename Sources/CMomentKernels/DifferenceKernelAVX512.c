// The AVX-512 loop of `DifferenceKernel`: the AVX2 file's fast loop (no NaN, nothing
// overflowing) eight values per side per step, with the same bits.
//
// Why the same bits: the AVX2 loop keeps element i in lane i % 4 and adds, lane by lane, the
// step of elements 4k … 4k + 3, then that of 4k + 4 … 4k + 7. Here one 512-bit vector holds
// both steps, elements 8j … 8j + 3 in its low half and 8j + 4 … 8j + 7 in its high half (each
// element in lane i % 4 of its half), and the running sums take the low half, then the high
// half: the same additions in the same order. What is not a sum is done eight wide: the
// conversions to double, the differences, the squares, the maximum (of numbers that are not NaN,
// so in any order; a NaN makes a sum NaN and the slice is re-run by the AVX2 entry, whose full
// loop counts it) and the count of differing pairs. A last group of four elements takes the
// AVX2 step, and the tail the same scalar loop. On the Zen 5 VM the AVX2 loop ran at ~1.6 cycles
// an element pair for F32 against Q8_0, with its vector ports, not its two chains of additions,
// the bound (see docs/PERFORMANCE.md, "Session of 2026-12-06").
#include "DifferenceSteps.h"

#pragma clang fp contract(off)

#define CMK_DIFF512 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,f16c")))

// Eight values from element i as doubles, each as the four-value loads widen it.
CMK_DIFF512 static inline __m512d load8_f64(const unsigned char *p, size_t i) {
    return _mm512_loadu_pd((const double *)(p + i * 8));
}
CMK_DIFF512 static inline __m512d load8_f32(const unsigned char *p, size_t i) {
    return _mm512_cvtps_pd(_mm256_loadu_ps((const float *)(p + i * 4)));
}
CMK_DIFF512 static inline __m512d load8_bf16(const unsigned char *p, size_t i) {
    __m256i w = _mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p + i * 2))), 16);
    return _mm512_cvtps_pd(_mm256_castsi256_ps(w));
}
CMK_DIFF512 static inline __m512d load8_f16(const unsigned char *p, size_t i) {
    return _mm512_cvtps_pd(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p + i * 2))));
}

// Eight codes of a Q8_0 block (8k … 8k + 7) times its d, rounded to float32, widened.
CMK_DIFF512 static inline __m512d q8_0_octet8(const unsigned char *block, __m256 d, int k) {
    __m128i q = _mm_loadl_epi64((const __m128i *)(block + 2 + 8 * k));
    return _mm512_cvtps_pd(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q)), d));
}

// Two four-lane steps in one: the low half's, then the high half's, added to the running sums.
#define FAST_STEP8(x, y)                                                                                 \
    do {                                                                                                 \
        __m512d xx_ = _mm512_mul_pd(x, x);                                                               \
        ref = _mm256_add_pd(ref, _mm512_castpd512_pd256(xx_));                                           \
        ref = _mm256_add_pd(ref, _mm512_extractf64x4_pd(xx_, 1));                                        \
        __m512d d_ = _mm512_andnot_pd(sign8, _mm512_sub_pd(x, y));                                       \
        __m512d dd_ = _mm512_mul_pd(d_, d_);                                                             \
        dif = _mm256_add_pd(dif, _mm512_castpd512_pd256(dd_));                                           \
        dif = _mm256_add_pd(dif, _mm512_extractf64x4_pd(dd_, 1));                                        \
        mx8 = _mm512_max_pd(mx8, d_);                                                                    \
        differing += (uint64_t)__builtin_popcount(_mm512_cmp_pd_mask(x, y, _CMP_NEQ_OQ));                 \
    } while (0)

#define ELEMENT_LOOP8(LOAD8_A, LOAD8_B)                                                                  \
    for (; i + 8 <= count; i += 8) {                                                                     \
        __m512d x = LOAD8_A(a, i), y = LOAD8_B(b, i);                                                    \
        FAST_STEP8(x, y);                                                                                \
    }

// Whole Q8_0 blocks of the side at QUANT against the side at OTHER; ORDER puts them in A, B order.
#define Q8_0_BLOCKS8(QUANT, OTHER, LOAD8_OTHER, ORDER)                                                   \
    for (; i + 32 <= count; i += 32) {                                                                   \
        const unsigned char *block = QUANT + (i >> 5) * 34;                                              \
        __m256 d = _mm256_set1_ps(half_float(block));                                                    \
        for (int k = 0; k < 4; k++) {                                                                    \
            __m512d q = q8_0_octet8(block, d, k), o = LOAD8_OTHER(OTHER, i + 8 * k);                     \
            ORDER(q, o);                                                                                 \
        }                                                                                                \
    }
#define QUANTIZED_FIRST8(q, o) FAST_STEP8(q, o)
#define QUANTIZED_SECOND8(q, o) FAST_STEP8(o, q)

#define LOOP8_PLAIN(LOAD8_A, LOAD8_B) ELEMENT_LOOP8(LOAD8_A, LOAD8_B)
#define LOOP8_Q_B(LOAD8_A, LOAD8_B) Q8_0_BLOCKS8(b, a, LOAD8_A, QUANTIZED_SECOND8)
#define LOOP8_Q_A(LOAD8_A, LOAD8_B) Q8_0_BLOCKS8(a, b, LOAD8_B, QUANTIZED_FIRST8)
#define LOOP8_Q_AB(LOAD8_A, LOAD8_B)                                                                     \
    for (; i + 32 <= count; i += 32) {                                                                   \
        const unsigned char *block_a = a + (i >> 5) * 34, *block_b = b + (i >> 5) * 34;                 \
        __m256 da = _mm256_set1_ps(half_float(block_a)), db = _mm256_set1_ps(half_float(block_b));       \
        for (int k = 0; k < 4; k++) {                                                                    \
            __m512d x = q8_0_octet8(block_a, da, k), y = q8_0_octet8(block_b, db, k);                    \
            FAST_STEP8(x, y);                                                                            \
        }                                                                                                \
    }

// The eight-wide loop, then four-value steps (the rest of a partial Q8_0 block, or one group of
// four), then the scalar tail; a non-finite sum hands the slice to the AVX2 entry (its full loop).
#define DEFINE_FAST8(NAME, LOOP8, LOAD8_A, LOAD8_B, LOAD_A, LOAD_B)                                      \
    CMK_DIFF512 static int NAME(const unsigned char *a, int ka, const unsigned char *b, int kb, size_t count, \
                                cmk_difference_sums *s) {                                               \
        __m256d ref = _mm256_setzero_pd(), dif = _mm256_setzero_pd();                                  \
        __m512d mx8 = _mm512_setzero_pd();                                                             \
        const __m256d sign = _mm256_set1_pd(-0.0);                                                     \
        const __m512d sign8 = _mm512_set1_pd(-0.0);                                                    \
        uint64_t differing = 0;                                                                        \
        size_t i = 0;                                                                                  \
        LOOP8(LOAD8_A, LOAD8_B)                                                                        \
        __m256d mx = _mm256_max_pd(_mm512_castpd512_pd256(mx8), _mm512_extractf64x4_pd(mx8, 1));      \
        ELEMENT_LOOP(LOAD_A, LOAD_B, FAST_STEP)                                                        \
        finish(ref, dif, mx, s);                                                                       \
        s->differing = differing;                                                                      \
        s->nan_mismatches = 0;                                                                         \
        if (!isfinite(s->reference_squares) || !isfinite(s->difference_squares)) return 0;            \
        tail(a, ka, b, kb, i, count, s);                                                               \
        return 1;                                                                                      \
    }

#define DEFINE_ROW8(KA, L8A, LA)                                                        \
    DEFINE_FAST8(fast8_##KA##_f64, LOOP8_PLAIN, L8A, load8_f64, LA, load_f64)           \
    DEFINE_FAST8(fast8_##KA##_f32, LOOP8_PLAIN, L8A, load8_f32, LA, load_f32)           \
    DEFINE_FAST8(fast8_##KA##_bf16, LOOP8_PLAIN, L8A, load8_bf16, LA, load_bf16)        \
    DEFINE_FAST8(fast8_##KA##_f16, LOOP8_PLAIN, L8A, load8_f16, LA, load_f16)           \
    DEFINE_FAST8(fast8_##KA##_q8_0, LOOP8_Q_B, L8A, load8_f64, LA, load_q8_0)           \
    DEFINE_FAST8(fast8_q8_0_##KA, LOOP8_Q_A, load8_f64, L8A, load_q8_0, LA)

DEFINE_ROW8(f64, load8_f64, load_f64)
DEFINE_ROW8(f32, load8_f32, load_f32)
DEFINE_ROW8(bf16, load8_bf16, load_bf16)
DEFINE_ROW8(f16, load8_f16, load_f16)
DEFINE_FAST8(fast8_q8_0_q8_0, LOOP8_Q_AB, load8_f64, load8_f64, load_q8_0, load_q8_0)

typedef int (*fast8_function)(const unsigned char *, int, const unsigned char *, int, size_t, cmk_difference_sums *);

void cmk_difference_avx512(const void *a, int kind_a, const void *b, int kind_b, size_t count,
                           cmk_difference_sums *sums) {
    static const fast8_function table[5][5] = CMK_DIFFERENCE_TABLE(fast8_);
    memset(sums, 0, sizeof *sums);
    if (kind_a < 0 || kind_a > 4 || kind_b < 0 || kind_b > 4) return;
    if (!table[kind_a][kind_b]((const unsigned char *)a, kind_a, (const unsigned char *)b, kind_b, count, sums)) {
        cmk_difference_avx2(a, kind_a, b, kind_b, count, sums);
    }
}
