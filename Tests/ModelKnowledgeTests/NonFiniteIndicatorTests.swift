import Foundation
import ModelKnowledge
import TestSupport
import Testing

/// The unused-similarity indicator on matrices with NaN, ±Inf or only zeros, against numpy
/// (TestData/knowledge/nonfinite/*/expected.json, generate_nonfinite.py): rows holding a
/// non-finite value are left out of the component and the mean and get no score, and every
/// other row scores what it scores on the matrix without them; a matrix with no finite
/// reference or no direction throws a problem that says which.
@Suite struct NonFiniteIndicatorTests {
    struct Case {
        let expected: [String: Any]
        let rows: MatrixRows

        init(_ name: String) throws {
            expected = try #require(try Fixtures.json("knowledge/nonfinite/\(name)/expected.json") as? [String: Any])
            let values = try (expected["values"] as? [[Any]] ?? []).flatMap { row in try row.map { try #require(Fixtures.number($0)) } }
            rows = try #require(MatrixRows(rowCount: expected.int("rows") ?? 0, dimension: expected.int("dim") ?? 0, values: values))
        }

        var unused: [Int] { expected.ints("unused") }
    }

    /// The indicator's 48 × 6 matrix (indicators.json) with `change` applied to its values.
    static func indicatorMatrix(_ change: (inout [[Double]]) -> Void) throws -> MatrixRows {
        let document = try #require(try Fixtures.json("knowledge/indicators.json") as? [String: Any])
        var values = (document["values"] as? [[NSNumber]] ?? []).map { $0.map(\.doubleValue) }
        change(&values)
        return try #require(MatrixRows(rowCount: values.count, dimension: values.first?.count ?? 0, values: values.flatMap { $0 }))
    }

    func checkLeftOut(_ name: String) throws {
        let c = try Case(name)
        let result = try UndertrainedIndicators.unusedSimilarity(c.rows, knownUnused: c.unused)
        let leftOut = c.expected.ints("left_out")
        #expect(!leftOut.isEmpty)
        #expect(result.leftOutRows == leftOut)
        #expect(result.referenceRows == c.expected.ints("reference_rows"))
        #expect(result.component.converged)
        let numpy = c.expected["distances"] as? [Any] ?? []
        #expect(result.distances.count == numpy.count && numpy.count == 48)
        for (row, (ours, theirs)) in zip(result.distances, numpy).enumerated() {
            if leftOut.contains(row) {
                #expect(ours.isNaN && theirs is NSNull, "row \(row)")
            } else {
                // Power iteration stops when 1 − |v·v′| < 1e-13, an angle of about 4.5e-7 between
                // steps, so the component (and each distance) may differ from the SVD's by ~1e-7.
                #expect(abs(ours - (Fixtures.number(theirs) ?? .nan)) < 1e-6, "row \(row): \(ours) vs \(theirs)")
            }
        }

        // Exactly the scores of the matrix that never had those rows (the reference rows renumbered).
        let kept = (0..<c.rows.rowCount).filter { !leftOut.contains($0) }
        let without = try #require(MatrixRows(rowCount: kept.count, dimension: c.rows.dimension, values: kept.flatMap(c.rows.row)))
        let renumbered = c.unused.compactMap { kept.firstIndex(of: $0) }
        let alone = try UndertrainedIndicators.unusedSimilarity(without, knownUnused: renumbered)
        #expect(alone.component == result.component)
        for (k, row) in kept.enumerated() { #expect(alone.distances[k] == result.distances[row], "row \(row)") }

        // Candidates: numpy's percentile over the eligible rows that have a score.
        let document = try #require(try Fixtures.json("knowledge/indicators.json") as? [String: Any])
        let selection = UndertrainedIndicators.candidates(scores: result.distances, eligible: document.ints("eligible"),
                                                          percentile: (c.expected["percentile"] as? NSNumber)?.doubleValue ?? .nan)
        let expected = c.expected.object("candidates")
        #expect(selection.candidates.map(\.row) == expected.ints("rows"))
        #expect(abs((selection.threshold ?? .nan) - ((expected["threshold"] as? NSNumber)?.doubleValue ?? 0)) < 1e-6)
    }

    @Test("NaN in an ordinary and a known-unused row: both left out, the other 46 scored as numpy scores them")
    func nanRows() throws { try checkLeftOut("nan") }

    @Test("+Inf and -Inf rows: left out, the other 46 scored as numpy scores them")
    func infRows() throws { try checkLeftOut("inf") }

    @Test("an all-zero matrix has no principal component")
    func allZero() throws {
        let c = try Case("zero")
        #expect(throws: UnusedSimilarityProblem.noPrincipalComponent) {
            try UndertrainedIndicators.unusedSimilarity(c.rows, knownUnused: c.unused)
        }
    }

    @Test("every row NaN: no finite row")
    func allNaN() throws {
        let c = try Case("allnan")
        #expect(throws: UnusedSimilarityProblem.noFiniteRow(rows: 48)) {
            try UndertrainedIndicators.unusedSimilarity(c.rows, knownUnused: c.unused)
        }
    }

    @Test("every known-unused row NaN: no reference; one finite row: no component; zero unused rows: no direction")
    func noReferenceOrDirection() throws {
        let unused = Array(40..<48)
        let unusedNaN = try Self.indicatorMatrix { values in for i in unused { values[i][3] = .nan } }
        #expect(throws: UnusedSimilarityProblem.noFiniteUnusedRow(unused: 8)) {
            try UndertrainedIndicators.unusedSimilarity(unusedNaN, knownUnused: unused)
        }
        let oneFinite = try Self.indicatorMatrix { values in for i in values.indices where i != 40 { values[i][0] = .infinity } }
        #expect(throws: UnusedSimilarityProblem.tooFewFiniteRows(finite: 1)) {
            try UndertrainedIndicators.unusedSimilarity(oneFinite, knownUnused: unused)
        }
        // A zero row stays zero once the component is removed, so the mean unused row is zero
        // and every distance would be 1 (by hand: r' = 0 - (0·p) p = 0).
        let zeroUnused = try Self.indicatorMatrix { values in for i in unused { values[i] = [Double](repeating: 0, count: 6) } }
        #expect(throws: UnusedSimilarityProblem.unusedMeanHasNoDirection) {
            try UndertrainedIndicators.unusedSimilarity(zeroUnused, knownUnused: unused)
        }
        #expect(throws: UnusedSimilarityProblem.noUnusedRow) {
            try UndertrainedIndicators.unusedSimilarity(zeroUnused, knownUnused: [48, -1])
        }
    }
}
