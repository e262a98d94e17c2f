// Pieces of the any-order exactness check shared by the AVX-512 kernels
// (GGUFExactSumKernelsAVX512.c, which writes the argument out) and the AVX2 Q4_K/Q5_K kernels
// (GGUFBlockKernelsAVX2.c). Internal: not part of the module's public header.
#ifndef CMK_EXACT_SUMS_H
#define CMK_EXACT_SUMS_H

#include "CMomentKernels.h"
#include "LaneSums.h"

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
// decides. Folded in vectors: the minimum (maximum) of numbers that are not NaN is one value
// whatever the order, except between +0 and −0, which return 0 here. Callers fold only after the
// row's exactness check, which a NaN or infinite scale fails, so no lane is NaN. (A store and a
// scalar loop over the lanes were ~12 ns of fixed cost a row with the sums' reductions: Q4_0 rows
// of 1,024 values ran at 12.7 GB/s against 15.8 for rows of 4,096, `Benchmarks/ggufkernels.c`.)
CMK_EXACT_AVX2 static inline int cmk_fold_extremes(__m256 lowest_lanes, __m256 highest_lanes, float *lowest, float *highest) {
    __m128 low = _mm_min_ps(_mm256_castps256_ps128(lowest_lanes), _mm256_extractf128_ps(lowest_lanes, 1));
    __m128 high = _mm_max_ps(_mm256_castps256_ps128(highest_lanes), _mm256_extractf128_ps(highest_lanes, 1));
    low = _mm_min_ps(low, _mm_movehl_ps(low, low));
    high = _mm_max_ps(high, _mm_movehl_ps(high, high));
    low = _mm_min_ss(low, _mm_movehdup_ps(low));
    high = _mm_max_ss(high, _mm_movehdup_ps(high));
    *lowest = _mm_cvtss_f32(low);
    *highest = _mm_cvtss_f32(high);
    return *lowest != 0.0f && *highest != 0.0f;
}

// Sub-block scales and minimums of a K block's 12 scale bytes (`kScaleAndMin`) as i32 lanes:
// sub-block k in lane k, or, when `interleaved`, in the order [0, 2, 1, 3, 4, 6, 5, 7] (the order
// of the AVX-512 kernel's code units).
CMK_EXACT_AVX2 static inline void cmk_k_scales(const unsigned char *s, int interleaved, __m256i *scale, __m256i *min) {
    __m128i bytes = _mm_loadu_si128((const __m128i *)(s - 4));  // s[-4 … 11]: s[j] at byte j + 4
    // a: j < 4 → s[j], else s[j + 4]; b: j < 4 → s[j + 4], else s[j − 4]; c: j ≥ 4 → s[j].
    __m128i pick_a = _mm_setr_epi8(4, 5, 6, 7, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1);
    __m128i pick_b = _mm_setr_epi8(8, 9, 10, 11, 4, 5, 6, 7, -1, -1, -1, -1, -1, -1, -1, -1);
    __m128i pick_c = _mm_setr_epi8(4, 5, 6, 7, 8, 9, 10, 11, -1, -1, -1, -1, -1, -1, -1, -1);
    if (interleaved) {
        const __m128i swap = _mm_setr_epi8(0, 2, 1, 3, 4, 6, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        pick_a = _mm_shuffle_epi8(pick_a, swap);
        pick_b = _mm_shuffle_epi8(pick_b, swap);
        pick_c = _mm_shuffle_epi8(pick_c, swap);
    }
    __m256i a = _mm256_cvtepu8_epi32(_mm_shuffle_epi8(bytes, pick_a));
    __m256i b = _mm256_cvtepu8_epi32(_mm_shuffle_epi8(bytes, pick_b));
    __m256i c = _mm256_cvtepu8_epi32(_mm_shuffle_epi8(bytes, pick_c));
    const __m256i six = _mm256_set1_epi32(63), four = _mm256_set1_epi32(15);
    __m256i low_scale = _mm256_and_si256(a, six), low_min = _mm256_and_si256(b, six);
    __m256i high_scale = _mm256_or_si256(_mm256_and_si256(a, four), _mm256_slli_epi32(_mm256_srli_epi32(b, 6), 4));
    __m256i high_min = _mm256_or_si256(_mm256_srli_epi32(a, 4), _mm256_slli_epi32(_mm256_srli_epi32(c, 6), 4));
    *scale = _mm256_blend_epi32(low_scale, high_scale, 0xF0);
    *min = _mm256_blend_epi32(low_min, high_min, 0xF0);
}

// The block loop of a K-quant any-order kernel over `blocks` blocks at `p` (Q5_K when `five`):
// BLOCK(&acc, block, five) adds a block to `acc`, WITHIN(&acc) tells whether the row still
// passes the check; returns 0 from the enclosing function as soon as it does not. A failure is
// final when seen (Σx² only grows, its limit only shrinks), so checking every fourth block
// bounds the cost of a failing row, which is then summed again in order.
#define CMK_K_BLOCK_LOOP(acc, BLOCK, WITHIN, p, blocks, five)                                        \
    do {                                                                                             \
        size_t stride_ = (five) ? 176 : 144;                                                         \
        for (size_t b_ = 0; b_ < (blocks); b_++) {                                                   \
            BLOCK(&(acc), (p) + b_ * stride_, (five));                                               \
            if ((b_ & 3) == 3 && !WITHIN(&(acc))) return 0;                                          \
        }                                                                                            \
        if (!WITHIN(&(acc))) return 0;                                                               \
    } while (0)

// An any-order accumulator's start (no sums, extremes ±∞, nothing inexact, the coarsest grid
// GRID) and a passing row's result: the lanes' sums added (any order gives the same bits) and
// the extremes folded, or 0 from the enclosing function when an extreme is ±0.
#define CMK_EXACT_START(acc, ZERO, GRID)                                                             \
    do {                                                                                             \
        (acc).sum = (acc).squares = (ZERO);                                                          \
        (acc).lowest = _mm256_set1_ps(__builtin_inff());                                             \
        (acc).highest = _mm256_set1_ps(-__builtin_inff());                                           \
        (acc).inexact = 0;                                                                           \
        (acc).grid = (GRID);                                                                         \
    } while (0)
#define CMK_EXACT_FINISH(acc, TOTAL, out)                                                            \
    do {                                                                                             \
        float lowest_, highest_;                                                                     \
        if (!cmk_fold_extremes((acc).lowest, (acc).highest, &lowest_, &highest_)) return 0;           \
        cmk_put_lane_sums(out, TOTAL((acc).sum), TOTAL((acc).squares), lowest_, highest_);           \
        return 1;                                                                                    \
    } while (0)

// The row function NAME(p, blocks, five, out) of a K-quant any-order kernel, and its check
// NAME##_within: ACC is the kernel's accumulator (fields sum, squares, lowest, highest, inexact,
// grid), ZERO its empty sums, BLOCK(&acc, block, five) adds a block, TOTAL(v) adds a vector of
// sums' lanes. The row passes while every value so far is exact in float32 and Σx² is below the
// limit of the row's grid so far (false for NaN and ±Inf too); then its sums are the lanes'
// totals (any order gives the same bits) and its extremes the lanes' (0, the ordered path, when
// one is ±0). One definition for the AVX2 and AVX-512 kernels, which differ in vector width only.
#define CMK_K_ROW_SUMS(ATTR, NAME, ACC, ZERO, BLOCK, TOTAL)                                             \
    ATTR static inline int NAME##_within(const ACC *acc) {                                           \
        return !acc->inexact && TOTAL(acc->squares) < cmk_row_square_limit((int)acc->grid);          \
    }                                                                                                \
    ATTR static inline int NAME(const unsigned char *p, size_t blocks, int five, cmk_lane_sums *out) { \
        ACC acc;                                                                                     \
        CMK_EXACT_START(acc, ZERO, 64);                                                              \
        CMK_K_BLOCK_LOOP(acc, BLOCK, NAME##_within, p, blocks, five);                                \
        CMK_EXACT_FINISH(acc, TOTAL, out);                                                           \
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

// The smallest of eight i32 lanes.
CMK_EXACT_AVX2 static inline int cmk_smallest_lane(__m256i v) {
    __m128i m = _mm_min_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    m = _mm_min_epi32(m, _mm_shuffle_epi32(m, 0x4E));
    m = _mm_min_epi32(m, _mm_shuffle_epi32(m, 0xB1));
    return _mm_cvtsi128_si32(m);
}

// The row function NAME(p, blocks, five, out) of a Q4_1/Q5_1 any-order kernel (Q5_1 when
// `five`), and its check NAME##_within: ACC is the kernel's accumulator (fields sum, squares,
// lowest, highest, grid: eight i32 lanes, inexact), ZERO its empty sums, BATCH(&acc, p, five, live)
// adds eight blocks (`live`: the lanes of blocks that exist, ALL for a whole batch, LIVE(n) for the
// first n), TOTAL(v) adds a vector of sums' lanes. The check runs after every batch whose start b
// has b & CHECK_MASK == CHECK_MASK (a failure is final when seen: Σx² only grows, its limit only
// shrinks) and at the row's end; a row's last partial batch is padded with zero blocks (d = m = 0:
// they add zeros, their grid never wins). Then as CMK_K_ROW_SUMS. One definition for the AVX2 and
// AVX-512 kernels, which differ in vector width and mask types only.
#define CMK_AFFINE_ROW_SUMS(ATTR, NAME, ACC, ZERO, BATCH, TOTAL, ALL, LIVE, CHECK_MASK)                  \
    ATTR static inline int NAME##_within(const ACC *acc) {                                           \
        if (acc->inexact) return 0;                                                                  \
        return TOTAL(acc->squares) < cmk_row_square_limit(cmk_smallest_lane(acc->grid));             \
    }                                                                                                \
    ATTR static inline int NAME(const unsigned char *p, size_t blocks, int five, cmk_lane_sums *out) { \
        ACC acc;                                                                                     \
        CMK_EXACT_START(acc, ZERO, _mm256_set1_epi32(64));                                           \
        const size_t stride = five ? 24 : 20;                                                        \
        size_t b = 0;                                                                                \
        for (; b + 8 <= blocks; b += 8) {                                                            \
            BATCH(&acc, p + b * stride, five, (ALL));                                                \
            if ((b & (CHECK_MASK)) == (CHECK_MASK) && !NAME##_within(&acc)) return 0;                \
        }                                                                                            \
        if (b < blocks) {                                                                            \
            unsigned char tail[8 * 24] = {0};                                                        \
            memcpy(tail, p + b * stride, (blocks - b) * stride);                                     \
            BATCH(&acc, tail, five, LIVE(blocks - b));                                               \
        }                                                                                            \
        if (!NAME##_within(&acc)) return 0;                                                          \
        CMK_EXACT_FINISH(acc, TOTAL, out);                                                           \
    }

#endif
