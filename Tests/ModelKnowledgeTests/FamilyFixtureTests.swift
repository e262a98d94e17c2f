import Foundation
import ModelKnowledge
import TestSupport
import Testing

/// Folders written with the reference libraries in the conventions of other families
/// (TestData/knowledge/families, generate_families.py); expected values are theirs.
@Suite struct FamilyFixtureTests {
    @Test func gpt2ByteLevelTokensThatNeverOccurInUTF8() throws {
        let folder = "knowledge/families/gpt2-bytelevel"
        let expected = try KnowledgeFixtures.expected(folder)
        let tokenizer = try #require(try Tokenizer.read(KnowledgeFixtures.tokenizerFiles(folder)))
        #expect(tokenizer.kind == .bpe)
        #expect(tokenizer.byteLevel)
        #expect(tokenizer.vocabularySize == expected.int("vocab_size"))
        let unused = UnusedTokens.find(in: tokenizer)
        let byteIDs = unused.filter { if case .byteNeverInUTF8 = $0.reason { true } else { false } }.map(\.id)
        #expect(byteIDs == expected.ints("invalid_utf8_token_ids"))
        for (hexByte, id) in expected.object("single_byte_token_ids") {
            let byte = try #require(UInt8(hexByte, radix: 16))
            #expect(unused.first { $0.id == (id as? NSNumber)?.intValue }?.reason == .byteNeverInUTF8(byte))
        }
        let reserved = unused.filter { $0.reason == .reservedPlaceholder }.map(\.id)
        #expect(reserved == expected.ints("reserved_ids"))
        // The non-special added token and <|endoftext|> are ordinary.
        #expect(!unused.contains { $0.id == expected.int("added_non_special_id") || $0.id == expected.int("endoftext_id") })
        #expect(tokenizer.addedTokens.first { $0.id == expected.int("added_non_special_id") }?.special == false)
    }

    @Test func gpt2HasNoPadToken() throws {
        let folder = "knowledge/families/gpt2-bytelevel"
        let expected = try KnowledgeFixtures.expected(folder)
        #expect(expected["pad_token_id"] is NSNull)
        let tokenizer = try Tokenizer.read(KnowledgeFixtures.tokenizerFiles(folder))
        #expect(tokenizer?.padToken == nil)
        let resolution = PadIDResolver.resolve(flag: nil, config: try KnowledgeFixtures.config(folder),
                                               tokenizer: tokenizer, rowCount: nil)
        #expect(resolution.padID == nil)
        let judgement = TyingJudge.judge(TyingQuestion(config: try KnowledgeFixtures.config(folder), hasOutputProjection: true))
        #expect(judgement.tied == (expected["tie_word_embeddings"] as? Bool))
        #expect(judgement.evidence == .modelTypeDefault)
    }

    @Test func llamaPadTokenObjectAndUntiedDefault() throws {
        let folder = "knowledge/families/llama-bytefallback"
        let expected = try KnowledgeFixtures.expected(folder)
        let tokenizer = try #require(try Tokenizer.read(KnowledgeFixtures.tokenizerFiles(folder)))
        #expect(tokenizer.byteFallback && !tokenizer.byteLevel)
        #expect(tokenizer.vocabularySize == expected.int("vocab_size"))
        #expect(tokenizer.padToken?.content == expected.string("pad_token"))
        #expect(tokenizer.padToken?.id == expected.int("pad_token_id"))
        let config = try #require(try KnowledgeFixtures.config(folder))
        #expect(config.tieWordEmbeddings == .absent)
        let resolution = PadIDResolver.resolve(flag: nil, config: config, tokenizer: tokenizer, rowCount: nil)
        #expect(resolution.padID?.id == expected.int("pad_token_id"))
        #expect(resolution.padID?.source == .tokenizer(folder + "/tokenizer_config.json"))

        let judgement = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: true))
        #expect(judgement.tied == (expected["tie_word_embeddings"] as? Bool))
        #expect(judgement.tied == false)
        #expect(judgement.evidence == .modelTypeDefault)
        #expect(!judgement.justifiesTiedExplanation)
        #expect(judgement.detail.contains("LlamaConfig"))

        let unused = UnusedTokens.find(in: tokenizer)
        let invalid = unused.filter { if case .byteFallbackNeverInUTF8 = $0.reason { true } else { false } }.map(\.id)
        let duplicates = unused.filter { if case .byteFallbackDuplicate = $0.reason { true } else { false } }.map(\.id)
        #expect(invalid == expected.ints("invalid_utf8_fallback_ids"))
        #expect(duplicates == expected.ints("duplicate_ascii_fallback_ids"))
    }

    @Test func model2vecPadTokenFromPaddingSectionAndNoTieClaim() throws {
        let folder = "knowledge/families/model2vec-static"
        let expected = try KnowledgeFixtures.expected(folder)
        let tokenizer = try #require(try Tokenizer.read(KnowledgeFixtures.tokenizerFiles(folder)))
        #expect(tokenizer.kind == .wordPiece)
        #expect(tokenizer.vocabularySize == expected.int("vocab_size"))
        #expect(tokenizer.padToken?.content == expected.string("pad_token"))
        #expect(tokenizer.padToken?.id == expected.int("pad_id"))
        #expect(tokenizer.padToken?.declaredIn == folder + "/tokenizer.json (padding)")
        let config = try #require(try KnowledgeFixtures.config(folder))
        #expect(config.modelType == "model2vec")
        let resolution = PadIDResolver.resolve(flag: nil, config: config, tokenizer: tokenizer, rowCount: nil)
        #expect(resolution.padID?.id == expected.int("pad_id"))
        #expect(resolution.padID?.sourceName == "tokenizer")
        let judgement = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: false))
        #expect(judgement.tied == nil)
        #expect(judgement.evidence == .unknown)
    }

    @Test func byteLevelAlphabetMatchesTransformers() throws {
        let document = try Fixtures.json("knowledge/byte-level-alphabet.json") as? [String: Any] ?? [:]
        let points = document["code_points"] as? [String: Any] ?? [:]
        #expect(points.count == 256)
        for byte in 0...255 {
            let point = try #require((points[String(byte)] as? NSNumber)?.uint32Value)
            let character = ByteLevelAlphabet.character(for: UInt8(byte))
            #expect(character.unicodeScalars.first?.value == point, "byte \(byte)")
            #expect(ByteLevelAlphabet.bytes(of: String(character)) == [UInt8(byte)])
        }
    }
}

/// Pad tokens named differently in tokenizer_config.json, special_tokens_map.json and the
/// tokenizer.json padding section: the one transformers' AutoTokenizer uses must win.
@Suite struct PadPrecedenceTests {
    @Test(arguments: ["config-vs-map", "padding-only", "config-vs-padding", "decoder-ignores-map"])
    func padTokenIsTheOneTransformersUses(_ name: String) throws {
        let root = "knowledge/families/pad-precedence"
        let expected = try KnowledgeFixtures.expected(root).object("cases").object(name)
        let tokenizer = try #require(try Tokenizer.read(KnowledgeFixtures.tokenizerFiles(root + "/" + name)))
        #expect(tokenizer.padToken?.content == expected.string("pad_token"))
        #expect(tokenizer.padToken?.id == expected.int("pad_token_id"))
        // LlamaTokenizerFast's own bos, eos and unk take the roles no file states: noted apart.
        let notes = tokenizer.notes.filter { !$0.hasPrefix("no settings file states") }
        if name != "padding-only" { #expect(notes.count == 1, "the disagreement is noted: \(tokenizer.notes)") }
        // Each note here names a pad token that is not used: padding and audit report it as such.
        #expect(tokenizer.padTokenNotes == notes)
    }
}
