/// A token matrix's row norms, kept from the scan for `rows-beyond-tokenizer`, which weighs the
/// rows past the tokenizer's last id against the tokenizer's own rows.
///
/// Why: rows of an output projection past the tokenizer's last id are logits that name no token,
/// and transformers' `generate` does not mask them. Rows drawn around the others' mean (as
/// `resize_token_embeddings` writes them) stay unseen; rows with norms far above the others' can
/// outscore every token and be emitted as ids the tokenizer cannot decode (hunt-61a P2: a
/// model whose padded output rows were N(0, 5²) generated 20 such ids out of 20;
/// `TestData/knowledge/padded-logits`). The reference is the median of the tokenizer's rows
/// alone: over the whole matrix, padded rows that are half of it or more (or a matrix whose
/// token rows are mostly zero) set the median themselves and were never far above it, while
/// generate emitted them every time (hunt-65c M1).
struct TokenRowNorms: Sendable {
    /// Every row's norm (`RowSummary.rowNorms`).
    let norms: [Double]

    /// `nil` when the summary kept no norms.
    init?(_ summary: RowSummary) {
        guard summary.rowNorms.count == summary.rowCount, !summary.rowNorms.isEmpty else { return nil }
        norms = summary.rowNorms
    }

    /// A row far above the reference, with its norm.
    struct Row: Equatable {
        let row: Int
        let norm: Double
    }

    /// The rows of `candidates` whose norms are far above the median finite norm of the first
    /// `tokenRows` rows (the tokenizer's), by `outlier-rows`' robust score: modified z > 3.5 and
    /// at least 5 % above the median; where the MAD is zero (most token rows share one norm, all
    /// zero included), every row at least 5 % above the median and above it at all. Nil when
    /// none of those rows has a finite norm.
    func far(in candidates: [Int], against tokenRows: Int) -> (rows: [Row], median: Double)? {
        let reference = norms[..<min(max(0, tokenRows), norms.count)].filter(\.isFinite)
        guard !reference.isEmpty else { return nil }
        let median = Distribution.median(reference)
        let mad = Distribution.median(reference.map { abs($0 - median) })
        var found: [Row] = []
        for row in candidates where norms.indices.contains(row) {
            let norm = norms[row]
            guard norm.isFinite, norm > median else { continue }
            // A zero MAD (most token rows share one norm) makes every row above the median outlying.
            let score = mad == 0 ? .infinity : RowSummary.robustScore(norm, median: median, mad: mad)
            if RowSummary.isOutlying(norm, score: score, median: median) { found.append(Row(row: row, norm: norm)) }
        }
        return (found, median)
    }
}
