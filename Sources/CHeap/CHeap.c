#include "CHeap.h"
#include <stdlib.h>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>

int cheap_fix_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }
#else
int cheap_fix_mmap_threshold(int bytes) { (void)bytes; return 0; }
#endif
