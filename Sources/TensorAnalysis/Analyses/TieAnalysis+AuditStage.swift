import CheckpointIO
import StrictJSON
import TensorScan

extension TieAnalysis {
    /// Ties in an audit: the prefix sieve (`Twins`) leaves the candidates before the scan; each
    /// is compared with its class's first tensor during the scan (`RowScan.Job.comparingBytes`),
    /// so a tied copy is confirmed in the one read. For the rare class whose members differ
    /// from the first, row digests (or fingerprints hashed in the same read) key the rest.
    struct AuditStage: TensorAnalysis.AuditStage {
        struct Summary: Sendable {
            var fingerprint: UInt64?
            var rowDigest: UInt64?
            var sameBytesAsTwin: Bool?
        }

        let checkpoint: Checkpoint
        let views: [TensorView]
        let needsFingerprint: Set<Int>
        let twins: Twins
        /// Tensors whose row statistics the scan computes (within the row budget).
        let digested: Set<Int>
        /// Aliases the checkpoint's source already reports (a sharded index entry explained by
        /// `__metadata__`): one alias gives one `metadata-alias` finding, the source's, which
        /// names the shard.
        let aliasesReportedBySource: Set<ExactText>

        init(checkpoint: Checkpoint) {
            self.checkpoint = checkpoint
            let views = checkpoint.tensors
            self.views = views
            // Tensors past the scan's row budget get no statistics, so no digest: fingerprints.
            let skipped = TensorView.statisticsSkipReasons(views)
            let digested = Set(views.indices.filter { skipped[$0] == nil })
            self.digested = digested
            let twins = Twins(views)
            self.twins = twins
            // Only a class of three or more can leave two members that differ from the first.
            needsFingerprint = Set(twins.classes.filter { $0.count > 2 && !TieAnalysis.digestsSuffice($0, views, digested) }.joined())
            aliasesReportedBySource = Set(checkpoint.sourceIssues.compactMap { issue in
                if case .metadataAlias(let removed, _, _) = issue.kind { return ExactText(removed) }
                return nil
            })
        }

        func request(for index: Int) -> ScanRequest {
            let candidate = twins.candidates.contains(index)
            let statistics = digested.contains(index)
            // A candidate is read even without statistics, so that it can be compared in passing.
            return ScanRequest(statistics: statistics,
                               fingerprint: needsFingerprint.contains(index) || (candidate && !statistics),
                               sameBytesAs: twins.leaders[index])
        }

        func summary(of index: Int, _ output: RowScan.Output) -> Summary? {
            Summary(fingerprint: output.fingerprint,
                    rowDigest: twins.candidates.contains(index) ? output.rows.map(TieAnalysis.rowDigest) : nil,
                    sameBytesAsTwin: output.sameBytesAsTwin)
        }

        func findings(_ summaries: [Summary?]) -> [Finding] {
            TieAnalysis.findings(report(summaries))
        }

        /// The tie report from the summaries, without the aliases the source reports.
        func report(_ summaries: [Summary?]) -> Report {
            var fingerprints: [Int: UInt64] = [:]
            var rowDigests: [Int: UInt64] = [:]
            var verdicts: [Int: Bool] = [:]
            for (i, summary) in summaries.enumerated() {
                fingerprints[i] = summary?.fingerprint
                rowDigests[i] = summary?.rowDigest
                verdicts[i] = summary?.sameBytesAsTwin
            }
            var report = TieAnalysis.analyze(checkpoint, fingerprints: fingerprints, rowDigests: rowDigests,
                                             twins: twins, twinVerdicts: verdicts)
            for removed in aliasesReportedBySource { report.aliases[removed] = nil }
            return report
        }
    }
}
