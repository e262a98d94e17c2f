extension Tokenizer {
    /// A tokenizer from the `tokenizer.ggml.*` metadata llama.cpp's converters store in a GGUF
    /// file: the token list indexed by id, `token_type` (3 CONTROL and 2 UNKNOWN → special, 5 UNUSED → unused),
    /// and `padding_token_id`. Plain values in, so this module needs no GGUF reader.
    ///
    /// `model` is `tokenizer.ggml.model`: `bert` reads as WordPiece, `gpt2`/`llama` and the
    /// others as BPE (`llama` is SentencePiece BPE with byte fallback), `t5` as Unigram.
    public static func fromGGUFMetadata(tokens: [String], tokenTypes: [Int32]?, padTokenID: Int?, model: String?,
                                        source: String) -> Tokenizer {
        let kind: Kind = switch model {
        case "bert": .wordPiece
        case "t5": .unigram
        default: .bpe
        }
        var ids: [String: Int] = [:]
        ids.reserveCapacity(tokens.count)
        var shadowed: [Int: Int] = [:]
        for (id, token) in tokens.enumerated() {
            if let first = ids[token] { shadowed[id] = first } else { ids[token] = id }
        }
        var special: [SpecialToken] = []
        var unused = Set<Int>()
        for (id, type) in (tokenTypes ?? []).enumerated() where id < tokens.count {
            // CONTROL and UNKNOWN tokens are special: neither is an ordinary token that text maps to.
            if type == 3 { special.append(SpecialToken(id: id, content: tokens[id], roles: ["control"])) }
            if type == 2 { special.append(SpecialToken(id: id, content: tokens[id], roles: ["unk_token"])) }
            if type == 5 { unused.insert(id) }
        }
        let section = "\(source) (tokenizer.ggml.padding_token_id)"
        var pad: PadToken?
        if let padTokenID {
            pad = PadToken(content: tokens.indices.contains(padTokenID) ? tokens[padTokenID] : "#\(padTokenID)",
                           id: padTokenID, declaredIn: section)
        }
        var tokenizer = Tokenizer(kind: kind, sources: [source], byteLevel: model == "gpt2", byteFallback: model == "llama",
                                  addedTokens: [], specialTokens: special, padToken: pad, shadowedIDs: shadowed, notes: [],
                                  tokensByID: tokens, idsByToken: ids, modelVocabularyCount: tokens.count)
        tokenizer.markedUnusedIDs = unused
        return tokenizer
    }
}
