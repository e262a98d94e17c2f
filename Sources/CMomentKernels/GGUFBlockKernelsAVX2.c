// AVX2 versions of the GGUF row kernels in Sources/GGUFFormat/Kernels (Q8_0, Q4_0, Q5_0, Q6_K,
// Q4_K, Q5_K, Q4_1, Q5_1): the same sums, formed in the same order, so every result is bit-identical to the
// portable Swift path (the tests run both on the same rows and compare bit patterns).
//
// Why exact and not merely close: reports print these sums with every digit, and a report must
// not change with the CPU it ran on. Two shapes of kernel, as in the Swift code:
//
// - Symmetric types (value = scale × q): a block's Σq, Σq² and extreme codes are integers,
//   computed here with byte and 16-bit SIMD; then, block after block in row order, the scalar
//   `ScaledIntegerSums.add` (Σ += scale·Σq, Σ² += scale²·Σq² in double, extremes scale × code
//   in float). That order is a dependency chain of one double add per block (per unit for
//   Q6_K); measured, it is NOT what bounds these kernels (cutting it changed nothing), the
//   integer work is: Q4_0, Q5_0 and Q6_K keep their codes as bytes (`add8_pairs`, `q6_k_block`),
//   and so does Q8_0 (signed codes: `q8_0_add8`), except for batches holding the code −128,
//   which take the 16-bit units of `add8`.
// - Affine types (value = d·q ∓ m, rounded in float32): each block is decoded to 8-wide float
//   vectors, and the values are accumulated exactly as `DoubleAccumulator` does: element 8j + i
//   goes to double lane i (lanes 0–3 and 4–7 are its two SIMD4 halves), squares are added
//   unfused, extremes are per-lane `minps`/`maxps` (eight lanes, redone in the Swift order of
//   the two SIMD4 halves when an extreme is ±0), then the same final fold.
//
// Floating-point contraction is off: `d·q − m` must round twice in float32, as gguf-py does.
#include "CMomentKernels.h"
#include "LaneSums.h"
#include "ExactSums.h"
#include "HalfFloat.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

#define CMK_AVX2 __attribute__((target("avx2")))

// `ScaledIntegerSums` (SymmetricKernels.swift … BlockKernel.swift), operation for operation.
typedef struct {
    double sum;
    double squares;
    float lowest;
    float highest;
} scaled_sums;

static inline scaled_sums scaled_start(void) {
    scaled_sums s = {0.0, 0.0, __builtin_inff(), -__builtin_inff()};
    return s;
}

static inline void scaled_add(scaled_sums *s, float scale, int32_t q, int32_t q2, int32_t q_min, int32_t q_max) {
    double d = (double)scale;
    s->sum += d * (double)q;
    s->squares += d * d * (double)q2;
    float a = scale * (float)q_min, b = scale * (float)q_max;
    float low = a < b ? a : b, high = a < b ? b : a;
    s->lowest = low < s->lowest ? low : s->lowest;
    s->highest = high > s->highest ? high : s->highest;
}

static inline cmk_lane_sums scaled_result(scaled_sums s) {
    cmk_lane_sums r;
    cmk_put_lane_sums(&r, s.sum, s.squares, s.lowest, s.highest);
    return r;
}

// Σ of the eight 32-bit lanes of `a` and of `b`, as (Σa, Σb).
CMK_AVX2 static inline void hsum2_epi32(__m256i a, __m256i b, int32_t *sa, int32_t *sb) {
    __m256i t = _mm256_hadd_epi32(a, b);  // a01 a23 b01 b23 | a45 a67 b45 b67
    __m128i u = _mm_add_epi32(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
    u = _mm_hadd_epi32(u, u);  // Σa Σb Σa Σb
    *sa = _mm_cvtsi128_si32(u);
    *sb = _mm_extract_epi32(u, 1);
}

// Smallest and largest of eight signed 16-bit lanes (`phminposuw` on order-preserving flips).
CMK_AVX2 static inline void extremes_epi16(__m128i low, __m128i high, int32_t *q_min, int32_t *q_max) {
    __m128i m = _mm_minpos_epu16(_mm_xor_si128(low, _mm_set1_epi16((short)0x8000)));
    __m128i x = _mm_minpos_epu16(_mm_xor_si128(high, _mm_set1_epi16(0x7FFF)));
    *q_min = (int16_t)(_mm_cvtsi128_si32(m) ^ 0x8000);
    *q_max = (int16_t)(_mm_cvtsi128_si32(x) ^ 0x7FFF);
}

// Nibbles of 16 bytes: elements 0–15 the low nibbles, 16–31 the high ones.
CMK_AVX2 static inline __m256i nibbles(const unsigned char *p) {
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i mask = _mm_set1_epi8(0x0F);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(v, 4), mask), _mm_and_si128(v, mask));
}

// The fifth bits of Q5_0: bit j of the 32-bit field for element j, as 0 or 16 per byte lane.
CMK_AVX2 static inline __m256i fifth_bits(const unsigned char *p) {
    uint32_t high;
    memcpy(&high, p, 4);
    __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32((int)high),
                                         _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                                          2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
    __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201ull);
    __m256i set = _mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit);
    return _mm256_and_si256(set, _mm256_set1_epi8(16));
}

// ---- Symmetric types, eight units (blocks or sub-blocks) at a time ----
//
// A unit's integer sums need horizontal reductions, the expensive part when done one unit at a
// time; eight units are reduced together (hadd and unpack trees), their scale products formed
// as vectors, and only the ordered double additions run one by one. The products are the same
// IEEE operations as the scalar ones, so the sums are bit-identical. Extremes: per-lane chains
// of `minps`/`maxps` over eight units' (scale × low code, scale × high code) visit the same
// candidates as the scalar chain, only in another order, which can only matter between +0 and
// −0; a row whose extreme is zero is therefore recomputed by the one-unit-at-a-time loop.

// Per unit: lane partial sums of codes (8 × i32), of squares (8 × i32), and the lane minimums
// and maximums of the codes (8 × i16).
typedef struct {
    __m256i sums, squares;
    __m128i low, high;
} unit_lanes;

// A unit of 32 signed 16-bit codes (two vectors).
CMK_AVX2 static inline unit_lanes unit32(__m256i x0, __m256i x1) {
    __m256i ones = _mm256_set1_epi16(1);
    unit_lanes u;
    u.sums = _mm256_madd_epi16(_mm256_add_epi16(x0, x1), ones);
    u.squares = _mm256_add_epi32(_mm256_madd_epi16(x0, x0), _mm256_madd_epi16(x1, x1));
    __m256i mn = _mm256_min_epi16(x0, x1), mx = _mm256_max_epi16(x0, x1);
    u.low = _mm_min_epi16(_mm256_castsi256_si128(mn), _mm256_extracti128_si256(mn, 1));
    u.high = _mm_max_epi16(_mm256_castsi256_si128(mx), _mm256_extracti128_si256(mx, 1));
    return u;
}

// A unit of 16 signed 16-bit codes.
CMK_AVX2 static inline unit_lanes unit16(__m256i x) {
    unit_lanes u;
    u.sums = _mm256_madd_epi16(x, _mm256_set1_epi16(1));
    u.squares = _mm256_madd_epi16(x, x);
    u.low = _mm_min_epi16(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1));
    u.high = _mm_max_epi16(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1));
    return u;
}

// Eight vectors of eight i32 lanes → the eight totals, unit k in lane k.
CMK_AVX2 static inline __m256i totals8(__m256i v0, __m256i v1, __m256i v2, __m256i v3,
                                       __m256i v4, __m256i v5, __m256i v6, __m256i v7) {
    __m256i a = _mm256_hadd_epi32(_mm256_hadd_epi32(v0, v1), _mm256_hadd_epi32(v2, v3));  // 0 1 2 3 | 0 1 2 3
    __m256i b = _mm256_hadd_epi32(_mm256_hadd_epi32(v4, v5), _mm256_hadd_epi32(v6, v7));  // 4 5 6 7 | 4 5 6 7
    return _mm256_add_epi32(_mm256_permute2x128_si256(a, b, 0x20), _mm256_permute2x128_si256(a, b, 0x31));
}

// One level of a transposing tree over 256-bit vectors: lanes of `a` and `b` interleaved by UNPACK
// granules, then OP of the two halves.
#define CMK_LEVEL(OP, UNPACK, a, b) OP(_mm256_unpacklo_##UNPACK(a, b), _mm256_unpackhi_##UNPACK(a, b))

#define CMK_MERGE(OP, UNPACK, a, b) OP(_mm_unpacklo_##UNPACK(a, b), _mm_unpackhi_##UNPACK(a, b))

// Eight vectors of eight i16 lanes → each one's minimum (`OP` = min) or maximum, unit k in lane k.
#define CMK_EXTREMES8(OP, v)                                                                     \
    CMK_MERGE(OP, epi64, CMK_MERGE(OP, epi32, CMK_MERGE(OP, epi16, v[0], v[1]), CMK_MERGE(OP, epi16, v[2], v[3])), \
              CMK_MERGE(OP, epi32, CMK_MERGE(OP, epi16, v[4], v[5]), CMK_MERGE(OP, epi16, v[6], v[7])))

// The running sums of a row: ordered double sums, per-lane float extremes.
typedef struct {
    double sum, squares;
    __m256 lowest, highest;
} row_sums;

CMK_AVX2 static inline row_sums row_start(void) {
    row_sums r;
    r.sum = 0.0;
    r.squares = 0.0;
    r.lowest = _mm256_set1_ps(__builtin_inff());
    r.highest = _mm256_set1_ps(-__builtin_inff());
    return r;
}

// Adds eight units in order: unit k has scale lane k of `scales`, code sum lane k of `sums`,
// square sum lane k of `squares` and extreme codes lane k of `low_codes` / `high_codes`.
CMK_AVX2 static inline void add8_totals(row_sums *r, __m256 scales, __m256i sums, __m256i squares,
                                        __m256i low_codes, __m256i high_codes) {
    __m256d d0 = _mm256_cvtps_pd(_mm256_castps256_ps128(scales)), d1 = _mm256_cvtps_pd(_mm256_extractf128_ps(scales, 1));
    double terms[8], square_terms[8];
    _mm256_storeu_pd(terms, _mm256_mul_pd(d0, _mm256_cvtepi32_pd(_mm256_castsi256_si128(sums))));
    _mm256_storeu_pd(terms + 4, _mm256_mul_pd(d1, _mm256_cvtepi32_pd(_mm256_extracti128_si256(sums, 1))));
    _mm256_storeu_pd(square_terms, _mm256_mul_pd(_mm256_mul_pd(d0, d0), _mm256_cvtepi32_pd(_mm256_castsi256_si128(squares))));
    _mm256_storeu_pd(square_terms + 4,
                     _mm256_mul_pd(_mm256_mul_pd(d1, d1), _mm256_cvtepi32_pd(_mm256_extracti128_si256(squares, 1))));
    for (int k = 0; k < 8; k++) {
        r->sum += terms[k];
        r->squares += square_terms[k];
    }
    __m256 a = _mm256_mul_ps(scales, _mm256_cvtepi32_ps(low_codes));
    __m256 b = _mm256_mul_ps(scales, _mm256_cvtepi32_ps(high_codes));
    __m256 a_first = _mm256_cmp_ps(a, b, _CMP_LT_OQ);
    r->lowest = _mm256_min_ps(_mm256_blendv_ps(b, a, a_first), r->lowest);    // (a < b ? a : b) < lowest ? … : lowest
    r->highest = _mm256_max_ps(_mm256_blendv_ps(a, b, a_first), r->highest);  // (a < b ? b : a) > highest ? … : highest
}

// Adds eight units in order: unit k has scale lane k of `scales` and `u[k]`'s codes.
CMK_AVX2 static inline void add8(row_sums *r, __m256 scales, const unit_lanes u[8]) {
    __m256i sums = totals8(u[0].sums, u[1].sums, u[2].sums, u[3].sums, u[4].sums, u[5].sums, u[6].sums, u[7].sums);
    __m256i squares = totals8(u[0].squares, u[1].squares, u[2].squares, u[3].squares,
                              u[4].squares, u[5].squares, u[6].squares, u[7].squares);
    __m128i lows[8], highs[8];
    for (int k = 0; k < 8; k++) {
        lows[k] = u[k].low;
        highs[k] = u[k].high;
    }
    add8_totals(r, scales, sums, squares, _mm256_cvtepi16_epi32(CMK_EXTREMES8(_mm_min_epi16, lows)),
                _mm256_cvtepi16_epi32(CMK_EXTREMES8(_mm_max_epi16, highs)));
}

// Byte codes of eight 32-value units, one 32-byte vector a unit (Q8_0's blocks as unsigned
// bytes, the Q4_K / Q5_K any-order kernel's sub-blocks). Why bytes: as for Q6_K below, the 16-bit
// units of `add8` cost most of a kernel (unpacking codes to 16 bits, then per-unit min/max and
// sums). The smallest (`minimum`) or largest code of each unit by a transposing tree of byte
// min/max over the eight vectors, unit k's in lane k.
CMK_AVX2 static inline __m256i block_extreme_codes(const __m256i v[8], int minimum) {
#define CMK_BLOCK_TREE(OP)                                                                          \
    __m256i m0 = CMK_LEVEL(OP, epi16, CMK_LEVEL(OP, epi8, v[0], v[1]), CMK_LEVEL(OP, epi8, v[2], v[3])); \
    __m256i m1 = CMK_LEVEL(OP, epi16, CMK_LEVEL(OP, epi8, v[4], v[5]), CMK_LEVEL(OP, epi8, v[6], v[7])); \
    __m256i n = CMK_LEVEL(OP, epi32, m0, m1);                                                       \
    n = OP(n, _mm256_shuffle_epi32(n, 0x4E));                                                       \
    return _mm256_cvtepu8_epi32(_mm256_castsi256_si128(OP(n, _mm256_permute2x128_si256(n, n, 1))));
    if (minimum) {
        CMK_BLOCK_TREE(_mm256_min_epu8)
    } else {
        CMK_BLOCK_TREE(_mm256_max_epu8)
    }
#undef CMK_BLOCK_TREE
}

// Σu and Σu² of eight 32-byte units of codes u ≤ 31 (unit k in lane k): Σu by `vpsadbw`, Σu² by
// `vpmaddubsw` + `vpmaddwd`, packed per unit as Σu² + 2^16·Σu (Σu² ≤ 32·31² < 2^16) into one
// 32-bit lane and reduced by one `totals8`.
CMK_AVX2 static inline void byte_code_sums(const __m256i v[8], __m256i *sums, __m256i *squares) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i x[8];
    for (int k = 0; k < 8; k++) {
        __m256i s2 = _mm256_madd_epi16(_mm256_maddubs_epi16(v[k], v[k]), ones);
        x[k] = _mm256_add_epi32(s2, _mm256_slli_epi64(_mm256_sad_epu8(v[k], _mm256_setzero_si256()), 16));
    }
    __m256i packed = totals8(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]);
    *sums = _mm256_srli_epi32(packed, 16);
    *squares = _mm256_and_si256(packed, _mm256_set1_epi32(0xFFFF));
}

// The row's result after its last batch and `tail` (the one-at-a-time sums of the remaining
// units, started from `r`'s sums); 0 when an extreme is ±0 and the caller must redo the row.
CMK_AVX2 static inline int row_result(const row_sums *r, scaled_sums tail, cmk_lane_sums *out) {
    float lo[8], hi[8];
    _mm256_storeu_ps(lo, r->lowest);
    _mm256_storeu_ps(hi, r->highest);
    float lowest = tail.lowest, highest = tail.highest;
    for (int k = 0; k < 8; k++) {
        lowest = lo[k] < lowest ? lo[k] : lowest;
        highest = hi[k] > highest ? hi[k] : highest;
    }
    if (lowest == 0.0f || highest == 0.0f) return 0;
    cmk_put_lane_sums(out, tail.sum, tail.squares, lowest, highest);
    return 1;
}

// Eight f16 scales (as eight u16 lanes) → floats, `half_float` lane by lane.
CMK_AVX2 static inline __m256 half_floats(__m128i codes) {
    __m256i h = _mm256_cvtepu16_epi32(codes);
    __m256i magnitude = _mm256_and_si256(h, _mm256_set1_epi32(0x7FFF));
    __m256 scaled = _mm256_mul_ps(_mm256_castsi256_ps(_mm256_slli_epi32(magnitude, 13)), _mm256_set1_ps(0x1p112f));
    __m256i special = _mm256_and_si256(_mm256_cmpgt_epi32(magnitude, _mm256_set1_epi32(0x7BFF)), _mm256_set1_epi32(0x7F800000));
    __m256i sign = _mm256_slli_epi32(_mm256_and_si256(h, _mm256_set1_epi32(0x8000)), 16);
    return _mm256_castsi256_ps(_mm256_or_si256(_mm256_or_si256(_mm256_castps_si256(scaled), special), sign));
}

// The f16 at the start of each of eight blocks `stride` bytes apart.
static inline __m128i scale_codes(const unsigned char *p, size_t stride) {
    uint16_t h[8];
    for (int k = 0; k < 8; k++) memcpy(&h[k], p + k * stride, 2);
    __m128i v;
    memcpy(&v, h, 16);
    return v;
}

// The codes of one 32-value block of Q8_0, Q4_0 or Q5_0 as two vectors of signed 16-bit lanes
// (the type's offset already subtracted: the integer sums are those the Swift kernels form).
CMK_AVX2 static inline unit_lanes q8_0_unit(const unsigned char *p) {
    return unit32(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(p + 2))),
                  _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(p + 18))));
}

CMK_AVX2 static inline unit_lanes offset_unit(__m256i codes, int offset) {
    __m256i o = _mm256_set1_epi16((short)offset);
    return unit32(_mm256_sub_epi16(_mm256_cvtepu8_epi16(_mm256_castsi256_si128(codes)), o),
                  _mm256_sub_epi16(_mm256_cvtepu8_epi16(_mm256_extracti128_si256(codes, 1)), o));
}

CMK_AVX2 static inline unit_lanes q4_0_unit(const unsigned char *p) { return offset_unit(nibbles(p + 2), 8); }

CMK_AVX2 static inline unit_lanes q5_0_unit(const unsigned char *p) {
    return offset_unit(_mm256_or_si256(nibbles(p + 6), fifth_bits(p + 2)), 16);
}

// One unit at a time, as the Swift kernel: the reference order, for tails and zero extremes.
CMK_AVX2 static inline void add1(scaled_sums *sums, float scale, unit_lanes u) {
    int32_t s, s2, lo, hi;
    hsum2_epi32(u.sums, u.squares, &s, &s2);
    extremes_epi16(u.low, u.high, &lo, &hi);
    scaled_add(sums, scale, s, s2, lo, hi);
}

// A row of a 32-value symmetric type: eight blocks at a time by ADD8 (row sums, pointer), the
// tail one block at a time, and rows with a ±0 extreme redone one block at a time.
#define CMK_SYMMETRIC32(NAME, STRIDE, UNIT, ADD8)                                                \
    CMK_AVX2 cmk_lane_sums NAME(const void *row, size_t blocks) {                              \
        const unsigned char *start = (const unsigned char *)row;                                \
        row_sums r = row_start();                                                               \
        size_t b = 0;                                                                           \
        for (; b + 8 <= blocks; b += 8) ADD8(&r, start + b * STRIDE);                           \
        scaled_sums tail = {r.sum, r.squares, __builtin_inff(), -__builtin_inff()};             \
        for (; b < blocks; b++) add1(&tail, half_float(start + b * STRIDE), UNIT(start + b * STRIDE)); \
        cmk_lane_sums out;                                                                      \
        if (row_result(&r, tail, &out)) return out;                                             \
        scaled_sums exact = scaled_start();                                                     \
        for (b = 0; b < blocks; b++) add1(&exact, half_float(start + b * STRIDE), UNIT(start + b * STRIDE)); \
        return scaled_result(exact);                                                            \
    }

// Q8_0 (signed codes) with the 16-bit units of `add8`: for batches holding the code −128.
CMK_AVX2 static inline void q8_0_add8_units(row_sums *r, const unsigned char *p) {
    unit_lanes u[8];
    for (int k = 0; k < 8; k++) u[k] = q8_0_unit(p + k * 34);
    add8(r, half_floats(scale_codes(p, 34)), u);
}

// Q8_0 with byte codes, as the other byte kernels: u = q ^ 0x80 = q + 128 as an unsigned
// byte gives Σu by `vpsadbw` and the extreme codes by the byte min/max trees (u orders as q);
// Σq² comes from `vpmaddubsw`(|q|, |q|) + `vpmaddwd` (|q| ≤ 127 fits both operands, a pair's
// products ≤ 2·127² < 2^15). Packed per block as Σq² + 2^19·Σu (Σq² ≤ 32·127² < 2^19,
// Σu ≤ 32·255: the total is below 2^32, and the lanes' wrapping 32-bit sums give it exactly),
// reduced by one `totals8`. The code −128 (|−128| is no signed byte; gguf-py and llama.cpp
// never write it) sends its batch to the 16-bit units. The integers are the same either way,
// and `add8_totals` adds them in the same order, so the sums are bit-identical; measured on a
// Zen 3 without AVX-512: 8.8 -> 11.3 GB/s per core on codes without -128 (README "GGUF").
CMK_AVX2 static inline void q8_0_add8(row_sums *r, const unsigned char *p) {
    const __m256i flip = _mm256_set1_epi8((char)0x80), ones = _mm256_set1_epi16(1);
    __m256i q[8], u[8], x[8], lowest = _mm256_setzero_si256();
    for (int k = 0; k < 8; k++) {
        q[k] = _mm256_loadu_si256((const __m256i *)(p + k * 34 + 2));
        lowest = _mm256_or_si256(lowest, _mm256_cmpeq_epi8(q[k], flip));
    }
    if (!_mm256_testz_si256(lowest, lowest)) {
        q8_0_add8_units(r, p);
        return;
    }
    for (int k = 0; k < 8; k++) {
        __m256i a = _mm256_abs_epi8(q[k]);
        __m256i squares = _mm256_madd_epi16(_mm256_maddubs_epi16(a, a), ones);
        u[k] = _mm256_xor_si256(q[k], flip);
        x[k] = _mm256_add_epi32(squares, _mm256_slli_epi64(_mm256_sad_epu8(u[k], _mm256_setzero_si256()), 19));
    }
    __m256i packed = totals8(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]);
    __m256i sums = _mm256_sub_epi32(_mm256_srli_epi32(packed, 19), _mm256_set1_epi32(32 * 128));
    __m256i squares = _mm256_and_si256(packed, _mm256_set1_epi32((1 << 19) - 1));
    __m256i offset = _mm256_set1_epi32(128);
    add8_totals(r, half_floats(scale_codes(p, 34)), sums, squares, _mm256_sub_epi32(block_extreme_codes(u, 1), offset),
                _mm256_sub_epi32(block_extreme_codes(u, 0), offset));
}

// Q4_0 and Q5_0 without widening each block's codes to a vector of its own. The earlier kernel
// spread a block's 16 code bytes into one 32-byte vector; here a vector holds two blocks, k
// (low 128 bits) and k + 4 (high), and each pair's codes are two vectors: `low`, elements 0–15 of
// both blocks (the low nibbles), and `high`, elements 16–31 (the high nibbles; Q5_0 ORs in the
// fifth bits). So every instruction works on 32 codes of two blocks: Σu by `vpsadbw` of
// low + high (≤ 62 a byte), Σu² by `vpmaddubsw` of each + `vpmaddwd`, packed per block as
// Σu² + 2^16·Σu (Σu² ≤ 32·31² < 2^16), three `vphaddd` for blocks 0–7 in lanes 0–7, and a block's
// extreme codes those of min(low, high) and max(low, high) by one transposing tree per 128 bits
// (`pair_extreme_codes`). The integer sums are the Swift kernels' (Σp = Σu − 32·offset,
// Σp² = Σu² − 2·offset·Σu + 32·offset²), added by `add8_totals` in the same order, so the
// results are the same bits. Zen 3, `Benchmarks/ggufkernels.c`, rows of 4,096 values, per core:
// Q4_0 5.3–5.5 → 6.7–7.0 GB/s, Q5_0 5.4–5.7 → 6.4–6.7 (docs/PERFORMANCE.md, 2026-12-06 05:07 UTC).
CMK_AVX2 static inline __m256i block_pair(const unsigned char *p, size_t stride, int k, int at) {
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(p + k * stride + at))),
                                   _mm_loadu_si128((const __m128i *)(p + (k + 4) * stride + at)), 1);
}

// The smallest (`minimum`) or largest byte of each 128-bit half of m[0…3]: half h of m[j] is
// block j + 4h, and the result has block k's in lane k.
CMK_AVX2 static inline __m256i pair_extreme_codes(const __m256i m[4], int minimum) {
#define CMK_PAIR_TREE(OP)                                                                                       \
    __m256i t = CMK_LEVEL(OP, epi16, CMK_LEVEL(OP, epi8, m[0], m[1]), CMK_LEVEL(OP, epi8, m[2], m[3]));          \
    t = OP(t, _mm256_shuffle_epi32(t, 0x4E));                                                                   \
    t = OP(t, _mm256_shuffle_epi32(t, 0xB1)); /* bytes 0–3 of each half: blocks 0–3, 4–7 */                    \
    return _mm256_cvtepu8_epi32(_mm_unpacklo_epi32(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1)));
    if (minimum) {
        CMK_PAIR_TREE(_mm256_min_epu8)
    } else {
        CMK_PAIR_TREE(_mm256_max_epu8)
    }
#undef CMK_PAIR_TREE
}

// Eight blocks from their four pairs' `low` and `high` code vectors (codes u ≤ 31, `offset`
// subtracted as the type says), added in order.
CMK_AVX2 static inline void add8_pairs(row_sums *r, __m256 scales, const __m256i low[4], const __m256i high[4], int offset) {
    const __m256i ones = _mm256_set1_epi16(1), zero = _mm256_setzero_si256();
    __m256i x[4], lowest[4], highest[4];
    for (int k = 0; k < 4; k++) {
        __m256i squares = _mm256_madd_epi16(_mm256_add_epi16(_mm256_maddubs_epi16(low[k], low[k]),
                                                             _mm256_maddubs_epi16(high[k], high[k])), ones);
        x[k] = _mm256_add_epi32(squares, _mm256_slli_epi64(_mm256_sad_epu8(_mm256_add_epi8(low[k], high[k]), zero), 16));
        lowest[k] = _mm256_min_epu8(low[k], high[k]);
        highest[k] = _mm256_max_epu8(low[k], high[k]);
    }
    __m256i packed = _mm256_hadd_epi32(_mm256_hadd_epi32(x[0], x[1]), _mm256_hadd_epi32(x[2], x[3]));
    __m256i u = _mm256_srli_epi32(packed, 16), u2 = _mm256_and_si256(packed, _mm256_set1_epi32(0xFFFF));
    __m256i o = _mm256_set1_epi32(offset);
    __m256i sums = _mm256_sub_epi32(u, _mm256_set1_epi32(32 * offset));
    __m256i squares = _mm256_add_epi32(_mm256_sub_epi32(u2, _mm256_mullo_epi32(_mm256_add_epi32(o, o), u)),
                                       _mm256_set1_epi32(32 * offset * offset));
    add8_totals(r, scales, sums, squares, _mm256_sub_epi32(pair_extreme_codes(lowest, 1), o),
                _mm256_sub_epi32(pair_extreme_codes(highest, 0), o));
}

CMK_AVX2 static inline void q4_0_add8(row_sums *r, const unsigned char *p) {
    const __m256i mask = _mm256_set1_epi8(0x0F);
    __m256i low[4], high[4];
    for (int k = 0; k < 4; k++) {
        __m256i v = block_pair(p, 18, k, 2);
        low[k] = _mm256_and_si256(v, mask);
        high[k] = _mm256_and_si256(_mm256_srli_epi16(v, 4), mask);
    }
    add8_pairs(r, half_floats(scale_codes(p, 18)), low, high, 8);
}

// The fifth bits of a pair of Q5_0 or Q5_1 blocks (k and k + 4, their 32-bit fields at
// `qh + k·stride`), as 0 or 16 per code byte: bit j of a field is element j's, so byte j of
// `low`'s half takes bit j of the field's first two bytes and byte j of `high`'s half bit j of its
// last two (`fifth_bits`, per 128 bits).
CMK_AVX2 static inline void q5_fifth_bits(const unsigned char *qh, size_t stride, int k, __m256i *low, __m256i *high) {
    const __m256i sixteen = _mm256_set1_epi8(16), bit = _mm256_set1_epi64x((long long)0x8040201008040201ull);
    const __m256i first = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                           0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    const __m256i last = _mm256_add_epi8(first, _mm256_set1_epi8(2));
    uint32_t h0, h1;
    memcpy(&h0, qh + k * stride, 4);
    memcpy(&h1, qh + (k + 4) * stride, 4);
    __m256i fields = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_cvtsi32_si128((int)h0)), _mm_cvtsi32_si128((int)h1), 1);
    *low = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(_mm256_shuffle_epi8(fields, first), bit), bit), sixteen);
    *high = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(_mm256_shuffle_epi8(fields, last), bit), bit), sixteen);
}

CMK_AVX2 static inline void q5_0_add8(row_sums *r, const unsigned char *p) {
    const __m256i mask = _mm256_set1_epi8(0x0F);
    __m256i low[4], high[4];
    for (int k = 0; k < 4; k++) {
        __m256i v = block_pair(p, 22, k, 6), f0, f1;
        q5_fifth_bits(p + 2, 22, k, &f0, &f1);
        low[k] = _mm256_or_si256(_mm256_and_si256(v, mask), f0);
        high[k] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(v, 4), mask), f1);
    }
    add8_pairs(r, half_floats(scale_codes(p, 22)), low, high, 16);
}

CMK_SYMMETRIC32(cmk_q8_0_sums_avx2, 34, q8_0_unit, q8_0_add8)
CMK_SYMMETRIC32(cmk_q4_0_sums_avx2, 18, q4_0_unit, q4_0_add8)
CMK_SYMMETRIC32(cmk_q5_0_sums_avx2, 22, q5_0_unit, q5_0_add8)

// Q6_K: 16 sub-blocks of 16 values per block, added in the Swift kernel's order (for each half
// h, each group g of 16 columns, codes k = 0…3: sub-block 8h + 2k + g), value (d·scale) × (q − 32).
// `units` gets the block's 16 units in that order, `scales` their scales.
CMK_AVX2 static inline void q6_k_units(const unsigned char *p, unit_lanes units[16], float scales[16]) {
    __m256i low_mask = _mm256_set1_epi8(0x0F), pair_mask = _mm256_set1_epi8(3), offset = _mm256_set1_epi16(32);
    float d = half_float(p + 208);
    for (int h = 0; h < 2; h++) {
        const unsigned char *ql = p + 64 * h, *qh = p + 128 + 32 * h;
        __m256i a = _mm256_loadu_si256((const __m256i *)ql);
        __m256i bb = _mm256_loadu_si256((const __m256i *)(ql + 32));
        __m256i c = _mm256_loadu_si256((const __m256i *)qh);
        __m256i codes[4] = {
            _mm256_or_si256(_mm256_and_si256(a, low_mask), _mm256_slli_epi16(_mm256_and_si256(c, pair_mask), 4)),
            _mm256_or_si256(_mm256_and_si256(bb, low_mask),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(c, 2), pair_mask), 4)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(a, 4), low_mask),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(c, 4), pair_mask), 4)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bb, 4), low_mask),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(c, 6), pair_mask), 4)),
        };
        for (int g = 0; g < 2; g++) {
            for (int k = 0; k < 4; k++) {
                __m128i half = g == 0 ? _mm256_castsi256_si128(codes[k]) : _mm256_extracti128_si256(codes[k], 1);
                int n = 8 * h + 4 * g + k;
                units[n] = unit16(_mm256_sub_epi16(_mm256_cvtepu8_epi16(half), offset));
                scales[n] = d * (float)(int8_t)p[192 + 8 * h + 2 * k + g];
            }
        }
    }
}

// The reference order one unit at a time (`Q6_KKernel.fastMoments`): for rows whose extreme is ±0.
CMK_AVX2 static cmk_lane_sums q6_k_sums_in_order(const unsigned char *start, size_t blocks) {
    unit_lanes units[16];
    float scales[16];
    scaled_sums exact = scaled_start();
    for (size_t b = 0; b < blocks; b++) {
        q6_k_units(start + b * 210, units, scales);
        for (int n = 0; n < 16; n++) add1(&exact, scales[n], units[n]);
    }
    return scaled_result(exact);
}

// ---- Q6_K, the fast shape ----
//
// Why this shape (measured on the 2-vCPU EPYC, Zen 4, clang -O2, 16 KiB of rows in L1 and 64 MiB
// from memory): the kernel above it in the history formed each sub-block's Σq, Σq² and extreme
// codes with 16-bit lanes and per-unit horizontal trees (`add8`), ~450 vector µops a 210-byte
// block, 4.5 GB/s. The 16 ordered double additions of a block (one dependent chain each for Σx
// and Σx², 3 cycles an add, ~48 cycles a block) were NOT the bound: a copy with the chain cut
// into independent sums ran at the same speed, and interleaving 2 or 4 rows (one chain per row)
// gained nothing in L1 and lost 40–50% from memory (four streams 3,360 bytes apart). What costs
// is the integer work, so it is cut down (~280 µops, llvm-mca: vector-port bound):
// - codes stay bytes (0–63): Σq by `vpsadbw`, Σq² by `vpmaddubsw` + `vpmaddwd`, packed as
//   Σq² + 2^16·Σq in one 32-bit lane (Σq² ≤ 16·63² < 2^16) and reduced by three `vphaddd`
//   per 8 units; the −32 offset is applied to the sums as the Swift kernel does.
// - every product is exact (d: 11 bits, scale: 8, Σp: 10, Σp²: 15; at most 51 significant
//   bits), so d·(scale·Σp) and d²·(scale²·Σp²), formed from integer products, are the same
//   doubles as the Swift kernel's (d·scale)·Σp and (d·scale)²·Σp². A zero term may differ in
//   sign, which cannot show: the running sum starts at +0 and x + ±0 = x unless x is −0.
// - extreme codes per unit by byte min/max trees (transposing unpacks), then scale × code in
//   float per lane; as in `add8`, only rows whose extreme is ±0 depend on the lanes' order, and
//   they are recomputed in the reference order.
// - the ordered additions stay one per unit: (term, square) pairs go through memory and one
//   `addpd` adds both, in the Swift kernel's unit order.

// Per unit (16 bytes in lane g of v[h][k]), the smallest (`minimum`) or largest code by a
// transposing tree of unpacks; lane g ends with bytes 0–7 = units (h0, g, k0…3), (h1, g, k0…3).
#define CMK_EXTREME_CODES(NAME, OP)                                                                \
    CMK_AVX2 static inline __m256i NAME(const __m256i v[2][4]) {                                   \
        __m256i m[2];                                                                              \
        for (int h = 0; h < 2; h++) {                                                              \
            m[h] = CMK_LEVEL(OP, epi16, CMK_LEVEL(OP, epi8, v[h][0], v[h][1]), CMK_LEVEL(OP, epi8, v[h][2], v[h][3])); \
        }                                                                                          \
        __m256i n = CMK_LEVEL(OP, epi32, m[0], m[1]);                                              \
        return OP(n, _mm256_shuffle_epi32(n, 0x4E));                                               \
    }
CMK_EXTREME_CODES(q6_k_lowest_codes, _mm256_min_epu8)
CMK_EXTREME_CODES(q6_k_highest_codes, _mm256_max_epu8)

// One block: `pairs` gets the (Σx term, Σx² term) of its 16 units (slot order below), the
// extremes are folded into the float lanes `lowest` / `highest`. Unit n = 8h + 4g + k is the
// Swift kernel's n-th addition (half h, 16-column group g, code k), scale byte 8h + 2k + g.
CMK_AVX2 static inline void q6_k_block(const unsigned char *p, double pairs[32], __m256 *lowest, __m256 *highest) {
    const __m256i nibble = _mm256_set1_epi8(0x0F), pair = _mm256_set1_epi8(0x30), ones = _mm256_set1_epi16(1);
    __m256i v[2][4], packed[2];
    for (int h = 0; h < 2; h++) {
        const unsigned char *ql = p + 64 * h, *qh = p + 128 + 32 * h;
        __m256i a = _mm256_loadu_si256((const __m256i *)ql), b = _mm256_loadu_si256((const __m256i *)(ql + 32));
        __m256i c = _mm256_loadu_si256((const __m256i *)qh);
        // Lane g of v[h][k]: the 16 codes of unit (h, g, k); the qh bits land at 4–5 of each byte.
        v[h][0] = _mm256_or_si256(_mm256_and_si256(a, nibble), _mm256_and_si256(_mm256_slli_epi16(c, 4), pair));
        v[h][1] = _mm256_or_si256(_mm256_and_si256(b, nibble), _mm256_and_si256(_mm256_slli_epi16(c, 2), pair));
        v[h][2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(a, 4), nibble), _mm256_and_si256(c, pair));
        v[h][3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(b, 4), nibble),
                                  _mm256_and_si256(_mm256_srli_epi16(c, 2), pair));
        __m256i x[4];
        for (int k = 0; k < 4; k++) {
            __m256i squares = _mm256_madd_epi16(_mm256_maddubs_epi16(v[h][k], v[h][k]), ones);
            x[k] = _mm256_add_epi32(squares, _mm256_slli_epi64(_mm256_sad_epu8(v[h][k], _mm256_setzero_si256()), 16));
        }
        // Lane g: units (h, g, 0…3), i.e. chain positions 8h + 4g + k.
        packed[h] = _mm256_hadd_epi32(_mm256_hadd_epi32(x[0], x[1]), _mm256_hadd_epi32(x[2], x[3]));
    }
    __m128i sc = _mm_loadu_si128((const __m128i *)(p + 192));
    __m128i chain = _mm_shuffle_epi8(sc, _mm_setr_epi8(0, 2, 4, 6, 1, 3, 5, 7, 8, 10, 12, 14, 9, 11, 13, 15));
    float d = half_float(p + 208);
    __m256d dd = _mm256_set1_pd((double)d), d2 = _mm256_mul_pd(dd, dd);
    for (int h = 0; h < 2; h++) {
        // Σp = Σq − 512 and Σp² = Σq² − 64Σq + 16384 = Σq² − 64Σp − 16384 (p = q − 32).
        __m256i s = _mm256_sub_epi32(_mm256_srli_epi32(packed[h], 16), _mm256_set1_epi32(512));
        __m256i q2 = _mm256_and_si256(packed[h], _mm256_set1_epi32(0xFFFF));
        __m256i s2 = _mm256_sub_epi32(_mm256_sub_epi32(q2, _mm256_slli_epi32(s, 6)), _mm256_set1_epi32(16384));
        __m256i k = _mm256_cvtepi8_epi32(h ? _mm_unpackhi_epi64(chain, chain) : chain);
        __m256i t = _mm256_mullo_epi32(k, s), u = _mm256_mullo_epi32(_mm256_mullo_epi32(k, k), s2);
        __m256d t0 = _mm256_mul_pd(dd, _mm256_cvtepi32_pd(_mm256_castsi256_si128(t)));
        __m256d t1 = _mm256_mul_pd(dd, _mm256_cvtepi32_pd(_mm256_extracti128_si256(t, 1)));
        __m256d u0 = _mm256_mul_pd(d2, _mm256_cvtepi32_pd(_mm256_castsi256_si128(u)));
        __m256d u1 = _mm256_mul_pd(d2, _mm256_cvtepi32_pd(_mm256_extracti128_si256(u, 1)));
        // Pairs (Σx term, Σx² term) of units 8h + 0, 2, 1, 3, 4, 6, 5, 7 (see `q6_k_slot`).
        _mm256_storeu_pd(pairs + 16 * h, _mm256_unpacklo_pd(t0, u0));
        _mm256_storeu_pd(pairs + 16 * h + 4, _mm256_unpackhi_pd(t0, u0));
        _mm256_storeu_pd(pairs + 16 * h + 8, _mm256_unpacklo_pd(t1, u1));
        _mm256_storeu_pd(pairs + 16 * h + 12, _mm256_unpackhi_pd(t1, u1));
    }
    // Extremes: lane g of the trees holds units (h0, g, k0…3), (h1, g, k0…3), whose scale bytes
    // are the even (g = 0) or odd (g = 1) ones; codes − 32 as signed bytes.
    __m256i codes = _mm256_sub_epi8(_mm256_unpacklo_epi64(q6_k_lowest_codes(v), q6_k_highest_codes(v)), _mm256_set1_epi8(32));
    __m128i split = _mm_shuffle_epi8(sc, _mm_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15));
    __m256 dv = _mm256_set1_ps(d);
    for (int g = 0; g < 2; g++) {
        __m128i e = g ? _mm256_extracti128_si256(codes, 1) : _mm256_castsi256_si128(codes);
        __m256 scale = _mm256_mul_ps(dv, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(g ? _mm_unpackhi_epi64(split, split) : split)));
        __m256 a = _mm256_mul_ps(scale, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(e)));
        __m256 b = _mm256_mul_ps(scale, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(e, 8))));
        *lowest = _mm256_min_ps(_mm256_min_ps(a, b), *lowest);
        *highest = _mm256_max_ps(_mm256_max_ps(b, a), *highest);
    }
}

// Where unit n's pair is in `pairs` (in pairs of doubles).
static const int q6_k_slot[16] = {0, 2, 1, 3, 4, 6, 5, 7, 8, 10, 9, 11, 12, 14, 13, 15};

CMK_AVX2 cmk_lane_sums cmk_q6_k_sums_avx2(const void *row, size_t blocks) {
    const unsigned char *start = (const unsigned char *)row;
    double pairs[32];
    __m128d sums = _mm_setzero_pd();  // (Σx, Σx²)
    __m256 lowest = _mm256_set1_ps(__builtin_inff()), highest = _mm256_set1_ps(-__builtin_inff());
    for (size_t b = 0; b < blocks; b++) {
        q6_k_block(start + b * 210, pairs, &lowest, &highest);
        for (int n = 0; n < 16; n++) sums = _mm_add_pd(sums, _mm_loadu_pd(pairs + 2 * q6_k_slot[n]));
    }
    double totals[2];
    _mm_storeu_pd(totals, sums);
    row_sums r = {totals[0], totals[1], lowest, highest};
    scaled_sums tail = {r.sum, r.squares, __builtin_inff(), -__builtin_inff()};
    cmk_lane_sums out;
    if (row_result(&r, tail, &out)) return out;
    return q6_k_sums_in_order(start, blocks);
}

// `DoubleAccumulator` over 8-wide float vectors: (sum, squares) of lanes 0–3 and 4–7, extremes of
// the two SIMD4 halves, exactly as `add(_:_:)` there (no fused multiply-add on squares).
//
// `wide`: the extremes are kept in eight float lanes (one `minps`/`maxps` per eight values instead
// of four; ~10% of these kernels, which are bound by the vector ports, not by their add chains:
// two rows interleaved ran no faster). Eight lanes visit the same candidates in another order,
// which matters only between +0 and −0, so a row whose extreme is zero is redone with `wide` = 0,
// the Swift order.
typedef struct {
    __m256d s_a, s_b, q_a, q_b;
    __m256 lowest, highest;
    int wide;
} double_lanes;

CMK_AVX2 static inline double_lanes lanes_start(int wide) {
    double_lanes l;
    l.s_a = l.s_b = l.q_a = l.q_b = _mm256_setzero_pd();
    l.lowest = _mm256_set1_ps(__builtin_inff());
    l.highest = _mm256_set1_ps(-__builtin_inff());
    l.wide = wide;
    return l;
}

CMK_AVX2 static inline void lanes_add(double_lanes *l, __m256 v) {
    __m128 a = _mm256_castps256_ps128(v), b = _mm256_extractf128_ps(v, 1);
    __m256d a0 = _mm256_cvtps_pd(a), b0 = _mm256_cvtps_pd(b);
    l->s_a = _mm256_add_pd(l->s_a, a0);
    l->s_b = _mm256_add_pd(l->s_b, b0);
    l->q_a = _mm256_add_pd(l->q_a, _mm256_mul_pd(a0, a0));
    l->q_b = _mm256_add_pd(l->q_b, _mm256_mul_pd(b0, b0));
    if (l->wide) {
        l->lowest = _mm256_min_ps(v, l->lowest);
        l->highest = _mm256_max_ps(v, l->highest);
    } else {
        // lanesMin(lanesMin(a, b), lowest): `minps x, y` is x < y ? x : y, as the Swift ternaries.
        l->lowest = _mm256_castps128_ps256(_mm_min_ps(_mm_min_ps(a, b), _mm256_castps256_ps128(l->lowest)));
        l->highest = _mm256_castps128_ps256(_mm_max_ps(_mm_max_ps(a, b), _mm256_castps256_ps128(l->highest)));
    }
}

// `DoubleAccumulator.moments`' fold: sums = (s0 + s1) + (s2 + s3) as SIMD2, then
// sums[0] + sums[1] + tail (the tail is 0.0: blocks hold multiples of 8 values);
// extremes by Swift's min (y < x ? y : x) and max (y >= x ? y : x). Returns 0 when `wide` and an
// extreme is ±0 (the caller redoes the row in the Swift order).
CMK_AVX2 static inline int lanes_result(const double_lanes *l, cmk_lane_sums *out) {
    double sa[4], sb[4], qa[4], qb[4];
    float lo[4], hi[4];
    _mm256_storeu_pd(sa, l->s_a);
    _mm256_storeu_pd(sb, l->s_b);
    _mm256_storeu_pd(qa, l->q_a);
    _mm256_storeu_pd(qb, l->q_b);
    __m128 low = _mm256_castps256_ps128(l->lowest), high = _mm256_castps256_ps128(l->highest);
    if (l->wide) {
        low = _mm_min_ps(low, _mm256_extractf128_ps(l->lowest, 1));
        high = _mm_max_ps(high, _mm256_extractf128_ps(l->highest, 1));
    }
    _mm_storeu_ps(lo, low);
    _mm_storeu_ps(hi, high);
    double s0 = (sa[0] + sa[2]) + (sb[0] + sb[2]), s1 = (sa[1] + sa[3]) + (sb[1] + sb[3]);
    double q0 = (qa[0] + qa[2]) + (qb[0] + qb[2]), q1 = (qa[1] + qa[3]) + (qb[1] + qb[3]);
#define SWIFT_MIN(x, y) ((y) < (x) ? (y) : (x))
#define SWIFT_MAX(x, y) ((y) >= (x) ? (y) : (x))
    float lowest = SWIFT_MIN(SWIFT_MIN(lo[0], lo[1]), SWIFT_MIN(lo[2], lo[3]));
    float highest = SWIFT_MAX(SWIFT_MAX(hi[0], hi[1]), SWIFT_MAX(hi[2], hi[3]));
#undef SWIFT_MIN
#undef SWIFT_MAX
    cmk_put_lane_sums(out, s0 + s1 + 0.0, q0 + q1 + 0.0, lowest, highest);
    return !(l->wide && (lowest == 0.0f || highest == 0.0f));
}

// A row by `BODY(row, blocks, wide, &out)` with eight extreme lanes, redone in the Swift order
// when its extreme is ±0.
#define CMK_AFFINE_ROW(NAME, BODY)                                                              \
    CMK_AVX2 cmk_lane_sums NAME(const void *row, size_t blocks) {                              \
        cmk_lane_sums out;                                                                      \
        if (!BODY((const unsigned char *)row, blocks, 1, &out)) BODY((const unsigned char *)row, blocks, 0, &out); \
        return out;                                                                             \
    }

// The 6-bit scale and minimum of sub-block j of a K block's 12 scale bytes (`kScaleAndMin`).
static inline void k_scale_min(const unsigned char *q, int j, float *scale, float *min) {
    if (j < 4) {
        *scale = (float)(q[j] & 63);
        *min = (float)(q[j + 4] & 63);
    } else {
        *scale = (float)((q[j + 4] & 0x0F) | ((q[j - 4] >> 6) << 4));
        *min = (float)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

// Eight unsigned byte codes at lane offset `i` of `codes` as floats d·q − o (two roundings).
CMK_AVX2 static inline __m256 affine8(__m128i codes8, __m256 d, __m256 o) {
    __m256 q = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(codes8));
    return _mm256_sub_ps(_mm256_mul_ps(d, q), o);
}

// 32 byte codes (one sub-block of a K block) accumulated in element order.
CMK_AVX2 static inline void add_sub_block(double_lanes *l, __m256i codes, float scale, float offset) {
    __m256 d = _mm256_set1_ps(scale), o = _mm256_set1_ps(offset);
    __m128i c0 = _mm256_castsi256_si128(codes), c1 = _mm256_extracti128_si256(codes, 1);
    lanes_add(l, affine8(c0, d, o));
    lanes_add(l, affine8(_mm_srli_si128(c0, 8), d, o));
    lanes_add(l, affine8(c1, d, o));
    lanes_add(l, affine8(_mm_srli_si128(c1, 8), d, o));
}

// Q4_K / Q5_K: sub-block 2c is the low nibbles of code bytes 32c…32c+31 (Q5_K: | bit 2c of the
// high-bit bytes << 4), sub-block 2c + 1 the high nibbles (| bit 2c + 1 << 4); values
// (d·scale) × q − dmin·min, as `Q4_KKernel.decode` / `Q5_KKernel.decode`.
CMK_AVX2 static inline int k_affine_sums(const unsigned char *p, size_t blocks, int five, int wide, cmk_lane_sums *out) {
    double_lanes l = lanes_start(wide);
    __m256i mask = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    size_t stride = five ? 176 : 144;
    for (size_t b = 0; b < blocks; b++, p += stride) {
        float d = half_float(p), dmin = half_float(p + 2);
        const unsigned char *codes = p + (five ? 48 : 16);
        __m256i high = five ? _mm256_loadu_si256((const __m256i *)(p + 16)) : _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            float s0, m0, s1, m1;
            k_scale_min(p + 4, 2 * c, &s0, &m0);
            k_scale_min(p + 4, 2 * c + 1, &s1, &m1);
            float d0 = d * s0, o0 = dmin * m0, d1 = d * s1, o1 = dmin * m1;
            __m256i v = _mm256_loadu_si256((const __m256i *)(codes + 32 * c));
            __m256i low = _mm256_and_si256(v, mask);
            __m256i up = _mm256_and_si256(_mm256_srli_epi16(v, 4), mask);
            if (five) {
                __m256i h0 = _mm256_and_si256(_mm256_srli_epi16(high, 2 * c), one);
                __m256i h1 = _mm256_and_si256(_mm256_srli_epi16(high, 2 * c + 1), one);
                low = _mm256_or_si256(low, _mm256_slli_epi16(h0, 4));
                up = _mm256_or_si256(up, _mm256_slli_epi16(h1, 4));
            }
            add_sub_block(&l, low, d0, o0);
            add_sub_block(&l, up, d1, o1);
        }
    }
    return lanes_result(&l, out);
}

CMK_AVX2 static inline int q4_k_body(const unsigned char *p, size_t blocks, int wide, cmk_lane_sums *out) {
    return k_affine_sums(p, blocks, 0, wide, out);
}

CMK_AVX2 static inline int q5_k_body(const unsigned char *p, size_t blocks, int wide, cmk_lane_sums *out) {
    return k_affine_sums(p, blocks, 1, wide, out);
}

CMK_AFFINE_ROW(cmk_q4_k_sums_avx2, q4_k_body)
CMK_AFFINE_ROW(cmk_q5_k_sums_avx2, q5_k_body)

// Q4_1 / Q5_1: 32 values d·q + m (f16 d and m), the codes as in Q4_0 / Q5_0 without the
// offset; `Q4_1Kernel.decode` / `Q5_1Kernel.decode` round the product and the sum in float32.
CMK_AVX2 static inline void add_affine32(double_lanes *l, __m256i codes, float d, float m) {
    __m256 dv = _mm256_set1_ps(d), mv = _mm256_set1_ps(m);
    __m128i c0 = _mm256_castsi256_si128(codes), c1 = _mm256_extracti128_si256(codes, 1);
    __m128i parts[4] = {c0, _mm_srli_si128(c0, 8), c1, _mm_srli_si128(c1, 8)};
    for (int k = 0; k < 4; k++) {
        __m256 q = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(parts[k]));
        lanes_add(l, _mm256_add_ps(_mm256_mul_ps(dv, q), mv));
    }
}

CMK_AVX2 static inline int q4_1_body(const unsigned char *p, size_t blocks, int wide, cmk_lane_sums *out) {
    double_lanes l = lanes_start(wide);
    for (size_t b = 0; b < blocks; b++, p += 20) add_affine32(&l, nibbles(p + 4), half_float(p), half_float(p + 2));
    return lanes_result(&l, out);
}

CMK_AVX2 static inline int q5_1_body(const unsigned char *p, size_t blocks, int wide, cmk_lane_sums *out) {
    double_lanes l = lanes_start(wide);
    for (size_t b = 0; b < blocks; b++, p += 24) {
        add_affine32(&l, _mm256_or_si256(nibbles(p + 8), fifth_bits(p + 4)), half_float(p), half_float(p + 2));
    }
    return lanes_result(&l, out);
}

CMK_AFFINE_ROW(cmk_q4_1_sums_avx2, q4_1_body)
CMK_AFFINE_ROW(cmk_q5_1_sums_avx2, q5_1_body)

// Q8_0 rows dequantized as `Q8_0Kernel.decode` (and gguf-py) do: value = float(q) × d in float32,
// one rounding each, d from `half_float`; eight values per step. Why: `diff` dequantizes every
// row of a quantized side before comparing it, and the Swift loop (baseline x86-64, one value at
// a time) was ~20% of the CPU time of `diff` of the F32 bench file against its Q8_0 GGUF.
CMK_AVX2 void cmk_q8_0_dequantize_avx2(const void *row, size_t blocks, float *out) {
    const unsigned char *p = (const unsigned char *)row;
    for (size_t b = 0; b < blocks; b++, p += 34, out += 32) {
        __m256 d = _mm256_set1_ps(half_float(p));
        for (int k = 0; k < 4; k++) {
            __m128i q = _mm_loadl_epi64((const __m128i *)(p + 2 + 8 * k));
            _mm256_storeu_ps(out + 8 * k, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q)), d));
        }
    }
}

// ---- Q4_K / Q5_K in any order, for CPUs without AVX-512 ----
//
// The AVX-512 kernels' argument (GGUFExactSumKernelsAVX512.c, "Q4_K / Q5_K") made with AVX2:
// when every float32 value d·sc·q − dmin·m of a row is exact and the row's Σx² is below
// 2^(2G+53) (2^G: the finest grid of its d and dmin), no addition rounds in any order, so each
// sub-block's exact Σx and Σx², formed from its integer Σq and Σq², can be added in any order
// and give the ordered kernel's bits. Why it pays: the ordered kernel converts and adds every
// value in double (256 per block); this one does integer sums per sub-block (`vpsadbw`,
// `vpmaddubsw` + `vpmaddwd`, the byte min/max trees of `block_extreme_codes`) and 8 lanes of double
// arithmetic per block. Rows that fail the check are summed again by the ordered kernel.

typedef struct {
    __m256d sum, squares;         // sub-blocks' exact sums, four lanes, any order
    __m256 lowest, highest;       // per sub-block lane
    int inexact;                  // a sub-block whose float32 values may have rounded
    unsigned grid;                // the row's smallest cmk_k_grid
} k_exact;

// The K any-order kernels need FMA too (`cmk_has_avx2` checks for it, as the float kernels do).
#define CMK_AVX2_FMA __attribute__((target("avx2,fma")))

// Σ over a sub-block's 32 values of x = a·q − b and x², exact, for four sub-blocks: `a` = d·sc
// and `b` = dmin·m (float32 values widened, exact), `sq` and `sq2` the integer Σq and Σq². In
// units of the block's grid 2^(g − 25) a and b are integers with a·q_max + |b| < 2^24 once the
// block passed the value test, so every product and partial result below is an integer below
// 2^53 units (each at most Σ (a·q + |b|)² < 32·2^48; a·t = Σ (a·q − b)² − 32·b², so it too),
// i.e. exact in double with or without fusing, in real units as in grid units (powers of two
// apart, and the squares' unit 2^(2g − 50) ≥ 2^−48 is far from underflow). Hence the fused,
// regrouped form: Σx = a·Σq − 32b, Σx² = a·(a·Σq² − 2b·Σq) + 32b², nine operations for four
// sub-blocks where the scaled form took eighteen (measured: Benchmarks/ggufkernels.c `Q4_Kx`).
CMK_AVX2_FMA static inline void k_exact_add4(k_exact *acc, __m256d a, __m256d b, __m256d sq, __m256d sq2) {
    __m256d m32b = _mm256_mul_pd(b, _mm256_set1_pd(-32.0));
    __m256d sums = _mm256_fmadd_pd(a, sq, m32b);
    __m256d t = _mm256_fnmadd_pd(_mm256_add_pd(b, b), sq, _mm256_mul_pd(a, sq2));
    __m256d squares = _mm256_fmsub_pd(a, t, _mm256_mul_pd(m32b, b));
    acc->sum = _mm256_add_pd(acc->sum, sums);
    acc->squares = _mm256_add_pd(acc->squares, squares);
}

// One block: `five` selects Q5_K (codes with a fifth bit, q ≤ 31) over Q4_K. Sub-block 2c is
// the low nibbles of code bytes 32c…32c+31 (Q5_K: | bit 2c of the high-bit bytes << 4), 2c + 1
// the high nibbles, as in `k_affine_sums`.
CMK_AVX2_FMA static inline void k_exact_block(k_exact *acc, const unsigned char *p, int five) {
    for (int line = 0; line < (five ? 176 : 144); line += 64) _mm_prefetch((const char *)(p + line + 1024), _MM_HINT_T0);
    const unsigned char *codes = p + (five ? 48 : 16);
    const __m256i mask = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    __m256i high = five ? _mm256_loadu_si256((const __m256i *)(p + 16)) : _mm256_setzero_si256();
    __m256i z[8];
    for (int c = 0; c < 4; c++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(codes + 32 * c));
        __m256i low = _mm256_and_si256(v, mask), up = _mm256_and_si256(_mm256_srli_epi16(v, 4), mask);
        if (five) {
            low = _mm256_or_si256(low, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(high, 2 * c), one), 4));
            up = _mm256_or_si256(up, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(high, 2 * c + 1), one), 4));
        }
        z[2 * c] = low;
        z[2 * c + 1] = up;
    }
    __m256i q, q2;
    byte_code_sums(z, &q, &q2);
    __m256i low_code = block_extreme_codes(z, 1), high_code = block_extreme_codes(z, 0);

    uint16_t hd, hm;
    memcpy(&hd, p, 2);
    memcpy(&hm, p + 2, 2);
    __m256i scale, min;
    cmk_k_scales(p + 4, 0, &scale, &min);
    // d·sc and dmin·m in float32, as the decoder forms them (exact: 11 × 6 bits).
    __m256 ds = _mm256_mul_ps(_mm256_set1_ps(half_float(p)), _mm256_cvtepi32_ps(scale));
    __m256 ms = _mm256_mul_ps(_mm256_set1_ps(half_float(p + 2)), _mm256_cvtepi32_ps(min));
    // Float32 exactness of every value d·sc·q − dmin·m of the block (q ≤ 15, or 31); NaN or ±Inf
    // in d or dmin fails it too.
    unsigned g = cmk_k_grid(hd & 0x7FFFu), gm = cmk_k_grid(hm & 0x7FFFu);
    g = gm < g ? gm : g;
    acc->grid = g < acc->grid ? g : acc->grid;
    acc->inexact |= cmk_k_inexact_lanes(ds, ms, g, five);
    cmk_k_extremes(ds, ms, low_code, high_code, &acc->lowest, &acc->highest);
    // Four sub-blocks at a time.
    k_exact_add4(acc, _mm256_cvtps_pd(_mm256_castps256_ps128(ds)), _mm256_cvtps_pd(_mm256_castps256_ps128(ms)),
                 _mm256_cvtepi32_pd(_mm256_castsi256_si128(q)), _mm256_cvtepi32_pd(_mm256_castsi256_si128(q2)));
    k_exact_add4(acc, _mm256_cvtps_pd(_mm256_extractf128_ps(ds, 1)), _mm256_cvtps_pd(_mm256_extractf128_ps(ms, 1)),
                 _mm256_cvtepi32_pd(_mm256_extracti128_si256(q, 1)), _mm256_cvtepi32_pd(_mm256_extracti128_si256(q2, 1)));
}

CMK_AVX2_FMA static inline double k_exact_total(__m256d v) {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(s) + _mm_cvtsd_f64(_mm_unpackhi_pd(s, s));
}

CMK_K_ROW_SUMS(CMK_AVX2_FMA, k_exact_sums, k_exact, _mm256_setzero_pd(), k_exact_block, k_exact_total)

CMK_K_ANY_ORDER_ENTRIES(CMK_AVX2_FMA, cmk_q4_k_any_order_avx2, cmk_q4_k_sums_exact_avx2, k_exact_sums, 0, cmk_q4_k_sums_avx2)
CMK_K_ANY_ORDER_ENTRIES(CMK_AVX2_FMA, cmk_q5_k_any_order_avx2, cmk_q5_k_sums_exact_avx2, k_exact_sums, 1, cmk_q5_k_sums_avx2)

// ---- Q4_1 / Q5_1 in any order, for CPUs without AVX-512 ----
//
// The AVX-512 kernel's argument (GGUFExactSumKernelsAVX512.c, "Q4_1 / Q5_1") made with AVX2: a
// block's values d·q + m are exact in float32 when |d|·q_high + |m| < 2^(g−1) (g: the smaller
// `cmk_k_grid` of d and m, q_high: the block's highest code); then its exact Σx = d·Σq + 32·m
// and Σx² = d²·Σq² + 2·d·m·Σq + 32·m² follow from the integer Σq and Σq² (every product exact
// in a double, every intermediate a multiple of the grid below 2^53 of its units, so each FMA
// is exact), and when the row's Σx² stays below 2^(2G+53) (2^G: the unit of the row's finest
// grid, G = its smallest `cmk_k_grid` − 25) no addition rounds in any order: the blocks' sums
// added in any order are the ordered kernel's bits. Rows that fail the check (or whose extreme
// is ±0) are summed again by the ordered kernels above. Why: those convert and add every value
// in double, 1.4–1.75 (Q4_1) and 1.2–1.85 (Q5_1) GB/s per core on a Zen 3; here the integer work
// is `add8_pairs`' (two blocks a vector, low and high nibble vectors) and eight blocks share one
// set of float and double operations.
typedef struct {
    __m256d sum, squares;    // blocks' exact sums, any order
    __m256 lowest, highest;  // per block lane
    __m256i grid;            // per lane, the smallest `cmk_k_grid` so far
    int inexact;             // a block whose float32 values may have rounded
} affine_exact;

// `cmk_k_grid` of eight f16 values (u16 lanes), as i32 lanes.
CMK_AVX2_FMA static inline __m256i affine_grids(__m128i halves) {
    __m256i magnitude = _mm256_cvtepu16_epi32(_mm_and_si128(halves, _mm_set1_epi16(0x7FFF)));
    __m256i e = _mm256_max_epi32(_mm256_srli_epi32(magnitude, 10), _mm256_set1_epi32(1));
    return _mm256_blendv_epi8(e, _mm256_set1_epi32(64), _mm256_cmpeq_epi32(magnitude, _mm256_setzero_si256()));
}

// Eight blocks at `p` (stride 20, or 24 for Q5_1 when `five`); `live` has all bits of the
// lanes of blocks that exist (a row's last batch is padded with zero blocks).
CMK_AVX2_FMA static inline void affine_exact_batch(affine_exact *acc, const unsigned char *p, int five, __m256 live) {
    const int stride = five ? 24 : 20, at = five ? 8 : 4;
    const __m256i mask = _mm256_set1_epi8(0x0F), ones = _mm256_set1_epi16(1), zero = _mm256_setzero_si256();
    __m256i x[4], lowest[4], highest[4];
    for (int k = 0; k < 4; k++) {
        __m256i v = block_pair(p, (size_t)stride, k, at);
        __m256i low = _mm256_and_si256(v, mask), high = _mm256_and_si256(_mm256_srli_epi16(v, 4), mask);
        if (five) {
            __m256i f0, f1;
            q5_fifth_bits(p + 4, (size_t)stride, k, &f0, &f1);
            low = _mm256_or_si256(low, f0);
            high = _mm256_or_si256(high, f1);
        }
        __m256i squares = _mm256_madd_epi16(_mm256_add_epi16(_mm256_maddubs_epi16(low, low), _mm256_maddubs_epi16(high, high)), ones);
        x[k] = _mm256_add_epi32(squares, _mm256_slli_epi64(_mm256_sad_epu8(_mm256_add_epi8(low, high), zero), 16));
        lowest[k] = _mm256_min_epu8(low, high);
        highest[k] = _mm256_max_epu8(low, high);
    }
    __m256i packed = _mm256_hadd_epi32(_mm256_hadd_epi32(x[0], x[1]), _mm256_hadd_epi32(x[2], x[3]));
    __m256i sq = _mm256_srli_epi32(packed, 16), sq2 = _mm256_and_si256(packed, _mm256_set1_epi32(0xFFFF));
    __m256 lowf = _mm256_cvtepi32_ps(pair_extreme_codes(lowest, 1)), highf = _mm256_cvtepi32_ps(pair_extreme_codes(highest, 0));
    __m128i dh = scale_codes(p, (size_t)stride), mh = scale_codes(p + 2, (size_t)stride);
    __m256 d = half_floats(dh), m = half_floats(mh);
    // Float32 exactness of every value of the block (codes up to its highest); NaN or ±Inf fail.
    __m256i grid = _mm256_min_epi32(affine_grids(dh), affine_grids(mh));
    acc->grid = _mm256_min_epi32(acc->grid, grid);
    __m256 limit = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(grid, _mm256_set1_epi32(126)), 23));  // 2^(g−1)
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 magnitude = _mm256_add_ps(_mm256_mul_ps(_mm256_andnot_ps(sign, d), highf), _mm256_andnot_ps(sign, m));
    acc->inexact |= _mm256_movemask_ps(_mm256_cmp_ps(magnitude, limit, _CMP_NLT_UQ));
    // Extremes: the block's values at its extreme codes, rounded as the decoder rounds.
    __m256 a = _mm256_add_ps(_mm256_mul_ps(d, lowf), m), b = _mm256_add_ps(_mm256_mul_ps(d, highf), m);
    __m256 inf = _mm256_set1_ps(__builtin_inff());
    acc->lowest = _mm256_min_ps(acc->lowest, _mm256_blendv_ps(inf, _mm256_min_ps(a, b), live));
    acc->highest = _mm256_max_ps(acc->highest, _mm256_blendv_ps(_mm256_xor_ps(inf, sign), _mm256_max_ps(a, b), live));
    // The blocks' exact Σx and Σx² (see above), four lanes at a time; padding blocks add zeros.
    const __m256d n = _mm256_set1_pd(32.0);
    for (int h = 0; h < 2; h++) {
        __m256d dd = _mm256_cvtps_pd(h ? _mm256_extractf128_ps(d, 1) : _mm256_castps256_ps128(d));
        __m256d md = _mm256_cvtps_pd(h ? _mm256_extractf128_ps(m, 1) : _mm256_castps256_ps128(m));
        __m256d qd = _mm256_cvtepi32_pd(h ? _mm256_extracti128_si256(sq, 1) : _mm256_castsi256_si128(sq));
        __m256d q2d = _mm256_cvtepi32_pd(h ? _mm256_extracti128_si256(sq2, 1) : _mm256_castsi256_si128(sq2));
        __m256d dm = _mm256_mul_pd(dd, md);
        acc->sum = _mm256_add_pd(acc->sum, _mm256_fmadd_pd(dd, qd, _mm256_mul_pd(n, md)));
        __m256d squares = _mm256_fmadd_pd(_mm256_mul_pd(dd, dd), q2d,
                                          _mm256_fmadd_pd(_mm256_add_pd(dm, dm), qd, _mm256_mul_pd(n, _mm256_mul_pd(md, md))));
        acc->squares = _mm256_add_pd(acc->squares, squares);
    }
}

// The lanes of a row's last `n` blocks (n < 8), as `affine_exact_batch`'s `live`.
CMK_AVX2_FMA static inline __m256 affine_live(size_t n) {
    return _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
}

CMK_AFFINE_ROW_SUMS(CMK_AVX2_FMA, affine_exact_sums, affine_exact, _mm256_setzero_pd(), affine_exact_batch, k_exact_total,
                    _mm256_castsi256_ps(_mm256_set1_epi32(-1)), affine_live, 24)

CMK_K_ANY_ORDER_ENTRIES(CMK_AVX2_FMA, cmk_q4_1_any_order_avx2, cmk_q4_1_sums_exact_avx2, affine_exact_sums, 0, cmk_q4_1_sums_avx2)
CMK_K_ANY_ORDER_ENTRIES(CMK_AVX2_FMA, cmk_q5_1_any_order_avx2, cmk_q5_1_sums_exact_avx2, affine_exact_sums, 1, cmk_q5_1_sums_avx2)
