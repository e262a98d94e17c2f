extension GGUFArray {
    /// Element `i` as `Int`, when this is an integer array, `i` is an index of it and the
    /// element fits (a u64 above `Int.max` does not); else nil.
    ///
    /// Why not `integers[i]`: that converts the whole array, and a per-layer lookup made once
    /// per tensor then costs tensors × elements (a 2M-entry head-count list and 2,000 q
    /// tensors took 4 s in `diff`); this is O(1).
    public func integer(at i: Int) -> Int? {
        guard i >= 0, i < count else { return nil }
        switch self {
        case let .uint8(a): return Int(a[i])
        case let .int8(a): return Int(a[i])
        case let .uint16(a): return Int(a[i])
        case let .int16(a): return Int(a[i])
        case let .uint32(a): return Int(a[i])
        case let .int32(a): return Int(a[i])
        case let .uint64(a): return Int(exactly: a[i])
        case let .int64(a): return Int(a[i])
        default: return nil
        }
    }

    /// Whether the elements are integers (of any width).
    public var holdsIntegers: Bool {
        switch self {
        case .uint8, .int8, .uint16, .int16, .uint32, .int32, .uint64, .int64: true
        default: false
        }
    }
}
