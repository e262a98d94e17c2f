#ifndef CHEAP_H
#define CHEAP_H

/// Fixes glibc's mmap threshold at `bytes` (allocations of at least that size get mappings of
/// their own, returned to the system when freed), which also stops glibc from raising it as
/// large blocks are freed. Returns 1 on success, 0 when refused or not on glibc.
int cheap_fix_mmap_threshold(int bytes);

#endif
