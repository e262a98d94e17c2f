import Foundation
import TestSupport
@testable import ModelKnowledge
import Testing

/// Reader behaviour on small hand-written inputs: precedence, vocab.txt lines, and the typed
/// error for each malformed or oversized input.
@Suite struct TokenizerReaderTests {
    func read(json: String? = nil, vocab: String? = nil, config: String? = nil, map: String? = nil,
              limits: KnowledgeLimits = .default) throws(KnowledgeError) -> Tokenizer? {
        try Tokenizer.read(TokenizerFiles(tokenizerJSON: json.map { KnowledgeFixtures.json("f/tokenizer.json", $0) },
                                          vocabText: vocab.map { KnowledgeFixtures.json("f/vocab.txt", $0) },
                                          specialTokensMap: map.map { KnowledgeFixtures.json("f/special_tokens_map.json", $0) },
                                          tokenizerConfig: config.map { KnowledgeFixtures.json("f/tokenizer_config.json", $0) }),
                           limits: limits)
    }

    /// TestData/knowledge/vocab-lines: the tokens transformers' AutoTokenizer reads from a
    /// vocab.txt with every line ending and trailing whitespace (generate_vocab_lines.py).
    @Test func vocabTextLinesAreReadAsTransformersReadsThem() throws {
        let folder = "knowledge/vocab-lines/"
        let expected = try #require((try Fixtures.json(folder + "expected.json") as? [String: Any])?["tokens"] as? [String])
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path(folder + "vocab.txt"))))
        let t = try #require(try Tokenizer.read(TokenizerFiles(vocabText: NamedBytes(path: "vocab.txt", bytes: bytes))))
        #expect(t.vocabularySize == expected.count)
        for (id, token) in expected.enumerated() {
            #expect(t.token(for: id).map { Array($0.unicodeScalars) } == Array(token.unicodeScalars), "id \(id)")
        }
        #expect(t.token(for: expected.count) == nil, "the final newline starts no token")
    }

    /// TestData/knowledge/added-ids: tokenizer.json added tokens whose stated ids tokenizers
    /// does not use (generate_added_ids.py records what the library makes of the file).
    @Test func addedTokensTakeTheIDsTokenizersGivesThem() throws {
        let folder = "knowledge/added-ids/"
        let expected = try #require(try Fixtures.json(folder + "expected.json") as? [String: Any])
        let tokens = try #require(expected["tokens"] as? [String])
        let addedIDs = try #require(expected["added_ids"] as? [String: Int])
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path(folder + "tokenizer.json"))))
        let t = try #require(try Tokenizer.read(TokenizerFiles(tokenizerJSON: NamedBytes(path: "tokenizer.json", bytes: bytes))))
        for (id, token) in tokens.enumerated() { #expect(t.token(for: id) == token, "id \(id)") }
        for (content, id) in addedIDs { #expect(t.id(for: content) == id, "\(content)") }
        #expect(t.shadowedIDs.isEmpty, "no row of the vocabulary is shadowed: \(t.shadowedIDs)")
        #expect(UnusedTokens.find(in: t).allSatisfy { $0.id != 11 }, "the vocabulary's \"w9\" is a live token")
    }

    /// TestData/knowledge/config-added-ids: tokenizer_config.json `added_tokens_decoder`
    /// entries tokenizer.json does not hold take the ids transformers' AutoTokenizer gives them,
    /// not the stated ones (generate_config_added_ids.py records them). transformers' tokens
    /// are the reader's vocabulary then the special tokens it adds at load
    /// (`specialsAddedAtLoad`), and its pad id the reader's (the DPR cases, hunt-63d H1).
    @Test(arguments: ["past-end", "stated-order", "vocabulary-text", "after-json-added", "restated", "holes", "vocab-txt",
                      "vocab-txt-repeated", "repeated-keys", "huge-keys", "huge-keys-two", "rebuild-decoder", "rebuild-empty-decoder",
                      "rebuild-no-decoder", "legacy-vocab-txt", "legacy-beside-decoder", "legacy-backend-json", "legacy-rebuild-json",
                      "dpr-fast-bert", "dpr-fast-gpt2", "dpr-fast-config-class", "dpr-fast-no-config", "dpr-fast-same-type"])
    func configAddedTokensTakeTheIDsTransformersGivesThem(_ name: String) throws {
        let cases = try #require((try Fixtures.json("knowledge/config-added-ids/expected.json") as? [String: Any])?["cases"] as? [String: Any])
        let expected = try #require(cases[name] as? [String: Any])
        let tokens = try #require(expected["tokens"] as? [Any])
        let ids = try #require(expected["ids"] as? [String: Int])
        let file = { (leaf: String) in
            NamedBytes(path: leaf, bytes: try Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path("knowledge/config-added-ids/\(name)/\(leaf)")))))
        }
        let folder = Fixtures.path("knowledge/config-added-ids/\(name)")
        let present = { (leaf: String) in FileManager.default.fileExists(atPath: folder + "/" + leaf) }
        let model = present("config.json")
            ? try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/config.json"))) as? [String: Any])
            : [:]
        let t = try #require(try Tokenizer.read(TokenizerFiles(
            tokenizerJSON: present("tokenizer.json") ? try file("tokenizer.json") : nil,
            vocabText: present("vocab.txt") ? try file("vocab.txt") : nil,
            tokenizerConfig: try file("tokenizer_config.json"),
            addedTokensJSON: present("added_tokens.json") ? try file("added_tokens.json") : nil),
            modelType: model["model_type"] as? String, configTokenizerClass: model["tokenizer_class"] as? String))
        let atLoad = t.specialsAddedAtLoad
        #expect(t.specialsAddedAtLoadExact || atLoad.isEmpty, "the special tokens added at load are known")
        // transformers converts a text that is no token to the unknown token's id; the reader says nil.
        let unknown = tokens.firstIndex { $0 as? String == "[UNK]" }
        for (content, id) in ids where !atLoad.contains(content) {
            #expect(t.id(for: content) == (id == unknown && content != "[UNK]" ? nil : id), "\(content)")
        }
        // A repeated vocab.txt line's earlier id is no token in transformers (None); the reader
        // keeps its text and lists it as shadowed by the later one, so it is compared that way.
        let all = (0..<t.vocabularySize).map { t.token(for: $0) } + atLoad.map(Optional.some)
        for (id, token) in tokens.enumerated() where t.shadowedIDs[id] == nil { #expect(all.indices.contains(id) ? all[id] == token as? String : false, "id \(id)") }
        #expect(t.shadowedIDs.keys.allSatisfy { tokens.indices.contains($0) && tokens[$0] is NSNull }, "\(t.shadowedIDs)")
        if name != "holes" {
            // Dense ids: the size is transformers' len(tokenizer). With holes the library's len
            // counts entries (18) while ids reach 19; the size stays the largest id + 1.
            #expect(all.count == expected["len"] as? Int)
        } else {
            #expect(t.vocabularySize == 20)
        }
        #expect((t.padToken?.id ?? t.addedPadLowestID) == expected["pad_id"] as? Int, "pad id")
        if let built = expected["class"] as? String { #expect(t.builtClass?.instantiated == built) }
    }

    @Test("added_tokens_decoder entries placed elsewhere than stated: one note, naming the first five (hunt-62a L5)")
    func renumberedEntriesGetOneNote() throws {
        // By hand: a one-token vocabulary, seven new texts stated from 100: placed 1..7.
        let entries = (0..<7).map { #""\#(100 + $0)":{"content":"<t\#($0)>","special":true}"# }.joined(separator: ",")
        let t = try #require(try read(json: #"{"model":{"type":"WordLevel","vocab":{"a":0}}}"#, config: #"{"added_tokens_decoder":{\#(entries)}}"#))
        #expect(t.id(for: "<t6>") == 7)
        let notes = t.notes.filter { $0.contains("added_tokens_decoder") }
        #expect(notes == ["f/tokenizer_config.json: 7 added_tokens_decoder entries take another id in transformers than the one stated, which is used: "
            + "\"<t0>\" states 100, gets 1 (the next id after the vocabulary and the added tokens before it); "
            + (1..<5).map { "\"<t\($0)>\" states \(100 + $0), gets \(1 + $0) (the next id after the vocabulary and the added tokens before it)" }.joined(separator: "; ")
            + "; and 2 more"])
    }

    @Test("added_tokens.json ids past 64 bits only order the entries, as Python's int reads them; a fraction is refused")
    func legacyAddedTokenIDsOrderOnly() throws {
        // By hand: a one-token vocabulary; "<b>" (stated 3) before "<a>" (stated 10^23): 1, 2.
        let json = NamedBytes(path: "f/tokenizer.json", bytes: Array(#"{"model":{"type":"WordLevel","vocab":{"a":0}}}"#.utf8))
        let legacy = { (text: String) in NamedBytes(path: "f/added_tokens.json", bytes: Array(text.utf8)) }
        let t = try #require(try Tokenizer.read(TokenizerFiles(tokenizerJSON: json, addedTokensJSON: legacy(#"{"<a>": 100000000000000000000000, "<b>": 3}"#))))
        #expect(t.id(for: "<b>") == 1 && t.id(for: "<a>") == 2)
        #expect(throws: KnowledgeError.invalidField(file: "f/added_tokens.json", field: "\"<a>\"", reason: "is 1.5, not an integer id")) {
            try Tokenizer.read(TokenizerFiles(tokenizerJSON: json, addedTokensJSON: legacy(#"{"<a>": 1.5}"#)))
        }
    }

    @Test func vocabTextDuplicateLineShadowsTheEarlierID() throws {
        let t = try #require(try read(vocab: "x\ny\nx\n"))
        #expect(t.id(for: "x") == 2)
        #expect(t.shadowedIDs == [0: 2])
        #expect(UnusedTokens.find(in: t).map(\.id) == [0])
    }

    @Test func vocabTextInvalidUTF8NamesTheLine() {
        let file = NamedBytes(path: "f/vocab.txt", bytes: Array("a\nb\n".utf8) + [0xFF, 0x0A])
        #expect(throws: KnowledgeError.invalidText(file: "f/vocab.txt", line: 3, reason: "not valid UTF-8")) {
            try Tokenizer.read(TokenizerFiles(vocabText: file))
        }
    }

    @Test func unigramVocabIsPositional() throws {
        let t = try #require(try read(json: #"{"model":{"type":"Unigram","unk_id":0,"vocab":[["<unk>",0.0],["▁a",-1.5],["b",-2]]}}"#))
        #expect(t.kind == .unigram && t.vocabularySize == 3 && t.id(for: "b") == 2)
    }

    /// What tokenizers 0.23.3 makes of this file (`Tokenizer.from_str`): "<s>" keeps the
    /// vocabulary's id 1 whatever id added_tokens states, and the vocabulary stays 2 tokens.
    @Test func addedTokenOfAVocabularyTextKeepsTheVocabularyID() throws {
        let json = #"{"model":{"type":"BPE","vocab":{"a":0,"<s>":1},"merges":[]},"added_tokens":[{"id":5,"content":"<s>","special":true}]}"#
        let t = try #require(try read(json: json))
        #expect(t.vocabularySize == 2)
        #expect(t.token(for: 5) == nil)
        #expect(t.id(for: "<s>") == 1)
        #expect(t.shadowedIDs.isEmpty)
        #expect(t.specialTokens.map(\.id) == [1])
        #expect(t.notes.contains { $0.contains("states id 5 for added token \"<s>\"; the tokenizers library gives it 1") }, "\(t.notes)")
    }

    @Test func padTokenPrecedenceAndDisagreementNote() throws {
        let json = #"{"model":{"type":"WordLevel","vocab":{"[PAD]":0,"<pad>":1}},"padding":{"pad_id":0,"pad_token":"[PAD]"}}"#
        let t = try #require(try read(json: json, config: #"{"pad_token":{"__type":"AddedToken","content":"<pad>"}}"#))
        #expect(t.padToken?.content == "<pad>" && t.padToken?.id == 1)
        #expect(t.padToken?.declaredIn == "f/tokenizer_config.json")
        #expect(t.notes.count == 1)
    }

    @Test func addedTokensDecoderAddsTokens() throws {
        let t = try #require(try read(json: #"{"model":{"type":"WordLevel","vocab":{"a":0}}}"#,
                                      config: #"{"added_tokens_decoder":{"7":{"content":"<|im_end|>","special":true}},"eos_token":"<|im_end|>"}"#))
        // A new text takes the next id after the one-token vocabulary, not the stated 7, as in
        // transformers (the rule TestData/knowledge/config-added-ids checks against it).
        #expect(t.vocabularySize == 2)
        #expect(t.specialTokens == [Tokenizer.SpecialToken(id: 1, content: "<|im_end|>", roles: ["eos_token"])])
    }

    @Test func noVocabularySourceIsNil() throws {
        #expect(try read(config: #"{"pad_token":"x"}"#) == nil)
    }

    static let malformed: [(String, String)] = [
        (#"[1]"#, "invalid-field"),
        (#"{"model":{"type":"BPE","vocab":{"a":0,"a":1}}}"#, "conflict"),
        (#"{"model":{"type":"BPE","vocab":{"a":0,"b":0}}}"#, "conflict"),
        (#"{"model":{"type":"BPE","vocab":{"a":-1}}}"#, "invalid-field"),
        (#"{"model":{"type":"BPE","vocab":{"a":1.5}}}"#, "invalid-field"),
        (#"{"model":{"type":"BPE","vocab":{"a":99999999999}}}"#, "limit-exceeded"),
        (#"{"model":{"type":"Magic","vocab":{}}}"#, "invalid-field"),
        (#"{"model":{"type":"Unigram","vocab":[["a"]]}}"#, "invalid-field"),
        (#"{"model":{"type":"BPE","vocab":{}},"added_tokens":[{"id":"1","content":"x"}]}"#, "invalid-field"),
        (#"{"model":{"type":"BPE","vocab":{}},"padding":{"pad_id":-3}}"#, "invalid-field"),
        (#"{"model":{"type":"BPE","vocab":{},}}"#, "invalid-json"),
        (#"{"model":{"type":"BPE","vocab":{"a":NaN}}}"#, "invalid-json"),
    ]

    /// The reader keeps, per id, which member holds it (an array by id, grown as ids come):
    /// the message names both tokens, whatever the order and gaps of the ids before them.
    @Test("an id given to two tokens names both, after gaps and out-of-order ids", arguments: [
        (#"{"a":0,"b":0}"#, #"model.vocab gives id 0 to both "a" and "b""#),
        (#"{"a":5,"b":2,"c":5}"#, #"model.vocab gives id 5 to both "a" and "c""#),
        (#"{"a":1,"b":0,"c":70000,"d":3,"e":70000}"#, #"model.vocab gives id 70000 to both "c" and "e""#),
        (#"{"x":3,"y":2,"z":1,"w":2}"#, #"model.vocab gives id 2 to both "y" and "w""#),
    ])
    func sharedIDNamesBothTokens(vocab: String, reason: String) {
        #expect(throws: KnowledgeError.conflict(file: "f/tokenizer.json", reason: reason)) {
            try read(json: #"{"model":{"type":"WordLevel","vocab":"# + vocab + "}}")
        }
    }

    @Test("distinct sparse ids are read as given; an id at the vocabulary limit is refused")
    func sparseIDsAndTheLimit() throws {
        let tokenizer = try #require(try read(json: #"{"model":{"type":"WordLevel","vocab":{"a":7,"b":0,"c":70000}}}"#))
        #expect(tokenizer.id(for: "c") == 70000 && tokenizer.id(for: "a") == 7 && tokenizer.id(for: "b") == 0)
        var limits = KnowledgeLimits()
        limits.maxVocabularySize = 8
        #expect(throws: KnowledgeError.limitExceeded(file: "f/tokenizer.json", what: "token id 8", limit: 7)) {
            try read(json: #"{"model":{"type":"WordLevel","vocab":{"a":7,"b":8}}}"#, limits: limits)
        }
    }

    @Test(arguments: malformed)
    func malformedTokenizerJSONThrowsTheNamedError(_ input: (String, String)) {
        do {
            _ = try read(json: input.0)
            Issue.record("accepted \(input.0)")
        } catch {
            #expect(error.kind == input.1, "\(error)")
            #expect(error.file == "f/tokenizer.json")
        }
    }

    @Test func limitsAreEnforcedBeforeParsing() {
        var limits = KnowledgeLimits()
        limits.maxTokenizerJSONBytes = 10
        #expect(throws: KnowledgeError.fileTooLarge(file: "f/tokenizer.json", bytes: 40, limit: 10)) {
            try read(json: #"{"model":{"type":"BPE","vocab":{"a":0}}}"#, limits: limits)
        }
        limits = KnowledgeLimits()
        limits.maxVocabularySize = 2
        #expect(throws: KnowledgeError.limitExceeded(file: "f/vocab.txt", what: "number of lines", limit: 2)) {
            try read(vocab: "a\nb\nc\n", limits: limits)
        }
    }

    /// Python's json keeps the last of a repeated key, a first-match lookup the first: the pad
    /// id came from the first `padding` (adversarial sweep, 2026-12-04), while a repeated key in
    /// config.json or tokenizer_config.json was already refused.
    @Test("a key tokenizer.json's reader uses, given twice, is a conflict", arguments: [
        (#"{"model":{"type":"WordLevel","vocab":{"a":0,"b":1}},"padding":{"pad_id":1,"pad_token":"b"},"padding":null}"#, "padding"),
        (#"{"model":{"type":"WordLevel","vocab":{"a":0}},"model":{"type":"WordLevel","vocab":{"b":0}}}"#, "model"),
        (#"{"model":{"type":"WordLevel","vocab":{"a":0},"vocab":{"b":0}}}"#, "model.vocab"),
        (#"{"model":{"type":"WordLevel","vocab":{"a":0,"b":1}},"padding":{"pad_id":0,"pad_id":1}}"#, "padding.pad_id"),
        (#"{"model":{"type":"WordLevel","vocab":{"a":0}},"added_tokens":[{"id":0,"content":"a","content":"b"}]}"#,
         "added_tokens[0].content"),
    ])
    func repeatedKeyIsAConflict(json: String, key: String) {
        #expect(throws: KnowledgeError.conflict(file: "f/tokenizer.json", reason: "key \"\(key)\" appears twice")) {
            try read(json: json)
        }
    }

    @Test("a key the reader does not use may repeat")
    func repeatedUnusedKey() throws {
        let tokenizer = try read(json: #"{"model":{"type":"WordLevel","vocab":{"a":0}},"version":"1.0","version":"1.0"}"#)
        #expect(tokenizer != nil)
    }

    @Test func settingsValueOfWrongTypeIsAnError() {
        #expect(throws: KnowledgeError.self) {
            try read(json: #"{"model":{"type":"WordLevel","vocab":{"a":0}}}"#, map: #"{"pad_token":0}"#)
        }
    }

    @Test func configFactsAreStrict() throws {
        let facts = try ModelConfigFacts.read(KnowledgeFixtures.json("c.json",
            #"{"model_type":"gemma3","text_config":{"tie_word_embeddings":false,"vocab_size":262208,"pad_token_id":0},"pad_token_id":"0"}"#))
        #expect(facts.modelType == "gemma3")
        // Gemma3Config does not read a text_config's tie_word_embeddings for the model's own
        // tying (model-type-defaults.json: "ignored"): set aside, the class default applies.
        #expect(facts.tieWordEmbeddings == .absent)
        #expect(facts.ignoredTextConfigTie == .value(false))
        // A model type outside the table: a nested value alone is set aside too (which classes
        // read it is not known there), and the evidence becomes unknown.
        let llava = try ModelConfigFacts.read(KnowledgeFixtures.json("l.json", #"{"model_type":"llava","text_config":{"tie_word_embeddings":false}}"#))
        #expect(llava.tieWordEmbeddings == .absent && llava.ignoredTextConfigTie == .value(false))
        // A top-level pad_token_id "0" stays unusable even for Gemma 3, whose model reads the
        // text_config's: transformers 5.25 refuses such a config (TypeError in
        // GenerationConfig's validation), so nothing is built from the text_config's 0 either.
        #expect(facts.padTokenID == .unusable("\"0\""))
        #expect(facts.padTokenIDSetAside == nil)
        #expect(facts.vocabSize == .value(262208))
        #expect(facts.fieldsFromTextConfig == ["tie_word_embeddings", "vocab_size"])
        // A top-level integer is set aside for the text_config's (zero-pad-rows/gemma3-top-pad5).
        let gemma = try ModelConfigFacts.read(KnowledgeFixtures.json("g.json",
            #"{"model_type":"gemma3","text_config":{"pad_token_id":0},"pad_token_id":5}"#))
        #expect(gemma.padTokenID == .value(0) && gemma.padTokenIDSetAside == .value(5))
        #expect(gemma.fieldsFromTextConfig == ["pad_token_id"])
        let llama = try ModelConfigFacts.read(KnowledgeFixtures.json("q.json", #"{"model_type":"llama","text_config":{"pad_token_id":0},"pad_token_id":"0"}"#))
        #expect(llama.padTokenID == .unusable("\"0\"") && llama.padTokenIDSetAside == nil)
        #expect(throws: KnowledgeError.conflict(file: "d.json", reason: "key \"model_type\" appears twice")) {
            try ModelConfigFacts.read(KnowledgeFixtures.json("d.json", #"{"model_type":"a","model_type":"b"}"#))
        }
    }
}

/// Every truncation of a real-convention tokenizer.json is rejected with a typed error, never
/// a trap; every prefix of a vocab.txt is read.
@Suite struct TruncationTests {
    @Test func everyTruncatedTokenizerJSONThrows() throws {
        let full = try #require(KnowledgeFixtures.file("knowledge/families/llama-bytefallback/tokenizer.json"))
        #expect(try Tokenizer.read(TokenizerFiles(tokenizerJSON: full)) != nil)
        for length in 0..<full.bytes.count {
            let cut = NamedBytes(path: full.path, bytes: Array(full.bytes[0..<length]))
            do {
                _ = try Tokenizer.read(TokenizerFiles(tokenizerJSON: cut))
                // Only a cut inside trailing whitespace can still be a whole document.
                #expect(full.bytes[length...].allSatisfy { $0 == 0x0A || $0 == 0x20 }, "accepted a \(length)-byte prefix")
            } catch {
                #expect(error.kind == "invalid-json" && error.file == full.path)
            }
        }
    }

    @Test func everyVocabTextPrefixReadsItsWholeLines() throws {
        let text = "[PAD]\n[unused0]\nthe\r\n##s\n"
        let bytes = Array(text.utf8)
        for length in 0...bytes.count {
            let t = try Tokenizer.read(TokenizerFiles(vocabText: NamedBytes(path: "v.txt", bytes: Array(bytes[0..<length]))))
            // Independent count: lines split at "\n" (a "\r" before it is trailing whitespace).
            // (By bytes: "\r\n" is one Character, which a String split at "\n" would not cut.)
            let lines = bytes[0..<length].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            let expected = lines.last?.isEmpty == true ? lines.count - 1 : lines.count
            #expect(t?.vocabularySize == expected, "prefix \(length)")
        }
    }
}

/// added_tokens_decoder keys as Python's `int()` reads them (hunt-62b N4): the expected values
/// are Python 3.11's `int(key)` for each (an exception is nil).
@Suite struct StatedIDTests {
    @Test func keysReadAsPythonIntReadsThem() {
        let python: [(String, Int?)] = [
            (" 405", 405), ("4_05", 405), ("٤٠٥", 405), ("4__05", nil), ("_405", nil), ("405_", nil), ("+405", 405), ("-0", 0),
            ("\t405\n", 405), ("٤_٠٥", 405), ("①", nil), ("4 05", nil), ("\u{A0}405", 405), ("", nil), ("-", nil), ("0x10", nil),
            ("405.0", nil), ("１２", 12),
        ]
        for (key, expected) in python { #expect(StatedTokenID(pythonInt: key) == expected.map(StatedTokenID.init), "\(key.debugDescription)") }
    }

    /// Python's integers do not overflow: keys past 64 bits keep their values and their order
    /// (hunt-62b N5: two such keys were both Int.max and merged). Expected: Python 3.11's
    /// `str(int(key))` and `sorted(keys, key=int)`.
    @Test func keysPastSixtyFourBitsKeepTheirOrder() {
        let keys = ["99999999999999999999", "99999999999999999998", "-99999999999999999999", "9223372036854775808",
                    "9223372036854775807", "-9223372036854775808", "-9223372036854775809", "00099999999999999999999", "-0", "7"]
        let read = keys.compactMap { StatedTokenID(pythonInt: $0) }
        #expect(read.map(\.description) == ["99999999999999999999", "99999999999999999998", "-99999999999999999999", "9223372036854775808",
                                            "9223372036854775807", "-9223372036854775808", "-9223372036854775809", "99999999999999999999", "0", "7"])
        #expect(read.sorted().map(\.description) == ["-99999999999999999999", "-9223372036854775809", "-9223372036854775808", "0", "7",
                                                     "9223372036854775807", "9223372036854775808", "99999999999999999998",
                                                     "99999999999999999999", "99999999999999999999"])
        #expect(read.map(\.int) == [nil, nil, nil, nil, Int.max, Int.min, nil, nil, 0, 7])
        #expect(StatedTokenID(pythonInt: "00099999999999999999999") == StatedTokenID(pythonInt: "99999999999999999999"))
    }

    /// Python 3.11's `int()` (checked by hand): 4,300 digits are read; 4,301 are refused
    /// ("Exceeds the limit (4300 digits)"), a leading zero counted, underscores and surrounding
    /// spaces not, digits of any script counted (hunt-65c L4: transformers raised, the reader read).
    @Test func keysOfMoreThan4300DigitsAreRefused() {
        let ones = String(repeating: "1", count: 4_300)
        #expect(StatedTokenID(pythonInt: ones)?.description == ones)
        #expect(StatedTokenID(pythonInt: " \(ones) ") != nil)
        #expect(StatedTokenID(pythonInt: "-" + ones) != nil)
        #expect(StatedTokenID(pythonInt: ones + "1") == nil)
        #expect(StatedTokenID(pythonInt: "0" + ones) == nil)
        #expect(StatedTokenID(pythonInt: Array(repeating: "1", count: 4_301).joined(separator: "_")) == nil)
        #expect(StatedTokenID(pythonInt: String(repeating: "٤", count: 4_301)) == nil)
    }

    @Test("added_tokens_decoder null: transformers 5.25 fails to load it (AttributeError, hunt-62b); read as empty, with a note")
    func nullDecoderIsNoted() throws {
        let t = try #require(try Tokenizer.read(TokenizerFiles(
            tokenizerJSON: NamedBytes(path: "f/tokenizer.json", bytes: Array(#"{"model":{"type":"WordLevel","vocab":{"a":0}}}"#.utf8)),
            tokenizerConfig: NamedBytes(path: "f/tokenizer_config.json", bytes: Array(#"{"added_tokens_decoder": null}"#.utf8)))))
        #expect(t.notes.contains { $0.hasPrefix("f/tokenizer_config.json: added_tokens_decoder is null, which transformers") && $0.contains("fails to load") }, "\(t.notes)")
    }
}
