import CheckpointIO
import StrictJSON
import TensorScan
import ModelKnowledge

extension PaddingAnalysis {
    /// The padding row in an audit: the embedding and output matrices (found once, by name and
    /// config shape) keep their row moments from the scan, so they are not read again.
    struct AuditStage: TensorAnalysis.AuditStage {
        let checkpoint: Checkpoint
        let views: [TensorView]
        /// Every token matrix, the unread ones too: the analysis notes those as without
        /// statistics instead of saying no token matrix was found.
        let matrices: [(TensorView, Role)]
        /// The names (`ExactText`: canonically equivalent names are two tensors) of the
        /// matrices whose row moments the scan keeps.
        let matrixNames: Set<ExactText>
        /// The files beside the checkpoint, read beside the scan: waited for by the findings.
        let knowledge: BackgroundValue<CheckpointKnowledge>

        /// The pad id the user gave (`--pad-id`, the policy's `pad_id`), with its source.
        let padID: PadID?
        /// False when no pad id can resolve: no `--pad-id` or policy `pad_id`, and `CheckpointKnowledge` has no
        /// source that could declare one. Then nothing is kept of the matrices (the findings
        /// are the "no pad token found" note alone).
        let padIDMayResolve: Bool

        init(checkpoint: Checkpoint, tokenMatrices: TokenMatrices, padID: PadID?, knowledge: BackgroundValue<CheckpointKnowledge>) {
            self.checkpoint = checkpoint
            self.knowledge = knowledge
            self.padID = padID
            padIDMayResolve = padID != nil || CheckpointKnowledge.mayDeclarePadID(checkpoint)
            views = checkpoint.tensors
            // The token matrices every row check reads (`TokenMatrices.readable`): one past their
            // budget is not re-read here (`statistics-skipped` names it).
            matrices = tokenMatrices.matrices
            matrixNames = Set(tokenMatrices.readable.map { ExactText(checkpoint.tensors[$0].name) })
        }

        func request(for index: Int) -> ScanRequest {
            ScanRequest(statistics: matrixNames.contains(ExactText(views[index].name)))
        }

        /// A matrix's row moments, and its row norms made here, on the core that finished it:
        /// they need no pad id, and made after the scan they were the audit's last 10–30 ms on
        /// one core for a 250,000-row vocabulary.
        struct Summary: Sendable {
            let moments: RowMomentsList
            let norms: RowNorms
        }

        func summary(of index: Int, _ output: RowScan.Output) -> Summary? {
            summary(of: index, output, rowSummary: nil)
        }

        /// `summary(of:_:)` taking the norm distribution from `rowSummary` (the row stage's
        /// summary of the same output) when that one profiled the norms.
        func summary(of index: Int, _ output: RowScan.Output, rowSummary: RowSummary?) -> Summary? {
            guard padIDMayResolve, matrixNames.contains(ExactText(views[index].name)), let moments = output.rows else { return nil }
            if let rowSummary, let norms = RowNorms(moments, profiled: rowSummary) {
                return Summary(moments: moments, norms: norms)
            }
            return Summary(moments: moments, norms: RowNorms(moments))
        }

        func findings(_ summaries: [Summary?]) throws(CheckpointError) -> [Finding] {
            try findings(summaries, copies: nil)
        }

        /// The findings, with each tensor's copies (by name) when the tie analysis found them
        /// (`TieAnalysis.Report.copies`), so the matrices are not compared again.
        func findings(_ summaries: [Summary?], copies: TieAnalysis.Copies?) throws(CheckpointError) -> [Finding] {
            findings(try report(summaries, copies: copies))
        }

        /// The analysis of the matrices' pad rows, with each tensor's copies (by name) when the
        /// tie analysis found them (`TieAnalysis.Report.copies`), so the matrices are not compared again.
        func report(_ summaries: [Summary?], copies: TieAnalysis.Copies?) throws(CheckpointError) -> Report {
            // By the names' bytes (see `analyze`): canonically equivalent names are two matrices.
            var moments: [ExactText: RowMomentsList] = [:]
            var norms: [ExactText: RowNorms] = [:]
            for (i, summary) in summaries.enumerated() {
                if let summary {
                    moments[ExactText(views[i].name)] = summary.moments
                    norms[ExactText(views[i].name)] = summary.norms
                }
            }
            return try PaddingAnalysis.analyze(checkpoint, padID: padID, tensors: [], rowMoments: moments,
                                               matrices: matrices, knowledge: knowledge.value, copies: copies,
                                               rowNorms: norms, readingMissingRows: false,
                                               padIDOptions: "--pad-id or the --policy file's pad_id")
        }

        /// The findings of `report`: the non-zero pad rows and the notes.
        func findings(_ report: Report) -> [Finding] {
            // A checkpoint without any tensor has no token matrix to check: `no-tensors` (or
            // `index-empty`) already says that nothing was checked.
            guard !views.isEmpty else { return PaddingAnalysis.findings(report) }
            // No token matrix where nothing says the model reads tokens (no tokenizer, no
            // config vocab_size, no pad id: a vision model, an adapter) is no news, and a note on
            // every such audit would be noise; with any of them, a missing matrix is worth saying.
            let known = knowledge.value
            let tokens = known.tokenizer != nil || known.config?.vocabSize.value != nil || report.padID != nil
            return PaddingAnalysis.findings(report)
                + PaddingAnalysis.noteFindings(report).filter { tokens || $0.evidence["reason"] != .string(Note.Kind.noTokenMatrix.rawValue) }
        }
    }
}
