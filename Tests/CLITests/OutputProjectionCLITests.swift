import Foundation
import Testing
import TestSupport

/// Which matrix is the output projection, and what identical bytes mean when config.json unties
/// the two: cases a review built with transformers 5.25 (save_pretrained of tiny models) and
/// checked against `get_output_embeddings()`, written here by hand.
@Suite struct OutputProjectionCLITests {
    /// A 4 × 2 F32 matrix whose row `moved` is [1, 1] and the others small distinct values.
    static func matrix(_ seed: Float, moved: Int? = nil) -> [UInt8] {
        (0 ..< 8).map { i -> Float in (moved.map { i / 2 == $0 } ?? false) ? 1 : seed + Float(i) * 0.01 }
            .flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
    }

    static func folder(_ tensors: [(String, [UInt64], [UInt8])], config: String) throws -> String {
        let bytes = SafetensorsWriter(entries: tensors.map { .init(name: $0.0, dtype: .f32, shape: $0.1, bytes: $0.2) }).serialize()
        let url = try Fixtures.temporaryDirectory()
        try Data(bytes).write(to: url.appendingPathComponent("model.safetensors"))
        try Data(config.utf8).write(to: url.appendingPathComponent("config.json"))
        return url.path
    }

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(arguments)
        #expect(result.status == 0 || result.status == 1, "\(arguments): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// RobertaForMaskedLM saves `lm_head.dense.weight` (hidden × hidden) and, tied, no
    /// `lm_head.decoder.weight`: the dense layer is no output projection, so config.json's
    /// tie_word_embeddings true decides. It was taken for the projection: "not tied
    /// (identical-bytes)" and a warning.
    @Test("RoBERTa's lm_head.dense.weight is a hidden layer, not the output projection: a tied config decides")
    func robertaDense() throws {
        let dir = try Self.folder([("roberta.embeddings.word_embeddings.weight", [4, 2], Self.matrix(0.1, moved: 1)),
                                   ("lm_head.dense.weight", [2, 2], Self.matrix(0.3).prefix(16).map { $0 })],
                                  config: #"{"model_type": "roberta", "architectures": ["RobertaForMaskedLM"], "tie_word_embeddings": true, "pad_token_id": 1, "vocab_size": 4, "hidden_size": 2}"#)
        let padding = try Self.json(["padding", dir, "--json"])
        let embeddings = try #require(padding["embeddings"] as? [[String: Any]])
        #expect(embeddings.compactMap { $0["tensor"] as? String } == ["roberta.embeddings.word_embeddings.weight"])
        let tying = try #require(embeddings.first?["tying"] as? [String: Any])
        #expect(tying["tied"] as? Bool == true && tying["evidence"] as? String == "config", "\(tying)")
        let audit = try Self.json(["audit", dir, "--format", "json"])
        let pad = (audit["findings"] as? [[String: Any]] ?? []).first { $0["rule"] as? String == "padding-row-nonzero" }
        #expect(pad?["severity"] as? String == "info", "\(String(describing: pad))")
    }

    /// LlamaForCausalLM with tie_word_embeddings false whose lm_head.weight was copied from the
    /// embedding: transformers loads two parameters; dropping the "wasted" copy leaves
    /// lm_head.weight missing. So: not tied (config), and a duplicate, not a tie saved twice.
    @Test("identical embedding and lm_head that config.json unties: not tied (config), duplicate-tensors, no bytes called wasted")
    func untiedCopy() throws {
        let same = Self.matrix(0.2, moved: 0)
        let dir = try Self.folder([("model.embed_tokens.weight", [4, 2], same), ("lm_head.weight", [4, 2], same)],
                                  config: #"{"model_type": "llama", "architectures": ["LlamaForCausalLM"], "tie_word_embeddings": false, "pad_token_id": 0}"#)
        let padding = try Self.json(["padding", dir, "--json"])
        let embeddings = try #require(padding["embeddings"] as? [[String: Any]])
        let input = try #require(embeddings.first { $0["tensor"] as? String == "model.embed_tokens.weight" })
        let tying = try #require(input["tying"] as? [String: Any])
        #expect(tying["tied"] as? Bool == false && tying["evidence"] as? String == "config", "\(tying)")
        #expect((tying["detail"] as? String)?.contains("equal, not tied") == true)
        let ties = try Self.json(["ties", dir, "--json"])
        let groups = try #require(ties["groups"] as? [[String: Any]])
        #expect(groups.compactMap { $0["kind"] as? String } == ["duplicate"], "\(groups)")
        let audit = try Self.json(["audit", dir, "--format", "json"])
        let rules = (audit["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        #expect(!rules.contains("tied-weights-duplicated") && rules.contains("duplicate-tensors"), "\(rules)")
        // The control: the same bytes with tie_word_embeddings true are a tie saved twice.
        let tied = try Self.folder([("model.embed_tokens.weight", [4, 2], same), ("lm_head.weight", [4, 2], same)],
                                   config: #"{"model_type": "llama", "tie_word_embeddings": true, "pad_token_id": 0}"#)
        let tiedRules = (try Self.json(["audit", tied, "--format", "json"])["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        #expect(tiedRules.contains("tied-weights-duplicated"), "\(tiedRules)")
    }

    /// Mamba's input embedding is `backbone.embeddings.weight`, found by config.json's
    /// [vocab_size, hidden_size] only: the lm_head compares its bytes with it too, so both
    /// answers rest on the same evidence (the lm_head said "not tied (config)").
    @Test("an embedding found by config shape is the lm_head's counterpart: both sides judge by the bytes")
    func embeddingByShape() throws {
        let dir = try Self.folder([("backbone.embeddings.weight", [4, 2], Self.matrix(0.1)), ("lm_head.weight", [4, 2], Self.matrix(0.5))],
                                  config: #"{"model_type": "mamba", "tie_word_embeddings": false, "pad_token_id": 0, "vocab_size": 4, "hidden_size": 2}"#)
        let embeddings = try #require(try Self.json(["padding", dir, "--json"])["embeddings"] as? [[String: Any]])
        #expect(embeddings.count == 2)
        for entry in embeddings {
            let tying = try #require(entry["tying"] as? [String: Any])
            #expect(tying["tied"] as? Bool == false && tying["evidence"] as? String == "identical-bytes", "\(entry["tensor"] ?? "") \(tying)")
        }
    }

    /// DistilBERT's output projection is `vocab_projector.weight`: with tie_word_embeddings
    /// false its pad row is explained by the softmax, not a warning of the input embedding.
    @Test("DistilBERT's vocab_projector.weight is an output projection, not a second input embedding")
    func distilbertProjector() throws {
        let dir = try Self.folder([("distilbert.embeddings.word_embeddings.weight", [4, 2], Self.matrix(0.1)),
                                   ("vocab_projector.weight", [4, 2], Self.matrix(0.4, moved: 0))],
                                  config: #"{"model_type": "distilbert", "tie_word_embeddings": false, "pad_token_id": 0, "vocab_size": 4, "dim": 2}"#)
        let padding = try Self.json(["padding", dir, "--json"])
        let embeddings = try #require(padding["embeddings"] as? [[String: Any]])
        let projector = try #require(embeddings.first { $0["tensor"] as? String == "vocab_projector.weight" })
        #expect(projector["role"] as? String == "output-projection", "\(projector)")
    }
}
