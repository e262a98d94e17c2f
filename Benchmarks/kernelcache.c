/*
 * GB/s per core of the AVX2 float moment kernels (Sources/CMomentKernels/MomentKernelsAVX2.c) on
 * data already in cache: 16 KiB of F32, BF16 or F16 values reduced in 4 KiB rows (one kernel
 * call each), over and over, best of 30 rounds of ~2 GiB. It shows a kernel's arithmetic alone
 * (no memory, no page faults, no Swift), so a change to a conversion or a loop shows undiluted;
 * `kernelstream.c` is the same kernels streaming a mapped file.
 *
 * Build and run with the toolchain's clang at -O2, as `swift build -c release` compiles the C
 * targets (gcc allocates the AVX2 loop's registers differently and spills an accumulator); to
 * compare two revisions, build it against each revision's copy of MomentKernelsAVX2.c and run
 * the binaries alternately:
 *   clang -O2 -ISources/CMomentKernels/include Benchmarks/kernelcache.c \
 *      Sources/CMomentKernels/MomentKernelsAVX2.c -o .build/kernelcache
 *   .build/kernelcache
 * Output: one line per dtype, "DTYPE GB/s", then, on a CPU with AVX-512, one per dtype for the
 * AVX-512 loops. Needs AVX2 and FMA. Values: random finite F16
 * codes (also read as BF16 and, two at a time, as F32 bits).
 */
#include "CMomentKernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { BYTES = 16384, ROW_BYTES = 4096, ROUNDS = 30 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef cmk_lane_sums (*kernel)(const void *, size_t);

static double best_rate(kernel run, const unsigned char *buffer, size_t values_per_row) {
    volatile double sink = 0;
    double best = 1e30;
    size_t repeats = (size_t)(1u << 31) / BYTES;
    for (int r = 0; r < ROUNDS; r++) {
        double start = now();
        for (size_t k = 0; k < repeats; k++)
            for (size_t offset = 0; offset < BYTES; offset += ROW_BYTES) sink += run(buffer + offset, values_per_row).sum;
        double per_byte = (now() - start) / ((double)repeats * BYTES);
        if (per_byte < best) best = per_byte;
    }
    return 1e-9 / best;
}

int main(void) {
    if (!cmk_has_avx2()) {
        fprintf(stderr, "kernelcache: needs AVX2 and FMA\n");
        return 1;
    }
    unsigned char *buffer = aligned_alloc(64, BYTES);
    unsigned state = 1;
    for (size_t i = 0; i < BYTES; i += 2) {
        state = state * 1103515245u + 12345u;
        unsigned short code = (unsigned short)(state >> 8);
        if (((code >> 10) & 31) == 31) code &= 0xBFFF;  /* finite as F16 */
        memcpy(buffer + i, &code, 2);
    }
    printf("F32  %.2f GB/s\n", best_rate(cmk_f32_sums_avx2, buffer, ROW_BYTES / 4));
    printf("BF16 %.2f GB/s\n", best_rate(cmk_bf16_sums_avx2, buffer, ROW_BYTES / 2));
    printf("F16  %.2f GB/s\n", best_rate(cmk_f16_lane_sums_avx2, buffer, ROW_BYTES / 2));
    if (cmk_has_avx512()) {  /* the loops `audit` runs on a CPU with AVX-512 (F, DQ, VL) */
        printf("F32  AVX-512 %.2f GB/s\n", best_rate(cmk_f32_sums_avx512, buffer, ROW_BYTES / 4));
        printf("BF16 AVX-512 %.2f GB/s\n", best_rate(cmk_bf16_sums_avx512, buffer, ROW_BYTES / 2));
        printf("F16  AVX-512 %.2f GB/s\n", best_rate(cmk_f16_lane_sums_avx512, buffer, ROW_BYTES / 2));
    }
    free(buffer);
    return 0;
}
