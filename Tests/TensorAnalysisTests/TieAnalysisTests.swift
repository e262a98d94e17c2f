import Foundation
import Testing
import TensorAnalysis
import TensorViews
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
        #expect(report.aliases == expected["aliases"] as? [String: String])
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
        let rules = TieAnalysis.findings(report).map(\.rule)
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
