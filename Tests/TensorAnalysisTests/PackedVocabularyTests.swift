import CheckpointIO
import GGUFFormat
@testable import ModelKnowledge
import TensorAnalysis
import Testing
import TestSupport

/// The packed vocabulary (`PackedTokenTexts`, `TokenIDTable`) and the byte-level unused-token
/// rules, against independent answers: gguf-py's token lists and expected.json (written by
/// TestData/real/ggml-vocab/generate.py, two real llama.cpp vocabularies), a plain Swift
/// `Dictionary` keyed by UTF-8 bytes built here, and the former `String`-based rules kept below.
@Suite struct PackedVocabularyTests {
    /// phi-3 and bert-bge as llama.cpp ships them; all-MiniLM-L6-v2 as today's converter writes a
    /// WordPiece vocabulary (`▁[unused0]`, where bert-bge has `[unused0]`).
    static let vocabularies = ["ggml-vocab-phi-3.gguf", "ggml-vocab-bert-bge.gguf", "ggml-vocab-all-minilm-l6-v2.gguf"]

    static func ggufTokens(_ checkpoint: Checkpoint) throws -> [String] {
        for file in checkpoint.files {
            if case .gguf(let gguf) = file.format, let metadata = GGUFTokenizerMetadata(gguf.metadata) {
                return Array(metadata.tokens)
            }
        }
        throw FixtureMissing()
    }

    struct FixtureMissing: Error {}

    @Test("real llama.cpp vocabularies: every id's text and every text's id as a byte-keyed Dictionary says; unused as gguf-py's rules say",
          arguments: vocabularies)
    func realVocabulary(name: String) throws {
        let expected = try #require(try Fixtures.json("real/ggml-vocab/expected.json") as? [String: Any])
        let facts = try #require(expected[name] as? [String: Any])
        let checkpoint = try Checkpoint.open(path: Fixtures.path("real/ggml-vocab/" + name))
        let knowledge = CheckpointKnowledge.read(checkpoint)
        let tokenizer = try #require(knowledge.tokenizer)
        let tokens = try Self.ggufTokens(checkpoint)
        #expect(tokens.count == facts["tokens"] as? Int)
        #expect(tokenizer.vocabularySize == tokens.count)

        // llama.cpp's rule: the last id of a text wins (these vocabularies repeat none, so first and last agree).
        var winner: [[UInt8]: Int] = [:]
        for (id, token) in tokens.enumerated() { winner[Array(token.utf8)] = id }
        var mismatches = 0
        for (id, token) in tokens.enumerated() {
            if tokenizer.token(for: id).map({ Array($0.utf8) }) != Array(token.utf8) { mismatches += 1 }
            if tokenizer.id(for: token) != winner[Array(token.utf8)] { mismatches += 1 }
            // Texts that are no token: one byte more, or one byte less.
            if tokenizer.id(for: token + "\u{1}") != winner[Array(token.utf8) + [1]] { mismatches += 1 }
            let shorter = String(token.unicodeScalars.dropLast())
            if tokenizer.id(for: shorter) != winner[Array(shorter.utf8)] { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(tokenizer.token(for: tokens.count) == nil && tokenizer.token(for: -1) == nil)

        let duplicates = try #require(facts["duplicates"] as? [String: Int])
        #expect(tokenizer.shadowedIDs == Dictionary(uniqueKeysWithValues: duplicates.map { (Int($0.key) ?? -1, $0.value) }))
        let unused = try #require(facts["unused"] as? [[Any]])
        let expectedUnused = unused.map { "\($0[0]) \($0[1])" }
        #expect(knowledge.unusedTokens.map { "\($0.id) \($0.reason.name)" } == expectedUnused)
        #expect(UnusedTokens.find(in: tokenizer) == knowledge.unusedTokens)
        #expect(UnusedTokens.find(in: tokenizer) == Self.referenceFind(in: tokenizer))
        if name == "ggml-vocab-all-minilm-l6-v2.gguf" {
            // The same ids tokenizers never yields from the folder's tokenizer.json (its own
            // normalizer and pre-tokenizer, TestData/knowledge/minilm-isolated-continuations.json).
            let reference = try #require(try Fixtures.json("knowledge/minilm-isolated-continuations.json") as? [String: Any])
            #expect(Set(knowledge.unusedTokens.map(\.id)) == Set(reference["unreachable_ids"] as? [Int] ?? []))
        }

        // Role ids as gguf-py reads them, under the role names tokenizer_config.json uses.
        let roleNames = ["tokenizer.ggml.bos_token_id": "bos_token", "tokenizer.ggml.eos_token_id": "eos_token",
                         "tokenizer.ggml.unknown_token_id": "unk_token", "tokenizer.ggml.seperator_token_id": "sep_token",
                         "tokenizer.ggml.cls_token_id": "cls_token", "tokenizer.ggml.mask_token_id": "mask_token"]
        let roles = try #require(facts["roles"] as? [String: Int])
        #expect(!roles.isEmpty)
        var expectedRoles: [Int: Set<String>] = [:]
        for (key, id) in roles { expectedRoles[id, default: []].insert(try #require(roleNames[key])) }
        for (id, names) in expectedRoles {
            let held = Set(tokenizer.specialTokens.first { $0.id == id }?.roles ?? [])
            #expect(names.isSubset(of: held), "id \(id): \(names.sorted()) not all in \(held.sorted())")
        }
    }

    /// Texts from a small alphabet rich in collisions: canonically equivalent spellings ("é" and
    /// "e" + U+0301), the empty text, and sizes that make the table grow several times.
    static func randomTexts(count: Int, seed: UInt64) -> [String] {
        let alphabet = ["e", "\u{301}", "\u{E9}", "a", "<", ">", "\u{9DF}", "\u{9AF}\u{9BC}", "x", "\u{1F600}"]
        var random = SeededRandom(seed: seed)
        return (0 ..< count).map { _ in
            (0 ..< Int.random(in: 0 ... 4, using: &random)).map { _ in alphabet[Int.random(in: 0 ..< alphabet.count, using: &random)] }.joined()
        }
    }

    /// llama.cpp's loop, restated (llama-vocab.cpp, llama-cpp-python 0.3.36): `token_to_id[word] = i`
    /// for each id in order, an empty token stored as `[EMPTY_<id>]`; an id whose text maps to
    /// another id is the one text never produces.
    @Test("GGUF token list: the last id of a text wins, as llama.cpp's token_to_id; every lookup as that map", arguments: [1, 7, 300, 5_000])
    func lastIDWins(count: Int) {
        var texts = Self.randomTexts(count: count, seed: UInt64(count))
        if count >= 7 { texts[1] = ""; texts[3] = ""; (texts[2], texts[5], texts[6]) = ("\u{1}dup", "\u{1}dup", "\u{1}dup") }
        let t = Tokenizer.fromGGUFMetadata(tokens: texts, tokenTypes: nil, padTokenID: nil, model: "llama", source: "t.gguf")
        var tokenToID: [[UInt8]: Int] = [:]
        for (id, text) in texts.enumerated() { tokenToID[text.isEmpty ? Array("[EMPTY_\(id)]".utf8) : Array(text.utf8)] = id }
        var shadowed: [Int: Int] = [:]
        for (id, text) in texts.enumerated() where !text.isEmpty {
            if let winner = tokenToID[Array(text.utf8)], winner != id { shadowed[id] = winner }
        }
        if count >= 7 { #expect(shadowed[2] == 6 && shadowed[5] == 6 && shadowed[1] == nil && shadowed[3] == nil, "\(shadowed)") }
        #expect(t.shadowedIDs == shadowed)
        for text in Set(Self.randomTexts(count: 2 * count, seed: 99).map { Array($0.utf8) }).map({ String(decoding: $0, as: UTF8.self) })
            where !text.hasPrefix("[EMPTY_") {
            #expect(t.id(for: text) == tokenToID[Array(text.utf8)], "\(text.unicodeScalars.map(\.value))")
        }
        for (id, text) in texts.enumerated() { #expect(t.token(for: id).map { Array($0.utf8) } == Array(text.utf8)) }
    }

    @Test("a repeated text's earlier id is unused (shadowed) unless a role, CONTROL or the pad id inserts it by id")
    func insertedByIDIsNotShadowedUnused() {
        // ids:            0        1        2     3        4     5      6      7
        let texts = ["[PAD]", "[CLS]", "x", "[CLS]", "<c>", "<c>", "[PAD]", "x"]
        let types: [Int32] = [1, 1, 1, 1, 3, 1, 1, 1]  // id 4 is CONTROL
        let t = Tokenizer.fromGGUFMetadata(tokens: texts, tokenTypes: types, padTokenID: 0, model: "llama", source: "t.gguf",
                                           roleIDs: [("tokenizer.ggml.cls_token_id", "cls_token", 1)])
        // llama.cpp: the last id of each text wins, so 0, 1, 2 and 4 are never produced from text.
        #expect(t.shadowedIDs == [0: 6, 1: 3, 2: 7, 4: 5])
        // By hand: 0 is the pad id, 1 the cls id, 4 CONTROL: all inserted by id. Only 2 is unused.
        let unused = UnusedTokens.find(in: t)
        #expect(unused.map(\.id) == [2])
        #expect(unused.first?.reason == .shadowed(by: 7))
    }

    @Test("vocab.txt: a later line of the same text wins, holes stay holes; every lookup as a byte-keyed Dictionary", arguments: [3, 300, 5_000])
    func laterLineWins(count: Int) throws {
        let texts = Self.randomTexts(count: count, seed: 1000 + UInt64(count)).map { "t" + $0 }
        let t = try #require(try Tokenizer.read(TokenizerFiles(vocabText: NamedBytes(path: "v/vocab.txt", bytes: Array((texts.joined(separator: "\n") + "\n").utf8)))))
        var last: [[UInt8]: Int] = [:]
        var shadowed: [Int: Int] = [:]
        for (id, text) in texts.enumerated() {
            if let earlier = last.updateValue(id, forKey: Array(text.utf8)) { shadowed[earlier] = id }
        }
        #expect(t.shadowedIDs == shadowed)
        for text in texts + Self.randomTexts(count: count, seed: 7) {
            #expect(t.id(for: text) == last[Array(text.utf8)], "\(text.unicodeScalars.map(\.value))")
        }
    }

    @Test("tokenizer.json with holes and an added token over a model entry: ids as a Dictionary with the same precedence")
    func holesAndAddedTokens() throws {
        let json = """
        {"model": {"type": "WordLevel", "vocab": {"a": 0, "caf\u{E9}": 2, "cafe\u{301}": 5, "b": 9}, "unk_token": "a"},
         "added_tokens": [{"id": 5, "content": "<x>", "special": true}, {"id": 11, "content": "b", "special": false}]}
        """
        let t = try #require(try Tokenizer.read(TokenizerFiles(tokenizerJSON: NamedBytes(path: "h/tokenizer.json", bytes: Array(json.utf8)))))
        #expect(t.vocabularySize == 10)
        // As tokenizers 0.23.3 numbers them (`Tokenizer.from_str`, id_to_token / token_to_id):
        // the stated ids are not used; "b" keeps the vocabulary's 9, the new "<x>" takes 4 (the
        // vocabulary's 4 texts come first).
        let texts: [Int: String] = [0: "a", 2: "caf\u{E9}", 4: "<x>", 5: "cafe\u{301}", 9: "b"]
        for id in -1 ... 12 { #expect(t.token(for: id).map { Array($0.utf8) } == texts[id].map { Array($0.utf8) }, "id \(id)") }
        // Pairs, not a [String: Int] literal: Swift's String keys would fold the two spellings of "café".
        let ids: [(String, Int)] = [("a", 0), ("caf\u{E9}", 2), ("cafe\u{301}", 5), ("<x>", 4), ("b", 9)]
        for (text, id) in ids { #expect(t.id(for: text) == id, "\(text.unicodeScalars.map(\.value))") }
        #expect(t.id(for: "c") == nil && t.id(for: "") == nil)
        #expect(t.shadowedIDs.isEmpty)
    }

    @Test("unused rules on bytes agree with the String rules on adversarial and random tokens")
    func bytesAgreeWithStrings() {
        let pieces = ["[", "]", "<", ">", "|", "<|", "|>", "_", "unused", "unused_", "unused_token_", "reserved", "reserved_",
                      "reserved_special_token_", "madeupword", "<0x", "0x", "0", "7", "9", "A", "F", "a", "f", "G",
                      "\u{301}", "\r", "\n", "\r\n", "\u{E9}", "\u{600}", "\u{FF11}", "\u{C0}", "\u{C1}", "\u{F5}", "\u{FF}",
                      "\u{100}", "\u{120}", " ", "\u{200D}", "\u{1F600}", "\u{2581}"]
        var random = SeededRandom(seed: 42)
        var texts = ["[unused1]", "<unused0>", "<|unused_12|>", "<|reserved_special_token_3|>", "<madeupword0>", "[unused]",
                     "[\u{301}unused1]", "[unused1\u{301}]", "<unused1\u{600}>", "<unused\u{FF11}>", "<0xC0>", "<0xc0>",
                     "<0x41>", "<0x4\u{301}>", "<0x\u{FF11}A>", "A", "<|x|>", "<|unused1>", "[unused1>", "\u{C0}\u{C1}", "\u{F5}x",
                     "\u{2581}[unused3]", "\u{2581}\u{2581}[unused3]", "\u{2581}\u{301}[unused3]", "x\u{2581}[unused3]"]
        for _ in 0 ..< 20_000 {
            texts.append((0 ..< Int.random(in: 1 ... 5, using: &random)).map { _ in pieces[Int.random(in: 0 ..< pieces.count, using: &random)] }.joined())
        }
        for model in ["llama", "gpt2", "bert"] {
            let t = Tokenizer.fromGGUFMetadata(tokens: texts, tokenTypes: nil, padTokenID: nil, model: model, source: "t.gguf")
            let found = UnusedTokens.find(in: t)
            let reference = Self.referenceFind(in: t)
            let same = found == reference
            #expect(same, "\(model): \(found.count) vs \(reference.count) found; first difference \(String(describing: zip(found, reference).first { $0 != $1 }))")
            #expect(!found.isEmpty)
        }
        for text in texts {
            #expect(UnusedTokens.namedPlaceholder(text) == Self.referenceNamedPlaceholder(text), "\(text.unicodeScalars.map(\.value))")
            #expect(UnusedTokens.byteFallbackValue(text) == Self.referenceByteFallbackValue(text), "\(text.unicodeScalars.map(\.value))")
        }
    }

    // MARK: - The String-based rules as they were before the byte version (the reference)

    static func referenceFind(in tokenizer: Tokenizer) -> [UnusedToken] {
        var found: [UnusedToken] = []
        let added = Set(tokenizer.addedTokens.map(\.id))
        for id in 0 ..< tokenizer.vocabularySize {
            guard let token = tokenizer.token(for: id) else { continue }
            if let reason = referenceReason(for: token, id: id, isAdded: added.contains(id), in: tokenizer) {
                found.append(UnusedToken(id: id, token: token, reason: reason))
            }
        }
        return found
    }

    static func referenceReason(for token: String, id: Int, isAdded: Bool, in tokenizer: Tokenizer) -> UnusedTokenReason? {
        if let winner = tokenizer.shadowedIDs[id], !tokenizer.isSpecial(id), tokenizer.padToken?.id != id { return .shadowed(by: winner) }
        if tokenizer.markedUnusedIDs.contains(id) { return .markedUnused }
        // A WordPiece GGUF vocabulary stores BERT's "[unused3]" as "▁[unused3]".
        var name = token
        if tokenizer.phantomSpace, token.unicodeScalars.first == "\u{2581}" {
            name = String(String.UnicodeScalarView(token.unicodeScalars.dropFirst()))
        }
        if let named = referenceNamedPlaceholder(name) { return named }
        if !isAdded, tokenizer.byteLevel, let bytes = ByteLevelAlphabet.bytes(of: token),
           let bad = bytes.first(where: ByteLevelAlphabet.neverInUTF8) {
            return .byteNeverInUTF8(bad)
        }
        if tokenizer.byteFallback, let byte = referenceByteFallbackValue(token) {
            if ByteLevelAlphabet.neverInUTF8(byte) { return .byteFallbackNeverInUTF8(byte) }
            if byte < 0x80, let own = tokenizer.id(for: String(UnicodeScalar(byte))), own != id {
                return .byteFallbackDuplicate(byte)
            }
        }
        // llama.cpp's WordPiece, restated on scalars: a NORMAL token holding a character its
        // preprocess keeps out of words, unless it is "▁" and one punctuation character or ideograph.
        if !isAdded, tokenizer.llamaCppWordPiece, !tokenizer.isSpecial(id), tokenizer.padToken?.id != id,
           !tokenizer.matchedAsTextIDs.contains(id) {
            let scalars = Array(token.unicodeScalars)
            let wordStart = scalars.first == "\u{2581}"
            let body = wordStart ? Array(scalars.dropFirst()) : scalars
            if let first = body.first(where: { LlamaCppWordPiece.kind(of: $0) != nil }), let kind = LlamaCppWordPiece.kind(of: first) {
                let alone = body.count == 1 && (kind == .punctuation || kind == .chinese)
                // Alone after a bare "▁" when the vocabulary has "▁" and not "▁" + it.
                let afterBareSpace = alone && !wordStart && tokenizer.id(for: "\u{2581}") != nil && tokenizer.id(for: "\u{2581}" + String(first)) == nil
                if !(alone && wordStart) && !afterBareSpace { return .llamaCppWordPiece(first, kind: kind, continuation: !wordStart) }
            }
        }
        return nil
    }

    static func referenceNamedPlaceholder(_ token: String) -> UnusedTokenReason? {
        let scalars = Array(token.unicodeScalars)
        let shapes: [(open: String, close: String)] = [("[", "]"), ("<|", "|>"), ("<", ">")]
        for shape in shapes {
            guard token.hasPrefix(shape.open), token.hasSuffix(shape.close),
                  scalars.count > shape.open.unicodeScalars.count + shape.close.unicodeScalars.count else { continue }
            let inner = String(String.UnicodeScalarView(scalars[shape.open.unicodeScalars.count..<(scalars.count - shape.close.unicodeScalars.count)]))
            let words: [(String, UnusedTokenReason)] = [
                ("unused_token_", .unusedPlaceholder), ("unused_", .unusedPlaceholder), ("unused", .unusedPlaceholder),
                ("reserved_special_token_", .reservedPlaceholder), ("reserved_", .reservedPlaceholder),
                ("reserved", .reservedPlaceholder), ("madeupword", .madeUpWord),
            ]
            for (word, reason) in words where inner.hasPrefix(word) {
                let digits = inner.dropFirst(word.count)
                if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return reason }
            }
            return nil
        }
        return nil
    }

    static func referenceByteFallbackValue(_ token: String) -> UInt8? {
        let utf8 = Array(token.utf8)
        guard utf8.count == 6, token.hasPrefix("<0x"), utf8[5] == UInt8(ascii: ">") else { return nil }
        let digits = String(decoding: utf8[3..<5], as: UTF8.self)
        guard digits.allSatisfy({ $0.isHexDigit && !$0.isLowercase }) else { return nil }
        return UInt8(digits, radix: 16)
    }
}
