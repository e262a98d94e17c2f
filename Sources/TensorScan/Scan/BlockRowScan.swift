import CheckpointIO
import GGUFFormat

/// Row statistics of ggml block-quantized tensors (GGUF's Q8_0, Q4_K …), decoded by the GGUF
/// module's block kernels (`GGUFRowDecoding`), whose values are bit-identical to gguf-py's
/// `dequantize`.
///
/// Called by the scan plan (`ScanPlan`), whose pieces for these tensors are whole rows: a
/// quantized tensor is read once, on the same work queue and cores as every other tensor, and
/// its fingerprint and twin comparison are done on the same bytes while they are in cache.
/// (Before, these rows were computed in a pass of their own ahead of the scan, so every
/// quantized tensor was read twice.)
enum BlockRowScan {
    /// Bytes of rows decoded in one call before they are hashed and compared (`ScanPlan`).
    static let runBytes = 64 << 10

    /// The statistics of `out.count` consecutive rows of `rowBytes` bytes (whole blocks of
    /// `type`) in `rows`; `.empty` for rows that are not whole blocks (the GGUF reader rejects
    /// such tensors, so this is only a guard).
    static func moments(ofRows rows: UnsafeRawBufferPointer, rowBytes: Int, type: GGMLType,
                        into out: UnsafeMutableBufferPointer<RowMoments>) {
        withUnsafeTemporaryAllocation(of: GGUFRowMoments.self, capacity: out.count) { decoded in
            decoded.initialize(repeating: .empty)
            defer { decoded.deinitialize() }
            guard (try? GGUFRowDecoding.moments(ofRows: rows, rowBytes: rowBytes, type: type, into: decoded)) != nil else {
                for r in out.indices { out[r] = .empty }
                return
            }
            for r in out.indices {
                let start = (r - out.startIndex) * rowBytes
                out[r] = RowMoments(decoded[r - out.startIndex], row: UnsafeRawBufferPointer(rebasing: rows[start..<start + rowBytes]),
                                    type: type)
            }
        }
    }
}

extension RowMoments {
    /// The house's statistics from a GGUF row's. Σ(x − mean)² is Σx² − (Σx)²/n, clamped at 0:
    /// the block kernels keep no centred sum (quantized weight rows have means near 0, where
    /// this loses nothing measurable). Where it would lose more than 10 bits (|mean| > ~32 std:
    /// an affine type's large offset, `m`, with small steps), the row is decoded again and
    /// summed centred, as the float kernels do for such a chunk (`MomentKernels.cancellationLimit`):
    /// the subtraction alone gave a std of 0 to a row with min < max (Q4_1, offset 60,000, step
    /// 0.0039). A NaN or ±Inf value (a NaN or infinite scale) makes the std NaN, as in every
    /// other dtype (`max(0, NaN)` is 0 in Swift, which reported 0). "All bits zero" means every
    /// stored byte of the row is 0 (zero scales and codes); "all values zero" is judged on the
    /// decoded values.
    init(_ m: GGUFRowMoments, row: UnsafeRawBufferPointer, type: borrowing GGMLType) {
        let n = Double(m.count)
        var centred = 0.0
        if m.count > 0 {
            if !(m.sum.isFinite && m.sumOfSquares.isFinite) {
                centred = .nan
            } else {
                centred = max(0, m.sumOfSquares - m.sum * m.sum / n)
                if !(centred * MomentKernels.cancellationLimit >= m.sumOfSquares) {
                    centred = Self.centredSquares(row, type: type, count: m.count, mean: m.sum / n) ?? centred
                }
            }
        }
        let valuesZero = m.count == 0 || (m.nanCount == 0 && m.minimum == 0 && m.maximum == 0)
        // Bytes that are all zero decode to zeros in every type, so only a row whose values are
        // all zero can have all bytes zero: the bytes are looked at only then.
        self.init(count: m.count, sum: m.sum, sumOfSquares: m.sumOfSquares, centeredSquares: centred,
                  minimum: m.minimum, maximum: m.maximum, nanCount: m.nanCount,
                  positiveInfinityCount: m.positiveInfinityCount, negativeInfinityCount: m.negativeInfinityCount,
                  allBitsZero: valuesZero && !row.contains { $0 != 0 }, allValuesZero: valuesZero)
    }

    /// Σ(x − mean)² over the row's decoded values (gguf-py's `dequantize`), or `nil` when the
    /// row does not decode to `count` values. Decoded a run of blocks at a time into a buffer of
    /// at most `BlockRowScan.runBytes` of floats: a row can be a whole 1-D tensor, and a buffer of
    /// all its values was 6× the file's bytes for Q4_1 (the audit's memory is bounded).
    static func centredSquares(_ row: UnsafeRawBufferPointer, type: GGMLType, count: Int, mean: Double) -> Double? {
        guard type.typeSize > 0, type.blockSize > 0, row.count % type.typeSize == 0 else { return nil }
        let blocksPerRun = max(1, BlockRowScan.runBytes / 4 / type.blockSize)
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: blocksPerRun * type.blockSize) { values -> Double? in
            guard let base = values.baseAddress else { return nil }
            var centred = 0.0, decoded = 0
            var offset = 0
            while offset < row.count {
                let end = min(row.count, offset + blocksPerRun * type.typeSize)
                guard let n = try? GGUFRowDecoding.dequantize(row: UnsafeRawBufferPointer(rebasing: row[offset..<end]), type: type, into: base)
                else { return nil }
                for x in UnsafeBufferPointer(start: base, count: n) {
                    let d = Double(x) - mean
                    centred += d * d
                }
                decoded += n
                offset = end
            }
            return decoded == count ? centred : nil
        }
    }
}
