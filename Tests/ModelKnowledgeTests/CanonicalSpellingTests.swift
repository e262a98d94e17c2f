import ModelKnowledge
import Testing
import TestSupport

/// Token text is compared by code points, as tokenizers, gguf-py and llama.cpp compare it, not by
/// Swift's `String ==`, which folds canonically equivalent spellings ("য়" U+09DF and "য়" U+09AF
/// U+09BC) into one. The real Gemma 3 vocabulary holds 434 such pairs as different ids.
/// TestData/canonical-tokens: tokens written by gguf-py and tokenizers; expected.json holds the
/// tokens as code points and tokenizers' `token_to_id` of each.
@Suite struct CanonicalSpellingTests {
    static func expected() throws -> [String: Any] { try KnowledgeFixtures.expected("canonical-tokens") }

    static func tokens() throws -> [String] {
        let lists = try #require(try expected()["tokens"] as? [[Int]])
        return try lists.map { scalars in
            var text = ""
            for value in scalars { text.unicodeScalars.append(try #require(Unicode.Scalar(UInt32(value)))) }
            return text
        }
    }

    static func sameScalars(_ a: String?, _ b: String) -> Bool {
        guard let a else { return false }
        return a.unicodeScalars.elementsEqual(b.unicodeScalars)
    }

    @Test("GGUF token list: every spelling keeps its own id, none is shadowed or unused")
    func ggufMetadata() throws {
        let tokens = try Self.tokens()
        let distinct = try #require(try Self.expected().int("distinct_texts"))
        #expect(distinct == tokens.count)
        let t = Tokenizer.fromGGUFMetadata(tokens: tokens, tokenTypes: nil, padTokenID: 0, model: "llama", source: "canonical.gguf")
        #expect(t.shadowedIDs.isEmpty, "\(t.shadowedIDs)")
        #expect(UnusedTokens.find(in: t).isEmpty)
        for (id, token) in tokens.enumerated() {
            #expect(t.id(for: token) == id, "\(token.unicodeScalars.map { $0.value })")
            #expect(Self.sameScalars(t.token(for: id), token))
        }
    }

    @Test("GGUF token types: UNKNOWN (2) and CONTROL (3) are special under their type's name; unk_token is unknown_token_id's alone")
    func ggufTokenTypes() throws {
        let tokens = try Self.tokens()
        try #require(tokens.count >= 4)
        // Types as phi-3's vocabulary has them: several UNKNOWN tokens, one of them the unk id.
        let types: [Int32] = [2, 2, 3, 2] + [Int32](repeating: 1, count: tokens.count - 4)
        let t = Tokenizer.fromGGUFMetadata(tokens: tokens, tokenTypes: types, padTokenID: nil, model: "llama", source: "t.gguf",
                                           roleIDs: [(key: "tokenizer.ggml.unknown_token_id", role: "unk_token", id: 0)])
        let roles = Dictionary(t.specialTokens.map { ($0.id, $0.roles) }, uniquingKeysWith: { first, _ in first })
        #expect(roles[0]?.sorted() == ["unk_token", "unknown"])
        #expect(roles[1] == ["unknown"] && roles[3] == ["unknown"])
        #expect(roles[2] == ["control"])
        #expect(t.isSpecial(1) && !t.isSpecial(4))
    }

    @Test("tokenizer.json vocab: canonically equivalent keys are different tokens, ids as tokenizers gives them")
    func tokenizerJSON() throws {
        let tokens = try Self.tokens()
        let ids = try Self.expected().ints("token_to_id")
        let t = try #require(try Tokenizer.read(KnowledgeFixtures.tokenizerFiles("canonical-tokens/tokenizer")))
        #expect(t.vocabularySize == (try Self.expected().int("vocab_size")))
        #expect(t.shadowedIDs.isEmpty, "\(t.shadowedIDs)")
        #expect(UnusedTokens.find(in: t).isEmpty)
        for (token, id) in zip(tokens, ids) {
            #expect(t.id(for: token) == id, "\(token.unicodeScalars.map { $0.value })")
            #expect(Self.sameScalars(t.token(for: id), token))
        }
    }

    @Test("a vocab.txt line and an added token still shadow only an identical spelling")
    func shadowingStaysExact() throws {
        let t = try #require(try Tokenizer.read(TokenizerFiles(
            vocabText: KnowledgeFixtures.json("c/vocab.txt", "caf\u{E9}\ncafe\u{301}\ncaf\u{E9}\n"))))
        #expect(t.shadowedIDs == [0: 2])
        #expect(t.id(for: "cafe\u{301}") == 1 && t.id(for: "caf\u{E9}") == 2)
    }
}
