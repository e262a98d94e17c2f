// The per-value pass of `diff` for pairs with a quantized side
// (Sources/TensorScan/Difference/QuantizedDifference.swift): one row of A and B, both already
// decoded to double, turned into the terms the ordered sums add and the row's counts.
//
// Why in C: the Swift loop branched per value (NaN, equality) and was not vectorized: 5 ns a
// value pair of CPU on the F32/Q8_0 bench pair. Nothing here is a sum whose order matters:
// each output value depends on one input pair, the counts are integers and the largest
// difference is a maximum of non-NaN values, so four lanes give the Swift loop's exact results
// (tests compare the two).
#include "CMomentKernels.h"

#include <immintrin.h>
#include <math.h>
#include <stdint.h>

#pragma clang fp contract(off)

#define CMK_TERMS __attribute__((target("avx2,popcnt")))

CMK_TERMS void cmk_row_terms_avx2(const double *x, const double *y, size_t count, double *squares, double *terms,
                                  cmk_row_terms *out) {
    const __m256d sign = _mm256_set1_pd(-0.0), infinity = _mm256_set1_pd(INFINITY);
    __m256d largest = _mm256_setzero_pd();
    uint64_t differing = 0, nans = 0;
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        __m256d a = _mm256_loadu_pd(x + i), b = _mm256_loadu_pd(y + i);
        __m256d finite = _mm256_cmp_pd(_mm256_andnot_pd(sign, a), infinity, _CMP_LT_OQ);
        _mm256_storeu_pd(squares + i, _mm256_and_pd(_mm256_mul_pd(a, a), finite));
        __m256d nanA = _mm256_cmp_pd(a, a, _CMP_UNORD_Q), nanB = _mm256_cmp_pd(b, b, _CMP_UNORD_Q);
        __m256d same = _mm256_or_pd(_mm256_cmp_pd(a, b, _CMP_EQ_OQ), _mm256_and_pd(nanA, nanB));
        __m256d nan = _mm256_or_pd(nanA, nanB);
        int differs = ~_mm256_movemask_pd(same) & 0xF;
        int mismatched = differs & _mm256_movemask_pd(nan);
        differing += (uint64_t)__builtin_popcount(differs);
        nans += (uint64_t)__builtin_popcount(mismatched);
        // Counted pairs: differ, no NaN. |a − b| there, +0 elsewhere (never NaN: ∞ − ∞ only
        // where a = b = ±∞, which is not counted).
        __m256d counted = _mm256_andnot_pd(_mm256_or_pd(same, nan), _mm256_castsi256_pd(_mm256_set1_epi64x(-1)));
        __m256d d = _mm256_and_pd(_mm256_andnot_pd(sign, _mm256_sub_pd(a, b)), counted);
        largest = _mm256_max_pd(largest, d);
        _mm256_storeu_pd(terms + i, _mm256_mul_pd(d, d));
    }
    double lanes[4];
    _mm256_storeu_pd(lanes, largest);
    double rowMax = lanes[0];
    for (int k = 1; k < 4; k++) rowMax = lanes[k] > rowMax ? lanes[k] : rowMax;
    for (; i < count; i++) {
        double a = x[i], b = y[i];
        squares[i] = isfinite(a) ? a * a : 0;
        terms[i] = 0;
        if (a == b || (isnan(a) && isnan(b))) continue;
        differing++;
        if (isnan(a) || isnan(b)) {
            nans++;
            continue;
        }
        double d = fabs(a - b);
        if (d > rowMax) rowMax = d;
        terms[i] = d * d;
    }
    out->max_abs = rowMax;
    out->differing = differing;
    out->nan_mismatches = nans;
}

CMK_TERMS void cmk_widen_f32_avx2(const void *source, double *target, size_t count) {
    const float *values = (const float *)source;
    size_t i = 0;
    for (; i + 4 <= count; i += 4) _mm256_storeu_pd(target + i, _mm256_cvtps_pd(_mm_loadu_ps(values + i)));
    for (; i < count; i++) target[i] = (double)values[i];
}
