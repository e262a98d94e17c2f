/// One tensor entry of a validated header: what the header says, after every check passed.
public struct TensorInfo: Sendable, Hashable {
    public let name: String
    public let dtype: DType
    /// Dimensions as declared. `[]` is a scalar (one element); a zero dimension makes the
    /// tensor empty. Kept as `UInt64` because an empty tensor may legally declare a
    /// dimension larger than `Int.max`.
    public let shape: [UInt64]
    /// Half-open byte range relative to the start of the data section.
    public let begin: UInt64
    public let end: UInt64
    /// The product of `shape`, known not to overflow.
    public let elementCount: UInt64

    public init(name: String, dtype: DType, shape: [UInt64], begin: UInt64, end: UInt64, elementCount: UInt64) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.begin = begin
        self.end = end
        self.elementCount = elementCount
    }

    public var byteCount: UInt64 { end - begin }
}
