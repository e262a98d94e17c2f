import Foundation
import Testing
import TestSupport

/// `tokens` on tied F64 matrices whose values are too small or too large for float64 products
/// (TestData/knowledge/extreme-scale, written by generate_extreme_scale.py, whose expected.json
/// records numpy's float64 sums of squares): the note says which happened. Before, a matrix of
/// values around 1e-200 got "every one is the same vector, as in an all-zero matrix, or their
/// spread overflows" — its rows differ and nothing overflowed — and a mean known-unused row of
/// values around 1e-170 was called "zero".
@Suite struct TokensExtremeScaleCLITests {
    static func expected(_ name: String) throws -> [String: Any] {
        try #require(try Fixtures.json("knowledge/extreme-scale/\(name)/expected.json") as? [String: Any])
    }

    /// The one matrix's notes in `tokens --json`, after checking that no candidate was given.
    static func notes(_ name: String) throws -> [String] {
        let result = try CLI.run(["tokens", Fixtures.path("knowledge/extreme-scale/\(name)"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let matrix = try #require((report["embeddings"] as? [[String: Any]])?.first)
        #expect(matrix["indicator"] as? String == "unused-similarity")
        #expect((matrix["candidates"] as? [Any])?.isEmpty == true)
        #expect(matrix["threshold"] is NSNull)
        return matrix["notes"] as? [String] ?? []
    }

    @Test("values around 1e-200: the rows differ, their products underflow; the note says so, not 'same vector' or 'overflows'")
    func underflow() throws {
        // numpy: the centred rows are not all zero, but the float64 sum of their squares is 0.
        let facts = try Self.expected("tiny")
        #expect(facts["centred_nonzero"] as? Bool == true && Fixtures.number(facts["centred_sum_of_squares"] as Any) == 0)
        let notes = try Self.notes("tiny")
        let note = try #require(notes.first { $0.hasPrefix("the unused-similarity indicator cannot apply") }, "\(notes)")
        #expect(note.contains("differ, but by too little to measure") && note.contains("below the smallest double"), "\(note)")
        #expect(!note.contains("overflow") && !note.contains("same vector"), "\(note)")
        let text = try CLI.run(["tokens", Fixtures.path("knowledge/extreme-scale/tiny")]).stdout
        #expect(text.contains("round to 0, so no first principal component can be computed; no candidates"), "\(text)")
    }

    @Test("values around 1e200: their products overflow; the note says overflow")
    func overflow() throws {
        // numpy: the float64 sum of the centred squares is inf.
        #expect(Fixtures.number(try Self.expected("huge")["centred_sum_of_squares"] as Any) == .infinity)
        let notes = try Self.notes("huge")
        let note = try #require(notes.first { $0.hasPrefix("the unused-similarity indicator cannot apply") }, "\(notes)")
        #expect(note.contains("overflow the largest double") && !note.contains("same vector") && !note.contains("underflow"), "\(note)")
    }

    @Test("known-unused rows around 1e-170: their mean is not zero but too small to measure; the note does not call it zero")
    func unusedMeanTooSmall() throws {
        // numpy: the mean known-unused row (component removed) has non-zero values and norm 0.
        let facts = try Self.expected("tiny-unused")
        #expect(facts["mean_unused_nonzero"] as? Bool == true && Fixtures.number(facts["mean_unused_norm"] as Any) == 0)
        let notes = try Self.notes("tiny-unused")
        let note = try #require(notes.first { $0.hasPrefix("the unused-similarity indicator cannot apply") }, "\(notes)")
        #expect(note.contains("is not zero but too small to measure"), "\(note)")
        #expect(!note.contains("is zero once"), "\(note)")
    }

    @Test("an all-zero matrix still says: every row is the same vector, with no word of overflow")
    func allZero() throws {
        let result = try CLI.run(["tokens", Fixtures.path("knowledge/nonfinite/zero")])
        #expect(result.stdout.contains("every one is the same vector, as in an all-zero matrix)") && !result.stdout.contains("overflow"),
                "\(result.stdout)")
    }
}
