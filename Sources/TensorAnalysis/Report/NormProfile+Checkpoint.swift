import CheckpointIO
import StrictJSON
import TensorScan
import ModelKnowledge

extension NormProfile {
    /// The profiles of `checkpoint`'s token matrices (the ones `audit` chose: embeddings and
    /// output projections by name and shape, or the policy's `tensor`), each marked with its pad
    /// row (`padding`'s evidence), the `untrained` rows the audit flagged, and the rows beyond
    /// the tokenizer's vocabulary.
    ///
    /// A read of its own, of the token matrices only (one pass each; the padding analysis
    /// reuses it): the audit pipeline keeps no per-row norms, and only an HTML report needs them.
    public static func profiles(_ checkpoint: Checkpoint, policy: AuditPolicy,
                                untrained: [TokenAnalysis.UntrainedRows]) throws(CheckpointError) -> [NormProfile] {
        try withPadding(checkpoint, given: policy.padID, tensors: policy.tensors, untrained: untrained).profiles
    }

    /// The padding analysis and the profiles of the same matrices from one read of them
    /// (`padding` prints both: its text report draws each matrix's histogram); `padID` is
    /// `--pad-id`'s.
    public static func withPadding(_ checkpoint: Checkpoint, padID: Int?, tensors: [String],
                                   untrained: [TokenAnalysis.UntrainedRows] = [])
        throws(CheckpointError) -> (padding: PaddingAnalysis.Report, profiles: [NormProfile]) {
        try withPadding(checkpoint, given: padID.map(PadID.flag), tensors: tensors, untrained: untrained)
    }

    /// `withPadding` with the pad id the user gave and its source (`--pad-id` or a policy's `pad_id`).
    static func withPadding(_ checkpoint: Checkpoint, given padID: PadID?, tensors: [String],
                            untrained: [TokenAnalysis.UntrainedRows])
        throws(CheckpointError) -> (padding: PaddingAnalysis.Report, profiles: [NormProfile]) {
        let tokenMatrices = try TokenMatrices(checkpoint, requested: tensors)
        let matrices = tokenMatrices.matrices
        let knowledge = CheckpointKnowledge.read(checkpoint)
        return try checkpoint.read { () throws(CheckpointError) in
            // By the names' UTF-8 bytes: canonically equivalent names (é precomposed, or e +
            // U+0301) are two matrices, and keyed by `String` one drew the other's histogram.
            var moments: [ExactText: RowMomentsList] = [:]
            for (view, _) in matrices where moments[ExactText(view.name)] == nil {
                if let rows = view.rowMoments() { moments[ExactText(view.name)] = rows }
            }
            let padding = try PaddingAnalysis.analyze(checkpoint, padID: padID, tensors: tensors, rowMoments: moments,
                                                      matrices: nil, knowledge: knowledge)
            let profiles: [NormProfile] = matrices.compactMap { view, role in
                guard let rows = moments[ExactText(view.name)] else { return nil }
                let norms = rows.map(\.l2Norm)
                func token(_ row: Int) -> String? { knowledge.tokenizer?.token(for: row) }
                var marks: [Mark] = []
                for result in padding.results where ExactText.same(result.tensor, view.name) {
                    marks.append(Mark(kind: .pad, row: result.rowIndex, norm: result.rowNorm,
                                      token: result.padToken ?? token(result.rowIndex)))
                }
                for flagged in untrained where ExactText.same(flagged.tensor, view.name) {
                    for row in flagged.rows where row < norms.count {
                        marks.append(Mark(kind: .untrained, row: row, norm: norms[row], token: token(row)))
                    }
                }
                // A `--tensor` choice whose rows are not tokens has no row beyond the vocabulary.
                if !tokenMatrices.rowsAreNotTokens(view.name), let size = knowledge.tokenizer?.vocabularySize, size < norms.count {
                    for row in size..<norms.count {
                        marks.append(Mark(kind: .beyondVocabulary, row: row, norm: norms[row], token: nil))
                    }
                }
                return NormProfile(tensor: view.name, role: role.rawValue, norms: norms, marks: marks)
            }
            return (padding, profiles)
        }
    }
}
