import CheckpointIO
import GGUFFormat

/// Row statistics of ggml block-quantized tensors (GGUF's Q8_0, Q4_K …), decoded by the GGUF
/// module's block kernels (`GGUFRowDecoding`), whose values are bit-identical to gguf-py's
/// `dequantize`.
///
/// Why a pass of its own rather than items of `ScanPlan`: the plan cuts rows into element
/// pieces and chunks for the scalar kernels; a quantized row decodes whole blocks with their
/// scales, so it is one piece here. `RowScan.run` computes these rows first (rows in parallel
/// on all cores) and the plan still fingerprints and compares the bytes of the same tensors;
/// quantized tensors are therefore read twice in an audit (the second time from the page cache).
enum BlockRowScan {
    /// For each job over a decodable block tensor that asks for rows: the statistics of those rows.
    static func rows(of jobs: [RowScan.Job]) -> [Int: [RowMoments]] {
        var out: [Int: [RowMoments]] = [:]
        for (j, job) in jobs.enumerated() {
            guard case .blocks(let type) = job.view.elementType, let rows = job.rows else { continue }
            out[j] = moments(of: job.view, type: type, rows: rows)
        }
        return out
    }

    /// The statistics of `rows` of `view` (rows of whole blocks, checked by the GGUF reader).
    static func moments(of view: TensorView, type: GGMLType, rows: Range<Int>) -> [RowMoments] {
        guard !rows.isEmpty, view.rowBits > 0, view.rowBits % 8 == 0 else { return rows.map { _ in .empty } }
        let rowBytes = view.rowBits / 8
        let bytes = UncheckedSendable(view.bytes)
        var result = [RowMoments](repeating: .empty, count: rows.count)
        result.withUnsafeMutableBufferPointer { out in
            let target = UncheckedSendable(out)
            ParallelWork.forEachSlice(count: rows.count, workBytes: rows.count * rowBytes) { slice in
                for k in slice {
                    let start = (rows.lowerBound + k) * rowBytes
                    let row = UnsafeRawBufferPointer(rebasing: bytes.value[start ..< start + rowBytes])
                    target.value[k] = (try? GGUFRowDecoding.moments(ofRow: row, type: type)).map { RowMoments($0, row: row) } ?? .empty
                }
            }
        }
        return result
    }
}

extension RowMoments {
    /// The house's statistics from a GGUF row's. Σ(x − mean)² is Σx² − (Σx)²/n, clamped at 0:
    /// the block kernels keep no centred sum (quantized weight rows have means near 0, where
    /// this loses nothing measurable). "All bits zero" means every stored byte of the row is 0
    /// (zero scales and codes); "all values zero" is judged on the decoded values.
    init(_ m: GGUFRowMoments, row: UnsafeRawBufferPointer) {
        let n = Double(m.count)
        let centred = m.count == 0 ? 0 : max(0, m.sumOfSquares - m.sum * m.sum / n)
        let valuesZero = m.count == 0 || (m.nanCount == 0 && m.minimum == 0 && m.maximum == 0)
        self.init(count: m.count, sum: m.sum, sumOfSquares: m.sumOfSquares, centeredSquares: centred.isNaN ? .nan : centred,
                  minimum: m.minimum, maximum: m.maximum, nanCount: m.nanCount,
                  positiveInfinityCount: m.positiveInfinityCount, negativeInfinityCount: m.negativeInfinityCount,
                  allBitsZero: !row.contains { $0 != 0 }, allValuesZero: valuesZero)
    }
}
