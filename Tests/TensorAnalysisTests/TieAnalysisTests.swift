import Foundation
import Testing
import TensorAnalysis
import CheckpointIO
import TensorScan
import SafetensorsFormat
import StrictJSON
import TestSupport

/// Equality groups against the groups Python found by comparing bytes.
@Suite struct TieAnalysisTests {
    @Test("groups, same_bytes, aliases and wasted bytes match the reference")
    func reference() throws {
        let report = TieAnalysis.analyze(try Checkpoint.open(path: Fixtures.path("analysis/ties.safetensors")))
        let expected = try #require(try Fixtures.json("expected/analysis-ties.json") as? [String: Any])
        let groups = try #require(expected["groups"] as? [[String: Any]])
        #expect(report.groups.map(\.tensors) == groups.map { $0["tensors"] as? [String] ?? [] })
        #expect(report.groups.map(\.nbytes) == groups.map { ($0["nbytes"] as? NSNumber)?.uint64Value ?? 99 })
        #expect(report.groups.map(\.dtype.rawValue) == groups.map { $0["dtype"] as? String ?? "" })
        #expect(report.groups.map(\.shape) == groups.map { ($0["shape"] as? [NSNumber] ?? []).map(\.uint64Value) })
        let same = try #require(expected["same_bytes"] as? [[String: Any]])
        #expect(report.sameBytes.map { $0.members.map(\.tensor) } == same.map { $0["tensors"] as? [String] ?? [] })
        #expect(report.aliases == (expected["aliases"] as? [String: String]).map { Dictionary(uniqueKeysWithValues: $0.map { (ExactText($0.key), $0.value) }) })
        #expect(report.wastedBytes == (expected["wasted_bytes"] as? NSNumber)?.uint64Value)
    }

    @Test("classification: tied, identical layers, constant, buffer, empty; one bit apart is not equal")
    func kinds() throws {
        let report = TieAnalysis.analyze(try Checkpoint.open(path: Fixtures.path("analysis/ties.safetensors")))
        func kind(_ name: String) -> TieAnalysis.Kind? { report.groups.first { $0.tensors.contains(name) }?.kind }
        #expect(kind("lm_head.weight") == .tiedWeights)
        #expect(kind("model.layers.0.mlp.weight") == .identicalLayers)
        #expect(kind("model.layers.0.norm.bias") == .constant)
        #expect(kind("model.layers.0.rotary.inv_freq") == .repeatedBuffer)
        #expect(kind("empty.a") == .empty)
        #expect(kind("empty.c") == nil)
        #expect(kind("model.layers.0.attn.weight") == nil)
        let rules = TieAnalysis.findings(report).map(\.rule.id)
        #expect(rules.sorted() == ["identical-layers", "metadata-alias", "tied-weights-duplicated"])
    }

    @Test("toy BERT: the tied decoder copy and the zero biases, as Python grouped them")
    func toyBert() throws {
        let report = TieAnalysis.analyze(try Checkpoint.open(path: Fixtures.path("toy-bert/model.safetensors")))
        let expected = try #require(try Fixtures.json("expected/toy-bert.json") as? [String: Any])
        #expect(report.groups.map(\.tensors) == expected["identical_groups"] as? [[String]])
        #expect(report.groups.map(\.kind) == [.constant, .tiedWeights])
        #expect(report.groups[1].wastedBytes == 1000 * 64 * 4)
    }

    @Test("GPT-2 toy: causal masks in every layer are repeated buffers, not an alarm")
    func gpt2() throws {
        let report = TieAnalysis.analyze(try Checkpoint.open(path: Fixtures.path("analysis/gpt2-toy/model.safetensors")))
        let masks = try #require(report.groups.first { $0.tensors.contains("h.0.attn.bias") })
        #expect(masks.tensors == ["h.0.attn.bias", "h.1.attn.bias", "h.2.attn.bias"])
        #expect(masks.kind == .repeatedBuffer)
        #expect(TieAnalysis.findings(report).isEmpty)
    }

    @Test("fingerprints: equal bytes hash equal, one flipped bit does not")
    func fingerprints() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("analysis/ties.safetensors"))
        let a = try #require(checkpoint.tensor(named: "model.layers.0.attn.weight"))
        let b = try #require(checkpoint.tensor(named: "model.layers.1.attn.weight"))
        let c = try #require(checkpoint.tensor(named: "model.layers.0.mlp.weight"))
        let d = try #require(checkpoint.tensor(named: "model.layers.1.mlp.weight"))
        #expect(a.fingerprint() != b.fingerprint())
        #expect(!a.hasSameBytes(as: b))
        #expect(c.fingerprint() == d.fingerprint())
        #expect(TensorView.fingerprints(of: [a, b, c, d]) == [a, b, c, d].map { $0.fingerprint() })
        #expect(try #require(checkpoint.tensor(named: "model.layers.0.norm.bias")).isConstant())
        #expect(!a.isConstant())
    }
}

/// What `audit` passes in from its single row pass: digests and fingerprints change no group.
@Suite struct TieAnalysisPrecomputedTests {
    static func f32(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }

    static func checkpoint() throws -> Checkpoint {
        let six = Self.f32([1, 2, 3, 4, 5, 6]), other = Self.f32([1, 2, 3, 4, 5, 7])
        let four = Self.f32([1, 2, 3, 4])
        let ten = Self.f32((0..<10).map(Float.init)), tenOther = Self.f32((0..<10).map { Float($0) + 1 })
        let entries: [SafetensorsWriter.Entry] = [
            .init(name: "a", dtype: .f32, shape: [2, 3], bytes: six),
            .init(name: "b", dtype: .f32, shape: [2, 3], bytes: other),
            .init(name: "c", dtype: .f32, shape: [2, 3], bytes: six),
            .init(name: "x", dtype: .f32, shape: [4], bytes: four),
            .init(name: "y", dtype: .i32, shape: [4], bytes: four),
            .init(name: "z", dtype: .f32, shape: [2, 2], bytes: Self.f32([9, 9, 9, 8])),
            .init(name: "q1", dtype: .c64, shape: [5], bytes: ten),
            .init(name: "q2", dtype: .c64, shape: [5], bytes: tenOther),
            .init(name: "q3", dtype: .c64, shape: [5], bytes: ten),
        ]
        return try Checkpoint.open(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
    }

    @Test("fingerprints are needed only for mixed-layout or undigested size buckets of three or more")
    func needed() throws {
        let views = try Self.checkpoint().tensors
        let index = Dictionary(uniqueKeysWithValues: views.enumerated().map { ($1.name, $0) })
        let names = { (set: Set<Int>) in Set(set.map { views[$0].name }) }
        #expect(names(TieAnalysis.tensorsNeedingFingerprints(views)) == ["a", "b", "c", "x", "y", "z", "q1", "q2", "q3"])
        let digested = Set(["a", "b", "c", "x", "y", "z"].compactMap { index[$0] })
        #expect(names(TieAnalysis.tensorsNeedingFingerprints(views, digested: digested)) == ["x", "y", "z", "q1", "q2", "q3"])
    }

    @Test("groups and same-bytes sets are the same with row digests, fingerprints, or colliding digests")
    func precomputed() throws {
        let checkpoint = try Self.checkpoint()
        let views = checkpoint.tensors
        var digests: [Int: UInt64] = [:], colliding: [Int: UInt64] = [:], fingerprints: [Int: UInt64] = [:]
        for (i, view) in views.enumerated() {
            let both = view.rowMomentsAndFingerprint()
            fingerprints[i] = both.fingerprint
            if let rows = both.rows {
                digests[i] = TieAnalysis.rowDigest(of: rows)
                colliding[i] = 0
            }
        }
        for report in [TieAnalysis.analyze(checkpoint),
                       TieAnalysis.analyze(checkpoint, rowDigests: digests),
                       TieAnalysis.analyze(checkpoint, fingerprints: fingerprints, rowDigests: digests),
                       TieAnalysis.analyze(checkpoint, rowDigests: colliding)] {
            #expect(report.groups.map(\.tensors) == [["a", "c"], ["q1", "q3"]])
            #expect(report.sameBytes.map { $0.members.map(\.tensor) } == [["x", "y"]])
        }
    }
}

/// One `__metadata__` alias in a sharded checkpoint is reported once by an audit: the source
/// layer and the tie analysis both see it, the pipeline keeps one finding.
@Suite struct AliasFindingTests {
    @Test("sources/metadata-alias: exactly one metadata-alias finding, naming tied.a and a")
    func oneAliasOneFinding() throws {
        // generate_sources.py writes one alias: tied.a is indexed, stored as __metadata__ {"tied.a": "a"}.
        let checkpoint = try Checkpoint.open(path: Fixtures.path("sources/metadata-alias"))
        let report = try AuditPipeline.run(checkpoint)
        let aliases = report.findings.filter { $0.rule.id == "metadata-alias" }
        #expect(aliases.count == 1)
        #expect(aliases.first?.tensors == ["a", "tied.a"])
    }
}
