import TensorViews

/// Runs every analysis `audit` knows on one checkpoint and applies the policy.
public enum AuditRunner {
    /// Called with the number of tensor bytes just finished, from any thread.
    public typealias Progress = @Sendable (UInt64) -> Void

    /// One read of each tensor's bytes: the row pass also gives the tie analysis a digest of
    /// each tensor's row statistics (or, where digests cannot decide — C64, or a size shared
    /// across layouts — a fingerprint hashed during the same pass) and keeps the row moments of
    /// the padding analysis' matrices, so neither re-reads them (the second pass cost ~40% more
    /// time on a 1 GiB checkpoint). The per-tensor summaries run inside the scan (`RowScan`), on
    /// the core that finished the tensor, while the other core reads on.
    public static func run(_ checkpoint: Checkpoint, policy: AuditPolicy = AuditPolicy(),
                           progress: Progress? = nil) throws(CheckpointError) -> AuditReport {
        let views = checkpoint.tensors
        let digested = Set(views.indices.filter { views[$0].hasStatistics })
        let needsFingerprint = TieAnalysis.tensorsNeedingFingerprints(views, digested: digested)
        let matrices = PaddingAnalysis.matrices(checkpoint)
        let paddingMatrices = Set(matrices.map { $0.0.name })
        for file in checkpoint.files { file.adviseSequentialScan() }
        let jobs = views.indices.map { i in
            needsFingerprint.contains(i) ? RowScan.Job.statisticsAndFingerprint(of: views[i]) : .statistics(of: views[i])
        }
        let scanned = RowScan.run(jobs) { i, output in
            let view = views[i]
            var result = TensorResult(fingerprint: output.fingerprint)
            if let moments = output.rows {
                result.rowDigest = TieAnalysis.rowDigest(of: moments)
                if paddingMatrices.contains(view.name) { result.paddingMoments = moments }
                result.findings = RowSummary(view: view, moments: moments).findings().filter { finding in
                    // Row-shape rules only make sense for matrices; value rules apply to all.
                    view.shape.count >= 2 || finding.rule == "nan-values" || finding.rule == "inf-values"
                }
            }
            progress?(view.info.byteCount)
            return result
        }
        // A `.zst` opened with overlapping decompression may still be decoding: the scan above
        // waited tensor by tensor; this surfaces a decoding failure before anything is reported.
        try checkpoint.waitUntilLoaded()
        var fingerprints: [Int: UInt64] = [:]
        var rowDigests: [Int: UInt64] = [:]
        var paddingMoments: [String: [RowMoments]] = [:]
        var rowFindings: [Finding] = []
        for (i, result) in scanned.enumerated() {
            fingerprints[i] = result.fingerprint
            rowDigests[i] = result.rowDigest
            if let moments = result.paddingMoments { paddingMoments[views[i].name] = moments }
            rowFindings += result.findings
        }
        var findings = HeaderLint.findings(checkpoint) + checkpoint.sourceIssues
        findings += PaddingAnalysis.findings(try PaddingAnalysis.analyze(checkpoint, padID: nil, tensors: [], rowMoments: paddingMoments,
                                                                      matrices: matrices))
        findings += TieAnalysis.findings(TieAnalysis.analyze(checkpoint, fingerprints: fingerprints, rowDigests: rowDigests))
        findings += rowFindings
        return AuditReport(checkpoint: checkpoint, findings: findings, policy: policy)
    }

    /// What the scan keeps of one tensor.
    private struct TensorResult: Sendable {
        var fingerprint: UInt64?
        var rowDigest: UInt64?
        var paddingMoments: [RowMoments]?
        var findings: [Finding] = []
    }
}
