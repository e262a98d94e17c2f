import CheckpointIO
import TensorScan

extension PaddingAnalysis {
    /// The padding row in an audit: the embedding and output matrices (found once, by name and
    /// config shape) keep their row moments from the scan, so they are not read again.
    struct AuditStage: TensorAnalysis.AuditStage {
        let checkpoint: Checkpoint
        let views: [TensorView]
        let matrices: [(TensorView, Role)]
        let matrixNames: Set<String>
        /// The files beside the checkpoint, read beside the scan: waited for by the findings.
        let knowledge: BackgroundValue<CheckpointKnowledge>

        let padID: Int?

        init(checkpoint: Checkpoint, tokenMatrices: TokenMatrices, padID: Int?, knowledge: BackgroundValue<CheckpointKnowledge>) {
            self.checkpoint = checkpoint
            self.knowledge = knowledge
            self.padID = padID
            views = checkpoint.tensors
            matrices = tokenMatrices.matrices
            matrixNames = Set(matrices.map { $0.0.name })
        }

        func request(for index: Int) -> ScanRequest {
            ScanRequest(statistics: matrixNames.contains(views[index].name))
        }

        func summary(of index: Int, _ output: RowScan.Output) -> [RowMoments]? {
            matrixNames.contains(views[index].name) ? output.rows : nil
        }

        func findings(_ summaries: [[RowMoments]?]) throws(CheckpointError) -> [Finding] {
            try findings(summaries, copies: nil)
        }

        /// The findings, with each tensor's copies (by name) when the tie analysis found them
        /// (`TieAnalysis.Report.copies`), so the matrices are not compared again.
        func findings(_ summaries: [[RowMoments]?], copies: TieAnalysis.Copies?) throws(CheckpointError) -> [Finding] {
            var moments: [String: [RowMoments]] = [:]
            for (i, summary) in summaries.enumerated() {
                if let summary { moments[views[i].name] = summary }
            }
            let report = try PaddingAnalysis.analyze(checkpoint, padID: padID, tensors: [], rowMoments: moments,
                                                     matrices: matrices, knowledge: knowledge.value, copies: copies)
            return PaddingAnalysis.findings(report)
        }
    }
}
