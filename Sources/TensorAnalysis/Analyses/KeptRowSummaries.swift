import CheckpointIO

/// Row summaries kept for the tensors that take them instead of summarising the same rows again,
/// by the index of the tensor they were made for: a tied copy's leader (`RowSummary.AuditStage`)
/// and a view whose very bytes later views read (`RowScan.Output.isReadAgain`). Only those are
/// kept: a summary holds no rows, and a checkpoint has few of them. Written and read by the
/// scan's cores, so locked.
final class KeptRowSummaries: @unchecked Sendable {
    private let lock = ThreadLock()
    private var kept: [Int: (summary: RowSummary, profilingNorms: Bool)] = [:]
    /// Indices of the tensors tied copies are compared with.
    let leaders: Set<Int>

    init(leaders: Set<Int> = []) {
        self.leaders = leaders
    }

    /// Keeps the summary of tensor `index` if it is a leader or `readAgain`.
    func keep(_ summary: RowSummary, of index: Int, profilingNorms: Bool, readAgain: Bool) {
        guard readAgain || leaders.contains(index) else { return }
        lock.withLock { kept[index] = (summary, profilingNorms) }
    }

    /// The summary kept for tensor `index` when it was made with the same choice of norm
    /// profiling.
    func summary(of index: Int, profilingNorms: Bool) -> RowSummary? {
        lock.withLock { kept[index].flatMap { $0.profilingNorms == profilingNorms ? $0.summary : nil } }
    }
}
