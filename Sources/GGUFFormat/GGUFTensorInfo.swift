/// One tensor as the GGUF header describes it, validated: known type, at most four
/// dimensions, whole blocks per row, sizes that fit in 64 bits, bytes inside the file.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    public let type: GGMLType
    /// Row-major shape, rows first: the reverse of the stored dimensions (GGUF stores the
    /// innermost dimension first, so a numpy `[30522, 384]` matrix is stored as `[384, 30522]`).
    public let shape: [Int]
    /// Offset of the data relative to the data section, as stored.
    public let relativeOffset: UInt64
    /// Where the tensor's bytes sit in the file.
    public let byteRange: Range<Int>

    public var elementCount: Int { shape.reduce(1, *) }
    public var byteCount: Int { byteRange.count }
    /// Elements in one row (the innermost dimension; 1 for a scalar).
    public var rowLength: Int { shape.last ?? 1 }
    /// Rows: every dimension but the innermost multiplied together.
    public var rowCount: Int { shape.dropLast().reduce(1, *) }
    /// Bytes in one row (a whole number of blocks, checked when parsed).
    public var rowByteCount: Int { rowLength / type.blockSize * type.typeSize }
}
