#ifndef CMOMENTKERNELS_H
#define CMOMENTKERNELS_H

#include <stddef.h>
#include <stdint.h>

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

/// The stripe loop of `ByteHash` (TensorView+Equality.swift): for each of `stripes` 64-byte
/// stripes at an unaligned pointer, words w[0..7] (little-endian), lanes j = 0..7:
/// `dk = w[j] ^ keys[j]; acc[j] += w[j ^ 1] + (dk & 0xFFFFFFFF) * (dk >> 32)` (mod 2^64).
/// `acc` is read and updated in place; the Swift caller owns the keys, the tail and the
/// finish. AVX2 only.
void cmk_hash_stripes_avx2(const void *base, size_t stripes, uint64_t acc[8], const uint64_t keys[8]);

#endif
