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
 * Four readers (`make bench` takes the fastest as THE baseline, so the baseline is at least as
 * fast as a plain two-thread word sum, and prints each one's GB/s):
 *   mmap     - mmap + MADV_SEQUENTIAL/WILLNEED, one contiguous slice per thread (the plain sum);
 *   populate - the same with MAP_POPULATE (the kernel maps every page up front, no faults);
 *   pread    - pread into a 1 MiB buffer per thread (no mapping at all);
 *   discard  - mmap, and MADV_DONTNEED behind every 4 MiB read (what tensoraudit's scan does:
 *              the page-table teardown happens during the read, on every thread, not at exit).
 * Build with -O3 -march=native (the Makefile does).
 *
 * Usage: readbaseline FILE [THREADS] [MODE]   (default: online CPUs, mmap)
 *        readbaseline --resident FILE         (percentage of FILE's pages in the page cache)
 * Output: one line "bytes=N seconds=S gbps=G threads=T mode=M checksum=X".
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

#include <string.h>

enum mode { MODE_MMAP, MODE_POPULATE, MODE_PREAD, MODE_DISCARD };

struct slice {
    const unsigned char *start;  /* mapped modes */
    int fd;                      /* pread */
    size_t offset;               /* pread: file offset of the slice */
    size_t length;
    enum mode mode;
    uint64_t sum;
};

static uint64_t sum_words(const unsigned char *p, size_t length) {
    const uint64_t *words = (const uint64_t *)p;
    size_t count = length / 8;
    uint64_t a = 0, b = 0, c = 0, d = 0;
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        a += words[i];
        b += words[i + 1];
        c += words[i + 2];
        d += words[i + 3];
    }
    for (; i < count; i++) a += words[i];
    for (size_t j = count * 8; j < length; j++) b += p[j];
    return a ^ b ^ c ^ d;
}

static void *sum_slice(void *argument) {
    struct slice *s = argument;
    if (s->mode == MODE_PREAD) {
        size_t chunk = 1 << 20;
        unsigned char *buffer = aligned_alloc(4096, chunk);
        uint64_t sum = 0;
        for (size_t done = 0; done < s->length;) {
            size_t want = s->length - done < chunk ? s->length - done : chunk;
            ssize_t got = pread(s->fd, buffer, want, (off_t)(s->offset + done));
            if (got <= 0) break;
            sum ^= sum_words(buffer, (size_t)got);
            done += (size_t)got;
        }
        free(buffer);
        s->sum = sum;
        return NULL;
    }
    if (s->mode == MODE_DISCARD) {
        size_t step = 4 << 20;
        uint64_t sum = 0;
        for (size_t done = 0; done < s->length; done += step) {
            size_t n = s->length - done < step ? s->length - done : step;
            sum ^= sum_words(s->start + done, n);
            /* whole pages only (slices start on page boundaries, steps are page multiples) */
            size_t pages = n & ~(size_t)4095;
            if (pages) madvise((void *)(s->start + done), pages, MADV_DONTNEED);
        }
        s->sum = sum;
        return NULL;
    }
    s->sum = sum_words(s->start, s->length);
    return NULL;
}

static int resident(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { perror("open"); return 2; }
    struct stat info;
    if (fstat(fd, &info) != 0 || info.st_size <= 0) { fprintf(stderr, "empty or unreadable file\n"); return 2; }
    size_t size = (size_t)info.st_size, page = (size_t)sysconf(_SC_PAGESIZE);
    void *base = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) { perror("mmap"); return 2; }
    size_t pages = (size + page - 1) / page, in = 0;
    unsigned char *vec = malloc(pages);
    if (!vec || mincore(base, size, vec) != 0) { perror("mincore"); return 2; }
    for (size_t i = 0; i < pages; i++) in += vec[i] & 1;
    printf("resident=%.1f pages=%zu\n", 100.0 * (double)in / (double)pages, pages);
    return 0;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: readbaseline FILE [THREADS] [mmap|populate|pread|discard] | --resident FILE\n");
        return 64;
    }
    if (strcmp(argv[1], "--resident") == 0) return argc > 2 ? resident(argv[2]) : 64;
    enum mode mode = MODE_MMAP;
    const char *mode_name = argc > 3 ? argv[3] : "mmap";
    if (strcmp(mode_name, "populate") == 0) mode = MODE_POPULATE;
    else if (strcmp(mode_name, "pread") == 0) mode = MODE_PREAD;
    else if (strcmp(mode_name, "discard") == 0) mode = MODE_DISCARD;
    else if (strcmp(mode_name, "mmap") != 0) { fprintf(stderr, "unknown mode %s\n", mode_name); return 64; }
    int threads = argc > 2 ? atoi(argv[2]) : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1) threads = 1;
    if (threads > 64) threads = 64;
    double begin = now();
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) { perror("open"); return 2; }
    struct stat info;
    if (fstat(fd, &info) != 0 || info.st_size <= 0) { fprintf(stderr, "empty or unreadable file\n"); return 2; }
    size_t size = (size_t)info.st_size;
    const unsigned char *base = NULL;
    if (mode != MODE_PREAD) {
        base = mmap(NULL, size, PROT_READ, MAP_PRIVATE | (mode == MODE_POPULATE ? MAP_POPULATE : 0), fd, 0);
        if (base == MAP_FAILED) { perror("mmap"); return 2; }
        madvise((void *)base, size, MADV_SEQUENTIAL);
        madvise((void *)base, size, MADV_WILLNEED);
    }

    pthread_t ids[64];
    struct slice slices[64];
    size_t per = (size / threads + 4095) & ~(size_t)4095;
    for (int t = 0; t < threads; t++) {
        size_t start = per * t < size ? per * t : size;
        size_t end = start + per < size ? start + per : size;
        slices[t] = (struct slice){ base ? base + start : NULL, fd, start, end - start, mode, 0 };
        pthread_create(&ids[t], NULL, sum_slice, &slices[t]);
    }
    uint64_t checksum = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        checksum ^= slices[t].sum;
    }
    double seconds = now() - begin;
    if (base) munmap((void *)base, size);
    close(fd);
    seconds = now() - begin;  /* the unmap (page-table teardown) counts: a reader pays it */
    printf("bytes=%zu seconds=%.4f gbps=%.2f threads=%d mode=%s checksum=%016llx\n", size, seconds,
           size / seconds / 1e9, threads, mode_name, (unsigned long long)checksum);
    return 0;
}
