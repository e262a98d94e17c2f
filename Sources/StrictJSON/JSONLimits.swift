/// Bounds that keep hostile JSON finite in time and memory: a 10,000-deep nesting or a
/// gigabyte string is a clear error instead of a slow parse or a blown stack.
@frozen
public struct JSONLimits: Sendable, Equatable {
    /// Longest string (a key or a value), in UTF-8 bytes.
    public var maxStringBytes: Int
    /// Deepest nesting of arrays and objects.
    public var maxDepth: Int
    /// Longest run of consecutive non-starters (combining marks) in a string the reader keeps:
    /// UAX #15's stream-safe bound (`StreamSafeText`), which keeps `String` comparison linear.
    public var maxNonStarterRun: Int

    @inlinable
    public init(maxStringBytes: Int = 1 << 20, maxDepth: Int = 64,
                maxNonStarterRun: Int = StreamSafeText.maxNonStarterRun) {
        self.maxStringBytes = maxStringBytes
        self.maxDepth = maxDepth
        self.maxNonStarterRun = maxNonStarterRun
    }

    public static let `default` = JSONLimits()
}
