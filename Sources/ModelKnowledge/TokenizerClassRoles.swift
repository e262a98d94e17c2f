/// The special tokens a tokenizer class has of its own: transformers uses one for a role no
/// settings file states (BertTokenizer's `[SEP]`, LlamaTokenizer's `<s>`, GPT2Tokenizer's
/// `<|endoftext|>`), and adds it at load when the vocabulary lacks it, as it adds the class's
/// own additional special tokens (T5Tokenizer's `<extra_id_0>` … `<extra_id_99>`). Measured per
/// class by `TestData/knowledge/generate_tokenizer_class_roles.py` (`measured`, in
/// TokenizerClassRoles+Table.swift); the pad token is `TokenizerClassPad`'s.
///
/// Why: such a token takes the next free id before a missing pad token whose role comes later.
/// A BertTokenizer folder whose vocabulary lacks `[SEP]` and whose config states a pad `<pad>`
/// it also lacks gives `[SEP]` id 400 and `<pad>` 401, and a 401-row embedding fails on every
/// padded batch; placing the pad at 400 called row 400 the pad's (hunt-62b N2).
struct TokenizerClassRoles: Sendable {
    /// Role (`bos_token`, …, never `pad_token`) and the class's text for it, in transformers' order.
    var roles: [(role: String, text: String)]
    /// The additional special tokens the class adds when the settings state none.
    var additional: Additional = .texts([])
    /// Whether `extra_ids` sets the count of `additional` (its tokens are numbered).
    var isNumbered: Bool { if case .numbered = additional { true } else { false } }

    /// What those do when tokenizer_config.json states `additional_special_tokens`.
    var whenStated: WhenStated = .replaced
    /// … when only special_tokens_map.json states it (T5Tokenizer keeps its own after the
    /// stated ones there, where the config's list replaces them: hunt-63d H4).
    var whenStatedInMap: WhenStated = .replaced
    /// … when tokenizer_config.json states it null (T5Tokenizer adds none: hunt-63d H2).
    var whenNull: WhenStated = .replaced

    enum Additional: Sendable {
        case texts([String])
        /// `prefix` + 0 … count - 1 + `suffix`: T5's `<extra_id_N>`, whose count tokenizer_config.json's
        /// `extra_ids` sets (measured: `extra_ids` 2 gives two, 0 none).
        case numbered(prefix: String, suffix: String, count: Int)
    }

    enum WhenStated: Sendable {
        /// Only the stated ones are added (T5Tokenizer, MBartTokenizer).
        case replaced
        /// The class's come first, then the stated ones (SplinterTokenizer's `[QUESTION]`).
        case kept
        /// The stated ones first, then the class's (T5Tokenizer with a list in special_tokens_map.json).
        case keptAfterStated
        /// Neither: the reader adds none of the class's.
        case unknown
    }

    /// The largest `extra_ids` placed: T5 uses 100; a 300-byte config stating 4 million cost
    /// 14 s and 825 MB in strings (hunt-63d M3). Past it the ids are said to be unknown.
    static let extraIDsLimit = 10_000

    /// The class's text for `role`, if it has one.
    func text(for role: String) -> String? { roles.first { $0.role == role }?.text }

    /// The class's additional special tokens, `extraIDs` (tokenizer_config.json's `extra_ids`,
    /// at most `extraIDsLimit`) setting the count of numbered ones.
    func additionalTexts(extraIDs: Int?) -> [String] {
        switch additional {
        case .texts(let texts): texts
        case .numbered(let prefix, let suffix, let count):
            (0..<min(Self.extraIDsLimit, max(0, extraIDs ?? count))).map { "\(prefix)\($0)\(suffix)" }
        }
    }
}
