// The AVX2 loop of `DifferenceKernel` (Sources/TensorScan/Difference/DifferenceKernel.swift):
// element-wise differences of two tensors' values, read straight from the mapped bytes of each
// side in its own dtype (F64, F32, BF16, F16, or Q8_0 blocks dequantized in registers), widened
// to double.
//
// Why in C: the Swift loop at baseline x86-64 decodes one element at a time into a double
// buffer and branches per element (NaN, equality); here four doubles per side per step, the
// branches as lane masks. Lane order is fixed (element i in lane i % 4, lanes summed as
// (l0 + l1) + (l2 + l3), then the tail in order) and there is no FMA (this file is compiled
// without the feature and with contraction off), so the portable Swift loop, which does the
// same in the same order, gives bit-identical sums.
#include "DifferenceSteps.h"

#pragma clang fp contract(off)

// Whole Q8_0 blocks of the side at `QUANT` against the side at `OTHER` (read by LOAD_OTHER);
// ORDER(STEP, q, o) calls STEP with the two in A, B order.
#define Q8_0_BLOCKS(QUANT, OTHER, LOAD_OTHER, ORDER, STEP)                                              \
    for (; i + 32 <= count; i += 32) {                                                                   \
        const unsigned char *block = QUANT + (i >> 5) * 34;                                              \
        __m256 d = _mm256_set1_ps(half_float(block));                                                    \
        for (int k = 0; k < 4; k++) {                                                                    \
            __m256d q0, q1;                                                                              \
            q8_0_octet(block, d, k, &q0, &q1);                                                           \
            __m256d o0 = LOAD_OTHER(OTHER, i + 8 * k), o1 = LOAD_OTHER(OTHER, i + 8 * k + 4);            \
            ORDER(STEP, q0, o0);                                                                         \
            ORDER(STEP, q1, o1);                                                                         \
        }                                                                                                \
    }
#define QUANTIZED_FIRST(STEP, q, o) STEP(q, o)
#define QUANTIZED_SECOND(STEP, q, o) STEP(o, q)

#define Q8_0_LOOP_B(LOAD_A, LOAD_B, STEP)                                                                \
    Q8_0_BLOCKS(b, a, LOAD_A, QUANTIZED_SECOND, STEP)                                                    \
    ELEMENT_LOOP(LOAD_A, LOAD_B, STEP)

#define Q8_0_LOOP_A(LOAD_A, LOAD_B, STEP)                                                                \
    Q8_0_BLOCKS(a, b, LOAD_B, QUANTIZED_FIRST, STEP)                                                     \
    ELEMENT_LOOP(LOAD_A, LOAD_B, STEP)

#define Q8_0_LOOP_AB(LOAD_A, LOAD_B, STEP)                                                               \
    for (; i + 32 <= count; i += 32) {                                                                   \
        const unsigned char *block_a = a + (i >> 5) * 34, *block_b = b + (i >> 5) * 34;                 \
        __m256 da = _mm256_set1_ps(half_float(block_a)), db = _mm256_set1_ps(half_float(block_b));       \
        for (int k = 0; k < 4; k++) {                                                                    \
            __m256d x0, x1, y0, y1;                                                                      \
            q8_0_octet(block_a, da, k, &x0, &x1);                                                        \
            q8_0_octet(block_b, db, k, &y0, &y1);                                                        \
            STEP(x0, y0);                                                                                \
            STEP(x1, y1);                                                                                \
        }                                                                                                \
    }                                                                                                    \
    ELEMENT_LOOP(LOAD_A, LOAD_B, STEP)

#define DEFINE_DIFFERENCE(NAME, LOOP, LOAD_A, LOAD_B)                                                    \
    CMK_DIFF static void NAME(const unsigned char *a, int ka, const unsigned char *b, int kb, size_t count, \
                              cmk_difference_sums *s) {                                                 \
        __m256d ref = _mm256_setzero_pd(), dif = _mm256_setzero_pd(), mx = _mm256_setzero_pd();        \
        const __m256d sign = _mm256_set1_pd(-0.0), inf = _mm256_set1_pd(INFINITY);                      \
        uint64_t differing = 0, nans = 0;                                                              \
        size_t i = 0;                                                                                  \
        LOOP(LOAD_A, LOAD_B, FULL_STEP)                                                                \
        finish(ref, dif, mx, s);                                                                       \
        s->differing = differing;                                                                      \
        s->nan_mismatches = nans;                                                                      \
        tail(a, ka, b, kb, i, count, s);                                                               \
    }

// The common case first: no NaN on either side and nothing overflowing. Then `finite` is true
// in every lane, a pair that is equal contributes |x - y| = +0 (0 squared adds +0 and leaves
// the max alone, exactly what the masked lanes of the full loop add), and `one_nan` is never
// set, so the full loop's sums reduce to these, operation for operation in the same lane order:
// bit-identical. The loop is bound by the floating-point ports, and this drops the finiteness
// test, the NaN tests and their masks per step (counting stays on the integer ports). A NaN
// needs no test of its own: a NaN x makes x·x, and a NaN on either side makes |x − y|, NaN, and
// a NaN lane stays NaN to the end, so Σx² or Σd² comes out NaN; that, or any other non-finite
// sum (an infinity, or an infinity minus itself), makes the caller re-run the slice with the
// full loop. (Dropping the per-step unordered compare took 2 of the loop's ~14 vector
// operations; measured on a Zen 3 without AVX-512, see README "diff".)
#define DEFINE_FAST_DIFFERENCE(NAME, LOOP, LOAD_A, LOAD_B, FULL)                                         \
    CMK_DIFF static void NAME(const unsigned char *a, int ka, const unsigned char *b, int kb, size_t count, \
                              cmk_difference_sums *s) {                                                 \
        __m256d ref = _mm256_setzero_pd(), dif = _mm256_setzero_pd(), mx = _mm256_setzero_pd();        \
        const __m256d sign = _mm256_set1_pd(-0.0);                                                     \
        uint64_t differing = 0;                                                                        \
        size_t i = 0;                                                                                  \
        LOOP(LOAD_A, LOAD_B, FAST_STEP)                                                                \
        finish(ref, dif, mx, s);                                                                       \
        s->differing = differing;                                                                      \
        s->nan_mismatches = 0;                                                                         \
        if (!isfinite(s->reference_squares) || !isfinite(s->difference_squares)) {                    \
            FULL(a, ka, b, kb, count, s);                                                              \
            return;                                                                                    \
        }                                                                                              \
        tail(a, ka, b, kb, i, count, s);                                                               \
    }

#define DEFINE_PAIR(NAME, LOOP, LOAD_A, LOAD_B)                                  \
    DEFINE_DIFFERENCE(full_##NAME, LOOP, LOAD_A, LOAD_B)                         \
    DEFINE_FAST_DIFFERENCE(diff_##NAME, LOOP, LOAD_A, LOAD_B, full_##NAME)

#define DEFINE_ROW(KA, LA)                                   \
    DEFINE_PAIR(KA##_f64, ELEMENT_LOOP, LA, load_f64)        \
    DEFINE_PAIR(KA##_f32, ELEMENT_LOOP, LA, load_f32)        \
    DEFINE_PAIR(KA##_bf16, ELEMENT_LOOP, LA, load_bf16)      \
    DEFINE_PAIR(KA##_f16, ELEMENT_LOOP, LA, load_f16)        \
    DEFINE_PAIR(KA##_q8_0, Q8_0_LOOP_B, LA, load_q8_0)               \
    DEFINE_PAIR(q8_0_##KA, Q8_0_LOOP_A, load_q8_0, LA)

DEFINE_ROW(f64, load_f64)
DEFINE_ROW(f32, load_f32)
DEFINE_ROW(bf16, load_bf16)
DEFINE_ROW(f16, load_f16)
DEFINE_PAIR(q8_0_q8_0, Q8_0_LOOP_AB, load_q8_0, load_q8_0)

typedef void (*difference_function)(const unsigned char *, int, const unsigned char *, int, size_t,
                                    cmk_difference_sums *);

void cmk_difference_avx2(const void *a, int kind_a, const void *b, int kind_b, size_t count,
                         cmk_difference_sums *sums) {
    static const difference_function table[5][5] = CMK_DIFFERENCE_TABLE(diff_);
    memset(sums, 0, sizeof *sums);
    if (kind_a < 0 || kind_a > 4 || kind_b < 0 || kind_b > 4) return;
    table[kind_a][kind_b]((const unsigned char *)a, kind_a, (const unsigned char *)b, kind_b, count, sums);
}
