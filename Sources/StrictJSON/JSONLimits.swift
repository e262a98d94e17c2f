/// Bounds that keep hostile JSON finite in time and memory: a 10,000-deep nesting or a
/// gigabyte string is a clear error instead of a slow parse or a blown stack.
@frozen
public struct JSONLimits: Sendable, Equatable {
    /// Longest string (a key or a value), in UTF-8 bytes.
    public var maxStringBytes: Int
    /// Deepest nesting of arrays and objects.
    public var maxDepth: Int

    @inlinable
    public init(maxStringBytes: Int = 1 << 20, maxDepth: Int = 64) {
        self.maxStringBytes = maxStringBytes
        self.maxDepth = maxDepth
    }

    public static let `default` = JSONLimits()
}
