import Testing
import SafetensorsFormat
@testable import CheckpointIO
import TensorScan
@testable import TensorAnalysis
import TestSupport

/// Ties through the prefix sieve and the in-scan comparison: the same groups as the buckets
/// way, including a class whose members differ from its first tensor but equal each other.
@Suite struct TieTwinTests {
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    static func checkpoint() throws -> Checkpoint {
        let size = 3 * (TensorView.sievePrefixBytes + 4)
        let a = Self.bytes(size, seed: 1)
        var b = a
        b[size - 1] ^= 0xFF  // same prefix as a, other tail
        let other = Self.bytes(size, seed: 2)
        let entries: [SafetensorsWriter.Entry] = [
            .init(name: "a", dtype: .u8, shape: [3, UInt64(size / 3)], bytes: a),
            .init(name: "b", dtype: .u8, shape: [3, UInt64(size / 3)], bytes: b),
            .init(name: "c", dtype: .u8, shape: [3, UInt64(size / 3)], bytes: a),
            .init(name: "e", dtype: .u8, shape: [3, UInt64(size / 3)], bytes: b),
            .init(name: "f", dtype: .u8, shape: [3, UInt64(size / 3)], bytes: other),
            .init(name: "g", dtype: .i8, shape: [UInt64(size)], bytes: other),
        ]
        return try Checkpoint.open(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
    }

    @Test("sieve classes, then groups [a, c] and [b, e] (b and e differ from a only at the end), f = g as same bytes")
    func groups() throws {
        let checkpoint = try Self.checkpoint()
        let views = checkpoint.tensors
        let name = { (i: Int) in views[i].name }
        let twins = TieAnalysis.Twins(views)
        #expect(twins.classes.map { $0.map(name) } == [["a", "b", "c", "e"], ["f", "g"]])
        #expect(Dictionary(uniqueKeysWithValues: twins.leaders.map { (name($0.key), name($0.value)) })
            == ["b": "a", "c": "a", "e": "a", "g": "f"])
        var digests: [Int: UInt64] = [:]
        for (i, view) in views.enumerated() { digests[i] = view.rowMoments().map(TieAnalysis.rowDigest) }
        for report in [TieAnalysis.analyze(checkpoint), TieAnalysis.analyze(checkpoint, rowDigests: digests)] {
            #expect(report.groups.map(\.tensors) == [["a", "c"], ["b", "e"]])
            #expect(report.sameBytes.map { $0.members.map(\.tensor) } == [["f", "g"]])
        }
        let audit = try AuditPipeline.run(checkpoint)
        #expect(audit.findings.filter { $0.rule.id == "duplicate-tensors" }.map(\.tensors) == [["a", "c"], ["b", "e"]])
    }
}

/// Views of one torch storage beside a copy stored apart (TestData/pytorch-views, torch's view in
/// `expected.json`): the views are one buffer, sieved once, and the copy is compared with it.
@Suite struct TieTwinViewsTests {
    @Test("a0, a1, a2 one storage and b its clone: the sieve's one class is [a0, b]; ties group a0 and b")
    func copyBesideViews() throws {
        let expected = try #require((try Fixtures.json("pytorch-views/expected.json") as? [String: Any])?["copy_beside_views"] as? [String: [String]])
        #expect(expected["same_storage_as_a0"] == ["a0", "a1", "a2"] && expected["equal_to_a0"] == ["a0", "a1", "a2", "b"])
        let checkpoint = try Checkpoint.open(path: Fixtures.path("pytorch-views/copy-beside-views.pt"))
        let views = checkpoint.tensors
        let twins = TieAnalysis.Twins(views)
        #expect(twins.classes.map { $0.map { views[$0].name } } == [["a0", "b"]])
        let report = TieAnalysis.analyze(checkpoint)
        #expect(report.groups.map(\.tensors) == [["a0", "b"]])
        #expect(report.sharedStorage.map(\.tensors) == [expected["same_storage_as_a0"] ?? []])
    }
}
