import Foundation
import ModelKnowledge
import TestSupport
import Testing

/// The principal component and the unused-similarity indicator on the 48 × 6 indicator matrix
/// (indicators.json) scaled to the ends of float64, as generate_extreme_scale.py scales it
/// (the same IEEE products in Swift and numpy): too small or too large to measure is told apart
/// from "every row is the same vector" (TestData/knowledge/extreme-scale/*/expected.json holds
/// numpy's float64 sums of squares on the same values).
@Suite struct ExtremeScaleIndicatorTests {
    static let unused = Array(40..<48)

    /// The matrix with every value, or only the rows in `only`, times `scale`.
    static func scaled(_ scale: Double, only: [Int]? = nil) throws -> MatrixRows {
        try NonFiniteIndicatorTests.indicatorMatrix { values in
            for i in only ?? Array(values.indices) { values[i] = values[i].map { $0 * scale } }
        }
    }

    static func facts(_ name: String) throws -> [String: Any] {
        try #require(try Fixtures.json("knowledge/extreme-scale/\(name)/expected.json") as? [String: Any])
    }

    @Test("values around 1e-200: the rows differ (numpy) but their products underflow")
    func underflow() throws {
        let facts = try Self.facts("tiny")
        #expect(facts["centred_nonzero"] as? Bool == true && Fixtures.number(facts["centred_sum_of_squares"] as Any) == 0)
        let rows = try Self.scaled(1e-200)
        #expect(throws: PrincipalComponent.Failure.underflow) { try PrincipalComponent.find(of: rows) }
        #expect(PrincipalComponent.first(of: rows) == nil)
        #expect(throws: UnusedSimilarityProblem.spreadUnderflows) {
            try UndertrainedIndicators.unusedSimilarity(rows, knownUnused: Self.unused)
        }
    }

    @Test("values around 1e200: their products overflow (numpy's sum of squares is inf)")
    func overflow() throws {
        #expect(Fixtures.number(try Self.facts("huge")["centred_sum_of_squares"] as Any) == .infinity)
        let rows = try Self.scaled(1e200)
        #expect(throws: PrincipalComponent.Failure.overflow) { try PrincipalComponent.find(of: rows) }
        #expect(throws: UnusedSimilarityProblem.spreadOverflows) {
            try UndertrainedIndicators.unusedSimilarity(rows, knownUnused: Self.unused)
        }
    }

    @Test("all rows the same vector: no spread, the problem it always was")
    func noSpread() throws {
        let zeros = try Self.scaled(0)
        #expect(throws: PrincipalComponent.Failure.noSpread) { try PrincipalComponent.find(of: zeros) }
        #expect(throws: UnusedSimilarityProblem.noPrincipalComponent) {
            try UndertrainedIndicators.unusedSimilarity(zeros, knownUnused: Self.unused)
        }
        #expect(!UnusedSimilarityProblem.noPrincipalComponent.description.contains("overflow"))
        let one = try #require(MatrixRows(rowCount: 1, dimension: 2, values: [1.0, 2.0]))
        #expect(throws: PrincipalComponent.Failure.tooFewRows) { try PrincipalComponent.find(of: one) }
    }

    @Test("values around 1e-60 and 1e60 are still measured: numpy's component of the unscaled matrix")
    func measurableScales() throws {
        let document = try #require(try Fixtures.json("knowledge/indicators.json") as? [String: Any])
        let numpy = (document["first_pc"] as? [NSNumber] ?? []).map(\.doubleValue)
        #expect(numpy.count == 6)
        for scale in [1e-60, 1e60] {
            let pc = try PrincipalComponent.find(of: try Self.scaled(scale))
            #expect(pc.converged, "\(scale)")
            for (a, b) in zip(pc.direction, numpy) { #expect(abs(a - b) < 1e-7, "\(scale): \(a) vs \(b)") }
        }
    }

    @Test("known-unused rows around 1e-170: their mean is not zero (numpy) but its squares underflow")
    func unusedMeanTooSmall() throws {
        let facts = try Self.facts("tiny-unused")
        #expect(facts["mean_unused_nonzero"] as? Bool == true && Fixtures.number(facts["mean_unused_norm"] as Any) == 0)
        #expect(throws: UnusedSimilarityProblem.unusedMeanTooSmall) {
            try UndertrainedIndicators.unusedSimilarity(try Self.scaled(1e-170, only: Self.unused), knownUnused: Self.unused)
        }
        // Exactly zero unused rows stay "no direction" (by hand: r' = 0 - (0·p) p = 0).
        #expect(throws: UnusedSimilarityProblem.unusedMeanHasNoDirection) {
            try UndertrainedIndicators.unusedSimilarity(try Self.scaled(0, only: Self.unused), knownUnused: Self.unused)
        }
    }
}

/// A constant F64 matrix has no principal component, even though its mean, summed in doubles,
/// is not exactly the constant (48 × 0.1 / 48 = 0.1 − 2.8e-17): every row is the same vector.
@Suite struct ConstantMatrixIndicatorTests {
    @Test("48 rows of 0.1: no principal component, no scores from the mean's rounding")
    func constantRows() throws {
        // By hand (Python: sum of 48 × 0.1, divided by 48, is 0.09999999999999998): the
        // centred rows are not zero, though every row is the same vector.
        var sum = 0.0
        for _ in 0..<48 { sum += 0.1 }
        #expect(sum / 48 != 0.1)
        let rows = try #require(MatrixRows(rowCount: 48, dimension: 6, values: [Double](repeating: 0.1, count: 48 * 6)))
        #expect(throws: PrincipalComponent.Failure.noSpread) { try PrincipalComponent.find(of: rows) }
        #expect(throws: UnusedSimilarityProblem.noPrincipalComponent) {
            try UndertrainedIndicators.unusedSimilarity(rows, knownUnused: Array(40..<48))
        }
    }
}
