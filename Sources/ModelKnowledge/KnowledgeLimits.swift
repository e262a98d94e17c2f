/// Bounds that keep hostile tokenizer and config files finite in time and memory.
///
/// The largest real files sized these: Gemma 3's tokenizer.json is 33 MB with 262,144 tokens,
/// tokenizer_config.json files with a full `added_tokens_decoder` reach ~2 MB, and the
/// largest vocabularies on the Hub have about 1M tokens. The whole file is parsed into a JSON
/// tree first, which costs about 16 bytes of memory per file byte: a synthetic 8.2 MB
/// tokenizer.json (262,400 tokens, 260,000 merges) peaked at 165 MB RSS and took 4.5 s in a
/// debug build (test process included). `maxTokenizerJSONBytes` is therefore also the memory
/// bound: 64 MiB of file, about 1 GB at most.
public struct KnowledgeLimits: Sendable, Equatable {
    /// Largest tokenizer.json accepted.
    public var maxTokenizerJSONBytes = 64 << 20
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
