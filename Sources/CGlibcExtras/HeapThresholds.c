#include "CGlibcExtras.h"
#include <stdlib.h>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>

int cglibc_fix_heap_thresholds(int mmap_bytes, int trim_bytes) {
    return mallopt(M_MMAP_THRESHOLD, mmap_bytes) == 1 && mallopt(M_TRIM_THRESHOLD, trim_bytes) == 1;
}

int cglibc_limit_arenas(int count) {
    return mallopt(M_ARENA_MAX, count) == 1;
}
#else
int cglibc_fix_heap_thresholds(int mmap_bytes, int trim_bytes) {
    (void)mmap_bytes;
    (void)trim_bytes;
    return 0;
}

int cglibc_limit_arenas(int count) {
    (void)count;
    return 0;
}
#endif
