import Foundation
import Testing
import TestSupport

/// A llama.cpp BERT GGUF beside the Hub config.json of the model it was converted from
/// (`BertForMaskedLM`, tie_word_embeddings true), as Hub repositories of GGUF files often ship
/// one. It read "transformers saves a tied weight once" (hunt-59e P4), though llama.cpp's
/// converter drops the masked-LM head (TestData/gguf-converted/expected.json, from the converter)
/// and its architecture "bert" has no output projection.
@Suite struct GGUFBesideConfigTyingTests {
    @Test("a BERT GGUF beside its Hub BertForMaskedLM config: the config speaks of the Hub model converted, not of the file")
    func configDescribesTheSourceModel() throws {
        let dir = try Fixtures.temporaryDirectory().path
        try FileManager.default.copyItem(atPath: Fixtures.path("gguf-converted/bert-f16.gguf"), toPath: dir + "/model.gguf")
        try FileManager.default.copyItem(atPath: Fixtures.path("gguf-converted/hub/config.json"), toPath: dir + "/config.json")
        let report = try CLI.json(["padding", dir + "/model.gguf", "--pad-id", "0", "--json"])
        let embedding = try #require((report["embeddings"] as? [[String: Any]])?.first { $0["tensor"] as? String == "token_embd.weight" })
        let tying = try #require(embedding["tying"] as? [String: Any])
        #expect(tying["tied"] as? Bool == true && tying["evidence"] as? String == "config", "\(tying)")
        let detail = try #require(tying["detail"] as? String)
        #expect(!detail.contains("saves a tied weight once"), "\(detail)")
        #expect(detail.contains("Architecture \"bert\" has no output projection in llama.cpp"), "\(detail)")
        #expect(detail.contains("config.json beside it describes the Hub model the file was converted from, not the file: "
            + "its architectures name BertForMaskedLM, whose output layer is this matrix when tied; the GGUF file keeps no such layer."), "\(detail)")
    }

    static func tying(gguf: String, config: String) throws -> [String: Any] {
        let dir = try Fixtures.temporaryDirectory().path
        try FileManager.default.copyItem(atPath: Fixtures.path(gguf), toPath: dir + "/model.gguf")
        try Data(config.utf8).write(to: URL(fileURLWithPath: dir + "/config.json"))
        let report = try CLI.json(["padding", dir + "/model.gguf", "--pad-id", "0", "--json"])
        let embedding = try #require((report["embeddings"] as? [[String: Any]])?.first { $0["tensor"] as? String == "token_embd.weight" })
        return try #require(embedding["tying"] as? [String: Any])
    }

    /// llama.cpp's converter writes `t5encoder` from T5EncoderModel only and `bert` from BERT-family
    /// classes only (TestData/knowledge/llamacpp-sources.json, read from the converter): a config naming
    /// another class does not name the class the file was converted from (hunt-60c P1, P2).
    @Test("a t5encoder GGUF beside a T5ForConditionalGeneration config, a bert GGUF beside a Qwen2 config: the config is not read for tying",
          arguments: [("gguf-arch/t5encoder.gguf", #"{"architectures": ["T5ForConditionalGeneration"], "model_type": "t5", "tie_word_embeddings": false}"#,
                       "names \"T5ForConditionalGeneration\", a class llama.cpp's converter does not write as architecture \"t5encoder\" (it writes it from T5EncoderModel)"),
                      ("gguf-converted/bert-f16.gguf", #"{"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "tie_word_embeddings": true}"#,
                       "names \"Qwen2ForCausalLM\", a class llama.cpp's converter does not write as architecture \"bert\""),
                      ("gguf-converted/bert-f16.gguf", #"{"model_type": "qwen2"}"#,
                       "states model_type \"qwen2\", which llama.cpp's converter does not write as architecture \"bert\"")])
    func configOfAnotherSource(gguf: String, config: String, sentence: String) throws {
        let tying = try Self.tying(gguf: gguf, config: config)
        #expect(tying["tied"] == nil || tying["tied"] is NSNull, "\(tying)")
        let detail = try #require(tying["detail"] as? String)
        #expect(detail.contains(sentence) && detail.contains("so it is not read for tying"), "\(detail)")
        #expect(!detail.contains("a model loaded from this file ties") && !detail.contains("converted from, not the file"), "\(detail)")
    }

    @Test("a t5encoder GGUF beside a config naming T5EncoderModel: not tied (architecture), as the same encoder in safetensors")
    func encoderConfigBesideEncoderFile() throws {
        let tying = try Self.tying(gguf: "gguf-arch/t5encoder.gguf",
                                   config: #"{"architectures": ["T5EncoderModel"], "model_type": "t5", "tie_word_embeddings": false}"#)
        #expect(tying["tied"] as? Bool == false && tying["evidence"] as? String == "architecture", "\(tying)")
    }
}
