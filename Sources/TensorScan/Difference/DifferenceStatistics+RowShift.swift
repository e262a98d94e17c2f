extension DifferenceStatistics {
    /// The same statistics with every top row's number raised by `rows`: a comparison of A's
    /// rows from `rows` on (a window, `TensorView.droppingLeadingRows`) numbered as A's own rows,
    /// as reports number them. Why: a RoBERTa position table compared from `pad_token_id + 1` on
    /// named its worst row 0 where A's row 2 was meant.
    public func shiftingRows(by rows: Int) -> DifferenceStatistics {
        var shifted = DifferenceStatistics(elementCount: elementCount, maxAbsDifference: maxAbsDifference, differenceL2: differenceL2,
                                           referenceL2: referenceL2, differingElements: differingElements, nanMismatches: nanMismatches,
                                           topRows: topRows.map { Row(row: $0.row + rows, l2: $0.l2, maxAbs: $0.maxAbs) })
        shifted.scaledRelativeL2 = scaledRelativeL2
        return shifted
    }
}

extension DifferenceScan.Result {
    /// `statistics.shiftingRows(by:)`, the rest unchanged.
    public func shiftingRows(by rows: Int) -> DifferenceScan.Result {
        var shifted = self
        shifted.statistics = statistics?.shiftingRows(by: rows)
        return shifted
    }
}
