import Foundation
import Testing
@testable import ModelKnowledge
import TestSupport

/// The generated code point tables (Sources/ModelKnowledge/BertIsolatedCharacters.swift) are the
/// ones `generate_bert_isolated_characters.py` measured with the `tokenizers` library
/// (TestData/knowledge/bert-isolated-characters.json), and the WordPiece tokens of
/// all-MiniLM-L6-v2 found unused by them are the ones its own normalizer and pre-tokenizer,
/// run by that script on each token, never keep in one word (minilm-isolated-continuations.json).
@Suite struct BertIsolatedCharactersTests {
    static func measured(_ key: String) throws -> [ClosedRange<UInt32>] {
        let document = try #require(try Fixtures.json("knowledge/bert-isolated-characters.json") as? [String: Any])
        let pairs = try #require(document[key] as? [[Int]])
        return pairs.map { UInt32($0[0])...UInt32($0[1]) }
    }

    @Test("the Swift tables hold exactly the measured ranges")
    func tablesMatchMeasurement() throws {
        #expect(BertIsolatedCharacters.isolated == (try Self.measured("isolated")))
        #expect(BertIsolatedCharacters.dropped == (try Self.measured("dropped")))
        #expect(BertIsolatedCharacters.chinese == (try Self.measured("chinese")))
        // Hand-checked members: ASCII punctuation, the ideographic full stop, a space, 戦.
        let isolation = WordIsolation(punctuation: true, chinese: true, continuingPrefix: "##")
        #expect(isolation.kind(of: ")") == .punctuation)
        #expect(isolation.kind(of: "\u{3002}") == .punctuation)
        #expect(isolation.kind(of: " ") == .whitespace)
        #expect(isolation.kind(of: "\u{6226}") == .chinese)
        #expect(isolation.kind(of: "a") == nil && isolation.kind(of: "\u{E9}") == nil)
        #expect(WordIsolation(punctuation: true, chinese: false, continuingPrefix: "##").kind(of: "\u{6226}") == nil)
    }

    @Test("all-MiniLM-L6-v2: the tokens found unused by construction are the ones its tokenizer never yields")
    func miniLMVerdictsMatchTheTokenizer() throws {
        let document = try #require(try Fixtures.json("knowledge/minilm-isolated-continuations.json") as? [String: Any])
        let unreachable = Set(try #require(document["unreachable_ids"] as? [Int]))
        let tokenizer = try #require(try Tokenizer.read(KnowledgeFixtures.tokenizerFiles("real/all-minilm-l6-v2")))
        let isolation = try #require(tokenizer.wordIsolation)
        #expect(isolation.punctuation && isolation.chinese && isolation.continuingPrefix == "##" && isolation.unknownToken == "[UNK]")
        // Its post_processor (TemplateProcessing) inserts [CLS] and [SEP] by id.
        #expect(isolation.insertedTokens == [TokenText("[CLS]"), TokenText("[SEP]")])
        let unused = UnusedTokens.find(in: tokenizer)
        let isolated = Set(unused.compactMap { token -> Int? in
            if case .isolatedCharacter = token.reason { token.id } else { nil }
        })
        // Every token so reported is one the tokenizer never yields; every token it never yields
        // is reported, by this reason or an earlier one (`[unused5]` holds brackets too).
        #expect(isolated.isSubset(of: unreachable))
        #expect(unreachable.subtracting(Set(unused.map(\.id))).isEmpty)
        #expect(isolated.count > 300)
        let byToken = Dictionary(unused.map { ($0.token, $0.reason) }, uniquingKeysWith: { first, _ in first })
        #expect(byToken["##)"] == .isolatedCharacter(")", kind: .punctuation, continuation: true))
        #expect(byToken["##\u{6226}"] == .isolatedCharacter("\u{6226}", kind: .chinese, continuation: true))
        // A vowel sign joins the `#` before it as one character, but the prefix is `##` by bytes.
        #expect(byToken["##\u{93F}"] == nil)
        // A punctuation character alone is its own word: used.
        #expect(byToken[")"] == nil && byToken["\u{6226}"] == nil)
    }

    /// transformers 5.25 (isolation-by-class.json, cases bert-config-false and
    /// generic-config-false): BertTokenizer builds its normalizer from the key; TokenizersBackend,
    /// which a folder naming no class gets, keeps tokenizer.json's and ignores the key.
    @Test("tokenize_chinese_chars false turns the CJK part off for BertTokenizer, not for a folder naming no class")
    func tokenizeChineseCharsOff() throws {
        let vocabulary = "{\"[UNK]\": 0, \"a\": 1, \"##\u{6226}\": 2, \"##)\": 3, \")\": 4}"
        let json = NamedBytes(path: "tokenizer.json", bytes: Array("""
            {"version": "1.0", "added_tokens": [], "normalizer": {"type": "BertNormalizer", "clean_text": true,
             "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
             "pre_tokenizer": {"type": "BertPreTokenizer"},
             "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                       "max_input_chars_per_word": 100, "vocab": \(vocabulary)}}
            """.utf8))
        // `[UNK]` is no added token here, but the model emits it by id: used.
        func reasons(_ settings: String?) throws -> [Int: UnusedTokenReason] {
            let files = TokenizerFiles(tokenizerJSON: json,
                                       tokenizerConfig: settings.map { NamedBytes(path: "tokenizer_config.json", bytes: Array($0.utf8)) })
            let tokenizer = try #require(try Tokenizer.read(files))
            return Dictionary(UnusedTokens.find(in: tokenizer).map { ($0.id, $0.reason) }, uniquingKeysWith: { a, _ in a })
        }
        #expect(try reasons(nil) == [2: .isolatedCharacter("\u{6226}", kind: .chinese, continuation: true),
                                     3: .isolatedCharacter(")", kind: .punctuation, continuation: true)])
        #expect(try reasons(#"{"tokenizer_class": "BertTokenizer", "tokenize_chinese_chars": false}"#)
            == [3: .isolatedCharacter(")", kind: .punctuation, continuation: true)])
        #expect(try reasons(#"{"tokenize_chinese_chars": false}"#) == reasons(nil))
    }

    /// A tokenizer.json built like BERT's, with parts swapped in: what `tokenizers` produces
    /// decides (helper-150 checked each with `Tokenizer.encode`).
    static func reasons(prefix: String = "##", preTokenizer: String = #"{"type": "BertPreTokenizer"}"#,
                        postProcessor: String = "null", vocabulary: [String]) throws -> [String: UnusedTokenReason] {
        let vocab = "{" + vocabulary.enumerated().map { "\(Self.jsonString($1)): \($0)" }.joined(separator: ", ") + "}"
        let json = NamedBytes(path: "tokenizer.json", bytes: Array("""
            {"version": "1.0", "added_tokens": [], "normalizer": null, "pre_tokenizer": \(preTokenizer),
             "post_processor": \(postProcessor),
             "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": \(Self.jsonString(prefix)),
                       "max_input_chars_per_word": 100, "vocab": \(vocab)}}
            """.utf8))
        let tokenizer = try #require(try Tokenizer.read(TokenizerFiles(tokenizerJSON: json)))
        return Dictionary(UnusedTokens.find(in: tokenizer).map { ($0.token, $0.reason) }, uniquingKeysWith: { a, _ in a })
    }

    static func jsonString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    @Test("an empty continuing_subword_prefix marks no continuation: a lone '.' stays, 'a.' is unused")
    func emptyPrefix() throws {
        let found = try Self.reasons(prefix: "", vocabulary: ["[UNK]", "a", ".", "a.", "\u{6226}"])
        #expect(found["."] == nil && found["\u{6226}"] == nil)
        #expect(found["a."] == .isolatedCharacter(".", kind: .punctuation, continuation: false))
    }

    @Test("tokens the post_processor inserts ([CLS], [SEP]) are used whatever their text")
    func postProcessorTokens() throws {
        let template = #"{"type": "TemplateProcessing", "single": [], "pair": [], "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [1], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [2], "tokens": ["[SEP]"]}}}"#
        let found = try Self.reasons(postProcessor: template, vocabulary: ["[UNK]", "[CLS]", "[SEP]", "[MASK]", "a"])
        #expect(found["[CLS]"] == nil && found["[SEP]"] == nil && found["[UNK]"] == nil)
        #expect(found["[MASK]"] == .isolatedCharacter("[", kind: .punctuation, continuation: false))
        let bert = #"{"type": "BertProcessing", "sep": ["[SEP]", 2], "cls": ["[CLS]", 1]}"#
        let viaBert = try Self.reasons(postProcessor: bert, vocabulary: ["[UNK]", "[CLS]", "[SEP]", "a"])
        #expect(viaBert["[CLS]"] == nil && viaBert["[SEP]"] == nil)
    }

    @Test("a Sequence with a pre-tokenizer that adds characters (Metaspace) claims nothing; one that only splits does")
    func sequences() throws {
        let metaspace = #"{"type": "Sequence", "pretokenizers": [{"type": "BertPreTokenizer"}, {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": true}]}"#
        #expect(try Self.reasons(preTokenizer: metaspace, vocabulary: ["[UNK]", "\u{2581}.", "\u{2581}a", "a."]).isEmpty)
        let splitting = #"{"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, {"type": "BertPreTokenizer"}]}"#
        #expect(try Self.reasons(preTokenizer: splitting, vocabulary: ["[UNK]", "a", "a."])["a."] != nil)
    }
}
