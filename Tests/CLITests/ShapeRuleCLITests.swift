import Foundation
import Testing
import TestSupport

/// The `[vocab_size, hidden_size]` shape finds an embedding only where no matrix is one by
/// name: a tiny GPTBigCode whose MLP input matrix has the embedding's shape
/// (TestData/knowledge/shape-rule, written by generate_shape_rule.py; expected.json names the
/// matrix transformers' get_input_embeddings() returns).
@Suite struct ShapeRuleCLITests {
    @Test("an MLP matrix of the embedding's shape is no token matrix beside the embedding found by name")
    func mlpOfEmbeddingShape() throws {
        let folder = Fixtures.path("knowledge/shape-rule/gpt-bigcode")
        let expected = try #require(try Fixtures.json("knowledge/shape-rule/gpt-bigcode/expected.json") as? [String: Any])
        let input = try #require(expected["input_embedding"] as? String)
        let sameShape = try #require(expected["same_shape_matrices"] as? [String])
        #expect(sameShape.contains("transformer.h.0.mlp.c_fc.weight"), "the fixture has the collision")
        let padding = try CLI.json(["padding", folder, "--json"])
        let embeddings = try #require(padding["embeddings"] as? [[String: Any]])
        #expect(embeddings.map { $0["tensor"] as? String } == [input])
        let audit = try CLI.json(["audit", folder, "--format", "json"])
        let findings = try #require(audit["findings"] as? [[String: Any]])
        for rule in ["padding-row-nonzero", "untrained-tokens", "outlier-rows"] {
            #expect(!findings.contains { $0["rule"] as? String == rule && ($0["tensors"] as? [String])?.contains("transformer.h.0.mlp.c_fc.weight") == true },
                    "\(rule) on the MLP matrix")
        }
    }
}
