// The Q6_K row kernels with AVX-512 integer work, bit-identical to the AVX2 kernel
// `cmk_q6_k_sums_avx2` (GGUFBlockKernelsAVX2.c) and so to the portable Swift kernel
// (`Q6_KKernel.fastMoments`): the same exact terms per 16-value unit, either added in the same
// order (`q6k512_ordered`), or, when a per-row check proves that no addition rounds in any
// order, added in vector lanes (`q6k512_any_order`, the argument of GGUFExactSumKernelsAVX512.c).
//
// Why: the AVX2 kernel spends ~100 cycles a 210-byte block on integer work (codes rebuilt in
// 256-bit halves, Σq by `vpsadbw`, Σq² by `vpmaddubsw` + `vpmaddwd`, three `vphaddd` levels).
// Here a block's 256 codes are four 512-bit vectors, one 16-value unit a 128-bit lane, and VNNI
// dot products give Σq and Σq² in one pass. In order, the chain of 16 dependent additions a
// block is then the bound (10.4–11.0 → 12.7–13.4 GB/s a core, `Benchmarks/ggufkernels.c`);
// in any order there is no chain.
//
// Layout (Q6_K, 210 bytes): ql[128], qh[64], 16 int8 scales at 192, f16 d at 208. Half h
// (values 128h …) reads ql[64h …] (A_h, 64 bytes) and qh[32h …]; value 128h + 32k + l
// (l < 32) has the low (k = 0, 1) or high (k = 2, 3) nibble of A_h[l + 32·(k & 1)] and bits
// 2k, 2k + 1 of qh[32h + l]. So the low nibbles of A_h are the codes k = 0 (bytes 0–31) and
// k = 1 (bytes 32–63), the high nibbles k = 2 and 3: vector Z_h,lo holds, in its 128-bit lanes
// j = 0…3, the units of scales 8h + j, and Z_h,hi those of scales 8h + 4 + j.
#include "CMomentKernels.h"
#include "LaneSums.h"
#include "ExactSums.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

#define CMK_Q6K512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,avx2,fma,f16c")))

// See GGUFExactSumKernelsAVX512.c: rows come from the page cache, whose pages the hardware
// prefetchers do not cross.
#define CMK_Q6K_PREFETCH 1024

// The unit of chain position n (the Swift kernel's n-th addition, n = 8h + 4g + k: half h,
// 16-column group g, code k) among the dwords of `q6k512_terms` (pairs stored by `q6k512_pairs`).
static const int q6k512_slot[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};

// One block's terms: the Σx terms d·(sc·Σp) of its 16 units in `t[0]` (dwords 0–7) and `t[1]`
// (8–15), the Σx² terms d²·(sc²·Σp²) likewise in `u`, and its values at each unit's extreme
// codes folded into the 16 float lanes `lowest` / `highest`.
//
// After the sums' transposing reduction, dword 4j + i of a vector holds the unit in lane j of
// Z_i (Z_0 = Z_0,lo, Z_1 = Z_0,hi, Z_2 = Z_1,lo, Z_3 = Z_1,hi), whose scale is 4i + j; the
// extremes' byte tree ends with the same numbering, so one transposed copy of the scales serves
// both.
CMK_Q6K512 static inline void q6k512_terms(const unsigned char *p, __m512d t_out[2], __m512d u_out[2], __m512 *lowest,
                                           __m512 *highest) {
    for (int line = 0; line < 256; line += 64) _mm_prefetch((const char *)(p + line + CMK_Q6K_PREFETCH), _MM_HINT_T0);
    const __m512i nibble = _mm512_set1_epi8(0x0F), pair = _mm512_set1_epi8(0x30), ones = _mm512_set1_epi8(1);
    // qh bits of code k to bits 4–5: k = 0 (bytes 0–31) shifted left 4, k = 1 (32–63) left 2;
    // k = 2 as they are, k = 3 right 2. Shifts of 64-bit lanes: the mask keeps each byte's own bits.
    const __m512i low_shift = _mm512_setr_epi64(4, 4, 4, 4, 2, 2, 2, 2), high_shift = _mm512_setr_epi64(0, 0, 0, 0, 2, 2, 2, 2);
    __m512i z[4];
    for (int h = 0; h < 2; h++) {
        __m512i a = _mm512_loadu_si512(p + 64 * h);
        __m512i c = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(p + 128 + 32 * h)));
        z[2 * h] = _mm512_or_si512(_mm512_and_si512(a, nibble), _mm512_and_si512(_mm512_sllv_epi64(c, low_shift), pair));
        z[2 * h + 1] = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(a, 4), nibble),
                                       _mm512_and_si512(_mm512_srlv_epi64(c, high_shift), pair));
    }
    // 2^16·Σq + Σq² per four codes (codes 0–63: Σq² of a unit ≤ 16·63² < 2^16, Σq ≤ 1,008).
    __m512i packed[4];
    for (int i = 0; i < 4; i++) {
        __m512i s = _mm512_slli_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), z[i], ones), 16);
        packed[i] = _mm512_dpbusd_epi32(s, z[i], z[i]);
    }
    __m512i s01 = _mm512_add_epi32(_mm512_unpacklo_epi32(packed[0], packed[1]), _mm512_unpackhi_epi32(packed[0], packed[1]));
    __m512i s23 = _mm512_add_epi32(_mm512_unpacklo_epi32(packed[2], packed[3]), _mm512_unpackhi_epi32(packed[2], packed[3]));
    __m512i totals = _mm512_add_epi32(_mm512_unpacklo_epi64(s01, s23), _mm512_unpackhi_epi64(s01, s23));
    // Scales in the same numbering: dword 4j + i gets scale byte 4i + j.
    __m128i sc = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 192)),
                                  _mm_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
    __m512i k = _mm512_cvtepi8_epi32(sc);
    // Σp = Σq − 512 and Σp² = Σq² − 64Σp − 16384 (p = q − 32), the integer terms k·Σp and k²·Σp²,
    // then d·(k·Σp) and d²·(k²·Σp²): the AVX2 kernel's products, exact in doubles.
    __m512i s = _mm512_sub_epi32(_mm512_srli_epi32(totals, 16), _mm512_set1_epi32(512));
    __m512i q2 = _mm512_and_si512(totals, _mm512_set1_epi32(0xFFFF));
    __m512i s2 = _mm512_sub_epi32(_mm512_sub_epi32(q2, _mm512_slli_epi32(s, 6)), _mm512_set1_epi32(16384));
    __m512i t = _mm512_mullo_epi32(k, s), u = _mm512_mullo_epi32(_mm512_mullo_epi32(k, k), s2);
    uint16_t half;
    memcpy(&half, p + 208, 2);
    float d = _cvtsh_ss(half);
    __m512d dd = _mm512_set1_pd((double)d), d2 = _mm512_mul_pd(dd, dd);
    __m512d t0 = _mm512_mul_pd(dd, _mm512_cvtepi32_pd(_mm512_castsi512_si256(t)));
    __m512d t1 = _mm512_mul_pd(dd, _mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(t, 1)));
    __m512d u0 = _mm512_mul_pd(d2, _mm512_cvtepi32_pd(_mm512_castsi512_si256(u)));
    __m512d u1 = _mm512_mul_pd(d2, _mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(u, 1)));
    t_out[0] = t0;
    t_out[1] = t1;
    u_out[0] = u0;
    u_out[1] = u1;
    // Extreme codes per unit: a transposing tree of byte min/max within the 128-bit lanes leaves
    // lane j's dword 0 holding the units (Z_0 … Z_3, lane j): byte 4j + i after the gather.
    __m512i mn01 = _mm512_min_epu8(_mm512_unpacklo_epi8(z[0], z[1]), _mm512_unpackhi_epi8(z[0], z[1]));
    __m512i mx01 = _mm512_max_epu8(_mm512_unpacklo_epi8(z[0], z[1]), _mm512_unpackhi_epi8(z[0], z[1]));
    __m512i mn23 = _mm512_min_epu8(_mm512_unpacklo_epi8(z[2], z[3]), _mm512_unpackhi_epi8(z[2], z[3]));
    __m512i mx23 = _mm512_max_epu8(_mm512_unpacklo_epi8(z[2], z[3]), _mm512_unpackhi_epi8(z[2], z[3]));
    __m512i mn = _mm512_min_epu8(_mm512_unpacklo_epi16(mn01, mn23), _mm512_unpackhi_epi16(mn01, mn23));
    __m512i mx = _mm512_max_epu8(_mm512_unpacklo_epi16(mx01, mx23), _mm512_unpackhi_epi16(mx01, mx23));
    mn = _mm512_min_epu8(mn, _mm512_shuffle_epi32(mn, 0x4E));
    mx = _mm512_max_epu8(mx, _mm512_shuffle_epi32(mx, 0x4E));
    mn = _mm512_min_epu8(mn, _mm512_shuffle_epi32(mn, 0xB1));
    mx = _mm512_max_epu8(mx, _mm512_shuffle_epi32(mx, 0xB1));
    const __m512i gather = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 0, 0, 0, 0, 0, 0, 0, 0);
    __m512i both = _mm512_permutex2var_epi32(mn, gather, mx);  // bytes 0–15: lowest codes, 16–31: highest
    const __m512i offset = _mm512_set1_epi32(32);
    __m512i low = _mm512_sub_epi32(_mm512_cvtepu8_epi32(_mm512_castsi512_si128(both)), offset);
    __m512i high = _mm512_sub_epi32(_mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(both, 1)), offset);
    __m512 scale = _mm512_mul_ps(_mm512_set1_ps(d), _mm512_cvtepi32_ps(k));
    __m512 x = _mm512_mul_ps(scale, _mm512_cvtepi32_ps(low)), y = _mm512_mul_ps(scale, _mm512_cvtepi32_ps(high));
    *lowest = _mm512_min_ps(*lowest, _mm512_min_ps(x, y));
    *highest = _mm512_max_ps(*highest, _mm512_max_ps(x, y));
}

// (Σx, Σx²) pairs of the 16 units, for the ordered chain: dwords 0, 2, 4, 6 | 1, 3, 5, 7 |
// 8, 10, 12, 14 | 9, 11, 13, 15 (`q6k512_slot` finds chain position n among them).
CMK_Q6K512 static inline void q6k512_pairs(const __m512d t[2], const __m512d u[2], double pairs[32]) {
    _mm512_storeu_pd(pairs, _mm512_unpacklo_pd(t[0], u[0]));
    _mm512_storeu_pd(pairs + 8, _mm512_unpackhi_pd(t[0], u[0]));
    _mm512_storeu_pd(pairs + 16, _mm512_unpacklo_pd(t[1], u[1]));
    _mm512_storeu_pd(pairs + 24, _mm512_unpackhi_pd(t[1], u[1]));
}

// The row's result from its sums and extreme lanes, or 0 when the AVX2 kernel must settle it: an
// extreme that is zero (the candidates are the AVX2 kernel's in other lanes, which only matters
// between +0 and −0; it decides in the Swift order), or sums that are not finite (a NaN or
// infinite d: the caller recounts the row value by value, and the AVX2 kernel's extremes stay
// what they were).
CMK_Q6K512 static inline int q6k512_result(double sum, double squares, __m512 lowest, __m512 highest, cmk_lane_sums *out) {
    float low = _mm512_reduce_min_ps(lowest), high = _mm512_reduce_max_ps(highest);
    // x − x is 0 for finite x, NaN for ±Inf and NaN.
    if (!(sum - sum == 0.0 && squares - squares == 0.0) || low == 0.0f || high == 0.0f) return 0;
    cmk_put_lane_sums(out, sum, squares, low, high);
    return 1;
}

// The ordered path: blocks in order, each block's 16 (Σx, Σx²) terms added in the chain order.
// About 13 GB/s a core: the chain of 16 dependent additions a block is the bound.
CMK_Q6K512 static cmk_lane_sums q6k512_ordered(const unsigned char *start, size_t blocks) {
    double pairs[32];
    __m512d t[2], u[2];
    __m128d sums = _mm_setzero_pd();  // (Σx, Σx²)
    __m512 lowest = _mm512_set1_ps(__builtin_inff()), highest = _mm512_set1_ps(-__builtin_inff());
    for (size_t b = 0; b < blocks; b++) {
        q6k512_terms(start + b * 210, t, u, &lowest, &highest);
        q6k512_pairs(t, u, pairs);
        for (int n = 0; n < 16; n++) sums = _mm_add_pd(sums, _mm_loadu_pd(pairs + 2 * q6k512_slot[n]));
    }
    double totals[2];
    _mm_storeu_pd(totals, sums);
    cmk_lane_sums out;
    if (q6k512_result(totals[0], totals[1], lowest, highest, &out)) return out;
    return cmk_q6_k_sums_avx2(start, blocks);
}

// The any-order path (GGUFExactSumKernelsAVX512.c gives the argument): every term is exact
// (d·(sc·Σp) at most 11 + 8 + 10 bits, d²·(sc²·Σp²) at most 22 + 14 + 14), a multiple of 2^K
// (of 2^2K for Σx²) with 2^K the last-place unit of the row's smallest nonzero d; when the
// any-order Σx² stays below 2^(2K+53), no partial sum in any order rounds, so the lanes'
// totals are the ordered chain's bits. Returns 1 with `out` filled when the check passes; 0 (the
// row goes to the ordered path) when it fails, or as soon as the row looks bound to fail it
// (below); −1 when it passes but an extreme is ±0, which only the AVX2 kernel's Swift order
// settles (the ordered path here would find the same zero and hand the row on a third time).
CMK_Q6K512 static int q6k512_any_order(const unsigned char *start, size_t blocks, cmk_lane_sums *out) {
    __m512d t[2], u[2];
    __m512d sum0 = _mm512_setzero_pd(), sum1 = sum0, squares0 = sum0, squares1 = sum0;
    __m512 lowest = _mm512_set1_ps(__builtin_inff()), highest = _mm512_set1_ps(-__builtin_inff());
    unsigned grid = 64;
    for (size_t b = 0; b < blocks; b++) {
        const unsigned char *p = start + b * 210;
        q6k512_terms(p, t, u, &lowest, &highest);
        sum0 = _mm512_add_pd(sum0, t[0]);
        sum1 = _mm512_add_pd(sum1, t[1]);
        squares0 = _mm512_add_pd(squares0, u[0]);
        squares1 = _mm512_add_pd(squares1, u[1]);
        uint16_t half;
        memcpy(&half, p + 208, 2);
        unsigned g = cmk_k_grid(half & 0x7FFFu);
        grid = g < grid ? g : grid;
        // Rows bound to fail the check would pay both passes (random rows of 4,096 values: 9.6
        // GB/s per core, the ordered path alone 13.0), so they leave early: when Σx² so far is
        // past the limit (final: it only grows), or when projected (every block holding as
        // much as those so far) it would be a quarter past the limit, which a row that passes
        // rarely is (real rows pass with room to spare: Gemma 3 270M Q4_K_M, all 5,760 Q6_K
        // rows, a median 1.5% of the limit, the largest 99.7%); a row sent on wrongly only
        // takes the slower path. Random rows of 4,096 values: 12.6 GB/s (2× the limit: 10.9,
        // too many ran the whole any-order pass; 1×: 12.3). Checked after the first block and
        // every fourth; rows of fewer than 8 blocks skip it (it cost ~10% on rows of 4 that
        // pass).
        if ((b & 3) == 0 && blocks >= 8) {
            double so_far = _mm512_reduce_add_pd(_mm512_add_pd(squares0, squares1));
            double limit = cmk_row_square_limit((int)grid);
            if (!(so_far < limit) || !(so_far * (double)blocks < 1.25 * limit * (double)(b + 1))) return 0;
        }
    }
    double squares = _mm512_reduce_add_pd(_mm512_add_pd(squares0, squares1));
    if (!(squares < cmk_row_square_limit((int)grid))) return 0;  // false for NaN and ±Inf too
    // Exact sums (finite: Σx² passed, and |Σx| ≤ √(N·Σx²)); only a ±0 extreme fails here.
    if (!q6k512_result(_mm512_reduce_add_pd(_mm512_add_pd(sum0, sum1)), squares, lowest, highest, out)) return -1;
    return 1;
}

CMK_Q6K512 int cmk_q6_k_any_order_avx512(const void *row, size_t blocks, cmk_lane_sums *out) {
    return q6k512_any_order((const unsigned char *)row, blocks, out) == 1;
}

CMK_Q6K512 cmk_lane_sums cmk_q6_k_sums_avx512(const void *row, size_t blocks) {
    cmk_lane_sums out;
    int any = q6k512_any_order((const unsigned char *)row, blocks, &out);
    if (any > 0) return out;
    if (any < 0) return cmk_q6_k_sums_avx2(row, blocks);
    return q6k512_ordered((const unsigned char *)row, blocks);
}

CMK_Q6K512 cmk_lane_sums cmk_q6_k_ordered_avx512(const void *row, size_t blocks) {
    return q6k512_ordered((const unsigned char *)row, blocks);
}
