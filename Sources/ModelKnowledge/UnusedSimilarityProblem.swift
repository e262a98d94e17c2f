/// Why `UndertrainedIndicators.unusedSimilarity` gives no score. Each case is a matrix the
/// indicator has no reference or no direction for; `description` says so for a report's note,
/// so a tied matrix without candidates is never silent about the reason.
public enum UnusedSimilarityProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// No known-unused id is a row of the matrix.
    case noUnusedRow
    /// Every row holds NaN or ±Inf.
    case noFiniteRow(rows: Int)
    /// Every known-unused row holds NaN or ±Inf: no reference row is left to compare with.
    case noFiniteUnusedRow(unused: Int)
    /// Fewer than two finite rows: a principal component needs two.
    case tooFewFiniteRows(finite: Int)
    /// The finite rows vary in no direction (all the same vector, as in an all-zero matrix), or
    /// their spread overflows: no first principal component to remove.
    case noPrincipalComponent
    /// A component given by the caller has another length than the rows.
    case componentDimension(component: Int, rows: Int)
    /// The mean known-unused row is zero once the component is removed (zero unused rows, or
    /// rows along the component alone): every distance would be 1, which ranks nothing.
    case unusedMeanHasNoDirection

    public var description: String {
        switch self {
        case .noUnusedRow:
            "no known-unused token has a row in the matrix, so there is nothing to compare rows with"
        case .noFiniteRow(let rows):
            "all \(rows) rows hold NaN or Inf"
        case .noFiniteUnusedRow(let unused):
            "all \(unused) known-unused rows hold NaN or Inf, so there is no reference row to compare with"
        case .tooFewFiniteRows(let finite):
            "only \(finite) row holds finite values; a principal component needs two"
        case .noPrincipalComponent:
            "the finite rows have no first principal component (every one is the same vector, as in an all-zero matrix, or their spread overflows)"
        case .componentDimension(let component, let rows):
            "the principal component has \(component) values for rows of \(rows)"
        case .unusedMeanHasNoDirection:
            "the mean known-unused row is zero once the first principal component is removed, so every row would score 1 and nothing is ranked"
        }
    }
}
