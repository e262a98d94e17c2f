/// Why a token is known never to be used, by its name or by how the tokenizer is built.
public enum UnusedTokenReason: Sendable, Equatable {
    /// A placeholder named unused: BERT's `[unused12]`, Gemma's `<unused12>`, `<|unused_012|>`.
    case unusedPlaceholder
    /// A reserved slot: Llama 3's `<|reserved_special_token_12|>`, `<|reserved_12|>`.
    case reservedPlaceholder
    /// fairseq's `<madeupword3>` filler tokens (XGLM, …).
    case madeUpWord
    /// A byte-level token that spells this byte, which never occurs in UTF-8 text.
    case byteNeverInUTF8(UInt8)
    /// A byte-fallback `<0xNN>` token for a byte that never occurs in UTF-8 text.
    case byteFallbackNeverInUTF8(UInt8)
    /// A byte-fallback `<0xNN>` token for an ASCII character the vocabulary holds as a token:
    /// byte fallback is used only for characters the vocabulary lacks.
    case byteFallbackDuplicate(UInt8)
    /// Another id claims the same text (an added token, or a later duplicate in vocab.txt).
    case shadowed(by: Int)
    /// The file marks it unused: a GGUF `tokenizer.ggml.token_type` of 5 (UNUSED).
    case markedUnused
    /// A WordPiece token holding a character the tokenizer always keeps out of words beside
    /// other characters, or as a continuation (`##)`, `##戦`): never produced (`WordIsolation`).
    case isolatedCharacter(Unicode.Scalar, kind: WordIsolation.Kind, continuation: Bool)
    /// The same for a llama.cpp WordPiece vocabulary (`LlamaCppWordPiece`), by llama.cpp's rules.
    case llamaCppWordPiece(Unicode.Scalar, kind: LlamaCppWordPiece.Kind, continuation: Bool)

    /// A stable identifier for JSON.
    public var name: String {
        switch self {
        case .unusedPlaceholder: "unused-placeholder"
        case .reservedPlaceholder: "reserved-placeholder"
        case .madeUpWord: "made-up-word"
        case .byteNeverInUTF8: "byte-never-in-utf8"
        case .byteFallbackNeverInUTF8: "byte-fallback-never-in-utf8"
        case .byteFallbackDuplicate: "byte-fallback-duplicate"
        case .shadowed: "shadowed"
        case .markedUnused: "marked-unused"
        case .isolatedCharacter, .llamaCppWordPiece: "isolated-character"
        }
    }

    /// One sentence for text output.
    public var explanation: String {
        switch self {
        case .unusedPlaceholder: "named as an unused placeholder"
        case .reservedPlaceholder: "named as a reserved placeholder"
        case .madeUpWord: "a made-up filler word"
        case .byteNeverInUTF8(let byte): "spells byte 0x\(hex(byte)), which never occurs in UTF-8 text"
        case .byteFallbackNeverInUTF8(let byte): "byte-fallback token for 0x\(hex(byte)), which never occurs in UTF-8 text"
        case .byteFallbackDuplicate(let byte): "byte-fallback token for 0x\(hex(byte)), a character the vocabulary holds as its own token"
        case .shadowed(let id): "its text is claimed by id \(id), so the tokenizer never produces this id"
        case .markedUnused: "marked UNUSED by the GGUF file's tokenizer.ggml.token_type"
        case .isolatedCharacter(let scalar, let kind, let continuation):
            "\(continuation ? "a continuation holding" : "holds") \(quoted(String(scalar))) beside other characters, but "
                + (kind == .chinese ? "tokenizer.json's normalizer (BertNormalizer, handle_chinese_chars) sets that character apart as a word of its own"
                    : kind == .whitespace ? "tokenizer.json's pre_tokenizer (BertPreTokenizer) breaks words at that character"
                    : "tokenizer.json's pre_tokenizer (BertPreTokenizer) makes that character a word of its own")
                + ", so no word yields this token"
        case .llamaCppWordPiece(let scalar, let kind, let continuation):
            // A continuation never starts a word, and the character is always a word of its own (or
            // ends one, or is dropped), so even a continuation of that character alone is never matched.
            "\(continuation ? "a continuation (no ▁) holding \(quoted(String(scalar)))" : "holds \(quoted(String(scalar))) beside other characters"), "
                + "but llama.cpp's WordPiece tokenizer "
                + (kind == .whitespace ? "ends a word at that character" : kind == .dropped ? "drops that character from the text"
                    : "makes that character a word of its own")
                + ", so no word yields this token"
        }
    }
}

/// A token known never to be used, with the reason.
public struct UnusedToken: Sendable, Equatable {
    public var id: Int
    public var token: String
    public var reason: UnusedTokenReason
}

public enum UnusedTokens {
    /// Tokens of `tokenizer` that are unused by name or by construction, sorted by id. Only
    /// reasons that follow from the files are used; a token that merely looks rare is not here
    /// (that is what `UndertrainedIndicators` estimates from the weights).
    ///
    /// Why on bytes: every rule below matches ASCII shapes (`<unused12>`, `<0xC0>`) or, for
    /// byte-level alphabets, the characters U+00C0, U+00C1, U+00F5…U+00FF (UTF-8 lead byte
    /// 0xC3); a token's UTF-8 bytes decide each rule without a `String` or a grapheme break. On
    /// the 262,144-token Gemma 3 vocabulary the `String` version was a third of an audit's CPU.
    public static func find(in tokenizer: Tokenizer) -> [UnusedToken] {
        var found: [UnusedToken] = []
        let added = Set(tokenizer.addedTokens.map(\.id))
        let texts = tokenizer.tokensByID
        texts.utf8.withUnsafeBufferPointer { all in
            for id in 0..<texts.count where !texts.isHole(id) {
                let bytes = UnsafeBufferPointer(rebasing: all[texts.byteRange(of: id)])
                if let reason = reason(for: bytes, id: id, isAdded: added.contains(id), in: tokenizer) {
                    found.append(UnusedToken(id: id, token: String(decoding: bytes, as: UTF8.self), reason: reason))
                }
            }
        }
        return found
    }

    static func reason(for token: UnsafeBufferPointer<UInt8>, id: Int, isAdded: Bool, in tokenizer: Tokenizer) -> UnusedTokenReason? {
        // A special or pad id is inserted by id (templates, padding), so text never reaching it
        // does not make it unused.
        if let winner = tokenizer.shadowedIDs[id], !tokenizer.isInsertedByID(id) { return .shadowed(by: winner) }
        if tokenizer.markedUnusedIDs.contains(id) { return .markedUnused }
        if let named = namedPlaceholder(tokenizer.phantomSpace ? withoutPhantomSpace(token) : token) { return named }
        // Only a character of the byte-level alphabet spelled with lead byte 0xC3 stands for a
        // byte that never occurs in UTF-8; without one no byte of the token is such a byte.
        if !isAdded, tokenizer.byteLevel, token.contains(0xC3),
           let bytes = ByteLevelAlphabet.bytes(of: String(decoding: token, as: UTF8.self)),
           let bad = bytes.first(where: ByteLevelAlphabet.neverInUTF8) {
            return .byteNeverInUTF8(bad)
        }
        if tokenizer.byteFallback, let byte = byteFallbackValue(token) {
            if ByteLevelAlphabet.neverInUTF8(byte) { return .byteFallbackNeverInUTF8(byte) }
            if byte < 0x80, let own = tokenizer.id(for: String(UnicodeScalar(byte))), own != id {
                return .byteFallbackDuplicate(byte)
            }
        }
        // Special tokens and the model's unknown token are produced by id, not from a word.
        if !isAdded, let isolation = tokenizer.wordIsolation, !tokenizer.isInsertedByID(id) {
            return isolation.reason(for: token)
        }
        // A llama.cpp WordPiece vocabulary: its NORMAL tokens are matched from words alone.
        if !isAdded, tokenizer.llamaCppWordPiece, !tokenizer.isInsertedByID(id), !tokenizer.matchedAsTextIDs.contains(id) {
            return LlamaCppWordPiece.reason(for: token) { tokenizer.id(for: $0) != nil }
        }
        return nil
    }

    /// `[unused7]`, `<unused7>`, `<|unused7|>`, `<|unused_7|>`, `<|unused_token_7|>` and the same
    /// shapes with `reserved` / `reserved_special_token`, and `<madeupword7>`.
    ///
    /// Every shape is ASCII, so only an all-ASCII token can match, and for ASCII text bytes and
    /// characters agree (no ASCII character combines with a letter, digit or bracket). The
    /// first shape whose brackets enclose the token decides, as `<|x|>` is not tried as `<…>`.
    static func namedPlaceholder(_ token: UnsafeBufferPointer<UInt8>) -> UnusedTokenReason? {
        guard let first = token.first, first == UInt8(ascii: "[") || first == UInt8(ascii: "<") else { return nil }
        let shapes: [(open: StaticString, close: StaticString)] = [("[", "]"), ("<|", "|>"), ("<", ">")]
        for shape in shapes {
            let open = shape.open.utf8CodeUnitCount, close = shape.close.utf8CodeUnitCount
            guard token.count > open + close, starts(token, with: shape.open), ends(token, with: shape.close) else { continue }
            let inner = UnsafeBufferPointer(rebasing: token[open ..< token.count - close])
            let words: [(StaticString, UnusedTokenReason)] = [
                ("unused_token_", .unusedPlaceholder), ("unused_", .unusedPlaceholder), ("unused", .unusedPlaceholder),
                ("reserved_special_token_", .reservedPlaceholder), ("reserved_", .reservedPlaceholder),
                ("reserved", .reservedPlaceholder), ("madeupword", .madeUpWord),
            ]
            for (word, reason) in words where starts(inner, with: word) {
                let digits = inner.dropFirst(word.utf8CodeUnitCount)
                if !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) { return reason }
            }
            return nil
        }
        return nil
    }

    /// `[unused7]` and the other shapes, for a `String` (tests and callers holding one).
    static func namedPlaceholder(_ token: String) -> UnusedTokenReason? {
        var token = token
        return token.withUTF8 { namedPlaceholder($0) }
    }

    /// `token` without a leading `▁` (U+2581, UTF-8 E2 96 81): `▁[unused5]` is BERT's
    /// `[unused5]` in a llama.cpp WordPiece vocabulary (`Tokenizer.phantomSpace`).
    static func withoutPhantomSpace(_ token: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard token.count >= 3, token[0] == 0xE2, token[1] == 0x96, token[2] == 0x81 else { return token }
        return UnsafeBufferPointer(rebasing: token[3...])
    }

    /// The byte of a SentencePiece byte-fallback token `<0xNN>` (two upper-case hex digits).
    static func byteFallbackValue(_ token: UnsafeBufferPointer<UInt8>) -> UInt8? {
        guard token.count == 6, starts(token, with: "<0x"), token[5] == UInt8(ascii: ">"),
              let high = upperHexDigit(token[3]), let low = upperHexDigit(token[4]) else { return nil }
        return high << 4 | low
    }

    /// `<0xNN>`'s byte, for a `String`.
    static func byteFallbackValue(_ token: String) -> UInt8? {
        var token = token
        return token.withUTF8 { byteFallbackValue($0) }
    }

    private static func upperHexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A") ... UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func starts(_ bytes: UnsafeBufferPointer<UInt8>, with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return prefix.withUTF8Buffer { bytes.prefix(count).elementsEqual($0) }
    }

    private static func ends(_ bytes: UnsafeBufferPointer<UInt8>, with suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return suffix.withUTF8Buffer { bytes.suffix(count).elementsEqual($0) }
    }
}

func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return digits.count == 1 ? "0" + digits : digits
}
