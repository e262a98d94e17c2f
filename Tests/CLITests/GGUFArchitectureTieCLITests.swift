import Foundation
import Testing
import TestSupport

/// "No output.weight means tied" is llama.cpp's rule only for the architectures whose loader
/// falls back to token_embd.weight. TestData/gguf-arch holds the same embedding (no
/// output.weight, pad row not zero) under five `general.architecture` values; what llama.cpp
/// does for each comes from its loaders (TestData/knowledge/llamacpp-outputs.json): llama falls
/// back, bert and nomic-bert have no output projection, phi2 requires one, "mystery" is unknown.
/// For the encoders, the Hub classes the converter writes under that name
/// (llamacpp-sources.json) decide: bert's include BertModel and RobertaModel, which have no LM
/// head in transformers (architectures.json), so no tie default speaks of the file as saved; but
/// every model type bert's sources have (and nomic-bert's, nomic_bert) ties word embeddings by
/// default (model-types.json), so the pre-training head was tied to the embedding: info, with
/// `pretraining_tie` (the real all-MiniLM-L6-v2 GGUF was a warning where its folder was info:
/// review of 2026-12-07). Not t5encoder's t5: T5Config ties whatever a config states, so its
/// "default" says nothing of a source's training (T5 v1.1 is untied; hunt-59c P5).
@Suite struct GGUFArchitectureTieCLITests {
    @Test("the convention tie only for an architecture whose llama.cpp loader falls back to token_embd; an encoder's source defaults",
          arguments: [("llama", true, "format-convention", "for architecture \"llama\"", false),
                      ("bert", false, "none", "writes architecture \"bert\" also from Hub classes with no output projection in transformers 5.25.0 (BertForSequenceClassification, BertModel, CamembertModel, …)", true),
                      ("nomic-bert", false, "none", "Architecture \"nomic-bert\" has no output projection in llama.cpp", true),
                      ("phi2", false, "none", "Architecture \"phi2\" requires output.weight in llama.cpp", false),
                      ("mystery", false, "none", "Architecture \"mystery\" is not in the table", false),
                      // Its loader fills a missing output with token_embd, but its graph makes no
                      // logits (it was "tied by the format's convention": helper review).
                      ("t5encoder", false, "none", "writes architecture \"t5encoder\" only from Hub classes with no output projection in transformers 5.25.0 (T5EncoderModel)", false)])
    func tieFollowsArchitecture(architecture: String, tied: Bool, evidence: String, phrase: String, pretraining: Bool) throws {
        let path = Fixtures.path("gguf-arch/\(architecture).gguf")
        let ties = try GGUFTokenizerCLITests.json(["ties", path])
        // Only llama.cpp's fallback is a tie of this file; an encoder's source default is not.
        #expect((ties["tied_by_convention"] as? [Any])?.count == (evidence == "format-convention" ? 1 : 0))
        let padding = try GGUFTokenizerCLITests.json(["padding", path])
        let embedding = try #require((padding["embeddings"] as? [[String: Any]])?.first)
        let tying = try #require(embedding["tying"] as? [String: Any])
        #expect(tying["evidence"] as? String == evidence)
        #expect((tying["tied"] as? Bool) == (tied ? true : nil))
        #expect((tying["detail"] as? String)?.contains(phrase) == true, "\(tying)")
        // Unexplained, the non-zero pad row is a warning; explained by the tie or a pre-training tie, info.
        let finding = try #require((padding["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "padding-row-nonzero" })
        #expect(finding["severity"] as? String == (tied || pretraining ? "info" : "warning"))
        let evidenceOf = finding["evidence"] as? [String: Any]
        #expect((evidenceOf?["pretraining_tie"] as? Bool) == (pretraining ? true : nil), "\(finding)")
        if pretraining {
            #expect((finding["message"] as? String)?.contains("ties word embeddings by default") == true, "\(finding)")
        }
    }
}
