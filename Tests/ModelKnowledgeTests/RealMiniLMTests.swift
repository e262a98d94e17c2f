import Foundation
import ModelKnowledge
import Testing

/// The real all-MiniLM-L6-v2 tokenizer files (TestData/real/all-minilm-l6-v2), checked against
/// the answers of `tokenizers` and `transformers` stored in expected.json.
@Suite struct RealMiniLMTests {
    static let folder = "real/all-minilm-l6-v2"

    @Test func tokenizerJSONMatchesTokenizersLibrary() throws {
        let expected = try KnowledgeFixtures.expected(Self.folder).object("tokenizer_json")
        let files = KnowledgeFixtures.tokenizerFiles(Self.folder, includeVocabText: false)
        let tokenizer = try #require(try Tokenizer.read(files))
        #expect(tokenizer.kind.rawValue == expected.string("model_type"))
        #expect(tokenizer.vocabularySize == expected.int("vocab_size"))
        #expect(tokenizer.modelVocabularyCount == expected.int("vocab_size_without_added"))
        #expect(tokenizer.id(for: "[MASK]") == expected.int("mask_id"))
        #expect(tokenizer.id(for: "[UNK]") == expected.int("unk_id"))
        for (token, id) in expected.object("id_of") {
            #expect(tokenizer.id(for: token) == (id as? NSNumber)?.intValue, "id of \(token)")
        }
        for (id, token) in expected.object("token_of") {
            #expect(tokenizer.token(for: Int(id) ?? -1) == token as? String, "token \(id)")
        }
        #expect(!tokenizer.byteLevel && !tokenizer.byteFallback)
    }

    @Test func padTokenAndSpecialTokensMatchTransformers() throws {
        let expected = try KnowledgeFixtures.expected(Self.folder)
        let reference = expected.object("transformers")
        let tokenizer = try #require(try Tokenizer.read(KnowledgeFixtures.tokenizerFiles(Self.folder)))
        let pad = try #require(tokenizer.padToken)
        #expect(pad.content == reference.string("pad_token"))
        #expect(pad.id == reference.int("pad_token_id"))
        // tokenizer_config.json has no added_tokens_decoder, so transformers applies special_tokens_map.json last.
        #expect(pad.declaredIn.hasSuffix("special_tokens_map.json"))
        #expect(tokenizer.specialTokens.map(\.id) == reference.ints("all_special_ids"))
        #expect(tokenizer.specialTokens.map(\.content).sorted() == (reference["all_special_tokens"] as? [String]))
        #expect(tokenizer.specialTokens.first { $0.id == 103 }?.roles == ["mask_token"])
        #expect(tokenizer.notes.isEmpty, "the four files agree: \(tokenizer.notes)")
    }

    @Test func vocabTextGivesTheSameVocabulary() throws {
        let expected = try KnowledgeFixtures.expected(Self.folder)
        let fromText = try #require(try Tokenizer.read(KnowledgeFixtures.tokenizerFiles(Self.folder, includeJSON: false)))
        let fromJSON = try #require(try Tokenizer.read(KnowledgeFixtures.tokenizerFiles(Self.folder)))
        #expect(fromText.kind == .vocabList)
        #expect(fromText.vocabularySize == expected.object("vocab_txt").int("line_count"))
        #expect(fromText.id(for: "[MASK]") == expected.object("vocab_txt").int("mask_id"))
        for id in stride(from: 0, to: fromJSON.vocabularySize, by: 97) {
            #expect(fromText.token(for: id) == fromJSON.token(for: id), "id \(id)")
        }
    }

    @Test func unusedTokensAreTheNamedPlaceholders() throws {
        let expected = try KnowledgeFixtures.expected(Self.folder).object("tokenizer_json")
        let tokenizer = try #require(try Tokenizer.read(KnowledgeFixtures.tokenizerFiles(Self.folder)))
        // The WordPiece tokens its pre-tokenizer never yields are `BertIsolatedCharactersTests`'.
        let unused = UnusedTokens.find(in: tokenizer).filter {
            if case .isolatedCharacter = $0.reason { false } else { true }
        }
        #expect(unused.count == expected.int("unused_count"))
        #expect(unused.first?.id == expected.int("min_unused_id"))
        #expect(unused.last?.id == expected.int("max_unused_id"))
        #expect(unused.allSatisfy { $0.reason == .unusedPlaceholder && $0.token.hasPrefix("[unused") })
    }

    @Test func padIDComesFromConfigAndTyingFromTheArchitecture() throws {
        let expected = try KnowledgeFixtures.expected(Self.folder).object("config")
        let config = try #require(try KnowledgeFixtures.config(Self.folder))
        let tokenizer = try Tokenizer.read(KnowledgeFixtures.tokenizerFiles(Self.folder))
        #expect(config.modelType == expected.string("model_type"))
        let resolution = PadIDResolver.resolve(flag: nil, config: config, tokenizer: tokenizer, rowCount: 30522)
        #expect(resolution.padID?.id == expected.int("pad_token_id"))
        #expect(resolution.padID?.source == .config(config.path))
        #expect(resolution.notes.isEmpty)
        // config.json names BertModel, which transformers builds without an output projection:
        // nothing is tied in the model as saved, whatever BertConfig's default (true) says of
        // the type's LM-head classes.
        #expect(expected["architectures"] as? [String] == ["BertModel"])
        #expect(expected["architecture_output_projection"] as? Bool == false)
        #expect(expected["tie_word_embeddings"] as? Bool == true)
        let judgement = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: false))
        #expect(judgement.tied == false)
        #expect(judgement.evidence == .architecture)
        #expect(!judgement.outputProjectionPresent)
        #expect(judgement.detail.contains("no output projection") && judgement.detail.contains("BertConfig's default (tie_word_embeddings true)"))
    }
}
