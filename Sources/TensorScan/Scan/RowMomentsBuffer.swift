import CheckpointIO

/// A buffer a scan writes its per-piece `RowMoments` into, which a `RowMomentsList` may then
/// adopt, and how it was allocated: large ones in a huge-page mapping (`HugePageMemory`: a
/// 32,768-row embedding's 2.6 MB was 640 page faults), small ones — and large ones whose
/// mapping the system refused — from the heap. Freed only through `deallocate`, so the two
/// kinds never meet the wrong `free`.
///
/// Why the fallback: a mapping can be refused where the heap still has room (the map count,
/// `vm.max_map_count`, spent on mappings), and a scan must not stop for that. A heap that is
/// out of memory too ends the process, as every Swift allocation does; a file's contents
/// cannot bring that about, since a buffer holds one entry per row, or per piece of 2^20
/// values of a longer row, and tensors of more than `TensorView.maxStatisticsRows` entries are
/// skipped with a finding (`statisticsEntries`): a buffer is at most 84 MB.
struct RowMomentsBuffer: @unchecked Sendable {
    /// The buffer, uninitialized when made; `RowMoments` is `BitwiseCopyable`, so assigning
    /// into it initializes it.
    let rows: UnsafeMutableBufferPointer<RowMoments>
    /// Whether `rows` is a mapping of its own (else it is on the heap).
    let isMapping: Bool

    /// An uninitialized buffer of `count` rows; `mapping: false` takes it from the heap
    /// whatever its size (what a refused mapping leads to).
    init(count: Int, mapping: Bool = true) {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<RowMoments>.stride)
        if mapping, !overflow, bytes >= HugePageMemory.threshold, let raw = HugePageMemory.map(bytes: bytes) {
            rows = UnsafeMutableBufferPointer(start: raw.bindMemory(to: RowMoments.self, capacity: count), count: count)
            isMapping = true
        } else {
            rows = .allocate(capacity: count)
            isMapping = false
        }
    }

    /// Frees the buffer; neither it nor a copy of it is used afterwards.
    func deallocate() {
        guard isMapping else { return rows.deallocate() }
        guard let base = rows.baseAddress else { return }
        HugePageMemory.unmap(UnsafeMutableRawPointer(base), bytes: rows.count * MemoryLayout<RowMoments>.stride)
    }
}
