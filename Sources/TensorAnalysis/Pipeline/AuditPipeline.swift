import CheckpointIO
import TensorScan

/// The audit: every analysis on one checkpoint, in one read of its bytes, then the policy.
///
/// plan → scan → summaries → findings → policy → report:
/// - **plan**: the files beside the checkpoint (config facts, tokenizer) start being read on a
///   thread of their own, beside the scan (`BackgroundValue`: only the summaries of token
///   matrices and the findings need them), and the token matrices are chosen (by name and
///   shape, or `tensors` of the policy); each `AuditStage`
///   (padding, ties, rows, tokens) says what the scan must compute for each
///   tensor; the requests are merged into one `RowScan` job per tensor;
/// - **scan**: one read of each tensor's bytes on all cores (`RowScan`); the pipeline advises
///   the kernel first, waits for a streamed `.zst` to finish decoding and checks that no file
///   changed before anything is reported;
/// - **summaries**: each stage reduces a tensor's output on the core that finished it, while
///   the other core reads on;
/// - **findings**: header lint and source issues (no bytes needed), then each stage's findings;
/// - **policy**: severities, switches and thresholds, then the sorted report.
///
/// Why one read: the row pass also gives the tie analysis a digest of each tensor's row
/// statistics (or, where digests cannot decide — C64, or a size shared across layouts — a
/// fingerprint hashed during the same pass) and keeps the row moments of the padding analysis'
/// matrices, so neither re-reads them (the second pass cost ~40% more time on a 1 GiB
/// checkpoint).
public enum AuditPipeline {
    /// Called with the number of tensor bytes just finished, from any thread.
    public typealias Progress = @Sendable (UInt64) -> Void

    public static func run(_ checkpoint: Checkpoint, policy: AuditPolicy = AuditPolicy(),
                           progress: Progress? = nil) throws(CheckpointError) -> AuditReport {
        // Plan.
        let views = checkpoint.tensors
        let knowledge = BackgroundValue { CheckpointKnowledge.read(checkpoint) }
        let tokenMatrices = try TokenMatrices(checkpoint, requested: policy.tensors)
        let ties = TieAnalysis.AuditStage(checkpoint: checkpoint)
        let rows = RowSummary.AuditStage(views: views, tokenMatrices: tokenMatrices, knowledge: knowledge,
                                         twinLeaders: ties.twins.leaders, padID: policy.padID,
                                         sharingStorage: Set(checkpoint.files.flatMap { $0.sharedStorageGroups.joined() }))
        let padding = PaddingAnalysis.AuditStage(checkpoint: checkpoint, tokenMatrices: tokenMatrices, padID: policy.padID,
                                                 knowledge: knowledge)
        let tokens = TokenAnalysis.AuditStage(views: views, tokenMatrices: tokenMatrices, knowledge: knowledge, padID: policy.padID)
        let work = views.indices.map { i -> RowScan.Work in
            let request = rows.request(for: i).merged(with: ties.request(for: i)).merged(with: padding.request(for: i))
                .merged(with: tokens.request(for: i))
            return RowScan.Work(of: views[i], request)
        }
        // Scan and summaries.
        let summaries = try checkpoint.read(advisingSequentialScan: true) { () throws(CheckpointError) in
            RowScan.run(views, work) { i, output in
                // What needs no tokenizer first (it may still be being read): the row summary,
                // made once for the row and token stages; then what waits to name rows.
                let rowSummary = rows.rowSummary(of: i, output)
                let tokenRows = tokens.rowSummary(of: i, output, made: rowSummary)
                let summary = Summaries(rows: rows.findings(of: i, rowSummary), ties: ties.summary(of: i, output),
                                        padding: padding.summary(of: i, output, rowSummary: rowSummary),
                                        tokens: tokens.summary(of: i, rowSummary: tokenRows),
                                        rowNorms: tokenMatrices.contains(views[i].name) ? rowSummary.flatMap(TokenRowNorms.init) : nil)
                progress?(views[i].info.byteCount)
                return summary
            }
        }
        // Findings (the concatenation order is the report's order among equal sort keys).
        var findings = HeaderLint.findings(checkpoint) + SourceRules.findings(checkpoint) + knowledge.value.findings
        // The tie report first: padding takes each matrix's copies from it.
        let tieReport = ties.report(summaries.map(\.ties))
        let paddingReport = try padding.report(summaries.map(\.padding), copies: tieReport.copies)
        findings += padding.findings(paddingReport)
        findings += TieAnalysis.findings(tieReport)
        // A zero pad row's `all-zero-rows` finding names the pad token and says why it is zero.
        // A copy of an input embedding's bytes stored apart speaks through the embedding.
        findings += RowSummary.AuditStage.joiningEmbeddingCopies(
            PaddingAnalysis.explainingZeroPadRows(rows.findings(summaries.map(\.rows)), paddingReport, tokenRows: tokenMatrices.isDetected),
            copies: tieReport.copies, isInputEmbedding: tokenMatrices.isInputEmbedding)
        let tokenResults = summaries.compactMap(\.tokens)
        // Views of one stored buffer (a torch file's T5 `shared` and both `embed_tokens`) are one
        // matrix: one finding, as padding-row-nonzero gives them.
        // Looked up for the flagged matrices alone, not built for every tensor of the checkpoint.
        findings += TokenAnalysis.findings(tokenResults, buffer: { checkpoint.tensor(named: $0)?.bytesKey })
        let rowNorms = Dictionary(summaries.indices.compactMap { i in summaries[i].rowNorms.map { (views[i].name, $0) } },
                                   uniquingKeysWith: { first, _ in first })
        findings += TokenizerCoverage.findings(tokenMatrices, knowledge: knowledge.value, checkpoint: checkpoint, rowNorms: rowNorms) {
            Dictionary(ConfigTie.unstoredOutputs(in: checkpoint, report: tieReport).map { ($0.tensor, $0.tying) }, uniquingKeysWith: { first, _ in first })
        }
        findings += ConfigVocabularyRows.findings(tokenMatrices, checkpoint: checkpoint)
        findings += NoTensors.findings(checkpoint, alongside: findings)
        findings += PartialCheckpoint.findings(checkpoint)
        // Policy and report.
        return AuditReport(checkpoint: checkpoint, findings: findings, policy: policy,
                           untrainedRows: tokenResults.map(\.untrainedRows))
    }

    /// What the stages keep of one tensor.
    private struct Summaries: Sendable {
        var rows: RowSummary.AuditStage.Summary?
        var ties: TieAnalysis.AuditStage.Summary?
        var padding: PaddingAnalysis.AuditStage.Summary?
        var tokens: TokenAnalysis.AuditStage.Summary?
        /// A token matrix's row norms, for `rows-beyond-tokenizer`.
        var rowNorms: TokenRowNorms?
    }
}

extension RowScan.Work {
    /// The work on `view` computing what `request` asks for.
    init(of view: TensorView, _ request: ScanRequest) {
        switch (request.statistics, request.fingerprint) {
        case (true, true): self = .statisticsAndFingerprint(of: view)
        case (true, false): self = .statistics(of: view)
        case (false, true): self = .fingerprint
        case (false, false): self = .nothing
        }
        if let leader = request.sameBytesAs { self = comparingBytes(withJob: leader) }
    }
}
