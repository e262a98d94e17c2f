/*
 * G value pairs per second, one core, of the AVX2 `diff` kernel (Sources/CMomentKernels/
 * DifferenceKernelAVX2.c, `cmk_difference_avx2`) on F32 values against their Q8_0 quantization,
 * in chunks of 8,192 values as `DifferenceScan` cuts them: 64 Ki values (in L2) and 16 Mi values
 * (64 MiB of F32, from memory); best of 9. Called straight from C: no Swift dispatch, so a change
 * to the kernel shows undiluted. To compare two revisions, build it against each revision's copy
 * of DifferenceKernelAVX2.c and run the two binaries alternately.
 *
 *   clang -O2 -ISources/CMomentKernels/include -ISources/CMomentKernels Benchmarks/diffkernel.c \
 *      Sources/CMomentKernels/DifferenceKernelAVX2.c -o .build/diffkernel -lm
 *   chrt -f 50 .build/diffkernel
 *
 * Output: one line per size, "f32/q8_0 VALUES: MS ms, G Gpairs/s" and the last chunk's sums (the
 * same bits for any two kernels that keep the reports' bits).
 */
#include "CMomentKernels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void run(size_t n) {
    float *a = aligned_alloc(64, n * 4);
    unsigned char *q = aligned_alloc(64, n / 32 * 34 + 64);
    srand(1);
    for (size_t b = 0; b < n / 32; b++) {
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            float v = ((rand() % 20001) - 10000) / 1e6f;
            a[b * 32 + j] = v;
            if (fabsf(v) > amax) amax = fabsf(v);
        }
        _Float16 d = (_Float16)(amax / 127);  // Q8_0 as gguf-py quantizes: d = amax / 127, q = round(x / d)
        memcpy(q + b * 34, &d, 2);
        for (int j = 0; j < 32; j++) q[b * 34 + 2 + j] = (unsigned char)(signed char)lrintf(a[b * 32 + j] / (float)d);
    }
    double best = 1e9;
    cmk_difference_sums s;
    for (int r = 0; r < 9; r++) {
        double t0 = now();
        for (size_t i = 0; i < n; i += 8192) cmk_difference_avx2(a + i, CMK_KIND_F32, q + (i / 32) * 34, CMK_KIND_Q8_0, 8192, &s);
        double t = now() - t0;
        if (t < best) best = t;
    }
    printf("f32/q8_0 %zu: %.3f ms, %.2f Gpairs/s (last chunk: %a %a %a, %llu differing)\n", n, best * 1e3, n / best / 1e9,
           s.reference_squares, s.difference_squares, s.max_abs, (unsigned long long)s.differing);
    free(a);
    free(q);
}

int main(void) {
    run(1 << 16);
    run(1 << 24);
    return 0;
}
