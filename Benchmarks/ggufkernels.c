/*
 * GB/s per core of the ordered AVX2 GGUF row kernels (Sources/CMomentKernels/GGUFBlockKernelsAVX2.c),
 * of its any-order Q4_K/Q5_K/Q4_1/Q5_1 kernels (`Q4_Kx`, `Q5_Kx`, `Q4_1x`, `Q5_1x`) and, on CPUs with AVX-512 VNNI/VBMI, of
 * the AVX-512 any-order kernels (`…z` lines, GGUFExactSumKernelsAVX512.c), called straight from C:
 * no Swift dispatch, so a change to one kernel shows undiluted. Rows of 4,096 values (or
 * ROWVALUES, e.g. `ROWVALUES=1024`, rounded down to whole blocks: the per-row cost shows on
 * shorter rows) of random codes with finite f16 scales (exponent field 8,
 * random sign and mantissa), 16 KiB of rows (L1) and 64 MiB (memory); best of 7.
 *
 * Build and run (to compare two revisions, build it twice, once against each revision's copy of
 * GGUFBlockKernelsAVX2.c, and run the two binaries alternately):
 *   clang -O2 -ISources/CMomentKernels/include Benchmarks/ggufkernels.c \
 *      Sources/CMomentKernels/GGUFBlockKernelsAVX2.c Sources/CMomentKernels/GGUFExactSumKernelsAVX512.c \
 *      Sources/CMomentKernels/GGUFQ6KKernelAVX512.c Sources/CMomentKernels/MomentKernelsAVX2.c -o .build/ggufkernels
 *   chrt -f 50 .build/ggufkernels [TYPE…]
 * Output: one line per type and size, "TYPE SIZE GB/s".
 */
#include "CMomentKernels.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef cmk_lane_sums (*kernel)(const void *, size_t);

static const struct {
    const char *name;
    kernel run;
    int type_size, block_size;
    int scale_fields[2], field_count;
    int no_lowest_code;  // code −128 (0x80) replaced by −127, as gguf-py and llama.cpp write Q8_0
    int needs_avx512;    // an AVX-512 kernel: run only where `cmk_has_avx512_quant()`
} types[] = {
    {"Q8_0", cmk_q8_0_sums_avx2, 34, 32, {0}, 1},    {"Q4_0", cmk_q4_0_sums_avx2, 18, 32, {0}, 1},
    {"Q5_0", cmk_q5_0_sums_avx2, 22, 32, {0}, 1},    {"Q4_1", cmk_q4_1_sums_avx2, 20, 32, {0, 2}, 2},
    {"Q5_1", cmk_q5_1_sums_avx2, 24, 32, {0, 2}, 2}, {"Q4_K", cmk_q4_k_sums_avx2, 144, 256, {0, 2}, 2},
    {"Q5_K", cmk_q5_k_sums_avx2, 176, 256, {0, 2}, 2}, {"Q6_K", cmk_q6_k_sums_avx2, 210, 256, {208}, 1},
    // The AVX2 any-order K kernels (ordered kernel only for rows that fail their check).
    {"Q4_Kx", cmk_q4_k_sums_exact_avx2, 144, 256, {0, 2}, 2}, {"Q5_Kx", cmk_q5_k_sums_exact_avx2, 176, 256, {0, 2}, 2},
    // The AVX2 any-order Q4_1/Q5_1 kernels (rows of random codes under one binade of scales pass their check).
    {"Q4_1x", cmk_q4_1_sums_exact_avx2, 20, 32, {0, 2}, 2}, {"Q5_1x", cmk_q5_1_sums_exact_avx2, 24, 32, {0, 2}, 2},
    // Q8_0 as quantizers write it: random codes hold −128 in ~63% of eight-block batches, which
    // the kernel sums with 16-bit units; real files never do.
    {"Q8_0q", cmk_q8_0_sums_avx2, 34, 32, {0}, 1, 1},
    // The AVX-512 any-order kernels (GGUFExactSumKernelsAVX512.c) the scan runs on CPUs with
    // AVX-512 VNNI and VBMI; skipped elsewhere. Q8_0 without code −128, as quantizers write it.
    {"Q8_0z", cmk_q8_0_sums_avx512, 34, 32, {0}, 1, 1, 1},  {"Q4_0z", cmk_q4_0_sums_avx512, 18, 32, {0}, 1, 0, 1},
    {"Q4_1z", cmk_q4_1_sums_avx512, 20, 32, {0, 2}, 2, 0, 1}, {"Q5_1z", cmk_q5_1_sums_avx512, 24, 32, {0, 2}, 2, 0, 1},
    {"Q4_Kz", cmk_q4_k_sums_avx512, 144, 256, {0, 2}, 2, 0, 1}, {"Q5_Kz", cmk_q5_k_sums_avx512, 176, 256, {0, 2}, 2, 0, 1},
    // Q6_K with AVX-512 integer work (GGUFQ6KKernelAVX512.c): any order, and the ordered path alone.
    {"Q6_Kz", cmk_q6_k_sums_avx512, 210, 256, {208}, 1, 0, 1}, {"Q6_Kzo", cmk_q6_k_ordered_avx512, 210, 256, {208}, 1, 0, 1},
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static uint64_t state = 12345;
static unsigned char random_byte(void) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned char)(state >> 33);
}

int main(int argc, char **argv) {
    if (!cmk_has_avx2()) {
        fprintf(stderr, "this CPU has no AVX2\n");
        return 1;
    }
    const char *requested = getenv("ROWVALUES");
    long row_values = requested ? strtol(requested, NULL, 10) : 4096;
    if (row_values < 32 || row_values > (1L << 20)) {
        fprintf(stderr, "ROWVALUES must be 32 to 1048576 values\n");
        return 1;
    }
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        int wanted = argc == 1;
        for (int a = 1; a < argc; a++) wanted |= strcmp(argv[a], types[t].name) == 0;
        if (!wanted || (types[t].needs_avx512 && !cmk_has_avx512_quant())) continue;
        size_t blocks = row_values / types[t].block_size, row_bytes = blocks * types[t].type_size;
        if (blocks == 0) continue;
        for (int large = 0; large < 2; large++) {
            size_t rows = (large ? (64u << 20) : (16u << 10)) / row_bytes;
            unsigned char *data = malloc(rows * row_bytes);
            if (!data) return 1;
            for (size_t i = 0; i < rows * row_bytes; i++) data[i] = random_byte();
            for (size_t b = 0; b < rows * row_bytes; b += types[t].type_size) {
                for (int k = 2; types[t].no_lowest_code && k < types[t].type_size; k++) {
                    if (data[b + k] == 0x80) data[b + k] = 0x81;
                }
                for (int f = 0; f < types[t].field_count; f++) {
                    unsigned char *high = data + b + types[t].scale_fields[f] + 1;
                    *high = 0x20 | (*high & 0x83);
                }
            }
            int passes = large ? 3 : 1500;
            double best = 0, sink = 0;
            for (int repeat = 0; repeat < 7; repeat++) {
                double start = now();
                for (int p = 0; p < passes; p++) {
                    for (size_t r = 0; r < rows; r++) sink += types[t].run(data + r * row_bytes, blocks).squares;
                }
                double rate = (double)(rows * row_bytes) * passes / (now() - start) / 1e9;
                if (rate > best) best = rate;
            }
            printf("%-5s %-6s %6.2f GB/s%s\n", types[t].name, large ? "64MiB" : "16KiB", best, sink == 42 ? " " : "");
            free(data);
        }
    }
    return 0;
}
