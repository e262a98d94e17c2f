import CheckpointIO
import TensorScan
import ModelKnowledge

extension TokenAnalysis {
    /// `untrained-tokens` in an audit: the input embeddings' row norms come from the one scan,
    /// and each is reduced to its low-norm rows on the core that finished it.
    struct AuditStage: TensorAnalysis.AuditStage {
        let views: [TensorView]
        let inputEmbeddings: Set<Int>
        let tokenizer: Tokenizer?
        let unused: Set<Int>
        let tokenMatrices: TokenMatrices
        let config: ModelConfigFacts?
        let padFlag: Int?

        init(views: [TensorView], tokenMatrices: TokenMatrices, knowledge: CheckpointKnowledge, padFlag: Int? = nil) {
            self.views = views
            let budget = TensorView.statisticsSkipReasons(views)
            inputEmbeddings = Set(views.indices.filter {
                views[$0].shape.count == 2 && budget[$0] == nil && tokenMatrices.isInputEmbedding(views[$0].name)
            })
            tokenizer = knowledge.tokenizer
            self.tokenMatrices = tokenMatrices
            unused = Set(knowledge.unusedTokens.map(\.id))
            config = knowledge.config
            self.padFlag = padFlag
        }

        func request(for index: Int) -> ScanRequest { ScanRequest(statistics: inputEmbeddings.contains(index)) }

        func summary(of index: Int, _ output: RowScan.Output) -> Result? {
            guard inputEmbeddings.contains(index), let moments = output.rows else { return nil }
            let summary = RowSummary(view: views[index], moments: moments, keepingRows: false)
            let byID = tokenMatrices.rowsAreTokenIDs(views[index].name)
            // The pad id as `padding` resolves it for this matrix (flag, config.json, tokenizer).
            let pad = byID ? PadIDResolver.resolve(flag: padFlag, config: config, tokenizer: tokenizer, rowCount: views[index].rowCount).padID : nil
            return TokenAnalysis.analyze(summary, tokenizer: byID ? tokenizer : nil, unused: byID ? unused : [], padID: pad)
        }

        func findings(_ summaries: [Result?]) -> [Finding] {
            TokenAnalysis.findings(summaries.compactMap { $0 })
        }
    }
}
