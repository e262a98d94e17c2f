import StrictJSON

/// Bounds that keep a hostile header finite in time and memory.
///
/// The header itself is capped at 100,000,000 bytes (the reference's cap), which already
/// bounds everything; these finer limits turn pathological-but-small inputs (a 10,000-deep
/// nesting, a million-dimension shape) into a clear error instead of a slow parse.
public struct HeaderLimits: Sendable, Equatable {
    /// The reference implementation's cap on `N`; exactly this value is accepted.
    public static let maxHeaderLength: UInt64 = 100_000_000

    /// Most tensors one header may declare.
    public var maxTensors: Int = 10_000_000
    /// Longest tensor name or metadata key/value, in UTF-8 bytes.
    public var maxStringBytes: Int = 1 << 20
    /// Most dimensions in one shape.
    public var maxRank: Int = 64
    /// Deepest nesting of arrays/objects inside an ignored field.
    public var maxDepth: Int = 64
    /// Most `__metadata__` entries.
    public var maxMetadataEntries: Int = 1_000_000
    /// Longest run of combining marks in a name, key or value (UAX #15's stream-safe bound).
    public var maxNonStarterRun: Int = StreamSafeText.maxNonStarterRun

    public init() {}

    public static let `default` = HeaderLimits()
}

extension HeaderLimits {
    /// The limits the JSON scanner enforces itself (strings, nesting).
    public var json: JSONLimits { JSONLimits(maxStringBytes: maxStringBytes, maxDepth: maxDepth, maxNonStarterRun: maxNonStarterRun) }
}
