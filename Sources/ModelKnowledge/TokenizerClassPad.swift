/// What transformers takes as the pad token when tokenizer_config.json names a tokenizer class
/// and no settings file states `pad_token`: the class's own default, or tokenizer.json's padding
/// section's text. Measured per class by `TestData/knowledge/generate_tokenizer_class_pads.py`
/// (`measured`, in TokenizerClassPads.swift); a class not in the table is one the reader does
/// not know, and says so.
///
/// Why: the section's `pad_token` is only a `setdefault` in `PreTrainedTokenizerFast`; a class
/// that passes a default of its own wins. A folder naming BertTokenizer whose padding section
/// said "</s>" had row "</s>" checked where transformers pads with "[PAD]" (helper-146).
enum TokenizerClassPad: Equatable, Sendable {
    /// tokenizer.json's padding section decides (the class has no default of its own).
    case section
    /// The class's own pad token: a token text, or nil for none.
    case own(String?)
}
