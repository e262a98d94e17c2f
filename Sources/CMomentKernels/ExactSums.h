// Pieces of the any-order exactness check shared by the AVX-512 kernels
// (GGUFExactSumKernelsAVX512.c, which writes the argument out) and the AVX2 Q4_K/Q5_K kernels
// (GGUFBlockKernelsAVX2.c). Internal: not part of the module's public header.
#ifndef CMK_EXACT_SUMS_H
#define CMK_EXACT_SUMS_H

#include "CMomentKernels.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define CMK_EXACT_AVX2 __attribute__((target("avx2")))

// 2^e as a double (e within the normal range).
static inline double cmk_power_of_two(int e) {
    uint64_t bits = (uint64_t)(1023 + e) << 52;
    double value;
    memcpy(&value, &bits, 8);
    return value;
}

// Last-place exponent of an f16 magnitude's unit as a field value (exponent field, subnormals 1;
// zero: 64, never the smallest).
static inline unsigned cmk_k_grid(unsigned magnitude) {
    unsigned e = magnitude >> 10;
    return magnitude == 0 ? 64u : (e == 0 ? 1u : e);
}

// What a row's Σx² must stay below when `grid` is the smallest `cmk_k_grid` of its scales:
// 2^(2k + 53) with 2^k = 2^(grid − 25) the finest last-place unit (a row of zero scales, grid 64:
// any grid will do).
static inline double cmk_row_square_limit(int grid) {
    int k = (grid > 31 ? 1 : grid) - 25;
    return cmk_power_of_two(2 * k + 53);
}

// A K block's float32 test: the lanes (sub-blocks) whose values d·sc·q − dmin·m (q ≤ 15, or 31
// for Q5_K) may round in float32, as a bit mask. They are exact when |d·sc|·q_max + |dmin·m| <
// 2^24 units of the block's grid 2^(g − 25); NaN and ±Inf in d or dmin fail too.
CMK_EXACT_AVX2 static inline int cmk_k_inexact_lanes(__m256 ds, __m256 ms, unsigned g, int five) {
    uint32_t limit_bits = (uint32_t)(g - 25 + 24 + 127) << 23;  // 2^(g − 25 + 24); g ≤ 64 stays finite
    float limit;
    memcpy(&limit, &limit_bits, 4);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 magnitude = _mm256_add_ps(_mm256_mul_ps(_mm256_andnot_ps(sign, ds), _mm256_set1_ps(five ? 31.0f : 15.0f)),
                                     _mm256_andnot_ps(sign, ms));
    return _mm256_movemask_ps(_mm256_cmp_ps(magnitude, _mm256_set1_ps(limit), _CMP_NLT_UQ));
}

// The sub-blocks' values at their extreme codes, rounded as the decoder rounds them (d·sc·q −
// dmin·m in float32), folded into the running per-lane extremes.
CMK_EXACT_AVX2 static inline void cmk_k_extremes(__m256 ds, __m256 ms, __m256i low_code, __m256i high_code,
                                                 __m256 *lowest, __m256 *highest) {
    __m256 x = _mm256_sub_ps(_mm256_mul_ps(ds, _mm256_cvtepi32_ps(low_code)), ms);
    __m256 y = _mm256_sub_ps(_mm256_mul_ps(ds, _mm256_cvtepi32_ps(high_code)), ms);
    *lowest = _mm256_min_ps(*lowest, _mm256_min_ps(x, y));
    *highest = _mm256_max_ps(*highest, _mm256_max_ps(x, y));
}

// The row's extremes from eight lanes; 0 when one is +0 or −0, whose sign only the ordered path
// decides.
CMK_EXACT_AVX2 static inline int cmk_fold_extremes(__m256 lowest_lanes, __m256 highest_lanes, float *lowest, float *highest) {
    float lo[8], hi[8];
    _mm256_storeu_ps(lo, lowest_lanes);
    _mm256_storeu_ps(hi, highest_lanes);
    float low = lo[0], high = hi[0];
    for (int i = 1; i < 8; i++) {
        low = lo[i] < low ? lo[i] : low;
        high = hi[i] > high ? hi[i] : high;
    }
    *lowest = low;
    *highest = high;
    return low != 0.0f && high != 0.0f;
}

// The two entry points of a K-quant any-order kernel BODY(p, blocks, five, out): that path alone
// (1 and `out` filled when the row passes the check, else 0), and the path with the ordered
// kernel FALLBACK for rows that fail it.
#define CMK_K_ANY_ORDER_ENTRIES(ATTR, ANY_NAME, SUMS_NAME, BODY, FIVE, FALLBACK)                      \
    ATTR int ANY_NAME(const void *row, size_t blocks, cmk_lane_sums *out) {                           \
        return BODY((const unsigned char *)row, blocks, FIVE, out);                                   \
    }                                                                                                \
    ATTR cmk_lane_sums SUMS_NAME(const void *row, size_t blocks) {                                    \
        cmk_lane_sums out;                                                                           \
        if (BODY((const unsigned char *)row, blocks, FIVE, &out)) return out;                         \
        return FALLBACK(row, blocks);                                                                \
    }

#endif
