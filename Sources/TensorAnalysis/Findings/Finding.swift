/// How much a finding matters. A policy may change a rule's severity; `error` findings (or
/// any finding whose rule is named by `--fail-on`) make `audit` exit 1.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case info
    case warning
    case error

    public static func < (a: Severity, b: Severity) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}

/// A measured value attached to a finding, kept typed so JSON reports carry numbers as
/// numbers and text reports can format them.
public enum Evidence: Sendable, Equatable {
    case int(Int64)
    case double(Double)
    case string(String)
    case bool(Bool)
    case strings([String])
}

/// One thing an analysis noticed: a value, never an exit or a print. The CLI renders findings
/// and turns them into an exit status. It lives in this module so that problems found while
/// opening a checkpoint (index and shard consistency) are findings too, not a parallel type.
public struct Finding: Sendable, Equatable {
    /// Stable, documented rule identifier, e.g. `padding-row-nonzero`.
    public var rule: String
    public var severity: Severity
    /// The tensors involved, sorted.
    public var tensors: [String]
    /// One line a person understands without reading the code.
    public var message: String
    /// The numbers behind the message.
    public var evidence: [String: Evidence]
    /// The file the finding is about, when it concerns one file of several.
    public var file: String?

    public init(rule: String, severity: Severity, tensors: [String] = [], message: String,
                evidence: [String: Evidence] = [:], file: String? = nil) {
        self.rule = rule
        self.severity = severity
        self.tensors = tensors.sorted()
        self.message = message
        self.evidence = evidence
        self.file = file
    }
}
