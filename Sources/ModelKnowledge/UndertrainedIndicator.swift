/// Which under-trained indicator fits a token matrix, following the paper's choice.
public enum UndertrainedIndicator: String, Sendable, Equatable {
    /// `UndertrainedIndicators.rowNorms` on the input embedding.
    case inputRowNorm = "input-row-norm"
    /// `UndertrainedIndicators.unusedSimilarity` on the output (or tied) matrix.
    case unusedSimilarity = "unused-similarity"

    /// The indicator for a matrix whose tying was judged as `tying`.
    ///
    /// - untied (`tied == false`): the input row norm; an untied input row of a token never
    ///   seen gets no gradient, so its norm is the signal.
    /// - tied: every row gets gradient through the output softmax, so norms mislead; the
    ///   similarity to known-unused rows is used, which needs at least one known-unused token
    ///   (nil when there is none: no reference to compare with).
    /// - unknown tying: the input row norm. The similarity indicator on an untied input matrix
    ///   compares rows with the mean of randomly initialised rows, which is noise, while the
    ///   norm still ranks rows that barely moved.
    public static func choose(for tying: TyingJudgement, knownUnusedCount: Int) -> UndertrainedIndicator? {
        switch tying.tied {
        case false?: .inputRowNorm
        case true?: knownUnusedCount > 0 ? .unusedSimilarity : nil
        case nil: .inputRowNorm
        }
    }
}
