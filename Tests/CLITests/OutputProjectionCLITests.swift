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

    /// GPTNeoXLayer (use_parallel_residual, default true) and PhiDecoderLayer add the attention
    /// output and the MLP output to one residual sum, and transformers starts their biases at
    /// zero: a trained model holds them equal (a QA run trained tiny ones with transformers 5.25).
    @Test("a parallel-residual layer's two output biases are equal by construction; a sequential GPT-NeoX's are a duplicate",
          arguments: [("gpt_neox", "gpt_neox.layers.3.attention.dense.bias", "gpt_neox.layers.3.mlp.dense_4h_to_h.bias", ""),
                      ("phi", "model.layers.3.self_attn.dense.bias", "model.layers.3.mlp.fc2.bias", ""),
                      ("gpt_neox", "gpt_neox.layers.3.attention.dense.bias", "gpt_neox.layers.3.mlp.dense_4h_to_h.bias",
                       #", "use_parallel_residual": false"#),
                      // transformers refuses a non-boolean (GPTNeoXConfig: "expected bool"): nothing is assumed.
                      ("gpt_neox", "gpt_neox.layers.3.attention.dense.bias", "gpt_neox.layers.3.mlp.dense_4h_to_h.bias",
                       #", "use_parallel_residual": 0"#),
                      // Residual dropout masks each output apart: the gradients differ.
                      ("gpt_neox", "gpt_neox.layers.3.attention.dense.bias", "gpt_neox.layers.3.mlp.dense_4h_to_h.bias",
                       #", "hidden_dropout": 0.1"#),
                      ("phi", "model.layers.3.self_attn.dense.bias", "model.layers.3.mlp.fc2.bias", #", "resid_pdrop": 0.1"#)])
    func parallelResidualBiases(type: String, attention: String, mlp: String, extra: String) throws {
        let bias = Self.matrix(0.2).prefix(16).map { $0 }  // four distinct floats
        let dir = try Self.folder([(attention, [4], bias), (mlp, [4], bias)], config: #"{"model_type": "\#(type)"\#(extra)}"#)
        let ties = try Self.json(["ties", dir, "--json"])
        let groups = try #require(ties["groups"] as? [[String: Any]])
        let findings = CLI.findings(try CLI.json(["audit", dir, "--format", "json"]), rule: "duplicate-tensors")
        if extra.isEmpty {
            #expect(groups.first?["kind"] as? String == "parallel-residual-bias")
            #expect(findings.isEmpty)
        } else {
            #expect(groups.first?["kind"] as? String == "duplicate")
            #expect(findings.count == 1)
        }
    }

    /// A classifier has no output projection (TestData/knowledge/architectures.json, from
    /// transformers): nothing is tied now. BertConfig ties by default and this config says true,
    /// so a pre-training head would have been tied (info, `pretraining_tie`); LlamaConfig unties
    /// by default (model-type-defaults.json), so a Llama classifier's moved pad row stays a warning.
    @Test("a classifier's moved pad row: info when the type's pre-training head ties (BERT), a warning when it does not (Llama)")
    func classifierPretrainingTie() throws {
        let architectures = try #require(try Fixtures.json("knowledge/architectures.json") as? [String: Any])
        for name in ["BertForSequenceClassification", "LlamaForSequenceClassification"] {
            let facts = try #require((architectures["architectures"] as? [String: Any] ?? architectures)[name] as? [String: Any], "\(name)")
            #expect(facts["output_projection"] as? Bool == false, "\(name): \(facts)")
        }
        let bert = try Self.folder([("bert.embeddings.word_embeddings.weight", [4, 2], Self.matrix(0.1, moved: 0))],
                                   config: #"{"model_type": "bert", "architectures": ["BertForSequenceClassification"], "tie_word_embeddings": true, "pad_token_id": 0, "vocab_size": 4, "hidden_size": 2}"#)
        let found = try #require(CLI.findings(try CLI.json(["audit", bert, "--format", "json"], status: 0), rule: "padding-row-nonzero").first)
        #expect(found["severity"] as? String == "info")
        #expect((found["evidence"] as? [String: Any])?["pretraining_tie"] as? Bool == true)
        #expect((found["message"] as? String)?.contains("the files cannot show") == true)
        let llama = try Self.folder([("model.embed_tokens.weight", [4, 2], Self.matrix(0.1, moved: 0))],
                                    config: #"{"model_type": "llama", "architectures": ["LlamaForSequenceClassification"], "pad_token_id": 0, "vocab_size": 4, "hidden_size": 2}"#)
        let warning = try #require(CLI.findings(try CLI.json(["audit", llama, "--format", "json"], status: 0), rule: "padding-row-nonzero").first)
        #expect(warning["severity"] as? String == "warning")
        #expect((warning["evidence"] as? [String: Any])?["pretraining_tie"] == nil)
        #expect((warning["message"] as? String)?.contains("whether it was tied in pre-training, the files cannot show") == true)
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

    /// BertForMaskedLM whose config unties a decoder stored with the embedding's bytes, and a
    /// non-zero pad row although BERT builds the embedding with padding_idx on it: matrices
    /// trained apart do not stay equal, so the copy accounts for the row (a tie while it
    /// trained) and the finding is info, not "nothing accounts for it" (review-63b H2).
    @Test("an untied byte copy of the embedding in the output projection accounts for a non-zero pad row: info, and the copy is named")
    func untiedCopyAccountsForThePadRow() throws {
        let same = Self.matrix(0.2, moved: 0)
        let dir = try Self.folder([("bert.embeddings.word_embeddings.weight", [4, 2], same), ("cls.predictions.decoder.weight", [4, 2], same)],
                                  config: #"{"model_type": "bert", "architectures": ["BertForMaskedLM"], "tie_word_embeddings": false, "pad_token_id": 0, "vocab_size": 4, "hidden_size": 2}"#)
        let audit = try Self.json(["audit", dir, "--format", "json"])
        let pad = try #require((audit["findings"] as? [[String: Any]] ?? []).first { $0["rule"] as? String == "padding-row-nonzero" })
        #expect(pad["severity"] as? String == "info", "\(pad)")
        #expect((pad["message"] as? String)?.contains(#"the matrix is not tied (evidence: config), but "cls.predictions.decoder.weight" holds identical bytes"#) == true, "\(pad)")
        // The control: a decoder of other bytes leaves the warning.
        let apart = try Self.folder([("bert.embeddings.word_embeddings.weight", [4, 2], same), ("cls.predictions.decoder.weight", [4, 2], Self.matrix(0.3))],
                                    config: #"{"model_type": "bert", "architectures": ["BertForMaskedLM"], "tie_word_embeddings": false, "pad_token_id": 0, "vocab_size": 4, "hidden_size": 2}"#)
        let other = try #require((try Self.json(["audit", apart, "--format", "json"])["findings"] as? [[String: Any]] ?? []).first { $0["rule"] as? String == "padding-row-nonzero" })
        #expect(other["severity"] as? String == "warning", "\(other)")
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

    /// A generic top-level name (`head.weight`, `proj_out.weight`) is an output projection only
    /// when its rows are the vocabulary: a timm ViT's classifier `head.weight` [4, 2] with no
    /// config was taken for one ("padding-unchecked … head.weight"); RWKV's `head.weight` with
    /// config.json's vocab_size is one.
    @Test("head.weight is an output projection only with the vocabulary's rows",
          arguments: [(nil as String?, false), (#"{"model_type": "rwkv", "vocab_size": 4, "hidden_size": 2, "pad_token_id": 0}"#, true)])
    func genericTopLevelHead(config: String?, isOutput: Bool) throws {
        let bytes = SafetensorsWriter(entries: [.init(name: "head.weight", dtype: .f32, shape: [4, 2], bytes: Self.matrix(0.3)),
                                                .init(name: "blocks.0.attn.qkv.weight", dtype: .f32, shape: [2, 2], bytes: Array(Self.matrix(0.2).prefix(16)))]).serialize()
        let url = try Fixtures.temporaryDirectory()
        try Data(bytes).write(to: url.appendingPathComponent("model.safetensors"))
        if let config { try Data(config.utf8).write(to: url.appendingPathComponent("config.json")) }
        let padding = try Self.json(["padding", url.path, "--pad-id", "0", "--json"])
        let roles = (padding["embeddings"] as? [[String: Any]] ?? []).compactMap { $0["role"] as? String }
        #expect(roles == (isOutput ? ["output-projection"] : []), "\(padding)")
    }

    /// MarianMTModel with share_encoder_decoder_embeddings false: transformers ties lm_head to
    /// decoder.embed_tokens only; the encoder's embedding (other rows, other bytes) was "tied
    /// (evidence: config)" and its moved pad row explained. The decoder's stays tied by config.
    @Test("an encoder's embedding beside a separate decoder's: config.json's tie says nothing of it (unknown)")
    func encoderEmbedding() throws {
        let dir = try Self.folder([("model.encoder.embed_tokens.weight", [4, 2], Self.matrix(0.1, moved: 1)),
                                   ("model.decoder.embed_tokens.weight", [4, 2], Self.matrix(0.6))],
                                  config: #"{"model_type": "marian", "tie_word_embeddings": true, "pad_token_id": 1}"#)
        let embeddings = try #require(try Self.json(["padding", dir, "--json"])["embeddings"] as? [[String: Any]])
        func tying(_ name: String) -> [String: Any]? {
            embeddings.first { $0["tensor"] as? String == name }?["tying"] as? [String: Any]
        }
        #expect(tying("model.encoder.embed_tokens.weight")?["evidence"] as? String == "unknown")
        #expect(tying("model.decoder.embed_tokens.weight")?["evidence"] as? String == "config")
    }

    /// The generic names stay output projections where other evidence says so: llama.cpp's
    /// `output.weight` in a GGUF file (the format's name, whatever its rows: this fixture's has
    /// 8 rows beside 32 in `token_embd`), and a top-level `decoder.weight` that is one torch
    /// storage with `embed.weight` (a tied pair; neither is named like an embedding).
    @Test("output.weight in a GGUF file and a decoder.weight sharing its storage are output projections",
          arguments: [("gguf-mix/no-file-type.gguf", "output.weight"), ("pytorch/tied.bin", "decoder.weight")])
    func genericNamesWithEvidence(file: String, name: String) throws {
        let padding = try Self.json(["padding", Fixtures.path(file), "--pad-id", "0", "--json"])
        let entry = (padding["embeddings"] as? [[String: Any]] ?? []).first { $0["tensor"] as? String == name }
        #expect(entry?["role"] as? String == "output-projection", "\(padding)")
    }

    /// A model-parallel shard of the original LLaMA (consolidated.01.pth) splits
    /// `tok_embeddings` along the hidden size and `output` along the vocabulary: the rows differ,
    /// and `output.weight` beside an input embedding is still the output projection.
    @Test("output.weight beside tok_embeddings.weight of other rows (a model-parallel shard) is the output projection")
    func metaShard() throws {
        let dir = try Self.folder([("tok_embeddings.weight", [4, 2], Self.matrix(0.1)), ("output.weight", [2, 4], Self.matrix(0.4))], config: "{}")
        try FileManager.default.removeItem(atPath: dir + "/config.json")
        let padding = try Self.json(["padding", dir, "--pad-id", "0", "--json"])
        let roles = (padding["embeddings"] as? [[String: Any]] ?? []).compactMap { $0["role"] as? String }
        #expect(roles.sorted() == ["embedding", "output-projection"], "\(padding)")
    }

    /// An untie by copy needs both copies: `ties` counts no byte of them as wasted.
    @Test("the two copies config.json unties are no wasted bytes")
    func untiedCopyWastesNothing() throws {
        let same = Self.matrix(0.2, moved: 0)
        let dir = try Self.folder([("model.embed_tokens.weight", [4, 2], same), ("lm_head.weight", [4, 2], same)],
                                  config: #"{"model_type": "llama", "tie_word_embeddings": false}"#)
        let ties = try Self.json(["ties", dir, "--json"])
        let groups = try #require(ties["groups"] as? [[String: Any]])
        #expect(groups.map { $0["wasted_bytes"] as? Int } == [0], "\(groups)")
    }

    /// XLM and Flaubert state their width as `emb_dim`: their `transformer.embeddings.weight` is
    /// found by config.json's [vocab_size, emb_dim] (it was "no embedding matrix found").
    @Test("an XLM config's emb_dim finds its embedding by shape")
    func xlmEmbDim() throws {
        let dir = try Self.folder([("transformer.embeddings.weight", [4, 2], Self.matrix(0.1, moved: 2))],
                                  config: #"{"model_type": "xlm", "vocab_size": 4, "emb_dim": 2, "pad_token_id": 2}"#)
        let embeddings = try #require(try Self.json(["padding", dir, "--json"])["embeddings"] as? [[String: Any]])
        #expect(embeddings.compactMap { $0["tensor"] as? String } == ["transformer.embeddings.weight"])
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
