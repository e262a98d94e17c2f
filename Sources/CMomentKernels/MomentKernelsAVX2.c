// AVX2 + FMA (and AVX-512) versions of the fast loop in Sources/TensorScan/Kernels/FloatMomentKernel.swift, and the
// AVX2 stripe loop of `ByteHash` (Sources/TensorScan/Equality/TensorView+Equality.swift).
//
// The package targets baseline x86-64 (SSE2), where the Swift kernel converts four floats to
// doubles per instruction pair; here one ymm holds four doubles and the square-and-add is one
// FMA (exact: a float's square is exact in a double, so fma(x, x, q) rounds once, like the
// separate multiply and add). The functions carry `target("avx2,fma")` so the rest of the
// binary stays baseline; Swift calls them only after `cmk_has_avx2()`.
#include "CMomentKernels.h"

#include <immintrin.h>
#include <stdint.h>

#define CMK_AVX2 __attribute__((target("avx2,fma")))

// A CPU feature test evaluated once, then cached (`probe` runs after __builtin_cpu_init).
static int cached_feature(int *cached, int (*probe)(void)) {
    int value = __atomic_load_n(cached, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = probe();
        __atomic_store_n(cached, value, __ATOMIC_RELAXED);
    }
    return value;
}

static int probe_avx2(void) { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
static int probe_f16c(void) { return __builtin_cpu_supports("f16c"); }
static int probe_avx512(void) {
    return probe_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
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
// lane, then the four lanes (see `hsum`); the eight float extremes in lane order.
CMK_AVX2 static inline cmk_lane_sums lane_sums(__m256d s0, __m256d s1, __m256d s2, __m256d s3, __m256d q0,
                                              __m256d q1, __m256d q2, __m256d q3, __m256 mn, __m256 mx) {
    float lo[8], hi[8];
    _mm256_storeu_ps(lo, mn);
    _mm256_storeu_ps(hi, mx);
    cmk_lane_sums r;
    r.sum = hsum(_mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3)));
    r.squares = hsum(_mm256_add_pd(_mm256_add_pd(q0, q1), _mm256_add_pd(q2, q3)));
    r.lowest = lo[0];
    r.highest = hi[0];
    for (int k = 1; k < 8; k++) {
        r.lowest = lo[k] < r.lowest ? lo[k] : r.lowest;
        r.highest = hi[k] > r.highest ? hi[k] : r.highest;
    }
    return r;
}

// Two eight-lane steps per iteration with four independent double accumulators each for Σx and
// Σx², so the add latency is hidden; min/max use `minps`/`maxps` (a < b ? a : b), like the
// Swift lanes (NaN never matters: such a chunk's sums are non-finite and it is re-run).
#define CMK_SUMS(NAME, QUAD, LANES, ADD)                                                               \
    CMK_AVX2 cmk_lane_sums NAME(const void *base, size_t count) {                               \
        const unsigned char *p = (const unsigned char *)base;                                    \
        __m256d one = _mm256_set1_pd(1.0);                                                       \
        __asm__("" : "+x"(one)); /* opaque, or clang folds fma(x, 1, s) back into an add */     \
        __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;                             \
        __m256d q0 = s0, q1 = s0, q2 = s0, q3 = s0;                                              \
        __m256 mn = _mm256_set1_ps(__builtin_inff()), mx = _mm256_set1_ps(-__builtin_inff());    \
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
            mn = _mm256_min_ps(_mm256_min_ps(v.a, v.b), mn);                                     \
            mx = _mm256_max_ps(_mm256_max_ps(v.a, v.b), mx);                                     \
        }                                                                                        \
        if (i + 8 <= count) {                                                                    \
            __m256 a = LANES(p, i);                                                              \
            __m256d a0 = _mm256_cvtps_pd(_mm256_castps256_ps128(a));                             \
            __m256d a1 = _mm256_cvtps_pd(_mm256_extractf128_ps(a, 1));                           \
            s0 = _mm256_add_pd(s0, a0);                                                          \
            s1 = _mm256_add_pd(s1, a1);                                                          \
            q0 = _mm256_fmadd_pd(a0, a0, q0);                                                    \
            q1 = _mm256_fmadd_pd(a1, a1, q1);                                                    \
            mn = _mm256_min_ps(a, mn);                                                           \
            mx = _mm256_max_ps(a, mx);                                                           \
        }                                                                                        \
        return lane_sums(s0, s1, s2, s3, q0, q1, q2, q3, mn, mx);                                \
    }

CMK_SUMS(cmk_f32_sums_avx2, f32_quad, f32_lanes, CMK_ADD_BY_FMA)
CMK_SUMS(cmk_bf16_sums_avx2, bf16_quad, bf16_lanes, CMK_ADD)
CMK_SUMS(cmk_f16_lane_sums_avx2, f16_quad, f16_lanes, CMK_ADD)

// The same loops with each pair of ymm double accumulators held in one zmm: `cvtps_pd` widens
// eight floats at once (no `extractf128`), and the adds and FMAs of lanes a0|a1 (b0|b1) are one
// instruction. Every double lane sees exactly the additions and FMAs it sees in CMK_SUMS, in the
// same order, and the final reduction is written out in CMK_SUMS's order, so the results are
// bit-identical (WideKernelTests compares them); only the instruction count changes (measured
// 12 -> 15.7 GB/s on the mapped BF16 bench file, two threads). The float loads and the min/max
// lanes stay 256-bit: they are cheap, and their lane order is the reductions' order.
#define CMK_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))

#define CMK_SUMS512(NAME, PAIR, LANES)                                                                 \
    CMK_AVX512 cmk_lane_sums NAME(const void *base, size_t count) {                             \
        const unsigned char *p = (const unsigned char *)base;                                    \
        __m512d s01 = _mm512_setzero_pd(), s23 = s01, q01 = s01, q23 = s01;                      \
        __m256 mn = _mm256_set1_ps(__builtin_inff()), mx = _mm256_set1_ps(-__builtin_inff());    \
        size_t i = 0;                                                                            \
        for (; i + 16 <= count; i += 16) {                                                       \
            __m256 a, b;                                                                         \
            PAIR(p, i, &a, &b);                                                                  \
            __m512d wa = _mm512_cvtps_pd(a), wb = _mm512_cvtps_pd(b);                            \
            s01 = _mm512_add_pd(s01, wa);                                                        \
            s23 = _mm512_add_pd(s23, wb);                                                        \
            q01 = _mm512_fmadd_pd(wa, wa, q01);                                                  \
            q23 = _mm512_fmadd_pd(wb, wb, q23);                                                  \
            mn = _mm256_min_ps(_mm256_min_ps(a, b), mn);                                         \
            mx = _mm256_max_ps(_mm256_max_ps(a, b), mx);                                         \
        }                                                                                        \
        if (i + 8 <= count) {                                                                    \
            __m256 a = LANES(p, i);                                                              \
            __m512d wa = _mm512_cvtps_pd(a);                                                     \
            s01 = _mm512_add_pd(s01, wa);                                                        \
            q01 = _mm512_fmadd_pd(wa, wa, q01);                                                  \
            mn = _mm256_min_ps(a, mn);                                                           \
            mx = _mm256_max_ps(a, mx);                                                           \
        }                                                                                        \
        __m256d s0 = _mm512_castpd512_pd256(s01), s1 = _mm512_extractf64x4_pd(s01, 1);          \
        __m256d s2 = _mm512_castpd512_pd256(s23), s3 = _mm512_extractf64x4_pd(s23, 1);          \
        __m256d q0 = _mm512_castpd512_pd256(q01), q1 = _mm512_extractf64x4_pd(q01, 1);          \
        __m256d q2 = _mm512_castpd512_pd256(q23), q3 = _mm512_extractf64x4_pd(q23, 1);          \
        return lane_sums(s0, s1, s2, s3, q0, q1, q2, q3, mn, mx);                                \
    }

CMK_SUMS512(cmk_f32_sums_avx512, f32_pair, f32_lanes)
CMK_SUMS512(cmk_bf16_sums_avx512, bf16_pair, bf16_lanes)
CMK_SUMS512(cmk_f16_lane_sums_avx512, f16_pair, f16_lanes)

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
