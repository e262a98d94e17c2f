// AVX-512 versions of the GGUF row kernels (Q8_0, Q4_0; Q4_K, Q5_K, Q4_1, Q5_1 below) that add blocks in ANY order
// when a per-row check proves that every order gives the same bits; otherwise they call the
// ordered AVX2 kernels (GGUFBlockKernelsAVX2.c), so the result is always bit-identical to the
// portable Swift kernels.
//
// Why any order can be exact. The ordered kernels add, block after block, t_b = d_b·Σq_b to the
// row's Σx and u_b = d_b²·Σq_b² to its Σx² (each term exact in a double). Let 2^K be the unit in
// the last place of the row's smallest nonzero f16 scale (K = e − 25 for a normal f16 of
// exponent field e, −24 for subnormals): every scale is an integer multiple of 2^K, so every t_b
// is a multiple of 2^K and every u_b of 2^2K. A double holds every multiple of 2^K below 2^(K+53)
// exactly. So:
//  - Σx²: the u_b are ≥ 0, every partial sum (in any order) lies between 0 and the total; if the
//    total is below 2^(2K+53), no addition rounds, in the ordered chain or in ours. The check is
//    made on our own (any-order) total: if any of our additions had rounded, our total would be
//    ≥ 2^(2K+53) (rounding is monotone and 2^(2K+53) is a double), so "our total < 2^(2K+53)"
//    proves that nothing rounded anywhere.
//  - Σx: |Σq_b| ≤ √(n·Σq_b²) for a block of n values (Cauchy–Schwarz), so Σ_b |t_b| ≤
//    √(N·Σx²) for a row of N values, which is below 2^(K+53) whenever Σx² < 2^(2K+53) and
//    N ≤ 2^53. Every partial sum of the t_b, in any order, then has magnitude below 2^(K+53)
//    and is exact: the same condition covers Σx.
// Rows with NaN or ±Inf scales make our Σx² NaN or Inf and fail the check. Extremes are the
// same candidates (scale × lowest code, scale × highest code per block) under min/max in
// another order, which is exact except between +0 and −0: a row whose extreme is zero takes
// the ordered path too, as in the AVX2 kernels.
//
// The integer work, eight blocks at a time: Σq and Σq² of a block come from VNNI dot products
// packed into one 32-bit lane (2^19·Σq + Σq² for Q8_0, 2^13·Σnibble + Σnibble² for Q4_0;
// Σq² < 2^19 resp. Σnibble² < 2^13, so the two unpack exactly), reduced across lanes by one
// permute tree; the extreme codes by a min tree over bytes (the maximum as the minimum of the
// complemented codes). Q8_0's Σq² uses |q|·|q| as unsigned × signed bytes, wrong for q = −128
// (|−128| is not a signed byte): rows holding that code (gguf-py and llama.cpp never write it)
// take the ordered path.
#include "CMomentKernels.h"
#include "LaneSums.h"
#include "ExactSums.h"
#include "CPUFeatures.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

// Software prefetch CMK_PREFETCH bytes ahead. Why: the rows come straight from the page cache,
// and the hardware prefetchers stop at every 4 KiB page; in `audit` of the Q8_0 bench file this
// took the process's CPU time from ~85 to ~68 ms (`perf stat -r 10`; 512–2048 bytes measure
// alike). A prefetch past the row's end (or the mapping's) is harmless: it never faults.
#define CMK_PREFETCH 1024
static inline void cmk_prefetch(const unsigned char *p) { _mm_prefetch((const char *)(p + CMK_PREFETCH), _MM_HINT_T0); }

#define CMK_Q512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,avx512vbmi,avx2,fma,f16c")))

static int probe_quant512(void) {
    CMK_CPU_INIT();
    return CMK_CPU_HAS(AVX2, "avx2") && CMK_CPU_HAS(FMA, "fma") && CMK_CPU_HAS(F16C, "f16c") &&
           CMK_CPU_HAS(AVX512F, "avx512f") && CMK_CPU_HAS(AVX512BW, "avx512bw") &&
           CMK_CPU_HAS(AVX512DQ, "avx512dq") && CMK_CPU_HAS(AVX512VL, "avx512vl") &&
           CMK_CPU_HAS(AVX512_VNNI, "avx512vnni") && CMK_CPU_HAS(AVX512_VBMI, "avx512vbmi");
}

int cmk_has_avx512_quant(void) {
    static int cached = -1;
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        value = probe_quant512();
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}

// The row's running sums in any order: double lanes for Σx and Σx², float lanes for the
// extremes, the smallest code (Q8_0's −128 test) and the smallest nonzero scale magnitude − 1
// (as u16: a zero scale wraps to 0xFFFF and never wins).
typedef struct {
    __m512d sum, squares;
    __m256 lowest, highest;
    __m256i low_codes;
    __m128i scale_floor;
} any_order;

CMK_Q512 static inline any_order any_start(void) {
    any_order a;
    a.sum = a.squares = _mm512_setzero_pd();
    a.lowest = _mm256_set1_ps(__builtin_inff());
    a.highest = _mm256_set1_ps(-__builtin_inff());
    a.low_codes = _mm256_setzero_si256();
    a.scale_floor = _mm_set1_epi16(-1);
    return a;
}

// Adds eight blocks: block k has f16 scale lane k of `halves`, code sum, square sum and extreme
// codes lane k of the i32 vectors; `live` masks the blocks that exist (the row's last batch).
CMK_Q512 static inline void any_add8(any_order *a, __m128i halves, __m256i sums, __m256i squares, __m256i low,
                                     __m256i high, __mmask8 live) {
    __m256 d = _mm256_cvtph_ps(halves);  // exact for every finite f16
    __m512d dd = _mm512_cvtps_pd(d);
    // Products are exact (11 × 13 and 22 × 20 bits), so the FMAs round only in the addition.
    a->sum = _mm512_fmadd_pd(dd, _mm512_cvtepi32_pd(sums), a->sum);
    a->squares = _mm512_fmadd_pd(_mm512_mul_pd(dd, dd), _mm512_cvtepi32_pd(squares), a->squares);
    __m256 x = _mm256_mul_ps(d, _mm256_cvtepi32_ps(low)), y = _mm256_mul_ps(d, _mm256_cvtepi32_ps(high));
    a->lowest = _mm256_mask_min_ps(a->lowest, live, a->lowest, _mm256_min_ps(x, y));
    a->highest = _mm256_mask_max_ps(a->highest, live, a->highest, _mm256_max_ps(x, y));
    a->low_codes = _mm256_min_epi32(a->low_codes, low);
    __m128i magnitude = _mm_and_si128(halves, _mm_set1_epi16(0x7FFF));
    a->scale_floor = _mm_min_epu16(a->scale_floor, _mm_sub_epi16(magnitude, _mm_set1_epi16(1)));
}

// Whether `squares`, the row's Σx² so far, is below the limit of the row's grid so far. Both only
// move towards failure (Σx² grows, the smallest scale shrinks), so a failure seen before the
// row's end is final.
CMK_Q512 static inline int any_limit_holds(const any_order *a, double squares) {
    unsigned smallest = ((unsigned)_mm_cvtsi128_si32(_mm_minpos_epu16(a->scale_floor)) + 1u) & 0xFFFFu;
    int exponent = (int)(smallest >> 10);
    int k = (exponent == 0 ? 1 : exponent) - 25;  // the smallest scale's last-place unit is 2^k
    return squares < cmk_power_of_two(2 * k + 53);  // false for NaN and ±Inf too
}

CMK_Q512 static inline int any_within_limit(const any_order *a) {
    return any_limit_holds(a, _mm512_reduce_add_pd(a->squares));
}

// The finished row when the exactness check passes (returns 1), else 0: a lane's lowest code
// below `lowest_code`, or an extreme that is ±0, also sends the row to the ordered path.
CMK_Q512 static inline int any_result(const any_order *a, int lowest_code, cmk_lane_sums *out) {
    double squares = _mm512_reduce_add_pd(a->squares);
    if (!any_limit_holds(a, squares)) return 0;
    if (_mm256_cmpgt_epi32_mask(_mm256_set1_epi32(lowest_code), a->low_codes)) return 0;
    float lowest, highest;
    if (!cmk_fold_extremes(a->lowest, a->highest, &lowest, &highest)) return 0;  // ±0: the ordered path decides
    cmk_put_lane_sums(out, _mm512_reduce_add_pd(a->sum), squares, lowest, highest);
    return 1;
}

// Two vectors of four units × four i32 lanes (units 0–3 in `a`, 4–7 in `b`) → unit k's total in
// lane k.
CMK_Q512 static inline __m256i totals_8x4(__m512i a, __m512i b) {
    const __m512i first = _mm512_setr_epi32(0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29);
    const __m512i second = _mm512_add_epi32(first, _mm512_set1_epi32(2));
    __m512i pairs = _mm512_add_epi32(_mm512_permutex2var_epi32(a, first, b), _mm512_permutex2var_epi32(a, second, b));
    const __m512i split = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
    __m512i halves = _mm512_permutexvar_epi32(split, pairs);
    return _mm256_add_epi32(_mm512_castsi512_si256(halves), _mm512_extracti64x4_epi64(halves, 1));
}

// Four vectors of two units × eight i32 lanes → unit k's total in lane k.
CMK_Q512 static inline __m256i totals_8x8(__m512i v0, __m512i v1, __m512i v2, __m512i v3) {
    const __m512i first = _mm512_setr_epi32(0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
    const __m512i second = _mm512_add_epi32(first, _mm512_set1_epi32(4));
    __m512i a = _mm512_add_epi32(_mm512_permutex2var_epi32(v0, first, v1), _mm512_permutex2var_epi32(v0, second, v1));
    __m512i b = _mm512_add_epi32(_mm512_permutex2var_epi32(v2, first, v3), _mm512_permutex2var_epi32(v2, second, v3));
    return totals_8x4(a, b);
}

// Halves each unit's candidate bytes: the qwords `first` picks from (a, b) against those `second`
// picks, combined by `OP` (a min or max of bytes).
#define CMK_FOLD_QWORDS(OP, a, b, first, second) \
    OP(_mm512_permutex2var_epi64(a, first, b), _mm512_permutex2var_epi64(a, second, b))

// Eight units' lowest and highest byte codes, each unit's candidates in one qword of `mn` / `mx`
// (unit k = qword k), as i32 lanes. `SIGNED`: the bytes are signed codes, else unsigned.
#define CMK_EXTREMES_FROM_QWORDS(MIN8, SIGNED, mn, mx, low, high)                                     \
    do {                                                                                           \
        __m512i nx_ = _mm512_xor_si512(mx, _mm512_set1_epi8(-1)); /* ~x reverses the order */      \
        __m512i a_ = MIN8(mn, _mm512_srli_epi64(mn, 32));                                           \
        __m512i b_ = MIN8(nx_, _mm512_slli_epi64(nx_, 32));                                         \
        __m512i c_ = _mm512_mask_blend_epi32(0xAAAA, a_, b_); /* dword 2k: min, 2k + 1: ~max */   \
        c_ = MIN8(c_, _mm512_srli_epi32(c_, 16));                                                   \
        c_ = MIN8(c_, _mm512_srli_epi16(c_, 8));                                                    \
        c_ = SIGNED ? _mm512_srai_epi32(_mm512_slli_epi32(c_, 24), 24) : _mm512_and_si512(c_, _mm512_set1_epi32(0xFF)); \
        const __m512i split_ = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15); \
        c_ = _mm512_permutexvar_epi32(split_, c_);                                                  \
        low = _mm512_castsi512_si256(c_);                                                           \
        __m256i n_ = _mm512_extracti64x4_epi64(c_, 1);                                              \
        high = SIGNED ? _mm256_xor_si256(n_, _mm256_set1_epi32(-1)) : _mm256_sub_epi32(_mm256_set1_epi32(255), n_); \
    } while (0)

// Eight 32-byte units' lowest and highest codes as i32 lanes, z[j] holding unit a_j in its low and
// b_j in its high 256 bits; lanes in the order a_0, b_0, a_1, b_1, …, a_3, b_3. MIN8/MAX8: byte
// min/max (signed or not), WIDEN: the matching byte → i32 extension. Why this shape: in-lane
// trees of unpacks (each 128-bit lane holds half a unit of each z[j]) and one cross-lane step
// cost less than folding qwords across lanes (`CMK_FOLD_QWORDS`): C harness, Q8_0 and Q4_K
// any-order rows, see docs/PERFORMANCE.md. After the trees, lane 0's first dword holds the
// a units, lane 2's the b units; one two-source byte permute puts them in order.
#define CMK_UNIT_TREE(OP, z, out)                                                               \
    do {                                                                                       \
        __m512i m01_ = OP(_mm512_unpacklo_epi8(z[0], z[1]), _mm512_unpackhi_epi8(z[0], z[1])); \
        __m512i m23_ = OP(_mm512_unpacklo_epi8(z[2], z[3]), _mm512_unpackhi_epi8(z[2], z[3])); \
        __m512i m_ = OP(_mm512_unpacklo_epi16(m01_, m23_), _mm512_unpackhi_epi16(m01_, m23_)); \
        m_ = OP(m_, _mm512_shuffle_epi32(m_, 0x4E));                                           \
        m_ = OP(m_, _mm512_shuffle_epi32(m_, 0xB1));                                           \
        out = OP(m_, _mm512_shuffle_i32x4(m_, m_, 0xB1));                                      \
    } while (0)
#define CMK_UNIT_EXTREMES(MIN8, MAX8, WIDEN, z, low, high)                                      \
    do {                                                                                       \
        __m512i mn_, mx_;                                                                      \
        CMK_UNIT_TREE(MIN8, z, mn_);                                                           \
        CMK_UNIT_TREE(MAX8, z, mx_);                                                           \
        const __m512i pick_ = _mm512_set_epi8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   \
                                              0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   \
                                              0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   \
                                              99, 67, 98, 66, 97, 65, 96, 64, 35, 3, 34, 2, 33, 1, 32, 0); \
        __m512i both_ = WIDEN(_mm512_castsi512_si128(_mm512_permutex2var_epi8(mn_, pick_, mx_))); \
        low = _mm512_castsi512_si256(both_);                                                   \
        high = _mm512_extracti64x4_epi64(both_, 1);                                            \
    } while (0)

// ---- Q8_0: 34-byte blocks, f16 d then 32 signed codes ----

CMK_Q512 static inline void q8_0_batch(any_order *acc, const unsigned char *p, __mmask8 live) {
    const __m512i ones = _mm512_set1_epi8(1);
    for (int line = 0; line < 272; line += 64) cmk_prefetch(p + line);
    __m512i z[4], packed[4];
    for (int j = 0; j < 4; j++) {
        __m256i first = _mm256_loadu_si256((const __m256i *)(p + 68 * j + 2));
        __m256i second = _mm256_loadu_si256((const __m256i *)(p + 68 * j + 36));
        z[j] = _mm512_inserti64x4(_mm512_castsi256_si512(first), second, 1);
        __m512i s = _mm512_slli_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), ones, z[j]), 19);
        __m512i m = _mm512_abs_epi8(z[j]);
        packed[j] = _mm512_dpbusd_epi32(s, m, m);  // 2^19·Σq + Σq² per four codes
    }
    __m256i totals = totals_8x8(packed[0], packed[1], packed[2], packed[3]);
    __m256i sums = _mm256_srai_epi32(totals, 19), squares = _mm256_and_si256(totals, _mm256_set1_epi32(0x7FFFF));
    // Extremes: z[j] holds blocks 2j and 2j + 1, so the lanes come out in block order.
    __m256i low, high;
    CMK_UNIT_EXTREMES(_mm512_min_epi8, _mm512_max_epi8, _mm512_cvtepi8_epi32, z, low, high);
    const __m256i offsets = _mm256_setr_epi32(0, 34, 68, 102, 136, 170, 204, 238);
    __m128i halves = _mm256_cvtepi32_epi16(_mm256_i32gather_epi32((const int *)p, offsets, 1));
    any_add8(acc, halves, sums, squares, low, high, live);
}

// The row functions of a 32-value symmetric type: batches of eight blocks (a failing row gives up
// every sixteenth batch, 4,096 values, once its Σx² is past the limit: Σx² only grows and the
// limit only shrinks; checking every fourth batch cost ~3% on rows of 1,024 values, which the
// final check covers anyway), the last partial batch from a zero-padded copy with its missing
// lanes masked, then the check; `NAME_sums_avx512` falls back to the ordered AVX2 kernel.
#define CMK_ANY_ORDER32(NAME, STRIDE, BATCH, LOWEST_CODE)                                        \
    CMK_Q512 int NAME##_any_order_avx512(const void *row, size_t blocks, cmk_lane_sums *out) {  \
        const unsigned char *p = (const unsigned char *)row;                                    \
        any_order acc = any_start();                                                            \
        size_t b = 0;                                                                           \
        for (; b + 8 <= blocks; b += 8) {                                                       \
            BATCH(&acc, p + b * STRIDE, 0xFF);                                                  \
            if ((b & 120) == 120 && !any_within_limit(&acc)) return 0;                          \
        }                                                                                       \
        if (b < blocks) {                                                                       \
            unsigned char tail[8 * STRIDE] = {0};                                               \
            memcpy(tail, p + b * STRIDE, (blocks - b) * STRIDE);                                \
            BATCH(&acc, tail, (__mmask8)((1u << (blocks - b)) - 1u));                           \
        }                                                                                       \
        return any_result(&acc, LOWEST_CODE, out);                                              \
    }                                                                                           \
    CMK_Q512 cmk_lane_sums NAME##_sums_avx512(const void *row, size_t blocks) {                 \
        cmk_lane_sums out;                                                                      \
        if (NAME##_any_order_avx512(row, blocks, &out)) return out;                             \
        return NAME##_sums_avx2(row, blocks);                                                   \
    }

CMK_ANY_ORDER32(cmk_q8_0, 34, q8_0_batch, -127)

// ---- Q4_0: 18-byte blocks, f16 d then 16 bytes of nibbles (codes nibble − 8) ----

CMK_Q512 static inline void q4_0_batch(any_order *acc, const unsigned char *p, __mmask8 live) {
    // Each group of four blocks (72 bytes) → one vector of their 4 × 16 code bytes.
    const __m512i pick = _mm512_set_epi8(
        127, 126, 125, 124, 123, 122, 121, 120, 119, 118, 117, 116, 115, 114, 113, 112,  // block 3: B 48–63
        53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38,                  // block 2: A 38–53
        35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20,                  // block 1: A 20–35
        17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2);                         // block 0: A 2–17
    const __m512i mask = _mm512_set1_epi8(0x0F), ones = _mm512_set1_epi8(1);
    for (int line = 0; line < 144; line += 64) cmk_prefetch(p + line);
    __m512i packed[2], mn[2], mx[2];
    for (int g = 0; g < 2; g++) {
        const unsigned char *q = p + 72 * g;
        __m512i v = _mm512_permutex2var_epi8(_mm512_loadu_si512(q), pick, _mm512_loadu_si512(q + 8));
        __m512i lo = _mm512_and_si512(v, mask), hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), mask);
        __m512i s = _mm512_slli_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_add_epi8(lo, hi), ones), 13);
        s = _mm512_dpbusd_epi32(s, lo, lo);
        packed[g] = _mm512_dpbusd_epi32(s, hi, hi);  // 2^13·Σn + Σn² per eight nibbles
        mn[g] = _mm512_min_epu8(lo, hi);
        mx[g] = _mm512_max_epu8(lo, hi);
    }
    __m256i totals = totals_8x4(packed[0], packed[1]);
    __m256i n = _mm256_srli_epi32(totals, 13), n2 = _mm256_and_si256(totals, _mm256_set1_epi32(0x1FFF));
    // Σ(n − 8) = Σn − 256 and Σ(n − 8)² = Σn² − 16·Σn + 2048 over 32 codes.
    __m256i sums = _mm256_sub_epi32(n, _mm256_set1_epi32(256));
    __m256i squares = _mm256_add_epi32(_mm256_sub_epi32(n2, _mm256_slli_epi32(n, 4)), _mm256_set1_epi32(2048));
    const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    __m512i lows = CMK_FOLD_QWORDS(_mm512_min_epu8, mn[0], mn[1], even, odd);
    __m512i highs = CMK_FOLD_QWORDS(_mm512_max_epu8, mx[0], mx[1], even, odd);
    __m256i low, high;
    CMK_EXTREMES_FROM_QWORDS(_mm512_min_epu8, 0, lows, highs, low, high);
    const __m256i eight = _mm256_set1_epi32(8);
    // The eight scales: f16 at bytes 18k, i.e. words 9k of the 128 bytes from p.
    const __m512i words = _mm512_setr_epi32(0 | 9 << 16, 18 | 27 << 16, 36 | 45 << 16, 54 | 63 << 16, 0, 0, 0, 0,
                                            0, 0, 0, 0, 0, 0, 0, 0);
    __m128i halves = _mm512_castsi512_si128(_mm512_permutex2var_epi16(_mm512_loadu_si512(p), words, _mm512_loadu_si512(p + 64)));
    any_add8(acc, halves, sums, squares, _mm256_sub_epi32(low, eight), _mm256_sub_epi32(high, eight), live);
}

CMK_ANY_ORDER32(cmk_q4_0, 18, q4_0_batch, -8)

// ---- Q4_K / Q5_K: 256-value blocks of eight 32-value sub-blocks, value (d·sc)·q − dmin·m ----
//
// The values are rounded twice in float32 (`Q4_KKernel.decode`): d·sc, dmin·m and (d·sc)·q are
// exact (11 × 6 and 17 × 5 bits), the subtraction is exact when its result fits in 24 bits of
// the block's grid: with 2^g the smaller of the last-place units of the block's d and dmin (both
// products are multiples of it), |d·sc|·q_max + |dmin·m| < 2^(g+24) for every sub-block. When
// every block passes that test, each value is the real number (d·sc)·q − dmin·m, a multiple of
// 2^G (G: the row's smallest g), and each sub-block's exact Σx and Σx² follow from its integer
// Σq and Σq² by expansion (Σx = (d·sc)·Σq − 32·dmin·m, Σx² = Σ (d·sc·q − dmin·m)², formed
// exactly in units of the block's grid, see k_block). These are nonnegative multiples of
// 2^2G for Σx², so the symmetric types' argument applies unchanged: if our any-order total
// of Σx² is below 2^(2G+53), every partial sum in any order (ours, and the ordered kernel's
// sums of the values' squares) is exact, and Σx is covered by Cauchy–Schwarz.

typedef struct {
    __m512d sum, squares;
    __m256 lowest, highest;
    __mmask8 inexact;             // a sub-block whose float32 values may have rounded
    unsigned grid;                // the row's smallest cmk_k_grid
} k_any_order;

// One block: `five` selects Q5_K (codes with a fifth bit, q ≤ 31) over Q4_K.
CMK_Q512 static inline void k_block(k_any_order *acc, const unsigned char *p, int five) {
    const unsigned char *codes = p + (five ? 48 : 16);
    for (int line = 0; line < (five ? 176 : 144); line += 64) cmk_prefetch(p + line);
    __m512i v0 = _mm512_loadu_si512(codes), v1 = _mm512_loadu_si512(codes + 64);
    const __m512i mask = _mm512_set1_epi8(0x0F), ones = _mm512_set1_epi8(1);
    __m512i z[4] = {_mm512_and_si512(v0, mask), _mm512_and_si512(_mm512_srli_epi16(v0, 4), mask),
                    _mm512_and_si512(v1, mask), _mm512_and_si512(_mm512_srli_epi16(v1, 4), mask)};
    if (five) {
        // Sub-block j takes bit j of high-bit byte l for element l: z[0] holds sub-blocks 0 | 2,
        // z[1] 1 | 3, z[2] 4 | 6, z[3] 5 | 7.
        __m256i h = _mm256_loadu_si256((const __m256i *)(p + 16));
        __m512i h02 = _mm512_inserti64x4(_mm512_castsi256_si512(h), _mm256_srli_epi16(h, 2), 1);
        __m512i h46 = _mm512_srli_epi16(h02, 4);
        const __m512i one = _mm512_set1_epi8(1);
        z[0] = _mm512_or_si512(z[0], _mm512_slli_epi16(_mm512_and_si512(h02, one), 4));
        z[1] = _mm512_or_si512(z[1], _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(h02, 1), one), 4));
        z[2] = _mm512_or_si512(z[2], _mm512_slli_epi16(_mm512_and_si512(h46, one), 4));
        z[3] = _mm512_or_si512(z[3], _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(h46, 1), one), 4));
    }
    // 2^15·Σq + Σq² per four codes (Σq² ≤ 32·31² < 2^15 per sub-block).
    __m512i packed[4];
    for (int k = 0; k < 4; k++) {
        __m512i s = _mm512_slli_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), z[k], ones), 15);
        packed[k] = _mm512_dpbusd_epi32(s, z[k], z[k]);
    }
    __m256i totals = totals_8x8(packed[0], packed[1], packed[2], packed[3]);  // sub-blocks 0, 2, 1, 3, 4, 6, 5, 7
    __m256i q = _mm256_srli_epi32(totals, 15), q2 = _mm256_and_si256(totals, _mm256_set1_epi32(0x7FFF));
    // Extreme codes: z[0] holds sub-blocks 0 | 2, z[1] 1 | 3, z[2] 4 | 6, z[3] 5 | 7, so the lanes
    // come out as 0, 2, 1, 3, 4, 6, 5, 7, the order of `totals`.
    __m256i low_code, high_code;
    CMK_UNIT_EXTREMES(_mm512_min_epu8, _mm512_max_epu8, _mm512_cvtepu8_epi32, z, low_code, high_code);

    uint16_t hd, hm;
    memcpy(&hd, p, 2);
    memcpy(&hm, p + 2, 2);
    __m256i scale, min;
    cmk_k_scales(p + 4, 1, &scale, &min);
    __m256 d = _mm256_cvtph_ps(_mm_set1_epi16((short)hd)), dmin = _mm256_cvtph_ps(_mm_set1_epi16((short)hm));
    __m256 ds = _mm256_mul_ps(d, _mm256_cvtepi32_ps(scale)), ms = _mm256_mul_ps(dmin, _mm256_cvtepi32_ps(min));
    // Float32 exactness of every value d·sc·q − dmin·m of the block (q ≤ 15, or 31).
    unsigned g = cmk_k_grid(hd & 0x7FFFu), gm = cmk_k_grid(hm & 0x7FFFu);
    g = gm < g ? gm : g;
    acc->grid = g < acc->grid ? g : acc->grid;
    acc->inexact |= (__mmask8)cmk_k_inexact_lanes(ds, ms, g, five);
    cmk_k_extremes(ds, ms, low_code, high_code, &acc->lowest, &acc->highest);
    // Each sub-block's exact sums in units of the block's grid 2^(g−25): with a = d·sc and
    // b = dmin·m in those units (integers, a·q_max + |b| < 2^24 by the test above),
    // X = a·Σq − 32·b and Y = a²·Σq² − 2ab·Σq + 32·b² = Σ (a·q − b)² are integers whose every
    // intermediate is below 2^53 in magnitude (each is at most Σ (a·q + |b|)² < 32·2^48), so
    // double arithmetic forms them exactly; scaled back by a power of two they are the
    // sub-block's exact Σx and Σx², added in any order below.
    int unit = (int)g - 25;
    double down = cmk_power_of_two(-unit), up = cmk_power_of_two(unit), up2 = cmk_power_of_two(2 * unit);
    __m512d a = _mm512_mul_pd(_mm512_cvtps_pd(ds), _mm512_set1_pd(down)), b = _mm512_mul_pd(_mm512_cvtps_pd(ms), _mm512_set1_pd(down));
    __m512d sq = _mm512_cvtepi32_pd(q), sq2 = _mm512_cvtepi32_pd(q2);
    const __m512d n = _mm512_set1_pd(32.0);
    __m512d ab = _mm512_mul_pd(a, b);
    __m512d sums = _mm512_fnmadd_pd(n, b, _mm512_mul_pd(a, sq));
    __m512d squares = _mm512_fmadd_pd(_mm512_mul_pd(a, a), sq2, _mm512_fnmadd_pd(_mm512_add_pd(ab, ab), sq, _mm512_mul_pd(n, _mm512_mul_pd(b, b))));
    acc->sum = _mm512_fmadd_pd(sums, _mm512_set1_pd(up), acc->sum);
    acc->squares = _mm512_fmadd_pd(squares, _mm512_set1_pd(up2), acc->squares);
}

CMK_K_ROW_SUMS(CMK_Q512, k_any_order_sums, k_any_order, _mm512_setzero_pd(), k_block, _mm512_reduce_add_pd)

CMK_K_ANY_ORDER_ENTRIES(CMK_Q512, cmk_q4_k_any_order_avx512, cmk_q4_k_sums_avx512, k_any_order_sums, 0, cmk_q4_k_sums_avx2)
CMK_K_ANY_ORDER_ENTRIES(CMK_Q512, cmk_q5_k_any_order_avx512, cmk_q5_k_sums_avx512, k_any_order_sums, 1, cmk_q5_k_sums_avx2)

// ---- Q4_1 / Q5_1: 32-value blocks, value d·q + m (f16 d and m, unsigned code q) ----
//
// The same argument as the K types with one scale and one offset a block (`Q4_1Kernel.decode`):
// d·q is exact in float32 (11 × 5 bits), the addition of m is exact when its result fits in 24
// bits of the block's grid 2^(g−25) (g: the smaller `cmk_k_grid` of d and m), which holds for every
// code of the block when |d|·q_high + |m| < 2^(g−1) (q_high: the block's highest code). Then each
// value is the real number d·q + m and the block's exact Σx = d·Σq + 32·m and Σx² = d²·Σq² +
// 2·d·m·Σq + 32·m² = Σ (d·q + m)² follow from its integer Σq and Σq²: every product is exact in a
// double (at most 22 + 15 bits), and every intermediate is a multiple of the block's grid (its
// square for Σx²) below 2^53 of those units (each is at most Σ (|d|·q + |m|)² < 32·2^48 units²),
// so each FMA is exact. No scaling to units is needed: f16 values squared are far from the
// double range's ends. The row check is then the K types' (Σx² below 2^(2G+53), G the row's
// smallest grid − 25), and the extremes are the decoder's float32 values at the block's extreme
// codes (both, for either sign of d), under min/max; ±0 extremes take the ordered path.
//
// Eight blocks a batch, as two groups of four: one two-source byte permute gathers a group's
// 4 × 16 code bytes (Q5_1: plus the fifth bits, gathered as two 64-bit masks by a word permute
// of the four u32s), Σq and Σq² as 2^15·Σq + Σq² in one i32 lane (Σq² ≤ 32·31² < 2^15), the
// extreme codes as in Q4_0; d and m of the group come out of the same two loads by a word permute.
typedef struct {
    __m512d sum, squares;
    __m256 lowest, highest;
    __mmask8 inexact;  // a block whose float32 values may have rounded
    __m256i grid;      // per lane, the smallest cmk_k_grid so far
} affine_any_order;

// `cmk_k_grid` of eight f16 values, as i32 lanes.
CMK_Q512 static inline __m256i affine_grid(__m128i halves) {
    __m256i magnitude = _mm256_cvtepu16_epi32(_mm_and_si128(halves, _mm_set1_epi16(0x7FFF)));
    __m256i e = _mm256_max_epi32(_mm256_srli_epi32(magnitude, 10), _mm256_set1_epi32(1));
    return _mm256_mask_blend_epi32(_mm256_cmpeq_epi32_mask(magnitude, _mm256_setzero_si256()), e, _mm256_set1_epi32(64));
}

// Code-byte picks for a group of four blocks from loads A = q and B = q + 16 (Q4_1) or q + 32 (Q5_1).
static const unsigned char affine_pick4[64] = {
    4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,                               // A 4–19
    24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39,                         // A 24–39
    44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,                         // A 44–59
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127};        // B 48–63
static const unsigned char affine_pick5[64] = {
    8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,                           // A 8–23
    32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,                         // A 32–47
    88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103,                     // B 24–39
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127};        // B 48–63

// Words of a group's d (lanes 0–3) and m (lanes 4–7) from the same loads; Q5_1 also: the low
// halves (lanes 8–11) and high halves (12–15) of its fifth bits.
static const uint16_t affine_words4[32] = {0, 10, 20, 30, 1, 11, 21, 31};
static const uint16_t affine_words5[32] = {0, 12, 24, 52, 1, 13, 25, 53, 2, 14, 26, 54, 3, 15, 27, 55};

CMK_Q512 static inline void affine_batch(affine_any_order *acc, const unsigned char *p, int five, __mmask8 live) {
    const int stride = five ? 24 : 20;
    const __m512i pick = _mm512_loadu_si512(five ? affine_pick5 : affine_pick4);
    const __m512i words = _mm512_loadu_si512(five ? affine_words5 : affine_words4);
    const __m512i mask = _mm512_set1_epi8(0x0F), ones = _mm512_set1_epi8(1), sixteen = _mm512_set1_epi8(16);
    for (int line = 0; line < 8 * stride; line += 64) cmk_prefetch(p + line);
    __m512i packed[2], mn[2], mx[2];
    __m128i scales[2];
    for (int g = 0; g < 2; g++) {
        const unsigned char *q = p + 4 * stride * g;
        __m512i a = _mm512_loadu_si512(q), b = _mm512_loadu_si512(q + (five ? 32 : 16));
        __m512i v = _mm512_permutex2var_epi8(a, pick, b);
        __m512i lo = _mm512_and_si512(v, mask), hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), mask);
        __m512i w = _mm512_permutex2var_epi16(a, words, b);
        scales[g] = _mm512_castsi512_si128(w);
        if (five) {
            // Element j of block k (byte 16k + j of lo) takes bit j of its qh, element j + 16 (of hi) bit j + 16.
            __m128i bits = _mm512_extracti32x4_epi32(w, 1);
            lo = _mm512_mask_add_epi8(lo, (__mmask64)_mm_cvtsi128_si64(bits), lo, sixteen);
            hi = _mm512_mask_add_epi8(hi, (__mmask64)_mm_extract_epi64(bits, 1), hi, sixteen);
        }
        __m512i s = _mm512_slli_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_add_epi8(lo, hi), ones), 15);
        s = _mm512_dpbusd_epi32(s, lo, lo);
        packed[g] = _mm512_dpbusd_epi32(s, hi, hi);  // 2^15·Σq + Σq² per eight codes
        mn[g] = _mm512_min_epu8(lo, hi);
        mx[g] = _mm512_max_epu8(lo, hi);
    }
    __m256i totals = totals_8x4(packed[0], packed[1]);
    __m256i sq = _mm256_srli_epi32(totals, 15), sq2 = _mm256_and_si256(totals, _mm256_set1_epi32(0x7FFF));
    const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    __m512i lows = CMK_FOLD_QWORDS(_mm512_min_epu8, mn[0], mn[1], even, odd);
    __m512i highs = CMK_FOLD_QWORDS(_mm512_max_epu8, mx[0], mx[1], even, odd);
    __m256i low, high;
    CMK_EXTREMES_FROM_QWORDS(_mm512_min_epu8, 0, lows, highs, low, high);
    __m128i dh = _mm_unpacklo_epi64(scales[0], scales[1]), mh = _mm_unpackhi_epi64(scales[0], scales[1]);
    __m256 d = _mm256_cvtph_ps(dh), m = _mm256_cvtph_ps(mh);
    // Float32 exactness of every value of the block (codes up to its highest).
    __m256i grid = _mm256_min_epi32(affine_grid(dh), affine_grid(mh));
    acc->grid = _mm256_min_epi32(acc->grid, grid);
    __m256 limit = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(grid, _mm256_set1_epi32(126)), 23));  // 2^(g−1)
    __m256 lowf = _mm256_cvtepi32_ps(low), highf = _mm256_cvtepi32_ps(high);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 magnitude = _mm256_add_ps(_mm256_mul_ps(_mm256_andnot_ps(sign, d), highf), _mm256_andnot_ps(sign, m));
    acc->inexact |= _mm256_cmp_ps_mask(magnitude, limit, _CMP_NLT_UQ);
    // Extremes: the block's values at its extreme codes, rounded as the decoder rounds.
    __m256 x = _mm256_add_ps(_mm256_mul_ps(d, lowf), m), y = _mm256_add_ps(_mm256_mul_ps(d, highf), m);
    acc->lowest = _mm256_mask_min_ps(acc->lowest, live, acc->lowest, _mm256_min_ps(x, y));
    acc->highest = _mm256_mask_max_ps(acc->highest, live, acc->highest, _mm256_max_ps(x, y));
    // The block's exact Σx and Σx² (see above); padding blocks (d = m = 0) add zeros.
    __m512d dd = _mm512_cvtps_pd(d), md = _mm512_cvtps_pd(m);
    __m512d qd = _mm512_cvtepi32_pd(sq), q2d = _mm512_cvtepi32_pd(sq2);
    const __m512d n = _mm512_set1_pd(32.0);
    __m512d dm = _mm512_mul_pd(dd, md);
    acc->sum = _mm512_add_pd(acc->sum, _mm512_fmadd_pd(dd, qd, _mm512_mul_pd(n, md)));
    __m512d squares = _mm512_fmadd_pd(_mm512_mul_pd(dd, dd), q2d,
                                      _mm512_fmadd_pd(_mm512_add_pd(dm, dm), qd, _mm512_mul_pd(n, _mm512_mul_pd(md, md))));
    acc->squares = _mm512_add_pd(acc->squares, squares);
}

#define CMK_AFFINE_LIVE512(n) ((__mmask8)((1u << (n)) - 1u))
CMK_AFFINE_ROW_SUMS(CMK_Q512, affine_any_order_sums, affine_any_order, _mm512_setzero_pd(), affine_batch,
                    _mm512_reduce_add_pd, (__mmask8)0xFF, CMK_AFFINE_LIVE512, 120)

CMK_Q512 int cmk_q4_1_any_order_avx512(const void *row, size_t blocks, cmk_lane_sums *out) {
    return affine_any_order_sums((const unsigned char *)row, blocks, 0, out);
}

CMK_Q512 int cmk_q5_1_any_order_avx512(const void *row, size_t blocks, cmk_lane_sums *out) {
    return affine_any_order_sums((const unsigned char *)row, blocks, 1, out);
}

CMK_Q512 cmk_lane_sums cmk_q4_1_sums_avx512(const void *row, size_t blocks) {
    cmk_lane_sums out;
    if (affine_any_order_sums((const unsigned char *)row, blocks, 0, &out)) return out;
    return cmk_q4_1_sums_avx2(row, blocks);
}

CMK_Q512 cmk_lane_sums cmk_q5_1_sums_avx512(const void *row, size_t blocks) {
    cmk_lane_sums out;
    if (affine_any_order_sums((const unsigned char *)row, blocks, 1, &out)) return out;
    return cmk_q5_1_sums_avx2(row, blocks);
}
