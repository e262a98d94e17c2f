/// A tokenizer's vocabulary as read from its files: id ↔ token text, added and special tokens,
/// the pad token it declares, and which files said what.
///
/// `vocabularySize` is the largest id + 1 over the model vocabulary and the added tokens (the
/// rows an embedding needs so that every id has one), not the number of entries: an id that no
/// token uses is a hole, and `token(for:)` returns nil for it. This matches `len(tokenizer)` in
/// transformers and `get_vocab_size(with_added_tokens=True)` in tokenizers when ids are dense.
public struct Tokenizer: Sendable, Equatable {
    /// The tokenizer model of tokenizer.json (`model.type`), or a plain vocab.txt list.
    public enum Kind: String, Sendable, Equatable {
        case wordPiece = "WordPiece"
        case bpe = "BPE"
        case unigram = "Unigram"
        case wordLevel = "WordLevel"
        /// vocab.txt: line number = id (BERT's slow tokenizer).
        case vocabList = "vocab.txt"
        /// A GGUF file's `tokenizer.ggml.model` that names none of the above (`rwkv`, `none`, a
        /// name llama.cpp does not know) or is missing: the tokens are read, their model is
        /// not known. (Every such file was labelled BPE: adversarial review, 2026-12-05.)
        case unknown
    }

    /// A token listed in `added_tokens` (tokenizer.json) or `added_tokens_decoder` (tokenizer_config.json).
    public struct AddedToken: Sendable, Equatable {
        public var id: Int
        public var content: String
        public var special: Bool

        public init(id: Int, content: String, special: Bool) {
            self.id = id
            self.content = content
            self.special = special
        }
    }

    /// A special token with the roles the config files give it (`pad_token`, `mask_token`, …);
    /// roles are empty for a token that is only flagged `special` in the added tokens.
    public struct SpecialToken: Sendable, Equatable {
        public var id: Int
        public var content: String
        public var roles: [String]

        public init(id: Int, content: String, roles: [String]) {
            self.id = id
            self.content = content
            self.roles = roles
        }
    }

    /// The pad token a tokenizer file declares, and where.
    public struct PadToken: Sendable, Equatable {
        public var content: String
        /// nil when the text is not a token of this vocabulary.
        public var id: Int?
        /// The file (and section) that declares it, e.g. `tokenizer_config.json`.
        public var declaredIn: String
    }

    public var kind: Kind
    /// The files read, in the order they were applied.
    public var sources: [String]
    /// The pre-tokenizer or decoder is ByteLevel: tokens are spelled in GPT-2's byte alphabet.
    public var byteLevel: Bool
    /// `model.byte_fallback`: unknown characters become `<0xNN>` byte tokens (Llama, Mistral).
    public var byteFallback: Bool
    public var addedTokens: [AddedToken]
    /// Special tokens sorted by id.
    public var specialTokens: [SpecialToken] {
        didSet { specialIDs = Set(specialTokens.map(\.id)) }
    }
    /// The ids of `specialTokens`, so `isSpecial` is O(1): callers ask it for every row of a
    /// matrix, and a vocabulary can hold thousands of special tokens.
    var specialIDs: Set<Int> = []
    public var padToken: PadToken?
    /// Model-vocabulary ids that no input can produce because another entry claims their text
    /// (an added token with another id, or a later duplicate line of vocab.txt), with the id that wins.
    public var shadowedIDs: [Int: Int]
    /// Things noticed while reading that are not errors (disagreeing files, unknown pad text).
    public var notes: [String]
    /// The notes (each also in `notes`) that name a pad token source the tokenizer did not use:
    /// a file's pad token another file overrides or transformers ignores, a `pad_token: null`,
    /// a pad id that is no token id. `padding` and `audit` report them as sources of the pad id
    /// not used (`pad-id-source-ignored`), beside `PadIDResolver`'s own.
    public var padTokenNotes: [String] = []
    /// Ids the tokenizer's own file marks unused (a GGUF `token_type` of UNUSED).
    public var markedUnusedIDs: Set<Int> = []
    /// GGUF tokens of type USER_DEFINED (4): llama.cpp matches them in the text as they are,
    /// before any word is split, so no rule about words says they are never produced.
    public var matchedAsTextIDs: Set<Int> = []
    /// Whether a word-start token is stored as `▁` + its text (llama.cpp's WordPiece GGUF
    /// vocabularies): rules that look at a token's name see through the `▁`.
    public var phantomSpace = false
    /// Whether llama.cpp's WordPiece rules (`LlamaCppWordPiece`) say which tokens are never
    /// produced: a `bert` GGUF vocabulary all of whose tokens are UTF-8. Pieces that are not
    /// (`\xE2`, `\x96\x81`) join into a "▁" in llama.cpp's byte-wise matching, which no rule on
    /// characters follows (hunt-59e P3).
    public var llamaCppWordPiece = false
    /// For a WordPiece tokenizer.json whose pre-tokenizer (and normalizer) keep characters out
    /// of words: which, so tokens holding them are known unused (`WordIsolation`); else nil.
    public var wordIsolation: WordIsolation?
    /// tokenizer_config.json's `tokenizer_class`, when it names one.
    public var tokenizerClass: String?
    /// The class transformers' AutoTokenizer builds from these files and config.json
    /// (`AutoTokenizerClass`), nil when nothing names one.
    public var builtClass: AutoTokenizerClass?

    /// Model-vocabulary tokens by id (holes where no token is); added tokens override their id's entry.
    var tokensByID: PackedTokenTexts
    /// Keyed by UTF-8 bytes, which is code points (`TokenText`), as tokenizers look tokens up.
    var idsByToken: TokenIDTable
    /// Number of entries in the model vocabulary (before added tokens).
    public internal(set) var modelVocabularyCount: Int

    /// Largest id + 1 over the model vocabulary and added tokens (see the type's comment).
    public var vocabularySize: Int { tokensByID.count }

    /// The id transformers gives the next token it adds to this tokenizer (a pad token the
    /// vocabulary lacks, which it adds when it loads the files): the tokenizers library's rule,
    /// past the largest added id when that is not below the model vocabulary's entry count,
    /// else that count (`VocabularyTable.tokenizersIDs`; TestData/knowledge/config-added-ids).
    /// The class may add other missing special tokens first, so a pad token's id is this or
    /// larger.
    public var nextAddedID: Int { VocabularyTable.firstNewID(entries: modelVocabularyCount, addedIDs: addedTokens.lazy.map(\.id)) }

    /// The texts of the special-token roles the files name (`bos_token`, `eos_token`,
    /// `unk_token`, `sep_token`, `pad_token`, `cls_token`, `mask_token`, in that order, then
    /// `additional_special_tokens`/`extra_special_tokens`; each text once) that the vocabulary lacks: transformers adds them when it loads the files,
    /// in that order, from `nextAddedID` on (hunt-62a M1; the order is its
    /// `_special_tokens_map`'s).
    public internal(set) var rolesNotInVocabulary: [RoleText] = []

    /// A special-token role and the text a file gives it.
    public struct RoleText: Sendable, Equatable {
        public var role: String
        public var text: String
    }

    /// The special tokens transformers adds at load, in its order: `rolesNotInVocabulary` (the
    /// class's own included, `TokenizerClassRoles`), and a pad token the vocabulary lacks that no
    /// role names (the class's own) in the pad role's place. Their ids are `nextAddedID` and on,
    /// one each; when `specialsAddedAtLoadExact` is false, a class whose own tokens were not
    /// measured may add some among them, so an id is a lower bound.
    public var specialsAddedAtLoad: [String] {
        // In transformers' role order, each text once at its first role: a class pad "[PAD]"
        // the vocabulary lacks that a file also states as mask_token is added in the pad's slot,
        // before cls and mask (hunt-63d H3: it was placed at the mask's).
        // One walk over the list, which can hold 200,000 additional tokens: the texts sorted
        // into their roles' slots, then the slots read in order.
        let pad = padToken.flatMap { $0.id == nil ? $0.content : nil }
        let order = TokenizerSettingsReader.roleKeys + ["additional_special_tokens"]
        var slots = [[String]](repeating: [], count: order.count)
        for entry in rolesNotInVocabulary where entry.role != "pad_token" {
            if let slot = order.firstIndex(of: entry.role) { slots[slot].append(entry.text) }
        }
        if let pad, let slot = order.firstIndex(of: "pad_token") { slots[slot] = [pad] }
        var texts: [String] = []
        var seen = Set<TokenText>()
        for text in slots.joined() where seen.insert(TokenText(text)).inserted { texts.append(text) }
        return texts
    }

    /// Whether `specialsAddedAtLoad` holds every special token transformers adds, so their ids
    /// are exact: the class AutoTokenizer builds is measured in `TokenizerClassRoles` (the
    /// generic classes have none of their own), or nothing names one.
    public var specialsAddedAtLoadExact: Bool {
        !classTokensUnknown && (builtClass.map { $0.entry(in: TokenizerClassRoles.measured) != nil } ?? true)
    }

    /// The class's own additional tokens could not be placed: a rule not measured for how the
    /// files state them, or an `extra_ids` past `TokenizerClassRoles.extraIDsLimit`.
    var classTokensUnknown = false

    /// The lowest id the pad token can get when transformers adds it (the vocabulary lacks it):
    /// after the vocabulary, the added tokens and the special tokens it adds before the pad.
    public var addedPadLowestID: Int? {
        guard let pad = padToken, pad.id == nil,
              let index = specialsAddedAtLoad.firstIndex(where: { TokenText($0) == TokenText(pad.content) }) else { return nil }
        return nextAddedID + index
    }

    /// The token text of `id`, or nil for an id out of range or a hole.
    public func token(for id: Int) -> String? { tokensByID[id] }

    /// The id the tokenizer uses for `token`: an added token wins over the model vocabulary, as
    /// in tokenizers (added tokens are matched before the model runs).
    public func id(for token: String) -> Int? { idsByToken.id(for: token) }

    /// Whether `id` is one of `specialTokens`.
    public func isSpecial(_ id: Int) -> Bool { specialIDs.contains(id) }

    /// Whether a model inserts token `id` by its id rather than from text: a special token
    /// (a role such as `cls_token`, or CONTROL) or the pad token.
    public func isInsertedByID(_ id: Int) -> Bool { specialIDs.contains(id) || padToken?.id == id }

    /// Every stored property, and `specialIDs` from `specialTokens`: an explicit init because a
    /// property observer does not run in the memberwise one, so a tokenizer built with its
    /// special tokens in hand (GGUF) answered `isSpecial` false for all of them.
    init(kind: Kind, sources: [String], byteLevel: Bool, byteFallback: Bool, addedTokens: [AddedToken],
         specialTokens: [SpecialToken], padToken: PadToken?, shadowedIDs: [Int: Int], notes: [String],
         tokensByID: PackedTokenTexts, idsByToken: TokenIDTable, modelVocabularyCount: Int) {
        self.kind = kind
        self.sources = sources
        self.byteLevel = byteLevel
        self.byteFallback = byteFallback
        self.addedTokens = addedTokens
        self.specialTokens = specialTokens
        self.specialIDs = Set(specialTokens.map(\.id))
        self.padToken = padToken
        self.shadowedIDs = shadowedIDs
        self.notes = notes
        self.tokensByID = tokensByID
        self.idsByToken = idsByToken
        self.modelVocabularyCount = modelVocabularyCount
    }
}
