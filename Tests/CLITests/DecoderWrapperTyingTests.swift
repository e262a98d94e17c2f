import Foundation
import Testing
import TestSupport

/// The wrappers that build their decoder from a `decoder` sub-config (VisionEncoderDecoder with
/// a TrOCR decoder, EncoderDecoder with BERT): transformers ties the decoder's output projection
/// by that sub-config, whatever the wrapper's top level says
/// (TestData/knowledge/decoder-wrappers: every way config.json can state it, and whether the
/// model `from_pretrained` loads ties, in `expected.json`). A TrOCR saved by transformers 5.25
/// (false at the top, true in its decoder) was "not tied (evidence: config)".
@Suite struct DecoderWrapperTyingTests {
    static let root = "knowledge/decoder-wrappers"

    static func families() throws -> [String: [String: Any]] {
        try #require((try Fixtures.json("\(root)/expected.json") as? [String: Any])?["families"] as? [String: [String: Any]])
    }

    @Test("each config variant: tied and not tied as from_pretrained ties; unknown only where the decoder leaves the key out and its model type's default is not known",
          arguments: ["trocr", "bert2bert"])
    func variants(family: String) throws {
        let facts = try #require(try Self.families()[family])
        let embedding = try #require(facts["input_embedding"] as? String)
        let variants = try #require(facts["variants"] as? [String: [String: Bool]])
        #expect(variants.count == 9)
        let weights = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(Self.root)/\(family)/model.safetensors")))
        for (name, outcome) in variants.sorted(by: { $0.key < $1.key }) {
            let config = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(Self.root)/\(family)/variants/\(name).json")))
            let folder = try Fixtures.temporaryDirectory()
            try weights.write(to: folder.appendingPathComponent("model.safetensors"))
            try config.write(to: folder.appendingPathComponent("config.json"))
            let report = try CLI.json(["padding", folder.path, "--pad-id", "1", "--tensor", embedding])
            let tying = try #require((report["embeddings"] as? [[String: Any]])?.first?["tying"] as? [String: Any])
            let tied = tying["tied"] as? Bool, evidence = tying["evidence"] as? String
            let decoderStates = !name.hasSuffix("decoder-absent")
            if decoderStates {
                #expect(tied == outcome["tied"] && evidence == "config", "\(family) \(name): \(tying)")
            } else if family == "bert2bert" {
                // BertConfig's default, true, which the model-type table knows.
                #expect(tied == outcome["tied"] && evidence == "model-type-default", "\(family) \(name): \(tying)")
            } else {
                // TrOCR is not in the table: not known, never the wrapper's top-level value.
                #expect(tied == nil && evidence == "unknown", "\(family) \(name): \(tying)")
            }
        }
    }

    /// `padding --pad-id 1 --tensor NAME` of `weights` beside `config`, in a folder of their own:
    /// the tying of NAME.
    static func tying(weights: String, config: String, tensor: String) throws -> [String: Any] {
        let folder = try Fixtures.temporaryDirectory()
        try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(weights))).write(to: folder.appendingPathComponent("model.safetensors"))
        try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(config))).write(to: folder.appendingPathComponent("config.json"))
        let report = try CLI.json(["padding", folder.path, "--pad-id", "1", "--tensor", tensor])
        return try #require((report["embeddings"] as? [[String: Any]])?.first?["tying"] as? [String: Any])
    }

    @Test("bert2bert whose decoder states no model_type: built as BERT, so BertConfig's default ties it")
    func decoderWithoutType() throws {
        let facts = try #require(try Self.families()["bert2bert"])
        let loaded = try #require(facts["no_decoder_type"] as? [String: Any])
        #expect(loaded["decoder_class"] as? String == "BertLMHeadModel")
        let tying = try Self.tying(weights: "\(Self.root)/bert2bert/model.safetensors", config: "\(Self.root)/bert2bert/variants/no-decoder-type.json",
                                   tensor: try #require(facts["input_embedding"] as? String))
        #expect(tying["tied"] as? Bool == loaded["tied"] as? Bool && tying["evidence"] as? String == "model-type-default", "\(tying)")
    }

    @Test("an encoder embedding holding the decoder's bytes: the loaded model's head is not it, so never tied by the decoder's config")
    func encoderWithDecoderBytes() throws {
        let facts = try #require(try Self.families()["bert2bert"]?["encoder_same_bytes"] as? [String: Any])
        #expect(facts["encoder_is_output"] as? Bool == false && facts["equal_values"] as? Bool == true)
        let tying = try Self.tying(weights: "\(Self.root)/encoder-same-bytes/model.safetensors", config: "\(Self.root)/encoder-same-bytes/config.json",
                                   tensor: try #require(facts["encoder_embedding"] as? String))
        #expect(tying["tied"] as? Bool != true, "\(tying)")
    }

    @Test("a key twice in a decoder object is Python's last value, no error: transformers loads such a config (a BERT one was refused)")
    func repeatedKeyInDecoder() throws {
        let folder = try Fixtures.temporaryDirectory()
        try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("toy-bert/model.safetensors"))).write(to: folder.appendingPathComponent("model.safetensors"))
        try Data(#"{"model_type": "bert", "decoder": {"model_type": "gpt2", "model_type": "bert", "tie_word_embeddings": false, "tie_word_embeddings": true}}"#.utf8)
            .write(to: folder.appendingPathComponent("config.json"))
        let result = try CLI.run(["padding", folder.path, "--pad-id", "0"])
        #expect(!result.crashed && result.status == 0, "\(result.stderr)")
    }

    @Test("the pad id is the decoder's pad_token_id, the padding_idx from_pretrained builds the decoder's embedding with, when the top level states none",
          arguments: ["trocr", "bert2bert"])
    func padFromDecoder(family: String) throws {
        let facts = try #require(try Self.families()[family])
        #expect(facts["top_level_pad_token_id"] is NSNull || facts["top_level_pad_token_id"] as? String == "absent")
        let paddingIdx = try #require((facts["padding_idx"] as? [String: Any])?["decoder"] as? Int)
        let report = try CLI.json(["padding", Fixtures.path("\(Self.root)/\(family)")])
        let embedding = try #require(facts["input_embedding"] as? String)
        let entry = try #require((report["embeddings"] as? [[String: Any]])?.first { $0["tensor"] as? String == embedding })
        #expect(entry["pad_id"] as? Int == paddingIdx && entry["pad_id_source"] as? String == "config", "\(entry)")
    }
}
