/// Tokens of a llama.cpp WordPiece vocabulary (`tokenizer.ggml.model` `bert`) that llama.cpp's
/// tokenizer never produces from text, by the characters they hold.
///
/// llama.cpp's `llm_tokenizer_wpm_session` (src/llama-vocab.cpp as vendored by llama-cpp-python
/// 0.3.36) splits text into words (`preprocess`): whitespace ends a word, control characters are
/// dropped, and every punctuation character, ASCII symbol and CJK ideograph is a word of its own.
/// It then matches "▁" + each word longest-first. The converter writes BERT's word-initial tokens
/// as "▁" + text and its `##` continuations without the `##`. So a token holding such a character
/// beside other characters, or as a continuation (no "▁": BERT's `##)`, `##戦`), or holding a
/// whitespace or dropped character, is never produced, and its embedding row never trains.
///
/// Why: the real all-MiniLM-L6-v2 GGUF listed `戦`, `犬`, `)` (BERT's `##戦`, `##犬`, `##)`) first
/// among ordinary tokens that barely trained (review of 2026-12-07); the tokenizer.json path has
/// had this rule (`WordIsolation`) since 2026-12-06. The characters are llama.cpp's own
/// (`LlamaCppWordPiece+Table.swift`, measured from its Unicode tables), not `tokenizers`'.
public enum LlamaCppWordPiece {
    /// How a character is kept out of a word.
    public enum Kind: String, Sendable, Equatable {
        /// Punctuation or an ASCII symbol: a word of its own.
        case punctuation
        /// A CJK ideograph: a word of its own.
        case chinese
        /// Whitespace: ends a word.
        case whitespace
        /// 0, U+FFFD, a control or format character: dropped from the text.
        case dropped
    }

    /// How `scalar` is kept out of words, or nil when it may sit in one.
    public static func kind(of scalar: Unicode.Scalar) -> Kind? {
        let value = scalar.value
        if BertIsolatedCharacters.contains(isolated, value) { return .punctuation }
        if BertIsolatedCharacters.contains(chinese, value) { return .chinese }
        if BertIsolatedCharacters.contains(whitespace, value) { return .whitespace }
        if BertIsolatedCharacters.contains(dropped, value) { return .dropped }
        return nil
    }

    /// Why a NORMAL token of the vocabulary is never produced, or nil. A word-initial token
    /// ("▁" + text) of one punctuation or CJK character is that character's own word, and stays;
    /// so does such a character alone as a continuation when the vocabulary holds a bare "▁"
    /// and not "▁" + it (`hasToken`): the word "▁c" is then matched as "▁", "c" (hunt-59c P6).
    static func reason(for token: UnsafeBufferPointer<UInt8>, hasToken: (String) -> Bool) -> UnusedTokenReason? {
        // ASCII letters and digits are never kept out of words: most tokens end the check here.
        guard token.contains(where: { $0 >= 0x80 || !WordIsolation.asciiWordByte($0) }) else { return nil }
        let body = UnusedTokens.withoutPhantomSpace(token)
        let continuation = body.count == token.count
        let scalars = String(decoding: body, as: UTF8.self).unicodeScalars
        guard let first = scalars.first(where: { kind(of: $0) != nil }), let kind = kind(of: first) else { return nil }
        if scalars.count == 1, kind == .punctuation || kind == .chinese {
            if !continuation { return nil }
            if hasToken("\u{2581}"), !hasToken("\u{2581}" + String(first)) { return nil }
        }
        return .llamaCppWordPiece(first, kind: kind, continuation: continuation)
    }
}
