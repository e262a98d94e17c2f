extension Tokenizer {
    /// A tokenizer from the `tokenizer.ggml.*` metadata llama.cpp's converters store in a GGUF
    /// file: the token list indexed by id, `token_type` (3 CONTROL and 2 UNKNOWN → special, 5 UNUSED → unused),
    /// `padding_token_id`, and the role ids (`bos_token_id`, `eos_token_id`, `unknown_token_id`,
    /// `seperator_token_id`, `cls_token_id`, `mask_token_id`, and `padding_token_id` last), which
    /// make their tokens special with the roles tokenizer_config.json would give them
    /// (`bos_token`, …, `mask_token`, `pad_token`) — as
    /// the Hub path names them, whatever their
    /// `token_type` says (converters write NORMAL for some, or no `token_type` at all). An id past
    /// the token list is noted, not used, and so is an id key whose value is no integer
    /// (`unusableIDs`: full key and the value as stated). Plain values in, so this module needs
    /// no GGUF reader.
    ///
    /// `model` is `tokenizer.ggml.model`: `bert` reads as WordPiece, `gpt2`/`llama` and the
    /// others llama.cpp reads so (`gemma4`, `hybriddna`, `whitespace`) as BPE (`llama` is
    /// SentencePiece BPE with byte fallback), `t5` as Unigram, any other name as unknown. Byte
    /// fallback is on for `llama` and whenever a token has type 6 (BYTE): the file then marks
    /// its `<0xNN>` pieces itself, whatever it calls the model (the real
    /// ggml-vocab-gemma-4.gguf says `gemma4`).
    ///
    /// A `bert` vocabulary is a phantom-space one (`phantomSpace`): llama.cpp's converter
    /// (conversion/bert.py in llama.cpp as vendored by llama-cpp-python 0.3.36) strips `##` from
    /// continuation pieces and writes every other token that is not CONTROL as `▁` + its text,
    /// so BERT's `[unused5]` is stored as `▁[unused5]` (older converters kept `[…]` as it was).
    public static func fromGGUFMetadata(tokens: [String], tokenTypes: [Int32]?, padTokenID: Int?, model: String?,
                                        source: String, roleIDs: [(key: String, role: String, id: Int)] = [],
                                        unusableIDs: [(key: String, text: String)] = []) -> Tokenizer {
        fromGGUFMetadata(packedTokens: PackedTokenTexts(tokens.lazy.map { Optional($0) }), tokenTypes: tokenTypes,
                         padTokenID: padTokenID, model: model, source: source, roleIDs: roleIDs, unusableIDs: unusableIDs)
    }

    /// The same from the token list as the GGUF reader packed it (`GGUFStringArray`'s buffers),
    /// which the tokenizer keeps as they are: no `String` per token.
    ///
    /// `repairedIDs`: tokens whose bytes were not valid UTF-8 (`GGUFStringArray.repaired`),
    /// held here as their repair (U+FFFD). Their bytes are not known here, so they never shadow
    /// and are never shadowed: compared as shown, 0xFF, 0xFE and a real U+FFFD token all read
    /// "\u{FFFD}", and all but the first were called never produced (a vocabulary storing partial
    /// characters as raw bytes, as RWKV's does, has many such tokens, each a distinct id to llama.cpp).
    public static func fromGGUFMetadata(packedTokens tokens: PackedTokenTexts, tokenTypes: [Int32]?, padTokenID: Int?,
                                        model: String?, source: String, roleIDs: [(key: String, role: String, id: Int)] = [],
                                        unusableIDs: [(key: String, text: String)] = [],
                                        repairedIDs: Set<Int> = []) -> Tokenizer {
        // llama.cpp's names: `gpt2` is byte-level BPE, `llama` SentencePiece's BPE with byte
        // fallback (which tokenizers' tokenizer.json also calls BPE), `bert` WordPiece, `t5` Unigram.
        // llama.cpp's loader (`llama_vocab::impl::load`) also reads `gemma4`, `hybriddna` and
        // `whitespace` as BPE with merges (the real ggml-vocab-gemma-4.gguf was "unknown": review
        // of 2026-12-07); only `gpt2` is byte-level.
        let kind: Kind = switch model {
        case "bert": .wordPiece
        case "t5": .unigram
        case "gpt2", "llama", "gemma4", "hybriddna", "whitespace": .bpe
        default: .unknown
        }
        // The last id of a text wins, as in llama.cpp's token_to_id; earlier ones are shadowed by it.
        let (ids, shadowed) = TokenIDTable.lastIDs(of: tokens, skipping: repairedIDs)
        var roles: [Int: [String]] = [:]
        var unused = Set<Int>(), userDefined = Set<Int>()
        for (id, type) in (tokenTypes ?? []).enumerated() where id < tokens.count {
            // CONTROL and UNKNOWN tokens are special: neither is an ordinary token that text maps
            // to. Named by their GGUF token type: the unk role is `tokenizer.ggml.unknown_token_id`'s
            // alone (phi-3's 53 `[PAD…]` tokens of type UNKNOWN were 54 "unk_token"; review, 2026-12-05).
            if type == 3 { roles[id, default: []].append("control") }
            if type == 2 { roles[id, default: []].append("unknown") }
            if type == 5 { unused.insert(id) }
            if type == 4 { userDefined.insert(id) }
        }
        var notes: [String] = []
        var padNotes: [String] = []
        for (key, role, id) in roleIDs {
            guard id >= 0 && id < tokens.count else {
                notes.append("\(source): \(key) \(id) is not a token id (\(tokens.count) tokens); not used")
                continue
            }
            if !(roles[id] ?? []).contains(role) { roles[id, default: []].append(role) }
        }
        // The pad id is a role too, as `pad_token` is in tokenizer_config.json: the HF folder of
        // all-MiniLM-L6-v2 lists [PAD] with ["pad_token"], its GGUF conversion listed it with
        // ["control"] only, though `padding_token_id` 0 names it. An id past the token list
        // gets no role (the pad-row check reports it as no row of the matrix).
        if let padTokenID, padTokenID >= 0, padTokenID < tokens.count, !(roles[padTokenID] ?? []).contains("pad_token") {
            roles[padTokenID, default: []].append("pad_token")
        }
        for (key, text) in unusableIDs {
            notes.append("\(source): \(key) is \(text), not a token id (\(tokens.count) tokens); not used")
            // The pad id itself (GGUFTokenizerMetadata.paddingKey): a pad id source not used.
            if key == "tokenizer.ggml.padding_token_id" { padNotes.append(notes[notes.count - 1]) }
        }
        let special = roles.keys.sorted().map { SpecialToken(id: $0, content: tokens[$0] ?? "", roles: roles[$0] ?? []) }
        let section = "\(source) (tokenizer.ggml.padding_token_id)"
        var pad: PadToken?
        if let padTokenID, padTokenID >= 0, padTokenID < tokens.count {
            pad = PadToken(content: tokens[padTokenID] ?? "#\(padTokenID)",
                           id: padTokenID, declaredIn: section)
        } else if let padTokenID {
            // No token of the list: `tokens` showed "pad token "#-1" (id -1)" (adversarial test,
            // 2026-12-04). Not used, and said so, as for the role ids above.
            notes.append("\(source): tokenizer.ggml.padding_token_id \(padTokenID) is not a token id (\(tokens.count) tokens); not used")
            padNotes.append(notes[notes.count - 1])
        }
        var tokenizer = Tokenizer(kind: kind, sources: [source], byteLevel: model == "gpt2",
                                  byteFallback: model == "llama" || (tokenTypes ?? []).contains(6),
                                  addedTokens: [], specialTokens: special, padToken: pad, shadowedIDs: shadowed, notes: notes,
                                  tokensByID: tokens, idsByToken: ids, modelVocabularyCount: tokens.count)
        tokenizer.padTokenNotes = padNotes
        tokenizer.markedUnusedIDs = unused
        tokenizer.matchedAsTextIDs = userDefined
        tokenizer.phantomSpace = model == "bert"
        tokenizer.llamaCppWordPiece = model == "bert" && repairedIDs.isEmpty
        return tokenizer
    }
}
