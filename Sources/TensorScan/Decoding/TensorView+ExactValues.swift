import CheckpointIO
import SafetensorsFormat

/// An element's value as an exact integer, for comparing integer tensors without the rounding
/// of `Double` (2^64 − 1 and 2^64 − 2 are one `Double`).
public enum ExactInteger: Equatable, Sendable {
    /// A value below zero.
    case negative(Int64)
    /// A value of zero or more.
    case nonNegative(UInt64)

    init(_ value: Int64) { self = value < 0 ? .negative(value) : .nonNegative(UInt64(value)) }

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
