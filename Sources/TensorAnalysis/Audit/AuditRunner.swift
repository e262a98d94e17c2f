import TensorViews

/// Runs every analysis `audit` knows on one checkpoint and applies the policy.
public enum AuditRunner {
    public static func run(_ checkpoint: Checkpoint, policy: AuditPolicy = AuditPolicy()) -> AuditReport {
        var findings = HeaderLint.findings(checkpoint)
        findings += []
        return AuditReport(checkpoint: checkpoint, findings: findings, policy: policy)
    }
}
