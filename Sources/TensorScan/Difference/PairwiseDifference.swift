import CheckpointIO
import SafetensorsFormat

/// How two tensors of the same shape differ, element by element, measured in `Double`.
///
/// Why values and not bytes: an export changes the dtype (F32 → BF16), so the question is how
/// far the numbers moved. Both sides are decoded to `Double` row by row (a per-dtype loop, the
/// dtype switch outside the loop) and every sum is accumulated in `Double`, which removes
/// float32 summation error from the verdict.
public struct DifferenceStatistics: Sendable, Equatable {
    /// One row's share of the difference.
    public struct Row: Sendable, Equatable {
        public let row: Int
        /// ‖a_row − b_row‖₂.
        public let l2: Double
        /// max |a_row − b_row|.
        public let maxAbs: Double
    }

    public let elementCount: Int
    /// max |a − b| over elements where both are finite or both equal; `.infinity` when a
    /// finite value faces an infinite one.
    public let maxAbsDifference: Double
    /// ‖a − b‖₂ and ‖a‖₂ (A is the reference).
    public let differenceL2: Double
    public let referenceL2: Double
    /// Elements whose values differ (NaN facing NaN counts as equal).
    public let differingElements: Int
    /// Positions where exactly one side is NaN: no numeric distance, always a failure.
    public let nanMismatches: Int
    /// The rows with the largest difference norm, largest first (ties: lower row first).
    public let topRows: [Row]

    /// ‖a − b‖₂ / ‖a‖₂: 0 when equal, `.infinity` when A is all zeros and B is not.
    public var relativeL2: Double {
        if differenceL2 == 0 { return 0 }
        return referenceL2 > 0 ? differenceL2 / referenceL2 : .infinity
    }
}

extension TensorView {
    /// Elements decoded at a time by `differenceStatistics` (two 512 KiB buffers).
    static let differenceChunk = 1 << 16

    /// Compares the values of `self` (the reference) and `other`, row by row; `nil` when the
    /// two cannot be compared element-wise (different element counts or row layouts, or a
    /// complex tensor facing a real one). C64 compares real and imaginary parts as two floats.
    public func differenceStatistics(from other: TensorView, topRows: Int = 5) -> DifferenceStatistics? {
        guard elementCount == other.elementCount, rowCount == other.rowCount else { return nil }
        guard (dtype == .c64) == (other.dtype == .c64) else { return nil }
        let complexFactor = dtype == .c64 ? 2 : 1
        let rows = rowCount, length = rows == 0 ? 0 : rowLength * complexFactor
        let a = bytes, b = other.bytes
        // Rows are decoded in chunks and only the worst rows are kept, so memory stays bounded
        // whatever the shape (a whole-row buffer of a 1-D U8 tensor was 16 bytes per element).
        let chunk = min(length, Self.differenceChunk)
        var bufferA = [Double](repeating: 0, count: chunk), bufferB = [Double](repeating: 0, count: chunk)
        var maxAbs = 0.0, sumDiff = 0.0, sumRef = 0.0
        var differing = 0, nanMismatches = 0
        var rowStats: [DifferenceStatistics.Row] = []
        // At most one kept row per row: a user's `--top-rows Int.max` must not overflow the
        // pruning bound below, nor reserve more than the tensor has.
        let keep = min(max(0, topRows), rows)
        let worstFirst: (DifferenceStatistics.Row, DifferenceStatistics.Row) -> Bool = {
            $0.l2 != $1.l2 ? $0.l2 > $1.l2 : $0.row < $1.row
        }
        for row in 0..<rows {
            var rowSum = 0.0, rowMax = 0.0
            var offset = 0
            while offset < length {
                let n = min(chunk, length - offset)
                decodeRow(dtype, a, start: row * length + offset, count: n, into: &bufferA)
                decodeRow(other.dtype, b, start: row * length + offset, count: n, into: &bufferB)
                for i in 0..<n {
                    let x = bufferA[i], y = bufferB[i]
                    if x.isFinite { sumRef += x * x }
                    if x == y || (x.isNaN && y.isNaN) { continue }
                    differing += 1
                    if x.isNaN || y.isNaN { nanMismatches += 1; continue }
                    let d = abs(x - y)
                    if d > rowMax { rowMax = d }
                    rowSum += d.isFinite ? d * d : .infinity
                }
                offset += n
            }
            if rowMax > maxAbs { maxAbs = rowMax }
            sumDiff += rowSum
            if rowSum > 0 {
                rowStats.append(.init(row: row, l2: rowSum.squareRoot(), maxAbs: rowMax))
                if rowStats.count > keep + 4096 {
                    rowStats.sort(by: worstFirst)
                    rowStats.removeLast(rowStats.count - keep)
                }
            }
        }
        rowStats.sort(by: worstFirst)
        return DifferenceStatistics(elementCount: elementCount, maxAbsDifference: maxAbs,
                                    differenceL2: sumDiff.squareRoot(), referenceL2: sumRef.squareRoot(),
                                    differingElements: differing, nanMismatches: nanMismatches,
                                    topRows: Array(rowStats.prefix(keep)))
    }
}

/// Decodes `count` (≤ `buffer.count`) consecutive values starting at element `start` (C64:
/// float parts).
private func decodeRow(_ dtype: DType, _ bytes: UnsafeRawBufferPointer, start: Int, count: Int,
                       into buffer: inout [Double]) {
    buffer.withUnsafeMutableBufferPointer { out in
        switch dtype {
        case .f32, .c64:
            for i in 0..<count {
                out[i] = Double(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: (start + i) * 4, as: UInt32.self))))
            }
        case .bf16:
            for i in 0..<count {
                let bits = UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: (start + i) * 2, as: UInt16.self))) << 16
                out[i] = Double(Float(bitPattern: bits))
            }
        case .f64:
            for i in 0..<count {
                out[i] = Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: (start + i) * 8, as: UInt64.self)))
            }
        default:
            for i in 0..<count { out[i] = decodeElement(dtype, bytes, start + i) }
        }
    }
}
