/// Characters a WordPiece tokenizer's own files show can never sit inside a word: its
/// pre-tokenizer makes each punctuation character a word of its own and breaks words at
/// whitespace, and its normalizer may set CJK ideographs apart the same way. So a vocabulary
/// token that holds such a character beside other characters, or as a continuation (`##)`,
/// `##戦`, `a.`), is never produced, and its embedding row never trains.
///
/// Why: audit's `untrained-tokens` counted 168 such tokens of all-MiniLM-L6-v2 as "ordinary"
/// tokens worth a look, and led the README walk-through's list with `##戦` and `##)`
/// (helper-149, 2026-12-06). Which code points count is measured from the `tokenizers` library
/// (`BertIsolatedCharacters`), not from this platform's Unicode tables.
public struct WordIsolation: Sendable, Equatable {
    /// tokenizer.json's `pre_tokenizer` is BertPreTokenizer, or a Sequence of it and
    /// pre-tokenizers that only split words further (`TokenizerJSONReader.isolatesPunctuation`).
    public var punctuation: Bool
    /// tokenizer.json's `normalizer` is BertNormalizer (or a Sequence holding it) whose
    /// `handle_chinese_chars` is not false, and tokenizer_config.json does not set
    /// `tokenize_chinese_chars` to false (transformers' BertTokenizerFast rebuilds the normalizer then).
    public var chinese: Bool
    /// `model.continuing_subword_prefix` (WordPiece's default `##`).
    public var continuingPrefix: String
    /// `model.unk_token`: WordPiece emits it for a word it cannot spell, so it is used whatever
    /// its text holds (`[UNK]`).
    public var unknownToken: String? = nil
    /// Tokens tokenizer.json's `post_processor` inserts by id (`[CLS]`, `[SEP]` of a
    /// TemplateProcessing or BertProcessing): used whatever their text holds, even when no
    /// `added_tokens` entry names them (helper-150).
    var insertedTokens: Set<TokenText> = []

    /// How a character is kept out of words.
    public enum Kind: String, Sendable, Equatable {
        case punctuation
        case whitespace
        case chinese
    }

    /// How `scalar` is kept out of words, or nil when it may sit in one.
    public func kind(of scalar: Unicode.Scalar) -> Kind? {
        let value = scalar.value
        if punctuation {
            if BertIsolatedCharacters.contains(BertIsolatedCharacters.isolated, value) { return .punctuation }
            if BertIsolatedCharacters.contains(BertIsolatedCharacters.dropped, value) { return .whitespace }
        }
        if chinese, BertIsolatedCharacters.contains(BertIsolatedCharacters.chinese, value) { return .chinese }
        return nil
    }

    /// Why a model-vocabulary token (not an added token: those are matched before the
    /// normalizer and pre-tokenizer run) can never be produced, or nil. A token that is one
    /// isolated character alone and no continuation is that character's own word, and stays.
    func reason(for token: UnsafeBufferPointer<UInt8>) -> UnusedTokenReason? {
        // Letters and digits of ASCII are never isolated: most tokens end the check here.
        guard token.contains(where: { $0 >= 0x80 || !Self.asciiWordByte($0) }) else { return nil }
        let text = String(decoding: token, as: UTF8.self)
        if let unknownToken, TokenText(unknownToken) == TokenText(text) { return nil }
        if insertedTokens.contains(TokenText(text)) { return nil }
        // The prefix by bytes: `String.hasPrefix` compares characters, and in `##ि` the vowel
        // sign joins the second `#`, so the token read as no continuation holding "#". An empty
        // prefix marks no continuation: every token would have been one, and a lone `.` unused.
        let prefix = continuingPrefix.utf8
        let continuation = !prefix.isEmpty && token.count > prefix.count && token.prefix(prefix.count).elementsEqual(prefix)
        let body = continuation ? String(decoding: token.dropFirst(prefix.count), as: UTF8.self) : text
        let scalars = body.unicodeScalars
        guard let first = scalars.first(where: { kind(of: $0) != nil }), let kind = kind(of: first) else { return nil }
        if !continuation, scalars.count == 1, kind != .whitespace { return nil }
        return .isolatedCharacter(first, kind: kind, continuation: continuation)
    }

    /// An ASCII letter or digit: never kept out of a word by either tokenizer's rules.
    static func asciiWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}

/// The measured code point tables (`BertIsolatedCharacters.swift`, generated) and their lookup.
enum BertIsolatedCharacters {
    /// Whether `value` lies in one of `ranges` (sorted, disjoint): a binary search.
    static func contains(_ ranges: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < value { low = middle + 1 } else { high = middle }
        }
        return low < ranges.count && ranges[low].contains(value)
    }
}
