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
}
