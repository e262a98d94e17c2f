import Foundation
@testable import ModelKnowledge
import TestSupport
import Testing

/// llama.cpp's WordPiece rules for GGUF `bert` vocabularies: the character tables against what
/// llama.cpp's own Unicode tables say (TestData/knowledge/llamacpp-wpm-characters.json, written by
/// a C++ program compiled against its sources), hand cases read from `llm_tokenizer_wpm_session`
/// (src/llama-vocab.cpp, llama-cpp-python 0.3.36), and a real vocabulary against `tokenizers`.
@Suite struct LlamaCppWordPieceTests {
    @Test("the generated ranges are llama.cpp's: isolated, chinese, whitespace and dropped code points")
    func tablesMatchLlamaCpp() throws {
        let document = try #require(try Fixtures.json("knowledge/llamacpp-wpm-characters.json") as? [String: Any])
        for (name, table) in [("isolated", LlamaCppWordPiece.isolated), ("chinese", LlamaCppWordPiece.chinese),
                              ("whitespace", LlamaCppWordPiece.whitespace), ("dropped", LlamaCppWordPiece.dropped)] {
            let ranges = try #require(document[name] as? [[Int]], "\(name)")
            #expect(ranges.map { UInt32($0[0]) ... UInt32($0[1]) } == table, "\(name)")
        }
    }

    /// Each word is "▁" + word, matched longest-first; ")" and "戦" are always words of their own.
    @Test("hand cases: a word-start token of one isolated character stays; a continuation or a longer token holding one never comes",
          arguments: [("▁)", false), (")", true), ("▁a)", true), ("a)", true), ("▁戦", false), ("戦", true), ("▁戦争", true),
                      ("ab", false), ("▁ab", false), ("▁é", false), ("a\u{200B}", true), ("▁a b", true), ("ය", false), ("##", true)])
    func handCases(token: String, never: Bool) {
        var text = token
        let reason = text.withUTF8 { LlamaCppWordPiece.reason(for: $0) { _ in false } }
        #expect((reason != nil) == never, "\(token): \(String(describing: reason))")
        if let reason { #expect(reason.name == "isolated-character") }
    }

    /// With a bare "▁" in the vocabulary and no "▁!", the word "▁!" is matched as "▁", "!"
    /// (llama.cpp's longest-first loop, hunt-59c P6: ids 5 6); with "▁!" present it is one token.
    @Test("a lone isolated character as a continuation is yielded after a bare ▁ token, unless ▁ + it is a token")
    func bareSpace() {
        func reason(_ token: String, _ vocabulary: Set<String>) -> UnusedTokenReason? {
            var text = token
            return text.withUTF8 { LlamaCppWordPiece.reason(for: $0) { vocabulary.contains($0) } }
        }
        #expect(reason("!", ["\u{2581}", "!"]) == nil)
        #expect(reason("!", ["\u{2581}", "!", "\u{2581}!"]) != nil)
        #expect(reason("!", ["!"]) != nil)
        #expect(reason("a!", ["\u{2581}", "a!"]) != nil)
    }

    /// Tokens that are not UTF-8 (`\xE2`, `\x96\x81`) join into a "▁" in llama.cpp's byte-wise
    /// matching: such a vocabulary gets no claims from these rules (hunt-59e P3).
    @Test("a bert GGUF vocabulary holding a token that is not UTF-8 gets no word-isolation claims")
    func notUTF8() {
        let tokens = ["[PAD]", "a", "\u{2581}a", "!", "\u{FFFD}"]
        let clean = Tokenizer.fromGGUFMetadata(packedTokens: PackedTokenTexts(tokens.lazy.map { Optional($0) }), tokenTypes: nil,
                                               padTokenID: 0, model: "bert", source: "t.gguf")
        #expect(clean.llamaCppWordPiece && UnusedTokens.find(in: clean).contains { $0.token == "!" })
        let repaired = Tokenizer.fromGGUFMetadata(packedTokens: PackedTokenTexts(tokens.lazy.map { Optional($0) }), tokenTypes: nil,
                                                  padTokenID: 0, model: "bert", source: "t.gguf", repairedIDs: [4])
        #expect(!repaired.llamaCppWordPiece && !UnusedTokens.find(in: repaired).contains { $0.token == "!" })
    }

    @Test("the real all-MiniLM-L6-v2 GGUF vocabulary: expected.json's known-unused ids (llama.cpp's rule restated in Python) are those tokenizers never yields")
    func realVocabularyAgreesWithTokenizers() throws {
        let reference = try #require(try Fixtures.json("knowledge/minilm-isolated-continuations.json") as? [String: Any])
        let expected = Set(try #require(reference["unreachable_ids"] as? [Int]))
        let facts = try #require((try Fixtures.json("real/ggml-vocab/expected.json") as? [String: Any])?["ggml-vocab-all-minilm-l6-v2.gguf"] as? [String: Any])
        let unused = Set((facts["unused"] as? [[Any]] ?? []).compactMap { $0.first as? Int })
        // expected.json restates llama.cpp's rule in Python (generate.py); tokenizers' answer agrees.
        #expect(unused == expected, "\(unused.symmetricDifference(expected).sorted().prefix(10))")
        #expect(expected.count == 1331)
    }
}

/// `tokenizer.ggml.model` names llama.cpp's loader reads (src/llama-vocab.cpp, llama-cpp-python
/// 0.3.36, `llama_vocab::impl::load`): `gemma4`, `hybriddna` and `whitespace` are BPE with merges.
@Suite struct GGUFTokenizerModelTests {
    @Test("each tokenizer.ggml.model name as llama.cpp's loader reads it; a name it does not know stays unknown",
          arguments: [("gemma4", "BPE"), ("hybriddna", "BPE"), ("whitespace", "BPE"), ("gpt2", "BPE"), ("llama", "BPE"),
                      ("bert", "WordPiece"), ("t5", "Unigram"), ("mystery", "unknown")])
    func kinds(model: String, kind: String) {
        let t = Tokenizer.fromGGUFMetadata(tokens: ["a", "b"], tokenTypes: nil, padTokenID: nil, model: model, source: "t.gguf")
        #expect(t.kind.rawValue == kind, "\(model)")
        #expect(t.byteLevel == (model == "gpt2"))
    }
}
