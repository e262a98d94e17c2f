import CHeap

/// How the process's allocator treats large blocks; the CLI sets it once at start.
///
/// Why: glibc serves blocks of 128 KiB and more from mappings of their own, but raises that
/// threshold to the size of each such block freed (up to 32 MiB), and then serves blocks below
/// it from the heap, which keeps freed pages. Reading a torch file of 50,000 tensors frees
/// multi-MiB arrays (the unpickled program, the pickle's pool, the zip directory); everything
/// allocated after that came from the heap and its freed pages stayed resident: `audit` peaked at
/// 64–73 MB, of which ~20 MB were freed blocks. With the threshold fixed at 128 KiB large blocks
/// always get their own mapping and go back to the system when freed: 56 MB (`inspect` 60 → 56,
/// a GGUF file of the same tensors 57 → 50 MB; wall time unchanged within run-to-run noise).
public enum HeapPolicy {
    /// The default threshold glibc starts from, kept fixed.
    public static let largeBlockBytes: Int32 = 128 << 10

    /// Large blocks get mappings of their own and are returned when freed. False when the
    /// allocator refused or is not glibc's.
    @discardableResult
    public static func returnLargeBlocksWhenFreed() -> Bool {
        cheap_fix_mmap_threshold(largeBlockBytes) == 1
    }
}
