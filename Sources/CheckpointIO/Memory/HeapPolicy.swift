import CGlibcExtras

/// How the process's allocator treats large blocks; the CLI sets it once at start.
///
/// Why: glibc serves blocks of 128 KiB and more from mappings of their own, but raises that
/// threshold to the size of each such block freed (up to 32 MiB), and then serves blocks below
/// it from the heap, which keeps freed pages. Reading a torch file of 50,000 tensors frees
/// multi-MiB arrays (the unpickled program, the pickle's pool, the zip directory); everything
/// allocated after that came from the heap and its freed pages stayed resident: `audit` peaked at
/// 64–73 MB, of which ~20 MB were freed blocks. Fixing the threshold keeps such blocks in
/// mappings of their own that go back to the system when freed: 56 MB.
///
/// Why 1 MiB and a 64 MiB trim threshold, not glibc's 128 KiB: fixing one threshold fixes both,
/// and at 128 KiB every scan's per-tensor result arrays (80 bytes a row piece: 330 KB for a
/// 4,096-row matrix) were fresh mappings, and the heap top was given back between tensors, so
/// each was faulted in again: the BF16 bench audit took 13,300 page faults instead of 7,400 and
/// ~20% more CPU time. At 1 MiB those arrays reuse heap memory, the multi-MiB blocks of the
/// torch reader are still mapped and returned (56 MB), and the scan's faults are back to 7,400
/// (`MALLOC_MMAP_THRESHOLD_` / `MALLOC_TRIM_THRESHOLD_` runs of 128 KiB, 1, 4, 8, 16, 32 MiB).
public enum HeapPolicy {
    /// Blocks of at least this size get mappings of their own.
    public static let largeBlockBytes: Int32 = 1 << 20
    /// Free memory at the top of the heap is returned beyond this.
    public static let trimBytes: Int32 = 64 << 20

    /// Large blocks get mappings of their own and are returned when freed. False when the
    /// allocator refused or is not glibc's.
    @discardableResult
    public static func returnLargeBlocksWhenFreed() -> Bool {
        cglibc_fix_heap_thresholds(largeBlockBytes, trimBytes) == 1
    }

    /// The most malloc arenas the process uses: one, glibc's main arena.
    ///
    /// Why: glibc gives threads arenas of their own, up to 8 per core, and each beyond the main
    /// one reserves 64 MiB of address space. The scan's threads took three, so `audit` of the
    /// 90 MB all-MiniLM-L6-v2 folder reserved 334 MB (`VmPeak`) for ~60 MB resident, and under
    /// `ulimit -v 300000` an allocation failed and the process died (exit 134, or 139 when the
    /// runtime's error report itself ran out). One arena: 146 MB, and the same audit runs under
    /// `ulimit -v 200000`. The threads allocate little while they scan (a result buffer a job),
    /// so sharing the arena's lock costs no measurable time (docs/PERFORMANCE.md).
    public static let arenas: Int32 = 1

    /// Caps the arenas at `arenas`; false when the allocator refused or is not glibc's. Call
    /// before any thread starts: threads keep the arena they first took.
    @discardableResult
    public static func limitArenas() -> Bool {
        cglibc_limit_arenas(arenas) == 1
    }
}
