import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// A multimodal config.json that sets `tie_word_embeddings` only in its `text_config`: whether
/// that is the model's own value depends on the config class (transformers 5.25: Gemma3Config
/// keeps its own default, true, and Gemma3ForConditionalGeneration ties by it; LlavaConfig
/// forwards the nested value). What each class does is read from transformers by
/// TestData/knowledge/generate_model_types.py (`text_config_tie_word_embeddings`).
@Suite struct TextConfigTieCLITests {
    static func folder(config: String) throws -> String {
        let folder = try Fixtures.temporaryDirectory()
        var bytes: [UInt8] = []
        for i in 0..<(8 * 4) { withUnsafeBytes(of: Float(i % 7 + 1).bitPattern.littleEndian) { bytes += $0 } }
        let file = SafetensorsWriter(entries: [.init(name: "model.embed_tokens.weight", dtype: .f32, shape: [8, 4], bytes: bytes)])
        try Data(file.serialize()).write(to: folder.appendingPathComponent("model.safetensors"))
        try Data(config.utf8).write(to: folder.appendingPathComponent("config.json"))
        return folder.path
    }

    @Test("gemma3: a text_config's tie_word_embeddings false is not the model's; the class default (tied) is the evidence")
    func gemma3IgnoresTextConfig() throws {
        let defaults = try #require((try Fixtures.json("knowledge/model-type-defaults.json") as? [String: Any])?["model_types"] as? [String: [String: Any]])
        let gemma3 = try #require(defaults["gemma3"])
        #expect(gemma3["text_config_tie_word_embeddings"] as? String == "ignored")
        let classDefault = try #require(gemma3["tie_word_embeddings"] as? Bool)
        let path = try Self.folder(config: #"{"model_type": "gemma3", "text_config": {"tie_word_embeddings": false}, "pad_token_id": 0}"#)
        let result = try CLI.run(["padding", path, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        let tying = try #require(((report["embeddings"] as? [[String: Any]])?.first)?["tying"] as? [String: Any])
        #expect(tying["tied"] as? Bool == classDefault, "\(tying)")
        #expect(tying["evidence"] as? String == "model-type-default", "\(tying)")
        let detail = tying["detail"] as? String ?? ""
        #expect(detail.contains("its text_config sets it to false, which Gemma3Config does not read"), "\(tying)")
    }

    @Test("a model_type that is no string is a config-invalid-value, and padding says so instead of 'has no model_type'")
    func modelTypeOfWrongType() throws {
        let path = try Self.folder(config: #"{"model_type": 5, "pad_token_id": 0}"#)
        let audit = try CLI.run(["audit", path, "--json"])
        let findings = try #require((try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])?["findings"] as? [[String: Any]])
        let invalid = findings.filter { $0["rule"] as? String == "config-invalid-value" }
        #expect(invalid.count == 1 && (invalid.first?["evidence"] as? [String: Any])?["key"] as? String == "model_type", "\(findings)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(try CLI.run(["padding", path, "--json"]).stdout.utf8)) as? [String: Any])
        let tying = try #require(((report["embeddings"] as? [[String: Any]])?.first)?["tying"] as? [String: Any])
        let detail = tying["detail"] as? String ?? ""
        #expect(detail.contains("has model_type 5, not a string"), "\(tying)")
        #expect(tying["evidence"] as? String == "unknown", "\(tying)")
    }

    @Test("qwen2 (a class without a text_config): a nested tie_word_embeddings true is not read; Qwen2Config's default decides")
    func qwen2IgnoresTextConfig() throws {
        let defaults = try #require((try Fixtures.json("knowledge/model-type-defaults.json") as? [String: Any])?["model_types"] as? [String: [String: Any]])
        let qwen2 = try #require(defaults["qwen2"])
        #expect(qwen2["text_config_tie_word_embeddings"] is NSNull, "no text_config in Qwen2Config")
        let classDefault = try #require(qwen2["tie_word_embeddings"] as? Bool)
        let path = try Self.folder(config: #"{"model_type": "qwen2", "text_config": {"tie_word_embeddings": true}, "pad_token_id": 0}"#)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(try CLI.run(["padding", path, "--json"]).stdout.utf8)) as? [String: Any])
        let tying = try #require(((report["embeddings"] as? [[String: Any]])?.first)?["tying"] as? [String: Any])
        #expect(tying["tied"] as? Bool == classDefault && tying["evidence"] as? String == "model-type-default", "\(tying)")
    }

    /// transformers 5.25 built each class for every way config.json states the two keys
    /// (composite-model-types.json `ties`): LlavaNextConfig ties by neither nested value,
    /// LlavaConfig takes a nested true over a top-level false. Before, both were "unknown".
    @Test("a composite model type outside the table: the class transformers builds decides, nested value or not",
          arguments: [(#"{"model_type": "llava_next", "text_config": {"tie_word_embeddings": true, "pad_token_id": 0}, "pad_token_id": 0}"#, "llava_next", 2),
                      (#"{"model_type": "llava", "tie_word_embeddings": false, "text_config": {"tie_word_embeddings": true, "pad_token_id": 0}, "pad_token_id": 0}"#, "llava", 10),
                      (#"{"model_type": "llava", "text_config": {"pad_token_id": 0}, "pad_token_id": 0}"#, "llava", 1)])
    func outsideTheTable(config: String, modelType: String, bit: Int) throws {
        let document = try #require(try Fixtures.json("knowledge/composite-model-types.json") as? [String: Any])
        let measured = try #require((document["ties"] as? [String: [String: Any]])?[modelType]?["ties"] as? String)
        let tied = Array(measured)[bit] == "1"
        let path = try Self.folder(config: config)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(try CLI.run(["padding", path, "--json"]).stdout.utf8)) as? [String: Any])
        let tying = try #require(((report["embeddings"] as? [[String: Any]])?.first)?["tying"] as? [String: Any])
        #expect(tying["tied"] as? Bool == tied, "\(tying)")
        #expect(tying["evidence"] as? String == (bit % 4 >= 2 || bit >= 4 ? "config" : "model-type-default"), "\(tying)")
        #expect((tying["detail"] as? String)?.contains("measured by building the class") == true, "\(tying)")
    }

    @Test("gemma3 with tie_word_embeddings at the top level: that value is the config's statement")
    func gemma3TopLevel() throws {
        let path = try Self.folder(config: #"{"model_type": "gemma3", "tie_word_embeddings": false, "text_config": {"tie_word_embeddings": true}, "pad_token_id": 0}"#)
        let result = try CLI.run(["padding", path, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        let tying = try #require(((report["embeddings"] as? [[String: Any]])?.first)?["tying"] as? [String: Any])
        #expect(tying["tied"] as? Bool == false && tying["evidence"] as? String == "config", "\(tying)")
    }
}
