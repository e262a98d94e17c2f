#ifndef CMOMENTKERNELS_H
#define CMOMENTKERNELS_H

#include <stddef.h>

/// Raw one-pass accumulations over lanes (see FloatMomentKernel.swift): Σx and Σx² in double,
/// and the lane extremes as float. Only the leading `count & ~7` elements are read; the caller
/// handles the tail and every decision (non-finite values, cancellation, zero flags).
typedef struct {
    double sum;
    double squares;
    float lowest;
    float highest;
} cmk_lane_sums;

/// Whether the CPU runs the AVX2 + FMA kernels below (evaluated once, then cached).
int cmk_has_avx2(void);

/// Little-endian binary32 values at an unaligned pointer. AVX2 + FMA only.
cmk_lane_sums cmk_f32_sums_avx2(const void *base, size_t count);
/// bfloat16 values, widened to their binary32 lanes. AVX2 + FMA only.
cmk_lane_sums cmk_bf16_sums_avx2(const void *base, size_t count);
/// binary16 codes as the F16 kernel's lanes (x · 2^-112, Inf/NaN as large finite lanes).
/// AVX2 + FMA only.
cmk_lane_sums cmk_f16_lane_sums_avx2(const void *base, size_t count);

#endif
