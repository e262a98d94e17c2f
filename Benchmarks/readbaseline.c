/*
 * The memory-read baseline of `make bench`: the fastest plain read of a file's mapped bytes.
 *
 * Why it exists: tensoraudit's goal is to analyse a checkpoint at close to the speed the
 * machine can merely read it. This program maps the file exactly as tensoraudit does (mmap,
 * MADV_SEQUENTIAL + MADV_WILLNEED), splits it into one contiguous slice per thread, and adds
 * up 64-bit words (a loop the compiler vectorizes), so the result is bounded by memory and
 * page-fault throughput, not by arithmetic. The sum is printed so the loop cannot be
 * optimized away.
 *
 * Usage: readbaseline FILE [THREADS]   (default: number of online CPUs)
 * Output: one line "bytes=N seconds=S gbps=G threads=T checksum=X".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct slice {
    const unsigned char *start;
    size_t length;
    uint64_t sum;
};

static void *sum_slice(void *argument) {
    struct slice *s = argument;
    const uint64_t *words = (const uint64_t *)s->start;
    size_t count = s->length / 8;
    uint64_t a = 0, b = 0, c = 0, d = 0;
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        a += words[i];
        b += words[i + 1];
        c += words[i + 2];
        d += words[i + 3];
    }
    for (; i < count; i++) a += words[i];
    for (size_t j = count * 8; j < s->length; j++) b += s->start[j];
    s->sum = a ^ b ^ c ^ d;
    return NULL;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: readbaseline FILE [THREADS]\n");
        return 64;
    }
    int threads = argc > 2 ? atoi(argv[2]) : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1) threads = 1;
    if (threads > 64) threads = 64;
    double begin = now();
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) { perror("open"); return 2; }
    struct stat info;
    if (fstat(fd, &info) != 0 || info.st_size <= 0) { fprintf(stderr, "empty or unreadable file\n"); return 2; }
    size_t size = (size_t)info.st_size;
    const unsigned char *base = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED) { perror("mmap"); return 2; }
    madvise((void *)base, size, MADV_SEQUENTIAL);
    madvise((void *)base, size, MADV_WILLNEED);

    pthread_t ids[64];
    struct slice slices[64];
    size_t per = (size / threads + 4095) & ~(size_t)4095;
    for (int t = 0; t < threads; t++) {
        size_t start = per * t < size ? per * t : size;
        size_t end = start + per < size ? start + per : size;
        slices[t] = (struct slice){ base + start, end - start, 0 };
        pthread_create(&ids[t], NULL, sum_slice, &slices[t]);
    }
    uint64_t checksum = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        checksum ^= slices[t].sum;
    }
    double seconds = now() - begin;
    munmap((void *)base, size);
    close(fd);
    printf("bytes=%zu seconds=%.4f gbps=%.2f threads=%d checksum=%016llx\n", size, seconds,
           size / seconds / 1e9, threads, (unsigned long long)checksum);
    return 0;
}
