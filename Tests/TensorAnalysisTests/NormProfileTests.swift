import Foundation
import Testing
import TensorAnalysis
import CheckpointIO
import TensorScan
import TestSupport

/// The numbers the HTML report draws, against numpy (`TestData/report/generate_histogram.py`)
/// and hand computation.
@Suite struct NormProfileTests {
    @Test("two matrices whose names are canonically equivalent get a profile each, from their own rows and pad rows")
    func canonicallyEquivalentNames() throws {
        let precomposed = "emb\u{E9}.weight", decomposed = "embe\u{301}.weight"
        // Rows of the first have norm 5 (3, 4), of the second 10 (6, 8), by hand.
        func matrix(_ name: String, _ x: Float, _ y: Float) -> SafetensorsWriter.Entry {
            .init(name: name, dtype: .f32, shape: [3, 2], bytes: [x, y, x, y, x, y].flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        }
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: [matrix(precomposed, 3, 4), matrix(decomposed, 6, 8)]).serialize())
        let (padding, profiles) = try NormProfile.withPadding(try Checkpoint.open(path: path), padID: 1, tensors: [precomposed, decomposed])
        #expect(profiles.count == 2 && padding.results.count == 2)
        for (name, norm) in [(precomposed, 5.0), (decomposed, 10.0)] {
            let profile = try #require(profiles.first { $0.tensor.utf8.elementsEqual(name.utf8) })
            #expect(profile.bins.allSatisfy { $0.count == 0 || ($0.lower <= norm && norm <= $0.upper) }, "\(profile.bins)")
            #expect(profile.marks.filter { $0.kind == .pad }.map(\.norm) == [norm], "\(profile.marks)")
        }
    }

    @Test("the toy BERT embedding's histogram equals numpy.histogram's counts and edges; the median numpy's")
    func againstNumpy() throws {
        let expected = try #require(try Fixtures.json("report/toy-bert-histogram.json") as? [String: Any])
        let checkpoint = try Checkpoint.open(path: Fixtures.path("toy-bert/model.safetensors"))
        let profiles = try NormProfile.profiles(checkpoint, policy: AuditPolicy(), untrained: [])
        let profile = try #require(profiles.first { $0.tensor == expected["tensor"] as? String })
        let counts = try #require(expected["counts"] as? [Int])
        let edges = try #require((expected["edges"] as? [Any])?.compactMap(Fixtures.number))
        #expect(profile.bins.map(\.count) == counts)
        #expect(profile.bins.count == counts.count)
        for (i, bin) in profile.bins.enumerated() {
            #expect(closeEnough(bin.lower, edges[i]) && closeEnough(bin.upper, edges[i + 1]))
        }
        let median = try #require(Fixtures.number(expected["median"] as Any))
        #expect(closeEnough(try #require(profile.median), median))
        // The pad row (config.json pad_token_id 0) is marked, with its norm.
        let pad = try #require(profile.marks.first { $0.kind == .pad })
        #expect(pad.row == 0)
        #expect(profile.sortedCurve.count == 200)
        #expect(profile.sortedCurve.first?.norm == profile.bins.first?.lower)
        #expect(profile.sortedCurve.last?.norm == profile.bins.last?.upper)
    }

    @Test("hand-computed bins: half-open except the last; a value on an edge goes up; NaN apart")
    func handComputed() {
        // [0, 4] in 4 bins: edges 0, 1, 2, 3, 4. 1.0 is in bin 1, 4.0 in the last bin.
        let bins = NormProfile.histogram([0, 1, 1.5, 2.999, 3, 4], binCount: 4)
        #expect(bins.map(\.count) == [1, 2, 1, 2])
        #expect(bins.map(\.lower) == [0, 1, 2, 3])
        let constant = NormProfile.histogram([2, 2, 2], binCount: 4)
        #expect(constant.map(\.count) == [3])
        let profile = NormProfile(tensor: "t", role: "embedding", norms: [1, .nan, 3, .infinity, 2],
                                  marks: [.init(kind: .pad, row: 9, norm: 1, token: nil)])
        #expect(profile.nonFiniteCount == 2)
        #expect(profile.bins.map(\.count).reduce(0, +) == 3)
        #expect(profile.median == 2)
        #expect(profile.marks.isEmpty, "a mark past the last row is dropped")
    }

    @Test("marks are capped per kind, with the totals kept")
    func markLimit() {
        let marks = (0..<120).map { NormProfile.Mark(kind: .beyondVocabulary, row: $0, norm: 1, token: nil) }
        let profile = NormProfile(tensor: "t", role: "embedding", norms: [Double](repeating: 1, count: 120), marks: marks)
        #expect(profile.marks.count == NormProfile.markLimit)
        #expect(profile.markCounts[.beyondVocabulary] == 120)
    }
}
