import CheckpointIO
import TensorScan
import ModelKnowledge

extension RowSummary {
    /// The row-statistics rules in an audit: every tensor's rows are reduced, and each tensor's
    /// findings are drawn on the core that finished it (only the findings are kept).
    struct AuditStage: TensorAnalysis.AuditStage {
        let views: [TensorView]
        /// Tensors within the scan's row budget (`TensorView.statisticsSkipReasons`).
        let budgeted: Set<Int>
        let tokenMatrices: TokenMatrices
        let tokenizer: Tokenizer?

        init(views: [TensorView], tokenMatrices: TokenMatrices, tokenizer: Tokenizer?) {
            self.views = views
            let skipped = TensorView.statisticsSkipReasons(views)
            budgeted = Set(views.indices.filter { skipped[$0] == nil })
            self.tokenMatrices = tokenMatrices
            self.tokenizer = tokenizer
        }

        func request(for index: Int) -> ScanRequest { ScanRequest(statistics: budgeted.contains(index)) }

        func summary(of index: Int, _ output: RowScan.Output) -> [Finding]? {
            guard budgeted.contains(index), let moments = output.rows else { return nil }
            let view = views[index]
            // Outlying rows are news only where a row is a token: in attention and FFN
            // matrices they are normal (27 of 28 findings on all-MiniLM-L6-v2 were such noise).
            // An input embedding's low rows are `untrained-tokens`' (TokenAnalysis).
            let isToken = tokenMatrices.contains(view.name)
            let isInput = tokenMatrices.isInputEmbedding(view.name)
            let names = isToken && tokenMatrices.rowsAreTokenIDs(view.name) ? tokenizer : nil
            return RowSummary(view: view, moments: moments, profilingNorms: isToken).applicableFindings(
                keepingOutlier: { isToken && (!isInput || $0.score > 0) },
                token: { names?.token(for: $0) })
        }

        func findings(_ summaries: [[Finding]?]) -> [Finding] {
            summaries.flatMap { $0 ?? [] }
        }
    }
}
