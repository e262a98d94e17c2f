/// The units (row pieces, or whole quantized rows) of a merged twin whose statistics were
/// taken from its leader instead of computed, as ascending runs.
///
/// Why: a tied copy (`lm_head` saved beside the embedding, llama.cpp's `output.weight` equal to
/// `token_embd.weight`) is compared with its leader piece by piece anyway (`ScanPlan`). Equal
/// bytes give bit-identical statistics (the kernels read values at any alignment, in an order
/// fixed by their index), so where the comparison succeeds the copy is not reduced a second
/// time and its result buffer is not written; a copy equal throughout gets the leader's rows.
/// Only a copy that differs somewhere needs the borrowed units filled in, from the leader's
/// buffer, when both finish.
struct TwinUnits: Sendable {
    private(set) var runs: [Range<Int>] = []

    /// Adds `units`, which come after every unit added so far in the same item.
    mutating func append(_ units: Range<Int>) {
        guard !units.isEmpty else { return }
        if let last = runs.last, last.upperBound == units.lowerBound {
            runs[runs.count - 1] = last.lowerBound..<units.upperBound
        } else {
            runs.append(units)
        }
    }

    /// Adds another item's runs (items finish in any order).
    mutating func append(_ other: TwinUnits) {
        runs += other.runs
    }

    /// Copies the borrowed units' statistics from the leader's buffer into the twin's.
    func copy(from leader: UnsafeMutableBufferPointer<RowMoments>, to twin: UnsafeMutableBufferPointer<RowMoments>) {
        for run in runs {
            guard let source = leader.baseAddress, let target = twin.baseAddress,
                  run.lowerBound >= 0, run.upperBound <= min(leader.count, twin.count) else { continue }
            (target + run.lowerBound).initialize(from: source + run.lowerBound, count: run.count)
        }
    }
}
