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

/// Asks the CPU to load `count` bytes at `base` into cache, one request per 64-byte line, and
/// returns at once. A prefetch never faults, so the range may end past a mapping. Why: a tied
/// copy is compared with its leader row by row right after the leader's kernel, and its rows
/// came from memory one 4 KiB page at a time, where the hardware prefetchers stop.
void cmk_prefetch_bytes(const void *base, size_t count);

/// Whether the CPU runs the AVX2 + FMA kernels below (evaluated once, then cached).
int cmk_has_avx2(void);

/// Little-endian binary32 values at an unaligned pointer. AVX2 + FMA only.
cmk_lane_sums cmk_f32_sums_avx2(const void *base, size_t count);
/// bfloat16 values, widened to their binary32 lanes. AVX2 + FMA only.
cmk_lane_sums cmk_bf16_sums_avx2(const void *base, size_t count);
/// binary16 codes as the F16 kernel's lanes (x · 2^-112, Inf/NaN as large finite lanes).
/// AVX2 + FMA only.
cmk_lane_sums cmk_f16_lane_sums_avx2(const void *base, size_t count);

/// Whether the CPU runs the AVX-512 (F, DQ, VL) kernels below, which also need AVX2 + FMA.
int cmk_has_avx512(void);

/// The three kernels above with 512-bit double accumulators: bit-identical results (the same
/// additions per double lane, in the same order), fewer instructions. AVX-512 only.
cmk_lane_sums cmk_f32_sums_avx512(const void *base, size_t count);
cmk_lane_sums cmk_bf16_sums_avx512(const void *base, size_t count);
cmk_lane_sums cmk_f16_lane_sums_avx512(const void *base, size_t count);

/// The stripe loop of `ByteHash` (TensorView+Equality.swift): for each of `stripes` 64-byte
/// stripes at an unaligned pointer, words w[0..7] (little-endian), lanes j = 0..7:
/// `dk = w[j] ^ keys[j]; acc[j] += w[j ^ 1] + (dk & 0xFFFFFFFF) * (dk >> 32)` (mod 2^64).
/// `acc` is read and updated in place; the Swift caller owns the keys, the tail and the
/// finish. AVX2 only.
void cmk_hash_stripes_avx2(const void *base, size_t stripes, uint64_t acc[8], const uint64_t keys[8]);

/// Sums of an element-wise comparison of two runs of values (DifferenceKernel.swift): Σx² over
/// finite x of A, Σ|x − y|² and max |x − y| over pairs that differ as numbers, pairs that differ
/// (NaN facing NaN is equal), and pairs where exactly one side is NaN.
typedef struct {
    double reference_squares;
    double difference_squares;
    double max_abs;
    uint64_t differing;
    uint64_t nan_mismatches;
} cmk_difference_sums;

/// Value kinds the difference kernel reads directly. CMK_KIND_Q8_0: ggml Q8_0 blocks (34 bytes:
/// f16 d, 32 int8 codes), element i in block i / 32; a run starts at a block.
enum { CMK_KIND_F64 = 0, CMK_KIND_F32 = 1, CMK_KIND_BF16 = 2, CMK_KIND_F16 = 3, CMK_KIND_Q8_0 = 4 };

/// Whether the CPU converts binary16 (F16C; evaluated once, then cached).
int cmk_has_f16c(void);

/// `count` values of kind `kind_a` at `a` against as many of kind `kind_b` at `b` (unaligned,
/// little-endian). Lanes: element i in lane i % 4, lane sums combined as (l0 + l1) + (l2 + l3),
/// then the remaining `count % 4` elements in order; no fused multiply-add. AVX2 (and F16C
/// for CMK_KIND_F16) only.
void cmk_difference_avx2(const void *a, int kind_a, const void *b, int kind_b, size_t count,
                         cmk_difference_sums *sums);

/// `cmk_difference_avx2` with the same bits, eight values per side per step
/// (DifferenceKernelAVX512.c). AVX-512 F, DQ and VL (`cmk_has_avx512`), and F16C for
/// CMK_KIND_F16, only.
void cmk_difference_avx512(const void *a, int kind_a, const void *b, int kind_b, size_t count,
                           cmk_difference_sums *sums);

/// Sums of one GGUF row of `blocks` whole blocks (GGUFBlockKernelsAVX2.c): Σx and Σx² in double and
/// the extremes as float, bit-identical to the portable Swift kernels of the same type
/// (Sources/GGUFFormat/Kernels), NaN/Inf included in the sums (the caller recounts such rows).
/// AVX2 only.
cmk_lane_sums cmk_q8_0_sums_avx2(const void *row, size_t blocks);
/// `blocks` Q8_0 blocks dequantized into `out` (32 floats a block), bit-identical to the Swift
/// `Q8_0Kernel.decode` (float(q) × d, one float32 rounding). AVX2 only.
void cmk_q8_0_dequantize_avx2(const void *row, size_t blocks, float *out);
cmk_lane_sums cmk_q4_0_sums_avx2(const void *row, size_t blocks);
cmk_lane_sums cmk_q5_0_sums_avx2(const void *row, size_t blocks);
cmk_lane_sums cmk_q6_k_sums_avx2(const void *row, size_t blocks);
cmk_lane_sums cmk_q4_k_sums_avx2(const void *row, size_t blocks);
cmk_lane_sums cmk_q5_k_sums_avx2(const void *row, size_t blocks);
cmk_lane_sums cmk_q4_1_sums_avx2(const void *row, size_t blocks);
cmk_lane_sums cmk_q5_1_sums_avx2(const void *row, size_t blocks);

/// Q4_K and Q5_K row sums that add sub-blocks in any order when the check of the AVX-512
/// kernels below proves every order exact (every float32 value d·sc·q − dmin·m exact, Σx²
/// below the row grid's limit), else the ordered kernels above: bit-identical to them. AVX2
/// only. `..._any_order_avx2`: that path alone (1 and `out` filled when the row passes, else 0).
cmk_lane_sums cmk_q4_k_sums_exact_avx2(const void *row, size_t blocks);
cmk_lane_sums cmk_q5_k_sums_exact_avx2(const void *row, size_t blocks);
int cmk_q4_k_any_order_avx2(const void *row, size_t blocks, cmk_lane_sums *out);
int cmk_q5_k_any_order_avx2(const void *row, size_t blocks, cmk_lane_sums *out);

/// Q4_1 and Q5_1 row sums in any order under the same kind of check (every float32 value
/// d·q + m exact, Σx² below the row grid's limit), else the ordered kernels above:
/// bit-identical to them. AVX2 and FMA. `..._any_order_avx2`: that path alone.
cmk_lane_sums cmk_q4_1_sums_exact_avx2(const void *row, size_t blocks);
cmk_lane_sums cmk_q5_1_sums_exact_avx2(const void *row, size_t blocks);
int cmk_q4_1_any_order_avx2(const void *row, size_t blocks, cmk_lane_sums *out);
int cmk_q5_1_any_order_avx2(const void *row, size_t blocks, cmk_lane_sums *out);

/// Whether the CPU runs the kernels below (AVX-512 F, BW, DQ, VL, VNNI, VBMI, plus AVX2, FMA,
/// F16C; evaluated once, then cached).
int cmk_has_avx512_quant(void);

/// Q8_0 and Q4_0 (and below Q4_K, Q5_K) row sums that add blocks in any order when a per-row check proves every
/// order exact, else the ordered AVX2 kernel: bit-identical to the AVX2 kernels above
/// (GGUFExactSumKernelsAVX512.c explains the check). AVX-512 (see above) only.
cmk_lane_sums cmk_q8_0_sums_avx512(const void *row, size_t blocks);
cmk_lane_sums cmk_q4_0_sums_avx512(const void *row, size_t blocks);

/// The any-order path alone: 1 and `out` filled when the row passes the exactness check,
/// 0 when it must be summed in order (for tests that tell the two paths apart).
int cmk_q8_0_any_order_avx512(const void *row, size_t blocks, cmk_lane_sums *out);
int cmk_q4_0_any_order_avx512(const void *row, size_t blocks, cmk_lane_sums *out);

/// The same for Q4_K and Q5_K, whose check also proves every float32 value d·sc·q − dmin·m exact.
cmk_lane_sums cmk_q4_k_sums_avx512(const void *row, size_t blocks);
cmk_lane_sums cmk_q5_k_sums_avx512(const void *row, size_t blocks);
int cmk_q4_k_any_order_avx512(const void *row, size_t blocks, cmk_lane_sums *out);
int cmk_q5_k_any_order_avx512(const void *row, size_t blocks, cmk_lane_sums *out);

/// The same for Q4_1 and Q5_1 (value d·q + m), whose check also proves every float32 value exact.
cmk_lane_sums cmk_q4_1_sums_avx512(const void *row, size_t blocks);
cmk_lane_sums cmk_q5_1_sums_avx512(const void *row, size_t blocks);
int cmk_q4_1_any_order_avx512(const void *row, size_t blocks, cmk_lane_sums *out);
int cmk_q5_1_any_order_avx512(const void *row, size_t blocks, cmk_lane_sums *out);

/// Q6_K with the AVX-512 integer work (GGUFQ6KKernelAVX512.c): blocks added in any order when
/// the exactness check above passes, else the AVX2 kernel's terms in its order (`_ordered_`
/// alone); bit-identical to the AVX2 kernel either way. AVX-512 (see above) only.
cmk_lane_sums cmk_q6_k_sums_avx512(const void *row, size_t blocks);
cmk_lane_sums cmk_q6_k_ordered_avx512(const void *row, size_t blocks);
int cmk_q6_k_any_order_avx512(const void *row, size_t blocks, cmk_lane_sums *out);

#endif
