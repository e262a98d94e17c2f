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
