/// A token matrix's rows whose norms are far above its median (the high side of
/// `RowSummary.outliers`, by the same robust score), kept from the scan for
/// `rows-beyond-tokenizer`.
///
/// Why: rows of an output projection past the tokenizer's last id are logits that name no token,
/// and transformers' `generate` does not mask them. Rows drawn around the others' mean (as
/// `resize_token_embeddings` writes them) stay unseen; rows with norms far above the others' can
/// outscore every token and be emitted as ids the tokenizer cannot decode (hunt-61a P2: a
/// model whose padded output rows were N(0, 5²) generated 20 such ids out of 20;
/// `TestData/knowledge/padded-logits`).
struct HighNormRows: Sendable {
    /// The median of the matrix's finite row norms.
    let median: Double
    /// Sorted by row.
    let rows: [RowSummary.Outlier]

    /// `nil` when the summary's norms were not profiled or no row is far above the median.
    init?(_ summary: RowSummary) {
        guard summary.normsProfiled, let median = summary.norms?.median else { return nil }
        let high = summary.outliers.filter { $0.score > 0 }
        guard !high.isEmpty else { return nil }
        self.median = median
        rows = high.sorted { $0.row < $1.row }
    }

    /// The rows within `span`.
    func within(_ span: Range<Int>) -> [RowSummary.Outlier] { rows.filter { span.contains($0.row) } }
}
