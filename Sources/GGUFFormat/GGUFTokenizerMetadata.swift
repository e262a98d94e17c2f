import StrictJSON

/// The tokenizer llama.cpp's converters store in GGUF metadata (`tokenizer.ggml.*`).
///
/// Facts (gguf-py 0.19.0 `constants.py`, `Keys.Tokenizer` and `TokenType`): `tokens` is an
/// array of strings indexed by token id; `token_type` an array of i32, one per token; the
/// special ids are u32 scalars written by `add_bos_token_id` etc.
public struct GGUFTokenizerMetadata: Sendable, Equatable {
    /// `tokenizer.ggml.token_type` values.
    public enum TokenType: Int32, Sendable, CaseIterable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    public static let modelKey = "tokenizer.ggml.model"
    public static let tokensKey = "tokenizer.ggml.tokens"
    public static let tokenTypeKey = "tokenizer.ggml.token_type"
    public static let scoresKey = "tokenizer.ggml.scores"
    public static let bosKey = "tokenizer.ggml.bos_token_id"
    public static let eosKey = "tokenizer.ggml.eos_token_id"
    public static let paddingKey = "tokenizer.ggml.padding_token_id"
    public static let unknownKey = "tokenizer.ggml.unknown_token_id"
    /// gguf-py's spelling (`Keys.Tokenizer.SEP_ID`), misspelt as every writer stores it.
    public static let separatorKey = "tokenizer.ggml.seperator_token_id"
    public static let clsKey = "tokenizer.ggml.cls_token_id"
    public static let maskKey = "tokenizer.ggml.mask_token_id"

    /// The id keys that give a token a role, each with the role's name in tokenizer_config.json
    /// (`bos_token`, …), in the order roles are listed. `padding_token_id` is not among them:
    /// it is the pad id itself, read separately.
    public static let roleKeys: [(key: String, role: String)] = [
        (bosKey, "bos_token"), (eosKey, "eos_token"), (unknownKey, "unk_token"),
        (separatorKey, "sep_token"), (clsKey, "cls_token"), (maskKey, "mask_token"),
    ]

    /// e.g. `llama` (SentencePiece), `gpt2` (byte-level BPE), `bert` (WordPiece).
    public let model: String?
    /// Token strings by id, packed (`tokens[id]` reads one as a `String`).
    public let tokens: GGUFStringArray
    /// Raw `token_type` values by id (nil when absent, not int32 or shorter than the token
    /// list); values outside 1…6 are kept as they are so the audit can report them. A longer
    /// array gives its first values, one per token, as llama.cpp reads it.
    public let tokenTypes: [Int32]?
    public let paddingTokenID: Int?
    /// The role ids present as integers, in `roleKeys` order: (`tokenizer.ggml.bos_token_id`,
    /// `bos_token`, 2), …
    public let roleIDs: [RoleID]
    /// Special-id keys present with a value that is no `Int` (a string, a float, a u64 beyond
    /// `Int.max`), in key order, with the value as stated: noted by the tokenizer instead of
    /// being read as absent.
    public let unusableIDs: [UnusableID]

    /// A role key, the role it gives, and the id it states.
    public struct RoleID: Sendable, Equatable {
        public let key: String
        public let role: String
        public let id: Int
    }

    /// The id stated under `key` (one of `roleKeys`), when it is an integer.
    public func id(forKey key: String) -> Int? { roleIDs.first { $0.key == key }?.id }

    /// A special-id key and its unusable value as stated.
    public struct UnusableID: Sendable, Equatable {
        public let key: String
        public let text: String
    }

    /// The tokenizer section of these metadata, or nil when there is no `tokenizer.ggml.tokens`
    /// string array.
    public init?(_ metadata: GGUFMetadata) {
        guard case let .string(tokens)? = metadata[Self.tokensKey]?.array else { return nil }
        self.tokens = tokens
        model = metadata[Self.modelKey]?.string
        if case let .int32(types)? = metadata[Self.tokenTypeKey]?.array, types.count >= tokens.count {
            tokenTypes = types.count == tokens.count ? types : Array(types.prefix(tokens.count))
        } else {
            tokenTypes = nil
        }
        paddingTokenID = metadata[Self.paddingKey]?.integer
        roleIDs = Self.roleKeys.compactMap { key, role in
            metadata[key]?.integer.map { RoleID(key: key, role: role, id: $0) }
        }
        unusableIDs = (Self.roleKeys.map(\.key) + [Self.paddingKey]).compactMap { key in
            guard let stored = metadata[key], stored.integer == nil else { return nil }
            return UnusableID(key: key, text: stored.statedText)
        }
    }

    /// What is wrong with the tokenizer keys of `metadata` that makes them unused, one sentence
    /// each: `tokens` that are no array of strings (the tokenizer is not read: no vocabulary to
    /// hold against `token_embd`, no token names), a `token_type` that is no int32 array of at
    /// least one value per token (no token is marked unused or control by it), and `scores` that
    /// are no int32 or float32 array of at least one value per token. Why: both were dropped
    /// without a word, and a file llama.cpp refuses passed the audit with nothing to say
    /// (adversarial test). The rules are llama.cpp's vocabulary loader's (`llama-vocab.cpp` as
    /// vendored by llama-cpp-python 0.3.36): a shorter array or another element type makes it
    /// refuse the file; a longer one is read for its first values (hunt-54a D4, D5: a short
    /// `scores` passed without a word, and a long `token_type` was dropped, so control tokens
    /// lost their role).
    public static func unusedKeys(in metadata: GGUFMetadata) -> [String] {
        var problems: [String] = []
        let tokens = metadata[tokensKey]
        if let tokens {
            if case .string? = tokens.array {} else {
                problems.append("metadata \(quoted(tokensKey)) is \(Self.shape(of: tokens)), not an array of strings: the file's tokenizer is not read "
                                + "(llama.cpp refuses such a file)")
            }
        }
        // llama.cpp's vocabulary loader reads `tokenizer.ggml.model` as a required key (a file
        // without it fails to load) and, for "none" or "no_vocab", returns before it reads the
        // tokens (llama-vocab.cpp). Both passed unsaid beside a token list (adversarial review,
        // 2026-12-05). Other unknown names are left to llama.cpp's version of its list.
        if tokens != nil {
            switch metadata[modelKey] {
            case nil:
                problems.append("metadata \(quoted(modelKey)) is missing beside \(quoted(tokensKey)): llama.cpp requires it and refuses the file")
            case let model? where model.string == nil:
                problems.append("metadata \(quoted(modelKey)) is \(Self.shape(of: model)), not a string: llama.cpp refuses the file")
            case let model? where model.string == "none" || model.string == "no_vocab":
                problems.append("metadata \(quoted(modelKey)) is \(quoted(model.string ?? "")): llama.cpp reads no vocabulary and ignores \(quoted(tokensKey))")
            default:
                break
            }
        }
        if let types = metadata[tokenTypeKey], case .string(let names)? = tokens?.array {
            switch types.array {
            case .int32(let values)? where values.count == names.count:
                break
            case .int32(let values)? where values.count > names.count:
                problems.append("metadata \(quoted(tokenTypeKey)) is \(Self.shape(of: types)) for \(names.count) tokens: the first \(names.count) "
                                + "are used, as llama.cpp reads them, and the other \(values.count - names.count) ignored")
            default:
                problems.append("metadata \(quoted(tokenTypeKey)) is \(Self.shape(of: types)) for \(names.count) tokens, not an int32 array of at least one "
                                + "value per token: llama.cpp refuses the file, and no token is marked unused or control by it")
            }
        }
        if let scores = metadata[scoresKey], case .string(let names)? = tokens?.array {
            switch scores.array {
            case .float32(let values)? where values.count >= names.count: break
            case .int32(let values)? where values.count >= names.count: break
            default:
                problems.append("metadata \(quoted(scoresKey)) is \(Self.shape(of: scores)) for \(names.count) tokens, not a float32 or int32 array of at least "
                                + "one value per token: llama.cpp refuses the file")
            }
        }
        return problems
    }

    /// `[7 × int32]` for an array, `a string` for a scalar.
    static func shape(of value: GGUFValue) -> String {
        if case .array(let array) = value { return "[\(array.count) × \(array.elementType)]" }
        return "a single \(value.type)"
    }

    /// The type of token `id`, when `token_type` is present and holds a known value.
    public func tokenType(of id: Int) -> TokenType? {
        guard let tokenTypes, tokenTypes.indices.contains(id) else { return nil }
        return TokenType(rawValue: tokenTypes[id])
    }

    /// Ids whose `token_type` is `type`, ascending.
    public func tokenIDs(ofType type: TokenType) -> [Int] {
        guard let tokenTypes else { return [] }
        return tokenTypes.indices.filter { tokenTypes[$0] == type.rawValue }
    }
}
