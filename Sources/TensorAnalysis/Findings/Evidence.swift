/// A measured value attached to a finding, kept typed so JSON reports carry numbers as
/// numbers and text reports can format them.
public enum Evidence: Sendable, Equatable {
    case int(Int64)
    case double(Double)
    case string(String)
    case bool(Bool)
    case strings([String])
}
