import StrictJSON

/// One thing an analysis noticed: a value, never an exit or a print. The CLI renders findings
/// and turns them into an exit status. Problems found while opening a checkpoint arrive as
/// `SourceIssue` values and become findings through `SourceRules`.
public struct Finding: Sendable, Equatable {
    /// The rule, e.g. `Rule.paddingRowNonzero`; `rule.id` is the stable identifier reports print.
    public var rule: Rule
    public var severity: Severity
    /// The tensors involved, in code point order, as every list of names a report prints (two
    /// canonically equivalent spellings are equal to `String <`, which left them in the order
    /// they came).
    public var tensors: [String]
    /// One line a person understands without reading the code.
    public var message: String
    /// The numbers behind the message.
    public var evidence: [String: Evidence]
    /// The file the finding is about, when it concerns one file of several.
    public var file: String?

    /// A finding of `rule` at the rule's catalog severity, or at `severity` for the rules whose
    /// level depends on the evidence (e.g. `padding-row-nonzero` is info when tying explains it).
    public init(_ rule: Rule, severity: Severity? = nil, tensors: [String] = [], message: String,
                evidence: [String: Evidence] = [:], file: String? = nil) {
        self.rule = rule
        self.severity = severity ?? rule.defaultSeverity
        self.tensors = tensors.sortedByCodePoints()
        self.message = message
        self.evidence = evidence
        self.file = file
    }
}

extension Finding {
    /// " (one stored buffer, also read as "b", "c")" after the name of the view that speaks for
    /// views of one stored buffer, or "" for none: one wording for every rule that reports such
    /// views once (row rules, `untrained-tokens`, `padding-row-nonzero`), and one test of it
    /// (`leads(with:)`).
    static func alsoReadAs(_ others: [String]) -> String {
        others.isEmpty ? "" : " (one stored buffer, also read as \(others.map(quoted).joined(separator: ", ")))"
    }

    /// " (byte-identical copies, also stored as "b", "c")" after the name of the tensor that
    /// speaks for equal copies stored apart (`padding-row-nonzero`), or "" for none.
    static func alsoStoredAs(_ others: [String]) -> String {
        others.isEmpty ? "" : " (byte-identical copies, also stored as \(others.map(quoted).joined(separator: ", ")))"
    }

    /// Whether the message speaks of `tensor` first: alone (`tensor: …`), for the views of its
    /// buffer (`tensor (one stored buffer, …): …`) or for its copies (`tensor (byte-identical copies, …): …`).
    func leads(with tensor: String) -> Bool {
        message.hasPrefix(tensor + ":") || message.hasPrefix(tensor + " (one stored buffer, also read as ")
            || message.hasPrefix(tensor + " (byte-identical copies, also stored as ")
    }
}
