import Foundation
import Testing
import TestSupport

/// Classes whose output projection transformers never ties (BigBirdPegasusForCausalLM): a
/// stored head equal to the embedding is two weights, and an absent head is not the embedding
/// (TestData/knowledge/never-ties, written by generate_never_ties.py; expected.json: whether
/// transformers' from_pretrained shares the two weights' storage).
@Suite struct NeverTiesCLITests {
    static func expected(_ folder: String) throws -> [String: Any] {
        try #require(try Fixtures.json("knowledge/never-ties/\(folder)/expected.json") as? [String: Any])
    }

    @Test("an equal stored head is not tied: duplicate-tensors, no tied-weights-duplicated (dropping it breaks loading)")
    func equalCopy() throws {
        let expected = try Self.expected("bigbird-pegasus-causal")
        #expect(expected["tied"] as? Bool == false && expected["equal_after_load"] as? Bool == true)
        let report = try CLI.json(["audit", Fixtures.path("knowledge/never-ties/bigbird-pegasus-causal"), "--format", "json"])
        #expect(CLI.findings(report, rule: "tied-weights-duplicated").isEmpty)
        let duplicate = try #require(CLI.findings(report, rule: "duplicate-tensors").first)
        #expect((duplicate["tensors"] as? [String])?.sorted() == ["lm_head.weight", "model.decoder.embed_tokens.weight"])
        let ties = try CLI.json(["ties", Fixtures.path("knowledge/never-ties/bigbird-pegasus-causal"), "--json"])
        #expect(!(String(data: try JSONSerialization.data(withJSONObject: ties), encoding: .utf8) ?? "").contains("tied-weights-duplicated"))
    }

    @Test("no stored head: not tied (evidence architecture), whatever BigBirdPegasusConfig's default says")
    func absentHead() throws {
        let expected = try Self.expected("bigbird-pegasus-causal-nohead")
        #expect(expected["tied"] as? Bool == false && expected["equal_after_load"] as? Bool == false)
        let padding = try CLI.json(["padding", Fixtures.path("knowledge/never-ties/bigbird-pegasus-causal-nohead"), "--json"])
        let embeddings = try #require(padding["embeddings"] as? [[String: Any]])
        #expect(!embeddings.isEmpty)
        for embedding in embeddings {
            let tying = try #require(embedding["tying"] as? [String: Any])
            #expect(tying["tied"] as? Bool == false && tying["evidence"] as? String == "architecture", "\(tying)")
            #expect((tying["detail"] as? String)?.contains("never ties to the input embedding") == true)
        }
    }
}
