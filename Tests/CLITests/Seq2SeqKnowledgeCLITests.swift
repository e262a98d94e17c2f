import Foundation
import Testing
import TestSupport

/// `audit`, `ties` and `padding` on TestData/knowledge/seq2seq: tiny models saved by
/// transformers' `save_pretrained`, with what `from_pretrained` builds of each in expected.json
/// (generate_seq2seq.py). Expected answers come from that file, never from our output.
@Suite struct Seq2SeqKnowledgeCLITests {
    static func expected(_ folder: String) throws -> [String: Any] {
        let all = try #require(try Fixtures.json("knowledge/seq2seq/expected.json") as? [String: Any])
        return try #require(all[folder] as? [String: Any], "\(folder) in expected.json")
    }



    static func path(_ folder: String) -> String { Fixtures.path("knowledge/seq2seq/" + folder) }

    @Test("Pegasus with tie_word_embeddings false and equal stored embed_tokens: three parameters transformers needs, no bytes wasted")
    func untiedCopies() throws {
        let expected = try Self.expected("pegasus-untied-copies")
        // transformers: equal values, yet no two of them share a tensor; dropping the copies loses them.
        #expect(expected["embed_tokens_equal_shared"] as? Bool == true)
        #expect((expected["shared_parameter_groups"] as? [Any])?.isEmpty == true)
        #expect(expected["copies_survive_dropping"] as? Bool == false)
        let ties = try CLI.json(["ties", Self.path("pegasus-untied-copies")])
        let names = ["model.decoder.embed_tokens.weight", "model.encoder.embed_tokens.weight", "model.shared.weight"]
        let group = try #require((ties["groups"] as? [[String: Any]])?.first { $0["tensors"] as? [String] == names })
        #expect(group["kind"] as? String == "duplicate")
        #expect(group["wasted_bytes"] as? Int == 0)
        #expect((group["note"] as? String)?.contains("sets tie_word_embeddings to false") == true)
        let audit = try CLI.json(["audit", Self.path("pegasus-untied-copies")])
        #expect(CLI.findings(audit, rule: "tied-weights-duplicated").isEmpty)
    }

    @Test("Pegasus' encoder and decoder save one computed sinusoid each: a repeated buffer, not an unexplained duplicate")
    func sinusoidalTables() throws {
        let expected = try Self.expected("pegasus")
        #expect(expected["positions_equal"] as? Bool == true && expected["positions_rebuilt_equal"] as? Bool == true)
        #expect((expected["position_modules"] as? [String])?.allSatisfy { $0.contains("Sinusoidal") } == true)
        let ties = try CLI.json(["ties", Self.path("pegasus")])
        let names = ["model.decoder.embed_positions.weight", "model.encoder.embed_positions.weight"]
        let group = try #require((ties["groups"] as? [[String: Any]])?.first { $0["tensors"] as? [String] == names })
        #expect(group["kind"] as? String == "repeated-buffer")
        let audit = try CLI.json(["audit", Self.path("pegasus")])
        #expect(CLI.findings(audit, rule: "duplicate-tensors").isEmpty)
    }

    @Test("T5 v1.1 and GPT-2 build their input embedding without padding_idx: a non-zero pad row is info, and says why",
          arguments: [("t5-v11", "shared.weight", "T5Config"), ("gpt2-pad", "transformer.wte.weight", "GPT2Config")])
    func noPaddingIndex(_ folder: String, tensor: String, configClass: String) throws {
        let expected = try Self.expected(folder)
        #expect(expected["padding_idx"] is NSNull, "transformers builds \(folder)'s embedding without padding_idx")
        #expect(expected["pad_row_zero"] as? Bool == false)
        let audit = try CLI.json(["audit", Self.path(folder)])
        let finding = try #require(CLI.findings(audit, rule: "padding-row-nonzero").first)
        #expect(finding["tensors"] as? [String] == [tensor])
        #expect(finding["severity"] as? String == "info")
        let evidence = try #require(finding["evidence"] as? [String: Any])
        #expect(evidence["padding_idx_row"] as? Bool == false)
        #expect(evidence["pad_id"] as? Int == expected["pad_token_id"] as? Int)
        #expect((finding["message"] as? String)?.contains("\(configClass)'s model") == true)
        #expect((finding["message"] as? String)?.contains("without padding_idx") == true)
    }

    @Test("T5 v1.1: lm_head stored apart with other bytes is not tied, as transformers loads it")
    func t5Untied() throws {
        let expected = try Self.expected("t5-v11")
        #expect(expected["lm_head_is_input_embedding"] as? Bool == false)
        let padding = try CLI.json(["padding", Self.path("t5-v11")])
        let r = try #require((padding["embeddings"] as? [[String: Any]])?.first { $0["tensor"] as? String == "shared.weight" })
        #expect((r["tying"] as? [String: Any])?["tied"] as? Bool == false)
        #expect((r["explanation"] as? String)?.hasPrefix("the pad row is non-zero, as expected") == true)
    }

    @Test("I-BERT: the word embedding's quantization buffer is not a token matrix, and its zeros are info")
    func ibert() throws {
        let expected = try Self.expected("ibert")
        #expect((expected["word_embedding_buffers"] as? [String])?.contains("ibert.embeddings.word_embeddings.weight_integer") == true)
        #expect(expected["input_embedding"] as? [String] == ["ibert.embeddings.word_embeddings"])
        let padding = try CLI.json(["padding", Self.path("ibert")])
        let analysed = (padding["embeddings"] as? [[String: Any]] ?? []).compactMap { $0["tensor"] as? String }
        #expect(!analysed.contains { $0.hasSuffix("weight_integer") })
        #expect(analysed.contains("ibert.embeddings.word_embeddings.weight"))
        let audit = try CLI.json(["audit", Self.path("ibert")])
        let zeros = CLI.findings(audit, rule: "all-zero-rows").filter { ($0["tensors"] as? [String])?.first?.hasSuffix("weight_integer") == true }
        #expect(!zeros.isEmpty)
        #expect(zeros.allSatisfy { $0["severity"] as? String == "info" })
    }

    @Test("mBART without pad_token_id in config.json: MBartConfig's default pad id, and its tie default, as AutoConfig gives them")
    func mbartDefaults() throws {
        let expected = try Self.expected("mbart-no-pad")
        let padding = try CLI.json(["padding", Self.path("mbart-no-pad")])
        let r = try #require((padding["embeddings"] as? [[String: Any]])?.first { $0["tensor"] as? String == "model.shared.weight" })
        #expect(r["pad_id"] as? Int == expected["pad_token_id"] as? Int)
        #expect(r["pad_id_source"] as? String == "model-type-default")
        let tying = try #require(r["tying"] as? [String: Any])
        #expect(tying["tied"] as? Bool == expected["lm_head_is_input_embedding"] as? Bool)
        #expect(tying["evidence"] as? String == "model-type-default")
        #expect(r["is_zero"] as? Bool == false)
    }

    @Test("Marian with share_encoder_decoder_embeddings false: the encoder's embedding is not tied (config), the decoder's is")
    func marianUnshared() throws {
        let expected = try Self.expected("marian-unshared")
        #expect(expected["output_is_encoder_embedding"] as? Bool == false && expected["output_is_decoder_embedding"] as? Bool == true)
        #expect(expected["encoder_pad_row_zero"] as? Bool == false)
        let padding = try CLI.json(["padding", Self.path("marian-unshared")])
        let results = try #require(padding["embeddings"] as? [[String: Any]])
        func tying(_ tensor: String) -> [String: Any]? {
            results.first { $0["tensor"] as? String == tensor }?["tying"] as? [String: Any]
        }
        let encoder = try #require(tying("model.encoder.embed_tokens.weight"))
        #expect(encoder["tied"] as? Bool == false && encoder["evidence"] as? String == "config")
        #expect((encoder["detail"] as? String)?.contains("share_encoder_decoder_embeddings to false") == true)
        #expect(tying("model.decoder.embed_tokens.weight")?["tied"] as? Bool == true)
        let audit = try CLI.json(["audit", Self.path("marian-unshared")])
        let pad = CLI.findings(audit, rule: "padding-row-nonzero").first { ($0["tensors"] as? [String]) == ["model.encoder.embed_tokens.weight"] }
        #expect(pad?["severity"] as? String == "warning")
    }
}
