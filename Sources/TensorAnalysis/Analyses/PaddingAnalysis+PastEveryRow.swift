import CheckpointIO
import StrictJSON

extension PaddingAnalysis {
    /// What every token matrix the report looked at holds, when `id` (a pad id given on the
    /// command line) is past the last row of each — or, for a static embedding layout, past the
    /// tokens it addresses — and no pad row was checked: one `"NAME" has N rows` clause per
    /// matrix. nil when a pad row was checked, or some matrix was left out for another reason
    /// (not a matrix, no statistics, a mapping without the id). `padding` makes it a usage error,
    /// as `rows --rows` past the end is. Why: `--pad-id 60000` of a 49,152-row model printed
    /// "out of range … skipped" and exited 0, and so did a model2vec model's `--pad-id 100000`
    /// (reviews, 2026-12-05). A matrix of no elements whose rows include the id (`[3, 0]`) is
    /// not "past": it has nothing to check.
    public static func matricesPast(_ id: Int, in report: Report, checkpoint: Checkpoint) -> [String]? {
        guard report.results.isEmpty else { return nil }
        let unchecked = report.notes.filter(\.leftMatrixUnchecked)
        guard !unchecked.isEmpty else { return nil }
        let layout = staticLayout(checkpoint)
        var past: [String] = []
        for note in unchecked {
            guard let name = note.tensors.first else { return nil }
            switch note.kind {
            case .padIDOutOfRange:
                guard let view = checkpoint.tensor(named: name) else { return nil }
                let rows = view.info.shape.count >= 2 ? view.info.shape[0] : UInt64(view.rowCount)
                guard id >= 0, UInt64(id) >= rows else { return nil }
                past.append("\(quoted(name)) has \(rows) row\(rows == 1 ? "" : "s")")
            case .noMappedRow:
                guard let layout, layout.embeddings == name, id >= layout.tokenCount else { return nil }
                past.append("\(quoted(name)) addresses \(layout.tokenCount) token\(layout.tokenCount == 1 ? "" : "s") (\(layout.kind.rawValue) layout)")
            default:
                return nil
            }
        }
        return past
    }
}
