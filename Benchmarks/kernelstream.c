/*
 * How fast the moment kernels stream a mapped checkpoint when mapping costs nothing: the file is
 * mapped with MAP_POPULATE (every page mapped up front, outside the timing), split into one
 * slice per thread, and each slice is reduced in 1,024-value rows by the AVX2 and the AVX-512
 * BF16 (or F32) kernel of Sources/CMomentKernels, next to a plain 64-bit word sum of the same
 * bytes. The gap between this and `tensoraudit audit` is what the scan spends on page faults,
 * bookkeeping and analysis, not on arithmetic (docs/PERFORMANCE.md).
 *
 * Build and run (the README's numbers: `chrt -f 50`, the bench's bf16.safetensors):
 *   cc -O3 -march=native -pthread -ISources/CMomentKernels/include Benchmarks/kernelstream.c \
 *      Sources/CMomentKernels/MomentKernelsAVX2.c -o .build/kernelstream
 *   chrt -f 50 .build/kernelstream /tmp/tensoraudit-bench/bf16.safetensors bf16
 * Output: one line per reader and run, "NAME SECONDS s GB/s". Needs AVX2 and FMA; the AVX-512
 * kernel is timed only on a CPU with AVX-512 (F, DQ, VL).
 */
#define _GNU_SOURCE
#include "CMomentKernels.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

enum { ROW_BYTES = 4096 };  /* 1,024 F32 values, or 2,048 BF16 ones: one kernel call */

static const unsigned char *file_bytes;
static size_t file_size;
static int reader;    /* 0: AVX2 kernel, 1: AVX-512 kernel, 2: word sum */
static int is_bf16;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *run(void *arg) {
    size_t half = file_size / 2 / ROW_BYTES * ROW_BYTES;
    size_t start = (size_t)arg ? half : 0, end = (size_t)arg ? file_size : half;
    double sum = 0;
    uint64_t words = 0;
    for (size_t at = start; at + ROW_BYTES <= end; at += ROW_BYTES) {
        const unsigned char *p = file_bytes + at;
        if (reader == 2) {
            const uint64_t *w = (const uint64_t *)p;
            for (int k = 0; k < ROW_BYTES / 8; k++) words += w[k];
            continue;
        }
        cmk_lane_sums s;
        if (is_bf16) s = reader ? cmk_bf16_sums_avx512(p, ROW_BYTES / 2) : cmk_bf16_sums_avx2(p, ROW_BYTES / 2);
        else s = reader ? cmk_f32_sums_avx512(p, ROW_BYTES / 4) : cmk_f32_sums_avx2(p, ROW_BYTES / 4);
        sum += s.sum;
    }
    return (void *)(uintptr_t)(sum != 0 || words != 0);
}

int main(int argc, char **argv) {
    if (argc < 3 || !cmk_has_avx2()) {
        fprintf(stderr, "usage: kernelstream FILE bf16|f32   (needs AVX2 and FMA)\n");
        return 64;
    }
    is_bf16 = strcmp(argv[2], "bf16") == 0;
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) { perror(argv[1]); return 66; }
    file_size = (size_t)st.st_size;
    file_bytes = mmap(NULL, file_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (file_bytes == MAP_FAILED) { perror("mmap"); return 74; }
    const char *names[] = {"avx2", "avx512", "wordsum"};
    for (int round = 0; round < 3; round++) {
        for (reader = 0; reader < 3; reader++) {
            if (reader == 1 && !cmk_has_avx512()) continue;
            double t = now();
            pthread_t threads[2];
            for (uintptr_t k = 0; k < 2; k++) pthread_create(&threads[k], NULL, run, (void *)k);
            for (int k = 0; k < 2; k++) pthread_join(threads[k], NULL);
            t = now() - t;
            printf("%s %.4f s %.1f GB/s\n", names[reader], t, file_size / t / 1e9);
        }
    }
    return 0;
}
