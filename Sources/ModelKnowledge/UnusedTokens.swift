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
    public static func find(in tokenizer: Tokenizer) -> [UnusedToken] {
        var found: [UnusedToken] = []
        let added = Set(tokenizer.addedTokens.map(\.id))
        for id in 0..<tokenizer.vocabularySize {
            guard let token = tokenizer.token(for: id) else { continue }
            if let reason = reason(for: token, id: id, isAdded: added.contains(id), in: tokenizer) {
                found.append(UnusedToken(id: id, token: token, reason: reason))
            }
        }
        return found
    }

    static func reason(for token: String, id: Int, isAdded: Bool, in tokenizer: Tokenizer) -> UnusedTokenReason? {
        if let winner = tokenizer.shadowedIDs[id] { return .shadowed(by: winner) }
        if tokenizer.markedUnusedIDs.contains(id) { return .markedUnused }
        if let named = namedPlaceholder(token) { return named }
        if !isAdded, tokenizer.byteLevel, let bytes = ByteLevelAlphabet.bytes(of: token),
           let bad = bytes.first(where: ByteLevelAlphabet.neverInUTF8) {
            return .byteNeverInUTF8(bad)
        }
        if tokenizer.byteFallback, let byte = byteFallbackValue(token) {
            if ByteLevelAlphabet.neverInUTF8(byte) { return .byteFallbackNeverInUTF8(byte) }
            if byte < 0x80, let own = tokenizer.id(for: String(UnicodeScalar(byte))), own != id {
                return .byteFallbackDuplicate(byte)
            }
        }
        return nil
    }

    /// `[unused7]`, `<unused7>`, `<|unused7|>`, `<|unused_7|>`, `<|unused_token_7|>` and the same
    /// shapes with `reserved` / `reserved_special_token`, and `<madeupword7>`.
    static func namedPlaceholder(_ token: String) -> UnusedTokenReason? {
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

    /// The byte of a SentencePiece byte-fallback token `<0xNN>` (two upper-case hex digits).
    static func byteFallbackValue(_ token: String) -> UInt8? {
        let utf8 = Array(token.utf8)
        guard utf8.count == 6, token.hasPrefix("<0x"), utf8[5] == UInt8(ascii: ">") else { return nil }
        let digits = String(decoding: utf8[3..<5], as: UTF8.self)
        guard digits.allSatisfy({ $0.isHexDigit && !$0.isLowercase }) else { return nil }
        return UInt8(digits, radix: 16)
    }
}

func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return digits.count == 1 ? "0" + digits : digits
}
