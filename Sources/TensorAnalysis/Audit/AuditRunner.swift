import TensorViews

/// Runs every analysis `audit` knows on one checkpoint and applies the policy.
public enum AuditRunner {
    /// Called with the number of tensor bytes just finished, from any thread.
    public typealias Progress = @Sendable (UInt64) -> Void

    /// One read of each tensor's bytes: the row pass also gives the tie analysis a digest of
    /// each tensor's row statistics (or, where digests cannot decide — C64, or a size shared
    /// across layouts — a fingerprint hashed during the same pass) and keeps the row moments of
    /// the padding analysis' matrices, so neither re-reads them (the second pass cost ~40% more
    /// time on a 1 GiB checkpoint).
    public static func run(_ checkpoint: Checkpoint, policy: AuditPolicy = AuditPolicy(),
                           progress: Progress? = nil) throws(CheckpointError) -> AuditReport {
        let views = checkpoint.tensors
        let digested = Set(views.indices.filter { views[$0].hasStatistics })
        let needsFingerprint = TieAnalysis.tensorsNeedingFingerprints(views, digested: digested)
        let paddingMatrices = PaddingAnalysis.candidateNames(checkpoint)
        var fingerprints: [Int: UInt64] = [:]
        var rowDigests: [Int: UInt64] = [:]
        var paddingMoments: [String: [RowMoments]] = [:]
        var rowFindings: [Finding] = []
        for file in checkpoint.files { file.adviseSequentialScan() }
        for (i, view) in views.enumerated() {
            let moments: [RowMoments]?
            if needsFingerprint.contains(i) {
                let both = view.rowMomentsAndFingerprint()
                moments = both.rows
                fingerprints[i] = both.fingerprint
            } else {
                moments = view.rowMoments()
            }
            if let moments {
                rowDigests[i] = TieAnalysis.rowDigest(of: moments)
                if paddingMatrices.contains(view.name) { paddingMoments[view.name] = moments }
                rowFindings += RowSummary(view: view, moments: moments).findings().filter { finding in
                    // Row-shape rules only make sense for matrices; value rules apply to all.
                    view.shape.count >= 2 || finding.rule == "nan-values" || finding.rule == "inf-values"
                }
            }
            progress?(view.info.byteCount)
        }
        var findings = HeaderLint.findings(checkpoint) + checkpoint.sourceIssues
        findings += PaddingAnalysis.findings(try PaddingAnalysis.analyze(checkpoint, rowMoments: paddingMoments))
        findings += TieAnalysis.findings(TieAnalysis.analyze(checkpoint, fingerprints: fingerprints, rowDigests: rowDigests))
        findings += rowFindings
        return AuditReport(checkpoint: checkpoint, findings: findings, policy: policy)
    }
}
