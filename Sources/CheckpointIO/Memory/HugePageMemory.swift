#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Large result buffers in anonymous mappings aligned to 2 MiB and marked for
/// transparent huge pages, so that filling one takes a page fault per 2 MiB instead of per 4 KiB.
///
/// Why: a scan writes one 80-byte `RowMoments` per row into a fresh buffer; the 32,768-row
/// embedding of the bench models fills 2.6 MB, 640 faults of 4 KiB, each a trap, a page
/// allocation and a memcg charge, taken on both cores while they also stream the file. With
/// the buffer 2 MiB-aligned and `MADV_HUGEPAGE` (honoured in THP's `madvise` and `always`
/// modes), the first 2 MiB are one fault; the tail beyond the last 2 MiB boundary still takes
/// 4 KiB pages, so the memory held is the buffer's own size, as with `malloc`.
///
/// Only worth it from `threshold` bytes on: smaller buffers belong in the heap, which reuses
/// them. A mapping can be refused where the heap is not (the process's map count,
/// `vm.max_map_count`, is spent by mappings alone), so a caller keeps a heap fallback and
/// remembers which one it used (`RowMomentsBuffer`).
package enum HugePageMemory {
    /// Buffers of at least this many bytes are worth a mapping of their own.
    package static let threshold = 2 << 20
    private static let hugePage = 2 << 20
    /// The system's page size (4 KiB on x86-64): mappings are made and unmapped in whole pages.
    private static let page = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))

    /// A mapping of `bytes` bytes (uninitialized, at least one), aligned to 2 MiB; nil when the
    /// system refuses it (memory, address space or the map count exhausted).
    package static func map(bytes: Int) -> UnsafeMutableRawPointer? {
        guard bytes > 0, bytes <= Int.max / 2 else { return nil }  // the sums below stay in range
        let length = rounded(bytes)
        // Room to slide the start to a 2 MiB boundary, then the slack on both sides unmapped.
        let reserved = length + hugePage - page
        guard let raw = mmap(nil, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              raw != MAP_FAILED else { return nil }
        let address = UInt(bitPattern: raw)
        let start = (address + UInt(hugePage - 1)) & ~UInt(hugePage - 1)
        let head = Int(start - address)
        if head > 0 { _ = munmap(raw, head) }
        let tail = reserved - head - length
        if tail > 0, let end = UnsafeMutableRawPointer(bitPattern: start + UInt(length)) { _ = munmap(end, tail) }
        guard let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return nil }
        _ = madvise(pointer, length, Int32(MADV_HUGEPAGE))
        return pointer
    }

    /// Returns a mapping `map(bytes:)` gave for the same `bytes`. Anything else fails `munmap`
    /// (debug builds stop there; a release build leaks it rather than unmap what it does not
    /// own).
    package static func unmap(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        let status = munmap(pointer, rounded(bytes))
        assert(status == 0, "HugePageMemory.unmap of a buffer it did not map")
    }

    private static func rounded(_ bytes: Int) -> Int { (bytes + page - 1) / page * page }
}
