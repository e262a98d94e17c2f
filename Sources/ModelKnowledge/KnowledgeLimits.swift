/// Bounds that keep hostile tokenizer and config files finite in time and memory.
///
/// The largest real files sized these: Gemma 3's tokenizer.json is 33 MB with 262,144 tokens,
/// tokenizer_config.json files with a full `added_tokens_decoder` reach ~2 MB, and the
/// largest vocabularies on the Hub have about 1M tokens. The parsed JSON tree costs a few times
/// the file size, so `maxTokenizerJSONBytes` is also the memory bound.
public struct KnowledgeLimits: Sendable, Equatable {
    /// Largest tokenizer.json accepted.
    public var maxTokenizerJSONBytes = 128 << 20
    /// Largest config.json, tokenizer_config.json or special_tokens_map.json accepted.
    public var maxSmallJSONBytes = 16 << 20
    /// Largest vocab.txt accepted.
    public var maxVocabTextBytes = 64 << 20
    /// Most tokens, and the bound on `id + 1` for every id (ids index the token table, so a
    /// lying id of 2^40 must not allocate a 2^40-entry table).
    public var maxVocabularySize = 4_194_304

    public init() {}

    public static let `default` = KnowledgeLimits()
}
