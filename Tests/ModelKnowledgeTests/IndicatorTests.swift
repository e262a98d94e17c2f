import Foundation
import ModelKnowledge
import TestSupport
import Testing

/// The indicators against numpy (TestData/knowledge/indicators.json, generate_indicators.py):
/// norms, the first principal component by SVD, cosine distances, percentile candidates.
@Suite struct IndicatorTests {
    struct Reference {
        let document: [String: Any]
        let rows: MatrixRows

        init() throws {
            document = try Fixtures.json("knowledge/indicators.json") as? [String: Any] ?? [:]
            let values = (document["values"] as? [[NSNumber]] ?? []).flatMap { $0.map(\.doubleValue) }
            rows = try #require(MatrixRows(rowCount: document.int("rows") ?? 0, dimension: document.int("dim") ?? 0, values: values))
        }

        func doubles(_ key: String) -> [Double] { (document[key] as? [NSNumber] ?? []).map(\.doubleValue) }
        func selection(_ key: String) -> (threshold: Double, rows: [Int]) {
            let object = document.object(key)
            return ((object["threshold"] as? NSNumber)?.doubleValue ?? .nan, object.ints("rows"))
        }
    }

    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

    @Test func rowNormsMatchNumpy() throws {
        let r = try Reference()
        let norms = UndertrainedIndicators.rowNorms(r.rows)
        let expected = r.doubles("norms")
        #expect(norms.count == expected.count && norms.count == 48)
        for (a, b) in zip(norms, expected) { #expect(close(a, b, 1e-12)) }
    }

    /// Rows ±e₁ and ±√0.999 e₂: by hand the covariance's eigenvalues are 1/2 and 0.999/2, so a
    /// step shrinks the move by r = 0.999 and 1e-11 is out of reach in 1,000 steps (0.999¹⁰⁰⁰ ≈
    /// 0.37). The iteration says so early instead of making every pass (hunt-63a M3: 1,000
    /// passes over a 66 MB matrix took 74 s).
    @Test("close top eigenvalues: the power iteration stops early, not converged, and says it stalled")
    func powerIterationStopsWhenItCannotConverge() throws {
        let b = 0.999.squareRoot()
        let rows = try #require(MatrixRows(rowCount: 4, dimension: 2, values: [1, 0, -1, 0, 0, b, 0, -b]))
        let pc = try #require(PrincipalComponent.first(of: rows))
        #expect(!pc.converged && pc.stalled)
        #expect(pc.iterations < 100, "\(pc.iterations)")
        // A well-separated pair converges as before (eigenvalues 1/2 and 0.25/2).
        let apart = try #require(MatrixRows(rowCount: 4, dimension: 2, values: [1, 0, -1, 0, 0, 0.5, 0, -0.5]))
        let converged = try #require(PrincipalComponent.first(of: apart))
        #expect(converged.converged && !converged.stalled)
    }

    @Test func powerIterationFindsTheSVDComponent() throws {
        let r = try Reference()
        let pc = try #require(PrincipalComponent.first(of: r.rows))
        #expect(pc.converged)
        #expect(pc.iterations < PrincipalComponent.defaultMaxIterations)
        // 1e-10: the step bound (1e-11) leaves the direction within ~1e-11 of the SVD's here; the
        // old bound (1 - |cos| < 1e-13) stopped ~1e-6 away on the real MiniLM matrix.
        for (a, b) in zip(pc.direction, r.doubles("first_pc")) { #expect(close(a, b, 1e-10), "\(a) vs \(b)") }
        for (a, b) in zip(pc.mean, r.doubles("mean")) { #expect(close(a, b, 1e-12)) }
        #expect(close(pc.variance, (r.document["first_pc_variance"] as? NSNumber)?.doubleValue ?? .nan, 1e-9))
        // Same seed, same answer.
        #expect(PrincipalComponent.first(of: r.rows) == pc)
    }

    @Test func cosineDistancesMatchNumpy() throws {
        let r = try Reference()
        let result = try UndertrainedIndicators.unusedSimilarity(r.rows, knownUnused: r.document.ints("unused"))
        #expect(result.leftOutRows.isEmpty)
        #expect(result.referenceRows == r.document.ints("unused"))
        let expected = r.doubles("distances")
        #expect(result.distances.count == expected.count)
        for (i, (a, b)) in zip(result.distances, expected).enumerated() { #expect(abs(a - b) < 1e-10, "row \(i): \(a) vs \(b)") }
    }

    @Test func candidatesMatchNumpyPercentile() throws {
        let r = try Reference()
        let eligible = r.document.ints("eligible")
        let percentile = (r.document["percentile"] as? NSNumber)?.doubleValue ?? .nan
        let byNorm = UndertrainedIndicators.candidates(scores: UndertrainedIndicators.rowNorms(r.rows), eligible: eligible, percentile: percentile)
        let expectedNorm = r.selection("norm_candidates")
        #expect(close(byNorm.threshold ?? .nan, expectedNorm.threshold, 1e-12))
        #expect(byNorm.candidates.map(\.row) == expectedNorm.rows)

        let distances = try UndertrainedIndicators.unusedSimilarity(r.rows, knownUnused: r.document.ints("unused")).distances
        let byDistance = UndertrainedIndicators.candidates(scores: distances, eligible: eligible, percentile: percentile)
        let expectedDistance = r.selection("distance_candidates")
        #expect(close(byDistance.threshold ?? .nan, expectedDistance.threshold, 1e-10))
        #expect(byDistance.candidates.map(\.row) == expectedDistance.rows)
        // The planted look-alikes come first under both indicators.
        #expect(Set(byDistance.candidates.prefix(2).map(\.row)) == [5, 17])
    }

    @Test func limitsAndEdgeCases() throws {
        let scores = [3.0, 1.0, .nan, 2.0, 0.5]
        let capped = UndertrainedIndicators.candidates(scores: scores, eligible: [0, 1, 2, 3, 4, 99, -1], percentile: 100, limit: 2)
        #expect(capped.candidates.map(\.row) == [4, 1])  // NaN and out-of-range rows left out
        #expect(capped.totalBelowThreshold == 4)
        #expect(UndertrainedIndicators.candidates(scores: scores, eligible: [2]).threshold == nil)
        let tiny = MatrixRows(rowCount: 1, dimension: 2, values: [1.0, 2.0])
        #expect(tiny.flatMap { PrincipalComponent.first(of: $0) } == nil)
        #expect(MatrixRows(rowCount: 2, dimension: 2, values: [1.0]) == nil)
        let zeros = try #require(MatrixRows(rowCount: 3, dimension: 2, values: [Double](repeating: 0, count: 6)))
        #expect(throws: UnusedSimilarityProblem.noPrincipalComponent) { try UndertrainedIndicators.unusedSimilarity(zeros, knownUnused: [0]) }
    }
}
