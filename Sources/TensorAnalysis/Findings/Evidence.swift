/// A measured value attached to a finding, kept typed so JSON reports carry numbers as
/// numbers and text reports can format them.
public enum Evidence: Sendable, Equatable {
    case int(Int64)
    case double(Double)
    case string(String)
    case bool(Bool)
    case strings([String])
    /// Byte offsets and other counts, written as JSON numbers (they were strings once:
    /// `index-duplicate-key`'s `offsets`, against the README's "integers are written exactly").
    case unsignedIntegers([UInt64])
}
