import CheckpointIO
import SafetensorsFormat

/// An element's value as an exact integer, for comparing integer tensors without the rounding
/// of `Double` (2^64 − 1 and 2^64 − 2 are one `Double`).
public enum ExactInteger: Equatable, Sendable, CustomStringConvertible {
    /// A value below zero.
    case negative(Int64)
    /// A value of zero or more.
    case nonNegative(UInt64)

    init(_ value: Int64) { self = value < 0 ? .negative(value) : .nonNegative(UInt64(value)) }

    /// The integer in decimal, every digit kept (`-2`, `9223372036854775811`).
    public var description: String {
        switch self {
        case .negative(let x): String(x)
        case .nonNegative(let x): String(x)
        }
    }

    /// The integer a `Double` holds exactly, or nil (a fraction, NaN, ±∞, out of range).
    init?(exactly value: Double) {
        if value < 0, let v = Int64(exactly: value) { self = .negative(v) }
        else if let v = UInt64(exactly: value) { self = .nonNegative(v) }
        else { return nil }
    }
}

extension TensorView {
    /// Element `index` as an exact integer: integers and booleans as stored, a float only when
    /// it holds an integer exactly (nil otherwise, and for quantized blocks and C64).
    public func exactInteger(at index: Int) -> ExactInteger? {
        precondition(index >= 0 && index < elementCount, "element index out of range")
        guard let dtype = elementType.scalar, dtype != .c64 else { return nil }
        let b = bytes
        switch dtype {
        case .bool: return .nonNegative(b[index] == 0 ? 0 : 1)
        case .u8: return .nonNegative(UInt64(b[index]))
        case .i8: return ExactInteger(Int64(Int8(bitPattern: b[index])))
        case .u16: return .nonNegative(UInt64(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))))
        case .i16: return ExactInteger(Int64(Int16(littleEndian: b.loadUnaligned(fromByteOffset: index * 2, as: Int16.self))))
        case .u32: return .nonNegative(UInt64(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))))
        case .i32: return ExactInteger(Int64(Int32(littleEndian: b.loadUnaligned(fromByteOffset: index * 4, as: Int32.self))))
        case .u64: return .nonNegative(UInt64(littleEndian: b.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
        case .i64: return ExactInteger(Int64(littleEndian: b.loadUnaligned(fromByteOffset: index * 8, as: Int64.self)))
        default: return ExactInteger(exactly: decodeElement(dtype, b, index))
        }
    }

    /// How many elements of `self` (integers or booleans) and `other` (same count) hold
    /// different values, compared exactly (`exactInteger`); a float of `other` that holds no
    /// integer differs. One pass over both.
    public func exactDifferences(from other: TensorView) -> Int {
        guard elementCount == other.elementCount else { return max(elementCount, other.elementCount) }
        var differing = 0
        for i in 0..<elementCount where exactInteger(at: i) != other.exactInteger(at: i) || other.exactInteger(at: i) == nil {
            differing += 1
        }
        return differing
    }
}

extension ExactInteger {
    /// |a − b| as a `Double`, rounded once (from the exact difference, which may need 65 bits).
    ///
    /// Why not `Double(a) − Double(b)`: beyond 2^53 both round first, and 2^64 − 1 against
    /// 2^64 − 2 gave a difference of 0 for values that differ.
    static func distance(_ a: ExactInteger, _ b: ExactInteger) -> Double {
        switch (a, b) {
        case (.nonNegative(let x), .nonNegative(let y)): return Double(x > y ? x - y : y - x)
        case (.negative(let x), .negative(let y)): return Double(x > y ? UInt64(x - y) : UInt64(y - x))
        case (.nonNegative(let x), .negative(let y)), (.negative(let y), .nonNegative(let x)):
            let (sum, overflow) = x.addingReportingOverflow(y.magnitude)
            return overflow ? Double(x) + Double(y.magnitude) : Double(sum)
        }
    }

    /// |value|.
    var magnitude: UInt64 {
        switch self {
        case .negative(let x): x.magnitude
        case .nonNegative(let x): x
        }
    }

    /// |a − b| for an integer `a` and a finite `b` that is no integer of 64 bits (a fraction, or
    /// beyond the range), rounded about once: `a` is split into its nearest double `hi` and the
    /// exact rest `lo` (at most 2^10 for 64-bit integers), and |(hi − b) + lo| is formed. Why:
    /// `Double(a) − b` loses `lo` (U64 2^64 − 1 against F64 2^64 gave 0).
    static func distance(_ a: ExactInteger, _ b: Double) -> Double {
        let hi = a.value
        let lo: Double
        if let nearest = ExactInteger(exactly: hi) {
            lo = a == nearest ? 0 : (a.precedes(nearest) ? -distance(a, nearest) : distance(a, nearest))
        } else if case .nonNegative(let x) = a {
            lo = -Double(UInt64.max - x) - 1  // hi is 2^64, one past UInt64.max
        } else {
            lo = 0
        }
        return abs((hi - b) + lo)
    }

    /// Whether `self` < `other` as integers.
    func precedes(_ other: ExactInteger) -> Bool {
        switch (self, other) {
        case (.negative(let x), .negative(let y)): x < y
        case (.negative, .nonNegative): true
        case (.nonNegative, .negative): false
        case (.nonNegative(let x), .nonNegative(let y)): x < y
        }
    }

    /// The value as a `Double` (rounded once).
    var value: Double {
        switch self {
        case .negative(let x): Double(x)
        case .nonNegative(let x): Double(x)
        }
    }
}

extension TensorView {
    /// `differenceStatistics(from:)` of an integer tensor (integers, booleans, floats holding
    /// integers: `exactInteger`) and `other`, with each difference taken exactly (or, against a
    /// float that is no 64-bit integer, to about one rounding) before it is rounded to a
    /// `Double`; nil when an element of `self` is no integer, one of `other` is NaN or ±∞, the
    /// counts differ, or no value reaches 2^53: the scan's statistics stand then (its doubles
    /// hold every such integer and difference exactly).
    ///
    /// Why: the scan widens both sides to `Double` first, so integers beyond 2^53 that differ by
    /// less than their spacing compared equal: `max_abs_diff` 0 and no top rows beside
    /// `differing_elements` 1 (U64 2^64 − 1 against 2^64 − 2; adversarial test).
    public func exactDifferenceStatistics(from other: TensorView, topRows: Int) -> DifferenceStatistics? {
        guard elementCount == other.elementCount, rowCount == other.rowCount else { return nil }
        let rows = rowCount
        let length = rows == 0 ? 0 : rowLength
        // Squares summed in double (the bits every report had), and again as scaled norms
        // (`ScaledNorm`), used when a double sum overflowed: an integer A against an F64 B of
        // 1e160 gave a relative L2 of Infinity where numpy with `math.hypot` gives 1e160
        // (helper-147). Only an F64 B can get there: integers' squares stay below 2^128. (Also
        // when every difference's square vanished: fractions of 1e-170 beside large integers.)
        var reference = 0.0, squares = 0.0, maxAbs = 0.0
        var scaledReference = ScaledNorm(), scaledSquares = ScaledNorm()
        var differing = 0
        var beyondDouble = false
        var worst = WorstRows(keep: min(max(0, topRows), rows)), scaledWorst = worst
        for r in 0..<rows {
            var rowSquares = 0.0, rowMax = 0.0, rowNorm = ScaledNorm()
            for i in r * length..<(r + 1) * length {
                guard let a = exactInteger(at: i) else { return nil }
                reference += a.value * a.value
                scaledReference.add(a.value)
                beyondDouble = beyondDouble || a.magnitude >= 1 << 53
                let d: Double
                if let b = other.exactInteger(at: i) {
                    beyondDouble = beyondDouble || b.magnitude >= 1 << 53
                    guard a != b else { continue }
                    d = ExactInteger.distance(a, b)
                } else {
                    // B holds a float that is no 64-bit integer: a fraction, or beyond the range.
                    // NaN, ±∞, quantized blocks or C64 on B: the scan's rules and numbers stand.
                    guard other.elementType.scalar.map({ $0 != .c64 }) == true else { return nil }
                    let b = other.value(at: i)
                    guard b.isFinite else { return nil }
                    beyondDouble = beyondDouble || abs(b) >= 0x1p53
                    d = ExactInteger.distance(a, b)
                    guard d > 0 else { continue }
                }
                differing += 1
                rowSquares += d * d
                rowNorm.add(d)
                rowMax = Swift.max(rowMax, d)
            }
            squares += rowSquares
            scaledSquares.add(norm: rowNorm)
            maxAbs = Swift.max(maxAbs, rowMax)
            if rowSquares > 0 { worst.add(.init(row: r, l2: rowSquares.squareRoot(), maxAbs: rowMax)) }
            if rowNorm.norm > 0 { scaledWorst.add(.init(row: r, l2: rowNorm.norm, maxAbs: rowMax)) }
        }
        guard beyondDouble else { return nil }
        guard reference.isInfinite || squares.isInfinite || (squares == 0 && differing > 0) else {
            return DifferenceStatistics(elementCount: elementCount, maxAbsDifference: maxAbs, differenceL2: squares.squareRoot(),
                                        referenceL2: reference.squareRoot(), differingElements: differing, nanMismatches: 0,
                                        topRows: worst.result)
        }
        var statistics = DifferenceStatistics(elementCount: elementCount, maxAbsDifference: maxAbs, differenceL2: scaledSquares.norm,
                                              referenceL2: scaledReference.norm, differingElements: differing, nanMismatches: 0,
                                              topRows: scaledWorst.result)
        statistics.scaledRelativeL2 = scaledSquares.ratio(to: scaledReference)
        return statistics
    }
}
