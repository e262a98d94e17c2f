import CheckpointIO
import SafetensorsFormat

/// `DifferenceStatistics` of a pair with an F64 side whose squares left double's range,
/// recomputed with every sum of squares held as a scaled norm (`ScaledNorm`), one value at a
/// time on one core.
///
/// Why: the scan squares values in double. F64 values above 2^511 (~6.7e153) overflow there,
/// and values below ~2^-485 lose bits or vanish: 1e155 against 1.1e155 gave a relative L2 of 0
/// ("ok", exit 0) where numpy with `math.hypot` gives 0.1, and 1e-310 against 2e-310 passed too
/// (found by a black-box QA run, 2026-12-05). Squares of every other decoded dtype stay inside
/// double's normal range (F32's largest 3.4e38 → 1.2e77, its smallest subnormal 1.4e-45 →
/// 2e-90; integers below 2^64 → 2^128), so only a pair with an F64 side can need this, and the
/// scan's own sums say which one does (`needsScaledPass`); every other pair keeps the scan's
/// bits.
enum ScaledDifference {
    /// Bytes of each side read before their pages are released (`statistics`).
    static let releaseBytes = 8 << 20

    /// Below this, a norm's squares are within 2^52 of double's subnormals and lose bits.
    static let smallNorm = 0x1p-485

    /// Whether the scan's `statistics` of `a` against `b` may be wrong for range, not rounding:
    /// A's squares (of finite values only) overflowed, the difference's squares overflowed
    /// while every difference was finite, or a non-zero difference or A's norm is small enough
    /// for its squares to lose bits (zero included: A's squares may all have vanished).
    ///
    /// The other side may be ggml-quantized (an F64 file against its Q8_0 GGUF): its values are
    /// float32, but the F64 side's squares leave double's range all the same. Why: 1e-200
    /// against a Q8_0 tensor of zeros gave a relative L2 of 0 and exit 0, and 1e200 a NaN
    /// (adversarial review, 2026-12-06).
    static func needsScaledPass(_ a: TensorView, _ b: TensorView, _ statistics: DifferenceStatistics) -> Bool {
        func isF64(_ v: TensorView) -> Bool { v.info.dtype.scalar != nil && v.dtype == .f64 }
        let scalars = a.info.dtype.scalar != nil && b.info.dtype.scalar != nil
        guard isF64(a) || isF64(b), scalars || QuantizedDifference.applies(a, b) else { return false }
        let s = statistics
        return s.referenceL2.isInfinite
            || (s.differenceL2.isInfinite && s.maxAbsDifference.isFinite)
            || (s.maxAbsDifference > 0 && s.maxAbsDifference < smallNorm)
            || (s.referenceL2 < smallNorm && s.differenceL2 > 0)
    }

    /// The statistics the scan computes (same counts, maximum and rows), with norms that
    /// cannot overflow or underflow in their squares. `order`: B's rows (a vector's elements)
    /// for A's, as in `DifferenceScan.run`. A quantized side's rows are dequantized one at a
    /// time (`QuantizedDifference.rowValues`: the float32 values the scan compares). `shift`:
    /// amounts taken off each side's values first (`ValueShift`), in double.
    /// `transposed`: B holds A's matrix transposed (a 2-D B of A's shape reversed, as
    /// llama.cpp's converter stores GPT-2's `Conv1D` weights): A's element (i, j) faces B's
    /// (j, i). A quantized B is then dequantized whole first (its rows are A's columns).
    static func statistics(_ a: TensorView, _ b: TensorView, order: RowInterleave?, topRows: Int,
                           shift: ValueShift = ValueShift(a: 0, b: 0), transposed: Bool = false) -> DifferenceStatistics {
        let rows = a.rowCount, length = rows == 0 ? 0 : a.rowLength
        var reference = ScaledNorm(), difference = ScaledNorm()
        var maxAbs = 0.0, differing = 0, nans = 0
        var worst = WorstRows(keep: min(max(0, topRows), rows))
        let vector = a.info.shape.count <= 1
        let floatsA = UnsafeMutablePointer<Float>.allocate(capacity: a.info.dtype.scalar == nil ? length : 0)
        let floatsB = UnsafeMutablePointer<Float>.allocate(capacity: b.info.dtype.scalar == nil ? (transposed ? length * rows : length) : 0)
        defer { floatsA.deallocate(); floatsB.deallocate() }
        let bytesA = a.bytes, bytesB = b.bytes
        // B transposed: its rows are A's columns, read whole once.
        var wholeB: (bytes: UnsafeRawBufferPointer, dtype: DType)?
        if transposed {
            wholeB = (bytesB, b.dtype)
            if b.info.dtype.scalar == nil {
                for column in 0..<length {
                    _ = QuantizedDifference.rowValues(b, bytesB, column, floats: floatsB + column * rows)
                }
                wholeB = (UnsafeRawBufferPointer(start: floatsB, count: length * rows * 4), .f32)
            }
        }
        // Pages read behind, released in 8 MiB steps when rows are read in order (a Falcon-H1's
        // multiplied matrices are most of the model, and peak RSS grew by both files' sizes).
        let releasesBehind = !transposed && order == nil && !vector && rows > 0
        var released = (a: 0, b: 0)
        func releaseBehind(throughRow row: Int) {
            let endA = a.bytes.count / rows * (row + 1), endB = b.bytes.count / rows * (row + 1)
            guard endA - released.a >= Self.releaseBytes || endB - released.b >= Self.releaseBytes || row == rows - 1 else { return }
            a.discardPages(released.a ..< endA)
            b.discardPages(released.b ..< endB)
            released = (endA, endB)
        }
        for row in 0..<rows {
            defer { if releasesBehind { releaseBehind(throughRow: row) } }
            var rowNorm = ScaledNorm(), rowMax = 0.0
            let rowB = vector ? row : order.map { $0.indexInB(row, count: rows) } ?? row
            let x0 = QuantizedDifference.rowValues(a, bytesA, row, floats: floatsA)
            let y0 = wholeB.map { (bytes: $0.bytes, dtype: $0.dtype, start: row) }
                ?? QuantizedDifference.rowValues(b, bytesB, rowB, floats: floatsB)
            let stride = transposed ? rows : 1
            for k in 0..<length {
                let kB = vector ? order.map { $0.indexInB(k, count: length) } ?? k : k
                let x = shift.mappedA(decodeElement(x0.dtype, x0.bytes, x0.start + k), row: vector ? 0 : row)
                let y = shift.mappedB(decodeElement(y0.dtype, y0.bytes, y0.start + kB * stride), row: vector ? 0 : rowB)
                if x.isFinite { reference.add(x) }
                if x == y || (x.isNaN && y.isNaN) { continue }
                differing += 1
                if x.isNaN || y.isNaN {
                    nans += 1
                    continue
                }
                let d = abs(x - y)
                maxAbs = max(maxAbs, d)
                rowMax = max(rowMax, d)
                difference.add(d)
                rowNorm.add(d)
            }
            if rowNorm.norm > 0 { worst.add(.init(row: row, l2: rowNorm.norm, maxAbs: rowMax)) }
        }
        // Read out of order (transposed, rows permuted, a vector): released whole once done, so
        // thousands of such pairs (DeepSeek's attn_k_b entries) do not keep both files resident
        // (hunt-58c F4: 6.1 GB peak RSS for DeepSeek-V3's attention sizes).
        if !releasesBehind {
            a.discardPages(0 ..< a.bytes.count)
            b.discardPages(0 ..< b.bytes.count)
        }
        var statistics = DifferenceStatistics(elementCount: a.elementCount, maxAbsDifference: maxAbs, differenceL2: difference.norm,
                                              referenceL2: reference.norm, differingElements: differing, nanMismatches: nans,
                                              topRows: worst.result)
        statistics.scaledRelativeL2 = difference.ratio(to: reference)
        return statistics
    }
}

/// √(Σx²) kept as scale · √(sum), the scale being the largest |x| so far, so no square leaves
/// double's range (the update of LAPACK's `dnrm2`); an infinite value makes the norm infinite.
struct ScaledNorm {
    private var scale = 0.0
    private var sumOfSquares = 1.0
    private var infinite = false

    mutating func add(_ x: Double) {
        let magnitude = abs(x)
        if magnitude.isInfinite {
            infinite = true
            return
        }
        guard magnitude > 0 else { return }
        if scale < magnitude {
            let ratio = scale / magnitude
            sumOfSquares = 1 + sumOfSquares * ratio * ratio
            scale = magnitude
        } else {
            let ratio = magnitude / scale
            sumOfSquares += ratio * ratio
        }
    }

    var norm: Double { infinite ? .infinity : scale == 0 ? 0 : scale * sumOfSquares.squareRoot() }

    /// Adds every value another norm holds: its Σx² joins this one's (a row's norm into the
    /// tensor's), rescaled the same way a single value is.
    mutating func add(norm other: ScaledNorm) {
        if other.infinite { infinite = true }
        guard other.scale > 0 else { return }
        if scale < other.scale {
            let ratio = scale / other.scale
            sumOfSquares = other.sumOfSquares + sumOfSquares * ratio * ratio
            scale = other.scale
        } else {
            let ratio = other.scale / scale
            sumOfSquares += other.sumOfSquares * ratio * ratio
        }
    }

    /// self.norm / other.norm, formed from the scales and sums, so it stays finite where both
    /// norms overflow: 0 when self is zero, infinite when other is zero or self infinite.
    func ratio(to other: ScaledNorm) -> Double {
        if scale == 0 && !infinite { return 0 }
        if infinite || other.scale == 0 { return .infinity }
        return (scale / other.scale) * (sumOfSquares / other.sumOfSquares).squareRoot()
    }
}
