// Software prefetch of a byte range, for the scan's reads that the hardware prefetchers do not
// foresee (see `cmk_prefetch_bytes` in CMomentKernels.h).
#include "CMomentKernels.h"

void cmk_prefetch_bytes(const void *base, size_t count) {
    const char *p = (const char *)base;
    for (size_t offset = 0; offset < count; offset += 64) __builtin_prefetch(p + offset, 0, 3);
}
