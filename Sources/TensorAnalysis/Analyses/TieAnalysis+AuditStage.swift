import CheckpointIO
import TensorScan

extension TieAnalysis {
    /// Ties in an audit: tensors with row statistics are told apart by a digest of them; the
    /// others in a size bucket of three or more are fingerprinted during the same read.
    struct AuditStage: TensorAnalysis.AuditStage {
        struct Summary: Sendable {
            var fingerprint: UInt64?
            var rowDigest: UInt64?
        }

        let checkpoint: Checkpoint
        let views: [TensorView]
        let needsFingerprint: Set<Int>
        /// Tensors whose row statistics the scan computes (within the row budget).
        let digested: Set<Int>
        /// Aliases the checkpoint's source already reports (a sharded index entry explained by
        /// `__metadata__`): one alias gives one `metadata-alias` finding, the source's, which
        /// names the shard.
        let aliasesReportedBySource: Set<String>

        init(checkpoint: Checkpoint) {
            self.checkpoint = checkpoint
            let views = checkpoint.tensors
            self.views = views
            // Tensors past the scan's row budget get no statistics, so no digest: fingerprints.
            let skipped = TensorView.statisticsSkipReasons(views)
            let digested = Set(views.indices.filter { skipped[$0] == nil })
            self.digested = digested
            needsFingerprint = TieAnalysis.tensorsNeedingFingerprints(views, digested: digested)
            aliasesReportedBySource = Set(checkpoint.sourceIssues.compactMap { issue in
                if case .metadataAlias(let removed, _, _) = issue.kind { return removed }
                return nil
            })
        }

        func request(for index: Int) -> ScanRequest {
            ScanRequest(statistics: digested.contains(index), fingerprint: needsFingerprint.contains(index))
        }

        func summary(of index: Int, _ output: RowScan.Output) -> Summary? {
            Summary(fingerprint: output.fingerprint, rowDigest: output.rows.map(TieAnalysis.rowDigest))
        }

        func findings(_ summaries: [Summary?]) -> [Finding] {
            var fingerprints: [Int: UInt64] = [:]
            var rowDigests: [Int: UInt64] = [:]
            for (i, summary) in summaries.enumerated() {
                fingerprints[i] = summary?.fingerprint
                rowDigests[i] = summary?.rowDigest
            }
            var report = TieAnalysis.analyze(checkpoint, fingerprints: fingerprints, rowDigests: rowDigests)
            for removed in aliasesReportedBySource { report.aliases[removed] = nil }
            return TieAnalysis.findings(report)
        }
    }
}
