// AVX2 + FMA (and AVX-512) versions of the fast loop in Sources/TensorScan/Kernels/FloatMomentKernel.swift, and the
// AVX2 stripe loop of `ByteHash` (Sources/TensorScan/Equality/TensorView+Equality.swift).
//
// The package targets baseline x86-64 (SSE2), where the Swift kernel converts four floats to
// doubles per instruction pair; here one ymm holds four doubles and the square-and-add is one
// FMA (exact: a float's square is exact in a double, so fma(x, x, q) rounds once, like the
// separate multiply and add). The functions carry `target("avx2,fma")` so the rest of the
// binary stays baseline; Swift calls them only after `cmk_has_avx2()`.
#include "CMomentKernels.h"
#include "LaneSums.h"
#include "CPUFeatures.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define CMK_AVX2 __attribute__((target("avx2,fma")))

// A CPU feature test evaluated once, then cached (`probe` runs after CMK_CPU_INIT, CPUFeatures.h).
static int cached_feature(int *cached, int (*probe)(void)) {
    int value = __atomic_load_n(cached, __ATOMIC_RELAXED);
    if (value < 0) {
        CMK_CPU_INIT();
        value = probe();
        __atomic_store_n(cached, value, __ATOMIC_RELAXED);
    }
    return value;
}

static int probe_avx2(void) { return CMK_CPU_HAS(AVX2, "avx2") && CMK_CPU_HAS(FMA, "fma"); }
static int probe_f16c(void) { return CMK_CPU_HAS(F16C, "f16c"); }
static int probe_avx512(void) {
    return probe_avx2() && CMK_CPU_HAS(AVX512F, "avx512f") && CMK_CPU_HAS(AVX512DQ, "avx512dq") &&
           CMK_CPU_HAS(AVX512VL, "avx512vl");
}

int cmk_has_avx2(void) {
    static int cached = -1;
    return cached_feature(&cached, probe_avx2);
}

int cmk_has_avx512(void) {
    static int cached = -1;
    return cached_feature(&cached, probe_avx512);
}

int cmk_has_f16c(void) {
    static int cached = -1;
    return cached_feature(&cached, probe_f16c);
}

// Eight lanes from eight elements starting at element `i`.
CMK_AVX2 static inline __m256 f32_lanes(const unsigned char *p, size_t i) {
    return _mm256_loadu_ps((const float *)(p + i * 4));
}

CMK_AVX2 static inline __m256 bf16_lanes(const unsigned char *p, size_t i) {
    __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p + i * 2)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
}

// Eight binary16 codes held in the high halves of 32-bit lanes (the low halves are ignored) as
// binary32 bits: the sign in place, exponent and mantissa moved down 3 bits into bits 27…13, bits
// 30…28 and 12…0 clear. An arithmetic shift moves all three fields in one instruction (it copies
// the sign into bits 30…28, which the mask clears), two instructions where the sign and the rest
// took five: the float kernels are bound by the vector ports, which integer and floating-point
// operations share (F16 8.9 → 10.7 GB/s per core on data in cache, Zen 3).
CMK_AVX2 static inline __m256i f16_high_halves(__m256i w) {
    return _mm256_and_si256(_mm256_srai_epi32(w, 3), _mm256_set1_epi32((int)0x8FFFE000u));
}

CMK_AVX2 static inline __m256 f16_lanes(const unsigned char *p, size_t i) {
    __m256i h = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p + i * 2)));
    return _mm256_castsi256_ps(f16_high_halves(_mm256_slli_epi32(h, 16)));
}

// Sixteen elements as two vectors of eight lanes, in any fixed order (the reductions do not
// care): for 16-bit codes, one 32-byte load split into even and odd codes, as the Swift lanes do.
// The AVX-512 loop widens these vectors; the AVX2 loop uses `*_quad` below.
CMK_AVX2 static inline void f32_pair(const unsigned char *p, size_t i, __m256 *a, __m256 *b) {
    *a = f32_lanes(p, i);
    *b = f32_lanes(p, i + 8);
}

CMK_AVX2 static inline void bf16_pair(const unsigned char *p, size_t i, __m256 *a, __m256 *b) {
    __m256i w = _mm256_loadu_si256((const __m256i *)(p + i * 2));
    *a = _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
    *b = _mm256_castsi256_ps(_mm256_and_si256(w, _mm256_set1_epi32((int)0xFFFF0000u)));
}

CMK_AVX2 static inline void f16_pair(const unsigned char *p, size_t i, __m256 *a, __m256 *b) {
    __m256i w = _mm256_loadu_si256((const __m256i *)(p + i * 2));
    *a = _mm256_castsi256_ps(f16_high_halves(_mm256_slli_epi32(w, 16)));
    *b = _mm256_castsi256_ps(f16_high_halves(w));
}

// The sixteen elements of `*_pair` (a, b: for the extremes) and the same lanes as four vectors
// of four doubles: a0, a1 the low and high halves of a, b0, b1 those of b. Which instructions
// form the halves was chosen per type on Zen 3, data in cache (variants timed in a one-off
// harness; the kept shapes against the old ones by `Benchmarks/kernelcache.c`): F32 widens each half from its own 16-byte load and BF16 its high halves from a
// second 16-byte load instead of a `vextractf128` (F32 and BF16 have spare load slots, and the
// shuffle pipes are also the double-addition pipes); F16, with two more integer operations per
// vector, was no faster that way and extracts. Same lanes, same values, so the same sums.
typedef struct {
    __m256 a, b;
    __m256d a0, a1, b0, b1;
} cmk_quad;

CMK_AVX2 static inline cmk_quad f32_quad(const unsigned char *p, size_t i) {
    const float *f = (const float *)(p + i * 4);
    cmk_quad q;
    q.a = _mm256_loadu_ps(f);
    q.b = _mm256_loadu_ps(f + 8);
    q.a0 = _mm256_cvtps_pd(_mm_loadu_ps(f));
    q.a1 = _mm256_cvtps_pd(_mm_loadu_ps(f + 4));
    q.b0 = _mm256_cvtps_pd(_mm_loadu_ps(f + 8));
    q.b1 = _mm256_cvtps_pd(_mm_loadu_ps(f + 12));
    return q;
}

CMK_AVX2 static inline cmk_quad bf16_quad(const unsigned char *p, size_t i) {
    cmk_quad q;
    bf16_pair(p, i, &q.a, &q.b);
    __m128i high = _mm_loadu_si128((const __m128i *)(p + i * 2 + 16));
    q.a0 = _mm256_cvtps_pd(_mm256_castps256_ps128(q.a));
    q.b0 = _mm256_cvtps_pd(_mm256_castps256_ps128(q.b));
    q.a1 = _mm256_cvtps_pd(_mm_castsi128_ps(_mm_slli_epi32(high, 16)));
    q.b1 = _mm256_cvtps_pd(_mm_castsi128_ps(_mm_and_si128(high, _mm_set1_epi32((int)0xFFFF0000u))));
    return q;
}

CMK_AVX2 static inline cmk_quad f16_quad(const unsigned char *p, size_t i) {
    cmk_quad q;
    f16_pair(p, i, &q.a, &q.b);
    q.a0 = _mm256_cvtps_pd(_mm256_castps256_ps128(q.a));
    q.a1 = _mm256_cvtps_pd(_mm256_extractf128_ps(q.a, 1));
    q.b0 = _mm256_cvtps_pd(_mm256_castps256_ps128(q.b));
    q.b1 = _mm256_cvtps_pd(_mm256_extractf128_ps(q.b, 1));
    return q;
}

// Σx accumulation, two ways with the same bits: `vaddpd`, or `vfmadd` by 1.0 (x·1 is exact, so
// fma(x, 1, s) rounds x + s once, like the add, signed zeros included). On Zen 3 additions
// and conversions share two pipes while FMAs have two others; F32, which converts and adds
// and little else, gains from the FMA form (with its own loads: 23.9–27.4 -> 30.1–35.6 GB/s
// per core, `Benchmarks/kernelcache.c`, docs/PERFORMANCE.md); BF16 and F16, whose integer
// work also uses the FMA pipes, ran slower with it in a one-off variant harness, and add.
// `one` must be opaque: clang folds a literal fma(x, 1, s) back into an add.
#define CMK_ADD(s, x, one) _mm256_add_pd(s, x)
#define CMK_ADD_BY_FMA(s, x, one) _mm256_fmadd_pd(x, one, s)

CMK_AVX2 static inline double hsum(__m256d v) {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(s) + _mm_cvtsd_f64(_mm_unpackhi_pd(s, s));
}

// The reductions every loop below ends with, in one fixed order: (s0 + s1) + (s2 + s3) lane by
// lane, then the four lanes (see `hsum`).
CMK_AVX2 static inline void lane_sums(cmk_lane_sums *r, __m256d s0, __m256d s1, __m256d s2, __m256d s3, __m256d q0,
                                      __m256d q1, __m256d q2, __m256d q3) {
    cmk_put_sums(r, hsum(_mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3))),
                 hsum(_mm256_add_pd(_mm256_add_pd(q0, q1), _mm256_add_pd(q2, q3))));
}

// The extremes, two ways behind one interface (`X_start`, `X_step` per sixteen elements, `X_eight`
// for a last step of eight, `X_finish`), so each loop below names its way once.
//
// `float_extremes` (F32): eight float lanes, `minps`/`maxps` (a < b ? a : b) per step, then the
// lanes in order. NaN never matters: such a chunk's sums are non-finite and it is re-run.
typedef struct {
    __m256 lowest, highest;
} float_extremes;

CMK_AVX2 static inline float_extremes float_start(void) {
    float_extremes e = {_mm256_set1_ps(__builtin_inff()), _mm256_set1_ps(-__builtin_inff())};
    return e;
}

CMK_AVX2 static inline void float_step(float_extremes *e, __m256 a, __m256 b) {
    e->lowest = _mm256_min_ps(_mm256_min_ps(a, b), e->lowest);
    e->highest = _mm256_max_ps(_mm256_max_ps(a, b), e->highest);
}

CMK_AVX2 static inline void float_eight(float_extremes *e, __m256 a) {
    e->lowest = _mm256_min_ps(a, e->lowest);
    e->highest = _mm256_max_ps(a, e->highest);
}

CMK_AVX2 static inline void float_finish(float_extremes e, float *lowest, float *highest) {
    // Folded in vectors first: the minimum (maximum) of numbers that are not NaN is one value in
    // any order unless it is a zero, whose sign the lanes' order decides (then the loop below).
    // The store and the scalar loop were a fixed cost of every chunk.
    __m128 low = _mm_min_ps(_mm256_castps256_ps128(e.lowest), _mm256_extractf128_ps(e.lowest, 1));
    __m128 high = _mm_max_ps(_mm256_castps256_ps128(e.highest), _mm256_extractf128_ps(e.highest, 1));
    low = _mm_min_ps(low, _mm_movehl_ps(low, low));
    high = _mm_max_ps(high, _mm_movehl_ps(high, high));
    low = _mm_min_ss(low, _mm_movehdup_ps(low));
    high = _mm_max_ss(high, _mm_movehdup_ps(high));
    *lowest = _mm_cvtss_f32(low);
    *highest = _mm_cvtss_f32(high);
    if (*lowest != 0.0f && *highest != 0.0f) return;
    float lo[8], hi[8];
    _mm256_storeu_ps(lo, e.lowest);
    _mm256_storeu_ps(hi, e.highest);
    *lowest = lo[0];
    *highest = hi[0];
    for (int k = 1; k < 8; k++) {
        *lowest = lo[k] < *lowest ? lo[k] : *lowest;
        *highest = hi[k] > *highest ? hi[k] : *highest;
    }
}

// `code_extremes` (BF16, F16): the extremes of the 16-bit codes from integer lanes. Both formats
// are sign and magnitude, so among a chunk's codes the unsigned maximum is the most negative
// value when any code is negative, else the unsigned minimum is the smallest value; the signed
// maximum is the largest value when any code is non-negative, else the unsigned minimum is.
// Three integer min/max instructions cover sixteen codes where the float lanes took four, on the
// pipes the conversions and double additions use (BF16 28.5 -> 33 GB/s per core on data in
// cache, Zen 5; see docs/PERFORMANCE.md). The value is the float lanes' whenever the extreme is
// not a zero (equal nonzero values have one bit pattern); which zero the float lanes keep depends
// on their order, so a chunk whose extreme is ±0 runs the float lanes' loop for its extremes
// (`*_lane_extremes`). NaN codes make Σx NaN (BF16) or an extreme a non-finite lane (F16): the
// caller re-runs such a chunk either way.
typedef struct {
    __m256i signed_max, unsigned_max, unsigned_min;
} code_extremes;

CMK_AVX2 static inline code_extremes code_start(void) {
    code_extremes e = {_mm256_set1_epi16((short)0x8000), _mm256_setzero_si256(), _mm256_set1_epi16(-1)};
    return e;
}

CMK_AVX2 static inline void code_add(code_extremes *e, __m256i w) {
    e->signed_max = _mm256_max_epi16(e->signed_max, w);
    e->unsigned_max = _mm256_max_epu16(e->unsigned_max, w);
    e->unsigned_min = _mm256_min_epu16(e->unsigned_min, w);
}

// Sixteen codes at element `i` (the load `*_pair` made; the compiler keeps one), or eight twice.
CMK_AVX2 static inline void code_step(code_extremes *e, const unsigned char *p, size_t i) {
    code_add(e, _mm256_loadu_si256((const __m256i *)(p + i * 2)));
}

CMK_AVX2 static inline void code_eight(code_extremes *e, const unsigned char *p, size_t i) {
    code_add(e, _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(p + i * 2))));
}

// The lowest and highest codes: 16-bit horizontal reductions by `minpos` (the unsigned minimum;
// a maximum as the minimum of complements, the signed one with the sign bit flipped first).
CMK_AVX2 static inline void code_finish(code_extremes e, unsigned *lowest, unsigned *highest) {
    __m128i smax = _mm_max_epi16(_mm256_castsi256_si128(e.signed_max), _mm256_extracti128_si256(e.signed_max, 1));
    __m128i umax = _mm_max_epu16(_mm256_castsi256_si128(e.unsigned_max), _mm256_extracti128_si256(e.unsigned_max, 1));
    __m128i umin = _mm_min_epu16(_mm256_castsi256_si128(e.unsigned_min), _mm256_extracti128_si256(e.unsigned_min, 1));
    unsigned least = (unsigned)_mm_extract_epi16(_mm_minpos_epu16(umin), 0);
    unsigned most = 0xFFFFu ^ (unsigned)_mm_extract_epi16(_mm_minpos_epu16(_mm_xor_si128(umax, _mm_set1_epi16(-1))), 0);
    unsigned top = 0x7FFFu ^ (unsigned)_mm_extract_epi16(_mm_minpos_epu16(_mm_xor_si128(smax, _mm_set1_epi16(0x7FFF))), 0);
    *lowest = (most & 0x8000u) ? most : least;
    *highest = (top & 0x8000u) ? least : top;
}

static inline float float_bits(uint32_t bits) {
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static inline float bf16_code_lane(unsigned code) { return float_bits((uint32_t)code << 16); }

static inline float f16_code_lane(unsigned code) {
    return float_bits(((uint32_t)(code & 0x8000u) << 16) | ((uint32_t)(code & 0x7FFFu) << 13));
}

// The float lanes' extremes of a 16-bit chunk, in the float lanes' order.
#define CMK_LANE_EXTREMES(NAME, PAIR, LANES)                                                     \
    CMK_AVX2 static void NAME(const unsigned char *p, size_t count, float *lowest, float *highest) { \
        float_extremes e = float_start();                                                        \
        size_t i = 0;                                                                            \
        for (; i + 16 <= count; i += 16) {                                                       \
            __m256 a, b;                                                                         \
            PAIR(p, i, &a, &b);                                                                  \
            float_step(&e, a, b);                                                                \
        }                                                                                        \
        if (i + 8 <= count) float_eight(&e, LANES(p, i));                                        \
        float_finish(e, lowest, highest);                                                        \
    }

CMK_LANE_EXTREMES(bf16_lane_extremes, bf16_pair, bf16_lanes)
CMK_LANE_EXTREMES(f16_lane_extremes, f16_pair, f16_lanes)

// A 16-bit chunk's extremes as lanes: from the codes, or the float lanes' loop when one is ±0
// (or when no step ran: ±Inf, as the float lanes start).
#define CMK_CODE_FINISH(NAME, CODE_LANE, LANE_EXTREMES)                                          \
    CMK_AVX2 static inline void NAME(code_extremes e, const unsigned char *p, size_t count, float *lowest, \
                                     float *highest) {                                           \
        unsigned low, high;                                                                      \
        code_finish(e, &low, &high);                                                             \
        if (count < 8 || (low & 0x7FFFu) == 0 || (high & 0x7FFFu) == 0) {                        \
            LANE_EXTREMES(p, count, lowest, highest);                                            \
        } else {                                                                                 \
            *lowest = CODE_LANE(low);                                                            \
            *highest = CODE_LANE(high);                                                          \
        }                                                                                        \
    }

CMK_CODE_FINISH(bf16_code_finish, bf16_code_lane, bf16_lane_extremes)
CMK_CODE_FINISH(f16_code_finish, f16_code_lane, f16_lane_extremes)

// The extremes steps of the loops below: EXTREMES is `FLOAT` (F32) or `CODES` (BF16, F16), and
// LANE_FINISH the 16-bit type's `*_code_finish` (unused for F32).
#define CMK_EXT_START_FLOAT float_extremes ext = float_start()
#define CMK_EXT_START_CODES code_extremes ext = code_start()
#define CMK_EXT_STEP_FLOAT(p, i, a, b) float_step(&ext, a, b)
#define CMK_EXT_STEP_CODES(p, i, a, b) code_step(&ext, p, i)
#define CMK_EXT_EIGHT_FLOAT(p, i, a) float_eight(&ext, a)
#define CMK_EXT_EIGHT_CODES(p, i, a) code_eight(&ext, p, i)
#define CMK_EXT_FINISH_FLOAT(r, p, count, LANE_FINISH)                                          \
    do {                                                                                        \
        float lo_, hi_;                                                                         \
        float_finish(ext, &lo_, &hi_);                                                          \
        cmk_put_extremes(&(r), lo_, hi_);                                                       \
    } while (0)
#define CMK_EXT_FINISH_CODES(r, p, count, LANE_FINISH)                                          \
    do {                                                                                        \
        float lo_, hi_;                                                                         \
        LANE_FINISH(ext, p, count, &lo_, &hi_);                                                 \
        cmk_put_extremes(&(r), lo_, hi_);                                                       \
    } while (0)

// Two eight-lane steps per iteration with four independent double accumulators each for Σx and
// Σx², so the add latency is hidden; the extremes as EXTREMES says.
#define CMK_SUMS(NAME, QUAD, LANES, ADD, EXTREMES, LANE_FINISH)                                  \
    CMK_AVX2 cmk_lane_sums NAME(const void *base, size_t count) {                               \
        const unsigned char *p = (const unsigned char *)base;                                    \
        __m256d one = _mm256_set1_pd(1.0);                                                       \
        __asm__("" : "+x"(one)); /* opaque, or clang folds fma(x, 1, s) back into an add */     \
        __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;                             \
        __m256d q0 = s0, q1 = s0, q2 = s0, q3 = s0;                                              \
        CMK_EXT_START_##EXTREMES;                                                                \
        size_t i = 0;                                                                            \
        for (; i + 16 <= count; i += 16) {                                                       \
            cmk_quad v = QUAD(p, i);                                                             \
            s0 = ADD(s0, v.a0, one);                                                             \
            s1 = ADD(s1, v.a1, one);                                                             \
            s2 = ADD(s2, v.b0, one);                                                             \
            s3 = ADD(s3, v.b1, one);                                                             \
            q0 = _mm256_fmadd_pd(v.a0, v.a0, q0);                                                \
            q1 = _mm256_fmadd_pd(v.a1, v.a1, q1);                                                \
            q2 = _mm256_fmadd_pd(v.b0, v.b0, q2);                                                \
            q3 = _mm256_fmadd_pd(v.b1, v.b1, q3);                                                \
            CMK_EXT_STEP_##EXTREMES(p, i, v.a, v.b);                                             \
        }                                                                                        \
        if (i + 8 <= count) {                                                                    \
            __m256 a = LANES(p, i);                                                              \
            __m256d a0 = _mm256_cvtps_pd(_mm256_castps256_ps128(a));                             \
            __m256d a1 = _mm256_cvtps_pd(_mm256_extractf128_ps(a, 1));                           \
            s0 = _mm256_add_pd(s0, a0);                                                          \
            s1 = _mm256_add_pd(s1, a1);                                                          \
            q0 = _mm256_fmadd_pd(a0, a0, q0);                                                    \
            q1 = _mm256_fmadd_pd(a1, a1, q1);                                                    \
            CMK_EXT_EIGHT_##EXTREMES(p, i, a);                                                   \
        }                                                                                        \
        cmk_lane_sums r;                                                                         \
        lane_sums(&r, s0, s1, s2, s3, q0, q1, q2, q3);                                           \
        CMK_EXT_FINISH_##EXTREMES(r, p, count, LANE_FINISH);                                     \
        return r;                                                                                \
    }

CMK_SUMS(cmk_f32_sums_avx2, f32_quad, f32_lanes, CMK_ADD_BY_FMA, FLOAT, _)
CMK_SUMS(cmk_bf16_sums_avx2, bf16_quad, bf16_lanes, CMK_ADD, CODES, bf16_code_finish)
CMK_SUMS(cmk_f16_lane_sums_avx2, f16_quad, f16_lanes, CMK_ADD, CODES, f16_code_finish)

// The same loops with each pair of ymm double accumulators held in one zmm: `cvtps_pd` widens
// eight floats at once (no `extractf128`), and the adds and FMAs of lanes a0|a1 (b0|b1) are one
// instruction. Every double lane sees exactly the additions and FMAs it sees in CMK_SUMS, in the
// same order, and the final reduction is written out in CMK_SUMS's order, so the results are
// bit-identical (WideKernelTests compares them); only the instruction count changes (measured
// 12 -> 15.7 GB/s on the mapped BF16 bench file, two threads). The float loads and the extremes
// stay 256-bit: 512-bit integer min/max ran the BF16 loop at 20 GB/s per core against 33 (Zen 5).
#define CMK_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))

#define CMK_SUMS512(NAME, PAIR, LANES, EXTREMES, LANE_FINISH)                                    \
    CMK_AVX512 cmk_lane_sums NAME(const void *base, size_t count) {                             \
        const unsigned char *p = (const unsigned char *)base;                                    \
        __m512d s01 = _mm512_setzero_pd(), s23 = s01, q01 = s01, q23 = s01;                      \
        CMK_EXT_START_##EXTREMES;                                                                \
        size_t i = 0;                                                                            \
        for (; i + 16 <= count; i += 16) {                                                       \
            __m256 a, b;                                                                         \
            PAIR(p, i, &a, &b);                                                                  \
            __m512d wa = _mm512_cvtps_pd(a), wb = _mm512_cvtps_pd(b);                            \
            s01 = _mm512_add_pd(s01, wa);                                                        \
            s23 = _mm512_add_pd(s23, wb);                                                        \
            q01 = _mm512_fmadd_pd(wa, wa, q01);                                                  \
            q23 = _mm512_fmadd_pd(wb, wb, q23);                                                  \
            CMK_EXT_STEP_##EXTREMES(p, i, a, b);                                                 \
        }                                                                                        \
        if (i + 8 <= count) {                                                                    \
            __m256 a = LANES(p, i);                                                              \
            __m512d wa = _mm512_cvtps_pd(a);                                                     \
            s01 = _mm512_add_pd(s01, wa);                                                        \
            q01 = _mm512_fmadd_pd(wa, wa, q01);                                                  \
            CMK_EXT_EIGHT_##EXTREMES(p, i, a);                                                   \
        }                                                                                        \
        __m256d s0 = _mm512_castpd512_pd256(s01), s1 = _mm512_extractf64x4_pd(s01, 1);          \
        __m256d s2 = _mm512_castpd512_pd256(s23), s3 = _mm512_extractf64x4_pd(s23, 1);          \
        __m256d q0 = _mm512_castpd512_pd256(q01), q1 = _mm512_extractf64x4_pd(q01, 1);          \
        __m256d q2 = _mm512_castpd512_pd256(q23), q3 = _mm512_extractf64x4_pd(q23, 1);          \
        cmk_lane_sums r;                                                                         \
        lane_sums(&r, s0, s1, s2, s3, q0, q1, q2, q3);                                           \
        CMK_EXT_FINISH_##EXTREMES(r, p, count, LANE_FINISH);                                     \
        return r;                                                                                \
    }

CMK_SUMS512(cmk_f32_sums_avx512, f32_pair, f32_lanes, FLOAT, _)
CMK_SUMS512(cmk_bf16_sums_avx512, bf16_pair, bf16_lanes, CODES, bf16_code_finish)
CMK_SUMS512(cmk_f16_lane_sums_avx512, f16_pair, f16_lanes, CODES, f16_code_finish)

// The `ByteHash` stripe loop, four 64-bit lanes per ymm: `mul_epu32` multiplies the low 32 bits
// of each lane, so `dk` times `dk >> 32` is lo32·hi32, and the `(1,0,3,2)` dword shuffle swaps
// the two words of each 128-bit half, which is w[j ^ 1]. Wrapping addition is associative, so
// the two interleaved stripe streams (a, b) are summed at the end with the same result as one
// stream; they only let two stripes' loads and multiplies overlap.
CMK_AVX2 static inline void hash_stripe(const unsigned char *p, __m256i k0, __m256i k1, __m256i *a0, __m256i *a1) {
    __m256i w0 = _mm256_loadu_si256((const __m256i *)p);
    __m256i w1 = _mm256_loadu_si256((const __m256i *)(p + 32));
    __m256i d0 = _mm256_xor_si256(w0, k0);
    __m256i d1 = _mm256_xor_si256(w1, k1);
    __m256i m0 = _mm256_mul_epu32(d0, _mm256_srli_epi64(d0, 32));
    __m256i m1 = _mm256_mul_epu32(d1, _mm256_srli_epi64(d1, 32));
    __m256i s0 = _mm256_shuffle_epi32(w0, _MM_SHUFFLE(1, 0, 3, 2));
    __m256i s1 = _mm256_shuffle_epi32(w1, _MM_SHUFFLE(1, 0, 3, 2));
    *a0 = _mm256_add_epi64(*a0, _mm256_add_epi64(s0, m0));
    *a1 = _mm256_add_epi64(*a1, _mm256_add_epi64(s1, m1));
}

CMK_AVX2 void cmk_hash_stripes_avx2(const void *base, size_t stripes, uint64_t acc[8], const uint64_t keys[8]) {
    const unsigned char *p = (const unsigned char *)base;
    __m256i k0 = _mm256_loadu_si256((const __m256i *)keys);
    __m256i k1 = _mm256_loadu_si256((const __m256i *)(keys + 4));
    __m256i a0 = _mm256_loadu_si256((const __m256i *)acc);
    __m256i a1 = _mm256_loadu_si256((const __m256i *)(acc + 4));
    __m256i b0 = _mm256_setzero_si256(), b1 = b0;
    size_t s = 0;
    for (; s + 2 <= stripes; s += 2) {
        hash_stripe(p + s * 64, k0, k1, &a0, &a1);
        hash_stripe(p + s * 64 + 64, k0, k1, &b0, &b1);
    }
    if (s < stripes) hash_stripe(p + s * 64, k0, k1, &a0, &a1);
    _mm256_storeu_si256((__m256i *)acc, _mm256_add_epi64(a0, b0));
    _mm256_storeu_si256((__m256i *)(acc + 4), _mm256_add_epi64(a1, b1));
}
