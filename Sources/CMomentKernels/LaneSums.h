// How the C kernels write a row's `cmk_lane_sums`: Σx and Σx² with one 16-byte store, the two
// extremes with one 8-byte store. Internal: not part of the module's public header.
//
// Why: the Swift callers read the struct back at once, Σx and Σx² with one 16-byte load and the
// extremes with one 8-byte load. A load that spans two separate stores cannot be forwarded from
// them and waits until they reach the cache: written field by field, every row paid that stall
// (`perf annotate`, 2026-12-06: half of `bf16Chunk`'s samples on the load of the extremes after
// the kernel call, a third of `GGUFRowDecoding.moments(ofRows:)`'s on the load of the sums).
// The values are the same; only the shape of the stores changes. Measured: the stalls left the
// profile, but much of their time moved to the row's dependent arithmetic after the call (the
// mean's division): `alternate.py`, medians of 15, BF16 audit 22.3 → 22.2 ms, Q8_0 15.6 → 15.5.
#ifndef CMK_LANE_SUMS_H
#define CMK_LANE_SUMS_H

#include "CMomentKernels.h"

#include <stddef.h>
#include <string.h>

// The stores below rely on the fields' order and packing.
_Static_assert(offsetof(cmk_lane_sums, squares) == offsetof(cmk_lane_sums, sum) + 8, "sum and squares adjacent");
_Static_assert(offsetof(cmk_lane_sums, highest) == offsetof(cmk_lane_sums, lowest) + 4, "extremes adjacent");

#if defined(__x86_64__)
#include <emmintrin.h>

static inline void cmk_put_sums(cmk_lane_sums *r, double sum, double squares) {
    _mm_storeu_pd(&r->sum, _mm_set_pd(squares, sum));
}

static inline void cmk_put_extremes(cmk_lane_sums *r, float lowest, float highest) {
    _mm_storel_pi((__m64 *)(void *)&r->lowest, _mm_set_ps(0.0f, 0.0f, highest, lowest));
}
#else
static inline void cmk_put_sums(cmk_lane_sums *r, double sum, double squares) {
    r->sum = sum;
    r->squares = squares;
}

static inline void cmk_put_extremes(cmk_lane_sums *r, float lowest, float highest) {
    r->lowest = lowest;
    r->highest = highest;
}
#endif

static inline void cmk_put_lane_sums(cmk_lane_sums *r, double sum, double squares, float lowest, float highest) {
    cmk_put_sums(r, sum, squares);
    cmk_put_extremes(r, lowest, highest);
}

#endif
