import CheckpointIO

/// The buffers a scan writes its per-piece `RowMoments` into, which a `RowMomentsList` may then
/// adopt: large ones in huge-page mappings (`HugePageMemory`: a 32,768-row embedding's 2.6 MB
/// was 640 page faults), small ones from `malloc`. Allocated and freed only through here, so
/// the two kinds never meet the wrong `free`.
enum RowMomentsBuffer {
    /// An uninitialized buffer of `count` rows; `RowMoments` is `BitwiseCopyable`, so assigning
    /// into it initializes it.
    static func allocate(_ count: Int) -> UnsafeMutableBufferPointer<RowMoments> {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<RowMoments>.stride)
        guard !overflow, let raw = HugePageMemory.allocate(bytes: bytes) else {
            // Not reachable from a file's contents alone: a buffer holds one entry per row, or
            // per piece of 2^20 values of a longer row, and tensors of more than
            // `TensorView.maxStatisticsRows` entries are skipped with a finding
            // (`statisticsEntries`), so a buffer is at most 84 MB; only a system out of memory or
            // address space fails here, as `UnsafeMutableBufferPointer.allocate` would.
            fatalError("out of memory for the statistics of \(count) rows (\(bytes) bytes)")
        }
        return UnsafeMutableBufferPointer(start: raw.bindMemory(to: RowMoments.self, capacity: count), count: count)
    }

    /// Frees a buffer `allocate` made.
    static func deallocate(_ buffer: UnsafeMutableBufferPointer<RowMoments>) {
        guard let base = buffer.baseAddress else { return }
        HugePageMemory.deallocate(UnsafeMutableRawPointer(base), bytes: buffer.count * MemoryLayout<RowMoments>.stride)
    }
}
