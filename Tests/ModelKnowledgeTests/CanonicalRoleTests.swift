import ModelKnowledge
import Testing
import TestSupport

/// A special-token role whose token two files spell as canonically equivalent but different code
/// points (`café` precomposed in tokenizer_config.json, decomposed in special_tokens_map.json)
/// names two different tokens, as transformers compares them: its override is noted. Compared
/// with `String ==`, the two spellings were one value and the override went unsaid.
@Suite struct CanonicalRoleTests {
    @Test("special_tokens_map.json's pad_token café (e + U+0301) overrides tokenizer_config.json's café (U+00E9): noted, the map's token is the pad token")
    func padTokenOverride() throws {
        let t = try #require(try Tokenizer.read(TokenizerFiles(
            vocabText: KnowledgeFixtures.json("c/vocab.txt", "caf\u{E9}\ncafe\u{301}\n"),
            specialTokensMap: KnowledgeFixtures.json("c/special_tokens_map.json", #"{"pad_token": "cafe\u0301"}"#),
            tokenizerConfig: KnowledgeFixtures.json("c/tokenizer_config.json", #"{"pad_token": "caf\u00e9"}"#))))
        // transformers 5 applies the map key by key over a config without added_tokens_decoder:
        // its pad_token is the map's spelling, vocab.txt line 1.
        #expect(t.padToken?.id == 1)
        let overrides = t.notes.filter { $0.hasPrefix("c/special_tokens_map.json sets pad_token to ") && $0.contains(", overriding ") }
        #expect(overrides.count == 1, "\(t.notes)")
        #expect(t.padTokenNotes.contains { $0.contains(", overriding ") }, "\(t.padTokenNotes)")
    }
}
