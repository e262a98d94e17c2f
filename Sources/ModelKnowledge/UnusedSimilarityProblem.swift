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
    /// The finite rows vary in no direction (all the same vector, as in an all-zero matrix): no
    /// first principal component to remove.
    case noPrincipalComponent
    /// The finite rows' spread overflows a double (`PrincipalComponent.Failure.overflow`).
    case spreadOverflows
    /// The finite rows differ, but by too little to measure in doubles: the products of their
    /// differences from the mean row round to zero (`PrincipalComponent.Failure.underflow`).
    case spreadUnderflows
    /// A component given by the caller has another length than the rows.
    case componentDimension(component: Int, rows: Int)
    /// The mean known-unused row is zero once the component is removed (zero unused rows, or
    /// rows along the component alone): every distance would be 1, which ranks nothing.
    case unusedMeanHasNoDirection
    /// The mean known-unused row is not zero once the component is removed, but the squares of
    /// its values round to zero: its length, and every cosine to it, cannot be computed.
    case unusedMeanTooSmall

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
            "the finite rows have no first principal component (every one is the same vector, as in an all-zero matrix)"
        case .spreadOverflows:
            "the finite rows' differences from their mean are too large to measure: their products overflow the largest double (about 1.8e308), so no first principal component can be computed"
        case .spreadUnderflows:
            "the finite rows differ, but by too little to measure: the products of their differences from their mean are below the smallest double (about 4.9e-324) and round to 0, so no first principal component can be computed"
        case .componentDimension(let component, let rows):
            "the principal component has \(component) values for rows of \(rows)"
        case .unusedMeanHasNoDirection:
            "the mean known-unused row is zero once the first principal component is removed, so every row would score 1 and nothing is ranked"
        case .unusedMeanTooSmall:
            "the mean known-unused row, once the first principal component is removed, is not zero but too small to measure: the squares of its values are below the smallest double (about 4.9e-324) and round to 0, so no cosine to it can be computed"
        }
    }
}
