import CheckpointIO
import TensorScan
import ModelKnowledge

extension TokenAnalysis {
    /// `untrained-tokens` in an audit: the input embeddings' row norms come from the one scan,
    /// and each is reduced to its low-norm rows on the core that finished it.
    struct AuditStage: TensorAnalysis.AuditStage {
        let views: [TensorView]
        let inputEmbeddings: Set<Int>
        /// The files beside the checkpoint, read beside the scan: waited for by the summary of
        /// an input embedding.
        let knowledge: BackgroundValue<CheckpointKnowledge>
        let tokenMatrices: TokenMatrices
        /// The pad id the user gave (`--pad-id`, the policy's `pad_id`), with its source.
        let padID: PadID?

        init(views: [TensorView], tokenMatrices: TokenMatrices, knowledge: BackgroundValue<CheckpointKnowledge>, padID: PadID? = nil) {
            self.views = views
            // The token matrices every row check reads (`TokenMatrices.readable`), whatever the
            // scan's row budget.
            let readable = tokenMatrices.readable
            inputEmbeddings = Set(views.indices.filter {
                views[$0].shape.count == 2 && readable.contains($0) && tokenMatrices.isInputEmbedding(views[$0].name)
            })
            self.knowledge = knowledge
            self.tokenMatrices = tokenMatrices
            self.padID = padID
        }

        func request(for index: Int) -> ScanRequest { ScanRequest(statistics: inputEmbeddings.contains(index)) }

        func summary(of index: Int, _ output: RowScan.Output) -> Result? {
            summary(of: index, rowSummary: rowSummary(of: index, output))
        }

        /// The first half of `summary(of:_:)`, which needs no tokenizer: the pipeline makes it
        /// before anything waits for the tokenizer, so the core that finished the matrix works
        /// while the tokenizer is still being read beside the scan. `made`: the row stage's
        /// summary of the same tensor, used when it profiled the norms (it is then this very
        /// summary: the same moments, no rows kept, norms profiled).
        func rowSummary(of index: Int, _ output: RowScan.Output, made: RowSummary? = nil) -> RowSummary? {
            guard inputEmbeddings.contains(index), let moments = output.rows else { return nil }
            if let made, made.normsProfiled { return made }
            return RowSummary(view: views[index], moments: moments, keepingRows: false)
        }

        /// The second half: the low-norm rows named, which waits for the tokenizer.
        func summary(of index: Int, rowSummary: RowSummary?) -> Result? {
            guard let summary = rowSummary else { return nil }
            return TokenAnalysis.untrainedRows(summary, tokenMatrices: tokenMatrices, padID: padID, knowledge: knowledge.value)
        }

        func findings(_ summaries: [Result?]) -> [Finding] {
            TokenAnalysis.findings(summaries.compactMap { $0 })
        }
    }
}
