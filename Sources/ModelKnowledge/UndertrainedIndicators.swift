/// Under-trained token indicators that need only the weights, after "Fishing for Magikarp"
/// (Land & Bartolo, EMNLP 2024, arXiv 2405.05417). Both scores are "low = suspicious":
///
/// - `rowNorms`: the L2 norm of each input-embedding row. In an untied model a token that
///   never occurs in training gets no gradient through the input embedding, so weight decay
///   (or nothing) is all that moves its row: it keeps its small initial norm or shrinks.
/// - `unusedSimilarity`: for a tied or output matrix, where every row receives gradient through
///   the softmax, the norm says little. Rows of never-seen tokens are all pushed the same way
///   instead, so they point in a common direction. The score is the cosine distance of each row
///   to the mean of the rows of tokens known to be unused (`UnusedTokens`), after removing the
///   matrix's first principal component from every row (that component is shared by all rows,
///   trained or not, and would make everything look similar).
///
/// These are indicators, not proof: the paper verifies candidates by prompting the model,
/// which a file audit cannot do. A low score says "look at this token", nothing more.
public enum UndertrainedIndicators {
    /// L2 norm of every row.
    public static func rowNorms(_ rows: some EmbeddingRowSource) -> [Double] {
        (0..<rows.rowCount).map { i in
            var sum = 0.0
            for x in rows.row(i) { sum += x * x }
            return sum.squareRoot()
        }
    }

    /// The cosine distance of each row to the mean known-unused row, both with the first
    /// principal component removed.
    ///
    /// The component is found on the mean-centred rows (`PrincipalComponent.first`) and its
    /// projection is removed from each row as stored, r′ = r − (r·p) p, as the paper's reference
    /// code does; u′ is the mean of r′ over `knownUnused`. distance = 1 − r′·u′ / (|r′| |u′|),
    /// and 1 when |r′| is 0 (no direction to compare).
    ///
    /// Rows holding NaN or ±Inf are left out (`FiniteRows`): they take no part in the component
    /// or the mean, and their distance is NaN (`candidates` skips it). Every other row's distance
    /// is exactly the one this function gives on the matrix without those rows. A `component`
    /// passed in must be the finite rows'. Throws when there is no finite reference row or no
    /// direction to measure along (`UnusedSimilarityProblem`).
    public static func unusedSimilarity(_ rows: some EmbeddingRowSource, knownUnused: [Int],
                                        component: PrincipalComponent? = nil) throws(UnusedSimilarityProblem) -> UnusedSimilarity {
        let unused = Set(knownUnused.filter { $0 >= 0 && $0 < rows.rowCount }).sorted()
        guard !unused.isEmpty else { throw .noUnusedRow }
        let finite = FiniteRows(rows)
        guard finite.rowCount > 0 else { throw .noFiniteRow(rows: rows.rowCount) }
        let leftOut = Set(finite.leftOut)
        let reference = unused.filter { !leftOut.contains($0) }
        guard !reference.isEmpty else { throw .noFiniteUnusedRow(unused: unused.count) }
        guard finite.rowCount >= 2 else { throw .tooFewFiniteRows(finite: finite.rowCount) }
        let pc: PrincipalComponent
        if let component {
            pc = component
        } else {
            do throws(PrincipalComponent.Failure) {
                pc = try PrincipalComponent.find(of: finite)
            } catch {
                switch error {
                case .tooFewRows, .noSpread: throw .noPrincipalComponent
                case .overflow: throw .spreadOverflows
                case .underflow: throw .spreadUnderflows
                }
            }
        }
        let d = rows.dimension
        guard pc.direction.count == d else { throw .componentDimension(component: pc.direction.count, rows: d) }
        func withoutComponent(_ row: [Double]) -> [Double] {
            var dot = 0.0
            for j in 0..<d { dot += row[j] * pc.direction[j] }
            return (0..<d).map { row[$0] - dot * pc.direction[$0] }
        }
        var meanUnused = [Double](repeating: 0, count: d)
        for i in reference {
            let r = withoutComponent(rows.row(i))
            for j in 0..<d { meanUnused[j] += r[j] }
        }
        for j in 0..<d { meanUnused[j] /= Double(reference.count) }
        var meanLength = 0.0
        for x in meanUnused { meanLength += x * x }
        meanLength = meanLength.squareRoot()
        guard meanLength > 0 else { throw meanUnused.allSatisfy { $0 == 0 } ? .unusedMeanHasNoDirection : .unusedMeanTooSmall }
        var distances = [Double](repeating: .nan, count: rows.rowCount)
        for i in finite.baseRows {
            let r = withoutComponent(rows.row(i))
            var dot = 0.0, length = 0.0
            for j in 0..<d {
                dot += r[j] * meanUnused[j]
                length += r[j] * r[j]
            }
            length = length.squareRoot()
            distances[i] = length > 0 ? 1 - dot / (length * meanLength) : 1
        }
        return UnusedSimilarity(distances: distances, component: pc, referenceRows: reference, leftOutRows: finite.leftOut)
    }

    /// The rows among `eligible` whose score is at or below the `percentile`-th percentile of
    /// the eligible scores (numpy's default linear interpolation), lowest first, at most
    /// `limit`. Eligible rows are the ordinary tokens: not special, not known unused, inside the
    /// vocabulary. Non-finite scores are left out. The paper verified the lowest 2 %.
    public static func candidates(scores: [Double], eligible: [Int], percentile: Double = 2,
                                  limit: Int = 100) -> CandidateSelection {
        let rows = Set(eligible.filter { $0 >= 0 && $0 < scores.count && scores[$0].isFinite }).sorted()
        let sorted = rows.map { scores[$0] }.sorted()
        guard let threshold = Self.percentile(sorted, percentile) else {
            return CandidateSelection(threshold: nil, percentile: percentile, candidates: [], totalBelowThreshold: 0)
        }
        let below = rows.filter { scores[$0] <= threshold }
            .sorted { (scores[$0], $0) < (scores[$1], $1) }
        return CandidateSelection(threshold: threshold, percentile: percentile,
                                  candidates: below.prefix(max(0, limit)).map { Candidate(row: $0, score: scores[$0]) },
                                  totalBelowThreshold: below.count)
    }

    /// numpy.percentile(values, p) with the default "linear" method, for ascending `sorted`.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty, p.isFinite else { return nil }
        let clamped = min(max(p, 0), 100)
        let rank = clamped / 100 * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = rank - Double(lower)
        return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
    }
}

/// Result of `UndertrainedIndicators.unusedSimilarity`.
public struct UnusedSimilarity: Sendable, Equatable {
    /// Cosine distance per row (0 = same direction as the unused rows); NaN for a left-out row.
    public var distances: [Double]
    public var component: PrincipalComponent
    /// The known-unused rows the mean was taken over (those holding only finite values).
    public var referenceRows: [Int]
    /// Rows holding NaN or ±Inf, left out of the component and the mean; their distance is NaN.
    public var leftOutRows: [Int]
}

public struct Candidate: Sendable, Equatable {
    public var row: Int
    public var score: Double
}

public struct CandidateSelection: Sendable, Equatable {
    /// The score at the percentile; nil when no eligible row has a finite score.
    public var threshold: Double?
    public var percentile: Double
    /// Lowest first, at most the limit asked for.
    public var candidates: [Candidate]
    /// How many eligible rows are at or below the threshold (may exceed `candidates.count`).
    public var totalBelowThreshold: Int
}
