import CheckpointIO
import StrictJSON
import TensorScan

/// The result of `audit`: findings after the policy, and what was audited.
public struct AuditReport: Sendable {
    public var checkpointPath: String
    public var files: [String]
    public var tensorCount: Int
    public var byteCount: UInt64
    public var parameterCount: UInt64
    /// Sorted: most severe first, then by rule, tensors and message.
    public var findings: [Finding]
    public var policy: AuditPolicy
    /// The file and byte range of every tensor the findings name (SARIF locations), by the
    /// name's code points (two spellings of `café.weight` may sit in two shards); a name a
    /// finding repeats has every copy, in checkpoint order (`TensorLocation.of`).
    public var tensorLocations: [ExactText: [TensorLocation]]
    /// Per input embedding, the rows `untrained-tokens` flags (before the policy: a renderer
    /// may mark them even when the rule is switched off). Empty when none was flagged.
    public var untrainedRows: [TokenAnalysis.UntrainedRows]

    public init(checkpoint: Checkpoint, findings: [Finding], policy: AuditPolicy,
                untrainedRows: [TokenAnalysis.UntrainedRows] = []) {
        self.untrainedRows = untrainedRows
        checkpointPath = checkpoint.path
        files = checkpoint.files.map(\.path)
        tensorCount = checkpoint.tensors.count
        byteCount = checkpoint.tensors.reduce(0) { $0 + $1.info.byteCount }
        parameterCount = checkpoint.tensors.reduce(0) { $0 + $1.info.elementCount }
        self.policy = policy
        // Tensors and message by code points (`ExactText <`), as finding tensor lists are sorted.
        func key(_ f: Finding) -> (Int, String, ExactText, ExactText) {
            (-(Severity.allCases.firstIndex(of: f.severity) ?? 0), f.rule.id, ExactText(f.tensors.joined(separator: "\u{0}")), ExactText(f.message))
        }
        // Keys computed once per finding: built inside the comparison, a finding naming every
        // tensor of a 30,000-shard checkpoint was joined O(n log n) times.
        self.findings = policy.apply(to: findings).map { (key($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
        tensorLocations = TensorLocation.of(tensorsIn: self.findings, in: checkpoint)
    }

    /// The report on a torch file whose pickle names unsafe globals (`CheckpointError.unsafePickle`):
    /// one `pickle-unsafe-global` finding, nothing else analysed (no tensor was read).
    public init(unsafePickleAt checkpointPath: String, file: String, globals: [String], detail: String?, policy: AuditPolicy) {
        self.checkpointPath = checkpointPath
        files = [file]
        tensorCount = 0
        byteCount = 0
        parameterCount = 0
        self.policy = policy
        var message = "the pickle names \(globals.count) global(s) torch.load(weights_only=True) refuses: \(globals.joined(separator: ", ")); "
            + "torch.load(weights_only=False) or pickle would import them and may call them. Nothing was executed; the file is not analysed"
        if let detail { message += " (the pickle is also unreadable: \(detail))" }
        var evidence: [String: Evidence] = ["globals": .strings(globals)]
        if let detail { evidence["read_error"] = .string(detail) }
        let finding = Finding(.pickleUnsafeGlobal, message: message, evidence: evidence, file: file)
        findings = policy.apply(to: [finding])
        tensorLocations = [:]
        untrainedRows = []
    }

    /// Findings that make the audit fail.
    public var failing: [Finding] { findings.filter(policy.fails) }
    public var passed: Bool { failing.isEmpty }

    /// Rules the policy leaves enabled, in catalog order.
    public var enabledRules: [Rule] { RuleCatalog.all.filter { policy.isEnabled($0.id) } }
}
