import TensorViews

/// Runs every analysis `audit` knows on one checkpoint and applies the policy.
public enum AuditRunner {
    /// Called with the number of tensor bytes just finished, from any thread.
    public typealias Progress = @Sendable (UInt64) -> Void

    public static func run(_ checkpoint: Checkpoint, policy: AuditPolicy = AuditPolicy(),
                           progress: Progress? = nil) throws(CheckpointError) -> AuditReport {
        var findings = HeaderLint.findings(checkpoint) + sourceFindings(checkpoint)
        findings += PaddingAnalysis.findings(try PaddingAnalysis.analyze(checkpoint))
        findings += TieAnalysis.findings(TieAnalysis.analyze(checkpoint))
        for file in checkpoint.files { file.adviseSequentialScan() }
        for view in checkpoint.tensors {
            if let summary = RowSummary(view: view) {
                findings += summary.findings().filter { finding in
                    // Row-shape rules only make sense for matrices; value rules apply to all.
                    view.shape.count >= 2 || finding.rule == "nan-values" || finding.rule == "inf-values"
                }
            }
            progress?(view.info.byteCount)
        }
        return AuditReport(checkpoint: checkpoint, findings: findings, policy: policy)
    }

    /// Index and shard problems found while opening, as findings.
    static func sourceFindings(_ checkpoint: Checkpoint) -> [Finding] {
        checkpoint.sourceIssues.map { issue in
            let severity: Severity = switch issue.level {
            case .info: .info
            case .warning: .warning
            case .error: .error
            }
            return Finding(rule: issue.rule, severity: severity, tensors: issue.tensors, message: issue.message,
                           evidence: issue.evidence.mapValues { value in
                               switch value {
                               case .int(let n): .int(n)
                               case .string(let s): .string(s)
                               case .strings(let list): .strings(list)
                               }
                           }, file: issue.file)
        }
    }
}
