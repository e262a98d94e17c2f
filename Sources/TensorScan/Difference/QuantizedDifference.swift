import CheckpointIO
import GGUFFormat

/// Value differences for pairs where a side is ggml block-quantized (an F32 GGUF against its
/// Q8_0 quantization, or two quantizations): each row is dequantized whole (gguf-py's
/// `dequantize` values, through the GGUF block kernels), the other side decoded to `Double`,
/// and the sums formed in `Double` as `DifferenceScan` forms them.
///
/// Why beside `DifferenceScan` and not inside its plan: the plan cuts rows into fixed element
/// chunks for the scalar kernels, and a quantized row only decodes as whole blocks with their
/// scales. Quantized files are small (a quarter of F32 or less), so a row at a time on one
/// core is enough for now.
enum QuantizedDifference {
    /// Whether `DifferenceScan` hands this pair here: a quantized side whose type is decoded,
    /// the same elements in the same rows, no complex side.
    static func applies(_ a: TensorView, _ b: TensorView) -> Bool {
        guard a.elementType.blockType != nil || b.elementType.blockType != nil else { return false }
        func decodable(_ v: TensorView) -> Bool {
            if let type = v.elementType.blockType { return GGUFRowDecoding.isDecodable(type) }
            return v.dtype != .c64
        }
        return decodable(a) && decodable(b) && a.elementCount == b.elementCount && a.rowCount == b.rowCount
    }

    /// `order`: B's rows (a vector's elements) permuted by a converter, paired back with A's.
    static func compare(_ a: TensorView, _ b: TensorView, topRows: Int, statisticsOfIdentical: Bool,
                        order: RowInterleave? = nil) -> DifferenceScan.Result {
        let identical = order == nil && a.elementType == b.elementType && a.shape == b.shape && a.hasSameBytes(as: b)
        guard !identical || statisticsOfIdentical else { return DifferenceScan.Result(identicalBytes: true, statistics: nil) }
        let rows = a.rowCount
        let keep = min(max(0, topRows), rows)
        var maxAbs = 0.0, squares = 0.0, reference = 0.0
        var differing = 0, nans = 0
        var worst = WorstRows(keep: keep)
        for row in 0 ..< rows {
            let x = a.decodedRow(row)
            var y: [Double]
            if let order, a.info.shape.count <= 1 {
                let stored = b.decodedRow(row)
                y = stored.indices.map { stored[order.indexInB($0, count: stored.count)] }
            } else {
                y = b.decodedRow(order.map { $0.indexInB(row, count: rows) } ?? row)
            }
            var rowSquares = 0.0, rowMax = 0.0
            for i in 0 ..< min(x.count, y.count) {
                if x[i].isFinite { reference += x[i] * x[i] }
                if x[i] == y[i] || (x[i].isNaN && y[i].isNaN) { continue }
                differing += 1
                if x[i].isNaN || y[i].isNaN { nans += 1; continue }
                let d = abs(x[i] - y[i])
                if d > rowMax { rowMax = d }
                rowSquares += d.isFinite ? d * d : .infinity
            }
            if rowMax > maxAbs { maxAbs = rowMax }
            squares += rowSquares
            if rowSquares > 0 {
                worst.add(.init(row: row, l2: rowSquares.squareRoot(), maxAbs: rowMax))
            }
        }
        let statistics = DifferenceStatistics(elementCount: a.elementCount, maxAbsDifference: maxAbs,
                                              differenceL2: squares.squareRoot(), referenceL2: reference.squareRoot(),
                                              differingElements: differing, nanMismatches: nans, topRows: worst.result)
        return DifferenceScan.Result(identicalBytes: identical, statistics: statistics)
    }
}
