#ifndef CHEAP_H
#define CHEAP_H

/// Fixes glibc's mmap threshold at `mmap_bytes` (allocations of at least that size get mappings
/// of their own, returned to the system when freed) and its trim threshold at `trim_bytes` (free
/// memory at the top of the heap is given back only beyond that), which also stops glibc from
/// moving either as blocks are freed. Returns 1 on success, 0 when refused or not on glibc.
int cheap_fix_heap_thresholds(int mmap_bytes, int trim_bytes);

#endif
