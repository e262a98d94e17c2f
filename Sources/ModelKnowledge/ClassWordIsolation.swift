/// What a tokenizer class builds in place of tokenizer.json's normalizer and pre-tokenizer when
/// transformers loads it, as far as `WordIsolation` needs: measured per class by
/// `TestData/knowledge/generate_class_word_isolation.py` (`measured`, in
/// ClassWordIsolations.swift; a class not in it keeps tokenizer.json's).
///
/// Why: transformers 5.25's BertTokenizer (and Funnel's, MPNet's, …) rebuilds the normalizer as
/// BertNormalizer(handle_chinese_chars: tokenizer_config.json's `tokenize_chinese_chars`, default
/// true) and the pre-tokenizer as BertPreTokenizer, whatever tokenizer.json says. MiniLM with
/// `handle_chinese_chars: false` in its tokenizer.json had 244 CJK tokens that can never be
/// produced counted as ordinary (hunt-53a D2); a generic backend keeps tokenizer.json's `true`
/// even when the config says false, and the reader had turned CJK off (hunt-52a D6).
struct ClassWordIsolation: Equatable, Sendable {
    /// Whose normalizer or pre-tokenizer the loaded tokenizer has.
    enum Part: Equatable, Sendable {
        /// tokenizer.json's, kept.
        case json
        /// The class builds a BertNormalizer / BertPreTokenizer of its own.
        case bert
        /// The class builds something else: no isolation is claimed from it.
        case other
    }

    var preTokenizer: Part
    var normalizer: Part
    /// The built BertNormalizer's `handle_chinese_chars` when tokenizer_config.json does not
    /// set `tokenize_chinese_chars`; nil when the measurements disagreed (nothing claimed).
    var chineseDefault: Bool?
    /// Whether tokenizer_config.json's `tokenize_chinese_chars` sets it.
    var chineseFromConfig: Bool
    /// Whether the loaded model is still WordPiece.
    var wordPiece: Bool

    /// The isolation of a tokenizer this class loads from `file`: tokenizer.json's WordPiece
    /// facts (`punctuation`: its pre-tokenizer isolates punctuation; `chinese`: its normalizer
    /// sets CJK apart), with what the class builds in their place. nil: nothing is isolated.
    func apply(to file: WordIsolation, tokenizeChineseChars: Bool?) -> WordIsolation? {
        guard wordPiece else { return nil }
        var isolation = file
        switch preTokenizer {
        case .json: guard file.punctuation else { return nil }
        case .bert: isolation.punctuation = true
        case .other: return nil
        }
        switch normalizer {
        case .json: break
        case .bert: isolation.chinese = (chineseFromConfig ? tokenizeChineseChars ?? chineseDefault : chineseDefault) ?? false
        case .other: isolation.chinese = false
        }
        return isolation
    }
}
