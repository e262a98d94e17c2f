/// One pair's items of a `DifferencePlan` folded into its result, in item order, as they finish.
///
/// Why as they finish and not all at the end: every item's part (its sums, its first and last
/// rows, its worst rows) stayed in memory until the scan was over, ~350 bytes an item. A
/// quantized pair's items are ~2^15 values, so a 2^22-row Q8_0 matrix against its F16 source
/// held 181 MB of parts (~45 bytes a row, adversarial review, 2026-12-06): a large model's
/// `diff` grew with its size. Folded in the same order, with the same additions, the results
/// are the same bits; only the parts finished ahead of an unfinished one wait.
struct DifferenceMerge {
    private let pair: DifferencePlan.Pair
    private let statisticsOfIdentical: Bool
    private var identical: Bool
    private var reference = 0.0, squares = 0.0, maxAbs = 0.0
    private var differing = 0, nans = 0
    private var rows: WorstRows
    /// The row the last folded item ended inside, still open.
    private var open: DifferencePlan.RowPart?

    init(_ pair: DifferencePlan.Pair, keep: Int, statisticsOfIdentical: Bool) {
        self.pair = pair
        self.statisticsOfIdentical = statisticsOfIdentical
        identical = pair.bytes
        rows = WorstRows(keep: min(keep, pair.rows))
    }

    /// Adds the pair's next item.
    mutating func fold(_ part: DifferencePlan.Part) {
        identical = identical && part.sameBytes
        reference += part.reference
        differing += part.differing
        nans += part.nanMismatches
        if part.maxAbs > maxAbs { maxAbs = part.maxAbs }
        if let first = part.first { add(first) }
        if part.last != nil {
            // The first row ended inside this item.
            if let done = open { finish(done) }
            open = nil
        }
        squares += part.innerSquares
        rows.add(contentsOf: part.inner)
        if let last = part.last { add(last) }
    }

    /// The pair's result once every item is folded.
    consuming func result() -> DifferenceScan.Result {
        guard pair.values, !identical || statisticsOfIdentical else {
            return DifferenceScan.Result(identicalBytes: identical, statistics: nil)
        }
        if let done = open { finish(done) }
        let statistics = DifferenceStatistics(elementCount: pair.a.elementCount, maxAbsDifference: maxAbs,
                                              differenceL2: squares.squareRoot(), referenceL2: reference.squareRoot(),
                                              differingElements: differing, nanMismatches: nans,
                                              topRows: rows.result)
        return DifferenceScan.Result(identicalBytes: identical, statistics: statistics)
    }

    private mutating func add(_ row: DifferencePlan.RowPart) {
        if let current = open, current.row == row.row {
            open = DifferencePlan.RowPart(row: row.row, squares: current.squares + row.squares, maxAbs: max(current.maxAbs, row.maxAbs))
            return
        }
        if let done = open { finish(done) }
        open = row
    }

    private mutating func finish(_ row: DifferencePlan.RowPart) {
        squares += row.squares
        guard row.squares > 0 else { return }
        rows.add(.init(row: row.row, l2: row.squares.squareRoot(), maxAbs: row.maxAbs))
    }
}
